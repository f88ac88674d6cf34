package bench

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/cedar-policy/cedar-go"
	"github.com/connect-iam/connect-iam/arn"
)

// The scenarios in Cedar. Each statement becomes a permit (Allow) or
// forbid (Deny) policy:
//
//   - IAM actions are Action entities. An exact action is named in the
//     scope; a wildcard action ("connect:Get5Item*") is an action group
//     of that name, and the request's action entity lists every group
//     whose pattern it matches as a parent, as a Cedar application keeps
//     its action hierarchy. "*" leaves the action unconstrained.
//   - A resource pattern is `resource.arn like "PATTERN"` (Cedar's like
//     has "*" only); "*" leaves the resource unconstrained. A pattern
//     ending in ${aws:username} becomes `resource.arn like "PREFIX*" &&
//     resource.owner == principal.name`: Cedar has no string
//     interpolation, so the variable becomes an attribute comparison
//     (the application supplies the resource's owner: the user whose
//     name ends the ARN).
//   - aws:ResourceTag/KEY = V is `resource.hasTag("KEY") &&
//     resource.getTag("KEY") == "V"`; another key K is `context has "K"
//     && context["K"] == "V"`.

// cedarPolicies renders the scenario's statements as Cedar policies.
func cedarPolicies(sc *scenario) string {
	var sb strings.Builder
	for _, st := range sc.statements() {
		effect := "permit"
		if st.Deny {
			effect = "forbid"
		}
		fmt.Fprintf(&sb, "%s (\n  principal,\n  %s,\n  resource\n)", effect, cedarActionScope(st.Actions))
		var when []string
		if r := cedarResource(st.Resources); r != "" {
			when = append(when, r)
		}
		for _, c := range st.Conds {
			if tag, ok := strings.CutPrefix(c.Key, "aws:ResourceTag/"); ok {
				when = append(when, fmt.Sprintf("resource.hasTag(%s) && resource.getTag(%s) == %s", strconv.Quote(tag), strconv.Quote(tag), strconv.Quote(c.Value)))
			} else {
				when = append(when, fmt.Sprintf("context has %s && context[%s] == %s", strconv.Quote(c.Key), strconv.Quote(c.Key), strconv.Quote(c.Value)))
			}
		}
		if len(when) > 0 {
			sb.WriteString("\nwhen { " + strings.Join(when, " && ") + " }")
		}
		sb.WriteString(";\n")
	}
	return sb.String()
}

func cedarActionScope(actions []string) string {
	var uids []string
	for _, a := range actions {
		if a == "*" {
			return "action"
		}
		uids = append(uids, "Action::"+strconv.Quote(a))
	}
	if len(uids) == 1 {
		return "action in " + uids[0]
	}
	return "action in [" + strings.Join(uids, ", ") + "]"
}

func cedarResource(resources []string) string {
	var alts []string
	for _, r := range resources {
		if r == "*" {
			return ""
		}
		if prefix, ok := splitVar(r); ok {
			alts = append(alts, fmt.Sprintf("(resource.arn like %s && resource.owner == principal.name)", strconv.Quote(prefix+"*")))
			continue
		}
		alts = append(alts, "resource.arn like "+strconv.Quote(r))
	}
	if len(alts) == 1 {
		return alts[0]
	}
	return "(" + strings.Join(alts, " || ") + ")"
}

// prepareCedar builds the policy set, the entities (the user, the
// resource with its tags, the action with its groups) and the request.
func prepareCedar(tb testing.TB, sc *scenario) func() bool {
	tb.Helper()
	src := cedarPolicies(sc)
	ps, err := cedar.NewPolicySetFromBytes("bench.cedar", []byte(src))
	if err != nil {
		tb.Fatalf("cedar: %v\n%s", err, src)
	}
	req := &sc.Req
	user := cedar.NewEntityUID("User", cedar.String(req.User))
	res := cedar.NewEntityUID("Resource", cedar.String(req.Resource))
	act := cedar.NewEntityUID("Action", cedar.String(req.Action))
	var groups []cedar.EntityUID
	for _, st := range sc.statements() {
		for _, a := range st.Actions {
			if a != "*" && strings.ContainsAny(a, "*?") && arn.GlobFold(a, req.Action) {
				groups = append(groups, cedar.NewEntityUID("Action", cedar.String(a)))
			}
		}
	}
	owner := ""
	if strings.HasSuffix(req.Resource, req.User) {
		owner = req.User
	}
	tags := cedar.RecordMap{}
	for k, v := range req.Tags {
		tags[cedar.String(k)] = cedar.String(v)
	}
	ctx := cedar.RecordMap{}
	for k, v := range req.Context {
		ctx[cedar.String(k)] = cedar.String(v)
	}
	entities := cedar.EntityMap{
		user: {UID: user, Attributes: cedar.NewRecord(cedar.RecordMap{"name": cedar.String(req.User)})},
		res: {UID: res, Attributes: cedar.NewRecord(cedar.RecordMap{
			"arn":   cedar.String(req.Resource),
			"owner": cedar.String(owner),
		}), Tags: cedar.NewRecord(tags)},
		act: {UID: act, Parents: cedar.NewEntityUIDSet(groups...)},
	}
	creq := cedar.Request{Principal: user, Action: act, Resource: res, Context: cedar.NewRecord(ctx)}
	return func() bool {
		d, _ := cedar.Authorize(ps, entities, creq)
		return d == cedar.Allow
	}
}

func TestCedarDecisions(t *testing.T) {
	checkScenarios(t, "cedar-go", nil, prepareCedar)
}

func BenchmarkCedar(b *testing.B) {
	benchScenarios(b, "cedar-go", nil, prepareCedar)
}

func BenchmarkCedarParallel(b *testing.B) {
	parallelScenarios(b, "cedar-go", nil, prepareCedar)
}
