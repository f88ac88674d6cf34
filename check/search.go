package check

import (
	"sort"
	"strconv"
	"strings"

	"github.com/connect-iam/connect-iam/arn"
	"github.com/connect-iam/connect-iam/catalog"
	"github.com/connect-iam/connect-iam/check/internal/cells"
	"github.com/connect-iam/connect-iam/eval"
	"github.com/connect-iam/connect-iam/policy"
)

// maxSamples bounds the engine decisions of one check; a check that
// would need more answers FAIL, naming the budget.
const maxSamples = 5_000_000

// problem is one question: is some request allowed by newP and not by
// existing, within the given universe of actions and resources?
type problem struct {
	pt        PolicyType
	cat       *catalog.Catalog
	existing  *parsed // nil: nothing is allowed
	newP      *parsed
	allowAll  *eval.Policy
	stmts     []*stmt
	keys      map[string]*keyInfo
	groupOf   map[string]int
	groups    [][]string // lower-case keys per group
	outer     map[int]bool
	principal []eval.Principal
	und       undecided
	samples   int

	// restrictions (CheckAccessNotGranted / CheckNoPublicAccess)
	onlyActions   []string
	onlyResources []string
	actionPrefix  []string
	public        bool

	cells   cells.Cache
	derived map[string][]string
}

// finding is a statement of the new policy that grants new access, with
// the request that shows it.
type finding struct {
	st  *stmt
	req *Counterexample
}

func (pb *problem) decide(p *eval.Policy, req *eval.Request) bool {
	pb.samples++
	var set eval.PolicySet
	if pb.pt == ResourcePolicy {
		set = eval.PolicySet{Identity: []*eval.Policy{pb.allowAll}, Resource: p}
	} else {
		set = eval.PolicySet{Identity: []*eval.Policy{p}}
	}
	return set.Decide(req) == eval.Allow
}

