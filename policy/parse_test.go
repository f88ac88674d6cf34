package policy

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/connect-iam/connect-iam/internal/jsonpos"
)

var update = flag.Bool("update", false, "rewrite golden files")

// errSummary renders errors as "CODE@line:col".
func errSummary(err error) []string {
	if err == nil {
		return nil
	}
	var list ErrorList
	if !errors.As(err, &list) {
		return []string{"not an ErrorList: " + err.Error()}
	}
	var out []string
	for _, e := range list {
		out = append(out, fmt.Sprintf("%s@%d:%d", e.Code, e.Span.Start.Line, e.Span.Start.Column))
	}
	return out
}

func TestParseErrorCodes(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
		path string // Path of the first error
		msg  string // substring of the first error's message
	}{
		{"valid", `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}`, nil, "", ""},
		{"json trailing comma", `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["a",], "Resource": "*"}]}`,
			[]string{"JSON_SYNTAX_ERROR@1:75"}, "", "remove the comma at 1:75"},
		{"json duplicate element", "{\"Statement\": {\"Effect\": \"Allow\",\n \"Effect\": \"Deny\", \"Action\": \"*\"}}",
			[]string{"JSON_SYNTAX_ERROR@2:2"}, "", `duplicate key "Effect" (first at 1:16)`},
		{"not an object", `["x"]`, []string{"DATA_TYPE_MISMATCH@1:1"}, "", "found an array"},
		{"statement string", `{"Statement": "x"}`, []string{"DATA_TYPE_MISMATCH@1:15"}, "Statement", "object or an array of objects"},
		{"statement element not object", `{"Statement": [1]}`, []string{"DATA_TYPE_MISMATCH@1:16"}, "Statement[0]", "found a number"},
		{"effect array", `{"Statement": {"Effect": ["Allow"], "Action": "*"}}`, []string{"DATA_TYPE_MISMATCH@1:26"}, "Statement.Effect", `"Allow" or "Deny"`},
		{"version number", `{"Version": 2012, "Statement": []}`, []string{"DATA_TYPE_MISMATCH@1:13"}, "Version", ""},
		{"id number", `{"Id": 1, "Statement": []}`, []string{"DATA_TYPE_MISMATCH@1:8"}, "Id", ""},
		{"sid number", `{"Statement": {"Sid": 1, "Effect": "Allow", "Action": "*"}}`, []string{"DATA_TYPE_MISMATCH@1:23"}, "Statement.Sid", ""},
		{"action object", `{"Statement": {"Effect": "Allow", "Action": {}}}`, []string{"DATA_TYPE_MISMATCH@1:45"}, "Statement.Action", "array of strings"},
		{"action element number", `{"Statement": {"Effect": "Allow", "Action": ["a", 1]}}`, []string{"DATA_TYPE_MISMATCH@1:51"}, "Statement.Action[1]", "found a number"},
		{"resource number", `{"Statement": {"Effect": "Allow", "Action": "*", "Resource": 5}}`, []string{"DATA_TYPE_MISMATCH@1:62"}, "Statement.Resource", ""},
		{"condition not object", `{"Statement": {"Effect": "Allow", "Action": "*", "Condition": []}}`, []string{"DATA_TYPE_MISMATCH@1:63"}, "Statement.Condition", ""},
		{"condition block not object", `{"Statement": {"Effect": "Allow", "Action": "*", "Condition": {"Bool": true}}}`, []string{"DATA_TYPE_MISMATCH@1:72"}, "Statement.Condition.Bool", "object of condition keys"},
		{"condition value null", `{"Statement": {"Effect": "Allow", "Action": "*", "Condition": {"Null": {"k": null}}}}`, []string{"DATA_TYPE_MISMATCH@1:78"}, "Statement.Condition.Null.k", ""},
		{"condition value nested", `{"Statement": {"Effect": "Allow", "Action": "*", "Condition": {"Null": {"k": [[]]}}}}`, []string{"DATA_TYPE_MISMATCH@1:79"}, "Statement.Condition.Null.k[0]", ""},
		{"principal value number", `{"Statement": {"Effect": "Allow", "Action": "*", "Principal": {"AWS": [1]}}}`, []string{"DATA_TYPE_MISMATCH@1:72"}, "Statement.Principal.AWS[0]", ""},
		{"principal array", `{"Statement": {"Effect": "Allow", "Action": "*", "Principal": ["*"]}}`, []string{"DATA_TYPE_MISMATCH@1:63"}, "Statement.Principal", ""},
		{"invalid version", `{"Version": "2012-10-18", "Statement": []}`, []string{"INVALID_VERSION@1:13"}, "Version", `use "2012-10-17"`},
		{"invalid effect case", `{"Statement": {"Effect": "allow", "Action": "*"}}`, []string{"INVALID_EFFECT@1:26"}, "Statement.Effect", `case-sensitive: use "Allow"`},
		{"invalid effect", `{"Statement": {"Effect": "Permit", "Action": "*"}}`, []string{"INVALID_EFFECT@1:26"}, "Statement.Effect", `use "Allow" or "Deny"`},
		{"missing statement", `{"Version": "2012-10-17"}`, []string{"MISSING_STATEMENT@1:1"}, "", `add "Statement"`},
		{"fragment", "{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}", []string{"MISSING_STATEMENT@1:1"}, "", `wrap it in {"Version": "2012-10-17", "Statement": [ ... ]}`},
		{"fragment with errors", `{"Effect": "allow", "Resource": "*"}`, []string{"MISSING_STATEMENT@1:1", "INVALID_EFFECT@1:12", "MISSING_ACTION@1:1"}, "", ""},
		{"missing effect", `{"Statement": [{"Action": "*"}]}`, []string{"MISSING_EFFECT@1:16"}, "Statement[0]", `add "Effect": "Allow"`},
		{"missing action", `{"Statement": [{"Effect": "Deny", "Resource": "*"}]}`, []string{"MISSING_ACTION@1:16"}, "Statement[0]", "no Action or NotAction"},
		{"missing both", `{"Statement": [{}]}`, []string{"MISSING_ACTION@1:16", "MISSING_EFFECT@1:16"}, "Statement[0]", ""},
		{"no resource is fine", `{"Statement": {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "connect.amazonaws.com"}}}`, nil, "", ""},
		{"action and notaction", `{"Statement": {"Effect": "Allow", "Action": "*", "NotAction": "x"}}`, []string{"UNSUPPORTED_ELEMENT_COMBINATION@1:50"}, "Statement.NotAction", "both Action and NotAction"},
		{"resource and notresource", `{"Statement": {"Effect": "Allow", "Action": "*", "NotResource": "x", "Resource": "*"}}`, []string{"UNSUPPORTED_ELEMENT_COMBINATION@1:70"}, "Statement.Resource", "both NotResource and Resource"},
		{"principal and notprincipal", `{"Statement": {"Effect": "Deny", "Action": "*", "Principal": "*", "NotPrincipal": "*"}}`, []string{"UNSUPPORTED_ELEMENT_COMBINATION@1:67"}, "Statement.NotPrincipal", ""},
		{"unknown top element", `{"Statment": [], "Version": "2012-10-17"}`, []string{"INVALID_POLICY_ELEMENT@1:2", "MISSING_STATEMENT@1:1"}, "Statment", `did you mean "Statement"?`},
		{"top element case", `{"version": "2012-10-17", "Statement": []}`, []string{"INVALID_POLICY_ELEMENT@1:2"}, "version", `case-sensitive; did you mean "Version"?`},
		{"statement element at top", `{"Statement": [], "Effect": "Allow"}`, []string{"INVALID_POLICY_ELEMENT@1:19"}, "Effect", "move it into a statement"},
		{"unknown statement element", `{"Statement": {"Effect": "Allow", "Action": "*", "Resources": "*"}}`, []string{"INVALID_POLICY_ELEMENT@1:50"}, "Statement.Resources", `did you mean "Resource"?`},
		{"statement element case", `{"Statement": {"effect": "Allow", "Action": "*"}}`, []string{"INVALID_POLICY_ELEMENT@1:16"}, "Statement.effect", `did you mean "Effect"?`},
		{"policy element in statement", `{"Statement": {"Version": "2012-10-17", "Effect": "Allow", "Action": "*"}}`, []string{"INVALID_POLICY_ELEMENT@1:16"}, "Statement.Version", "belongs at the top level"},
		{"invalid principal key", `{"Statement": {"Effect": "Allow", "Action": "*", "Principal": {"aws": "123456789012"}}}`, []string{"INVALID_PRINCIPAL_KEY@1:64"}, "Statement.Principal.aws", `did you mean "AWS"?`},
		{"invalid principal format", `{"Statement": {"Effect": "Allow", "Action": "*", "Principal": "123456789012"}}`, []string{"INVALID_PRINCIPAL_FORMAT@1:63"}, "Statement.Principal", `{"AWS": "123456789012"}`},
		{"duplicate keys different case", "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", \"Condition\": {\"StringEquals\": {\n\"aws:username\": \"a\", \"AWS:UserName\": \"b\"}}}}",
			[]string{"DUPLICATE_KEYS_WITH_DIFFERENT_CASE@2:22"}, "Statement.Condition.StringEquals.AWS:UserName", `differ only in case`},
		{"invalid operator", `{"Statement": {"Effect": "Allow", "Action": "*", "Condition": {"StringEqual": {"k": "v"}}}}`, []string{"INVALID_CONDITION_OPERATOR@1:64"}, "Statement.Condition.StringEqual", `did you mean "StringEquals"?`},
		{"null if exists", `{"Statement": {"Effect": "Allow", "Action": "*", "Condition": {"NullIfExists": {"k": "true"}}}}`, []string{"NULL_WITH_IF_EXISTS@1:64"}, "Statement.Condition.NullIfExists", "Null cannot take the IfExists suffix"},
		{"many at once", "{\"Version\": \"1\", \"Statement\": [\n{\"Effect\": \"Alow\", \"Action\": \"a\", \"Bogus\": 1},\n{\"Action\": \"b\", \"Condition\": {\"Foo\": {}}}\n]}",
			[]string{"INVALID_VERSION@1:13", "INVALID_EFFECT@2:12", "INVALID_POLICY_ELEMENT@2:35", "INVALID_CONDITION_OPERATOR@3:31", "MISSING_EFFECT@3:1"}, "Version", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse([]byte(tt.in))
			if got := errSummary(err); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Parse(%s) errors = %q, want %q\n%v", tt.in, got, tt.want, err)
			}
			if tt.want == nil {
				if err != nil || p == nil {
					t.Fatalf("Parse: %v, %v", p, err)
				}
				return
			}
			var list ErrorList
			errors.As(err, &list)
			if list[0].Path != tt.path {
				t.Errorf("path = %q, want %q", list[0].Path, tt.path)
			}
			if !strings.Contains(list[0].Msg, tt.msg) {
				t.Errorf("message %q does not contain %q", list[0].Msg, tt.msg)
			}
			for _, e := range list {
				if want := jsonpos.LineCol([]byte(tt.in), e.Span.Start.Offset); e.Span.Start != want {
					t.Errorf("%s at %+v, LineCol says %+v", e.Code, e.Span.Start, want)
				}
			}
		})
	}
}

