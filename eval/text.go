package eval

import (
	"fmt"
	"io"
	"strings"
)

// WriteText writes the explanation for people: the decision, the message,
// the request, then each policy, each of its statements and, for each
// statement, whether its action, resource, principal and conditions
// matched and why, with line:col positions in the policy source.
func (x *Explanation) WriteText(w io.Writer) error {
	var sb strings.Builder
	fmt.Fprintf(&sb, "Decision: %s\n", x.Decision)
	fmt.Fprintf(&sb, "Message:  %s\n", x.Message)
	if x.DecidedBy != nil && x.DecidedBy.Statement < 0 {
		fmt.Fprintf(&sb, "Decided by: no %s at level %d allows the request\n", x.DecidingPolicyType.noAllowPhrase(), x.DecidedBy.Level)
	} else if x.DecidedBy != nil {
		fmt.Fprintf(&sb, "Decided by: %s (%s)\n", x.DecidedBy.describe(), x.DecidedBy.Effect)
	} else if x.Decision == Allow {
		sb.WriteString("Decided by: the account root user's implicit permissions in its own account\n")
	} else {
		fmt.Fprintf(&sb, "Decided by: no %s allows the request\n", x.DecidingPolicyType.noAllowPhrase())
	}
	rq := x.Request
	sb.WriteString("\nRequest:\n")
	fmt.Fprintf(&sb, "  principal:        %s (%s", rq.Principal, rq.PrincipalType)
	if rq.Account != "" {
		fmt.Fprintf(&sb, ", account %s", rq.Account)
	}
	sb.WriteString(")\n")
	fmt.Fprintf(&sb, "  action:           %s\n", rq.Action)
	fmt.Fprintf(&sb, "  resource:         %s\n", rq.Resource)
	where := "same account as the principal"
	if rq.CrossAccount {
		where = "cross-account: the resource-based policy must allow too"
	}
	fmt.Fprintf(&sb, "  resource account: %s (%s)\n", rq.ResourceAccount, where)
	if len(x.Policies) == 0 {
		sb.WriteString("\nNo policy applies to this request.\n")
	}
	for _, p := range x.Policies {
		fmt.Fprintf(&sb, "\n%s: %s\n", capitalize(policyLabel(p.PolicyType, p.Policy, p.PolicyIndex, p.Level)), p.Result)
		if len(p.Statements) == 0 {
			sb.WriteString("  (no statements)\n")
		}
		for _, st := range p.Statements {
			verdict := "does not apply"
			if st.Applies {
				verdict = "applies"
			}
			fmt.Fprintf(&sb, "  statement %d", st.Statement)
			if st.Sid != "" {
				fmt.Fprintf(&sb, " (Sid %q)", st.Sid)
			}
			fmt.Fprintf(&sb, " %s at %d:%d: %s\n", st.Effect, st.Line, st.Column, verdict)
			writeCheck(&sb, "action", st.Action)
			writeCheck(&sb, "resource", st.Resource)
			if st.Principal != nil {
				writeCheck(&sb, "principal", *st.Principal)
			}
			for _, c := range st.Conditions {
				fmt.Fprintf(&sb, "    %-10s %s %s at %d:%d: %s\n", "condition", c.Operator, c.Key, c.Line, c.Column, matched(c.Matched))
				fmt.Fprintf(&sb, "               %s\n", c.Reason)
			}
		}
	}
	_, err := io.WriteString(w, sb.String())
	return err
}

func writeCheck(sb *strings.Builder, name string, c Check) {
	fmt.Fprintf(sb, "    %-10s %s: %s\n", name, matched(c.Matched), c.Reason)
}

func matched(ok bool) string {
	if ok {
		return "matched"
	}
	return "NOT matched"
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
