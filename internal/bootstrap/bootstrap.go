// Package bootstrap creates the first account of a connect-iam server and
// the accounts added later: each with an administrator IAM user that has
// the AWS managed policy AdministratorAccess attached and an access key,
// whose credentials are written to a file in AWS shared-credentials format
// (mode 0600) in the data directory. The secret access key is stored in
// the database sealed by internal/secretbox, never in clear.
package bootstrap

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/connect-iam/connect-iam/internal/secretbox"
	"github.com/connect-iam/connect-iam/store"
)

// Environment variables that set the first account's identity and its
// administrator's access key explicitly (for tests and CI).
const (
	EnvAccessKeyID     = "CONNECT_IAM_BOOTSTRAP_ACCESS_KEY_ID"
	EnvSecretAccessKey = "CONNECT_IAM_BOOTSTRAP_SECRET_ACCESS_KEY"
	EnvAccountID       = "CONNECT_IAM_ACCOUNT_ID"
)

// CredentialsFile is the name, in the data directory, of the first
// account's administrator credentials.
const CredentialsFile = "bootstrap-credentials"

// AdminUserName is the name of the administrator user of every account.
const AdminUserName = "admin"

// AdministratorAccess is the AWS managed policy attached to administrators.
const AdministratorAccess = "arn:aws:iam::aws:policy/AdministratorAccess"

// Options configure [Bootstrap] and [CreateAccount].
type Options struct {
	// DataDir is where the credentials file is written. Required.
	DataDir string
	// AccountID is the 12-digit account to create; "" picks one at random.
	AccountID string
	// AccessKeyID and SecretAccessKey are the administrator's access key;
	// both empty generate a new one.
	AccessKeyID     string
	SecretAccessKey string
	// Now returns the creation time; nil means time.Now.
	Now func() time.Time
	// NoFile writes no credentials file (for an in-memory server, whose
	// caller hands the credentials out itself); Result.CredentialsFile is
	// then empty.
	NoFile bool
}

// FromEnv returns Options for dir with the account ID and access key set
// from the CONNECT_IAM_* environment variables read by getenv.
func FromEnv(dir string, getenv func(string) string) Options {
	return Options{DataDir: dir, AccountID: getenv(EnvAccountID),
		AccessKeyID: getenv(EnvAccessKeyID), SecretAccessKey: getenv(EnvSecretAccessKey)}
}

// Result describes an account's administrator. It holds no secret.
type Result struct {
	AccountID   string
	UserName    string
	UserARN     string
	AccessKeyID string
	// CredentialsFile is the path of the credentials file.
	CredentialsFile string
	// Created reports whether this call created the account; false when
	// Bootstrap found the store bootstrapped already.
	Created bool
}

// Bootstrap creates the first account, its administrator and access key if
// the store has no account yet, and writes DataDir/bootstrap-credentials.
// On a store that has accounts it changes nothing and returns the first
// account; if opts names an access key that the store does not hold, it
// fails rather than silently ignoring the setting.
func Bootstrap(ctx context.Context, st store.Store, box *secretbox.Box, opts Options) (Result, error) {
	if err := opts.check(); err != nil {
		return Result{}, err
	}
	var existing []store.Account
	err := st.View(ctx, func(tx store.ReadTx) error {
		var err error
		existing, _, err = tx.ListAccounts(store.ListOptions{MaxItems: 1})
		return err
	})
	if err != nil {
		return Result{}, fmt.Errorf("bootstrap: reading accounts: %w", err)
	}
	if len(existing) == 0 {
		return create(ctx, st, box, opts, filepath.Join(opts.DataDir, CredentialsFile))
	}
	res := Result{AccountID: existing[0].ID, UserName: AdminUserName,
		UserARN: userARN(existing[0].ID), CredentialsFile: filepath.Join(opts.DataDir, CredentialsFile)}
	if opts.AccessKeyID == "" {
		// The account is the one whose key the credentials file holds,
		// not the lowest account ID (accounts created later may sort
		// first).
		if id := fileAccessKeyID(res.CredentialsFile); id != "" {
			err := st.View(ctx, func(tx store.ReadTx) error {
				k, err := tx.GetAccessKey(id)
				if err != nil {
					return err
				}
				res.AccountID, res.UserName, res.UserARN, res.AccessKeyID = k.AccountID, k.UserName, userARN(k.AccountID), k.ID
				return nil
			})
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return Result{}, fmt.Errorf("bootstrap: reading access key: %w", err)
			}
		}
	} else {
		err := st.View(ctx, func(tx store.ReadTx) error {
			k, err := tx.GetAccessKey(opts.AccessKeyID)
			if err != nil {
				return err
			}
			res.AccountID, res.UserName, res.UserARN = k.AccountID, k.UserName, userARN(k.AccountID)
			return nil
		})
		if errors.Is(err, store.ErrNotFound) {
			return Result{}, fmt.Errorf("bootstrap: %s=%s is not an access key of the data directory %s, which was bootstrapped before; "+
				"unset %s and %s, or start with an empty data directory", EnvAccessKeyID, opts.AccessKeyID, opts.DataDir, EnvAccessKeyID, EnvSecretAccessKey)
		}
		if err != nil {
			return Result{}, fmt.Errorf("bootstrap: reading access key: %w", err)
		}
		res.AccessKeyID = opts.AccessKeyID
	}
	return res, nil
}

