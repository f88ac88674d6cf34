package apiservice

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/connect-iam/connect-iam/internal/apimodel"
	"github.com/connect-iam/connect-iam/store"
)

const maxDepth = 6

// shape builds the operation's output from a stored resource.
func (p *plan) shape(c *call, rec *record) map[string]any {
	out, _ := p.fillValue(c, p.out, rec, 0).(map[string]any)
	if out == nil {
		out = map[string]any{}
	}
	return out
}

// fillValue builds a value of shape sh from rec: a structure takes the
// members rec has (its attributes, identifier, ARN, name, tags and
// times), nests rec into the structure member that describes it at the
// top level, and synthesizes the required members rec lacks.
func (p *plan) fillValue(c *call, sh *apimodel.Shape, rec *record, depth int) any {
	if sh == nil || sh.Type != "structure" {
		return nil
	}
	out := map[string]any{}
	nest := ""
	if depth == 0 {
		nest = p.nestMember(sh, rec)
	}
	for _, n := range sh.MemberNames() {
		m := sh.Members[n]
		if m.Location != "" {
			continue
		}
		msh := p.model.Shape(m.Shape)
		if msh == nil {
			continue
		}
		if n == nest {
			out[n] = p.fillValue(c, msh, rec, depth+1)
			continue
		}
		if v, ok := rec.value(n, msh); ok {
			if cv, ok := p.conv(msh, v, depth+1); ok {
				out[n] = cv
				continue
			}
		}
		if sh.IsRequired(n) {
			out[n] = p.synth(c, n, msh, depth+1)
		}
	}
	return out
}

// nestMember returns the member of a top-level output structure that
// describes the resource: the one named like it, else the only structure
// member.
func (p *plan) nestMember(sh *apimodel.Shape, rec *record) string {
	var structs []string
	for _, n := range sh.MemberNames() {
		if msh := p.model.Shape(sh.Members[n].Shape); msh != nil && msh.Type == "structure" && !msh.Document && n != member(sh, "tags") {
			if rec.res != nil && strings.EqualFold(n, rec.res.noun) {
				return n
			}
			if _, stored := lookup(rec.attrs, n); !stored {
				structs = append(structs, n)
			}
		}
	}
	if len(structs) == 1 && len(sh.Members) <= 2 {
		return structs[0]
	}
	return ""
}

// value returns rec's value for the output member name.
func (rec *record) value(name string, sh *apimodel.Shape) (any, bool) {
	l := strings.ToLower(name)
	noun := ""
	idLabel := ""
	if rec.res != nil {
		noun = strings.ToLower(rec.res.noun)
		idLabel = strings.ToLower(rec.res.idLabel)
	}
	switch {
	case l == "tags":
		if len(rec.tags) == 0 {
			return nil, false
		}
		return tagsValue(sh, rec.tags), true
	case l == "arn" || l == noun+"arn" || (noun != "" && strings.HasSuffix(l, "arn") && strings.HasSuffix(noun, strings.TrimSuffix(l, "arn"))):
		return rec.ARN, true
	case l == "id" || l == noun+"id" || (idLabel != "" && l == idLabel) || (noun != "" && strings.HasSuffix(l, "id") && strings.HasSuffix(noun, strings.TrimSuffix(l, "id")) && len(l) > 2):
		id := rec.ID
		if i := strings.LastIndex(id, "/"); i >= 0 {
			id = id[i+1:]
		}
		return id, true
	}
	if v, ok := lookup(rec.attrs, name); ok {
		return v, true
	}
	if (l == "name" || l == noun+"name") && rec.Name != "" {
		return rec.Name, true
	}
	if sh.Type == "timestamp" {
		switch {
		case strings.Contains(l, "creat"):
			return rec.Created, true
		case strings.Contains(l, "modif"), strings.Contains(l, "updat"):
			return rec.Updated, true
		}
	}
	if l == "lastmodifiedregion" || l == "region" {
		return regionOf(rec.ARN), true
	}
	return nil, false
}

func regionOf(arn string) string {
	parts := strings.SplitN(arn, ":", 5)
	if len(parts) > 3 {
		return parts[3]
	}
	return ""
}

// lookup returns attrs[name], matched case-insensitively.
func lookup(attrs map[string]any, name string) (any, bool) {
	if v, ok := attrs[name]; ok && v != nil {
		return v, true
	}
	for k, v := range attrs {
		if strings.EqualFold(k, name) && v != nil {
			return v, true
		}
	}
	return nil, false
}

