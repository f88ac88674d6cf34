package restjson

import (
	"errors"
	"maps"
	"strings"
	"testing"
)

func connectRouter(t testing.TB) *Router[string] {
	t.Helper()
	rt := NewRouter[string]()
	for _, r := range connectRoutes() {
		if err := rt.Add(r, r.Operation); err != nil {
			t.Fatalf("Add: %v", err)
		}
	}
	return rt
}

func TestConnectRoutesLoad(t *testing.T) {
	rt := connectRouter(t)
	if rt.Len() != len(connectRoutes()) || len(connectRoutes()) != 370 {
		t.Fatalf("router has %d routes, table %d, want 370", rt.Len(), len(connectRoutes()))
	}
	// Every route matches its own template with distinct label values, and
	// the labels come back under their names.
	for _, r := range connectRoutes() {
		segs, _ := parseTemplate(r.Path)
		var path strings.Builder
		want := map[string]string{}
		for i, s := range segs {
			path.WriteString("/")
			if s.kind == segLiteral {
				path.WriteString(s.text)
				continue
			}
			v := "v" + string(rune('a'+i))
			path.WriteString(v)
			want[s.text] = v
		}
		m, err := rt.Match(r.Method, path.String())
		if err != nil {
			t.Errorf("%s: Match(%s %s): %v", r.Operation, r.Method, path.String(), err)
			continue
		}
		// A label-only path may legitimately match a more specific literal
		// route only if both bind the same template; so require identity.
		if m.Handler != r.Operation || !maps.Equal(m.Labels, want) {
			t.Errorf("%s %s matched %s labels %v, want %s %v", r.Method, path.String(), m.Handler, m.Labels, r.Operation, want)
		}
	}
}

func TestMatch(t *testing.T) {
	rt := connectRouter(t)
	extra := NewRouter[string]()
	for _, r := range []Route{
		{Operation: "GetObject", Method: "GET", Path: "/{Bucket}/{Key+}"},
		{Operation: "GetTagging", Method: "GET", Path: "/buckets/{Bucket}/{Key+}/tagging"},
		{Operation: "Root", Method: "GET", Path: "/"},
	} {
		if err := extra.Add(r, r.Operation); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		router     *Router[string]
		method     string
		path       string
		wantOp     string
		wantLabels map[string]string
		wantStatus int
	}{
		{rt, "GET", "/users/i-1/u-1", "DescribeUser", map[string]string{"InstanceId": "i-1", "UserId": "u-1"}, 0},
		{rt, "get", "/users-summary/i-1", "ListUsers", map[string]string{"InstanceId": "i-1"}, 0},
		{rt, "PUT", "/users/i-1", "CreateUser", map[string]string{"InstanceId": "i-1"}, 0},
		{rt, "POST", "/tags/arn%3Aaws%3Aconnect%3Aus-west-2%3A123456789012%3Ainstance%2Fi-1%2Fqueue%2Fq-1", "TagResource",
			map[string]string{"resourceArn": "arn:aws:connect:us-west-2:123456789012:instance/i-1/queue/q-1"}, 0},
		{rt, "DELETE", "/tags/arn%3Aaws%3Aconnect%3Aus-west-2%3A1%3Ainstance%2Fi-1", "UntagResource",
			map[string]string{"resourceArn": "arn:aws:connect:us-west-2:1:instance/i-1"}, 0},
		{rt, "GET", "/instance/i-1", "DescribeInstance", map[string]string{"InstanceId": "i-1"}, 0},
		{rt, "GET", "/instance", "ListInstances", map[string]string{}, 0},
		{rt, "GET", "/users/i-1/u%20x", "DescribeUser", map[string]string{"InstanceId": "i-1", "UserId": "u x"}, 0},
		{rt, "PATCH", "/users/i-1/u-1", "", nil, 405},
		{rt, "GET", "/nope", "", nil, 404},
		{rt, "GET", "/users//u-1", "", nil, 404},
		{rt, "GET", "/instance/", "", nil, 404},
		{rt, "GET", "users", "", nil, 404},
		{rt, "GET", "/users/i-1/%zz", "", nil, 400},
		{extra, "GET", "/b/a/b%2Fc/d", "GetObject", map[string]string{"Bucket": "b", "Key": "a/b/c/d"}, 0},
		{extra, "GET", "/buckets/b/k1/k2/tagging", "GetTagging", map[string]string{"Bucket": "b", "Key": "k1/k2"}, 0},
		{extra, "GET", "/buckets/b/tagging", "GetObject", map[string]string{"Bucket": "buckets", "Key": "b/tagging"}, 0},
		{extra, "GET", "/", "Root", map[string]string{}, 0},
		{extra, "GET", "/b", "", nil, 404},
	}
	for _, tt := range tests {
		m, err := tt.router.Match(tt.method, tt.path)
		if tt.wantStatus != 0 {
			var e *Error
			if !errors.As(err, &e) || e.HTTPStatus() != tt.wantStatus {
				t.Errorf("Match(%s %s) = %v, %v; want status %d", tt.method, tt.path, m, err, tt.wantStatus)
			}
			continue
		}
		if err != nil {
			t.Errorf("Match(%s %s): %v", tt.method, tt.path, err)
			continue
		}
		if m.Handler != tt.wantOp || !maps.Equal(m.Labels, tt.wantLabels) {
			t.Errorf("Match(%s %s) = %s %v, want %s %v", tt.method, tt.path, m.Handler, m.Labels, tt.wantOp, tt.wantLabels)
		}
	}
}

