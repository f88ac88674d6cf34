package sigv4

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

var t0 = time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)

const (
	negBody    = `{"RoutingProfileId":"rp-1","Username":"agent1"}`
	negURL     = "https://connect.us-east-1.amazonaws.com/users/i-1?maxResults=5"
	tempKey    = "ASIAEXAMPLE"
	tempSecret = "temporarySecretEXAMPLE"
	tempToken  = "IQoJb3JpZ2luX2VjEXAMPLE//token=="
)

var (
	longTerm  = Credentials{AccessKeyID: suiteAccessKey, SecretAccessKey: suiteSecret, Principal: "alice"}
	temporary = Credentials{AccessKeyID: tempKey, SecretAccessKey: tempSecret, SessionToken: tempToken,
		Expires: t0.Add(time.Hour), Principal: "session"}
)

func testStore() memStore {
	return memStore{longTerm.AccessKeyID: longTerm, temporary.AccessKeyID: temporary}
}

func newVerifier(now time.Time) *Verifier {
	return &Verifier{Store: testStore(), Services: []string{"connect"}, Now: func() time.Time { return now }}
}

// signedRequest builds the baseline Connect request, lets edit change it
// before signing, and signs it with creds at time at.
func signedRequest(t *testing.T, creds Credentials, region, service string, at time.Time, edit func(*http.Request)) (*http.Request, []byte) {
	t.Helper()
	body := []byte(negBody)
	r, err := http.NewRequestWithContext(context.Background(), "POST", negURL, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/json")
	if edit != nil {
		edit(r)
	}
	if err := Sign(r, body, creds, region, service, at); err != nil {
		t.Fatal(err)
	}
	return r, body
}

func baseline(t *testing.T) (*http.Request, []byte) {
	return signedRequest(t, longTerm, "us-east-1", "connect", t0, nil)
}

// presigned builds a presigned GET of the baseline URL.
func presigned(t *testing.T, creds Credentials, at time.Time, expires time.Duration) *http.Request {
	t.Helper()
	r, err := http.NewRequestWithContext(context.Background(), "GET", negURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := Presign(r, nil, creds, "us-east-1", "connect", at, expires); err != nil {
		t.Fatal(err)
	}
	return r
}

func rewriteAuthz(r *http.Request, old, new string) {
	r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), old, new, 1))
}

func rewriteQuery(r *http.Request, old, new string) {
	r.URL.RawQuery = strings.Replace(r.URL.RawQuery, old, new, 1)
}

