// Package leastpriv turns the audited calls of a principal into the
// least-privilege identity policy that allows them, and checks that it
// fits: the policy is validated (no ERROR, no SECURITY_WARNING), every
// observed call is decided again through the engine and must be allowed,
// and compared with the policies the principal has it must grant no new
// access (package check).
//
// The calls come from the audit log: the server records every
// authorization request of a call (action, resource ARN, the request's
// condition keys and the resource's tags) in the event's
// additionalEventData (audit.AuthorizationData).
package leastpriv

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/connect-iam/connect-iam/catalog"
	"github.com/connect-iam/connect-iam/internal/audit"
	"github.com/connect-iam/connect-iam/store"
)

// DefaultSiblings is how many distinct resources under one parent (the
// ARN up to its last '/') must have been touched before they are
// generalised to PARENT/*.
const DefaultSiblings = 5

// Call is one observed authorization request.
type Call struct {
	EventID   string
	EventName string
	Time      time.Time
	// Principal is the caller's ARN.
	Principal string
	Request   audit.AuthorizationRequest
	// Params is the event's requestParameters (JSON), which tells the
	// resources a Create call names from those it creates.
	Params string
}

// Calls returns the authorization requests recorded in events, in order.
// Events without authorization data (unauthenticated calls, calls that
// need no permission, events written before it was recorded) add none.
func Calls(events []store.Event) ([]Call, error) {
	out := make([]Call, 0, len(events))
	for _, e := range events {
		d, err := audit.ParseAuthorization(e.AdditionalEventData)
		if err != nil {
			return nil, fmt.Errorf("event %s: additionalEventData: %w", e.EventID, err)
		}
		if d == nil {
			continue
		}
		for _, r := range d.Authorization {
			out = append(out, Call{EventID: e.EventID, EventName: e.Name, Time: e.Time, Principal: e.PrincipalARN, Request: r,
				Params: string(e.RequestParameters)})
		}
	}
	return out, nil
}

// OfPrincipal reports whether an event's caller ARN belongs to want: the
// same ARN, or a session of the role want names (a role ARN, with or
// without its path, covers arn:aws:sts::ACCT:assumed-role/NAME/*).
func OfPrincipal(caller, want string) bool {
	if caller == want {
		return true
	}
	i := strings.Index(want, ":role/")
	if i < 0 || !strings.HasPrefix(want, "arn:") {
		return false
	}
	f := strings.SplitN(want, ":", 6)
	if len(f) != 6 {
		return false
	}
	name := want[i+len(":role/"):]
	if j := strings.LastIndexByte(name, '/'); j >= 0 {
		name = name[j+1:]
	}
	return strings.HasPrefix(caller, "arn:"+f[1]+":sts::"+f[4]+":assumed-role/"+name+"/")
}

// Statement is a statement of a generated policy.
type Statement struct {
	Sid       string                         `json:"Sid,omitempty"`
	Effect    string                         `json:"Effect"`
	Action    []string                       `json:"Action"`
	Resource  []string                       `json:"Resource"`
	Condition map[string]map[string][]string `json:"Condition,omitempty"`
}

// Policy is a generated identity policy.
type Policy struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// JSON returns the policy indented, as a document to attach.
func (p *Policy) JSON() []byte {
	b, _ := json.MarshalIndent(p, "", "  ")
	return append(b, '\n')
}

// StatementsFor returns the smallest statements that allow the requests
// of one call: one per set of actions sharing the same resources, the
// resources as observed.
func StatementsFor(reqs []audit.AuthorizationRequest) []Statement {
	calls := make([]Call, len(reqs))
	for i, r := range reqs {
		calls[i] = Call{Request: r}
	}
	r := Generate(calls, Options{Siblings: -1, NoDependent: true})
	return r.Policy.Statement
}

