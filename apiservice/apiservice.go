// Package apiservice is the generic engine that serves any operation of a
// REST-JSON AWS service from its API model (package apimodel): it decodes
// and validates the input against the model, authorizes the call as the
// service authorization reference (the catalog) says for its action,
// executes it on the store by the operation's kind, and shapes the output
// from the model.
//
// The kinds, read from the operation's name and the model:
//
//   - Create<N> (and Put<N> when the model has a Get<N> or Describe<N> but
//     no Create<N>) makes a resource N: its identifier is the last path
//     label of N's Describe/Get operation (generated as a UUID unless the
//     request names it, as for names), its parents are the other labels,
//     its ARN is the catalog's ARN format for N's resource type filled
//     from the request; the Create input is kept as its attributes.
//   - Describe<N>/Get<N>, Update<N>…, Delete<N> and List<N>s/Search<N>s
//     read, merge into, delete and page over such resources
//     (ResourceNotFoundException, DuplicateResourceException and the like
//     as the operation models them; nextToken paging).
//   - Associate<X>/Disassociate<X> keep an association record under the
//     first path label; List<X>s pages over them.
//   - TagResource, UntagResource and ListTagsForResource act on the tags of
//     any stored resource of the service, named by its ARN.
//   - Every other operation (Start, Stop, Send, metrics…) is validated and
//     authorized, and answers an output with every required member.
//
// Authorization follows the catalog: the action PREFIX:Operation on every
// required resource type of the action (ARN placeholders filled from the
// request's members, "*" where the request names none) and on every
// optional one the request names fully, or on "*" when the action takes
// no resource; with aws:RequestTag/KEY and aws:TagKeys from the request's
// tags, aws:ResourceTag/KEY from the stored tags of each resource, and the
// service's own condition keys the action lists whose name is a request
// member (connect:InstanceId). A Create with tags also needs
// PREFIX:TagResource on the new resource. A resource that does not exist is
// authorized on the ARN it would have and then reported as not found.
//
// Operations with really specific behaviour are overrides: the engine
// decodes and validates their input and hands them the call.
package apiservice

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/catalog"
	"github.com/connect-iam/connect-iam/internal/apimodel"
	"github.com/connect-iam/connect-iam/server"
	"github.com/connect-iam/connect-iam/server/restjson"
	"github.com/connect-iam/connect-iam/store"
)

// Deps are the dependencies of a served service.
type Deps struct {
	// Store holds the resources. Required.
	Store store.Store
	// Authorizer authorizes every call. Required.
	Authorizer authz.Authorizer
	// Catalog is the service authorization reference; nil means
	// catalog.Default().
	Catalog *catalog.Catalog
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// NewID returns a new resource identifier; nil means a random UUID.
	NewID func() string
}

// Service describes one service to serve.
type Service struct {
	// SigningName is the name requests are signed for ("connect").
	SigningName string
	// Prefix is the IAM action prefix and the store's service name.
	Prefix string
	// Models are the API models served under SigningName, each with its
	// hand-written operations; a route of an earlier model wins over a
	// later one's.
	Models []Model
	// Aliases name the request member that fills an ARN placeholder whose
	// name is no member's: {"FormId": "EvaluationFormId"}.
	Aliases map[string]string
	// TypeAliases map a resource noun of the model to the catalog's
	// resource type when their names differ: {"UserHierarchyGroup":
	// "hierarchy-group"}.
	TypeAliases map[string]string
}

// Model is one API model of a service and its hand-written operations.
type Model struct {
	API *apimodel.Model
	// Overrides are the operations with really specific behaviour, by
	// name. The engine validates their input against the model first.
	Overrides map[string]server.RESTHandler
}

// Operation describes one served operation.
type Operation struct {
	Name   string
	Model  string // the apimodel name
	Method string
	Path   string
	// Kind is "override" for hand-written behaviour, else the generic
	// kind: create, put, describe, update, delete, list, associate,
	// disassociate, list-associations, tag, untag, list-tags or action.
	Kind string
	// Resource is the resource type the generic kind acts on, if any.
	Resource string
}

// Served is what Register registered for a service.
type Served struct {
	SigningName string
	Prefix      string
	Operations  []Operation // sorted by name
}

// Specific returns the number of operations with hand-written behaviour.
func (s *Served) Specific() int {
	n := 0
	for _, o := range s.Operations {
		if o.Kind == "override" {
			n++
		}
	}
	return n
}

// Register serves every operation of s's models on srv and returns what
// it registered. It panics on a programming error: missing dependencies,
// an override of an operation no model has, or conflicting routes.
func Register(srv *server.Server, d Deps, s Service) *Served {
	engines := build(d, s)
	for _, e := range engines {
		for _, p := range e.plans {
			p := p
			srv.RegisterREST(s.SigningName, restjson.Route{Operation: p.op.Name, Method: p.op.HTTP.Method, Path: p.op.HTTP.Path(), Query: p.queryNames(), Errors: p.errorNames()},
				server.RESTHandlerFunc(func(ctx context.Context, rc *server.RESTCall) (any, error) {
					return p.e.serve(ctx, rc, p)
				}))
		}
	}
	return served(s, engines)
}

