package sigv4

import (
	"errors"
	"net/http"
)

// ErrUnknownAccessKey is returned by a [CredentialStore] when it holds no
// credentials for the requested access key ID. [Verifier.Verify] reports it to
// the client as InvalidClientTokenId (UnrecognizedClientException).
var ErrUnknownAccessKey = errors.New("sigv4: unknown access key ID")

// Kind classifies a verification failure. Each kind maps to one AWS error
// code per protocol; see [Error.QueryCode] and [Error.JSONCode].
type Kind int

// The kinds of verification failure.
const (
	// KindMissingAuthentication means the request carries neither an
	// Authorization header nor presigned query parameters.
	KindMissingAuthentication Kind = iota + 1
	// KindIncompleteSignature means the Authorization header or the presigned query
	// parameters are malformed or incomplete, or both forms are present.
	KindIncompleteSignature
	// KindUnknownAccessKey means the access key ID is not known to the store.
	KindUnknownAccessKey
	// KindInvalidToken means the session token is missing, unexpected or does not
	// match the one issued with the access key.
	KindInvalidToken
	// KindSignatureMismatch means the recomputed signature differs from the one
	// sent, or the request is otherwise not signed as required.
	KindSignatureMismatch
	// KindBadScope means the credential scope names a wrong service, an invalid
	// region or terminator, or a date other than the request date.
	KindBadScope
	// KindSignatureExpired means the request time is outside the allowed clock
	// skew, or a presigned URL is past its X-Amz-Expires.
	KindSignatureExpired
	// KindExpiredToken means the temporary credentials have expired.
	KindExpiredToken
	// KindInternal means the credential store failed; see [Error.Err].
	KindInternal
)

var kindNames = [...]string{
	KindMissingAuthentication: "missing authentication",
	KindIncompleteSignature:   "incomplete signature",
	KindUnknownAccessKey:      "unknown access key",
	KindInvalidToken:          "invalid session token",
	KindSignatureMismatch:     "signature mismatch",
	KindBadScope:              "bad credential scope",
	KindSignatureExpired:      "signature expired",
	KindExpiredToken:          "expired token",
	KindInternal:              "internal error",
}

// String returns a short lower-case description of the kind.
func (k Kind) String() string {
	if k > 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown kind"
}

// AWS messages (iam-spec.md §10.3). The messages of the malformed-header,
// scope, skew and host checks in verify.go are AWS's wording too. Where AWS's
// exact text is not known (presigned-URL expiry, duplicate parameters,
// unsigned x-amz-* headers, UNSIGNED-PAYLOAD and streaming payloads, the
// X-Amz-Expires range), the message follows AWS's style and says how to fix
// the request.
const (
	msgMissingAuth       = "Request is missing Authentication Token"
	msgInvalidToken      = "The security token included in the request is invalid."
	msgExpiredToken      = "The security token included in the request is expired"
	msgSignatureMismatch = "The request signature we calculated does not match the signature you provided. " +
		"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	msgInternal = "The request processing has failed because of an unknown error, exception or failure."
)

// Error is a SigV4 verification failure. Message is the text AWS returns for
// the same condition; the server writes it in the error body of the protocol
// in use, with the code from [Error.QueryCode] or [Error.JSONCode] and the
// status from [Error.HTTPStatus].
type Error struct {
	Kind    Kind
	Message string
	// Err is the underlying error for KindInternal (a store failure), or nil.
	Err error
}

// Error returns "sigv4: <kind>: <message>".
func (e *Error) Error() string {
	if e.Err != nil {
		return "sigv4: " + e.Kind.String() + ": " + e.Message + ": " + e.Err.Error()
	}
	return "sigv4: " + e.Kind.String() + ": " + e.Message
}

// Unwrap returns the underlying store error, if any.
func (e *Error) Unwrap() error { return e.Err }

// QueryCode returns the error code of the awsQuery protocol (IAM, STS):
// MissingAuthenticationToken, IncompleteSignature, InvalidClientTokenId,
// SignatureDoesNotMatch, ExpiredToken or InternalFailure.
func (e *Error) QueryCode() string {
	switch e.Kind {
	case KindMissingAuthentication:
		return "MissingAuthenticationToken"
	case KindIncompleteSignature:
		return "IncompleteSignature"
	case KindUnknownAccessKey, KindInvalidToken:
		return "InvalidClientTokenId"
	case KindSignatureMismatch, KindBadScope, KindSignatureExpired:
		return "SignatureDoesNotMatch"
	case KindExpiredToken:
		return "ExpiredToken"
	default:
		return "InternalFailure"
	}
}

// JSONCode returns the error code of the JSON and restJson1 protocols
// (Amazon Connect): MissingAuthenticationTokenException,
// IncompleteSignatureException, UnrecognizedClientException,
// InvalidSignatureException, ExpiredTokenException or InternalFailure.
func (e *Error) JSONCode() string {
	switch e.Kind {
	case KindMissingAuthentication:
		return "MissingAuthenticationTokenException"
	case KindIncompleteSignature:
		return "IncompleteSignatureException"
	case KindUnknownAccessKey, KindInvalidToken:
		return "UnrecognizedClientException"
	case KindSignatureMismatch, KindBadScope, KindSignatureExpired:
		return "InvalidSignatureException"
	case KindExpiredToken:
		return "ExpiredTokenException"
	default:
		return "InternalFailure"
	}
}

// HTTPStatus returns the HTTP status of the error in the awsQuery protocol,
// as the IAM API Reference "Common Error Types" lists them: 400 for
// IncompleteSignature, 500 for InternalFailure, 403 otherwise (including
// ExpiredToken).
func (e *Error) HTTPStatus() int {
	switch e.Kind {
	case KindIncompleteSignature:
		return http.StatusBadRequest
	case KindInternal:
		return http.StatusInternalServerError
	default:
		return http.StatusForbidden
	}
}

// JSONHTTPStatus returns the HTTP status of the error in the JSON and
// restJson1 protocols, as the "Common Errors" pages of those services list
// them: 500 for InternalFailure and 403 for everything else, including
// IncompleteSignatureException.
func (e *Error) JSONHTTPStatus() int {
	if e.Kind == KindInternal {
		return http.StatusInternalServerError
	}
	return http.StatusForbidden
}

func newError(k Kind, msg string) *Error { return &Error{Kind: k, Message: msg} }
