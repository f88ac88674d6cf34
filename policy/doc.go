// Package policy parses IAM policy documents into a syntax tree that keeps
// the source position of every element, and defines the condition
// operator and policy variable syntax.
//
// # What Parse checks
//
// Parse checks the grammar of the policy language, independent of the
// policy's type (identity, resource, trust, session, SCP), which it cannot
// know. It reports, each as an *Error with an IAM Access Analyzer issue
// code:
//
//   - JSON_SYNTAX_ERROR: every problem the JSON layer (internal/jsonpos)
//     finds, including duplicate keys (so a duplicated Effect, Action or
//     Statement element is reported here) and trailing or missing commas.
//     Err holds the *jsonpos.SyntaxError, whose Code classifies it.
//   - DATA_TYPE_MISMATCH: a value of the wrong JSON type: a document that
//     is not an object, Version/Id/Sid/Effect not a string, Statement not
//     an object or array of objects, Action/Resource values not strings,
//     Principal not "*" or an object, principal values not strings,
//     Condition or an operator's block not an object, condition values not
//     a string, number, boolean or array of them.
//   - INVALID_VERSION: a Version other than "2012-10-17" or "2008-10-17".
//     A missing Version is not an error (it means 2008-10-17; the
//     validator warns about it).
//   - INVALID_EFFECT: an Effect other than "Allow" or "Deny" (case-sensitive).
//   - MISSING_STATEMENT: no Statement element. When the document is a bare
//     statement (it has statement elements such as Effect or Action at the
//     top level), the message says how to wrap it, and the statement is
//     parsed as Statements[0] so that its other problems are reported too.
//   - MISSING_EFFECT and MISSING_ACTION: a statement without Effect, or
//     without both Action and NotAction. These are required in every
//     policy type.
//   - UNSUPPORTED_ELEMENT_COMBINATION: Action with NotAction, Resource with
//     NotResource, or Principal with NotPrincipal in one statement. The
//     first one written is kept in the tree.
//   - INVALID_POLICY_ELEMENT: an unknown member at the top level or in a
//     statement; it is also kept in Unknown.
//   - INVALID_PRINCIPAL_KEY: a principal type other than AWS, Service,
//     Federated or CanonicalUser (the entry is still kept);
//     INVALID_PRINCIPAL_FORMAT: a Principal string other than "*".
//   - INVALID_CONDITION_OPERATOR and NULL_WITH_IF_EXISTS: an operator name
//     ParseOperator rejects (the condition is kept with Op.Base ==
//     OpInvalid, so it can never silently fail to match);
//     DUPLICATE_KEYS_WITH_DIFFERENT_CASE: two keys in one operator block
//     that differ only in case.
//
// Parse does not report what depends on the policy type or on the service
// catalog: a missing Resource/NotResource (Statement.Resource is nil) or
// Principal (Statement.Principal is nil), a Principal in an identity
// policy, an Id in an identity policy, Sid syntax and uniqueness, action and
// ARN syntax, empty arrays or objects ("Statement": [], "Action": []),
// condition key names and types, or policy variable syntax and
// placement (use ParseTemplate). Those are the validator's and the
// engine's checks.
//
// # Case rules
//
// Element names (Version, Id, Statement, Sid, Effect, Principal,
// NotPrincipal, Action, NotAction, Resource, NotResource, Condition),
// principal types (AWS, Service, Federated, CanonicalUser), Effect values
// and condition operator names are case-sensitive. An element name written
// in another case ("effect") is reported as INVALID_POLICY_ELEMENT with the
// correct spelling, kept in Unknown, and, when the correctly spelt element
// is absent, also interpreted as that element so that the rest of the
// statement is still checked. Condition key names are case-insensitive;
// values keep their original spelling.
//
// # Values
//
// Scalars keep their decoded text and the JSON type they were written as
// (String.Kind): numbers and booleans may be written without quotes.
// Elements that take a list accept a single value too; IsArray records
// which form was written.
package policy
