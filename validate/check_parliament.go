package validate

import (
	"sort"
	"strconv"
	"strings"

	"github.com/connect-iam/connect-iam/policy"
)

// credentialActions return credentials or let the caller create them
// (parliament's credentials exposure list).
var credentialActions = []string{
	"chime:CreateApiKey", "codepipeline:PollForJobs", "cognito-identity:GetOpenIdToken",
	"cognito-identity:GetOpenIdTokenForDeveloperIdentity", "cognito-identity:GetCredentialsForIdentity",
	"connect:GetFederationToken", "connect:GetFederationTokens", "ecr:GetAuthorizationToken",
	"gamelift:RequestUploadCredentials", "iam:CreateAccessKey", "iam:CreateLoginProfile",
	"iam:CreateServiceSpecificCredential", "iam:ResetServiceSpecificCredential", "iam:UpdateAccessKey",
	"lightsail:GetInstanceAccessDetails", "lightsail:GetRelationalDatabaseMasterUserPassword",
	"rds-db:Connect", "redshift:GetClusterCredentials", "sso:GetRoleCredentials",
	"mediapackage:RotateChannelCredentials", "mediapackage:RotateIngestEndpointCredentials",
	"sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity",
	"sts:GetFederationToken", "sts:GetSessionToken",
}

// sensitiveDataActions read secrets or customer data; granting them on
// every resource is reported as SENSITIVE_ACCESS.
var sensitiveDataActions = []string{
	"secretsmanager:GetSecretValue", "ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath",
	"kms:Decrypt", "s3:GetObject", "connect:GetContactAttributes", "connect:GetFederationToken",
}

// escalations are the privilege escalation combinations of Rhino
// Security Labs that parliament checks: holding every action of one lets
// a principal gain more permissions.
var escalations = [][]string{
	{"iam:CreatePolicyVersion"},
	{"iam:SetDefaultPolicyVersion"},
	{"iam:PassRole", "ec2:RunInstances"},
	{"iam:CreateAccessKey"},
	{"iam:CreateLoginProfile"},
	{"iam:UpdateLoginProfile"},
	{"iam:AttachUserPolicy"},
	{"iam:AttachGroupPolicy"},
	{"iam:AttachRolePolicy", "sts:AssumeRole"},
	{"iam:PutUserPolicy"},
	{"iam:PutGroupPolicy"},
	{"iam:PutRolePolicy", "sts:AssumeRole"},
	{"iam:AddUserToGroup"},
	{"iam:UpdateAssumeRolePolicy", "sts:AssumeRole"},
	{"iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"},
	{"iam:PassRole", "lambda:CreateFunction", "lambda:CreateEventSourceMapping"},
	{"lambda:UpdateFunctionCode"},
	{"iam:PassRole", "glue:CreateDevEndpoint"},
	{"glue:UpdateDevEndpoint"},
	{"iam:PassRole", "cloudformation:CreateStack"},
	{"iam:PassRole", "datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition"},
}

// resourcePolicyWriters set a resource's policy: whoever may call them
// can grant themselves access that a Deny of the same policy withholds.
var resourcePolicyWriters = []string{
	"s3:PutBucketPolicy", "s3:PutAccessPointPolicy", "sqs:SetQueueAttributes", "sqs:AddPermission",
	"sns:SetTopicAttributes", "sns:AddPermission", "kms:PutKeyPolicy", "secretsmanager:PutResourcePolicy",
	"lambda:AddPermission", "ecr:SetRepositoryPolicy", "glacier:SetVaultAccessPolicy",
	"logs:PutResourcePolicy", "iam:UpdateAssumeRolePolicy", "es:UpdateElasticsearchDomainConfig",
}

// loweredActions holds the lowercase form of the actions of the lists
// above, which grantedAt looks up for every statement: lowering them once
// spares an allocation per list entry and statement.
var loweredActions = func() map[string]string {
	m := map[string]string{}
	add := func(list []string) {
		for _, a := range list {
			m[a] = strings.ToLower(a)
		}
	}
	add(credentialActions)
	add(sensitiveDataActions)
	add(resourcePolicyWriters)
	for _, e := range escalations {
		add(e)
	}
	return m
}()

// lowerAction returns action in lowercase.
func lowerAction(action string) string {
	if l, ok := loweredActions[action]; ok {
		return l
	}
	return strings.ToLower(action)
}

