package jsonpos

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Parse parses src as one JSON value. It always returns the best tree it
// could build (nil only when src holds no value at all) together with every
// problem found, in source order of discovery. A nil error slice means src
// is valid JSON with no duplicate keys.
func Parse(src []byte) (*Value, []*SyntaxError) {
	p := &parser{src: src, line: 1, col: 1}
	if hasBOM(src) {
		p.off = len(bom)
		p.errorAt(CodeByteOrderMark, Span{Start: Pos{Line: 1, Column: 1}, End: p.pos()}, Span{},
			"the document starts with a UTF-8 byte order mark; save the file as UTF-8 without BOM")
	}
	p.skipSpace()
	if p.eof() {
		p.errorAt(CodeEmptyDocument, p.spanHere(), Span{}, "the document is empty; write a JSON value such as {\"Version\": \"2012-10-17\", \"Statement\": []}")
		return nil, p.errs
	}
	before := len(p.errs)
	v := p.parseValue()
	p.skipSpace()
	if v.Kind == String && !p.eof() && p.src[p.off] == ':' {
		// "key": value ... without the enclosing braces, as when a
		// statement is copied without its first line. Parse it again as
		// the inside of an object, so that the rest is still checked.
		p.errs = p.errs[:before]
		start := v.Span.Start
		p.errorAt(CodeMissingOpenBrace, Span{Start: start, End: v.Span.End}, Span{},
			fmt.Sprintf("the document starts with the member %q: ... instead of a value; it looks like the inside of an object: add '{' before it at %s", v.Str, start))
		p.off, p.line, p.col = start.Offset, start.Line, start.Column
		v = p.parseObjectBody(start)
		p.skipSpace()
	}
	if !p.eof() {
		start := p.pos()
		c := p.src[p.off]
		msg := fmt.Sprintf("unexpected %s after the end of the JSON value that ends at %s; remove it (a document holds exactly one value)", describe(p.src[p.off:]), v.Span.End)
		switch c {
		case '}', ']':
			msg = fmt.Sprintf("unexpected %q after the end of the JSON value that ends at %s; remove this extra closing bracket", c, v.Span.End)
		case ',':
			msg = fmt.Sprintf("unexpected ',' after the end of the JSON value that ends at %s: a document holds exactly one value; to list several values (such as statements), wrap them all in [ ]", v.Span.End)
		}
		p.errorAt(CodeTrailingData, Span{Start: start, End: LineCol(p.src, len(p.src))}, Span{}, msg)
	}
	return v, p.errs
}

type parser struct {
	src       []byte
	off       int
	line, col int
	depth     int
	errs      []*SyntaxError
	buf       []byte
	// unterminated is set when the value just parsed was a string cut off
	// at the end of its line; the missing comma that follows is a
	// consequence and is not reported again.
	unterminated bool
}

func (p *parser) eof() bool      { return p.off >= len(p.src) }
func (p *parser) pos() Pos       { return Pos{Offset: p.off, Line: p.line, Column: p.col} }
func (p *parser) spanHere() Span { return Span{Start: p.pos(), End: p.pos()} }

func (p *parser) errorAt(code string, span, related Span, msg string) {
	switch {
	case len(p.errs) < MaxErrors:
		p.errs = append(p.errs, &SyntaxError{Code: code, Span: span, Related: related, Msg: msg})
	case len(p.errs) == MaxErrors:
		p.errs = append(p.errs, &SyntaxError{Code: CodeTooManyErrors, Span: span,
			Msg: fmt.Sprintf("more than %d errors; fix the ones above and check again", MaxErrors)})
	}
}

// advance moves past one character (one byte of invalid UTF-8), keeping
// line and column up to date.
func (p *parser) advance() {
	c := p.src[p.off]
	switch {
	case c == '\n':
		p.off++
		p.line++
		p.col = 1
	case c < utf8.RuneSelf:
		p.off++
		p.col++
	default:
		_, size := utf8.DecodeRune(p.src[p.off:])
		p.off += size
		p.col++
	}
}

