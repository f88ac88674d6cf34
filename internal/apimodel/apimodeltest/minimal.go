// Package apimodeltest builds requests from API models for tests: the
// minimal valid input of an operation (every required member, each value
// satisfying its shape's enum, length, pattern and range), and the HTTP
// request a REST-JSON client would send for it.
package apimodeltest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"regexp/syntax"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/connect-iam/connect-iam/internal/apimodel"
)

// Minimal returns the minimal valid value of the structure sh: its
// required members, recursively.
func Minimal(m *apimodel.Model, sh *apimodel.Shape) map[string]any {
	g := gen{m: m, prefix: m.Metadata.Signing()}
	v, _ := g.value(sh, "", 0).(map[string]any)
	return v
}

// Value returns a minimal valid value of sh for the member name.
func Value(m *apimodel.Model, sh *apimodel.Shape, name string) any {
	g := gen{m: m, prefix: m.Metadata.Signing()}
	return g.value(sh, name, 0)
}

type gen struct {
	m      *apimodel.Model
	prefix string // the service of ARNs
}

func (g gen) value(sh *apimodel.Shape, name string, depth int) any {
	if sh == nil {
		return "x"
	}
	switch sh.Type {
	case "structure":
		out := map[string]any{}
		if sh.Document {
			return out
		}
		if sh.Union {
			// The cheapest member: a scalar if there is one.
			best, cost := "", 1<<30
			for _, n := range sh.MemberNames() {
				if c := g.cost(g.m.Shape(sh.Members[n].Shape), 0); c < cost {
					best, cost = n, c
				}
			}
			if best != "" {
				out[best] = g.value(g.m.Shape(sh.Members[best].Shape), best, depth+1)
			}
			return out
		}
		for _, n := range sh.Required {
			if mb := sh.Members[n]; mb != nil {
				out[n] = g.value(g.m.Shape(mb.Shape), n, depth+1)
			}
		}
		return out
	case "list":
		// A required list has an element: an empty one cannot travel
		// in a query string, and services read it as missing.
		n := 1
		if sh.Min != nil {
			n = max(int(*sh.Min), 1)
		}
		items := []any{}
		for i := 0; i < n; i++ {
			items = append(items, g.value(g.m.Shape(sh.Member.Shape), name, depth+1))
		}
		return items
	case "map":
		out := map[string]any{}
		if sh.Min != nil && *sh.Min > 0 {
			k, _ := g.value(g.m.Shape(sh.Key.Shape), "key", depth+1).(string)
			out[k] = g.value(g.m.Shape(sh.Value.Shape), "value", depth+1)
		}
		return out
	case "integer", "long", "float", "double":
		v := 1.0
		if sh.Min != nil && *sh.Min > v {
			v = *sh.Min
		}
		if sh.Max != nil && *sh.Max < v {
			v = *sh.Max
		}
		return json.Number(strconv.FormatFloat(v, 'f', -1, 64))
	case "boolean":
		return false
	case "timestamp":
		return json.Number("1767225600")
	case "blob":
		return "eA=="
	}
	return g.string(sh, name)
}

// cost estimates the size of a shape's minimal value, to pick union
// members.
func (g gen) cost(sh *apimodel.Shape, depth int) int {
	if sh == nil || depth > 8 {
		return 1 << 20
	}
	switch sh.Type {
	case "structure":
		c := 1
		for _, n := range sh.Required {
			c += g.cost(g.m.Shape(sh.Members[n].Shape), depth+1)
		}
		return c + 1
	case "list", "map":
		if sh.Min != nil && *sh.Min > 0 {
			return 2 + g.cost(g.m.Shape(sh.Member.Shape), depth+1)
		}
		return 1
	}
	return 1
}

// String returns a string that satisfies sh's enum, length and pattern,
// shaped by the member name where the pattern leaves room (an ARN for
// ...Arn members).
func String(sh *apimodel.Shape, name string) string { return gen{prefix: "connect"}.string(sh, name) }