// setup collects statements, keys and groups, and compiles the probes.
func (pb *problem) setup() error {
	var pols []*parsed
	if pb.existing != nil {
		pols = append(pols, pb.existing)
	}
	pols = append(pols, pb.newP)
	pb.keys = map[string]*keyInfo{}
	key := func(name string) *keyInfo {
		lk := strings.ToLower(name)
		k := pb.keys[lk]
		if k == nil {
			k = &keyInfo{name: name, lower: lk}
			pb.keys[lk] = k
		}
		return k
	}
	varsOf := func(s policy.String, version policy.Version) []string {
		var out []string
		for _, seg := range template(s, version, true).Segments {
			if seg.Kind == policy.SegVar {
				out = append(out, strings.ToLower(seg.Text))
			}
		}
		return out
	}
	for i, p := range pols {
		sd := newSide
		if pb.existing != nil && i == 0 {
			sd = existingSide
		}
		for _, st := range p.src.Statements {
			s := &stmt{side: sd, index: st.Index, deny: st.Effect == policy.Deny, src: st, version: p.src.Version}
			if st.Sid != nil {
				s.sid = st.Sid.Text
			}
			for _, c := range st.Conditions {
				k := key(c.Key.Text)
				k.uses = append(k.uses, use{op: c.Op, values: c.Values, version: p.src.Version})
				if c.Op.Set != policy.SetNone {
					k.multi = true
				}
				if c.Op.Base.SupportsVariables() {
					for _, v := range c.Values {
						for _, vk := range varsOf(v, p.src.Version) {
							key(vk)
							k.vars = append(k.vars, vk)
						}
					}
				}
				s.keys = append(s.keys, strings.ToLower(c.Key.Text))
			}
			if st.Resource != nil {
				for _, v := range st.Resource.Values {
					for _, vk := range varsOf(v, p.src.Version) {
						key(vk)
						if !derivedKeys[vk] {
							s.resVars = append(s.resVars, vk)
						}
					}
				}
			}
			s.keys = uniq(s.keys)
			pb.stmts = append(pb.stmts, s)
		}
	}
	for lk, k := range pb.keys {
		if t, ok := pb.cat.KeyType(k.name); ok && t.IsMulti() {
			k.multi = true
		}
		if lk == "aws:userid" && len(k.uses) > 0 {
			pb.und.add("conditions on aws:userid")
		}
	}
	// Groups: free keys joined by variables.
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		if parent[x] == "" || parent[x] == x {
			parent[x] = x
			return x
		}
		r := find(parent[x])
		parent[x] = r
		return r
	}
	for lk, k := range pb.keys {
		find(lk)
		for _, v := range k.vars {
			if !derivedKeys[v] && !derivedKeys[lk] {
				parent[find(v)] = find(lk)
			}
		}
	}
	pb.groupOf = map[string]int{}
	roots := map[string]int{}
	names := make([]string, 0, len(pb.keys))
	for lk := range pb.keys {
		names = append(names, lk)
	}
	sort.Strings(names)
	for _, lk := range names {
		r := find(lk)
		g, ok := roots[r]
		if !ok {
			g = len(pb.groups)
			roots[r] = g
			pb.groups = append(pb.groups, nil)
		}
		pb.groupOf[lk] = g
		pb.groups[g] = append(pb.groups[g], lk)
	}
	pb.outer = map[int]bool{}
	for _, s := range pb.stmts {
		for _, v := range s.resVars {
			pb.outer[pb.groupOf[v]] = true
		}
	}
	pb.principal = principalCandidates(pols, pb.pt, pb.public, pb.keys, &pb.und)
	pb.candidates()

	var err error
	if pb.allowAll, err = compileDoc(allowAllDoc, pb.pt, pb.cat); err != nil {
		return err
	}
	for _, s := range pb.stmts {
		p := pb.newP.src
		if s.side == existingSide {
			p = pb.existing.src
		}
		if s.core, err = compileDoc(statementDoc(p, s.src, true, pb.pt, func(string) bool { return false }), pb.pt, pb.cat); err != nil {
			return err
		}
		if s.full, err = compileDoc(statementDoc(p, s.src, true, pb.pt, func(string) bool { return true }), pb.pt, pb.cat); err != nil {
			return err
		}
		s.groups = map[int]*eval.Policy{}
		for _, k := range s.keys {
			g := pb.groupOf[k]
			if s.groups[g] != nil {
				continue
			}
			in := map[string]bool{}
			for _, m := range pb.groups[g] {
				in[m] = true
			}
			if s.groups[g], err = compileDoc(statementDoc(p, s.src, false, pb.pt, func(k string) bool { return in[k] }), pb.pt, pb.cat); err != nil {
				return err
			}
		}
	}
	return nil
}

// derivedValues returns the values the principal candidates give a
// derived key.
func (pb *problem) derivedValues(lk string) []string {
	if v, ok := pb.derived[lk]; ok {
		return v
	}
	if pb.derived == nil {
		pb.derived = map[string][]string{}
	}
	var out []string
	for _, p := range pb.principal {
		ctx := eval.NewContext()
		p.AddToContext(ctx)
		if vs, ok := ctx.Values(lk); ok {
			out = append(out, vs...)
		}
	}
	out = uniq(out)
	pb.derived[lk] = out
	return out
}

// subst gives the values a policy variable may take while cells are
// computed: a derived key's values from the principals, a free key's
// symbolic value.
func (pb *problem) subst(lk string) []string {
	if derivedKeys[lk] {
		return pb.derivedValues(lk)
	}
	names := make([]string, 0, len(pb.keys))
	for k := range pb.keys {
		names = append(names, k)
	}
	sort.Strings(names)
	return []string{symbolic(sort.SearchStrings(names, lk))}
}

