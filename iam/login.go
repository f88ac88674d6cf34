package iam

import (
	"context"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/eval"
	"github.com/connect-iam/connect-iam/server/awsquery"
	"github.com/connect-iam/connect-iam/store"
)

func init() {
	operations["CreateLoginProfile"] = (*handler).createLoginProfile
	operations["GetLoginProfile"] = (*handler).getLoginProfile
	operations["UpdateLoginProfile"] = (*handler).updateLoginProfile
	operations["DeleteLoginProfile"] = (*handler).deleteLoginProfile
	operations["UpdateAccountPasswordPolicy"] = (*handler).updateAccountPasswordPolicy
	operations["GetAccountPasswordPolicy"] = (*handler).getAccountPasswordPolicy
	operations["DeleteAccountPasswordPolicy"] = (*handler).deleteAccountPasswordPolicy
	operations["ChangePassword"] = (*handler).changePassword
}

// Login profiles and the account password policy are kept as resources
// of the store: a login profile under the user's unique ID (so that it
// follows renames), the password policy once per account.
const (
	loginProfileType   = "login-profile"
	passwordPolicyType = "password-policy"
	passwordPolicyID   = "account"
)

// Password hashing: PBKDF2-HMAC-SHA256 with a random 16-byte salt. The
// password itself is never stored or logged.
const (
	passwordIterations = 100_000
	passwordKeySize    = 32
)

var rePassword = regexp.MustCompile(`[\x{0009}\x{000A}\x{000D}\x{0020}-\x{00FF}]+`)

// passwordHash is a stored password.
type passwordHash struct {
	Salt []byte `json:"salt"`
	Iter int    `json:"iter"`
	Key  []byte `json:"key"`
}

func hashPassword(pw string) (passwordHash, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		panic(err) // crypto/rand.Read does not fail on supported platforms
	}
	key, err := pbkdf2.Key(sha256.New, pw, salt, passwordIterations, passwordKeySize)
	return passwordHash{Salt: salt, Iter: passwordIterations, Key: key}, err
}

// matches reports whether pw is the hashed password.
func (p passwordHash) matches(pw string) bool {
	key, err := pbkdf2.Key(sha256.New, pw, p.Salt, p.Iter, len(p.Key))
	return err == nil && subtle.ConstantTimeCompare(key, p.Key) == 1
}

// loginProfile is a stored login profile.
type loginProfile struct {
	UserName      string         `json:"userName"`
	Password      passwordHash   `json:"password"`
	ResetRequired bool           `json:"resetRequired"`
	Created       time.Time      `json:"created"`
	Changed       time.Time      `json:"changed"`
	History       []passwordHash `json:"history,omitempty"` // previous passwords, newest first
}

// passwordPolicy is the account password policy, with IAM's defaults as
// zero values except MinimumPasswordLength.
type passwordPolicy struct {
	MinimumPasswordLength      int  `json:"minLength"`
	RequireSymbols             bool `json:"symbols"`
	RequireNumbers             bool `json:"numbers"`
	RequireUppercaseCharacters bool `json:"upper"`
	RequireLowercaseCharacters bool `json:"lower"`
	AllowUsersToChangePassword bool `json:"allowChange"`
	MaxPasswordAge             int  `json:"maxAge"`
	PasswordReusePrevention    int  `json:"reuse"`
	HardExpiry                 bool `json:"hardExpiry"`
}

func loginProfileARN(acct, userID string) string {
	return "arn:" + partition + ":iam::" + acct + ":login-profile/" + userID
}

func passwordPolicyARN(acct string) string {
	return "arn:" + partition + ":iam::" + acct + ":password-policy"
}

func passwordViolation() error {
	return awsquery.NewError(http.StatusBadRequest, "PasswordPolicyViolation", "Password does not conform to the account password policy.")
}

func noSuchLoginProfile(user string) error {
	return noSuchEntity("Login Profile for User %s cannot be found.", user)
}

// readPasswordPolicy returns the account's password policy; ok is false
// when it has none.
func readPasswordPolicy(tx store.ReadTx, acct string) (p passwordPolicy, r store.Resource, ok bool, err error) {
	r, err = tx.GetResource(acct, "iam", passwordPolicyType, passwordPolicyID)
	if errors.Is(err, store.ErrNotFound) {
		return p, r, false, nil
	}
	if err != nil {
		return p, r, false, err
	}
	return p, r, true, r.DecodeAttributes(&p)
}

