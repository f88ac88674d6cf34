// Package validate checks IAM policy documents the way IAM Access Analyzer's
// ValidatePolicy does, offline: it reports findings of four types (ERROR,
// SECURITY_WARNING, WARNING and SUGGESTION) with Access Analyzer's issue
// codes, plus the useful extra checks of parliament (privilege escalation,
// credentials exposure, sensitive access, resource mismatch).
//
// Every finding carries a message a person can act on, a "did you mean"
// replacement where one exists, and locations: a JSON path in Access
// Analyzer's shape and a span with line, column and byte offset.
//
// Malformed JSON is a finding, not a failure: the policy parser recovers
// from trailing and missing commas and the checks run on what it recovered,
// so a syntax error does not hide the invalid action two lines below it.
//
// A Validator is safe for concurrent use once built:
//
//	v, err := validate.New(validate.Options{PolicyType: validate.IdentityPolicy, Catalog: cat})
//	findings := v.Validate(src)
package validate
