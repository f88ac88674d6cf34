package iamdata

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
)

// Magic starts every file in the binary form. The last byte is the format
// version; Decode rejects any other.
const Magic = "CIAMCAT\x01"

// The binary form is:
//
//	magic    "CIAMCAT\x01"
//	header   uvarint length, then:
//	           string version, string updatedAt
//	           uvarint nServices, then per service (sorted by prefix):
//	             string prefix, string name,
//	             uvarint offset, uvarint length  (of its block, from the end of the header)
//	             uvarint size                    (of the block once inflated)
//	             uvarint n, n × string           (the ARN service segments of its resource types)
//	           uvarint nUnassociated, then per entry (sorted):
//	             string prefix, uvarint n, n × string
//	blocks   one raw DEFLATE stream per service, holding:
//	           uvarint nStrings, nStrings × string   (the block's string table)
//	           uvarint n resource types:  ref name, ref arn, refs keys
//	           uvarint n condition keys:  ref name, ref description, ref type
//	           uvarint n actions:         ref name, ref description, ref access level,
//	                                      uvarint n resources (ref name, byte required, refs keys, refs dependent),
//	                                      refs keys, refs dependent
//
// A string is a uvarint length and the bytes; a ref is a uvarint index into
// the block's string table; "refs" is a uvarint count and that many refs.
// Every service block is independent, so a reader decodes only the services
// it uses.

// Encode writes d in the binary form. The output is a function of d and the
// compress/flate implementation only: the same data gives the same bytes.
func Encode(d *Data) ([]byte, error) {
	var blocks bytes.Buffer
	type entry struct {
		off, n, raw int
		arnServices []string
	}
	entries := make([]entry, len(d.Services))
	for i, s := range d.Services {
		raw := encodeService(s)
		start := blocks.Len()
		fw, err := flate.NewWriter(&blocks, flate.BestCompression)
		if err != nil {
			return nil, err
		}
		if _, err := fw.Write(raw); err != nil {
			return nil, err
		}
		if err := fw.Close(); err != nil {
			return nil, err
		}
		entries[i] = entry{off: start, n: blocks.Len() - start, raw: len(raw), arnServices: ARNServices(s)}
	}

	var h []byte
	h = appendString(h, d.Version)
	h = appendString(h, d.UpdatedAt)
	h = binary.AppendUvarint(h, uint64(len(d.Services)))
	for i, s := range d.Services {
		h = appendString(h, s.Prefix)
		h = appendString(h, s.Name)
		h = binary.AppendUvarint(h, uint64(entries[i].off))
		h = binary.AppendUvarint(h, uint64(entries[i].n))
		h = binary.AppendUvarint(h, uint64(entries[i].raw))
		h = binary.AppendUvarint(h, uint64(len(entries[i].arnServices)))
		for _, a := range entries[i].arnServices {
			h = appendString(h, a)
		}
	}
	keys := make([]string, 0, len(d.Unassociated))
	for k := range d.Unassociated {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	h = binary.AppendUvarint(h, uint64(len(keys)))
	for _, k := range keys {
		h = appendString(h, k)
		h = binary.AppendUvarint(h, uint64(len(d.Unassociated[k])))
		for _, s := range d.Unassociated[k] {
			h = appendString(h, s)
		}
	}

	out := make([]byte, 0, len(Magic)+binary.MaxVarintLen64+len(h)+blocks.Len())
	out = append(out, Magic...)
	out = binary.AppendUvarint(out, uint64(len(h)))
	out = append(out, h...)
	out = append(out, blocks.Bytes()...)
	return out, nil
}

// ARNServices returns the sorted, distinct service segments (the third
// colon-separated field) of the ARN templates of s's resource types. A
// service's resource types may live in other services' namespaces: Amazon
// Connect's "ai-agent" has a wisdom ARN.
func ARNServices(s *Service) []string {
	var out []string
	for _, rt := range s.ResourceTypes {
		parts := strings.SplitN(rt.ARN, ":", 4)
		if len(parts) < 4 {
			continue
		}
		out = append(out, strings.ToLower(parts[2]))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

type stringTable struct {
	index map[string]int
	list  []string
}

func (t *stringTable) ref(b []byte, s string) []byte {
	i, ok := t.index[s]
	if !ok {
		i = len(t.list)
		t.index[s] = i
		t.list = append(t.list, s)
	}
	return binary.AppendUvarint(b, uint64(i))
}

func (t *stringTable) refs(b []byte, ss []string) []byte {
	b = binary.AppendUvarint(b, uint64(len(ss)))
	for _, s := range ss {
		b = t.ref(b, s)
	}
	return b
}

func encodeService(s *Service) []byte {
	t := &stringTable{index: map[string]int{}}
	var b []byte
	b = binary.AppendUvarint(b, uint64(len(s.ResourceTypes)))
	for _, rt := range s.ResourceTypes {
		b = t.ref(b, rt.Name)
		b = t.ref(b, rt.ARN)
		b = t.refs(b, rt.ConditionKeys)
	}
	b = binary.AppendUvarint(b, uint64(len(s.ConditionKeys)))
	for _, k := range s.ConditionKeys {
		b = t.ref(b, k.Name)
		b = t.ref(b, k.Description)
		b = t.ref(b, k.Type)
	}
	b = binary.AppendUvarint(b, uint64(len(s.Actions)))
	for _, a := range s.Actions {
		b = t.ref(b, a.Name)
		b = t.ref(b, a.Description)
		b = t.ref(b, a.AccessLevel)
		b = binary.AppendUvarint(b, uint64(len(a.ResourceTypes)))
		for _, r := range a.ResourceTypes {
			b = t.ref(b, r.Name)
			if r.Required {
				b = append(b, 1)
			} else {
				b = append(b, 0)
			}
			b = t.refs(b, r.ConditionKeys)
			b = t.refs(b, r.DependentActions)
		}
		b = t.refs(b, a.ConditionKeys)
		b = t.refs(b, a.DependentActions)
	}
	var out []byte
	out = binary.AppendUvarint(out, uint64(len(t.list)))
	for _, s := range t.list {
		out = appendString(out, s)
	}
	return append(out, b...)
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// maxBlock bounds the inflated size of a service block; no service comes
// near it. It keeps a damaged file from making the decoder allocate without
// bound.
const maxBlock = 64 << 20

// inflaters recycles DEFLATE readers: creating one costs more than
// inflating a small service.
var inflaters sync.Pool

// Index is the header of a file in the binary form. It locates each
// service's block without decoding any.
type Index struct {
	Version      string
	UpdatedAt    string
	Services     []IndexEntry // sorted by prefix
	Unassociated map[string][]string
	blocks       []byte
}

// IndexEntry is one service in an Index.
type IndexEntry struct {
	Prefix      string
	Name        string
	ARNServices []string // see ARNServices
	off, n, raw int
}

// ErrFormat is wrapped by every error Decode and Index.Service return for
// input that is not in the binary form.
var ErrFormat = errors.New("not a connect-iam catalog file")

// reader decodes the primitives of the binary form. The first error sticks.
type reader struct {
	b   []byte
	pos int
	err error
}

func (r *reader) fail(what string) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s at byte %d (regenerate it with scripts/update-catalog.sh)", ErrFormat, what, r.pos)
	}
}

func (r *reader) uvarint() int {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b[r.pos:])
	if n <= 0 || v > 1<<31 {
		r.fail("bad length")
		return 0
	}
	r.pos += n
	return int(v)
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b)-r.pos {
		r.fail("truncated data")
		return nil
	}
	b := r.b[r.pos : r.pos+n]
	r.pos += n
	return b
}

