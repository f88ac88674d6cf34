package eval

import (
	"fmt"
	"strconv"
)

// Decision is the outcome of evaluating a request.
type Decision int

const (
	// ImplicitDeny means no policy allowed the request (or a policy type that
	// must allow, such as a permissions boundary, did not). It is the zero
	// value, so that an unset Decision never grants access.
	ImplicitDeny Decision = iota
	// Allow means the request is allowed.
	Allow
	// ExplicitDeny means a Deny statement in some applicable policy matched.
	ExplicitDeny
)

var decisionNames = [...]string{ImplicitDeny: "ImplicitDeny", Allow: "Allow", ExplicitDeny: "ExplicitDeny"}

// String returns "Allow", "ExplicitDeny" or "ImplicitDeny".
func (d Decision) String() string {
	if d >= 0 && int(d) < len(decisionNames) {
		return decisionNames[d]
	}
	return "Decision(" + strconv.Itoa(int(d)) + ")"
}

// MarshalText returns the decision's name.
func (d Decision) MarshalText() ([]byte, error) {
	if d < 0 || int(d) >= len(decisionNames) {
		return nil, fmt.Errorf("eval: cannot marshal invalid decision %d", int(d))
	}
	return []byte(decisionNames[d]), nil
}

// UnmarshalText parses "Allow", "ExplicitDeny" or "ImplicitDeny".
func (d *Decision) UnmarshalText(b []byte) error {
	for i, n := range decisionNames {
		if string(b) == n {
			*d = Decision(i)
			return nil
		}
	}
	return fmt.Errorf("eval: unknown decision %q: want Allow, ExplicitDeny or ImplicitDeny", b)
}

// PolicyType is the kind of an IAM policy, which decides where it takes
// part in the evaluation logic.
type PolicyType int

const (
	// Identity is an identity-based policy attached to a user, group or role.
	Identity PolicyType = iota
	// Resource is a resource-based policy attached to the resource.
	Resource
	// PermissionsBoundary is the permissions boundary of the user or role.
	PermissionsBoundary
	// Session is a session policy passed when the session was created.
	Session
	// SCP is an AWS Organizations service control policy.
	SCP
	// RCP is an AWS Organizations resource control policy.
	RCP
)

var policyTypeNames = [...]string{
	Identity:            "identity-based",
	Resource:            "resource-based",
	PermissionsBoundary: "permissions boundary",
	Session:             "session",
	SCP:                 "service control",
	RCP:                 "resource control",
}

// String returns the type as AWS's access-denied messages name it:
// "identity-based", "resource-based", "permissions boundary", "session",
// "service control" or "resource control".
func (t PolicyType) String() string {
	if t >= 0 && int(t) < len(policyTypeNames) {
		return policyTypeNames[t]
	}
	return "PolicyType(" + strconv.Itoa(int(t)) + ")"
}

// MarshalText returns the type's name as String does.
func (t PolicyType) MarshalText() ([]byte, error) {
	if t < 0 || int(t) >= len(policyTypeNames) {
		return nil, fmt.Errorf("eval: cannot marshal invalid policy type %d", int(t))
	}
	return []byte(policyTypeNames[t]), nil
}

// UnmarshalText parses a name as String returns it.
func (t *PolicyType) UnmarshalText(b []byte) error {
	for i, n := range policyTypeNames {
		if string(b) == n {
			*t = PolicyType(i)
			return nil
		}
	}
	return fmt.Errorf("eval: unknown policy type %q", b)
}

// denyPhrase is the policy as named after "with an explicit deny in" in
// AWS's access-denied messages (spec §3.6).
func (t PolicyType) denyPhrase() string {
	switch t {
	case Identity:
		return "an identity-based policy"
	case Resource:
		return "a resource-based policy"
	case PermissionsBoundary:
		return "a permissions boundary"
	case Session:
		return "a sessions policy"
	case SCP:
		return "a service control policy"
	case RCP:
		return "a resource control policy"
	}
	return "a policy"
}

// noAllowPhrase is the policy as named after "because no" in AWS's
// access-denied messages.
func (t PolicyType) noAllowPhrase() string {
	switch t {
	case PermissionsBoundary:
		return "permissions boundary"
	case SCP:
		return "service control policy"
	case RCP:
		return "resource control policy"
	}
	return t.String() + " policy"
}
