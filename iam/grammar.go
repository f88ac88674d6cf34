package iam

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// IAM's own acceptance rules for the policy documents it stores, with its
// MalformedPolicyDocument messages. They differ from the Access Analyzer
// lint (package validate, ValidatePolicy): IAM accepts actions of services
// it does not know ("apigatway:PUT") and many documents the lint warns
// about, and rejects some the lint lets through ("Action": [], a managed
// policy without Version).

// docKind is the place a document is stored, which changes IAM's rules.
type docKind int

const (
	managedDoc docKind = iota // CreatePolicy, CreatePolicyVersion
	inlineDoc                 // Put{User,Group,Role}Policy
	trustDoc                  // CreateRole, UpdateAssumeRolePolicy
)

// IAM's messages.
const (
	msgSyntax         = "Syntax errors in policy."
	msgVersion        = "Policy document must be version 2012-10-17 or greater."
	msgNoActions      = "Policy statement must contain actions."
	msgNoResources    = "Policy statement must contain resources."
	msgVendorPrefix   = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
	msgOneColon       = "Actions/Condition can contain only one colon."
	msgPrincipal      = "Policy document should not specify a principal."
	msgUniqueSid      = "Statement IDs (SID) in a single policy must be unique."
	msgLegacy         = "The policy failed legacy parsing"
	msgVendorQualfied = "Resource vendor must be fully qualified and cannot contain regexes."
	msgIAMPath        = `IAM resource path must either be "*" or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/.`
)

var (
	statementKeys = map[string]bool{"Sid": true, "Effect": true, "Principal": true, "NotPrincipal": true, "Action": true,
		"NotAction": true, "Resource": true, "NotResource": true, "Condition": true}
	partitions  = map[string]bool{"aws": true, "aws-cn": true, "aws-us-gov": true, "aws-iso": true, "aws-iso-b": true, "aws-iso-e": true, "aws-iso-f": true, "aws-eusc": true}
	iamPrefixes = []string{"user/", "federated-user/", "role/", "group/", "instance-profile/", "mfa/", "server-certificate/",
		"policy/", "sms-mfa/", "saml-provider/", "oidc-provider/", "report/", "access-report/"}
	conditionOperators = map[string]bool{}
)

func init() {
	for _, op := range []string{"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
		"StringLike", "StringNotLike", "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals",
		"NumericGreaterThan", "NumericGreaterThanEquals", "DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals",
		"DateGreaterThan", "DateGreaterThanEquals", "Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals",
		"ArnNotEquals", "ArnLike", "ArnNotLike"} {
		conditionOperators[strings.ToLower(op)] = true
	}
}

// policyError is a rejection with IAM's message. legacy marks the checks
// IAM makes last ("The policy failed legacy parsing").
type policyError struct {
	msg    string
	legacy bool
}

// checkGrammar returns IAM's MalformedPolicyDocument message for a
// document stored as kind, or "" when IAM accepts it.
func checkGrammar(kind docKind, doc string) string {
	var root any
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	if err := dec.Decode(&root); err != nil {
		return msgSyntax
	}
	if dec.More() {
		return msgSyntax
	}
	if hasDuplicateKeys(doc) {
		return msgSyntax
	}
	top, ok := root.(map[string]any)
	if !ok {
		return msgSyntax
	}
	version, hasVersion := top["Version"]
	vs, _ := version.(string)
	if kind == managedDoc && (!hasVersion || vs == "2008-10-17") {
		return msgVersion
	}
	if hasVersion && vs != "2012-10-17" && vs != "2008-10-17" {
		return msgSyntax
	}
	for k, v := range top {
		switch k {
		case "Version", "Statement":
		case "Id":
			if _, ok := v.(string); !ok {
				return msgSyntax
			}
		default:
			return msgSyntax
		}
	}
	var stmts []map[string]any
	switch s := top["Statement"].(type) {
	case map[string]any:
		stmts = []map[string]any{s}
	case []any:
		if len(s) == 0 {
			return msgSyntax
		}
		for _, e := range s {
			m, ok := e.(map[string]any)
			if !ok {
				return msgSyntax
			}
			stmts = append(stmts, m)
		}
	default:
		return msgSyntax
	}
	// Structure first, for every statement; then the content rules; the
	// legacy rules last.
	for _, s := range stmts {
		if msg := statementSyntax(s); msg != "" {
			return msg
		}
	}
	var legacy string
	sids := map[string]bool{}
	for _, s := range stmts {
		if sid, ok := s["Sid"].(string); ok && sid != "" {
			if sids[sid] {
				return msgUniqueSid
			}
			sids[sid] = true
		}
		for _, e := range statementContent(kind, s) {
			if !e.legacy {
				return e.msg
			}
			if legacy == "" {
				legacy = e.msg
			}
		}
	}
	return legacy
}

