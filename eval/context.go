package eval

import (
	"math/bits"
	"net/netip"
	"sort"
	"strings"
	"sync"
	"time"
)

// Context is a request context: condition keys and their values. Build it
// once per request with [Context.Set]; keys are case-insensitive (including
// tag keys such as "aws:ResourceTag/Department"), and each value is parsed
// once, at Set, into every typed form the condition operators use (number,
// date, IP address, boolean, base64 bytes). Lookups during evaluation then
// neither allocate nor parse.
//
// A key set with no values is present but empty: the set operators treat it
// as an empty set, and the plain operators and Null as missing.
//
// A Context must not be modified while a decision that uses it is being
// made; it may be shared by concurrent decisions that only read it.
type Context struct {
	ids     []keyID // ids[i] is the interned key of entries[i]
	entries []contextEntry
	// slots is a hash table over ids, so that a lookup during a decision
	// is one or two probes rather than a scan of every key: slots[h] is
	// the entry's index plus one, or 0 for an empty slot. Its length is a
	// power of two at least twice the number of entries, or 0 when the
	// context has few entries (then ids is scanned).
	slots []int32
	shift uint8
}

// scanMax is the number of entries up to which find scans ids instead of
// probing slots: for a handful of keys a scan is as fast as hashing.
const scanMax = 4

// slotOf is the home slot of id in a table of 1<<(32-shift) slots.
func slotOf(id keyID, shift uint8) uint32 {
	return (uint32(id) * 0x9E3779B9) >> shift
}

// reindex rebuilds slots after entries were added or removed.
func (c *Context) reindex() {
	if len(c.ids) <= scanMax {
		c.slots = nil
		return
	}
	size := 8
	for size < 2*len(c.ids) {
		size *= 2
	}
	if len(c.slots) != size {
		c.slots = make([]int32, size)
		c.shift = uint8(32 - bits.TrailingZeros(uint(size)))
	} else {
		clear(c.slots)
	}
	mask := uint32(size - 1)
	for i, id := range c.ids {
		h := slotOf(id, c.shift)
		for c.slots[h] != 0 {
			h = (h + 1) & mask
		}
		c.slots[h] = int32(i + 1)
	}
}

type contextEntry struct {
	key    string // as first set
	values []contextValue
}

// keyID is an interned, lower-cased condition key. Policies intern their
// keys when compiled and contexts when built, so that a lookup during a
// decision compares small integers instead of hashing strings.
type keyID int32

var keyTable = struct {
	sync.RWMutex
	ids map[string]keyID
}{ids: make(map[string]keyID)}

// internKey returns the ID of a lower-cased key, assigning one if needed.
// The table only grows: every distinct key name a process has seen keeps
// its ID (a few dozen bytes each).
func internKey(lower string) keyID {
	keyTable.RLock()
	id, ok := keyTable.ids[lower]
	keyTable.RUnlock()
	if ok {
		return id
	}
	keyTable.Lock()
	defer keyTable.Unlock()
	if id, ok := keyTable.ids[lower]; ok {
		return id
	}
	id = keyID(len(keyTable.ids))
	keyTable.ids[lower] = id
	return id
}

// contextValue is one request value with its typed forms.
type contextValue struct {
	str    string
	num    decimal
	numOK  bool
	time   time.Time
	timeOK bool
	ip     netip.Addr // invalid when the value is not an address
	boolV  bool
	boolOK bool
	bin    []byte
	binOK  bool
}

func newContextValue(s string) contextValue {
	v := contextValue{str: s}
	v.num, v.numOK = parseDecimal(s)
	v.time, v.timeOK = parseDate(s)
	v.ip, _ = parseAddr(s)
	v.boolV, v.boolOK = parseBool(s)
	v.bin, v.binOK = parseBinary(s)
	return v
}

// NewContext returns an empty context.
func NewContext() *Context {
	return &Context{}
}

// find returns the index of the entry for id, or -1.
func (c *Context) find(id keyID) int {
	if c.slots == nil {
		for i, x := range c.ids {
			if x == id {
				return i
			}
		}
		return -1
	}
	mask := uint32(len(c.slots) - 1)
	for h := slotOf(id, c.shift); ; h = (h + 1) & mask {
		i := c.slots[h] - 1
		if i < 0 || c.ids[i] == id {
			return int(i)
		}
	}
}

// Set sets key to values, replacing any values the key (in any case) had.
func (c *Context) Set(key string, values ...string) {
	vs := make([]contextValue, len(values))
	for i, s := range values {
		vs[i] = newContextValue(s)
	}
	id := internKey(strings.ToLower(key))
	if i := c.find(id); i >= 0 {
		c.entries[i].values = vs
		return
	}
	c.ids = append(c.ids, id)
	c.entries = append(c.entries, contextEntry{key: key, values: vs})
	c.reindex()
}

// SetDefault sets key to values unless the key is already present. It is
// used for values derived from the principal, which the caller's own
// context may override.
func (c *Context) SetDefault(key string, values ...string) {
	if !c.Has(key) {
		c.Set(key, values...)
	}
}

// Delete removes key.
func (c *Context) Delete(key string) {
	i := c.find(internKey(strings.ToLower(key)))
	if i < 0 {
		return
	}
	c.ids = append(c.ids[:i], c.ids[i+1:]...)
	c.entries = append(c.entries[:i], c.entries[i+1:]...)
	c.reindex()
}

// Has reports whether key is present, in any case.
func (c *Context) Has(key string) bool {
	return c != nil && c.find(internKey(strings.ToLower(key))) >= 0
}

// Values returns the values of key (in any case) and whether it is present.
func (c *Context) Values(key string) ([]string, bool) {
	if c == nil {
		return nil, false
	}
	e := c.lookup(internKey(strings.ToLower(key)))
	if e == nil {
		return nil, false
	}
	out := make([]string, len(e.values))
	for i, v := range e.values {
		out[i] = v.str
	}
	return out, true
}

// Keys returns the keys, as first set, in sorted order.
func (c *Context) Keys() []string {
	if c == nil {
		return nil
	}
	out := make([]string, len(c.entries))
	for i, e := range c.entries {
		out[i] = e.key
	}
	sort.Strings(out)
	return out
}

// lookup finds an interned key. It does not allocate.
func (c *Context) lookup(id keyID) *contextEntry {
	if c == nil {
		return nil
	}
	if i := c.find(id); i >= 0 {
		return &c.entries[i]
	}
	return nil
}

// single returns the value of an interned key when the key has exactly
// one value, as policy variables require.
func (c *Context) single(id keyID) (string, bool) {
	e := c.lookup(id)
	if e == nil || len(e.values) != 1 {
		return "", false
	}
	return e.values[0].str, true
}
