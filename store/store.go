// Package store defines the persistent storage of the connect-iam server:
// accounts, IAM users, groups, roles and policies, credentials, STS
// sessions, service-linked role deletion tasks, generic resources of other
// services (the Amazon Connect control plane) and the audit event log.
//
// A backend (store/sqlite, and later PostgreSQL) implements [Store]. Callers
// see only this package: records are plain structs, identifiers and
// timestamps are portable (strings and [time.Time] with microsecond
// precision in UTC), and failures are reported with the sentinel errors
// below, wrapped with context, so that they are tested with [errors.Is].
//
// All reads and writes happen inside closure-style transactions:
//
//	err := st.Update(ctx, func(tx store.Tx) error {
//		if err := tx.CreateUser(u); err != nil {
//			return err
//		}
//		return tx.TagEntity(u.AccountID, store.EntityRef{Kind: store.KindUser, Name: u.Name}, tags)
//	})
//
// If the closure returns an error, nothing it wrote is kept. Every backend
// passes the conformance suite in store/storetest.
//
// The store enforces the invariants that keep its data consistent: unique
// names (case-insensitive for IAM users, groups, roles and policies, as IAM
// does), references to existing entities, refusal to delete an entity that
// still has dependents ([ErrConflict]), and the fixed IAM limits
// [MaxPolicyVersions], [MaxAccessKeysPerUser], [MaxTagsPerEntity] and
// [MaxGroupsPerUser] ([ErrLimitExceeded]). Adjustable quotas (users per
// account, managed policies attached per entity, policy sizes) and input
// syntax are the IAM layer's business.
package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Sentinel errors. Backends wrap them with a description of the record
// involved; test for them with [errors.Is].
var (
	// ErrNotFound reports that a record does not exist.
	ErrNotFound = errors.New("not found")
	// ErrAlreadyExists reports that a record with the same identity or
	// unique name already exists.
	ErrAlreadyExists = errors.New("already exists")
	// ErrConflict reports that an operation conflicts with the current state:
	// deleting an entity that still has dependents (IAM's DeleteConflict),
	// deleting a policy's default version, or updating a resource whose
	// revision changed since it was read.
	ErrConflict = errors.New("conflict")
	// ErrLimitExceeded reports that a fixed limit would be exceeded
	// (policy versions, access keys, tags, group memberships).
	ErrLimitExceeded = errors.New("limit exceeded")
	// ErrInvalidArgument reports a malformed argument, such as an empty
	// name, an account ID that is not 12 digits or an unknown entity kind.
	ErrInvalidArgument = errors.New("invalid argument")
	// ErrClosed reports use of a store after Close.
	ErrClosed = errors.New("store closed")
)

// Fixed IAM limits enforced by the store.
const (
	// MaxPolicyVersions is the number of versions a managed policy keeps.
	MaxPolicyVersions = 5
	// MaxAccessKeysPerUser is the number of access keys an IAM user may have.
	MaxAccessKeysPerUser = 2
	// MaxTagsPerEntity is the number of tags on a user, role, policy or
	// resource.
	MaxTagsPerEntity = 50
	// MaxGroupsPerUser is the number of groups an IAM user may belong to.
	MaxGroupsPerUser = 10
)

// Pagination defaults. A ListOptions.MaxItems of zero means
// DefaultMaxItems; larger values than MaxMaxItems are reduced to it.
const (
	DefaultMaxItems = 100
	MaxMaxItems     = 1000
)

// SchemaVersionError reports a database whose schema version is newer than
// the one this binary knows, which it refuses to open.
type SchemaVersionError struct {
	Path     string // the database that was opened
	Database int    // the schema version found in the database
	Binary   int    // the newest schema version this binary knows
}

// Error describes both versions and how to proceed.
func (e *SchemaVersionError) Error() string {
	return fmt.Sprintf("store: database %s has schema version %d, newer than version %d that this connect-iam binary supports; "+
		"run a connect-iam release that knows schema version %d (downgrading the database is not supported)",
		e.Path, e.Database, e.Binary, e.Database)
}

