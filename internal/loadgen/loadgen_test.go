package loadgen_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/connect-iam/connect-iam/internal/loadgen"
	"github.com/connect-iam/connect-iam/server/sigv4"
)

func TestCheckLoopback(t *testing.T) {
	for url, ok := range map[string]bool{
		"http://127.0.0.1:8080/": true, "http://localhost:1/": true, "http://[::1]:9/": true,
		"http://10.0.0.1:8080/": false, "http://example.com/": false, "::bad": false,
	} {
		if err := loadgen.CheckLoopback(url); (err == nil) != ok {
			t.Errorf("CheckLoopback(%q) = %v, want ok=%v", url, err, ok)
		}
	}
}

func TestRun(t *testing.T) {
	creds := sigv4.Credentials{AccessKeyID: "AKIAEXAMPLE", SecretAccessKey: "secret"}
	verifier := &sigv4.Verifier{Store: sigv4.CredentialStoreFunc(func(ctx context.Context, id string) (sigv4.Credentials, error) {
		if id == creds.AccessKeyID {
			return creds, nil
		}
		return sigv4.Credentials{}, sigv4.ErrUnknownAccessKey
	})}
	var served atomic.Int64
	tests := []struct {
		name       string
		handler    http.Handler
		creds      sigv4.Credentials
		requests   int
		wantErrors bool
	}{
		{"bare", loadgen.BareHandler(), creds, 300, false},
		{"verified", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body := make([]byte, r.ContentLength)
			r.Body.Read(body)
			if _, err := verifier.Verify(r, body); err != nil {
				http.Error(w, err.Error(), http.StatusForbidden)
				return
			}
			served.Add(1)
		}), creds, 300, false},
		{"failing", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.Contains(r.Header.Get("Authorization"), "AKIAEXAMPLE") && served.Add(1) > 50 {
				http.Error(w, "nope", http.StatusForbidden)
			}
		}), creds, 100, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			served.Store(0)
			ts := httptest.NewServer(tt.handler)
			defer ts.Close()
			res, err := loadgen.Run(context.Background(), loadgen.Options{URL: ts.URL, Credentials: tt.creds,
				Request:  loadgen.Request{Service: "iam", Region: "us-east-1", Body: "Action=GetUser&Version=2010-05-08"},
				Requests: tt.requests, Concurrency: 4, Warmup: 10, Duration: 20 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			if res.Requests != tt.requests || (res.Errors > 0) != tt.wantErrors {
				t.Errorf("result %+v; want %d requests, errors %v", res, tt.requests, tt.wantErrors)
			}
			if res.P50 <= 0 || res.P99 < res.P50 || res.Max < res.P99 || res.PerSecond <= 0 {
				t.Errorf("inconsistent latencies: %+v", res)
			}
			if tt.wantErrors && !strings.Contains(res.FirstError, "HTTP 403") {
				t.Errorf("first error %q", res.FirstError)
			}
		})
	}
}

func TestRunRefusesRemote(t *testing.T) {
	if _, err := loadgen.Run(context.Background(), loadgen.Options{URL: "http://192.0.2.1:8080/"}); err == nil ||
		!strings.Contains(err.Error(), "not a loopback address") {
		t.Errorf("error %v", err)
	}
}

func TestMerge(t *testing.T) {
	ts := httptest.NewServer(loadgen.BareHandler())
	defer ts.Close()
	var rounds []loadgen.Result
	for i := 0; i < 3; i++ {
		res, err := loadgen.Run(context.Background(), loadgen.Options{URL: ts.URL, Requests: 100, Concurrency: 2, Warmup: 1,
			Request: loadgen.Request{Body: "Action=GetUser&Version=2010-05-08"}})
		if err != nil {
			t.Fatal(err)
		}
		rounds = append(rounds, res)
	}
	m := loadgen.Merge(rounds...)
	if m.Requests != 300 || m.Elapsed != rounds[0].Elapsed+rounds[1].Elapsed+rounds[2].Elapsed {
		t.Errorf("merged %+v", m)
	}
	lo, hi := rounds[0].Max, rounds[0].Max
	for _, r := range rounds {
		lo, hi = min(lo, r.P50), max(hi, r.Max)
	}
	if m.P50 < lo || m.Max != hi || m.P99 > m.Max || m.PerSecond <= 0 {
		t.Errorf("merged percentiles inconsistent: %+v (rounds %+v)", m, rounds)
	}
}
