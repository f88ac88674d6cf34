package eval

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/connect-iam/connect-iam/policy"
)

// condPolicy returns a one-statement policy allowing everything under one
// condition.
func condPolicy(version, op, key string, values any) string {
	b, _ := json.Marshal(map[string]any{op: map[string]any{key: values}})
	v := ""
	if version != "" {
		v = fmt.Sprintf(`"Version": %q, `, version)
	}
	return fmt.Sprintf(`{%s"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": %s}]}`, v, b)
}

// ctxOf builds a context: each argument is "key=v1|v2|..."; "key=" is a
// key with one empty value and "key" alone a key with no values.
func ctxOf(kvs ...string) *Context {
	c := NewContext()
	for _, kv := range kvs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			c.Set(k)
			continue
		}
		c.Set(k, strings.Split(v, "|")...)
	}
	return c
}

func userRequest(t testing.TB, ctx *Context) *Request {
	t.Helper()
	p, err := ParsePrincipal("arn:aws:iam::111122223333:user/alice")
	if err != nil {
		t.Fatal(err)
	}
	return &Request{Principal: p, Action: "connect:DescribeUser", Resource: "arn:aws:connect:us-east-1:111122223333:instance/i-1/agent/u-1", Context: ctx}
}

// condTests lists, per operator family, the request context and whether
// the condition matches.
var condTests = []struct {
	op     string
	key    string
	values any // policy values: a string or a []any
	ctx    []string
	want   bool
}{
	// String
	{"StringEquals", "aws:ResourceTag/Department", "Test", []string{"aws:ResourceTag/Department=Test"}, true},
	{"StringEquals", "aws:ResourceTag/Department", "Test", []string{"aws:resourcetag/department=Test"}, true}, // key case-insensitive, tag key too
	{"StringEquals", "AWS:RESOURCETAG/department", "Test", []string{"aws:ResourceTag/Department=Test"}, true},
	{"StringEquals", "aws:ResourceTag/Department", "Test", []string{"aws:ResourceTag/Department=test"}, false}, // value case-sensitive
	{"StringEquals", "aws:ResourceTag/Department", "T*", []string{"aws:ResourceTag/Department=Test"}, false},   // no globbing
	{"StringEquals", "aws:ResourceTag/Department", "T*", []string{"aws:ResourceTag/Department=T*"}, true},
	{"StringEquals", "aws:ResourceTag/Department", []any{"A", "Test"}, []string{"aws:ResourceTag/Department=Test"}, true}, // OR
	{"StringEquals", "aws:ResourceTag/Department", "Test", nil, false},                                                    // missing key
	{"StringNotEquals", "aws:ResourceTag/Department", "Test", nil, true},                                                  // negated, missing key
	{"StringNotEquals", "aws:ResourceTag/Department", []any{"A", "B"}, []string{"aws:ResourceTag/Department=B"}, false},   // NOR
	{"StringNotEquals", "aws:ResourceTag/Department", []any{"A", "B"}, []string{"aws:ResourceTag/Department=C"}, true},
	{"StringEqualsIgnoreCase", "aws:ResourceTag/Department", "TEST", []string{"aws:ResourceTag/Department=test"}, true},
	{"StringNotEqualsIgnoreCase", "aws:ResourceTag/Department", "TEST", []string{"aws:ResourceTag/Department=test"}, false},
	{"StringLike", "aws:ResourceTag/Department", "T?s*", []string{"aws:ResourceTag/Department=Testing"}, true},
	{"StringLike", "aws:ResourceTag/Department", "t*", []string{"aws:ResourceTag/Department=Testing"}, false},
	{"StringNotLike", "aws:ResourceTag/Department", "T*", []string{"aws:ResourceTag/Department=Prod"}, true},
	{"StringNotLike", "aws:ResourceTag/Department", "T*", []string{"aws:ResourceTag/Department=Test"}, false},
	{"StringEqualsIfExists", "aws:ResourceTag/Department", "Test", nil, true},
	{"StringEqualsIfExists", "aws:ResourceTag/Department", "Test", []string{"aws:ResourceTag/Department=Prod"}, false},
	{"StringNotEqualsIfExists", "aws:ResourceTag/Department", "Test", nil, true},
	// Numeric
	{"NumericEquals", "s3:max-keys", "10", []string{"s3:max-keys=10.0"}, true},
	{"NumericEquals", "s3:max-keys", 10, []string{"s3:max-keys=10"}, true},
	{"NumericNotEquals", "s3:max-keys", "10", []string{"s3:max-keys=11"}, true},
	{"NumericLessThan", "s3:max-keys", "10", []string{"s3:max-keys=9.999"}, true},
	{"NumericLessThan", "s3:max-keys", "10", []string{"s3:max-keys=10"}, false},
	{"NumericLessThanEquals", "s3:max-keys", "10", []string{"s3:max-keys=10"}, true},
	{"NumericGreaterThan", "s3:max-keys", "-1.5", []string{"s3:max-keys=-1.4"}, true},
	{"NumericGreaterThanEquals", "s3:max-keys", "100000000000000000001", []string{"s3:max-keys=100000000000000000000"}, false}, // exact beyond float64
	{"NumericLessThan", "s3:max-keys", "10", []string{"s3:max-keys=ten"}, false},                                               // unreadable request value
	{"NumericNotEquals", "s3:max-keys", "10", []string{"s3:max-keys=ten"}, true},
	{"NumericLessThanIfExists", "s3:max-keys", "10", nil, true},
	// Date
	{"DateGreaterThan", "aws:CurrentTime", "2026-01-01T00:00:00Z", []string{"aws:CurrentTime=2026-11-22T10:00:00Z"}, true},
	{"DateLessThan", "aws:CurrentTime", "2026", []string{"aws:CurrentTime=2025-12-31T23:59:59Z"}, true},
	{"DateLessThan", "aws:CurrentTime", "2026-11", []string{"aws:CurrentTime=2026-11-01T00:00:00Z"}, false},
	{"DateEquals", "aws:CurrentTime", "2026-11-22T12:00:00+02:00", []string{"aws:CurrentTime=2026-11-22T10:00:00Z"}, true},
	{"DateEquals", "aws:CurrentTime", "2026-11-22T10:00:00.000Z", []string{"aws:CurrentTime=2026-11-22T10:00Z"}, true},
	{"DateEquals", "aws:EpochTime", "1795000000", []string{"aws:EpochTime=2026-11-18T11:06:40Z"}, true},
	{"DateNotEquals", "aws:CurrentTime", "2026-11-22", []string{"aws:CurrentTime=2026-11-22T00:00:00Z"}, false},
	{"DateLessThanEquals", "aws:CurrentTime", "2026-11-22", []string{"aws:CurrentTime=2026-11-22"}, true},
	{"DateGreaterThanEquals", "aws:CurrentTime", "2026-11-22T10:00:00.5Z", []string{"aws:CurrentTime=2026-11-22T10:00:00.25Z"}, false},
	{"DateGreaterThan", "aws:TokenIssueTime", "2020-01-01", nil, false},
	// Bool
	{"Bool", "aws:MultiFactorAuthPresent", "true", []string{"aws:MultiFactorAuthPresent=true"}, true},
	{"Bool", "aws:MultiFactorAuthPresent", true, []string{"aws:MultiFactorAuthPresent=true"}, true},
	{"Bool", "aws:MultiFactorAuthPresent", "True", []string{"aws:MultiFactorAuthPresent=TRUE"}, true},
	{"Bool", "aws:MultiFactorAuthPresent", "false", []string{"aws:MultiFactorAuthPresent=true"}, false},
	{"Bool", "aws:MultiFactorAuthPresent", "false", nil, false},
	{"BoolIfExists", "aws:MultiFactorAuthPresent", "true", nil, true},
	{"Bool", "aws:MultiFactorAuthPresent", "true", []string{"aws:MultiFactorAuthPresent=yes"}, false},
	// Binary
	{"BinaryEquals", "x:bin", "QmluYXJ5", []string{"x:bin=QmluYXJ5"}, true},
	{"BinaryEquals", "x:bin", "QmluYXJ5", []string{"x:bin=QmluYXJ6"}, false},
	// IP
	{"IpAddress", "aws:SourceIp", "203.0.113.0/24", []string{"aws:SourceIp=203.0.113.77"}, true},
	{"IpAddress", "aws:SourceIp", "203.0.113.0/24", []string{"aws:SourceIp=203.0.114.1"}, false},
	{"IpAddress", "aws:SourceIp", "203.0.113.7", []string{"aws:SourceIp=203.0.113.7"}, true}, // bare = /32
	{"IpAddress", "aws:SourceIp", "203.0.113.7", []string{"aws:SourceIp=203.0.113.8"}, false},
	{"IpAddress", "aws:SourceIp", "2001:DB8:1234:5678::/64", []string{"aws:SourceIp=2001:db8:1234:5678::9"}, true},
	{"IpAddress", "aws:SourceIp", "2001:db8::1", []string{"aws:SourceIp=2001:db8::1"}, true}, // bare = /128
	{"IpAddress", "aws:SourceIp", "203.0.113.0/24", []string{"aws:SourceIp=::ffff:203.0.113.9"}, true},
	{"IpAddress", "aws:SourceIp", "203.0.113.0/24", []string{"aws:SourceIp=2001:db8::1"}, false},
	{"NotIpAddress", "aws:SourceIp", []any{"203.0.113.0/24", "198.51.100.0/24"}, []string{"aws:SourceIp=192.0.2.1"}, true},
	{"NotIpAddress", "aws:SourceIp", []any{"203.0.113.0/24", "198.51.100.0/24"}, []string{"aws:SourceIp=198.51.100.1"}, false},
	{"NotIpAddress", "aws:SourceIp", "203.0.113.0/24", nil, true}, // VPC endpoint: no SourceIp
	// ARN
	{"ArnLike", "aws:SourceArn", "arn:aws:someservice:*:111122223333:finance/*", []string{"aws:SourceArn=arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"}, false},
	{"StringLike", "aws:SourceArn", "arn:aws:someservice:*:111122223333:finance/*", []string{"aws:SourceArn=arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"}, true},
	{"ArnEquals", "aws:SourceArn", "arn:aws:s3:::bucket/*", []string{"aws:SourceArn=arn:aws:s3:::bucket/x"}, true}, // Equals ≡ Like
	{"ArnNotLike", "aws:PrincipalArn", "arn:aws:iam::*:role/admin-*", []string{"aws:PrincipalArn=arn:aws:iam::111122223333:role/dev"}, true},
	{"ArnNotEquals", "aws:PrincipalArn", "arn:aws:iam::*:role/admin-*", []string{"aws:PrincipalArn=arn:aws:iam::111122223333:role/admin-1"}, false},
	{"ArnLike", "aws:SourceArn", "arn:aws:s3:::bucket", []string{"aws:SourceArn=bucket"}, false},
	// Null
	{"Null", "aws:TokenIssueTime", "true", nil, true},
	{"Null", "aws:TokenIssueTime", "true", []string{"aws:TokenIssueTime=2026-01-01"}, false},
	{"Null", "aws:TokenIssueTime", "false", []string{"aws:TokenIssueTime=2026-01-01"}, true},
	{"Null", "aws:TokenIssueTime", false, nil, false},
	{"Null", "aws:TagKeys", "true", []string{"aws:TagKeys"}, true}, // present but empty counts as null
	// Set operators
	{"ForAnyValue:StringEquals", "aws:TagKeys", []any{"Owner", "Dept"}, []string{"aws:TagKeys=Name|Owner"}, true},
	{"ForAnyValue:StringEquals", "aws:TagKeys", []any{"Owner", "Dept"}, []string{"aws:TagKeys=Name"}, false},
	{"ForAnyValue:StringEquals", "aws:TagKeys", "Owner", nil, false},
	{"ForAnyValue:StringEquals", "aws:TagKeys", "Owner", []string{"aws:TagKeys"}, false}, // empty set
	{"ForAllValues:StringEquals", "aws:TagKeys", []any{"Owner", "Dept"}, []string{"aws:TagKeys=Dept|Owner"}, true},
	{"ForAllValues:StringEquals", "aws:TagKeys", []any{"Owner", "Dept"}, []string{"aws:TagKeys=Dept|Name"}, false},
	{"ForAllValues:StringEquals", "aws:TagKeys", "Owner", nil, true},                     // vacuous: missing
	{"ForAllValues:StringEquals", "aws:TagKeys", "Owner", []string{"aws:TagKeys"}, true}, // vacuous: empty
	{"ForAllValues:StringNotLike", "aws:TagKeys", "key1*", nil, true},
	{"ForAllValues:StringNotLike", "aws:TagKeys", []any{"a*", "b*"}, []string{"aws:TagKeys=c1|d1"}, true},
	{"ForAllValues:StringNotLike", "aws:TagKeys", []any{"a*", "b*"}, []string{"aws:TagKeys=c1|b1"}, false},
	{"ForAnyValue:StringNotEquals", "aws:TagKeys", "a", []string{"aws:TagKeys=a|b"}, true},
	{"ForAnyValue:StringNotEquals", "aws:TagKeys", "a", []string{"aws:TagKeys=a"}, false},
	{"ForAnyValue:StringLikeIfExists", "aws:TagKeys", "a*", nil, true},
	{"ForAllValues:Null", "aws:TagKeys", "false", nil, true},
	{"ForAnyValue:Null", "aws:TagKeys", "true", nil, false},
	{"StringEquals", "aws:TagKeys", "a", []string{"aws:TagKeys=b|a"}, true},     // plain operator, several request values: any
	{"StringNotEquals", "aws:TagKeys", "a", []string{"aws:TagKeys=b|a"}, false}, // negation of the above
}

