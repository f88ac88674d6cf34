package authz

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/connect-iam/connect-iam/store"
)

// DefaultMaxCacheAge is how long resolved policies and credentials are
// cached at most when Options.MaxCacheAge is zero, even while the store's
// generation does not change (to see writes by other processes).
const DefaultMaxCacheAge = 10 * time.Second

// Generationer is implemented by stores that count their committed
// changes to the data authorization depends on, such as the store Watch
// returns. The Engine and the credential store cache what they resolve
// while the generation stays the same.
type Generationer interface {
	// Generation returns a number that changes after every committed
	// transaction that changed users, groups, roles, policies, tags,
	// access keys or sessions.
	Generation() uint64
}

// WatchedStore is a store.Store that counts the committed transactions
// that change what authorization depends on. Build it with Watch.
type WatchedStore struct {
	store.Store
	gen atomic.Uint64
}

var _ Generationer = (*WatchedStore)(nil)

// Watch wraps st so that the Engine and the credential store can cache
// resolved policies and credentials: every write through the returned
// store that changes users, groups, roles, policies, tags, access keys or
// sessions invalidates them when it commits. Every writer of the process
// must use the returned store; writes by other processes are seen after
// at most Options.MaxCacheAge, unless st keeps a generation of its own
// that they advance (a Generationer and Syncer such as store/postgres):
// then they are seen by the next request. Writes of AWS Organizations'
// resources invalidate them too; audit events, resources of other services
// and access-key last-use records do not.
func Watch(st store.Store) *WatchedStore {
	return &WatchedStore{Store: st}
}

// Syncer is implemented by stores that other processes write too, such as
// store/postgres: Sync reads the generation that is committed in the
// database, so that a change committed anywhere before Sync was called
// makes Generation differ from the value cached resolutions were tagged
// with. The Engine and the credential store call it once per request,
// before they consult their caches.
type Syncer interface {
	Sync(ctx context.Context) (uint64, error)
}

// Generation implements Generationer: the count of this process's writes,
// plus the wrapped store's own generation when it keeps one (a database
// that several processes share).
func (w *WatchedStore) Generation() uint64 {
	g := w.gen.Load()
	if inner, ok := w.Store.(Generationer); ok {
		g += inner.Generation()
	}
	return g
}

// Sync implements Syncer: it syncs the wrapped store when that is a
// Syncer, and does nothing otherwise.
func (w *WatchedStore) Sync(ctx context.Context) (uint64, error) {
	if inner, ok := w.Store.(Syncer); ok {
		if _, err := inner.Sync(ctx); err != nil {
			return 0, err
		}
	}
	return w.Generation(), nil
}

// Update runs fn like the wrapped store's Update, and advances the
// generation after a transaction that changed authorization data, whether
// or not it committed (a rolled-back change only costs a cache miss).
func (w *WatchedStore) Update(ctx context.Context, fn func(tx store.Tx) error) error {
	var dirty bool
	err := w.Store.Update(ctx, func(tx store.Tx) error {
		dirty = false // fn may be run again
		return fn(&watchedTx{Tx: tx, dirty: &dirty})
	})
	if dirty {
		w.gen.Add(1)
	}
	return err
}

// watchedTx marks the transaction dirty when a method that changes
// authorization data is called.
type watchedTx struct {
	store.Tx
	dirty *bool
}

func (t *watchedTx) mark(err error) error {
	*t.dirty = true
	return err
}

func (t *watchedTx) UpdateUser(u store.User) error { return t.mark(t.Tx.UpdateUser(u)) }
func (t *watchedTx) DeleteUser(accountID, name string) error {
	return t.mark(t.Tx.DeleteUser(accountID, name))
}
func (t *watchedTx) UpdateGroup(g store.Group) error { return t.mark(t.Tx.UpdateGroup(g)) }
func (t *watchedTx) DeleteGroup(accountID, name string) error {
	return t.mark(t.Tx.DeleteGroup(accountID, name))
}
func (t *watchedTx) AddUserToGroup(accountID, groupName, userName string) error {
	return t.mark(t.Tx.AddUserToGroup(accountID, groupName, userName))
}
func (t *watchedTx) RemoveUserFromGroup(accountID, groupName, userName string) error {
	return t.mark(t.Tx.RemoveUserFromGroup(accountID, groupName, userName))
}
func (t *watchedTx) UpdateRole(r store.Role) error { return t.mark(t.Tx.UpdateRole(r)) }
func (t *watchedTx) DeleteRole(accountID, name string) error {
	return t.mark(t.Tx.DeleteRole(accountID, name))
}
func (t *watchedTx) DeletePolicy(accountID, arn string) error {
	return t.mark(t.Tx.DeletePolicy(accountID, arn))
}
func (t *watchedTx) CreatePolicyVersion(accountID, arn, document string, setAsDefault bool) (store.PolicyVersion, error) {
	v, err := t.Tx.CreatePolicyVersion(accountID, arn, document, setAsDefault)
	return v, t.mark(err)
}
func (t *watchedTx) SetDefaultPolicyVersion(accountID, arn, versionID string) error {
	return t.mark(t.Tx.SetDefaultPolicyVersion(accountID, arn, versionID))
}
func (t *watchedTx) DeletePolicyVersion(accountID, arn, versionID string) error {
	return t.mark(t.Tx.DeletePolicyVersion(accountID, arn, versionID))
}
func (t *watchedTx) PutInlinePolicy(accountID string, owner store.EntityRef, policyName, document string) error {
	return t.mark(t.Tx.PutInlinePolicy(accountID, owner, policyName, document))
}
func (t *watchedTx) DeleteInlinePolicy(accountID string, owner store.EntityRef, policyName string) error {
	return t.mark(t.Tx.DeleteInlinePolicy(accountID, owner, policyName))
}
func (t *watchedTx) AttachPolicy(accountID string, owner store.EntityRef, policyARN string) error {
	return t.mark(t.Tx.AttachPolicy(accountID, owner, policyARN))
}
func (t *watchedTx) DetachPolicy(accountID string, owner store.EntityRef, policyARN string) error {
	return t.mark(t.Tx.DetachPolicy(accountID, owner, policyARN))
}
func (t *watchedTx) TagEntity(accountID string, target store.EntityRef, tags []store.Tag) error {
	return t.mark(t.Tx.TagEntity(accountID, target, tags))
}
func (t *watchedTx) UntagEntity(accountID string, target store.EntityRef, keys []string) error {
	return t.mark(t.Tx.UntagEntity(accountID, target, keys))
}
func (t *watchedTx) SetAccessKeyStatus(accountID, userName, id string, status store.AccessKeyStatus) error {
	return t.mark(t.Tx.SetAccessKeyStatus(accountID, userName, id, status))
}
func (t *watchedTx) DeleteAccessKey(accountID, userName, id string) error {
	return t.mark(t.Tx.DeleteAccessKey(accountID, userName, id))
}
func (t *watchedTx) DeleteSession(id string) error { return t.mark(t.Tx.DeleteSession(id)) }
func (t *watchedTx) DeleteExpiredSessions(at time.Time) (int, error) {
	n, err := t.Tx.DeleteExpiredSessions(at)
	return n, t.mark(err)
}

