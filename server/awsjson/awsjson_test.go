package awsjson

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func newRequest(method, path, target, ct, body string) *http.Request {
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	if target != "" {
		r.Header.Set("X-Amz-Target", target)
	}
	if ct != "" {
		r.Header.Set("Content-Type", ct)
	}
	return r
}

const ct11 = "application/x-amz-json-1.1"

func TestParse(t *testing.T) {
	tests := []struct {
		name, method, path, target, ct, body string
		wantOp, wantVersion, wantBody        string
		wantCode                             string
		wantStatus                           int
	}{
		{name: "ok", method: "POST", path: "/", target: "AWSOrganizationsV20161128.ListRoots", ct: ct11, body: `{"MaxResults":1}`,
			wantOp: "ListRoots", wantVersion: "1.1", wantBody: `{"MaxResults":1}`},
		{name: "empty body", method: "POST", path: "/", target: "P.Op", ct: "application/x-amz-json-1.0; charset=utf-8",
			wantOp: "Op", wantVersion: "1.0", wantBody: "{}"},
		{name: "GET", method: "GET", path: "/", target: "P.Op", ct: ct11, wantCode: "UnknownOperationException", wantStatus: 404},
		{name: "path", method: "POST", path: "/x", target: "P.Op", ct: ct11, wantCode: "UnknownOperationException", wantStatus: 404},
		{name: "no target", method: "POST", path: "/", ct: ct11, wantCode: "UnknownOperationException", wantStatus: 400},
		{name: "no operation", method: "POST", path: "/", target: "P.", ct: ct11, wantCode: "UnknownOperationException", wantStatus: 400},
		{name: "content type", method: "POST", path: "/", target: "P.Op", ct: "application/json", wantCode: "SerializationException", wantStatus: 400},
		{name: "array", method: "POST", path: "/", target: "P.Op", ct: ct11, body: `[]`, wantCode: "SerializationException", wantStatus: 400},
		{name: "malformed", method: "POST", path: "/", target: "P.Op", ct: ct11, body: `{"a":`, wantCode: "SerializationException", wantStatus: 400},
		{name: "trailing", method: "POST", path: "/", target: "P.Op", ct: ct11, body: `{} {}`, wantCode: "SerializationException", wantStatus: 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := Parse(newRequest(tt.method, tt.path, tt.target, tt.ct, tt.body), []byte(tt.body))
			if tt.wantCode != "" {
				var e *Error
				if !errors.As(err, &e) || e.Code != tt.wantCode || e.HTTPStatus() != tt.wantStatus {
					t.Fatalf("Parse error %v, want %s %d", err, tt.wantCode, tt.wantStatus)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if req.Operation != tt.wantOp || req.Version != tt.wantVersion || string(req.Body) != tt.wantBody {
				t.Errorf("Parse = %+v", req)
			}
		})
	}
}

func TestLooks(t *testing.T) {
	if !Looks(newRequest("POST", "/", "P.Op", ct11, "")) {
		t.Error("an awsJson request does not look like one")
	}
	if Looks(newRequest("POST", "/", "", ct11, "")) || Looks(newRequest("POST", "/", "P.Op", "application/json", "")) {
		t.Error("a request without target or with a JSON content type looks like awsJson")
	}
	if got := Target(newRequest("POST", "/", "AWSOrganizationsV20161128.ListRoots", ct11, "")); got != "AWSOrganizationsV20161128" {
		t.Errorf("Target = %q", got)
	}
}

func TestWriteError(t *testing.T) {
	rec := httptest.NewRecorder()
	WriteError(rec, "rid", Version11, &Error{Code: "ConstraintViolationException", Message: "m", Fields: map[string]any{"Reason": "R"}})
	if rec.Code != 400 || rec.Header().Get("X-Amzn-ErrorType") != "ConstraintViolationException" || rec.Header().Get("Content-Type") != ct11 {
		t.Fatalf("status %d headers %v", rec.Code, rec.Header())
	}
	var body map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	if body["__type"] != "ConstraintViolationException" || body["Message"] != "m" || body["Reason"] != "R" {
		t.Errorf("body %v", body)
	}
}

func TestWriteResponse(t *testing.T) {
	tests := []struct {
		v    any
		want string
	}{
		{nil, "{}"},
		{map[string]any{"When": Time(time.Unix(5, 0))}, `{"When":5}`},
		{map[string]any{"When": Time(time.UnixMilli(5500))}, `{"When":5.5}`},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		if err := WriteResponse(rec, "r", Version11, tt.v); err != nil {
			t.Fatal(err)
		}
		if rec.Body.String() != tt.want || rec.Code != 200 || rec.Header().Get("X-Amzn-RequestId") != "r" {
			t.Errorf("WriteResponse(%v) = %d %s", tt.v, rec.Code, rec.Body)
		}
	}
	if err := WriteResponse(httptest.NewRecorder(), "r", Version11, make(chan int)); err == nil {
		t.Error("an unencodable value was written")
	}
}

func TestDecode(t *testing.T) {
	m, err := Decode([]byte(` {"PolicyId":"p-1","N":3} `))
	if err != nil || m["PolicyId"] != "p-1" || m["N"] != json.Number("3") {
		t.Fatalf("Decode = %v, %v", m, err)
	}
	if m, err := Decode(nil); err != nil || len(m) != 0 {
		t.Fatalf("Decode(empty) = %v, %v", m, err)
	}
	if _, err := Decode([]byte(`"x"`)); err == nil {
		t.Fatal("a string body was accepted")
	}
}

// FuzzParse checks that Parse either returns an *Error or a request whose
// body decodes to a JSON object that encoding/json accepts too.
func FuzzParse(f *testing.F) {
	for _, s := range []string{`{"PolicyId":"p-1"}`, ``, `[]`, `{"a":`, `{} x`, "{\n\"a\":1,}", `null`} {
		f.Add("AWSOrganizationsV20161128.DescribePolicy", s)
	}
	f.Add("", "{}")
	f.Add("P.", "{}")
	f.Fuzz(func(t *testing.T, target, body string) {
		r := newRequest("POST", "/", target, ct11, body)
		req, err := Parse(r, []byte(body))
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.HTTPStatus() < 400 || e.Code == "" {
				t.Fatalf("Parse error %v is not a client error", err)
			}
			return
		}
		if req.Operation == "" || req.TargetPrefix == "" {
			t.Fatalf("Parse accepted target %q without an operation", target)
		}
		m, err := Decode(req.Body)
		if err != nil {
			t.Fatalf("Parse accepted %q that Decode rejects: %v", body, err)
		}
		var ref map[string]any
		if err := json.Unmarshal(req.Body, &ref); err != nil || len(ref) != len(m) {
			t.Fatalf("Parse accepted %q, encoding/json says %v", body, err)
		}
	})
}