// advanceASCII moves past n bytes known to be ASCII without newlines.
func (p *parser) advanceASCII(n int) {
	p.off += n
	p.col += n
}

// skipSpace skips JSON white space, and comments (reporting them).
func (p *parser) skipSpace() {
	for p.off < len(p.src) {
		switch p.src[p.off] {
		case ' ', '\t', '\r':
			p.off++
			p.col++
		case '\n':
			p.off++
			p.line++
			p.col = 1
		case '/':
			if !p.skipComment() {
				return
			}
		default:
			return
		}
	}
}

// skipComment skips a // or /* */ comment at p.off and reports it. It
// returns false if p.off does not start a comment.
func (p *parser) skipComment() bool {
	if p.off+1 >= len(p.src) || (p.src[p.off+1] != '/' && p.src[p.off+1] != '*') {
		return false
	}
	start := p.pos()
	block := p.src[p.off+1] == '*'
	p.advanceASCII(2)
	for !p.eof() {
		if !block && p.src[p.off] == '\n' {
			break
		}
		if block && p.src[p.off] == '*' && p.off+1 < len(p.src) && p.src[p.off+1] == '/' {
			p.advanceASCII(2)
			break
		}
		p.advance()
	}
	p.errorAt(CodeComment, Span{Start: start, End: p.pos()}, Span{}, "JSON does not allow comments; remove the comment")
	return true
}

// describe names the character at the start of b for error messages.
func describe(b []byte) string {
	if len(b) == 0 {
		return "end of document"
	}
	r, size := utf8.DecodeRune(b)
	if r == utf8.RuneError && size <= 1 {
		return fmt.Sprintf("byte 0x%02X", b[0])
	}
	if r < 0x20 || r == 0x7F || (r >= 0x80 && r < 0xA0) || r == 0xA0 || r == 0xFEFF {
		return fmt.Sprintf("character U+%04X", r)
	}
	return fmt.Sprintf("character %q", r)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '$'
}

func isIdentChar(c byte) bool {
	return isIdentStart(c) || isDigit(c) || c == '-' || c == '.'
}

// parseValue parses the value at p.off, which must not be at the end of
// the input. It always consumes at least one byte.
func (p *parser) parseValue() *Value {
	p.unterminated = false
	start := p.pos()
	c := p.src[p.off]
	switch {
	case c == '{' || c == '[':
		if p.depth >= MaxDepth {
			p.skipNested()
			span := Span{Start: start, End: p.pos()}
			p.errorAt(CodeTooDeep, span, Span{}, fmt.Sprintf("objects and arrays are nested more than %d deep; flatten the document", MaxDepth))
			return &Value{Kind: Invalid, Span: span}
		}
		if c == '{' {
			return p.parseObject()
		}
		return p.parseArray()
	case c == '"':
		s := p.parseString('"')
		return &Value{Kind: String, Str: s, Span: Span{Start: start, End: p.pos()}}
	case c == '\'':
		s := p.parseString('\'')
		span := Span{Start: start, End: p.pos()}
		p.errorAt(CodeSingleQuotedString, span, Span{}, "strings must be in double quotes; replace the single quotes with \"")
		return &Value{Kind: String, Str: s, Span: span}
	case c == '-' || c == '+' || c == '.' || isDigit(c):
		return p.parseNumber()
	case isIdentStart(c):
		return p.parseLiteral()
	}
	r, size := utf8.DecodeRune(p.src[p.off:])
	what := describe(p.src[p.off:])
	p.off += size
	p.col++
	span := Span{Start: start, End: p.pos()}
	if r == utf8.RuneError && size == 1 {
		p.errorAt(CodeInvalidUTF8, span, Span{}, fmt.Sprintf("invalid UTF-8 (%s); save the document as UTF-8", what))
	} else {
		p.errorAt(CodeUnexpectedCharacter, span, Span{}, fmt.Sprintf("unexpected %s where a value was expected; a value is a \"string\", number, true, false, null, object or array", what))
	}
	return &Value{Kind: Invalid, Str: string(p.src[start.Offset:p.off]), Span: span}
}

