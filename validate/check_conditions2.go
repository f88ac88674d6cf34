package validate

import (
	"strings"

	"github.com/connect-iam/connect-iam/policy"
)

// This file holds the condition checks Access Analyzer added after 2023
// and the ones whose rules the reference states without a published
// table; docs/validate.md says how each was decided.

// operatorFor names the operator of family f that does what op does:
// NumericLessThan for DateLessThan on a Numeric key, NotIpAddress for
// StringNotEquals on an IP key.
func operatorFor(f policy.Family, op policy.Operator) string {
	neg := op.Base.Negated()
	name := op.Base.String()
	cmp := ""
	for _, c := range []string{"LessThanEquals", "GreaterThanEquals", "LessThan", "GreaterThan"} {
		if strings.HasSuffix(name, c) {
			cmp = c
			break
		}
	}
	like := strings.Contains(name, "Like")
	var out string
	switch f {
	case policy.FamilyString:
		switch {
		case like && neg:
			out = "StringNotLike"
		case like:
			out = "StringLike"
		case neg:
			out = "StringNotEquals"
		default:
			out = "StringEquals"
		}
	case policy.FamilyARN:
		if neg {
			out = "ArnNotLike"
		} else {
			out = "ArnLike"
		}
	case policy.FamilyNumeric, policy.FamilyDate:
		prefix := map[policy.Family]string{policy.FamilyNumeric: "Numeric", policy.FamilyDate: "Date"}[f]
		switch {
		case cmp != "":
			out = prefix + cmp
		case neg:
			out = prefix + "NotEquals"
		default:
			out = prefix + "Equals"
		}
	case policy.FamilyBool:
		out = "Bool"
	case policy.FamilyIP:
		if neg {
			out = "NotIpAddress"
		} else {
			out = "IpAddress"
		}
	case policy.FamilyBinary:
		out = "BinaryEquals"
	default:
		return ""
	}
	if op.Set != policy.SetNone {
		out = op.Set.String() + ":" + out
	}
	if op.IfExists {
		out += "IfExists"
	}
	return out
}

// article returns "a" or "an" for the word that follows: "an IP
// operator", "an ARN", "an identity-based policy", "a String operator".
func article(word string) string {
	if word == "" {
		return "a"
	}
	switch word[0] {
	case 'a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O', 'U':
		return "an"
	}
	// Initialisms read letter by letter: an RCP, an SCP, an MFA.
	if len(word) > 1 && strings.ToUpper(word[:2]) == word[:2] && strings.ContainsRune("FHLMNRSX", rune(word[0])) {
		return "an"
	}
	return "a"
}

