package leastpriv

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/catalog"
	"github.com/connect-iam/connect-iam/eval"
	"github.com/connect-iam/connect-iam/policy"
	"github.com/connect-iam/connect-iam/store"
)

// Generated is a generated policy with its report and checks.
type Generated struct {
	Principal string `json:"principal"`
	Events    int    `json:"events"`
	Denied    int    `json:"deniedCallsLeftOut"`
	*Result
	Verification *Verification `json:"checks"`
	// Note explains a check that could not run.
	Note string `json:"note,omitempty"`
}

// GenerateFor generates the policy of principal from its audited calls
// in [since, until), and verifies it (Verify) against the principal's
// current policies; managed returns the documents of AWS managed
// policies (iam.ManagedPolicy).
func GenerateFor(ctx context.Context, st store.Store, principal string, since, until time.Time, opts Options,
	managed func(arn string) (string, bool)) (*Generated, error) {
	obs, err := Load(ctx, st, principal, since, until)
	if err != nil {
		return nil, fmt.Errorf("reading the audit log: %w", err)
	}
	if len(obs.Calls) == 0 {
		return nil, fmt.Errorf("no allowed calls of %s in the audit log in that window (%d events, %d denied requests); "+
			"check the ARN (a role ARN covers its sessions) and --since/--until", principal, obs.Events, obs.Denied)
	}
	cat := opts.Catalog
	if cat == nil {
		cat = catalog.Default()
		opts.Catalog = cat
	}
	engine := authz.New(st, authz.Options{Catalog: cat, ManagedPolicy: managed})
	defer engine.Close()
	var existing []authz.PolicyDocument
	var p eval.Principal
	var note string
	caller, err := authz.CallerFor(ctx, st, principal)
	if err == nil {
		if existing, err = engine.Policies(ctx, caller); err != nil {
			return nil, err
		}
		if p, err = engine.Principal(ctx, caller); err != nil {
			return nil, err
		}
	} else {
		note = "the principal no longer exists: " + err.Error() + "; the no-new-access check was skipped"
		if p, err = eval.ParsePrincipal(obs.Calls[0].Principal); err != nil {
			return nil, err
		}
	}
	opts.ConditionKeys = append(opts.ConditionKeys, conditionKeys(existing)...)
	res := Generate(obs.Calls, opts)
	g := &Generated{Principal: principal, Events: obs.Events, Denied: obs.Denied, Result: res, Note: note}
	doc := res.Policy.JSON()
	// Dependent actions the principal's policies do not grant are not
	// needed by anything it did here; drop those that would be new access.
	if len(res.Dependent) > 0 && len(existing) > 0 {
		if dropped := dropNewDependent(res, existing, cat); len(dropped) > 0 {
			g.Note = strings.TrimSpace(g.Note + " dependent actions left out because the principal's policies do not grant them on *: " + strings.Join(dropped, ", "))
			doc = res.Policy.JSON()
		}
	}
	v, err := Verify(doc, obs.Calls, p, existing, cat)
	if err != nil {
		return nil, err
	}
	g.Verification = v
	return g, nil
}

// dropNewDependent removes from res the dependent actions that existing
// does not grant on "*", and returns them.
func dropNewDependent(res *Result, existing []authz.PolicyDocument, cat *catalog.Catalog) []string {
	var docs []string
	for _, d := range existing {
		if d.Type == eval.Identity {
			docs = append(docs, d.Document)
		}
	}
	last := &res.Policy.Statement[len(res.Policy.Statement)-1]
	var keep, dropped []string
	for _, a := range last.Action {
		one := Policy{Version: "2012-10-17", Statement: []Statement{{Effect: "Allow", Action: []string{a}, Resource: []string{"*"}}}}
		v, err := Verify(one.JSON(), nil, eval.Principal{}, docsOf(docs), cat)
		if err == nil && v.OK() {
			keep = append(keep, a)
		} else {
			dropped = append(dropped, a)
		}
	}
	if len(keep) == 0 {
		res.Policy.Statement = res.Policy.Statement[:len(res.Policy.Statement)-1]
	} else {
		last.Action = keep
	}
	var deps []Dependent
	for _, d := range res.Dependent {
		for _, k := range keep {
			if k == d.Action {
				deps = append(deps, d)
			}
		}
	}
	res.Dependent = deps
	return dropped
}

