package catalog

import "strings"

// A template is a string with ${Name} placeholders, as the Service
// Authorization Reference writes ARN formats
// ("arn:${Partition}:connect:${Region}:${Account}:instance/${InstanceId}")
// and condition-key families ("aws:RequestTag/${TagKey}"). ARN formats may
// also hold a literal "*" (Connect's wildcard-queue resource type), which
// matches any text.

type tokenKind uint8

const (
	tokLiteral tokenKind = iota
	tokVar               // ${Name}: one or more characters
	tokStar              // *: zero or more characters, any
)

type token struct {
	kind tokenKind
	lit  string
}

// parseTemplate splits s into literal, ${...} and (when star is true) "*"
// tokens. An unterminated "${" is literal text.
func parseTemplate(s string, star bool) []token {
	var toks []token
	lit := func(t string) {
		if t == "" {
			return
		}
		if n := len(toks); n > 0 && toks[n-1].kind == tokLiteral {
			toks[n-1].lit += t
			return
		}
		toks = append(toks, token{kind: tokLiteral, lit: t})
	}
	for s != "" {
		i := strings.IndexByte(s, '$')
		j := -1
		if star {
			j = strings.IndexByte(s, '*')
		}
		switch {
		case j >= 0 && (i < 0 || j < i):
			lit(s[:j])
			toks = append(toks, token{kind: tokStar})
			s = s[j+1:]
		case i >= 0 && strings.HasPrefix(s[i:], "${") && strings.IndexByte(s[i:], '}') > 2:
			lit(s[:i])
			end := i + strings.IndexByte(s[i:], '}')
			toks = append(toks, token{kind: tokVar, lit: s[i+2 : end]})
			s = s[end+1:]
		case i >= 0:
			lit(s[:i+1])
			s = s[i+1:]
		default:
			lit(s)
			s = ""
		}
	}
	return toks
}

// hasPlaceholder reports whether toks holds a ${...} or * token.
func hasPlaceholder(toks []token) bool {
	for _, t := range toks {
		if t.kind != tokLiteral {
			return true
		}
	}
	return false
}

// matchTokens reports whether s matches toks. A ${...} token matches one or
// more characters none of which is in stop; when loose is set, a ${...}
// token that ends the template matches any characters. A * token matches
// anything. Literals are compared exactly.
func matchTokens(toks []token, s, stop string, loose bool) bool {
	for len(toks) > 0 {
		t := toks[0]
		if t.kind == tokLiteral {
			if !strings.HasPrefix(s, t.lit) {
				return false
			}
			s = s[len(t.lit):]
			toks = toks[1:]
			continue
		}
		rest := toks[1:]
		anything := t.kind == tokStar || (loose && len(rest) == 0)
		if len(rest) == 0 && anything {
			return t.kind == tokStar || s != ""
		}
		start := 0
		if t.kind == tokVar {
			start = 1
		}
		for i := start; i <= len(s); i++ {
			if i > 0 && !anything && strings.IndexByte(stop, s[i-1]) >= 0 {
				break
			}
			if matchTokens(rest, s[i:], stop, loose) {
				return true
			}
		}
		return false
	}
	return s == ""
}
