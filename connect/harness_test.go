package connect

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
	awsconnect "github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
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
	testAccount = "123456789012"
	adminKeyID  = "AKIATESTADMIN0000001"
	testSecret  = "test-secret-key-for-the-connect-tests-00"
)

// env is a running server with the Amazon Connect handlers behind the
// real authorizer and credential lookup, and an administrator user with
// AdministratorAccess.
type env struct {
	t      *testing.T
	st     store.Store
	box    *secretbox.Box
	url    string
	now    time.Time
	admin  *awsconnect.Client
	nextID int
}

// newEnv starts the server. az, when not nil, wraps the real authorizer
// (to record the questions asked).
func newEnv(t testing.TB, wrap func(authz.Authorizer) authz.Authorizer) *env {
	t.Helper()
	return newEnvGeneric(t, wrap, nil)
}

// newEnvGeneric is newEnv with the operations in generic served by the
// generic engine instead of their hand-written behaviour.
func newEnvGeneric(t testing.TB, wrap func(authz.Authorizer) authz.Authorizer, generic map[string]bool) *env {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "connect.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	st := authz.Watch(db)
	key := make([]byte, secretbox.KeySize)
	box, err := secretbox.New(key)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	e := &env{st: st, box: box, now: now}
	if tt, ok := t.(*testing.T); ok {
		e.t = tt
	}
	err = st.Update(ctx, func(tx store.Tx) error {
		return tx.CreateAccount(store.Account{ID: testAccount, Created: now})
	})
	if err != nil {
		t.Fatal(err)
	}
	e.addUser(t, "admin", adminKeyID, "arn:aws:iam::aws:policy/AdministratorAccess", "")
	var az authz.Authorizer = authz.New(st, authz.Options{Catalog: catalog.Default(), ManagedPolicy: iam.ManagedPolicy})
	if wrap != nil {
		az = wrap(az)
	}
	srv := server.New(server.Config{Authenticator: server.SigV4(&sigv4.Verifier{Store: authz.NewCredentialStore(st, box, nil)}),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	register(srv, Deps{Store: st, Authorizer: az}, generic)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	e.url = ts.URL
	e.admin = e.client(adminKeyID)
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

// principal creates an IAM user with the given policies and returns a
// Connect client signing as it.
func (e *env) principal(t testing.TB, name, policyARN, doc string) *awsconnect.Client {
	t.Helper()
	e.nextID++
	keyID := fmt.Sprintf("AKIATESTUSER%08d", e.nextID)
	e.addUser(t, name, keyID, policyARN, doc)
	return e.client(keyID)
}

// client returns a Connect client of the server signing with keyID.
func (e *env) client(keyID string) *awsconnect.Client {
	return awsconnect.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(keyID, testSecret, ""),
		BaseEndpoint: aws.String(e.url),
	})
}

// fixture returns the content of testdata/name.
func fixture(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// apiError returns the code and message of an AWS API error, or "" when
// err is nil.
func apiError(t testing.TB, err error) (code, msg string) {
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

// must returns a function that fails the test on err and else returns v.
func must[T any](v T, err error) func(t testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// world is an instance with the resources a user needs.
type world struct {
	instance, hours, queue, routing, security, hierarchy string
}

// newWorld creates, as the administrator, an instance with hours of
// operation, a queue, a routing profile, a security profile and a
// hierarchy group.
func (e *env) newWorld(t testing.TB, alias string) world {
	t.Helper()
	ctx := context.Background()
	c := e.admin
	var w world
	inst := must(c.CreateInstance(ctx, &awsconnect.CreateInstanceInput{IdentityManagementType: types.DirectoryTypeConnectManaged,
		InstanceAlias: aws.String(alias), InboundCallsEnabled: aws.Bool(true), OutboundCallsEnabled: aws.Bool(true)}))(t)
	w.instance = aws.ToString(inst.Id)
	hours := must(c.CreateHoursOfOperation(ctx, &awsconnect.CreateHoursOfOperationInput{InstanceId: inst.Id, Name: aws.String("Office"),
		TimeZone: aws.String("America/New_York"), Config: []types.HoursOfOperationConfig{{Day: types.HoursOfOperationDaysMonday,
			StartTime: &types.HoursOfOperationTimeSlice{Hours: aws.Int32(9), Minutes: aws.Int32(0)},
			EndTime:   &types.HoursOfOperationTimeSlice{Hours: aws.Int32(17), Minutes: aws.Int32(0)}}}}))(t)
	w.hours = aws.ToString(hours.HoursOfOperationId)
	q := must(c.CreateQueue(ctx, &awsconnect.CreateQueueInput{InstanceId: inst.Id, Name: aws.String("Support"), HoursOfOperationId: hours.HoursOfOperationId}))(t)
	w.queue = aws.ToString(q.QueueId)
	rp := must(c.CreateRoutingProfile(ctx, &awsconnect.CreateRoutingProfileInput{InstanceId: inst.Id, Name: aws.String("Basic"),
		Description: aws.String("basic"), DefaultOutboundQueueId: q.QueueId,
		MediaConcurrencies: []types.MediaConcurrency{{Channel: types.ChannelVoice, Concurrency: aws.Int32(1)}}}))(t)
	w.routing = aws.ToString(rp.RoutingProfileId)
	sp := must(c.CreateSecurityProfile(ctx, &awsconnect.CreateSecurityProfileInput{InstanceId: inst.Id, SecurityProfileName: aws.String("Tier 1 agents")}))(t)
	w.security = aws.ToString(sp.SecurityProfileId)
	hg := must(c.CreateUserHierarchyGroup(ctx, &awsconnect.CreateUserHierarchyGroupInput{InstanceId: inst.Id, Name: aws.String("Team")}))(t)
	w.hierarchy = aws.ToString(hg.HierarchyGroupId)
	return w
}

// createUser creates a Connect user in w as client c.
func (w world) createUser(ctx context.Context, c *awsconnect.Client, name string, tags map[string]string) (*awsconnect.CreateUserOutput, error) {
	return c.CreateUser(ctx, &awsconnect.CreateUserInput{InstanceId: aws.String(w.instance), Username: aws.String(name),
		Password: aws.String("Passw0rd!x"), RoutingProfileId: aws.String(w.routing), SecurityProfileIds: []string{w.security},
		PhoneConfig: &types.UserPhoneConfig{PhoneType: types.PhoneTypeSoftPhone}, Tags: tags})
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