func docsOf(texts []string) []authz.PolicyDocument {
	out := make([]authz.PolicyDocument, len(texts))
	for i, t := range texts {
		out[i] = authz.PolicyDocument{Type: eval.Identity, Document: t}
	}
	return out
}

// WriteReport writes what the generation did and the checks' results.
func (g *Generated) WriteReport(w io.Writer) {
	services := map[string]bool{}
	for _, st := range g.Policy.Statement {
		for _, a := range st.Action {
			svc, _, _ := strings.Cut(a, ":")
			services[svc] = true
		}
	}
	fmt.Fprintf(w, "connect-iam policy: %d calls (%d events) of %s: %d actions in %d services, %d statements\n",
		g.Calls, g.Events, g.Principal, g.Actions, len(services), len(g.Policy.Statement))
	if g.Denied > 0 {
		fmt.Fprintf(w, "  left out: %d requests the server denied (the calls failed)\n", g.Denied)
	}
	for _, gen := range g.Generalised {
		why := fmt.Sprintf("%d sibling resources touched", len(gen.Resources))
		if gen.Reason == "created" {
			why = fmt.Sprintf("%d resources the calls created: their IDs are new on every run", len(gen.Resources))
		}
		fmt.Fprintf(w, "  generalised: %s (%s)\n", gen.Pattern, why)
	}
	for _, d := range g.Dependent {
		fmt.Fprintf(w, "  dependent action: %s (needed by %s)\n", d.Action, d.For)
	}
	if g.Note != "" {
		fmt.Fprintf(w, "  note: %s\n", g.Note)
	}
	v := g.Verification
	if len(v.Findings) == 0 {
		fmt.Fprintln(w, "check validate: PASS (no ERROR, no SECURITY_WARNING)")
	} else {
		fmt.Fprintf(w, "check validate: FAIL (%d findings)\n", len(v.Findings))
		for _, f := range v.Findings {
			fmt.Fprintf(w, "  %s %s: %s\n", f.FindingType, f.IssueCode, f.FindingDetails)
		}
	}
	if len(v.Denied) == 0 {
		fmt.Fprintf(w, "check re-decide: PASS (%d observed calls allowed by the generated policy)\n", v.Redecided)
	} else {
		fmt.Fprintf(w, "check re-decide: FAIL (%d of %d observed calls not allowed)\n", len(v.Denied), v.Redecided)
		for _, d := range v.Denied {
			fmt.Fprintf(w, "  %s %s on %s (event %s)\n", d.Decision, d.Action, d.Resource, d.EventID)
		}
	}
	if len(v.NoNewAccess) == 0 {
		fmt.Fprintln(w, "check no new access: skipped (no policies of the principal to compare with)")
	}
	for _, c := range v.NoNewAccess {
		fmt.Fprintf(w, "check no new access vs the principal's %s: %s (%s)\n", c.Against, c.Result.Result, c.Result.Message)
		for _, r := range c.Result.Reasons {
			fmt.Fprintf(w, "  %s\n", r.Description)
			if ce := r.Counterexample; ce != nil {
				fmt.Fprintf(w, "    e.g. %s on %s\n", ce.Action, ce.Resource)
			}
		}
	}
}

// conditionKeys returns the condition keys the Allow statements of the
// identity policies test, other than the tag keys (which
// Options.WithTagConditions governs) and the global keys the audit log
// does not record.
func conditionKeys(docs []authz.PolicyDocument) []string {
	seen := map[string]bool{}
	var out []string
	for _, d := range docs {
		p, err := policy.Parse([]byte(d.Document))
		if err != nil {
			continue
		}
		for _, st := range p.Statements {
			if st.Effect != policy.Allow {
				continue
			}
			for _, c := range st.Conditions {
				k := c.Key.Text
				lk := strings.ToLower(k)
				if strings.HasPrefix(lk, "aws:") || seen[lk] {
					continue
				}
				seen[lk] = true
				out = append(out, k)
			}
		}
	}
	return out
}