// grantedAt returns where an Allow statement grants action, or ok=false.
func grantedAt(s *stmt, action string) (path, policy.Span, bool) {
	if s.Effect != policy.Allow || s.EffectNode == nil || s.Action == nil {
		return nil, policy.Span{}, false
	}
	la := lowerAction(action)
	if s.Action.Not {
		if s.actionIndex(la) >= 0 {
			return nil, policy.Span{}, false
		}
		return s.path.key("NotAction"), s.Action.Key, true
	}
	if i := s.actionIndex(la); i >= 0 {
		return valuePath(s.elem("Action"), s.Action.IsArray, i), s.Action.Values[i].Span, true
	}
	return nil, policy.Span{}, false
}

func (c *checker) checkParliament(s *stmt) {
	c.checkResourceMismatch(s)
	c.checkMFAPattern(s)
	if !c.v.identityLike() {
		return
	}
	var creds []string
	var at policy.Span
	var ap path
	for _, a := range credentialActions {
		if p, sp, ok := grantedAt(s, a); ok {
			if creds == nil {
				at, ap = sp, p
			}
			creds = append(creds, a)
		}
	}
	if len(creds) > 0 {
		c.report("CREDENTIALS_EXPOSURE", ap, at, "The statement allows actions that return credentials: "+listSome(creds, 5)+". Restrict them to the resources and conditions that need them.")
	}
	if s.Resource == nil || s.Resource.Not || len(s.Conditions) > 0 {
		return
	}
	star := false
	for _, v := range s.Resource.Values {
		star = star || v.Text == "*"
	}
	if !star || s.Action == nil || s.Action.Not {
		return
	}
	for i := range s.Action.Values {
		v := &s.Action.Values[i]
		if hasGlob(v.Text) {
			// A wildcard action that includes sensitive ones.
			var hit []string
			for _, a := range sensitiveDataActions {
				if globMatch(strings.ToLower(v.Text), strings.ToLower(a)) {
					hit = append(hit, a)
				}
			}
			if len(hit) > 0 {
				c.report("SENSITIVE_ACCESS", valuePath(s.elem("Action"), s.Action.IsArray, i), v.Span, "The action "+quote(v.Text)+" includes "+listSome(hit, 4)+", which read secrets or customer data, and the statement allows it on every resource. Name the actions and the resources.")
			}
			continue
		}
		for _, a := range sensitiveDataActions {
			if strings.EqualFold(v.Text, a) {
				c.report("SENSITIVE_ACCESS", valuePath(s.elem("Action"), s.Action.IsArray, i), v.Span, "The statement allows "+a+", which reads secrets or customer data, on every resource. Name the resources in Resource.")
			}
		}
	}
}

// checkResourceMismatch reports actions that none of the statement's
// resources can apply to (parliament's RESOURCE_MISMATCH), such as
// connect:DescribeUser on a queue ARN.
func (c *checker) checkResourceMismatch(s *stmt) {
	if c.v.cat == nil || s.Action == nil || s.Action.Not || s.Resource == nil || s.Resource.Not {
		return
	}
	var arns []parsedARN
	for _, v := range s.Resource.Values {
		if v.Kind != policy.KindString || v.Text == "*" {
			return
		}
		a := splitARN(v.Text)
		if a.prefix != "arn" || a.n < 6 {
			return // reported by the ARN checks
		}
		if hasOnlyWildcards(a) {
			return
		}
		arns = append(arns, a)
	}
	bp := s.elem("Action")
	for i := range s.Action.Values {
		v := &s.Action.Values[i]
		svc, name, ok := strings.Cut(v.Text, ":")
		if !ok || strings.ContainsAny(v.Text, "*?") || strings.Contains(v.Text, "${") {
			continue
		}
		si := c.v.cat.service(svc)
		if si == nil {
			continue
		}
		ar := si.actions[strings.ToLower(name)]
		if ar == nil {
			continue
		}
		var formats []string
		matched := false
		for _, ri := range ar.res {
			if ri == nil {
				matched = true // unknown type: cannot judge
				break
			}
			formats = append(formats, ri.def.ARN)
			for j := range arns {
				if arns[j].matchesType(&ri.pattern) {
					matched = true
					break
				}
			}
			if matched {
				break
			}
		}
		if matched {
			continue
		}
		msg := "The action " + quote(v.Text) + " applies to none of the statement's resources"
		if len(formats) == 0 {
			msg += `: it supports only "Resource": "*". Move it to a statement with "Resource": "*".`
		} else {
			msg += ": it applies to " + listSome(formats, 3) + ". List such a resource, or move the action to another statement."
		}
		c.report("RESOURCE_MISMATCH", valuePath(bp, s.Action.IsArray, i), v.Span, msg)
	}
}

