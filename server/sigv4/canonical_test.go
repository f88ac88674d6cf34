package sigv4

import (
	"bytes"
	"context"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

func TestCanonicalURI(t *testing.T) {
	tests := []struct{ path, want string }{
		{"", "/"},
		{"/", "/"},
		{"/users/i-1", "/users/i-1"},
		{"/tags/arn%3Aaws%3Aconnect%3Aus-east-1%3A111122223333%3Ainstance%2Fi-1",
			"/tags/arn%253Aaws%253Aconnect%253Aus-east-1%253A111122223333%253Ainstance%252Fi-1"},
		{"/example space/", "/example%20space/"},
		{"/a/./b/../c", "/a/c"},
		{"/a/b/..", "/a/"},
		{"//a//b//", "/a/b/"},
		{"/../..", "/"},
		{"/w*rld+(1)", "/w%2Arld%2B%281%29"},
		{"/\u1234", "/%E1%88%B4"},
		{"relative/path", "/relative/path"},
	}
	for _, tt := range tests {
		if got := CanonicalURI(tt.path); got != tt.want {
			t.Errorf("CanonicalURI(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

func TestCanonicalQueryString(t *testing.T) {
	tests := []struct {
		raw       string
		presigned bool
		want      string
	}{
		{"", false, ""},
		{"b=2&a=1", false, "a=1&b=2"},
		{"a=2&a=10&a=1", false, "a=1&a=10&a=2"},
		{"flag&x=", false, "flag=&x="},
		{"q=a+b&r=a%20b&s=%7E%2F", false, "q=a%20b&r=a%20b&s=~%2F"},
		{"tagKeys=a&tagKeys=b", false, "tagKeys=a&tagKeys=b"},
		{"bad=%zz", false, "bad=%25zz"},
		{"&&a=1&&", false, "a=1"},
		{"X-Amz-Signature=abc&X-Amz-Date=1", true, "X-Amz-Date=1"},
		{"X-Amz-Signature=abc&X-Amz-Date=1", false, "X-Amz-Date=1&X-Amz-Signature=abc"},
		{"B=1&a=1&_=1", false, "B=1&_=1&a=1"},
	}
	for _, tt := range tests {
		if got := CanonicalQueryString(tt.raw, tt.presigned); got != tt.want {
			t.Errorf("CanonicalQueryString(%q, %v) = %q, want %q", tt.raw, tt.presigned, got, tt.want)
		}
	}
}

func TestSigningKeyCache(t *testing.T) {
	// Published example: signing key for AKIDEXAMPLE, 20150830, us-east-1, iam.
	const want = "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"
	for i := range 2 { // second call is served from the cache
		k := SigningKey(suiteSecret, "20150830", "us-east-1", "iam")
		if got := hex.EncodeToString(k); got != want {
			t.Fatalf("call %d: SigningKey = %s, want %s", i, got, want)
		}
		k[0] ^= 0xff // callers cannot corrupt the cache
	}
	for i := range keyCacheSize + 1 {
		SigningKey("secret", "20150830", "r-"+strings.Repeat("x", i%7)+string(rune('a'+i%26)), "svc")
	}
	keyCache.Lock()
	n := len(keyCache.m)
	keyCache.Unlock()
	if n > keyCacheSize {
		t.Fatalf("cache holds %d keys, bound is %d", n, keyCacheSize)
	}
}

func TestSignErrors(t *testing.T) {
	r, _ := http.NewRequest("GET", "https://example.com/", nil)
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"no secret", Sign(r, nil, Credentials{AccessKeyID: "A"}, "us-east-1", "iam", t0), "need an access key ID and a secret"},
		{"no region", Sign(r, nil, longTerm, "", "iam", t0), `region "" and service "iam" must both be non-empty`},
		{"presign zero expiry", Presign(r, nil, longTerm, "us-east-1", "iam", t0, 0), "expiry 0s out of range"},
		{"presign too long", Presign(r, nil, longTerm, "us-east-1", "iam", t0, 8*24*time.Hour), "expiry 192h0m0s out of range"},
	}
	for _, tt := range tests {
		if tt.err == nil || !strings.Contains(tt.err.Error(), tt.want) {
			t.Errorf("%s: error %v, want it to contain %q", tt.name, tt.err, tt.want)
		}
	}
}

// TestUnnormalizedPathFromSDK: the Go SDK signs the path exactly as sent,
// without removing dot or empty segments; Verify accepts that form too.
func TestUnnormalizedPathFromSDK(t *testing.T) {
	v := &Verifier{Store: testStore(), Services: []string{"connect"}}
	srv := newVerifyServer(t, v)
	for _, p := range []string{"/users//i-1", "/users/./i-1", "/a/b/../c/"} {
		r, err := http.NewRequest("GET", srv.URL+p, nil)
		if err != nil {
			t.Fatal(err)
		}
		creds := aws.Credentials{AccessKeyID: longTerm.AccessKeyID, SecretAccessKey: longTerm.SecretAccessKey}
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, EmptyPayloadHash, "connect", "us-east-1", time.Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := srv.do(t, r); err != nil {
			t.Errorf("%s: Verify: %v", p, err)
		}
	}
}

func TestErrorStrings(t *testing.T) {
	for k := KindMissingAuthentication; k <= KindInternal; k++ {
		if s := k.String(); s == "" || s == "unknown kind" {
			t.Errorf("Kind(%d).String() = %q", k, s)
		}
	}
	if Kind(0).String() != "unknown kind" || Kind(99).String() != "unknown kind" {
		t.Error("out-of-range kinds must print as unknown kind")
	}
	e := &Error{Kind: KindSignatureMismatch, Message: "m"}
	if e.Error() != "sigv4: signature mismatch: m" || e.Unwrap() != nil {
		t.Errorf("Error() = %q", e.Error())
	}
}

func BenchmarkVerify1KBPost(b *testing.B) {
	body := bytes.Repeat([]byte(`{"k":"0123456789abcdef0123456789abcdef0123456789abc"},`), 1024/52+1)[:1024]
	r, err := http.NewRequest("POST", "https://connect.us-east-1.amazonaws.com/contact/chat?instance=i-1", bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Amz-Sdk-Invocation-Id", "6a1b0c55-8a0a-4a5e-9b0e-0c6f3c1d7e11")
	r.Header.Set("Amz-Sdk-Request", "attempt=1; max=3")
	if err := Sign(r, body, temporary, "us-east-1", "connect", t0); err != nil {
		b.Fatal(err)
	}
	v := newVerifier(t0)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(r, body); err != nil {
			b.Fatal(err)
		}
	}
}
