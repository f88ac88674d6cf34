package apiservice

import (
	"sort"
	"strings"

	"github.com/connect-iam/connect-iam/catalog"
	"github.com/connect-iam/connect-iam/internal/apimodel"
	"github.com/connect-iam/connect-iam/server"
)

// kind is what the generic engine does for an operation.
type kind int

const (
	kAction kind = iota
	kCreate
	kPut
	kDescribe
	kUpdate
	kDelete
	kList
	kAssociate
	kDisassociate
	kListAssoc
	kTag
	kUntag
	kListTags
)

var kindNames = [...]string{"action", "create", "put", "describe", "update", "delete", "list", "associate", "disassociate", "list-associations", "tag", "untag", "list-tags"}

func (k kind) String() string { return kindNames[k] }

// resource is a kind of resource the model creates.
type resource struct {
	noun    string // "Queue"
	typ     string // store type: the catalog's resource type name, or kebab(noun)
	rt      *catalog.ResourceType
	idLabel string   // the member that holds the identifier ("QueueId", "Name")
	parents []string // the members naming its parents ("InstanceId")
	named   bool     // the request names the identifier (Create's input has idLabel)
	create  *plan
	get     *plan
}

// plan is one operation's generic execution plan.
type plan struct {
	e        *engine
	model    *apimodel.Model
	op       *apimodel.Operation
	in, out  *apimodel.Shape
	override server.RESTHandler
	kind     kind
	res      *resource
	assoc    string   // the association noun of Associate/Disassociate/List
	action   string   // "connect:DescribeQueue"
	path     []string // the input members bound to the path, in path order
	cat      *catalog.Action
}

// verbs of the operations that create, read, change or delete resources.
var (
	readVerbs = []string{"Describe", "Get"}
)

// findResources finds the resources the models create.
func (e *engine) findResources() {
	for _, p := range e.plans {
		name := p.op.Name
		var noun string
		switch {
		case strings.HasPrefix(name, "Create"):
			noun = name[len("Create"):]
		case strings.HasPrefix(name, "Put"):
			noun = name[len("Put"):]
			if e.byName["Create"+noun] != nil {
				continue
			}
		default:
			continue
		}
		if noun == "" {
			continue
		}
		var get *plan
		for _, v := range readVerbs {
			if g := e.byName[v+noun]; g != nil {
				get = g
				break
			}
		}
		if get == nil && strings.HasPrefix(name, "Put") {
			continue
		}
		r := &resource{noun: noun, create: p, get: get}
		createLabels := p.labels()
		if get != nil {
			gl := get.labels()
			if len(gl) > 0 {
				r.idLabel = gl[len(gl)-1]
				r.parents = gl[:len(gl)-1]
			}
		}
		if r.idLabel == "" {
			// No read operation: the identifier is the Create output's
			// noun+"Id" (or "Id") member, the parents Create's labels.
			r.parents = createLabels
			out := p.out
			for _, cand := range []string{noun + "Id", "Id", lowerFirst(noun) + "Id", "id"} {
				if member(out, cand) != "" {
					r.idLabel = member(out, cand)
					break
				}
			}
			if r.idLabel == "" {
				r.idLabel = noun + "Id"
			}
		}
		if m := member(p.in, r.idLabel); m != "" {
			r.named = true
			r.idLabel = m
		}
		r.rt = e.resourceType(noun, r.idLabel)
		r.typ = kebab(noun)
		if r.rt != nil {
			r.typ = r.rt.Name
		}
		e.resources[noun] = r
	}
	for n := range e.resources {
		e.nouns = append(e.nouns, n)
	}
	sort.Strings(e.nouns)
}

// resourceType finds the catalog's resource type for a noun.
func (e *engine) resourceType(noun, idLabel string) *catalog.ResourceType {
	if e.catSvc == nil {
		return nil
	}
	want := []string{kebab(noun), noun}
	if a := e.svc.TypeAliases[noun]; a != "" {
		want = append([]string{a}, want...)
	}
	for _, w := range want {
		for _, rt := range e.catSvc.ResourceTypes {
			if strings.EqualFold(rt.Name, w) && !strings.HasPrefix(rt.Name, "wildcard-") {
				return rt
			}
		}
	}
	for _, rt := range e.catSvc.ResourceTypes {
		ph := placeholders(rt.ARN)
		if len(ph) > 0 && strings.EqualFold(ph[len(ph)-1], idLabel) && !strings.HasPrefix(rt.Name, "wildcard-") &&
			!strings.Contains(rt.ARN, ":"+"${Version}") && strings.Contains(rt.ARN, ":"+e.svc.Prefix+":") {
			return rt
		}
	}
	return nil
}