// conv converts a stored value to shape sh for the wire, dropping what the
// model does not have; ok is false when v does not fit sh.
func (p *plan) conv(sh *apimodel.Shape, v any, depth int) (any, bool) {
	if sh == nil || depth > maxDepth+4 {
		return nil, false
	}
	switch sh.Type {
	case "structure":
		if sh.Document {
			return v, true
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		out := map[string]any{}
		for k, x := range m {
			name := member(sh, k)
			if name == "" || x == nil {
				continue
			}
			if cv, ok := p.conv(p.model.Shape(sh.Members[name].Shape), x, depth+1); ok {
				out[name] = cv
			}
		}
		return out, true
	case "list":
		l, ok := v.([]any)
		if !ok {
			return nil, false
		}
		esh := p.model.Shape(sh.Member.Shape)
		out := make([]any, 0, len(l))
		for _, x := range l {
			if cv, ok := p.conv(esh, x, depth+1); ok {
				out = append(out, cv)
			}
		}
		return out, true
	case "map":
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		vsh := p.model.Shape(sh.Value.Shape)
		out := map[string]any{}
		for k, x := range m {
			if cv, ok := p.conv(vsh, x, depth+1); ok {
				out[k] = cv
			}
		}
		return out, true
	case "timestamp":
		switch t := v.(type) {
		case time.Time:
			return epoch(t), true
		case json.Number:
			return t, true
		case string:
			if tt, err := time.Parse(time.RFC3339Nano, t); err == nil {
				return epoch(tt), true
			}
		}
		return nil, false
	case "integer", "long", "float", "double":
		switch n := v.(type) {
		case json.Number:
			return n, true
		case int, int64, float64:
			return n, true
		}
		return nil, false
	case "boolean":
		b, ok := v.(bool)
		return b, ok
	case "string", "blob":
		switch s := v.(type) {
		case string:
			return s, true
		case json.Number:
			return s.String(), true
		}
		return nil, false
	}
	return v, true
}

func epoch(t time.Time) json.Number {
	return json.Number(strconv.FormatFloat(float64(t.UnixMilli())/1000, 'f', -1, 64))
}

// tagsValue returns tags as the map or the list of {Key, Value} that sh
// is.
func tagsValue(sh *apimodel.Shape, tags []store.Tag) any {
	if sh != nil && sh.Type == "list" {
		out := make([]any, 0, len(tags))
		for _, t := range tags {
			out = append(out, map[string]any{"Key": t.Key, "Value": t.Value})
		}
		return out
	}
	m := map[string]any{}
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m
}

// synthStructure returns a value of structure sh with its required
// members synthesized.
func (p *plan) synthStructure(c *call, sh *apimodel.Shape, depth int) map[string]any {
	out := map[string]any{}
	if sh == nil {
		return out
	}
	for _, n := range sh.Required {
		m := sh.Members[n]
		if m == nil || m.Location != "" {
			continue
		}
		out[n] = p.synth(c, n, p.model.Shape(m.Shape), depth+1)
	}
	return out
}

// synth returns a minimal valid value of sh for the member name.
func (p *plan) synth(c *call, name string, sh *apimodel.Shape, depth int) any {
	if sh == nil {
		return nil
	}
	switch sh.Type {
	case "structure":
		if sh.Document || depth > maxDepth {
			return map[string]any{}
		}
		if sh.Union {
			for _, n := range sh.MemberNames() {
				return map[string]any{n: p.synth(c, n, p.model.Shape(sh.Members[n].Shape), depth+1)}
			}
		}
		return p.synthStructure(c, sh, depth)
	case "list":
		n := 0
		if sh.Min != nil {
			n = int(*sh.Min)
		}
		out := make([]any, 0, n)
		for range n {
			out = append(out, p.synth(c, name, p.model.Shape(sh.Member.Shape), depth+1))
		}
		return out
	case "map":
		return map[string]any{}
	case "timestamp":
		return epoch(c.now)
	case "integer", "long", "float", "double":
		if sh.Min != nil && *sh.Min > 0 {
			return json.Number(num(*sh.Min))
		}
		return json.Number("0")
	case "boolean":
		return false
	case "blob":
		return ""
	}
	if len(sh.Enum) > 0 {
		return sh.Enum[0]
	}
	l := strings.ToLower(name)
	switch {
	case strings.HasSuffix(l, "arn"):
		return "arn:aws:" + p.e.svc.Prefix + ":" + c.region + ":" + c.acct + ":" + kebab(strings.TrimSuffix(strings.TrimSuffix(name, "Arn"), "ARN")) + "/" + p.e.NewID()
	case strings.HasSuffix(l, "id"):
		return p.e.NewID()
	}
	n := 1
	if sh.Min != nil && *sh.Min > 1 {
		n = int(*sh.Min)
	}
	return strings.Repeat("x", n)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
