package policy

import (
	"fmt"
	"github.com/connect-iam/connect-iam/internal/suggest"
	"strings"
)

// Condition operator names are matched exactly, including case. The IAM
// documentation does not say whether "stringequals" is accepted, so this
// package takes the strict reading: a name that differs from the documented
// spelling only in case is rejected with a suggestion of the documented
// spelling, rather than silently accepted or silently never matching. The
// same rule applies to the ForAllValues:/ForAnyValue: qualifiers and to the
// IfExists suffix.

// SetQualifier is the set operator prefix of a condition operator.
type SetQualifier int

const (
	// SetNone means the operator has no ForAllValues:/ForAnyValue: prefix.
	SetNone SetQualifier = iota
	// SetForAllValues is the "ForAllValues:" prefix: every request value
	// must match at least one policy value.
	SetForAllValues
	// SetForAnyValue is the "ForAnyValue:" prefix: at least one request
	// value must match at least one policy value.
	SetForAnyValue
)

// String returns the qualifier as written in policies, without the colon,
// or "" for SetNone.
func (s SetQualifier) String() string {
	switch s {
	case SetForAllValues:
		return "ForAllValues"
	case SetForAnyValue:
		return "ForAnyValue"
	}
	return ""
}

// BaseOperator is a condition operator without its set qualifier and
// IfExists suffix.
type BaseOperator int

// The base condition operators. The zero value is not a valid operator.
const (
	OpInvalid BaseOperator = iota
	OpStringEquals
	OpStringNotEquals
	OpStringEqualsIgnoreCase
	OpStringNotEqualsIgnoreCase
	OpStringLike
	OpStringNotLike
	OpNumericEquals
	OpNumericNotEquals
	OpNumericLessThan
	OpNumericLessThanEquals
	OpNumericGreaterThan
	OpNumericGreaterThanEquals
	OpDateEquals
	OpDateNotEquals
	OpDateLessThan
	OpDateLessThanEquals
	OpDateGreaterThan
	OpDateGreaterThanEquals
	OpBool
	OpBinaryEquals
	OpIPAddress
	OpNotIPAddress
	OpArnEquals
	OpArnLike
	OpArnNotEquals
	OpArnNotLike
	OpNull
	numBaseOperators
)

// Family is the kind of value a condition operator compares.
type Family int

// The operator families. The zero value is not a valid family.
const (
	FamilyInvalid Family = iota
	FamilyString
	FamilyNumeric
	FamilyDate
	FamilyBool
	FamilyBinary
	FamilyIP
	FamilyARN
	FamilyNull
)

// String returns the family's name, such as "String" or "ARN".
func (f Family) String() string {
	switch f {
	case FamilyString:
		return "String"
	case FamilyNumeric:
		return "Numeric"
	case FamilyDate:
		return "Date"
	case FamilyBool:
		return "Bool"
	case FamilyBinary:
		return "Binary"
	case FamilyIP:
		return "IP"
	case FamilyARN:
		return "ARN"
	case FamilyNull:
		return "Null"
	}
	return fmt.Sprintf("Family(%d)", int(f))
}

type opInfo struct {
	name    string
	family  Family
	negated bool
}

