package catalog

import (
	"cmp"
	"slices"
	"strings"
)

// arnTemplate is a resource type's ARN format split into its partition,
// service, region, account and resource fields, each parsed as a template.
type arnTemplate struct {
	fields [5][]token
	valid  bool
	star   bool // the format holds a literal "*" (Connect's wildcard-* types)
}

func parseARNTemplate(s string) arnTemplate {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return arnTemplate{}
	}
	var t arnTemplate
	for i, p := range parts[1:] {
		t.fields[i] = parseTemplate(p, true)
		for _, tok := range t.fields[i] {
			if tok.kind == tokStar {
				t.star = true
			}
		}
	}
	t.valid = true
	return t
}

// match reports whether the split ARN fields match t. In the resource
// field a placeholder stands for one or more characters other than "/" and
// ":", so that instance/${InstanceId} does not match a queue's
// instance/i-1/queue/q-1; when loose is set, a placeholder that ends the
// format may also span "/" and ":", for names with paths
// (role/${RoleNameWithPath}, ${BucketName}/${ObjectName}).
func (t *arnTemplate) match(fields *[5]string, loose bool) bool {
	if !t.valid {
		return false
	}
	for i := range 4 {
		if !matchTokens(t.fields[i], fields[i], ":", false) {
			return false
		}
	}
	return matchTokens(t.fields[4], fields[4], "/:", loose)
}

// splitARN splits an ARN into its partition, service, region, account and
// resource fields. The resource field keeps any further colons.
func splitARN(arn string) (fields [5]string, ok bool) {
	rest, found := strings.CutPrefix(arn, "arn:")
	if !found {
		return fields, false
	}
	for i := range 4 {
		var f string
		f, rest, found = strings.Cut(rest, ":")
		if !found {
			return fields, false
		}
		fields[i] = f
	}
	fields[4] = rest
	return fields, rest != ""
}

// MatchesARN reports whether arn has the resource type's ARN format. ${...}
// placeholders stand for any non-empty text without "/" or ":", except one
// that ends the format, which may span them when no placeholder-per-segment
// reading fits (IAM role paths, S3 object keys).
func (rt *ResourceType) MatchesARN(arn string) bool {
	fields, ok := splitARN(arn)
	if !ok {
		return false
	}
	return rt.arn.match(&fields, false) || rt.arn.match(&fields, true)
}

// ResourceFor returns the entry of the resource type the action takes whose
// ARN format arn has, matched as ClassifyARN matches (the strict reading
// first, for all the action's resource types, then the loose one). It
// reports false if the action takes no resource of that shape, which for an
// action without resource-level permissions is always.
func (a *Action) ResourceFor(arn string) (ActionResource, bool) {
	fields, ok := splitARN(arn)
	if !ok {
		return ActionResource{}, false
	}
	for _, loose := range []bool{false, true} {
		for _, r := range a.Resources {
			if r.Type.arn.match(&fields, loose) {
				return r, true
			}
		}
	}
	return ActionResource{}, false
}

// ClassifyARN returns the resource types whose ARN format arn has, across
// every service whose resource types live in the ARN's namespace (Amazon
// Connect's ai-agent is a wisdom ARN, for instance). Placeholders match as
// MatchesARN describes, but the loose reading is tried only when no
// resource type matches the strict one, so that
// arn:aws:connect:us-east-1:111122223333:instance/i-1/queue/q-1 is a queue
// and not an instance.
//
// The result lists the ARN's own service's types first; within a service,
// formats without a literal "*" (Connect's wildcard-queue and the like) come
// before those with one, then by name. Wildcards in arn are compared as
// ordinary characters, so a policy's
// arn:aws:connect:*:*:instance/*/queue/* is classified as a queue.
// ClassifyARN returns nil if arn is not an ARN or matches no format.
func (c *Catalog) ClassifyARN(arn string) []*ResourceType {
	fields, ok := splitARN(arn)
	if !ok {
		return nil
	}
	owners := c.arnOwners[fields[1]]
	var out []*ResourceType
	for _, loose := range []bool{false, true} {
		for _, i := range owners {
			for _, rt := range c.slot(i).ResourceTypes {
				if rt.arn.match(&fields, loose) {
					out = append(out, rt)
				}
			}
		}
		if len(out) > 0 {
			break
		}
	}
	own := fields[1]
	slices.SortStableFunc(out, func(a, b *ResourceType) int {
		if ao, bo := a.Service.Prefix == own, b.Service.Prefix == own; ao != bo {
			if ao {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(a.Service.Prefix, b.Service.Prefix); c != 0 {
			return c
		}
		if a.arn.star != b.arn.star {
			if b.arn.star {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.Name, b.Name)
	})
	return out
}
