package check

import (
	"fmt"
	"math/big"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/connect-iam/connect-iam/catalog"
	"github.com/connect-iam/connect-iam/check/internal/cells"
	"github.com/connect-iam/connect-iam/eval"
	"github.com/connect-iam/connect-iam/policy"
)

// derivedKeys are the condition keys the engine derives from the
// principal (eval.Principal.AddToContext): the search varies the principal
// rather than these keys, so that a counterexample's context never
// contradicts its caller.
var derivedKeys = map[string]bool{
	"aws:userid": true, "aws:username": true, "aws:principalarn": true,
	"aws:principalaccount": true, "aws:principaltype": true,
	"aws:principalisawsservice": true, "aws:principalservicename": true,
}

// restrictingKeys are the keys that, for CheckNoPublicAccess, tie a
// request to a known network, organization or source: a public caller
// does not have them.
var restrictingKeys = map[string]bool{
	"aws:principalorgid": true, "aws:principalorgpaths": true, "aws:sourceaccount": true,
	"aws:sourcearn": true, "aws:sourceowner": true, "aws:sourcevpc": true, "aws:sourcevpce": true,
	"aws:sourceorgid": true, "aws:sourceorgpaths": true, "aws:resourceorgid": true,
	"aws:principalservicenameslist": true, "aws:calledvia": true, "aws:calledviafirst": true,
	"aws:calledvialast": true, "aws:vpcsourceip": true,
}

// use is one condition on a key.
type use struct {
	op      policy.Operator
	values  []policy.String
	version policy.Version
}

// keyInfo is what the policies say about one condition key.
type keyInfo struct {
	name  string // as first written
	lower string
	uses  []use
	multi bool
	// vars are the free keys (lower case) its condition values substitute.
	vars  []string
	cands []value
}

// value is one candidate value of a key: missing, or a list of strings.
type value struct {
	missing bool
	vals    []string
}

// undecided collects the constructs the cells cannot cover exactly.
type undecided []string

func (u *undecided) add(format string, a ...any) {
	s := fmt.Sprintf(format, a...)
	for _, x := range *u {
		if x == s {
			return
		}
	}
	*u = append(*u, s)
}

// symbolic is the value a free key gets when another value names it as a
// policy variable: a fresh string no pattern mentions, shared by the
// variable's key and every substitution, so equality between keys is
// explored.
func symbolic(i int) string { return "sym" + strconv.Itoa(i) + "v" }

// template splits a condition or Resource value into its pieces.
func template(s policy.String, version policy.Version, vars bool) policy.Template {
	if version == policy.Version2012 && vars {
		if t, err := policy.ParseTemplate(s.Text); err == nil {
			return t
		}
	}
	return policy.Template{Segments: []policy.Segment{{Kind: policy.SegText, Text: s.Text}}}
}

// expand turns a template into patterns, one per combination of the
// values its variables may take (subst gives them per lower-case key).
// glob says whether "*" and "?" in its text are wildcards.
func expand(t policy.Template, glob, fold bool, subst func(string) []string, und *undecided) []cells.Pattern {
	out := []cells.Pattern{{Fold: fold}}
	for _, seg := range t.Segments {
		switch seg.Kind {
		case policy.SegText:
			for i := range out {
				if glob {
					out[i].AppendGlob(seg.Text)
				} else {
					out[i].AppendLiteral(seg.Text)
				}
			}
		case policy.SegLiteral:
			for i := range out {
				out[i].AppendLiteral(seg.Text)
			}
		default:
			vals := subst(strings.ToLower(seg.Text))
			if seg.HasDefault {
				vals = append(vals, seg.Default)
			}
			if len(vals) == 0 {
				vals = []string{""}
			}
			if len(out)*len(vals) > 256 {
				und.add("the values policy variable ${%s} may take (more than 256 combinations)", seg.Text)
				vals = vals[:1]
			}
			var next []cells.Pattern
			for _, p := range out {
				for _, v := range vals {
					q := cells.Pattern{Fold: fold, Toks: append([]cells.Tok(nil), p.Toks...)}
					q.AppendLiteral(v)
					next = append(next, q)
				}
			}
			out = next
		}
	}
	return out
}

