package apiservice

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/store"
)

// values returns the request's values that fill ARN placeholders: every
// string member of the input (and of its nested structures, first found
// wins) by lower-cased name, plus extra.
func (c *call) values(extra map[string]string) map[string]string {
	vals := map[string]string{}
	var walk func(m map[string]any, depth int)
	walk = func(m map[string]any, depth int) {
		for _, k := range sortedKeys(m) {
			switch x := m[k].(type) {
			case string:
				if _, ok := vals[strings.ToLower(k)]; !ok {
					vals[strings.ToLower(k)] = x
				}
			case json.Number:
				if _, ok := vals[strings.ToLower(k)]; !ok {
					vals[strings.ToLower(k)] = x.String()
				}
			case map[string]any:
				if depth < 3 {
					walk(x, depth+1)
				}
			}
		}
	}
	walk(c.in, 0)
	for k, v := range extra {
		vals[strings.ToLower(k)] = v
	}
	return vals
}

// fill fills an ARN format's placeholders from vals (lower-cased names;
// aliases map a placeholder to another member). It reports whether every
// placeholder was filled; unfilled ones become "*".
func (e *engine) fill(format string, c *call, vals map[string]string) (string, bool) {
	var b strings.Builder
	complete := true
	s := format
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			break
		}
		j := strings.Index(s[i:], "}")
		if j < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		name := s[i+2 : i+j]
		s = s[i+j+1:]
		switch name {
		case "Partition":
			b.WriteString("aws")
			continue
		case "Region":
			b.WriteString(c.region)
			continue
		case "Account":
			b.WriteString(c.acct)
			continue
		}
		v, ok := vals[strings.ToLower(name)]
		if !ok {
			if a := e.svc.Aliases[name]; a != "" {
				v, ok = vals[strings.ToLower(a)]
			}
		}
		if ok && strings.HasPrefix(v, "arn:") {
			// A member holding an ARN fills the placeholder with the
			// ARN's last resource segment.
			v = v[strings.LastIndexAny(v, "/:")+1:]
		}
		if !ok || v == "" {
			v, complete = "*", false
		}
		b.WriteString(v)
	}
	return b.String(), complete
}

// targets returns the resources the call is authorized on: those of the
// catalog's action, built from the request (and extra, the identifiers
// the engine knows: a new resource's ID).
func (p *plan) targets(c *call, extra map[string]string) []string {
	if p.cat == nil || len(p.cat.Resources) == 0 {
		return []string{"*"}
	}
	vals := c.values(extra)
	arns := arnMembers(c.in)
	var out []string
	seen := map[string]bool{}
	add := func(a string) {
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	required := 0
	for _, ar := range p.cat.Resources {
		if ar.Type == nil {
			continue
		}
		if ar.Required {
			required++
		}
		// A member holding a full ARN of this type names it.
		found := false
		for _, a := range arns {
			if ar.Type.MatchesARN(a) {
				add(a)
				found = true
			}
		}
		if found {
			continue
		}
		if strings.HasSuffix(ar.Type.ARN, "*") && !ar.Required {
			continue
		}
		a, complete := p.e.fill(ar.Type.ARN, c, vals)
		if complete || ar.Required {
			add(a)
		}
	}
	if len(out) == 0 {
		return []string{"*"}
	}
	return out
}

// arnMembers returns the ARNs the top-level input members hold.
func arnMembers(in map[string]any) []string {
	var out []string
	for _, k := range sortedKeys(in) {
		switch x := in[k].(type) {
		case string:
			if strings.HasPrefix(x, "arn:") {
				out = append(out, x)
			}
		case []any:
			for _, e := range x {
				if s, ok := e.(string); ok && strings.HasPrefix(s, "arn:") {
					out = append(out, s)
				}
			}
		}
	}
	return out
}

// conditionKeys returns the request's condition keys: aws:RequestTag/KEY
// and aws:TagKeys from its tags, and the service keys the action lists
// whose name is an input member.
func (p *plan) conditionKeys(c *call, tags map[string]string) map[string][]string {
	kv := map[string][]string{}
	if len(tags) > 0 {
		keys := make([]string, 0, len(tags))
		for k, v := range tags {
			kv["aws:RequestTag/"+k] = []string{v}
			keys = append(keys, k)
		}
		sort.Strings(keys)
		kv["aws:TagKeys"] = keys
	}
	if p.cat != nil {
		for _, k := range p.cat.AllConditionKeys() {
			prefix, name, ok := strings.Cut(k.Name, ":")
			if !ok || prefix != p.e.svc.Prefix || k.IsTemplate() {
				continue
			}
			if m := member(p.in, name); m != "" {
				switch x := c.in[m].(type) {
				case string:
					kv[k.Name] = []string{x}
				case []any:
					for _, e := range x {
						if s, ok := e.(string); ok {
							kv[k.Name] = append(kv[k.Name], s)
						}
					}
				}
			}
		}
	}
	return kv
}

// arnConditionKeys adds to kv the service condition keys of the action
// whose value is a field of arn: connect:InstanceId from
// arn:aws:connect:...:instance/ID/queue/QID.
func (p *plan) arnConditionKeys(kv map[string][]string, arn string) {
	if p.cat == nil {
		return
	}
	vals := map[string]string{}
	for _, rt := range p.e.Catalog.ClassifyARN(arn) {
		for k, v := range arnValues(rt.ARN, arn) {
			vals[strings.ToLower(k)] = v
		}
	}
	for _, k := range p.cat.AllConditionKeys() {
		prefix, name, ok := strings.Cut(k.Name, ":")
		if !ok || prefix != p.e.svc.Prefix || k.IsTemplate() {
			continue
		}
		if v, ok := vals[strings.ToLower(name)]; ok {
			if _, set := kv[k.Name]; !set {
				kv[k.Name] = []string{v}
			}
		}
	}
}

// arnValues matches arn against an ARN format and returns the values of
// its placeholders, or nil when it does not match.
func arnValues(format, arn string) map[string]string {
	f := arnFormat(format)
	if f.re == nil {
		return nil
	}
	m := f.re.FindStringSubmatch(arn)
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(f.names))
	for i, n := range f.names {
		out[n] = m[i+1]
	}
	return out
}

