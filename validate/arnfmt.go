package validate

import (
	"regexp"
	"strings"
)

// Wildcard bytes in the pattern strings that globIntersect compares.
const (
	wAny = '\x00' // "*" or a placeholder: any run of characters
	wOne = '\x02' // "?": exactly one character
)

// arnPattern is a resource type's ARN format compiled for matching.
type arnPattern struct {
	ok       bool
	service  string
	region   bool   // the format has a region segment
	account  bool   // the format has an account segment
	acctLit  string // a literal account such as "aws", or ""
	resource string // resource part with wildcard bytes
}

// compileARNFormat compiles a format such as
// "arn:${Partition}:connect:${Region}:${Account}:instance/${InstanceId}".
// A placeholder matches any text: names such as log group names and
// object keys contain slashes and colons.
func compileARNFormat(format string) arnPattern {
	parts := strings.SplitN(format, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return arnPattern{}
	}
	p := arnPattern{ok: true, service: strings.ToLower(parts[2]), region: parts[3] != "", account: parts[4] != ""}
	if p.account && !strings.Contains(parts[4], "${") {
		p.acctLit = parts[4]
	}
	var b strings.Builder
	res := parts[5]
	for res != "" {
		i := strings.Index(res, "${")
		if i < 0 {
			b.WriteString(res)
			break
		}
		b.WriteString(res[:i])
		j := strings.IndexByte(res[i:], '}')
		if j < 0 {
			b.WriteString(res[i:])
			break
		}
		res = res[i+j+1:]
		b.WriteByte(wAny)
	}
	p.resource = b.String()
	return p
}

var variableRE = regexp.MustCompile(`\$\{[^}]*\}`)

// policyGlob converts a policy value (ARN segment) to a pattern string:
// * and ? become wildcard bytes, and policy variables (which may resolve
// to anything) become wAny. The escapes ${*}, ${?} and ${$} stay literal.
func policyGlob(s string) string {
	if strings.Contains(s, "${") {
		s = variableRE.ReplaceAllStringFunc(s, func(v string) string {
			switch v {
			case "${*}":
				return "*"
			case "${?}":
				return "?"
			case "${$}":
				return "$"
			}
			return string(rune(wAny))
		})
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case '*':
			return wAny
		case '?':
			return wOne
		}
		return r
	}, s)
}

// globIntersect reports whether some string matches both patterns a and
// b, each written with the wildcard bytes above.
func globIntersect(a, b string) bool {
	// The literal text before the first wildcard of each must agree:
	// most formats of a service differ there (instance/ vs queue/), which
	// this settles without the table below.
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] == wAny || b[i] == wAny || a[i] == wOne || b[i] == wOne {
			break
		}
		if a[i] != b[i] {
			return false
		}
	}
	var stack [512]int8
	n := (len(a) + 1) * (len(b) + 1)
	var memo []int8
	if n <= len(stack) {
		memo = stack[:n]
	} else {
		memo = make([]int8, n)
	}
	var f func(i, j int) bool
	f = func(i, j int) bool {
		k := i*(len(b)+1) + j
		if memo[k] != 0 {
			return memo[k] > 0
		}
		r := false
		switch {
		case i == len(a) && j == len(b):
			r = true
		case i < len(a) && a[i] == wAny:
			r = f(i+1, j) || (j < len(b) && f(i, j+1))
		case j < len(b) && b[j] == wAny:
			r = f(i, j+1) || (i < len(a) && f(i+1, j))
		case i < len(a) && j < len(b):
			r = (a[i] == b[j] || a[i] == wOne || b[j] == wOne) && f(i+1, j+1)
		}
		if r {
			memo[k] = 1
		} else {
			memo[k] = -1
		}
		return r
	}
	return f(0, 0)
}

// parsedARN is a Resource value split into its six fields.
type parsedARN struct {
	prefix, partition, service, region, account, resource string
	n                                                     int // number of fields found
}

// offsets returns the byte offset of each field in the value.
func (a *parsedARN) offsets() [6]int {
	var off [6]int
	fields := [...]string{a.prefix, a.partition, a.service, a.region, a.account, a.resource}
	for i := 1; i < 6; i++ {
		off[i] = off[i-1] + len(fields[i-1]) + 1
	}
	return off
}

func splitARN(s string) parsedARN {
	f := strings.SplitN(s, ":", 6)
	p := parsedARN{n: len(f)}
	dst := []*string{&p.prefix, &p.partition, &p.service, &p.region, &p.account, &p.resource}
	for i := range f {
		*dst[i] = f[i]
	}
	return p
}

// matchesType reports whether the ARN value (with wildcards) can designate
// a resource of the type.
func (a *parsedARN) matchesType(p *arnPattern) bool {
	if !p.ok || a.n < 6 {
		return false
	}
	if !globIntersect(policyGlob(strings.ToLower(a.service)), p.service) {
		return false
	}
	if !segmentFits(a.region, p.region, "") || !segmentFits(a.account, p.account, p.acctLit) {
		return false
	}
	return globIntersect(policyGlob(a.resource), p.resource)
}

// segmentFits reports whether a region or account segment of a value fits
// a format that has (present) or lacks the segment.
func segmentFits(v string, present bool, literal string) bool {
	if hasWildcard(v) {
		return true
	}
	if !present {
		return v == ""
	}
	if literal != "" {
		return v == literal
	}
	return v != ""
}

func hasWildcard(s string) bool { return strings.ContainsAny(s, "*?") || strings.Contains(s, "${") }
