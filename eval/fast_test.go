package eval

import (
	"fmt"
	"strings"
	"testing"

	"github.com/connect-iam/connect-iam/arn"
)

func TestActionKey(t *testing.T) {
	// Every byte value at every position of a word and of the tail: the
	// lower-cased bytes, and the hash of every prefix, must be those of
	// the byte-by-byte reference.
	for b := 0; b < 256; b++ {
		for n := 0; n <= 25; n++ {
			in := []byte(strings.Repeat("Ab", n)[:n])
			if n > 0 {
				in[n/2] = byte(b)
			}
			want := make([]byte, n)
			for i, c := range in {
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				want[i] = c
			}
			var k actionKey
			k.set(string(in))
			if got := k.bytes(); string(got) != string(want) {
				t.Fatalf("actionKey.set(%q) = %q, want %q", in, got, want)
			}
			for p := 0; p <= n; p++ {
				if got, want := k.prefixHash(p), hashKey(want[:p]); got != want {
					t.Fatalf("actionKey(%q).prefixHash(%d) = %#x, hashKey = %#x", in, p, got, want)
				}
			}
		}
	}
	var k actionKey
	long := strings.Repeat("ABCDEFGH", lowerBuf/8)
	k.set(long)
	if got := k.prefixHash(lowerBuf); got != hashKey([]byte(strings.ToLower(long))) {
		t.Errorf("prefixHash of a %d-byte action differs from hashKey", lowerBuf)
	}
}

func TestActionIndex(t *testing.T) {
	var x actionIndex
	var empty actionKey
	empty.set("connect:DescribeUser")
	if got, pre := x.lookup([]byte("connect:describeuser")), x.lookupPrefix(&empty, 8); got != nil || pre != nil {
		t.Fatalf("empty index lookup = %v, lookupPrefix = %v, want nil", got, pre)
	}
	// Enough keys to grow the table several times, including the empty
	// key (the prefix of "*") and keys that differ only in a byte past
	// the first word.
	const n = 300
	for i := 0; i < n; i++ {
		x.add(fmt.Sprintf("connect:action%03d", i), stmtIndex(i<<1))
	}
	x.add("", stmtIndex(7<<1|1))
	x.add("", stmtIndex(7<<1)) // a second pattern of statement 7 that needs no check
	x.add("connect:action000", stmtIndex(1<<1|1))
	x.add("connect:action000", stmtIndex(1<<1|1))
	x.seal()
	tests := []struct {
		key  string
		want []stmtIndex
	}{
		{"connect:action000", []stmtIndex{0, 1<<1 | 1}},
		{"connect:action123", []stmtIndex{123 << 1}},
		{"connect:action299", []stmtIndex{299 << 1}},
		{"", []stmtIndex{7 << 1}},
		{"connect:action300", nil},
		{"connect:action12", nil},
		{"connect:action1234", nil},
	}
	for _, tt := range tests {
		got := x.lookup([]byte(tt.key))
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("lookup(%q) = %v, want %v", tt.key, got, tt.want)
		}
		if h := x.lookupHash([]byte(tt.key), hashKey([]byte(tt.key))); fmt.Sprint(h) != fmt.Sprint(got) {
			t.Errorf("lookupHash(%q) = %v, lookup = %v", tt.key, h, got)
		}
		var k actionKey
		k.set(strings.ToUpper(tt.key) + "-suffix")
		if p := x.lookupPrefix(&k, len(tt.key)); fmt.Sprint(p) != fmt.Sprint(got) {
			t.Errorf("lookupPrefix(%q) = %v, lookup = %v", tt.key, p, got)
		}
	}
	if len(x.entries) != n+1 || 2*len(x.entries) > len(x.slots) || len(x.refs) != n+2 {
		t.Errorf("index holds %d keys (%d statements) in %d slots, want %d keys (%d statements) at most half full", len(x.entries), len(x.refs), len(x.slots), n+1, n+2)
	}
}

