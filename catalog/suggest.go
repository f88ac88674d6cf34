package catalog

import (
	"cmp"
	"github.com/connect-iam/connect-iam/internal/suggest"
	"slices"
	"strings"
)

// maxSuggestions bounds the length of Suggest's answer.
const maxSuggestions = 5

// Suggest returns "did you mean" candidates for a name the catalog does not
// know, nearest first (by edit distance, counting a transposition of two
// adjacent letters as one edit). It understands the forms the catalog's
// lookups take:
//
//   - a service prefix: "app-integartions" → "app-integrations";
//   - an action or condition key, fixing the service, the name after the
//     colon, or both: "conect:CreateUsr" → "connect:CreateUser",
//     "app-integrations::ListEventIntegrations" →
//     "app-integrations:ListEventIntegrations", "aws:SourceIP" is found as
//     is, "aws:RequestTags/Owner" → "aws:RequestTag/Owner";
//   - an action pattern with wildcards, fixing only the service:
//     "conect:Describe*" → "connect:Describe*";
//   - a global key written with a service prefix:
//     "connect:ResourceTag/Owner" → "aws:ResourceTag/Owner";
//   - an ARN, fixing its service namespace.
//
// Suggest returns nil when nothing is near enough.
func (c *Catalog) Suggest(name string) []string {
	if rest, ok := strings.CutPrefix(name, "arn:"); ok {
		return c.suggestARN(rest)
	}
	colon := strings.IndexByte(name, ':')
	if colon < 0 {
		return c.suggestFrom(name, c.Prefixes(), func(p string) string { return p })
	}
	svc, rest := name[:colon], name[colon+1:]
	if strings.EqualFold(svc, "aws") {
		return c.suggestGlobal(rest)
	}

	type cand struct {
		s    string
		dist int
	}
	var cands []cand
	services := c.nearServices(svc)
	for _, ns := range services {
		if hasWildcard(rest) {
			if len(c.ExpandActions(ns.prefix+":"+rest)) > 0 {
				cands = append(cands, cand{ns.prefix + ":" + rest, ns.dist})
			}
			continue
		}
		s := c.slot(c.byPrefix[ns.prefix])
		limit := suggest.Threshold(len(rest))
		lr := strings.ToLower(rest)
		for _, a := range s.Actions {
			if d := suggest.Distance(lr, a.lower, limit); d <= limit {
				cands = append(cands, cand{a.fullName, ns.dist + d})
			}
		}
		for _, k := range s.ConditionKeys {
			kn := k.Name
			if kc := strings.IndexByte(kn, ':'); kc >= 0 && strings.EqualFold(kn[:kc], s.Prefix) {
				kn = kn[kc+1:]
			} else {
				continue // global keys are suggested under aws:
			}
			if d := suggest.Distance(lr, strings.ToLower(kn), limit); d <= limit {
				cands = append(cands, cand{k.Name, ns.dist + d})
			}
		}
	}
	// A global key written with a service prefix, as some documentation
	// does ("connect:ResourceTag/Owner"): suggest the aws: form.
	if k, ok := globalKey("aws:" + strings.ToLower(rest)); ok && !hasWildcard(rest) {
		if k.IsTemplate() {
			cands = append(cands, cand{"aws:" + rest, 1})
		} else {
			cands = append(cands, cand{k.Name, 1})
		}
	}
	slices.SortFunc(cands, func(a, b cand) int {
		return cmp.Or(cmp.Compare(a.dist, b.dist), cmp.Compare(a.s, b.s))
	})
	var out []string
	for _, cd := range cands {
		if cd.dist == 0 || slices.Contains(out, cd.s) {
			continue // the name itself is not a suggestion
		}
		out = append(out, cd.s)
		if len(out) == maxSuggestions {
			break
		}
	}
	return out
}

type nearService struct {
	prefix string
	dist   int
}

