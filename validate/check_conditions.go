package validate

import (
	"encoding/base64"
	"net/netip"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/connect-iam/connect-iam/policy"
)

var (
	vpcRE  = regexp.MustCompile(`^vpc-([0-9a-f]{8}|[0-9a-f]{17})$`)
	vpceRE = regexp.MustCompile(`^vpce-([0-9a-f]{8}|[0-9a-f]{17})$`)
)

// cond is a condition being checked.
type cond struct {
	*policy.Condition
	op    policy.Operator
	opOK  bool
	key   *keyInfo // nil when unknown
	opP   path     // path of the operator's value
	keyP  path     // path of the key's value
	lkey  string   // lowercase key
	isFed bool     // an identity provider's key (saml:, accounts.google.com:, ...)
}

func (c *checker) checkConditions(s *stmt) {
	if !zeroPos(s.ConditionKey.Start) && len(s.Conditions) == 0 {
		c.report("EMPTY_OBJECT_CONDITION", s.elem("Condition"), s.ConditionKey, "The Condition element is empty. Add conditions or remove it.")
	}
	cp := s.elem("Condition")
	for _, pc := range s.Conditions {
		k := &cond{Condition: pc, opP: cp.val(pc.Operator.Text), lkey: strings.ToLower(pc.Key.Text)}
		k.keyP = k.opP.val(pc.Key.Text)
		op, err := policy.ParseOperator(pc.Operator.Text)
		if err == nil {
			k.op, k.opOK = op, true
		} else if oe, ok := err.(*policy.OperatorError); ok {
			var sugg []string
			if oe.Suggestion != "" {
				sugg = []string{oe.Suggestion}
			}
			c.report(oe.Code, cp.key(pc.Operator.Text), pc.Operator.Span, oe.Error()+".", sugg...)
		}
		c.checkConditionKey(s, k)
		if k.opOK {
			c.checkConditionValues(s, k)
		}
		c.checkNewerConditions(s, k)
	}
	c.checkPairedKeys(s)
}

func (c *checker) checkConditionKey(s *stmt, k *cond) {
	name := k.Key.Text
	kp := k.opP.key(name)
	prefix, rest, ok := strings.Cut(name, ":")
	if !ok || prefix == "" || rest == "" || strings.ContainsAny(name, " \t") {
		c.report("INVALID_CONDITION_KEY_FORMAT", kp, k.Key.Span, "The condition key "+quote(name)+" is not of the form service:KeyName (for example aws:ResourceTag/Department).")
		return
	}
	lprefix := strings.ToLower(prefix)
	k.isFed = lprefix == "saml" || strings.Contains(prefix, ".")
	if i := strings.IndexByte(rest, '/'); i >= 0 && i == len(rest)-1 && strings.HasSuffix(strings.ToLower(rest), "tag/") {
		c.report("MISSING_TAG_KEY_IN_CONDITION", kp, k.Key.Span, "The condition key "+quote(name)+" names no tag key: write the tag key after the slash, as in "+prefix+":"+rest+"Department.")
		return
	}
	if lprefix == "aws" {
		if repl, bad := unsupportedGlobalKeys[k.lkey]; bad {
			c.report("UNSUPPORTED_GLOBAL_CONDITION_KEY", kp, k.Key.Span, "The global condition key "+quote(name)+" is not supported: it is never in the request context. Use "+repl+" instead.")
			return
		}
	}
	if c.v.cat == nil || k.isFed {
		return
	}
	ki, svcKnown := c.v.cat.lookupKey(name)
	k.key = ki
	if ki != nil {
		return
	}
	switch {
	case lprefix == "aws":
		sugg := closest(name, c.v.cat.keyNames("aws"), 3)
		sugg = templateSuggestions(name, sugg)
		c.report("INVALID_GLOBAL_CONDITION_KEY", kp, k.Key.Span, "The global condition key "+quote(name)+" does not exist."+didYouMean(sugg), sugg...)
	case !svcKnown:
		sugg := closest(prefix, c.v.cat.prefixes, 3)
		for i := range sugg {
			sugg[i] += ":" + rest
		}
		c.report("INVALID_SERVICE", kp.sub(0, len(prefix)), k.Key.Span, "The service "+quote(prefix)+" of the condition key "+quote(name)+" does not exist."+didYouMean(sugg), sugg...)
	default:
		sugg := templateSuggestions(name, closest(name, c.v.cat.keyNames(prefix), 3))
		c.report("INVALID_SERVICE_CONDITION_KEY", kp, k.Key.Span, "The condition key "+quote(name)+" does not exist in the service "+lprefix+"."+didYouMean(sugg), sugg...)
	}
}

