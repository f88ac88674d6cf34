// Package suggest finds the "did you mean" candidates that connect-iam's
// error messages and findings offer for a misspelt name: a command, an
// operator, an action, a service prefix, a condition key, an input field.
package suggest

import (
	"cmp"
	"slices"
	"strings"
)

// Distance returns the optimal-string-alignment distance between a and b:
// the number of insertions, deletions, substitutions and transpositions of
// adjacent bytes that turn one into the other. It stops early and returns
// limit+1 once the distance is known to exceed limit.
func Distance(a, b string, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	// Three rows: two back, previous, current.
	n := len(b) + 1
	rows := make([]int, 3*n)
	pp, prev, cur := rows[:n], rows[n:2*n], rows[2*n:]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, pp[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > limit {
			return limit + 1
		}
		pp, prev, cur = prev, cur, pp
	}
	return min(prev[len(b)], limit+1)
}

// Threshold is the largest distance at which a candidate is still a
// plausible typo of a name of length n: one edit for short names, up to
// three for long ones.
func Threshold(n int) int { return min(max(n/4, 1), 3) }

// Closest returns up to max candidates within Threshold(len(name)) of name,
// compared case-insensitively, nearest first and alphabetically among
// equals. A candidate equal to name (ignoring case) counts as a suggestion
// only when it differs in case, so "stringequals" suggests "StringEquals".
func Closest(name string, candidates []string, max int) []string {
	ln := strings.ToLower(name)
	limit := Threshold(len(ln))
	type cand struct {
		s    string
		dist int
	}
	var cands []cand
	for _, c := range candidates {
		if c == name {
			continue
		}
		if d := Distance(ln, strings.ToLower(c), limit); d <= limit {
			cands = append(cands, cand{c, d})
		}
	}
	slices.SortFunc(cands, func(a, b cand) int {
		return cmp.Or(cmp.Compare(a.dist, b.dist), cmp.Compare(a.s, b.s))
	})
	out := make([]string, 0, min(len(cands), max))
	for _, c := range cands[:min(len(cands), max)] {
		out = append(out, c.s)
	}
	return out
}

// Best returns the nearest candidate as Closest finds it, or "".
func Best(name string, candidates []string) string {
	if s := Closest(name, candidates, 1); len(s) > 0 {
		return s[0]
	}
	return ""
}
