package policy

import (
	"fmt"
	"strings"
)

// SegmentKind is the kind of a Template segment.
type SegmentKind int

const (
	// SegText is plain text. It may contain the glob characters * and ?,
	// which the consumer interprets according to where the text appears.
	SegText SegmentKind = iota
	// SegLiteral is a character written as ${*}, ${?} or ${$}: it must be
	// matched literally, never as a glob character.
	SegLiteral
	// SegVar is a policy variable such as ${aws:username} or
	// ${aws:PrincipalTag/team, 'default'}.
	SegVar
)

// Segment is one piece of a Template.
type Segment struct {
	Kind SegmentKind
	// Text is the text for SegText and SegLiteral (for SegLiteral, one of
	// "*", "?" or "$"), and the key as written for SegVar (for example
	// "aws:PrincipalTag/team"). Keys are case-insensitive; consumers fold
	// case when they look them up.
	Text string
	// Default is the default value of a SegVar written as
	// ${key, 'default'}; HasDefault distinguishes an empty default from no default.
	Default    string
	HasDefault bool
	// Offset is the byte offset of the segment in the parsed string; for
	// SegLiteral and SegVar it is the offset of the "$".
	Offset int
}

// Template is a string value parsed for policy variables: a sequence of
// segments that, concatenated after substitution, give the effective value.
type Template struct {
	Segments []Segment
}

// HasVariables reports whether t contains at least one SegVar segment.
func (t Template) HasVariables() bool {
	for _, s := range t.Segments {
		if s.Kind == SegVar {
			return true
		}
	}
	return false
}

// VariableError reports a malformed policy variable.
type VariableError struct {
	// Code is the Access Analyzer issue code: EMPTY_VARIABLE,
	// MISSING_BRACE_IN_VARIABLE, MISSING_QUOTE_IN_VARIABLE or
	// UNSUPPORTED_SPACE_IN_VARIABLE.
	Code string
	// Offset is the byte offset in the parsed string where the problem was
	// found.
	Offset int
	// Msg describes the problem and how to fix it.
	Msg string
}

// Error returns the message prefixed with the byte offset.
func (e *VariableError) Error() string {
	return fmt.Sprintf("offset %d: %s", e.Offset, e.Msg)
}

// ParseTemplate parses the policy variables in s.
//
// The syntax is "${key}" or "${key, 'default'}" (exactly a comma, one space
// and a single-quoted default, which may not contain a quote), plus the
// escapes "${*}", "${?}" and "${$}" for literal characters. A "$" that is
// not followed by "{" is plain text. Keys may not contain white space, "{",
// "}", "$", "," or "'". Adjacent plain text is merged into one SegText
// segment.
//
// On failure the error is a *VariableError describing the first problem.
func ParseTemplate(s string) (Template, error) {
	var t Template
	textStart := 0
	flush := func(end int) {
		if end > textStart {
			t.Segments = append(t.Segments, Segment{Kind: SegText, Text: s[textStart:end], Offset: textStart})
		}
	}
	i := 0
	for i < len(s) {
		if s[i] != '$' || i+1 >= len(s) || s[i+1] != '{' {
			i++
			continue
		}
		seg, next, err := parseVariable(s, i)
		if err != nil {
			return Template{}, err
		}
		flush(i)
		t.Segments = append(t.Segments, seg)
		i = next
		textStart = i
	}
	flush(len(s))
	return t, nil
}

// parseVariable parses the variable starting with "${" at s[start:]. It
// returns the segment and the offset just after the closing brace.
func parseVariable(s string, start int) (Segment, int, error) {
	open := start + 2
	verr := func(code string, off int, format string, args ...any) error {
		return &VariableError{Code: code, Offset: off, Msg: fmt.Sprintf(format, args...)}
	}
	// Special literals.
	if open+1 < len(s) && s[open+1] == '}' && strings.IndexByte("*?$", s[open]) >= 0 {
		return Segment{Kind: SegLiteral, Text: s[open : open+1], Offset: start}, open + 2, nil
	}
	i := open
	for i < len(s) {
		c := s[i]
		switch {
		case c == '}' || c == ',':
			goto keyDone
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			return Segment{}, 0, verr("UNSUPPORTED_SPACE_IN_VARIABLE", i,
				"policy variable at offset %d contains a space in its key; remove it (the only space allowed is the one after the comma in ${key, 'default'})", start)
		case c == '$' || c == '{':
			return Segment{}, 0, verr("MISSING_BRACE_IN_VARIABLE", i,
				"policy variable at offset %d is not closed before %q; add the closing \"}\"", start, string(c))
		case c == '\'':
			return Segment{}, 0, verr("MISSING_QUOTE_IN_VARIABLE", i,
				"policy variable at offset %d has a quote in its key; write a default value as ${key, 'default'}", start)
		}
		i++
	}
	return Segment{}, 0, verr("MISSING_BRACE_IN_VARIABLE", len(s),
		"policy variable at offset %d has no closing brace; add \"}\" after the key", start)

keyDone:
	key := s[open:i]
	if key == "" {
		return Segment{}, 0, verr("EMPTY_VARIABLE", start,
			"policy variable at offset %d is empty; write a condition key inside ${...}, such as ${aws:username}", start)
	}
	if s[i] == '}' {
		return Segment{Kind: SegVar, Text: key, Offset: start}, i + 1, nil
	}
	// s[i] == ',': a default value must follow as ", 'default'}".
	i++
	if i >= len(s) || s[i] != ' ' {
		if i < len(s) && s[i] == '\'' {
			return Segment{}, 0, verr("UNSUPPORTED_SPACE_IN_VARIABLE", i,
				"policy variable at offset %d needs exactly one space after the comma; write ${%s, 'default'}", start, key)
		}
		return Segment{}, 0, verr("MISSING_QUOTE_IN_VARIABLE", i,
			"policy variable at offset %d has a comma but no quoted default; write ${%s, 'default'}", start, key)
	}
	i++
	if i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		return Segment{}, 0, verr("UNSUPPORTED_SPACE_IN_VARIABLE", i,
			"policy variable at offset %d has more than one space after the comma; write ${%s, 'default'}", start, key)
	}
	if i >= len(s) || s[i] != '\'' {
		return Segment{}, 0, verr("MISSING_QUOTE_IN_VARIABLE", i,
			"policy variable at offset %d: the default value must be in single quotes; write ${%s, 'default'}", start, key)
	}
	i++
	end := strings.IndexByte(s[i:], '\'')
	if end < 0 {
		return Segment{}, 0, verr("MISSING_QUOTE_IN_VARIABLE", len(s),
			"policy variable at offset %d: the default value has no closing single quote; add \"'\" before \"}\"", start)
	}
	def := s[i : i+end]
	i += end + 1
	if i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		return Segment{}, 0, verr("UNSUPPORTED_SPACE_IN_VARIABLE", i,
			"policy variable at offset %d has a space after the default value; remove it so that \"}\" follows the closing quote", start)
	}
	if i >= len(s) || s[i] != '}' {
		return Segment{}, 0, verr("MISSING_BRACE_IN_VARIABLE", i,
			"policy variable at offset %d has no closing brace after the default value; add \"}\" after the closing quote", start)
	}
	return Segment{Kind: SegVar, Text: key, Default: def, HasDefault: true, Offset: start}, i + 1, nil
}