// kmsKeyValues are the values KMS defines for its enumerated condition
// keys (AWS KMS Developer Guide, condition keys; the API reference's
// enums), lowercase key → values.
var kmsKeyValues = map[string][]string{
	"kms:keyusage":  {"ENCRYPT_DECRYPT", "SIGN_VERIFY", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"},
	"kms:keyorigin": {"AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"},
	"kms:keyspec": {"SYMMETRIC_DEFAULT", "RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384",
		"ECC_NIST_P521", "ECC_SECG_P256K1", "ECC_NIST_EDWARDS25519", "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512", "SM2",
		"ML_DSA_44", "ML_DSA_65", "ML_DSA_87"},
	"kms:customermasterkeyspec": {"SYMMETRIC_DEFAULT", "RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256",
		"ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1", "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512", "SM2"},
	"kms:customermasterkeyusage": {"ENCRYPT_DECRYPT", "SIGN_VERIFY", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"},
	"kms:encryptionalgorithm":    {"SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"},
	"kms:signingalgorithm": {"RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512",
		"RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512",
		"ECDSA_SHA_256", "ECDSA_SHA_384", "ECDSA_SHA_512", "ED25519_SHA_512", "ED25519_PH_SHA_512", "SM2DSA", "ML_DSA_SHAKE_256"},
	"kms:macalgorithm":          {"HMAC_SHA_224", "HMAC_SHA_256", "HMAC_SHA_384", "HMAC_SHA_512"},
	"kms:keyagreementalgorithm": {"ECDH"},
	"kms:wrappingalgorithm": {"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "RSA_AES_KEY_WRAP_SHA_1",
		"RSA_AES_KEY_WRAP_SHA_256", "SM2PKE"},
	"kms:wrappingkeyspec":      {"RSA_2048", "RSA_3072", "RSA_4096", "SM2"},
	"kms:expirationmodel":      {"KEY_MATERIAL_EXPIRES", "KEY_MATERIAL_DOES_NOT_EXPIRE"},
	"kms:multiregionkeytype":   {"PRIMARY", "REPLICA"},
	"kms:keymaterialtype":      {"CURRENT", "NEW"},
	"kms:rotationperiodindays": nil, // numeric: not an enumeration
}

// deprecatedGlobalKeys maps deprecated global keys (lowercase) to the keys
// that replace them.
var deprecatedGlobalKeys = map[string]string{
	// Amazon SNS documented aws:SourceOwner for the account of the
	// publishing resource before aws:SourceAccount existed; the global
	// condition keys page lists only aws:SourceAccount.
	"aws:sourceowner": "aws:SourceAccount",
}

// servicePrincipalOnlyKeys are the keys that describe a service principal:
// in identity-side policies, which never apply to one, they are
// irrelevant (aws:PrincipalIsAWSService is always false there).
var servicePrincipalOnlyKeys = map[string]bool{
	"aws:principalservicename": true, "aws:principalservicenameslist": true, "aws:principalisawsservice": true,
}

// requestControlledKeys are keys whose value the caller chooses in the
// request: as a policy variable in an Allow they let the caller pick the
// resource or the value the condition compares with.
var requestControlledKeys = []string{"aws:requesttag/", "aws:useragent", "aws:referer", "s3:prefix", "s3:delimiter"}

// identityKeys are the keys that restrict whose request, or which
// account's resource, a statement applies to: a wildcard that covers
// every value leaves the restriction without effect.
var identityKeys = map[string]bool{
	"aws:principalarn": true, "aws:principalaccount": true, "aws:principalorgid": true, "aws:principalorgpaths": true,
	"aws:sourcearn": true, "aws:sourceaccount": true, "aws:sourceorgid": true, "aws:sourceorgpaths": true,
	"aws:resourceaccount": true, "aws:resourceorgid": true, "aws:resourceorgpaths": true,
	"aws:sourcevpc": true, "aws:sourcevpce": true, "aws:vpceaccount": true, "aws:vpceorgid": true,
}

// checkNewerConditions runs the condition checks added to Access Analyzer
// since 2023, and the ones needing a table the reference does not publish.
func (c *checker) checkNewerConditions(s *stmt, k *cond) {
	if repl, ok := deprecatedGlobalKeys[k.lkey]; ok {
		c.report("DEPRECATED_GLOBAL_CONDITION_KEY", k.keyP.key(k.Key.Text), k.Key.Span, "The condition key "+quote(k.Key.Text)+" is deprecated. We recommend that you update it to use the newer condition key "+repl+".", repl)
	}
	switch c.v.opts.PolicyType {
	case IdentityPolicy, PermissionsBoundary, SessionPolicy, ServiceControlPolicy:
		if servicePrincipalOnlyKeys[k.lkey] {
			c.report("IRRELEVANT_CONDITION_KEY_IN_POLICY", k.opP.key(k.Key.Text), k.Key.Span, "The condition key "+quote(k.Key.Text)+" describes a service principal, and "+article(policyNoun(c.v.opts.PolicyType))+" "+policyNoun(c.v.opts.PolicyType)+" never applies to one: the key is not relevant here. Remove it, or move it to a resource-based policy.")
		}
	}
	if !k.opOK {
		return
	}
	fam := k.op.Base.Family()
	if vals, ok := kmsKeyValues[k.lkey]; ok && vals != nil && fam == policy.FamilyString {
		like := k.op.Base == policy.OpStringLike || k.op.Base == policy.OpStringNotLike
		for i := range k.Values {
			v := &k.Values[i]
			if v.Kind != policy.KindString || strings.Contains(v.Text, "${") || like && hasGlob(v.Text) {
				continue
			}
			if !containsFold(vals, v.Text, k.op.Base == policy.OpStringEqualsIgnoreCase || k.op.Base == policy.OpStringNotEqualsIgnoreCase) {
				sugg := closest(v.Text, vals, 1)
				c.report("INVALID_KMS_KEY_VALUE", valuePath(k.keyP, k.IsArray, i), v.Span, "The value "+quote(v.Text)+" is not a valid value of "+k.Key.Text+": AWS KMS defines "+strings.Join(firstN(vals, 8), ", ")+moreOf(vals, 8)+"."+didYouMean(sugg), sugg...)
			}
		}
	}
	if s.Effect != policy.Allow || s.EffectNode == nil {
		return
	}
	if identityKeys[k.lkey] && (fam == policy.FamilyString || fam == policy.FamilyARN) && !k.op.Base.Negated() {
		like := k.op.Base == policy.OpStringLike || fam == policy.FamilyARN
		for i := range k.Values {
			v := &k.Values[i]
			if v.Kind != policy.KindString || !like || !matchesEveryValue(k.lkey, v.Text) {
				continue
			}
			c.report("WILDCARD_USAGE_TOO_PERMISSIVE", valuePath(k.keyP, k.IsArray, i), v.Span, "The value "+quote(v.Text)+" of "+k.Key.Text+" matches every principal, account or organization, so the condition restricts nothing. Name the values, or remove the wildcard from the account or organization part.")
		}
	}
}

// matchesEveryValue reports whether a Like pattern for an identity key
// lets any identity through: only wildcards, or a wildcard where the
// account or organization ID goes.
func matchesEveryValue(lkey, v string) bool {
	if strings.Trim(v, "*?") == "" {
		return true
	}
	switch lkey {
	case "aws:principalarn", "aws:sourcearn":
		a := splitARN(v)
		return a.n == 6 && a.prefix == "arn" && strings.Trim(a.account, "*?") == "" && a.account != "" && strings.Trim(a.resource, "*?") == ""
	case "aws:principalorgid", "aws:sourceorgid", "aws:resourceorgid", "aws:vpceorgid":
		return strings.Trim(strings.TrimPrefix(v, "o-"), "*?") == ""
	}
	return false
}

// checkVariablePermissive reports a request-controlled key used as a
// policy variable in an Allow statement's Resource or condition value.
func (c *checker) checkVariablePermissive(s *stmt, vp path, v *policy.String, where string) {
	if s.Effect != policy.Allow || s.EffectNode == nil || v.Kind != policy.KindString || !strings.Contains(v.Text, "${") {
		return
	}
	t, err := policy.ParseTemplate(v.Text)
	if err != nil {
		return
	}
	for _, sg := range t.Segments {
		if sg.Kind != policy.SegVar {
			continue
		}
		lk := strings.ToLower(sg.Text)
		for _, rk := range requestControlledKeys {
			if lk == rk || strings.HasSuffix(rk, "/") && strings.HasPrefix(lk, rk) {
				c.report("VARIABLE_USAGE_TOO_PERMISSIVE", vp.sub(sg.Offset, varLen(v.Text[sg.Offset:])), fieldSpan(v, sg.Offset, varLen(v.Text[sg.Offset:])),
					"The policy variable ${"+sg.Text+"} in "+where+" takes its value from the request, which the caller chooses, so the statement allows whatever the caller asks for. Use a key the caller cannot set, such as ${aws:PrincipalTag/...} or ${aws:username}.")
				return
			}
		}
	}
}

// policyNoun names a policy type in a sentence: "identity-based policy".
func policyNoun(t PolicyType) string {
	switch t {
	case IdentityPolicy:
		return "identity-based policy"
	case ResourcePolicy:
		return "resource-based policy"
	case ServiceControlPolicy:
		return "SCP"
	case ResourceControlPolicy:
		return "RCP"
	case RoleTrustPolicy:
		return "role trust policy"
	case SessionPolicy:
		return "session policy"
	case PermissionsBoundary:
		return "permissions boundary"
	}
	return "policy"
}

func containsFold(list []string, s string, fold bool) bool {
	for _, x := range list {
		if x == s || fold && strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func moreOf(list []string, n int) string {
	if len(list) > n {
		return " and " + itoa(len(list)-n) + " more"
	}
	return ""
}

// checkPairedKeys reports condition keys that are overly permissive
// without a related key in the same statement (MISSING_PAIRED_CONDITION_KEYS):
//
//   - aws:SourceArn with an ARN that has no account (an S3 bucket): "If
//     the aws:SourceArn doesn't contain the account ID, such as an Amazon
//     S3 bucket ARN, you must use both condition keys" (IAM User Guide,
//     cross-service confused deputy prevention), aws:SourceAccount or
//     aws:SourceOrgID;
//   - aws:VpcSourceIp without aws:SourceVpc, aws:SourceVpce or
//     aws:SourceVpcArn: the same private addresses exist in every VPC.
func (c *checker) checkPairedKeys(s *stmt) {
	has := map[string]bool{}
	for _, k := range s.Conditions {
		has[strings.ToLower(k.Key.Text)] = true
	}
	cp := s.elem("Condition")
	for _, k := range s.Conditions {
		kp := cp.val(k.Operator.Text).key(k.Key.Text)
		switch strings.ToLower(k.Key.Text) {
		case "aws:sourcearn":
			if has["aws:sourceaccount"] || has["aws:sourceorgid"] || has["aws:sourceorgpaths"] {
				continue
			}
			for _, v := range k.Values {
				if a := splitARN(v.Text); a.n == 6 && a.account == "" {
					c.report("MISSING_PAIRED_CONDITION_KEYS", kp, k.Key.Span, "Using the condition key aws:SourceArn with "+quote(v.Text)+", an ARN without account, can be overly permissive without also using aws:SourceAccount (or aws:SourceOrgID): a resource of that name may belong to any account. Add the paired key to the statement.", "aws:SourceAccount")
					break
				}
			}
		case "aws:vpcsourceip":
			if !has["aws:sourcevpc"] && !has["aws:sourcevpce"] && !has["aws:sourcevpcarn"] {
				c.report("MISSING_PAIRED_CONDITION_KEYS", kp, k.Key.Span, "Using the condition key aws:VpcSourceIp can be overly permissive without also using aws:SourceVpc or aws:SourceVpce: the same private addresses exist in every VPC. Add the paired key to the statement.", "aws:SourceVpc", "aws:SourceVpce")
			}
		}
	}
}
