package jsonpos

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// errSummary renders errors as "code@line:col" for compact comparison.
func errSummary(errs []*SyntaxError) []string {
	var out []string
	for _, e := range errs {
		out = append(out, fmt.Sprintf("%s@%d:%d", e.Code, e.Span.Start.Line, e.Span.Start.Column))
	}
	return out
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string // code@line:col
		msg  string   // substring of the first error's message
	}{
		{"valid", `{"a": [1, "x", true, false, null, {}, []]}`, nil, ""},
		{"trailing comma object", "{\n  \"a\": 1,\n}", []string{"trailing-comma@2:9"}, "trailing comma before '}' — remove the comma at 2:9"},
		{"trailing comma array", `["a", "b",]`, []string{"trailing-comma@1:10"}, "trailing comma before ']' — remove the comma at 1:10"},
		{"extra comma", `[1,,2]`, []string{"extra-comma@1:4"}, "remove the comma at 1:4"},
		{"leading comma", `{, "a": 1}`, []string{"extra-comma@1:2"}, ""},
		{"missing comma array", "[\"a\"\n \"b\"]", []string{"missing-comma@1:5"}, "add ',' at 1:5"},
		{"missing comma object", `{"a": 1 "b": 2}`, []string{"missing-comma@1:8"}, "between object members"},
		{"missing colon", `{"a" 1}`, []string{"missing-colon@1:5"}, `after the key "a"`},
		{"missing value", `{"a": }`, []string{"missing-value@1:7"}, `missing value for the key "a"`},
		{"expected key", `{1: 2}`, []string{"expected-key@1:2"}, "double-quoted member name"},
		{"unquoted key", `{Effect: "Allow"}`, []string{"unquoted-key@1:2"}, `write "Effect"`},
		{"duplicate key", "{\n  \"Effect\": \"Allow\",\n  \"Effect\": \"Deny\"\n}", []string{"duplicate-key@3:3"}, `duplicate key "Effect" (first at 2:3)`},
		{"duplicate key nested ok", `[{"a":1},{"a":2}]`, nil, ""},
		{"unterminated string eof", `"abc`, []string{"unterminated-string@1:1"}, "not closed before the document ends"},
		{"unterminated string eol", "{\"a\": \"abc,\n\"b\": 1}", []string{"unterminated-string@1:7"}, "not closed before the end of the line"},
		{"unterminated object", "{\"a\": 1", []string{"unterminated-object@1:8"}, "inside the object opened at 1:1"},
		{"unterminated array", "[1, 2", []string{"unterminated-array@1:6"}, "add the missing ']'"},
		{"unterminated after colon", `{"a":`, []string{"unterminated-object@1:6"}, ""},
		{"mismatched bracket inner", `{"a": [1}`, []string{"mismatched-bracket@1:9"}, "does not match the '[' opened at 1:7"},
		{"mismatched bracket outer", `[1}`, []string{"mismatched-bracket@1:3"}, ""},
		{"invalid escape", `"a\qb"`, []string{"invalid-escape@1:3"}, `invalid escape "\\q"`},
		{"invalid unicode escape", `"\u12x"`, []string{"invalid-escape@1:2"}, "four hex digits"},
		{"control character", "\"a\tb\"", []string{"control-character@1:3"}, `write it as \t`},
		{"invalid numbers", `[01, 1., -, +1, .5, 1e5x]`, []string{"invalid-number@1:2", "invalid-number@1:6", "invalid-number@1:10", "invalid-number@1:13", "invalid-number@1:17", "invalid-number@1:21"}, "leading zeros"},
		{"invalid literal case", `[True, NULL]`, []string{"invalid-literal@1:2", "invalid-literal@1:8"}, "lower case: true"},
		{"unquoted word", `{"Effect": Allow}`, []string{"invalid-literal@1:12"}, `write "Allow"`},
		{"single quotes", `{'a': 'b'}`, []string{"single-quoted-string@1:2", "single-quoted-string@1:7"}, "double quotes"},
		{"unexpected character", `[1, @]`, []string{"unexpected-character@1:5"}, `character '@'`},
		{"colon in array", `["a": 1]`, []string{"unexpected-character@1:5"}, "use an object"},
		{"comment", "{\n // note\n \"a\": 1 /* x */\n}", []string{"comment@2:2", "comment@3:9"}, "comments"},
		{"bom", "\xEF\xBB\xBF{\"a\": 1}", []string{"byte-order-mark@1:1"}, "without BOM"},
		{"bom columns", "\xEF\xBB\xBF{\"a\": x}", []string{"byte-order-mark@1:1", "invalid-literal@1:7"}, ""},
		{"empty", " \n ", []string{"empty-document@2:2"}, "empty"},
		{"trailing data", `{"a": 1} x`, []string{"trailing-data@1:10"}, "after the end of the JSON value"},
		{"missing open brace", "\"Sid\": \"x\",\n\"Effect\": \"Allow\"}", []string{"missing-open-brace@1:1"}, "add '{' before it at 1:1"},
		{"missing open brace then more", "\"Sid\": \"x\"\n},\n{\"a\": 1}", []string{"missing-open-brace@1:1", "trailing-data@2:2"}, ""},
		{"extra closing brace", "{\"a\": 1}\n}", []string{"trailing-data@2:1"}, "extra closing bracket"},
		{"invalid utf8 in string", "\"a\xffb\"", []string{"invalid-utf8@1:3"}, "0xFF"},
		{"invalid utf8 outside", "[\xff]", []string{"invalid-utf8@1:2"}, ""},
		{"unicode columns", "{\"é€😀\": 1,}", []string{"trailing-comma@1:10"}, ""},
		{"too deep", strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1), []string{"too-deep@1:257"}, "nested more than 256"},
		{"too many errors", "[" + strings.Repeat("1 ", MaxErrors+5) + "]", manyCommas(), "missing ','"},
		{"max depth ok", strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth), nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, errs := Parse([]byte(tt.in))
			got := errSummary(errs)
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Parse(%q) errors = %q, want %q\n%v", tt.in, got, tt.want, errs)
			}
			if tt.msg != "" && !strings.Contains(errs[0].Msg, tt.msg) {
				t.Errorf("message %q does not contain %q", errs[0].Msg, tt.msg)
			}
			for _, e := range errs {
				if e.Msg == "" || !strings.HasPrefix(e.Error(), fmt.Sprintf("%d:%d: ", e.Span.Start.Line, e.Span.Start.Column)) {
					t.Errorf("bad error text %q", e.Error())
				}
				if want := LineCol([]byte(tt.in), e.Span.Start.Offset); want != e.Span.Start {
					t.Errorf("%s: position %+v, LineCol gives %+v", e.Code, e.Span.Start, want)
				}
			}
			if v == nil && tt.name != "empty" {
				t.Fatalf("Parse(%q) returned no tree", tt.in)
			}
		})
	}
}

