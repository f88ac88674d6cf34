package console

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"time"

	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/iam"
	"github.com/connect-iam/connect-iam/internal/mfa"
	"github.com/connect-iam/connect-iam/server/sigv4"
	"github.com/connect-iam/connect-iam/store"
)

// signInRequest is the body of POST /console/api/signin.
type signInRequest struct {
	// Mode is "password" or "keys".
	Mode string `json:"mode"`
	// Password sign-in: the account (12 digits; empty means the server's
	// first account), the IAM user name, the console password and, when
	// the user has an MFA device, its current code.
	Account  string `json:"account"`
	UserName string `json:"userName"`
	Password string `json:"password"`
	MFACode  string `json:"mfaCode"`
	// Access-key sign-in: a long-term key pair (exchanged for temporary
	// credentials with sts:GetSessionToken) or temporary credentials with
	// their session token.
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey"`
	SessionToken    string `json:"sessionToken"`
}

var reMFACode = regexp.MustCompile(`^[0-9]{6}$`)

func (c *Console) signIn(w http.ResponseWriter, r *http.Request) {
	var in signInRequest
	if !readJSON(w, r, &in) {
		return
	}
	var (
		s   sessionState
		err error
	)
	switch in.Mode {
	case "password":
		s, err = c.passwordSignIn(r.Context(), &in)
	case "keys":
		s, err = c.keySignIn(r, &in)
	default:
		writeError(w, http.StatusBadRequest, "ValidationException", `mode must be "password" or "keys".`)
		return
	}
	var se *signInError
	if errors.As(err, &se) {
		c.d.Logger.Info("console sign-in refused", "mode", in.Mode, "user", in.UserName, "account", in.Account,
			"access_key_id", in.AccessKeyID, "code", se.Code, "remote", r.RemoteAddr)
		writeError(w, se.Status, se.Code, se.Message)
		return
	}
	if err != nil {
		c.d.Logger.Error("console sign-in failed", "mode", in.Mode, "err", err)
		writeError(w, http.StatusInternalServerError, "InternalFailure", "The sign-in failed on the server; see its log.")
		return
	}
	c.d.Logger.Info("console sign-in", "principal", s.ARN, "mode", in.Mode, "remote", r.RemoteAddr)
	c.setSession(w, r, s)
	http.SetCookie(w, c.cookie(r, loginCookie, "", -1))
	writeJSON(w, http.StatusOK, sessionInfo{SignedIn: true, ARN: s.ARN, Account: s.Account, CSRF: s.CSRF,
		Expires: time.Unix(s.Expires, 0).UTC().Format(time.RFC3339), PasswordResetRequired: s.Reset, Region: c.d.Region})
}

// signInError is a refused sign-in, shown to the user as is.
type signInError struct {
	Status        int
	Code, Message string
}

func (e *signInError) Error() string { return e.Code + ": " + e.Message }

var errBadPassword = &signInError{http.StatusUnauthorized, "SignInFailed",
	"The account, user name or password is incorrect, or the user has no console password (CreateLoginProfile sets one)."}

// passwordSignIn checks an IAM user's console password (and MFA code) and
// issues temporary credentials for the user, as GetSessionToken would.
func (c *Console) passwordSignIn(ctx context.Context, in *signInRequest) (sessionState, error) {
	acct := in.Account
	if acct == "" {
		acct = c.d.DefaultAccount
	}
	if !store.ValidAccountID(acct) || in.UserName == "" || in.Password == "" {
		return sessionState{}, errBadPassword
	}
	if in.MFACode != "" && !reMFACode.MatchString(in.MFACode) {
		return sessionState{}, &signInError{http.StatusUnauthorized, "InvalidMFACode", "The MFA code is the six digits your device shows."}
	}
	now := c.d.Now()
	var (
		user  store.User
		reset bool
		mfaOK bool
		deny  error
	)
	err := c.d.Store.Update(ctx, func(tx store.Tx) error {
		var err error
		user, reset, err = iam.CheckConsolePassword(tx, acct, in.UserName, in.Password)
		if errors.Is(err, iam.ErrSignInFailed) {
			deny = errBadPassword
			return nil
		}
		if err != nil {
			return err
		}
		devices, err := mfa.ForUser(tx, c.d.Box, acct, user.Name)
		if err != nil {
			return err
		}
		if len(devices) == 0 {
			return nil
		}
		if in.MFACode == "" {
			deny = &signInError{http.StatusUnauthorized, "MFARequired", "This user has an MFA device: enter its current six-digit code."}
			return nil
		}
		for _, d := range devices {
			if d.Verify(in.MFACode, user.Name, now) == nil {
				if _, err := mfa.Save(tx, c.d.Box, d); err != nil {
					return err
				}
				mfaOK = true
				return nil
			}
		}
		deny = &signInError{http.StatusUnauthorized, "InvalidMFACode", "The MFA code is wrong or was used already; wait for the next one."}
		return nil
	})
	if err != nil {
		return sessionState{}, fmt.Errorf("console: password sign-in of %s: %w", in.UserName, err)
	}
	if deny != nil {
		return sessionState{}, deny
	}
	id, err := c.issueUserSession(ctx, user, mfaOK, now)
	if err != nil {
		return sessionState{}, err
	}
	return sessionState{KeyID: id, ARN: user.ARN, Account: acct, Expires: now.Add(SessionDuration).Unix(), CSRF: randomToken(), Reset: reset, Own: true}, nil
}

