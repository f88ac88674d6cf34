package policy

import (
	"fmt"
	"strings"
)

// Error codes reported by Parse. They are IAM Access Analyzer's issue codes
// where one fits.
const (
	CodeJSONSyntax                     = "JSON_SYNTAX_ERROR"
	CodeDataTypeMismatch               = "DATA_TYPE_MISMATCH"
	CodeInvalidVersion                 = "INVALID_VERSION"
	CodeInvalidEffect                  = "INVALID_EFFECT"
	CodeMissingStatement               = "MISSING_STATEMENT"
	CodeMissingEffect                  = "MISSING_EFFECT"
	CodeMissingAction                  = "MISSING_ACTION"
	CodeUnsupportedElementCombo        = "UNSUPPORTED_ELEMENT_COMBINATION"
	CodeInvalidPolicyElement           = "INVALID_POLICY_ELEMENT"
	CodeInvalidPrincipalKey            = "INVALID_PRINCIPAL_KEY"
	CodeInvalidPrincipalFormat         = "INVALID_PRINCIPAL_FORMAT"
	CodeDuplicateKeysWithDifferentCase = "DUPLICATE_KEYS_WITH_DIFFERENT_CASE"
	CodeInvalidConditionOperator       = "INVALID_CONDITION_OPERATOR"
	CodeNullWithIfExists               = "NULL_WITH_IF_EXISTS"
)

// Error is one problem found in a policy document.
type Error struct {
	// Code is an Access Analyzer issue code, such as "INVALID_EFFECT"; see
	// the Code constants.
	Code string
	// Span is the source text the problem is about.
	Span Span
	// Path locates the element, such as "Statement[1].Action[0]" or
	// "Statement[0].Condition.StringEquals.aws:SourceIp"; "" is the whole
	// document. A Statement written as a single object has no index.
	Path string
	// Msg says what is wrong and how to fix it, without the position.
	Msg string
	// Err is the underlying error, if any: a *jsonpos.SyntaxError for
	// JSON_SYNTAX_ERROR, an *OperatorError for operator problems.
	Err error
}

// Error returns "line:col: msg".
func (e *Error) Error() string {
	return fmt.Sprintf("%d:%d: %s", e.Span.Start.Line, e.Span.Start.Column, e.Msg)
}

// Unwrap returns the underlying error, if any.
func (e *Error) Unwrap() error { return e.Err }

// ErrorList is a list of policy errors, in the order they were found. It
// implements error.
type ErrorList []*Error

// Error returns the errors one per line.
func (l ErrorList) Error() string {
	var sb strings.Builder
	for i, e := range l {
		if i > 0 {
			sb.WriteByte('\n')
		}
		sb.WriteString(e.Error())
	}
	return sb.String()
}

// Unwrap returns the errors, for errors.Is and errors.As.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}