// TestRecovery checks that the tree built around a syntax error still holds
// the rest of the document.
func manyCommas() []string {
	var out []string
	for i := range MaxErrors + 1 {
		out = append(out, fmt.Sprintf("missing-comma@1:%d", 3+2*i))
	}
	out[MaxErrors] = fmt.Sprintf("too-many-errors@1:%d", 3+2*MaxErrors)
	return out
}

func TestRecovery(t *testing.T) {
	src := []byte(`{
  "Statement": [
    {
      "Action": ["connect:A" "connect:B",],
      "Resource": "*",
    },
    {"Effect": "Deny" "Action": "x"}
  ]
}`)
	v, errs := Parse(src)
	if got, want := errSummary(errs), []string{"missing-comma@4:29", "trailing-comma@4:41", "trailing-comma@5:22", "missing-comma@7:22"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("errors = %q, want %q", got, want)
	}
	stmts := v.Lookup("Statement")
	if stmts == nil || len(stmts.Elems) != 2 {
		t.Fatalf("Statement not recovered: %+v", stmts)
	}
	actions := stmts.Elems[0].Lookup("Action")
	if actions == nil || len(actions.Elems) != 2 || actions.Elems[1].Str != "connect:B" {
		t.Fatalf("Action not recovered: %+v", actions)
	}
	if r := stmts.Elems[0].Lookup("Resource"); r == nil || r.Str != "*" {
		t.Fatalf("Resource not recovered: %+v", r)
	}
	if a := stmts.Elems[1].Lookup("Action"); a == nil || a.Str != "x" || a.Span.Start != LineCol(src, bytes.Index(src, []byte(`"x"`))) {
		t.Fatalf("second statement's Action not recovered: %+v", a)
	}
}

func TestSpans(t *testing.T) {
	src := []byte("{\"k\": [\"v\", 12, true],\n \"é\": null}")
	v, errs := Parse(src)
	if errs != nil {
		t.Fatal(errs)
	}
	check := func(name string, s Span, text string) {
		t.Helper()
		if got := string(src[s.Start.Offset:s.End.Offset]); got != text {
			t.Errorf("%s spans %q, want %q", name, got, text)
		}
		for _, p := range []Pos{s.Start, s.End} {
			if want := LineCol(src, p.Offset); p != want {
				t.Errorf("%s: %+v, want %+v", name, p, want)
			}
		}
	}
	check("object", v.Span, string(src))
	check("key k", v.Members[0].KeySpan, `"k"`)
	arr := v.Members[0].Value
	check("array", arr.Span, `["v", 12, true]`)
	check("string", arr.Elems[0].Span, `"v"`)
	check("number", arr.Elems[1].Span, `12`)
	check("bool", arr.Elems[2].Span, `true`)
	check("key é", v.Members[1].KeySpan, `"é"`)
	if p := v.Members[1].Value.Span.Start; p.Line != 2 || p.Column != 7 {
		t.Errorf("null at %v, want 2:7", p)
	}
	if v.Lookup("k") != arr || v.Lookup("missing") != nil || arr.Lookup("k") != nil {
		t.Error("Lookup")
	}
}

