package catalog

import (
	"fmt"
	"strings"

	"github.com/connect-iam/connect-iam/catalog/internal/iamdata"
)

// Service is one AWS service's authorization reference.
type Service struct {
	Prefix string // the action prefix, "connect"
	Name   string // "Amazon Connect"
	// Actions, sorted by name case-insensitively.
	Actions []*Action
	// ResourceTypes, sorted by name.
	ResourceTypes []*ResourceType
	// ConditionKeys are the keys the service's actions and resource types
	// name, sorted by name case-insensitively. They include the global keys
	// the service supports (aws:RequestTag/${TagKey}, aws:TagKeys, ...),
	// with the service's descriptions.
	ConditionKeys []*ConditionKey

	actions       map[string]*Action       // lower-cased name
	resourceTypes map[string]*ResourceType // lower-cased name
	keys          map[string]*ConditionKey // lower-cased name, non-template keys
	keyTemplates  []*ConditionKey
}

// AccessLevel is an action's access level as the data states it: one of
// the five levels, or (in some data versions) several joined by ", ", such
// as "Tagging, Write".
type AccessLevel string

// The access levels of the Service Authorization Reference.
const (
	List                  AccessLevel = "List"
	Read                  AccessLevel = "Read"
	Write                 AccessLevel = "Write"
	PermissionsManagement AccessLevel = "Permissions management"
	Tagging               AccessLevel = "Tagging"
)

// Includes reports whether l is level or a combination that includes it:
// "Tagging, Write" includes both Tagging and Write.
func (l AccessLevel) Includes(level AccessLevel) bool {
	for part := range strings.SplitSeq(string(l), ",") {
		if strings.EqualFold(strings.TrimSpace(part), string(level)) {
			return true
		}
	}
	return false
}

// Action is one action of a service.
type Action struct {
	Service     *Service
	Name        string // "CreateUser"
	Description string
	AccessLevel AccessLevel
	// Resources are the resource types the action takes, in the data's
	// order. An action with none supports no resource-level permissions:
	// policies must grant it on "Resource": "*".
	Resources []ActionResource
	// ConditionKeys are the keys that apply to the action whatever the
	// resource (the data's action-level keys).
	ConditionKeys []*ConditionKey
	// DependentActions are actions ("service:Action") a principal also
	// needs to perform this one.
	DependentActions []string

	fullName string
	lower    string // lower-cased Name
}

// ActionResource is a resource type an action takes.
type ActionResource struct {
	Type     *ResourceType
	Required bool // the data's "*": the action always names such a resource
	// ConditionKeys apply when the action is performed on this resource
	// type.
	ConditionKeys    []*ConditionKey
	DependentActions []string
}

// ResourceType is a resource type of a service.
type ResourceType struct {
	Service *Service
	Name    string // "queue"
	// ARN is the ARN format, such as
	// "arn:${Partition}:connect:${Region}:${Account}:instance/${InstanceId}/queue/${QueueId}".
	ARN string
	// ConditionKeys apply to every action on a resource of this type.
	ConditionKeys []*ConditionKey

	arn arnTemplate
}

// ConditionKey is a condition key and its value type.
type ConditionKey struct {
	// Name is the key as the reference writes it: "connect:InstanceId", or
	// a template such as "aws:RequestTag/${TagKey}".
	Name        string
	Description string
	Type        KeyType
	// Global is true for the keys of GlobalConditionKeys.
	Global bool

	toks []token // lower-cased template; nil for plain keys
}

func newConditionKey(name, desc string, t KeyType) *ConditionKey {
	k := &ConditionKey{Name: name, Description: desc, Type: t}
	if toks := parseTemplate(strings.ToLower(name), false); hasPlaceholder(toks) {
		k.toks = toks
	}
	return k
}

// IsTemplate reports whether the key's name holds a ${...} placeholder that
// stands for a tag key or other name chosen in the policy.
func (k *ConditionKey) IsTemplate() bool { return k.toks != nil }

