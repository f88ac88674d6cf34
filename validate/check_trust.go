package validate

import (
	"strings"

	"github.com/connect-iam/connect-iam/policy"
)

// checkTrust checks a statement of a role trust policy.
func (c *checker) checkTrust(s *stmt) {
	if s.Principal != nil && s.Principal.Not {
		c.report("ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL", s.path.key("NotPrincipal"), s.Principal.Key, "Role trust policies do not support NotPrincipal. Use Principal to name who may assume the role.")
	}
	if s.Resource != nil {
		c.report("ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE", s.path.key(resourceName(s.Resource)), s.Resource.Key, "Role trust policies do not support "+resourceName(s.Resource)+": the resource is the role itself. Remove the element.")
	}
	if s.Principal == nil || s.Action == nil {
		return
	}
	var saml, oidc []*policy.String
	var services []string
	awsARNs := map[string]*policy.String{}
	for _, e := range s.Principal.Entries {
		for i := range e.Values {
			v := &e.Values[i]
			switch e.Type.Text {
			case "Federated":
				if samlProvider.MatchString(v.Text) {
					saml = append(saml, v)
				} else if oidcProvider.MatchString(v.Text) || webIdentityProviders[v.Text] {
					oidc = append(oidc, v)
				}
			case "Service":
				services = append(services, v.Text)
			case "AWS":
				awsARNs[v.Text] = v
			}
		}
	}
	// Actions that do not fit the federated principals.
	if !s.Action.Not && (len(saml) > 0 || len(oidc) > 0) && len(services) == 0 && len(awsARNs) == 0 {
		bp := s.elem(actionName(s.Action))
		for i := range s.Action.Values {
			v := &s.Action.Values[i]
			a := strings.ToLower(v.Text)
			bad := (a == "sts:assumerolewithsaml" && len(saml) == 0) ||
				(a == "sts:assumerolewithwebidentity" && len(oidc) == 0) ||
				a == "sts:assumerole"
			if bad {
				c.report("MISMATCHED_ACTION_FOR_PRINCIPAL", valuePath(bp, s.Action.IsArray, i), v.Span, "The action "+quote(v.Text)+" does not fit the federated principals of the statement: use sts:AssumeRoleWithSAML with a SAML provider and sts:AssumeRoleWithWebIdentity with an OIDC provider.")
			}
		}
	}
	for _, svc := range services {
		if svc != "rolesanywhere.amazonaws.com" || s.Effect != policy.Allow {
			continue
		}
		var missing []string
		for _, need := range []string{"sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"} {
			if s.Action.Not || !matchesAnyAction(s.Action, need) {
				missing = append(missing, need)
			}
		}
		if len(missing) > 0 {
			c.report("MISSING_ACTION_FOR_ROLES_ANYWHERE_TRUST_POLICY", s.path.key(actionName(s.Action)), s.Action.Key, "IAM Roles Anywhere needs sts:AssumeRole, sts:SetSourceIdentity and sts:TagSession; add "+strings.Join(missing, ", ")+".")
		}
	}
	if s.Effect == policy.Allow {
		for _, v := range oidc {
			c.checkOIDCConditions(s, v)
		}
	}
	// An assumed-role session listed with its role.
	for arn, v := range awsARNs {
		i := strings.Index(arn, ":assumed-role/")
		if i < 0 || !strings.HasPrefix(arn, "arn:") {
			continue
		}
		rest := arn[i+len(":assumed-role/"):]
		role, _, _ := strings.Cut(rest, "/")
		acct := splitARN(arn).account
		for other := range awsARNs {
			if strings.HasSuffix(other, ":role/"+role) && splitARN(other).account == acct {
				c.report("REDUNDANT_PRINCIPAL_IN_ROLE_TRUST_POLICY", s.elem("Principal"), v.Span, "The session principal "+quote(arn)+" is redundant: its role "+quote(other)+" is already a principal. Remove it.")
			}
		}
	}
}

// checkOIDCConditions checks the conditions that must accompany an OIDC
// (web identity) principal.
func (c *checker) checkOIDCConditions(s *stmt, v *policy.String) {
	host := v.Text
	if m := oidcProvider.FindStringSubmatch(v.Text); m != nil {
		host = m[1]
	}
	lhost := strings.ToLower(host)
	var hasAud, hasSub bool
	var subs []*policy.Condition
	for _, k := range s.Conditions {
		lk := strings.ToLower(k.Key.Text)
		if !strings.HasPrefix(lk, lhost+":") {
			continue
		}
		switch lk[len(lhost)+1:] {
		case "aud", "oaud", "app_id", "azp":
			hasAud = true
			if op, err := policy.ParseOperator(k.Operator.Text); err == nil && op.Set != policy.SetNone {
				c.report("CONFIRM_AUDIENCE_CLAIM_TYPE", s.elem("Condition").key(k.Operator.Text), k.Operator.Span, "The "+op.Set.String()+" qualifier treats "+k.Key.Text+" as multivalued. Confirm that the provider sends several audiences; if it sends one, drop the qualifier.", op.Base.String())
			}
		case "sub", "id", "user_id":
			hasSub = true
			subs = append(subs, k)
		}
	}
	if lhost == "token.actions.githubusercontent.com" {
		if !hasSub {
			c.report("MISSING_GITHUB_REPO_CONDITION_KEY", s.path.key("Principal"), v.Span, "Any GitHub repository can assume this role: add a StringLike condition on token.actions.githubusercontent.com:sub naming your repositories, such as \"repo:my-org/my-repo:ref:refs/heads/main\".")
			return
		}
		for _, k := range subs {
			for i := range k.Values {
				val := &k.Values[i]
				repo, branch, _ := strings.Cut(strings.TrimPrefix(val.Text, "repo:"), ":")
				if strings.ContainsAny(repo, "*?") || branch == "*" {
					kp := s.elem("Condition").val(k.Operator.Text).val(k.Key.Text)
					c.report("SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED", valuePath(kp, k.IsArray, i), val.Span, "The value "+quote(val.Text)+" matches many repositories or branches. Name the repository and branch, such as \"repo:my-org/my-repo:ref:refs/heads/main\".")
				}
			}
		}
		return
	}
	if !hasAud && !hasSub {
		c.report("MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL", s.path.key("Principal"), v.Span, "Any identity of "+host+" can assume this role: add a condition on "+host+":aud (and "+host+":sub).")
	}
}