// hasDuplicateKeys reports whether an object of the document repeats a
// key, which IAM refuses as a syntax error.
func hasDuplicateKeys(doc string) bool {
	dec := json.NewDecoder(bytes.NewReader([]byte(doc)))
	type frame struct {
		keys   map[string]bool
		object bool
		expect bool // the next string token is a key
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				if top != nil && top.object {
					top.expect = true
				}
				stack = append(stack, &frame{keys: map[string]bool{}, object: t == '{', expect: t == '{'})
				continue
			case '}', ']':
				stack = stack[:len(stack)-1]
				if len(stack) > 0 && stack[len(stack)-1].object {
					stack[len(stack)-1].expect = true
				}
				continue
			}
		case string:
			if top != nil && top.object && top.expect {
				if top.keys[t] {
					return true
				}
				top.keys[t] = true
				top.expect = false
				continue
			}
		}
		if top != nil && top.object {
			top.expect = true
		}
	}
}

// isStrings reports whether v is a string or a list of strings.
func isStrings(v any) bool {
	switch x := v.(type) {
	case string:
		return true
	case []any:
		for _, e := range x {
			if _, ok := e.(string); !ok {
				return false
			}
		}
		return true
	}
	return false
}

func stringsOf(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, _ := e.(string)
			out = append(out, s)
		}
		return out
	}
	return nil
}

// statementSyntax checks the shape of a statement.
func statementSyntax(s map[string]any) string {
	for k := range s {
		if !statementKeys[k] {
			return msgSyntax
		}
	}
	if sid, ok := s["Sid"]; ok {
		if _, ok := sid.(string); !ok {
			return msgSyntax
		}
	}
	effect, ok := s["Effect"].(string)
	if !ok {
		return msgSyntax
	}
	if !strings.EqualFold(effect, "Allow") && !strings.EqualFold(effect, "Deny") {
		return msgSyntax
	}
	for _, pair := range [][2]string{{"Action", "NotAction"}, {"Resource", "NotResource"}, {"Principal", "NotPrincipal"}} {
		_, a := s[pair[0]]
		_, b := s[pair[1]]
		if a && b {
			return msgSyntax
		}
	}
	for _, k := range []string{"Action", "NotAction", "Resource", "NotResource"} {
		if v, ok := s[k]; ok && !isStrings(v) {
			return msgSyntax
		}
	}
	if c, ok := s["Condition"]; ok {
		m, ok := c.(map[string]any)
		if !ok {
			return msgSyntax
		}
		for op, body := range m {
			keys, ok := body.(map[string]any)
			if !ok {
				return msgSyntax
			}
			if len(keys) > 0 && !knownOperator(op) {
				return msgSyntax
			}
			for _, v := range keys {
				if !conditionValue(v) {
					return msgSyntax
				}
			}
		}
	}
	return ""
}

// knownOperator reports whether op is a condition operator, with its
// IfExists suffix and set-operator prefix.
func knownOperator(op string) bool {
	o := strings.ToLower(op)
	if o == "null" {
		return true
	}
	for _, p := range []string{"forallvalues:", "foranyvalue:"} {
		o = strings.TrimPrefix(o, p)
	}
	o = strings.TrimSuffix(o, "ifexists")
	return conditionOperators[o]
}

