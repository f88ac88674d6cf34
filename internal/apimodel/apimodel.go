// Package apimodel holds AWS's API models of the services connect-iam
// serves — every operation's HTTP binding, input and output shapes with
// their members' types, locations and constraints, modeled errors and
// paginators — generated from botocore's service models (see
// ATTRIBUTION.md and scripts/update-apimodels.sh) and embedded in the
// binary.
//
// Load returns one model by name ("connect", "appintegrations", "wisdom",
// "qconnect", "connectcampaigns", "connectcampaignsv2",
// "customer-profiles", "iam", "sts", "organizations", "accessanalyzer");
// Names lists them.
package apimodel

import (
	"bytes"
	"compress/gzip"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"sync"
)

//go:generate sh ../../scripts/update-apimodels.sh

//go:embed data/*.json.gz
var data embed.FS

// Model is one service's API model.
type Model struct {
	// Name is the model's name in this package ("connect").
	Name string `json:"-"`
	// Source says where the model was generated from.
	Source     string                `json:"source"`
	Metadata   Metadata              `json:"metadata"`
	Operations map[string]*Operation `json:"operations"`
	Shapes     map[string]*Shape     `json:"shapes"`
}

// Metadata is a model's service metadata.
type Metadata struct {
	APIVersion     string `json:"apiVersion"`
	EndpointPrefix string `json:"endpointPrefix"`
	// Protocol is "rest-json", "json", "query" or "rest-xml".
	Protocol     string `json:"protocol"`
	SigningName  string `json:"signingName"`
	ServiceID    string `json:"serviceId"`
	ServiceName  string `json:"serviceFullName"`
	TargetPrefix string `json:"targetPrefix"`
	JSONVersion  string `json:"jsonVersion"`
}

// Signing returns the name requests are signed for: SigningName, or the
// endpoint prefix when the model leaves it out (IAM, STS).
func (md Metadata) Signing() string {
	if md.SigningName != "" {
		return md.SigningName
	}
	return md.EndpointPrefix
}

// Operation is one operation of a model.
type Operation struct {
	Name       string     `json:"name"`
	HTTP       HTTP       `json:"http"`
	Input      *Ref       `json:"input"`
	Output     *Ref       `json:"output"`
	Errors     []Ref      `json:"errors"`
	Paginator  *Paginator `json:"paginator"`
	Idempotent bool       `json:"idempotent"`
	Deprecated bool       `json:"deprecated"`
}

// HTTP is an operation's HTTP binding.
type HTTP struct {
	Method string `json:"method"`
	// RequestURI is the path template, optionally followed by "?" and
	// literal query parameters: "/tags/{resourceArn}".
	RequestURI   string `json:"requestUri"`
	ResponseCode int    `json:"responseCode"`
}

// Path returns the path template of the request URI, without its literal
// query part.
func (h HTTP) Path() string {
	p, _, _ := strings.Cut(h.RequestURI, "?")
	return p
}

// Ref names a shape.
type Ref struct {
	Shape string `json:"shape"`
}

// Paginator is an operation's pagination: the input and output members of
// the token, the page size member and the member holding the results.
type Paginator struct {
	InputToken  any    `json:"input_token"`
	OutputToken any    `json:"output_token"`
	LimitKey    string `json:"limit_key"`
	ResultKey   any    `json:"result_key"`
}

// Tokens returns the paginator's input and output token members (the
// first of each when the model lists several).
func (p *Paginator) Tokens() (in, out string) {
	return first(p.InputToken), first(p.OutputToken)
}

// Results returns the output members holding the page's results.
func (p *Paginator) Results() []string { return all(p.ResultKey) }

func first(v any) string {
	if a := all(v); len(a) > 0 {
		return a[0]
	}
	return ""
}