// candidates computes every free key's cells. Keys a policy variable
// joins share their cells (each may equal any value another is compared
// with), with a twin per cell so that they may also differ within it.
func (pb *problem) candidates() {
	scalars := map[string][]string{}
	patterns := map[string][]cells.Pattern{}
	for lk, k := range pb.keys {
		if derivedKeys[lk] || pb.public && restrictingKeys[lk] {
			continue
		}
		typ, typed := pb.cat.KeyType(k.name)
		scal, pats := scalarCells(k, typ, typed, pb.subst, &pb.und)
		// A key other values name as a variable may equal them.
		scalars[lk] = uniq(append(scal, pb.subst(lk)...))
		patterns[lk] = pats
	}
	for lk, k := range pb.keys {
		if derivedKeys[lk] {
			continue
		}
		if pb.public && restrictingKeys[lk] {
			k.cands = []value{{missing: true}}
			continue
		}
		scal := scalars[lk]
		if members := pb.groups[pb.groupOf[lk]]; len(members) > 1 {
			var pats []cells.Pattern
			for _, m := range members {
				scal = append(scal, scalars[m]...)
				pats = append(pats, patterns[m]...)
			}
			scal = uniq(scal)
			scal = uniq(append(scal, twins(scal, pats)...))
			if len(members) > 2 {
				pb.und.add("policy variables joining %d keys (%s)", len(members), strings.Join(members, ", "))
			}
		}
		if k.multi {
			k.cands = setCells(k, scal, &pb.und)
			continue
		}
		k.cands = nil
		if !alwaysPresent[lk] {
			k.cands = append(k.cands, value{missing: true})
		}
		for _, s := range scal {
			k.cands = append(k.cands, value{vals: []string{s}})
		}
	}
}

// alwaysPresent are the keys every request has (and simulate sets when
// the input does not): they are never missing.
var alwaysPresent = map[string]bool{
	"aws:currenttime": true, "aws:epochtime": true, "aws:resourceaccount": true, "aws:requestedregion": true,
}

// assignment is one value per key of a group.
type assignment map[string]value

const maxAssignments = 20000

func (pb *problem) assignments(g int) []assignment {
	out := []assignment{{}}
	for _, lk := range pb.groups[g] {
		k := pb.keys[lk]
		if derivedKeys[lk] {
			continue
		}
		var next []assignment
		for _, a := range out {
			for _, c := range k.cands {
				b := assignment{}
				for x, y := range a {
					b[x] = y
				}
				b[lk] = c
				next = append(next, b)
				if len(next) > maxAssignments {
					pb.und.add("the combined values of keys %s", strings.Join(pb.groups[g], ", "))
					return next
				}
			}
		}
		out = next
	}
	return out
}

func (pb *problem) context(p eval.Principal, as ...assignment) *eval.Context {
	ctx := eval.NewContext()
	for _, a := range as {
		for lk, v := range a {
			if v.missing {
				continue
			}
			ctx.Set(pb.keys[lk].name, v.vals...)
		}
	}
	p.AddToContext(ctx)
	return ctx
}

// actionClass is a set of actions no policy pattern and no resource type
// tells apart, represented by its first action.
type actionClass struct {
	name      string
	templates []string // ARN formats as globs
	star      bool     // the action may be authorized on "*"
	known     bool
	sig       string
}