// Resources of AWS Organizations (service "organizations": the
// organization, its roots, OUs, accounts and policies) decide which
// service and resource control policies apply, so writing them
// invalidates too; resources of other services do not.

// OrganizationsService is the store.Resource service of AWS Organizations'
// records, whose writes invalidate the caches.
const OrganizationsService = store.OrganizationsService

func (t *watchedTx) CreateResource(r store.Resource) (store.Resource, error) {
	out, err := t.Tx.CreateResource(r)
	if store.AuthorizationService(r.Service) {
		err = t.mark(err)
	}
	return out, err
}
func (t *watchedTx) UpdateResource(r store.Resource) (store.Resource, error) {
	out, err := t.Tx.UpdateResource(r)
	if store.AuthorizationService(r.Service) {
		err = t.mark(err)
	}
	return out, err
}
func (t *watchedTx) DeleteResource(accountID, service, resourceType, id string) error {
	err := t.Tx.DeleteResource(accountID, service, resourceType, id)
	if store.AuthorizationService(service) {
		err = t.mark(err)
	}
	return err
}

// Creating a user, group or role with the name of a deleted one must not
// leave the deleted entity's cached resolution in place.

func (t *watchedTx) CreateUser(u store.User) error   { return t.mark(t.Tx.CreateUser(u)) }
func (t *watchedTx) CreateGroup(g store.Group) error { return t.mark(t.Tx.CreateGroup(g)) }
func (t *watchedTx) CreateRole(r store.Role) error   { return t.mark(t.Tx.CreateRole(r)) }

// resolutionCache caches values computed from the store while the store's
// generation stays the same, for at most maxAge.
type resolutionCache[V any] struct {
	gen    Generationer // nil: caching is off
	syncer Syncer       // nil: the generation is process-local
	maxAge time.Duration
	max    int
	mu     sync.RWMutex
	items  map[string]cached[V]
}

type cached[V any] struct {
	gen uint64
	at  time.Time
	v   V
}

func newResolutionCache[V any](st store.Store, maxAge time.Duration, max int) *resolutionCache[V] {
	g, _ := st.(Generationer)
	if maxAge <= 0 {
		maxAge = DefaultMaxCacheAge
	}
	if max <= 0 {
		max = DefaultCacheSize
	}
	sy, _ := st.(Syncer)
	return &resolutionCache[V]{gen: g, syncer: sy, maxAge: maxAge, max: max, items: make(map[string]cached[V])}
}

// generation returns the generation to tag a value computed from now on
// with; read it before reading the store.
func (c *resolutionCache[V]) generation() uint64 {
	if c.gen == nil {
		return 0
	}
	return c.gen.Generation()
}

// sync brings the generation up to date with a store shared by other
// processes; call it once per request before get. A failure is returned:
// the caller must not fall back to what may be stale.
func (c *resolutionCache[V]) sync(ctx context.Context) error {
	if c.gen == nil || c.syncer == nil {
		return nil
	}
	_, err := c.syncer.Sync(ctx)
	return err
}

func (c *resolutionCache[V]) get(key string, now time.Time) (V, bool) {
	var zero V
	if c.gen == nil {
		return zero, false
	}
	c.mu.RLock()
	e, ok := c.items[key]
	c.mu.RUnlock()
	if !ok || e.gen != c.gen.Generation() || now.Sub(e.at) > c.maxAge || now.Before(e.at) {
		return zero, false
	}
	return e.v, true
}

func (c *resolutionCache[V]) put(key string, gen uint64, now time.Time, v V) {
	if c.gen == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.items) >= c.max {
		clear(c.items) // rare: more active principals than the cache holds
	}
	c.items[key] = cached[V]{gen: gen, at: now, v: v}
}

// Invalidate advances the generation, so that every cached resolution and
// credential is read again: for changes made to the wrapped store without
// going through Update, such as emptying it.
func (w *WatchedStore) Invalidate() { w.gen.Add(1) }
