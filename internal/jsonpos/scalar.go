package jsonpos

import (
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// parseString parses a string delimited by quote ('"', or '\” when
// recovering from a single-quoted string) and returns its decoded text.
// A string cut off by the end of its line or of the input is reported and
// ends there.
func (p *parser) parseString(quote byte) string {
	start := p.pos()
	p.advanceASCII(1)
	// Fast path: printable ASCII without escapes.
	i := p.off
	for i < len(p.src) {
		c := p.src[i]
		if c == quote || c == '\\' || c < 0x20 || c >= 0x80 {
			break
		}
		i++
	}
	if i < len(p.src) && p.src[i] == quote {
		s := string(p.src[p.off:i])
		p.advanceASCII(i - p.off + 1)
		return s
	}
	p.buf = append(p.buf[:0], p.src[p.off:i]...)
	p.advanceASCII(i - p.off)
	for {
		if p.eof() || p.src[p.off] == '\n' || p.src[p.off] == '\r' {
			here := p.pos()
			where := "the document ends"
			if !p.eof() {
				where = "the end of the line"
			}
			p.errorAt(CodeUnterminatedString, Span{Start: start, End: here}, Span{Start: start, End: start},
				fmt.Sprintf("the string starting at %s is not closed before %s; add the closing %c at %s", start, where, quote, here))
			p.unterminated = true
			return string(p.buf)
		}
		c := p.src[p.off]
		switch {
		case c == quote:
			p.advanceASCII(1)
			return string(p.buf)
		case c == '\\':
			p.parseEscape(quote)
		case c < 0x20:
			here := p.pos()
			p.errorAt(CodeControlCharacter, Span{Start: here, End: Pos{Offset: here.Offset + 1, Line: here.Line, Column: here.Column + 1}}, Span{},
				fmt.Sprintf("raw control character U+%04X inside a string; write it as %s", c, escapeFor(c)))
			p.buf = append(p.buf, c)
			p.advanceASCII(1)
		case c < utf8.RuneSelf:
			p.buf = append(p.buf, c)
			p.advanceASCII(1)
		default:
			r, size := utf8.DecodeRune(p.src[p.off:])
			if r == utf8.RuneError && size == 1 {
				here := p.pos()
				p.errorAt(CodeInvalidUTF8, Span{Start: here, End: Pos{Offset: here.Offset + 1, Line: here.Line, Column: here.Column + 1}}, Span{},
					fmt.Sprintf("invalid UTF-8 byte 0x%02X inside a string; save the document as UTF-8", c))
			}
			p.buf = utf8.AppendRune(p.buf, r)
			p.off += size
			p.col++
		}
	}
}

func escapeFor(c byte) string {
	switch c {
	case '\t':
		return `\t`
	case '\b':
		return `\b`
	case '\f':
		return `\f`
	}
	return fmt.Sprintf(`\u%04X`, c)
}

// parseEscape decodes the escape sequence at p.off (a backslash) into p.buf.
func (p *parser) parseEscape(quote byte) {
	start := p.pos()
	if p.off+1 >= len(p.src) || p.src[p.off+1] == '\n' || p.src[p.off+1] == '\r' {
		// A lone backslash at the end; the caller reports the unterminated
		// string.
		p.buf = append(p.buf, '\\')
		p.advanceASCII(1)
		return
	}
	e := p.src[p.off+1]
	switch e {
	case '"', '\\', '/':
		p.buf = append(p.buf, e)
	case 'b':
		p.buf = append(p.buf, '\b')
	case 'f':
		p.buf = append(p.buf, '\f')
	case 'n':
		p.buf = append(p.buf, '\n')
	case 'r':
		p.buf = append(p.buf, '\r')
	case 't':
		p.buf = append(p.buf, '\t')
	case 'u':
		r, ok := hex4(p.src[p.off+2:])
		if !ok {
			n := 2
			for n < 6 && p.off+n < len(p.src) && isHex(p.src[p.off+n]) {
				n++
			}
			p.errorAt(CodeInvalidEscape, Span{Start: start, End: Pos{Offset: start.Offset + n, Line: start.Line, Column: start.Column + n}}, Span{},
				fmt.Sprintf("invalid escape %q: \\u needs exactly four hex digits, such as \\u00e9", p.src[p.off:p.off+n]))
			p.buf = append(p.buf, p.src[p.off:p.off+n]...)
			p.advanceASCII(n)
			return
		}
		n := 6
		if utf16.IsSurrogate(r) {
			r2, ok2 := rune(0), false
			if p.off+7 < len(p.src) && p.src[p.off+6] == '\\' && p.src[p.off+7] == 'u' {
				r2, ok2 = hex4(p.src[p.off+8:])
			}
			if dec := utf16.DecodeRune(r, r2); ok2 && dec != utf8.RuneError {
				r = dec
				n = 12
			} else {
				r = utf8.RuneError
			}
		}
		p.buf = utf8.AppendRune(p.buf, r)
		p.advanceASCII(n)
		return
	default:
		if e == quote {
			p.buf = append(p.buf, e)
			break
		}
		hint := `use \\ for a backslash`
		if e == '\'' {
			hint = `a single quote needs no escape; write ' alone`
		}
		size := 1
		if e >= utf8.RuneSelf {
			_, size = utf8.DecodeRune(p.src[p.off+1:])
		}
		p.errorAt(CodeInvalidEscape, Span{Start: start, End: Pos{Offset: start.Offset + 1 + size, Line: start.Line, Column: start.Column + 2}}, Span{},
			fmt.Sprintf("invalid escape %q in a string; JSON allows only \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX — %s", p.src[p.off:p.off+1+size], hint))
		p.buf = append(p.buf, p.src[p.off:p.off+1+size]...)
		p.off += 1 + size
		p.col += 2
		return
	}
	p.advanceASCII(2)
}

func isHex(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case isDigit(c):
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// parseNumber parses a number, reporting text that does not follow JSON's
// number grammar.
func (p *parser) parseNumber() *Value {
	start := p.pos()
	i := p.off
	for i < len(p.src) {
		c := p.src[i]
		if !isIdentChar(c) && c != '+' {
			break
		}
		i++
	}
	text := string(p.src[p.off:i])
	p.advanceASCII(i - p.off)
	span := Span{Start: start, End: p.pos()}
	if problem := checkNumber(text); problem != "" {
		p.errorAt(CodeInvalidNumber, span, Span{}, fmt.Sprintf("invalid number %q: %s", text, problem))
	}
	return &Value{Kind: Number, Str: text, Span: span}
}

// checkNumber returns "" if s is a JSON number, else what is wrong with it
// and how to fix it.
func checkNumber(s string) string {
	const quoteIt = "; if it is meant as text, put it in double quotes"
	i := 0
	if i < len(s) && s[i] == '+' {
		return "a number cannot start with '+'; remove it"
	}
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i >= len(s) || !isDigit(s[i]):
		return "a digit must come first" + quoteIt
	case s[i] == '0':
		i++
		if i < len(s) && isDigit(s[i]) {
			return "leading zeros are not allowed" + quoteIt
		}
	default:
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i >= len(s) || !isDigit(s[i]) {
			return "a digit must follow the decimal point"
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || !isDigit(s[i]) {
			return "a digit must follow the exponent"
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) {
		return fmt.Sprintf("unexpected %q at position %d of the number", s[i], i+1) + quoteIt
	}
	return ""
}

// parseLiteral parses a bare word: true, false or null, or (recovering) a
// misspelt one or text that should have been quoted.
func (p *parser) parseLiteral() *Value {
	start := p.pos()
	i := p.off
	for i < len(p.src) && isIdentChar(p.src[i]) {
		i++
	}
	text := string(p.src[p.off:i])
	p.advanceASCII(i - p.off)
	span := Span{Start: start, End: p.pos()}
	switch text {
	case "true", "false":
		return &Value{Kind: Bool, Str: text, Span: span}
	case "null":
		return &Value{Kind: Null, Str: text, Span: span}
	}
	switch lower := strings.ToLower(text); lower {
	case "true", "false", "null":
		p.errorAt(CodeInvalidLiteral, span, Span{}, fmt.Sprintf("%s must be written in lower case: %s", text, lower))
		kind := Bool
		if lower == "null" {
			kind = Null
		}
		return &Value{Kind: kind, Str: lower, Span: span}
	}
	p.errorAt(CodeInvalidLiteral, span, Span{}, fmt.Sprintf("unquoted text %s; strings must be in double quotes: write %q", text, text))
	return &Value{Kind: String, Str: text, Span: span}
}