func (pb *problem) actionClasses() []*actionClass {
	type pat struct {
		lower string
		svc   string // the literal service prefix, or "" when it has wildcards
	}
	mk := func(text string) pat {
		l := strings.ToLower(text)
		svc, _, _ := strings.Cut(l, ":")
		if strings.ContainsAny(svc, "*?") || !strings.Contains(l, ":") {
			svc = ""
		}
		return pat{lower: l, svc: svc}
	}
	var pats []pat
	seenPat := map[string]bool{}
	literal := map[string]string{}
	// services the new policy's Allow statements may take; nil: any.
	services := map[string]bool{}
	anyService := false
	for _, s := range pb.stmts {
		if s.src.Action == nil {
			anyService = anyService || s.side == newSide && !s.deny
			continue
		}
		for _, v := range s.src.Action.Values {
			p := mk(v.Text)
			if !seenPat[p.lower] {
				seenPat[p.lower] = true
				pats = append(pats, p)
			}
			if !strings.ContainsAny(v.Text, "*?") {
				literal[p.lower] = v.Text
			}
			if s.side == newSide && !s.deny {
				if s.src.Action.Not || p.svc == "" {
					anyService = true
				}
				services[p.svc] = true
			}
		}
	}
	wantService := func(prefix string) bool {
		prefix = strings.ToLower(prefix)
		if len(pb.actionPrefix) > 0 {
			ok := false
			for _, p := range pb.actionPrefix {
				ok = ok || p == prefix
			}
			if !ok {
				return false
			}
		}
		if len(pb.onlyActions) > 0 {
			ok := false
			for _, a := range pb.onlyActions {
				p := mk(a)
				ok = ok || p.svc == "" || p.svc == prefix
			}
			if !ok {
				return false
			}
		}
		return anyService || services[prefix]
	}
	inScope := func(name string) bool {
		if len(pb.onlyActions) == 0 {
			return true
		}
		for _, a := range pb.onlyActions {
			if catalog.MatchAction(a, name) {
				return true
			}
		}
		return false
	}
	takenByNew := func(name string) bool {
		for _, s := range pb.stmts {
			if s.side == newSide && !s.deny && s.takesAction(name) {
				return true
			}
		}
		return false
	}
	var universe []string
	known := map[string]*catalog.Action{}
	pb.cat.Services(func(svc *catalog.Service) bool {
		if !wantService(svc.Prefix) {
			return true
		}
		for _, a := range svc.Actions {
			n := a.FullName()
			if inScope(n) && takenByNew(n) {
				universe = append(universe, n)
				known[strings.ToLower(n)] = a
			}
		}
		return true
	})
	extra := []string{}
	for lk, orig := range literal {
		if known[lk] == nil && inScope(orig) && takenByNew(orig) {
			extra = append(extra, orig)
		}
	}
	for _, a := range pb.onlyActions {
		if !strings.ContainsAny(a, "*?") && known[strings.ToLower(a)] == nil && takenByNew(a) {
			extra = append(extra, a)
		}
	}
	sort.Strings(extra)
	universe = append(universe, uniqFold(extra)...)

	classes := map[string]*actionClass{}
	var order []*actionClass
	for _, name := range universe {
		lname := strings.ToLower(name)
		svc, _, _ := strings.Cut(lname, ":")
		sig := make([]byte, len(pats))
		for i, p := range pats {
			sig[i] = '0'
			if (p.svc == "" || p.svc == svc) && catalog.MatchAction(p.lower, lname) {
				sig[i] = '1'
			}
		}
		c := &actionClass{name: name, sig: string(sig)}
		if a := known[lname]; a != nil {
			c.known = true
			c.star = true
			for _, r := range a.Resources {
				c.templates = append(c.templates, templateGlob(r.Type.ARN))
				if r.Required {
					c.star = false
				}
			}
			if len(c.templates) == 0 {
				c.star = true
			}
			sort.Strings(c.templates)
		}
		k := c.sig + "|" + strings.Join(c.templates, " ")
		if c.known {
			k += "|k"
		}
		if c.star {
			k += "|*"
		}
		if _, ok := classes[k]; !ok {
			classes[k] = c
			order = append(order, c)
		}
	}
	return order
}

func uniqFold(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[strings.ToLower(s)] {
			seen[strings.ToLower(s)] = true
			out = append(out, s)
		}
	}
	return out
}

// templateGlob turns an ARN format such as
// arn:${Partition}:connect:${Region}:${Account}:instance/${InstanceId}
// into the glob every ARN of the type matches.
func templateGlob(format string) string {
	var b strings.Builder
	for {
		i := strings.Index(format, "${")
		if i < 0 {
			b.WriteString(format)
			return b.String()
		}
		j := strings.Index(format[i:], "}")
		if j < 0 {
			b.WriteString(format)
			return b.String()
		}
		b.WriteString(format[:i])
		b.WriteByte('*')
		format = format[i+j+1:]
	}
}

