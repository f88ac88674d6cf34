// Package connectapps serves the AWS services beside Amazon Connect that the
// Amazon Connect identity-based policy examples name, each over the restJson1
// protocol with its own signing name and IAM service prefix:
//
//   - Amazon AppIntegrations ("app-integrations"): event integrations and
//     data integrations;
//   - Amazon Connect Wisdom ("wisdom"): assistants and knowledge bases;
//   - Amazon Connect outbound campaigns ("connect-campaigns"): campaigns
//     with their run state, and the onboarding of Amazon Connect instances;
//   - Amazon Connect Customer Profiles ("profile"): domains and profile
//     object types;
//
// and, for each, TagResource, UntagResource and ListTagsForResource.
//
// Every operation is authorized with the [authz.Authorizer] given in [Deps]
// as IAM authorizes these services: the action PREFIX:OPERATION on every
// resource type the service authorization reference (the catalog) lists for
// the action, or on "*" when it lists none, with aws:RequestTag/KEY and
// aws:TagKeys from the tags a request sets and aws:ResourceTag/KEY from the
// stored tags of the resource asked about. A resource that does not exist
// is authorized on the ARN it would have and then reported as not found, so
// callers learn nothing about resources they may not act on. A denial is an
// AccessDeniedException (403) with AWS's message.
//
// Resources are kept in the store as generic resources whose service is
// the IAM prefix; every write is one transaction. Campaigns and onboarding
// jobs refer to Amazon Connect instances, which must exist in the store
// (package connect creates them).
//
// Register the handlers on a server with [Register]:
//
//	connectapps.Register(srv, connectapps.Deps{Store: st, Authorizer: az})
package connectapps

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/connect-iam/connect-iam/internal/text"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/connect-iam/connect-iam/apiservice"
	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/catalog"
	"github.com/connect-iam/connect-iam/internal/apimodel"
	"github.com/connect-iam/connect-iam/server"
	"github.com/connect-iam/connect-iam/server/restjson"
	"github.com/connect-iam/connect-iam/store"
)

// Signing names (and IAM service prefixes) of the services this package
// serves.
const (
	AppIntegrations  = "app-integrations"
	Wisdom           = "wisdom"
	Campaigns        = "connect-campaigns"
	CustomerProfiles = "profile"
)

