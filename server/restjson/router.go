// Package restjson implements the restJson1 wire protocol of Amazon Connect
// and IAM Access Analyzer: a router that matches (method, path template)
// routes and extracts percent-decoded labels, strict JSON request decoding,
// JSON responses with epoch-seconds timestamps, and errors in the form the
// AWS SDKs read (the X-Amzn-ErrorType header and a {"message": ...} body).
//
// Path templates follow Smithy's @http trait: literal segments, {Label}
// segments that match one non-empty segment, and at most one greedy
// {Label+} that matches one or more segments. Literal segments take
// precedence over labels and labels over greedy labels, so
// /users/{InstanceId}/search wins over /users/{InstanceId}/{UserId} for
// the path /users/i-1/search.
package restjson

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// Route is one restJson1 operation's HTTP binding.
type Route struct {
	// Operation is the operation name, for example "DescribeUser".
	Operation string
	// Method is the HTTP method, for example "GET".
	Method string
	// Path is the path template, for example "/users/{InstanceId}/{UserId}".
	Path string
	// Query lists the query parameters the operation binds (wire names).
	Query []string
	// Errors lists the error codes the operation may return.
	Errors []string
}

// Match is the result of a successful [Router.Match].
type Match[H any] struct {
	// Route is the matched route.
	Route Route
	// Handler is the handler registered with the route.
	Handler H
	// Labels are the path labels by name, percent-decoded. A greedy label
	// holds its segments joined with "/".
	Labels map[string]string
}

type segKind uint8

const (
	segLiteral segKind = iota
	segLabel
	segGreedy
)

type segment struct {
	kind segKind
	text string // literal text or label name
}

// parseTemplate splits a path template into segments and checks it.
func parseTemplate(path string) ([]segment, error) {
	if !strings.HasPrefix(path, "/") {
		return nil, fmt.Errorf("path template %q must start with '/'", path)
	}
	if path == "/" {
		return nil, nil
	}
	var segs []segment
	seen := map[string]bool{}
	greedy := false
	for i, s := range strings.Split(path[1:], "/") {
		switch {
		case strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}"):
			name := s[1 : len(s)-1]
			kind := segLabel
			if n, ok := strings.CutSuffix(name, "+"); ok {
				name, kind = n, segGreedy
				if greedy {
					return nil, fmt.Errorf("path template %q has more than one greedy label; use at most one {Name+}", path)
				}
				greedy = true
			}
			if name == "" || strings.ContainsAny(name, "{}+/") {
				return nil, fmt.Errorf("path template %q: segment %d %q is not a valid label; write {Name} or {Name+}", path, i+1, s)
			}
			if seen[name] {
				return nil, fmt.Errorf("path template %q: label {%s} appears twice; give each label a distinct name", path, name)
			}
			seen[name] = true
			segs = append(segs, segment{kind, name})
		case strings.ContainsAny(s, "{}"):
			return nil, fmt.Errorf("path template %q: segment %d %q mixes a label with literal text; labels must fill whole segments", path, i+1, s)
		case s == "":
			return nil, fmt.Errorf("path template %q: segment %d is empty; remove the doubled or trailing '/'", path, i+1)
		default:
			segs = append(segs, segment{segLiteral, s})
		}
	}
	return segs, nil
}

type entry[H any] struct {
	route   Route
	handler H
	labels  []string // label names in the order of the wildcard segments
}

type node[H any] struct {
	literal map[string]*node[H]
	label   *node[H]
	greedy  *node[H]
	ends    map[string]*entry[H] // by method
}

// Router matches requests to restJson1 routes. Add routes before serving;
// Match is safe for concurrent use once no more routes are added.
type Router[H any] struct {
	root node[H]
	n    int
}

// NewRouter returns an empty Router.
func NewRouter[H any]() *Router[H] { return &Router[H]{} }

// Len returns the number of routes added.
func (rt *Router[H]) Len() int { return rt.n }