func TestErrorTypes(t *testing.T) {
	_, err := Parse([]byte(`{"Statement": {"Effect": "Allow", "Action": ["a",], "Condition": {"stringequals": {}}}}`))
	var se *jsonpos.SyntaxError
	if !errors.As(err, &se) || se.Code != jsonpos.CodeTrailingComma {
		t.Errorf("errors.As(*jsonpos.SyntaxError) = %v", se)
	}
	var oe *OperatorError
	if !errors.As(err, &oe) || oe.Suggestion != "StringEquals" {
		t.Errorf("errors.As(*OperatorError) = %v", oe)
	}
	want := "1:49: trailing comma before ']' — remove the comma at 1:49\n1:67: unknown condition operator \"stringequals\": did you mean \"StringEquals\"? (operator names are case-sensitive)"
	if err.Error() != want {
		t.Errorf("Error() =\n%s\nwant\n%s", err, want)
	}
	if _, err := Parse([]byte(`{"Statement": []}`)); err != nil {
		t.Errorf("valid policy: err = %#v, want nil interface", err)
	}
	if p, err := Parse([]byte(``)); p != nil || err == nil {
		t.Errorf("empty document: %v, %v", p, err)
	}
}

func TestParseValue(t *testing.T) {
	src := []byte("{\"name\": \"p\",\n \"policy\": {\"Statement\": {\"Effect\": \"Deny\", \"Action\": \"connect:*\"}}}")
	root, errs := jsonpos.Parse(src)
	if errs != nil {
		t.Fatal(errs)
	}
	p, err := ParseValue(src, root.Lookup("policy"))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Statements) != 1 || p.Statements[0].Effect != Deny {
		t.Fatalf("statements: %+v", p.Statements)
	}
	act := p.Statements[0].Action.Values[0]
	if act.Text != "connect:*" || act.Span.Start.Line != 2 || act.Span.Start.Column != 55 || string(src[act.Span.Start.Offset:act.Span.End.Offset]) != `"connect:*"` {
		t.Errorf("action %+v", act)
	}
	if p.LineCol(act.Span.Start.Offset) != act.Span.Start {
		t.Errorf("LineCol mismatch")
	}
	if _, err := ParseValue(src, root.Lookup("name")); fmt.Sprint(errSummary(err)) != "[DATA_TYPE_MISMATCH@1:10]" {
		t.Errorf("ParseValue(string) = %v", err)
	}
	if _, err := ParseValue(src, nil); err == nil {
		t.Error("ParseValue(nil) succeeded")
	}
}

