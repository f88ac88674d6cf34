package app_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/connect-iam/connect-iam/internal/app"
	"github.com/connect-iam/connect-iam/internal/secretbox"
	"github.com/connect-iam/connect-iam/server/sigv4"
)

const (
	keysAccessKey = "AKIAKEYSTESTEXAMPLE1"
	keysSecret    = "keysTestSecretKey/EXAMPLE+0123456789abcde"
)

// newKeysApp starts the real wiring on dir with a known bootstrap key.
func newKeysApp(dir string) (*app.App, error) {
	env := map[string]string{"CONNECT_IAM_BOOTSTRAP_ACCESS_KEY_ID": keysAccessKey, "CONNECT_IAM_BOOTSTRAP_SECRET_ACCESS_KEY": keysSecret}
	return app.New(context.Background(), app.Config{DataDir: dir, Logger: slog.New(slog.DiscardHandler),
		Getenv: func(k string) string { return env[k] }})
}

// signedCall sends a signed STS GetCallerIdentity through a's handler and
// returns the status: 200 only when the sealed bootstrap secret opens.
func signedCall(t *testing.T, a *app.App) int {
	t.Helper()
	body := []byte("Action=GetCallerIdentity&Version=2011-06-15")
	r := httptest.NewRequest(http.MethodPost, "http://sts.amazonaws.com/", strings.NewReader(string(body)))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if err := sigv4.Sign(r, body, sigv4.Credentials{AccessKeyID: keysAccessKey, SecretAccessKey: keysSecret}, "us-east-1", "sts", time.Now()); err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	a.Server.Handler().ServeHTTP(rec, r)
	return rec.Code
}

// TestMasterKeyRefusals: a database holding sealed secrets never starts
// with a missing or different master key, and no key is written over it.
func TestMasterKeyRefusals(t *testing.T) {
	otherKey := strings.Repeat("ab", secretbox.KeySize) + "\n"
	tests := []struct {
		name    string
		damage  func(t *testing.T, keyPath string)
		want    []string
		keyLeft bool // whether master.key exists after the refusal
	}{
		{"missing key", func(t *testing.T, keyPath string) {
			if err := os.Remove(keyPath); err != nil {
				t.Fatal(err)
			}
		}, []string{"master key", "master.key is missing", "holds 1 secrets sealed under master key ID", "restore master.key from your backup"}, false},
		{"wrong key", func(t *testing.T, keyPath string) {
			if err := os.WriteFile(keyPath, []byte(otherKey), 0o600); err != nil {
				t.Fatal(err)
			}
		}, []string{"master.key (key ID", "does not open the secrets sealed in", "sealed with a different master key", "restore the master.key"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			a, err := newKeysApp(dir)
			if err != nil {
				t.Fatal(err)
			}
			if code := signedCall(t, a); code != http.StatusOK {
				t.Fatalf("signed call before the damage: %d", code)
			}
			a.Close()
			keyPath := filepath.Join(dir, secretbox.KeyFile)
			tc.damage(t, keyPath)
			a, err = newKeysApp(dir)
			if err == nil {
				a.Close()
				t.Fatal("New started with a bad master key")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\nwant it to contain %q", err, w)
				}
			}
			if !strings.Contains(err.Error(), keyPath) {
				t.Errorf("error does not name %s: %v", keyPath, err)
			}
			if _, serr := os.Stat(keyPath); (serr == nil) != tc.keyLeft {
				t.Errorf("after the refusal, %s exists = %v, want %v", keyPath, serr == nil, tc.keyLeft)
			}
		})
	}
}

// TestRotateKey: rotation reseals every secret under a new key, keeps the
// old key file, and the server starts and verifies signatures with it.
func TestRotateKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	a, err := newKeysApp(dir)
	if err != nil {
		t.Fatal(err)
	}
	idpKey, err := a.TestIdP.Key() // the test IdP's key file, sealed with the master key
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	keyPath := filepath.Join(dir, secretbox.KeyFile)
	before, err := os.ReadFile(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	rot, err := app.RotateKey(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if rot.Resealed != 1 || rot.OldKeyID == rot.NewKeyID {
		t.Errorf("rotation %+v, want 1 secret resealed under a new key", rot)
	}
	after, err := os.ReadFile(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	if string(after) == string(before) {
		t.Error("master.key unchanged by the rotation")
	}
	if kept, err := os.ReadFile(rot.OldKeyFile); err != nil || string(kept) != string(before) {
		t.Errorf("old key file %s: %v (same as the old key: %v)", rot.OldKeyFile, err, string(kept) == string(before))
	}
	if _, err := os.Stat(filepath.Join(dir, "master.key.new")); err == nil {
		t.Error("master.key.new left behind")
	}
	a, err = newKeysApp(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if code := signedCall(t, a); code != http.StatusOK {
		t.Errorf("signed call after the rotation: %d", code)
	}
	if k, err := a.TestIdP.Key(); err != nil || !k.Private.Equal(idpKey.Private) {
		t.Errorf("the test IdP's key after the rotation: %v (the same key: %v)", err, err == nil && k.Private.Equal(idpKey.Private))
	}
	// The old key no longer opens the database.
	a.Close()
	if err := os.WriteFile(keyPath, before, 0o600); err != nil {
		t.Fatal(err)
	}
	if a, err := newKeysApp(dir); err == nil {
		a.Close()
		t.Error("the old key still starts the server after the rotation")
	}
}
