package validate

import (
	"github.com/connect-iam/connect-iam/internal/suggest"
	"sort"
	"strings"
)

// closest returns up to n candidates nearest to s by edit distance,
// ignoring case: those at the smallest distance found, which must be at
// most a third of s's length (at least 2).
func closest(s string, candidates []string, n int) []string {
	ls := strings.ToLower(s)
	limit := max(2, len(ls)/3)
	type cand struct {
		name string
		d    int
	}
	var found []cand
	for _, c := range candidates {
		lc := strings.ToLower(c)
		if d := suggest.Distance(ls, lc, limit); d <= limit {
			found = append(found, cand{c, d})
		}
	}
	sort.SliceStable(found, func(i, j int) bool {
		if found[i].d != found[j].d {
			return found[i].d < found[j].d
		}
		return found[i].name < found[j].name
	})
	var out []string
	// Only the nearest names: a farther one is rarely what was meant.
	for i := 0; i < len(found) && i < n && found[i].d == found[0].d; i++ {
		out = append(out, found[i].name)
	}
	if len(out) == 0 && len(ls) >= 6 {
		// No near spelling: try names that contain every letter of s in
		// order (a word left out, as in UpdateDialerConfig for
		// UpdateCampaignDialerConfig), shortest first.
		for _, c := range candidates {
			if isSubsequence(ls, strings.ToLower(c)) && len(c) <= 2*len(ls) {
				found = append(found, cand{c, len(c)})
			}
		}
		sort.SliceStable(found, func(i, j int) bool { return found[i].d < found[j].d })
		for i := 0; i < len(found) && i < n; i++ {
			out = append(out, found[i].name)
		}
	}
	return out
}

// isSubsequence reports whether the bytes of a appear in b in order.
func isSubsequence(a, b string) bool {
	i := 0
	for j := 0; j < len(b) && i < len(a); j++ {
		if a[i] == b[j] {
			i++
		}
	}
	return i == len(a)
}

// didYouMean formats suggestions for a message: ` Did you mean "a"?` or
// ` Did you mean "a" or "b"?`, or "" without suggestions.
func didYouMean(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return ` Did you mean "` + s[0] + `"?`
	}
	q := make([]string, len(s))
	for i, x := range s {
		q[i] = `"` + x + `"`
	}
	return " Did you mean " + strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1] + "?"
}
