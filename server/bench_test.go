package server

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/connect-iam/connect-iam/server/sigv4"
)

// BenchmarkServeQuery measures the server core on a signed awsQuery call
// (body read, classification, SigV4 verification, decoding, dispatch, XML
// encoding, metrics and the log line), without the network.
func BenchmarkServeQuery(b *testing.B) {
	s := New(Config{Authenticator: SigV4(&sigv4.Verifier{Store: testStore()}), Logger: slog.New(slog.DiscardHandler)})
	s.RegisterQuery("iam", "GetUser", QueryHandlerFunc(func(ctx context.Context, c *QueryCall) (any, error) {
		return struct {
			UserName string `xml:"User>UserName"`
		}{c.Params.String("UserName")}, nil
	}))
	body := []byte("Action=GetUser&UserName=bob&Version=2010-05-08")
	signed := httptest.NewRequest("POST", "http://127.0.0.1:8080/", bytes.NewReader(body))
	signed.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	signed.ContentLength = int64(len(body))
	if err := sigv4.Sign(signed, body, adminCreds, "us-east-1", "iam", time.Now()); err != nil {
		b.Fatal(err)
	}
	h := s.Handler()
	b.ReportAllocs()
	for b.Loop() {
		r := signed.Clone(context.Background())
		r.Body = io.NopCloser(bytes.NewReader(body))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}