func TestStrings(t *testing.T) {
	tests := []struct{ in, want string }{
		{`"plain"`, "plain"},
		{`"a\"b\\c\/d\b\f\n\r\t"`, "a\"b\\c/d\b\f\n\r\t"},
		{`"\u00e9\u20AC"`, "é€"},
		{`"\ud83d\ude00"`, "😀"},
		{`"\ud83d"`, "\uFFFD"},
		{`"\ud83dx"`, "\uFFFDx"},
		{`"\ude00\u0041"`, "\uFFFDA"},
		{`"é€😀"`, "é€😀"},
		{`"\u0000"`, "\x00"},
	}
	for _, tt := range tests {
		v, errs := Parse([]byte(tt.in))
		if errs != nil || v.Kind != String || v.Str != tt.want {
			t.Errorf("Parse(%s) = %q %v, want %q", tt.in, v.Str, errs, tt.want)
		}
	}
}

// toAny converts a tree to the value encoding/json decodes (with UseNumber).
func toAny(v *Value) any {
	switch v.Kind {
	case Object:
		m := make(map[string]any, len(v.Members))
		for _, mem := range v.Members {
			m[mem.Key] = toAny(mem.Value)
		}
		return m
	case Array:
		a := make([]any, 0, len(v.Elems))
		for _, e := range v.Elems {
			a = append(a, toAny(e))
		}
		return a
	case String:
		return v.Str
	case Number:
		return json.Number(v.Str)
	case Bool:
		return v.Str == "true"
	case Null:
		return nil
	}
	return fmt.Sprintf("<invalid %q>", v.Str)
}

// checkAgainstStdlib compares Parse with encoding/json on src.
func checkAgainstStdlib(t *testing.T, src []byte) {
	v, errs := Parse(src)
	if !json.Valid(src) {
		if len(errs) == 0 {
			t.Fatalf("Parse(%q) found no error but encoding/json rejects it", src)
		}
		return
	}
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	var want any
	if err := dec.Decode(&want); err != nil {
		t.Fatalf("encoding/json: Valid but Decode fails: %v", err)
	}
	tolerated := map[string]bool{CodeInvalidUTF8: true, CodeTooDeep: true, CodeDuplicateKey: true}
	dup := false
	for _, e := range errs {
		if !tolerated[e.Code] {
			t.Fatalf("Parse(%q) reports %v but encoding/json accepts it", src, e)
		}
		dup = dup || e.Code == CodeDuplicateKey || e.Code == CodeTooDeep
	}
	if dup {
		return
	}
	if got := toAny(v); !reflect.DeepEqual(got, want) {
		t.Fatalf("Parse(%q) = %#v, encoding/json = %#v", src, got, want)
	}
}

func TestAgainstStdlib(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.json")
	if len(files) == 0 {
		t.Fatal("no testdata")
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		checkAgainstStdlib(t, src)
		if _, errs := Parse(src); errs != nil {
			t.Errorf("%s: %v", f, errs)
		}
	}
}

// FuzzParse checks that Parse never panics, that every position it reports
// is consistent with LineCol, and that on input encoding/json accepts
// (without duplicate keys) the tree decodes to what encoding/json decodes.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json")
	for _, name := range files {
		if strings.Contains(name, "6k") {
			continue // large seeds make minimization of new inputs slow
		}
		if src, err := os.ReadFile(name); err == nil {
			f.Add(src)
		}
	}
	for _, s := range []string{`{"a": 1,}`, `["a" "b"]`, `{"a":"\ud83d\ude00"}`, "\xEF\xBB\xBF[]", `{'a': x}`, `[1e5, -0.5, 0]`, `{"a": [1}`, "\"a\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > 1<<16 {
			t.Skip("long inputs make the position checks slow")
		}
		v, errs := Parse(src)
		for _, e := range errs {
			if e.Span.Start.Offset < 0 || e.Span.Start.Offset > len(src) || e.Span.Start != LineCol(src, e.Span.Start.Offset) {
				t.Fatalf("error %v has inconsistent position %+v", e, e.Span.Start)
			}
		}
		if v != nil && (v.Span.Start != LineCol(src, v.Span.Start.Offset) || v.Span.End != LineCol(src, v.Span.End.Offset)) {
			t.Fatalf("root span %+v inconsistent", v.Span)
		}
		checkAgainstStdlib(t, src)
	})
}

func BenchmarkParse(b *testing.B) {
	src, err := os.ReadFile("testdata/policy-6k.json")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, errs := Parse(src); errs != nil {
			b.Fatal(errs)
		}
	}
}