// templateSuggestions turns suggested templates ("aws:ResourceTag/")
// into keys that keep the tag key of the name as written.
func templateSuggestions(name string, sugg []string) []string {
	_, tag, hasTag := strings.Cut(name, "/")
	out := sugg[:0]
	for _, s := range sugg {
		if strings.HasSuffix(s, "/") {
			if !hasTag {
				continue
			}
			s += tag
		}
		out = append(out, s)
	}
	return out
}

// familyOf maps a key type (without ArrayOf) to the operator family
// that compares it.
func familyOf(typ string) policy.Family {
	switch strings.TrimPrefix(typ, "ArrayOf") {
	case "String":
		return policy.FamilyString
	case "ARN", "Arn":
		return policy.FamilyARN
	case "Numeric", "Long", "Integer":
		return policy.FamilyNumeric
	case "Date":
		return policy.FamilyDate
	case "Bool", "Boolean":
		return policy.FamilyBool
	case "IPAddress", "IpAddress":
		return policy.FamilyIP
	case "Binary":
		return policy.FamilyBinary
	}
	return policy.FamilyInvalid
}

func (c *checker) checkConditionValues(s *stmt, k *cond) {
	op := k.op
	fam := op.Base.Family()
	opKP := s.elem("Condition").key(k.Operator.Text)
	if fam == policy.FamilyNull && op.Set != policy.SetNone {
		c.report("NULL_WITH_QUALIFIER", opKP, k.Operator.Span, "The Null operator with "+op.Set.String()+" "+map[bool]string{true: "always matches", false: "never matches"}[op.Set == policy.SetForAllValues]+". Remove the qualifier: write \"Null\".")
	}
	if k.IsArray && len(k.Values) == 0 {
		code, why := "EMPTY_ARRAY_CONDITION", "an empty list never matches"
		switch {
		case op.Set == policy.SetForAllValues:
			code, why = "EMPTY_ARRAY_CONDITION_FORALLVALUES", "with ForAllValues an empty list matches only when the key is missing"
		case op.Set == policy.SetForAnyValue:
			code, why = "EMPTY_ARRAY_CONDITION_FORANYVALUE", "with ForAnyValue an empty list never matches"
		case op.IfExists:
			code, why = "EMPTY_ARRAY_CONDITION_IFEXISTS", "with IfExists an empty list matches only when the key is missing"
		}
		c.report(code, k.keyP, k.Key.Span, "The condition key "+quote(k.Key.Text)+" has no values: "+why+". Add values or remove the key.")
		return
	}
	// Mixed JSON types among the values.
	for i := 1; i < len(k.Values); i++ {
		if k.Values[i].Kind != k.Values[0].Kind {
			c.report("INVALID_CONDITION_DATA_TYPE", valuePath(k.keyP, k.IsArray, i), k.Values[i].Span, "The values of the condition key "+quote(k.Key.Text)+" mix JSON types ("+kindName(k.Values[0].Kind)+" and "+kindName(k.Values[i].Kind)+"). Write them all as strings.")
			break
		}
	}
	if ki := k.key; ki != nil && fam != policy.FamilyNull {
		kf := familyOf(ki.typ)
		// String and ARN operators both compare text: parliament calls
		// the mix "mismatched but usable", and AWS's managed policies use
		// ArnLike on String keys that hold ARNs.
		textual := func(f policy.Family) bool { return f == policy.FamilyString || f == policy.FamilyARN }
		compatible := kf == fam || kf == policy.FamilyInvalid ||
			(textual(kf) && textual(fam)) ||
			(kf == policy.FamilyDate && fam == policy.FamilyNumeric && k.lkey == "aws:epochtime")
		if !compatible {
			want := operatorFor(kf, op)
			c.report("TYPE_MISMATCH", k.opP.key(k.Key.Text), k.Key.Span, "The "+op.Base.String()+" operator compares "+fam.String()+" values, but the condition key "+quote(k.Key.Text)+" is of type "+ki.typ+". Use "+article(kf.String())+" "+kf.String()+" operator: "+want+".", want)
		}
		if ki.multi && op.Set == policy.SetNone {
			c.report("MISSING_QUALIFIER", k.opP.key(k.Key.Text), k.Key.Span, "The condition key "+quote(k.Key.Text)+" is multivalued: prefix the operator with ForAllValues: or ForAnyValue:, as in ForAnyValue:"+k.Operator.Text+".", "ForAnyValue:"+k.Operator.Text, "ForAllValues:"+k.Operator.Text)
		}
		if !ki.multi && op.Set == policy.SetForAllValues && s.Effect == policy.Allow && s.EffectNode != nil {
			c.report("FORALLVALUES_WITH_SINGLE_VALUED_KEY", k.opP.key(k.Key.Text), k.Key.Span, "ForAllValues with the single-valued key "+quote(k.Key.Text)+" also matches requests that do not have the key, so this Allow is broader than it looks. Remove the ForAllValues: qualifier.", strings.TrimPrefix(k.Operator.Text, "ForAllValues:"))
		}
	}
	bools := map[string]bool{}
	ipValues := 0
	privateValues := 0
	for i := range k.Values {
		v := &k.Values[i]
		vp := valuePath(k.keyP, k.IsArray, i)
		t := v.Text
		hasVar := strings.Contains(t, "${")
		switch fam {
		case policy.FamilyNull:
			if lt := strings.ToLower(t); lt != "true" && lt != "false" {
				c.report("MISMATCHED_TYPE_OPERATION_TO_NULL", vp, v.Span, "The Null operator takes \"true\" (the key is absent) or \"false\" (the key is present), not "+quote(t)+".")
			}
		case policy.FamilyBool:
			lt := strings.ToLower(t)
			if lt != "true" && lt != "false" && !hasVar {
				c.report("TYPE_MISMATCH_BOOLEAN", vp, v.Span, "The Bool operator takes \"true\" or \"false\", not "+quote(t)+".")
			} else {
				bools[lt] = true
			}
		case policy.FamilyNumeric:
			if _, err := strconv.ParseFloat(t, 64); err != nil && !hasVar {
				c.report("TYPE_MISMATCH_NUMBER", vp, v.Span, "The "+op.Base.String()+" operator takes numbers, and "+quote(t)+" is not one.")
			}
		case policy.FamilyDate:
			if !hasVar {
				switch dateForm(t) {
				case dateInvalid:
					c.report("TYPE_MISMATCH_DATE", vp, v.Span, "The "+op.Base.String()+" operator takes ISO 8601 dates or epoch seconds, and "+quote(t)+" is neither. Write it as YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ.")
				case datePartial:
					c.report("INVALID_DATE_VALUE", vp, v.Span, "The date "+quote(t)+" might not resolve as expected. Write it as YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ.")
				}
			}
		case policy.FamilyIP:
			if hasVar {
				break
			}
			pfx, err := parseIPRange(t)
			if err != nil {
				c.report("TYPE_MISMATCH_IP_RANGE", vp, v.Span, "The "+op.Base.String()+" operator takes an IP address or CIDR range, and "+quote(t)+" is neither.")
				break
			}
			ipValues++
			if pfx.Masked() != pfx {
				c.report("IMPROVE_IP_RANGE", vp, v.Span, "The CIDR range "+quote(t)+" has host bits set; it means "+pfx.Masked().String()+". Write that instead.", pfx.Masked().String())
			}
			if pfx.Addr().IsPrivate() || pfx.Addr().IsLoopback() {
				privateValues++
			}
		case policy.FamilyBinary:
			if _, err := base64.StdEncoding.DecodeString(t); err != nil && !hasVar {
				c.report("TYPE_MISMATCH_STRING", vp, v.Span, "The BinaryEquals operator takes base64-encoded values, and "+quote(t)+" is not valid base64.")
			}
		case policy.FamilyString:
			if op.Base != policy.OpStringLike && op.Base != policy.OpStringNotLike && hasGlob(t) {
				c.report("WILDCARD_WITHOUT_LIKE_OPERATOR", vp, v.Span, "The value "+quote(t)+" contains a wildcard, but "+op.Base.String()+" compares it literally. Use "+likeFor(op)+" to match a pattern, or write ${*} / ${?} for a literal character.", likeFor(op))
			}
		}
		if (fam == policy.FamilyString || fam == policy.FamilyARN) && !hasVar && !hasGlob(t) {
			switch k.lkey {
			case "aws:requestedregion":
				if !isRegion(t, "") {
					sugg := closest(t, allRegions, 1)
					c.report("INVALID_REGION", vp, v.Span, "The Region "+quote(t)+" is not a Region code. Use codes such as us-east-1."+didYouMean(sugg), sugg...)
				}
			case "aws:sourcevpc":
				if !vpcRE.MatchString(t) {
					c.report("INVALID_VPC_FORMAT", vp, v.Span, "The VPC ID "+quote(t)+" is not of the form vpc- followed by 8 or 17 hexadecimal characters.")
				}
			case "aws:sourcevpce":
				if !vpceRE.MatchString(t) {
					c.report("INVALID_VPCE_FORMAT", vp, v.Span, "The VPC endpoint ID "+quote(t)+" is not of the form vpce- followed by 8 or 17 hexadecimal characters.")
				}
			}
		}
	}
	if fam == policy.FamilyBool && len(k.Values) > 1 {
		c.report("INVALID_CONDITION_MULTIPLE_BOOLEAN", k.keyP, k.Key.Span, "The Bool condition on "+quote(k.Key.Text)+" has "+itoa(len(k.Values))+" values; a Boolean condition takes one. Keep one value.")
	}
	if fam == policy.FamilyNumeric && len(k.Values) > 1 && op.Base != policy.OpNumericEquals && op.Base != policy.OpNumericNotEquals {
		c.report("REDUNDANT_CONDITION_VALUE_NUM", k.keyP, k.Key.Span, "The "+op.Base.String()+" condition on "+quote(k.Key.Text)+" has several values; only the widest matters. Keep one value.")
	}
	if k.lkey == "aws:sourceip" && privateValues > 0 {
		notOp := op.Base == policy.OpNotIPAddress
		switch {
		case privateValues == ipValues && !notOp:
			c.report("PRIVATE_IP_ADDRESS", k.keyP, k.Key.Span, "aws:SourceIp holds public addresses only, so the private ranges here never match. Use aws:VpcSourceIp for requests through a VPC endpoint.", "aws:VpcSourceIp")
		case privateValues == ipValues:
			c.report("PRIVATE_NOT_IP_ADDRESS", k.keyP, k.Key.Span, "aws:SourceIp holds public addresses only, so NotIpAddress with private ranges always matches. Use aws:VpcSourceIp for requests through a VPC endpoint.", "aws:VpcSourceIp")
		case !notOp:
			c.report("PRIVATE_IP_ADDRESS_SUBSET", k.keyP, k.Key.Span, "Some ranges of aws:SourceIp are private and never match. Move them to an aws:VpcSourceIp condition.")
		default:
			c.report("PRIVATE_NOT_IP_ADDRESS_SUBSET", k.keyP, k.Key.Span, "Some ranges of aws:SourceIp under NotIpAddress are private and always match. Move them to an aws:VpcSourceIp condition.")
		}
	}
	c.checkKeyForActions(s, k)
}