// Deps are the dependencies of the handlers.
type Deps struct {
	// Store holds the resources. Required.
	Store store.Store
	// Authorizer authorizes every call. Required.
	Authorizer authz.Authorizer
	// Catalog is the service authorization reference, which decides the
	// resources each action is authorized on; nil means catalog.Default().
	Catalog *catalog.Catalog
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// errorCodes are the error shapes of one service for the common cases.
type errorCodes struct {
	validation string // malformed or missing input, 400
	notFound   string // 404
	conflict   string // a resource that exists already, or is in use, 409
	conflictSt int    // the HTTP status of conflict
}

// service is one of the services this package serves.
type service struct {
	name string // signing name and IAM prefix
	// models are the API models served under the signing name, the first
	// winning on shared routes.
	models []string
	// ops are the operations with hand-written behaviour; each overrides
	// the generic engine in the first model that has it.
	ops  map[string]op
	errs errorCodes
	// aliases name the request member that fills an ARN placeholder of
	// the catalog whose name is no member's.
	aliases map[string]string
}

// handler is the state shared by the operations of one service.
type handler struct {
	Deps
	svc *service
}

// call is one call in progress.
type call struct {
	*server.RESTCall
	caller *authz.Caller
	acct   string
	region string
}

// op is one operation's implementation.
type op func(h *handler, ctx context.Context, c *call) (any, error)

// services are the services [Register] registers.
var services []*service

// Operations returns the operations [Register] registers, as
// "SIGNING-NAME:Operation", sorted.
func Operations() []string {
	var out []string
	for _, s := range services {
		for name := range s.ops {
			out = append(out, s.name+":"+name)
		}
	}
	sort.Strings(out)
	return out
}

// Register serves every operation of the four services' API models on
// srv through the generic engine ([apiservice]), with this package's
// hand-written behaviour for the operations [Operations] lists, and
// returns what it registered per service. It panics when a required
// dependency is missing.
func Register(srv *server.Server, d Deps) []*apiservice.Served {
	if d.Store == nil || d.Authorizer == nil {
		panic("connectapps.Register: Deps.Store and Deps.Authorizer are required")
	}
	if d.Catalog == nil {
		d.Catalog = catalog.Default()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	var out []*apiservice.Served
	for _, s := range services {
		h := &handler{Deps: d, svc: s}
		out = append(out, apiservice.Register(srv, apiservice.Deps{Store: d.Store, Authorizer: d.Authorizer, Catalog: d.Catalog, Now: d.Now, NewID: apiservice.NewUUID},
			s.generic(func(fn op) server.RESTHandler {
				return server.RESTHandlerFunc(func(ctx context.Context, rc *server.RESTCall) (any, error) {
					return h.serve(ctx, rc, fn)
				})
			})))
	}
	return out
}

// Served describes what [Register] serves, per service, without a server.
func Served() []*apiservice.Served {
	var out []*apiservice.Served
	for _, s := range services {
		out = append(out, apiservice.Describe(s.generic(func(op) server.RESTHandler { return server.RESTHandlerFunc(nil) })))
	}
	return out
}

// generic returns s for the generic engine, with each hand-written
// operation (made a handler by wrap) in the first model that has it.
func (s *service) generic(wrap func(op) server.RESTHandler) apiservice.Service {
	svc := apiservice.Service{SigningName: s.name, Prefix: s.name, Aliases: s.aliases}
	placed := map[string]bool{}
	for _, name := range s.models {
		m := apimodel.MustLoad(name)
		overrides := map[string]server.RESTHandler{}
		for op, fn := range s.ops {
			if !placed[op] && m.Operations[op] != nil {
				overrides[op] = wrap(fn)
				placed[op] = true
			}
		}
		svc.Models = append(svc.Models, apiservice.Model{API: m, Overrides: overrides})
	}
	for op := range s.ops {
		if !placed[op] {
			panic("connectapps: " + s.name + ":" + op + " is in none of the service's models")
		}
	}
	return svc
}

// serve runs one operation and maps its error to the service's.
func (h *handler) serve(ctx context.Context, rc *server.RESTCall, fn op) (any, error) {
	caller := authz.AuthCaller(rc.Auth)
	if caller == nil {
		return nil, restjson.NewError(http.StatusForbidden, "UnrecognizedClientException", "The security token included in the request is invalid.")
	}
	c := &call{RESTCall: rc, caller: caller, acct: caller.AccountID, region: rc.Auth.Region}
	out, err := fn(h, ctx, c)
	if err != nil {
		return nil, h.mapError(err)
	}
	return out, nil
}

// mapError converts errors of the store and the authorizer to the
// service's errors.
func (h *handler) mapError(err error) error {
	var re *restjson.Error
	var ad *authz.AccessDeniedError
	switch {
	case errors.As(err, &re):
		return re
	case errors.As(err, &ad):
		return restjson.NewError(http.StatusForbidden, "AccessDeniedException", ad.Message)
	case errors.Is(err, store.ErrNotFound):
		return h.notFound("%s", text.Sentence(err.Error()))
	case errors.Is(err, store.ErrAlreadyExists), errors.Is(err, store.ErrConflict):
		return h.conflict("%s", text.Sentence(err.Error()))
	case errors.Is(err, store.ErrLimitExceeded), errors.Is(err, store.ErrInvalidArgument):
		return h.invalid("%s", text.Sentence(err.Error()))
	}
	return err
}

func (h *handler) invalid(format string, args ...any) error {
	return restjson.NewError(http.StatusBadRequest, h.svc.errs.validation, fmt.Sprintf(format, args...))
}

func (h *handler) notFound(format string, args ...any) error {
	return restjson.NewError(http.StatusNotFound, h.svc.errs.notFound, fmt.Sprintf(format, args...))
}

func (h *handler) conflict(format string, args ...any) error {
	return restjson.NewError(h.svc.errs.conflictSt, h.svc.errs.conflict, fmt.Sprintf(format, args...))
}

// arnOf returns the ARN of a resource of the service: RESOURCE is the
// resource part ("campaign/ID").
func (h *handler) arnOf(c *call, resource string) string {
	return "arn:aws:" + h.svc.name + ":" + c.region + ":" + c.acct + ":" + resource
}

// target is one resource an action is authorized on.
type target struct {
	arn  string
	tags []store.Tag // the stored tags, for aws:ResourceTag/KEY
}

// authorize asks whether the caller may perform action on every target,
// one question per target, with kv plus the target's aws:ResourceTag/KEY
// keys. An action for which the catalog lists no resource types is asked
// once, on "*". The first denial is returned.
func (h *handler) authorize(ctx context.Context, c *call, action string, kv map[string][]string, targets ...target) error {
	if a, ok := h.Catalog.Action(action); ok && len(a.Resources) == 0 {
		targets = []target{{arn: "*"}}
	}
	for _, t := range targets {
		req := &authz.Request{
			Caller:       c.caller,
			Action:       action,
			Resource:     t.arn,
			Context:      kv,
			ResourceTags: t.tags,
			HTTP:         c.HTTPRequest,
			Region:       c.region,
			Time:         h.Now(),
		}
		if err := h.Authorizer.Authorize(ctx, req); err != nil {
			return err
		}
	}
	return nil
}

// action returns the IAM action of operation name of h's service.
func (h *handler) action(name string) string { return h.svc.name + ":" + name }

// obj is a resource read for an operation: found is false when it does not
// exist, and then only ARN and ID are set (to what it would have).
type obj struct {
	store.Resource
	tags  []store.Tag
	found bool
}

// target returns o as an authorization target.
func (o obj) target() target { return target{arn: o.ARN, tags: o.tags} }

// read reads the resource of store type typ with the given ID and its
// tags; arn is the ARN it would have in the caller's region. A resource of
// another region is not found.
func (h *handler) read(ctx context.Context, c *call, typ, id, arn string) (obj, error) {
	o := obj{}
	o.ARN, o.ID = arn, id
	if id == "" {
		return o, nil
	}
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		r, err := tx.GetResource(c.acct, h.svc.name, typ, id)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if r.ARN != arn {
			// The resource lives in another region (IDs are unique per
			// account, ARNs name the region).
			return nil
		}
		o.Resource, o.found = r, true
		o.tags, err = tx.ListResourceTags(r.ARN)
		return err
	})
	return o, err
}