func TestAddErrors(t *testing.T) {
	tests := []struct {
		route Route
		want  string
	}{
		{Route{Operation: "A", Method: "GET", Path: "users"}, "must start with '/'"},
		{Route{Operation: "A", Method: "GET", Path: "/a//b"}, "segment 2 is empty"},
		{Route{Operation: "A", Method: "GET", Path: "/a/"}, "segment 2 is empty"},
		{Route{Operation: "A", Method: "GET", Path: "/a/x{B}"}, "mixes a label"},
		{Route{Operation: "A", Method: "GET", Path: "/a/{}"}, "not a valid label"},
		{Route{Operation: "A", Method: "GET", Path: "/{A}/{A}"}, "appears twice"},
		{Route{Operation: "A", Method: "GET", Path: "/{A+}/{B+}"}, "more than one greedy"},
		{Route{Operation: "A", Path: "/a"}, "empty method"},
		{Route{Operation: "Dup", Method: "GET", Path: "/users/{X}/{Y}"}, "conflicts with DescribeUser"},
	}
	rt := connectRouter(t)
	for _, tt := range tests {
		err := rt.Add(tt.route, "x")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Add(%+v) = %v, want error containing %q", tt.route, err, tt.want)
		}
	}
}

// FuzzMatch checks that Match never panics, that every match is a
// registered route with the method asked for, and that label values
// re-assemble into the decoded path.
func FuzzMatch(f *testing.F) {
	rt := connectRouter(f)
	extra := []Route{{Operation: "Greedy", Method: "GET", Path: "/g/{A}/{K+}/end"}}
	for _, r := range extra {
		if err := rt.Add(r, r.Operation); err != nil {
			f.Fatal(err)
		}
	}
	for _, s := range []string{"/users/i/u", "/tags/arn%3Aa%2Fb", "/g/a/b/c/end", "/", "//", "/%", "/instance/i-1/storage-config"} {
		f.Add("GET", s)
	}
	f.Fuzz(func(t *testing.T, method, path string) {
		m, err := rt.Match(method, path)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is not *Error", err)
			}
			return
		}
		if !strings.EqualFold(m.Route.Method, method) {
			t.Fatalf("matched %s for method %q", m.Route.Method, method)
		}
		segs, _ := parseTemplate(m.Route.Path)
		for _, s := range segs {
			if s.kind != segLiteral && m.Labels[s.text] == "" {
				t.Fatalf("label %s of %s is empty for %q", s.text, m.Route.Path, path)
			}
		}
	})
}