// Store is a transactional store. Implementations are safe for concurrent
// use by multiple goroutines.
type Store interface {
	// Update runs fn in a read-write transaction bound to ctx. If fn returns
	// nil the transaction commits; if fn returns an error or panics, every
	// write it made is rolled back and the error is returned unchanged
	// (the panic is re-raised). A backend that detects serialization
	// conflicts may run fn again, so fn must have no effect outside tx and
	// must not keep tx after returning. fn must not call Update or View on
	// the same store: transactions do not nest.
	Update(ctx context.Context, fn func(tx Tx) error) error
	// View runs fn in a read-only transaction that sees a consistent
	// snapshot of the store. The error fn returns is returned unchanged.
	View(ctx context.Context, fn func(tx ReadTx) error) error
	// Close releases the store's resources. Transactions must have ended;
	// calling Update or View afterwards returns ErrClosed, and calling Close
	// again does nothing.
	Close() error
}

// ListOptions selects a page of a list. Lists are returned in a stable order
// documented by each method; Marker is the opaque value a previous call
// returned as its next marker, or "" for the first page.
type ListOptions struct {
	Marker   string
	MaxItems int
}

// ReadTx is a read-only transaction. Its methods use the context given to
// Update or View. List methods return the page and the marker of the next
// page, which is "" after the last page.
type ReadTx interface {
	// GetAccount returns the account with the given 12-digit ID.
	GetAccount(id string) (Account, error)
	// ListAccounts lists accounts in ID order.
	ListAccounts(opt ListOptions) ([]Account, string, error)

	// GetUser returns the user with the given name, compared
	// case-insensitively.
	GetUser(accountID, name string) (User, error)
	// ListUsers lists users whose path starts with pathPrefix ("" for all),
	// ordered by name, case-insensitively.
	ListUsers(accountID, pathPrefix string, opt ListOptions) ([]User, string, error)

	// GetGroup returns the group with the given name, compared
	// case-insensitively.
	GetGroup(accountID, name string) (Group, error)
	// ListGroups lists groups whose path starts with pathPrefix, ordered by
	// name, case-insensitively.
	ListGroups(accountID, pathPrefix string, opt ListOptions) ([]Group, string, error)
	// ListGroupMembers lists the users in a group, ordered by name.
	ListGroupMembers(accountID, groupName string, opt ListOptions) ([]User, string, error)
	// ListGroupsForUser lists the groups a user belongs to, ordered by name.
	ListGroupsForUser(accountID, userName string, opt ListOptions) ([]Group, string, error)

	// GetRole returns the role with the given name, compared
	// case-insensitively.
	GetRole(accountID, name string) (Role, error)
	// ListRoles lists roles whose path starts with pathPrefix, ordered by
	// name, case-insensitively.
	ListRoles(accountID, pathPrefix string, opt ListOptions) ([]Role, string, error)

	// GetPolicy returns the customer managed policy with the given ARN.
	GetPolicy(accountID, arn string) (Policy, error)
	// ListPolicies lists customer managed policies ordered by name,
	// case-insensitively.
	ListPolicies(accountID string, filter PolicyFilter, opt ListOptions) ([]Policy, string, error)
	// GetPolicyVersion returns one version ("v1", "v2", ...) of a policy.
	GetPolicyVersion(accountID, policyARN, versionID string) (PolicyVersion, error)
	// ListPolicyVersions lists the versions of a policy, newest first.
	ListPolicyVersions(accountID, policyARN string) ([]PolicyVersion, error)

	// GetInlinePolicy returns an inline policy of a user, group or role.
	// The policy name is compared case-insensitively.
	GetInlinePolicy(accountID string, owner EntityRef, policyName string) (InlinePolicy, error)
	// ListInlinePolicies lists the inline policies of a user, group or role,
	// ordered by name, case-insensitively.
	ListInlinePolicies(accountID string, owner EntityRef, opt ListOptions) ([]InlinePolicy, string, error)

	// ListAttachedPolicies lists the ARNs of the managed policies attached to
	// a user, group or role, in ARN order.
	ListAttachedPolicies(accountID string, owner EntityRef, opt ListOptions) ([]string, string, error)
	// ListPolicyAttachments lists the users, groups and roles a managed
	// policy (customer or AWS managed) is attached to in an account, ordered
	// by kind then name.
	ListPolicyAttachments(accountID, policyARN string) ([]EntityRef, error)

	// ListTags returns the tags of a user, role or customer managed policy,
	// ordered by key, case-insensitively.
	ListTags(accountID string, target EntityRef) ([]Tag, error)

	// GetAccessKey returns the access key with the given ID, in any account.
	// This is the credential lookup of request authentication.
	GetAccessKey(id string) (AccessKey, error)
	// ListAccessKeys lists a user's access keys, oldest first.
	ListAccessKeys(accountID, userName string) ([]AccessKey, error)

	// GetSession returns the STS session whose temporary access key ID is
	// id, in any account, whether or not it has expired.
	GetSession(id string) (Session, error)
	// CountActiveSessions counts the sessions of an account whose SourceARN
	// is sourceARN and that have not expired at now.
	CountActiveSessions(accountID, sourceARN string, now time.Time) (int, error)

	// GetDeletionTask returns a service-linked role deletion task.
	GetDeletionTask(accountID, id string) (DeletionTask, error)

	// GetResource returns a resource of another service by its ID.
	GetResource(accountID, service, resourceType, id string) (Resource, error)
	// GetResourceByARN returns a resource of another service by its ARN.
	GetResourceByARN(arn string) (Resource, error)
	// ListResources lists resources of one type, optionally only the
	// children of parentID (filter.Parent), ordered by ID.
	ListResources(accountID, service, resourceType string, filter ResourceFilter, opt ListOptions) ([]Resource, string, error)
	// ListResourceTags returns the tags of a resource, ordered by key.
	ListResourceTags(arn string) ([]Tag, error)

	// QueryEvents returns audit events matching q in chronological order
	// (by event time, then by sequence number), or the reverse with
	// q.NewestFirst; a marker continues in the order it was made in.
	QueryEvents(q EventQuery, opt ListOptions) ([]Event, string, error)
}

