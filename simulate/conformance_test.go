package simulate

// The conformance corpus judges Evaluate against the documented rules of
// AWS IAM (../shared/reference/iam-spec.md, the Amazon Connect seed documents
// and the AWS managed policies for Amazon Connect). It was written from the
// documents, independently of the engine.
//
// Every file testdata/conformance/*.json holds {"cases": [...]}, and every
// case is
//
//	{
//	  "name":        "unique, human-readable name",
//	  "rule":        "the documented rule it checks, citing its source (iam-spec §N, seed, managed policy, contract)",
//	  "unconfirmed": false,                 // optional: asserts a point the spec marks UNCONFIRMED
//	  "note":        "optional free text",
//	  "input":       { ...simulate input... },
//	  "expect":      {...}
//	}
//
// with expect holding exactly one of
//
//	"decision": "Allow" | "ExplicitDeny" | "ImplicitDeny" | "Deny"
//	"error":    "substring" | ["substring", "alternative substring", ...]
//
// "Deny" accepts either kind of denial; it is used only where the documents
// say "denied" without saying which kind. A decision may come with
// "messageContains" (a substring of Result.Message, matched without regard to
// case); an error with "errorLocated": true, which requires a line:column
// position in the error text. Every denial is also checked for the AWS
// access-denied prefix "User: <principal ARN> is not authorized to perform:
// <action> on resource: <resource>" (iam-spec §3.6; the resource part may be
// left out when the resource is "*") and for the wording of its kind: "with
// an explicit deny in a(n) ..." or "because no ... policy allows ..." (also
// for the explicit deny of an SCP or RCP level without an allow, §3.2).
//
// Unconfirmed cases run like the others, but a deviation is reported as a
// skip with the details (and summarised at the end) instead of a failure,
// unless the test runs with -conformance.strict.

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var conformanceStrict = flag.Bool("conformance.strict", false,
	"treat deviations in cases marked unconfirmed as failures")

// minConformanceCases is the size below which the corpus is considered
// damaged (files lost or truncated).
const minConformanceCases = 300

// conformanceFile is the shape of one testdata/conformance/*.json file.
type conformanceFile struct {
	Cases []conformanceCase `json:"cases"`
}

// conformanceCase is one case of the corpus.
type conformanceCase struct {
	Name        string             `json:"name"`
	Rule        string             `json:"rule"`
	Unconfirmed bool               `json:"unconfirmed"`
	Note        string             `json:"note"`
	Input       json.RawMessage    `json:"input"`
	Expect      *conformanceExpect `json:"expect"`
}

// conformanceExpect is the expected outcome of a case.
type conformanceExpect struct {
	Decision        string          `json:"decision"`
	MessageContains string          `json:"messageContains"`
	Error           json.RawMessage `json:"error"`
	ErrorLocated    bool            `json:"errorLocated"`

	errors []string // Error decoded: alternatives, any of which must occur
}

// requestFacts are the parts of a simulate input the driver needs to check
// the access-denied message prefix.
type requestFacts struct {
	Principal struct {
		ARN string `json:"arn"`
	} `json:"principal"`
	Action   string `json:"action"`
	Resource string `json:"resource"`
}

var (
	validDecisions = []string{"Allow", "ExplicitDeny", "ImplicitDeny", "Deny"}
	ruleSource     = regexp.MustCompile(`§|seed|managed polic|contract`)
	lineColumn     = regexp.MustCompile(`\d+:\d+`)
)

// checkExpect reports what is wrong with the expect block of a case, or nil.
func (e *conformanceExpect) check() error {
	hasDecision := e.Decision != ""
	hasError := len(bytes.TrimSpace(e.Error)) > 0
	switch {
	case hasDecision && hasError:
		return fmt.Errorf("expect has both \"decision\" and \"error\"; keep exactly one")
	case !hasDecision && !hasError:
		return fmt.Errorf("expect has neither \"decision\" nor \"error\"; add exactly one")
	}
	if hasDecision {
		if !slices.Contains(validDecisions, e.Decision) {
			return fmt.Errorf("expect.decision %q is not one of %s", e.Decision, strings.Join(validDecisions, ", "))
		}
		if e.MessageContains != "" && e.Decision == "Allow" {
			return fmt.Errorf("expect.messageContains is only meaningful for denials; remove it or change the decision")
		}
		if e.ErrorLocated {
			return fmt.Errorf("expect.errorLocated needs expect.error; remove it or expect an error")
		}
		return nil
	}
	if e.MessageContains != "" {
		return fmt.Errorf("expect.messageContains cannot go with expect.error (an error yields no result); remove it")
	}
	var one string
	if err := json.Unmarshal(e.Error, &one); err == nil {
		e.errors = []string{one}
	} else if err := json.Unmarshal(e.Error, &e.errors); err != nil {
		return fmt.Errorf("expect.error must be a string or an array of strings: %v", err)
	}
	if len(e.errors) == 0 {
		return fmt.Errorf("expect.error is an empty array; list at least one substring")
	}
	for _, s := range e.errors {
		if strings.TrimSpace(s) == "" {
			return fmt.Errorf("expect.error contains an empty substring, which would match any error; write a specific one")
		}
	}
	return nil
}