// checkMFAPattern reports a Deny on aws:MultiFactorAuthPresent = false
// without IfExists: the key is absent for long-term access keys, so the
// Deny does not apply to them.
func (c *checker) checkMFAPattern(s *stmt) {
	if s.Effect != policy.Deny {
		return
	}
	for _, k := range s.Conditions {
		if k.Operator.Text != "Bool" || !strings.EqualFold(k.Key.Text, "aws:MultiFactorAuthPresent") {
			continue
		}
		for _, v := range k.Values {
			if strings.EqualFold(v.Text, "false") {
				c.report("BAD_PATTERN_FOR_MFA", s.elem("Condition").key("Bool"), k.Operator.Span, "Deny with Bool aws:MultiFactorAuthPresent false does not apply to long-term access keys, whose requests lack the key. Use BoolIfExists.", "BoolIfExists")
			}
		}
	}
}

// checkCrossStatement runs the checks that look at the whole policy.
func (c *checker) checkCrossStatement() {
	c.checkRedundantStatements()
	if !c.v.identityLike() {
		return
	}
	stmts := c.stmts
	granted := func(a string) (path, policy.Span, bool) {
		for _, s := range stmts {
			if p, sp, ok := grantedAt(s, a); ok {
				return p, sp, ok
			}
		}
		return nil, policy.Span{}, false
	}
	var combos []string
	var at policy.Span
	var ap path
	for _, combo := range escalations {
		all := true
		var first policy.Span
		var firstP path
		for j, a := range combo {
			p, sp, ok := granted(a)
			if !ok {
				all = false
				break
			}
			if j == 0 {
				first, firstP = sp, p
			}
		}
		if all {
			if combos == nil {
				at, ap = first, firstP
			}
			combos = append(combos, strings.Join(combo, " + "))
		}
	}
	if len(combos) > 0 {
		c.report("PRIVILEGE_ESCALATION", ap, at, "The policy allows privilege escalation through "+listSome(combos, 4)+". Remove an action of each combination or restrict its resources.")
	}
	hasDeny := map[string]bool{}
	for _, s := range stmts {
		if s.Effect == policy.Deny && s.Action != nil && !s.Action.Not {
			for _, v := range s.Action.Values {
				svc, _, _ := strings.Cut(strings.ToLower(v.Text), ":")
				hasDeny[svc] = true
			}
		}
	}
	for _, w := range resourcePolicyWriters {
		svc, _, _ := strings.Cut(strings.ToLower(w), ":")
		if !hasDeny[svc] {
			continue
		}
		if p, sp, ok := granted(w); ok {
			c.report("RESOURCE_POLICY_PRIVILEGE_ESCALATION", p, sp, "The policy allows "+w+" and denies other "+svc+" actions: with "+w+" the holder can grant themselves what the Deny withholds. Deny "+w+" on the same resources.")
		}
	}
}

// checkRedundantStatements reports statements that repeat an earlier
// one: the same effect, principals, actions, resources and conditions,
// whatever their order and Sid.
func (c *checker) checkRedundantStatements() {
	seen := map[string]*stmt{}
	for _, s := range c.stmts {
		key := statementKey(s)
		if first, dup := seen[key]; dup {
			c.report("REDUNDANT_STATEMENT", s.path, stmtHead(s), "The statement repeats the statement at line "+itoa(first.Span.Start.Line)+". Remove one of them.")
			continue
		}
		seen[key] = s
	}
}

// statementKey is a canonical form of a statement without its Sid.
func statementKey(s *stmt) string {
	var parts []string
	add := func(prefix string, vals []policy.String, fold bool) {
		list := make([]string, len(vals))
		for i, v := range vals {
			list[i] = v.Text
			if fold {
				list[i] = strings.ToLower(v.Text)
			}
		}
		sort.Strings(list)
		parts = append(parts, prefix+"="+strings.Join(list, "\x00"))
	}
	parts = append(parts, "E="+s.Effect.String())
	if s.EffectNode == nil {
		parts = append(parts, "E?")
	}
	if b := s.Action; b != nil {
		add(actionName(b), b.Values, true)
	}
	if b := s.Resource; b != nil {
		add(resourceName(b), b.Values, false)
	}
	if pr := s.Principal; pr != nil {
		parts = append(parts, "P="+strconv.FormatBool(pr.Not)+strconv.FormatBool(pr.Wildcard))
		for _, e := range pr.Entries {
			add("P."+e.Type.Text, e.Values, false)
		}
	}
	var conds []string
	for _, k := range s.Conditions {
		vals := make([]string, len(k.Values))
		for i, v := range k.Values {
			vals[i] = v.Text
		}
		sort.Strings(vals)
		conds = append(conds, k.Operator.Text+"|"+strings.ToLower(k.Key.Text)+"|"+strings.Join(vals, "\x00"))
	}
	sort.Strings(conds)
	if !zeroPos(s.ConditionKey.Start) {
		parts = append(parts, "C="+strings.Join(conds, "\x01"))
	}
	return strings.Join(parts, "\x02")
}
