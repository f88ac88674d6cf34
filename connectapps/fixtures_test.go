package connectapps

import (
	"path/filepath"
	"testing"

	"github.com/connect-iam/connect-iam/validate"
)

// TestFixturesValid checks that the seed policies, as fixed for these
// tests, have no ERROR finding: the fixes (typos in service prefixes, a
// doubled colon, missing and trailing commas, action names) leave
// policies that work as the documentation intends.
func TestFixturesValid(t *testing.T) {
	v, err := validate.New(validate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, f := range files {
		for _, fd := range v.Validate([]byte(fixture(t, filepath.Base(f)))) {
			if fd.FindingType == validate.Error {
				t.Errorf("%s: %s: %s", f, fd.IssueCode, fd.FindingDetails)
			}
		}
	}
}
