package validate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// WriteText writes findings like a compiler's diagnostics:
//
//	policy.json:11:17: ERROR INVALID_SERVICE_IN_ACTION: The service "app-integartions" ...
//	   11 |                 "app-integartions:DeleteEventIntegration",
//	      |                 ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// sources maps each finding's File to the text it was validated from, to
// show the offending line; a finding whose file is missing from sources
// is written without it.
func WriteText(w io.Writer, findings []Finding, sources map[string][]byte) error {
	var b bytes.Buffer
	for i := range findings {
		f := &findings[i]
		pos := f.Pos()
		name := f.File
		if name == "" {
			name = "<input>"
		}
		if pos.Line > 0 {
			fmt.Fprintf(&b, "%s:%d:%d: ", name, pos.Line, pos.Column)
		} else {
			fmt.Fprintf(&b, "%s: ", name)
		}
		fmt.Fprintf(&b, "%s %s: %s\n", f.FindingType, f.IssueCode, f.FindingDetails)
		if src, ok := sources[f.File]; ok && pos.Line > 0 && len(f.Locations) > 0 {
			writeExcerpt(&b, src, f.Locations[0].Span)
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// writeExcerpt writes the line a span starts on and a caret line under the
// span (to the end of the line when the span goes on).
func writeExcerpt(b *bytes.Buffer, src []byte, sp Span) {
	line := lineAt(src, sp.Start.Offset)
	if line == nil {
		return
	}
	text := strings.TrimRight(string(line), "\r\n")
	gutter := fmt.Sprintf("%5d | ", sp.Start.Line)
	b.WriteString(gutter)
	b.WriteString(text)
	b.WriteByte('\n')
	b.WriteString(strings.Repeat(" ", len(gutter)-2))
	b.WriteString("| ")
	// Reproduce tabs so that the caret lines up.
	col := 1
	for _, r := range text {
		if col >= sp.Start.Column {
			break
		}
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
		col++
	}
	n := 1
	if sp.End.Line == sp.Start.Line && sp.End.Column > sp.Start.Column {
		n = sp.End.Column - sp.Start.Column
	} else if sp.End.Line > sp.Start.Line {
		n = max(1, utf8.RuneCountInString(text)-sp.Start.Column+1)
	}
	b.WriteByte('^')
	b.WriteString(strings.Repeat("~", n-1))
	b.WriteByte('\n')
}

// lineAt returns the line of src containing byte offset off.
func lineAt(src []byte, off int) []byte {
	if off < 0 || off > len(src) {
		return nil
	}
	start := bytes.LastIndexByte(src[:off], '\n') + 1
	end := bytes.IndexByte(src[off:], '\n')
	if end < 0 {
		return src[start:]
	}
	return src[start : off+end]
}

// WriteJSON writes {"findings": [...]}: Access Analyzer's ValidatePolicy
// response shape, each finding with its file.
func WriteJSON(w io.Writer, findings []Finding) error {
	if findings == nil {
		findings = []Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(struct {
		Findings []Finding `json:"findings"`
	}{findings})
}

// SARIF 2.1.0, as GitHub code scanning reads it.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool       sarifTool     `json:"tool"`
		ColumnKind string        `json:"columnKind"`
		Results    []sarifResult `json:"results"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		InformationURI string      `json:"informationUri"`
		Version        string      `json:"version,omitempty"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID               string         `json:"id"`
		Name             string         `json:"name"`
		ShortDescription sarifText      `json:"shortDescription"`
		FullDescription  sarifText      `json:"fullDescription"`
		Help             sarifText      `json:"help"`
		HelpURI          string         `json:"helpUri"`
		Default          sarifConfig    `json:"defaultConfiguration"`
		Properties       map[string]any `json:"properties"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifConfig struct {
		Level string `json:"level"`
	}
	sarifResult struct {
		RuleID    string          `json:"ruleId"`
		RuleIndex int             `json:"ruleIndex"`
		Level     string          `json:"level"`
		Message   sarifText       `json:"message"`
		Locations []sarifLocation `json:"locations"`
	}
	sarifLocation struct {
		Physical sarifPhysical  `json:"physicalLocation"`
		Logical  []sarifLogical `json:"logicalLocations,omitempty"`
	}
	sarifPhysical struct {
		Artifact sarifArtifact `json:"artifactLocation"`
		Region   sarifRegion   `json:"region"`
	}
	sarifArtifact struct {
		URI string `json:"uri"`
	}
	sarifRegion struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn"`
		EndLine     int `json:"endLine"`
		EndColumn   int `json:"endColumn"`
	}
	sarifLogical struct {
		FullyQualifiedName string `json:"fullyQualifiedName"`
		Kind               string `json:"kind"`
	}
)

// sarifLevel maps a finding type to a SARIF level.
func sarifLevel(t FindingType) string {
	switch t {
	case Error:
		return "error"
	case SecurityWarning, Warning:
		return "warning"
	}
	return "note"
}

// WriteSARIF writes findings as a SARIF 2.1.0 log that GitHub code
// scanning accepts. Rules are the issue codes found, with their help and
// documentation link; security warnings carry a security-severity.
func WriteSARIF(w io.Writer, findings []Finding, toolVersion string) error {
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:           "connect-iam",
			InformationURI: "https://github.com/connect-iam/connect-iam",
			Version:        toolVersion,
			Rules:          []sarifRule{},
		}},
		ColumnKind: "unicodeCodePoints",
		Results:    []sarifResult{},
	}
	ruleIndex := map[string]int{}
	for i := range findings {
		f := &findings[i]
		idx, ok := ruleIndex[f.IssueCode]
		if !ok {
			idx = len(run.Tool.Driver.Rules)
			ruleIndex[f.IssueCode] = idx
			run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleFor(f))
		}
		run.Results = append(run.Results, sarifResultFor(f, idx))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}})
}

