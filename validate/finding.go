package validate

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/connect-iam/connect-iam/policy"
)

// FindingType is the severity of a finding, as Access Analyzer names it.
type FindingType string

// The four finding types, from the most to the least severe.
const (
	// Error means part of the policy is not functional.
	Error FindingType = "ERROR"
	// SecurityWarning means the policy grants more than it probably should.
	SecurityWarning FindingType = "SECURITY_WARNING"
	// Warning means the policy does not follow a best practice.
	Warning FindingType = "WARNING"
	// Suggestion is a stylistic improvement that changes nothing.
	Suggestion FindingType = "SUGGESTION"
)

// Rank orders finding types: 4 for ERROR down to 1 for SUGGESTION, and 0
// for an unknown type.
func (t FindingType) Rank() int {
	switch t {
	case Error:
		return 4
	case SecurityWarning:
		return 3
	case Warning:
		return 2
	case Suggestion:
		return 1
	}
	return 0
}

// ParseFindingType parses a finding type as written on a command line:
// "error", "security-warning" (or "security_warning"), "warning" or
// "suggestion", in any case.
func ParseFindingType(s string) (FindingType, bool) {
	t := FindingType(strings.ToUpper(strings.ReplaceAll(s, "-", "_")))
	if t.Rank() == 0 {
		return "", false
	}
	return t, true
}

// Position is a point in a policy's source text. Line and Column start at
// 1; Column counts Unicode code points; Offset counts bytes from 0.
type Position struct {
	Line   int `json:"line"`
	Column int `json:"column"`
	Offset int `json:"offset"`
}

// Span is the half-open range [Start, End) of source text a location covers.
type Span struct {
	Start Position `json:"start"`
	End   Position `json:"end"`
}

func spanOf(s policy.Span) Span {
	return Span{
		Start: Position{Line: s.Start.Line, Column: s.Start.Column, Offset: s.Start.Offset},
		End:   Position{Line: s.End.Line, Column: s.End.Column, Offset: s.End.Offset},
	}
}

// Substring designates part of a string value: Length bytes from Start.
type Substring struct {
	Start  int `json:"start"`
	Length int `json:"length"`
}

// PathElement is one step of a location's path, in Access Analyzer's
// shape: exactly one field is set. Value descends into the value of the
// named member of an object, Key designates the named member's key itself,
// Index descends into an array element, and Substring designates part of
// a string.
type PathElement struct {
	Index     *int       `json:"index,omitempty"`
	Key       *string    `json:"key,omitempty"`
	Value     *string    `json:"value,omitempty"`
	Substring *Substring `json:"substring,omitempty"`
}

// String renders the element as in a JSONPath-like expression: .Name for
// Value, [3] for Index, {Name} for Key and [start:end] for Substring.
func (e PathElement) String() string {
	switch {
	case e.Index != nil:
		return "[" + strconv.Itoa(*e.Index) + "]"
	case e.Key != nil:
		return "{" + *e.Key + "}"
	case e.Value != nil:
		return "." + *e.Value
	case e.Substring != nil:
		return "[" + strconv.Itoa(e.Substring.Start) + ":" + strconv.Itoa(e.Substring.Start+e.Substring.Length) + "]"
	}
	return ""
}

// Location is where a finding applies: a path through the policy's JSON
// and the span of source text it designates.
type Location struct {
	Path []PathElement `json:"path"`
	Span Span          `json:"span"`
}

// PathString renders the location's path, such as
// "Statement[0].Action[4]".
func (l Location) PathString() string {
	var b strings.Builder
	for i, e := range l.Path {
		s := e.String()
		if i == 0 && e.Value != nil {
			s = s[1:]
		}
		b.WriteString(s)
	}
	return b.String()
}

// Finding is one problem found in a policy, in the shape of Access
// Analyzer's ValidatePolicyFinding plus the file it was found in and the
// replacements a person may mean.
type Finding struct {
	// File is the file the policy was read from; empty for other sources.
	File string `json:"file,omitempty"`
	// FindingType is the severity.
	FindingType FindingType `json:"findingType"`
	// IssueCode is Access Analyzer's code, such as "INVALID_ACTION" (or
	// parliament's or connect-iam's; see Rules).
	IssueCode string `json:"issueCode"`
	// FindingDetails says what is wrong and how to fix it.
	FindingDetails string `json:"findingDetails"`
	// LearnMoreLink is the documentation of the check.
	LearnMoreLink string `json:"learnMoreLink"`
	// Locations are where the problem is; the first is the main one.
	Locations []Location `json:"locations"`
	// Suggestions are replacement texts for the located value ("did you
	// mean"), best first.
	Suggestions []string `json:"suggestions,omitempty"`
}

// Pos returns the start of the finding's first location, or the zero
// Position if it has none.
func (f *Finding) Pos() Position {
	if len(f.Locations) == 0 {
		return Position{}
	}
	return f.Locations[0].Span.Start
}

// SortFindings orders findings by file, then position, then severity
// (most severe first), then issue code.
func SortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Pos().Offset, b.Pos().Offset),
			cmp.Compare(b.FindingType.Rank(), a.FindingType.Rank()),
			cmp.Compare(a.IssueCode, b.IssueCode),
		)
	})
}

// path is a path under construction. Methods return extended copies, so a
// path can be shared by several findings.
type path []PathElement

func (p path) val(name string) path {
	return append(p[:len(p):len(p)], PathElement{Value: &name})
}

func (p path) key(name string) path {
	return append(p[:len(p):len(p)], PathElement{Key: &name})
}

func (p path) idx(i int) path {
	return append(p[:len(p):len(p)], PathElement{Index: &i})
}

func (p path) sub(start, length int) path {
	return append(p[:len(p):len(p)], PathElement{Substring: &Substring{Start: start, Length: length}})
}