func (r *reader) string() string { return string(r.bytes(r.uvarint())) }

// count reads a count and checks that at least min bytes per item remain, so
// that damaged input cannot make the decoder allocate without bound.
func (r *reader) count(minBytes int) int {
	n := r.uvarint()
	if r.err == nil && n*minBytes > len(r.b)-r.pos {
		r.fail("count exceeds the data")
		return 0
	}
	return n
}

// OpenIndex decodes the header of b, which must be in the binary form. It
// keeps a reference to b and does not decode any service block.
func OpenIndex(b []byte) (*Index, error) {
	if !bytes.HasPrefix(b, []byte(Magic)) {
		return nil, fmt.Errorf("%w: missing magic %q (regenerate it with scripts/update-catalog.sh)", ErrFormat, Magic)
	}
	r := &reader{b: b, pos: len(Magic)}
	hlen := r.uvarint()
	hb := r.bytes(hlen)
	if r.err != nil {
		return nil, r.err
	}
	blocks := b[r.pos:]
	h := &reader{b: hb}
	ix := &Index{blocks: blocks}
	ix.Version = h.string()
	ix.UpdatedAt = h.string()
	n := h.count(4)
	ix.Services = make([]IndexEntry, 0, n)
	for range n {
		e := IndexEntry{Prefix: h.string(), Name: h.string()}
		e.off = h.uvarint()
		e.n = h.uvarint()
		e.raw = h.uvarint()
		if h.err == nil && e.raw > maxBlock {
			h.fail("service block too large")
		}
		if h.err == nil && (e.off > len(blocks) || e.n > len(blocks)-e.off) {
			h.fail("service block outside the file")
		}
		na := h.count(1)
		for range na {
			e.ARNServices = append(e.ARNServices, h.string())
		}
		if h.err != nil {
			return nil, h.err
		}
		if len(ix.Services) > 0 && ix.Services[len(ix.Services)-1].Prefix >= e.Prefix {
			return nil, fmt.Errorf("%w: services out of order at %q (regenerate it with scripts/update-catalog.sh)", ErrFormat, e.Prefix)
		}
		ix.Services = append(ix.Services, e)
	}
	nu := h.count(2)
	ix.Unassociated = make(map[string][]string, nu)
	for range nu {
		k := h.string()
		m := h.count(1)
		v := make([]string, 0, m)
		for range m {
			v = append(v, h.string())
		}
		ix.Unassociated[k] = v
	}
	if h.err != nil {
		return nil, h.err
	}
	return ix, nil
}