func TestConditionOperators(t *testing.T) {
	for _, tt := range condTests {
		name := fmt.Sprintf("%s/%s=%v/%v", tt.op, tt.key, tt.values, tt.ctx)
		t.Run(name, func(t *testing.T) {
			set := &PolicySet{Identity: []*Policy{compilePolicy(t, "p", condPolicy("2012-10-17", tt.op, tt.key, tt.values))}}
			r := userRequest(t, ctxOf(tt.ctx...))
			got := set.Decide(r) == Allow
			if got != tt.want {
				t.Errorf("condition matched = %v, want %v\n%s", got, tt.want, explainText(t, set, r))
			}
			if x := set.Explain(r); (x.Decision == Allow) != got {
				t.Errorf("Explain decided %s, Decide %v", x.Decision, got)
			}
		})
	}
}

func explainText(t testing.TB, set *PolicySet, r *Request) string {
	var sb strings.Builder
	if err := set.Explain(r).WriteText(&sb); err != nil {
		t.Fatal(err)
	}
	return sb.String()
}

func TestConditionCompileErrors(t *testing.T) {
	tests := []struct {
		op     string
		values any
		want   string
	}{
		{"StringEqualz", "x", `unknown condition operator "StringEqualz": did you mean "StringEquals"?`},
		{"stringequals", "x", `did you mean "StringEquals"`},
		{"NullIfExists", "true", "Null cannot take the IfExists suffix"},
		{"NumericLessThan", "ten", `value "ten" is not a number`},
		{"NumericLessThan", "1e3", "no exponents"},
		{"DateLessThan", "2026-13-01", "is not a date"},
		{"DateLessThan", "2026-02-30", "is not a date"},
		{"DateLessThan", "yesterday", "is not a date"},
		{"IpAddress", "203.0.113.0/33", "is not an IP address or CIDR block"},
		{"Bool", "yes", "is not a boolean"},
		{"Null", "maybe", "is not true or false"},
		{"BinaryEquals", "***", "is not base64"},
		{"StringEquals", "${aws:username", "has no closing brace"},
	}
	for _, tt := range tests {
		// The parser rejects some of these itself (unknown operators);
		// either way the policy must not compile, with a located error.
		src := condPolicy("2012-10-17", tt.op, "k:k", tt.values)
		p, err := policy.Parse([]byte(src))
		if err != nil {
			err = fmt.Errorf("p: %w", err)
		} else {
			_, err = Compile(p, WithName("p"))
		}
		if err == nil {
			t.Errorf("%s %v: compiled, want error containing %q", tt.op, tt.values, tt.want)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, tt.want) && !strings.Contains(fmt.Sprintf("%#v", err), tt.want) {
			t.Errorf("%s %v: error %q, want containing %q", tt.op, tt.values, msg, tt.want)
		}
		if !strings.HasPrefix(msg, "p: 1:") {
			t.Errorf("%s %v: error %q is not located (want p: LINE:COL: ...)", tt.op, tt.values, msg)
		}
	}
}

// TestCompileRejectsUnknownOperator builds the AST by hand, because the
// parser already rejects unknown operators: Compile must not rely on that.
func TestCompileRejectsUnknownOperator(t *testing.T) {
	pos := policy.Pos{Offset: 10, Line: 3, Column: 7}
	p := &policy.Policy{Version: policy.Version2012, Statements: []*policy.Statement{{
		Action:   &policy.ValueBlock{Values: []policy.String{{Text: "*"}}},
		Resource: &policy.ValueBlock{Values: []policy.String{{Text: "*"}}},
		Conditions: []*policy.Condition{{
			Operator: policy.String{Text: "StringEqualsNot", Span: policy.Span{Start: pos}},
			Key:      policy.String{Text: "aws:username"},
			Values:   []policy.String{{Text: "alice"}},
		}},
	}}}
	_, err := Compile(p, WithName("p"))
	if err == nil || !strings.HasPrefix(err.Error(), "p: 3:7: unknown condition operator \"StringEqualsNot\"") {
		t.Errorf("Compile = %v, want a located unknown-operator error", err)
	}
}