// Matches reports whether name (case-insensitively) is k's name or, when k
// is a template, an instance of it: "aws:RequestTag/Owner" matches
// "aws:RequestTag/${TagKey}". A placeholder stands for one or more
// characters.
func (k *ConditionKey) Matches(name string) bool {
	if k.toks == nil {
		return strings.EqualFold(name, k.Name)
	}
	var buf [128]byte
	return matchTokens(k.toks, string(lowerInto(buf[:0], name)), "", false)
}

// FullName returns "service:Action", with the reference's capitalization.
func (a *Action) FullName() string { return a.fullName }

// String returns a.FullName().
func (a *Action) String() string { return a.fullName }

// SupportsResourceLevelPermissions reports whether the action takes any
// resource type. If it does not, a statement can only grant or deny it with
// "Resource": "*" (a statement naming an ARN never matches it).
func (a *Action) SupportsResourceLevelPermissions() bool { return len(a.Resources) > 0 }

// Resource returns the action's entry for the resource type named name
// (case-insensitive).
func (a *Action) Resource(name string) (ActionResource, bool) {
	for _, r := range a.Resources {
		if strings.EqualFold(r.Type.Name, name) {
			return r, true
		}
	}
	return ActionResource{}, false
}

// AllConditionKeys returns every condition key that can apply to the
// action: its own keys, then those of each of its resource types (the
// resource type's own keys and the action's keys for that resource type),
// without duplicates.
func (a *Action) AllConditionKeys() []*ConditionKey {
	seen := map[*ConditionKey]bool{}
	var out []*ConditionKey
	add := func(ks []*ConditionKey) {
		for _, k := range ks {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	add(a.ConditionKeys)
	for _, r := range a.Resources {
		add(r.ConditionKeys)
		add(r.Type.ConditionKeys)
	}
	return out
}

// Action returns the service's action named name (case-insensitive,
// without the service prefix).
func (s *Service) Action(name string) (*Action, bool) {
	var buf [128]byte
	a, ok := s.actions[string(lowerInto(buf[:0], name))]
	return a, ok
}

// ResourceType returns the service's resource type named name
// (case-insensitive).
func (s *Service) ResourceType(name string) (*ResourceType, bool) {
	var buf [128]byte
	rt, ok := s.resourceTypes[string(lowerInto(buf[:0], name))]
	return rt, ok
}

// ConditionKey returns the service's condition key named name
// (case-insensitive), or the template key name is an instance of.
func (s *Service) ConditionKey(name string) (*ConditionKey, bool) {
	var buf [128]byte
	return s.conditionKeyLower(string(lowerInto(buf[:0], name)))
}

func (s *Service) conditionKeyLower(lower string) (*ConditionKey, bool) {
	if k, ok := s.keys[lower]; ok {
		return k, true
	}
	for _, k := range s.keyTemplates {
		if matchTokens(k.toks, lower, "", false) {
			return k, true
		}
	}
	return nil, false
}

// ActionsOn returns the service's actions that take resource type rt, in
// name order.
func (s *Service) ActionsOn(rt *ResourceType) []*Action {
	var out []*Action
	for _, a := range s.Actions {
		for _, r := range a.Resources {
			if r.Type == rt {
				out = append(out, a)
				break
			}
		}
	}
	return out
}

// link turns the flat data of one service into linked values.
func link(raw *iamdata.Service) (*Service, error) {
	s := &Service{
		Prefix:        raw.Prefix,
		Name:          raw.Name,
		Actions:       make([]*Action, len(raw.Actions)),
		ResourceTypes: make([]*ResourceType, len(raw.ResourceTypes)),
		ConditionKeys: make([]*ConditionKey, len(raw.ConditionKeys)),
		actions:       make(map[string]*Action, len(raw.Actions)),
		resourceTypes: make(map[string]*ResourceType, len(raw.ResourceTypes)),
		keys:          make(map[string]*ConditionKey, len(raw.ConditionKeys)),
	}
	keys := make([]ConditionKey, len(raw.ConditionKeys))
	for i, rk := range raw.ConditionKeys {
		t, err := ParseKeyType(rk.Type)
		if err != nil {
			return nil, fmt.Errorf("service %q, condition key %q: %w", raw.Prefix, rk.Name, err)
		}
		k := &keys[i]
		*k = ConditionKey{Name: rk.Name, Description: rk.Description, Type: t}
		lower := strings.ToLower(rk.Name)
		if toks := parseTemplate(lower, false); hasPlaceholder(toks) {
			k.toks = toks
			s.keyTemplates = append(s.keyTemplates, k)
		} else {
			s.keys[lower] = k
		}
		s.ConditionKeys[i] = k
	}
	// where is formatted only for an error: linking must stay cheap.
	resolve := func(names []string, where func() string) ([]*ConditionKey, error) {
		if len(names) == 0 {
			return nil, nil
		}
		out := make([]*ConditionKey, len(names))
		for i, n := range names {
			k, ok := s.keys[strings.ToLower(n)]
			if !ok {
				for _, t := range s.keyTemplates {
					if strings.EqualFold(t.Name, n) {
						k, ok = t, true
						break
					}
				}
			}
			if !ok {
				return nil, fmt.Errorf("service %q: %s names condition key %q, which the service does not define (the data is inconsistent; regenerate it)", raw.Prefix, where(), n)
			}
			out[i] = k
		}
		return out, nil
	}

	rts := make([]ResourceType, len(raw.ResourceTypes))
	for i, rr := range raw.ResourceTypes {
		rt := &rts[i]
		ks, err := resolve(rr.ConditionKeys, func() string { return fmt.Sprintf("resource type %q", rr.Name) })
		if err != nil {
			return nil, err
		}
		*rt = ResourceType{Service: s, Name: rr.Name, ARN: rr.ARN, ConditionKeys: ks, arn: parseARNTemplate(rr.ARN)}
		s.ResourceTypes[i] = rt
		s.resourceTypes[strings.ToLower(rr.Name)] = rt
	}

	acts := make([]Action, len(raw.Actions))
	for i := range raw.Actions {
		ra := &raw.Actions[i]
		a := &acts[i]
		where := func() string { return fmt.Sprintf("action %q", ra.Name) }
		ks, err := resolve(ra.ConditionKeys, where)
		if err != nil {
			return nil, err
		}
		*a = Action{
			Service:          s,
			Name:             ra.Name,
			Description:      ra.Description,
			AccessLevel:      AccessLevel(ra.AccessLevel),
			ConditionKeys:    ks,
			DependentActions: ra.DependentActions,
			fullName:         raw.Prefix + ":" + ra.Name,
			lower:            strings.ToLower(ra.Name),
		}
		if len(ra.ResourceTypes) > 0 {
			a.Resources = make([]ActionResource, len(ra.ResourceTypes))
		}
		for j, rr := range ra.ResourceTypes {
			rt, ok := s.resourceTypes[strings.ToLower(rr.Name)]
			if !ok {
				return nil, fmt.Errorf("service %q: %s names resource type %q, which the service does not define (the data is inconsistent; regenerate it)", raw.Prefix, where(), rr.Name)
			}
			rks, err := resolve(rr.ConditionKeys, where)
			if err != nil {
				return nil, err
			}
			a.Resources[j] = ActionResource{Type: rt, Required: rr.Required, ConditionKeys: rks, DependentActions: rr.DependentActions}
		}
		s.Actions[i] = a
		if _, dup := s.actions[a.lower]; dup {
			return nil, fmt.Errorf("service %q: %s is defined twice (the data is inconsistent; regenerate it)", raw.Prefix, where())
		}
		s.actions[a.lower] = a
	}
	return s, nil
}