// skipNested skips a whole object or array without building it.
func (p *parser) skipNested() {
	depth := 0
	for !p.eof() {
		switch p.src[p.off] {
		case '"':
			p.advance()
			for !p.eof() && p.src[p.off] != '"' && p.src[p.off] != '\n' {
				if p.src[p.off] == '\\' && p.off+1 < len(p.src) && p.src[p.off+1] != '\n' {
					p.advance()
				}
				p.advance()
			}
			if !p.eof() && p.src[p.off] == '"' {
				p.advance()
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				p.advance()
				return
			}
		}
		p.advance()
	}
}

// container describes an object or array for error messages.
type container struct {
	kind       Kind
	open       Pos
	closer     byte
	wrongClose byte
	noun       string // "object members" or "array elements"

	hasPrev  bool // an item has been parsed
	prevEnd  Pos  // end of the last item
	hasComma bool // a comma follows the last item
	comma    Pos  // position of that comma
}

func (p *parser) parseObject() *Value {
	open := p.pos()
	p.advance()
	return p.parseObjectBody(open)
}

// parseObjectBody parses an object's members and closing brace; open is
// the position of its opening brace, already consumed.
func (p *parser) parseObjectBody(open Pos) *Value {
	c := container{kind: Object, open: open, closer: '}', wrongClose: ']', noun: "object members"}
	v := &Value{Kind: Object}
	p.depth++
	defer func() { p.depth-- }()
	var seen map[string]Span
	for {
		if done := p.beforeItem(&c, v); done {
			return v
		}
		keyStart := p.pos()
		ch := p.src[p.off]
		var key string
		switch {
		case ch == '"':
			key = p.parseString('"')
		case ch == '\'':
			key = p.parseString('\'')
			p.errorAt(CodeSingleQuotedString, Span{Start: keyStart, End: p.pos()}, Span{}, "object keys must be in double quotes; replace the single quotes with \"")
		case isIdentStart(ch):
			for !p.eof() && isIdentChar(p.src[p.off]) {
				p.advanceASCII(1)
			}
			key = string(p.src[keyStart.Offset:p.off])
			p.errorAt(CodeUnquotedKey, Span{Start: keyStart, End: p.pos()}, Span{}, fmt.Sprintf("object key %s must be in double quotes; write %q", key, key))
		default:
			// Not a key: report, skip the value, and carry on.
			p.errorAt(CodeExpectedKey, Span{Start: keyStart, End: keyStart}, Span{}, fmt.Sprintf("expected a double-quoted member name, found %s", describe(p.src[p.off:])))
			val := p.parseValue()
			p.skipSpace()
			if p.eof() || p.src[p.off] != ':' {
				p.afterItem(&c, val.Span.End)
				continue
			}
			// Followed by ':', so it was meant as a key.
			key = string(p.src[keyStart.Offset:val.Span.End.Offset])
			p.unterminated = false
		}
		keySpan := Span{Start: keyStart, End: p.pos()}
		keyUnterminated := p.unterminated
		p.skipSpace()
		if !p.eof() && p.src[p.off] == ':' {
			p.advanceASCII(1)
			p.skipSpace()
		} else if !keyUnterminated {
			p.errorAt(CodeMissingColon, Span{Start: keySpan.End, End: keySpan.End}, Span{}, fmt.Sprintf("missing ':' after the key %q; add ':' at %s", key, keySpan.End))
		}
		var val *Value
		if p.eof() || strings.IndexByte("},]", p.src[p.off]) >= 0 {
			here := p.pos()
			if !p.eof() && !keyUnterminated {
				p.errorAt(CodeMissingValue, Span{Start: here, End: here}, Span{}, fmt.Sprintf("missing value for the key %q; write a value after the ':'", key))
			}
			val = &Value{Kind: Invalid, Span: Span{Start: here, End: here}}
		} else {
			val = p.parseValue()
		}
		if first, dup := seen[key]; dup {
			p.errorAt(CodeDuplicateKey, keySpan, first, fmt.Sprintf("duplicate key %q (first at %s); remove one of them", key, first.Start))
		} else {
			if seen == nil {
				seen = make(map[string]Span)
			}
			seen[key] = keySpan
		}
		v.Members = append(v.Members, Member{Key: key, KeySpan: keySpan, Value: val})
		p.afterItem(&c, val.Span.End)
	}
}