func uniq(ss []string) []string {
	seen := map[string]bool{}
	out := ss[:0:0]
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// scalarCells returns the candidate single values of a key from its uses.
func scalarCells(k *keyInfo, typ catalog.KeyType, typed bool, subst func(string) []string, und *undecided) ([]string, []cells.Pattern) {
	var strPats, arnPats []cells.Pattern
	var nums []*big.Rat
	var dates []time.Time
	var prefixes []netip.Prefix
	var binaries []string
	families := map[policy.Family]bool{}
	for _, u := range k.uses {
		fam := u.op.Base.Family()
		families[fam] = true
		for _, v := range u.values {
			switch fam {
			case policy.FamilyString:
				t := template(v, u.version, true)
				glob := u.op.Base == policy.OpStringLike || u.op.Base == policy.OpStringNotLike
				fold := u.op.Base == policy.OpStringEqualsIgnoreCase || u.op.Base == policy.OpStringNotEqualsIgnoreCase
				strPats = append(strPats, expand(t, glob, fold, subst, und)...)
			case policy.FamilyARN:
				arnPats = append(arnPats, expand(template(v, u.version, true), true, false, subst, und)...)
			case policy.FamilyNumeric:
				r, ok := new(big.Rat).SetString(v.Text)
				if !ok {
					und.add("numeric value %q of %s", v.Text, k.name)
					continue
				}
				nums = append(nums, r)
			case policy.FamilyDate:
				t, ok := parseDate(v.Text)
				if !ok {
					und.add("date value %q of %s", v.Text, k.name)
					continue
				}
				dates = append(dates, t)
			case policy.FamilyIP:
				p, err := netip.ParsePrefix(v.Text)
				if err != nil {
					a, err2 := netip.ParseAddr(v.Text)
					if err2 != nil {
						und.add("IP value %q of %s", v.Text, k.name)
						continue
					}
					p = netip.PrefixFrom(a, a.BitLen())
				}
				prefixes = append(prefixes, p.Masked())
			case policy.FamilyBinary:
				binaries = append(binaries, v.Text)
			}
		}
	}
	delete(families, policy.FamilyNull)
	if len(families) > 1 {
		names := []string{}
		for f := range families {
			names = append(names, f.String())
		}
		sort.Strings(names)
		und.add("key %s compared with several operator families (%s)", k.name, strings.Join(names, ", "))
	}
	var out []string
	if families[policy.FamilyString] {
		r, ok := cells.Strings(strPats, "")
		if !ok {
			und.add("string patterns of %s (too many cells)", k.name)
		}
		out = append(out, r...)
	}
	if families[policy.FamilyARN] {
		r, ok := cells.ARNs(arnPats)
		if !ok {
			und.add("ARN patterns of %s", k.name)
		}
		out = append(out, r...)
		out = append(out, "x")
	}
	if families[policy.FamilyNumeric] {
		out = append(out, numberCells(nums)...)
	}
	if families[policy.FamilyDate] {
		out = append(out, dateCells(dates)...)
	}
	if families[policy.FamilyIP] {
		out = append(out, ipCells(prefixes)...)
	}
	if families[policy.FamilyBool] {
		out = append(out, "true", "false")
	}
	if families[policy.FamilyBinary] {
		out = append(out, binaries...)
		out = append(out, "Y2hlY2s=")
	}
	// A value the operator cannot read (only for keys whose type allows
	// any string; simulate rejects others).
	if !typed || typ.Elem() == catalog.TypeString {
		if families[policy.FamilyNumeric] || families[policy.FamilyDate] || families[policy.FamilyIP] || families[policy.FamilyBool] {
			out = append(out, "unreadable")
		}
	}
	if len(out) == 0 {
		out = append(out, presentValue(typ, typed))
	}
	return uniq(out), append(strPats, arnPats...)
}

// twins returns, for each representative, another string that matches
// exactly the same patterns when one exists nearby (the representative
// with a fresh character appended, prepended or inserted), so that two
// keys a policy variable joins can hold different values of one cell.
func twins(reps []string, pats []cells.Pattern) []string {
	sig := func(s string) string {
		b := make([]byte, len(pats))
		for i, p := range pats {
			b[i] = '0'
			if p.Match(s) || cells.MatchARN(p, s) && strings.Count(s, ":") >= 5 {
				b[i] = '1'
			}
		}
		return string(b)
	}
	var out []string
	for _, r := range reps {
		want := sig(r)
		for i := len(r); i >= 0; i-- {
			t := r[:i] + "~" + r[i:]
			if sig(t) == want {
				out = append(out, t)
				break
			}
		}
	}
	return out
}

// presentValue is a value of the key's type, for keys only Null tests.
func presentValue(typ catalog.KeyType, typed bool) string {
	if !typed {
		return "x"
	}
	switch typ.Elem() {
	case catalog.TypeBool:
		return "true"
	case catalog.TypeNumeric:
		return "1"
	case catalog.TypeDate:
		return "2020-01-01T00:00:00Z"
	case catalog.TypeIPAddress:
		return "192.0.2.1"
	case catalog.TypeARN:
		return "arn:aws:iam::111122223333:user/x"
	}
	return "x"
}

func numberCells(nums []*big.Rat) []string {
	if len(nums) == 0 {
		return nil
	}
	sort.Slice(nums, func(i, j int) bool { return nums[i].Cmp(nums[j]) < 0 })
	one := big.NewRat(1, 1)
	half := big.NewRat(1, 2)
	pts := []*big.Rat{new(big.Rat).Sub(nums[0], one)}
	for i, n := range nums {
		pts = append(pts, n)
		if i+1 < len(nums) && nums[i+1].Cmp(n) != 0 {
			m := new(big.Rat).Add(n, nums[i+1])
			pts = append(pts, m.Mul(m, half))
		}
	}
	pts = append(pts, new(big.Rat).Add(nums[len(nums)-1], one))
	var out []string
	for _, p := range pts {
		s := p.FloatString(12)
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
		if s == "-0" {
			s = "0"
		}
		out = append(out, s)
	}
	return out
}

var dateLayouts = []string{
	"2006", "2006-01", "2006-01-02",
	"2006-01-02T15:04Z07:00", "2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02T15:04:05.999999999",
}

// parseDate reads the date forms the engine accepts (eval's W3C ISO 8601
// profile and epoch seconds); anything else is reported as undecided
// rather than guessed.
func parseDate(s string) (time.Time, bool) {
	if len(s) != 4 && s != "" && strings.Trim(s, "0123456789") == "" {
		n, err := strconv.ParseInt(s, 10, 64)
		return time.Unix(n, 0).UTC(), err == nil
	}
	u := strings.ToUpper(s)
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, u); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func dateCells(ds []time.Time) []string {
	if len(ds) == 0 {
		return nil
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i].Before(ds[j]) })
	pts := []time.Time{ds[0].Add(-time.Second)}
	for i, d := range ds {
		pts = append(pts, d)
		if i+1 < len(ds) && !ds[i+1].Equal(d) {
			pts = append(pts, d.Add(ds[i+1].Sub(d)/2))
		}
	}
	pts = append(pts, ds[len(ds)-1].Add(time.Second))
	var out []string
	for _, p := range pts {
		out = append(out, p.Format(time.RFC3339Nano))
	}
	return out
}

