// Package awsquery implements the awsQuery wire protocol that IAM and STS
// speak: decoding of form-encoded requests into typed parameters with AWS's
// validation errors, and encoding of XML responses and error envelopes
// exactly as the AWS SDKs parse them.
//
// A request is a flat list of name=value pairs, sent as an
// application/x-www-form-urlencoded POST body or as the query string of a
// GET. Action and Version select the operation. Structured parameters are
// flattened: a list is X.member.1, X.member.2, ...; a list of structures is
// X.member.N.Field (Tags.member.1.Key, PolicyArns.member.1.arn).
//
// [Request] accessors record constraint violations instead of returning
// them one by one, so that a handler reads all its parameters and then
// reports every violation at once, as AWS does:
//
//	userName := req.Required("UserName")
//	req.Length("UserName", 1, 64)
//	path := req.String("Path")
//	if err := req.Err(); err != nil {
//		return nil, err // ValidationError: 1 validation error detected: ...
//	}
package awsquery

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// Request is a decoded awsQuery request. Its accessors record constraint
// violations, reported together by [Request.Err]. A Request is not safe for
// concurrent use.
type Request struct {
	// Action is the operation name, for example "CreateUser".
	Action string
	// Version is the API version sent, for example "2010-05-08".
	Version string

	params     map[string]string
	violations []string
	invalid    *Error
}

// presignParams are SigV4 query parameters that are not operation input.
var presignParams = map[string]bool{
	"X-Amz-Algorithm":      true,
	"X-Amz-Credential":     true,
	"X-Amz-Date":           true,
	"X-Amz-Expires":        true,
	"X-Amz-SignedHeaders":  true,
	"X-Amz-Signature":      true,
	"X-Amz-Security-Token": true,
}

// Parse decodes an awsQuery request. body is the request body already read
// by the caller (the server reads it once, for SigV4 and for decoding). The
// parameters are those of the query string followed by those of the body
// when the body is form-encoded (a POST with Content-Type
// application/x-www-form-urlencoded); SigV4 presigning parameters are not
// operation input and are dropped. A parameter given twice with different
// values, a malformed encoding or a missing Action is reported as an
// [*Error] (MalformedQueryString or MissingAction).
func Parse(r *http.Request, body []byte) (*Request, error) {
	req := &Request{params: make(map[string]string)}
	if err := req.addEncoded(r.URL.RawQuery, "query string"); err != nil {
		return nil, err
	}
	if len(body) > 0 && isForm(r.Header.Get("Content-Type")) {
		if err := req.addEncoded(string(body), "request body"); err != nil {
			return nil, err
		}
	}
	req.Action = req.params["Action"]
	req.Version = req.params["Version"]
	delete(req.params, "Action")
	delete(req.params, "Version")
	if req.Action == "" {
		return nil, &Error{Code: "MissingAction", Status: http.StatusBadRequest, Type: "Sender",
			Message: "The request must contain the parameter Action. Send Action=<operation> in the form-encoded body or the query string."}
	}
	return req, nil
}

// ParseValues builds a Request from already decoded parameters, for tests
// and for callers that decoded the form themselves. Action and Version are
// taken from values.
func ParseValues(values url.Values) (*Request, error) {
	req := &Request{params: make(map[string]string)}
	for k, vs := range values {
		for _, v := range vs {
			if err := req.add(k, v, "parameters"); err != nil {
				return nil, err
			}
		}
	}
	req.Action = req.params["Action"]
	req.Version = req.params["Version"]
	delete(req.params, "Action")
	delete(req.params, "Version")
	if req.Action == "" {
		return nil, &Error{Code: "MissingAction", Status: http.StatusBadRequest, Type: "Sender",
			Message: "The request must contain the parameter Action. Send Action=<operation> in the form-encoded body or the query string."}
	}
	return req, nil
}

func isForm(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	return strings.EqualFold(strings.TrimSpace(mt), "application/x-www-form-urlencoded")
}

func (req *Request) addEncoded(raw, where string) error {
	for pair := range strings.SplitSeq(raw, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			return malformed(fmt.Sprintf("invalid percent-encoding in parameter name %q of the %s; encode '%%' as %%25", k, where))
		}
		val, err := url.QueryUnescape(v)
		if err != nil {
			return malformed(fmt.Sprintf("invalid percent-encoding in the value of parameter %q of the %s; encode '%%' as %%25", key, where))
		}
		if presignParams[key] {
			continue
		}
		if err := req.add(key, val, where); err != nil {
			return err
		}
	}
	return nil
}

func (req *Request) add(key, val, where string) error {
	if !utf8.ValidString(key) || !utf8.ValidString(val) {
		return malformed(fmt.Sprintf("parameter %q of the %s is not valid UTF-8; encode text as UTF-8 before percent-encoding", key, where))
	}
	if old, dup := req.params[key]; dup && old != val {
		return malformed(fmt.Sprintf("parameter %q is given more than once with different values; send each parameter once", key))
	}
	req.params[key] = val
	return nil
}

