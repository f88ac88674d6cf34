package validate

import (
	"unicode/utf8"

	"github.com/connect-iam/connect-iam/policy"
)

// quota is the size limit of a policy type.
type quota struct {
	code       string
	limit      int
	whitespace bool // whether whitespace counts
	what       string
}

// quotaFor returns the size quota of the validator's policy type, or
// false when it has none.
func (v *Validator) quotaFor() (quota, bool) {
	switch v.opts.PolicyType {
	case IdentityPolicy, PermissionsBoundary:
		return quota{"POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA", 6144, false, "managed policies"}, true
	case RoleTrustPolicy:
		return quota{"POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA", 2048, false, "role trust policies (by default; it can be raised to 4,096)"}, true
	case ServiceControlPolicy:
		return quota{"POLICY_SIZE_EXCEEDS_SCP_QUOTA", 5120, true, "service control policies"}, true
	case ResourceControlPolicy:
		return quota{"POLICY_SIZE_EXCEEDS_RCP_QUOTA", 5120, true, "resource control policies"}, true
	case SessionPolicy:
		return quota{"POLICY_SIZE_EXCEEDS_SESSION_POLICY_QUOTA", 2048, false, "session policies"}, true
	case ResourcePolicy:
		if v.resType != nil && v.resType.quota > 0 {
			return quota{"POLICY_SIZE_EXCEEDS_RESOURCE_POLICY_QUOTA", v.resType.quota, false, v.resType.name + " policies"}, true
		}
	}
	return quota{}, false
}

// PolicySize returns the size of a policy as IAM counts it: characters,
// with or without whitespace (space, tab, line feed, carriage return).
func PolicySize(src []byte, countWhitespace bool) int {
	n := 0
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		i += size
		if !countWhitespace && (r == ' ' || r == '\t' || r == '\n' || r == '\r') {
			continue
		}
		n++
	}
	return n
}

func (c *checker) checkSize() {
	q, ok := c.v.quotaFor()
	if !ok {
		return
	}
	n := PolicySize(c.src, q.whitespace)
	if n <= q.limit {
		return
	}
	var sp policy.Span
	if c.p != nil {
		sp = topSpan(c.p)
	} else {
		sp = policy.Span{Start: policy.Pos{Line: 1, Column: 1}, End: policy.Pos{Line: 1, Column: 1}}
	}
	ws := "excluding whitespace"
	if q.whitespace {
		ws = "including whitespace"
	}
	c.report(q.code, path{}, sp, "The policy has "+itoa(n)+" characters "+ws+", more than the "+itoa(q.limit)+" allowed for "+q.what+". Split it or use wildcards for related actions.")
}

// SizeQuota returns the size quota of the validator's policy type, in
// characters (counting whitespace or not, as PolicySize takes it), and
// whether the type has one. Callers that accept documents from the
// network use it to refuse a document far over its quota before parsing.
func (v *Validator) SizeQuota() (limit int, countWhitespace, ok bool) {
	q, ok := v.quotaFor()
	return q.limit, q.whitespace, ok
}
