package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/connect-iam/connect-iam/simulate"
)

func init() {
	register(command{
		name:    "simulate",
		summary: "decide whether a principal may perform an action, and explain why",
		run:     runSimulate,
	})
}

func runSimulate(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output format: text or json")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: connect-iam simulate [--format text|json] FILE|- [--format text|json]")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Evaluates the simulation input FILE (or standard input for -): a JSON document")
		fmt.Fprintln(stderr, "naming the principal, action, resource, context and policies; see docs/simulate.md.")
		fmt.Fprintln(stderr, "Exit status: 0 when a decision was made (Allow or deny), 2 on bad input.")
		fmt.Fprintln(stderr)
		fs.PrintDefaults()
	}
	pos, err := catParse(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "connect-iam simulate: unknown --format %q: use text or json\n", *format)
		return exitUsage
	}
	if len(pos) != 1 {
		fs.Usage()
		return exitUsage
	}
	name := pos[0]
	var input []byte
	if name == "-" {
		name = "<stdin>"
		input, err = io.ReadAll(stdin)
	} else {
		input, err = os.ReadFile(name)
	}
	if err != nil {
		fmt.Fprintf(stderr, "connect-iam simulate: %v\n", err)
		return exitUsage
	}
	res, err := simulate.Evaluate(input)
	if err != nil {
		fmt.Fprintf(stderr, "%s:%v\n", name, err)
		return exitUsage
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			fmt.Fprintf(stderr, "connect-iam simulate: %v\n", err)
			return exitUsage
		}
		return exitOK
	}
	for _, n := range res.Notes {
		fmt.Fprintf(stdout, "Note: %s\n", n)
	}
	if len(res.Notes) > 0 {
		fmt.Fprintln(stdout)
	}
	if err := res.Explain.WriteText(stdout); err != nil {
		fmt.Fprintf(stderr, "connect-iam simulate: %v\n", err)
		return exitUsage
	}
	return exitOK
}