// Describe returns what Register would register for s, without a server.
func Describe(s Service) *Served {
	return served(s, build(Deps{Store: noStore{}, Authorizer: noAuth{}}, s))
}

type noStore struct{ store.Store }
type noAuth struct{ authz.Authorizer }

// engine serves one model of a service.
type engine struct {
	Deps
	svc       Service
	model     Model
	catSvc    *catalog.Service // nil when the catalog lacks the prefix
	plans     []*plan
	byName    map[string]*plan
	resources map[string]*resource // by noun
	nouns     []string             // the keys of resources, sorted
}

// build returns an engine per model of s. Routes an earlier model serves
// are left out of the later ones.
func build(d Deps, s Service) []*engine {
	if d.Store == nil || d.Authorizer == nil {
		panic("apiservice.Register: Deps.Store and Deps.Authorizer are required")
	}
	if len(s.Models) == 0 || s.SigningName == "" || s.Prefix == "" {
		panic("apiservice.Register: Service needs SigningName, Prefix and Models")
	}
	if d.Catalog == nil {
		d.Catalog = catalog.Default()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.NewID == nil {
		d.NewID = NewUUID
	}
	routes := map[string]string{}
	var engines []*engine
	for _, mdl := range s.Models {
		m := mdl.API
		e := &engine{Deps: d, svc: s, model: mdl, byName: map[string]*plan{}, resources: map[string]*resource{}}
		e.catSvc, _ = d.Catalog.Service(s.Prefix)
		for _, name := range m.OperationNames() {
			op := m.Operations[name]
			key := op.HTTP.Method + " " + routeShape(op.HTTP.Path())
			if routes[key] != "" {
				continue // an earlier model serves this route
			}
			routes[key] = name
			p := &plan{e: e, model: m, op: op, in: m.Input(op), out: m.Output(op)}
			p.path = p.pathLabels()
			e.plans = append(e.plans, p)
			e.byName[name] = p
		}
		for name := range mdl.Overrides {
			if m.Operations[name] == nil {
				panic(fmt.Sprintf("apiservice.Register: override %s is not an operation of the %s model", name, m.Name))
			}
		}
		e.findResources()
		for _, p := range e.plans {
			p.prepare()
		}
		engines = append(engines, e)
	}
	return engines
}

// routeShape returns a path template with its labels blanked, so that two
// templates that match the same paths compare equal.
func routeShape(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") {
			if strings.HasSuffix(s, "+}") {
				segs[i] = "{+}"
			} else {
				segs[i] = "{}"
			}
		}
	}
	return strings.Join(segs, "/")
}

func served(s Service, engines []*engine) *Served {
	out := &Served{SigningName: s.SigningName, Prefix: s.Prefix}
	for _, e := range engines {
		for _, p := range e.plans {
			o := Operation{Name: p.op.Name, Model: p.model.Name, Method: p.op.HTTP.Method, Path: p.op.HTTP.Path(), Kind: p.kind.String()}
			if p.override != nil {
				o.Kind = "override"
			}
			if p.res != nil {
				o.Resource = p.res.typ
			}
			out.Operations = append(out.Operations, o)
		}
	}
	sort.Slice(out.Operations, func(i, j int) bool {
		a, b := out.Operations[i], out.Operations[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Model < b.Model
	})
	return out
}

// serve runs one call.
func (e *engine) serve(ctx context.Context, rc *server.RESTCall, p *plan) (any, error) {
	caller := authz.AuthCaller(rc.Auth)
	if caller == nil {
		return nil, restjson.NewError(http.StatusForbidden, "UnrecognizedClientException", "The security token included in the request is invalid.")
	}
	in, err := p.decode(rc)
	if err != nil {
		return nil, err
	}
	if err := p.validate(in); err != nil {
		return nil, err
	}
	if p.override != nil {
		return p.override.ServeREST(ctx, rc)
	}
	c := &call{RESTCall: rc, caller: caller, acct: caller.AccountID, region: rc.Auth.Region, in: in, now: e.Now()}
	out, err := p.execute(ctx, c)
	if err != nil {
		return nil, p.mapError(err)
	}
	return out, nil
}

// call is one generic call in progress.
type call struct {
	*server.RESTCall
	caller *authz.Caller
	acct   string
	region string
	in     map[string]any
	now    time.Time
}

// kebab turns a noun into a resource type segment: "AgentStatus" →
// "agent-status".
func kebab(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		if unicode.IsUpper(r) {
			if i > 0 && (unicode.IsLower(rs[i-1]) || (i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(rs[i-1]))) {
				b.WriteByte('-')
			}
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// NewUUID returns a random (version 4) UUID, the identifier format of
// most of these services.
func NewUUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand.Read does not fail on supported platforms
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	s := hex.EncodeToString(b[:])
	return s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}
