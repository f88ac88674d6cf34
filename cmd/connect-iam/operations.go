package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/connect-iam/connect-iam/apiservice"
	"github.com/connect-iam/connect-iam/internal/app"
)

func init() {
	register(command{
		name:    "operations",
		summary: "list the operations serve answers for Amazon Connect and its neighbours, generic or specific",
		run:     runOperations,
	})
}

const operationsUsage = `Usage: connect-iam operations [--format text|json] [SERVICE...]

Lists every operation that connect-iam serve answers from AWS's API models
(Amazon Connect, AppIntegrations, Wisdom and Amazon Q in Connect, outbound
campaigns v1 and v2, Customer Profiles) and IAM and STS (awsQuery, every
input validated from the model, behaviour hand-written): its HTTP binding,
and whether it has specific (hand-written) behaviour or the generic
engine's, with the kind the engine gives it (create, describe, list,
associate, tag, action...) and the resource type it acts on. SERVICE is a
signing name (connect, app-integrations, wisdom, connect-campaigns,
profile, iam, sts); none lists all.

Flags:`

func runOperations(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("connect-iam operations", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output `format`: text or json")
	fs.Usage = func() {
		fmt.Fprintln(stderr, operationsUsage)
		fs.PrintDefaults()
	}
	names, err := catParse(fs, args)
	if err != nil {
		if err == flag.ErrHelp {
			return exitOK
		}
		return exitUsage
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "connect-iam operations: --format %q: want text or json\n", *format)
		return exitUsage
	}
	all := append(app.ModelServices(), app.QueryServices()...)
	var picked []*apiservice.Served
	for _, n := range names {
		found := false
		for _, s := range all {
			if strings.EqualFold(s.SigningName, n) {
				picked = append(picked, s)
				found = true
			}
		}
		if !found {
			var known []string
			for _, s := range all {
				known = append(known, s.SigningName)
			}
			fmt.Fprintf(stderr, "connect-iam operations: no served service %q; the services are %s\n", n, strings.Join(known, ", "))
			return exitUsage
		}
	}
	if len(names) == 0 {
		picked = all
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(picked); err != nil {
			fmt.Fprintln(stderr, "connect-iam operations:", err)
			return exitUsage
		}
		return exitOK
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	for i, s := range picked {
		if i > 0 {
			fmt.Fprintln(tw)
		}
		fmt.Fprintf(tw, "%s (IAM prefix %s): %d operations, %d with specific behaviour\n", s.SigningName, s.Prefix, len(s.Operations), s.Specific())
		for _, o := range s.Operations {
			behaviour := "generic " + o.Kind
			if o.Kind == "override" {
				behaviour = "specific"
			}
			if o.Resource != "" && o.Kind != "override" {
				behaviour += " " + o.Resource
			}
			fmt.Fprintf(tw, "  %s\t%s %s\t%s\t%s\n", o.Name, o.Method, o.Path, behaviour, o.Model)
		}
	}
	if err := tw.Flush(); err != nil {
		return exitUsage
	}
	return exitOK
}

// writeServiceSummary writes a line per model-driven service: its
// operation counts.
func writeServiceSummary(w io.Writer) {
	for _, s := range app.ModelServices() {
		fmt.Fprintf(w, "  %-18s %3d operations (%d with specific behaviour)\n", s.SigningName, len(s.Operations), s.Specific())
	}
}
