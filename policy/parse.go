package policy

import (
	"errors"
	"fmt"
	"github.com/connect-iam/connect-iam/internal/suggest"
	"strconv"
	"strings"

	"github.com/connect-iam/connect-iam/internal/jsonpos"
)

// Parse parses an IAM policy document.
//
// When src has problems, Parse returns the best-effort *Policy it could
// build (nil only if src holds no JSON object at all) together with an
// ErrorList of every problem found. Callers that need a usable policy must
// treat any error as fatal. See the package documentation for exactly what
// Parse checks.
func Parse(src []byte) (*Policy, error) {
	root, syntaxErrs := jsonpos.Parse(src)
	b := &builder{src: src}
	for _, e := range syntaxErrs {
		b.errs = append(b.errs, &Error{Code: CodeJSONSyntax, Span: e.Span, Msg: e.Msg, Err: e})
	}
	var p *Policy
	if root != nil {
		p = b.policy(root)
	}
	return p, b.result()
}

// ParseValue builds a policy from v, an already parsed JSON value taken
// from src (for example a policy embedded in a larger JSON input); the
// policy's spans then refer to src. JSON syntax errors are not reported
// again: the caller has them from jsonpos.Parse. Otherwise ParseValue
// behaves like Parse.
func ParseValue(src []byte, v *jsonpos.Value) (*Policy, error) {
	b := &builder{src: src}
	if v == nil {
		b.add(CodeDataTypeMismatch, jsonpos.Span{}, "", "no policy document: expected a JSON object")
		return nil, b.result()
	}
	p := b.policy(v)
	return p, b.result()
}

// LineCol returns the position of byte offset off in the policy's source.
func (p *Policy) LineCol(off int) Pos {
	return jsonpos.LineCol(p.Source, off)
}

type builder struct {
	src  []byte
	errs ErrorList
}

func (b *builder) result() error {
	if len(b.errs) == 0 {
		return nil
	}
	return b.errs
}

func (b *builder) add(code string, span Span, path, format string, args ...any) {
	b.errs = append(b.errs, &Error{Code: code, Span: span, Path: path, Msg: fmt.Sprintf(format, args...)})
}

// mismatch reports a value of the wrong JSON type, unless the value is
// Invalid (its syntax error is already reported).
func (b *builder) mismatch(v *jsonpos.Value, path, want string) {
	if v.Kind == jsonpos.Invalid {
		return
	}
	b.add(CodeDataTypeMismatch, v.Span, path, "%s must be %s, found %s", describePath(path), want, article(v.Kind))
}

func describePath(path string) string {
	if path == "" {
		return "the policy"
	}
	return path
}

func article(k jsonpos.Kind) string {
	switch k {
	case jsonpos.Object, jsonpos.Array:
		return "an " + k.String()
	case jsonpos.Null:
		return "null"
	}
	return "a " + k.String()
}

