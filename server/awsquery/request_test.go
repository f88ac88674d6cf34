package awsquery

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func postForm(body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	return r
}

func TestParse(t *testing.T) {
	tests := []struct {
		name        string
		req         *http.Request
		body        string
		wantAction  string
		wantVersion string
		wantParams  map[string]string
		wantCode    string
	}{
		{
			name:        "sdk post",
			req:         postForm(""),
			body:        "Action=CreateUser&Path=%2F&UserName=bob&Version=2010-05-08",
			wantAction:  "CreateUser",
			wantVersion: "2010-05-08",
			wantParams:  map[string]string{"Path": "/", "UserName": "bob"},
		},
		{
			name:        "get query with presign parameters dropped",
			req:         httptest.NewRequest(http.MethodGet, "/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Signature=abc&X-Amz-Credential=AK%2F1", nil),
			wantAction:  "GetCallerIdentity",
			wantVersion: "2011-06-15",
			wantParams:  map[string]string{},
		},
		{
			name:       "query and body merged",
			req:        func() *http.Request { r := postForm(""); r.URL.RawQuery = "Action=ListUsers"; return r }(),
			body:       "MaxItems=5&PathPrefix=%2Fa+b%2F",
			wantAction: "ListUsers",
			wantParams: map[string]string{"MaxItems": "5", "PathPrefix": "/a b/"},
		},
		{
			name: "body ignored without form content type",
			req: func() *http.Request {
				r := postForm("")
				r.Header.Set("Content-Type", "application/json")
				r.URL.RawQuery = "Action=X"
				return r
			}(),
			body:       "UserName=bob",
			wantAction: "X",
			wantParams: map[string]string{},
		},
		{
			name:       "repeated identical parameter accepted",
			req:        postForm(""),
			body:       "Action=A&UserName=bob&UserName=bob",
			wantAction: "A",
			wantParams: map[string]string{"UserName": "bob"},
		},
		{name: "missing action", req: postForm(""), body: "UserName=bob", wantCode: "MissingAction"},
		{name: "empty action", req: postForm(""), body: "Action=&UserName=bob", wantCode: "MissingAction"},
		{name: "conflicting duplicate", req: postForm(""), body: "Action=A&UserName=bob&UserName=eve", wantCode: "MalformedQueryString"},
		{name: "bad percent escape", req: postForm(""), body: "Action=A&UserName=%zz", wantCode: "MalformedQueryString"},
		{name: "bad escape in name", req: postForm(""), body: "Action=A&User%G1=x", wantCode: "MalformedQueryString"},
		{name: "invalid utf-8", req: postForm(""), body: "Action=A&UserName=%ff", wantCode: "MalformedQueryString"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := Parse(tt.req, []byte(tt.body))
			if tt.wantCode != "" {
				var e *Error
				if !errors.As(err, &e) || e.Code != tt.wantCode {
					t.Fatalf("Parse error = %v, want code %s", err, tt.wantCode)
				}
				if e.HTTPStatus() != http.StatusBadRequest || e.FaultType() != "Sender" {
					t.Errorf("status/type = %d/%s, want 400/Sender", e.HTTPStatus(), e.FaultType())
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if req.Action != tt.wantAction || req.Version != tt.wantVersion {
				t.Errorf("Action, Version = %q, %q; want %q, %q", req.Action, req.Version, tt.wantAction, tt.wantVersion)
			}
			if got := req.Params(); !reflect.DeepEqual(got, tt.wantParams) {
				t.Errorf("Params = %v, want %v", got, tt.wantParams)
			}
		})
	}
}

func mustParse(t *testing.T, body string) *Request {
	t.Helper()
	req, err := Parse(postForm(""), []byte(body))
	if err != nil {
		t.Fatalf("Parse(%q): %v", body, err)
	}
	return req
}

var namePattern = regexp.MustCompile(`[\w+=,.@-]+`)

func TestValidation(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		check    func(r *Request)
		wantCode string
		wantMsg  string
	}{
		{
			name: "all satisfied",
			body: "Action=CreateUser&UserName=bob&MaxItems=10&Status=Active",
			check: func(r *Request) {
				r.Required("UserName")
				r.Length("UserName", 1, 64)
				r.Range("MaxItems", 1, 1000)
				r.Enum("Status", "Active", "Inactive")
			},
		},
		{
			name:     "missing required",
			body:     "Action=CreateUser",
			check:    func(r *Request) { r.Required("UserName") },
			wantCode: "ValidationError",
			wantMsg:  "1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null",
		},
		{
			name: "two violations in order",
			body: "Action=CreateUser&UserName=bad%2Fname&Path=",
			check: func(r *Request) {
				r.Required("RoleName")
				r.Pattern("UserName", namePattern)
				r.Length("Path", 1, 512)
			},
			wantCode: "ValidationError",
			wantMsg: "3 validation errors detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null; " +
				`Value 'bad/name' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+; ` +
				"Value '' at 'path' failed to satisfy constraint: Member must have length greater than or equal to 1",
		},
		{
			name:     "too long",
			body:     "Action=A&UserName=" + strings.Repeat("x", 65),
			check:    func(r *Request) { r.Length("UserName", 1, 64) },
			wantCode: "ValidationError",
			wantMsg:  "1 validation error detected: Value '" + strings.Repeat("x", 65) + "' at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64",
		},
		{
			name:     "range",
			body:     "Action=A&MaxItems=0",
			check:    func(r *Request) { r.Int("MaxItems"); r.Range("MaxItems", 1, 1000) },
			wantCode: "ValidationError",
			wantMsg:  "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1",
		},
		{
			name:     "range upper",
			body:     "Action=A&DurationSeconds=43201",
			check:    func(r *Request) { r.Range("DurationSeconds", 900, 43200) },
			wantCode: "ValidationError",
			wantMsg:  "1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200",
		},
		{
			name:  "alternation matches the whole value",
			body:  "Action=A&Kind=ab",
			check: func(r *Request) { r.Pattern("Kind", regexp.MustCompile(`a|ab`)) },
		},
		{
			name:     "pattern must match the whole value",
			body:     "Action=A&Kind=abc",
			check:    func(r *Request) { r.Pattern("Kind", regexp.MustCompile(`a|ab`)) },
			wantCode: "ValidationError",
			wantMsg:  "1 validation error detected: Value 'abc' at 'kind' failed to satisfy constraint: Member must satisfy regular expression pattern: a|ab",
		},
		{
			name:     "enum",
			body:     "Action=A&Status=On",
			check:    func(r *Request) { r.Enum("Status", "Active", "Inactive") },
			wantCode: "ValidationError",
			wantMsg:  "1 validation error detected: Value 'On' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]",
		},
		{
			name:     "not an integer",
			body:     "Action=A&MaxItems=ten",
			check:    func(r *Request) { r.Int("MaxItems") },
			wantCode: "InvalidParameterValue",
			wantMsg:  `Invalid value "ten" for parameter MaxItems: expected an integer.`,
		},
		{
			name:     "not a bool",
			body:     "Action=A&SetAsDefault=yes",
			check:    func(r *Request) { r.Bool("SetAsDefault") },
			wantCode: "InvalidParameterValue",
			wantMsg:  `Invalid value "yes" for parameter SetAsDefault: expected true or false.`,
		},
		{
			name:     "tag member missing key",
			body:     "Action=A&Tags.member.1.Value=v",
			check:    func(r *Request) { r.Members("Tags", []string{"Key", "Value"}, "Key", "Value") },
			wantCode: "ValidationError",
			wantMsg:  "1 validation error detected: Value null at 'tags.1.member.key' failed to satisfy constraint: Member must not be null",
		},
		{
			name:     "custom violation on ARN",
			body:     "Action=A&RoleARN=x",
			check:    func(r *Request) { r.Violate("RoleARN", "Member must have length greater than or equal to 20") },
			wantCode: "ValidationError",
			wantMsg:  "1 validation error detected: Value 'x' at 'roleARN' failed to satisfy constraint: Member must have length greater than or equal to 20",
		},
		{
			name:     "list gap",
			body:     "Action=A&PolicyArns.member.1.arn=a&PolicyArns.member.3.arn=c",
			check:    func(r *Request) { r.Members("PolicyArns", []string{"arn"}) },
			wantCode: "InvalidParameterValue",
			wantMsg:  "Missing member PolicyArns.member.2: members of PolicyArns must be numbered from 1 without gaps.",
		},
		{
			name:     "list zero index",
			body:     "Action=A&ClientIDList.member.0=a",
			check:    func(r *Request) { r.List("ClientIDList") },
			wantCode: "InvalidParameterValue",
			wantMsg:  "Invalid list index in parameter ClientIDList.member.0: members of ClientIDList are numbered ClientIDList.member.1, ClientIDList.member.2, ...",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := mustParse(t, tt.body)
			tt.check(req)
			err := req.Err()
			if tt.wantCode == "" {
				if err != nil {
					t.Fatalf("Err = %v, want nil", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Err = %v, want *Error", err)
			}
			if e.Code != tt.wantCode || e.Message != tt.wantMsg || e.HTTPStatus() != 400 {
				t.Errorf("got %d %s %q\nwant 400 %s %q", e.HTTPStatus(), e.Code, e.Message, tt.wantCode, tt.wantMsg)
			}
		})
	}
}

func TestAccessors(t *testing.T) {
	req := mustParse(t, "Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fr&DurationSeconds=3600&"+
		"Tags.member.2.Key=b&Tags.member.2.Value=2&Tags.member.1.Key=a&Tags.member.1.Value=1&Tags.member.1.Extra=x&"+
		"TransitiveTagKeys.member.1=a&TransitiveTagKeys.member.2=b&PolicyArns=&Flag=TRUE")
	if got := req.String("RoleArn"); got != "arn:aws:iam::123456789012:role/r" {
		t.Errorf("RoleArn = %q", got)
	}
	if n, ok := req.Int("DurationSeconds"); !ok || n != 3600 {
		t.Errorf("DurationSeconds = %d, %v", n, ok)
	}
	if _, ok := req.Int("Missing"); ok {
		t.Error("Int(Missing) reported present")
	}
	if b, ok := req.Bool("Flag"); !ok || !b {
		t.Errorf("Bool(Flag) = %v, %v", b, ok)
	}
	wantTags := []Member{{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}}
	if got := req.Members("Tags", []string{"Key", "Value"}); !reflect.DeepEqual(got, wantTags) {
		t.Errorf("Members(Tags) = %v, want %v", got, wantTags)
	}
	if got := req.List("TransitiveTagKeys"); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("List = %v", got)
	}
	if got := req.Members("PolicyArns", []string{"arn"}); got == nil || len(got) != 0 {
		t.Errorf("explicitly empty list = %#v, want empty non-nil", got)
	}
	if got := req.List("Absent"); got != nil {
		t.Errorf("absent list = %#v, want nil", got)
	}
	if !req.Has("PolicyArns") || req.Has("Absent") {
		t.Error("Has is wrong")
	}
	if err := req.Err(); err != nil {
		t.Errorf("Err = %v", err)
	}
}

