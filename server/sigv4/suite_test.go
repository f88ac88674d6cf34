package sigv4

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The AWS SigV4 test suite's fixed inputs.
const (
	suiteAccessKey = "AKIDEXAMPLE"
	suiteSecret    = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	suiteRegion    = "us-east-1"
	suiteService   = "service"
)

var suiteTime = time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)

// memStore is an in-memory CredentialStore for tests.
type memStore map[string]Credentials

func (m memStore) LookupCredentials(_ context.Context, id string) (Credentials, error) {
	c, ok := m[id]
	if !ok {
		return Credentials{}, fmt.Errorf("lookup %q: %w", id, ErrUnknownAccessKey)
	}
	return c, nil
}

// parseRawRequest parses a test-suite .req/.sreq file into a server-side
// request: RequestURI is the request target exactly as written, the Host
// header goes to r.Host, and a folded continuation line is a further value
// of the header above it.
func parseRawRequest(t *testing.T, text string) (*http.Request, []byte) {
	t.Helper()
	head, body, _ := strings.Cut(text, "\n\n")
	lines := strings.Split(head, "\n")
	first := lines[0]
	sp1 := strings.IndexByte(first, ' ')
	sp2 := strings.LastIndexByte(first, ' ')
	if sp1 < 0 || sp2 <= sp1 {
		t.Fatalf("bad request line %q", first)
	}
	r := &http.Request{
		Method:     first[:sp1],
		RequestURI: first[sp1+1 : sp2],
		Proto:      first[sp2+1:],
		Header:     make(http.Header),
	}
	p, q, _ := strings.Cut(r.RequestURI, "?")
	r.URL = &url.URL{Path: p, RawQuery: q}
	var last string
	for _, line := range lines[1:] {
		if line[0] == ' ' || line[0] == '\t' {
			r.Header[last] = append(r.Header[last], strings.TrimLeft(line, " \t"))
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			t.Fatalf("bad header line %q", line)
		}
		last = textproto.CanonicalMIMEHeaderKey(name)
		if last == "Host" {
			r.Host = value
			continue
		}
		r.Header[last] = append(r.Header[last], value)
	}
	return r.WithContext(context.Background()), []byte(body)
}

type suiteCase struct {
	name string
	dir  string
}

func (c suiteCase) read(t *testing.T, ext string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(c.dir, c.name+"."+ext))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func suiteCases(t *testing.T) []suiteCase {
	t.Helper()
	var cases []suiteCase
	root := filepath.Join("testdata", "aws-sig-v4-test-suite")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".req") {
			cases = append(cases, suiteCase{name: strings.TrimSuffix(d.Name(), ".req"), dir: filepath.Dir(path)})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 31 {
		t.Fatalf("found %d test-suite cases under %s, want at least 31", len(cases), root)
	}
	return cases
}

func signedHeadersOf(t *testing.T, authz string) []string {
	t.Helper()
	a, err := ParseAuthorization(authz)
	if err != nil {
		t.Fatalf("ParseAuthorization(%q): %v", authz, err)
	}
	return a.SignedHeaders
}

func TestAWSTestSuiteCanonicalForms(t *testing.T) {
	key := SigningKey(suiteSecret, "20150830", suiteRegion, suiteService)
	for _, c := range suiteCases(t) {
		t.Run(c.name, func(t *testing.T) {
			r, body := parseRawRequest(t, c.read(t, "req"))
			authz := strings.TrimSpace(c.read(t, "authz"))
			creq := CanonicalRequest(r, signedHeadersOf(t, authz), PayloadHash(body), false)
			if want := c.read(t, "creq"); creq != want {
				t.Fatalf("canonical request:\n%s\nwant:\n%s", creq, want)
			}
			sts := StringToSign(suiteTime, "20150830/us-east-1/service/aws4_request", creq)
			if want := c.read(t, "sts"); sts != want {
				t.Fatalf("string to sign:\n%s\nwant:\n%s", sts, want)
			}
			sig := Signature(key, sts)
			if !strings.HasSuffix(authz, "Signature="+sig) {
				t.Fatalf("signature %s, want the one in %q", sig, authz)
			}
		})
	}
}

func TestAWSTestSuiteSign(t *testing.T) {
	creds := Credentials{AccessKeyID: suiteAccessKey, SecretAccessKey: suiteSecret}
	for _, c := range suiteCases(t) {
		t.Run(c.name, func(t *testing.T) {
			r, body := parseRawRequest(t, c.read(t, "req"))
			if err := Sign(r, body, creds, suiteRegion, suiteService, suiteTime); err != nil {
				t.Fatal(err)
			}
			// post-sts-header-before signs a token that is part of the raw
			// request, so it is signed like any other x-amz-* header.
			if got, want := r.Header.Get("Authorization"), strings.TrimSpace(c.read(t, "authz")); got != want {
				t.Fatalf("Authorization:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func TestAWSTestSuiteVerify(t *testing.T) {
	const token = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="
	for _, c := range suiteCases(t) {
		t.Run(c.name, func(t *testing.T) {
			r, body := parseRawRequest(t, c.read(t, "sreq"))
			creds := Credentials{AccessKeyID: suiteAccessKey, SecretAccessKey: suiteSecret, Principal: "example"}
			if r.Header.Get("X-Amz-Security-Token") != "" {
				creds.SessionToken = token
				creds.Expires = suiteTime.Add(time.Hour)
			}
			v := &Verifier{
				Store:    memStore{suiteAccessKey: creds},
				Services: []string{suiteService},
				Now:      func() time.Time { return suiteTime.Add(90 * time.Second) },
			}
			res, err := v.Verify(r, body)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if res.AccessKeyID != suiteAccessKey || res.Region != suiteRegion || res.Service != suiteService ||
				!res.Time.Equal(suiteTime) || res.Presigned || res.Credentials.Principal != "example" {
				t.Fatalf("Verify result %+v", res)
			}
			if want := signedHeadersOf(t, strings.TrimSpace(c.read(t, "authz"))); strings.Join(res.SignedHeaders, ";") != strings.Join(want, ";") {
				t.Fatalf("SignedHeaders %v, want %v", res.SignedHeaders, want)
			}
		})
	}
}

// TestSpecSignatures pins the three signatures quoted in iam-spec.md §10.1.
func TestSpecSignatures(t *testing.T) {
	tests := []struct {
		name, method, target, sig, stsHash string
	}{
		{"get-vanilla", "GET", "/", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
			"bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"},
		{"post-vanilla", "POST", "/", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b", ""},
		{"get-vanilla-query-order-key-case", "GET", "/?Param2=value2&Param1=value1",
			"b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := http.NewRequest(tt.method, "https://example.amazonaws.com"+tt.target, nil)
			if err != nil {
				t.Fatal(err)
			}
			err = Sign(r, nil, Credentials{AccessKeyID: suiteAccessKey, SecretAccessKey: suiteSecret}, suiteRegion, suiteService, suiteTime)
			if err != nil {
				t.Fatal(err)
			}
			if got := r.Header.Get("Authorization"); !strings.HasSuffix(got, "SignedHeaders=host;x-amz-date, Signature="+tt.sig) {
				t.Fatalf("Authorization %q, want signature %s", got, tt.sig)
			}
			if tt.stsHash != "" {
				sts := StringToSign(suiteTime, "20150830/us-east-1/service/aws4_request",
					CanonicalRequest(r, []string{"host", "x-amz-date"}, EmptyPayloadHash, false))
				if !strings.HasSuffix(sts, "\n"+tt.stsHash) {
					t.Fatalf("string to sign %q, want hash line %s", sts, tt.stsHash)
				}
			}
		})
	}
}
