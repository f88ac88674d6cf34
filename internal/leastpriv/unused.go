package leastpriv

import (
	"fmt"
	"slices"
	"strings"

	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/catalog"
	"github.com/connect-iam/connect-iam/eval"
	"github.com/connect-iam/connect-iam/policy"
)

// ServiceUsage is, for one service, the actions the principal's policies
// grant and those of them the calls used.
type ServiceUsage struct {
	Service string   `json:"service"`
	Granted int      `json:"granted"`
	Used    []string `json:"used"`
	Unused  []string `json:"unused"`
}

// Unused returns, per service, the actions an Allow statement of the
// principal's identity policies grants (Action patterns expanded with the
// catalog; NotAction as every other catalog action) and which of them the
// calls used (allowed, or would have been under soft enforcement). Deny
// statements and conditions are not subtracted: an action is granted
// when some Allow statement names it.
func Unused(existing []authz.PolicyDocument, calls []Call, cat *catalog.Catalog) ([]ServiceUsage, error) {
	if cat == nil {
		cat = catalog.Default()
	}
	granted := map[string]*catalog.Action{} // lower-cased full name
	for _, d := range existing {
		if d.Type != eval.Identity {
			continue
		}
		p, err := policy.Parse([]byte(d.Document))
		if err != nil {
			return nil, fmt.Errorf("policy %s: %w", d.Name, err)
		}
		for _, st := range p.Statements {
			if st.Effect != policy.Allow || st.Action == nil {
				continue
			}
			if !st.Action.Not {
				for _, v := range st.Action.Values {
					for _, a := range cat.ExpandActions(v.Text) {
						granted[strings.ToLower(a.FullName())] = a
					}
				}
				continue
			}
			for _, a := range cat.ExpandActions("*") {
				excluded := false
				for _, v := range st.Action.Values {
					excluded = excluded || catalog.MatchAction(v.Text, a.FullName())
				}
				if !excluded {
					granted[strings.ToLower(a.FullName())] = a
				}
			}
		}
	}
	used := map[string]bool{}
	for _, c := range calls {
		if c.Request.Decision == "Allow" || c.Request.WouldHaveBeenDenied {
			used[strings.ToLower(c.Request.Action)] = true
		}
	}
	per := map[string]*ServiceUsage{}
	for key, a := range granted {
		svc := a.Service.Prefix
		u := per[svc]
		if u == nil {
			u = &ServiceUsage{Service: svc, Used: []string{}, Unused: []string{}}
			per[svc] = u
		}
		u.Granted++
		if used[key] {
			u.Used = append(u.Used, a.FullName())
		} else {
			u.Unused = append(u.Unused, a.FullName())
		}
	}
	out := make([]ServiceUsage, 0, len(per))
	for _, u := range per {
		slices.Sort(u.Used)
		slices.Sort(u.Unused)
		out = append(out, *u)
	}
	slices.SortFunc(out, func(a, b ServiceUsage) int { return strings.Compare(a.Service, b.Service) })
	return out, nil
}