func TestActionIndexNeedsCheck(t *testing.T) {
	p := compilePolicy(t, "p", `{"Version": "2012-10-17", "Statement": [
		{"Effect": "Allow", "Action": ["connect:Describe*", "connect:List?sers", "connect:*User", "s3:Get*Object*"], "Resource": "*"},
		{"Effect": "Allow", "Action": ["connect:describe?", "connect:Describe*"], "Resource": "*"}]}`)
	tests := []struct {
		key  string
		want []stmtIndex
	}{
		{"connect:describe", []stmtIndex{0 << 1, 1 << 1}},
		{"connect:list", []stmtIndex{0<<1 | 1}},
		{"connect:", []stmtIndex{0<<1 | 1}},
		{"s3:get", []stmtIndex{0<<1 | 1}},
	}
	for _, tt := range tests {
		if got := p.wild.lookup([]byte(tt.key)); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("wild[%q] = %v, want %v", tt.key, got, tt.want)
		}
	}
}

func TestFieldKinds(t *testing.T) {
	tests := []struct {
		pattern string
		kind    fieldKind
	}{
		{"*", fieldAny},
		{"", fieldExact},
		{"111122223333", fieldExact},
		{"instance/*", fieldPrefix},
		{"*/agent", fieldSuffix},
		{"instance/*/agent/*", fieldPrefixContains},
		{"instance/*/agent", fieldPrefixSuffix},
		{"a*a", fieldPrefixSuffix},
		{"a*a*", fieldPrefixContains},
		{"*a*", fieldGlob},
		{"a*b*c", fieldGlob},
		{"a?", fieldGlob},
		{"**", fieldGlob},
		{"u-${aws:username}", fieldVars},
	}
	values := []string{"", "*", "111122223333", "instance/", "instance/i-1", "instance/i-1/agent/u-1", "instance/i-1/agent", "instance/agent", "instance//agent",
		"x/agent", "/agent", "a", "aa", "aaa", "ab", "aba", "abc", "aé", "u-alice", "u-bob", "instanc"}
	ctx := NewContext()
	ctx.Set("aws:username", "alice")
	for _, tt := range tests {
		p, err := compileARNPattern("arn:p:s:r:a:"+tt.pattern, true, true)
		if err != nil {
			t.Fatal(err)
		}
		f := &p.field[5]
		if f.kind != tt.kind {
			t.Errorf("%q: kind %d, want %d", tt.pattern, f.kind, tt.kind)
		}
		ref, err := compileTemplate(tt.pattern, true, true)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range values {
			want := ref.match(ctx, v, false)
			if got := f.matchField(ctx, v); got != want {
				t.Errorf("%q against %q: matchField = %v, match = %v", tt.pattern, v, got, want)
			}
		}
	}
}

func TestGlobToksMatchesResolvedPieces(t *testing.T) {
	ctx := NewContext()
	ctx.Set("aws:username", "al*ce")
	ctx.Set("aws:PrincipalTag/Team", "é?")
	ctx.Set("aws:PrincipalTag/Multi", "a", "b")
	patterns := []string{
		"u-${aws:username}", "*/${aws:username}/*", "${aws:username}*", "*${aws:PrincipalTag/Team}",
		"?${aws:username}?", "${aws:username}${aws:PrincipalTag/Team}", "x-${aws:PrincipalTag/Missing, 'd'}-*",
		"${aws:PrincipalTag/Missing}", "${aws:PrincipalTag/Multi}", "*a*${aws:username}*",
		"${aws:username}-${aws:username}-${aws:username}-${aws:username}-${aws:username}",
	}
	values := []string{"", "u-al*ce", "u-alice", "x/al*ce/y", "al*ce", "al*cexyz", "aé?", "xal*cey", "al*ceé?", "x-d-1", "x-e-1", "d", "a",
		"xxaxxal*ce", "al*ce-al*ce-al*ce-al*ce-al*ce", "al*ce-al*ce-al*ce-al*ce-alice", "AL*CE"}
	for _, pat := range patterns {
		for _, glob := range []bool{true, false} {
			tm, err := compileTemplate(pat, true, glob)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range values {
				for _, fold := range []bool{false, true} {
					var buf [maxStackPieces]arn.Piece
					p, ok := tm.resolve(ctx, buf[:])
					var want bool
					if glob {
						want = ok && arn.MatchPieces(p, v, fold)
					} else {
						want = tm.equalVars(ctx, v, fold)
					}
					if got := tm.match(ctx, v, fold); got != want {
						t.Errorf("%q (glob %v) against %q (fold %v) = %v, resolved pieces say %v", pat, glob, v, fold, got, want)
					}
				}
			}
		}
	}
}