// CreateAccount creates a new account with its administrator and access
// key, and writes its credentials to DataDir/credentials-ACCOUNT. It fails
// with an error wrapping store.ErrAlreadyExists if the account exists.
func CreateAccount(ctx context.Context, st store.Store, box *secretbox.Box, opts Options) (Result, error) {
	if err := opts.check(); err != nil {
		return Result{}, err
	}
	if opts.AccountID == "" {
		opts.AccountID = randomAccountID()
	}
	return create(ctx, st, box, opts, filepath.Join(opts.DataDir, "credentials-"+opts.AccountID))
}

func (o *Options) check() error {
	if o.DataDir == "" {
		return errors.New("bootstrap: no data directory; set Options.DataDir")
	}
	if o.AccountID != "" && !store.ValidAccountID(o.AccountID) {
		return fmt.Errorf("bootstrap: account ID %q is not 12 digits; set %s (or --id) to a 12-digit number such as 123456789012", o.AccountID, EnvAccountID)
	}
	if (o.AccessKeyID == "") != (o.SecretAccessKey == "") {
		return fmt.Errorf("bootstrap: %s and %s must be set together; set both or neither", EnvAccessKeyID, EnvSecretAccessKey)
	}
	if o.AccessKeyID != "" {
		if err := checkAccessKeyID(o.AccessKeyID); err != nil {
			return err
		}
		if len(o.SecretAccessKey) < 16 || len(o.SecretAccessKey) > 128 || strings.ContainsAny(o.SecretAccessKey, " \t\r\n") {
			return fmt.Errorf("bootstrap: %s must be 16 to 128 characters without spaces (AWS secret keys are 40)", EnvSecretAccessKey)
		}
	}
	return nil
}

func checkAccessKeyID(id string) error {
	ok := strings.HasPrefix(id, "AKIA") && len(id) >= 16 && len(id) <= 128
	for _, c := range id {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			ok = false
		}
	}
	if !ok {
		return fmt.Errorf("bootstrap: %s=%q is not a long-term access key ID: use AKIA followed by upper-case letters and digits, 16 to 128 characters in all (e.g. AKIAIOSFODNN7EXAMPLE)",
			EnvAccessKeyID, id)
	}
	return nil
}

func userARN(account string) string { return "arn:aws:iam::" + account + ":user/" + AdminUserName }

// create makes the account, user and key, and writes the credentials file
// at path: first to a temporary file, renamed into place once the
// transaction committed, so that the file never names a key the store
// does not hold.
func create(ctx context.Context, st store.Store, box *secretbox.Box, opts Options, path string) (Result, error) {
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	t := now().UTC().Truncate(time.Microsecond)
	if opts.AccountID == "" {
		opts.AccountID = randomAccountID()
	}
	if opts.AccessKeyID == "" {
		opts.AccessKeyID = store.NewID("AKIA", 20)
		opts.SecretAccessKey = NewSecretAccessKey()
	}
	res := Result{AccountID: opts.AccountID, UserName: AdminUserName, UserARN: userARN(opts.AccountID),
		AccessKeyID: opts.AccessKeyID, CredentialsFile: path, Created: true}
	var tmp string
	if opts.NoFile {
		res.CredentialsFile = ""
	} else {
		if err := os.MkdirAll(opts.DataDir, 0o700); err != nil {
			return Result{}, fmt.Errorf("bootstrap: creating data directory: %w", err)
		}
		var err error
		if tmp, err = writeTemp(opts.DataDir, credentialsText(res, opts.SecretAccessKey)); err != nil {
			return Result{}, err
		}
		defer os.Remove(tmp)
	}
	err := st.Update(ctx, func(tx store.Tx) error {
		if err := tx.CreateAccount(store.Account{ID: opts.AccountID, Created: t}); err != nil {
			return err
		}
		if err := tx.CreateUser(store.User{AccountID: opts.AccountID, ID: store.NewID("AIDA", 21), Path: "/",
			Name: AdminUserName, ARN: res.UserARN, Created: t}); err != nil {
			return err
		}
		if err := tx.AttachPolicy(opts.AccountID, store.EntityRef{Kind: store.KindUser, Name: AdminUserName}, AdministratorAccess); err != nil {
			return err
		}
		return tx.CreateAccessKey(store.AccessKey{ID: opts.AccessKeyID, AccountID: opts.AccountID, UserName: AdminUserName,
			SecretCiphertext: box.Seal([]byte(opts.SecretAccessKey), []byte(opts.AccessKeyID)),
			Status:           store.AccessKeyActive, Created: t})
	})
	if err != nil {
		if errors.Is(err, store.ErrAlreadyExists) {
			return Result{}, fmt.Errorf("bootstrap: account %s or access key %s exists already; choose another account ID or key: %w",
				opts.AccountID, opts.AccessKeyID, err)
		}
		return Result{}, fmt.Errorf("bootstrap: creating account %s: %w", opts.AccountID, err)
	}
	if opts.NoFile {
		return res, nil
	}
	if err := os.Rename(tmp, path); err != nil {
		return Result{}, fmt.Errorf("bootstrap: account %s was created but its credentials file could not be written: %w", opts.AccountID, err)
	}
	syncDir(opts.DataDir)
	return res, nil
}