func (g gen) string(sh *apimodel.Shape, name string) string {
	if len(sh.Enum) > 0 {
		return sh.Enum[0]
	}
	lo, hi := 1, 1<<20
	if sh.Min != nil {
		lo = max(int(*sh.Min), 1)
	}
	if sh.Max != nil {
		hi = int(*sh.Max)
	}
	re := compile(sh.Pattern)
	full := compile(`^(?:` + strings.TrimSuffix(strings.TrimPrefix(sh.Pattern, "^"), "$") + `)$`)
	if re == nil {
		full = nil
	}
	okRe := func(s string, re *regexp.Regexp) bool {
		n := utf8.RuneCountInString(s)
		return n >= lo && n <= hi && (re == nil || re.MatchString(s))
	}
	ok := func(s string) bool { return okRe(s, re) }
	var cands []string
	l := strings.ToLower(name)
	switch {
	case strings.HasSuffix(l, "arn"):
		cands = append(cands, "arn:aws:"+g.prefix+":us-east-1:111122223333:instance/00000000-0000-4000-8000-000000000001",
			"arn:aws:"+g.prefix+":us-east-1:111122223333:domains/a")
	case strings.HasSuffix(l, "id"), strings.HasSuffix(l, "ids"):
		cands = append(cands, "00000000-0000-4000-8000-000000000001")
	case strings.Contains(l, "email"):
		cands = append(cands, "a@example.com")
	case strings.Contains(l, "phonenumber"):
		cands = append(cands, "+12065550100")
	case strings.HasSuffix(l, "uri") || strings.HasSuffix(l, "url"):
		cands = append(cands, "https://example.com/a")
	}
	cands = append(cands, strings.Repeat("a", lo), strings.Repeat("1", lo),
		"arn:aws:"+g.prefix+"::111122223333:policy/a", strings.Repeat("A", lo))
	// A candidate matching the whole pattern (as AWS's awsQuery services
	// check it) first, then one matching somewhere.
	for _, c := range cands {
		if full != nil && okRe(c, full) {
			return c
		}
	}
	for _, c := range cands {
		if ok(c) {
			return c
		}
	}
	if re != nil {
		if p, err := syntax.Parse(normalize(sh.Pattern), syntax.Perl); err == nil {
			p = p.Simplify()
			for pad := 0; pad <= lo+2; pad++ {
				var b strings.Builder
				pd := pad
				emit(&b, p, &pd)
				if s := b.String(); ok(s) {
					return s
				}
			}
		}
	}
	return strings.Repeat("a", lo)
}

