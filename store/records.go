package store

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Account is an AWS account.
type Account struct {
	ID      string // 12 digits
	Alias   string // "" when the account has no alias
	Created time.Time
}

// User is an IAM user.
type User struct {
	AccountID              string
	ID                     string // unique ID, "AIDA..."
	Path                   string // "/" or "/division/"
	Name                   string
	ARN                    string
	PermissionsBoundaryARN string // "" when none
	Created                time.Time
}

// Group is an IAM group.
type Group struct {
	AccountID string
	ID        string // unique ID, "AGPA..."
	Path      string
	Name      string
	ARN       string
	Created   time.Time
}

// Role is an IAM role.
type Role struct {
	AccountID                string
	ID                       string // unique ID, "AROA..."
	Path                     string // for service-linked roles "/aws-service-role/SERVICE/"
	Name                     string
	ARN                      string
	AssumeRolePolicyDocument string // the trust policy, as written
	Description              string
	MaxSessionDuration       time.Duration // whole seconds, one to twelve hours
	PermissionsBoundaryARN   string
	ServiceLinked            bool
	Created                  time.Time
	LastUsed                 time.Time // zero if never used
	LastUsedRegion           string
}

// Policy is a customer managed policy.
type Policy struct {
	AccountID        string
	ID               string // unique ID, "ANPA..."
	Path             string
	Name             string
	ARN              string
	Description      string
	DefaultVersionID string // "v1", "v2", ...
	// AttachmentCount is the number of users, groups and roles the policy
	// is attached to; PermissionsBoundaryUsageCount the number of users and
	// roles that use it as their permissions boundary. The store computes
	// both.
	AttachmentCount               int
	PermissionsBoundaryUsageCount int
	Created                       time.Time
	Updated                       time.Time // when the default version last changed
}

// PolicyFilter restricts ListPolicies.
type PolicyFilter struct {
	PathPrefix   string // "" for all
	OnlyAttached bool   // only policies attached to at least one entity
}

// PolicyVersion is one version of a customer managed policy.
type PolicyVersion struct {
	VersionID string // "v1", "v2", ...
	Document  string
	IsDefault bool
	Created   time.Time
}

// InlinePolicy is a policy embedded in a user, group or role.
type InlinePolicy struct {
	Name     string
	Document string
}

// EntityKind is the kind of an IAM entity in an EntityRef.
type EntityKind string

// Entity kinds.
const (
	KindUser   EntityKind = "user"
	KindGroup  EntityKind = "group"
	KindRole   EntityKind = "role"
	KindPolicy EntityKind = "policy"
)

// EntityRef names an IAM entity in an account. For users, groups and roles
// Name is the entity's name; for customer managed policies (tags only) it
// is the policy's ARN.
type EntityRef struct {
	Kind EntityKind
	Name string
}

// String returns "kind name", for messages.
func (r EntityRef) String() string { return fmt.Sprintf("%s %q", r.Kind, r.Name) }

// Tag is a key and value pair.
type Tag struct {
	Key   string
	Value string
}

// AccessKeyStatus is the status of an access key.
type AccessKeyStatus string

// Access key statuses, spelled as in the IAM API.
const (
	AccessKeyActive   AccessKeyStatus = "Active"
	AccessKeyInactive AccessKeyStatus = "Inactive"
)

// AccessKey is a long-term access key of an IAM user.
type AccessKey struct {
	ID        string // "AKIA..."
	AccountID string
	UserName  string // the owner's current name
	UserID    string // the owner's unique ID; set by the store
	// SecretCiphertext is the secret access key sealed by
	// internal/secretbox; the store never sees the plaintext.
	SecretCiphertext []byte
	Status           AccessKeyStatus
	Created          time.Time
	LastUsed         time.Time // zero if never used
	LastUsedService  string
	LastUsedRegion   string
}

// SessionKind is the kind of principal an STS session represents.
type SessionKind string

// Session kinds.
const (
	SessionAssumedRole   SessionKind = "assumed-role"   // AssumeRole
	SessionFederatedUser SessionKind = "federated-user" // GetFederationToken
	SessionUser          SessionKind = "session-user"   // GetSessionToken
	// SessionConsole is a web console sign-in of an IAM user (or root):
	// it acts as the user itself, as AWS's console sessions do, and so is
	// not limited like GetSessionToken credentials.
	SessionConsole SessionKind = "console"
)

// Session is a set of STS temporary credentials and what they stand for.
type Session struct {
	ID                string // temporary access key ID, "ASIA..."
	AccountID         string
	SecretCiphertext  []byte // sealed secret access key
	TokenHash         []byte // SHA-256 of the session token; the token is not stored
	Kind              SessionKind
	PrincipalARN      string // e.g. arn:aws:sts::ACCT:assumed-role/ROLE/SESSION
	PrincipalID       string // aws:userid, e.g. AROA...:SESSION
	SourceARN         string // the role or user the session was obtained for
	SessionName       string // role session name or federated user name
	Policy            string // inline session policy, "" if none
	PolicyARNs        []string
	Tags              []Tag
	TransitiveTagKeys []string
	SourceIdentity    string
	ChainDepth        int  // 0 when obtained with long-term credentials
	MFAAuthenticated  bool // aws:MultiFactorAuthPresent
	Created           time.Time
	Expiration        time.Time
}

// DeletionTaskStatus is the status of a service-linked role deletion.
type DeletionTaskStatus string

