package sts_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"

	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/internal/secretbox"
	"github.com/connect-iam/connect-iam/server"
	"github.com/connect-iam/connect-iam/server/sigv4"
	"github.com/connect-iam/connect-iam/store"
	"github.com/connect-iam/connect-iam/store/sqlite"
	"github.com/connect-iam/connect-iam/sts"
)

const acct = "111122223333"

type fixture struct {
	Account  string                     `json:"account"`
	Managed  map[string]json.RawMessage `json:"managed"`
	Policies []struct {
		Name     string          `json:"name"`
		Document json.RawMessage `json:"document"`
	} `json:"policies"`
	Users []struct {
		Name     string                     `json:"name"`
		Key      string                     `json:"key"`
		Attached []string                   `json:"attached"`
		Inline   map[string]json.RawMessage `json:"inline"`
	} `json:"users"`
	Roles []struct {
		Name       string                     `json:"name"`
		Path       string                     `json:"path"`
		MaxSession int                        `json:"maxSessionSeconds"`
		Tags       map[string]string          `json:"tags"`
		Trust      json.RawMessage            `json:"trust"`
		Inline     map[string]json.RawMessage `json:"inline"`
	} `json:"roles"`
}

// clock is the STS clock, which tests move to issue expired credentials.
type clock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *clock) set(d time.Duration) {
	c.mu.Lock()
	c.offset = d
	c.mu.Unlock()
}

type env struct {
	url   string
	st    store.Store
	clock *clock
}

