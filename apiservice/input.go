package apiservice

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/connect-iam/connect-iam/internal/apimodel"
	"github.com/connect-iam/connect-iam/server"
	"github.com/connect-iam/connect-iam/server/restjson"
)

// decode reads the call's input into a map of member name to value:
// path labels, query parameters, headers and the JSON body, with scalars
// converted to the member's type (json.Number for numbers).
func (p *plan) decode(rc *server.RESTCall) (map[string]any, error) {
	in := map[string]any{}
	if body := bytes.TrimSpace(rc.Body); len(body) > 0 {
		target := &in
		var payload map[string]any
		if p.in.Payload != "" {
			if sh := p.model.Shape(p.in.Members[p.in.Payload].Shape); sh == nil || sh.Type != "structure" {
				in[p.in.Payload] = string(body)
				target = nil
			} else {
				target = &payload
			}
		}
		if target != nil {
			dec := json.NewDecoder(bytes.NewReader(body))
			dec.UseNumber()
			if err := dec.Decode(target); err != nil {
				return nil, p.serialization("The request body is not a JSON object: %v; send the input members as one JSON object.", err)
			}
			if payload != nil {
				in[p.in.Payload] = payload
			}
		}
		// Members bound elsewhere may not come from the body.
		for n, m := range p.in.Members {
			if m.Location != "" && p.in.Payload == "" {
				delete(in, n)
			}
		}
	}
	var query map[string][]string
	if rc.HTTPRequest != nil {
		query = rc.HTTPRequest.URL.Query()
	}
	bound := map[string]bool{}
	for n, m := range p.in.Members {
		if m.Location == "querystring" {
			bound[m.WireName(n)] = true
		}
	}
	for n, m := range p.in.Members {
		sh := p.model.Shape(m.Shape)
		if sh == nil {
			continue
		}
		wire := m.WireName(n)
		switch m.Location {
		case "uri":
			if v, ok := rc.Labels[wire]; ok {
				x, err := p.scalar(sh, v, n)
				if err != nil {
					return nil, err
				}
				in[n] = x
			}
		case "querystring":
			switch sh.Type {
			case "list":
				if vs, ok := query[wire]; ok {
					items := make([]any, 0, len(vs))
					esh := p.model.Shape(sh.Member.Shape)
					for _, v := range vs {
						x, err := p.scalar(esh, v, n)
						if err != nil {
							return nil, err
						}
						items = append(items, x)
					}
					in[n] = items
				}
			case "map":
				mp := map[string]any{}
				for k, vs := range query {
					if !bound[k] && len(vs) > 0 {
						mp[k] = vs[0]
					}
				}
				if len(mp) > 0 {
					in[n] = mp
				}
			default:
				if vs, ok := query[wire]; ok && len(vs) > 0 {
					x, err := p.scalar(sh, vs[0], n)
					if err != nil {
						return nil, err
					}
					in[n] = x
				}
			}
		case "header":
			if rc.HTTPRequest != nil {
				if v := rc.HTTPRequest.Header.Get(wire); v != "" {
					x, err := p.scalar(sh, v, n)
					if err != nil {
						return nil, err
					}
					in[n] = x
				}
			}
		}
	}
	return in, nil
}

// scalar converts a string from the path, query or a header to the type
// of sh.
func (p *plan) scalar(sh *apimodel.Shape, v, name string) (any, error) {
	if sh == nil {
		return v, nil
	}
	switch sh.Type {
	case "integer", "long", "float", "double":
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return nil, p.serialization("Value '%s' at '%s' is not a number; send a %s.", v, lowerFirst(name), sh.Type)
		}
		return json.Number(v), nil
	case "boolean":
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, p.serialization("Value '%s' at '%s' is not a boolean; send true or false.", v, lowerFirst(name))
		}
		return b, nil
	}
	return v, nil
}

func (p *plan) serialization(format string, args ...any) error {
	return restjson.NewError(http.StatusBadRequest, "SerializationException", fmt.Sprintf(format, args...))
}

// validationCodes are the error shapes services use for invalid input, in
// the order they are preferred when an operation models several.
var validationCodes = []string{"ValidationException", "InvalidParameterException", "InvalidRequestException", "BadRequestException", "InvalidInputException"}

// validationCode returns the error this operation answers invalid input
// with.
func (p *plan) validationCode() string {
	for _, c := range validationCodes {
		if p.op.HasError(c) {
			return c
		}
	}
	for _, c := range validationCodes {
		if _, ok := p.model.ErrorStatus(c); ok {
			return c
		}
	}
	return "ValidationException"
}

// validate checks in against the input shape and answers the modeled
// validation error listing every violation, as AWS writes them.
func (p *plan) validate(in map[string]any) error {
	var v validator
	v.model = p.model
	v.structure(p.in, in, "")
	if len(v.errs) == 0 && v.typeErr == "" {
		return nil
	}
	if v.typeErr != "" {
		return p.serialization("%s", v.typeErr)
	}
	n := len(v.errs)
	if n > 10 {
		v.errs = v.errs[:10]
	}
	noun := "errors"
	if n == 1 {
		noun = "error"
	}
	msg := fmt.Sprintf("%d validation %s detected: %s", n, noun, strings.Join(v.errs, "; "))
	return p.modelError(p.validationCode(), msg)
}

type validator struct {
	model   *apimodel.Model
	errs    []string
	typeErr string
}

func join(path, name string) string {
	if path == "" {
		return lowerFirst(name)
	}
	return path + "." + lowerFirst(name)
}