var opTable = [numBaseOperators]opInfo{
	OpStringEquals:              {"StringEquals", FamilyString, false},
	OpStringNotEquals:           {"StringNotEquals", FamilyString, true},
	OpStringEqualsIgnoreCase:    {"StringEqualsIgnoreCase", FamilyString, false},
	OpStringNotEqualsIgnoreCase: {"StringNotEqualsIgnoreCase", FamilyString, true},
	OpStringLike:                {"StringLike", FamilyString, false},
	OpStringNotLike:             {"StringNotLike", FamilyString, true},
	OpNumericEquals:             {"NumericEquals", FamilyNumeric, false},
	OpNumericNotEquals:          {"NumericNotEquals", FamilyNumeric, true},
	OpNumericLessThan:           {"NumericLessThan", FamilyNumeric, false},
	OpNumericLessThanEquals:     {"NumericLessThanEquals", FamilyNumeric, false},
	OpNumericGreaterThan:        {"NumericGreaterThan", FamilyNumeric, false},
	OpNumericGreaterThanEquals:  {"NumericGreaterThanEquals", FamilyNumeric, false},
	OpDateEquals:                {"DateEquals", FamilyDate, false},
	OpDateNotEquals:             {"DateNotEquals", FamilyDate, true},
	OpDateLessThan:              {"DateLessThan", FamilyDate, false},
	OpDateLessThanEquals:        {"DateLessThanEquals", FamilyDate, false},
	OpDateGreaterThan:           {"DateGreaterThan", FamilyDate, false},
	OpDateGreaterThanEquals:     {"DateGreaterThanEquals", FamilyDate, false},
	OpBool:                      {"Bool", FamilyBool, false},
	OpBinaryEquals:              {"BinaryEquals", FamilyBinary, false},
	OpIPAddress:                 {"IpAddress", FamilyIP, false},
	OpNotIPAddress:              {"NotIpAddress", FamilyIP, true},
	OpArnEquals:                 {"ArnEquals", FamilyARN, false},
	OpArnLike:                   {"ArnLike", FamilyARN, false},
	OpArnNotEquals:              {"ArnNotEquals", FamilyARN, true},
	OpArnNotLike:                {"ArnNotLike", FamilyARN, true},
	OpNull:                      {"Null", FamilyNull, false},
}

var opByName = func() map[string]BaseOperator {
	m := make(map[string]BaseOperator, numBaseOperators)
	for b := OpInvalid + 1; b < numBaseOperators; b++ {
		m[opTable[b].name] = b
	}
	return m
}()

func (b BaseOperator) valid() bool { return b > OpInvalid && b < numBaseOperators }

// String returns the operator's name as written in policies, such as
// "StringEquals" or "IpAddress".
func (b BaseOperator) String() string {
	if !b.valid() {
		return fmt.Sprintf("BaseOperator(%d)", int(b))
	}
	return opTable[b].name
}

// Negated reports whether the operator is a negated one (StringNotEquals,
// StringNotEqualsIgnoreCase, StringNotLike, NumericNotEquals, DateNotEquals,
// NotIpAddress, ArnNotEquals, ArnNotLike). Negated operators match when the
// request value matches none of the policy values, and match when the key
// is absent from the request.
func (b BaseOperator) Negated() bool {
	return b.valid() && opTable[b].negated
}

// Family returns the kind of value the operator compares.
func (b BaseOperator) Family() Family {
	if !b.valid() {
		return FamilyInvalid
	}
	return opTable[b].family
}

// SupportsVariables reports whether policy variables (${...}) in the
// operator's condition values are substituted. This is true for the String
// and ARN families, as the IAM policy variables reference documents, and
// also for Bool: the condition operators reference states "You can use a
// policy variable with the Boolean condition operator" while the variables
// reference omits it; this package follows the operator-specific statement.
// Numeric, Date, Binary, IP and Null values are never templates.
func (b BaseOperator) SupportsVariables() bool {
	switch b.Family() {
	case FamilyString, FamilyARN, FamilyBool:
		return true
	}
	return false
}

// Operator is a parsed condition operator name such as
// "ForAnyValue:StringLikeIfExists".
type Operator struct {
	Name     string // the name as written
	Set      SetQualifier
	Base     BaseOperator
	IfExists bool
}

// String returns the operator's canonical spelling.
func (o Operator) String() string {
	var sb strings.Builder
	if o.Set != SetNone {
		sb.WriteString(o.Set.String())
		sb.WriteByte(':')
	}
	sb.WriteString(o.Base.String())
	if o.IfExists {
		sb.WriteString("IfExists")
	}
	return sb.String()
}

// OperatorError reports a condition operator name that cannot be parsed.
type OperatorError struct {
	// Code is the Access Analyzer issue code: "INVALID_CONDITION_OPERATOR",
	// or "NULL_WITH_IF_EXISTS" for NullIfExists.
	Code string
	// Name is the operator name as written.
	Name string
	// Suggestion is the closest valid operator name, or "" if none is close.
	Suggestion string
}