func compact(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// newEnv loads testdata/fixture.json into a SQLite store and serves STS
// with real SigV4 authentication and the authz engine.
func newEnv(t *testing.T) *env {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "fixture.json"))
	if err != nil {
		t.Fatal(err)
	}
	var fx fixture
	if err := json.Unmarshal(src, &fx); err != nil {
		t.Fatalf("testdata/fixture.json: %v", err)
	}
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "iam.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	// The server's wiring: every user of the store sees its writes through
	// the watched store, which invalidates the authorizer's caches.
	st := authz.Watch(db)
	box, err := secretbox.New(bytes.Repeat([]byte{3}, secretbox.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	managed := map[string]string{}
	for a, d := range fx.Managed {
		managed[a] = compact(t, d)
	}
	managedPolicy := func(a string) (string, bool) { d, ok := managed[a]; return d, ok }
	a := fx.Account
	err = st.Update(context.Background(), func(tx store.Tx) error {
		if err := tx.CreateAccount(store.Account{ID: a}); err != nil {
			return err
		}
		for _, p := range fx.Policies {
			if _, err := tx.CreatePolicy(store.Policy{AccountID: a, ID: store.NewID("ANPA", 21), Name: p.Name,
				ARN: "arn:aws:iam::" + a + ":policy/" + p.Name}, compact(t, p.Document)); err != nil {
				return err
			}
		}
		for _, u := range fx.Users {
			ref := store.EntityRef{Kind: store.KindUser, Name: u.Name}
			if err := tx.CreateUser(store.User{AccountID: a, ID: store.NewID("AIDA", 21), Name: u.Name, ARN: "arn:aws:iam::" + a + ":user/" + u.Name}); err != nil {
				return err
			}
			for _, p := range u.Attached {
				if err := tx.AttachPolicy(a, ref, p); err != nil {
					return err
				}
			}
			for n, d := range u.Inline {
				if err := tx.PutInlinePolicy(a, ref, n, compact(t, d)); err != nil {
					return err
				}
			}
			if err := tx.CreateAccessKey(store.AccessKey{ID: u.Key, AccountID: a, UserName: u.Name,
				SecretCiphertext: box.Seal([]byte("secret-"+u.Name), []byte(u.Key))}); err != nil {
				return err
			}
		}
		for _, r := range fx.Roles {
			ref := store.EntityRef{Kind: store.KindRole, Name: r.Name}
			path := r.Path
			if path == "" {
				path = "/"
			}
			max := time.Hour
			if r.MaxSession > 0 {
				max = time.Duration(r.MaxSession) * time.Second
			}
			if err := tx.CreateRole(store.Role{AccountID: a, ID: store.NewID("AROA", 21), Path: path, Name: r.Name,
				ARN: "arn:aws:iam::" + a + ":role" + path + r.Name, AssumeRolePolicyDocument: compact(t, r.Trust), MaxSessionDuration: max}); err != nil {
				return err
			}
			for n, d := range r.Inline {
				if err := tx.PutInlinePolicy(a, ref, n, compact(t, d)); err != nil {
					return err
				}
			}
			for k, v := range r.Tags {
				if err := tx.TagEntity(a, ref, []store.Tag{{Key: k, Value: v}}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("load fixture: %v", err)
	}

	clk := &clock{}
	verifier := &sigv4.Verifier{Store: authz.NewCredentialStore(st, box, nil)}
	srv := server.New(server.Config{Authenticator: server.SigV4(verifier), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	engine := authz.New(st, authz.Options{ManagedPolicy: managedPolicy, Observe: srv.ObserveDecision})
	t.Cleanup(engine.Close)
	sts.Register(srv, sts.Deps{Store: st, Box: box, Authorizer: engine, ManagedPolicy: managedPolicy, Now: clk.Now})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &env{url: ts.URL, st: st, clock: clk}
}

func (e *env) client(id, secret, token string) *awssts.Client {
	return awssts.NewFromConfig(aws.Config{
		Region:       "eu-west-1",
		Credentials:  credentials.NewStaticCredentialsProvider(id, secret, token),
		BaseEndpoint: aws.String(e.url),
	})
}

func (e *env) user(name, key string) *awssts.Client { return e.client(key, "secret-"+name, "") }

func (e *env) temp(c *ststypes.Credentials) *awssts.Client {
	return e.client(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
}

// apiError checks that err is the AWS error code with a message
// containing msg.
func apiError(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want %s", err, code)
	}
	if ae.ErrorCode() != code || !strings.Contains(ae.ErrorMessage(), msg) {
		t.Fatalf("error = %s: %q, want %s containing %q", ae.ErrorCode(), ae.ErrorMessage(), code, msg)
	}
}

// packedSize returns PackedPolicySize, which the SDK deprecates in favour
// of SessionTokenUtilization but which STS still returns.
func packedSize(out *awssts.AssumeRoleOutput) *int32 {
	//lint:ignore SA1019 the server returns PackedPolicySize as STS does
	return out.PackedPolicySize
}

func TestGetCallerIdentity(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tests := []struct{ user, key string }{
		{"admin", "AKIAADMIN00000000001"},
		{"alice", "AKIAALICE00000000001"},
		// An explicit deny of sts:* does not stop GetCallerIdentity.
		{"denied", "AKIADENIED0000000001"},
	}
	for _, tc := range tests {
		out, err := e.user(tc.user, tc.key).GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatalf("%s: %v", tc.user, err)
		}
		if aws.ToString(out.Arn) != "arn:aws:iam::"+acct+":user/"+tc.user || aws.ToString(out.Account) != acct || !strings.HasPrefix(aws.ToString(out.UserId), "AIDA") {
			t.Errorf("%s: GetCallerIdentity = %s %s %s", tc.user, aws.ToString(out.Arn), aws.ToString(out.Account), aws.ToString(out.UserId))
		}
	}
	_, err := e.client("AKIANOSUCHKEY0000000", "x", "").GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	apiError(t, err, "InvalidClientTokenId", "The security token included in the request is invalid")
}

func TestAssumeRole(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	alice := e.user("alice", "AKIAALICE00000000001")
	admin := e.user("admin", "AKIAADMIN00000000001")
	bob := e.user("bob", "AKIABOB0000000000001")
	named := "arn:aws:iam::" + acct + ":role/named"
	acctRole := "arn:aws:iam::" + acct + ":role/team/acct"
	ext := "arn:aws:iam::" + acct + ":role/ext"

	out, err := alice.AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String(named), RoleSessionName: aws.String("sess1")})
	if err != nil {
		t.Fatalf("alice AssumeRole named (trust names alice, no identity policy needed): %v", err)
	}
	c := out.Credentials
	if !strings.HasPrefix(aws.ToString(c.AccessKeyId), "ASIA") || aws.ToString(c.SessionToken) == "" || len(aws.ToString(c.SecretAccessKey)) != 40 {
		t.Errorf("credentials = %+v", c)
	}
	if d := time.Until(aws.ToTime(c.Expiration)); d < 55*time.Minute || d > 61*time.Minute {
		t.Errorf("expiration in %v, want the default one hour", d)
	}
	if aws.ToString(out.AssumedRoleUser.Arn) != "arn:aws:sts::"+acct+":assumed-role/named/sess1" ||
		!strings.HasPrefix(aws.ToString(out.AssumedRoleUser.AssumedRoleId), "AROA") || !strings.HasSuffix(aws.ToString(out.AssumedRoleUser.AssumedRoleId), ":sess1") {
		t.Errorf("AssumedRoleUser = %+v", out.AssumedRoleUser)
	}
	if packedSize(out) != nil {
		t.Errorf("PackedPolicySize = %d without session policies", *packedSize(out))
	}
	if out.SessionTokenSize != nil {
		t.Errorf("SessionTokenSize = %d: AWS's current STS model has no such member", *out.SessionTokenSize)
	}
	id, err := e.temp(c).GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity with temporary credentials: %v", err)
	}
	if aws.ToString(id.Arn) != "arn:aws:sts::"+acct+":assumed-role/named/sess1" || aws.ToString(id.UserId) != aws.ToString(out.AssumedRoleUser.AssumedRoleId) {
		t.Errorf("GetCallerIdentity = %s %s", aws.ToString(id.Arn), aws.ToString(id.UserId))
	}
	roleSession := e.temp(c)

	// Tampered session token.
	_, err = e.client(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), "forged").GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	apiError(t, err, "InvalidClientTokenId", "")

	tests := []struct {
		name   string
		client *awssts.Client
		in     *awssts.AssumeRoleInput
		code   string // "" for success
		msg    string
		check  func(t *testing.T, out *awssts.AssumeRoleOutput)
	}{
		{name: "trust names account, no identity allow", client: alice,
			in:   &awssts.AssumeRoleInput{RoleArn: aws.String(acctRole), RoleSessionName: aws.String("s1")},
			code: "AccessDenied", msg: "User: arn:aws:iam::" + acct + ":user/alice is not authorized to perform: sts:AssumeRole on resource: " + acctRole + " because no identity-based policy allows the sts:AssumeRole action"},
		{name: "trust names account, identity allows", client: admin,
			in: &awssts.AssumeRoleInput{RoleArn: aws.String(acctRole), RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(7200)},
			check: func(t *testing.T, out *awssts.AssumeRoleOutput) {
				if d := time.Until(aws.ToTime(out.Credentials.Expiration)); d < 115*time.Minute {
					t.Errorf("expiration in %v, want two hours", d)
				}
			}},
		{name: "trust does not name caller", client: bob,
			in:   &awssts.AssumeRoleInput{RoleArn: aws.String(named), RoleSessionName: aws.String("s1")},
			code: "AccessDenied", msg: "because no role trust policy allows the sts:AssumeRole action"},
		{name: "role does not exist", client: admin,
			in:   &awssts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + acct + ":role/nope"), RoleSessionName: aws.String("s1")},
			code: "AccessDenied", msg: "is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::" + acct + ":role/nope"},
		{name: "role ARN without its path", client: admin,
			in:   &awssts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + acct + ":role/acct"), RoleSessionName: aws.String("s1")},
			code: "AccessDenied"},
		{name: "missing external ID", client: alice,
			in:   &awssts.AssumeRoleInput{RoleArn: aws.String(ext), RoleSessionName: aws.String("s1")},
			code: "AccessDenied", msg: "no role trust policy allows"},
		{name: "wrong external ID", client: alice,
			in:   &awssts.AssumeRoleInput{RoleArn: aws.String(ext), RoleSessionName: aws.String("s1"), ExternalId: aws.String("abc-999")},
			code: "AccessDenied"},
		{name: "external ID", client: alice,
			in: &awssts.AssumeRoleInput{RoleArn: aws.String(ext), RoleSessionName: aws.String("s1"), ExternalId: aws.String("xyz-123")}},
		{name: "duration above role maximum", client: alice,
			in:   &awssts.AssumeRoleInput{RoleArn: aws.String(named), RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(10800)},
			code: "ValidationError", msg: "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."},
		{name: "duration below minimum", client: alice,
			in:   &awssts.AssumeRoleInput{RoleArn: aws.String(named), RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(60)},
			code: "ValidationError", msg: "Member must have value greater than or equal to 900"},
		{name: "bad session name", client: alice,
			in:   &awssts.AssumeRoleInput{RoleArn: aws.String(named), RoleSessionName: aws.String("has space")},
			code: "ValidationError", msg: "roleSessionName"},
		{name: "role chaining over one hour", client: roleSession,
			in:   &awssts.AssumeRoleInput{RoleArn: aws.String(acctRole), RoleSessionName: aws.String("chain"), DurationSeconds: aws.Int32(7200)},
			code: "ValidationError", msg: "1 hour session limit for roles assumed by role chaining"},
		{name: "role chaining", client: roleSession,
			in: &awssts.AssumeRoleInput{RoleArn: aws.String(acctRole), RoleSessionName: aws.String("chain")}},
		{name: "session policies", client: alice,
			in: &awssts.AssumeRoleInput{RoleArn: aws.String(named), RoleSessionName: aws.String("s1"),
				Policy:     aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`),
				PolicyArns: []ststypes.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::" + acct + ":policy/ReadData")}}},
			check: func(t *testing.T, out *awssts.AssumeRoleOutput) {
				if packedSize(out) == nil || *packedSize(out) < 1 || *packedSize(out) > 100 {
					t.Errorf("PackedPolicySize = %v", packedSize(out))
				}
			}},
		{name: "malformed session policy", client: alice,
			in: &awssts.AssumeRoleInput{RoleArn: aws.String(named), RoleSessionName: aws.String("s1"),
				Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}`)},
			code: "MalformedPolicyDocument", msg: "Resource"},
		{name: "session policy from another account", client: alice,
			in: &awssts.AssumeRoleInput{RoleArn: aws.String(named), RoleSessionName: aws.String("s1"),
				PolicyArns: []ststypes.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::999999999999:policy/ReadData")}}},
			code: "InvalidParameterValue", msg: "session policies must be managed policies of account " + acct},
		{name: "session policy too large", client: alice,
			in: &awssts.AssumeRoleInput{RoleArn: aws.String(named), RoleSessionName: aws.String("s1"),
				Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::` + strings.Repeat("b", 2100) + `"]}]}`)},
			code: "PackedPolicyTooLarge"},
		{name: "session tags need sts:TagSession in trust", client: alice,
			in: &awssts.AssumeRoleInput{RoleArn: aws.String(named), RoleSessionName: aws.String("s1"),
				Tags: []ststypes.Tag{{Key: aws.String("team"), Value: aws.String("red")}}},
			code: "AccessDenied", msg: "sts:TagSession"},
		{name: "duplicate tag keys", client: admin,
			in: &awssts.AssumeRoleInput{RoleArn: aws.String(acctRole), RoleSessionName: aws.String("s1"),
				Tags: []ststypes.Tag{{Key: aws.String("team"), Value: aws.String("red")}, {Key: aws.String("TEAM"), Value: aws.String("blue")}}},
			code: "InvalidParameterValue", msg: "Duplicate tag keys"},
		{name: "transitive key not among tags", client: admin,
			in: &awssts.AssumeRoleInput{RoleArn: aws.String(acctRole), RoleSessionName: aws.String("s1"),
				Tags:              []ststypes.Tag{{Key: aws.String("team"), Value: aws.String("red")}},
				TransitiveTagKeys: []string{"project"}},
			code: "InvalidParameterValue", msg: "project"},
		{name: "MFA device that does not exist", client: alice,
			in: &awssts.AssumeRoleInput{RoleArn: aws.String(named), RoleSessionName: aws.String("s1"),
				SerialNumber: aws.String("arn:aws:iam::" + acct + ":mfa/alice"), TokenCode: aws.String("123456")},
			code: "AccessDenied", msg: "MultiFactorAuthentication failed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := tc.client.AssumeRole(ctx, tc.in)
			if tc.code != "" {
				apiError(t, err, tc.code, tc.msg)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.check != nil {
				tc.check(t, out)
			}
		})
	}
}

