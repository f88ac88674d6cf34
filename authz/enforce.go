package authz

import (
	"fmt"
	"sort"
	"strings"

	"github.com/connect-iam/connect-iam/arn"
)

// Enforcement is what the authorizer does with a denial.
type Enforcement uint8

const (
	// EnforceDeny returns the denial: the call fails with AccessDenied.
	// It is the zero value.
	EnforceDeny Enforcement = iota
	// EnforceLog lets a denied call proceed as if it were allowed; the
	// decision is recorded with its explanation ("would have been
	// denied") for the audit log.
	EnforceLog
	// EnforceOff lets every call proceed; decisions are still made and
	// recorded, without the explanation of denials.
	EnforceOff
)

// String returns "deny", "log" or "off".
func (m Enforcement) String() string {
	switch m {
	case EnforceLog:
		return "log"
	case EnforceOff:
		return "off"
	}
	return "deny"
}

// ParseEnforcement parses "deny", "log" or "off".
func ParseEnforcement(s string) (Enforcement, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "deny":
		return EnforceDeny, nil
	case "log":
		return EnforceLog, nil
	case "off":
		return EnforceOff, nil
	}
	return EnforceDeny, fmt.Errorf("enforcement %q: use deny, log or off", s)
}

// EnforcementRules choose the enforcement of each caller: an override for
// the caller's ARN, else for its role (a role ARN covers every session of
// the role), else for its account, else Default. The zero value enforces
// every denial. Overrides must not change once the rules are in use.
type EnforcementRules struct {
	Default Enforcement
	// Overrides maps an account ID (12 digits), a user or role ARN, or a
	// session ARN (arn:aws:sts::ACCT:assumed-role/ROLE/SESSION) to its
	// enforcement.
	Overrides map[string]Enforcement
}

// Set adds the override "KEY=MODE", where KEY is an account ID or an ARN
// and MODE is deny, log or off: the syntax of serve's --enforce-principal
// and --enforce-account flags.
func (r *EnforcementRules) Set(spec string) error {
	// IAM names may contain '=', modes never do: the last '=' separates.
	i := strings.LastIndexByte(spec, '=')
	ok := i >= 0
	key, mode := spec, ""
	if ok {
		key, mode = spec[:i], spec[i+1:]
	}
	key = strings.TrimSpace(key)
	if !ok || key == "" {
		return fmt.Errorf("%q: use KEY=MODE, such as arn:aws:iam::111122223333:role/app=log or 111122223333=off", spec)
	}
	m, err := ParseEnforcement(mode)
	if err != nil {
		return fmt.Errorf("%q: %w", spec, err)
	}
	if !isAccountID(key) {
		if _, ok := arn.Split(key); !ok {
			return fmt.Errorf("%q: %s is neither a 12-digit account ID nor an ARN", spec, key)
		}
	}
	if r.Overrides == nil {
		r.Overrides = map[string]Enforcement{}
	}
	r.Overrides[key] = m
	return nil
}

// String lists the rules, "deny" first, then the overrides sorted.
func (r *EnforcementRules) String() string {
	if r == nil {
		return "deny"
	}
	parts := []string{r.Default.String()}
	keys := make([]string, 0, len(r.Overrides))
	for k := range r.Overrides {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		parts = append(parts, k+"="+r.Overrides[k].String())
	}
	return strings.Join(parts, ",")
}

// For returns the enforcement of c. It allocates only to look up the
// path-less ARN of a role with a path when there are overrides.
func (r *EnforcementRules) For(c *Caller) Enforcement {
	if r == nil {
		return EnforceDeny
	}
	if len(r.Overrides) == 0 || c == nil {
		return r.Default
	}
	if m, ok := r.Overrides[c.ARN]; ok {
		return m
	}
	if c.RoleARN != "" {
		if m, ok := r.Overrides[c.RoleARN]; ok {
			return m
		}
		if c.RoleName != "" {
			// The role ARN without its path, as people usually write it.
			if m, ok := r.Overrides[roleARNWithoutPath(c)]; ok {
				return m
			}
		}
	}
	if m, ok := r.Overrides[c.AccountID]; ok {
		return m
	}
	return r.Default
}

// roleARNWithoutPath is arn:PARTITION:iam::ACCT:role/NAME of the caller's
// role; it allocates only for roles with overrides worth checking.
func roleARNWithoutPath(c *Caller) string {
	i := strings.Index(c.RoleARN, ":role/")
	if i < 0 {
		return c.RoleARN
	}
	if c.RoleARN[i+len(":role/"):] == c.RoleName {
		return c.RoleARN
	}
	return c.RoleARN[:i] + ":role/" + c.RoleName
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