// Options configure Generate.
type Options struct {
	// Catalog supplies the dependent actions; nil means catalog.Default().
	Catalog *catalog.Catalog
	// WithTagConditions adds the request tags (aws:RequestTag/KEY,
	// aws:TagKeys) and resource tags (aws:ResourceTag/KEY) that every
	// call of an action carried as conditions of its statement.
	WithTagConditions bool
	// Siblings is the number of distinct resources under one parent from
	// which they are generalised to PARENT/*; zero means DefaultSiblings,
	// a negative value never generalises.
	Siblings int
	// NoDependent leaves out the dependent actions of the catalog.
	NoDependent bool
	// ConditionKeys are condition keys (typically those the principal's
	// policies test) to carry as StringEquals (ArnEquals, Bool)
	// conditions with the observed values, on the statements of actions
	// whose every call carried the key: without them a policy allowing
	// an action the existing one allows only under a condition would be
	// new access.
	ConditionKeys []string
	// KeepCreated keeps the IDs of resources the calls created instead of
	// generalising them to PARENT/*.
	KeepCreated bool
}

// Generalisation is a resource pattern that replaced the resources
// observed under one parent.
type Generalisation struct {
	Pattern   string   `json:"pattern"`
	Resources []string `json:"resources"`
	// Reason is "siblings" (many resources under one parent were
	// touched) or "created" (the calls created them, so their IDs are
	// new on every run).
	Reason string `json:"reason"`
}

// Dependent is a dependent action the catalog lists for an observed one.
type Dependent struct {
	Action string `json:"action"`
	// For is the observed action that needs it.
	For string `json:"for"`
}

// Result is a generated policy and how it was built.
type Result struct {
	Policy Policy `json:"policy"`
	// Generalised lists the patterns that replaced observed resources.
	Generalised []Generalisation `json:"generalised,omitempty"`
	// Dependent lists the dependent actions added, in a statement of
	// their own (Sid "DependentActions") on "*".
	Dependent []Dependent `json:"dependent,omitempty"`
	// Calls is the number of authorization requests the policy covers.
	Calls int `json:"calls"`
	// Actions is the number of distinct actions observed.
	Actions int `json:"actions"`
}

// actionUse is what the calls of one action touched.
type actionUse struct {
	action    string
	resources map[string]bool
	// calls is the number of requests; reqTags and resTags count, per
	// key and value, how many requests carried them.
	calls   int
	reqTags map[string]map[string]int
	tagKeys map[string]int // requests carrying aws:TagKeys, per key
	nTagKey int            // requests with aws:TagKeys
	resTags map[string]map[string]int
	keys    map[string]map[string]int // ConditionKeys carried, per value
}

