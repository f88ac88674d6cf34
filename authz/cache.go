package authz

import (
	"container/list"
	"crypto/sha256"
	"fmt"
	"sync"

	"github.com/connect-iam/connect-iam/eval"
	"github.com/connect-iam/connect-iam/policy"
)

// DefaultCacheSize is the number of compiled policies an Engine keeps
// when Options.CacheSize is zero.
const DefaultCacheSize = 4096

// cacheKey identifies a compiled policy: its type, its name (which the
// engine's explanations quote) and the SHA-256 of its document.
type cacheKey struct {
	typ  eval.PolicyType
	name string
	sum  [sha256.Size]byte
}

type cacheEntry struct {
	key cacheKey
	pol *eval.Policy
}

// policyCache is a size-bounded LRU cache of compiled policies, so that
// requests do not parse and compile the same documents again.
type policyCache struct {
	mu    sync.Mutex
	max   int
	items map[cacheKey]*list.Element
	order list.List // front: most recently used
	opts  []eval.Option
}

func newPolicyCache(max int, opts ...eval.Option) *policyCache {
	if max <= 0 {
		max = DefaultCacheSize
	}
	return &policyCache{max: max, items: make(map[cacheKey]*list.Element), opts: opts}
}

// compile returns the compiled form of doc, compiling it on a miss.
func (c *policyCache) compile(typ eval.PolicyType, name, doc string) (*eval.Policy, error) {
	k := cacheKey{typ: typ, name: name, sum: sha256.Sum256([]byte(doc))}
	c.mu.Lock()
	if el, ok := c.items[k]; ok {
		c.order.MoveToFront(el)
		p := el.Value.(*cacheEntry).pol
		c.mu.Unlock()
		return p, nil
	}
	c.mu.Unlock()

	parsed, err := policy.Parse([]byte(doc))
	if err != nil {
		return nil, fmt.Errorf("authz: policy %s cannot be parsed: %w; fix or replace the stored document", name, err)
	}
	opts := append([]eval.Option{eval.WithName(name)}, c.opts...)
	if typ != eval.Resource {
		// Resource-based policies here are role trust policies, which
		// have no Resource element: compile them without grammar checks.
		opts = append(opts, eval.WithType(typ))
	}
	pol, err := eval.Compile(parsed, opts...)
	if err != nil {
		return nil, fmt.Errorf("authz: policy %s cannot be compiled: %w; fix or replace the stored document", name, err)
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[k]; ok { // compiled concurrently
		c.order.MoveToFront(el)
		return el.Value.(*cacheEntry).pol, nil
	}
	c.items[k] = c.order.PushFront(&cacheEntry{key: k, pol: pol})
	for c.order.Len() > c.max {
		el := c.order.Back()
		c.order.Remove(el)
		delete(c.items, el.Value.(*cacheEntry).key)
	}
	return pol, nil
}

// len returns the number of cached policies.
func (c *policyCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
