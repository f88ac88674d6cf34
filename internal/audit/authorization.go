package audit

import (
	"encoding/json"

	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/eval"
)

// AuthorizationData is the additionalEventData of an event: every
// authorization request the call made, in order. Policy generation
// (connect-iam policy generate) reads it back.
type AuthorizationData struct {
	Authorization []AuthorizationRequest `json:"authorization"`
	// WouldHaveBeenDenied is set when a request was denied but the call
	// proceeded because enforcement was log or off for the caller.
	WouldHaveBeenDenied bool `json:"wouldHaveBeenDenied,omitempty"`
}

// AuthorizationRequest is one decision of a call.
type AuthorizationRequest struct {
	Action   string `json:"action"`
	Resource string `json:"resource"`
	// Decision is "Allow", "ExplicitDeny" or "ImplicitDeny".
	Decision string `json:"decision"`
	// Enforcement is "deny", "log" or "off" (omitted for deny).
	Enforcement string `json:"enforcement,omitempty"`
	// WouldHaveBeenDenied marks a denial that let the call proceed.
	WouldHaveBeenDenied bool `json:"wouldHaveBeenDenied,omitempty"`
	// Context holds the request's own condition keys (aws:RequestTag/*,
	// aws:TagKeys, connect:InstanceId, iam:PolicyARN, ...); the global
	// keys the authorizer adds are not recorded.
	Context map[string][]string `json:"context,omitempty"`
	// ResourceTags are the tags of the resource acted on.
	ResourceTags map[string]string `json:"resourceTags,omitempty"`
	Region       string            `json:"region,omitempty"`
	// Message is AWS's access-denied message of a denial.
	Message string `json:"message,omitempty"`
	// Missing is the permission a denial lacked.
	Missing *MissingPermission `json:"missing,omitempty"`
	// Explanation is the engine's explanation of a denial that let the
	// call proceed (enforcement log), as eval.Explanation marshals it.
	Explanation json.RawMessage `json:"explanation,omitempty"`
}

// MissingPermission is what a denied request needed.
type MissingPermission struct {
	Action   string `json:"action"`
	Resource string `json:"resource"`
	// PolicyType is the type of the policy that denied: the one with the
	// explicit deny or the one whose allow was missing.
	PolicyType string `json:"policyType,omitempty"`
	// ExplicitDeny is set when a Deny statement decided: no Allow can
	// grant the request.
	ExplicitDeny bool `json:"explicitDeny,omitempty"`
	// ConditionKeys are the condition keys that mattered: those of the
	// statements that matched the action and resource but whose
	// conditions did not hold (for an allow) or held (for a deny), with
	// the request's values (empty when the request lacked the key).
	ConditionKeys map[string][]string `json:"conditionKeys,omitempty"`
}

// authorizationData returns the additionalEventData of recs, or nil when
// there are none.
func authorizationData(recs []authz.Record) json.RawMessage {
	if len(recs) == 0 {
		return nil
	}
	d := AuthorizationData{Authorization: make([]AuthorizationRequest, 0, len(recs))}
	for i := range recs {
		r := &recs[i]
		ar := AuthorizationRequest{Action: r.Action, Resource: r.Resource, Decision: r.Decision.String(), Context: r.Context, Region: r.Region}
		if ar.Resource == "" {
			ar.Resource = "*"
		}
		if r.Enforcement != authz.EnforceDeny {
			ar.Enforcement = r.Enforcement.String()
		}
		if len(r.ResourceTags) > 0 {
			ar.ResourceTags = make(map[string]string, len(r.ResourceTags))
			for _, t := range r.ResourceTags {
				ar.ResourceTags[t.Key] = t.Value
			}
		}
		if r.Decision != eval.Allow {
			ar.Message = r.Message
			ar.Missing = missing(r)
			if r.Soft() {
				ar.WouldHaveBeenDenied, d.WouldHaveBeenDenied = true, true
				if r.Explanation != nil {
					ar.Explanation, _ = json.Marshal(r.Explanation)
				}
			}
		}
		d.Authorization = append(d.Authorization, ar)
	}
	b, err := json.Marshal(d)
	if err != nil {
		return nil
	}
	return b
}

// missing describes what the denial r lacked.
func missing(r *authz.Record) *MissingPermission {
	m := &MissingPermission{Action: r.Action, Resource: r.Resource, ExplicitDeny: r.Decision == eval.ExplicitDeny}
	if m.Resource == "" {
		m.Resource = "*"
	}
	x := r.Explanation
	if x == nil {
		return m
	}
	m.PolicyType = x.DecidingPolicyType.String()
	keys := map[string][]string{}
	for _, p := range x.Policies {
		if p.PolicyType != x.DecidingPolicyType {
			continue
		}
		for _, st := range p.Statements {
			if !st.Action.Matched || !st.Resource.Matched || (st.Principal != nil && !st.Principal.Matched) {
				continue
			}
			deny := st.Effect == "Deny"
			if deny != m.ExplicitDeny || (deny && !st.Applies) {
				continue
			}
			for _, c := range st.Conditions {
				if deny || !c.Matched {
					keys[c.Key] = append([]string{}, c.RequestValues...)
				}
			}
		}
	}
	if len(keys) > 0 {
		m.ConditionKeys = keys
	}
	return m
}

// decisionOf is the decision an event reports: the first denial among
// recs (under soft enforcement a later request may be allowed), else the
// last decision, else "".
func decisionOf(recs []authz.Record) string {
	for i := range recs {
		if recs[i].Decision != eval.Allow {
			return recs[i].Decision.String()
		}
	}
	if len(recs) == 0 {
		return ""
	}
	return recs[len(recs)-1].Decision.String()
}

// ParseAuthorization returns the authorization requests recorded in an
// event's additionalEventData; nil when it has none.
func ParseAuthorization(additional json.RawMessage) (*AuthorizationData, error) {
	if len(additional) == 0 || string(additional) == "null" {
		return nil, nil
	}
	var d AuthorizationData
	if err := json.Unmarshal(additional, &d); err != nil {
		return nil, err
	}
	return &d, nil
}