func malformed(msg string) *Error {
	return &Error{Code: "MalformedQueryString", Status: http.StatusBadRequest, Type: "Sender", Message: msg}
}

// Params returns a copy of the operation parameters (without Action and
// Version), for audit logs and tests.
func (req *Request) Params() map[string]string {
	m := make(map[string]string, len(req.params))
	for k, v := range req.params {
		m[k] = v
	}
	return m
}

// Has reports whether the parameter name was sent (possibly empty).
func (req *Request) Has(name string) bool {
	_, ok := req.params[name]
	return ok
}

// String returns the value of the parameter name, or "" when it is absent.
func (req *Request) String(name string) string {
	return req.params[name]
}

// Lookup returns the value of the parameter name and whether it was sent.
func (req *Request) Lookup(name string) (string, bool) {
	v, ok := req.params[name]
	return v, ok
}

// Required returns the value of the parameter name. When it is absent it
// records the violation "Value null at 'name' failed to satisfy constraint:
// Member must not be null" and returns "".
func (req *Request) Required(name string) string {
	v, ok := req.params[name]
	if !ok {
		req.violate("null", name, "Member must not be null")
	}
	return v
}

// Int returns the integer value of the parameter name and whether it was
// sent. A value that is not a decimal integer is an InvalidParameterValue
// error reported by [Request.Err].
func (req *Request) Int(name string) (int64, bool) {
	v, ok := req.params[name]
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil {
		req.invalidValue(fmt.Sprintf("Invalid value %q for parameter %s: expected an integer.", v, name))
		return 0, false
	}
	return n, true
}

// Bool returns the boolean value of the parameter name ("true" or "false",
// in any case) and whether it was sent. Any other value is an
// InvalidParameterValue error reported by [Request.Err].
func (req *Request) Bool(name string) (bool, bool) {
	v, ok := req.params[name]
	if !ok {
		return false, false
	}
	switch strings.ToLower(v) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	req.invalidValue(fmt.Sprintf("Invalid value %q for parameter %s: expected true or false.", v, name))
	return false, false
}

// Length records a violation when the parameter name is present and its
// length in characters is outside [min, max]. A negative max means no
// upper bound.
func (req *Request) Length(name string, minLen, maxLen int) {
	v, ok := req.params[name]
	if !ok {
		return
	}
	n := utf8.RuneCountInString(v)
	switch {
	case n < minLen:
		req.violate(quote(v), name, fmt.Sprintf("Member must have length greater than or equal to %d", minLen))
	case maxLen >= 0 && n > maxLen:
		req.violate(quote(v), name, fmt.Sprintf("Member must have length less than or equal to %d", maxLen))
	}
}

// Range records a violation when the integer parameter name is present and
// outside [min, max].
func (req *Request) Range(name string, minVal, maxVal int64) {
	v, ok := req.params[name]
	if !ok {
		return
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil {
		return // reported by Int
	}
	switch {
	case n < minVal:
		req.violate(quote(v), name, fmt.Sprintf("Member must have value greater than or equal to %d", minVal))
	case n > maxVal:
		req.violate(quote(v), name, fmt.Sprintf("Member must have value less than or equal to %d", maxVal))
	}
}

// Pattern records a violation when the parameter name is present and does
// not match re in full. AWS's message quotes the model's pattern, so re
// should be written as the API reference gives it (for example
// `[\w+=,.@-]+`); it is matched anchored at both ends.
func (req *Request) Pattern(name string, re *regexp.Regexp) {
	v, ok := req.params[name]
	if !ok {
		return
	}
	if !anchored(re).MatchString(v) {
		req.violate(quote(v), name, "Member must satisfy regular expression pattern: "+re.String())
	}
}

// anchoredCache maps a pattern to its ^(?:...)$ form.
var anchoredCache sync.Map // *regexp.Regexp -> *regexp.Regexp

// anchored returns re matching whole strings only. (Finding a match and
// checking its bounds is not enough: leftmost-first matching of a|ab finds
// "a" in "ab".)
func anchored(re *regexp.Regexp) *regexp.Regexp {
	if a, ok := anchoredCache.Load(re); ok {
		return a.(*regexp.Regexp)
	}
	a := regexp.MustCompile(`^(?:` + re.String() + `)$`)
	anchoredCache.Store(re, a)
	return a
}

// Enum records a violation when the parameter name is present and is not
// one of values.
func (req *Request) Enum(name string, values ...string) {
	v, ok := req.params[name]
	if !ok {
		return
	}
	for _, e := range values {
		if v == e {
			return
		}
	}
	req.violate(quote(v), name, "Member must satisfy enum value set: ["+strings.Join(values, ", ")+"]")
}

// Violate records a constraint violation on parameter name that the
// accessors do not cover; constraint is AWS's wording, for example
// "Member must not be null". The value is quoted in the message, or
// written as null when the parameter is absent.
func (req *Request) Violate(name, constraint string) {
	v, ok := req.params[name]
	value := "null"
	if ok {
		value = quote(v)
	}
	req.violate(value, name, constraint)
}

func quote(v string) string { return "'" + v + "'" }

func (req *Request) violate(value, name, constraint string) {
	v := fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: %s", value, memberPath(name), constraint)
	if !contains(req.violations, v) {
		req.violations = append(req.violations, v)
	}
}

func (req *Request) invalidValue(msg string) {
	if req.invalid == nil {
		req.invalid = &Error{Code: "InvalidParameterValue", Status: http.StatusBadRequest, Type: "Sender", Message: msg}
	}
}

// memberPath converts a wire parameter name to the member path AWS names in
// validation messages: "UserName" becomes "userName" and
// "Tags.member.2.Key" becomes "tags.2.member.key".
func memberPath(name string) string {
	parts := strings.Split(name, ".")
	out := make([]string, 0, len(parts))
	for i := 0; i < len(parts); i++ {
		p := parts[i]
		if p == "member" && i+1 < len(parts) && isIndex(parts[i+1]) {
			out = append(out, parts[i+1], "member")
			i++
			continue
		}
		out = append(out, lowerFirst(p))
	}
	return strings.Join(out, ".")
}

// lowerFirst lowers the first letter only, as the Java bean naming of
// AWS's validation messages does ("RoleARN" becomes "roleARN").
func lowerFirst(s string) string {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return s
	}
	return string(s[0]+'a'-'A') + s[1:]
}