// Error returns a message naming the operator and, when one is close, the
// valid spelling to use instead.
func (e *OperatorError) Error() string {
	if e.Code == "NULL_WITH_IF_EXISTS" {
		return fmt.Sprintf("condition operator %q is invalid: Null cannot take the IfExists suffix (Null already tests for the key's absence); use %q", e.Name, e.Suggestion)
	}
	if e.Suggestion != "" {
		return fmt.Sprintf("unknown condition operator %q: did you mean %q? (operator names are case-sensitive)", e.Name, e.Suggestion)
	}
	return fmt.Sprintf("unknown condition operator %q: use one of the documented operators such as StringEquals, StringLike, ArnLike, NumericLessThan, DateGreaterThan, Bool, IpAddress or Null, optionally prefixed with ForAllValues: or ForAnyValue: and suffixed with IfExists", e.Name)
}

const (
	prefixForAll  = "ForAllValues:"
	prefixForAny  = "ForAnyValue:"
	suffixIfExist = "IfExists"
)

// ParseOperator parses a condition operator name: one of the base operator
// names, optionally prefixed with "ForAllValues:" or "ForAnyValue:" and
// optionally suffixed with "IfExists" (except Null). Names are
// case-sensitive. On failure the error is an *OperatorError, with a
// suggestion when a valid name is close (for example "StringEqual" or
// "stringequals" suggest "StringEquals").
func ParseOperator(name string) (Operator, error) {
	op := Operator{Name: name}
	rest := name
	switch {
	case strings.HasPrefix(rest, prefixForAll):
		op.Set = SetForAllValues
		rest = rest[len(prefixForAll):]
	case strings.HasPrefix(rest, prefixForAny):
		op.Set = SetForAnyValue
		rest = rest[len(prefixForAny):]
	}
	if b, ok := opByName[rest]; ok {
		op.Base = b
		return op, nil
	}
	if base, ok := strings.CutSuffix(rest, suffixIfExist); ok {
		if b, ok := opByName[base]; ok {
			if b == OpNull {
				sugg := ""
				if op.Set != SetNone {
					sugg = op.Set.String() + ":"
				}
				return Operator{}, &OperatorError{Code: "NULL_WITH_IF_EXISTS", Name: name, Suggestion: sugg + "Null"}
			}
			op.Base = b
			op.IfExists = true
			return op, nil
		}
	}
	return Operator{}, &OperatorError{Code: "INVALID_CONDITION_OPERATOR", Name: name, Suggestion: suggestOperator(name)}
}

// suggestOperator returns the valid operator name closest to name, or "".
// The qualifier (text before a colon) and the rest are compared
// case-insensitively with the valid qualifiers and with every base name
// with and without the IfExists suffix; the smallest edit distance wins.
func suggestOperator(name string) string {
	rest := name
	qual := ""
	if i := strings.IndexByte(rest, ':'); i >= 0 {
		q := strings.ToLower(rest[:i])
		dAll, dAny := suggest.Distance(q, "forallvalues", 3), suggest.Distance(q, "foranyvalue", 3)
		switch {
		case dAll <= 2 && dAll <= dAny:
			qual = prefixForAll
		case dAny <= 2:
			qual = prefixForAny
		default:
			return ""
		}
		rest = rest[i+1:]
	}
	lower := strings.ToLower(rest)
	best, bestDist := "", -1
	for b := OpInvalid + 1; b < numBaseOperators; b++ {
		cands := []string{opTable[b].name}
		if b != OpNull {
			cands = append(cands, opTable[b].name+suffixIfExist)
		}
		for _, c := range cands {
			if d := suggest.Distance(lower, strings.ToLower(c), len(lower)+len(c)); bestDist < 0 || d < bestDist {
				best, bestDist = c, d
			}
		}
	}
	if bestDist > max(2, len(best)/4) {
		return ""
	}
	return qual + best
}
