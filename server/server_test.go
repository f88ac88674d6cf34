package server

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/connect-iam/connect-iam/server/awsquery"
	"github.com/connect-iam/connect-iam/server/restjson"
	"github.com/connect-iam/connect-iam/server/sigv4"
)

// Test credentials. The secret and the session token must never appear in
// a log line.
var (
	adminCreds = sigv4.Credentials{AccessKeyID: "AKIAADMIN", SecretAccessKey: "s3cr3t-admin-key/with+chars", Principal: "admin"}
	tempCreds  = sigv4.Credentials{AccessKeyID: "ASIATEMP", SecretAccessKey: "temp-secret-9f8e7d", SessionToken: "SESSION-TOKEN-abc123", Principal: "role-session"}
)

func testStore() sigv4.CredentialStore {
	return sigv4.CredentialStoreFunc(func(ctx context.Context, id string) (sigv4.Credentials, error) {
		switch id {
		case adminCreds.AccessKeyID:
			return adminCreds, nil
		case tempCreds.AccessKeyID:
			return tempCreds, nil
		}
		return sigv4.Credentials{}, sigv4.ErrUnknownAccessKey
	})
}

type queryResult struct {
	Principal string `xml:"Principal"`
	User      struct {
		UserName string `xml:"UserName"`
	} `xml:"User"`
}

// newTestServer returns a Server with a few handlers of every protocol and
// the buffer its logs go to.
func newTestServer(t *testing.T, cfg Config) (*Server, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if cfg.Authenticator == nil {
		cfg.Authenticator = SigV4(&sigv4.Verifier{Store: testStore()})
	}
	s := New(cfg)
	s.RegisterQuery("iam", "CreateUser", QueryHandlerFunc(func(ctx context.Context, c *QueryCall) (any, error) {
		name := c.Params.Required("UserName")
		c.Params.Length("UserName", 1, 64)
		if err := c.Params.Err(); err != nil {
			return nil, err
		}
		// A careless handler logging the whole request: the redacting
		// handler must still keep secrets out.
		s.log.Info("handler saw", "headers", c.HTTPRequest.Header, "params", c.Params.Params(),
			"SecretAccessKey", "leaked-"+adminCreds.SecretAccessKey)
		s.ObserveDecision("iam", "allow")
		res := queryResult{Principal: c.Auth.Credentials.Principal.(string)}
		res.User.UserName = name
		return res, nil
	}))
	s.RegisterQuery("iam", "DeleteUser", QueryHandlerFunc(func(ctx context.Context, c *QueryCall) (any, error) {
		s.ObserveDecision("iam", "implicit_deny")
		return nil, awsquery.NewError(http.StatusForbidden, "AccessDenied", "User: admin is not authorized to perform: iam:DeleteUser")
	}))
	s.RegisterQuery("iam", "Fail", QueryHandlerFunc(func(ctx context.Context, c *QueryCall) (any, error) {
		return nil, errors.New("database is locked at /data/secret-path")
	}))
	s.RegisterQuery("iam", "Panic", QueryHandlerFunc(func(ctx context.Context, c *QueryCall) (any, error) {
		panic("boom")
	}))
	s.RegisterQuery("sts", "GetCallerIdentity", QueryHandlerFunc(func(ctx context.Context, c *QueryCall) (any, error) {
		return struct {
			Arn string `xml:"Arn"`
		}{"arn:aws:iam::123456789012:user/" + c.Auth.Credentials.Principal.(string)}, nil
	}))
	s.RegisterUnsignedQuery("sts", "AssumeRoleWithWebIdentity", QueryHandlerFunc(func(ctx context.Context, c *QueryCall) (any, error) {
		caller := "anonymous"
		if c.Auth != nil {
			caller = c.Auth.Credentials.Principal.(string)
		}
		return struct {
			Caller string `xml:"Caller"`
		}{caller}, nil
	}))
	for _, route := range []restjson.Route{
		{Operation: "DescribeUser", Method: "GET", Path: "/users/{InstanceId}/{UserId}"},
		{Operation: "TagResource", Method: "POST", Path: "/tags/{resourceArn}"},
	} {
		switch route.Operation {
		case "DescribeUser":
			s.RegisterREST("connect", route, RESTHandlerFunc(func(ctx context.Context, c *RESTCall) (any, error) {
				if c.Labels["UserId"] == "missing" {
					return nil, restjson.NewError(404, "ResourceNotFoundException", "User not found")
				}
				return map[string]any{"User": map[string]any{"Id": c.Labels["UserId"], "Username": c.Auth.Credentials.Principal}}, nil
			}))
		case "TagResource":
			s.RegisterREST("connect", route, RESTHandlerFunc(func(ctx context.Context, c *RESTCall) (any, error) {
				var in struct {
					Tags map[string]string `json:"tags"`
				}
				if err := c.Decode(&in); err != nil {
					return nil, err
				}
				return nil, nil
			}))
		}
	}
	s.RegisterREST("access-analyzer", restjson.AccessAnalyzerRoutes[0], RESTHandlerFunc(func(ctx context.Context, c *RESTCall) (any, error) {
		return map[string]any{"findings": []any{}}, nil
	}))
	return s, &logs
}