// dump renders a policy and its errors as text for golden files.
func dump(p *Policy, err error) string {
	var sb strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&sb, format, args...) }
	s := func(x String) string {
		kind := [...]string{"", " number", " bool", " null"}[x.Kind]
		return fmt.Sprintf("%q%s@%s", x.Text, kind, x.Span.Start)
	}
	vals := func(isArray bool, vs []String) string {
		var parts []string
		for _, v := range vs {
			parts = append(parts, s(v))
		}
		if isArray {
			return "[" + strings.Join(parts, ", ") + "]"
		}
		return strings.Join(parts, ", ")
	}
	if p == nil {
		w("no policy\n")
	} else {
		w("Policy %s-%s Version=%s", p.Span.Start, p.Span.End, p.Version)
		if p.VersionNode != nil {
			w(" VersionNode=%s", s(*p.VersionNode))
		}
		if p.ID != nil {
			w(" Id=%s", s(*p.ID))
		}
		w(" StatementKey=%s StatementIsArray=%v\n", p.StatementKey.Start, p.StatementIsArray)
		for _, u := range p.Unknown {
			w("  Unknown %s\n", s(u.Key))
		}
		for _, st := range p.Statements {
			w("  Statement[%d] %s-%s Effect=%s", st.Index, st.Span.Start, st.Span.End, st.Effect)
			if st.EffectNode != nil {
				w(" EffectNode=%s", s(*st.EffectNode))
			}
			if st.Sid != nil {
				w(" Sid=%s", s(*st.Sid))
			}
			w("\n")
			for _, blk := range []struct {
				name string
				vb   *ValueBlock
			}{{"Action", st.Action}, {"Resource", st.Resource}} {
				if blk.vb != nil {
					not := ""
					if blk.vb.Not {
						not = "Not"
					}
					w("    %s%s@%s %s\n", not, blk.name, blk.vb.Key.Start, vals(blk.vb.IsArray, blk.vb.Values))
				}
			}
			if pr := st.Principal; pr != nil {
				not := ""
				if pr.Not {
					not = "Not"
				}
				w("    %sPrincipal@%s wildcard=%v\n", not, pr.Key.Start, pr.Wildcard)
				for _, e := range pr.Entries {
					w("      %s: %s\n", s(e.Type), vals(e.IsArray, e.Values))
				}
			}
			for _, c := range st.Conditions {
				w("    Condition %s op=%s set=%d ifexists=%v key=%s values=%s\n", s(c.Operator), c.Op.Base, c.Op.Set, c.Op.IfExists, s(c.Key), vals(c.IsArray, c.Values))
			}
			for _, u := range st.Unknown {
				w("    Unknown %s\n", s(u.Key))
			}
		}
	}
	if err != nil {
		var list ErrorList
		errors.As(err, &list)
		for _, e := range list {
			w("%s %s path=%q: %s\n", e.Code, e.Span.Start, e.Path, e.Msg)
		}
	}
	return sb.String()
}

