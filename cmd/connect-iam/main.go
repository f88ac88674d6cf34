// Command connect-iam is AWS IAM, as Amazon Connect uses it, in one binary:
// a policy simulator, a service authorization catalog, a policy validator
// and an AWS-compatible server.
//
// Usage:
//
//	connect-iam <command> [flags] [arguments]
//
// Run "connect-iam help" for the list of commands and
// "connect-iam <command> -h" for a command's flags.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/connect-iam/connect-iam/internal/suggest"
)

// Exit statuses shared by every command.
const (
	exitOK      = 0
	exitFinding = 1 // the command ran and its answer is "no" (e.g. findings at --fail-on)
	exitUsage   = 2 // bad flags or bad input: nothing was decided
)

// command is one subcommand. Each lives in its own file and registers itself
// from an init function, so that commands can be added independently.
type command struct {
	name    string
	summary string // one line, shown by "connect-iam help"
	// run executes the command with the arguments after its name and
	// returns the process exit status.
	run func(args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

var commands = map[string]command{}

func register(c command) {
	if _, dup := commands[c.name]; dup {
		panic("connect-iam: command registered twice: " + c.name)
	}
	commands[c.name] = c
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		usage(stdout)
		return exitOK
	case "version", "--version":
		fmt.Fprintln(stdout, "connect-iam", version())
		return exitOK
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "connect-iam: unknown command %q\n", name)
		if s := closestCommand(name); s != "" {
			fmt.Fprintf(stderr, "Did you mean %q?\n", s)
		}
		fmt.Fprintln(stderr, "Run 'connect-iam help' for the list of commands.")
		return exitUsage
	}
	return c.run(args[1:], stdin, stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "connect-iam: AWS IAM as Amazon Connect uses it, offline. It serves the Amazon Connect")
	fmt.Fprintln(w, "control plane (with AppIntegrations, Wisdom, outbound campaigns and Customer Profiles),")
	fmt.Fprintln(w, "IAM, STS and Access Analyzer policy validation to the AWS SDKs and CLI (serve), and")
	fmt.Fprintln(w, "decides, explains and validates IAM policies offline (simulate, validate).")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: connect-iam <command> [flags] [arguments]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintf(w, "  %-10s %s\n", "version", "print the version")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'connect-iam <command> -h' for a command's flags.")
}

// closestCommand returns the registered command nearest to name, or "".
func closestCommand(name string) string {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	return suggest.Best(name, names)
}