func TestContextLookupTable(t *testing.T) {
	// Past scanMax keys the context probes a hash table; every key must
	// stay findable across growth, replacement and deletion.
	ctx := NewContext()
	const n = 40
	for i := 0; i < n; i++ {
		ctx.Set(fmt.Sprintf("test:Key%d", i), fmt.Sprint(i))
	}
	ctx.Set("TEST:key3", "three")
	for i := 0; i < n; i += 3 {
		ctx.Delete(fmt.Sprintf("test:key%d", i))
	}
	for i := 0; i < n; i++ {
		vs, ok := ctx.Values(fmt.Sprintf("Test:Key%d", i))
		want := fmt.Sprint(i)
		if i == 3 {
			want = "three"
		}
		deleted := i%3 == 0
		switch {
		case deleted && ok:
			t.Errorf("key%d: present after Delete", i)
		case !deleted && (!ok || len(vs) != 1 || vs[0] != want):
			t.Errorf("key%d = %q, %v; want [%s]", i, vs, ok, want)
		}
	}
	if ctx.Has("test:key999") {
		t.Error("a key never set is present")
	}
}

// TestDecideMatchesExplainOnIndexShapes decides many actions against
// policies with every kind of Action pattern the index treats differently
// and checks that Decide (the fast path) agrees with Explain (the general
// path, which evaluates every statement).
func TestDecideMatchesExplainOnIndexShapes(t *testing.T) {
	policies := []string{
		`{"Version": "2012-10-17", "Statement": [
			{"Effect": "Allow", "Action": ["connect:Describe*", "connect:List?sers"], "Resource": "arn:aws:connect:*:111122223333:instance/*"},
			{"Effect": "Deny", "Action": "connect:*User", "Resource": "*", "Condition": {"StringEquals": {"aws:ResourceTag/Department": "Secret"}}},
			{"Effect": "Allow", "NotAction": ["s3:*", "connect:Delete*"], "Resource": "arn:aws:connect:*:*:instance/${aws:PrincipalTag/Instance}/*"},
			{"Effect": "Allow", "Action": "*", "NotResource": "arn:aws:connect:*:*:instance/i-1/*"},
			{"Effect": "Allow", "Action": "connect:describeuser", "Resource": ["*/agent/*", "arn:aws:connect:us-*:*:*"]}]}`,
		`{"Version": "2012-10-17", "Statement": [
			{"Effect": "Deny", "Action": "connect:Delete*", "Resource": "*"},
			{"Effect": "Allow", "Action": ["connect:*", "s3:GetObject"], "Resource": "*/u-${aws:username}"}]}`,
	}
	actions := []string{"connect:DescribeUser", "CONNECT:DESCRIBEUSER", "connect:ListUsers", "connect:ListXsers", "connect:ListUsersX",
		"connect:DeleteUser", "connect:UpdateUser", "s3:GetObject", "s3:PutObject", "iam:PassRole", "connect:", "",
		"connect:" + strings.Repeat("X", 200), "connect:Describé", "connect:DescribeÉ"}
	resources := []string{resourceA, resourceB, "arn:aws:connect:eu-west-1:111122223333:instance/i-2/agent/u-alice", "*", "not-an-arn", "arn:aws:s3:::bucket/u-alice"}
	for pi, src := range policies {
		s := &PolicySet{Identity: []*Policy{compilePolicy(t, fmt.Sprint("p", pi), src)}}
		for _, dept := range []string{"Secret", "Public"} {
			for _, action := range actions {
				for _, res := range resources {
					r := benchRequest(t, action)
					r.Resource, r.ResourceAccount = res, ""
					r.Context.Set("aws:ResourceTag/Department", dept)
					r.Context.Set("aws:PrincipalTag/Instance", "i-2")
					if d, x := s.Decide(r), s.Explain(r); d != x.Decision {
						t.Errorf("policy %d, %s on %s (%s): Decide = %s, Explain = %s", pi, action, res, dept, d, x.Decision)
					}
				}
			}
		}
	}
}