// golden compares got with the golden file, or rewrites it with -update.
func golden(t *testing.T, file, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s mismatch (run go test -update and review the diff)\ngot:\n%s\nwant:\n%s", file, got, want)
	}
}

// TestGolden parses each testdata/golden/*.json and compares the dumped
// tree and errors with the matching .golden file.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/golden/*.json")
	if len(files) == 0 {
		t.Fatal("no golden inputs")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			p, perr := Parse(src)
			golden(t, strings.TrimSuffix(f, ".json")+".golden", dump(p, perr))
		})
	}
}

// TestSeeds parses the example policies of the Amazon Connect
// documentation, defects included, and checks the exact errors reported.
func TestSeeds(t *testing.T) {
	files, _ := filepath.Glob("testdata/seeds/*.json")
	if len(files) != 12 {
		t.Fatalf("found %d seed policies, want 12", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			_, perr := Parse(src)
			var sb strings.Builder
			var list ErrorList
			errors.As(perr, &list)
			for _, e := range list {
				fmt.Fprintf(&sb, "%s %d:%d path=%q: %s\n", e.Code, e.Span.Start.Line, e.Span.Start.Column, e.Path, e.Msg)
			}
			golden(t, strings.TrimSuffix(f, ".json")+".golden", sb.String())
		})
	}
}

