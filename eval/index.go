package eval

import (
	"encoding/binary"
	"math/bits"
	"slices"
	"strings"
)

// actionIndex maps lower-cased action names, or literal prefixes of
// wildcard actions, to the statements listed under them. It is an
// open-addressing hash table with linear probing, at most half full,
// whose hash is computed from the request's lower-cased action bytes
// directly (see actionKey): a lookup costs one short hash step, usually
// one probe and one string comparison, and never allocates. It replaces
// Go maps on the hot path, whose generic lookup costs several times as
// much for keys this short, and it is compact: four bytes per slot, one
// entry per key, and the statement lists of all keys in one slice once
// the policy is compiled (seal).
type actionIndex struct {
	slots   []int32 // entry index + 1, or 0 for an empty slot; len is a power of two, or 0
	shift   uint8   // 64 - log2(len(slots))
	entries []indexEntry
	refs    []stmtIndex // every entry's statements, after seal
	// building holds each entry's statements until seal.
	building [][]stmtIndex
}

// indexEntry is one key of an actionIndex and its statements,
// refs[off:off+n].
type indexEntry struct {
	key    string
	off, n int32
}

// stmtIndex is a statement's index within its policy, shifted left by one;
// the low bit is set when being listed under the key does not yet prove
// that the statement's Action matches (a wildcard action with more than a
// single trailing "*"), so the action must still be matched in full.
type stmtIndex int32

func (s stmtIndex) stmt() int              { return int(s >> 1) }
func (s stmtIndex) needsActionCheck() bool { return s&1 != 0 }

// The hash of an index key is built word by word: hashSeed, then
// mixWord for each whole 8-byte little-endian word, then finish with the
// remaining bytes (zero-padded) and the length. Decide lower-cases the
// action word by word and keeps the state after each word (actionKey),
// so the hash of the whole action and of any prefix of it costs one
// finish each, not a pass over the bytes.
const (
	hashSeed = 0x243F6A8885A308D3
	hashMul  = 0x9E3779B97F4A7C15
)

func mixWord(h, w uint64) uint64 {
	h = (h ^ w) * hashMul
	return h ^ h>>29
}

func finish(h, tail uint64, n int) uint64 {
	h = (h ^ tail) * hashMul
	h ^= h >> 29
	return (h ^ uint64(n)) * hashMul
}

// hashKey hashes b as described above.
func hashKey(b []byte) uint64 {
	n := len(b)
	h := uint64(hashSeed)
	for len(b) >= 8 {
		h = mixWord(h, binary.LittleEndian.Uint64(b))
		b = b[8:]
	}
	var tail uint64
	for i := len(b) - 1; i >= 0; i-- {
		tail = tail<<8 | uint64(b[i])
	}
	return finish(h, tail, n)
}

// actionKey is a request's action lower-cased (ASCII letters only) into
// a fixed buffer, with the hash state after each whole word.
type actionKey struct {
	buf    [lowerBuf + 8]byte // the action, then zeros (8 more for prefixHash's loads)
	n      int
	states [lowerBuf/8 + 1]uint64 // states[k]: the hash state after k words
}

// set lower-cases s (at most lowerBuf bytes) into k, eight bytes at a
// time, and records the hash states.
func (k *actionKey) set(s string) {
	const lo7, hi = 0x7f7f7f7f7f7f7f7f, 0x8080808080808080
	k.n = len(s)
	h := uint64(hashSeed)
	k.states[0] = h
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		// Per byte, without carries across bytes: the high bit of geA is
		// set for 7-bit values >= 'A', of gtZ for those > 'Z'; ASCII
		// bytes are those with the high bit clear.
		low := w & lo7
		geA := low + 0x0101010101010101*(0x80-'A')
		gtZ := low + 0x0101010101010101*(0x7f-'Z')
		w |= ((geA ^ gtZ) &^ w & hi) >> 2
		binary.LittleEndian.PutUint64(k.buf[i:], w)
		h = mixWord(h, w)
		k.states[i/8+1] = h
	}
	for ; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		k.buf[i] = c
	}
}

// bytes returns the lower-cased action.
func (k *actionKey) bytes() []byte { return k.buf[:k.n] }

