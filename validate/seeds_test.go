package validate

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/seeds")

// seedDefects are the defects of the example policies of
// ../shared/seeds/amazon-connect-identity-based-policy-examples.md that
// the validator must find, with their code and position.
var seedDefects = []struct {
	file string
	code string
	line int
	col  int
}{
	// The service typo, twice, with the suggestion checked below.
	{"03-integrate-external-apps.json", "INVALID_SERVICE_IN_ACTION", 12, 17},
	{"03-integrate-external-apps.json", "INVALID_SERVICE_IN_ACTION", 17, 17},
	// A double colon, and the trailing comma after it.
	{"06-appintegrations-resources.json", "INVALID_ACTION", 9, 17},
	{"06-appintegrations-resources.json", "JSON_SYNTAX_ERROR", 9, 58},
	// A trailing comma in the Action array.
	{"07-wisdom-assistants.json", "JSON_SYNTAX_ERROR", 10, 41},
	// Statement members without braces, Version or Statement; placeholder
	// Region and account in the ARNs, reported at the field.
	{"08-campaigns-onboarding.json", "JSON_SYNTAX_ERROR", 1, 1},
	{"08-campaigns-onboarding.json", "MISSING_STATEMENT", 1, 1},
	{"08-campaigns-onboarding.json", "INVALID_ARN_REGION", 8, 31},
	{"08-campaigns-onboarding.json", "PLACEHOLDER_IN_ARN", 8, 31},
	{"08-campaigns-onboarding.json", "INVALID_ARN_ACCOUNT", 8, 38},
	{"08-campaigns-onboarding.json", "INVALID_ARN_REGION", 19, 35},
	{"08-campaigns-onboarding.json", "INVALID_ARN_ACCOUNT", 19, 42},
	// The unterminated policy (the closing brace is missing).
	{"09-campaigns-disable.json", "JSON_SYNTAX_ERROR", 30, 1},
	{"09-campaigns-disable.json", "INVALID_ARN_REGION", 12, 31},
	// A bare statement; the missing comma after GetCampaignState; two
	// actions the service does not define.
	{"10-campaigns-management.json", "MISSING_STATEMENT", 1, 1},
	{"10-campaigns-management.json", "JSON_SYNTAX_ERROR", 9, 45},
	{"10-campaigns-management.json", "INVALID_ACTION", 10, 9},
	{"10-campaigns-management.json", "INVALID_ACTION", 11, 9},
	// A bare statement with a trailing comma after Resource.
	{"11-campaigns-readonly.json", "MISSING_STATEMENT", 1, 1},
	{"11-campaigns-readonly.json", "JSON_SYNTAX_ERROR", 10, 20},
	// A bare statement.
	{"12-campaigns-tags.json", "MISSING_STATEMENT", 1, 1},
}

func TestSeedDefects(t *testing.T) {
	v, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	results := map[string][]Finding{}
	for _, d := range seedDefects {
		fs, ok := results[d.file]
		if !ok {
			src, err := os.ReadFile(filepath.Join("testdata/seeds", d.file))
			if err != nil {
				t.Fatal(err)
			}
			fs = v.Validate(src)
			results[d.file] = fs
		}
		found := false
		for _, f := range fs {
			p := f.Pos()
			found = found || (f.IssueCode == d.code && p.Line == d.line && p.Column == d.col)
		}
		if !found {
			t.Errorf("%s:%d:%d: no %s finding; got %s", d.file, d.line, d.col, d.code, codesOf(fs))
		}
	}
	// The typo comes with the fix.
	for _, f := range results["03-integrate-external-apps.json"] {
		if f.IssueCode == "INVALID_SERVICE_IN_ACTION" && (len(f.Suggestions) == 0 || !strings.HasPrefix(f.Suggestions[0], "app-integrations:")) {
			t.Errorf("%s: want a suggestion of app-integrations:..., got %q", f.FindingDetails, f.Suggestions)
		}
	}
	for _, f := range results["06-appintegrations-resources.json"] {
		if f.IssueCode == "INVALID_ACTION" && (len(f.Suggestions) == 0 || f.Suggestions[0] != "app-integrations:ListEventIntegrations") {
			t.Errorf("%s: want the suggestion app-integrations:ListEventIntegrations, got %q", f.FindingDetails, f.Suggestions)
		}
	}
}

// TestSeedsGolden compares the text output for every seed example with
// testdata/seeds/*.golden (go test -run TestSeedsGolden -update rewrites
// them), and checks that the examples are the seed's text exactly.
func TestSeedsGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/seeds/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no seed examples in testdata/seeds: %v", err)
	}
	seed, seedErr := os.ReadFile("../../shared/seeds/amazon-connect-identity-based-policy-examples.md")
	v, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if seedErr == nil && !strings.Contains(string(seed), "```\n"+string(src)+"```") {
			t.Errorf("%s is not an exact example of the seed document", file)
		}
		name := filepath.Base(file)
		fs := v.Validate(src)
		for i := range fs {
			fs[i].File = name
		}
		var b strings.Builder
		if err := WriteText(&b, fs, map[string][]byte{name: src}); err != nil {
			t.Fatal(err)
		}
		golden := strings.TrimSuffix(file, ".json") + ".golden"
		if *update {
			if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test -run TestSeedsGolden -update)", err)
		}
		if got := b.String(); got != string(want) {
			t.Errorf("%s: output differs from %s:\n%s", file, golden, diffLines(string(want), got))
		}
	}
}

// diffLines lists the lines that differ between want and got.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  want %q\n  got  %q\n", i+1, wl, gl)
		}
	}
	return b.String()
}
