package cells

import "strings"

// splitARN splits a pattern at its first five colons, as package arn
// splits ARNs and ARN patterns. ok is false for a pattern with fewer.
func splitARN(p Pattern) (fields [6]Pattern, ok bool) {
	f := 0
	for _, t := range p.Toks {
		if f < 5 && t.Kind == TokChar && t.R == ':' {
			f++
			continue
		}
		fields[f].Toks = append(fields[f].Toks, t)
	}
	for i := range fields {
		fields[i].Fold = p.Fold
	}
	return fields, f == 5
}

// IsStar reports whether p is the bare "*", which matches every value.
func (p Pattern) IsStar() bool {
	return len(p.Toks) == 1 && p.Toks[0].Kind == TokStar
}

// ARNs returns representative ARNs for patterns matched field by field as
// package arn does (the first five fields never contain a colon; the
// sixth, resource, field may). Every ARN with a non-empty partition,
// service and resource matches exactly the patterns one of the
// representatives matches. A pattern that is not an ARN pattern (fewer
// than five colons) other than "*" makes the answer incomplete.
func ARNs(pats []Pattern) (reps []string, complete bool) {
	return (*Cache)(nil).ARNs(pats)
}

// ARNs is [ARNs] with the per-field cells memoized in c (which may be nil).
func (c *Cache) ARNs(pats []Pattern) (reps []string, complete bool) {
	complete = true
	var split [][6]Pattern
	for _, p := range pats {
		if p.IsStar() {
			continue
		}
		f, ok := splitARN(p)
		if !ok {
			complete = false
			continue
		}
		split = append(split, f)
	}
	type partial struct {
		text  string
		alive []bool
	}
	all := make([]bool, len(split))
	for i := range all {
		all[i] = true
	}
	parts := []partial{{alive: all}}
	nonEmpty := Glob("?*", false)
	for field := 0; field < 6; field++ {
		fp := make([]Pattern, 0, len(split)+2)
		for _, f := range split {
			fp = append(fp, f[field])
		}
		exclude := ":"
		if field == 5 {
			exclude = ""
		}
		var vals []string
		if field == 0 {
			// A request's resource is an ARN: its first field is "arn".
			vals = []string{"arn"}
		} else {
			r, ok := c.Strings(append(fp, nonEmpty), exclude)
			complete = complete && ok
			vals = r
		}
		seen := map[string]bool{}
		var next []partial
		for _, pt := range parts {
			for _, v := range vals {
				if (field == 1 || field == 2 || field == 5) && v == "" {
					continue
				}
				alive := make([]bool, len(split))
				var k []byte
				for i := range split {
					alive[i] = pt.alive[i] && split[i][field].Match(v)
					if alive[i] {
						k = append(k, '1')
					} else {
						k = append(k, '0')
					}
				}
				if seen[string(k)] {
					continue
				}
				seen[string(k)] = true
				text := v
				if field > 0 {
					text = pt.text + ":" + v
				}
				next = append(next, partial{text: text, alive: alive})
			}
		}
		parts = next
	}
	for _, pt := range parts {
		reps = append(reps, pt.text)
	}
	return reps, complete
}

// MatchARN reports whether s matches p as package arn matches a Resource
// pattern: "*" matches everything; an ARN pattern field by field; any
// other pattern as a glob of the whole value.
func MatchARN(p Pattern, s string) bool {
	if p.IsStar() {
		return true
	}
	pf, ok := splitARN(p)
	if !ok {
		return p.Match(s)
	}
	vf := strings.SplitN(s, ":", 6)
	if len(vf) != 6 {
		return false
	}
	for i := range pf {
		if !pf[i].Match(vf[i]) {
			return false
		}
	}
	return true
}

// Prettify returns a value that matches exactly the patterns rep matches
// but reads like a real ARN where it can: partition aws, a region, an
// account, and names in empty path segments of the resource.
func Prettify(rep string, pats []Pattern) string {
	f := strings.SplitN(rep, ":", 6)
	if len(f) != 6 {
		return rep
	}
	sig := func(s string) string {
		b := make([]byte, len(pats))
		for i, p := range pats {
			b[i] = '0'
			if MatchARN(p, s) {
				b[i] = '1'
			}
		}
		return string(b)
	}
	want := sig(rep)
	try := func(g []string) bool {
		s := strings.Join(g, ":")
		if sig(s) == want {
			copy(f, g)
			return true
		}
		return false
	}
	for _, c := range []struct {
		field int
		val   string
	}{{1, "aws"}, {3, "us-east-1"}, {4, "111122223333"}} {
		if f[c.field] == c.val {
			continue
		}
		g := append([]string(nil), f...)
		g[c.field] = c.val
		if c.field == 1 || g[c.field] != "" && f[c.field] == "" || f[c.field] == "" {
			try(g)
		}
	}
	// Fill empty path segments of the resource field.
	for i := 0; i < 8; i++ {
		r := f[5]
		var next string
		switch {
		case strings.Contains(r, "//"):
			next = strings.Replace(r, "//", "/example/", 1)
		case strings.HasSuffix(r, "/"):
			next = r + "example"
		default:
			i = 8
			continue
		}
		g := append([]string(nil), f...)
		g[5] = next
		if !try(g) {
			break
		}
	}
	return strings.Join(f, ":")
}
