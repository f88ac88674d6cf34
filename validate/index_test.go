package validate

import (
	"testing"

	"github.com/connect-iam/connect-iam/catalog"
)

// Validators built on one *catalog.Catalog share one index: building it
// indexes every service, which a server with a validator per policy type
// must pay once, not once per validator.
func TestValidatorsShareCatalogIndex(t *testing.T) {
	cat := catalog.Default()
	a, err := New(Options{PolicyType: IdentityPolicy, Catalog: FromCatalog(cat)})
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(Options{PolicyType: RoleTrustPolicy, Catalog: FromCatalog(cat)})
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(Options{PolicyType: ResourcePolicy})
	if err != nil {
		t.Fatal(err)
	}
	if a.cat == nil || a.cat != b.cat || a.cat != d.cat {
		t.Errorf("indexes %p, %p and %p (default catalog): want one shared index", a.cat, b.cat, d.cat)
	}
}