// checkPassword enforces the account's password policy on a new
// password, or IAM's default rules when the account has none: at least
// eight characters of three of the four kinds (upper and lower case
// letters, digits, symbols), and not the user's name.
func checkPassword(p passwordPolicy, hasPolicy bool, userName, pw string) error {
	var upper, lower, digit, symbol bool
	for _, r := range pw {
		switch {
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lower = true
		case unicode.IsDigit(r):
			digit = true
		case r > ' ' && r < 0x7f:
			symbol = true
		}
	}
	n := len([]rune(pw))
	if !hasPolicy {
		kinds := 0
		for _, b := range []bool{upper, lower, digit, symbol} {
			if b {
				kinds++
			}
		}
		if n < 8 || kinds < 3 || strings.EqualFold(pw, userName) {
			return passwordViolation()
		}
		return nil
	}
	if n < p.MinimumPasswordLength || (p.RequireUppercaseCharacters && !upper) || (p.RequireLowercaseCharacters && !lower) ||
		(p.RequireNumbers && !digit) || (p.RequireSymbols && !symbol) {
		return passwordViolation()
	}
	return nil
}

// loginUser reads the optional UserName of the login profile operations,
// defaulting to the calling IAM user.
func loginUser(c *call) (string, error) {
	optName(c, "UserName", 64)
	if err := c.p.Err(); err != nil {
		return "", err
	}
	return mfaUser(c, false)
}

func passwordParam(c *call, required bool) (string, bool) {
	if required {
		c.p.Required("Password")
	}
	c.p.Length("Password", 1, 128)
	c.p.Pattern("Password", rePassword)
	return c.p.Lookup("Password")
}

type xLoginProfile struct {
	UserName              string        `xml:"UserName"`
	CreateDate            awsquery.Time `xml:"CreateDate"`
	PasswordResetRequired bool          `xml:"PasswordResetRequired"`
}

func (h *handler) createLoginProfile(ctx context.Context, c *call) (any, error) {
	pw, _ := passwordParam(c, true)
	reset, _ := c.p.Bool("PasswordResetRequired")
	userName, err := loginUser(c)
	if err != nil {
		return nil, err
	}
	u, err := h.authEntity(ctx, c, "iam:CreateLoginProfile", store.KindUser, userName, nil)
	if err != nil {
		return nil, err
	}
	hash, err := hashPassword(pw)
	if err != nil {
		return nil, err
	}
	now := h.Now().UTC()
	lp := loginProfile{UserName: u.name, Password: hash, ResetRequired: reset, Created: now, Changed: now}
	err = h.Store.Update(ctx, func(tx store.Tx) error {
		pol, _, hasPolicy, err := readPasswordPolicy(tx, c.acct)
		if err != nil {
			return err
		}
		if err := checkPassword(pol, hasPolicy, u.name, pw); err != nil {
			return err
		}
		raw, err := jsonAttrs(lp)
		if err != nil {
			return err
		}
		_, err = tx.CreateResource(store.Resource{AccountID: c.acct, Service: "iam", Type: loginProfileType, ID: u.id,
			ARN: loginProfileARN(c.acct, u.id), Name: u.name, Attributes: raw, Created: now})
		if errors.Is(err, store.ErrAlreadyExists) {
			return alreadyExists("Login Profile for user %s already exists.", u.name)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return struct {
		LoginProfile xLoginProfile `xml:"LoginProfile"`
	}{xLoginProfile{u.name, awsquery.Time(now), reset}}, nil
}

// readLoginProfile reads the login profile of a user.
func readLoginProfile(tx store.ReadTx, acct string, u entity) (loginProfile, store.Resource, error) {
	var lp loginProfile
	r, err := tx.GetResource(acct, "iam", loginProfileType, u.id)
	if errors.Is(err, store.ErrNotFound) {
		return lp, r, noSuchLoginProfile(u.name)
	}
	if err != nil {
		return lp, r, err
	}
	return lp, r, r.DecodeAttributes(&lp)
}

func (h *handler) getLoginProfile(ctx context.Context, c *call) (any, error) {
	userName, err := loginUser(c)
	if err != nil {
		return nil, err
	}
	u, err := h.authEntity(ctx, c, "iam:GetLoginProfile", store.KindUser, userName, nil)
	if err != nil {
		return nil, err
	}
	var lp loginProfile
	err = h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		lp, _, err = readLoginProfile(tx, c.acct, u)
		return err
	})
	if err != nil {
		return nil, err
	}
	return struct {
		LoginProfile xLoginProfile `xml:"LoginProfile"`
	}{xLoginProfile{u.name, awsquery.Time(lp.Created), lp.ResetRequired}}, nil
}

func (h *handler) updateLoginProfile(ctx context.Context, c *call) (any, error) {
	userName := name(c, "UserName", 64)
	pw, hasPW := passwordParam(c, false)
	reset, hasReset := c.p.Bool("PasswordResetRequired")
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	u, err := h.authEntity(ctx, c, "iam:UpdateLoginProfile", store.KindUser, userName, nil)
	if err != nil {
		return nil, err
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		lp, r, err := readLoginProfile(tx, c.acct, u)
		if err != nil {
			return err
		}
		if hasPW {
			if err := h.setPassword(tx, c.acct, u.name, &lp, pw); err != nil {
				return err
			}
		}
		if hasReset {
			lp.ResetRequired = reset
		}
		if r.Attributes, err = jsonAttrs(lp); err != nil {
			return err
		}
		_, err = tx.UpdateResource(r)
		return err
	})
}