// fileAccessKeyID returns the aws_access_key_id of the shared-credentials
// file at path, or "" if it cannot be read or has none.
func fileAccessKeyID(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	for line := range strings.Lines(string(b)) {
		k, v, ok := strings.Cut(line, "=")
		if ok && strings.TrimSpace(k) == "aws_access_key_id" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// CredentialsText returns the AWS shared-credentials file ([default]
// profile) of the administrator r with the given secret access key.
func CredentialsText(r Result, secret string) string { return credentialsText(r, secret) }

// Restore recreates, in tx, the account, administrator and access key
// that r and key describe (key as read from the store before it was
// emptied, its secret still sealed): the state Bootstrap left. It is the
// second half of resetting a server.
func Restore(tx store.Tx, r Result, admin store.User, key store.AccessKey) error {
	if err := tx.CreateAccount(store.Account{ID: r.AccountID, Created: admin.Created}); err != nil {
		return fmt.Errorf("bootstrap: restoring account %s: %w", r.AccountID, err)
	}
	u := store.User{AccountID: r.AccountID, ID: admin.ID, Path: "/", Name: AdminUserName, ARN: userARN(r.AccountID), Created: admin.Created}
	if err := tx.CreateUser(u); err != nil {
		return fmt.Errorf("bootstrap: restoring %s: %w", u.ARN, err)
	}
	if err := tx.AttachPolicy(r.AccountID, store.EntityRef{Kind: store.KindUser, Name: AdminUserName}, AdministratorAccess); err != nil {
		return fmt.Errorf("bootstrap: restoring %s: %w", u.ARN, err)
	}
	key.LastUsed, key.LastUsedService, key.LastUsedRegion = time.Time{}, "", ""
	key.Status = store.AccessKeyActive
	if err := tx.CreateAccessKey(key); err != nil {
		return fmt.Errorf("bootstrap: restoring access key %s: %w", key.ID, err)
	}
	return nil
}

// credentialsText is the AWS shared-credentials file of an administrator.
func credentialsText(r Result, secret string) string {
	return fmt.Sprintf("# connect-iam administrator %s of account %s\n[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n",
		r.UserARN, r.AccountID, r.AccessKeyID, secret)
}

func writeTemp(dir, content string) (string, error) {
	f, err := os.CreateTemp(dir, ".credentials-*")
	if err != nil {
		return "", fmt.Errorf("bootstrap: writing credentials file: %w", err)
	}
	name := f.Name()
	fail := func(err error) (string, error) {
		f.Close()
		os.Remove(name)
		return "", fmt.Errorf("bootstrap: writing credentials file %s: %w", name, err)
	}
	if err := f.Chmod(0o600); err != nil {
		return fail(err)
	}
	if _, err := f.WriteString(content); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(name)
		return "", fmt.Errorf("bootstrap: writing credentials file %s: %w", name, err)
	}
	return name, nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync() // best effort: makes the rename durable
		d.Close()
	}
}

// randomAccountID returns a random 12-digit account ID not starting with 0.
func randomAccountID() string {
	n, err := rand.Int(rand.Reader, big.NewInt(9e11))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return fmt.Sprintf("%012d", n.Int64()+1e11)
}

// NewSecretAccessKey returns a random 40-character secret access key in
// the alphabet AWS uses (letters, digits, '+' and '/').
func NewSecretAccessKey() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	b := make([]byte, 40)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = alphabet[b[i]&63]
	}
	return string(b)
}