// Generate builds the policy that allows calls: actions grouped per
// service, resources as observed, resources generalised to PARENT/* where
// at least Options.Siblings siblings were touched, tag conditions on
// request, and the catalog's dependent actions. It never fails: an empty
// calls gives a policy without statements.
func Generate(calls []Call, opts Options) *Result {
	if opts.Catalog == nil {
		opts.Catalog = catalog.Default()
	}
	siblings := opts.Siblings
	if siblings == 0 {
		siblings = DefaultSiblings
	}
	uses := map[string]*actionUse{}
	var order []string
	keep := map[string]string{} // lower-cased key -> key
	for _, k := range opts.ConditionKeys {
		keep[strings.ToLower(k)] = k
	}
	seenRes := map[string]bool{}
	created := map[string]map[string]bool{} // parent -> resources
	for _, c := range calls {
		r := c.Request
		key := strings.ToLower(r.Action)
		u := uses[key]
		if u == nil {
			u = &actionUse{action: r.Action, resources: map[string]bool{}, reqTags: map[string]map[string]int{},
				tagKeys: map[string]int{}, resTags: map[string]map[string]int{}, keys: map[string]map[string]int{}}
			uses[key] = u
			order = append(order, key)
		}
		res := r.Resource
		if res == "" {
			res = "*"
		}
		u.resources[res] = true
		u.calls++
		if !seenRes[res] {
			seenRes[res] = true
			// A resource first seen in a Create call whose ID the request
			// does not name is the one the call created.
			if p, ok := parent(res); ok && !opts.KeepCreated && strings.HasPrefix(c.EventName, "Create") &&
				!strings.Contains(c.Params, res[len(p):]) {
				if created[p] == nil {
					created[p] = map[string]bool{}
				}
				created[p][res] = true
			}
		}
		for k, vs := range r.Context {
			if name, ok := keep[strings.ToLower(k)]; ok && len(vs) == 1 {
				if u.keys[name] == nil {
					u.keys[name] = map[string]int{}
				}
				u.keys[name][vs[0]]++
			}
			switch {
			case strings.HasPrefix(strings.ToLower(k), "aws:requesttag/") && len(vs) > 0:
				tag := k[len("aws:RequestTag/"):]
				if u.reqTags[tag] == nil {
					u.reqTags[tag] = map[string]int{}
				}
				u.reqTags[tag][vs[0]]++
			case strings.EqualFold(k, "aws:TagKeys"):
				u.nTagKey++
				for _, v := range vs {
					u.tagKeys[v]++
				}
			}
		}
		for k, v := range r.ResourceTags {
			if u.resTags[k] == nil {
				u.resTags[k] = map[string]int{}
			}
			u.resTags[k][v]++
		}
	}
	res := &Result{Calls: len(calls), Actions: len(uses)}

	// Generalise the resources the calls created, then siblings, across
	// all actions.
	general := map[string]string{} // resource -> pattern
	for _, p := range slices.Sorted(maps.Keys(created)) {
		g := Generalisation{Pattern: p + "*", Resources: slices.Sorted(maps.Keys(created[p])), Reason: "created"}
		for _, r := range g.Resources {
			general[r] = g.Pattern
		}
		res.Generalised = append(res.Generalised, g)
	}
	if siblings > 0 {
		byParent := map[string]map[string]bool{}
		for _, u := range uses {
			for r := range u.resources {
				if p, ok := parent(r); ok {
					if byParent[p] == nil {
						byParent[p] = map[string]bool{}
					}
					byParent[p][r] = true
				}
			}
		}
		for _, p := range slices.Sorted(maps.Keys(byParent)) {
			if len(byParent[p]) < siblings || created[p] != nil {
				continue
			}
			g := Generalisation{Pattern: p + "*", Resources: slices.Sorted(maps.Keys(byParent[p])), Reason: "siblings"}
			for _, r := range g.Resources {
				general[r] = g.Pattern
			}
			res.Generalised = append(res.Generalised, g)
		}
	}

	// Group actions per service and per identical resources and
	// conditions.
	type group struct {
		service   string
		actions   []string
		resources []string
		cond      map[string]map[string][]string
	}
	groups := map[string]*group{}
	var gorder []string
	sort.Strings(order)
	for _, key := range order {
		u := uses[key]
		set := map[string]bool{}
		for r := range u.resources {
			if g, ok := general[r]; ok {
				r = g
			}
			set[r] = true
		}
		rs := slices.Sorted(maps.Keys(set))
		// An action without resource-level permissions is granted on "*"
		// only, as the service authorization reference says (and as the
		// validator and the reasoner read it).
		if a, ok := opts.Catalog.Action(u.action); set["*"] || (ok && !a.SupportsResourceLevelPermissions()) {
			rs = []string{"*"}
		}
		cond := u.conditions(opts.WithTagConditions, opts.Catalog)
		svc, _, _ := strings.Cut(key, ":")
		cb, _ := json.Marshal(cond)
		gk := svc + "|" + strings.Join(rs, ",") + "|" + string(cb)
		g := groups[gk]
		if g == nil {
			g = &group{service: svc, resources: rs, cond: cond}
			groups[gk] = g
			gorder = append(gorder, gk)
		}
		g.actions = append(g.actions, u.action)
	}
	sort.SliceStable(gorder, func(i, j int) bool { return groups[gorder[i]].service < groups[gorder[j]].service })
	perService := map[string]int{}
	for _, gk := range gorder {
		g := groups[gk]
		perService[g.service]++
		res.Policy.Statement = append(res.Policy.Statement, Statement{Sid: sid(g.service, perService[g.service]), Effect: "Allow",
			Action: g.actions, Resource: g.resources, Condition: g.cond})
	}

	if !opts.NoDependent {
		cat := opts.Catalog
		seen := map[string]bool{}
		for _, key := range order {
			seen[key] = true
		}
		for _, key := range order {
			u := uses[key]
			a, ok := cat.Action(u.action)
			if !ok {
				continue
			}
			deps := slices.Clone(a.DependentActions)
			for r := range u.resources {
				if ar, ok := a.ResourceFor(r); ok {
					deps = append(deps, ar.DependentActions...)
				}
			}
			for _, d := range deps {
				if seen[strings.ToLower(d)] {
					continue
				}
				seen[strings.ToLower(d)] = true
				res.Dependent = append(res.Dependent, Dependent{Action: d, For: u.action})
			}
		}
		if len(res.Dependent) > 0 {
			st := Statement{Sid: "DependentActions", Effect: "Allow", Resource: []string{"*"}}
			for _, d := range res.Dependent {
				st.Action = append(st.Action, d.Action)
			}
			res.Policy.Statement = append(res.Policy.Statement, st)
		}
	}
	res.Policy.Version = "2012-10-17"
	if res.Policy.Statement == nil {
		res.Policy.Statement = []Statement{}
	}
	return res
}