// setPassword checks a new password against the account's policy,
// including reuse prevention, and sets it.
func (h *handler) setPassword(tx store.ReadTx, acct, userName string, lp *loginProfile, pw string) error {
	pol, _, hasPolicy, err := readPasswordPolicy(tx, acct)
	if err != nil {
		return err
	}
	if err := checkPassword(pol, hasPolicy, userName, pw); err != nil {
		return err
	}
	if hasPolicy && pol.PasswordReusePrevention > 0 {
		prev := append([]passwordHash{lp.Password}, lp.History...)
		for i, old := range prev {
			if i >= pol.PasswordReusePrevention {
				break
			}
			if old.matches(pw) {
				return passwordViolation()
			}
		}
	}
	hash, err := hashPassword(pw)
	if err != nil {
		return err
	}
	lp.History = append([]passwordHash{lp.Password}, lp.History...)
	if len(lp.History) > 24 {
		lp.History = lp.History[:24]
	}
	lp.Password, lp.Changed = hash, h.Now().UTC()
	return nil
}

func (h *handler) deleteLoginProfile(ctx context.Context, c *call) (any, error) {
	userName, err := loginUser(c)
	if err != nil {
		return nil, err
	}
	u, err := h.authEntity(ctx, c, "iam:DeleteLoginProfile", store.KindUser, userName, nil)
	if err != nil {
		return nil, err
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		err := tx.DeleteResource(c.acct, "iam", loginProfileType, u.id)
		if errors.Is(err, store.ErrNotFound) {
			return noSuchLoginProfile(u.name)
		}
		return err
	})
}

// hasLoginProfile reports whether a user has a login profile, for
// DeleteUser's conflict check.
func hasLoginProfile(tx store.ReadTx, acct, userID string) (bool, error) {
	_, err := tx.GetResource(acct, "iam", loginProfileType, userID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

func (h *handler) updateAccountPasswordPolicy(ctx context.Context, c *call) (any, error) {
	c.p.Range("MinimumPasswordLength", 6, 128)
	c.p.Range("MaxPasswordAge", 1, 1095)
	c.p.Range("PasswordReusePrevention", 1, 24)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	// Every parameter not given reverts to its default, as in IAM.
	p := passwordPolicy{MinimumPasswordLength: 6}
	if n, ok := c.p.Int("MinimumPasswordLength"); ok {
		p.MinimumPasswordLength = int(n)
	}
	n, _ := c.p.Int("MaxPasswordAge")
	p.MaxPasswordAge = int(n)
	n, _ = c.p.Int("PasswordReusePrevention")
	p.PasswordReusePrevention = int(n)
	p.RequireSymbols, _ = c.p.Bool("RequireSymbols")
	p.RequireNumbers, _ = c.p.Bool("RequireNumbers")
	p.RequireUppercaseCharacters, _ = c.p.Bool("RequireUppercaseCharacters")
	p.RequireLowercaseCharacters, _ = c.p.Bool("RequireLowercaseCharacters")
	p.AllowUsersToChangePassword, _ = c.p.Bool("AllowUsersToChangePassword")
	p.HardExpiry, _ = c.p.Bool("HardExpiry")
	if err := h.authorize(ctx, c, "iam:UpdateAccountPasswordPolicy", "*", nil); err != nil {
		return nil, err
	}
	raw, err := jsonAttrs(p)
	if err != nil {
		return nil, err
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		_, r, ok, err := readPasswordPolicy(tx, c.acct)
		if err != nil {
			return err
		}
		if !ok {
			_, err = tx.CreateResource(store.Resource{AccountID: c.acct, Service: "iam", Type: passwordPolicyType, ID: passwordPolicyID,
				ARN: passwordPolicyARN(c.acct), Attributes: raw, Created: h.Now().UTC()})
			return err
		}
		r.Attributes = raw
		_, err = tx.UpdateResource(r)
		return err
	})
}

func noSuchPasswordPolicy(acct string) error {
	return noSuchEntity("The Password Policy with domain name %s cannot be found.", acct)
}

func (h *handler) getAccountPasswordPolicy(ctx context.Context, c *call) (any, error) {
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if err := h.authorize(ctx, c, "iam:GetAccountPasswordPolicy", "*", nil); err != nil {
		return nil, err
	}
	var p passwordPolicy
	var ok bool
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		p, _, ok, err = readPasswordPolicy(tx, c.acct)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, noSuchPasswordPolicy(c.acct)
	}
	type xPasswordPolicy struct {
		MinimumPasswordLength      int  `xml:"MinimumPasswordLength"`
		RequireSymbols             bool `xml:"RequireSymbols"`
		RequireNumbers             bool `xml:"RequireNumbers"`
		RequireUppercaseCharacters bool `xml:"RequireUppercaseCharacters"`
		RequireLowercaseCharacters bool `xml:"RequireLowercaseCharacters"`
		AllowUsersToChangePassword bool `xml:"AllowUsersToChangePassword"`
		ExpirePasswords            bool `xml:"ExpirePasswords"`
		MaxPasswordAge             int  `xml:"MaxPasswordAge,omitempty"`
		PasswordReusePrevention    int  `xml:"PasswordReusePrevention,omitempty"`
		HardExpiry                 bool `xml:"HardExpiry"`
	}
	return struct {
		PasswordPolicy xPasswordPolicy `xml:"PasswordPolicy"`
	}{xPasswordPolicy{p.MinimumPasswordLength, p.RequireSymbols, p.RequireNumbers, p.RequireUppercaseCharacters,
		p.RequireLowercaseCharacters, p.AllowUsersToChangePassword, p.MaxPasswordAge > 0, p.MaxPasswordAge,
		p.PasswordReusePrevention, p.HardExpiry}}, nil
}

