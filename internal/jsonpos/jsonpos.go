// Package jsonpos is a JSON parser that keeps the position of every value
// and reports every syntax problem it finds, with line and column, instead
// of stopping at the first one.
//
// It exists because policy documents are written by hand and the useful
// answer to a broken policy is a list of precise findings ("trailing comma
// before '}' — remove the comma at 12:5", "duplicate key "Effect" (first at
// 4:9)") rather than the first error encoding/json meets. The parser
// recovers from common mistakes (trailing and missing commas, unquoted
// keys, single-quoted strings, unterminated strings, mismatched brackets)
// and always returns the best tree it could build, so that a caller can go
// on to check the rest of the document.
//
// Positions count lines from 1 (a line ends with '\n'), columns from 1 in
// Unicode code points (each byte of invalid UTF-8 counts as one), and byte
// offsets from 0. A UTF-8 byte order mark at the start takes no column.
package jsonpos

import (
	"fmt"
	"unicode/utf8"
)

// Pos is a position in the source text.
type Pos struct {
	Offset int // byte offset from the start of the source, starting at 0
	Line   int // line number, starting at 1
	Column int // column number in Unicode code points, starting at 1
}

// String returns the position as "line:column".
func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Column) }

// Span is the half-open range [Start, End) of source text.
type Span struct {
	Start Pos
	End   Pos
}

// Kind is the JSON type of a Value.
type Kind int

const (
	// Invalid is a value that could not be parsed; a SyntaxError reports
	// why. Its Str holds the offending text, if any.
	Invalid Kind = iota
	// Object is a JSON object; see Value.Members.
	Object
	// Array is a JSON array; see Value.Elems.
	Array
	// String is a JSON string; Value.Str is the decoded text.
	String
	// Number is a JSON number; Value.Str is its literal text.
	Number
	// Bool is true or false; Value.Str is "true" or "false".
	Bool
	// Null is null; Value.Str is "null".
	Null
)

// String returns the kind's name as used in error messages, such as
// "object" or "string".
func (k Kind) String() string {
	switch k {
	case Object:
		return "object"
	case Array:
		return "array"
	case String:
		return "string"
	case Number:
		return "number"
	case Bool:
		return "boolean"
	case Null:
		return "null"
	}
	return "invalid value"
}

// Value is a parsed JSON value with its position.
type Value struct {
	Kind Kind
	Span Span
	// Str is the decoded text of a String, the literal text of a Number,
	// Bool or Null, and the offending text of an Invalid value.
	Str string
	// Members are the members of an Object in source order. Duplicate keys
	// are kept (and reported as errors).
	Members []Member
	// Elems are the elements of an Array.
	Elems []*Value
}

// Member is one key/value pair of an object.
type Member struct {
	Key     string // the decoded key
	KeySpan Span   // the span of the key, including its quotes
	Value   *Value
}

// Lookup returns the value of the last member of object v whose key is
// exactly key, or nil if there is none or v is not an object. (Duplicate
// keys are syntax errors; the last one wins, as in encoding/json.)
func (v *Value) Lookup(key string) *Value {
	if v == nil || v.Kind != Object {
		return nil
	}
	for i := len(v.Members) - 1; i >= 0; i-- {
		if v.Members[i].Key == key {
			return v.Members[i].Value
		}
	}
	return nil
}

// Error codes of SyntaxError. They are stable and may be used by callers to
// classify problems.
const (
	CodeTrailingComma       = "trailing-comma"       // comma before '}' or ']'
	CodeExtraComma          = "extra-comma"          // comma with no value before it
	CodeMissingComma        = "missing-comma"        // two members or elements without a comma between them
	CodeMissingColon        = "missing-colon"        // object key not followed by ':'
	CodeMissingValue        = "missing-value"        // object key with no value
	CodeExpectedKey         = "expected-key"         // something other than a key where a key belongs
	CodeUnquotedKey         = "unquoted-key"         // object key written without quotes
	CodeDuplicateKey        = "duplicate-key"        // the same key twice in one object
	CodeUnterminatedString  = "unterminated-string"  // string with no closing quote
	CodeUnterminatedObject  = "unterminated-object"  // object with no closing '}'
	CodeUnterminatedArray   = "unterminated-array"   // array with no closing ']'
	CodeMismatchedBracket   = "mismatched-bracket"   // '}' closing an array or ']' closing an object
	CodeInvalidEscape       = "invalid-escape"       // backslash escape JSON does not define
	CodeControlCharacter    = "control-character"    // raw control character inside a string
	CodeInvalidNumber       = "invalid-number"       // number that does not follow JSON's grammar
	CodeInvalidLiteral      = "invalid-literal"      // bare word other than true, false, null
	CodeSingleQuotedString  = "single-quoted-string" // string in single quotes
	CodeUnexpectedCharacter = "unexpected-character" // character that cannot start a value
	CodeComment             = "comment"              // // or /* */ comment
	CodeByteOrderMark       = "byte-order-mark"      // UTF-8 byte order mark at the start
	CodeEmptyDocument       = "empty-document"       // no value at all
	CodeTrailingData        = "trailing-data"        // text after the document's value
	CodeMissingOpenBrace    = "missing-open-brace"   // the document starts with "key": like an object's inside
	CodeTooDeep             = "too-deep"             // nesting deeper than MaxDepth
	CodeInvalidUTF8         = "invalid-utf8"         // bytes that are not valid UTF-8
	CodeTooManyErrors       = "too-many-errors"      // MaxErrors reached; later errors are not reported
)

// MaxErrors is the number of errors Parse reports before it stops
// recording them; one more error with CodeTooManyErrors then marks where
// reporting stopped. Parsing itself continues to the end.
const MaxErrors = 200

// MaxDepth is the deepest nesting of objects and arrays Parse accepts.
// Deeper values are reported with CodeTooDeep and skipped.
const MaxDepth = 256

// SyntaxError is one problem found in the JSON text.
type SyntaxError struct {
	// Code is one of the Code constants, such as "trailing-comma".
	Code string
	// Span is where the problem is; Span.Start is the position reported.
	Span Span
	// Related is a second position the problem involves: for a duplicate
	// key, the first occurrence; for an unterminated or mismatched object
	// or array, its opening bracket; for an unterminated string, its
	// opening quote. It is the zero Span when there is none.
	Related Span
	// Msg says what is wrong and how to fix it, without the position.
	Msg string
}

// Error returns "line:col: msg".
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%d:%d: %s", e.Span.Start.Line, e.Span.Start.Column, e.Msg)
}

// LineCol returns the position of byte offset off in src, counting lines
// and columns as Parse does. An offset outside src is clamped to it.
func LineCol(src []byte, off int) Pos {
	off = max(0, min(off, len(src)))
	p := Pos{Line: 1, Column: 1}
	i := 0
	if hasBOM(src) && off >= len(bom) {
		i = len(bom)
	}
	for i < off {
		c := src[i]
		switch {
		case c == '\n':
			p.Line++
			p.Column = 1
			i++
		case c < utf8.RuneSelf:
			p.Column++
			i++
		default:
			_, size := utf8.DecodeRune(src[i:])
			p.Column++
			i += size
		}
	}
	p.Offset = off
	return p
}

const bom = "\xEF\xBB\xBF"

func hasBOM(src []byte) bool {
	return len(src) >= len(bom) && string(src[:len(bom)]) == bom
}