func TestVerifyAccepts(t *testing.T) {
	tests := []struct {
		name  string
		build func(t *testing.T) (*http.Request, []byte)
		now   time.Time
		check func(t *testing.T, res *Result)
	}{
		{"baseline", baseline, t0, func(t *testing.T, res *Result) {
			if res.Credentials.Principal != "alice" || res.Credentials.SecretAccessKey != "" || res.Region != "us-east-1" || res.Service != "connect" ||
				res.Presigned || !res.Time.Equal(t0) || !res.Expires.IsZero() {
				t.Errorf("result %+v", res)
			}
		}},
		{"any region", func(t *testing.T) (*http.Request, []byte) {
			return signedRequest(t, longTerm, "me-central-1", "connect", t0, nil)
		}, t0, func(t *testing.T, res *Result) {
			if res.Region != "me-central-1" {
				t.Errorf("region %q", res.Region)
			}
		}},
		{"clock skew just inside the past limit", baseline, t0.Add(5 * time.Minute), nil},
		{"clock skew just inside the future limit", baseline, t0.Add(-5 * time.Minute), nil},
		{"session token", func(t *testing.T) (*http.Request, []byte) {
			return signedRequest(t, temporary, "us-east-1", "connect", t0.Add(55*time.Minute), nil)
		}, t0.Add(59*time.Minute + 59*time.Second), func(t *testing.T, res *Result) {
			if res.Credentials.SessionToken != tempToken || res.AccessKeyID != tempKey {
				t.Errorf("result %+v", res)
			}
		}},
		{"matching x-amz-content-sha256", func(t *testing.T) (*http.Request, []byte) {
			return signedRequest(t, longTerm, "us-east-1", "connect", t0, func(r *http.Request) {
				r.Header.Set("X-Amz-Content-Sha256", PayloadHash([]byte(negBody)))
			})
		}, t0, nil},
		{"Date header instead of X-Amz-Date", func(t *testing.T) (*http.Request, []byte) {
			r, _ := http.NewRequest("GET", negURL, nil)
			r.Header.Set("Date", t0.Format(http.TimeFormat))
			signed := []string{"date", "host"}
			sts := StringToSign(t0, "20150830/us-east-1/connect/aws4_request", CanonicalRequest(r, signed, EmptyPayloadHash, false))
			sig := Signature(SigningKey(suiteSecret, "20150830", "us-east-1", "connect"), sts)
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/connect/aws4_request, SignedHeaders=date;host, Signature="+sig)
			return r, nil
		}, t0, nil},
		{"presigned", func(t *testing.T) (*http.Request, []byte) {
			return presigned(t, temporary, t0, 15*time.Minute), nil
		}, t0.Add(14 * time.Minute), func(t *testing.T, res *Result) {
			if !res.Presigned || !res.Expires.Equal(t0.Add(15*time.Minute)) || res.AccessKeyID != tempKey {
				t.Errorf("result %+v", res)
			}
		}},
		{"presigned with a 7-day expiry", func(t *testing.T) (*http.Request, []byte) {
			return presigned(t, longTerm, t0, 7*24*time.Hour), nil
		}, t0.Add(7*24*time.Hour - time.Second), nil},
		{"presigned UNSIGNED-PAYLOAD header without body", func(t *testing.T) (*http.Request, []byte) {
			r, _ := http.NewRequest("GET", negURL, nil)
			r.Header.Set("X-Amz-Content-Sha256", UnsignedPayload)
			if err := Presign(r, nil, longTerm, "us-east-1", "connect", t0, time.Minute); err != nil {
				t.Fatal(err)
			}
			// Presign signed the empty-body hash; re-sign over UNSIGNED-PAYLOAD.
			rewriteQuery(r, r.URL.Query().Get("X-Amz-Signature"), "")
			r.URL.RawQuery = strings.TrimSuffix(r.URL.RawQuery, "&X-Amz-Signature=")
			sh := strings.Split(r.URL.Query().Get("X-Amz-SignedHeaders"), ";")
			sts := StringToSign(t0, "20150830/us-east-1/connect/aws4_request", CanonicalRequest(r, sh, UnsignedPayload, true))
			r.URL.RawQuery += "&X-Amz-Signature=" + Signature(SigningKey(suiteSecret, "20150830", "us-east-1", "connect"), sts)
			return r, nil
		}, t0, nil},
		{"unsigned security token header added after signing", func(t *testing.T) (*http.Request, []byte) {
			r, body := signedRequest(t, temporary, "us-east-1", "connect", t0, func(r *http.Request) {})
			// Re-sign without the token, then add it unsigned.
			r.Header.Del("X-Amz-Security-Token")
			tmp := temporary
			tmp.SessionToken = ""
			if err := Sign(r, body, tmp, "us-east-1", "connect", t0); err != nil {
				t.Fatal(err)
			}
			r.Header.Set("X-Amz-Security-Token", tempToken)
			return r, body
		}, t0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, body := tt.build(t)
			res, err := newVerifier(tt.now).Verify(r, body)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if tt.check != nil {
				tt.check(t, res)
			}
		})
	}
}

const (
	msgMismatch = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	msgInvalid  = "The security token included in the request is invalid."
)

