// Package trust ties the IAM users and roles a role's trust policy names
// to their unique IDs, as IAM does.
//
// When a trust policy is saved, IAM resolves every "AWS" principal that
// is a user or role ARN to that principal's unique ID (AIDA.../AROA...)
// and keeps the ID. If the principal is later deleted, the policy refers to
// the old ID: GetRole shows the ID in place of the ARN, and a new user or
// role created with the same name is not trusted, because its ID differs.
// A trust policy naming a user or role that does not exist is rejected
// ("Invalid principal in policy").
//
// connect-iam keeps the document as written and stores, beside the role,
// the binding of each principal ARN to the unique ID it had when the
// policy was saved ([Bind], [Save]). [Effective] returns the document with
// every principal whose binding no longer holds (deleted, or recreated
// under a new ID) replaced by the bound unique ID; IAM's read operations
// show it and STS evaluates it, so both behave as AWS's.
//
// The bindings are store.Resource records of service "iam" and type
// [ResourceType], keyed by the role's unique ID.
package trust

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/connect-iam/connect-iam/policy"
	"github.com/connect-iam/connect-iam/store"
)

// ResourceType is the store.Resource type of the bindings.
const ResourceType = "trust-principals"

// InvalidPrincipalError reports a trust policy naming an IAM user or role
// that does not exist. Its message is IAM's.
type InvalidPrincipalError struct {
	ARN string
}

func (e *InvalidPrincipalError) Error() string {
	return fmt.Sprintf("Invalid principal in policy: \"AWS\":\"%s\"", e.ARN)
}

// Binding maps each user or role ARN a trust policy names to the unique
// ID the principal had when the policy was saved.
type Binding map[string]string

// Bind resolves the user and role ARNs among the "AWS" principals of doc.
// Principals in accounts the store does not hold are not resolved (the
// store cannot know them); a user or role of an account it holds that does
// not exist is an [*InvalidPrincipalError]. A document that does not parse
// binds nothing: IAM's own checks reject it before.
func Bind(tx store.ReadTx, doc string) (Binding, error) {
	parsed, err := policy.Parse([]byte(doc))
	if err != nil {
		return nil, nil
	}
	b := Binding{}
	accounts := map[string]bool{}
	for _, v := range principalValues(parsed) {
		kind, acct, name, ok := entityOf(v.Text)
		if !ok {
			continue
		}
		if _, done := b[v.Text]; done {
			continue
		}
		known, seen := accounts[acct]
		if !seen {
			_, err := tx.GetAccount(acct)
			switch {
			case err == nil:
				known = true
			case errors.Is(err, store.ErrNotFound):
			default:
				return nil, err
			}
			accounts[acct] = known
		}
		if !known {
			continue
		}
		id, err := currentID(tx, kind, acct, name, v.Text)
		if err != nil {
			return nil, err
		}
		if id == "" {
			return nil, &InvalidPrincipalError{ARN: v.Text}
		}
		b[v.Text] = id
	}
	return b, nil
}

