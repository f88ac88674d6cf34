package bench

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
)

// The scenarios in Rego (v1 syntax), evaluated as a prepared query of
// data.iam.allow. Each statement becomes a definition of the rule
// allowed (Allow) or denied (Deny), so that OPA's rule indexing can pick
// the candidate statements:
//
//   - an exact action is input.action == "ACTION"; a wildcard action
//     is glob.match("PATTERN", null, input.action) (null: no
//     delimiters, "*" crosses every character, as in IAM); "*" is
//     omitted. Several actions become a helper rule with one
//     definition each.
//   - a resource pattern is glob.match("PATTERN", null, input.resource);
//     one ending in ${aws:username} concatenates input.user into it.
//   - aws:ResourceTag/KEY = V is input.tags.KEY == "V"; another key K
//     is input.context["K"] == "V".
//
// The input is converted to OPA's value type once, as the other engines'
// requests are built once (rego.EvalParsedInput).

// regoModule renders the scenario's statements as a Rego module.
func regoModule(sc *scenario) string {
	var sb strings.Builder
	sb.WriteString("package iam\n\ndefault allow := false\n\ndefault allowed := false\n\ndefault denied := false\n\nallow if {\n\tallowed\n\tnot denied\n}\n\n")
	for i, st := range sc.statements() {
		rule := "allowed"
		if st.Deny {
			rule = "denied"
		}
		var body []string
		if e := regoAlternatives(&sb, fmt.Sprintf("s%d_action", i), st.Actions, regoAction); e != "" {
			body = append(body, e)
		}
		if e := regoAlternatives(&sb, fmt.Sprintf("s%d_resource", i), st.Resources, regoResource); e != "" {
			body = append(body, e)
		}
		for _, c := range st.Conds {
			if tag, ok := strings.CutPrefix(c.Key, "aws:ResourceTag/"); ok {
				body = append(body, fmt.Sprintf("input.tags[%s] == %s", strconv.Quote(tag), strconv.Quote(c.Value)))
			} else {
				body = append(body, fmt.Sprintf("input.context[%s] == %s", strconv.Quote(c.Key), strconv.Quote(c.Value)))
			}
		}
		if len(body) == 0 {
			body = []string{"true"}
		}
		fmt.Fprintf(&sb, "%s if {\n\t%s\n}\n\n", rule, strings.Join(body, "\n\t"))
	}
	return sb.String()
}

// regoAlternatives returns the expression matching any of the patterns:
// "" when one is "*", the single expression for one pattern, else the
// name of a helper rule it writes to sb.
func regoAlternatives(sb *strings.Builder, name string, patterns []string, expr func(string) string) string {
	for _, p := range patterns {
		if p == "*" {
			return ""
		}
	}
	if len(patterns) == 1 {
		return expr(patterns[0])
	}
	for _, p := range patterns {
		fmt.Fprintf(sb, "%s if %s\n", name, expr(p))
	}
	sb.WriteString("\n")
	return name
}

func regoAction(a string) string {
	if strings.ContainsAny(a, "*?") {
		return fmt.Sprintf("glob.match(%s, null, input.action)", strconv.Quote(a))
	}
	return "input.action == " + strconv.Quote(a)
}

func regoResource(r string) string {
	if prefix, ok := splitVar(r); ok {
		return fmt.Sprintf("glob.match(concat(\"\", [%s, input.user]), null, input.resource)", strconv.Quote(prefix))
	}
	return fmt.Sprintf("glob.match(%s, null, input.resource)", strconv.Quote(r))
}

// prepareOPA prepares the query and converts the input once.
func prepareOPA(tb testing.TB, sc *scenario) func() bool {
	tb.Helper()
	ctx := context.Background()
	src := regoModule(sc)
	pq, err := rego.New(rego.Query("data.iam.allow"), rego.Module("iam.rego", src)).PrepareForEval(ctx)
	if err != nil {
		tb.Fatalf("opa: %v\n%s", err, src)
	}
	req := &sc.Req
	tags := map[string]any{}
	for k, v := range req.Tags {
		tags[k] = v
	}
	cctx := map[string]any{}
	for k, v := range req.Context {
		cctx[k] = v
	}
	input, err := ast.InterfaceToValue(map[string]any{
		"user": req.User, "action": req.Action, "resource": req.Resource, "tags": tags, "context": cctx,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return func() bool {
		rs, err := pq.Eval(ctx, rego.EvalParsedInput(input))
		if err != nil {
			panic(err) // checked by the decision test
		}
		return rs.Allowed()
	}
}

func TestOPADecisions(t *testing.T) {
	checkScenarios(t, "opa", nil, prepareOPA)
}

func BenchmarkOPA(b *testing.B) {
	benchScenarios(b, "opa", nil, prepareOPA)
}

func BenchmarkOPAParallel(b *testing.B) {
	parallelScenarios(b, "opa", nil, prepareOPA)
}
