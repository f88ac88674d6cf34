package eval_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/connect-iam/connect-iam/simulate"
)

// TestDecideMatchesExplainOnConformanceCorpus runs every case of the
// conformance corpus (simulate/testdata/conformance) through both
// decision paths: Decide, the fast path, must reach the decision Explain
// reaches on its general path, which the corpus itself checks.
func TestDecideMatchesExplainOnConformanceCorpus(t *testing.T) {
	files, err := filepath.Glob("../simulate/testdata/conformance/*.json")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	decided := 0
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var corpus struct {
			Cases []struct {
				Name  string          `json:"name"`
				Input json.RawMessage `json:"input"`
			} `json:"cases"`
		}
		if err := json.Unmarshal(src, &corpus); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for _, c := range corpus.Cases {
			req, set, err := simulate.Build(c.Input, now)
			if err != nil {
				continue // a case that expects an error
			}
			decided++
			if d, x := set.Decide(req), set.Explain(req); d != x.Decision {
				t.Errorf("%s: %s: Decide = %s, Explain = %s", filepath.Base(file), c.Name, d, x.Decision)
			}
		}
	}
	if decided < 300 {
		t.Fatalf("decided only %d corpus cases; the corpus in ../simulate/testdata/conformance looks damaged", decided)
	}
}