// Add registers route with handler h. It reports an error when the
// template is malformed or when a route with the same method and the same
// template shape (labels renamed) is already registered.
func (rt *Router[H]) Add(route Route, h H) error {
	segs, err := parseTemplate(route.Path)
	if err != nil {
		return fmt.Errorf("restjson: route %s: %w", route.Operation, err)
	}
	if route.Method == "" {
		return fmt.Errorf("restjson: route %s: empty method; set Method to an HTTP method such as GET or POST", route.Operation)
	}
	n := &rt.root
	var labels []string
	for _, s := range segs {
		switch s.kind {
		case segLiteral:
			if n.literal == nil {
				n.literal = map[string]*node[H]{}
			}
			next := n.literal[s.text]
			if next == nil {
				next = &node[H]{}
				n.literal[s.text] = next
			}
			n = next
		case segLabel:
			if n.label == nil {
				n.label = &node[H]{}
			}
			n = n.label
			labels = append(labels, s.text)
		case segGreedy:
			if n.greedy == nil {
				n.greedy = &node[H]{}
			}
			n = n.greedy
			labels = append(labels, s.text)
		}
	}
	method := strings.ToUpper(route.Method)
	if old := n.ends[method]; old != nil {
		return fmt.Errorf("restjson: route %s %s %s conflicts with %s (%s); change one of the templates",
			route.Operation, method, route.Path, old.route.Operation, old.route.Path)
	}
	if n.ends == nil {
		n.ends = map[string]*entry[H]{}
	}
	n.ends[method] = &entry[H]{route: route, handler: h, labels: labels}
	rt.n++
	return nil
}

type span struct{ from, to int } // segments [from, to)

type matcher[H any] struct {
	method  string
	segs    []string
	caps    []span
	allowed map[string]bool
}

func (m *matcher[H]) match(n *node[H], i int) *entry[H] {
	if i == len(m.segs) {
		if e := n.ends[m.method]; e != nil {
			return e
		}
		for meth := range n.ends {
			m.allowed[meth] = true
		}
		return nil
	}
	seg := m.segs[i]
	if next := n.literal[seg]; next != nil {
		if e := m.match(next, i+1); e != nil {
			return e
		}
	}
	if n.label != nil && seg != "" {
		m.caps = append(m.caps, span{i, i + 1})
		if e := m.match(n.label, i+1); e != nil {
			return e
		}
		m.caps = m.caps[:len(m.caps)-1]
	}
	if n.greedy != nil && seg != "" {
		for j := len(m.segs); j > i; j-- {
			m.caps = append(m.caps, span{i, j})
			if e := m.match(n.greedy, j); e != nil {
				return e
			}
			m.caps = m.caps[:len(m.caps)-1]
		}
	}
	return nil
}

// Match finds the route for method and escapedPath (the path as sent,
// still percent-encoded: r.URL.EscapedPath()). Segments are split on '/'
// before decoding, so an ARN sent as arn%3Aaws%3A...%2Fqueue%2Fq-1 is one
// label. It returns an [*Error]: UnknownOperationException (404) when no
// route matches the path, or (405) when routes match the path with other
// methods, and SerializationException (400) for a malformed
// percent-encoding.
func (rt *Router[H]) Match(method, escapedPath string) (*Match[H], error) {
	if !strings.HasPrefix(escapedPath, "/") {
		return nil, &Error{Code: "UnknownOperationException", Status: http.StatusNotFound,
			Message: fmt.Sprintf("No operation matches path %q: paths start with '/'.", escapedPath)}
	}
	var raw []string
	if escapedPath != "/" {
		raw = strings.Split(escapedPath[1:], "/")
	}
	segs := make([]string, len(raw))
	for i, s := range raw {
		d, err := url.PathUnescape(s)
		if err != nil {
			return nil, &Error{Code: "SerializationException", Status: http.StatusBadRequest,
				Message: fmt.Sprintf("Path segment %d %q has an invalid percent-encoding; encode '%%' as %%25.", i+1, s)}
		}
		segs[i] = d
	}
	m := matcher[H]{method: strings.ToUpper(method), segs: segs, allowed: map[string]bool{}}
	e := m.match(&rt.root, 0)
	if e == nil {
		if len(m.allowed) > 0 {
			methods := make([]string, 0, len(m.allowed))
			for meth := range m.allowed {
				methods = append(methods, meth)
			}
			sort.Strings(methods)
			return nil, &Error{Code: "UnknownOperationException", Status: http.StatusMethodNotAllowed,
				Message: fmt.Sprintf("No operation matches %s %s; this path accepts %s.", m.method, escapedPath, strings.Join(methods, ", "))}
		}
		return nil, &Error{Code: "UnknownOperationException", Status: http.StatusNotFound,
			Message: fmt.Sprintf("No operation matches %s %s; check the endpoint URL and the service the client is signing for.", m.method, escapedPath)}
	}
	labels := make(map[string]string, len(e.labels))
	for k, name := range e.labels {
		c := m.caps[k]
		labels[name] = strings.Join(segs[c.from:c.to], "/")
	}
	return &Match[H]{Route: e.route, Handler: e.handler, Labels: labels}, nil
}
