package catalog

import (
	"strings"

	"github.com/connect-iam/connect-iam/arn"
)

// ExpandActions returns the actions that the Action-element pattern matches,
// in service-prefix order and then action-name order. The pattern is
// "service:Action" where both parts may hold the wildcards * (any run of
// characters) and ? (one character), matched case-insensitively, as IAM
// matches the Action element: "connect:Describe*", "connect:*User*",
// "*:List*". The pattern "*" matches every action. A pattern without a
// colon (other than "*") matches nothing.
//
// Patterns with a wildcard in the service part decode every matching
// service.
func (c *Catalog) ExpandActions(pattern string) []*Action {
	if pattern == "*" {
		pattern = "*:*"
	}
	colon := strings.IndexByte(pattern, ':')
	if colon < 0 {
		return nil
	}
	svcPat := strings.ToLower(pattern[:colon])
	actPat := strings.ToLower(pattern[colon+1:])
	var out []*Action
	each := func(s *Service) {
		if !hasWildcard(actPat) {
			if a, ok := s.actions[actPat]; ok {
				out = append(out, a)
			}
			return
		}
		for _, a := range s.Actions {
			if glob(actPat, a.lower) {
				out = append(out, a)
			}
		}
	}
	if !hasWildcard(svcPat) {
		if i, ok := c.byPrefix[svcPat]; ok {
			each(c.slot(i))
		}
		return out
	}
	for i := range c.slots {
		if glob(svcPat, c.slots[i].prefix) {
			each(c.slot(i))
		}
	}
	return out
}

// MatchAction reports whether the Action-element pattern matches the action
// named name ("service:Action"), case-insensitively, without consulting the
// catalog: it is the matching rule ExpandActions applies.
func MatchAction(pattern, name string) bool {
	if pattern == "*" {
		return true
	}
	var pb, nb [128]byte
	return glob(string(lowerInto(pb[:0], pattern)), string(lowerInto(nb[:0], name)))
}

func hasWildcard(s string) bool { return strings.ContainsAny(s, "*?") }

// glob is the project's one glob implementation, arn.Glob: "*" matches
// any run of characters and "?" exactly one. Callers lower-case both sides.
func glob(pattern, s string) bool { return arn.Glob(pattern, s) }