// Service decodes the block of the i'th service of the index.
func (ix *Index) Service(i int) (*Service, error) {
	e := ix.Services[i]
	raw := make([]byte, e.raw)
	src := bytes.NewReader(ix.blocks[e.off : e.off+e.n])
	fr, _ := inflaters.Get().(io.ReadCloser)
	if fr == nil {
		fr = flate.NewReader(src)
	} else if err := fr.(flate.Resetter).Reset(src, nil); err != nil {
		return nil, err
	}
	_, err := io.ReadFull(fr, raw)
	if err == nil {
		// The block must end where the index says.
		var one [1]byte
		if n, _ := fr.Read(one[:]); n != 0 {
			err = errors.New("block longer than the index says")
		}
	}
	inflaters.Put(fr)
	if err != nil {
		return nil, fmt.Errorf("%w: service %q: %v (regenerate it with scripts/update-catalog.sh)", ErrFormat, e.Prefix, err)
	}
	s, err := decodeService(raw)
	if err != nil {
		return nil, fmt.Errorf("service %q: %w", e.Prefix, err)
	}
	s.Prefix, s.Name = e.Prefix, e.Name
	return s, nil
}

func decodeService(b []byte) (*Service, error) {
	r := &reader{b: b}
	nstr := r.count(1)
	// One allocation for all the block's strings.
	strs := make([]string, nstr)
	starts := make([]int, nstr+1)
	var body []byte
	{
		mark := r.pos
		total := 0
		for range nstr {
			l := r.uvarint()
			r.bytes(l)
			total += l
		}
		if r.err != nil {
			return nil, r.err
		}
		body = make([]byte, 0, total)
		r.pos = mark
		for i := range nstr {
			starts[i] = len(body)
			body = append(body, r.bytes(r.uvarint())...)
		}
		starts[nstr] = len(body)
		all := string(body)
		for i := range nstr {
			strs[i] = all[starts[i]:starts[i+1]]
		}
	}
	ref := func() string {
		i := r.uvarint()
		if r.err == nil && i >= len(strs) {
			r.fail("string reference out of range")
		}
		if r.err != nil {
			return ""
		}
		return strs[i]
	}
	refs := func() []string {
		n := r.count(1)
		if n == 0 {
			return nil
		}
		out := make([]string, n)
		for i := range out {
			out[i] = ref()
		}
		return out
	}
	s := &Service{}
	nrt := r.count(3)
	if nrt > 0 {
		s.ResourceTypes = make([]ResourceType, nrt)
	}
	for i := range s.ResourceTypes {
		s.ResourceTypes[i] = ResourceType{Name: ref(), ARN: ref(), ConditionKeys: refs()}
	}
	nk := r.count(3)
	if nk > 0 {
		s.ConditionKeys = make([]ConditionKey, nk)
	}
	for i := range s.ConditionKeys {
		s.ConditionKeys[i] = ConditionKey{Name: ref(), Description: ref(), Type: ref()}
	}
	na := r.count(6)
	if na > 0 {
		s.Actions = make([]Action, na)
	}
	for i := range s.Actions {
		a := &s.Actions[i]
		a.Name, a.Description, a.AccessLevel = ref(), ref(), ref()
		nr := r.count(4)
		if nr > 0 {
			a.ResourceTypes = make([]ActionResource, nr)
		}
		for j := range a.ResourceTypes {
			ar := &a.ResourceTypes[j]
			ar.Name = ref()
			req := r.bytes(1)
			ar.Required = len(req) == 1 && req[0] == 1
			ar.ConditionKeys = refs()
			ar.DependentActions = refs()
		}
		a.ConditionKeys = refs()
		a.DependentActions = refs()
		if r.err != nil {
			return nil, r.err
		}
	}
	if r.err == nil && r.pos != len(r.b) {
		r.fail("trailing bytes")
	}
	if r.err != nil {
		return nil, r.err
	}
	return s, nil
}