func isIndex(s string) bool {
	if s == "" || s[0] == '0' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Err returns the violations recorded so far: an InvalidParameterValue
// error for a value of the wrong type, or a ValidationError listing every
// constraint violation ("2 validation errors detected: ...; ..."), or nil.
func (req *Request) Err() error {
	if req.invalid != nil {
		return req.invalid
	}
	if len(req.violations) == 0 {
		return nil
	}
	noun := "validation error"
	if len(req.violations) > 1 {
		noun = "validation errors"
	}
	return &Error{Code: "ValidationError", Status: http.StatusBadRequest, Type: "Sender",
		Message: fmt.Sprintf("%d %s detected: %s", len(req.violations), noun, strings.Join(req.violations, "; "))}
}

// Member is one element of a list of structures: its fields by wire name,
// for example {"Key": "team", "Value": "a"} for Tags.member.1.Key/Value.
type Member map[string]string

// List returns the scalar list name.member.1, name.member.2, ... in index
// order. Indexes must be 1, 2, ... without gaps; a gap, a zero or a
// non-numeric index is an InvalidParameterValue error reported by
// [Request.Err]. An absent list is nil; "name=" (an explicitly empty list)
// is an empty non-nil slice.
func (req *Request) List(name string) []string {
	prefix := name + ".member."
	var idx []int
	vals := map[int]string{}
	for k, v := range req.params {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		n, ok := req.index(name, rest, k)
		if !ok {
			return nil
		}
		idx = append(idx, n)
		vals[n] = v
	}
	if !req.contiguous(name, idx) {
		return nil
	}
	if len(idx) == 0 {
		if _, ok := req.params[name]; ok {
			return []string{}
		}
		return nil
	}
	out := make([]string, len(idx))
	for _, n := range idx {
		out[n-1] = vals[n]
	}
	return out
}

// Members returns the list of structures name.member.N.Field in index
// order, each with the fields given (others are ignored). Index rules are
// those of [Request.List]. When required fields are listed, a member
// lacking one records a "Member must not be null" violation.
func (req *Request) Members(name string, fields []string, required ...string) []Member {
	prefix := name + ".member."
	members := map[int]Member{}
	var idx []int
	for k, v := range req.params {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		num, field, ok := strings.Cut(rest, ".")
		if !ok || !contains(fields, field) {
			continue
		}
		n, ok := req.index(name, num, k)
		if !ok {
			return nil
		}
		m := members[n]
		if m == nil {
			m = Member{}
			members[n] = m
			idx = append(idx, n)
		}
		m[field] = v
	}
	if !req.contiguous(name, idx) {
		return nil
	}
	if len(idx) == 0 {
		if _, ok := req.params[name]; ok {
			return []Member{}
		}
		return nil
	}
	out := make([]Member, len(idx))
	for _, n := range idx {
		out[n-1] = members[n]
		for _, f := range required {
			if _, ok := members[n][f]; !ok {
				req.violate("null", fmt.Sprintf("%s.member.%d.%s", name, n, f), "Member must not be null")
			}
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func (req *Request) index(list, num, key string) (int, bool) {
	if !isIndex(num) || len(num) > 6 {
		req.invalidValue(fmt.Sprintf("Invalid list index in parameter %s: members of %s are numbered %s.member.1, %s.member.2, ...", key, list, list, list))
		return 0, false
	}
	n, _ := strconv.Atoi(num)
	return n, true
}

func (req *Request) contiguous(list string, idx []int) bool {
	sort.Ints(idx)
	for i, n := range idx {
		if n != i+1 {
			req.invalidValue(fmt.Sprintf("Missing member %s.member.%d: members of %s must be numbered from 1 without gaps.", list, i+1, list))
			return false
		}
	}
	return true
}