// TestManagedPolicies parses the AWS managed policies for Amazon Connect
// from ../shared (beside the repository), which must all be valid.
func TestManagedPolicies(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "reference", "managed-policies")
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) == 0 {
		t.Skipf("no managed policies in %s", dir)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		p, err := Parse(src)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		if p.Version != Version2012 || len(p.Statements) == 0 {
			t.Errorf("%s: version %v, %d statements", filepath.Base(f), p.Version, len(p.Statements))
		}
	}
}

// FuzzParse checks that Parse never panics, that every reported position
// is consistent with the source, and that an accepted policy re-parses
// identically from its own positions: each statement, cut out of the
// source by its span and wrapped in a new policy, parses to the same
// statement.
func FuzzParse(f *testing.F) {
	for _, dir := range []string{"testdata/seeds", "testdata/golden"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
		for _, name := range files {
			if src, err := os.ReadFile(name); err == nil {
				f.Add(src)
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > 1<<16 {
			t.Skip("long inputs make the position checks slow")
		}
		p, err := Parse(src)
		var list ErrorList
		if err != nil && !errors.As(err, &list) {
			t.Fatalf("error is %T, want ErrorList", err)
		}
		for _, e := range list {
			if e.Span.Start != jsonpos.LineCol(src, e.Span.Start.Offset) || e.Msg == "" || e.Code == "" {
				t.Fatalf("bad error %#v", e)
			}
		}
		if err != nil || p == nil {
			return
		}
		for _, st := range p.Statements {
			piece := src[st.Span.Start.Offset:st.Span.End.Offset]
			wrapped := append([]byte(`{"Statement": [`), piece...)
			wrapped = append(wrapped, "]}"...)
			q, err := Parse(wrapped)
			if err != nil || len(q.Statements) != 1 {
				t.Fatalf("statement %d re-parsed from %q: %v", st.Index, piece, err)
			}
			if a, b := dumpStatement(st, src), dumpStatement(q.Statements[0], wrapped); a != b {
				t.Fatalf("statement %d differs when re-parsed:\n%s\nvs\n%s", st.Index, a, b)
			}
		}
	})
}

// dumpStatement renders a statement without positions, but with the source
// text of each value, so that statements from different sources compare.
func dumpStatement(st *Statement, src []byte) string {
	var sb strings.Builder
	text := func(s String) string {
		return fmt.Sprintf("%q(%d)=%s", s.Text, s.Kind, src[s.Span.Start.Offset:s.Span.End.Offset])
	}
	fmt.Fprintf(&sb, "effect=%v", st.Effect)
	if st.EffectNode != nil {
		sb.WriteString(" " + text(*st.EffectNode))
	}
	if st.Sid != nil {
		sb.WriteString(" sid=" + text(*st.Sid))
	}
	for _, vb := range []*ValueBlock{st.Action, st.Resource} {
		if vb == nil {
			continue
		}
		fmt.Fprintf(&sb, "\nblock not=%v array=%v", vb.Not, vb.IsArray)
		for _, v := range vb.Values {
			sb.WriteString(" " + text(v))
		}
	}
	if pr := st.Principal; pr != nil {
		fmt.Fprintf(&sb, "\nprincipal not=%v wildcard=%v", pr.Not, pr.Wildcard)
		for _, e := range pr.Entries {
			sb.WriteString(" " + text(e.Type) + ":")
			for _, v := range e.Values {
				sb.WriteString(" " + text(v))
			}
		}
	}
	for _, c := range st.Conditions {
		fmt.Fprintf(&sb, "\ncond %s %+v %s array=%v", text(c.Operator), c.Op, text(c.Key), c.IsArray)
		for _, v := range c.Values {
			sb.WriteString(" " + text(v))
		}
	}
	for _, u := range st.Unknown {
		sb.WriteString("\nunknown " + text(u.Key))
	}
	return sb.String()
}

// Fixed inputs must not depend on the order of map iteration or on
// earlier parses.
func TestDeterministic(t *testing.T) {
	src, err := os.ReadFile("testdata/golden/grammar-forms.json")
	if err != nil {
		t.Fatal(err)
	}
	p1, e1 := Parse(src)
	p2, e2 := Parse(bytes.Clone(src))
	if dump(p1, e1) != dump(p2, e2) {
		t.Error("two parses differ")
	}
}

func BenchmarkParse(b *testing.B) {
	src, err := os.ReadFile("testdata/golden/grammar-forms.json")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(src); err != nil {
			b.Fatal(err)
		}
	}
}
