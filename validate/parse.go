package validate

import (
	"errors"
	"github.com/connect-iam/connect-iam/internal/text"
	"strconv"
	"strings"

	"github.com/connect-iam/connect-iam/policy"
)

// parseErrors turns the parser's errors into findings with the same
// codes.
func (c *checker) parseErrors(err error) {
	if err == nil {
		return
	}
	var list policy.ErrorList
	if !errors.As(err, &list) {
		c.report("JSON_SYNTAX_ERROR", path{}, policy.Span{Start: policy.Pos{Line: 1, Column: 1}, End: policy.Pos{Line: 1, Column: 1}}, err.Error())
		return
	}
	for _, e := range list {
		code := e.Code
		if rules[code] == nil {
			code = "JSON_SYNTAX_ERROR"
		}
		var sugg []string
		var oe *policy.OperatorError
		if errors.As(e, &oe) && oe.Suggestion != "" {
			sugg = []string{oe.Suggestion}
		}
		c.report(code, parsePath(e.Path), e.Span, text.Sentence(e.Msg), sugg...)
	}
}

// parsePath converts the parser's path string, such as
// "Statement[1].Action[0]" or
// "Statement[0].Condition.StringEquals.aws:SourceIp", to path elements.
// After Condition, the first name is the operator and the rest (which
// may contain dots) the condition key.
func parsePath(s string) path {
	var p path
	for s != "" {
		if strings.HasPrefix(s, "[") {
			end := strings.IndexByte(s, ']')
			if end < 0 {
				break
			}
			if i, err := strconv.Atoi(s[1:end]); err == nil {
				p = p.idx(i)
			}
			s = strings.TrimPrefix(s[end+1:], ".")
			continue
		}
		end := strings.IndexAny(s, ".[")
		if end < 0 {
			end = len(s)
		}
		name := s[:end]
		p = p.val(name)
		s = strings.TrimPrefix(s[end:], ".")
		if name == "Condition" && s != "" {
			op, key, _ := strings.Cut(s, ".")
			p = p.val(op)
			if key != "" {
				p = p.val(key)
			}
			break
		}
	}
	return p
}