func (h *handler) deleteAccountPasswordPolicy(ctx context.Context, c *call) (any, error) {
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if err := h.authorize(ctx, c, "iam:DeleteAccountPasswordPolicy", "*", nil); err != nil {
		return nil, err
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		err := tx.DeleteResource(c.acct, "iam", passwordPolicyType, passwordPolicyID)
		if errors.Is(err, store.ErrNotFound) {
			return noSuchPasswordPolicy(c.acct)
		}
		return err
	})
}

// changePassword changes the calling IAM user's own password. The account
// password policy's AllowUsersToChangePassword grants it to every user
// that no policy explicitly denies, as in IAM.
func (h *handler) changePassword(ctx context.Context, c *call) (any, error) {
	oldPW := c.p.Required("OldPassword")
	c.p.Length("OldPassword", 1, 128)
	c.p.Pattern("OldPassword", rePassword)
	newPW := c.p.Required("NewPassword")
	c.p.Length("NewPassword", 1, 128)
	c.p.Pattern("NewPassword", rePassword)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if c.caller.Kind != authz.UserCaller && c.caller.Kind != authz.SessionTokenCaller {
		return nil, awsquery.NewError(http.StatusBadRequest, "InvalidUserType",
			"Only an IAM user can change its own password: use UpdateLoginProfile to set another user's.")
	}
	var u entity
	var found bool
	var pol passwordPolicy
	var hasPolicy bool
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		if u, found, err = readEntity(tx, c.acct, store.KindUser, c.caller.UserName); err != nil {
			return err
		}
		pol, _, hasPolicy, err = readPasswordPolicy(tx, c.acct)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, noSuch(store.KindUser, c.caller.UserName)
	}
	if err := h.authorize(ctx, c, "iam:ChangePassword", u.arn, nil, u.tags...); err != nil {
		var ad *authz.AccessDeniedError
		if !errors.As(err, &ad) || ad.Decision != eval.ImplicitDeny || !hasPolicy || !pol.AllowUsersToChangePassword {
			return nil, err
		}
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		lp, r, err := readLoginProfile(tx, c.acct, u)
		if err != nil {
			return err
		}
		if !lp.Password.matches(oldPW) {
			return awsquery.NewError(http.StatusForbidden, "AccessDenied", "The old password is not the user's current password.")
		}
		if err := h.setPassword(tx, c.acct, u.name, &lp, newPW); err != nil {
			return err
		}
		lp.ResetRequired = false
		if r.Attributes, err = jsonAttrs(lp); err != nil {
			return err
		}
		_, err = tx.UpdateResource(r)
		return err
	})
}