func TestMemberPath(t *testing.T) {
	tests := map[string]string{
		"UserName":                "userName",
		"RoleARN":                 "roleARN",
		"ARN":                     "aRN",
		"SAMLMetadataDocument":    "sAMLMetadataDocument",
		"Tags.member.12.Key":      "tags.12.member.key",
		"PolicyArns.member.1.arn": "policyArns.1.member.arn",
	}
	for in, want := range tests {
		if got := memberPath(in); got != want {
			t.Errorf("memberPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzParse checks that Parse never panics, that a decoded request
// re-encodes to the same parameters, and that the list accessors keep
// their index invariants.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"Action=CreateUser&Path=%2F&UserName=bob&Version=2010-05-08",
		"Action=A&Tags.member.1.Key=k&Tags.member.1.Value=v&Tags.member.2.Key=x",
		"Action=A&L.member.1=a&L.member.2=b&L.member.10=z",
		"Action=A&%ff=1", "Action", "=&&=", "Action=A&X=%", "Action=A&L.member.00=1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		req, err := Parse(postForm(""), []byte(body))
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.HTTPStatus() != 400 {
				t.Fatalf("Parse error %v is not a 400 *Error", err)
			}
			return
		}
		if req.Action == "" {
			t.Fatal("accepted a request without Action")
		}
		for _, name := range []string{"L", "Tags"} {
			list := req.List(name)
			for i, v := range list {
				if got := req.String(name + ".member." + strconv.Itoa(i+1)); got != v {
					t.Fatalf("List(%s)[%d] = %q, parameter is %q", name, i, v, got)
				}
			}
			for i, m := range req.Members(name, []string{"Key", "Value"}) {
				for k, v := range m {
					if got := req.String(name + ".member." + strconv.Itoa(i+1) + "." + k); got != v {
						t.Fatalf("Members(%s)[%d][%s] = %q, parameter is %q", name, i, k, v, got)
					}
				}
			}
		}
		_ = req.Err()
	})
}
