package validate

import (
	"bufio"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestDocsListEveryCode checks that docs/validate.md documents every
// issue code the validator reports, and every Access Analyzer code of the
// specification digest (§7.1), implemented or not.
func TestDocsListEveryCode(t *testing.T) {
	doc, err := os.ReadFile("../docs/validate.md")
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, m := range regexp.MustCompile("`([A-Z][A-Z0-9_]+)`").FindAllStringSubmatch(string(doc), -1) {
		documented[m[1]] = true
	}
	for _, r := range Rules() {
		if !documented[r.Code] {
			t.Errorf("docs/validate.md does not document %s", r.Code)
		}
	}
	spec, err := os.Open("../../shared/reference/iam-spec.md")
	if err != nil {
		t.Skip("../../shared/reference/iam-spec.md is not beside the repository")
	}
	defer spec.Close()
	notCodes := map[string]bool{"ERROR": true, "SECURITY_WARNING": true, "WARNING": true, "SUGGESTION": true,
		"IDENTITY_POLICY": true, "RESOURCE_POLICY": true, "SERVICE_CONTROL_POLICY": true, "RESOURCE_CONTROL_POLICY": true,
		"NOT_RESOURCE": true, "NOTRESOURCE": true}
	in71 := false
	sc := bufio.NewScanner(spec)
	code := regexp.MustCompile("`([A-Z][A-Z0-9_]+)`")
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "### ") {
			in71 = strings.HasPrefix(line, "### 7.1")
			continue
		}
		if !in71 {
			continue
		}
		for _, m := range code.FindAllStringSubmatch(line, -1) {
			if !notCodes[m[1]] && !documented[m[1]] {
				t.Errorf("docs/validate.md says nothing of %s (iam-spec.md §7.1)", m[1])
			}
		}
	}
}

// TestDocsTablesMatchRules checks that each row of docs/validate.md's code
// tables gives the finding type and source the rule table registers.
func TestDocsTablesMatchRules(t *testing.T) {
	doc, err := os.ReadFile("../docs/validate.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `([A-Z][A-Z0-9_]+)` \\| ([A-Z_]+) \\| ([A-Za-z -]+) \\|")
	sources := map[Source]string{AccessAnalyzer: "Access Analyzer", Parliament: "parliament", ConnectIAM: "connect-iam"}
	rows := 0
	for _, m := range row.FindAllStringSubmatch(string(doc), -1) {
		r := RuleFor(m[1])
		if r == nil {
			t.Errorf("docs/validate.md has a row for %s, which is not a registered code", m[1])
			continue
		}
		rows++
		if string(r.Type) != m[2] || sources[r.Source] != m[3] {
			t.Errorf("docs/validate.md: %s is %s from %s, registered as %s from %s", m[1], m[2], m[3], r.Type, sources[r.Source])
		}
	}
	if rows < len(Rules()) {
		t.Errorf("docs/validate.md has rows for %d codes, fewer than the %d registered", rows, len(Rules()))
	}
}