func TestVerifyRejects(t *testing.T) {
	type build func(t *testing.T) (*http.Request, []byte)
	edited := func(edit func(r *http.Request)) build {
		return func(t *testing.T) (*http.Request, []byte) {
			r, body := baseline(t)
			edit(r)
			return r, body
		}
	}
	tests := []struct {
		name     string
		build    build
		now      time.Time
		query    string
		json     string
		status   int // awsQuery; the JSON protocols always use 403
		message  string
		isPrefix bool
	}{
		{"no authentication", func(t *testing.T) (*http.Request, []byte) {
			r, _ := http.NewRequest("GET", negURL, nil)
			return r, nil
		}, t0, "MissingAuthenticationToken", "MissingAuthenticationTokenException", 403,
			"Request is missing Authentication Token", false},
		{"tampered signature", edited(func(r *http.Request) {
			a := r.Header.Get("Authorization")
			last := a[len(a)-1]
			r.Header.Set("Authorization", a[:len(a)-1]+map[bool]string{true: "0", false: "1"}[last != '0'])
		}), t0, "SignatureDoesNotMatch", "InvalidSignatureException", 403, msgMismatch, false},
		{"signature not hex", edited(func(r *http.Request) {
			a := r.Header.Get("Authorization")
			r.Header.Set("Authorization", a[:len(a)-64]+strings.Repeat("zz", 32))
		}), t0, "SignatureDoesNotMatch", "InvalidSignatureException", 403, msgMismatch, false},
		{"tampered body", func(t *testing.T) (*http.Request, []byte) {
			r, _ := baseline(t)
			return r, []byte(strings.Replace(negBody, "agent1", "agent2", 1))
		}, t0, "SignatureDoesNotMatch", "InvalidSignatureException", 403, msgMismatch, false},
		{"tampered signed header", edited(func(r *http.Request) { r.Header.Set("Content-Type", "text/plain") }),
			t0, "SignatureDoesNotMatch", "InvalidSignatureException", 403, msgMismatch, false},
		{"tampered query", edited(func(r *http.Request) { r.URL.RawQuery = "maxResults=500" }),
			t0, "SignatureDoesNotMatch", "InvalidSignatureException", 403, msgMismatch, false},
		{"added query parameter", edited(func(r *http.Request) { r.URL.RawQuery += "&nextToken=x" }),
			t0, "SignatureDoesNotMatch", "InvalidSignatureException", 403, msgMismatch, false},
		{"tampered path", edited(func(r *http.Request) { r.URL.Path = "/users/i-2" }),
			t0, "SignatureDoesNotMatch", "InvalidSignatureException", 403, msgMismatch, false},
		{"tampered method", edited(func(r *http.Request) { r.Method = "PUT" }),
			t0, "SignatureDoesNotMatch", "InvalidSignatureException", 403, msgMismatch, false},
		{"tampered host", edited(func(r *http.Request) { r.Host = "connect.us-west-2.amazonaws.com" }),
			t0, "SignatureDoesNotMatch", "InvalidSignatureException", 403, msgMismatch, false},
		{"wrong secret", func(t *testing.T) (*http.Request, []byte) {
			c := longTerm
			c.SecretAccessKey = "not-the-secret"
			return signedRequest(t, c, "us-east-1", "connect", t0, nil)
		}, t0, "SignatureDoesNotMatch", "InvalidSignatureException", 403, msgMismatch, false},
		{"unsigned x-amz header", edited(func(r *http.Request) { r.Header.Set("X-Amz-Target", "Connect.CreateUser") }),
			t0, "SignatureDoesNotMatch", "InvalidSignatureException", 403,
			"There were headers present in the request which were not signed: x-amz-target. Add them to SignedHeaders when signing.", false},
		{"host not signed", edited(func(r *http.Request) { rewriteAuthz(r, "host;", "") }),
			t0, "SignatureDoesNotMatch", "InvalidSignatureException", 403,
			"'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.", false},
		{"x-amz-content-sha256 mismatch", func(t *testing.T) (*http.Request, []byte) {
			return signedRequest(t, longTerm, "us-east-1", "connect", t0, func(r *http.Request) {
				r.Header.Set("X-Amz-Content-Sha256", EmptyPayloadHash)
			})
		}, t0, "SignatureDoesNotMatch", "InvalidSignatureException", 403,
			"The provided 'x-amz-content-sha256' header does not match what was computed.", false},
		{"UNSIGNED-PAYLOAD in header form", func(t *testing.T) (*http.Request, []byte) {
			return signedRequest(t, longTerm, "us-east-1", "connect", t0, func(r *http.Request) {
				r.Header.Set("X-Amz-Content-Sha256", UnsignedPayload)
			})
		}, t0, "SignatureDoesNotMatch", "InvalidSignatureException", 403,
			"x-amz-content-sha256 'UNSIGNED-PAYLOAD' is accepted only on presigned requests without a body; sign the SHA-256 of the body instead.", false},
		{"streaming payload", func(t *testing.T) (*http.Request, []byte) {
			return signedRequest(t, longTerm, "us-east-1", "connect", t0, func(r *http.Request) {
				r.Header.Set("X-Amz-Content-Sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
			})
		}, t0, "SignatureDoesNotMatch", "InvalidSignatureException", 403,
			"x-amz-content-sha256 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' is not supported", true},
		{"unknown access key", func(t *testing.T) (*http.Request, []byte) {
			c := longTerm
			c.AccessKeyID = "AKIAUNKNOWN"
			return signedRequest(t, c, "us-east-1", "connect", t0, nil)
		}, t0, "InvalidClientTokenId", "UnrecognizedClientException", 403, msgInvalid, false},
		{"wrong service", func(t *testing.T) (*http.Request, []byte) {
			return signedRequest(t, longTerm, "us-east-1", "iam", t0, nil)
		}, t0, "SignatureDoesNotMatch", "InvalidSignatureException", 403,
			"Credential should be scoped to correct service: 'connect'.", false},
		{"invalid region", func(t *testing.T) (*http.Request, []byte) {
			return signedRequest(t, longTerm, "US_EAST", "connect", t0, nil)
		}, t0, "SignatureDoesNotMatch", "InvalidSignatureException", 403,
			"Credential should be scoped to a valid region, not 'US_EAST'.", false},
		{"bad terminator", edited(func(r *http.Request) { rewriteAuthz(r, "/aws4_request", "/aws5_request") }),
			t0, "SignatureDoesNotMatch", "InvalidSignatureException", 403,
			"Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'.", false},
		{"scope date mismatch", edited(func(r *http.Request) { rewriteAuthz(r, "/20150830/", "/20150831/") }),
			t0, "SignatureDoesNotMatch", "InvalidSignatureException", 403,
			"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20150831' != '20150830', from '20150830T123600Z'.", false},
		{"clock skew past", baseline, t0.Add(5*time.Minute + time.Second),
			"SignatureDoesNotMatch", "InvalidSignatureException", 403,
			"Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T124101Z - 5 min.)", false},
		{"clock skew future", baseline, t0.Add(-5*time.Minute - time.Second),
			"SignatureDoesNotMatch", "InvalidSignatureException", 403,
			"Signature not yet current: 20150830T123600Z is still later than 20150830T123559Z (20150830T123059Z + 5 min.)", false},
		{"expired session token", func(t *testing.T) (*http.Request, []byte) {
			return signedRequest(t, temporary, "us-east-1", "connect", t0.Add(time.Hour), nil)
		}, t0.Add(time.Hour), "ExpiredToken", "ExpiredTokenException", 403,
			"The security token included in the request is expired", false},
		{"session token mismatch", func(t *testing.T) (*http.Request, []byte) {
			c := temporary
			c.SessionToken = "some-other-token"
			return signedRequest(t, c, "us-east-1", "connect", t0, nil)
		}, t0, "InvalidClientTokenId", "UnrecognizedClientException", 403, msgInvalid, false},
		{"session token missing", func(t *testing.T) (*http.Request, []byte) {
			c := temporary
			c.SessionToken = ""
			return signedRequest(t, c, "us-east-1", "connect", t0, nil)
		}, t0, "InvalidClientTokenId", "UnrecognizedClientException", 403, msgInvalid, false},
		{"session token with a long-term key", func(t *testing.T) (*http.Request, []byte) {
			c := longTerm
			c.SessionToken = tempToken
			return signedRequest(t, c, "us-east-1", "connect", t0, nil)
		}, t0, "InvalidClientTokenId", "UnrecognizedClientException", 403, msgInvalid, false},
		{"header and query authentication", func(t *testing.T) (*http.Request, []byte) {
			r := presigned(t, longTerm, t0, time.Minute)
			if err := Sign(r, nil, longTerm, "us-east-1", "connect", t0); err != nil {
				t.Fatal(err)
			}
			return r, nil
		}, t0, "IncompleteSignature", "IncompleteSignatureException", 400,
			"Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified", false},
		{"authorization with algorithm only", edited(func(r *http.Request) { r.Header.Set("Authorization", "AWS4-HMAC-SHA256") }),
			t0, "IncompleteSignature", "IncompleteSignatureException", 400,
			"Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
				"Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256", false},
		{"authorization without signature or date", edited(func(r *http.Request) {
			r.Header.Del("X-Amz-Date")
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/connect/aws4_request, SignedHeaders=host")
		}), t0, "IncompleteSignature", "IncompleteSignatureException", 400,
			"Authorization header requires 'Signature' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. " +
				"Authorization=AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/connect/aws4_request, SignedHeaders=host", false},
		{"credential with four elements", edited(func(r *http.Request) { rewriteAuthz(r, "/aws4_request", "") }),
			t0, "IncompleteSignature", "IncompleteSignatureException", 400,
			"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKIDEXAMPLE/20150830/us-east-1/connect'", false},
		{"unsupported algorithm", edited(func(r *http.Request) { rewriteAuthz(r, "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512") }),
			t0, "IncompleteSignature", "IncompleteSignatureException", 400,
			"Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'.", true},
		{"basic authorization", edited(func(r *http.Request) { r.Header.Set("Authorization", "Basic YWxpY2U6c2VjcmV0") }),
			t0, "IncompleteSignature", "IncompleteSignatureException", 400,
			"Unsupported AWS 'algorithm': 'Basic'.", true},
		{"parameter without equal sign", edited(func(r *http.Request) { rewriteAuthz(r, "SignedHeaders=", "SignedHeaders ") }),
			t0, "IncompleteSignature", "IncompleteSignatureException", 400,
			"'SignedHeaders content-length;content-type;host;x-amz-date' not a valid key=value pair (missing equal-sign) in Authorization header: 'AWS4-HMAC-SHA256 Credential=", true},
		{"duplicate parameter", edited(func(r *http.Request) {
			r.Header.Set("Authorization", r.Header.Get("Authorization")+", Signature=00")
		}), t0, "IncompleteSignature", "IncompleteSignatureException", 400,
			"Authorization header has more than one 'Signature' parameter", true},
		{"malformed X-Amz-Date", edited(func(r *http.Request) { r.Header.Set("X-Amz-Date", "2015-08-30T12:36:00Z") }),
			t0, "IncompleteSignature", "IncompleteSignatureException", 400,
			"Date must be in ISO-8601 'basic format'. Got '2015-08-30T12:36:00Z'. See http://en.wikipedia.org/wiki/ISO_8601", false},
		{"presigned URL expired", func(t *testing.T) (*http.Request, []byte) {
			return presigned(t, longTerm, t0, time.Minute), nil
		}, t0.Add(time.Minute + time.Second), "SignatureDoesNotMatch", "InvalidSignatureException", 403,
			"Signature expired: 20150830T123700Z is now earlier than 20150830T123701Z (20150830T123600Z + 60 sec.)", false},
		{"presigned URL not yet current", func(t *testing.T) (*http.Request, []byte) {
			return presigned(t, longTerm, t0, time.Hour), nil
		}, t0.Add(-6 * time.Minute), "SignatureDoesNotMatch", "InvalidSignatureException", 403,
			"Signature not yet current: 20150830T123600Z is still later than 20150830T123500Z (20150830T123000Z + 5 min.)", false},
		{"presigned tampered signature", func(t *testing.T) (*http.Request, []byte) {
			r := presigned(t, longTerm, t0, time.Minute)
			r.URL.RawQuery = r.URL.RawQuery[:len(r.URL.RawQuery)-4] + "beef"
			return r, nil
		}, t0, "SignatureDoesNotMatch", "InvalidSignatureException", 403, msgMismatch, false},
		{"presigned with a body", func(t *testing.T) (*http.Request, []byte) {
			return presigned(t, longTerm, t0, time.Minute), []byte("Action=DeleteUser&UserName=bob")
		}, t0, "SignatureDoesNotMatch", "InvalidSignatureException", 403, msgMismatch, false},
		{"presigned missing parameters", func(t *testing.T) (*http.Request, []byte) {
			r := presigned(t, longTerm, t0, time.Minute)
			q := r.URL.Query()
			q.Del("X-Amz-Credential")
			q.Del("X-Amz-Expires")
			r.URL.RawQuery = q.Encode()
			return r, nil
		}, t0, "IncompleteSignature", "IncompleteSignatureException", 400,
			"AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string parameters must include 'X-Amz-Expires'. Re-examine the query-string parameters.", false},
		{"presigned expiry zero", func(t *testing.T) (*http.Request, []byte) {
			r := presigned(t, longTerm, t0, time.Minute)
			rewriteQuery(r, "X-Amz-Expires=60", "X-Amz-Expires=0")
			return r, nil
		}, t0, "IncompleteSignature", "IncompleteSignatureException", 400,
			"X-Amz-Expires must be a whole number of seconds from 1 to 604800, got '0'. Re-examine the query-string parameters.", false},
		{"presigned expiry over a week", func(t *testing.T) (*http.Request, []byte) {
			r := presigned(t, longTerm, t0, time.Minute)
			rewriteQuery(r, "X-Amz-Expires=60", "X-Amz-Expires=604801")
			return r, nil
		}, t0, "IncompleteSignature", "IncompleteSignatureException", 400,
			"X-Amz-Expires must be less than a week (in seconds) that is 604800, got '604801'.", false},
		{"presigned wrong algorithm", func(t *testing.T) (*http.Request, []byte) {
			r := presigned(t, longTerm, t0, time.Minute)
			rewriteQuery(r, "X-Amz-Algorithm=AWS4-HMAC-SHA256", "X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256")
			return r, nil
		}, t0, "IncompleteSignature", "IncompleteSignatureException", 400,
			"X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\", got 'AWS4-ECDSA-P256-SHA256'. Re-examine the query-string parameters.", false},
		{"presigned duplicate parameter", func(t *testing.T) (*http.Request, []byte) {
			r := presigned(t, longTerm, t0, time.Minute)
			r.URL.RawQuery += "&X-Amz-Date=20150830T123600Z"
			return r, nil
		}, t0, "IncompleteSignature", "IncompleteSignatureException", 400,
			"AWS query-string parameters must include 'X-Amz-Date' only once. Re-examine the query-string parameters.", false},
		{"presigned session token mismatch", func(t *testing.T) (*http.Request, []byte) {
			r := presigned(t, temporary, t0, time.Minute)
			rewriteQuery(r, "X-Amz-Security-Token=", "X-Amz-Security-Token=x")
			return r, nil
		}, t0, "InvalidClientTokenId", "UnrecognizedClientException", 403, msgInvalid, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, body := tt.build(t)
			res, err := newVerifier(tt.now).Verify(r, body)
			if err == nil {
				t.Fatalf("Verify succeeded (%+v), want %s", res, tt.query)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T), want *Error", err, err)
			}
			if e.QueryCode() != tt.query || e.JSONCode() != tt.json || e.HTTPStatus() != tt.status || e.JSONHTTPStatus() != 403 {
				t.Errorf("codes %s / %s, statuses %d / %d; want %s / %s, %d / 403",
					e.QueryCode(), e.JSONCode(), e.HTTPStatus(), e.JSONHTTPStatus(), tt.query, tt.json, tt.status)
			}
			if tt.isPrefix && !strings.HasPrefix(e.Message, tt.message) || !tt.isPrefix && e.Message != tt.message {
				t.Errorf("message:\n%s\nwant:\n%s", e.Message, tt.message)
			}
		})
	}
}