// checkSCP checks a statement of a service control policy.
func (c *checker) checkSCP(s *stmt) {
	if s.Principal != nil {
		name := "Principal"
		if s.Principal.Not {
			name = "NotPrincipal"
		}
		c.report("SCP_SYNTAX_ERROR_PRINCIPAL", s.path.key(name), s.Principal.Key, "Service control policies do not support "+name+". Remove it and use an aws:PrincipalArn condition.")
	}
	if !c.v.opts.LegacySCPGrammar {
		return
	}
	if s.Action != nil {
		bp := s.elem(actionName(s.Action))
		for i := range s.Action.Values {
			v := &s.Action.Values[i]
			t := v.Text
			if j := strings.IndexAny(t, "*?"); j >= 0 && j != len(t)-1 {
				c.report("SCP_SYNTAX_ERROR_ACTION_WILDCARD", valuePath(bp, s.Action.IsArray, i), v.Span, "The action "+quote(t)+" has a wildcard before its end; SCPs allow a wildcard only at the end of an action.")
			}
		}
	}
	if s.Resource != nil && s.Resource.Not {
		c.report("SCP_SYNTAX_ERROR_NOTRESOURCE", s.path.key("NotResource"), s.Resource.Key, "Service control policies do not support NotResource. Use Resource.")
	}
	if s.Effect != policy.Allow || s.EffectNode == nil {
		return
	}
	if len(s.Conditions) > 0 || !zeroPos(s.ConditionKey.Start) {
		c.report("SCP_SYNTAX_ERROR_ALLOW_CONDITION", s.path.key("Condition"), s.ConditionKey, "Allow statements of SCPs do not support Condition. Use a Deny statement with the opposite condition.")
	}
	if s.Action != nil && s.Action.Not {
		c.report("SCP_SYNTAX_ERROR_ALLOW_NOTACTION", s.path.key("NotAction"), s.Action.Key, "Allow statements of SCPs do not support NotAction. List the actions, or use a Deny statement with NotAction.")
	}
	if s.Resource != nil && !s.Resource.Not && !(len(s.Resource.Values) == 1 && s.Resource.Values[0].Text == "*") {
		c.report("SCP_SYNTAX_ERROR_ALLOW_RESOURCE", s.path.key("Resource"), s.Resource.Key, "Allow statements of SCPs support only \"Resource\": \"*\".")
	}
}

// rcpServices are the services whose actions resource control policies
// apply to.
var rcpServices = map[string]bool{
	"s3": true, "sts": true, "sqs": true, "secretsmanager": true, "kms": true,
	"ecr": true, "aoss": true, "cognito-identity": true, "logs": true, "dynamodb": true,
}

// checkRCP checks a statement of a resource control policy.
func (c *checker) checkRCP(s *stmt) {
	if pr := s.Principal; pr != nil {
		star := pr.Wildcard
		if !pr.Wildcard && len(pr.Entries) == 1 && pr.Entries[0].Type.Text == "AWS" && len(pr.Entries[0].Values) == 1 && pr.Entries[0].Values[0].Text == "*" {
			star = true
		}
		if pr.Not || !star {
			name := map[bool]string{true: "NotPrincipal", false: "Principal"}[pr.Not]
			c.report("RCP_SYNTAX_ERROR_PRINCIPAL", s.path.key(name), pr.Key, "Resource control policies support only \"Principal\": \"*\"; restrict principals with conditions such as aws:PrincipalOrgID.")
		}
	}
	fullAccess := s.Action != nil && !s.Action.Not && len(s.Action.Values) == 1 && s.Action.Values[0].Text == "*" &&
		s.Resource != nil && !s.Resource.Not && len(s.Resource.Values) == 1 && s.Resource.Values[0].Text == "*" && len(s.Conditions) == 0
	if s.Effect == policy.Allow && s.EffectNode != nil && !fullAccess {
		c.report("RCP_SYNTAX_ERROR_ALLOW", s.path.val("Effect"), s.EffectNode.Span, "Resource control policies only deny (AWS attaches RCPFullAWSAccess, the one Allow). Use \"Effect\": \"Deny\".", "Deny")
	}
	if s.Action == nil {
		return
	}
	if s.Action.Not {
		c.report("RCP_SYNTAX_ERROR_NOTACTION", s.path.key("NotAction"), s.Action.Key, "Resource control policies do not support NotAction. List the actions to deny.")
		return
	}
	if fullAccess {
		return
	}
	bp := s.elem("Action")
	for i := range s.Action.Values {
		v := &s.Action.Values[i]
		svc, _, _ := strings.Cut(strings.ToLower(v.Text), ":")
		if v.Text == "*" || (!strings.ContainsAny(svc, "*?") && !rcpServices[svc]) {
			c.report("RCP_SYNTAX_ERROR_ACTION", valuePath(bp, s.Action.IsArray, i), v.Span, "The action "+quote(v.Text)+" is not supported in resource control policies: use actions of s3, sts, sqs, secretsmanager, kms, ecr, aoss, cognito-identity, logs or dynamodb, and not \"*\" alone.")
		}
	}
}
