package e2e_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/connect-iam/connect-iam/internal/app"
	"github.com/connect-iam/connect-iam/store"
)

// The bootstrap administrator of every test server.
const (
	account     = "111122223333"
	adminKey    = "AKIAE2EADMINEXAMPLE1"
	adminSecret = "e2eAdminSecretKey/EXAMPLE+0123456789abcd"
)

// testServer is the real server wiring (internal/app, as "connect-iam
// serve" runs it) on a loopback listener over a temporary data directory,
// with a clock that tests can move.
type testServer struct {
	URL   string
	App   *app.App
	clock *offsetClock
	logs  *syncBuffer // the server's JSON logs
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// offsetClock is time.Now shifted by an adjustable offset.
type offsetClock struct{ offset atomic.Int64 }

func (c *offsetClock) Now() time.Time           { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *offsetClock) Set(offset time.Duration) { c.offset.Store(int64(offset)) }

func startServer(t *testing.T) *testServer {
	t.Helper()
	return startServerWith(t, nil)
}

// startServerWith is startServer with the configuration changed by
// configure (nil changes nothing).
func startServerWith(t testing.TB, configure func(*app.Config)) *testServer {
	t.Helper()
	env := map[string]string{"CONNECT_IAM_ACCOUNT_ID": account,
		"CONNECT_IAM_BOOTSTRAP_ACCESS_KEY_ID": adminKey, "CONNECT_IAM_BOOTSTRAP_SECRET_ACCESS_KEY": adminSecret}
	clock := &offsetClock{}
	logs := &syncBuffer{}
	cfg := app.Config{DataDir: filepath.Join(t.TempDir(), "data"),
		Logger: slog.New(slog.NewJSONHandler(logs, nil)), Getenv: func(k string) string { return env[k] }, Now: clock.Now}
	if configure != nil {
		configure(&cfg)
	}
	a, err := app.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		a.Close()
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, l) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server shutdown: %v", err)
		}
	})
	return &testServer{URL: "http://" + l.Addr().String(), App: a, clock: clock, logs: logs}
}

// clientOptions configure the SDK clients of a test.
type clientOptions struct {
	key, secret, token string
	// skew shifts the signing time of every request.
	skew *atomic.Int64
	// tamper changes one character of every signature.
	tamper bool
}

// shiftedSigner is the SDK's SigV4 signer with a shifted clock.
type shiftedSigner struct {
	signer *v4.Signer
	skew   *atomic.Int64
}

func (s shiftedSigner) SignHTTP(ctx context.Context, creds aws.Credentials, r *http.Request, payloadHash, service, region string,
	t time.Time, optFns ...func(*v4.SignerOptions)) error {
	return s.signer.SignHTTP(ctx, creds, r, payloadHash, service, region, t.Add(time.Duration(s.skew.Load())), optFns...)
}

// tamperTransport flips the last hex digit of the Authorization signature.
type tamperTransport struct{}

func (tamperTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	h := r.Header.Get("Authorization")
	last := h[len(h)-1]
	if last == '0' {
		last = '1'
	} else {
		last = '0'
	}
	r.Header.Set("Authorization", h[:len(h)-1]+string(last))
	return http.DefaultTransport.RoundTrip(r)
}

func (s *testServer) config(o clientOptions) aws.Config {
	if o.key == "" {
		o.key, o.secret = adminKey, adminSecret
	}
	cfg := aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(o.key, o.secret, o.token),
		BaseEndpoint: aws.String(s.URL),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
		// Each client has its own connections, so that one test's
		// dead server (TestCrashSafety kills one) cannot touch another
		// client's connections through a shared transport.
		HTTPClient: &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone(), Timeout: 30 * time.Second},
	}
	if o.tamper {
		cfg.HTTPClient = &http.Client{Transport: tamperTransport{}, Timeout: 30 * time.Second}
	}
	return cfg
}

func (o clientOptions) signer() *shiftedSigner {
	if o.skew == nil {
		return nil
	}
	return &shiftedSigner{signer: v4.NewSigner(), skew: o.skew}
}

func (s *testServer) iam(o clientOptions) *iam.Client {
	return iam.NewFromConfig(s.config(o), func(opt *iam.Options) {
		if sg := o.signer(); sg != nil {
			opt.HTTPSignerV4 = sg
		}
	})
}

func (s *testServer) sts(o clientOptions) *sts.Client {
	return sts.NewFromConfig(s.config(o), func(opt *sts.Options) {
		if sg := o.signer(); sg != nil {
			opt.HTTPSignerV4 = sg
		}
	})
}

func (s *testServer) accessAnalyzer(o clientOptions) *accessanalyzer.Client {
	return accessanalyzer.NewFromConfig(s.config(o))
}

// apiError returns the AWS error code and message of err, or fails.
func apiError(t *testing.T, err error) (code, message string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v (%T) is not an AWS API error", err, err)
	}
	return ae.ErrorCode(), ae.ErrorMessage()
}

// wantAPIError fails unless err is the AWS error code whose message
// starts with messagePrefix.
func wantAPIError(t *testing.T, err error, code, messagePrefix string) {
	t.Helper()
	if err == nil {
		t.Fatalf("call succeeded, want %s", code)
	}
	gotCode, gotMsg := apiError(t, err)
	if gotCode != code || !strings.HasPrefix(gotMsg, messagePrefix) {
		t.Fatalf("error %s: %q\nwant %s: %q...", gotCode, gotMsg, code, messagePrefix)
	}
}

// waitEvent polls the audit log until an event matching q shows up.
func (s *testServer) waitEvent(t *testing.T, q store.EventQuery, match func(store.Event) bool) store.Event {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		var evs []store.Event
		err := s.App.Store.View(context.Background(), func(tx store.ReadTx) error {
			var err error
			evs, _, err = tx.QueryEvents(q, store.ListOptions{MaxItems: store.MaxMaxItems})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			if match(e) {
				return e
			}
		}
	}
	t.Fatalf("no audit event matching %+v", q)
	return store.Event{}
}
