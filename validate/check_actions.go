package validate

import (
	"strings"

	"github.com/connect-iam/connect-iam/arn"
	"github.com/connect-iam/connect-iam/policy"
)

// checkActions checks the Action/NotAction element and resolves the
// statement's actions in the catalog.
func (c *checker) checkActions(s *stmt) {
	b := s.Action
	if b == nil {
		return
	}
	bp := s.elem(actionName(b))
	if b.IsArray && len(b.Values) == 0 {
		c.report("EMPTY_ARRAY_ACTION", bp, b.Key, "The "+actionName(b)+" array is empty, so the statement applies to no action. Add actions or remove the statement.")
		return
	}
	for i := range b.Values {
		v := &b.Values[i]
		if v.Kind != policy.KindString {
			continue
		}
		c.checkAction(s, valuePath(bp, b.IsArray, i), v)
	}
	c.checkRedundantActions(s, b, bp)
}

// catalogActions returns the catalog actions the statement applies to:
// those its Action element matches, or all but those its NotAction
// element matches. It is computed on first use.
func (s *stmt) catalogActions() []*actionRef {
	if s.actionsDone || s.c.v.cat == nil || s.Action == nil {
		return s.actions
	}
	s.actionsDone = true
	cat := s.c.v.cat
	if s.Action.Not {
		lower := s.lowerActions()
		for _, p := range cat.prefixes {
			for _, ar := range cat.services[p].actionList {
				if !matchesLowered(lower, ar.lfull) {
					s.actions = append(s.actions, ar)
				}
			}
		}
		return s.actions
	}
	seen := map[*actionRef]bool{}
	for _, lv := range s.lowerActions() {
		svc, name, ok := strings.Cut(lv, ":")
		if !ok || strings.Contains(lv, "${") {
			continue
		}
		var svcs []*svcIndex
		if strings.ContainsAny(svc, "*?") {
			for _, p := range cat.prefixes {
				if globMatch(svc, p) {
					svcs = append(svcs, cat.services[p])
				}
			}
		} else if si := cat.services[svc]; si != nil {
			svcs = append(svcs, si)
		}
		for _, si := range svcs {
			if ar := si.actions[name]; ar != nil {
				if !seen[ar] {
					seen[ar] = true
					s.actions = append(s.actions, ar)
				}
				continue
			}
			if !strings.ContainsAny(name, "*?") {
				continue
			}
			for _, ar := range si.actionList {
				if !seen[ar] && globMatch(name, ar.lname) {
					seen[ar] = true
					s.actions = append(s.actions, ar)
				}
			}
		}
	}
	return s.actions
}

// lowerActions returns the statement's action values in lowercase (one
// per value, "" for non-strings), computed once, with an index of the
// exact values and the positions of the patterns with wildcards.
func (s *stmt) lowerActions() []string {
	if s.lowered == nil && s.Action != nil {
		s.lowered = make([]string, len(s.Action.Values))
		s.exact = make(map[string]int, len(s.Action.Values))
		for i, v := range s.Action.Values {
			if v.Kind != policy.KindString {
				continue
			}
			l := strings.ToLower(v.Text)
			s.lowered[i] = l
			if strings.ContainsAny(l, "*?") {
				s.wild = append(s.wild, i)
			} else if _, dup := s.exact[l]; !dup {
				s.exact[l] = i
			}
		}
	}
	return s.lowered
}

// actionIndex returns the index of the first action value that matches
// the lowercase action, or -1.
func (s *stmt) actionIndex(action string) int {
	s.lowerActions()
	best := -1
	if i, ok := s.exact[action]; ok {
		best = i
	}
	for _, i := range s.wild {
		if best >= 0 && i > best {
			break
		}
		if globMatch(s.lowered[i], action) {
			return i
		}
	}
	return best
}

// matchesLowered reports whether the lowercase action matches one of the
// lowercase patterns.
func matchesLowered(patterns []string, action string) bool {
	for _, p := range patterns {
		if p == action || (strings.ContainsAny(p, "*?") && globMatch(p, action)) {
			return true
		}
	}
	return false
}