// loadConformanceCases reads every case file, validating the structure of the
// files and cases. It returns the files in name order.
func loadConformanceCases(t *testing.T) (files []string, cases map[string][]conformanceCase) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "conformance", "*.json"))
	if err != nil {
		t.Fatalf("listing testdata/conformance: %v", err)
	}
	if len(files) == 0 {
		t.Fatalf("no case files in testdata/conformance; the corpus is missing")
	}
	slices.Sort(files)
	cases = make(map[string][]conformanceCase)
	seen := make(map[string]string) // case name → file
	total := 0
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v", err)
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		var f conformanceFile
		if err := dec.Decode(&f); err != nil {
			t.Fatalf("%s:%s (every file is {\"cases\": [...]} with the fields documented in conformance_test.go)", path, describeJSONError(data, err, dec.InputOffset()))
		}
		if dec.More() {
			t.Fatalf("%s: trailing data after the top-level object; a case file holds one object", path)
		}
		if len(f.Cases) == 0 {
			t.Fatalf("%s: no cases; delete the file or add cases", path)
		}
		for i := range f.Cases {
			c := &f.Cases[i]
			where := fmt.Sprintf("%s: case %d (%q)", path, i, c.Name)
			switch {
			case strings.TrimSpace(c.Name) == "":
				t.Fatalf("%s: missing \"name\"", where)
			case strings.TrimSpace(c.Rule) == "":
				t.Fatalf("%s: missing \"rule\"; name the documented rule the case checks", where)
			case !ruleSource.MatchString(c.Rule):
				t.Fatalf("%s: rule %q cites no source; mention the iam-spec section (§), the seed, the managed policy or the contract", where, c.Rule)
			case len(bytes.TrimSpace(c.Input)) == 0:
				t.Fatalf("%s: missing \"input\"", where)
			case c.Expect == nil:
				t.Fatalf("%s: missing \"expect\"", where)
			}
			if prev, dup := seen[c.Name]; dup {
				t.Fatalf("%s: duplicate case name, also used in %s; names must be unique across the corpus", where, prev)
			}
			seen[c.Name] = path
			if err := c.Expect.check(); err != nil {
				t.Fatalf("%s: %v", where, err)
			}
		}
		cases[path] = f.Cases
		total += len(f.Cases)
	}
	if total < minConformanceCases {
		t.Fatalf("the corpus has %d cases, fewer than %d; case files are missing or truncated", total, minConformanceCases)
	}
	return files, cases
}

// describeJSONError adds the line and column to a JSON decoding error. The
// offset of syntax and type errors is used when known, else fallback (the
// decoder's position when it stopped).
func describeJSONError(data []byte, err error, fallback int64) string {
	offset := fallback
	switch e := err.(type) {
	case *json.SyntaxError:
		offset = e.Offset
	case *json.UnmarshalTypeError:
		offset = e.Offset
	}
	if offset < 0 || offset > int64(len(data)) {
		return " " + err.Error()
	}
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(offset) - bytes.LastIndexByte(before, '\n')
	return fmt.Sprintf("%d:%d: %v", line, col, err)
}

