package server

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/connect-iam/connect-iam/server/sigv4"
)

func TestLogsHoldNoSecrets(t *testing.T) {
	s, logs := newTestServer(t, Config{})
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	// A body that carries secrets as parameters, a session token in the
	// header and a presigned query string with a signature and a token.
	reqs := []reqSpec{
		{"POST", "/", form, "Action=CreateUser&UserName=bob&Version=2010-05-08&SecretAccessKey=" + adminCreds.SecretAccessKey, &tempCreds, "iam", false},
		{"POST", "/", form, "Action=CreateUser&UserName=bob&Version=2010-05-08", &adminCreds, "iam", true},
		{"POST", "/tags/arn%3Ax", "application/json", `{"tags":{"SecretAccessKey":"` + tempCreds.SecretAccessKey + `"}}`, &tempCreds, "connect", false},
	}
	for _, rs := range reqs {
		resp, err := http.DefaultClient.Do(rs.build(t, ts.URL))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	pr, _ := http.NewRequest("GET", ts.URL+"/?Action=GetCallerIdentity&Version=2011-06-15", nil)
	if err := sigv4.Presign(pr, nil, tempCreds, "us-east-1", "sts", timeNow(), 60e9); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(pr)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("presigned GetCallerIdentity: status %d", resp.StatusCode)
	}

	out := logs.String()
	for _, secret := range []string{adminCreds.SecretAccessKey, tempCreds.SecretAccessKey, tempCreds.SessionToken,
		"Signature=", "X-Amz-Signature", "AWS4-HMAC-SHA256"} {
		if strings.Contains(out, secret) {
			t.Errorf("log contains %q:\n%s", secret, out)
		}
	}
	// The careless handler's log line is there, redacted.
	if !strings.Contains(out, `"SecretAccessKey":"[REDACTED]"`) || !strings.Contains(out, `"Authorization":["[REDACTED]"]`) {
		t.Errorf("handler log line not redacted as expected:\n%s", out)
	}
	// One request line per request, with the fields operators need.
	n := 0
	for line := range strings.SplitSeq(strings.TrimSpace(out), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line is not JSON: %s", line)
		}
		if rec["msg"] != "request" {
			continue
		}
		n++
		for _, k := range []string{"request_id", "method", "path", "service", "operation", "status", "code", "duration", "access_key_id"} {
			if _, ok := rec[k]; !ok {
				t.Errorf("request log line lacks %s: %s", k, line)
			}
		}
	}
	if n != 4 {
		t.Errorf("%d request log lines, want 4:\n%s", n, out)
	}
}

func TestRedactingHandler(t *testing.T) {
	var buf strings.Builder
	log := slog.New(NewRedactingHandler(NewRedactingHandler(slog.NewTextHandler(&buf, nil))))
	log = log.With("x-amz-security-token", "tok1").WithGroup("g")
	log.Info("m",
		slog.Group("creds", "secret_access_key", "sk1", "AccessKeyId", "AKIA1"),
		"params", map[string]any{"Password": "pw1", "nested": map[string]string{"SessionToken": "tok2", "UserName": "bob"}},
		"header", http.Header{"Authorization": {"AWS4 sig1"}, "Host": {"h"}},
		"values", map[string][]string{"X-Amz-Signature": {"sig2"}},
		"password", "pw2",
	)
	out := buf.String()
	for _, secret := range []string{"tok1", "sk1", "pw1", "tok2", "sig1", "sig2", "pw2"} {
		if strings.Contains(out, secret) {
			t.Errorf("output contains %q: %s", secret, out)
		}
	}
	for _, keep := range []string{"AKIA1", "bob", "Host:[h]"} {
		if !strings.Contains(out, keep) {
			t.Errorf("output lost %q: %s", keep, out)
		}
	}
}

func TestMetrics(t *testing.T) {
	s, _ := newTestServer(t, Config{})
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	for _, rs := range []reqSpec{
		{"POST", "/", form, "Action=CreateUser&UserName=bob&Version=2010-05-08", &adminCreds, "iam", false},
		{"POST", "/", form, "Action=CreateUser&UserName=bob2&Version=2010-05-08", &adminCreds, "iam", false},
		{"POST", "/", form, "Action=DeleteUser&UserName=bob&Version=2010-05-08", &adminCreds, "iam", false},
		{"POST", "/", form, "Action=Bogus" + "&Version=2010-05-08", &adminCreds, "iam", false},
		{"GET", "/users/i-1/missing", "", "", &adminCreds, "connect", false},
	} {
		resp, err := http.DefaultClient.Do(rs.build(t, ts.URL))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	resp, err := http.Get(ts.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`connect_iam_requests_total{code="OK",operation="CreateUser",service="iam"} 2`,
		`connect_iam_requests_total{code="AccessDenied",operation="DeleteUser",service="iam"} 1`,
		`connect_iam_requests_total{code="InvalidAction",operation="unknown",service="iam"} 1`,
		`connect_iam_requests_total{code="ResourceNotFoundException",operation="DescribeUser",service="connect"} 1`,
		`connect_iam_request_duration_seconds_count{operation="CreateUser",service="iam"} 2`,
		`connect_iam_authorization_decisions_total{result="allow",service="iam"} 2`,
		`connect_iam_authorization_decisions_total{result="implicit_deny",service="iam"} 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(string(body), "Bogus") {
		t.Error("/metrics carries an unregistered operation name as a label value")
	}
}

func TestCallerContext(t *testing.T) {
	// The handler's context is the request's: it is cancelled when the
	// client goes away, so handlers can stop store work.
	s, _ := newTestServer(t, Config{})
	got := make(chan error, 1)
	entered := make(chan struct{})
	s.RegisterQuery("iam", "Wait", QueryHandlerFunc(func(ctx context.Context, c *QueryCall) (any, error) {
		close(entered)
		<-ctx.Done()
		got <- ctx.Err()
		return nil, ctx.Err()
	}))
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	ctx, cancel := context.WithCancel(context.Background())
	r := reqSpec{"POST", "/", form, "Action=Wait&Version=2010-05-08", &adminCreds, "iam", false}.build(t, ts.URL)
	done := make(chan struct{})
	go func() {
		defer close(done)
		resp, err := http.DefaultClient.Do(r.WithContext(ctx))
		if err == nil {
			resp.Body.Close()
		}
	}()
	<-entered
	cancel()
	<-done
	if err := <-got; err == nil {
		t.Error("handler context not cancelled")
	}
}
