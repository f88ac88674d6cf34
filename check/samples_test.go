package check

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sample is one AWS-labelled CheckNoNewAccess case of
// ../shared/reference/custom-policy-checks/aws-samples-cases.jsonl.
type sample struct {
	Name       string          `json:"name"`
	PolicyType string          `json:"policyType"`
	Existing   json.RawMessage `json:"existing"`
	New        json.RawMessage `json:"new"`
	Expected   string          `json:"expected"`
}

const samplesPath = "../../shared/reference/custom-policy-checks/aws-samples-cases.jsonl"

func loadSamples(tb testing.TB) []sample {
	tb.Helper()
	f, err := os.Open(filepath.FromSlash(samplesPath))
	if err != nil {
		tb.Skipf("AWS-labelled samples not available (%v): they live in ../shared beside the repository", err)
	}
	defer f.Close()
	var out []sample
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var s sample
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			tb.Fatalf("%s: %v", samplesPath, err)
		}
		// The samples' reference policies write the placeholder
		// "<ACCOUNT ID>" that the repository's users replace with their
		// account; its candidates use 111111111111.
		s.Existing = bytes.ReplaceAll(s.Existing, []byte("<ACCOUNT ID>"), []byte("111111111111"))
		out = append(out, s)
	}
	return out
}

// knownMismatches are the samples this checker answers differently from
// AWS, with the reason, in testdata/sample-mismatches.txt ("name\treason").
func knownMismatches(t *testing.T) map[string]string {
	b, err := os.ReadFile("testdata/sample-mismatches.txt")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, reason, _ := strings.Cut(line, "\t")
		out[name] = reason
	}
	return out
}

func TestAWSSamples(t *testing.T) {
	samples := loadSamples(t)
	if len(samples) != 207 {
		t.Fatalf("%d samples, want 207", len(samples))
	}
	mism := knownMismatches(t)
	for _, s := range samples {
		pt, err := ParsePolicyType(s.PolicyType)
		if err != nil {
			t.Fatal(err)
		}
		res, err := NoNewAccess(s.Existing, s.New, pt, nil)
		if err != nil {
			t.Errorf("%s: %v", s.Name, err)
			continue
		}
		got := res.Result
		if reason, ok := mism[s.Name]; ok {
			if got == s.Expected {
				t.Errorf("%s: listed as a mismatch (%s) but now answered %s as AWS does: remove it from testdata/sample-mismatches.txt", s.Name, reason, got)
			}
			continue
		}
		if got != s.Expected {
			t.Errorf("%s: got %s, AWS says %s (undecided: %v)", s.Name, got, s.Expected, res.Undecided)
			continue
		}
		for _, r := range res.Reasons {
			if r.Counterexample != nil {
				confirmCounterexample(t, s.Name, r.Counterexample)
			}
		}
	}
}
