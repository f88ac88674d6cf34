package validate

import (
	"errors"
	"strings"

	"github.com/connect-iam/connect-iam/policy"
)

// checkVariables checks policy variables in every string of a statement:
// their syntax, the elements that support them, the operators that do,
// and the policy version.
func (c *checker) checkVariables(s *stmt) {
	if s.Sid != nil {
		c.checkVariable(s.path.val("Sid"), s.Sid, "the Sid", false)
	}
	if b := s.Action; b != nil {
		bp := s.elem(actionName(b))
		for i := range b.Values {
			c.checkVariable(valuePath(bp, b.IsArray, i), &b.Values[i], "the "+actionName(b)+" element", false)
		}
	}
	if pr := s.Principal; pr != nil {
		name := map[bool]string{true: "NotPrincipal", false: "Principal"}[pr.Not]
		for _, e := range pr.Entries {
			ep := s.elem(name).val(e.Type.Text)
			for i := range e.Values {
				c.checkVariable(valuePath(ep, e.IsArray, i), &e.Values[i], "the "+name+" element", false)
			}
		}
	}
	if b := s.Resource; b != nil {
		bp := s.elem(resourceName(b))
		for i := range b.Values {
			// Variables work anywhere in an ARN: AWS's own managed policies
			// use them in the account field, although the User Guide
			// mentions only the resource part.
			if c.checkVariable(valuePath(bp, b.IsArray, i), &b.Values[i], "", true) {
				c.checkVariablePermissive(s, valuePath(bp, b.IsArray, i), &b.Values[i], "the "+resourceName(b)+" element")
			}
		}
	}
	cp := s.elem("Condition")
	for _, k := range s.Conditions {
		kp := cp.val(k.Operator.Text)
		if strings.Contains(k.Key.Text, "${") {
			c.report("VARIABLE_UNSUPPORTED_IN_ELEMENT", kp.key(k.Key.Text), k.Key.Span, "Policy variables are not supported in condition keys. Write the key literally.")
		}
		op, err := policy.ParseOperator(k.Operator.Text)
		for i := range k.Values {
			v := &k.Values[i]
			vp := valuePath(kp.val(k.Key.Text), k.IsArray, i)
			if !c.checkVariable(vp, v, "", true) || err != nil || !strings.Contains(v.Text, "${") {
				continue
			}
			if op.Base.SupportsVariables() {
				c.checkVariablePermissive(s, vp, v, "the condition on "+k.Key.Text)
			}
			if !op.Base.SupportsVariables() {
				if t, terr := policy.ParseTemplate(v.Text); terr == nil && t.HasVariables() {
					c.report("INVALID_VARIABLE_FOR_OPERATOR", vp, v.Span, "The "+op.Base.String()+" operator does not support policy variables; only String and ARN operators do. Write the value literally.")
				}
			}
		}
	}
}

// variableKeyRune reports whether r may appear in the key of a policy
// variable: the characters of condition key names and of tag keys.
func variableKeyRune(r rune) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune(":/_-.@+=", r)
}

// varLen returns the length of the variable at the start of s.
func varLen(s string) int {
	if i := strings.IndexByte(s, '}'); i >= 0 {
		return i + 1
	}
	return len(s)
}

// checkVariable checks the variables of one string. where names the
// element when variables are unsupported there; allowed says they are
// supported. It reports whether the string's variables are well formed.
func (c *checker) checkVariable(vp path, v *policy.String, where string, allowed bool) bool {
	if v.Kind != policy.KindString || !strings.Contains(v.Text, "${") {
		return true
	}
	t, err := policy.ParseTemplate(v.Text)
	if err != nil {
		var ve *policy.VariableError
		if errors.As(err, &ve) {
			c.report(ve.Code, vp.sub(ve.Offset, varLen(v.Text[min(ve.Offset, len(v.Text)):])), subSpan(v, ve.Offset), ve.Msg+".")
		}
		return false
	}
	if !t.HasVariables() {
		return true
	}
	for _, seg := range t.Segments {
		if seg.Kind != policy.SegVar {
			continue
		}
		if i := strings.IndexFunc(seg.Text, func(r rune) bool { return !variableKeyRune(r) }); i >= 0 {
			n := varLen(v.Text[seg.Offset:])
			c.report("UNSUPPORTED_SYMBOL_IN_VARIABLE", vp.sub(seg.Offset, n), fieldSpan(v, seg.Offset, n), "The policy variable ${"+seg.Text+"} contains the symbol "+quote(string([]rune(seg.Text[i:])[0]))+", which no condition key name has. Use only letters, digits and : / _ - . @ + = in the key name.")
			return false
		}
	}
	var first policy.Segment
	for _, seg := range t.Segments {
		if seg.Kind == policy.SegVar {
			first = seg
			break
		}
	}
	if !allowed {
		c.report("VARIABLE_UNSUPPORTED_IN_ELEMENT", vp.sub(first.Offset, varLen(v.Text[first.Offset:])), v.Span, "Policy variables such as ${"+first.Text+"} are not supported in "+where+"; they are supported only in resource ARNs and in String and ARN condition values.")
		return false
	}
	if c.p.Version != policy.Version2012 {
		c.report("VARIABLE_UNSUPPORTED_IN_VERSION", vp.sub(first.Offset, varLen(v.Text[first.Offset:])), v.Span, "The policy variable ${"+first.Text+"} is literal text under version "+c.p.Version.String()+`. Set "Version": "2012-10-17".`)
	}
	return true
}

// subSpan approximates the span of the byte at offset off of a string
// value's decoded text: exact when the value has no escapes.
func subSpan(v *policy.String, off int) policy.Span {
	sp := v.Span
	if sp.End.Offset-sp.Start.Offset != len(v.Text)+2 || sp.Start.Line != sp.End.Line {
		return sp
	}
	start := sp.Start
	start.Offset += 1 + off
	start.Column += 1 + len([]rune(v.Text[:off]))
	return policy.Span{Start: start, End: sp.End}
}