// Save stores b as the binding of the role's trust policy, replacing any
// earlier one; an empty b removes it.
func Save(tx store.Tx, role store.Role, b Binding) error {
	err := tx.DeleteResource(role.AccountID, "iam", ResourceType, role.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if len(b) == 0 {
		return nil
	}
	attrs, err := json.Marshal(b)
	if err != nil {
		return err
	}
	_, err = tx.CreateResource(store.Resource{
		AccountID: role.AccountID, Service: "iam", Type: ResourceType, ID: role.ID,
		ARN:        role.ARN + "#trust-principals",
		Attributes: attrs,
	})
	return err
}

// Delete removes the binding of a deleted role.
func Delete(tx store.Tx, role store.Role) error {
	err := tx.DeleteResource(role.AccountID, "iam", ResourceType, role.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}

// Effective returns the role's trust policy as IAM shows and evaluates it:
// the stored document with each bound principal that no longer exists
// under its bound unique ID replaced by that ID.
func Effective(tx store.ReadTx, role store.Role) (string, error) {
	res, err := tx.GetResource(role.AccountID, "iam", ResourceType, role.ID)
	if errors.Is(err, store.ErrNotFound) {
		return role.AssumeRolePolicyDocument, nil
	}
	if err != nil {
		return "", err
	}
	var b Binding
	if err := json.Unmarshal(res.Attributes, &b); err != nil {
		return "", fmt.Errorf("trust: the principal binding of role %s is corrupt: %w; save its trust policy again (UpdateAssumeRolePolicy) to rebind its principals", role.ARN, err)
	}
	stale := map[string]string{}
	for a, id := range b {
		kind, acct, name, ok := entityOf(a)
		if !ok {
			continue
		}
		cur, err := currentID(tx, kind, acct, name, a)
		if err != nil {
			return "", err
		}
		if cur != id {
			stale[a] = id
		}
	}
	if len(stale) == 0 {
		return role.AssumeRolePolicyDocument, nil
	}
	return replace(role.AssumeRolePolicyDocument, stale)
}

// replace rewrites the principal values of doc found in ids with their
// unique IDs, at their source spans so the rest of the text is unchanged.
func replace(doc string, ids map[string]string) (string, error) {
	parsed, err := policy.Parse([]byte(doc))
	if err != nil {
		return doc, nil
	}
	type edit struct {
		start, end int
		text       string
	}
	var edits []edit
	for _, v := range principalValues(parsed) {
		if id, ok := ids[v.Text]; ok {
			q, _ := json.Marshal(id)
			edits = append(edits, edit{v.Span.Start.Offset, v.Span.End.Offset, string(q)})
		}
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].start > edits[j].start })
	out := doc
	for _, e := range edits {
		if e.start < 0 || e.end > len(out) || e.start > e.end {
			return "", fmt.Errorf("trust: principal span [%d,%d) outside the document", e.start, e.end)
		}
		out = out[:e.start] + e.text + out[e.end:]
	}
	return out, nil
}

// principalValues returns the "AWS" values of every Principal and
// NotPrincipal element of p.
func principalValues(p *policy.Policy) []policy.String {
	var out []policy.String
	for _, st := range p.Statements {
		if st.Principal == nil {
			continue
		}
		for _, e := range st.Principal.Entries {
			if e.Type.Text == "AWS" {
				out = append(out, e.Values...)
			}
		}
	}
	return out
}

// entityOf splits an IAM user or role ARN into its kind, account and name.
func entityOf(s string) (kind store.EntityKind, acct, name string, ok bool) {
	rest, found := strings.CutPrefix(s, "arn:")
	if !found {
		return "", "", "", false
	}
	parts := strings.SplitN(rest, ":", 5)
	if len(parts) != 5 || parts[1] != "iam" || parts[2] != "" || len(parts[3]) != 12 {
		return "", "", "", false
	}
	res := parts[4]
	switch {
	case strings.HasPrefix(res, "user/"):
		kind = store.KindUser
	case strings.HasPrefix(res, "role/"):
		kind = store.KindRole
	default:
		return "", "", "", false
	}
	if strings.ContainsAny(res, "*?") {
		return "", "", "", false
	}
	name = res[strings.LastIndexByte(res, '/')+1:]
	if name == "" {
		return "", "", "", false
	}
	return kind, parts[3], name, true
}

// currentID returns the unique ID of the user or role whose ARN is a, or
// "" when there is none (deleted, or another path).
func currentID(tx store.ReadTx, kind store.EntityKind, acct, name, a string) (string, error) {
	var id, got string
	var err error
	if kind == store.KindUser {
		var u store.User
		u, err = tx.GetUser(acct, name)
		id, got = u.ID, u.ARN
	} else {
		var r store.Role
		r, err = tx.GetRole(acct, name)
		id, got = r.ID, r.ARN
	}
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if got != a {
		return "", nil
	}
	return id, nil
}