// TestTransitiveTags follows session tags through role chaining.
func TestTransitiveTags(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	admin := e.user("admin", "AKIAADMIN00000000001")
	acctRole := "arn:aws:iam::" + acct + ":role/team/acct"
	first, err := admin.AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String(acctRole), RoleSessionName: aws.String("first"),
		Tags:              []ststypes.Tag{{Key: aws.String("team"), Value: aws.String("red")}, {Key: aws.String("cost"), Value: aws.String("42")}},
		TransitiveTagKeys: []string{"team"}, SourceIdentity: aws.String("jdoe")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(first.SourceIdentity) != "jdoe" || packedSize(first) == nil {
		t.Errorf("first session: SourceIdentity %q, PackedPolicySize %v", aws.ToString(first.SourceIdentity), packedSize(first))
	}
	chained := e.temp(first.Credentials)
	_, err = chained.AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String(acctRole), RoleSessionName: aws.String("second"),
		Tags: []ststypes.Tag{{Key: aws.String("TEAM"), Value: aws.String("blue")}}})
	apiError(t, err, "InvalidParameterValue", "already set as transitive session tags")
	_, err = chained.AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String(acctRole), RoleSessionName: aws.String("second"),
		SourceIdentity: aws.String("other")})
	apiError(t, err, "ValidationError", "cannot be changed")
	second, err := chained.AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String(acctRole), RoleSessionName: aws.String("second"),
		Tags: []ststypes.Tag{{Key: aws.String("cost"), Value: aws.String("7")}}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(second.SourceIdentity) != "jdoe" {
		t.Errorf("source identity not inherited: %q", aws.ToString(second.SourceIdentity))
	}
	var sess store.Session
	err = e.st.View(ctx, func(tx store.ReadTx) error {
		var err error
		sess, err = tx.GetSession(aws.ToString(second.Credentials.AccessKeyId))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, tg := range sess.Tags {
		got[tg.Key] = tg.Value
	}
	if len(got) != 2 || got["team"] != "red" || got["cost"] != "7" || len(sess.TransitiveTagKeys) != 1 || sess.ChainDepth != 1 {
		t.Errorf("chained session tags %v, transitive %v, depth %d; want team=red (inherited) and cost=7, [team], 1", got, sess.TransitiveTagKeys, sess.ChainDepth)
	}
}

func TestExpiredToken(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	alice := e.user("alice", "AKIAALICE00000000001")
	// Credentials issued two hours ago with the default one-hour duration.
	e.clock.set(-2 * time.Hour)
	out, err := alice.AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + acct + ":role/named"), RoleSessionName: aws.String("old")})
	e.clock.set(0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.temp(out.Credentials).GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	apiError(t, err, "ExpiredToken", "The security token included in the request is expired")

	// Sessions expired for longer than ExpiredSessionRetention are deleted
	// when new credentials are issued; their keys are then unknown.
	e.clock.set(-48 * time.Hour)
	ancient, err := alice.AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + acct + ":role/named"), RoleSessionName: aws.String("ancient")})
	e.clock.set(0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := alice.AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + acct + ":role/named"), RoleSessionName: aws.String("fresh")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.temp(ancient.Credentials).GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	apiError(t, err, "InvalidClientTokenId", "")
	_, err = e.temp(out.Credentials).GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	apiError(t, err, "ExpiredToken", "")

	// AssumeRole records the role's last use.
	var role store.Role
	if err := e.st.View(ctx, func(tx store.ReadTx) error {
		var err error
		role, err = tx.GetRole(acct, "named")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if time.Since(role.LastUsed) > time.Minute || role.LastUsedRegion != "eu-west-1" {
		t.Errorf("role last used %v in %q, want now in eu-west-1", role.LastUsed, role.LastUsedRegion)
	}
}

func TestSessionAndFederationTokens(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	alice := e.user("alice", "AKIAALICE00000000001")
	admin := e.user("admin", "AKIAADMIN00000000001")

	st, err := alice.GetSessionToken(ctx, &awssts.GetSessionTokenInput{DurationSeconds: aws.Int32(1800)})
	if err != nil {
		t.Fatalf("GetSessionToken needs no permission: %v", err)
	}
	if d := time.Until(aws.ToTime(st.Credentials.Expiration)); d < 25*time.Minute || d > 31*time.Minute {
		t.Errorf("session token expires in %v, want 30 minutes", d)
	}
	id, err := e.temp(st.Credentials).GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Arn) != "arn:aws:iam::"+acct+":user/alice" {
		t.Fatalf("GetCallerIdentity with a session token = %v, %v; want alice's user ARN", id, err)
	}
	// Session-token credentials can still assume a role that trusts the user.
	if _, err := e.temp(st.Credentials).AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + acct + ":role/named"), RoleSessionName: aws.String("viasession")}); err != nil {
		t.Errorf("AssumeRole with session-token credentials: %v", err)
	}
	_, err = e.temp(st.Credentials).GetSessionToken(ctx, &awssts.GetSessionTokenInput{})
	apiError(t, err, "AccessDenied", "Cannot call GetSessionToken with session credentials")

	fed, err := admin.GetFederationToken(ctx, &awssts.GetFederationTokenInput{Name: aws.String("partner"),
		Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(fed.FederatedUser.Arn) != "arn:aws:sts::"+acct+":federated-user/partner" || aws.ToString(fed.FederatedUser.FederatedUserId) != acct+":partner" {
		t.Errorf("FederatedUser = %+v", fed.FederatedUser)
	}
	if d := time.Until(aws.ToTime(fed.Credentials.Expiration)); d < 11*time.Hour {
		t.Errorf("federation token expires in %v, want the default 12 hours", d)
	}
	fedClient := e.temp(fed.Credentials)
	id, err = fedClient.GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Arn) != "arn:aws:sts::"+acct+":federated-user/partner" || aws.ToString(id.UserId) != acct+":partner" {
		t.Errorf("federated GetCallerIdentity = %v, %v", id, err)
	}
	_, err = fedClient.AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + acct + ":role/team/acct"), RoleSessionName: aws.String("x1")})
	apiError(t, err, "AccessDenied", "federated user credentials")

	_, err = alice.GetFederationToken(ctx, &awssts.GetFederationTokenInput{Name: aws.String("partner")})
	apiError(t, err, "AccessDenied", "User: arn:aws:iam::"+acct+":user/alice is not authorized to perform: sts:GetFederationToken on resource: arn:aws:sts::"+acct+":federated-user/partner")
	_, err = admin.GetFederationToken(ctx, &awssts.GetFederationTokenInput{Name: aws.String("p"), DurationSeconds: aws.Int32(900)})
	apiError(t, err, "ValidationError", "name")
}

func TestGetAccessKeyInfo(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	admin := e.user("admin", "AKIAADMIN00000000001")
	out, err := admin.GetAccessKeyInfo(ctx, &awssts.GetAccessKeyInfoInput{AccessKeyId: aws.String("AKIAALICE00000000001")})
	if err != nil || aws.ToString(out.Account) != acct {
		t.Fatalf("GetAccessKeyInfo = %v, %v", out, err)
	}
	_, err = admin.GetAccessKeyInfo(ctx, &awssts.GetAccessKeyInfoInput{AccessKeyId: aws.String("AKIAUNKNOWN000000000")})
	apiError(t, err, "InvalidParameterValue", "not issued by this server")
	_, err = e.user("alice", "AKIAALICE00000000001").GetAccessKeyInfo(ctx, &awssts.GetAccessKeyInfoInput{AccessKeyId: aws.String("AKIAADMIN00000000001")})
	apiError(t, err, "AccessDenied", "sts:GetAccessKeyInfo")
}