// resources returns the candidate request resources for an action class:
// for each of its resource types, the cells of the Resource patterns of
// the statements that take its actions together with the type's ARN
// format, kept when they are of the type. The engine's decision depends
// only on the policies' patterns, so one type at a time is complete.
func (pb *problem) resources(c *actionClass, cache map[string][]string) []string {
	if c.known && len(c.templates) == 0 {
		return []string{"*"}
	}
	var k strings.Builder
	var rel []*stmt
	for i, s := range pb.stmts {
		if s.src.Resource == nil || !s.takesAction(c.name) {
			continue
		}
		rel = append(rel, s)
		k.WriteString(strconv.Itoa(i))
		k.WriteByte(',')
	}
	classKey := k.String() + "#" + strings.Join(c.templates, " ")
	if c.known {
		classKey += "#k"
	}
	if c.star {
		classKey += "#*"
	}
	if out, ok := cache[classKey]; ok {
		return out
	}
	var pats []cells.Pattern
	var patTexts []string
	for _, s := range rel {
		for _, v := range s.src.Resource.Values {
			ps := expand(template(v, s.version, true), true, false, pb.subst, &pb.und)
			pats = append(pats, ps...)
			for range ps {
				patTexts = append(patTexts, v.Text)
			}
		}
	}
	for _, r := range pb.onlyResources {
		pats = append(pats, cells.Glob(r, false))
		patTexts = append(patTexts, r)
	}
	templates := c.templates
	if !c.known {
		templates = []string{""}
	}
	var out []string
	for _, t := range templates {
		key := k.String() + "|" + t
		reps, ok := cache[key]
		if !ok && t != "" {
			// Patterns of another service never match this type's ARNs.
			var live []cells.Pattern
			for i, p := range pats {
				if !p.IsStar() && sameService(patTexts[i], t) {
					live = append(live, p)
				}
			}
			if len(live) == 0 {
				reps, ok = []string{instance(t)}, true
				cache[key] = reps
			}
		}
		if !ok {
			all := pats
			if t != "" {
				all = append(pats[:len(pats):len(pats)], cells.Glob(t, false))
			}
			var complete bool
			reps, complete = pb.cells.ARNs(all)
			if !complete {
				pb.und.add("Resource patterns")
			}
			var keep []string
			for _, r := range reps {
				r = cells.Prettify(r, all)
				if t == "" || arn.Match(t, r) {
					keep = append(keep, r)
				}
			}
			reps = keep
			cache[key] = reps
		}
		out = append(out, reps...)
	}
	if !c.known || c.star {
		out = append(out, "*")
	}
	out = uniq(out)
	if len(pb.onlyResources) > 0 {
		var in []string
		for _, r := range out {
			for _, o := range pb.onlyResources {
				if arn.Match(o, r) {
					in = append(in, r)
					break
				}
			}
		}
		out = in
	}
	cache[classKey] = out
	return out
}

// takesAction reports whether the statement's Action/NotAction element
// matches the action.
func (s *stmt) takesAction(name string) bool {
	if s.src.Action == nil {
		return true
	}
	for _, v := range s.src.Action.Values {
		if catalog.MatchAction(v.Text, name) {
			return !s.src.Action.Not
		}
	}
	return s.src.Action.Not
}