type reqSpec struct {
	method, path, contentType, body string
	creds                           *sigv4.Credentials
	service                         string
	tamper                          bool
}

func (rs reqSpec) build(t *testing.T, base string) *http.Request {
	t.Helper()
	r, err := http.NewRequest(rs.method, base+rs.path, strings.NewReader(rs.body))
	if err != nil {
		t.Fatal(err)
	}
	if rs.contentType != "" {
		r.Header.Set("Content-Type", rs.contentType)
	}
	if rs.creds != nil {
		if err := sigv4.Sign(r, []byte(rs.body), *rs.creds, "us-west-2", rs.service, time.Now()); err != nil {
			t.Fatal(err)
		}
		if rs.tamper {
			a := r.Header.Get("Authorization")
			last := a[len(a)-1]
			if last == '0' {
				last = '1'
			} else {
				last = '0'
			}
			r.Header.Set("Authorization", a[:len(a)-1]+string(last))
		}
	}
	return r
}

const form = "application/x-www-form-urlencoded; charset=utf-8"

func TestDispatch(t *testing.T) {
	s, _ := newTestServer(t, Config{MaxBodyBytes: 1024})
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	unknown := sigv4.Credentials{AccessKeyID: "AKIANOBODY", SecretAccessKey: "x"}
	tests := []struct {
		name       string
		req        reqSpec
		wantStatus int
		wantCode   string // awsQuery Error>Code or X-Amzn-ErrorType
		wantBody   string // substring
	}{
		{"iam ok", reqSpec{"POST", "/", form, "Action=CreateUser&UserName=bob&Version=2010-05-08", &adminCreds, "iam", false},
			200, "", `<CreateUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><CreateUserResult><Principal>admin</Principal><User><UserName>bob</UserName></User></CreateUserResult>`},
		{"iam with session token", reqSpec{"POST", "/", form, "Action=CreateUser&UserName=eve&Version=2010-05-08", &tempCreds, "iam", false},
			200, "", `<Principal>role-session</Principal>`},
		{"sts ok", reqSpec{"POST", "/", form, "Action=GetCallerIdentity&Version=2011-06-15", &adminCreds, "sts", false},
			200, "", `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/admin</Arn>`},
		{"iam validation", reqSpec{"POST", "/", form, "Action=CreateUser&Version=2010-05-08", &adminCreds, "iam", false},
			400, "ValidationError", "Value null at &#39;userName&#39; failed to satisfy constraint: Member must not be null"},
		{"iam access denied", reqSpec{"POST", "/", form, "Action=DeleteUser&UserName=bob&Version=2010-05-08", &adminCreds, "iam", false},
			403, "AccessDenied", "not authorized to perform: iam:DeleteUser"},
		{"iam unknown action", reqSpec{"POST", "/", form, "Action=Nope&Version=2010-05-08", &adminCreds, "iam", false},
			400, "InvalidAction", "Could not find operation Nope for version 2010-05-08"},
		{"sts action on iam", reqSpec{"POST", "/", form, "Action=GetCallerIdentity&Version=2011-06-15", &adminCreds, "iam", false},
			400, "InvalidAction", "Could not find operation GetCallerIdentity for version 2011-06-15"},
		{"iam missing action", reqSpec{"POST", "/", form, "Version=2010-05-08", &adminCreds, "iam", false},
			400, "MissingAction", "parameter Action"},
		{"iam unsigned", reqSpec{"POST", "/", form, "Action=CreateUser&UserName=bob&Version=2010-05-08", nil, "", false},
			403, "MissingAuthenticationToken", "Request is missing Authentication Token"},
		{"sts unsigned", reqSpec{"POST", "/", form, "Action=GetCallerIdentity&Version=2011-06-15", nil, "", false},
			403, "MissingAuthenticationToken", `xmlns="https://sts.amazonaws.com/doc/2011-06-15/"`},
		{"sts unsigned operation, unsigned", reqSpec{"POST", "/", form, "Action=AssumeRoleWithWebIdentity&Version=2011-06-15", nil, "", false},
			200, "", `<Caller>anonymous</Caller>`},
		{"sts unsigned operation, signed", reqSpec{"POST", "/", form, "Action=AssumeRoleWithWebIdentity&Version=2011-06-15", &adminCreds, "sts", false},
			200, "", `<Caller>admin</Caller>`},
		{"sts unsigned operation, tampered signature", reqSpec{"POST", "/", form, "Action=AssumeRoleWithWebIdentity&Version=2011-06-15", &adminCreds, "sts", true},
			403, "SignatureDoesNotMatch", "The request signature we calculated does not match"},
		{"iam unsigned GET", reqSpec{"GET", "/?Action=CreateUser&UserName=bob", "", "", nil, "", false},
			403, "MissingAuthenticationToken", "Request is missing Authentication Token"},
		{"iam tampered", reqSpec{"POST", "/", form, "Action=CreateUser&UserName=bob&Version=2010-05-08", &adminCreds, "iam", true},
			403, "SignatureDoesNotMatch", "The request signature we calculated does not match"},
		{"iam unknown key", reqSpec{"POST", "/", form, "Action=CreateUser&UserName=bob&Version=2010-05-08", &unknown, "iam", false},
			403, "InvalidClientTokenId", "The security token included in the request is invalid."},
		{"iam internal", reqSpec{"POST", "/", form, "Action=Fail&Version=2010-05-08", &adminCreds, "iam", false},
			500, "InternalFailure", "<Type>Receiver</Type>"},
		{"iam panic", reqSpec{"POST", "/", form, "Action=Panic&Version=2010-05-08", &adminCreds, "iam", false},
			500, "InternalFailure", msgInternal},
		{"iam too large", reqSpec{"POST", "/", form, "Action=CreateUser&UserName=" + strings.Repeat("x", 2000), &adminCreds, "iam", false},
			413, "RequestEntityTooLarge", "limit of 1024 bytes"},
		{"connect ok", reqSpec{"GET", "/users/i-1/u-1", "", "", &adminCreds, "connect", false},
			200, "", `{"User":{"Id":"u-1","Username":"admin"}}`},
		{"connect arn label", reqSpec{"POST", "/tags/arn%3Aaws%3Aconnect%3Aus-west-2%3A123456789012%3Ainstance%2Fi-1", "application/json", `{"tags":{"a":"b"}}`, &adminCreds, "connect", false},
			200, "", ""},
		{"connect bad json", reqSpec{"POST", "/tags/arn%3Ax", "application/json", `{"tags":["a"]}`, &adminCreds, "connect", false},
			400, "SerializationException", "cannot be read as object"},
		{"connect not found", reqSpec{"GET", "/users/i-1/missing", "", "", &adminCreds, "connect", false},
			404, "ResourceNotFoundException", `"message":"User not found"`},
		{"connect unknown route", reqSpec{"GET", "/no/such/route", "", "", &adminCreds, "connect", false},
			404, "UnknownOperationException", "No operation matches GET /no/such/route"},
		{"connect unsigned", reqSpec{"GET", "/users/i-1/u-1", "", "", nil, "", false},
			403, "MissingAuthenticationTokenException", "Request is missing Authentication Token"},
		{"connect tampered", reqSpec{"GET", "/users/i-1/u-1", "", "", &adminCreds, "connect", true},
			403, "InvalidSignatureException", "The request signature we calculated does not match"},
		{"connect unknown key", reqSpec{"GET", "/users/i-1/u-1", "", "", &unknown, "connect", false},
			403, "UnrecognizedClientException", "The security token included in the request is invalid."},
		{"connect path signed for other service", reqSpec{"GET", "/users/i-1/u-1", "", "", &adminCreds, "lambda", false},
			403, "InvalidSignatureException", "Credential should be scoped to correct service: 'connect'."},
		{"connect too large", reqSpec{"POST", "/tags/x", "application/json", `{"tags":{"a":"` + strings.Repeat("x", 2000) + `"}}`, &adminCreds, "connect", false},
			413, "RequestEntityTooLargeException", "limit of 1024 bytes"},
		{"sts form signed for another service", reqSpec{"POST", "/", form, "Action=GetCallerIdentity&Version=2011-06-15", &adminCreds, "lambda", false},
			403, "SignatureDoesNotMatch", "Credential should be scoped to correct service: &#39;sts&#39;."},
		{"signed for a service with no routes", reqSpec{"GET", "/functions", "", "", &adminCreds, "lambda", false},
			404, "UnknownOperationException", `connect-iam does not serve the service \"lambda\"`},
		{"access analyzer", reqSpec{"POST", "/policy/validation", "application/json", `{"policyDocument":"{}","policyType":"IDENTITY_POLICY"}`, &adminCreds, "access-analyzer", false},
			200, "", `{"findings":[]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := http.DefaultClient.Do(tt.req.build(t, ts.URL))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status %d, want %d; body %s", resp.StatusCode, tt.wantStatus, body)
			}
			rid := resp.Header.Get("X-Amzn-RequestId")
			if len(rid) != 36 {
				t.Errorf("X-Amzn-RequestId = %q, want a UUID", rid)
			}
			code := resp.Header.Get("X-Amzn-ErrorType")
			if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/xml") {
				var env struct {
					Error struct {
						Code string `xml:"Code"`
					} `xml:"Error"`
					RequestID  string `xml:"RequestId"`
					ResponseID string `xml:"ResponseMetadata>RequestId"`
				}
				if err := xml.Unmarshal(body, &env); err != nil {
					t.Fatalf("response is not XML: %v: %s", err, body)
				}
				code = env.Error.Code
				if env.RequestID != rid && env.ResponseID != rid {
					t.Errorf("RequestId in body (%q/%q) differs from header %q", env.RequestID, env.ResponseID, rid)
				}
			}
			if code != tt.wantCode {
				t.Errorf("code %q, want %q; body %s", code, tt.wantCode, body)
			}
			if !strings.Contains(string(body), tt.wantBody) {
				t.Errorf("body %s\ndoes not contain %s", body, tt.wantBody)
			}
		})
	}
}

func TestNoAuthenticator(t *testing.T) {
	s := New(Config{Authenticator: nil, Logger: slog.New(slog.DiscardHandler)})
	s.cfg.Authenticator = nil
	s.RegisterQuery("iam", "CreateUser", QueryHandlerFunc(func(ctx context.Context, c *QueryCall) (any, error) {
		t.Error("handler called without an authenticator")
		return nil, nil
	}))
	rec := httptest.NewRecorder()
	r := httptest.NewRequest("POST", "/", strings.NewReader("Action=CreateUser&UserName=x"))
	r.Header.Set("Content-Type", form)
	s.Handler().ServeHTTP(rec, r)
	if rec.Code != 500 || !strings.Contains(rec.Body.String(), "<Code>InternalFailure</Code>") {
		t.Errorf("got %d %s", rec.Code, rec.Body)
	}
}

func TestRegisterPanics(t *testing.T) {
	s, _ := newTestServer(t, Config{})
	h := QueryHandlerFunc(func(context.Context, *QueryCall) (any, error) { return nil, nil })
	rh := RESTHandlerFunc(func(context.Context, *RESTCall) (any, error) { return nil, nil })
	tests := []struct {
		name string
		f    func()
		want string
	}{
		{"unknown query service", func() { s.RegisterQuery("ec2", "X", h) }, `unknown awsQuery service "ec2"`},
		{"duplicate action", func() { s.RegisterQuery("iam", "CreateUser", h) }, "iam:CreateUser is already registered"},
		{"empty action", func() { s.RegisterQuery("iam", "", h) }, "empty action"},
		{"rest on query service", func() { s.RegisterREST("iam", restjson.AccessAnalyzerRoutes[0], rh) }, "not a restJson1 service"},
		{"conflicting route", func() { s.RegisterREST("access-analyzer", restjson.AccessAnalyzerRoutes[0], rh) }, "conflicts with ValidatePolicy"},
		{"nil rest handler", func() {
			s.RegisterREST("connect", restjson.Route{Operation: "DescribeUser", Method: "GET", Path: "/users/{InstanceId}/{UserId}"}, nil)
		}, "nil handler"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				p := recover()
				if p == nil || !strings.Contains(p.(string), tt.want) {
					t.Errorf("panic %v, want one containing %q", p, tt.want)
				}
			}()
			tt.f()
		})
	}
}

func TestHealthz(t *testing.T) {
	s, _ := newTestServer(t, Config{})
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
	if rec.Code != 200 || rec.Body.String() != "ok\n" {
		t.Errorf("healthz: %d %q", rec.Code, rec.Body)
	}
	if s.Addr() != DefaultAddr || !strings.HasPrefix(DefaultAddr, "127.0.0.1:") {
		t.Errorf("default address %q is not loopback", s.Addr())
	}
}
