package eval

import (
	"fmt"
	"strings"
	"testing"
)

func TestPolicyVariables(t *testing.T) {
	const alice = "arn:aws:iam::111122223333:user/alice"
	tests := []struct {
		name     string
		version  string // "" means no Version element
		resource string // the statement's Resource
		cond     string // optional Condition JSON
		reqRes   string // the requested resource
		ctx      []string
		want     bool
	}{
		{name: "username in resource", version: "2012-10-17", resource: "arn:aws:iam::*:user/${aws:username}", reqRes: alice, want: true},
		{name: "username case-insensitive key", version: "2012-10-17", resource: "arn:aws:iam::*:user/${AWS:UserName}", reqRes: alice, want: true},
		{name: "username other user", version: "2012-10-17", resource: "arn:aws:iam::*:user/${aws:username}", reqRes: "arn:aws:iam::111122223333:user/bob", want: false},
		{name: "variable value is literal, not a glob", version: "2012-10-17", resource: "arn:aws:s3:::b/${aws:PrincipalTag/team}", reqRes: "arn:aws:s3:::b/anything", ctx: []string{"aws:PrincipalTag/team=*"}, want: false},
		{name: "variable value literal star matches itself", version: "2012-10-17", resource: "arn:aws:s3:::b/${aws:PrincipalTag/team}", reqRes: "arn:aws:s3:::b/*", ctx: []string{"aws:PrincipalTag/team=*"}, want: true},
		{name: "principal tag", version: "2012-10-17", resource: "arn:aws:s3:::b/${aws:PrincipalTag/Team}/*", reqRes: "arn:aws:s3:::b/red/x", ctx: []string{"aws:principaltag/team=red"}, want: true},
		{name: "missing variable matches nothing", version: "2012-10-17", resource: "arn:aws:s3:::b/${aws:PrincipalTag/team}/*", reqRes: "arn:aws:s3:::b//x", want: false},
		{name: "default value", version: "2012-10-17", resource: "arn:aws:s3:::b-${aws:PrincipalTag/team, 'company-wide'}", reqRes: "arn:aws:s3:::b-company-wide", want: true},
		{name: "default not used when present", version: "2012-10-17", resource: "arn:aws:s3:::b-${aws:PrincipalTag/team, 'company-wide'}", reqRes: "arn:aws:s3:::b-company-wide", ctx: []string{"aws:PrincipalTag/team=red"}, want: false},
		{name: "escapes", version: "2012-10-17", resource: "arn:aws:s3:::b/${*}${?}${$}x", reqRes: "arn:aws:s3:::b/*?$x", want: true},
		{name: "escaped star is literal", version: "2012-10-17", resource: "arn:aws:s3:::b/${*}", reqRes: "arn:aws:s3:::b/anything", want: false},
		{name: "variable before the fifth colon is literal", version: "2012-10-17", resource: "arn:aws:iam::${aws:PrincipalAccount}:user/alice", reqRes: alice, want: false},
		{name: "ArnLike substitutes variables in any field", version: "2012-10-17", resource: "*", cond: `{"ArnLike": {"aws:SourceArn": "arn:aws:iam::${aws:PrincipalAccount}:user/*"}}`, reqRes: alice, ctx: []string{"aws:SourceArn=" + alice}, want: true},
		{name: "2008: literal text", version: "2008-10-17", resource: "arn:aws:iam::*:user/${aws:username}", reqRes: alice, want: false},
		{name: "2008: literal text matches itself", version: "2008-10-17", resource: "arn:aws:iam::*:user/${aws:username}", reqRes: "arn:aws:iam::111122223333:user/${aws:username}", want: true},
		{name: "no version: literal text", resource: "arn:aws:iam::*:user/${aws:username}", reqRes: alice, want: false},
		{name: "multivalued key as variable is missing", version: "2012-10-17", resource: "arn:aws:s3:::b/${aws:TagKeys}", reqRes: "arn:aws:s3:::b/a", ctx: []string{"aws:TagKeys=a|b"}, want: false},
		{name: "userid", version: "2012-10-17", resource: "*", cond: `{"StringLike": {"aws:userid": "AIDA*"}}`, reqRes: alice, want: true},
		{name: "condition variable", version: "2012-10-17", resource: "*", cond: `{"StringEquals": {"aws:ResourceTag/Owner": "${aws:username}"}}`, reqRes: alice, ctx: []string{"aws:ResourceTag/Owner=alice"}, want: true},
		{name: "condition variable mismatch", version: "2012-10-17", resource: "*", cond: `{"StringEquals": {"aws:ResourceTag/Owner": "${aws:username}"}}`, reqRes: alice, ctx: []string{"aws:ResourceTag/Owner=bob"}, want: false},
		{name: "missing variable: StringEquals no match", version: "2012-10-17", resource: "*", cond: `{"StringEquals": {"aws:ResourceTag/Owner": "${aws:PrincipalTag/owner}"}}`, reqRes: alice, ctx: []string{"aws:ResourceTag/Owner="}, want: false},
		{name: "missing variable: StringLike no match", version: "2012-10-17", resource: "*", cond: `{"StringLike": {"aws:ResourceTag/Owner": "${aws:PrincipalTag/owner}*"}}`, reqRes: alice, ctx: []string{"aws:ResourceTag/Owner=x"}, want: false},
		{name: "missing variable: StringNotEquals matches", version: "2012-10-17", resource: "*", cond: `{"StringNotEquals": {"aws:ResourceTag/Owner": "${aws:PrincipalTag/owner}"}}`, reqRes: alice, ctx: []string{"aws:ResourceTag/Owner=x"}, want: true},
		{name: "missing variable: StringNotLike matches", version: "2012-10-17", resource: "*", cond: `{"StringNotLike": {"aws:ResourceTag/Owner": "${aws:PrincipalTag/owner}"}}`, reqRes: alice, ctx: []string{"aws:ResourceTag/Owner=x"}, want: true},
		{name: "ArnLike variable", version: "2012-10-17", resource: "*", cond: `{"ArnLike": {"aws:SourceArn": "arn:aws:iam::*:user/${aws:username}"}}`, reqRes: alice, ctx: []string{"aws:SourceArn=" + alice}, want: true},
		{name: "IgnoreCase variable", version: "2012-10-17", resource: "*", cond: `{"StringEqualsIgnoreCase": {"aws:ResourceTag/Owner": "x-${aws:username}"}}`, reqRes: alice, ctx: []string{"aws:ResourceTag/Owner=X-ALICE"}, want: true},
		{name: "Like with glob and variable", version: "2012-10-17", resource: "*", cond: `{"StringLike": {"s3:prefix": "home/${aws:username}/*"}}`, reqRes: alice, ctx: []string{"s3:prefix=home/alice/docs"}, want: true},
		{name: "Bool with variable", version: "2012-10-17", resource: "*", cond: `{"Bool": {"aws:SecureTransport": "${aws:PrincipalTag/secure}"}}`, reqRes: alice, ctx: []string{"aws:SecureTransport=true", "aws:PrincipalTag/secure=True"}, want: true},
		{name: "variables in 2008 conditions are literal", version: "2008-10-17", resource: "*", cond: `{"StringEquals": {"aws:ResourceTag/Owner": "${aws:username}"}}`, reqRes: alice, ctx: []string{"aws:ResourceTag/Owner=${aws:username}"}, want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ver := ""
			if tt.version != "" {
				ver = fmt.Sprintf(`"Version": %q, `, tt.version)
			}
			cond := ""
			if tt.cond != "" {
				cond = `, "Condition": ` + tt.cond
			}
			src := fmt.Sprintf(`{%s"Statement": {"Effect": "Allow", "Action": "*", "Resource": %q%s}}`, ver, tt.resource, cond)
			p, err := ParsePrincipal(alice)
			if err != nil {
				t.Fatal(err)
			}
			ctx := ctxOf(tt.ctx...)
			p.AddToContext(ctx)
			r := &Request{Principal: p, Action: "iam:GetUser", Resource: tt.reqRes, Context: ctx}
			s := &PolicySet{Identity: []*Policy{compilePolicy(t, "p", src)}}
			if got := s.Decide(r) == Allow; got != tt.want {
				t.Errorf("allowed = %v, want %v\n%s", got, tt.want, explainText(t, s, r))
			}
			if got := s.Explain(r).Decision == Allow; got != tt.want {
				t.Errorf("Explain allowed = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestVariableCompileErrors(t *testing.T) {
	tests := []struct {
		resource string
		keyTypes map[string]string
		want     string
	}{
		{resource: "arn:aws:s3:::${aws:username", want: "p: 1:"},
		{resource: "arn:aws:s3:::b/${}", want: "p: 1:"},
		{resource: "arn:aws:s3:::b/${aws:TagKeys}", keyTypes: map[string]string{"aws:tagkeys": "ArrayOfString"}, want: "multivalued key"},
	}
	for _, tt := range tests {
		src := fmt.Sprintf(`{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": %q}}`, tt.resource)
		opts := []Option{WithName("p")}
		if tt.keyTypes != nil {
			opts = append(opts, WithKeyTypes(func(k string) (string, bool) {
				typ, ok := tt.keyTypes[strings.ToLower(k)]
				return typ, ok
			}))
		}
		_, err := Compile(parsePolicy(t, src), opts...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Resource %q: error %v, want containing %q", tt.resource, err, tt.want)
		}
	}
}