// readAuthorized reads a resource, authorizes action on it with kv, and
// reports a resource that does not exist with the service's not-found
// error naming noun.
func (h *handler) readAuthorized(ctx context.Context, c *call, action, typ, id, arn, noun string, kv map[string][]string) (obj, error) {
	o, err := h.read(ctx, c, typ, id, arn)
	if err != nil {
		return o, err
	}
	if err := h.authorize(ctx, c, action, kv, o.target()); err != nil {
		return o, err
	}
	if !o.found {
		return o, h.notFound("%s %s not found; check the identifier (the List operation lists them).", noun, id)
	}
	return o, nil
}

// tagsContext returns aws:RequestTag/KEY and aws:TagKeys for the tags a
// request sets; nil when there are none.
func tagsContext(tags map[string]string) map[string][]string {
	if len(tags) == 0 {
		return nil
	}
	kv := make(map[string][]string, len(tags)+1)
	keys := make([]string, 0, len(tags))
	for k, v := range tags {
		kv["aws:RequestTag/"+k] = []string{v}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	kv["aws:TagKeys"] = keys
	return kv
}

// checkTags validates the tags member of a request.
func (h *handler) checkTags(tags map[string]string) error {
	if len(tags) > store.MaxTagsPerEntity {
		return h.invalid("The request has %d tags; a resource can have at most %d.", len(tags), store.MaxTagsPerEntity)
	}
	for k, v := range tags {
		switch {
		case k == "" || len(k) > 128:
			return h.invalid("Tag key %q must be 1 to 128 characters long.", k)
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			return h.invalid("Tag key %q starts with the reserved prefix aws:; choose another key.", k)
		case len(v) > 256:
			return h.invalid("The value of tag %q is longer than 256 characters.", k)
		}
	}
	return nil
}

// create stores r with tags in one transaction, reporting a resource that
// exists already with the service's conflict error naming what.
func (h *handler) create(ctx context.Context, r store.Resource, tags map[string]string, what string) (store.Resource, error) {
	now := h.Now().UTC()
	r.Service, r.Created, r.Updated = h.svc.name, now, now
	var out store.Resource
	err := h.Store.Update(ctx, func(tx store.Tx) error {
		var err error
		if out, err = tx.CreateResource(r); err != nil {
			return err
		}
		if len(tags) > 0 {
			return tx.TagResource(r.ARN, store.TagsFromMap(tags))
		}
		return nil
	})
	if errors.Is(err, store.ErrAlreadyExists) {
		return out, h.conflict("%s already exists; choose another name or delete the existing one first.", what)
	}
	return out, err
}

// update replaces the attributes of o with v, failing with a conflict when
// o changed since it was read.
func (h *handler) update(ctx context.Context, o obj, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	r := o.Resource
	r.Attributes, r.Updated = b, h.Now().UTC()
	return h.Store.Update(ctx, func(tx store.Tx) error {
		cur, err := tx.GetResource(r.AccountID, r.Service, r.Type, r.ID)
		if err != nil {
			return err
		}
		if cur.Revision != r.Revision {
			return fmt.Errorf("%s %s was changed by another request; retry: %w", r.Type, r.ID, store.ErrConflict)
		}
		_, err = tx.UpdateResource(r)
		return err
	})
}

// remove deletes o.
func (h *handler) remove(ctx context.Context, o obj) error {
	return h.Store.Update(ctx, func(tx store.Tx) error {
		return tx.DeleteResource(o.AccountID, o.Service, o.Type, o.ID)
	})
}

// listOptions reads the page size and token from the query parameters
// sizeName and tokenName, with bounds 1 to max (default max).
func (h *handler) listOptions(c *call, sizeName, tokenName string, max int) (store.ListOptions, error) {
	n, ok := c.Query.Int(sizeName)
	if err := c.Query.Err(); err != nil {
		return store.ListOptions{}, err
	}
	if !ok {
		n = int32(max)
	}
	return h.pageOptions(sizeName, int(n), c.Query.String(tokenName), max)
}

// pageOptions checks a page size and token.
func (h *handler) pageOptions(sizeName string, n int, token string, max int) (store.ListOptions, error) {
	if n < 1 || n > max {
		return store.ListOptions{}, h.invalid("%s=%d is out of range; send a value from 1 to %d.", sizeName, n, max)
	}
	return store.ListOptions{Marker: token, MaxItems: n}, nil
}

// listed is one page of a List operation: the resources of one type,
// decoded into their attribute type, with their tags.
type listed[T any] struct {
	items []T
	tags  []map[string]string // tags[i] are items[i]'s, nil when it has none
	next  string              // the next page's token, "" after the last
}

// listPage reads one page of h's resources of type typ (the children of
// parent when parent is not "") and their tags in one read transaction, and
// decodes each resource's attributes into a T.
func listPage[T any](ctx context.Context, h *handler, c *call, typ, parent string, opt store.ListOptions) (listed[T], error) {
	out := listed[T]{items: []T{}}
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		rs, next, err := tx.ListResources(c.acct, h.svc.name, typ, store.ResourceFilter{Parent: parent, HasParent: true}, opt)
		if err != nil {
			return err
		}
		out.next = next
		for _, r := range rs {
			var v T
			if err := r.DecodeAttributes(&v); err != nil {
				return err
			}
			tags, err := tx.ListResourceTags(r.ARN)
			if err != nil {
				return err
			}
			out.items = append(out.items, v)
			out.tags = append(out.tags, store.TagMap(tags))
		}
		return nil
	})
	if errors.Is(err, store.ErrInvalidArgument) {
		return out, h.invalid("The next token %q is not one this list returned; send the token of the previous page.", opt.Marker)
	}
	return out, err
}

