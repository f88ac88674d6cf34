package validate

import (
	"strings"

	"github.com/connect-iam/connect-iam/policy"
)

// partitions are the AWS partitions.
var partitions = map[string]bool{
	"aws": true, "aws-cn": true, "aws-us-gov": true, "aws-iso": true,
	"aws-iso-b": true, "aws-iso-e": true, "aws-iso-f": true, "aws-eusc": true,
}

func (c *checker) checkResources(s *stmt) {
	b := s.Resource
	if b == nil {
		return
	}
	bp := s.elem(resourceName(b))
	if b.IsArray && len(b.Values) == 0 {
		c.report("EMPTY_ARRAY_RESOURCE", bp, b.Key, "The "+resourceName(b)+" array is empty, so the statement applies to no resource. Add resources or remove the statement.")
		return
	}
	for i := range b.Values {
		v := &b.Values[i]
		if v.Kind != policy.KindString {
			continue
		}
		c.checkARN(s, valuePath(bp, b.IsArray, i), v)
	}
	// Redundant resources: a value another value of the element matches.
	for i := range b.Values {
		vi := &b.Values[i]
		for j := range b.Values {
			vj := &b.Values[j]
			if i == j || vi.Kind != policy.KindString || vj.Kind != policy.KindString || strings.Contains(vj.Text, "${") {
				continue
			}
			same := vi.Text == vj.Text
			if (same && j < i) || (!same && globMatch(vj.Text, vi.Text)) {
				c.report("REDUNDANT_RESOURCE", valuePath(bp, b.IsArray, i), vi.Span,
					"The resource "+quote(vi.Text)+" is redundant: "+quote(vj.Text)+" at line "+itoa(vj.Span.Start.Line)+" already matches it. Remove it.")
				break
			}
		}
	}
}

// checkARN checks the syntax of one Resource value.
func (c *checker) checkARN(s *stmt, vp path, v *policy.String) {
	t := v.Text
	if t == "*" {
		return
	}
	a := splitARN(t)
	if a.prefix != "arn" {
		if strings.EqualFold(a.prefix, "arn") || a.n >= 6 {
			c.report("INVALID_ARN_PREFIX", vp, v.Span, "The resource "+quote(t)+" must start with \"arn:\" (lowercase).", "arn"+t[len(a.prefix):])
		} else {
			c.report("INVALID_ARN_PREFIX", vp, v.Span, "The resource "+quote(t)+" is not an ARN. Write an ARN (arn:partition:service:region:account:resource) or \"*\".")
		}
		return
	}
	if a.n < 6 || a.service == "" || a.resource == "" {
		c.report("MISSING_ARN_FIELD", vp, v.Span, "The resource "+quote(t)+" is missing fields: an ARN has the form arn:partition:service:region:account:resource.")
		return
	}
	if !hasWildcard(a.partition) && !partitions[a.partition] {
		sugg := closest(a.partition, []string{"aws", "aws-cn", "aws-us-gov"}, 1)
		c.report("INVALID_PARTITION", vp, v.Span, "The partition "+quote(a.partition)+" of the resource "+quote(t)+" does not exist. Use aws, aws-cn or aws-us-gov.", sugg...)
	}
	if a.service != strings.ToLower(a.service) {
		c.report("INVALID_ARN_SERVICE_CASE", vp, v.Span, "The service "+quote(a.service)+" in the ARN must be lowercase.", strings.Replace(t, ":"+a.service+":", ":"+strings.ToLower(a.service)+":", 1))
	}
	if a.region != "" && !hasWildcard(a.region) && !regionRE.MatchString(a.region) {
		c.report("INVALID_ARN_REGION", vp, v.Span, "The Region "+quote(a.region)+" of the resource "+quote(t)+" is not a Region code. Use a code such as us-east-1, or *.")
	}
	if a.account != "" && !hasWildcard(a.account) && !isAccountID(a.account) && a.account != "aws" {
		c.report("INVALID_ARN_ACCOUNT", vp, v.Span, "The account "+quote(a.account)+" of the resource "+quote(t)+" is not a 12-digit account ID. Use the account ID, or *.")
	}
	if c.v.resType != nil && !strings.EqualFold(a.service, c.v.resType.service) && !hasWildcard(a.service) {
		c.report("UNSUPPORTED_RESOURCE_ARN_IN_POLICY", vp, v.Span, "The resource "+quote(t)+" is not a resource of "+c.v.resType.name+": a policy attached to it can name only "+c.v.resType.service+" resources.")
	}
	if a.partition == "*" && a.service == "*" || hasOnlyWildcards(a) {
		c.report("RESOURCE_EFFECTIVELY_STAR", vp, v.Span, "The resource "+quote(t)+" matches every ARN. Write \"*\" or, better, name the resources.", "*")
		return
	}
	if c.v.cat == nil || hasWildcard(a.service) {
		return
	}
	si := c.v.cat.service(a.service)
	if si == nil || len(si.resList) == 0 {
		return
	}
	if a.region != "" && !hasWildcard(a.region) && !si.hasRegion {
		c.report("ARN_REGION_NOT_ALLOWED", vp, v.Span, "The service "+si.prefix+" does not support specifying a Region in the resource ARN: its resources are global. Remove "+quote(a.region)+".")
	}
	if a.region == "" && !si.noRegion {
		c.report("MISSING_ARN_REGION", vp, v.Span, "The resource "+quote(t)+" has no Region, but every resource of "+si.prefix+" has one. Add the Region, or * for every Region.")
	}
	if a.account != "" && !hasWildcard(a.account) && !si.hasAccount {
		c.report("ARN_ACCOUNT_NOT_ALLOWED", vp, v.Span, "The service "+si.prefix+" does not support specifying an account ID in the resource ARN. Remove "+quote(a.account)+".")
	}
}

func hasOnlyWildcards(a parsedARN) bool {
	for _, f := range []string{a.partition, a.service, a.region, a.account, a.resource} {
		if strings.Trim(f, "*") != "" {
			return false
		}
	}
	return true
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