// prefixHash returns hashKey(k.bytes()[:n]) for n <= k.n.
func (k *actionKey) prefixHash(n int) uint64 {
	var tail uint64
	if r := n & 7; r != 0 {
		tail = binary.LittleEndian.Uint64(k.buf[n-r:]) & (1<<(8*r) - 1)
	}
	return finish(k.states[n/8], tail, n)
}

// lookup returns the statements listed under key.
func (x *actionIndex) lookup(key []byte) []stmtIndex {
	if len(x.entries) == 0 {
		return nil
	}
	return x.lookupHash(key, hashKey(key))
}

// lookupHash is lookup with the key's hash already computed.
func (x *actionIndex) lookupHash(key []byte, h uint64) []stmtIndex {
	if len(x.entries) == 0 {
		return nil
	}
	mask := uint64(len(x.slots) - 1)
	for i := h >> x.shift; ; i = (i + 1) & mask {
		e := x.slots[i] - 1
		if e < 0 {
			return nil
		}
		if en := &x.entries[e]; en.key == string(key) {
			return x.refs[en.off : en.off+en.n : en.off+en.n]
		}
	}
}

// lookupPrefix returns the statements listed under the first n bytes of
// the request's action, hashing them only when the index is not empty.
func (x *actionIndex) lookupPrefix(k *actionKey, n int) []stmtIndex {
	if len(x.entries) == 0 {
		return nil
	}
	return x.lookupHash(k.buf[:n], k.prefixHash(n))
}

// add lists ref under key, keeping one entry per statement: a statement
// already listed keeps the weaker need for an action check. It may only
// be called before seal.
func (x *actionIndex) add(key string, ref stmtIndex) {
	e := x.find(key)
	if e < 0 {
		if 2*(len(x.entries)+1) > len(x.slots) {
			x.grow()
		}
		e = len(x.entries)
		x.entries = append(x.entries, indexEntry{key: key})
		x.building = append(x.building, nil)
		x.insert(e)
	}
	refs := x.building[e]
	for i, r := range refs {
		if r.stmt() == ref.stmt() {
			if !ref.needsActionCheck() {
				refs[i] = ref
			}
			return
		}
	}
	x.building[e] = append(refs, ref)
}

// seal packs the statement lists into one slice; lookups see only
// sealed lists.
func (x *actionIndex) seal() {
	total := 0
	for _, r := range x.building {
		total += len(r)
	}
	x.refs = make([]stmtIndex, 0, total)
	for e, r := range x.building {
		x.entries[e].off, x.entries[e].n = int32(len(x.refs)), int32(len(r))
		x.refs = append(x.refs, r...)
	}
	x.building = nil
}

// find returns the entry of key, or -1.
func (x *actionIndex) find(key string) int {
	if len(x.slots) == 0 {
		return -1
	}
	mask := uint64(len(x.slots) - 1)
	for i := hashKey([]byte(key)) >> x.shift; ; i = (i + 1) & mask {
		e := int(x.slots[i]) - 1
		if e < 0 || x.entries[e].key == key {
			return e
		}
	}
}

// insert places entry e in its slot.
func (x *actionIndex) insert(e int) {
	mask := uint64(len(x.slots) - 1)
	i := hashKey([]byte(x.entries[e].key)) >> x.shift
	for x.slots[i] != 0 {
		i = (i + 1) & mask
	}
	x.slots[i] = int32(e + 1)
}

func (x *actionIndex) grow() {
	size := max(8, 2*len(x.slots))
	x.slots = make([]int32, size)
	x.shift = uint8(64 - bits.TrailingZeros(uint(size)))
	for e := range x.entries {
		x.insert(e)
	}
}

// index adds statement i to the policy's action index: under each exact
// action, or under the literal prefix of each wildcard action (the text
// before its first "*" or "?"), or, for NotAction, in the always list.
func (p *Policy) index(i int32, st *statement) {
	if st.notAction {
		p.always = append(p.always, i)
		return
	}
	for _, a := range st.actions {
		w := strings.IndexAny(a, "*?")
		if w < 0 {
			p.exact.add(a, stmtIndex(i<<1))
			continue
		}
		ref := stmtIndex(i << 1)
		if w != len(a)-1 || a[w] != '*' {
			ref |= 1 // more than a trailing "*": match the action in full
		}
		p.wild.add(a[:w], ref)
		if !slices.Contains(p.wildLens, w) {
			p.wildLens = append(p.wildLens, w)
			slices.Sort(p.wildLens)
		}
	}
}