// checkAction checks one action value and returns the catalog actions it
// matches.
func (c *checker) checkAction(s *stmt, vp path, v *policy.String) {
	text := v.Text
	if text == "*" || strings.Contains(text, "${") {
		return
	}
	svc, name, ok := strings.Cut(text, ":")
	if !ok || svc == "" || name == "" {
		var sugg []string
		if c.v.cat != nil && ok && name == "" {
			if si := c.v.cat.service(svc); si != nil {
				sugg = []string{si.prefix + ":*"}
			}
		}
		c.report("INVALID_ACTION", vp, v.Span, "The action "+quote(text)+" is not of the form service:ActionName (for example connect:DescribeUser)."+didYouMean(sugg), sugg...)
		return
	}
	if strings.ContainsAny(svc, "*?") {
		c.report("WILDCARD_IN_SERVICE_NAME", vp, v.Span, "The service name of "+quote(text)+" contains a wildcard, so the statement also applies to services AWS adds later. Name the services explicitly.")
		return
	}
	if c.v.resType != nil && !strings.EqualFold(svc, c.v.resType.service) {
		c.report("UNSUPPORTED_ACTION_IN_POLICY", vp, v.Span, "The action "+quote(text)+" is not supported in a resource-based policy attached to "+c.v.resType.name+": use actions of the "+c.v.resType.service+" service.")
	}
	if c.v.cat == nil {
		return
	}
	si := c.v.cat.service(svc)
	if si == nil {
		sugg := closest(svc, c.v.cat.prefixes, 3)
		full := make([]string, len(sugg))
		for i, x := range sugg {
			full[i] = x + ":" + name
		}
		c.report("INVALID_SERVICE_IN_ACTION", vp.sub(0, len(svc)), v.Span, "The service "+quote(svc)+" specified in the action "+quote(text)+" does not exist."+didYouMean(full), full...)
		return
	}
	if strings.Contains(name, ":") {
		fixed := si.prefix + ":" + strings.Trim(name, ":")
		var sugg []string
		if _, found := si.actions[strings.ToLower(strings.Trim(name, ":"))]; found || strings.ContainsAny(name, "*?") {
			sugg = []string{fixed}
		}
		c.report("INVALID_ACTION", vp, v.Span, "The action "+quote(text)+" has more than one colon: write service:ActionName with a single colon."+didYouMean(sugg), sugg...)
		return
	}
	if strings.ContainsAny(name, "*?") {
		lname := strings.ToLower(name)
		for _, ar := range si.actionList {
			if globMatch(lname, ar.lname) {
				return
			}
		}
		c.report("INVALID_ACTION", vp, v.Span, "The action pattern "+quote(text)+" matches no action of the service "+si.prefix+". Check the spelling of the action name.")
		return
	}
	ar := si.actions[strings.ToLower(name)]
	if ar == nil {
		sugg := closest(name, si.actionNames, 3)
		for i := range sugg {
			sugg[i] = si.prefix + ":" + sugg[i]
		}
		c.report("INVALID_ACTION", vp, v.Span, "The action "+quote(text)+" does not exist in the service "+si.prefix+"."+didYouMean(sugg), sugg...)
	}
}

// checkRedundantActions reports actions that another entry of the same
// element already matches.
func (c *checker) checkRedundantActions(s *stmt, b *policy.ValueBlock, bp path) {
	lower := s.lowerActions()
	for i := range b.Values {
		vi := &b.Values[i]
		if vi.Kind != policy.KindString {
			continue
		}
		// A duplicate is reported once, at its second occurrence.
		if first, ok := s.exact[lower[i]]; ok && first < i {
			c.reportRedundantAction(bp, b, i, first)
			continue
		}
		for _, j := range s.wild {
			if j == i {
				continue
			}
			if lower[j] == lower[i] && j < i || lower[j] != lower[i] && globMatch(lower[j], lower[i]) {
				c.reportRedundantAction(bp, b, i, j)
				break
			}
		}
	}
}

func (c *checker) reportRedundantAction(bp path, b *policy.ValueBlock, i, j int) {
	vi, vj := &b.Values[i], &b.Values[j]
	c.report("REDUNDANT_ACTION", valuePath(bp, b.IsArray, i), vi.Span,
		"The action "+quote(vi.Text)+" is redundant: "+quote(vj.Text)+" at line "+itoa(vj.Span.Start.Line)+" already matches it. Remove it.")
}

// matchesAnyAction reports whether an action ("svc:Name") matches one of
// a block's patterns.
func matchesAnyAction(b *policy.ValueBlock, action string) bool {
	for _, v := range b.Values {
		if v.Kind == policy.KindString && globMatchFold(v.Text, action) {
			return true
		}
	}
	return false
}

// globMatchFold matches s against a pattern with * and ?, ignoring case
// (action names are case-insensitive).
func globMatchFold(pattern, s string) bool {
	return arn.GlobFold(pattern, s) // ASCII case folding, without allocating
}

// globMatch matches s against a pattern where * matches any run of
// characters and ? exactly one.
func globMatch(pattern, s string) bool {
	px, sx := 0, 0
	starP, starS := -1, 0
	for sx < len(s) {
		switch {
		case px < len(pattern) && (pattern[px] == '?' || pattern[px] == s[sx]):
			px++
			sx++
		case px < len(pattern) && pattern[px] == '*':
			starP, starS = px, sx
			px++
		case starP >= 0:
			starS++
			px, sx = starP+1, starS
		default:
			return false
		}
	}
	for px < len(pattern) && pattern[px] == '*' {
		px++
	}
	return px == len(pattern)
}
