// Package sigv4 verifies AWS Signature Version 4 on incoming HTTP requests,
// the way IAM, STS and Amazon Connect do, and signs requests for tests and
// load generators without the AWS SDK.
//
// A [Verifier] accepts both transports of SigV4: the Authorization header
// and presigned query parameters (X-Amz-Algorithm, X-Amz-Credential, ...).
// It recomputes the signature from the request as received and the body
// hash computed by the server, looks the access key up in a
// [CredentialStore], and reports every failure as an [*Error] that carries
// the AWS error code of either protocol (awsQuery for IAM and STS,
// JSON/restJson1 for Connect) and AWS's message.
//
// Decisions where AWS is silent or services differ:
//
//   - The canonical URI follows the rules of every service except S3: dot
//     segments and empty segments are removed and each segment of the path
//     as sent (still percent-encoded) is encoded again. A request signed over
//     the path exactly as sent, without normalisation, is accepted as well,
//     because the Go SDK does not normalise.
//   - Any region is accepted and returned in [Result]; the service must be
//     one of [Verifier.Services].
//   - host must be signed. Every x-amz-* header sent must be signed, except
//     X-Amz-Security-Token, which some clients add after signing (the AWS
//     test suite's post-sts-header-after case).
//   - The payload hash is always computed by the server. A sent
//     X-Amz-Content-Sha256 header must equal it. UNSIGNED-PAYLOAD is
//     accepted only on presigned requests with an empty body; streaming
//     payloads are rejected (this server serves no S3).
//   - The request time may differ from the server clock by at most
//     [Verifier.MaxSkew] (default 5 minutes) in either direction. A
//     presigned request is valid from X-Amz-Date minus the skew to
//     X-Amz-Date plus X-Amz-Expires (1 to 604800 seconds).
//   - Session tokens are compared in constant time with the token stored
//     for the access key; signatures are compared with [hmac.Equal].
package sigv4

import (
	"context"
	"time"
)

// Credentials are the secret and metadata the server holds for one access
// key ID.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	// SessionToken is non-empty for temporary credentials (ASIA keys); a
	// request signed with them must carry exactly this token.
	SessionToken string
	// Expires is when temporary credentials expire; zero for long-term keys.
	Expires time.Time
	// Principal is an opaque handle of the principal the key belongs to,
	// returned unchanged in [Result].
	Principal any
}

// CredentialStore looks up credentials by access key ID. The server
// implements it over its store. LookupCredentials returns an error wrapping
// [ErrUnknownAccessKey] when the key does not exist; any other error is
// reported as an internal failure.
type CredentialStore interface {
	LookupCredentials(ctx context.Context, accessKeyID string) (Credentials, error)
}

// CredentialStoreFunc adapts a function to [CredentialStore].
type CredentialStoreFunc func(ctx context.Context, accessKeyID string) (Credentials, error)

// LookupCredentials calls f(ctx, accessKeyID).
func (f CredentialStoreFunc) LookupCredentials(ctx context.Context, accessKeyID string) (Credentials, error) {
	return f(ctx, accessKeyID)
}
