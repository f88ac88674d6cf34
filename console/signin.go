package console

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net"
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
	c.recordLogin(r, &in, s, err)
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

// recordLogin writes the audit event of a sign-in, as CloudTrail's
// ConsoleLogin (event source signin.amazonaws.com): the principal on
// success; on failure the account and the user name or access key ID that
// was tried, with "Failed authentication". Neither a password, a secret
// nor an MFA code is recorded. Attempts naming no valid account are not
// recorded (no account could read them).
func (c *Console) recordLogin(r *http.Request, in *signInRequest, s sessionState, err error) {
	var se *signInError
	if err != nil && !errors.As(err, &se) {
		return // a server failure: logged by the caller
	}
	mfaUsed := "No"
	if in.MFACode != "" && err == nil {
		mfaUsed = "Yes"
	}
	ev := store.Event{Time: c.d.Now().UTC(), Source: "signin.amazonaws.com", Name: "ConsoleLogin",
		SourceIPAddress: remoteIP(r.RemoteAddr), UserAgent: r.UserAgent()}
	params := map[string]string{"mode": in.Mode, "mfaUsed": mfaUsed}
	id := map[string]string{}
	if err == nil {
		ev.AccountID, ev.PrincipalARN = s.Account, s.ARN
		params["consoleLogin"] = "Success"
		id["arn"], id["accountId"] = s.ARN, s.Account
	} else {
		ev.AccountID = in.Account
		if ev.AccountID == "" {
			ev.AccountID = c.d.DefaultAccount
		}
		if in.Mode == "keys" {
			if caller := c.keyOwner(r.Context(), in.AccessKeyID); caller != nil {
				ev.AccountID = caller.AccountID
			}
			id["accessKeyId"] = in.AccessKeyID
		} else {
			id["userName"] = in.UserName
		}
		id["accountId"] = ev.AccountID
		params["consoleLogin"] = "Failure"
		ev.ErrorCode, ev.ErrorMessage = se.Code, "Failed authentication"
	}
	if !store.ValidAccountID(ev.AccountID) {
		return
	}
	ev.UserIdentity, _ = json.Marshal(id)
	ev.RequestParameters, _ = json.Marshal(params)
	if err := c.d.Store.Update(r.Context(), func(tx store.Tx) error {
		_, err := tx.AppendEvent(ev)
		return err
	}); err != nil {
		c.d.Logger.Warn("console: recording the sign-in in the audit log", "err", err)
	}
}

// keyOwner returns the caller an access key ID belongs to, or nil.
func (c *Console) keyOwner(ctx context.Context, id string) *authz.Caller {
	if id == "" {
		return nil
	}
	creds, err := c.d.Credentials.LookupCredentials(ctx, id)
	if err != nil {
		return nil
	}
	return callerOf(creds)
}

// remoteIP returns the host of a remote address.
func remoteIP(remote string) string {
	if host, _, err := net.SplitHostPort(remote); err == nil {
		return host
	}
	return remote
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
	id, err := c.issueSession(ctx, user.AccountID, user.ARN, user.ID, user.Name, mfaOK, now)
	if err != nil {
		return sessionState{}, err
	}
	return sessionState{KeyID: id, ARN: user.ARN, Account: acct, Expires: now.Add(SessionDuration).Unix(), CSRF: randomToken(), Reset: reset, Own: true}, nil
}

// issueSession stores the temporary credentials of a console sign-in of
// an IAM user (or root: principalID is then the account) and returns their
// access key ID. The session acts as the user itself (store.SessionConsole).
// Its secret is generated, sealed into the store like every STS session's
// and never leaves the server: the console signs with it in process.
func (c *Console) issueSession(ctx context.Context, acct, arn, principalID, name string, mfaOK bool, now time.Time) (string, error) {
	now = now.UTC().Truncate(time.Second)
	id := store.NewID("ASIA", 20)
	secret, token := randomString(30), randomString(192)
	sess := store.Session{
		ID:               id,
		AccountID:        acct,
		SecretCiphertext: authz.SealSessionSecret(c.d.Box, id, secret, token),
		TokenHash:        authz.TokenHashOf(token),
		Kind:             store.SessionConsole,
		PrincipalARN:     arn,
		PrincipalID:      principalID,
		SourceARN:        arn,
		SessionName:      name,
		MFAAuthenticated: mfaOK,
		Created:          now,
		Expiration:       now.Add(SessionDuration),
	}
	if err := c.d.Store.Update(ctx, func(tx store.Tx) error { return tx.CreateSession(sess) }); err != nil {
		return "", fmt.Errorf("console: storing the session of %s: %w", arn, err)
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

// keySignIn signs in with an access key pair. The pair is proven by
// sts:GetCallerIdentity signed with it, served by the server itself. A
// long-term key (an IAM user's or root's) then gets a console session of
// its own, as a password sign-in does, and its secret is forgotten;
// temporary credentials (with their session token) are used as they are,
// with their limits.
func (c *Console) keySignIn(r *http.Request, in *signInRequest) (sessionState, error) {
	if in.AccessKeyID == "" || in.SecretAccessKey == "" {
		return sessionState{}, errBadKey
	}
	creds := sigv4.Credentials{AccessKeyID: in.AccessKeyID, SecretAccessKey: in.SecretAccessKey, SessionToken: in.SessionToken}
	res := c.do(r, creds, apiRequest{Service: "sts", Form: url.Values{"Action": {"GetCallerIdentity"}, "Version": {"2011-06-15"}}})
	if res.Status != http.StatusOK {
		return sessionState{}, keyError(res)
	}
	known, err := c.d.Credentials.LookupCredentials(r.Context(), in.AccessKeyID)
	if err != nil {
		return sessionState{}, fmt.Errorf("console: looking up %s after GetCallerIdentity: %w", in.AccessKeyID, err)
	}
	caller := callerOf(known)
	if caller == nil {
		return sessionState{}, fmt.Errorf("console: access key %s has no caller", in.AccessKeyID)
	}
	now := c.d.Now()
	if in.SessionToken != "" || caller.Session != nil {
		exp := now.Add(SessionDuration)
		if !known.Expires.IsZero() && known.Expires.Before(exp) {
			exp = known.Expires
		}
		return sessionState{KeyID: in.AccessKeyID, ARN: caller.ARN, Account: caller.AccountID, Expires: exp.Unix(), CSRF: randomToken()}, nil
	}
	if caller.Kind != authz.UserCaller && caller.Kind != authz.RootCaller {
		return sessionState{}, errBadKey
	}
	name := caller.UserName
	if name == "" {
		name = caller.AccountID
	}
	id, err := c.issueSession(r.Context(), caller.AccountID, caller.ARN, caller.UserID, name, false, now)
	if err != nil {
		return sessionState{}, err
	}
	return sessionState{KeyID: id, ARN: caller.ARN, Account: caller.AccountID, Expires: now.Add(SessionDuration).Unix(), CSRF: randomToken(), Own: true}, nil
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
	// Sessions the console issued end with it; temporary credentials
	// pasted in are left alone.
	if s.Own {
		err := c.d.Store.Update(r.Context(), func(tx store.Tx) error { return tx.DeleteSession(s.KeyID) })
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			c.d.Logger.Warn("console sign-out: deleting the session", "access_key_id", s.KeyID, "err", err)
		}
	}
	c.clearSession(w, r)
	writeJSON(w, http.StatusOK, sessionInfo{Region: c.d.Region})
}
