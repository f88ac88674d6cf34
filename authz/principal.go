package authz

import (
	"context"
	"fmt"
	"strings"

	"github.com/connect-iam/connect-iam/arn"
	"github.com/connect-iam/connect-iam/eval"
	"github.com/connect-iam/connect-iam/store"
)

// PolicyDocument is one policy that applies to a principal.
type PolicyDocument struct {
	// Type is eval.Identity, eval.PermissionsBoundary or eval.Session.
	Type eval.PolicyType
	// Name says where the policy comes from: an attached policy's ARN or
	// "role/NAME inline policy POLICY".
	Name string
	// Document is the policy's JSON text.
	Document string
}

// CallerFor returns the Caller of a stored principal named by its ARN: an
// IAM user (arn:aws:iam::ACCT:user/PATH/NAME), a role
// (arn:aws:iam::ACCT:role/PATH/NAME) or a role session
// (arn:aws:sts::ACCT:assumed-role/ROLE/SESSION, which stands for its
// role: the session policies of past sessions are not kept). It is for
// tools that reason about a principal offline (policy generation).
func CallerFor(ctx context.Context, st store.Store, principalARN string) (*Caller, error) {
	f, ok := arn.Split(principalARN)
	if !ok {
		return nil, fmt.Errorf("authz: %q is not an ARN; give a user, role or assumed-role session ARN", principalARN)
	}
	acct, res := f[4], f[5]
	typ, rest, _ := strings.Cut(res, "/")
	name := rest
	if i := strings.LastIndexByte(rest, '/'); i >= 0 {
		name = rest[i+1:]
	}
	var c *Caller
	err := st.View(ctx, func(tx store.ReadTx) error {
		switch {
		case f[2] == "iam" && typ == "user":
			u, err := tx.GetUser(acct, name)
			if err != nil {
				return err
			}
			c = &Caller{Kind: UserCaller, AccountID: acct, ARN: u.ARN, UserID: u.ID, UserName: u.Name}
		case f[2] == "iam" && typ == "role", f[2] == "sts" && typ == "assumed-role":
			roleName, session := name, "session"
			if typ == "assumed-role" {
				roleName, session, _ = strings.Cut(rest, "/")
			}
			r, err := tx.GetRole(acct, roleName)
			if err != nil {
				return err
			}
			c = &Caller{Kind: AssumedRoleCaller, AccountID: acct, ARN: "arn:" + f[1] + ":sts::" + acct + ":assumed-role/" + r.Name + "/" + session,
				UserID: r.ID + ":" + session, RoleName: r.Name, RoleARN: r.ARN, SessionName: session}
		case f[2] == "iam" && res == "root":
			c = &Caller{Kind: RootCaller, AccountID: acct, ARN: principalARN, UserID: acct}
		default:
			return fmt.Errorf("%s is not a user, role or assumed-role session ARN", principalARN)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("authz: principal %s: %w", principalARN, err)
	}
	return c, nil
}

// Policies returns the policies that apply to c now, as Authorize
// resolves them (identity policies of the user, its groups or the role,
// the permissions boundary, the session policies).
func (e *Engine) Policies(ctx context.Context, c *Caller) ([]PolicyDocument, error) {
	var r resolved
	err := e.st.View(ctx, func(tx store.ReadTx) error {
		r = resolved{}
		return e.collect(tx, c, &r)
	})
	if err != nil {
		return nil, fmt.Errorf("authz: resolve the policies of %s: %w", c.ARN, err)
	}
	out := make([]PolicyDocument, 0, len(r.docs))
	for _, d := range r.docs {
		out = append(out, PolicyDocument{Type: d.typ, Name: d.name, Document: d.text})
	}
	return out, nil
}

// Principal returns the engine's view of c with its tags, for deciding
// requests of c offline with eval.
func (e *Engine) Principal(ctx context.Context, c *Caller) (eval.Principal, error) {
	_, p, err := e.resolveStore(ctx, c)
	return p, err
}