func (v *validator) fail(value any, path, constraint string) {
	shown := "null"
	switch x := value.(type) {
	case nil:
	case string:
		shown = "'" + x + "'"
	case json.Number, bool:
		shown = "'" + fmt.Sprint(x) + "'"
	default:
		shown = "'" + compact(x) + "'"
	}
	v.errs = append(v.errs, fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: %s", shown, path, constraint))
}

func compact(x any) string {
	b, _ := json.Marshal(x)
	if len(b) > 64 {
		return string(b[:61]) + "..."
	}
	return string(b)
}

func (v *validator) typeError(path, want string, got any) {
	if v.typeErr == "" {
		v.typeErr = fmt.Sprintf("Value at '%s' must be %s, not %s; fix the request's JSON.", path, want, jsonKind(got))
	}
}

func jsonKind(x any) string {
	switch x.(type) {
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", x)
}

func (v *validator) structure(sh *apimodel.Shape, in map[string]any, path string) {
	for _, r := range sh.Required {
		if x, ok := in[r]; !ok || x == nil {
			v.fail(nil, join(path, r), "Member must not be null")
		}
	}
	set := 0
	for _, n := range sh.MemberNames() {
		x, ok := in[n]
		if !ok || x == nil {
			continue
		}
		set++
		m := sh.Members[n]
		if m.JSONValue {
			continue
		}
		v.value(v.model.Shape(m.Shape), x, join(path, n))
	}
	if sh.Union && set > 1 {
		v.fail(nil, path, "Member must have exactly one member set")
	}
}

func (v *validator) value(sh *apimodel.Shape, x any, path string) {
	if sh == nil {
		return
	}
	switch sh.Type {
	case "structure":
		if sh.Document {
			return
		}
		m, ok := x.(map[string]any)
		if !ok {
			v.typeError(path, "an object", x)
			return
		}
		v.structure(sh, m, path)
	case "list":
		l, ok := x.([]any)
		if !ok {
			v.typeError(path, "a list", x)
			return
		}
		v.length(sh, x, len(l), path)
		esh := v.model.Shape(sh.Member.Shape)
		for i, e := range l {
			if e != nil {
				v.value(esh, e, fmt.Sprintf("%s.%d.member", path, i+1))
			}
		}
	case "map":
		mp, ok := x.(map[string]any)
		if !ok {
			v.typeError(path, "an object", x)
			return
		}
		v.length(sh, x, len(mp), path)
		ksh, vsh := v.model.Shape(sh.Key.Shape), v.model.Shape(sh.Value.Shape)
		for _, k := range sortedKeys(mp) {
			v.value(ksh, k, path+".key")
			if mp[k] != nil {
				v.value(vsh, mp[k], path+".value")
			}
		}
	case "string":
		s, ok := x.(string)
		if !ok {
			v.typeError(path, "a string", x)
			return
		}
		if len(sh.Enum) > 0 && !contains(sh.Enum, s) {
			v.fail(s, path, "Member must satisfy enum value set: ["+strings.Join(sh.Enum, ", ")+"]")
			return
		}
		v.length(sh, s, utf8.RuneCountInString(s), path)
		if re := pattern(sh.Pattern); re != nil && !re.MatchString(s) {
			v.fail(s, path, "Member must satisfy regular expression pattern: "+re.String())
		}
	case "integer", "long", "float", "double":
		n, ok := x.(json.Number)
		if !ok {
			v.typeError(path, "a number", x)
			return
		}
		f, err := n.Float64()
		if err != nil {
			v.typeError(path, "a number", x)
			return
		}
		if (sh.Type == "integer" || sh.Type == "long") && f != float64(int64(f)) {
			v.typeError(path, "an integer", x)
			return
		}
		if sh.Min != nil && f < *sh.Min {
			v.fail(n, path, "Member must have value greater than or equal to "+num(*sh.Min))
		}
		if sh.Max != nil && f > *sh.Max {
			v.fail(n, path, "Member must have value less than or equal to "+num(*sh.Max))
		}
	case "boolean":
		if _, ok := x.(bool); !ok {
			v.typeError(path, "a boolean", x)
		}
	case "timestamp":
		switch t := x.(type) {
		case json.Number:
		case string:
			if _, err := time.Parse(time.RFC3339, t); err != nil {
				v.typeError(path, "a timestamp (epoch seconds or RFC 3339)", x)
			}
		default:
			v.typeError(path, "a timestamp", x)
		}
	case "blob":
		s, ok := x.(string)
		if !ok {
			v.typeError(path, "a base64 string", x)
			return
		}
		if _, err := base64.StdEncoding.DecodeString(s); err != nil {
			v.typeError(path, "a base64 string", x)
			return
		}
		v.length(sh, s, base64.StdEncoding.DecodedLen(len(s)), path)
	}
}

func (v *validator) length(sh *apimodel.Shape, x any, n int, path string) {
	if sh.Min != nil && float64(n) < *sh.Min {
		v.fail(x, path, "Member must have length greater than or equal to "+num(*sh.Min))
	}
	if sh.Max != nil && float64(n) > *sh.Max {
		v.fail(x, path, "Member must have length less than or equal to "+num(*sh.Max))
	}
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

var patterns sync.Map // pattern → *regexp.Regexp, or nil when RE2 cannot compile it

// pattern compiles a model's pattern (a Java regular expression, not
// implicitly anchored). Some models escape backslashes twice; those are
// read once. A pattern RE2 cannot compile (look-arounds) is not checked.
func pattern(p string) *regexp.Regexp {
	if p == "" {
		return nil
	}
	if re, ok := patterns.Load(p); ok {
		r, _ := re.(*regexp.Regexp)
		return r
	}
	var re *regexp.Regexp
	for _, cand := range []string{strings.ReplaceAll(p, `\\`, `\`), p} {
		if r, err := regexp.Compile(cand); err == nil {
			re = r
			break
		}
	}
	patterns.Store(p, re)
	return re
}