// conditions returns the conditions every request of u satisfied: the
// kept condition keys, and the tags when tags is set.
func (u *actionUse) conditions(tags bool, cat *catalog.Catalog) map[string]map[string][]string {
	out := map[string]map[string][]string{}
	add := func(op, key string, values []string) {
		if out[op] == nil {
			out[op] = map[string][]string{}
		}
		out[op][key] = values
	}
	for _, k := range slices.Sorted(maps.Keys(u.keys)) {
		if total(u.keys[k]) != u.calls {
			continue
		}
		op := "StringEquals"
		if t, ok := cat.KeyType(k); ok {
			switch t.String() {
			case "String":
			case "ARN":
				op = "ArnEquals"
			case "Bool":
				op = "Bool"
			default:
				continue
			}
		}
		add(op, k, slices.Sorted(maps.Keys(u.keys[k])))
	}
	if !tags {
		if len(out) == 0 {
			return nil
		}
		return out
	}
	se := map[string][]string{}
	for _, k := range slices.Sorted(maps.Keys(u.reqTags)) {
		if total(u.reqTags[k]) == u.calls {
			se["aws:RequestTag/"+k] = slices.Sorted(maps.Keys(u.reqTags[k]))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(u.resTags)) {
		if total(u.resTags[k]) == u.calls {
			se["aws:ResourceTag/"+k] = slices.Sorted(maps.Keys(u.resTags[k]))
		}
	}
	for k, v := range se {
		add("StringEquals", k, v)
	}
	if u.nTagKey == u.calls && len(u.tagKeys) > 0 {
		out["ForAllValues:StringEquals"] = map[string][]string{"aws:TagKeys": slices.Sorted(maps.Keys(u.tagKeys))}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// parent returns the ARN up to and including its last '/', when the
// resource has a last segment to generalise.
func parent(resource string) (string, bool) {
	if resource == "*" || !strings.HasPrefix(resource, "arn:") || strings.ContainsAny(resource, "*?") {
		return "", false
	}
	i := strings.LastIndexByte(resource, '/')
	if i < 0 || i == len(resource)-1 {
		return "", false
	}
	// Keep the resource type: arn:...:instance/ID generalises to
	// arn:...:instance/*, never to a bare "arn:...:*".
	if strings.Count(resource[strings.LastIndexByte(resource[:i+1], ':')+1:], "/") < 1 {
		return "", false
	}
	return resource[:i+1], true
}

// sid returns the statement ID of the n-th statement of a service:
// "Connect1", "Iam2".
func sid(service string, n int) string {
	var b strings.Builder
	up := true
	for _, r := range service {
		if r < '0' || (r > '9' && r < 'A') || (r > 'Z' && r < 'a') || r > 'z' {
			up = true
			continue
		}
		if up && r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		up = false
		b.WriteRune(r)
	}
	fmt.Fprintf(&b, "%d", n)
	return b.String()
}
