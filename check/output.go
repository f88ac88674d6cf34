package check

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// WriteText writes the result for people: the result and message, then
// each reason located in file (the checked policy) with its
// counterexample request.
func (r *Result) WriteText(w io.Writer, file string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n", r.Result, r.Message)
	for _, re := range r.Reasons {
		if re.StatementIndex < 0 {
			fmt.Fprintf(&b, "  %s: %s\n", file, re.Description)
			continue
		}
		sid := ""
		if re.StatementID != "" {
			sid = fmt.Sprintf(" (Sid %q)", re.StatementID)
		}
		fmt.Fprintf(&b, "  %s:%d:%d: statement %d%s: %s\n", file, re.Line, re.Column, re.StatementIndex, sid, re.Description)
		if cx := re.Counterexample; cx != nil {
			fmt.Fprintf(&b, "    for example: %s performing %s on %s", cx.Principal, cx.Action, cx.Resource)
			if cx.Federated != "" {
				fmt.Fprintf(&b, " (federated by %s)", cx.Federated)
			}
			if len(cx.Context) > 0 {
				keys := make([]string, 0, len(cx.Context))
				for k := range cx.Context {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				var kv []string
				for _, k := range keys {
					kv = append(kv, fmt.Sprintf("%s=%s", k, strings.Join(cx.Context[k], ",")))
				}
				fmt.Fprintf(&b, " with %s", strings.Join(kv, " "))
			}
			b.WriteString("\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON writes the result as one JSON object: Access Analyzer's
// result, message and reasons, each reason with its counterexample and
// the counterexample as `connect-iam simulate` input.
func (r *Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteSARIF writes the result as a SARIF 2.1.0 log for GitHub code
// scanning: one result per reason, located at its statement in file.
func (r *Result) WriteSARIF(w io.Writer, file, rule, toolVersion string) error {
	type region struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn"`
	}
	type physical struct {
		ArtifactLocation struct {
			URI string `json:"uri"`
		} `json:"artifactLocation"`
		Region *region `json:"region,omitempty"`
	}
	type location struct {
		PhysicalLocation physical `json:"physicalLocation"`
	}
	type message struct {
		Text string `json:"text"`
	}
	type result struct {
		RuleID    string     `json:"ruleId"`
		Level     string     `json:"level"`
		Message   message    `json:"message"`
		Locations []location `json:"locations"`
	}
	var results []result
	for _, re := range r.Reasons {
		var loc location
		loc.PhysicalLocation.ArtifactLocation.URI = file
		if re.Line > 0 {
			loc.PhysicalLocation.Region = &region{StartLine: re.Line, StartColumn: re.Column}
		}
		text := r.Message + " " + re.Description
		if cx := re.Counterexample; cx != nil {
			text += fmt.Sprintf(" For example: %s performing %s on %s.", cx.Principal, cx.Action, cx.Resource)
		}
		results = append(results, result{RuleID: rule, Level: "error", Message: message{Text: text}, Locations: []location{loc}})
	}
	if results == nil {
		results = []result{}
	}
	log := map[string]any{
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"version": "2.1.0",
		"runs": []any{map[string]any{
			"tool": map[string]any{"driver": map[string]any{
				"name":           "connect-iam check",
				"version":        toolVersion,
				"informationUri": "https://github.com/connect-iam/connect-iam/blob/main/docs/check.md",
				"rules": []any{map[string]any{
					"id":               rule,
					"shortDescription": map[string]string{"text": "IAM Access Analyzer custom policy check " + rule},
				}},
			}},
			"results": results,
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}
