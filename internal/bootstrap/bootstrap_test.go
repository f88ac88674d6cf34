package bootstrap_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/connect-iam/connect-iam/internal/bootstrap"
	"github.com/connect-iam/connect-iam/internal/secretbox"
	"github.com/connect-iam/connect-iam/store"
	"github.com/connect-iam/connect-iam/store/sqlite"
)

const (
	testKey    = "AKIAIOSFODNN7EXAMPLE"
	testSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

func open(t *testing.T) (string, store.Store, *secretbox.Box) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	box, err := secretbox.LoadOrCreate(dir)
	if err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "connect-iam.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return dir, st, box
}

// checkAdmin verifies the stored administrator and its credentials file.
func checkAdmin(t *testing.T, st store.Store, box *secretbox.Box, res bootstrap.Result, wantSecret string) {
	t.Helper()
	fi, err := os.Stat(res.CredentialsFile)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("credentials file mode %v, want 0600", fi.Mode().Perm())
	}
	b, _ := os.ReadFile(res.CredentialsFile)
	m := regexp.MustCompile(`(?m)^\[default\]\naws_access_key_id = (\S+)\naws_secret_access_key = (\S+)\n`).FindStringSubmatch(string(b))
	if m == nil {
		t.Fatalf("credentials file is not in shared-credentials format:\n%s", b)
	}
	if m[1] != res.AccessKeyID || wantSecret != "" && m[2] != wantSecret {
		t.Errorf("credentials file has %s/%s, want %s/%s", m[1], m[2], res.AccessKeyID, wantSecret)
	}
	err = st.View(context.Background(), func(tx store.ReadTx) error {
		k, err := tx.GetAccessKey(res.AccessKeyID)
		if err != nil {
			return err
		}
		if k.AccountID != res.AccountID || k.UserName != "admin" || k.Status != store.AccessKeyActive {
			t.Errorf("access key = %+v", k)
		}
		secret, err := box.Open(k.SecretCiphertext, []byte(k.ID))
		if err != nil || string(secret) != m[2] {
			t.Errorf("sealed secret opens to %q, %v; want the file's secret", secret, err)
		}
		u, err := tx.GetUser(res.AccountID, "admin")
		if err != nil {
			return err
		}
		if u.ARN != "arn:aws:iam::"+res.AccountID+":user/admin" || !strings.HasPrefix(u.ID, "AIDA") {
			t.Errorf("user = %+v", u)
		}
		arns, _, err := tx.ListAttachedPolicies(res.AccountID, store.EntityRef{Kind: store.KindUser, Name: "admin"}, store.ListOptions{})
		if err != nil {
			return err
		}
		if len(arns) != 1 || arns[0] != bootstrap.AdministratorAccess {
			t.Errorf("attached policies %v, want AdministratorAccess", arns)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestBootstrap(t *testing.T) {
	tests := []struct {
		name       string
		env        map[string]string
		wantErr    string
		wantKey    string
		wantSecret string
		wantAcct   string
	}{
		{name: "generated", env: nil},
		{name: "explicit", env: map[string]string{bootstrap.EnvAccessKeyID: testKey, bootstrap.EnvSecretAccessKey: testSecret,
			bootstrap.EnvAccountID: "111122223333"}, wantKey: testKey, wantSecret: testSecret, wantAcct: "111122223333"},
		{name: "key without secret", env: map[string]string{bootstrap.EnvAccessKeyID: testKey},
			wantErr: "must be set together"},
		{name: "bad account", env: map[string]string{bootstrap.EnvAccountID: "12345"}, wantErr: "is not 12 digits"},
		{name: "bad key", env: map[string]string{bootstrap.EnvAccessKeyID: "ASIAIOSFODNN7EXAMPLE", bootstrap.EnvSecretAccessKey: testSecret},
			wantErr: "is not a long-term access key ID"},
		{name: "short secret", env: map[string]string{bootstrap.EnvAccessKeyID: testKey, bootstrap.EnvSecretAccessKey: "short"},
			wantErr: "16 to 128 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, st, box := open(t)
			opts := bootstrap.FromEnv(dir, func(k string) string { return tt.env[k] })
			res, err := bootstrap.Bootstrap(context.Background(), st, box, opts)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !res.Created || !store.ValidAccountID(res.AccountID) || !strings.HasPrefix(res.AccessKeyID, "AKIA") {
				t.Errorf("result = %+v", res)
			}
			if tt.wantKey != "" && res.AccessKeyID != tt.wantKey || tt.wantAcct != "" && res.AccountID != tt.wantAcct {
				t.Errorf("result = %+v, want key %s account %s", res, tt.wantKey, tt.wantAcct)
			}
			if res.CredentialsFile != filepath.Join(dir, "bootstrap-credentials") {
				t.Errorf("credentials file %s", res.CredentialsFile)
			}
			checkAdmin(t, st, box, res, tt.wantSecret)

			// A second start changes nothing and reports the same account.
			before, _ := os.ReadFile(res.CredentialsFile)
			again, err := bootstrap.Bootstrap(context.Background(), st, box, opts)
			if err != nil {
				t.Fatal(err)
			}
			after, _ := os.ReadFile(res.CredentialsFile)
			if again.Created || again.AccountID != res.AccountID || string(before) != string(after) {
				t.Errorf("second bootstrap = %+v, file changed %v", again, string(before) != string(after))
			}
		})
	}
}

func TestBootstrapUnknownKeyOnRestart(t *testing.T) {
	dir, st, box := open(t)
	if _, err := bootstrap.Bootstrap(context.Background(), st, box, bootstrap.Options{DataDir: dir}); err != nil {
		t.Fatal(err)
	}
	_, err := bootstrap.Bootstrap(context.Background(), st, box,
		bootstrap.Options{DataDir: dir, AccessKeyID: testKey, SecretAccessKey: testSecret})
	if err == nil || !strings.Contains(err.Error(), "bootstrapped before") {
		t.Fatalf("error %v, want the already-bootstrapped explanation", err)
	}
}

func TestCreateAccount(t *testing.T) {
	dir, st, box := open(t)
	if _, err := bootstrap.Bootstrap(context.Background(), st, box, bootstrap.Options{DataDir: dir, AccountID: "111111111111"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, id string
		wantErr  error
	}{
		{"given ID", "222222222222", nil},
		{"random ID", "", nil},
		{"existing ID", "111111111111", store.ErrAlreadyExists},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := bootstrap.CreateAccount(context.Background(), st, box, bootstrap.Options{DataDir: dir, AccountID: tt.id})
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("error %v, want %v", err, tt.wantErr)
				}
				if _, err := os.Stat(filepath.Join(dir, "credentials-"+tt.id)); !os.IsNotExist(err) {
					t.Errorf("credentials file written for a failed account: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.id != "" && res.AccountID != tt.id {
				t.Errorf("account %s, want %s", res.AccountID, tt.id)
			}
			if res.CredentialsFile != filepath.Join(dir, "credentials-"+res.AccountID) {
				t.Errorf("credentials file %s", res.CredentialsFile)
			}
			checkAdmin(t, st, box, res, "")
		})
	}
	// No temporary files are left behind.
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".credentials-") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

// TestBootstrapNamesTheCredentialsFileAccount checks that a restart
// reports the account whose key bootstrap-credentials holds, even when an
// account created later sorts first, and that NoFile writes nothing.
func TestBootstrapNamesTheCredentialsFileAccount(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		first   string
		created string
	}{
		{"later account sorts first", "900000000009", "100000000001"},
		{"later account sorts last", "100000000001", "900000000009"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, st, box := open(t)
			first, err := bootstrap.Bootstrap(ctx, st, box, bootstrap.Options{DataDir: dir, AccountID: tt.first})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := bootstrap.CreateAccount(ctx, st, box, bootstrap.Options{DataDir: dir, AccountID: tt.created}); err != nil {
				t.Fatal(err)
			}
			again, err := bootstrap.Bootstrap(ctx, st, box, bootstrap.Options{DataDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			if again.AccountID != tt.first || again.AccessKeyID != first.AccessKeyID || again.Created {
				t.Errorf("restart reports account %s key %s (created %v), want %s key %s", again.AccountID, again.AccessKeyID,
					again.Created, tt.first, first.AccessKeyID)
			}
		})
	}
	t.Run("NoFile", func(t *testing.T) {
		dir, st, box := open(t)
		res, err := bootstrap.Bootstrap(ctx, st, box, bootstrap.Options{DataDir: dir, NoFile: true, AccessKeyID: testKey, SecretAccessKey: testSecret})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(dir, bootstrap.CredentialsFile)); !errors.Is(err, os.ErrNotExist) || res.CredentialsFile != "" {
			t.Errorf("NoFile: credentials file %q, stat %v; want none", res.CredentialsFile, err)
		}
		if !strings.Contains(bootstrap.CredentialsText(res, testSecret), "aws_secret_access_key = "+testSecret) {
			t.Error("CredentialsText lacks the secret")
		}
	})
}
