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

// checkARN checks the syntax of one Resource value. Findings about one
// field (partition, service, Region, account, resource) point at that
// field, as Access Analyzer's do.
func (c *checker) checkARN(s *stmt, vp path, v *policy.String) {
	t := v.Text
	if t == "*" {
		return
	}
	a := splitARN(t)
	if a.prefix != "arn" {
		if strings.EqualFold(a.prefix, "arn") || a.n >= 6 {
			c.report("INVALID_ARN_PREFIX", vp.sub(0, len(a.prefix)), fieldSpan(v, 0, len(a.prefix)), "The resource "+quote(t)+" must start with \"arn:\" (lowercase).", "arn"+t[len(a.prefix):])
		} else {
			c.report("INVALID_ARN_PREFIX", vp, v.Span, "The resource "+quote(t)+" is not an ARN. Write an ARN (arn:partition:service:region:account:resource) or \"*\".")
		}
		return
	}
	if a.n < 6 || a.service == "" || a.resource == "" {
		c.report("MISSING_ARN_FIELD", vp, v.Span, "The resource "+quote(t)+" is missing fields: an ARN has the form arn:partition:service:region:account:resource.")
		return
	}
	off := a.offsets()
	field := func(i int, text string) (path, policy.Span) {
		return vp.sub(off[i], len(text)), fieldSpan(v, off[i], len(text))
	}
	if !hasWildcard(a.partition) && !partitions[a.partition] {
		sugg := closest(a.partition, []string{"aws", "aws-cn", "aws-us-gov"}, 1)
		fp, fs := field(1, a.partition)
		c.report("INVALID_PARTITION", fp, fs, "The partition "+quote(a.partition)+" of the resource "+quote(t)+" does not exist. Use aws, aws-cn or aws-us-gov."+didYouMean(sugg), sugg...)
	}
	if a.service != strings.ToLower(a.service) {
		fp, fs := field(2, a.service)
		c.report("INVALID_ARN_SERVICE_CASE", fp, fs, "The service "+quote(a.service)+" in the ARN must be lowercase.", strings.Replace(t, ":"+a.service+":", ":"+strings.ToLower(a.service)+":", 1))
	}
	if hasGlob(a.service) && !hasOnlyWildcards(a) {
		fp, fs := field(2, a.service)
		c.report("WILDCARD_IN_SERVICE_NAME", fp, fs, "The service "+quote(a.service)+" of the resource "+quote(t)+" has a wildcard, so it may match the resources of other services, including services added later. Name the service.")
	}
	if a.region != "" && !hasWildcard(a.region) && !isRegion(a.region, a.partition) {
		fp, fs := field(3, a.region)
		sugg := closest(a.region, partitionRegions(a.partition), 1)
		c.report("INVALID_ARN_REGION", fp, fs, "The Region "+quote(a.region)+" of the resource "+quote(t)+" is not a Region code"+regionHint(a.region, a.partition)+". Use a Region code such as us-east-1, or *."+didYouMean(sugg), sugg...)
	}
	if a.account != "" && !hasWildcard(a.account) && !isAccountID(a.account) && a.account != "aws" {
		fp, fs := field(4, a.account)
		c.report("INVALID_ARN_ACCOUNT", fp, fs, "The account "+quote(a.account)+" of the resource "+quote(t)+" is not a 12-digit account ID. Use the account ID, or *.")
	}
	c.checkPlaceholders(vp, v, a, off)
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
	si := c.v.cat.service(strings.ToLower(a.service))
	if si == nil || len(si.resList) == 0 {
		return
	}
	c.checkARNType(vp, v, a, off, si)
}