func likeFor(op policy.Operator) string {
	o := op
	if op.Base.Negated() {
		o.Base = policy.OpStringNotLike
	} else {
		o.Base = policy.OpStringLike
	}
	return o.String()
}

// hasGlob reports whether s has * or ? outside policy variables.
func hasGlob(s string) bool {
	if strings.Contains(s, "${") {
		s = variableRE.ReplaceAllString(s, "")
	}
	return strings.ContainsAny(s, "*?")
}

func kindName(k policy.Kind) string {
	switch k {
	case policy.KindNumber:
		return "number"
	case policy.KindBool:
		return "boolean"
	case policy.KindNull:
		return "null"
	}
	return "string"
}

type dateKind int

const (
	dateInvalid dateKind = iota
	datePartial
	dateOK
)

// dateForm classifies a Date operator value: epoch seconds and complete
// W3C dates (YYYY-MM-DD, or a date and time with a time zone) are dateOK;
// YYYY, YYYY-MM and times without a zone are datePartial.
func dateForm(s string) dateKind {
	if _, err := strconv.ParseInt(s, 10, 64); err == nil && len(s) > 4 {
		return dateOK
	}
	for _, l := range []string{"2006-01-02", time.RFC3339, time.RFC3339Nano, "2006-01-02T15:04Z07:00"} {
		if _, err := time.Parse(l, s); err == nil {
			return dateOK
		}
	}
	for _, l := range []string{"2006", "2006-01", "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02T15:04:05.999999999"} {
		if _, err := time.Parse(l, s); err == nil {
			return datePartial
		}
	}
	// The shape of a date with a day or month that does not exist
	// (2026-02-30, 2026-13-01): it might not resolve as expected.
	if dateShapeRE.MatchString(s) {
		return datePartial
	}
	return dateInvalid
}