// FuzzDecideMatchesExplain decides fuzzed actions and resources against
// policies with every Action and Resource shape the fast path treats
// specially, and checks Decide against Explain.
func FuzzDecideMatchesExplain(f *testing.F) {
	f.Add("connect:DescribeUser", resourceA, "alice")
	f.Add("CONNECT:listusers", "arn:aws:connect:us-east-1:111122223333:instance/i-2/agent/u-alice", "alice")
	f.Add("s3:GetObject", "arn:aws:s3:::b/u-alice", "al*ce")
	f.Add("connect:Delete?", "*", "")
	policies := []string{
		`{"Version": "2012-10-17", "Statement": [
			{"Effect": "Allow", "Action": ["connect:Describe*", "connect:List?sers", "connect:*User"], "Resource": ["arn:aws:connect:*:111122223333:instance/*", "arn:aws:connect:us-*:*:instance/*/agent/*"]},
			{"Effect": "Deny", "Action": "connect:Delete*", "Resource": "arn:aws:connect:*:*:instance/i-1/*"},
			{"Effect": "Allow", "NotAction": "s3:*", "NotResource": "arn:aws:connect:*:*:instance/i-9/*"}]}`,
		`{"Version": "2012-10-17", "Statement": [
			{"Effect": "Allow", "Action": ["connect:*", "s3:Get*"], "Resource": ["*/u-${aws:username}", "arn:aws:s3:::b/*${aws:username}", "arn:*:connect:*:*:*/agent"]},
			{"Effect": "Deny", "Action": "*", "Resource": "arn:aws:connect:*:*:instance/*/agent/u-${aws:username}x*"}]}`,
	}
	sets := make([]*PolicySet, len(policies))
	for i, src := range policies {
		sets[i] = &PolicySet{Identity: []*Policy{compilePolicy(f, fmt.Sprint("p", i), src)}}
	}
	f.Fuzz(func(t *testing.T, action, resource, user string) {
		p, err := ParsePrincipal("arn:aws:iam::111122223333:user/alice")
		if err != nil {
			t.Fatal(err)
		}
		ctx := NewContext()
		ctx.Set("aws:username", user)
		r := &Request{Principal: p, Action: action, Resource: resource, Context: ctx}
		for i, s := range sets {
			if d, x := s.Decide(r), s.Explain(r); d != x.Decision {
				t.Fatalf("policy %d, %q on %q (user %q): Decide = %s, Explain = %s", i, action, resource, user, d, x.Decision)
			}
		}
	})
}

func TestConditionOrder(t *testing.T) {
	p := compilePolicy(t, "p", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {
		"StringEquals": {"aws:ResourceTag/Department": "${aws:PrincipalTag/Department}"},
		"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"},
		"StringLike": {"aws:ResourceTag/Team": "a*"},
		"ArnLike": {"aws:SourceArn": "arn:aws:connect:*:*:instance/*"},
		"StringNotEquals": {"aws:ResourceTag/Stage": "prod"},
		"Bool": {"aws:SecureTransport": "true"}}}}`)
	st := &p.stmts[0]
	var got []string
	for _, i := range st.condOrder {
		got = append(got, st.conds[i].op.Name)
	}
	// Typed comparisons, then plain strings, then globs, then variables
	// and ARNs, each group in source order.
	want := []string{"DateLessThan", "Bool", "StringNotEquals", "StringLike", "StringEquals", "ArnLike"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("condition order %v, want %v", got, want)
	}
}