// checkARNType checks an ARN against the ARN formats of its service's
// resource types, decided per resource type: the types whose resource part
// the value can match decide whether the ARN needs, or must not have, a
// Region and an account.
func (c *checker) checkARNType(vp path, v *policy.String, a parsedARN, off [6]int, si *svcIndex) {
	t := v.Text
	res := policyGlob(a.resource)
	var fits []*resInfo
	for _, ri := range si.resList {
		if ri.pattern.ok && ri.pattern.service == si.prefix && globIntersect(res, ri.pattern.resource) {
			fits = append(fits, ri)
		}
	}
	if len(fits) == 0 {
		// A resource part may stop before the format's last segments
		// (stack/NAME for stack/${StackName}/${Id}).
		for _, ri := range si.resList {
			if ri.pattern.ok && ri.pattern.service == si.prefix && globIntersect(res+"/"+string(rune(wAny)), ri.pattern.resource) {
				fits = append(fits, ri)
			}
		}
	}
	// Only a resource part written out in full is judged: a pattern with
	// wildcards or variables may be meant for resources the catalog's
	// formats describe differently (AWS's own managed policies have such
	// ARNs).
	if len(fits) == 0 && !hasWildcard(a.resource) && !acceptedOutsideFormats(si.prefix, a.resource) {
		var formats, names []string
		for _, ri := range si.resList {
			if ri.pattern.ok && ri.pattern.service == si.prefix {
				formats = append(formats, ri.def.ARN)
				names = append(names, resourcePart(ri.def.ARN))
			}
		}
		if len(formats) == 0 {
			return
		}
		sugg := closestResource(a.resource, names)
		msg := "The resource part " + quote(a.resource) + " of the ARN " + quote(t) + " does not match the ARN format of any " + si.prefix + " resource type."
		if sugg != "" {
			msg += " Did you mean the format " + quote(sugg) + "?"
		} else {
			msg += " The formats are " + strings.Join(quoteAll(firstN(formats, 6)), ", ")
			if len(formats) > 6 {
				msg += " and " + itoa(len(formats)-6) + " more"
			}
			msg += "."
		}
		c.report("INVALID_ARN_RESOURCE", vp.sub(off[5], len(a.resource)), fieldSpan(v, off[5], len(a.resource)), msg)
		return
	}
	if len(fits) == 0 {
		return
	}
	needRegion, noRegion, needAccount, noAccount := true, true, true, true
	var typeNames []string
	for _, ri := range fits {
		needRegion = needRegion && ri.pattern.region
		noRegion = noRegion && !ri.pattern.region
		needAccount = needAccount && ri.pattern.account
		noAccount = noAccount && !ri.pattern.account
		typeNames = append(typeNames, ri.def.Name)
	}
	types := "the " + si.prefix + " resource type " + quote(typeNames[0])
	if len(typeNames) > 1 {
		types = "the " + si.prefix + " resource types " + strings.Join(quoteAll(firstN(typeNames, 4)), ", ")
	}
	switch {
	case a.region == "" && needRegion:
		c.report("MISSING_ARN_REGION", vp.sub(off[3], 0), fieldSpan(v, off[3], 0), "The resource "+quote(t)+" has no Region, but the ARNs of "+types+" have one. Add the Region, or * for every Region.")
	case a.region != "" && !hasWildcard(a.region) && noRegion:
		c.report("ARN_REGION_NOT_ALLOWED", vp.sub(off[3], len(a.region)), fieldSpan(v, off[3], len(a.region)), "The ARNs of "+types+" have no Region: remove "+quote(a.region)+" from the resource "+quote(t)+".")
	}
	switch {
	case a.account == "" && needAccount && !awsOwnedNamespace[si.prefix] && strings.Trim(a.resource, "*") != "":
		c.report("MISSING_ARN_ACCOUNT", vp.sub(off[4], 0), fieldSpan(v, off[4], 0), "The resource "+quote(t)+" has no account ID, but the ARNs of "+types+" have one. Add the 12-digit account ID, or * for every account.")
	case a.account != "" && !hasWildcard(a.account) && noAccount:
		c.report("ARN_ACCOUNT_NOT_ALLOWED", vp.sub(off[4], len(a.account)), fieldSpan(v, off[4], len(a.account)), "The ARNs of "+types+" have no account ID: remove "+quote(a.account)+" from the resource "+quote(t)+".")
	}
}

// acceptedOutsideFormats reports resource parts IAM accepts that no ARN
// format of the catalog describes: API paths ("/v2/apis", "/workspaces"),
// which API Gateway, Amazon Managed Grafana, Prometheus and RoboMaker
// authorize, and the account root ("arn:aws:iam::ACCOUNT:root"). AWS's
// own managed policies use both.
func acceptedOutsideFormats(service, resource string) bool {
	return strings.HasPrefix(resource, "/") || (service == "iam" || service == "sts") && resource == "root"
}

// awsOwnedNamespace lists the services whose resources AWS itself publishes
// with an empty account field (SSM documents and public parameters such as
// arn:aws:ssm:*::document/AWS-RunShellScript, Resource Explorer's AWS
// service views, public EC2 images and snapshots), so that an ARN without
// account there is not MISSING_ARN_ACCOUNT.
var awsOwnedNamespace = map[string]bool{"ssm": true, "resource-explorer-2": true, "ec2": true}

// resourcePart returns the resource part of an ARN format.
func resourcePart(format string) string {
	parts := strings.SplitN(format, ":", 6)
	if len(parts) < 6 {
		return format
	}
	return parts[5]
}

// closestResource returns the resource format nearest to the resource
// part r by the spelling of its literal prefix (tabel/orders → table/${TableName}),
// or "".
func closestResource(r string, formats []string) string {
	head := func(s string) string {
		if i := strings.IndexAny(s, "/:"); i >= 0 {
			return s[:i]
		}
		return s
	}
	heads := make([]string, 0, len(formats))
	byHead := map[string]string{}
	for _, f := range formats {
		h := head(f)
		if h == "" || strings.Contains(h, "${") {
			continue
		}
		if prev, dup := byHead[h]; !dup {
			heads = append(heads, h)
			byHead[h] = f
		} else if len(f) < len(prev) {
			byHead[h] = f // the shortest format of that type: table/${TableName}
		}
	}
	if h := closest(head(r), heads, 1); len(h) == 1 {
		return byHead[h[0]]
	}
	return ""
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = quote(s)
	}
	return out
}

func firstN(ss []string, n int) []string {
	if len(ss) > n {
		return ss[:n]
	}
	return ss
}

// partitionRegions returns the Region codes of a partition, or of every
// partition when it is unknown.
func partitionRegions(p string) []string {
	if rs, ok := regionsByPartition[p]; ok {
		return rs
	}
	return allRegions
}

// fieldSpan is the span of n bytes at offset off of a string value's text:
// exact when the value has no escapes and is on one line, the whole value
// otherwise.
func fieldSpan(v *policy.String, off, n int) policy.Span {
	sp := v.Span
	if v.Kind != policy.KindString || sp.End.Offset-sp.Start.Offset != len(v.Text)+2 || sp.Start.Line != sp.End.Line || off+n > len(v.Text) {
		return sp
	}
	start := sp.Start
	start.Offset += 1 + off
	start.Column += 1 + len([]rune(v.Text[:off]))
	end := start
	end.Offset += n
	end.Column += len([]rune(v.Text[off : off+n]))
	return policy.Span{Start: start, End: end}
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
