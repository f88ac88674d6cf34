package validate

import (
	"sync"

	"github.com/connect-iam/connect-iam/catalog"
)

// FromCatalog adapts the project's service authorization catalog to the
// Catalog the validator uses.
func FromCatalog(c *catalog.Catalog) Catalog { return catalogAdapter{c} }

type catalogAdapter struct{ c *catalog.Catalog }

// ServicePrefixes returns the catalog's service prefixes.
func (a catalogAdapter) ServicePrefixes() []string { return a.c.Prefixes() }

// Service converts the catalog's service with the prefix.
func (a catalogAdapter) Service(prefix string) (Service, bool) {
	s, ok := a.c.Service(prefix)
	if !ok {
		return Service{}, false
	}
	out := Service{Prefix: s.Prefix}
	for _, act := range s.Actions {
		x := Action{Name: act.Name, AccessLevel: string(act.AccessLevel), ConditionKeys: keyNames(act.ConditionKeys)}
		for _, r := range act.Resources {
			ar := ActionResource{Required: r.Required, ConditionKeys: keyNames(r.ConditionKeys)}
			if r.Type != nil {
				ar.Type = r.Type.Name
				if r.Type.Service != nil {
					ar.Service = r.Type.Service.Prefix
				}
			}
			x.Resources = append(x.Resources, ar)
		}
		out.Actions = append(out.Actions, x)
	}
	for _, rt := range s.ResourceTypes {
		out.ResourceTypes = append(out.ResourceTypes, ResourceType{Name: rt.Name, ARN: rt.ARN, ConditionKeys: keyNames(rt.ConditionKeys)})
	}
	for _, k := range s.ConditionKeys {
		out.ConditionKeys = append(out.ConditionKeys, ConditionKey{Name: k.Name, Type: k.Type.String()})
	}
	return out, true
}

// GlobalConditionKeys returns the catalog's global condition keys.
func (a catalogAdapter) GlobalConditionKeys() []ConditionKey {
	var out []ConditionKey
	for _, k := range catalog.GlobalConditionKeys() {
		out = append(out, ConditionKey{Name: k.Name, Type: k.Type.String()})
	}
	return out
}

// ConditionKey looks a condition key up in the catalog.
func (a catalogAdapter) ConditionKey(name string) (ConditionKey, bool) {
	k, ok := a.c.ConditionKey(name)
	if !ok {
		return ConditionKey{}, false
	}
	return ConditionKey{Name: k.Name, Type: k.Type.String()}, true
}

func keyNames(ks []*catalog.ConditionKey) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = k.Name
	}
	return out
}

// indexes holds the index of every *catalog.Catalog validators were built
// on, so that the validators of one catalog (one per policy type, in the
// server) share one index, built on first use.
var indexes sync.Map // *catalog.Catalog → *lazyIndex

type lazyIndex struct {
	once sync.Once
	ix   *index
}

// indexFor returns the index of cat: shared per *catalog.Catalog, built
// anew for other Catalog implementations.
func indexFor(cat Catalog) *index {
	a, ok := cat.(catalogAdapter)
	if !ok {
		return newIndex(cat)
	}
	v, _ := indexes.LoadOrStore(a.c, &lazyIndex{})
	l := v.(*lazyIndex)
	l.once.Do(func() { l.ix = newIndex(cat) })
	return l.ix
}

// defaultCatalogIndex indexes catalog.Default once per process.
func defaultCatalogIndex() *index { return indexFor(FromCatalog(catalog.Default())) }
