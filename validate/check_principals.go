package validate

import (
	"regexp"
	"strings"

	"github.com/connect-iam/connect-iam/policy"
)

var (
	awsPrincipalARN  = regexp.MustCompile(`^arn:aws[a-z-]*:(iam::([0-9]{12}|\*):(root|user/.+|role/.+|group/.+)|sts::([0-9]{12}|\*):(assumed-role/[^/]+/.+|federated-user/.+))$`)
	servicePrincipal = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*\.(amazonaws\.com(\.cn)?|amazon\.com|c2s\.ic\.gov|sc2s\.sgov\.gov)$`)
	samlProvider     = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:saml-provider/[\w+=,.@-]+$`)
	oidcProvider     = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/(.+)$`)
	canonicalUser    = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// webIdentityProviders are the Federated principals that are not ARNs.
var webIdentityProviders = map[string]bool{
	"cognito-identity.amazonaws.com": true,
	"www.amazon.com":                 true,
	"graph.facebook.com":             true,
	"accounts.google.com":            true,
}

func (c *checker) checkPrincipals(s *stmt) {
	pr := s.Principal
	if pr == nil {
		return
	}
	name := "Principal"
	if pr.Not {
		name = "NotPrincipal"
		if s.Effect == policy.Allow && s.EffectNode != nil {
			c.report("ALLOW_WITH_NOT_PRINCIPAL", s.path.key(name), pr.Key, "Allow with NotPrincipal allows every principal not listed, anonymous users included. Use Principal with the principals to allow.")
		}
	}
	pp := s.elem(name)
	if !pr.Not && s.Effect == policy.Allow && s.EffectNode != nil && len(s.Conditions) == 0 && zeroPos(s.ConditionKey.Start) {
		if where, sp, ok := everyonePrincipal(pr, pp); ok {
			switch c.v.opts.PolicyType {
			case RoleTrustPolicy:
				c.report("ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL", where, sp, "The role trust policy lets every principal (\"*\"), anonymous callers and every AWS account included, assume the role without a condition. Name the principals that may assume it, or restrict \"*\" with a condition such as aws:PrincipalOrgID or aws:PrincipalArn.")
			case ResourcePolicy:
				c.report("PUBLIC_RESOURCE_POLICY", where, sp, "The statement allows every principal (\"*\"), anonymous callers and every AWS account included, without a condition: the resource is public. Name the principals, or add a condition such as aws:PrincipalOrgID, aws:SourceAccount or aws:SourceVpce.")
			}
		}
	}
	if pr.Wildcard {
		return
	}
	if len(pr.Entries) == 0 {
		c.report("EMPTY_OBJECT_PRINCIPAL", pp, pr.Key, "The "+name+" object is empty, so the statement applies to no principal. Add principals or remove the statement.")
		return
	}
	trust := c.v.opts.PolicyType == RoleTrustPolicy
	for _, e := range pr.Entries {
		ep := pp.val(e.Type.Text)
		if e.IsArray && len(e.Values) == 0 {
			c.report("EMPTY_ARRAY_PRINCIPAL", ep, e.Type.Span, "The "+e.Type.Text+" principal array is empty. Add principals or remove it.")
			continue
		}
		for i := range e.Values {
			v := &e.Values[i]
			if v.Kind != policy.KindString {
				continue
			}
			vp := valuePath(ep, e.IsArray, i)
			t := v.Text
			switch e.Type.Text {
			case "AWS":
				c.checkAWSPrincipal(vp, v, trust)
			case "Service":
				if t != "*" && !servicePrincipal.MatchString(t) {
					var sugg []string
					if !strings.Contains(t, ".") && t != "" {
						sugg = []string{strings.ToLower(t) + ".amazonaws.com"}
					}
					c.report("INVALID_SERVICE_PRINCIPAL_FORMAT", vp, v.Span, "The service principal "+quote(t)+" is not of the form service.amazonaws.com."+didYouMean(sugg), sugg...)
				}
			case "Federated":
				switch c.v.opts.PolicyType {
				case ResourcePolicy, ResourceControlPolicy:
					c.report("FEDERATED_PRINCIPAL_NOT_SUPPORTED", vp, v.Span, capitalize(article(humanType(c.v.opts.PolicyType)))+" "+humanType(c.v.opts.PolicyType)+" does not support federated principals such as "+quote(t)+": name the role that the federated users assume.")
				case RoleTrustPolicy:
					if !samlProvider.MatchString(t) && !oidcProvider.MatchString(t) && !webIdentityProviders[t] {
						c.report("INVALID_FEDERATED_PRINCIPAL_SYNTAX_IN_ROLE_TRUST_POLICY", vp, v.Span, "The federated principal "+quote(t)+" is not a SAML provider ARN (arn:aws:iam::ACCOUNT:saml-provider/NAME), an OIDC provider ARN (arn:aws:iam::ACCOUNT:oidc-provider/HOST) or one of cognito-identity.amazonaws.com, www.amazon.com, graph.facebook.com, accounts.google.com.")
					}
				}
			case "CanonicalUser":
				if !canonicalUser.MatchString(t) {
					c.report("INVALID_PRINCIPAL_FORMAT", vp, v.Span, "The canonical user ID "+quote(t)+" is not 64 hexadecimal characters.")
				}
			}
		}
	}
	c.checkServicePrincipalConditions(s)
}

func (c *checker) checkAWSPrincipal(vp path, v *policy.String, trust bool) {
	t := v.Text
	switch {
	case t == "*" || isAccountID(t):
		return
	case strings.HasPrefix(t, "AROA") && len(t) == 21:
		c.report("INVALID_ROLE_REFERENCE", vp, v.Span, "The principal "+quote(t)+" is a role's unique ID: IAM shows it when the role named in the policy was deleted. Name the role by its ARN.")
		return
	case strings.HasPrefix(t, "AIDA") && len(t) == 21:
		c.report("INVALID_USER_REFERENCE", vp, v.Span, "The principal "+quote(t)+" is a user's unique ID: IAM shows it when the user named in the policy was deleted. Name the user by its ARN.")
		return
	case strings.ContainsAny(t, "*?"):
		code := "UNSUPPORTED_WILDCARD_IN_PRINCIPAL"
		if trust {
			code = "ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL"
		}
		c.report(code, vp, v.Span, "The principal "+quote(t)+" uses a wildcard: wildcards cannot match part of a principal. Use \"*\" with an aws:PrincipalArn condition (ArnLike) instead.")
		return
	case !awsPrincipalARN.MatchString(t):
		c.report("INVALID_PRINCIPAL_FORMAT", vp, v.Span, "The principal "+quote(t)+" is not an account ID, an IAM user, role or root ARN, an STS session ARN, or \"*\".")
	}
}

// servicePrincipalKeys are condition keys a service principal's request
// context lacks (unsupported) or has under another name (recommended).
var servicePrincipalKeys = map[string]struct {
	unsupported bool
	use         string
}{
	"aws:principalarn":      {true, "aws:SourceArn"},
	"aws:principaltag/":     {true, "aws:SourceArn or aws:SourceAccount"},
	"aws:userid":            {true, "aws:SourceArn"},
	"aws:username":          {true, "aws:SourceArn"},
	"aws:principalaccount":  {false, "aws:SourceAccount"},
	"aws:principalorgid":    {false, "aws:SourceOrgID"},
	"aws:principalorgpaths": {false, "aws:SourceOrgPaths"},
}

// checkServicePrincipalConditions checks a resource policy statement that
// grants service principals.
func (c *checker) checkServicePrincipalConditions(s *stmt) {
	if c.v.opts.PolicyType != ResourcePolicy || s.Principal.Not {
		return
	}
	onlyServices := true
	hasService := false
	for _, e := range s.Principal.Entries {
		if e.Type.Text == "Service" {
			hasService = len(e.Values) > 0
		} else {
			onlyServices = false
		}
	}
	if !hasService {
		return
	}
	restricted := false
	for _, k := range s.Conditions {
		lk := strings.ToLower(k.Key.Text)
		switch lk {
		case "aws:sourcearn", "aws:sourceaccount", "aws:sourceorgid", "aws:sourceorgpaths", "aws:sourceowner":
			restricted = true
		}
		if !onlyServices {
			continue
		}
		look := lk
		if i := strings.IndexByte(lk, '/'); i > 0 {
			look = lk[:i+1]
		}
		if sk, ok := servicePrincipalKeys[look]; ok {
			kp := s.elem("Condition").val(k.Operator.Text).key(k.Key.Text)
			if sk.unsupported {
				c.report("UNSUPPORTED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL", kp, k.Key.Span, "Service principals have no "+k.Key.Text+" in their request context, so this condition never matches them. Use "+sk.use+".")
			} else {
				c.report("RECOMMENDED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL", kp, k.Key.Span, "For service principals, use "+sk.use+" rather than "+k.Key.Text+": it names the account of the resource the service acts for.", sk.use)
			}
		}
	}
	if !restricted && s.Effect == policy.Allow && s.EffectNode != nil {
		c.report("RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL", s.path.key("Principal"), s.Principal.Key, "The statement allows a service principal without an aws:SourceArn, aws:SourceAccount or aws:SourceOrgID condition, so the service can act on behalf of any account (confused deputy). Add one of these conditions.")
	}
}

// everyonePrincipal reports whether the Principal element names everyone:
// "*" or {"AWS": "*"}, with where the "*" is.
func everyonePrincipal(pr *policy.Principal, pp path) (path, policy.Span, bool) {
	if pr.Wildcard {
		return pp, pr.Key, true
	}
	for _, e := range pr.Entries {
		if e.Type.Text != "AWS" {
			continue
		}
		for i := range e.Values {
			if e.Values[i].Kind == policy.KindString && e.Values[i].Text == "*" {
				return valuePath(pp.val("AWS"), e.IsArray, i), e.Values[i].Span, true
			}
		}
	}
	return nil, policy.Span{}, false
}