// solve searches for new access, statement by statement of the new
// policy.
func (pb *problem) solve() []finding {
	var found []finding
	done := map[*stmt]bool{}
	var allows []*stmt
	for _, s := range pb.stmts {
		if s.side == newSide && !s.deny {
			allows = append(allows, s)
		}
	}
	if len(allows) == 0 {
		return nil
	}
	// Outer assignments: groups a Resource substitutes.
	outerAs := []assignment{{}}
	var outerIDs []int
	for g := range pb.outer {
		outerIDs = append(outerIDs, g)
	}
	sort.Ints(outerIDs)
	for _, g := range outerIDs {
		var next []assignment
		for _, a := range outerAs {
			for _, b := range pb.assignments(g) {
				m := assignment{}
				for x, y := range a {
					m[x] = y
				}
				for x, y := range b {
					m[x] = y
				}
				next = append(next, m)
			}
		}
		outerAs = next
	}
	resCache := map[string][]string{}
	groupAs := map[int][]assignment{}
	for gi := range pb.groups {
		if !pb.outer[gi] {
			groupAs[gi] = pb.assignments(gi)
		}
	}
	classes := pb.actionClasses()
	for pi, p := range pb.principal {
		base := make([]*eval.Context, len(outerAs))
		for oi, oa := range outerAs {
			base[oi] = pb.context(p, oa)
		}
		optCtx := map[optKey]*eval.Context{}
		for _, c := range classes {
			if len(done) == len(allows) || pb.samples > maxSamples {
				break
			}
			takes := false
			for _, s := range allows {
				takes = takes || !done[s] && s.takesAction(c.name)
			}
			if !takes {
				continue
			}
			for _, r := range pb.resources(c, resCache) {
				for oi, oa := range outerAs {
					if len(done) == len(allows) || pb.samples > maxSamples {
						break
					}
					req := &eval.Request{Principal: p, Action: c.name, Resource: r, Context: base[oi]}
					pb.setAccount(req)
					var rel []*stmt
					anyAllow := false
					for _, s := range pb.stmts {
						if pb.decide(s.core, req) {
							rel = append(rel, s)
							if s.side == newSide && !s.deny && !done[s] {
								anyAllow = true
							}
						}
					}
					if debug {
						println("req", c.name, r, len(rel), anyAllow)
					}
					if !anyAllow {
						continue
					}
					for ti, t := range rel {
						if t.side != newSide || t.deny || done[t] {
							continue
						}
						if cx := pb.search(p, c, r, oa, rel, ti, groupAs, func(g, ai int) *eval.Context {
							k := optKey{pi, oi, g, ai}
							ctx, ok := optCtx[k]
							if !ok {
								ctx = pb.context(p, oa, groupAs[g][ai])
								optCtx[k] = ctx
							}
							return ctx
						}); cx != nil {
							done[t] = true
							found = append(found, finding{st: t, req: cx})
						}
					}
				}
			}
		}
	}
	if pb.samples > maxSamples {
		pb.und.add("the search budget of %d engine decisions", maxSamples)
	}
	sort.Slice(found, func(i, j int) bool { return found[i].st.index < found[j].st.index })
	return found
}

func (pb *problem) setAccount(req *eval.Request) {
	if pb.pt != ResourcePolicy {
		// An identity-based policy alone decides a request in the
		// caller's own account.
		if req.Principal.Account != "" {
			req.ResourceAccount = req.Principal.Account
		}
		return
	}
	// The identity side allows everything; making the request
	// cross-account leaves the decision to the resource policy.
	req.ResourceAccount = "123456789012"
	if req.Principal.Account == req.ResourceAccount {
		req.ResourceAccount = "210987654321"
	}
	if req.Context != nil {
		req.Context.SetDefault("aws:ResourceAccount", req.ResourceAccount)
	}
}

// optKey names the context of one option of one group for one
// principal and outer assignment.
type optKey struct{ p, o, g, a int }