var dateShapeRE = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?$`)

// parseIPRange parses an address or CIDR range as IAM accepts them.
func parseIPRange(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		return netip.ParsePrefix(s)
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// keyActions maps condition keys (lowercase) to the action a statement
// must contain for the key to be set.
var keyActions = map[string]string{
	"iam:passedtoservice":       "iam:PassRole",
	"iam:associatedresourcearn": "iam:PassRole",
	"iam:awsservicename":        "iam:CreateServiceLinkedRole",
	"sts:transitivetagkeys":     "sts:TagSession",
}

// checkKeyForActions checks that the statement's actions support a
// service condition key, and the tag keys' support by service.
func (c *checker) checkKeyForActions(s *stmt, k *cond) {
	if c.v.cat == nil || k.key == nil || s.Action == nil {
		return
	}
	if need := keyActions[k.lkey]; need != "" && !s.Action.Not && !matchesAnyAction(s.Action, need) {
		c.report("MISSING_ACTION_FOR_CONDITION_KEY", k.opP.key(k.Key.Text), k.Key.Span, "The condition key "+quote(k.Key.Text)+" is set only by "+need+", which the statement does not contain. Add "+need+" to its actions or remove the condition.", need)
	}
	if !s.explicitActions() {
		return
	}
	lookup := k.key.norm
	isTag := lookup == "aws:resourcetag/" || lookup == "aws:requesttag/" || lookup == "aws:tagkeys"
	if strings.HasPrefix(lookup, "aws:") && !isTag {
		return
	}
	var unsupported []string
	bySvc := map[string]int{} // service → actions not supporting the key
	svcTotal := map[string]int{}
	for _, a := range s.catalogActions() {
		svcTotal[a.svc.prefix]++
		if !a.keys[lookup] {
			unsupported = append(unsupported, a.full)
			bySvc[a.svc.prefix]++
		}
	}
	if len(unsupported) == 0 {
		return
	}
	kp := k.opP.key(k.Key.Text)
	if !isTag {
		them := "these actions"
		if len(unsupported) == 1 {
			them = "this action"
		}
		c.report("UNSUPPORTED_ACTION_FOR_CONDITION_KEY", kp, k.Key.Span, "The condition key "+quote(k.Key.Text)+" is not supported by "+listSome(unsupported, 5)+", so the condition is never true for "+them+". Move "+them+" to another statement or use a key "+map[bool]string{true: "it supports", false: "they support"}[len(unsupported) == 1]+".")
		return
	}
	// Tag keys: report the services none of whose actions here support it.
	var svcs []string
	for svc, n := range bySvc {
		if n == svcTotal[svc] {
			svcs = append(svcs, svc)
		}
	}
	if len(svcs) == 0 {
		return
	}
	sort.Strings(svcs)
	code := map[bool]string{true: "DENY", false: "ALLOW"}[s.Effect == policy.Deny]
	if s.Action.Not {
		code += "_NOTACTION"
	}
	code += "_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE"
	verb := "never allows"
	if s.Effect == policy.Deny {
		verb = "never denies"
	}
	c.report(code, kp, k.Key.Span, "The service"+plural(len(svcs))+" "+listSome(svcs, 5)+" do"+map[bool]string{true: "es", false: ""}[len(svcs) == 1]+" not support the condition key "+quote(k.Key.Text)+" for the actions of this statement, so it "+verb+" them. Use another condition for "+map[bool]string{true: "it", false: "them"}[len(svcs) == 1]+".")
}

// explicitActions reports whether every Action value names a service
// without wildcards (so that the statement's actions are meant, not
// swept in by "*").
func (s *stmt) explicitActions() bool {
	if s.Action.Not {
		return true
	}
	for _, v := range s.Action.Values {
		svc, _, ok := strings.Cut(v.Text, ":")
		if !ok || strings.ContainsAny(svc, "*?") {
			return false
		}
	}
	return true
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// listSome lists up to n items, then "and N more".
func listSome(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:n], ", ") + " and " + itoa(len(items)-n) + " more"
}