var (
	policyElements    = []string{"Version", "Id", "Statement"}
	statementElements = []string{"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}
	principalTypes    = []string{"AWS", "Service", "Federated", "CanonicalUser"}
)

// resolve finds name among the element names: exactly, or failing that
// ignoring case.
func resolve(name string, elements []string) (canon string, exact, ok bool) {
	for _, e := range elements {
		if e == name {
			return e, true, true
		}
	}
	for _, e := range elements {
		if strings.EqualFold(e, name) {
			return e, false, true
		}
	}
	return "", false, false
}

func didYouMean(s string) string {
	if s == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", s)
}

func join(path, elem string) string {
	if path == "" {
		return elem
	}
	return path + "." + elem
}

func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

func str(v *jsonpos.Value) String {
	k := KindString
	switch v.Kind {
	case jsonpos.Number:
		k = KindNumber
	case jsonpos.Bool:
		k = KindBool
	case jsonpos.Null:
		k = KindNull
	}
	return String{Text: v.Str, Kind: k, Span: v.Span}
}

func keyString(m jsonpos.Member) String {
	return String{Text: m.Key, Kind: KindString, Span: m.KeySpan}
}

func unknown(m jsonpos.Member) Member {
	return Member{Key: keyString(m), ValueSpan: m.Value.Span}
}

// elementCaseError reports an element name written in the wrong case.
func (b *builder) elementCaseError(m jsonpos.Member, path, canon string) {
	b.add(CodeInvalidPolicyElement, m.KeySpan, join(path, m.Key),
		"unknown element %q: element names are case-sensitive; did you mean %q?", m.Key, canon)
}

func (b *builder) policy(v *jsonpos.Value) *Policy {
	if v.Kind != jsonpos.Object {
		if v.Kind != jsonpos.Invalid {
			b.add(CodeDataTypeMismatch, v.Span, "", "the policy must be a JSON object such as {\"Version\": \"2012-10-17\", \"Statement\": [ ... ]}, found %s", article(v.Kind))
		}
		return nil
	}
	p := &Policy{Source: b.src, Span: v.Span}

	present := map[string]bool{}
	hasStatement, hasStatementElement := false, false
	for _, m := range v.Members {
		present[m.Key] = true
		if canon, _, ok := resolve(m.Key, policyElements); ok && canon == "Statement" {
			hasStatement = true
		}
		if _, _, ok := resolve(m.Key, statementElements); ok {
			hasStatementElement = true
		}
	}
	fragment := !hasStatement && hasStatementElement

	var fragmentMembers []jsonpos.Member
	for _, m := range v.Members {
		canon, exact, ok := resolve(m.Key, policyElements)
		if !ok {
			if fragment {
				fragmentMembers = append(fragmentMembers, m)
				continue
			}
			p.Unknown = append(p.Unknown, unknown(m))
			if se, _, ok := resolve(m.Key, statementElements); ok {
				b.add(CodeInvalidPolicyElement, m.KeySpan, m.Key,
					"%q is a statement element and cannot appear at the top level of the policy; move it into a statement of the Statement array", se)
				continue
			}
			b.add(CodeInvalidPolicyElement, m.KeySpan, m.Key,
				"unknown policy element %q: the top level of a policy holds only Version, Id and Statement%s", m.Key, didYouMean(suggest.Best(m.Key, policyElements)))
			continue
		}
		if !exact {
			b.elementCaseError(m, "", canon)
			p.Unknown = append(p.Unknown, unknown(m))
			if present[canon] {
				continue
			}
		}
		switch canon {
		case "Version":
			b.version(p, m.Value)
		case "Id":
			if m.Value.Kind == jsonpos.String {
				s := str(m.Value)
				p.ID = &s
			} else {
				b.mismatch(m.Value, "Id", "a string")
			}
		case "Statement":
			b.statements(p, m)
		}
	}
	if fragment {
		b.add(CodeMissingStatement, v.Span, "",
			"the document is a single statement without a policy around it; wrap it in {\"Version\": \"2012-10-17\", \"Statement\": [ ... ]}")
		p.Statements = append(p.Statements, b.statement(fragmentMembers, v.Span, 0, ""))
	} else if !hasStatement {
		b.add(CodeMissingStatement, v.Span, "",
			"the policy has no Statement element; add \"Statement\": [ ... ] with at least one statement")
	}
	return p
}

func (b *builder) version(p *Policy, v *jsonpos.Value) {
	if v.Kind != jsonpos.String {
		b.mismatch(v, "Version", `a string ("2012-10-17")`)
		return
	}
	s := str(v)
	p.VersionNode = &s
	switch v.Str {
	case "2012-10-17":
		p.Version = Version2012
	case "2008-10-17":
		p.Version = Version2008
	default:
		b.add(CodeInvalidVersion, v.Span, "Version", "invalid Version %q: use \"2012-10-17\" (or the legacy \"2008-10-17\")", v.Str)
	}
}

func (b *builder) statements(p *Policy, m jsonpos.Member) {
	p.StatementKey = m.KeySpan
	v := m.Value
	switch v.Kind {
	case jsonpos.Object:
		p.Statements = append(p.Statements, b.statement(v.Members, v.Span, 0, "Statement"))
	case jsonpos.Array:
		p.StatementIsArray = true
		for i, e := range v.Elems {
			path := index("Statement", i)
			if e.Kind != jsonpos.Object {
				b.mismatch(e, path, "an object (a statement)")
				continue
			}
			p.Statements = append(p.Statements, b.statement(e.Members, e.Span, i, path))
		}
	default:
		b.mismatch(v, "Statement", "an object or an array of objects")
	}
}

func (b *builder) statement(members []jsonpos.Member, span Span, idx int, path string) *Statement {
	st := &Statement{Index: idx, Span: span}
	present := map[string]bool{}
	for _, m := range members {
		present[m.Key] = true
	}
	var effectSeen bool
	var actionKey, resourceKey, principalKey string
	for _, m := range members {
		canon, exact, ok := resolve(m.Key, statementElements)
		if !ok {
			st.Unknown = append(st.Unknown, unknown(m))
			if pe, _, ok := resolve(m.Key, policyElements); ok {
				b.add(CodeInvalidPolicyElement, m.KeySpan, join(path, m.Key),
					"%q is a policy element and belongs at the top level of the document, not inside a statement", pe)
				continue
			}
			b.add(CodeInvalidPolicyElement, m.KeySpan, join(path, m.Key),
				"unknown statement element %q: a statement holds Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource and Condition%s",
				m.Key, didYouMean(suggest.Best(m.Key, statementElements)))
			continue
		}
		if !exact {
			b.elementCaseError(m, path, canon)
			st.Unknown = append(st.Unknown, unknown(m))
			if present[canon] {
				continue
			}
		}
		epath := join(path, canon)
		switch canon {
		case "Sid":
			if m.Value.Kind == jsonpos.String {
				s := str(m.Value)
				st.Sid = &s
			} else {
				b.mismatch(m.Value, epath, "a string")
			}
		case "Effect":
			effectSeen = true
			b.effect(st, m.Value, epath)
		case "Action", "NotAction":
			if actionKey != "" {
				b.combination(m, path, actionKey, canon)
				continue
			}
			actionKey = canon
			st.Action = b.valueBlock(m, canon == "NotAction", epath, "a string such as \"connect:DescribeUser\"")
		case "Resource", "NotResource":
			if resourceKey != "" {
				b.combination(m, path, resourceKey, canon)
				continue
			}
			resourceKey = canon
			st.Resource = b.valueBlock(m, canon == "NotResource", epath, "a string such as \"arn:aws:connect:us-east-1:123456789012:instance/*\"")
		case "Principal", "NotPrincipal":
			if principalKey != "" {
				b.combination(m, path, principalKey, canon)
				continue
			}
			principalKey = canon
			st.Principal = b.principal(m, canon == "NotPrincipal", epath)
		case "Condition":
			st.ConditionKey = m.KeySpan
			b.conditions(st, m.Value, epath)
		}
	}
	if actionKey == "" {
		b.add(CodeMissingAction, span, path, "%s has no Action or NotAction element; add \"Action\": [ ... ] listing the actions it applies to", describeStatement(path))
	}
	if !effectSeen {
		b.add(CodeMissingEffect, span, path, "%s has no Effect element; add \"Effect\": \"Allow\" or \"Effect\": \"Deny\"", describeStatement(path))
	}
	return st
}

func describeStatement(path string) string {
	if path == "" {
		return "the statement"
	}
	return "statement " + path
}

func (b *builder) combination(m jsonpos.Member, path, first, second string) {
	if first == second {
		// The same element twice: a duplicate key, already reported by
		// the JSON layer when spelt identically.
		return
	}
	b.add(CodeUnsupportedElementCombo, m.KeySpan, join(path, second),
		"a statement cannot have both %s and %s; remove one of them", first, second)
}

func (b *builder) effect(st *Statement, v *jsonpos.Value, path string) {
	if v.Kind != jsonpos.String {
		b.mismatch(v, path, `the string "Allow" or "Deny"`)
		return
	}
	s := str(v)
	st.EffectNode = &s
	switch v.Str {
	case "Allow":
		st.Effect = Allow
	case "Deny":
		st.Effect = Deny
	default:
		hint := `use "Allow" or "Deny"`
		switch {
		case strings.EqualFold(v.Str, "Allow"):
			hint = `the value is case-sensitive: use "Allow"`
		case strings.EqualFold(v.Str, "Deny"):
			hint = `the value is case-sensitive: use "Deny"`
		}
		b.add(CodeInvalidEffect, v.Span, path, "invalid Effect %q: %s", v.Str, hint)
	}
}

// valueBlock builds an Action/NotAction/Resource/NotResource element.
func (b *builder) valueBlock(m jsonpos.Member, not bool, path, want string) *ValueBlock {
	v := m.Value
	vb := &ValueBlock{Not: not, Key: m.KeySpan, ValueSpan: v.Span}
	switch v.Kind {
	case jsonpos.String:
		vb.Values = []String{str(v)}
	case jsonpos.Array:
		vb.IsArray = true
		vb.Values = make([]String, 0, len(v.Elems))
		for i, e := range v.Elems {
			if e.Kind != jsonpos.String {
				b.mismatch(e, index(path, i), want)
				continue
			}
			vb.Values = append(vb.Values, str(e))
		}
	default:
		b.mismatch(v, path, want+" or an array of strings")
	}
	return vb
}

func (b *builder) principal(m jsonpos.Member, not bool, path string) *Principal {
	v := m.Value
	pr := &Principal{Not: not, Key: m.KeySpan, ValueSpan: v.Span}
	switch v.Kind {
	case jsonpos.String:
		if v.Str == "*" {
			s := str(v)
			pr.Wildcard, pr.WildcardNode = true, &s
			break
		}
		b.add(CodeInvalidPrincipalFormat, v.Span, path,
			"%s must be \"*\" or an object such as {\"AWS\": %q}", m.Key, v.Str)
	case jsonpos.Object:
		for _, pm := range v.Members {
			epath := join(path, pm.Key)
			if _, exact, _ := resolve(pm.Key, principalTypes); !exact {
				b.add(CodeInvalidPrincipalKey, pm.KeySpan, epath,
					"unknown principal type %q: use AWS, Service, Federated or CanonicalUser (case-sensitive)%s", pm.Key, didYouMean(suggest.Best(pm.Key, principalTypes)))
			}
			entry := &PrincipalEntry{Type: keyString(pm), ValueSpan: pm.Value.Span}
			switch pv := pm.Value; pv.Kind {
			case jsonpos.String:
				entry.Values = []String{str(pv)}
			case jsonpos.Array:
				entry.IsArray = true
				entry.Values = make([]String, 0, len(pv.Elems))
				for i, e := range pv.Elems {
					if e.Kind != jsonpos.String {
						b.mismatch(e, index(epath, i), "a string")
						continue
					}
					entry.Values = append(entry.Values, str(e))
				}
			default:
				b.mismatch(pv, epath, "a string or an array of strings")
			}
			pr.Entries = append(pr.Entries, entry)
		}
	default:
		b.mismatch(v, path, `"*" or an object such as {"AWS": "arn:aws:iam::123456789012:root"}`)
	}
	return pr
}

func (b *builder) conditions(st *Statement, v *jsonpos.Value, path string) {
	if v.Kind != jsonpos.Object {
		b.mismatch(v, path, `an object such as {"StringEquals": {"aws:ResourceTag/Department": "Test"}}`)
		return
	}
	for _, om := range v.Members {
		opPath := join(path, om.Key)
		op, err := ParseOperator(om.Key)
		if err != nil {
			code := CodeInvalidConditionOperator
			var oe *OperatorError
			if errors.As(err, &oe) {
				code = oe.Code
			}
			b.errs = append(b.errs, &Error{Code: code, Span: om.KeySpan, Path: opPath, Msg: err.Error(), Err: err})
		}
		block := om.Value
		if block.Kind != jsonpos.Object {
			b.mismatch(block, opPath, `an object of condition keys, such as {"aws:ResourceTag/Department": "Test"}`)
			continue
		}
		seen := map[string]jsonpos.Member{}
		for _, km := range block.Members {
			kpath := join(opPath, km.Key)
			lower := strings.ToLower(km.Key)
			if first, ok := seen[lower]; ok && first.Key != km.Key {
				b.add(CodeDuplicateKeysWithDifferentCase, km.KeySpan, kpath,
					"condition keys %q and %q (at %s) differ only in case; key names are case-insensitive, so merge them into one key", km.Key, first.Key, first.KeySpan.Start)
			} else if !ok {
				seen[lower] = km
			}
			c := &Condition{
				Operator:  keyString(om),
				Key:       keyString(km),
				Op:        op,
				Block:     block.Span,
				ValueSpan: km.Value.Span,
			}
			switch kv := km.Value; kv.Kind {
			case jsonpos.String, jsonpos.Number, jsonpos.Bool:
				c.Values = []String{str(kv)}
			case jsonpos.Array:
				c.IsArray = true
				c.Values = make([]String, 0, len(kv.Elems))
				for i, e := range kv.Elems {
					switch e.Kind {
					case jsonpos.String, jsonpos.Number, jsonpos.Bool:
						c.Values = append(c.Values, str(e))
					default:
						b.mismatch(e, index(kpath, i), "a string, number or boolean")
					}
				}
			default:
				b.mismatch(kv, kpath, "a string, number, boolean or an array of them")
			}
			st.Conditions = append(st.Conditions, c)
		}
	}
}
