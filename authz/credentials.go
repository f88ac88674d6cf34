package authz

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/connect-iam/connect-iam/internal/secretbox"
	"github.com/connect-iam/connect-iam/server/sigv4"
	"github.com/connect-iam/connect-iam/store"
)

// sessionSeparator separates the secret access key from the session token
// in a session's sealed value. Neither contains a NUL byte.
const sessionSeparator = 0

// SealSessionSecret seals the secret access key and the session token of
// temporary credentials for store.Session.SecretCiphertext, bound to the
// temporary access key ID. The store keeps only the token's SHA-256
// (TokenHashOf) in the clear; the credential lookup needs the token itself
// to hand it to the SigV4 verifier, so it travels sealed with the secret.
func SealSessionSecret(box *secretbox.Box, accessKeyID, secret, token string) []byte {
	pt := make([]byte, 0, len(secret)+1+len(token))
	pt = append(pt, secret...)
	pt = append(pt, sessionSeparator)
	pt = append(pt, token...)
	return box.Seal(pt, []byte(accessKeyID))
}

// OpenSessionSecret opens a value sealed by SealSessionSecret and returns
// the secret access key and the session token.
func OpenSessionSecret(box *secretbox.Box, accessKeyID string, sealed []byte) (secret, token string, err error) {
	pt, err := box.Open(sealed, []byte(accessKeyID))
	if err != nil {
		return "", "", fmt.Errorf("authz: session %s: %w", accessKeyID, err)
	}
	i := bytes.IndexByte(pt, sessionSeparator)
	if i < 0 {
		return "", "", fmt.Errorf("authz: session %s: the sealed credentials hold no session token; the session was not written by SealSessionSecret", accessKeyID)
	}
	return string(pt[:i]), string(pt[i+1:]), nil
}