// search looks for context values under which rel[t] matches, no Deny of
// the new policy matches, and the existing policy does not allow.
func (pb *problem) search(p eval.Principal, c *actionClass, r string, oa assignment, rel []*stmt, t int, groupAs map[int][]assignment, optContext func(g, ai int) *eval.Context) *Counterexample {
	n := len(rel)
	type option struct {
		mask []bool
		a    assignment
	}
	var gids []int
	seenG := map[int]bool{}
	for _, s := range rel {
		for g := range s.groups {
			if !pb.outer[g] && !seenG[g] {
				seenG[g] = true
				gids = append(gids, g)
			}
		}
	}
	sort.Ints(gids)
	opts := make([][]option, len(gids))
	for i, g := range gids {
		byMask := map[string]bool{}
		for ai, a := range groupAs[g] {
			req := &eval.Request{Principal: p, Action: c.name, Resource: r, Context: optContext(g, ai)}
			pb.setAccount(req)
			mask := make([]bool, n)
			var k []byte
			for j, s := range rel {
				probe := s.groups[g]
				mask[j] = probe == nil || pb.decide(probe, req)
				if mask[j] {
					k = append(k, '1')
				} else {
					k = append(k, '0')
				}
			}
			if !mask[t] || byMask[string(k)] {
				continue
			}
			byMask[string(k)] = true
			opts[i] = append(opts[i], option{mask: mask, a: a})
		}
		if len(opts[i]) == 0 {
			return nil
		}
	}
	ok := func(m []bool) bool {
		if !m[t] {
			return false
		}
		existingAllows, existingDenies := false, false
		for j, s := range rel {
			if !m[j] {
				continue
			}
			switch {
			case s.side == newSide && s.deny:
				return false
			case s.side == existingSide && s.deny:
				existingDenies = true
			case s.side == existingSide:
				existingAllows = true
			}
		}
		return !existingAllows || existingDenies
	}
	chosen := make([]assignment, len(gids))
	failed := map[string]bool{}
	var dfs func(i int, m []bool) *Counterexample
	dfs = func(i int, m []bool) *Counterexample {
		if pb.samples > maxSamples {
			return nil
		}
		if i == len(gids) {
			if !ok(m) {
				return nil
			}
			as := append([]assignment{oa}, chosen...)
			req := &eval.Request{Principal: p, Action: c.name, Resource: r, Context: pb.context(p, as...)}
			pb.setAccount(req)
			if !pb.decide(pb.newP.compiled, req) || !pb.decide(rel[t].full, req) {
				return nil
			}
			if pb.existing != nil && pb.decide(pb.existing.compiled, req) {
				return nil
			}
			return pb.counterexample(req, as)
		}
		key := make([]byte, 0, n+4)
		key = append(key, byte(i))
		for _, b := range m {
			if b {
				key = append(key, '1')
			} else {
				key = append(key, '0')
			}
		}
		if failed[string(key)] {
			return nil
		}
		for _, o := range opts[i] {
			next := make([]bool, n)
			for j := range m {
				next[j] = m[j] && o.mask[j]
			}
			chosen[i] = o.a
			if cx := dfs(i+1, next); cx != nil {
				return cx
			}
		}
		failed[string(key)] = true
		return nil
	}
	// Conditions on the keys a Resource substitutes are fixed by oa.
	all := make([]bool, n)
	req := &eval.Request{Principal: p, Action: c.name, Resource: r, Context: pb.context(p, oa)}
	pb.setAccount(req)
	for j, s := range rel {
		all[j] = true
		for g, probe := range s.groups {
			if pb.outer[g] && !pb.decide(probe, req) {
				all[j] = false
			}
		}
	}
	return dfs(0, all)
}

var debug = false

// inUniverse reports whether a request for action on resource is one the
// checks consider: an action the catalog does not know takes any
// resource; a known one takes ARNs of its resource types, and "*" when
// none of them is required.
func inUniverse(cat *catalog.Catalog, action, resource string) bool {
	a, ok := cat.Action(action)
	if !ok {
		return true
	}
	star := true
	for _, r := range a.Resources {
		if r.Required {
			star = false
		}
		if resource != "*" && arn.Match(templateGlob(r.Type.ARN), resource) {
			return true
		}
	}
	return resource == "*" && star
}

// sameService reports whether the Resource pattern may match ARNs of the
// glob t (an ARN format): false only when both name different literal
// services.
func sameService(pattern, t string) bool {
	pf, ok1 := arn.Split(pattern)
	tf, ok2 := arn.Split(t)
	if !ok1 || !ok2 || strings.ContainsAny(pf[2], "*?$") || strings.ContainsAny(tf[2], "*?") {
		return true
	}
	return pf[2] == tf[2]
}

// instance returns an ARN of the format glob t.
func instance(t string) string {
	f, ok := arn.Split(t)
	if !ok {
		return strings.ReplaceAll(t, "*", "example")
	}
	for i, v := range []string{"arn", "aws", "", "us-east-1", "111122223333", ""} {
		if f[i] == "*" && v != "" {
			f[i] = v
		}
	}
	for i := range f {
		f[i] = strings.ReplaceAll(f[i], "*", "example")
	}
	return strings.Join(f[:], ":")
}