// Deletion task statuses, spelled as in the IAM API.
const (
	DeletionNotStarted DeletionTaskStatus = "NOT_STARTED"
	DeletionInProgress DeletionTaskStatus = "IN_PROGRESS"
	DeletionSucceeded  DeletionTaskStatus = "SUCCEEDED"
	DeletionFailed     DeletionTaskStatus = "FAILED"
)

// DeletionTask is an asynchronous service-linked role deletion.
type DeletionTask struct {
	AccountID string
	ID        string // the deletion task ID returned by DeleteServiceLinkedRole
	RoleName  string
	Status    DeletionTaskStatus
	Reason    string // why it failed, as JSON or text; "" otherwise
	Created   time.Time
	Updated   time.Time
}

// Resource is a resource of a service other than IAM, such as an Amazon
// Connect instance or queue. The store keeps its attributes as opaque JSON.
type Resource struct {
	AccountID string
	Service   string // e.g. "connect"
	Type      string // e.g. "instance", "queue"
	ID        string
	ParentID  string // the ID of the scope the resource lives in, "" at top level
	ARN       string // unique across the store
	Name      string
	// NameKey, when not empty, must be unique among resources of the same
	// account, service, type and parent. The caller chooses it (e.g. the
	// name, or the name folded to lower case).
	NameKey    string
	Attributes json.RawMessage // a JSON value; nil is stored as null
	Revision   int64           // incremented by every update
	Created    time.Time
	Updated    time.Time
}

// ResourceFilter restricts ListResources.
type ResourceFilter struct {
	// Parent, when HasParent is true, selects the children of that parent
	// ("" selects top-level resources).
	Parent    string
	HasParent bool
}

// Event is an audit log entry, shaped like a CloudTrail event.
type Event struct {
	Seq               int64 // assigned by AppendEvent
	EventID           string
	Time              time.Time
	Source            string // eventSource, e.g. "iam.amazonaws.com"
	Name              string // eventName, e.g. "CreateUser"
	AccountID         string // recipient account, "" if unauthenticated
	PrincipalARN      string // the caller's ARN, for queries; "" if anonymous
	UserIdentity      json.RawMessage
	SourceIPAddress   string
	UserAgent         string
	RequestParameters json.RawMessage // secrets removed by the caller
	ErrorCode         string
	ErrorMessage      string
	Decision          string // "Allow", "ExplicitDeny", "ImplicitDeny", ...
	// AdditionalEventData is CloudTrail's additionalEventData: a JSON
	// object the server fills with the authorization requests of the
	// call (action, resource, condition keys, decision, enforcement), or
	// nil.
	AdditionalEventData json.RawMessage
}

// EventQuery selects audit events. Zero fields do not restrict.
type EventQuery struct {
	Start        time.Time // inclusive
	End          time.Time // exclusive
	AccountID    string
	Name         string
	PrincipalARN string
	ErrorCode    string
	// OnlyErrors selects only events with an error code.
	OnlyErrors bool
	// Source selects the events of one event source, such as
	// "connect.amazonaws.com".
	Source string
	// OnlyDenied selects only events whose authorization decision was a
	// deny (ExplicitDeny or ImplicitDeny).
	OnlyDenied bool
	// NewestFirst returns the events in reverse chronological order.
	NewestFirst bool
}

// FoldName returns the case-insensitive comparison form of an IAM name or
// tag key. Backends store it beside the name to enforce IAM's
// case-insensitive uniqueness.
func FoldName(s string) string { return strings.ToLower(s) }

// ValidAccountID reports whether id is a 12-digit account ID.
func ValidAccountID(id string) bool {
	if len(id) != 12 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return false
		}
	}
	return true
}

// NewID returns a random identifier made of prefix followed by upper-case
// letters and digits 2-7, n characters long in total, in the style of IAM
// unique IDs (NewID("AIDA", 21)) and access key IDs (NewID("AKIA", 20)).
func NewID(prefix string, n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	if n <= len(prefix) {
		return prefix
	}
	b := make([]byte, n-len(prefix))
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand.Read does not fail on supported platforms
	}
	for i := range b {
		b[i] = alphabet[b[i]&31]
	}
	return prefix + string(b)
}

// VersionID returns the IAM spelling "vN" of policy version n.
func VersionID(n int) string { return fmt.Sprintf("v%d", n) }

// ParseVersionID parses "vN" into N, reporting whether it is well-formed.
func ParseVersionID(s string) (int, bool) {
	if len(s) < 2 || s[0] != 'v' || s[1] == '0' {
		return 0, false
	}
	n := 0
	for _, c := range s[1:] {
		if c < '0' || c > '9' || n > 1e8 {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// TagsFromMap returns tags given as a map (the Tags member of a REST-JSON
// request) as a list ordered by key.
func TagsFromMap(tags map[string]string) []Tag {
	out := make([]Tag, 0, len(tags))
	for k, v := range tags {
		out = append(out, Tag{Key: k, Value: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// TagMap returns tags as a map, for the Tags member of a REST-JSON
// response; nil when there are none.
func TagMap(tags []Tag) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m
}

// DecodeAttributes decodes the resource's JSON attributes into v; it leaves
// v unchanged when the resource has none.
func (r Resource) DecodeAttributes(v any) error {
	if len(r.Attributes) == 0 || string(r.Attributes) == "null" {
		return nil
	}
	return json.Unmarshal(r.Attributes, v)
}
