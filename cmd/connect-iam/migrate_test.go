package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/internal/app"
	"github.com/connect-iam/connect-iam/store"
	"github.com/connect-iam/connect-iam/store/postgres"
	"github.com/connect-iam/connect-iam/store/postgres/pgtest"
	"github.com/connect-iam/connect-iam/store/sqlite"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

const (
	migrateAccount = "111122223333"
	migrateKey     = "AKIAMIGRATEEXAMPLE01"
	migrateSecret  = "migrateSecretKey/EXAMPLE+0123456789abcdef"
)

// fillDataDir bootstraps a SQLite data directory and writes a little of
// everything into it.
func fillDataDir(t *testing.T, dir string) {
	t.Helper()
	env := map[string]string{"CONNECT_IAM_ACCOUNT_ID": migrateAccount,
		"CONNECT_IAM_BOOTSTRAP_ACCESS_KEY_ID": migrateKey, "CONNECT_IAM_BOOTSTRAP_SECRET_ACCESS_KEY": migrateSecret}
	a, err := app.New(t.Context(), app.Config{DataDir: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Getenv: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	arn := func(kind, name string) string { return "arn:aws:iam::" + migrateAccount + ":" + kind + "/" + name }
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:Get*","Resource":"*"}]}`
	err = a.Store.Update(t.Context(), func(tx store.Tx) error {
		for i := range 450 { // more than one import batch
			name := fmt.Sprintf("user%03d", i)
			if err := tx.CreateUser(store.User{AccountID: migrateAccount, ID: store.NewID("AIDA", 21), Name: name, ARN: arn("user", name)}); err != nil {
				return err
			}
		}
		if err := tx.CreateGroup(store.Group{AccountID: migrateAccount, ID: store.NewID("AGPA", 21), Name: "Devs", ARN: arn("group", "Devs")}); err != nil {
			return err
		}
		if err := tx.AddUserToGroup(migrateAccount, "devs", "user001"); err != nil {
			return err
		}
		if err := tx.CreateRole(store.Role{AccountID: migrateAccount, ID: store.NewID("AROA", 21), Name: "AWSServiceRoleForX", Path: "/aws-service-role/x.amazonaws.com/",
			ARN: arn("role", "aws-service-role/x.amazonaws.com/AWSServiceRoleForX"), AssumeRolePolicyDocument: doc, ServiceLinked: true}); err != nil {
			return err
		}
		p, err := tx.CreatePolicy(store.Policy{AccountID: migrateAccount, ID: store.NewID("ANPA", 21), Name: "Read", ARN: arn("policy", "Read")}, doc)
		if err != nil {
			return err
		}
		for range 2 {
			if _, err := tx.CreatePolicyVersion(migrateAccount, p.ARN, doc, true); err != nil {
				return err
			}
		}
		if err := tx.DeletePolicyVersion(migrateAccount, p.ARN, "v2"); err != nil {
			return err
		}
		if err := tx.AttachPolicy(migrateAccount, store.EntityRef{Kind: store.KindGroup, Name: "Devs"}, p.ARN); err != nil {
			return err
		}
		if err := tx.PutInlinePolicy(migrateAccount, store.EntityRef{Kind: store.KindUser, Name: "user002"}, "inline", doc); err != nil {
			return err
		}
		if err := tx.TagEntity(migrateAccount, store.EntityRef{Kind: store.KindUser, Name: "user003"}, []store.Tag{{Key: "team", Value: "a"}}); err != nil {
			return err
		}
		exp := time.Now().Add(time.Hour)
		if err := tx.CreateSession(store.Session{ID: "ASIAMIGRATE", AccountID: migrateAccount, Kind: store.SessionUser, PrincipalARN: arn("user", "user001"),
			SourceARN: arn("user", "user001"), SecretCiphertext: authz.SealSessionSecret(a.Box, "ASIAMIGRATE", "s", "t"), TokenHash: authz.TokenHashOf("t"),
			MFAAuthenticated: true, Tags: []store.Tag{{Key: "k", Value: "v"}}, Expiration: exp}); err != nil {
			return err
		}
		r, err := tx.CreateResource(store.Resource{AccountID: migrateAccount, Service: "connect", Type: "instance", ID: "i-1",
			ARN: "arn:aws:connect:us-east-1:" + migrateAccount + ":instance/i-1", Name: "one", NameKey: "one", Attributes: []byte(`{"a":1}`)})
		if err != nil {
			return err
		}
		if err := tx.TagResource(r.ARN, []store.Tag{{Key: "env", Value: "test"}}); err != nil {
			return err
		}
		for i := range 3 {
			if _, err := tx.AppendEvent(store.Event{Source: "iam.amazonaws.com", Name: fmt.Sprintf("Call%d", i), AccountID: migrateAccount}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// dump returns every row of every table as sorted text, booleans as 0/1.
func dump(t *testing.T, export func(ctx context.Context, table string, fn func([]string, []any) error) error) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, table := range sqlite.Tables {
		var rows []string
		err := export(t.Context(), table, func(cols []string, row []any) error {
			var b strings.Builder
			idx := make([]int, len(cols))
			for i := range idx {
				idx[i] = i
			}
			sort.Slice(idx, func(i, j int) bool { return cols[idx[i]] < cols[idx[j]] })
			for _, i := range idx {
				v := row[i]
				switch x := v.(type) {
				case bool:
					v = map[bool]int64{false: 0, true: 1}[x]
				case []byte:
					v = fmt.Sprintf("%x", x)
				}
				fmt.Fprintf(&b, "%s=%v;", cols[i], v)
			}
			rows = append(rows, b.String())
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		sort.Strings(rows)
		out[table] = rows
	}
	return out
}

func TestMigrate(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	dir := filepath.Join(t.TempDir(), "data")
	fillDataDir(t, dir)

	var stdout, stderr bytes.Buffer
	if code := migrate(t.Context(), []string{"--from", dir, "--to", dsn}, &stdout, &stderr); code != 0 {
		t.Fatalf("migrate exit %d: %s", code, stderr.String())
	}
	for _, want := range []string{"users            451 rows", "audit_events", "copied ", "master.key"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("migrate output lacks %q:\n%s", want, stdout.String())
		}
	}

	src, err := sqlite.Open(t.Context(), filepath.Join(dir, app.DatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := postgres.OpenOptions(t.Context(), dsn, postgres.Options{PollInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	want, got := dump(t, src.ExportTable), dump(t, dst.ExportTable)
	for _, table := range sqlite.Tables {
		if len(want[table]) == 0 && table != "deletion_tasks" {
			t.Errorf("the source has no %s: the test copies too little", table)
		}
		if strings.Join(got[table], "\n") != strings.Join(want[table], "\n") {
			t.Errorf("table %s differs after migrate:\n got %d rows %.300q\nwant %d rows %.300q", table, len(got[table]), got[table], len(want[table]), want[table])
		}
	}
	dst.Close()

	// A server on the database opens the secrets with the same key.
	st, box, err := app.OpenPostgres(t.Context(), dir, dsn)
	if err != nil {
		t.Fatalf("opening the migrated database with the data directory's key: %v", err)
	}
	defer st.Close()
	creds, err := authz.NewCredentialStore(st, box, nil).LookupCredentials(t.Context(), migrateKey)
	if err != nil || creds.SecretAccessKey != migrateSecret {
		t.Fatalf("the bootstrap key after migrate: %v (secret matches: %v)", err, creds.SecretAccessKey == migrateSecret)
	}
	// New audit events continue the sequence.
	if err := st.Update(t.Context(), func(tx store.Tx) error {
		seq, err := tx.AppendEvent(store.Event{Source: "iam.amazonaws.com", Name: "After", AccountID: migrateAccount})
		if err == nil && seq <= 3 {
			err = fmt.Errorf("new event got seq %d, which the copied events use", seq)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}

	// The commands on a server's data read the database too.
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"accounts", "list", "--data", dir, "--database", dsn}, migrateAccount},
		{[]string{"audit", "--data", dir, "--database", dsn, "--event-name", "Call1", "--since", "2000-01-01"}, "Call1"},
	} {
		var out, errb bytes.Buffer
		if code := run(tc.args, strings.NewReader(""), &out, &errb); code != 0 || !strings.Contains(out.String(), tc.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want %q", tc.args[:2], code, out.String(), errb.String(), tc.want)
		}
	}

	// Into a database that holds data: refused, nothing changes.
	stdout.Reset()
	stderr.Reset()
	if code := migrate(t.Context(), []string{"--from", dir, "--to", dsn}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "already holds") {
		t.Errorf("second migrate: exit %d, stderr %q; want 1 and \"already holds\"", code, stderr.String())
	}
}

func TestMigrateUsage(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-h"}, 0, "Usage: connect-iam migrate"},
		{[]string{"--to", "postgres://x/y"}, exitUsage, "missing --from"},
		{[]string{"--from", "d"}, exitUsage, "missing --to"},
		{[]string{"--from", "d", "--to", "/tmp/file.db"}, exitUsage, "not a postgres:// URL"},
		{[]string{"--from", "d", "--to", "postgres://x/y", "extra"}, exitUsage, "unexpected argument"},
		{[]string{"--from", filepath.Join(t.TempDir(), "none"), "--to", "postgres://x/y"}, 1, "no connect-iam data"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := migrate(t.Context(), tc.args, &stdout, &stderr)
			if code != tc.code || !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr.String(), tc.code, tc.want)
			}
		})
	}
}
