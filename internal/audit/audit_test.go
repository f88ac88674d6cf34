package audit_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/internal/audit"
	"github.com/connect-iam/connect-iam/server"
	"github.com/connect-iam/connect-iam/server/awsquery"
	"github.com/connect-iam/connect-iam/server/sigv4"
	"github.com/connect-iam/connect-iam/store"
	"github.com/connect-iam/connect-iam/store/sqlite"
)

const acct = "123456789012"

var (
	userCaller = &authz.Caller{Kind: authz.UserCaller, AccountID: acct, ARN: "arn:aws:iam::" + acct + ":user/alice",
		UserID: "AIDAALICE", UserName: "alice", AccessKeyID: "AKIAALICE"}
	roleCaller = &authz.Caller{Kind: authz.AssumedRoleCaller, AccountID: acct,
		ARN: "arn:aws:sts::" + acct + ":assumed-role/ops/s1", UserID: "AROAOPS:s1", RoleName: "ops",
		RoleARN: "arn:aws:iam::" + acct + ":role/ops", SessionName: "s1", AccessKeyID: "ASIAOPS",
		Session: &store.Session{ID: "ASIAOPS", SourceIdentity: "carol", Created: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}}
)

func queryParams(t *testing.T, body string) *awsquery.Request {
	t.Helper()
	r := httptest.NewRequest("POST", "/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	p, err := awsquery.Parse(r, []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

type decisionKey struct{}

func TestLog(t *testing.T) {
	for _, linger := range []time.Duration{0, -1, 50 * time.Millisecond} {
		t.Run(fmt.Sprintf("linger %v", linger), func(t *testing.T) { testLog(t, linger) })
	}
}

func testLog(t *testing.T, linger time.Duration) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	log := audit.New(audit.Options{
		Store:    st,
		Begin:    func(ctx context.Context) context.Context { return context.WithValue(ctx, decisionKey{}, new(string)) },
		Decision: func(ctx context.Context) string { return *ctx.Value(decisionKey{}).(*string) },
		// A tiny queue and batch exercise the batching under load.
		QueueSize: 2, BatchSize: 3, Linger: linger,
	})
	httpReq := httptest.NewRequest("POST", "/", nil)
	httpReq.RemoteAddr = "192.0.2.7:4567"
	httpReq.Header.Set("User-Agent", "aws-cli/2.0 test")
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

	tests := []struct {
		name     string
		rec      server.AuditRecord
		decision string
		// want holds substrings of the JSON of the stored event.
		want    []string
		notWant []string
	}{
		{"create user allowed", server.AuditRecord{Service: "iam", Operation: "CreateUser",
			Auth:        &sigv4.Result{AccessKeyID: "AKIAALICE", Credentials: sigv4.Credentials{Principal: userCaller}},
			QueryParams: queryParams(t, "Action=CreateUser&Version=2010-05-08&UserName=bob&Tags.member.1.Key=team&Tags.member.1.Value=x"),
			Status:      200}, "Allow",
			[]string{`"Source":"iam.amazonaws.com"`, `"Name":"CreateUser"`, `"PrincipalARN":"arn:aws:iam::123456789012:user/alice"`,
				`"type":"IAMUser"`, `"userName":"bob"`, `"tags.member.1.key":"team"`, `"Decision":"Allow"`,
				`"SourceIPAddress":"192.0.2.7"`, `"UserAgent":"aws-cli/2.0 test"`, `"accessKeyId":"AKIAALICE"`},
			nil},
		{"login profile password hidden", server.AuditRecord{Service: "iam", Operation: "CreateLoginProfile",
			Auth:        &sigv4.Result{AccessKeyID: "AKIAALICE", Credentials: sigv4.Credentials{Principal: userCaller}},
			QueryParams: queryParams(t, "Action=CreateLoginProfile&Version=2010-05-08&UserName=bob&Password=hunter2-secret"),
			Status:      403, ErrorCode: "AccessDenied", ErrorMessage: "User: alice is not authorized"}, "ImplicitDeny",
			[]string{`"password":"HIDDEN_DUE_TO_SECURITY_REASONS"`, `"ErrorCode":"AccessDenied"`, `"Decision":"ImplicitDeny"`},
			[]string{"hunter2-secret"}},
		{"assumed role, REST body with nested secret", server.AuditRecord{Service: "connect", Operation: "CreateUser",
			Auth:       &sigv4.Result{AccessKeyID: "ASIAOPS", Credentials: sigv4.Credentials{Principal: roleCaller}},
			RESTLabels: map[string]string{"InstanceId": "inst-1"},
			RESTBody:   []byte(`{"Username":"agent","Password":"Pa55word!","Nested":[{"SecretAccessKey":"abc/def"}]}`),
			Status:     200}, "Allow",
			[]string{`"Source":"connect.amazonaws.com"`, `"type":"AssumedRole"`, `"InstanceId":"inst-1"`,
				`"sourceIdentity":"carol"`, `"arn":"arn:aws:iam::123456789012:role/ops"`, `"principalId":"AROAOPS"`},
			[]string{"Pa55word!", "abc/def"}},
		{"no caller attached", server.AuditRecord{Service: "sts", Operation: "GetCallerIdentity",
			Auth: &sigv4.Result{AccessKeyID: "AKIAOTHER"}, Status: 200}, "",
			[]string{`"accessKeyId":"AKIAOTHER"`, `"AccountID":""`}, nil},
	}
	for i, tt := range tests {
		rec := tt.rec
		rec.Time = t0.Add(time.Duration(i) * time.Second)
		rec.HTTPRequest = httpReq
		rec.RequestID = tt.name
		ctx := log.BeginCall(context.Background())
		*ctx.Value(decisionKey{}).(*string) = tt.decision
		log.EndCall(ctx, &rec)
	}
	if err := log.Close(); err != nil {
		t.Fatal(err)
	}
	log.Close() // idempotent
	var events []store.Event
	err = st.View(context.Background(), func(tx store.ReadTx) error {
		var err error
		events, _, err = tx.QueryEvents(store.EventQuery{}, store.ListOptions{})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != len(tests) {
		t.Fatalf("%d events stored, want %d", len(events), len(tests))
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, _ := json.Marshal(events[i])
			js := string(b)
			for _, w := range tt.want {
				if !strings.Contains(js, w) {
					t.Errorf("event lacks %s:\n%s", w, js)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(js, w) {
					t.Errorf("event contains the secret %q:\n%s", w, js)
				}
			}
			if !events[i].Time.Equal(t0.Add(time.Duration(i) * time.Second)) {
				t.Errorf("event time %v", events[i].Time)
			}
		})
	}
}

func TestIsSecret(t *testing.T) {
	for name, want := range map[string]bool{
		"Password": true, "NewPassword": true, "SecretAccessKey": true, "X-Amz-Security-Token": true,
		"session_token": true, "Tags.member.1.Value": false, "UserName": false, "PolicyDocument": false,
		"AuthenticationCode1": true, "SAMLAssertion": true,
	} {
		if got := audit.IsSecret(name); got != want {
			t.Errorf("IsSecret(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestEndCallAfterClose checks that a late call neither panics nor blocks.
func TestEndCallAfterClose(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	log := audit.New(audit.Options{Store: st})
	log.Close()
	log.EndCall(context.Background(), &server.AuditRecord{Service: "iam", Operation: "GetUser",
		HTTPRequest: httptest.NewRequest(http.MethodPost, "/", nil), Auth: &sigv4.Result{}})
}