// compiledFormat is an ARN format as a regular expression with a group per
// placeholder.
type compiledFormat struct {
	re    *regexp.Regexp
	names []string
}

var arnFormats sync.Map // format → compiledFormat

// arnFormat compiles an ARN format once.
func arnFormat(format string) compiledFormat {
	if f, ok := arnFormats.Load(format); ok {
		return f.(compiledFormat)
	}
	var b strings.Builder
	var names []string
	b.WriteString("^")
	s := format
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(regexp.QuoteMeta(s))
			break
		}
		j := strings.Index(s[i:], "}")
		if j < 0 {
			b.WriteString(regexp.QuoteMeta(s))
			break
		}
		b.WriteString(regexp.QuoteMeta(s[:i]))
		names = append(names, s[i+2:i+j])
		b.WriteString("([^:/]*)")
		s = s[i+j+1:]
	}
	b.WriteString("$")
	re, _ := regexp.Compile(b.String()) // QuoteMeta'd literals and groups: always compiles
	f := compiledFormat{re: re, names: names}
	arnFormats.Store(format, f)
	return f
}

// authorize asks whether the caller may perform action on every target
// with kv plus each target's aws:ResourceTag/KEY.
func (e *engine) authorize(ctx context.Context, c *call, action string, kv map[string][]string, arns []string) error {
	for _, a := range arns {
		var tags []store.Tag
		if a != "*" && !strings.Contains(a, "*") {
			err := e.Store.View(ctx, func(tx store.ReadTx) error {
				var err error
				tags, err = tx.ListResourceTags(a)
				return err
			})
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		req := &authz.Request{Caller: c.caller, Action: action, Resource: a, Context: kv, ResourceTags: tags,
			HTTP: c.HTTPRequest, Region: c.region, Time: c.now}
		if err := e.Authorizer.Authorize(ctx, req); err != nil {
			return err
		}
	}
	return nil
}

// requestTags returns the tags the request sets: the Tags (or tags)
// member as a map or a list of {Key, Value}.
func (p *plan) requestTags(in map[string]any) (map[string]string, error) {
	name := member(p.in, "Tags")
	if name == "" {
		return nil, nil
	}
	tags, err := tagMap(in[name])
	if err != nil {
		return nil, err
	}
	for k := range tags {
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return nil, p.modelError(p.validationCode(), fmt.Sprintf("Tag key %q starts with the reserved prefix aws:; choose another key.", k))
		}
	}
	return tags, nil
}

// tagMap reads tags as a map or as a list of {Key, Value} structures.
func tagMap(v any) (map[string]string, error) {
	out := map[string]string{}
	switch x := v.(type) {
	case nil:
		return nil, nil
	case map[string]any:
		for k, e := range x {
			s, _ := e.(string)
			out[k] = s
		}
	case []any:
		for _, e := range x {
			m, _ := e.(map[string]any)
			var k, val string
			for mk, mv := range m {
				s, _ := mv.(string)
				switch strings.ToLower(mk) {
				case "key":
					k = s
				case "value":
					val = s
				}
			}
			if k != "" {
				out[k] = val
			}
		}
	}
	return out, nil
}
