package validate

import (
	"strings"

	"github.com/connect-iam/connect-iam/policy"
)

// This file holds checks beyond Access Analyzer's, from the linters
// security teams run (AWS Config, Security Hub, Cloudsplaining,
// parliament's community auditors, Checkov and KICS); docs/validate.md
// lists them under "Beyond Access Analyzer".

// placeholderFields are field values copied from documentation that
// stand for a value to fill in, lowercase.
var placeholderFields = map[string]bool{
	"region": true, "aws-region": true, "region-code": true, "regioncode": true,
	"account": true, "account-id": true, "account_id": true, "accountid": true, "aws-account-id": true,
	"partition": true, "aws-partition": true,
}

// checkPlaceholders reports ARN fields that are documentation
// placeholders: arn:aws:connect:region:account-id:instance/...,
// ${Region}, <account-id>.
func (c *checker) checkPlaceholders(vp path, v *policy.String, a parsedARN, off [6]int) {
	fields := [...]string{a.prefix, a.partition, a.service, a.region, a.account, a.resource}
	for i := 1; i < 6; i++ {
		f := fields[i]
		ph := ""
		switch {
		case (i == 1 || i == 3 || i == 4) && placeholderFields[strings.ToLower(f)]:
			ph = f
		case strings.HasPrefix(f, "<") && strings.Contains(f, ">"):
			ph = f[:strings.IndexByte(f, '>')+1]
		default:
			ph = catalogPlaceholder(f)
		}
		if ph == "" {
			continue
		}
		at := strings.Index(f, ph)
		c.report("PLACEHOLDER_IN_ARN", vp.sub(off[i]+at, len(ph)), fieldSpan(v, off[i]+at, len(ph)),
			"The resource "+quote(v.Text)+" contains the placeholder "+quote(ph)+" from documentation, which matches no real resource. Replace it with the real value, or * for any.")
		return
	}
}

// catalogPlaceholder returns the first ${Name} in s whose name has no
// colon (the Service Authorization Reference's ${Region}, ${Account},
// ${InstanceId}): not a policy variable, which names a condition key.
func catalogPlaceholder(s string) string {
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			return ""
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return ""
		}
		name := s[i+2 : i+j]
		if name != "*" && name != "?" && name != "$" && name != "" && !strings.ContainsAny(name, ":, '") {
			return s[i : i+j+1]
		}
		s = s[i+j+1:]
	}
}

// destructivePrefixes begin the names of actions that destroy resources
// or data.
var destructivePrefixes = []string{"delete", "terminate", "remove", "destroy", "purge", "disassociate", "detach", "disable", "stop"}

// checkLinters runs the beyond-Access-Analyzer checks on an Allow
// statement of an identity-side policy.
func (c *checker) checkLinters(s *stmt) {
	if s.Effect != policy.Allow || s.EffectNode == nil || s.Action == nil || s.Resource == nil {
		return
	}
	unconditioned := len(s.Conditions) == 0 && zeroPos(s.ConditionKey.Start)
	if s.Resource.Not {
		c.checkNotResourceAllow(s)
		return
	}
	star := false
	for _, v := range s.Resource.Values {
		star = star || v.Kind == policy.KindString && v.Text == "*"
	}
	if !star || !unconditioned || s.Action.Not {
		return
	}
	ap := s.elem("Action")
	admin := false
	fullSvc := map[string]bool{} // services granted in full: their findings say the rest
	for i := range s.Action.Values {
		v := &s.Action.Values[i]
		svc, name, _ := strings.Cut(v.Text, ":")
		switch {
		case v.Text == "*" || v.Text == "*:*":
			admin = true
			c.report("FULL_ADMIN_ACCESS", valuePath(ap, s.Action.IsArray, i), v.Span, "The statement allows every action (\"*\") on every resource without a condition: full administrator access. Grant only the actions and resources needed.")
		case name == "*" && svc != "" && !hasGlob(svc):
			fullSvc[strings.ToLower(svc)] = true
			c.report("FULL_SERVICE_ACCESS", valuePath(ap, s.Action.IsArray, i), v.Span, "The statement allows every action of "+svc+" ("+quote(v.Text)+") on every resource without a condition, including its permissions-management and destructive actions. Grant only the actions and resources needed.")
		}
	}
	if s.c.v.cat == nil || admin {
		return // the full-access finding already says it all
	}
	var perms, destroy []string
	for _, ar := range s.catalogActions() {
		switch {
		case fullSvc[ar.svc.prefix]:
		case accessLevelIncludes(ar.def.AccessLevel, "Permissions management"):
			perms = append(perms, ar.full)
		case accessLevelIncludes(ar.def.AccessLevel, "Write") && hasAnyPrefix(ar.lname, destructivePrefixes):
			destroy = append(destroy, ar.full)
		}
	}
	if len(perms) > 0 {
		c.report("PERMISSIONS_MANAGEMENT_ON_ALL_RESOURCES", s.path.key("Action"), s.Action.Key, "The statement allows permissions-management actions on every resource without a condition: "+listSome(perms, 5)+". Whoever holds them can change who has access. Name the resources or add conditions.")
	}
	if len(destroy) > 0 {
		c.report("DESTRUCTIVE_ACTION_ON_ALL_RESOURCES", s.path.key("Action"), s.Action.Key, "The statement allows destructive actions on every resource without a condition: "+listSome(destroy, 5)+". Name the resources or add conditions.")
	}
}

// checkNotResourceAllow reports Allow with NotResource on actions other
// than iam:PassRole and iam:CreateServiceLinkedRole, which have their own
// Access Analyzer codes.
func (c *checker) checkNotResourceAllow(s *stmt) {
	for _, v := range s.Action.Values {
		lv := strings.ToLower(v.Text)
		if lv != "iam:passrole" && lv != "iam:createservicelinkedrole" {
			c.report("NOTRESOURCE_WITH_ALLOW", s.path.key("NotResource"), s.Resource.Key, "Allow with NotResource allows the actions on every resource not listed, including resources created later and in other services' namespaces. List the resources in Resource instead.")
			return
		}
	}
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// accessLevelIncludes reports whether an access level as the data states
// it ("Permissions management, Write") includes level.
func accessLevelIncludes(l, level string) bool {
	for _, part := range strings.Split(l, ",") {
		if strings.EqualFold(strings.TrimSpace(part), level) {
			return true
		}
	}
	return false
}