// normalize reads a model's pattern as RE2: backslashes escaped twice
// once, and Java's \uXXXX as \x{XXXX}.
func normalize(p string) string {
	return reUnicode.ReplaceAllString(strings.ReplaceAll(p, `\\`, `\`), `\x{$1}`)
}

var reUnicode = regexp.MustCompile(`\\u([0-9A-Fa-f]{4})`)

func compile(p string) *regexp.Regexp {
	if p == "" {
		return nil
	}
	if re, err := regexp.Compile(normalize(p)); err == nil {
		return re
	}
	if re, err := regexp.Compile(p); err == nil {
		return re
	}
	return nil
}

// emit writes a shortest string matching re, with pad extra repetitions
// spent on the first repeats that can take them.
func emit(b *strings.Builder, re *syntax.Regexp, pad *int) {
	switch re.Op {
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			b.WriteRune(r)
		}
	case syntax.OpCharClass:
		b.WriteRune(pick(re.Rune))
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		b.WriteByte('a')
	case syntax.OpCapture:
		emit(b, re.Sub[0], pad)
	case syntax.OpConcat:
		for _, s := range re.Sub {
			emit(b, s, pad)
		}
	case syntax.OpAlternate:
		emit(b, re.Sub[0], pad)
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		n := 0
		switch re.Op {
		case syntax.OpPlus:
			n = 1
		case syntax.OpRepeat:
			n = re.Min
		}
		maxN := -1
		switch re.Op {
		case syntax.OpQuest:
			maxN = 1
		case syntax.OpRepeat:
			maxN = re.Max
		}
		for *pad > 0 && (maxN < 0 || n < maxN) {
			n++
			*pad--
		}
		for i := 0; i < n; i++ {
			emit(b, re.Sub[0], pad)
		}
	}
}

// pick returns a pleasant rune of a character class: a letter or digit
// if it has one.
func pick(ranges []rune) rune {
	for _, pref := range []rune{'a', 'A', '1', '0'} {
		for i := 0; i+1 < len(ranges); i += 2 {
			if ranges[i] <= pref && pref <= ranges[i+1] {
				return pref
			}
		}
	}
	for i := 0; i+1 < len(ranges); i += 2 {
		if r := ranges[i]; r > ' ' && r < 0x7f {
			return r
		}
	}
	if len(ranges) > 0 {
		if ranges[0] < ' ' {
			if ranges[1] >= 'a' {
				return 'a'
			}
		}
		return ranges[0]
	}
	return 'a'
}

// Request builds the HTTP request of a REST-JSON operation for input:
// labels in the path, query and header members, the rest as the JSON
// body. base is the endpoint ("http://127.0.0.1:8080").
func Request(m *apimodel.Model, op *apimodel.Operation, input map[string]any, base string) (*http.Request, error) {
	in := m.Input(op)
	path := op.HTTP.Path()
	q := url.Values{}
	if _, lit, ok := strings.Cut(op.HTTP.RequestURI, "?"); ok {
		lq, _ := url.ParseQuery(lit)
		for k, v := range lq {
			q[k] = v
		}
	}
	hdr := http.Header{}
	body := map[string]any{}
	names := make([]string, 0, len(input))
	for n := range input {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		v := input[n]
		mb := in.Members[n]
		if mb == nil {
			body[n] = v
			continue
		}
		wire := mb.WireName(n)
		switch mb.Location {
		case "uri":
			s := scalar(v)
			if strings.Contains(path, "{"+wire+"+}") {
				path = strings.Replace(path, "{"+wire+"+}", escapeGreedy(s), 1)
			} else {
				path = strings.Replace(path, "{"+wire+"}", url.PathEscape(s), 1)
			}
		case "querystring":
			switch x := v.(type) {
			case []any:
				for _, e := range x {
					q.Add(wire, scalar(e))
				}
			case map[string]any:
				for k, e := range x {
					q.Set(k, scalar(e))
				}
			default:
				q.Set(wire, scalar(v))
			}
		case "header":
			hdr.Set(wire, scalar(v))
		case "headers":
		default:
			body[n] = v
		}
	}
	var rd *bytes.Reader
	if in.Payload != "" {
		if v, ok := body[in.Payload]; ok {
			b, err := json.Marshal(v)
			if err != nil {
				return nil, err
			}
			rd = bytes.NewReader(b)
		}
	} else if len(body) > 0 || op.HTTP.Method == http.MethodPost || op.HTTP.Method == http.MethodPut || op.HTTP.Method == http.MethodPatch {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	u := base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var r *http.Request
	var err error
	if rd != nil {
		r, err = http.NewRequest(op.HTTP.Method, u, rd)
		if err == nil {
			r.Header.Set("Content-Type", "application/json")
		}
	} else {
		r, err = http.NewRequest(op.HTTP.Method, u, nil)
	}
	if err != nil {
		return nil, err
	}
	for k, v := range hdr {
		r.Header[k] = v
	}
	return r, nil
}

func escapeGreedy(s string) string {
	parts := strings.Split(s, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

func scalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// Form returns the awsQuery parameters of operation op for input (IAM,
// STS): Action and Version, scalars by wire name, lists as X.member.N,
// maps as X.entry.N.key/value and structures as X.Field.
func Form(m *apimodel.Model, op *apimodel.Operation, input map[string]any) url.Values {
	f := url.Values{"Action": {op.Name}, "Version": {m.Metadata.APIVersion}}
	formValue(m, m.Input(op), input, "", f)
	return f
}

func formValue(m *apimodel.Model, sh *apimodel.Shape, v any, prefix string, f url.Values) {
	join := func(name string) string {
		if prefix == "" {
			return name
		}
		return prefix + "." + name
	}
	switch x := v.(type) {
	case map[string]any:
		if sh != nil && sh.Type == "map" {
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for i, k := range keys {
				e := prefix + ".entry." + strconv.Itoa(i+1)
				f.Set(e+".key", k)
				formValue(m, m.Shape(sh.Value.Shape), x[k], e+".value", f)
			}
			return
		}
		for n, e := range x {
			var msh *apimodel.Shape
			wire := n
			if sh != nil {
				if mb := sh.Members[n]; mb != nil {
					msh, wire = m.Shape(mb.Shape), mb.WireName(n)
				}
			}
			formValue(m, msh, e, join(wire), f)
		}
	case []any:
		var esh *apimodel.Shape
		if sh != nil && sh.Member != nil {
			esh = m.Shape(sh.Member.Shape)
		}
		if len(x) == 0 {
			f.Set(prefix, "")
		}
		for i, e := range x {
			formValue(m, esh, e, prefix+".member."+strconv.Itoa(i+1), f)
		}
	default:
		f.Set(prefix, scalar(v))
	}
}