func TestVerifyStoreFailure(t *testing.T) {
	boom := errors.New("database is locked")
	v := &Verifier{
		Store: CredentialStoreFunc(func(context.Context, string) (Credentials, error) { return Credentials{}, boom }),
		Now:   func() time.Time { return t0 },
	}
	r, body := baseline(t)
	_, err := v.Verify(r, body)
	e := assertKind(t, err, KindInternal)
	if !errors.Is(err, boom) || e.HTTPStatus() != 500 || e.JSONHTTPStatus() != 500 || e.QueryCode() != "InternalFailure" || e.JSONCode() != "InternalFailure" {
		t.Fatalf("error %v: status %d codes %s/%s", err, e.HTTPStatus(), e.QueryCode(), e.JSONCode())
	}
	if !strings.Contains(err.Error(), "database is locked") {
		t.Fatalf("Error() = %q, want the store error in it", err.Error())
	}
}

// TestVerifyClockSynctest checks skew and session expiry against the real
// clock (Verifier.Now unset) inside a synctest bubble.
func TestVerifyClockSynctest(t *testing.T) {
	tests := []struct {
		name  string
		creds Credentials
		sleep time.Duration
		want  Kind // 0: success
	}{
		{"fresh", longTerm, 0, 0},
		{"at the skew limit", longTerm, 5 * time.Minute, 0},
		{"past the skew limit", longTerm, 5*time.Minute + time.Second, KindSignatureExpired},
		{"temporary credentials still valid", temporary, 0, 0},
		{"temporary credentials expired", temporary, 2 * time.Minute, KindExpiredToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				creds := tt.creds
				if creds.SessionToken != "" {
					creds.Expires = time.Now().Add(time.Minute)
				}
				v := &Verifier{Store: memStore{creds.AccessKeyID: creds}, Services: []string{"connect"}}
				r, body := signedRequest(t, creds, "us-east-1", "connect", time.Now(), nil)
				time.Sleep(tt.sleep)
				_, err := v.Verify(r, body)
				if tt.want == 0 {
					if err != nil {
						t.Fatalf("Verify: %v", err)
					}
					return
				}
				assertKind(t, err, tt.want)
			})
		})
	}
}

