package policy

import (
	"errors"
	"testing"
)

func TestParseOperator(t *testing.T) {
	tests := []struct {
		name     string
		set      SetQualifier
		base     BaseOperator
		ifExists bool
	}{
		{"StringEquals", SetNone, OpStringEquals, false},
		{"StringNotEquals", SetNone, OpStringNotEquals, false},
		{"StringEqualsIgnoreCase", SetNone, OpStringEqualsIgnoreCase, false},
		{"StringNotEqualsIgnoreCase", SetNone, OpStringNotEqualsIgnoreCase, false},
		{"StringLike", SetNone, OpStringLike, false},
		{"StringNotLike", SetNone, OpStringNotLike, false},
		{"NumericEquals", SetNone, OpNumericEquals, false},
		{"NumericNotEquals", SetNone, OpNumericNotEquals, false},
		{"NumericLessThan", SetNone, OpNumericLessThan, false},
		{"NumericLessThanEquals", SetNone, OpNumericLessThanEquals, false},
		{"NumericGreaterThan", SetNone, OpNumericGreaterThan, false},
		{"NumericGreaterThanEquals", SetNone, OpNumericGreaterThanEquals, false},
		{"DateEquals", SetNone, OpDateEquals, false},
		{"DateNotEquals", SetNone, OpDateNotEquals, false},
		{"DateLessThan", SetNone, OpDateLessThan, false},
		{"DateLessThanEquals", SetNone, OpDateLessThanEquals, false},
		{"DateGreaterThan", SetNone, OpDateGreaterThan, false},
		{"DateGreaterThanEquals", SetNone, OpDateGreaterThanEquals, false},
		{"Bool", SetNone, OpBool, false},
		{"BinaryEquals", SetNone, OpBinaryEquals, false},
		{"IpAddress", SetNone, OpIPAddress, false},
		{"NotIpAddress", SetNone, OpNotIPAddress, false},
		{"ArnEquals", SetNone, OpArnEquals, false},
		{"ArnLike", SetNone, OpArnLike, false},
		{"ArnNotEquals", SetNone, OpArnNotEquals, false},
		{"ArnNotLike", SetNone, OpArnNotLike, false},
		{"Null", SetNone, OpNull, false},
		{"StringLikeIfExists", SetNone, OpStringLike, true},
		{"BoolIfExists", SetNone, OpBool, true},
		{"ForAllValues:StringEquals", SetForAllValues, OpStringEquals, false},
		{"ForAnyValue:StringNotLikeIfExists", SetForAnyValue, OpStringNotLike, true},
		{"ForAnyValue:Null", SetForAnyValue, OpNull, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op, err := ParseOperator(tt.name)
			if err != nil {
				t.Fatalf("ParseOperator(%q): %v", tt.name, err)
			}
			want := Operator{Name: tt.name, Set: tt.set, Base: tt.base, IfExists: tt.ifExists}
			if op != want {
				t.Fatalf("ParseOperator(%q) = %+v, want %+v", tt.name, op, want)
			}
			if op.String() != tt.name {
				t.Errorf("String() = %q, want %q", op.String(), tt.name)
			}
		})
	}
}

func TestParseOperatorErrors(t *testing.T) {
	tests := []struct {
		name       string
		code       string
		suggestion string
	}{
		{"StringEqual", "INVALID_CONDITION_OPERATOR", "StringEquals"},
		{"stringequals", "INVALID_CONDITION_OPERATOR", "StringEquals"},
		{"STRINGLIKE", "INVALID_CONDITION_OPERATOR", "StringLike"},
		{"IPAddress", "INVALID_CONDITION_OPERATOR", "IpAddress"},
		{"ArnLikeIfExist", "INVALID_CONDITION_OPERATOR", "ArnLikeIfExists"},
		{"ArnLik", "INVALID_CONDITION_OPERATOR", "ArnLike"},
		{"stringlikeifexists", "INVALID_CONDITION_OPERATOR", "StringLikeIfExists"},
		{"forallvalues:StringLike", "INVALID_CONDITION_OPERATOR", "ForAllValues:StringLike"},
		{"ForAnyValues:StringEquals", "INVALID_CONDITION_OPERATOR", "ForAnyValue:StringEquals"},
		{"ForAllValues:", "INVALID_CONDITION_OPERATOR", ""},
		{"Bogus:StringEquals", "INVALID_CONDITION_OPERATOR", ""},
		{"", "INVALID_CONDITION_OPERATOR", ""},
		{"SomethingElseEntirely", "INVALID_CONDITION_OPERATOR", ""},
		{"NullIfExists", "NULL_WITH_IF_EXISTS", "Null"},
		{"ForAllValues:NullIfExists", "NULL_WITH_IF_EXISTS", "ForAllValues:Null"},
		{"IfExists", "INVALID_CONDITION_OPERATOR", ""},
		{"StringEqualsIfExistsIfExists", "INVALID_CONDITION_OPERATOR", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseOperator(tt.name)
			var oe *OperatorError
			if !errors.As(err, &oe) {
				t.Fatalf("ParseOperator(%q) error = %v, want *OperatorError", tt.name, err)
			}
			if oe.Code != tt.code || oe.Suggestion != tt.suggestion || oe.Name != tt.name {
				t.Errorf("ParseOperator(%q) = %+v, want code %s suggestion %q", tt.name, oe, tt.code, tt.suggestion)
			}
			if tt.suggestion != "" && !contains(err.Error(), `"`+tt.suggestion+`"`) {
				t.Errorf("message %q does not name the suggestion %q", err, tt.suggestion)
			}
		})
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func TestBaseOperatorProperties(t *testing.T) {
	negated := map[BaseOperator]bool{
		OpStringNotEquals: true, OpStringNotEqualsIgnoreCase: true, OpStringNotLike: true,
		OpNumericNotEquals: true, OpDateNotEquals: true, OpNotIPAddress: true,
		OpArnNotEquals: true, OpArnNotLike: true,
	}
	family := map[string]Family{
		"String": FamilyString, "Numeric": FamilyNumeric, "Date": FamilyDate, "Bool": FamilyBool,
		"Binary": FamilyBinary, "IpAddress": FamilyIP, "NotIpAddress": FamilyIP, "Arn": FamilyARN, "Null": FamilyNull,
	}
	for b := OpInvalid + 1; b < numBaseOperators; b++ {
		name := b.String()
		if got := b.Negated(); got != negated[b] {
			t.Errorf("%s.Negated() = %v, want %v", name, got, negated[b])
		}
		var want Family
		for prefix, f := range family {
			if len(name) >= len(prefix) && name[:len(prefix)] == prefix {
				want = f
			}
		}
		if got := b.Family(); got != want {
			t.Errorf("%s.Family() = %v, want %v", name, got, want)
		}
		wantVars := want == FamilyString || want == FamilyARN || want == FamilyBool
		if got := b.SupportsVariables(); got != wantVars {
			t.Errorf("%s.SupportsVariables() = %v, want %v", name, got, wantVars)
		}
		op, err := ParseOperator(name)
		if err != nil || op.Base != b {
			t.Errorf("ParseOperator(%s.String()) = %v, %v", name, op, err)
		}
	}
	if OpInvalid.Family() != FamilyInvalid || OpInvalid.Negated() || OpInvalid.SupportsVariables() {
		t.Error("OpInvalid has properties of a valid operator")
	}
}
