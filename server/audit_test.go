package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

type auditKey struct{}

// recordingAuditor keeps copies of the records it is given and checks
// that EndCall sees the context BeginCall returned.
type recordingAuditor struct {
	mu      sync.Mutex
	begun   int
	records []AuditRecord
	ctxSeen []bool
}

func (a *recordingAuditor) BeginCall(ctx context.Context) context.Context {
	a.mu.Lock()
	a.begun++
	a.mu.Unlock()
	return context.WithValue(ctx, auditKey{}, true)
}

func (a *recordingAuditor) EndCall(ctx context.Context, rec *AuditRecord) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.records = append(a.records, *rec)
	a.ctxSeen = append(a.ctxSeen, ctx.Value(auditKey{}) != nil)
}

func TestAuditor(t *testing.T) {
	tests := []struct {
		name      string
		req       reqSpec
		audited   bool
		service   string
		operation string
		code      string
		message   string
		dispatch  bool // the handler ran, so EndCall sees BeginCall's context
	}{
		{"success", reqSpec{"POST", "/", form, "Action=CreateUser&UserName=bob&Version=2010-05-08", &adminCreds, "iam", false},
			true, "iam", "CreateUser", "", "", true},
		{"handler error", reqSpec{"POST", "/", form, "Action=DeleteUser&UserName=bob&Version=2010-05-08", &adminCreds, "iam", false},
			true, "iam", "DeleteUser", "AccessDenied", "User: admin is not authorized to perform: iam:DeleteUser", true},
		{"unknown action", reqSpec{"POST", "/", form, "Action=Nope&Version=2010-05-08", &adminCreds, "iam", false},
			true, "iam", "unknown", "InvalidAction", "Could not find operation Nope for version 2010-05-08", false},
		{"rest", reqSpec{"POST", "/policy/validation", "application/json", `{"policyDocument":"{}","policyType":"IDENTITY_POLICY"}`, &adminCreds, "access-analyzer", false},
			true, "access-analyzer", "ValidatePolicy", "", "", true},
		{"tampered signature", reqSpec{"POST", "/", form, "Action=CreateUser&UserName=bob&Version=2010-05-08", &adminCreds, "iam", true},
			false, "", "", "", "", false},
		{"unsigned", reqSpec{"POST", "/", form, "Action=CreateUser&UserName=bob&Version=2010-05-08", nil, "iam", false},
			false, "", "", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			aud := &recordingAuditor{}
			s, _ := newTestServer(t, Config{Auditor: aud})
			ts := httptest.NewServer(s.Handler())
			defer ts.Close()
			resp, err := http.DefaultClient.Do(tt.req.build(t, ts.URL))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			aud.mu.Lock()
			defer aud.mu.Unlock()
			if !tt.audited {
				if len(aud.records) != 0 || aud.begun != 0 {
					t.Fatalf("unauthenticated request audited: %+v", aud.records)
				}
				return
			}
			if len(aud.records) != 1 {
				t.Fatalf("%d audit records, want 1", len(aud.records))
			}
			rec := aud.records[0]
			if rec.Service != tt.service || rec.Operation != tt.operation || rec.ErrorCode != tt.code || rec.ErrorMessage != tt.message {
				t.Errorf("record = %s %s %q %q, want %s %s %q %q", rec.Service, rec.Operation, rec.ErrorCode, rec.ErrorMessage,
					tt.service, tt.operation, tt.code, tt.message)
			}
			if rec.Status != resp.StatusCode {
				t.Errorf("record status %d, response %d", rec.Status, resp.StatusCode)
			}
			if rec.Auth == nil || rec.Auth.AccessKeyID != adminCreds.AccessKeyID || rec.RequestID != resp.Header.Get("X-Amzn-RequestId") {
				t.Errorf("record auth/request ID wrong: %+v", rec)
			}
			if aud.ctxSeen[0] != tt.dispatch {
				t.Errorf("EndCall saw BeginCall's context: %v, want %v", aud.ctxSeen[0], tt.dispatch)
			}
			if tt.service == "iam" && (rec.QueryParams == nil || rec.QueryParams.Action == "") {
				t.Errorf("awsQuery record lacks its parameters")
			}
			if tt.service == "access-analyzer" && len(rec.RESTBody) == 0 {
				t.Errorf("restJson record lacks its body")
			}
		})
	}
}