// issueUserSession stores temporary credentials for an IAM user, the
// session a GetSessionToken call of the user would create, and returns
// their access key ID. The secret is generated, sealed into the store and
// never leaves the server: the console signs with it in process.
func (c *Console) issueUserSession(ctx context.Context, u store.User, mfaOK bool, now time.Time) (string, error) {
	now = now.UTC().Truncate(time.Second)
	id := store.NewID("ASIA", 20)
	secret, token := randomString(30), randomString(192)
	sess := store.Session{
		ID:               id,
		AccountID:        u.AccountID,
		SecretCiphertext: authz.SealSessionSecret(c.d.Box, id, secret, token),
		TokenHash:        authz.TokenHashOf(token),
		Kind:             store.SessionUser,
		PrincipalARN:     u.ARN,
		PrincipalID:      u.ID,
		SourceARN:        u.ARN,
		SessionName:      u.Name,
		MFAAuthenticated: mfaOK,
		Created:          now,
		Expiration:       now.Add(SessionDuration),
	}
	if err := c.d.Store.Update(ctx, func(tx store.Tx) error { return tx.CreateSession(sess) }); err != nil {
		return "", fmt.Errorf("console: storing the session of %s: %w", u.ARN, err)
	}
	return id, nil
}

func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

var errBadKey = &signInError{http.StatusUnauthorized, "SignInFailed",
	"The access key ID or secret access key is incorrect (or the key is inactive)."}

// keySignIn signs in with an access key pair: a long-term key is
// exchanged for temporary credentials with the server's own
// sts:GetSessionToken; temporary credentials are checked with
// sts:GetCallerIdentity and used as they are. The long-term secret is
// forgotten once the exchange is done.
func (c *Console) keySignIn(r *http.Request, in *signInRequest) (sessionState, error) {
	if in.AccessKeyID == "" || in.SecretAccessKey == "" {
		return sessionState{}, errBadKey
	}
	creds := sigv4.Credentials{AccessKeyID: in.AccessKeyID, SecretAccessKey: in.SecretAccessKey, SessionToken: in.SessionToken}
	now := c.d.Now()
	id := in.AccessKeyID
	exp := now.Add(SessionDuration)
	if in.SessionToken == "" {
		form := url.Values{"Action": {"GetSessionToken"}, "Version": {"2011-06-15"},
			"DurationSeconds": {fmt.Sprint(int(SessionDuration / time.Second))}}
		res := c.do(r, creds, apiRequest{Service: "sts", Form: form})
		if res.Status != http.StatusOK {
			return sessionState{}, keyError(res)
		}
		var out struct {
			Result struct {
				Credentials struct {
					AccessKeyID string    `xml:"AccessKeyId"`
					Expiration  time.Time `xml:"Expiration"`
				} `xml:"Credentials"`
			} `xml:"GetSessionTokenResult"`
		}
		if err := xml.Unmarshal([]byte(res.Body), &out); err != nil || out.Result.Credentials.AccessKeyID == "" {
			return sessionState{}, fmt.Errorf("console: reading GetSessionToken's answer: %v", err)
		}
		id, exp = out.Result.Credentials.AccessKeyID, out.Result.Credentials.Expiration
	} else {
		res := c.do(r, creds, apiRequest{Service: "sts", Form: url.Values{"Action": {"GetCallerIdentity"}, "Version": {"2011-06-15"}}})
		if res.Status != http.StatusOK {
			return sessionState{}, keyError(res)
		}
	}
	sc, err := c.d.Credentials.LookupCredentials(r.Context(), id)
	if err != nil {
		return sessionState{}, fmt.Errorf("console: looking up the new session %s: %w", id, err)
	}
	if !sc.Expires.IsZero() && sc.Expires.Before(exp) {
		exp = sc.Expires
	}
	caller := callerOf(sc)
	if caller == nil {
		return sessionState{}, fmt.Errorf("console: session %s has no caller", id)
	}
	return sessionState{KeyID: id, ARN: caller.ARN, Account: caller.AccountID, Expires: exp.Unix(), CSRF: randomToken(),
		Own: in.SessionToken == ""}, nil
}

// keyError turns a refused STS call of a key sign-in into the error shown.
func keyError(res apiResponse) error {
	var e struct {
		Error struct {
			Code    string `xml:"Code"`
			Message string `xml:"Message"`
		} `xml:"Error"`
	}
	_ = xml.Unmarshal([]byte(res.Body), &e)
	switch e.Error.Code {
	case "InvalidClientTokenId", "SignatureDoesNotMatch", "IncompleteSignature", "":
		return errBadKey
	}
	return &signInError{http.StatusUnauthorized, e.Error.Code, e.Error.Message}
}

func (c *Console) signOut(w http.ResponseWriter, r *http.Request, s sessionState, _ sigv4.Credentials) {
	// Sessions the console issued for a password sign-in end with it; the
	// ones of a key sign-in too (GetSessionToken made them for the
	// console). Temporary credentials pasted in are left alone.
	if s.Own {
		err := c.d.Store.Update(r.Context(), func(tx store.Tx) error { return tx.DeleteSession(s.KeyID) })
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			c.d.Logger.Warn("console sign-out: deleting the session", "access_key_id", s.KeyID, "err", err)
		}
	}
	c.clearSession(w, r)
	writeJSON(w, http.StatusOK, sessionInfo{Region: c.d.Region})
}