func ipCells(ps []netip.Prefix) []string {
	out := []string{"192.0.2.1", "2001:db8::1"}
	for _, p := range ps {
		first, last := p.Addr(), lastAddr(p)
		out = append(out, first.String(), last.String())
		if prev := first.Prev(); prev.IsValid() {
			out = append(out, prev.String())
		}
		if next := last.Next(); next.IsValid() {
			out = append(out, next.String())
		}
	}
	return out
}

func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Addr().AsSlice()
	host := p.Addr().BitLen() - p.Bits()
	for i := len(b) - 1; i >= 0 && host > 0; i-- {
		n := min(host, 8)
		b[i] |= byte(1<<n - 1)
		host -= n
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// maxSubsetAtoms bounds the values of a multivalued key whose every
// subset is a candidate; beyond it only singletons, pairs and the whole
// set are, and the key is reported as undecided.
const maxSubsetAtoms = 6

func setCells(k *keyInfo, scalars []string, und *undecided) []value {
	out := []value{{missing: true}, {vals: []string{}}}
	n := len(scalars)
	if n <= maxSubsetAtoms {
		for mask := 1; mask < 1<<n; mask++ {
			var vs []string
			for i := 0; i < n; i++ {
				if mask&(1<<i) != 0 {
					vs = append(vs, scalars[i])
				}
			}
			out = append(out, value{vals: vs})
		}
		return out
	}
	und.add("multivalued key %s with %d cells (only singletons, pairs and the full set are tried)", k.name, n)
	for i := range scalars {
		out = append(out, value{vals: []string{scalars[i]}})
		for j := i + 1; j < n; j++ {
			out = append(out, value{vals: []string{scalars[i], scalars[j]}})
		}
	}
	return append(out, value{vals: scalars})
}

// principalCandidates returns the callers the search tries.
func principalCandidates(pols []*parsed, pt PolicyType, public bool, keys map[string]*keyInfo, und *undecided) []eval.Principal {
	var out []eval.Principal
	seen := map[string]bool{}
	addP := func(p eval.Principal) {
		k := p.ARN + "|" + p.RoleARN + "|" + p.Federated + "|" + p.CanonicalUser + "|" + p.Type.String()
		if !seen[k] {
			seen[k] = true
			out = append(out, p)
		}
	}
	add := func(id string) {
		if p, err := eval.ParsePrincipal(id); err == nil {
			addP(p)
		}
	}
	accounts := map[string]bool{}
	addAccount := func(acct string) {
		if accounts[acct] {
			return
		}
		accounts[acct] = true
		add("arn:aws:iam::" + acct + ":root")
		add("arn:aws:iam::" + acct + ":user/check-user")
		add("arn:aws:sts::" + acct + ":assumed-role/check-role/check-session")
	}
	fresh := "999999999999"
	if public {
		add("anonymous")
		add("arn:aws:iam::" + fresh + ":user/check-user")
		return out
	}
	if pt == IdentityPolicy {
		add("arn:aws:iam::111122223333:user/check-user")
		add("arn:aws:sts::111122223333:assumed-role/check-role/check-session")
	} else {
		add("anonymous")
		addAccount(fresh)
		add("check.amazonaws.com")
		addP(eval.Principal{Type: eval.AnonymousPrincipal, Federated: "check-idp.example.com", UserID: "anonymous"})
	}
	for _, p := range pols {
		for _, st := range p.src.Statements {
			if st.Principal == nil {
				continue
			}
			for _, e := range st.Principal.Entries {
				for _, v := range e.Values {
					s := v.Text
					switch e.Type.Text {
					case "AWS":
						switch {
						case s == "*":
						case len(s) == 12 && strings.Trim(s, "0123456789") == "":
							addAccount(s)
						default:
							pp, err := eval.ParsePrincipal(s)
							if err != nil {
								und.add("principal %q", s)
								continue
							}
							switch pp.Type {
							case eval.AccountPrincipal:
								addAccount(pp.Account)
							case eval.RolePrincipal:
								addP(pp)
								sess, err := eval.ParsePrincipal("arn:aws:sts::" + pp.Account + ":assumed-role/" + pp.Name + "/check-session")
								if err == nil && sess.SetRoleARN(s) == nil {
									addP(sess)
								}
								addAccount(pp.Account)
							default:
								addP(pp)
								addAccount(pp.Account)
							}
						}
					case "Service":
						if s != "*" {
							add(s)
						}
					case "Federated":
						addP(eval.Principal{Type: eval.AnonymousPrincipal, Federated: s, UserID: "anonymous"})
					case "CanonicalUser":
						addP(eval.Principal{Type: eval.AnonymousPrincipal, CanonicalUser: s, UserID: "anonymous"})
					}
				}
			}
		}
	}
	// Callers the conditions on derived keys name.
	for lk, k := range keys {
		if !derivedKeys[lk] {
			continue
		}
		var pats []cells.Pattern
		for _, u := range k.uses {
			for _, v := range u.values {
				fam := u.op.Base.Family()
				if fam != policy.FamilyString && fam != policy.FamilyARN {
					continue
				}
				glob := u.op.Base == policy.OpStringLike || u.op.Base == policy.OpStringNotLike || fam == policy.FamilyARN
				pats = append(pats, expand(template(v, u.version, false), glob, false, func(string) []string { return nil }, und)...)
			}
		}
		var reps []string
		if lk == "aws:principalarn" {
			r, ok := cells.ARNs(pats)
			if !ok {
				und.add("ARN patterns of %s", k.name)
			}
			reps = r
		} else {
			r, ok := cells.Strings(pats, "")
			if !ok {
				und.add("string patterns of %s", k.name)
			}
			reps = r
		}
		for _, r := range reps {
			switch lk {
			case "aws:principalarn":
				pp, err := eval.ParsePrincipal(r)
				if err != nil {
					continue
				}
				addP(pp)
				if pp.Type == eval.RolePrincipal {
					if sess, err := eval.ParsePrincipal("arn:aws:sts::" + pp.Account + ":assumed-role/" + pp.Name + "/check-session"); err == nil && sess.SetRoleARN(r) == nil {
						addP(sess)
					}
				}
			case "aws:principalaccount":
				if len(r) == 12 && strings.Trim(r, "0123456789") == "" {
					addAccount(r)
				}
			case "aws:username":
				if r != "" && !strings.ContainsAny(r, ":/") {
					add("arn:aws:iam::111122223333:user/" + r)
				}
			case "aws:principalservicename":
				if strings.HasSuffix(r, ".amazonaws.com") {
					add(r)
				}
			case "aws:userid":
				und.add("conditions on aws:userid")
			}
		}
	}
	return out
}