func TestParseAuthorization(t *testing.T) {
	a, err := ParseAuthorization("AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request,SignedHeaders=host;x-amz-date,  Signature=abc")
	if err != nil {
		t.Fatal(err)
	}
	want := Scope{AccessKeyID: "AKID", Date: "20150830", Region: "us-east-1", Service: "iam", Terminator: "aws4_request"}
	if a.Scope != want || a.Signature != "abc" || strings.Join(a.SignedHeaders, ";") != "host;x-amz-date" ||
		a.Credential != "AKID/20150830/us-east-1/iam/aws4_request" || a.Algorithm != Algorithm {
		t.Fatalf("parsed %+v", a)
	}
	if a.Scope.String() != "20150830/us-east-1/iam/aws4_request" {
		t.Fatalf("Scope.String() = %q", a.Scope.String())
	}
	if _, err := ParseAuthorization("AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request"); err == nil ||
		err.(*Error).Message != "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. "+
			"Authorization=AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request" {
		t.Fatalf("error %v", err)
	}
}

func FuzzParseAuthorization(f *testing.F) {
	for _, s := range []string{
		"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
		"AWS4-HMAC-SHA256",
		"AWS4-HMAC-SHA256 Credential=a/b/c/d, Signature",
		"AWS4-HMAC-SHA256 ,,,=,Credential==,SignedHeaders=;;,Signature=",
		"",
		"Basic x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAuthorization(s)
		if (a == nil) == (err == nil) {
			t.Fatalf("ParseAuthorization(%q) = %v, %v: want exactly one of result and error", s, a, err)
		}
		if err != nil {
			e, ok := err.(*Error)
			if !ok || e.Kind != KindIncompleteSignature || e.Message == "" {
				t.Fatalf("ParseAuthorization(%q) error %#v", s, err)
			}
			return
		}
		if a.Algorithm != Algorithm {
			t.Fatalf("ParseAuthorization(%q) accepted algorithm %q", s, a.Algorithm)
		}
		if got := a.Scope.AccessKeyID + "/" + a.Scope.String(); got != a.Credential {
			t.Fatalf("scope %q does not reassemble credential %q", got, a.Credential)
		}
	})
}

