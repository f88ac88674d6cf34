package policy

import "github.com/connect-iam/connect-iam/internal/jsonpos"

// This file defines the policy abstract syntax tree. Every node carries the
// span of source text it was parsed from, so that the engine's explanations
// and the validator's findings can point at the exact line and column.
//
// The tree is faithful to the source: values keep their original spelling
// and case, single values and arrays are both kept as slices (with
// IsArray recording which form was written), and elements that IAM does not
// know are kept in Unknown so that tools can report them.

// Pos is a position in a policy's source text: Offset is the byte offset
// from the start of the source (from 0), Line the line number (from 1) and
// Column the column in Unicode code points (from 1). It is the same type as
// jsonpos.Pos, so positions from the JSON layer need no conversion.
type Pos = jsonpos.Pos

// Span is the half-open range [Start, End) of source text a node covers.
// It is the same type as jsonpos.Span.
type Span = jsonpos.Span

// Version is the policy language version.
type Version int

const (
	// Version2008 is "2008-10-17", and also the version of a policy with no
	// Version element. Policy variables are literal text under it.
	Version2008 Version = iota
	// Version2012 is "2012-10-17", the current version.
	Version2012
)

// String returns the version as written in policies.
func (v Version) String() string {
	if v == Version2012 {
		return "2012-10-17"
	}
	return "2008-10-17"
}

// Effect is a statement's effect.
type Effect int

const (
	// Allow is "Effect": "Allow".
	Allow Effect = iota
	// Deny is "Effect": "Deny".
	Deny
)

// String returns "Allow" or "Deny".
func (e Effect) String() string {
	if e == Deny {
		return "Deny"
	}
	return "Allow"
}

// Kind is the JSON type a scalar value was written as.
type Kind int

const (
	// KindString is a JSON string.
	KindString Kind = iota
	// KindNumber is a JSON number written without quotes.
	KindNumber
	// KindBool is true or false written without quotes.
	KindBool
	// KindNull is null. The parser reports null as DATA_TYPE_MISMATCH
	// wherever a value is expected, so a valid policy never contains it.
	KindNull
)

// String is a scalar value with its position. Text is the decoded value
// (for a JSON string, without quotes and with escapes resolved; for a
// number or boolean, its literal spelling such as "10" or "true").
type String struct {
	Text string
	Kind Kind
	Span Span
}

// Member is an object member: a key and the span of its value. It is used
// for elements the parser keeps but does not interpret (Unknown).
type Member struct {
	Key       String
	ValueSpan Span
}

// Policy is a parsed IAM policy document.
type Policy struct {
	// Source is the text the policy was parsed from; every Span indexes it.
	Source []byte
	// Span covers the policy's top-level JSON object.
	Span Span

	// Version is the effective version: Version2008 when the element is
	// absent. VersionNode is nil when the element is absent.
	Version     Version
	VersionNode *String
	// ID is the Id element, or nil.
	ID *String
	// StatementKey is the span of the "Statement" key; zero when absent.
	StatementKey Span
	// StatementIsArray records whether Statement was written as an array
	// (true) or as a single object (false).
	StatementIsArray bool
	Statements       []*Statement
	// Unknown holds top-level members IAM does not define.
	Unknown []Member
}

// Statement is one statement of a policy.
type Statement struct {
	// Index is the statement's position in the Statement array (0 when
	// Statement is a single object).
	Index int
	Span  Span

	Sid *String // nil when absent

	Effect     Effect
	EffectNode *String // nil when absent

	// Principal is nil when the statement has neither Principal nor
	// NotPrincipal.
	Principal *Principal

	// Action is nil when the statement has neither Action nor NotAction.
	Action *ValueBlock
	// Resource is nil when the statement has neither Resource nor
	// NotResource.
	Resource *ValueBlock

	// Conditions in source order, one entry per operator/key pair.
	Conditions []*Condition
	// ConditionKey is the span of the "Condition" key; zero when absent.
	ConditionKey Span

	// Unknown holds statement members IAM does not define.
	Unknown []Member
}

// ValueBlock is an Action/NotAction or Resource/NotResource element.
type ValueBlock struct {
	Not     bool // NotAction / NotResource
	Key     Span // span of the element's key
	IsArray bool
	Values  []String
	// ValueSpan is the span of the element's value (the string or array).
	ValueSpan Span
}

// Principal is a Principal or NotPrincipal element.
type Principal struct {
	Not bool // NotPrincipal
	Key Span // span of the element's key
	// Wildcard is true for "Principal": "*".
	Wildcard     bool
	WildcardNode *String
	// Entries in source order, one per principal type key.
	Entries []*PrincipalEntry
	// ValueSpan is the span of the element's value ("*" or the object).
	ValueSpan Span
}

// PrincipalEntry is one "AWS" / "Service" / "Federated" / "CanonicalUser"
// member of a Principal element. Type keeps the key as written.
type PrincipalEntry struct {
	Type    String
	IsArray bool
	Values  []String
	// ValueSpan is the span of the entry's value (a string or an array).
	ValueSpan Span
}

// Condition is one key of one operator block:
//
//	"Condition": {"StringEquals": {"aws:ResourceTag/Department": "Test"}}
//
// becomes one Condition with Operator "StringEquals", Key
// "aws:ResourceTag/Department" and Values ["Test"].
type Condition struct {
	Operator String
	Key      String
	IsArray  bool
	Values   []String

	// Op is the parsed operator. When the operator name is invalid (an
	// INVALID_CONDITION_OPERATOR or NULL_WITH_IF_EXISTS error was
	// reported), Op.Base is OpInvalid.
	Op Operator
	// Block is the span of the operator's whole {key: values} object.
	Block Span
	// ValueSpan is the span of the key's value (a scalar or an array).
	ValueSpan Span
}