// Tx is a read-write transaction. Write methods validate their arguments,
// check existence and uniqueness, and return a wrapped sentinel error
// without writing anything when a check fails; the caller decides whether
// to continue the transaction or return the error and roll it back.
type Tx interface {
	ReadTx

	// CreateAccount adds an account. Created is set to now if zero.
	CreateAccount(a Account) error
	// SetAccountAlias sets an account's alias, unique across accounts
	// ("" removes it).
	SetAccountAlias(id, alias string) error

	// CreateUser adds a user. ID, Name, ARN and AccountID are required;
	// Path defaults to "/"; Created is set to now if zero.
	CreateUser(u User) error
	// UpdateUser replaces the path, name, ARN and permissions boundary of
	// the user whose unique ID is u.ID. A new name must be free.
	UpdateUser(u User) error
	// DeleteUser deletes a user and its tags. It fails with ErrConflict
	// while the user has access keys, inline or attached policies or group
	// memberships.
	DeleteUser(accountID, name string) error

	// CreateGroup adds a group (see CreateUser).
	CreateGroup(g Group) error
	// UpdateGroup replaces the path, name and ARN of the group whose unique
	// ID is g.ID.
	UpdateGroup(g Group) error
	// DeleteGroup deletes a group. It fails with ErrConflict while the group
	// has members or inline or attached policies.
	DeleteGroup(accountID, name string) error
	// AddUserToGroup makes a user a member of a group; adding a member again
	// succeeds without change. It fails with ErrLimitExceeded when the user
	// is already in MaxGroupsPerUser groups.
	AddUserToGroup(accountID, groupName, userName string) error
	// RemoveUserFromGroup removes a user from a group; ErrNotFound if the
	// user is not a member.
	RemoveUserFromGroup(accountID, groupName, userName string) error

	// CreateRole adds a role (see CreateUser). MaxSessionDuration defaults
	// to one hour.
	CreateRole(r Role) error
	// UpdateRole replaces every mutable field (path, name, ARN, trust
	// policy, description, maximum session duration, permissions boundary,
	// last use) of the role whose unique ID is r.ID.
	UpdateRole(r Role) error
	// DeleteRole deletes a role and its tags. It fails with ErrConflict
	// while the role has inline or attached policies.
	DeleteRole(accountID, name string) error

	// CreatePolicy adds a customer managed policy with document as its
	// default version "v1". ID, Name, ARN and AccountID are required; the
	// version fields and counts of p are ignored.
	CreatePolicy(p Policy, document string) (Policy, error)
	// UpdatePolicyDescription sets a policy's description.
	UpdatePolicyDescription(accountID, arn, description string) error
	// DeletePolicy deletes a policy, its versions and its tags. It fails
	// with ErrConflict while the policy is attached to an entity or used as
	// a permissions boundary.
	DeletePolicy(accountID, arn string) error
	// CreatePolicyVersion adds the next version of a policy, numbered one
	// above the highest version ever created, and makes it the default if
	// setAsDefault. It fails with ErrLimitExceeded when the policy already
	// has MaxPolicyVersions versions.
	CreatePolicyVersion(accountID, arn, document string, setAsDefault bool) (PolicyVersion, error)
	// SetDefaultPolicyVersion makes an existing version the default.
	SetDefaultPolicyVersion(accountID, arn, versionID string) error
	// DeletePolicyVersion deletes a version that is not the default
	// (ErrConflict for the default version).
	DeletePolicyVersion(accountID, arn, versionID string) error

	// PutInlinePolicy creates or replaces an inline policy of a user, group
	// or role. Replacing keeps the new spelling of the name.
	PutInlinePolicy(accountID string, owner EntityRef, policyName, document string) error
	// DeleteInlinePolicy deletes an inline policy.
	DeleteInlinePolicy(accountID string, owner EntityRef, policyName string) error

	// AttachPolicy attaches a managed policy to a user, group or role.
	// policyARN is either a customer managed policy of the account (which
	// must exist) or an AWS managed policy (arn:PARTITION:iam::aws:policy/...),
	// which the store does not check. Attaching again succeeds without change.
	AttachPolicy(accountID string, owner EntityRef, policyARN string) error
	// DetachPolicy detaches a managed policy; ErrNotFound if not attached.
	DetachPolicy(accountID string, owner EntityRef, policyARN string) error

	// TagEntity adds tags to a user, role or customer managed policy,
	// replacing the values of keys that exist already (keys compare
	// case-insensitively; the new spelling is kept). It fails with
	// ErrLimitExceeded if the entity would have more than MaxTagsPerEntity
	// tags.
	TagEntity(accountID string, target EntityRef, tags []Tag) error
	// UntagEntity removes tags by key, case-insensitively. Keys that are not
	// present are ignored.
	UntagEntity(accountID string, target EntityRef, keys []string) error

	// CreateAccessKey adds an access key to the user named k.UserName. It
	// fails with ErrLimitExceeded when the user already has
	// MaxAccessKeysPerUser keys. Status defaults to Active.
	CreateAccessKey(k AccessKey) error
	// SetAccessKeyStatus sets the status of a user's access key.
	SetAccessKeyStatus(accountID, userName, id string, status AccessKeyStatus) error
	// RecordAccessKeyUse records the last use of an access key.
	RecordAccessKeyUse(id string, at time.Time, service, region string) error
	// DeleteAccessKey deletes a user's access key.
	DeleteAccessKey(accountID, userName, id string) error

	// CreateSession stores an STS session.
	CreateSession(s Session) error
	// DeleteSession deletes a session.
	DeleteSession(id string) error
	// DeleteExpiredSessions deletes sessions that expired before t and
	// returns how many it deleted.
	DeleteExpiredSessions(t time.Time) (int, error)

	// CreateDeletionTask stores a service-linked role deletion task.
	CreateDeletionTask(t DeletionTask) error
	// UpdateDeletionTask sets the status and failure reason of a task.
	UpdateDeletionTask(accountID, id string, status DeletionTaskStatus, reason string) error

	// CreateResource stores a resource of another service. Revision is set
	// to 1. If NameKey is not empty it must be unique among resources of the
	// same service, type and parent in the account.
	CreateResource(r Resource) (Resource, error)
	// UpdateResource replaces the name, name key, attributes and parent of
	// the resource identified by r's account, service, type and ID, if its
	// current revision equals r.Revision (ErrConflict otherwise), and
	// returns it with the incremented revision.
	UpdateResource(r Resource) (Resource, error)
	// DeleteResource deletes a resource and its tags. Children are not
	// deleted.
	DeleteResource(accountID, service, resourceType, id string) error
	// TagResource adds tags to a resource, replacing the values of keys
	// that exist already. Resource tag keys are case-sensitive, as in other
	// AWS services. It fails with ErrLimitExceeded past MaxTagsPerEntity.
	TagResource(arn string, tags []Tag) error
	// UntagResource removes tags from a resource by exact key.
	UntagResource(arn string, keys []string) error

	// AppendEvent appends an event to the audit log and returns its
	// sequence number. The log is append-only.
	AppendEvent(e Event) (int64, error)
}

// OrganizationsService is the Resource service of AWS Organizations'
// records: the organization, its roots, OUs, accounts and policies.
const OrganizationsService = "organizations"

// AuthorizationService reports whether authorization reads the Resource
// records of service — AWS Organizations', which decide the service and
// resource control policies of every request — so that a write of one must
// invalidate what authorizers have cached (a backend shared by several
// processes advances its authorization generation). Resources of other
// services are read per request and invalidate nothing.
func AuthorizationService(service string) bool { return service == OrganizationsService }
