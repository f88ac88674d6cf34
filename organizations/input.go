package organizations

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/connect-iam/connect-iam/internal/apimodel"
	"github.com/connect-iam/connect-iam/server/awsjson"
)

// model is AWS Organizations' API model.
func model() *apimodel.Model { return apimodel.MustLoad("organizations") }

// violation is one input constraint violation.
type violation struct {
	reason string // InvalidInputException's Reason
	text   string
}

// checker validates input against the model's shapes.
type checker struct {
	m       *apimodel.Model
	errs    []violation
	typeErr string
}

var (
	patternMu sync.Mutex
	patterns  = map[string]*regexp.Regexp{}
)

// pattern compiles a model pattern once; nil when Go's regexp cannot
// compile it (then it is not checked).
func pattern(p string) *regexp.Regexp {
	patternMu.Lock()
	defer patternMu.Unlock()
	re, ok := patterns[p]
	if !ok {
		re, _ = regexp.Compile("^(?:" + strings.TrimSuffix(strings.TrimPrefix(p, "^"), "$") + ")$")
		patterns[p] = re
	}
	return re
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func joinPath(path, name string) string {
	if path == "" {
		return lowerFirst(name)
	}
	return path + "." + lowerFirst(name)
}

func (c *checker) fail(reason string, v any, path, constraint string) {
	shown := "null"
	switch x := v.(type) {
	case nil:
	case string:
		shown = "'" + x + "'"
	default:
		b, _ := json.Marshal(x)
		if len(b) > 64 {
			b = append(b[:61], "..."...)
		}
		shown = "'" + string(b) + "'"
	}
	c.errs = append(c.errs, violation{reason, fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: %s", shown, path, constraint)})
}

func (c *checker) structure(sh *apimodel.Shape, in map[string]any, path string) {
	for _, r := range sh.Required {
		if x, ok := in[r]; !ok || x == nil {
			c.fail("INPUT_REQUIRED", nil, joinPath(path, r), "Member must not be null")
		}
	}
	for _, n := range sh.MemberNames() {
		if x, ok := in[n]; ok && x != nil {
			c.value(c.m.Shape(sh.Members[n].Shape), x, joinPath(path, n))
		}
	}
}

func (c *checker) typeError(path, want string, got any) {
	if c.typeErr == "" {
		c.typeErr = fmt.Sprintf("Value at '%s' must be %s; fix the request's JSON.", path, want)
	}
}

func (c *checker) value(sh *apimodel.Shape, x any, path string) {
	if sh == nil {
		return
	}
	switch sh.Type {
	case "structure":
		m, ok := x.(map[string]any)
		if !ok {
			c.typeError(path, "an object", x)
			return
		}
		c.structure(sh, m, path)
	case "list":
		l, ok := x.([]any)
		if !ok {
			c.typeError(path, "a list", x)
			return
		}
		c.length(sh, x, len(l), path)
		for i, e := range l {
			c.value(c.m.Shape(sh.Member.Shape), e, fmt.Sprintf("%s.%d.member", path, i+1))
		}
	case "string":
		s, ok := x.(string)
		if !ok {
			c.typeError(path, "a string", x)
			return
		}
		c.length(sh, x, utf8.RuneCountInString(s), path)
		if len(sh.Enum) > 0 {
			found := false
			for _, e := range sh.Enum {
				found = found || e == s
			}
			if !found {
				c.fail("INVALID_ENUM", x, path, "Member must satisfy enum value set: ["+strings.Join(sh.Enum, ", ")+"]")
			}
		}
		if sh.Pattern != "" {
			if re := pattern(sh.Pattern); re != nil && !re.MatchString(s) {
				c.fail("INVALID_PATTERN", x, path, "Member must satisfy regular expression pattern: "+sh.Pattern)
			}
		}
	case "integer", "long":
		n, ok := x.(json.Number)
		if !ok {
			c.typeError(path, "a number", x)
			return
		}
		f, err := n.Float64()
		if err != nil {
			c.typeError(path, "a number", x)
			return
		}
		if sh.Min != nil && f < *sh.Min {
			c.fail("MIN_VALUE_EXCEEDED", x, path, fmt.Sprintf("Member must have value greater than or equal to %g", *sh.Min))
		}
		if sh.Max != nil && f > *sh.Max {
			c.fail("MAX_VALUE_EXCEEDED", x, path, fmt.Sprintf("Member must have value less than or equal to %g", *sh.Max))
		}
	case "boolean":
		if _, ok := x.(bool); !ok {
			c.typeError(path, "a boolean", x)
		}
	}
}

func (c *checker) length(sh *apimodel.Shape, x any, n int, path string) {
	if sh.Min != nil && float64(n) < *sh.Min {
		c.fail("MIN_LENGTH_EXCEEDED", x, path, fmt.Sprintf("Member must have length greater than or equal to %g", *sh.Min))
	}
	if sh.Max != nil && float64(n) > *sh.Max {
		c.fail("MAX_LENGTH_EXCEEDED", x, path, fmt.Sprintf("Member must have length less than or equal to %g", *sh.Max))
	}
}

// validateInput decodes body and checks it against the input shape of the
// operation: a SerializationException for a member of the wrong JSON
// type, an InvalidInputException listing every violated constraint (with
// the first one's Reason) otherwise.
func validateInput(op string, body []byte) (map[string]any, error) {
	in, err := awsjson.Decode(body)
	if err != nil {
		return nil, err
	}
	m := model()
	o := m.Operations[op]
	if o == nil {
		return in, nil
	}
	c := checker{m: m}
	c.structure(m.Input(o), in, "")
	if c.typeErr != "" {
		return nil, &awsjson.Error{Code: "SerializationException", Message: c.typeErr}
	}
	if len(c.errs) == 0 {
		return in, nil
	}
	n := len(c.errs)
	texts := make([]string, 0, min(n, 10))
	for _, v := range c.errs[:min(n, 10)] {
		texts = append(texts, v.text)
	}
	noun := "errors"
	if n == 1 {
		noun = "error"
	}
	return nil, &awsjson.Error{Code: "InvalidInputException", Message: fmt.Sprintf("%d validation %s detected: %s", n, noun, strings.Join(texts, "; ")),
		Fields: map[string]any{"Reason": c.errs[0].reason}}
}
