package awsquery

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/connect-iam/connect-iam/internal/apimodel"
)

// Validate checks the request's parameters against the input shape of
// operation op of model m, as AWS's front end does before the operation
// runs: required members, integer and boolean syntax, string and list
// lengths, value ranges, enums and patterns, recursively through lists
// (X.member.N), maps (X.entry.N.key/value) and structures (X.Field). It
// records the violations, reported with the handler's own by
// [Request.Err]; a violation the handler records again is listed once.
func (req *Request) Validate(m *apimodel.Model, op *apimodel.Operation) {
	in := m.Input(op)
	req.structure(m, in, "")
}

// join appends a member to a wire prefix.
func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// hasPrefix reports whether any parameter is name or starts with name+".".
func (req *Request) hasPrefix(name string) bool {
	if _, ok := req.params[name]; ok {
		return true
	}
	p := name + "."
	for k := range req.params {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

func (req *Request) structure(m *apimodel.Model, sh *apimodel.Shape, prefix string) {
	for _, name := range sh.MemberNames() {
		mb := sh.Members[name]
		wire := join(prefix, mb.WireName(name))
		msh := m.Shape(mb.Shape)
		if msh == nil {
			continue
		}
		if !req.hasPrefix(wire) {
			if sh.IsRequired(name) {
				req.violate("null", wire, "Member must not be null")
			}
			continue
		}
		req.value(m, msh, wire)
	}
}

func (req *Request) value(m *apimodel.Model, sh *apimodel.Shape, wire string) {
	switch sh.Type {
	case "structure":
		req.structure(m, sh, wire)
	case "list":
		item := "member"
		if sh.Member != nil && sh.Member.LocationName != "" {
			item = sh.Member.LocationName
		}
		prefix := wire + "." + item + "."
		if sh.Flattened {
			prefix = wire + "."
		}
		n := req.count(prefix)
		req.size(sh, wire, n, "length")
		if sh.Member == nil {
			return
		}
		if esh := m.Shape(sh.Member.Shape); esh != nil {
			for i := 1; i <= n; i++ {
				req.value(m, esh, prefix+strconv.Itoa(i))
			}
		}
	case "map":
		prefix := wire + ".entry."
		n := req.count(prefix)
		req.size(sh, wire, n, "length")
		for i := 1; i <= n; i++ {
			for _, kv := range []struct {
				mb   *apimodel.Member
				name string
			}{{sh.Key, "key"}, {sh.Value, "value"}} {
				if kv.mb == nil {
					continue
				}
				if esh := m.Shape(kv.mb.Shape); esh != nil {
					req.value(m, esh, prefix+strconv.Itoa(i)+"."+kv.mb.WireName(kv.name))
				}
			}
		}
	case "string":
		v, ok := req.params[wire]
		if !ok {
			return
		}
		n := utf8.RuneCountInString(v)
		switch {
		case sh.Min != nil && float64(n) < *sh.Min:
			req.violate(quote(v), wire, fmt.Sprintf("Member must have length greater than or equal to %d", int(*sh.Min)))
		case sh.Max != nil && float64(n) > *sh.Max:
			req.violate(quote(v), wire, fmt.Sprintf("Member must have length less than or equal to %d", int(*sh.Max)))
		}
		if len(sh.Enum) > 0 && !contains(sh.Enum, v) {
			req.violate(quote(v), wire, "Member must satisfy enum value set: ["+strings.Join(sh.Enum, ", ")+"]")
		}
		if re := modelPattern(sh.Pattern); re != nil && !re.MatchString(v) {
			req.violate(quote(v), wire, "Member must satisfy regular expression pattern: "+sh.Pattern)
		}
	case "integer", "long":
		v, ok := req.params[wire]
		if !ok {
			return
		}
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			req.invalidValue(fmt.Sprintf("Invalid value %q for parameter %s: expected an integer.", v, wire))
			return
		}
		switch {
		case sh.Min != nil && float64(n) < *sh.Min:
			req.violate(quote(v), wire, fmt.Sprintf("Member must have value greater than or equal to %d", int64(*sh.Min)))
		case sh.Max != nil && float64(n) > *sh.Max:
			req.violate(quote(v), wire, fmt.Sprintf("Member must have value less than or equal to %d", int64(*sh.Max)))
		}
	case "boolean":
		if v, ok := req.params[wire]; ok {
			switch strings.ToLower(v) {
			case "true", "false":
			default:
				req.invalidValue(fmt.Sprintf("Invalid value %q for parameter %s: expected true or false.", v, wire))
			}
		}
	case "timestamp":
		if v, ok := req.params[wire]; ok {
			if _, err := time.Parse(time.RFC3339Nano, v); err != nil {
				if _, err := strconv.ParseFloat(v, 64); err != nil {
					req.invalidValue(fmt.Sprintf("Invalid value %q for parameter %s: expected an ISO 8601 timestamp such as 2026-01-02T15:04:05Z.", v, wire))
				}
			}
		}
	}
}

// size records a length violation of a list or map of n entries.
func (req *Request) size(sh *apimodel.Shape, wire string, n int, what string) {
	switch {
	case sh.Min != nil && float64(n) < *sh.Min:
		req.Violate(wire, fmt.Sprintf("Member must have %s greater than or equal to %d", what, int(*sh.Min)))
	case sh.Max != nil && float64(n) > *sh.Max:
		req.Violate(wire, fmt.Sprintf("Member must have %s less than or equal to %d", what, int(*sh.Max)))
	}
}

// count returns the number of entries prefix1, prefix2, ... present (as a
// parameter or a parameter prefix), numbered from 1 without gaps; the
// handler's own list accessors report gaps.
func (req *Request) count(prefix string) int {
	n := 0
	for {
		if !req.hasPrefix(prefix + strconv.Itoa(n+1)) {
			return n
		}
		n++
	}
}

var modelPatterns sync.Map // model pattern → *regexp.Regexp, nil when RE2 cannot compile it

var reUnicodeEscape = regexp.MustCompile(`\\u([0-9A-Fa-f]{4})`)

// modelPattern compiles a model's pattern (a Java regular expression,
// matched in full here as AWS does): \uXXXX escapes become \x{XXXX}. A
// pattern RE2 cannot compile (a look-ahead) is not checked.
func modelPattern(p string) *regexp.Regexp {
	if p == "" {
		return nil
	}
	if re, ok := modelPatterns.Load(p); ok {
		r, _ := re.(*regexp.Regexp)
		return r
	}
	src := reUnicodeEscape.ReplaceAllString(p, `\x{$1}`)
	src = strings.TrimSuffix(strings.TrimPrefix(src, "^"), "$")
	re, err := regexp.Compile(`^(?:` + src + `)$`)
	if err != nil {
		re = nil
	}
	modelPatterns.Store(p, re)
	return re
}