// mustJSON encodes v, which is one of this package's attribute types and
// always encodes.
func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("connectapps: encoding %T: %v", v, err))
	}
	return b
}

// idOf returns the ID in an identifier that may be an ID or the ARN of
// the resource (the last segment of its resource part).
func idOf(identifier string) string {
	if strings.HasPrefix(identifier, "arn:") {
		return identifier[strings.LastIndexByte(identifier, '/')+1:]
	}
	return identifier
}

// required reports the first empty member of a request.
func (h *handler) required(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if strings.TrimSpace(pairs[i+1]) == "" {
			return h.invalid("%s is required; set it in the request.", pairs[i])
		}
	}
	return nil
}

// checkName validates a name member: 1 to max characters of letters,
// digits and the characters in extra.
func (h *handler) checkName(member, name string, max int, extra string) error {
	if name == "" || len(name) > max {
		return h.invalid("%s %q must be 1 to %d characters long.", member, name, max)
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(extra, r)) {
			return h.invalid("%s %q has the character %q; use letters, digits and %q.", member, name, r, extra)
		}
	}
	return nil
}

func init() {
	services = []*service{appIntegrations, wisdom, campaigns, customerProfiles}
}

// newID returns a new resource ID in these services' format, a random
// (version 4) UUID.
var newID = apiservice.NewUUID
