package validate

import (
	"strings"

	"github.com/connect-iam/connect-iam/policy"
)

// identityLike reports whether the policy type grants permissions to the
// identity it is attached to (the checks on sensitive actions apply).
func (v *Validator) identityLike() bool {
	switch v.opts.PolicyType {
	case IdentityPolicy, PermissionsBoundary, SessionPolicy:
		return true
	}
	return false
}

// sensitiveAction is an action whose grant on every resource Access
// Analyzer reports, with the condition key that makes it acceptable.
type sensitiveAction struct {
	action string
	prefix string // issue code prefix
	key    string // lowercase condition key that restricts it
	what   string
}

var sensitiveActions = []sensitiveAction{
	{"iam:PassRole", "PASS_ROLE", "iam:passedtoservice", "pass any role to any service, and so obtain that role's permissions"},
	{"iam:CreateServiceLinkedRole", "CREATE_SLR", "iam:awsservicename", "create service-linked roles for any service"},
}

func (c *checker) checkSensitive(s *stmt) {
	if !c.v.identityLike() || s.Effect != policy.Allow || s.EffectNode == nil || s.Action == nil || s.Resource == nil {
		return
	}
	for _, sa := range sensitiveActions {
		var form string // "", "STAR_IN_ACTION", "NOT_ACTION"
		var at policy.Span
		var ap path
		if s.Action.Not {
			if matchesAnyAction(s.Action, sa.action) {
				continue
			}
			form, at, ap = "NOT_ACTION", s.Action.Key, s.path.key("NotAction")
		} else {
			found := false
			for i := range s.Action.Values {
				v := &s.Action.Values[i]
				if !globMatchFold(v.Text, sa.action) {
					continue
				}
				found = true
				at, ap = v.Span, valuePath(s.elem("Action"), s.Action.IsArray, i)
				if strings.ContainsAny(v.Text, "*?") {
					form = "STAR_IN_ACTION"
				} else {
					form = ""
					break
				}
			}
			if !found {
				continue
			}
		}
		restricted := false
		for _, k := range s.Conditions {
			restricted = restricted || strings.EqualFold(k.Key.Text, sa.key)
		}
		var code string
		if s.Resource.Not {
			switch form {
			case "":
				code = sa.prefix + "_WITH_NOT_RESOURCE"
			case "STAR_IN_ACTION":
				code = sa.prefix + "_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE"
			default:
				code = sa.prefix + "_WITH_NOT_ACTION_AND_NOT_RESOURCE"
			}
			c.report(code, ap, at, "The statement allows "+sa.action+" with NotResource, so it can "+sa.what+" except the resources listed. Allow "+sa.action+" on specific ARNs with Resource.")
			continue
		}
		star := false
		for _, v := range s.Resource.Values {
			star = star || v.Text == "*"
		}
		if !star || restricted {
			continue
		}
		switch form {
		case "":
			code = sa.prefix + "_WITH_STAR_IN_RESOURCE"
		case "STAR_IN_ACTION":
			code = sa.prefix + "_WITH_STAR_IN_ACTION_AND_RESOURCE"
		default:
			code = sa.prefix + "_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION"
		}
		c.report(code, ap, at, "The statement allows "+sa.action+" on \"Resource\": \"*\", so it can "+sa.what+". Name the roles in Resource, or add "+article(sensitiveKeyName(sa.key))+" "+sensitiveKeyName(sa.key)+" condition.")
	}
}

func sensitiveKeyName(k string) string {
	switch k {
	case "iam:passedtoservice":
		return "iam:PassedToService"
	case "iam:awsservicename":
		return "iam:AWSServiceName"
	}
	return k
}
