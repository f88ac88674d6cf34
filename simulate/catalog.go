package simulate

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/connect-iam/connect-iam/catalog"
	"github.com/connect-iam/connect-iam/internal/jsonpos"
)

// This file is where the simulator consults the service authorization
// catalog: to type the request context, and to present the request to the
// engine the way AWS would for the action (actions without resource-level
// permissions are authorized against "*").

// checkContextValue reports a context value whose type contradicts the
// catalog's type for the key, so that a typo such as
// "aws:MultiFactorAuthPresent": "yes" is an error rather than a condition
// that silently never matches. Keys the catalog does not know are taken
// as written.
func checkContextValue(cat *catalog.Catalog, key string, v *jsonpos.Value) error {
	t, ok := cat.KeyType(key)
	if !ok {
		return nil
	}
	if v.Kind == jsonpos.Array && !t.IsMulti() && len(v.Elems) > 1 {
		return at(v.Span, "context key %q is single-valued (%s) but has %d values; give one value, or simulate separate requests", key, t, len(v.Elems))
	}
	elems := []*jsonpos.Value{v}
	if v.Kind == jsonpos.Array {
		elems = v.Elems
	}
	for _, e := range elems {
		if msg := typeMismatch(t.Elem(), e); msg != "" {
			return at(e.Span, "context key %q has type %s, but %s", key, t, msg)
		}
	}
	return nil
}

// typeMismatch returns why value e cannot be of scalar type t, or "".
func typeMismatch(t catalog.KeyType, e *jsonpos.Value) string {
	s := e.Str
	switch t {
	case catalog.TypeBool:
		if !strings.EqualFold(s, "true") && !strings.EqualFold(s, "false") {
			return fmt.Sprintf("%q is not a boolean: use true or false", s)
		}
	case catalog.TypeNumeric:
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return fmt.Sprintf("%q is not a number: use an integer or decimal such as 300", s)
		}
	case catalog.TypeIPAddress:
		if _, err := netip.ParseAddr(s); err != nil {
			if _, err := netip.ParsePrefix(s); err != nil {
				return fmt.Sprintf("%q is not an IP address: use an IPv4 or IPv6 address such as 203.0.113.7", s)
			}
		}
	}
	return ""
}

// resourceNotes returns what the catalog says about the request's action
// and resource: an action it does not know (with suggestions), an action
// without resource-level permissions given a specific resource, and a
// resource ARN that is none of the action's resource types. Like IAM's own
// SimulatePrincipalPolicy, the simulator still evaluates the resource as
// given; the notes say where a real request would differ.
func resourceNotes(cat *catalog.Catalog, action, resource string) []string {
	a, ok := cat.Action(action)
	if !ok {
		note := fmt.Sprintf("%s is not an action in the service authorization catalog (data %s); it was evaluated as written", action, cat.Version())
		if s := cat.Suggest(action); len(s) > 0 {
			note += "; did you mean " + strings.Join(s, " or ") + "?"
		}
		return []string{note}
	}
	if !a.SupportsResourceLevelPermissions() {
		if resource != "*" {
			return []string{fmt.Sprintf("%s supports no resource-level permissions: AWS authorizes it against \"*\", so in a real request only statements whose Resource matches \"*\" allow it; this simulation evaluated the resource %s as given", a.FullName(), resource)}
		}
		return nil
	}
	if resource == "*" {
		return []string{fmt.Sprintf("no resource given: evaluated against \"*\"; %s acts on %s", a.FullName(), describeResources(a))}
	}
	if _, ok := a.ResourceFor(resource); !ok {
		return []string{fmt.Sprintf("%s is none of the resource types of %s (%s); AWS would not authorize this action on it", resource, a.FullName(), describeResources(a))}
	}
	return nil
}

func describeResources(a *catalog.Action) string {
	parts := make([]string, 0, len(a.Resources))
	for _, r := range a.Resources {
		req := "optional"
		if r.Required {
			req = "required"
		}
		parts = append(parts, fmt.Sprintf("%s (%s) %s", r.Type.Name, req, r.Type.ARN))
	}
	return strings.Join(parts, ", ")
}
