package iam

import (
	"errors"

	"github.com/connect-iam/connect-iam/server/awsquery"
	"github.com/connect-iam/connect-iam/store"
)

// ErrSignInFailed is returned by CheckConsolePassword when the user does
// not exist, has no login profile or the password is wrong. The three are
// not told apart, so that a sign-in page does not reveal which users
// exist.
var ErrSignInFailed = errors.New("iam: the user name or password is incorrect")

// CheckConsolePassword checks password against the login profile (the
// console password) of the IAM user userName of account acct, as the
// console's sign-in does. It returns the user and whether the profile
// requires a password reset; any mismatch is ErrSignInFailed. The
// password is compared through its PBKDF2 hash and never stored or
// logged.
func CheckConsolePassword(tx store.ReadTx, acct, userName, password string) (user store.User, resetRequired bool, err error) {
	u, found, err := readEntity(tx, acct, store.KindUser, userName)
	if err != nil {
		return store.User{}, false, err
	}
	if !found {
		// Spend the hash's time anyway: the answer's timing must not tell
		// a missing user from a wrong password.
		_, _ = hashPassword(password)
		return store.User{}, false, ErrSignInFailed
	}
	lp, _, err := readLoginProfile(tx, acct, u)
	if err != nil {
		var qe *awsquery.Error
		if errors.As(err, &qe) && qe.Code == "NoSuchEntity" {
			_, _ = hashPassword(password)
			return store.User{}, false, ErrSignInFailed
		}
		return store.User{}, false, err
	}
	if !lp.Password.matches(password) {
		return store.User{}, false, ErrSignInFailed
	}
	return u.user, lp.ResetRequired, nil
}
