package iam

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"
	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/catalog"
	"github.com/connect-iam/connect-iam/internal/secretbox"
	"github.com/connect-iam/connect-iam/server"
	"github.com/connect-iam/connect-iam/server/sigv4"
	"github.com/connect-iam/connect-iam/store"
	"github.com/connect-iam/connect-iam/store/sqlite"
)

const (
	testAccount = "123456789012"
	adminKeyID  = "AKIATESTADMIN0000001"
	adminSecret = "admin-secret-key-for-the-iam-tests-000000"
)

// otherCallers are principals other than the admin user, by access key
// (all with adminSecret), for the fake credential lookup.
var otherCallers = map[string]*authz.Caller{
	"ASIATESTROLESESSION1": {Kind: authz.AssumedRoleCaller, AccountID: testAccount,
		ARN: "arn:aws:sts::" + testAccount + ":assumed-role/app/s1", UserID: "AROAEXAMPLEEXAMPLE01:s1",
		RoleName: "app", RoleARN: "arn:aws:iam::" + testAccount + ":role/app", SessionName: "s1", AccessKeyID: "ASIATESTROLESESSION1"},
	"AKIATESTROOTKEY00001": {Kind: authz.RootCaller, AccountID: testAccount, ARN: "arn:aws:iam::" + testAccount + ":root",
		UserID: testAccount, AccessKeyID: "AKIATESTROOTKEY00001"},
}

// fakeAuthz allows every request except the denied actions, and records
// every request it is asked about.
type fakeAuthz struct {
	mu   sync.Mutex
	deny map[string]bool
	reqs []authz.Request
}

func (f *fakeAuthz) Authorize(_ context.Context, req *authz.Request) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	rec := *req
	rec.Context = req.ConditionKeys() // the condition keys the authorizer evaluates
	f.reqs = append(f.reqs, rec)
	if f.deny[req.Action] {
		return &authz.AccessDeniedError{Message: fmt.Sprintf(
			"User: %s is not authorized to perform: %s on resource: %s because no identity-based policy allows the %s action",
			req.Caller.ARN, req.Action, req.Resource, req.Action)}
	}
	return nil
}

// last returns the last recorded request for action.
func (f *fakeAuthz) last(action string) (authz.Request, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.reqs) - 1; i >= 0; i-- {
		if f.reqs[i].Action == action {
			return f.reqs[i], true
		}
	}
	return authz.Request{}, false
}

// env is a running IAM server with one account and its admin user.
type env struct {
	st     store.Store
	box    *secretbox.Box
	authz  *fakeAuthz
	client *awsiam.Client
	url    string
	now    time.Time
}

// newEnv starts an httptest server running server.New with the IAM
// handlers, a SigV4 authenticator that maps the admin key to its Caller,
// and the given authorizer (nil means a fakeAuthz).
func newEnv(t *testing.T, az authz.Authorizer) *env {
	t.Helper()
	return newEnvWith(t, az, false)
}

// newRealEnv is newEnv with the real authorizer (authz.New) and credential
// lookup (authz.NewCredentialStore): the admin user has an access key in
// the store and AdministratorAccess attached.
func newRealEnv(t *testing.T) *env {
	t.Helper()
	return newEnvWith(t, nil, true)
}

func newEnvWith(t *testing.T, az authz.Authorizer, real bool) *env {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "iam.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	key := make([]byte, secretbox.KeySize)
	for i := range key {
		key[i] = byte(i)
	}
	box, err := secretbox.New(key)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	admin := store.User{AccountID: testAccount, ID: "AIDAADMINADMINADMIN01", Path: "/", Name: "admin",
		ARN: "arn:aws:iam::" + testAccount + ":user/admin", Created: now}
	err = st.Update(ctx, func(tx store.Tx) error {
		if err := tx.CreateAccount(store.Account{ID: testAccount, Created: now}); err != nil {
			return err
		}
		if err := tx.CreateUser(admin); err != nil {
			return err
		}
		if !real {
			return nil
		}
		ref := store.EntityRef{Kind: store.KindUser, Name: admin.Name}
		if err := tx.AttachPolicy(testAccount, ref, "arn:aws:iam::aws:policy/AdministratorAccess"); err != nil {
			return err
		}
		return tx.CreateAccessKey(store.AccessKey{ID: adminKeyID, AccountID: testAccount, UserName: admin.Name,
			SecretCiphertext: box.Seal([]byte(adminSecret), []byte(adminKeyID)), Status: store.AccessKeyActive, Created: now})
	})
	if err != nil {
		t.Fatal(err)
	}
	caller := &authz.Caller{Kind: authz.UserCaller, AccountID: testAccount, ARN: admin.ARN, UserID: admin.ID,
		UserName: admin.Name, AccessKeyID: adminKeyID}
	var creds sigv4.CredentialStore = sigv4.CredentialStoreFunc(func(ctx context.Context, id string) (sigv4.Credentials, error) {
		if id == adminKeyID {
			return sigv4.Credentials{AccessKeyID: adminKeyID, SecretAccessKey: adminSecret, Principal: caller}, nil
		}
		if c, ok := otherCallers[id]; ok {
			return sigv4.Credentials{AccessKeyID: id, SecretAccessKey: adminSecret, Principal: c}, nil
		}
		return sigv4.Credentials{}, sigv4.ErrUnknownAccessKey
	})
	fa, _ := az.(*fakeAuthz)
	if real {
		creds = authz.NewCredentialStore(st, box, nil)
		az = authz.New(st, authz.Options{Catalog: catalog.Default(), ManagedPolicy: ManagedPolicy})
	} else if az == nil {
		fa = &fakeAuthz{deny: map[string]bool{}}
		az = fa
	}
	srv := server.New(server.Config{Authenticator: server.SigV4(&sigv4.Verifier{Store: creds}),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	Register(srv, Deps{Store: st, Box: box, Authorizer: az, Now: func() time.Time { return now }})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	e := &env{st: st, box: box, authz: fa, url: ts.URL, now: now}
	e.client = e.clientFor(adminKeyID, adminSecret)
	return e
}

// clientFor returns an IAM client of the server signing with a key.
func (e *env) clientFor(id, secret string) *awsiam.Client {
	return awsiam.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(id, secret, ""),
		BaseEndpoint: aws.String(e.url),
	})
}

// fixture returns the content of testdata/name.
func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// apiError returns the code and message of an AWS API error, or "" when
// err is nil.
func apiError(t *testing.T, err error) (code, msg string) {
	t.Helper()
	if err == nil {
		return "", ""
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v (%T) is not an AWS API error", err, err)
	}
	return ae.ErrorCode(), ae.ErrorMessage()
}

// must returns a function that fails the test on err and else returns v:
// must(client.Call(ctx, in))(t).
func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