func all(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// Shape is one shape of a model.
type Shape struct {
	// Type is "structure", "list", "map", "string", "integer", "long",
	// "float", "double", "boolean", "timestamp", "blob" or "document"
	// (botocore writes "structure" with Document for documents).
	Type     string             `json:"type"`
	Required []string           `json:"required"`
	Members  map[string]*Member `json:"members"`
	Member   *Member            `json:"member"`
	Key      *Member            `json:"key"`
	Value    *Member            `json:"value"`
	Enum     []string           `json:"enum"`
	Min      *float64           `json:"min"`
	Max      *float64           `json:"max"`
	Pattern  string             `json:"pattern"`
	// Error is set on error shapes: the code on the wire and the status.
	Error           *ErrorTrait `json:"error"`
	Exception       bool        `json:"exception"`
	Union           bool        `json:"union"`
	Document        bool        `json:"document"`
	TimestampFormat string      `json:"timestampFormat"`
	Sensitive       bool        `json:"sensitive"`
	Payload         string      `json:"payload"`
	Flattened       bool        `json:"flattened"`
}

// ErrorTrait is the error trait of an error shape.
type ErrorTrait struct {
	Code           string `json:"code"`
	HTTPStatusCode int    `json:"httpStatusCode"`
	SenderFault    bool   `json:"senderFault"`
}

// Member is one member of a structure (or the member, key or value of a
// list or map).
type Member struct {
	Shape string `json:"shape"`
	// Location is where the member travels in a REST request: "uri",
	// "querystring", "header", "headers", "statusCode", or "" for the
	// body.
	Location         string `json:"location"`
	LocationName     string `json:"locationName"`
	IdempotencyToken bool   `json:"idempotencyToken"`
	JSONValue        bool   `json:"jsonvalue"`
	TimestampFormat  string `json:"timestampFormat"`
	Deprecated       bool   `json:"deprecated"`
	HostLabel        bool   `json:"hostLabel"`
}

// WireName returns the member's name on the wire: its location name, or
// name.
func (m *Member) WireName(name string) string {
	if m.LocationName != "" {
		return m.LocationName
	}
	return name
}

// IsRequired reports whether member is required in s.
func (s *Shape) IsRequired(member string) bool {
	for _, r := range s.Required {
		if r == member {
			return true
		}
	}
	return false
}

// MemberNames returns the names of s's members, sorted.
func (s *Shape) MemberNames() []string {
	names := make([]string, 0, len(s.Members))
	for n := range s.Members {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Shape returns the named shape, or nil.
func (m *Model) Shape(name string) *Shape { return m.Shapes[name] }

// Input returns the input shape of op, or an empty structure when it has
// none.
func (m *Model) Input(op *Operation) *Shape { return m.refShape(op.Input) }

// Output returns the output shape of op, or an empty structure.
func (m *Model) Output(op *Operation) *Shape { return m.refShape(op.Output) }

var emptyStructure = &Shape{Type: "structure"}

func (m *Model) refShape(r *Ref) *Shape {
	if r == nil {
		return emptyStructure
	}
	if s := m.Shapes[r.Shape]; s != nil {
		return s
	}
	return emptyStructure
}

// ErrorCode returns the wire code of the error shape name (its error
// trait's code when it has one, else name).
func (m *Model) ErrorCode(name string) string {
	if s := m.Shapes[name]; s != nil && s.Error != nil && s.Error.Code != "" {
		return s.Error.Code
	}
	return name
}

// ErrorStatus returns the HTTP status the model gives the error shape (or
// code) name, and false when the model has no such error.
func (m *Model) ErrorStatus(name string) (int, bool) {
	s := m.Shapes[name]
	if s == nil || !s.Exception {
		for n, sh := range m.Shapes {
			if sh.Exception && sh.Error != nil && sh.Error.Code == name {
				s, name = m.Shapes[n], n
				break
			}
		}
	}
	if s == nil || !s.Exception {
		return 0, false
	}
	if s.Error != nil && s.Error.HTTPStatusCode != 0 {
		return s.Error.HTTPStatusCode, true
	}
	if s.Error != nil && !s.Error.SenderFault {
		return 500, true
	}
	return 400, true
}

// OperationNames returns the names of m's operations, sorted.
func (m *Model) OperationNames() []string {
	names := make([]string, 0, len(m.Operations))
	for n := range m.Operations {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// HasError reports whether op models the error shape name.
func (op *Operation) HasError(name string) bool {
	for _, e := range op.Errors {
		if e.Shape == name {
			return true
		}
	}
	return false
}

// entry is one embedded model, decoded once.
type entry struct {
	once sync.Once
	m    *Model
	err  error
}

var (
	mu     sync.Mutex
	loaded = map[string]*entry{}
)

// Names returns the names of the embedded models, sorted.
func Names() []string {
	entries, _ := data.ReadDir("data")
	var out []string
	for _, e := range entries {
		out = append(out, strings.TrimSuffix(e.Name(), ".json.gz"))
	}
	sort.Strings(out)
	return out
}

// Load returns the embedded model name, decoded once and shared: treat it
// as read-only. Different models decode concurrently.
func Load(name string) (*Model, error) {
	mu.Lock()
	e := loaded[name]
	if e == nil {
		e = &entry{}
		loaded[name] = e
	}
	mu.Unlock()
	e.once.Do(func() {
		b, err := data.ReadFile(path.Join("data", name+".json.gz"))
		if err != nil {
			e.err = fmt.Errorf("apimodel: no model %q; the models are %s", name, strings.Join(Names(), ", "))
			return
		}
		m, err := Decode(bytes.NewReader(b))
		if err != nil {
			e.err = fmt.Errorf("apimodel: model %q: %w", name, err)
			return
		}
		m.Name = name
		e.m = m
	})
	return e.m, e.err
}

// Preload decodes the named models concurrently (each on its own
// goroutine), so that a server that needs several starts sooner; errors
// are reported by the Load that follows.
func Preload(names ...string) {
	var wg sync.WaitGroup
	for _, n := range names {
		wg.Go(func() { _, _ = Load(n) })
	}
	wg.Wait()
}

// MustLoad is Load for the embedded models, which always decode; it
// panics on an unknown name, a programming error.
func MustLoad(name string) *Model {
	m, err := Load(name)
	if err != nil {
		panic(err)
	}
	return m
}

// Decode reads a model in the generator's format (gzip-compressed JSON).
func Decode(r io.Reader) (*Model, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, err
	}
	var m Model
	if err := json.NewDecoder(zr).Decode(&m); err != nil {
		return nil, err
	}
	if len(m.Operations) == 0 {
		return nil, fmt.Errorf("no operations")
	}
	for name, op := range m.Operations {
		if op.Name == "" {
			op.Name = name
		}
	}
	return &m, nil
}