func (p *parser) parseArray() *Value {
	c := container{kind: Array, open: p.pos(), closer: ']', wrongClose: '}', noun: "array elements"}
	v := &Value{Kind: Array}
	p.advance()
	p.depth++
	defer func() { p.depth-- }()
	for {
		if done := p.beforeItem(&c, v); done {
			return v
		}
		val := p.parseValue()
		v.Elems = append(v.Elems, val)
		p.afterItem(&c, val.Span.End)
	}
}

// beforeItem skips white space, commas and the closing bracket before the
// next member or element of the container. It returns true when the
// container is finished (closed, or cut off by the end of the input); v's
// span is then set. Otherwise p.off is at the start of the next item.
func (p *parser) beforeItem(c *container, v *Value) bool {
	st := c
	for {
		p.skipSpace()
		if p.eof() {
			what := "object"
			code := CodeUnterminatedObject
			if c.kind == Array {
				what, code = "array", CodeUnterminatedArray
			}
			end := p.pos()
			p.errorAt(code, Span{Start: end, End: end}, Span{Start: c.open, End: c.open},
				fmt.Sprintf("the document ends inside the %s opened at %s; add the missing %q", what, c.open, c.closer))
			v.Span = Span{Start: c.open, End: end}
			return true
		}
		ch := p.src[p.off]
		switch ch {
		case c.closer, c.wrongClose:
			if st.hasComma {
				p.errorAt(CodeTrailingComma, Span{Start: st.comma, End: Pos{Offset: st.comma.Offset + 1, Line: st.comma.Line, Column: st.comma.Column + 1}}, Span{},
					fmt.Sprintf("trailing comma before '%c' — remove the comma at %s", ch, st.comma))
			}
			if ch == c.wrongClose {
				here := p.pos()
				p.errorAt(CodeMismatchedBracket, Span{Start: here, End: here}, Span{Start: c.open, End: c.open},
					fmt.Sprintf("'%c' does not match the '%c' opened at %s; write '%c' here", ch, openerOf(c.closer), c.open, c.closer))
				if p.depth > 1 {
					// Leave the bracket for the enclosing container.
					v.Span = Span{Start: c.open, End: here}
					return true
				}
			}
			p.advanceASCII(1)
			v.Span = Span{Start: c.open, End: p.pos()}
			return true
		case ',':
			here := p.pos()
			if !st.hasPrev || st.hasComma {
				p.errorAt(CodeExtraComma, Span{Start: here, End: Pos{Offset: here.Offset + 1, Line: here.Line, Column: here.Column + 1}}, Span{},
					fmt.Sprintf("unexpected ',' with no value before it; remove the comma at %s", here))
			}
			st.comma, st.hasComma = here, true
			p.advanceASCII(1)
			continue
		case ':':
			if c.kind == Array {
				here := p.pos()
				p.errorAt(CodeUnexpectedCharacter, Span{Start: here, End: here}, Span{}, fmt.Sprintf("unexpected ':' in the array opened at %s; arrays hold values, not key: value pairs — use an object", c.open))
				p.advanceASCII(1)
				st.hasPrev = false
				continue
			}
		}
		if st.hasPrev && !st.hasComma && !p.unterminated {
			p.errorAt(CodeMissingComma, Span{Start: st.prevEnd, End: st.prevEnd}, Span{},
				fmt.Sprintf("missing ',' between %s; add ',' at %s", c.noun, st.prevEnd))
		}
		return false
	}
}

// afterItem records that an item ending at end was parsed.
func (p *parser) afterItem(c *container, end Pos) {
	st := c
	st.hasPrev, st.prevEnd, st.hasComma = true, end, false
}

func openerOf(closer byte) byte {
	if closer == '}' {
		return '{'
	}
	return '['
}