// FuzzVerify feeds arbitrary Authorization headers, dates, paths and
// queries through Verify: it must never panic, and every failure must be an
// *Error with codes for both protocols.
func FuzzVerify(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/connect/aws4_request, SignedHeaders=host;x-amz-date, Signature=00",
		"20150830T123600Z", "/users/i-1", "maxResults=5")
	f.Add("", "", "/a/../b//c", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fconnect%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=00")
	f.Add("AWS4-HMAC-SHA256 Credential=///, SignedHeaders=, Signature=", "x", "%zz", "a=%zz&&=")
	f.Fuzz(func(t *testing.T, authz, date, path, query string) {
		r := &http.Request{
			Method:     "GET",
			URL:        &url.URL{Path: path, RawQuery: query},
			RequestURI: path,
			Host:       "connect.us-east-1.amazonaws.com",
			Header:     http.Header{},
		}
		if authz != "" {
			r.Header.Set("Authorization", authz)
		}
		if date != "" {
			r.Header.Set("X-Amz-Date", date)
		}
		r = r.WithContext(context.Background())
		res, err := newVerifier(t0).Verify(r, nil)
		if err == nil {
			if res == nil {
				t.Fatal("nil result and nil error")
			}
			return
		}
		e, ok := err.(*Error)
		if !ok || res != nil || e.QueryCode() == "" || e.JSONCode() == "" || e.HTTPStatus() == 0 || e.Message == "" {
			t.Fatalf("Verify returned %v, %#v", res, err)
		}
	})
}

// TestVerifyConcurrent exercises the buffer pool and the signing-key cache
// from many goroutines (run with -race).
func TestVerifyConcurrent(t *testing.T) {
	v := newVerifier(t0)
	type job struct {
		r    *http.Request
		body []byte
	}
	const workers, perWorker = 8, 50
	jobs := make([][]job, workers)
	for w := range jobs {
		for i := range perWorker {
			region := []string{"us-east-1", "eu-west-1", "ap-south-1"}[(w+i)%3]
			r, body := signedRequest(t, longTerm, region, "connect", t0, nil)
			jobs[w] = append(jobs[w], job{r, body})
		}
	}
	done := make(chan error)
	for w := range workers {
		go func() {
			for _, j := range jobs[w] {
				if _, err := v.Verify(j.r, j.body); err != nil {
					done <- err
					return
				}
				if _, err := v.Verify(j.r, append([]byte("x"), j.body...)); err == nil {
					done <- errors.New("tampered body verified")
					return
				}
			}
			done <- nil
		}()
	}
	for range workers {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