// prepare decides the plan's kind and resource.
func (p *plan) prepare() {
	e := p.e
	name := p.op.Name
	p.override = e.model.Overrides[name]
	p.action = e.svc.Prefix + ":" + name
	if e.catSvc != nil {
		p.cat, _ = e.catSvc.Action(name)
	}
	switch name {
	case "TagResource":
		p.kind = kTag
		return
	case "UntagResource":
		p.kind = kUntag
		return
	case "ListTagsForResource":
		p.kind = kListTags
		return
	}
	verb, rest := splitVerb(name)
	switch verb {
	case "Create":
		if r := e.resources[rest]; r != nil && r.create == p {
			p.kind, p.res = kCreate, r
			return
		}
	case "Put":
		if r := e.resources[rest]; r != nil && r.create == p {
			p.kind, p.res = kPut, r
			return
		}
	case "Describe", "Get":
		if r := e.resources[rest]; r != nil {
			p.kind, p.res = kDescribe, r
			return
		}
	case "Update":
		if r := e.longestNoun(rest); r != nil && p.hasLabel(r.idLabel) {
			p.kind, p.res = kUpdate, r
			return
		}
	case "Delete":
		if r := e.resources[rest]; r != nil && p.hasLabel(r.idLabel) {
			p.kind, p.res = kDelete, r
			return
		}
	case "Associate", "Disassociate":
		p.assoc = rest
		if verb == "Associate" {
			p.kind = kAssociate
		} else {
			p.kind = kDisassociate
		}
		return
	case "List", "Search":
		for _, a := range []string{rest, strings.TrimSuffix(rest, "s"), strings.TrimSuffix(rest, "es")} {
			if e.byName["Associate"+a] != nil && e.resources[a] == nil {
				p.kind, p.assoc = kListAssoc, a
				return
			}
		}
		if r := e.resources[singular(rest)]; r != nil && listMember(p.model, p.out) != "" {
			p.kind, p.res = kList, r
			return
		}
	}
	p.kind = kAction
}

// hasLabel reports whether the input binds name in the path or body.
func (p *plan) hasLabel(name string) bool { return member(p.in, name) != "" }

// longestNoun returns the resource whose noun is the longest prefix of s.
func (e *engine) longestNoun(s string) *resource {
	var best *resource
	for noun, r := range e.resources {
		if strings.HasPrefix(s, noun) && (best == nil || len(noun) > len(best.noun)) {
			best = r
		}
	}
	return best
}

func splitVerb(name string) (verb, rest string) {
	for i := 1; i < len(name); i++ {
		if name[i] >= 'A' && name[i] <= 'Z' {
			return name[:i], name[i:]
		}
	}
	return name, ""
}

// singular turns a plural noun of a List operation into the resource noun.
func singular(s string) string {
	switch {
	case strings.HasSuffix(s, "ies"):
		return s[:len(s)-3] + "y"
	case strings.HasSuffix(s, "sses"), strings.HasSuffix(s, "uses"), strings.HasSuffix(s, "xes"):
		return s[:len(s)-2]
	case strings.HasSuffix(s, "s"):
		return s[:len(s)-1]
	}
	return s
}

// labels returns the input members bound to the path, in path order.
func (p *plan) labels() []string { return p.path }

// pathLabels computes labels, once per plan.
func (p *plan) pathLabels() []string {
	byWire := map[string]string{}
	for n, m := range p.in.Members {
		if m.Location == "uri" {
			byWire[m.WireName(n)] = n
		}
	}
	var out []string
	for _, seg := range strings.Split(p.op.HTTP.Path(), "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			if n := byWire[strings.TrimSuffix(seg[1:len(seg)-1], "+")]; n != "" {
				out = append(out, n)
			}
		}
	}
	return out
}

// member returns the name of s's member that is name case-insensitively,
// or "".
func member(s *apimodel.Shape, name string) string {
	if s == nil {
		return ""
	}
	if _, ok := s.Members[name]; ok {
		return name
	}
	for n := range s.Members {
		if strings.EqualFold(n, name) {
			return n
		}
	}
	return ""
}

// listMember returns the output member holding the listed items: the
// paginator's result key, else the only list member.
func listMember(m *apimodel.Model, out *apimodel.Shape) string {
	var lists []string
	for _, n := range out.MemberNames() {
		if sh := m.Shape(out.Members[n].Shape); sh != nil && sh.Type == "list" {
			lists = append(lists, n)
		}
	}
	if len(lists) == 1 {
		return lists[0]
	}
	return ""
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// placeholders returns the ${...} names of an ARN format, in order,
// without the partition, region and account.
func placeholders(arn string) []string {
	var out []string
	for {
		i := strings.Index(arn, "${")
		if i < 0 {
			return out
		}
		j := strings.Index(arn[i:], "}")
		if j < 0 {
			return out
		}
		name := arn[i+2 : i+j]
		if name != "Partition" && name != "Region" && name != "Account" {
			out = append(out, name)
		}
		arn = arn[i+j+1:]
	}
}

func (p *plan) queryNames() []string {
	var out []string
	for _, n := range p.in.MemberNames() {
		if m := p.in.Members[n]; m.Location == "querystring" {
			out = append(out, m.WireName(n))
		}
	}
	return out
}

func (p *plan) errorNames() []string {
	var out []string
	for _, e := range p.op.Errors {
		out = append(out, p.model.ErrorCode(e.Shape))
	}
	return out
}