// runConformanceCase evaluates one case and returns every deviation from its
// expectation.
func runConformanceCase(c conformanceCase) []string {
	var problems []string
	res, err := Evaluate(c.Input)
	want := c.Expect
	if len(want.errors) > 0 {
		if err == nil {
			got := "<nil result>"
			if res != nil {
				got = res.Decision.String()
			}
			return []string{fmt.Sprintf("want an error containing %q, got no error and decision %s", want.errors, got)}
		}
		if res != nil {
			problems = append(problems, fmt.Sprintf("an error must come without a result, got decision %s with error %q", res.Decision.String(), err))
		}
		msg := strings.ToLower(err.Error())
		if !slices.ContainsFunc(want.errors, func(s string) bool { return strings.Contains(msg, strings.ToLower(s)) }) {
			problems = append(problems, fmt.Sprintf("error %q contains none of %q", err, want.errors))
		}
		if want.ErrorLocated && !lineColumn.MatchString(err.Error()) {
			problems = append(problems, fmt.Sprintf("error %q gives no line:column position", err))
		}
		return problems
	}
	if err != nil {
		return []string{fmt.Sprintf("want decision %s, got error %q", want.Decision, err)}
	}
	if res == nil {
		return []string{fmt.Sprintf("want decision %s, got a nil result and no error", want.Decision)}
	}
	got := res.Decision.String()
	decisionOK := got == want.Decision ||
		(want.Decision == "Deny" && (got == "ExplicitDeny" || got == "ImplicitDeny"))
	if !decisionOK {
		problems = append(problems, fmt.Sprintf("decision: got %s, want %s (message %q)", got, want.Decision, res.Message))
	}
	if got == "Allow" || !decisionOK {
		return problems
	}
	var facts requestFacts
	if err := json.Unmarshal(c.Input, &facts); err != nil {
		return append(problems, fmt.Sprintf("cannot read principal, action and resource from the input: %v", err))
	}
	// iam-spec §3.6: "User: <principal ARN> is not authorized to perform:
	// <action> [on resource: <resource ARN>] <context>". The resource part
	// may be left out only when the request has no resource ("*").
	prefix := "User: " + facts.Principal.ARN + " is not authorized to perform: " + facts.Action
	lowerMsg := strings.ToLower(res.Message)
	withResource := strings.ToLower(prefix + " on resource: " + facts.Resource + " ")
	withoutResource := strings.ToLower(prefix + " ")
	if !strings.HasPrefix(lowerMsg, withResource) && (facts.Resource != "*" || !strings.HasPrefix(lowerMsg, withoutResource)) {
		problems = append(problems, fmt.Sprintf("message %q does not start with the AWS access-denied prefix %q", res.Message, prefix+" on resource: "+facts.Resource))
	}
	switch got {
	case "ExplicitDeny":
		// §3.2 step 3: an SCP (or RCP) level without an applicable Allow
		// is an explicit deny "even if the denial is implicit"; no
		// statement denied, and AWS says "because no service control
		// policy allows the ... action".
		if !strings.Contains(lowerMsg, " with an explicit deny in a") &&
			!strings.Contains(lowerMsg, " because no service control policy allows the "+strings.ToLower(facts.Action)+" action") &&
			!strings.Contains(lowerMsg, " because no resource control policy allows the "+strings.ToLower(facts.Action)+" action") {
			problems = append(problems, fmt.Sprintf("explicit-deny message %q lacks \"with an explicit deny in a(n) ... policy\" (or, for an SCP/RCP level without an allow, \"because no service control policy allows ...\")", res.Message))
		}
	case "ImplicitDeny":
		if !strings.Contains(lowerMsg, " because no ") {
			problems = append(problems, fmt.Sprintf("implicit-deny message %q lacks \"because no ... policy allows the %s action\"", res.Message, facts.Action))
		}
	}
	if want.MessageContains != "" && !strings.Contains(lowerMsg, strings.ToLower(want.MessageContains)) {
		problems = append(problems, fmt.Sprintf("message %q does not contain %q", res.Message, want.MessageContains))
	}
	return problems
}

// TestConformance runs the conformance corpus in testdata/conformance.
func TestConformance(t *testing.T) {
	files, cases := loadConformanceCases(t)
	var deviations []string // unconfirmed cases that deviate
	for _, path := range files {
		file := strings.TrimSuffix(filepath.Base(path), ".json")
		for _, c := range cases[path] {
			t.Run(file+"/"+c.Name, func(t *testing.T) {
				problems := runConformanceCase(c)
				if len(problems) == 0 {
					return
				}
				report := fmt.Sprintf("%s\n  rule: %s\n  %s", path, c.Rule, strings.Join(problems, "\n  "))
				if c.Unconfirmed && !*conformanceStrict {
					deviations = append(deviations, file+"/"+c.Name+": "+strings.Join(problems, "; "))
					t.Skipf("unconfirmed case deviates (run with -conformance.strict to fail):\n%s", report)
				}
				t.Error(report)
			})
		}
	}
	if len(deviations) > 0 {
		t.Logf("%d unconfirmed case(s) deviate from the corpus's reading of the documents:\n%s",
			len(deviations), strings.Join(deviations, "\n"))
	}
}