// sarifResultFor converts a finding of the rule at index idx.
func sarifResultFor(f *Finding, idx int) sarifResult {
	res := sarifResult{RuleID: f.IssueCode, RuleIndex: idx, Level: sarifLevel(f.FindingType), Message: sarifText{f.FindingDetails}}
	uri := filepath.ToSlash(f.File)
	if uri == "" || uri == "-" {
		uri = "stdin"
	}
	locs := f.Locations
	if len(locs) == 0 {
		locs = []Location{{Span: Span{Start: Position{Line: 1, Column: 1}, End: Position{Line: 1, Column: 2}}}}
	}
	for _, l := range locs {
		r := sarifRegion{StartLine: max(1, l.Span.Start.Line), StartColumn: max(1, l.Span.Start.Column), EndLine: max(1, l.Span.End.Line), EndColumn: max(1, l.Span.End.Column)}
		if r.EndLine < r.StartLine || (r.EndLine == r.StartLine && r.EndColumn <= r.StartColumn) {
			r.EndLine, r.EndColumn = r.StartLine, r.StartColumn+1
		}
		sl := sarifLocation{Physical: sarifPhysical{Artifact: sarifArtifact{URI: uri}, Region: r}}
		if ps := l.PathString(); ps != "" {
			sl.Logical = []sarifLogical{{FullyQualifiedName: ps, Kind: "element"}}
		}
		res.Locations = append(res.Locations, sl)
	}
	return res
}

func sarifRuleFor(f *Finding) sarifRule {
	r := rules[f.IssueCode]
	if r == nil {
		r = &Rule{Code: f.IssueCode, Type: f.FindingType, Title: f.IssueCode, Help: f.FindingDetails, Source: ConnectIAM}
	}
	props := map[string]any{"tags": []string{string(r.Source), strings.ToLower(string(r.Type))}}
	if r.Type == SecurityWarning {
		props["tags"] = []string{"security", string(r.Source)}
		props["security-severity"] = "7.0"
	}
	var name strings.Builder
	for _, w := range strings.Split(strings.ToLower(r.Code), "_") {
		if w != "" {
			name.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return sarifRule{
		ID:               r.Code,
		Name:             name.String(),
		ShortDescription: sarifText{r.Title},
		FullDescription:  sarifText{r.Title + ". " + r.Help},
		Help:             sarifText{r.Help + " See " + r.LearnMoreLink()},
		HelpURI:          r.LearnMoreLink(),
		Default:          sarifConfig{sarifLevel(r.Type)},
		Properties:       props,
	}
}
