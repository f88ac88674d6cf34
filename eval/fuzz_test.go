package eval

import (
	"testing"

	"github.com/connect-iam/connect-iam/arn"
	"github.com/connect-iam/connect-iam/policy"
)

// negationPairs maps each positive operator to its negated form.
var negationPairs = [][2]string{
	{"StringEquals", "StringNotEquals"},
	{"StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"},
	{"StringLike", "StringNotLike"},
	{"NumericEquals", "NumericNotEquals"},
	{"DateEquals", "DateNotEquals"},
	{"IpAddress", "NotIpAddress"},
	{"ArnEquals", "ArnNotEquals"},
	{"ArnLike", "ArnNotLike"},
}

var otherOperators = []string{
	"NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals",
	"DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals",
	"Bool", "BinaryEquals", "Null",
}

// conditionPolicy builds, without the parser, a policy allowing everything
// under one condition.
func conditionPolicy(op, key string, values []string, version policy.Version) *policy.Policy {
	vals := make([]policy.String, len(values))
	for i, v := range values {
		vals[i] = policy.String{Text: v}
	}
	return &policy.Policy{Version: version, Statements: []*policy.Statement{{
		Action:     &policy.ValueBlock{Values: []policy.String{{Text: "*"}}},
		Resource:   &policy.ValueBlock{Values: []policy.String{{Text: "*"}}},
		Conditions: []*policy.Condition{{Operator: policy.String{Text: op}, Key: policy.String{Text: key}, Values: vals}},
	}}}
}

// conditionHolds compiles and decides; ok is false when the policy does
// not compile.
func conditionHolds(t *testing.T, op, key string, values []string, r *Request) (holds, ok bool) {
	p, err := Compile(conditionPolicy(op, key, values, policy.Version2012))
	if err != nil {
		return false, false
	}
	s := &PolicySet{Identity: []*Policy{p}}
	d := s.Decide(r)
	if x := s.Explain(r); x.Decision != d {
		t.Fatalf("%s %q %q: Decide = %s but Explain = %s", op, key, values, d, x.Decision)
	}
	return d == Allow, true
}

func FuzzConditionOperators(f *testing.F) {
	f.Add(uint8(0), "aws:ResourceTag/Dept", "Test", "Test", "", true, uint8(0))
	f.Add(uint8(2), "aws:ResourceTag/Dept", "T*", "Test", "x", true, uint8(1))
	f.Add(uint8(3), "s3:max-keys", "10", "10.0", "", true, uint8(0))
	f.Add(uint8(4), "aws:CurrentTime", "2026-11-22", "2026-11-22T00:00:00Z", "", true, uint8(0))
	f.Add(uint8(5), "aws:SourceIp", "203.0.113.0/24", "203.0.113.9", "", true, uint8(0))
	f.Add(uint8(7), "aws:SourceArn", "arn:aws:s3:::b/${aws:username}", "arn:aws:s3:::b/alice", "", true, uint8(2))
	f.Add(uint8(9), "aws:TagKeys", "${aws:PrincipalTag/t, 'd'}", "d", "e", false, uint8(3))
	f.Fuzz(func(t *testing.T, opIndex uint8, key, policyValue, requestValue, requestValue2 string, present bool, mode uint8) {
		if key == "" || len(key) > 64 || len(policyValue) > 128 || len(requestValue) > 128 || len(requestValue2) > 128 {
			return
		}
		p, err := ParsePrincipal("arn:aws:iam::111122223333:user/alice")
		if err != nil {
			t.Fatal(err)
		}
		ctx := NewContext()
		if present {
			if requestValue2 != "" {
				ctx.Set(key, requestValue, requestValue2)
			} else {
				ctx.Set(key, requestValue)
			}
		}
		p.AddToContext(ctx)
		r := &Request{Principal: p, Action: "connect:DescribeUser", Resource: "*", Context: ctx}
		// Keys the principal supplies are present whatever "present" says.
		present = ctx.Has(key)
		single := present && requestValue2 == "" && !isPrincipalKey(key)

		all := len(negationPairs)*2 + len(otherOperators)
		i := int(opIndex) % all
		if i >= len(negationPairs)*2 {
			op := otherOperators[i-len(negationPairs)*2]
			prefix := [...]string{"", "ForAnyValue:", "ForAllValues:", ""}[mode%4]
			suffix := ""
			if mode%4 == 3 && op != "Null" {
				suffix = "IfExists"
			}
			holds, ok := conditionHolds(t, prefix+op+suffix, key, []string{policyValue}, r)
			if ok && !present && suffix != "" && !holds {
				t.Errorf("%s%sIfExists with a missing key did not match", prefix, op)
			}
			return
		}
		pair := negationPairs[i/2]
		pos, okPos := conditionHolds(t, pair[0], key, []string{policyValue}, r)
		neg, okNeg := conditionHolds(t, pair[1], key, []string{policyValue}, r)
		if okPos != okNeg {
			t.Fatalf("%s and %s disagree on whether %q compiles", pair[0], pair[1], policyValue)
		}
		if !okPos {
			return
		}
		if single && pos == neg {
			t.Errorf("%s and %s both %v for %s=%q against %q", pair[0], pair[1], pos, key, requestValue, policyValue)
		}
		if !present && (pos || !neg) {
			t.Errorf("missing key %s: %s = %v (want false), %s = %v (want true)", key, pair[0], pos, pair[1], neg)
		}
		if ifx, ok := conditionHolds(t, pair[0]+"IfExists", key, []string{policyValue}, r); ok && !present && !ifx {
			t.Errorf("%sIfExists with a missing key did not match", pair[0])
		}
		forAll, _ := conditionHolds(t, "ForAllValues:"+pair[0], key, []string{policyValue}, r)
		forAny, _ := conditionHolds(t, "ForAnyValue:"+pair[0], key, []string{policyValue}, r)
		if !present && (!forAll || forAny) {
			t.Errorf("missing key: ForAllValues = %v (want true), ForAnyValue = %v (want false)", forAll, forAny)
		}
		if single && (forAll != pos || forAny != pos) {
			t.Errorf("single value: ForAllValues = %v, ForAnyValue = %v, plain = %v", forAll, forAny, pos)
		}
	})
}

// isPrincipalKey reports whether key is one the principal adds (so the
// fuzzer's own value may not be the only one).
func isPrincipalKey(key string) bool {
	ctx := NewContext()
	p, _ := ParsePrincipal("arn:aws:iam::111122223333:user/alice")
	p.AddToContext(ctx)
	return ctx.Has(key)
}

// FuzzARNPattern checks that the engine's compiled Resource patterns agree
// with arn.Match (itself fuzzed against a regexp reference).
func FuzzARNPattern(f *testing.F) {
	f.Add("arn:aws:connect:*:111122223333:instance/*/agent/*", "arn:aws:connect:us-east-1:111122223333:instance/i-1/agent/u-1")
	f.Add("arn:aws:s3:::b/*", "arn:aws:s3:::b/x:y")
	f.Add("*", "anything")
	f.Add("a*", "a:b")
	f.Fuzz(func(t *testing.T, pattern, value string) {
		if len(pattern) > 64 || len(value) > 128 {
			return
		}
		p, err := compileARNPattern(pattern, false, true)
		if err != nil {
			t.Fatalf("compileARNPattern(%q) without variables failed: %v", pattern, err)
		}
		if got, want := p.match(nil, value), arn.Match(pattern, value); got != want {
			t.Fatalf("compiled %q against %q = %v, arn.Match = %v", pattern, value, got, want)
		}
	})
}
