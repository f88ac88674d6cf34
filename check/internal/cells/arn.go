package cells

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
			r, ok := Strings(append(fp, nonEmpty), exclude)
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