// TokenHashOf returns the SHA-256 of a session token, as stored in
// store.Session.TokenHash.
func TokenHashOf(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// CredentialStore resolves access key IDs to credentials and the Caller
// they stand for. It implements sigv4.CredentialStore.
type CredentialStore struct {
	st    store.Store
	box   *secretbox.Box
	now   func() time.Time
	cache *resolutionCache[sigv4.Credentials]
}

// NewCredentialStore returns the credential lookup of request
// authentication over st: long-term keys (AKIA...) of IAM users, which must
// be Active, and temporary credentials (ASIA...) of STS sessions. Secrets
// are unsealed with box. now is the clock of the cache (nil means
// time.Now); expiry is reported through sigv4.Credentials.Expires, which
// the verifier compares with its own clock. When st is a Generationer (see
// Watch), credentials found are cached until the store's generation
// changes, for at most DefaultMaxCacheAge.
func NewCredentialStore(st store.Store, box *secretbox.Box, now func() time.Time) sigv4.CredentialStore {
	if now == nil {
		now = time.Now
	}
	return &CredentialStore{st: st, box: box, now: now, cache: newResolutionCache[sigv4.Credentials](st, 0, 0)}
}

// LookupCredentials returns the credentials of accessKeyID with a *Caller
// as their Principal. An unknown, deleted or Inactive key is reported as
// sigv4.ErrUnknownAccessKey, which the verifier answers with
// InvalidClientTokenId; an expired session is returned with its
// expiration, which the verifier answers with ExpiredToken.
func (cs *CredentialStore) LookupCredentials(ctx context.Context, accessKeyID string) (sigv4.Credentials, error) {
	if err := cs.cache.sync(ctx); err != nil {
		return sigv4.Credentials{}, err
	}
	now := cs.now()
	if c, ok := cs.cache.get(accessKeyID, now); ok {
		return c, nil
	}
	gen := cs.cache.generation()
	var c sigv4.Credentials
	var err error
	if strings.HasPrefix(accessKeyID, "ASIA") {
		c, err = cs.lookupSession(ctx, accessKeyID)
	} else {
		c, err = cs.lookupKey(ctx, accessKeyID)
	}
	if err == nil {
		cs.cache.put(accessKeyID, gen, now, c)
	}
	return c, err
}

func unknownKey(id string) error {
	return fmt.Errorf("access key %s: %w", id, sigv4.ErrUnknownAccessKey)
}

func (cs *CredentialStore) lookupKey(ctx context.Context, id string) (sigv4.Credentials, error) {
	var key store.AccessKey
	var user store.User
	err := cs.st.View(ctx, func(tx store.ReadTx) error {
		var err error
		if key, err = tx.GetAccessKey(id); err != nil {
			return err
		}
		if key.Status != store.AccessKeyActive {
			return store.ErrNotFound
		}
		user, err = tx.GetUser(key.AccountID, key.UserName)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return sigv4.Credentials{}, unknownKey(id)
	}
	if err != nil {
		return sigv4.Credentials{}, fmt.Errorf("authz: look up access key %s: %w", id, err)
	}
	secret, err := cs.box.Open(key.SecretCiphertext, []byte(id))
	if err != nil {
		return sigv4.Credentials{}, fmt.Errorf("authz: unseal the secret of access key %s: %w", id, err)
	}
	return sigv4.Credentials{
		AccessKeyID:     id,
		SecretAccessKey: string(secret),
		Principal: &Caller{
			Kind:        UserCaller,
			AccountID:   user.AccountID,
			ARN:         user.ARN,
			UserID:      user.ID,
			UserName:    user.Name,
			AccessKeyID: id,
		},
	}, nil
}

func (cs *CredentialStore) lookupSession(ctx context.Context, id string) (sigv4.Credentials, error) {
	var s store.Session
	stale := false
	err := cs.st.View(ctx, func(tx store.ReadTx) error {
		var err error
		if s, err = tx.GetSession(id); err != nil {
			return err
		}
		stale, err = sourceReplaced(tx, &s)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return sigv4.Credentials{}, unknownKey(id)
	}
	if err != nil {
		return sigv4.Credentials{}, fmt.Errorf("authz: look up session %s: %w", id, err)
	}
	secret, token, err := OpenSessionSecret(cs.box, id, s.SecretCiphertext)
	if err != nil {
		return sigv4.Credentials{}, err
	}
	if subtle.ConstantTimeCompare(TokenHashOf(token), s.TokenHash) != 1 {
		return sigv4.Credentials{}, fmt.Errorf("authz: session %s: the sealed session token does not match the stored token hash; the session record is corrupt, delete it", id)
	}
	if stale {
		return sigv4.Credentials{}, fmt.Errorf("session %s was issued for %s, which was deleted (a principal of the same name may have been created since): %w",
			id, s.SourceARN, sigv4.ErrUnknownAccessKey)
	}
	c, err := SessionCaller(&s)
	if err != nil {
		return sigv4.Credentials{}, err
	}
	c.AccessKeyID = id
	return sigv4.Credentials{
		AccessKeyID:     id,
		SecretAccessKey: secret,
		SessionToken:    token,
		Expires:         s.Expiration,
		Principal:       c,
	}, nil
}

// sourceReplaced reports whether the role or IAM user a session was issued
// for no longer exists under the unique ID the session recorded: it was
// deleted, perhaps recreated with the same name. Such a session stands for
// nobody, as in AWS, where sessions follow the unique ID (AROA.../AIDA...)
// and not the name. A federated-user session (GetFederationToken) records
// the user that obtained it by ARN; it stands for nobody once no user has
// that ARN or the user holding it was created after the session, which
// only a deleted-and-recreated user can be.
func sourceReplaced(tx store.ReadTx, s *store.Session) (bool, error) {
	var id string
	var err error
	switch s.Kind {
	case store.SessionAssumedRole:
		var r store.Role
		r, err = tx.GetRole(s.AccountID, lastSegment(s.SourceARN))
		id = r.ID
		want, _, _ := strings.Cut(s.PrincipalID, ":")
		if err == nil {
			return id != want, nil
		}
	case store.SessionUser, store.SessionConsole:
		if strings.HasSuffix(s.SourceARN, ":root") {
			return false, nil
		}
		var u store.User
		u, err = tx.GetUser(s.AccountID, lastSegment(s.SourceARN))
		if err == nil {
			return u.ID != s.PrincipalID, nil
		}
	case store.SessionFederatedUser:
		if strings.HasSuffix(s.SourceARN, ":root") {
			return false, nil
		}
		var u store.User
		u, err = tx.GetUser(s.AccountID, lastSegment(s.SourceARN))
		if err == nil {
			return u.ARN != s.SourceARN || u.Created.After(s.Created), nil
		}
	default:
		return false, nil
	}
	if errors.Is(err, store.ErrNotFound) {
		return true, nil
	}
	return false, err
}

// SessionCaller returns the Caller that the temporary credentials of s
// stand for: a role session, a federated user, or the IAM user (or root)
// of a GetSessionToken session.
func SessionCaller(s *store.Session) (*Caller, error) {
	c := &Caller{AccountID: s.AccountID, UserID: s.PrincipalID, AccessKeyID: s.ID, Session: s}
	switch s.Kind {
	case store.SessionAssumedRole:
		c.Kind = AssumedRoleCaller
		c.ARN = s.PrincipalARN
		c.RoleARN = s.SourceARN
		c.RoleName = lastSegment(s.SourceARN)
		c.SessionName = s.SessionName
	case store.SessionFederatedUser:
		c.Kind = FederatedUserCaller
		c.ARN = s.PrincipalARN
		c.UserName = lastSegment(s.SourceARN)
		c.SessionName = s.SessionName
	case store.SessionConsole:
		// A console sign-in acts as the user (or root) itself; Session
		// stays set, so that its MFA and issue time reach the request
		// context and it cannot call GetSessionToken.
		c.Kind = UserCaller
		c.ARN = s.SourceARN
		if strings.HasSuffix(s.SourceARN, ":root") {
			c.Kind = RootCaller
		} else {
			c.UserName = lastSegment(s.SourceARN)
		}
	case store.SessionUser:
		c.Kind = SessionTokenCaller
		c.ARN = s.SourceARN
		if !strings.HasSuffix(s.SourceARN, ":root") {
			c.UserName = lastSegment(s.SourceARN)
		}
	default:
		return nil, fmt.Errorf("authz: session %s has unknown kind %q", s.ID, s.Kind)
	}
	return c, nil
}

// lastSegment returns what follows the last "/" of an ARN: the name of a
// user or role without its path.
func lastSegment(arn string) string {
	return arn[strings.LastIndexByte(arn, '/')+1:]
}
