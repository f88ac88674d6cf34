package connectapps

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/appintegrations"
	"github.com/aws/aws-sdk-go-v2/service/customerprofiles"
	"github.com/aws/smithy-go"
	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/catalog"
	"github.com/connect-iam/connect-iam/iam"
	"github.com/connect-iam/connect-iam/internal/secretbox"
	"github.com/connect-iam/connect-iam/server"
	"github.com/connect-iam/connect-iam/server/sigv4"
	"github.com/connect-iam/connect-iam/store"
	"github.com/connect-iam/connect-iam/store/sqlite"
)

const (
	testAccount  = "123456789012"
	testRegion   = "us-east-1"
	adminKeyID   = "AKIATESTADMIN0000001"
	testSecret   = "test-secret-key-for-the-connectapps-000"
	testInstance = "11111111-2222-4333-8444-555555555555"
)

// env is a running server with this package's handlers behind the real
// authorizer and credential lookup, an administrator user with
// AdministratorAccess, and an Amazon Connect instance testInstance.
type env struct {
	st     store.Store
	box    *secretbox.Box
	url    string
	now    time.Time
	nextID int
	rec    *recorder
}

// newEnv starts the server.
func newEnv(t testing.TB) *env {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "apps.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	st := authz.Watch(db)
	box, err := secretbox.New(make([]byte, secretbox.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	e := &env{st: st, box: box, now: now}
	err = st.Update(ctx, func(tx store.Tx) error {
		if err := tx.CreateAccount(store.Account{ID: testAccount, Created: now}); err != nil {
			return err
		}
		_, err := tx.CreateResource(store.Resource{AccountID: testAccount, Service: "connect", Type: "instance", ID: testInstance,
			ARN: "arn:aws:connect:us-east-1:" + testAccount + ":instance/" + testInstance, Name: "test", Created: now, Updated: now})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	e.addUser(t, "admin", adminKeyID, "arn:aws:iam::aws:policy/AdministratorAccess", "")
	e.rec = &recorder{next: authz.New(st, authz.Options{Catalog: catalog.Default(), ManagedPolicy: iam.ManagedPolicy})}
	srv := server.New(server.Config{Authenticator: server.SigV4(&sigv4.Verifier{Store: authz.NewCredentialStore(st, box, nil)}),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	Register(srv, Deps{Store: st, Authorizer: e.rec})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	e.url = ts.URL
	return e
}

// addUser creates an IAM user with an access key (secret testSecret) and
// attaches the managed policy policyARN and the inline policy doc (either
// may be empty).
func (e *env) addUser(t testing.TB, name, keyID, policyARN, doc string) {
	t.Helper()
	u := store.User{AccountID: testAccount, ID: iam.NewUniqueID("AIDA"), Path: "/", Name: name,
		ARN: "arn:aws:iam::" + testAccount + ":user/" + name, Created: e.now}
	err := e.st.Update(context.Background(), func(tx store.Tx) error {
		if err := tx.CreateUser(u); err != nil {
			return err
		}
		ref := store.EntityRef{Kind: store.KindUser, Name: name}
		if policyARN != "" {
			if err := tx.AttachPolicy(testAccount, ref, policyARN); err != nil {
				return err
			}
		}
		if doc != "" {
			if err := tx.PutInlinePolicy(testAccount, ref, "inline", doc); err != nil {
				return err
			}
		}
		return tx.CreateAccessKey(store.AccessKey{ID: keyID, AccountID: testAccount, UserName: name,
			SecretCiphertext: e.box.Seal([]byte(testSecret), []byte(keyID)), Status: store.AccessKeyActive, Created: e.now})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// principal creates an IAM user with the given policies and returns its
// access key ID.
func (e *env) principal(t testing.TB, name, policyARN, doc string) string {
	t.Helper()
	e.nextID++
	keyID := fmt.Sprintf("AKIATESTUSER%08d", e.nextID)
	e.addUser(t, name, keyID, policyARN, doc)
	return keyID
}

func (e *env) config(keyID string) aws.Config {
	return aws.Config{
		Region:       testRegion,
		Credentials:  credentials.NewStaticCredentialsProvider(keyID, testSecret, ""),
		BaseEndpoint: aws.String(e.url),
	}
}

// appIntegrations returns an AppIntegrations SDK client signing with keyID.
func (e *env) appIntegrations(keyID string) *appintegrations.Client {
	return appintegrations.NewFromConfig(e.config(keyID))
}

// profiles returns a Customer Profiles SDK client signing with keyID.
func (e *env) profiles(keyID string) *customerprofiles.Client {
	return customerprofiles.NewFromConfig(e.config(keyID))
}

// rest is a restJson1 client of one service that signs its requests with
// the AWS SDK's SigV4 signer, for the services whose SDK modules the
// build does not include (Wisdom, outbound campaigns).
type rest struct {
	e       *env
	service string
	keyID   string
}

// apiError is an error response.
type apiError struct {
	Status  int
	Code    string
	Message string
	Body    map[string]any
}

func (a *apiError) Error() string { return fmt.Sprintf("%d %s: %s", a.Status, a.Code, a.Message) }

// do sends method path with body in (nil for none) and decodes the
// response into out (nil to ignore it). A non-2xx response is an
// *apiError.
func (r rest) do(method, path string, in, out any) error {
	return r.doIn(testRegion, method, path, in, out)
}

// doIn is do signing for region.
func (r rest) doIn(region, method, path string, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return err
		}
	}
	req, err := http.NewRequest(method, r.e.url+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: r.keyID, SecretAccessKey: testSecret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), r.service, region, time.Now()); err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		ae := &apiError{Status: resp.StatusCode, Code: resp.Header.Get("X-Amzn-ErrorType")}
		if err := json.Unmarshal(b, &ae.Body); err != nil {
			return fmt.Errorf("%s %s: %d with a body that is not JSON: %q", method, path, resp.StatusCode, b)
		}
		ae.Message, _ = ae.Body["message"].(string)
		return ae
	}
	if out != nil && len(b) > 0 {
		return json.Unmarshal(b, out)
	}
	return nil
}

// esc percent-encodes an ARN for a path label.
func esc(s string) string { return url.PathEscape(s) }

// fixture returns the content of testdata/name.
func fixture(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// errCode returns the code and message of an error of the SDK or of
// rest.do, or "" when err is nil.
func errCode(t testing.TB, err error) (code, msg string) {
	t.Helper()
	if err == nil {
		return "", ""
	}
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.Code, ae.Message
	}
	var se smithy.APIError
	if errors.As(err, &se) {
		return se.ErrorCode(), se.ErrorMessage()
	}
	t.Fatalf("error %v (%T) is not an AWS API error", err, err)
	return "", ""
}

// denied is the message of a denial for lack of an identity-based policy.
func denied(user, action, resource string) string {
	if resource == "*" {
		// AWS leaves the resource out of the message when there is none.
		return fmt.Sprintf("User: arn:aws:iam::%s:user/%s is not authorized to perform: %s because no identity-based policy allows the %s action",
			testAccount, user, action, action)
	}
	return fmt.Sprintf("User: arn:aws:iam::%s:user/%s is not authorized to perform: %s on resource: %s because no identity-based policy allows the %s action",
		testAccount, user, action, resource, action)
}

// outcome is the expected result of one call: no error (code ""), or the
// error code with the exact message (when msg is not empty).
type outcome struct {
	code, msg string
}

// check compares err with want.
func check(t *testing.T, name string, err error, want outcome) {
	t.Helper()
	code, msg := errCode(t, err)
	if code != want.code {
		t.Errorf("%s: error code %q (%v), want %q", name, code, err, want.code)
		return
	}
	if want.msg != "" && msg != want.msg {
		t.Errorf("%s: message\n%q\nwant\n%q", name, msg, want.msg)
	}
}

// recorder wraps an authorizer and records the questions it is asked.
type recorder struct {
	next authz.Authorizer
	mu   sync.Mutex
	reqs []authz.Request
}

func (r *recorder) Authorize(ctx context.Context, req *authz.Request) error {
	// Record the condition keys the authorizer evaluates.
	rec := *req
	rec.Context = req.ConditionKeys()
	r.mu.Lock()
	r.reqs = append(r.reqs, rec)
	r.mu.Unlock()
	return r.next.Authorize(ctx, req)
}

// take returns and forgets the recorded requests.
func (r *recorder) take() []authz.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.reqs
	r.reqs = nil
	return out
}

// arn returns an ARN of service in the test account.
func arn(service, resource string) string {
	return "arn:aws:" + service + ":" + testRegion + ":" + testAccount + ":" + resource
}

// must fails the test on err.
func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