// nearServices returns the service itself when svc is a prefix, or else the
// prefixes within the edit-distance threshold of svc, nearest first.
func (c *Catalog) nearServices(svc string) []nearService {
	ls := strings.ToLower(svc)
	if _, ok := c.byPrefix[ls]; ok {
		return []nearService{{ls, 0}}
	}
	limit := suggest.Threshold(len(ls))
	var out []nearService
	for i := range c.slots {
		p := c.slots[i].prefix
		if d := suggest.Distance(ls, p, limit); d <= limit {
			out = append(out, nearService{p, d})
		}
	}
	slices.SortFunc(out, func(a, b nearService) int {
		return cmp.Or(cmp.Compare(a.dist, b.dist), cmp.Compare(a.prefix, b.prefix))
	})
	if len(out) > 3 {
		out = out[:3]
	}
	return out
}

// suggestGlobal suggests global keys for the part of an aws: key after the
// colon. For a template key the part before the "/" is compared and the
// user's suffix kept: "RequestTags/Owner" → "aws:RequestTag/Owner".
func (c *Catalog) suggestGlobal(rest string) []string {
	head, suffix, hasSlash := strings.Cut(rest, "/")
	type cand struct {
		s    string
		dist int
	}
	var cands []cand
	for _, k := range globals.list {
		kn := strings.TrimPrefix(k.Name, "aws:")
		if k.IsTemplate() {
			kh, _, _ := strings.Cut(kn, "/")
			if !hasSlash || suffix == "" {
				suffix = "${TagKey}"
			}
			limit := suggest.Threshold(len(head))
			if d := suggest.Distance(strings.ToLower(head), strings.ToLower(kh), limit); d <= limit {
				cands = append(cands, cand{"aws:" + kh + "/" + suffix, d})
			}
			continue
		}
		limit := suggest.Threshold(len(rest))
		if d := suggest.Distance(strings.ToLower(rest), strings.ToLower(kn), limit); d <= limit {
			cands = append(cands, cand{k.Name, d})
		}
	}
	slices.SortFunc(cands, func(a, b cand) int {
		return cmp.Or(cmp.Compare(a.dist, b.dist), cmp.Compare(a.s, b.s))
	})
	var out []string
	for _, cd := range cands {
		if cd.dist == 0 && strings.EqualFold(cd.s, "aws:"+rest) {
			continue
		}
		out = append(out, cd.s)
		if len(out) == maxSuggestions {
			break
		}
	}
	return out
}

// suggestARN suggests ARNs with the service namespace corrected, for the
// part of an ARN after "arn:".
func (c *Catalog) suggestARN(rest string) []string {
	parts := strings.SplitN(rest, ":", 3)
	if len(parts) < 3 {
		return nil
	}
	svc := parts[1]
	if _, ok := c.arnOwners[svc]; ok {
		return nil
	}
	namespaces := make([]string, 0, len(c.arnOwners))
	for ns := range c.arnOwners {
		namespaces = append(namespaces, ns)
	}
	slices.Sort(namespaces)
	fix := c.suggestFrom(svc, namespaces, func(s string) string { return s })
	out := make([]string, len(fix))
	for i, ns := range fix {
		out[i] = "arn:" + parts[0] + ":" + ns + ":" + parts[2]
	}
	return out
}

// suggestFrom returns the candidates within the threshold of name, nearest
// first, at most maxSuggestions of them, excluding name itself.
func (c *Catalog) suggestFrom(name string, candidates []string, key func(string) string) []string {
	ln := strings.ToLower(name)
	limit := suggest.Threshold(len(ln))
	type cand struct {
		s    string
		dist int
	}
	var cands []cand
	for _, s := range candidates {
		if d := suggest.Distance(ln, strings.ToLower(key(s)), limit); d > 0 && d <= limit {
			cands = append(cands, cand{s, d})
		}
	}
	slices.SortFunc(cands, func(a, b cand) int {
		return cmp.Or(cmp.Compare(a.dist, b.dist), cmp.Compare(a.s, b.s))
	})
	var out []string
	for _, cd := range cands[:min(len(cands), maxSuggestions)] {
		out = append(out, cd.s)
	}
	return out
}
