package validate

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// codeCase is one case of testdata/codes.txt.
type codeCase struct {
	code, policyType string
	line             int
	trigger, clean   string
}

var actionsMacro = regexp.MustCompile(`@ACTIONS\((\d+)\)@`)

// expandPolicy expands @ACTIONS(n)@ and wraps a Statement array.
func expandPolicy(s string) string {
	s = actionsMacro.ReplaceAllStringFunc(s, func(m string) string {
		n, _ := strconv.Atoi(actionsMacro.FindStringSubmatch(m)[1])
		var b strings.Builder
		for i := range n {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, `"s3:GetObjectVersionForReplication%05d"`, i)
		}
		return b.String()
	})
	if strings.HasPrefix(strings.TrimSpace(s), "[") {
		s = `{"Version": "2012-10-17", "Statement": ` + s + "}"
	}
	return s
}

func loadCodeCases(t *testing.T) []codeCase {
	data, err := os.ReadFile("testdata/codes.txt")
	if err != nil {
		t.Fatal(err)
	}
	var cases []codeCase
	var cur *codeCase
	var section *string
	for i, line := range strings.Split(string(data), "\n") {
		switch {
		case strings.HasPrefix(line, "=== "):
			f := strings.Fields(line[4:])
			if len(f) != 2 {
				t.Fatalf("testdata/codes.txt:%d: want \"=== CODE policy-type\"", i+1)
			}
			cases = append(cases, codeCase{code: f[0], policyType: f[1], line: i + 1})
			cur, section = &cases[len(cases)-1], nil
		case line == "--- trigger" && cur != nil:
			section = &cur.trigger
		case line == "--- clean" && cur != nil:
			section = &cur.clean
		case strings.HasPrefix(line, "#") && section == nil:
		case section != nil:
			*section += line + "\n"
		}
	}
	return cases
}

func validatorFor(t *testing.T, spec string) *Validator {
	t.Helper()
	opts := Options{}
	name, resType, _ := strings.Cut(spec, ":")
	if name == "scp-legacy" {
		name, opts.LegacySCPGrammar = "scp", true
	}
	pt, err := ParsePolicyType(name)
	if err != nil {
		t.Fatal(err)
	}
	opts.PolicyType, opts.ResourceType = pt, resType
	v, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestIssueCodes checks every issue code with a policy that triggers it
// and one that does not.
func TestIssueCodes(t *testing.T) {
	cases := loadCodeCases(t)
	covered := map[string]bool{}
	for _, tc := range cases {
		covered[tc.code] = true
		t.Run(tc.code, func(t *testing.T) {
			if RuleFor(tc.code) == nil {
				t.Fatalf("testdata/codes.txt:%d: %s is not a registered issue code", tc.line, tc.code)
			}
			v := validatorFor(t, tc.policyType)
			if strings.TrimSpace(tc.trigger) == "" || strings.TrimSpace(tc.clean) == "" {
				t.Fatalf("testdata/codes.txt:%d: the case needs a trigger and a clean policy", tc.line)
			}
			got := v.Validate([]byte(expandPolicy(tc.trigger)))
			if !hasCode(got, tc.code) {
				t.Errorf("testdata/codes.txt:%d: trigger policy: no %s finding; got %s", tc.line, tc.code, codesOf(got))
			}
			for _, f := range got {
				if f.IssueCode == tc.code && RuleFor(tc.code).Type != f.FindingType {
					t.Errorf("%s reported as %s, registered as %s", tc.code, f.FindingType, RuleFor(tc.code).Type)
				}
				if f.IssueCode == tc.code && (len(f.Locations) == 0 || f.Locations[0].Span.Start.Line == 0) {
					t.Errorf("%s finding has no position: %+v", tc.code, f)
				}
			}
			if clean := v.Validate([]byte(expandPolicy(tc.clean))); hasCode(clean, tc.code) {
				t.Errorf("testdata/codes.txt:%d: clean policy: unexpected %s finding; got %s", tc.line, tc.code, codesOf(clean))
			}
		})
	}
	for _, r := range Rules() {
		if !covered[r.Code] {
			t.Errorf("issue code %s has no case in testdata/codes.txt", r.Code)
		}
	}
}

func hasCode(fs []Finding, code string) bool {
	for _, f := range fs {
		if f.IssueCode == code {
			return true
		}
	}
	return false
}

func codesOf(fs []Finding) string {
	var out []string
	for i, f := range fs {
		if i == 10 {
			out = append(out, fmt.Sprintf("and %d more", len(fs)-i))
			break
		}
		p := f.Pos()
		out = append(out, fmt.Sprintf("%d:%d %s", p.Line, p.Column, f.IssueCode))
	}
	return "[" + strings.Join(out, ", ") + "]"
}
