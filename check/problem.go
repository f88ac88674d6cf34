package check

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/connect-iam/connect-iam/catalog"
	"github.com/connect-iam/connect-iam/eval"
	"github.com/connect-iam/connect-iam/policy"
)

// side says which policy of a comparison a statement belongs to.
type side int

const (
	existingSide side = iota
	newSide
)

// stmt is one statement of one of the compared policies, with the probe
// policies the search asks the engine about: core is the statement with
// Effect Allow and without its conditions; probes[g] is the statement with
// Effect Allow, Action, Resource and Principal "*", and only the
// conditions on the keys of group g.
type stmt struct {
	side   side
	index  int
	sid    string
	deny   bool
	core   *eval.Policy
	full   *eval.Policy // the statement alone, Effect Allow
	groups map[int]*eval.Policy
	// keys are the condition keys (lower case) the statement's
	// conditions name.
	keys []string
	// resVars are the free keys (lower case) Resource/NotResource
	// substitutes as variables.
	resVars []string
	src     *policy.Statement
	version policy.Version
}

// parsed is one policy of a comparison, parsed and compiled.
type parsed struct {
	src      *policy.Policy
	compiled *eval.Policy
}

func parseAndCompile(name string, doc []byte, pt PolicyType, cat *catalog.Catalog) (*parsed, error) {
	p, err := policy.Parse(doc)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	opts := []eval.Option{eval.WithName(name), eval.WithKeyTypes(cat.KeyTypeName)}
	if pt == IdentityPolicy {
		opts = append(opts, eval.WithType(eval.Identity))
	}
	c, err := eval.Compile(p, opts...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &parsed{src: p, compiled: c}, nil
}

func raw(src []byte, sp policy.Span) json.RawMessage {
	return json.RawMessage(src[sp.Start.Offset:sp.End.Offset])
}

// statementDoc writes the JSON of a one-statement policy derived from st:
// Effect Allow; when keepCore is false, Action, Resource and Principal are
// "*"; only the conditions whose keys (lower case) satisfy keep are kept.
func statementDoc(p *policy.Policy, st *policy.Statement, keepCore bool, pt PolicyType, keep func(string) bool) []byte {
	src := p.Source
	m := map[string]any{"Effect": "Allow"}
	if keepCore {
		if st.Action != nil {
			k := "Action"
			if st.Action.Not {
				k = "NotAction"
			}
			m[k] = raw(src, st.Action.ValueSpan)
		}
		if st.Resource != nil {
			k := "Resource"
			if st.Resource.Not {
				k = "NotResource"
			}
			m[k] = raw(src, st.Resource.ValueSpan)
		}
		if st.Principal != nil {
			k := "Principal"
			if st.Principal.Not {
				k = "NotPrincipal"
			}
			m[k] = raw(src, st.Principal.ValueSpan)
		}
	} else {
		m["Action"] = "*"
		m["Resource"] = "*"
		if pt == ResourcePolicy {
			m["Principal"] = "*"
		}
	}
	cond := map[string]map[string]json.RawMessage{}
	for _, c := range st.Conditions {
		if !keep(strings.ToLower(c.Key.Text)) {
			continue
		}
		if cond[c.Operator.Text] == nil {
			cond[c.Operator.Text] = map[string]json.RawMessage{}
		}
		cond[c.Operator.Text][c.Key.Text] = raw(src, c.ValueSpan)
	}
	if len(cond) > 0 {
		m["Condition"] = cond
	}
	doc := map[string]any{"Statement": []any{m}}
	if p.VersionNode != nil {
		doc["Version"] = p.VersionNode.Text
	}
	b, err := json.Marshal(doc)
	if err != nil {
		panic(err) // maps of raw JSON taken from a parsed policy always marshal
	}
	return b
}

func compileDoc(doc []byte, pt PolicyType, cat *catalog.Catalog) (*eval.Policy, error) {
	p, err := policy.Parse(doc)
	if err != nil {
		return nil, err
	}
	return eval.Compile(p, eval.WithKeyTypes(cat.KeyTypeName))
}

var allowAllDoc = []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