// conditionValue reports whether v is a scalar or a list of scalars.
func conditionValue(v any) bool {
	switch x := v.(type) {
	case string, json.Number, bool:
		return true
	case []any:
		for _, e := range x {
			switch e.(type) {
			case string, json.Number, bool:
			default:
				return false
			}
		}
		return true
	}
	return false
}

// statementContent checks the content of a well-formed statement.
func statementContent(kind docKind, s map[string]any) []policyError {
	var errs []policyError
	add := func(msg string, legacy bool) { errs = append(errs, policyError{msg, legacy}) }
	effect := s["Effect"].(string)
	if effect != "Allow" && effect != "Deny" {
		add(msgLegacy, true)
	}
	_, hasP := s["Principal"]
	_, hasNP := s["NotPrincipal"]
	if (hasP || hasNP) && kind != trustDoc {
		add(msgPrincipal, false)
	}
	actions := stringsOf(s["Action"])
	if actions == nil {
		actions = stringsOf(s["NotAction"])
	}
	if len(actions) == 0 {
		add(msgNoActions, false)
	}
	for _, a := range actions {
		if msg := checkAction(a); msg != "" {
			add(msg, false)
		}
	}
	resources := stringsOf(s["Resource"])
	if resources == nil {
		resources = stringsOf(s["NotResource"])
	}
	if len(resources) == 0 && kind != trustDoc {
		add(msgNoResources, false)
	}
	for _, r := range resources {
		if e := checkResource(r); e != nil {
			errs = append(errs, *e)
		}
	}
	return errs
}

// checkAction returns IAM's message for a malformed action, or "".
func checkAction(a string) string {
	if a == "*" {
		return ""
	}
	vendor, _, ok := strings.Cut(a, ":")
	if !ok {
		return msgVendorPrefix
	}
	if strings.Count(a, ":") > 1 {
		return msgOneColon
	}
	if vendor == "" {
		return msgVendorPrefix
	}
	for _, c := range vendor {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '*' || c == '?') {
			return "Vendor " + vendor + " is not valid"
		}
	}
	return ""
}

// checkResource returns IAM's rejection of a resource, or nil.
func checkResource(r string) *policyError {
	if r == "*" {
		return nil
	}
	if !strings.Contains(r, ":") {
		return &policyError{msg: fmt.Sprintf("Resource %s must be in ARN format or \"*\".", r)}
	}
	parts := strings.SplitN(r, ":", 6)
	given := len(parts)
	parts[0] = "arn"
	for len(parts) < 6 {
		parts = append(parts, "*")
	}
	full := strings.Join(parts, ":")
	partition, vendor, region, rest := parts[1], parts[2], parts[3], parts[5]
	if !partitions[partition] && partition != "*" {
		return &policyError{msg: fmt.Sprintf("Partition %q is not valid for resource %q.", partition, full)}
	}
	if vendor == "" || given == 5 {
		return &policyError{msg: msgLegacy, legacy: true}
	}
	if strings.ContainsAny(vendor, "*?") {
		return &policyError{msg: msgVendorQualfied}
	}
	switch vendor {
	case "iam":
		if region != "" && region != "*" {
			return &policyError{msg: fmt.Sprintf("IAM resource %s cannot contain region information.", r)}
		}
		if rest != "*" && given == 6 {
			ok := false
			for _, p := range iamPrefixes {
				ok = ok || strings.HasPrefix(rest, p)
			}
			if !ok && !strings.HasPrefix(rest, "*") && rest != "root" {
				return &policyError{msg: msgIAMPath}
			}
		}
	case "s3":
		if region != "" && region != "*" {
			return &policyError{msg: fmt.Sprintf("Resource %s can not contain region information.", r)}
		}
	}
	return nil
}
