package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/connect-iam/connect-iam/iam"
	"github.com/connect-iam/connect-iam/internal/app"
	"github.com/connect-iam/connect-iam/internal/leastpriv"
)

func init() {
	register(command{
		name:    "policy",
		summary: "generate a least-privilege policy from a principal's audited calls",
		run:     runPolicy,
	})
}

const policyUsage = `Usage: connect-iam policy generate --principal ARN [--since T] [--until T] [--with-tag-conditions] [--data DIR]

Builds the identity policy that allows exactly what the principal (an IAM
user, a role with all its sessions, or one assumed-role session) did, from
the server's audit log: actions grouped per service, resources as
observed, generalised to PARENT/* only where --siblings or more distinct
resources under one parent were touched (stderr lists each), the tags the
calls carried as conditions with --with-tag-conditions, and the catalog's
dependent actions. Calls the server denied (under --enforce=deny) are left
out and counted; calls let through under --enforce=log are included.

The policy (stdout) is then checked, and stderr reports each check:
  validate      no ERROR and no SECURITY_WARNING finding;
  re-decide     every observed call, decided again by the engine with the
                generated policy as the only identity policy, is allowed;
  no new access compared with the principal's current identity policies
                (and permissions boundary), it grants nothing they do not
                (the check package's exact reasoning).
The exit status is 0 when every check passes, 1 when one fails (the policy
is still printed), 2 for usage errors. --format json prints one object
with the policy, the generalisations, the dependent actions and the checks.

Times are RFC 3339, a date (UTC) or a duration before now ("24h").
See docs/least-privilege.md.

Flags:
`

func runPolicy(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	return policyAt(context.Background(), args, time.Now(), stdout, stderr)
}

func policyAt(ctx context.Context, args []string, now time.Time, stdout, stderr io.Writer) int {
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "connect-iam policy: "+format+"\n", a...)
		fmt.Fprintln(stderr, "Run 'connect-iam policy -h' for usage.")
		return exitUsage
	}
	fl := flag.NewFlagSet("policy generate", flag.ContinueOnError)
	fl.SetOutput(stderr)
	data := fl.String("data", app.DefaultDataDir, "data `directory` of the server")
	principal := fl.String("principal", "", "the `ARN` of the user, role or assumed-role session whose calls to generate from (required)")
	since := fl.String("since", "", "only calls at or after this `time`")
	until := fl.String("until", "", "only calls before this `time`")
	tags := fl.Bool("with-tag-conditions", false, "add the request and resource tags every call of an action carried as conditions")
	siblings := fl.Int("siblings", leastpriv.DefaultSiblings, "generalise resources to PARENT/* from `N` distinct siblings on; 0 never generalises")
	format := fl.String("format", "text", "output: text (the policy on stdout, the report on stderr) or json")
	fl.Usage = func() {
		fmt.Fprint(fl.Output(), policyUsage)
		fl.PrintDefaults()
	}
	if len(args) == 0 {
		return usageErr("missing subcommand: use generate")
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fl.SetOutput(stdout)
		fl.Usage()
		return exitOK
	case "generate":
	default:
		return usageErr("unknown subcommand %q: use generate", args[0])
	}
	pos, err := catParse(fl, args[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if len(pos) > 0 {
		return usageErr("unexpected argument %q", pos[0])
	}
	if *principal == "" {
		return usageErr("--principal is required: the ARN of a user, role or assumed-role session")
	}
	start, err := parseAuditTime(*since, now)
	if err != nil {
		return usageErr("--since: %v", err)
	}
	end, err := parseAuditTime(*until, now)
	if err != nil {
		return usageErr("--until: %v", err)
	}
	if *format != "text" && *format != "json" {
		return usageErr("--format %q: use text or json", *format)
	}
	if *siblings < 0 {
		return usageErr("--siblings %d: give 0 (never) or a positive number", *siblings)
	}
	n := *siblings
	if n == 0 {
		n = -1
	}
	st, _, err := app.OpenExisting(ctx, *data)
	if err != nil {
		fmt.Fprintf(stderr, "connect-iam policy: %v\n", err)
		return 1
	}
	defer st.Close()
	g, err := leastpriv.GenerateFor(ctx, st, *principal, start, end, leastpriv.Options{WithTagConditions: *tags, Siblings: n}, iam.ManagedPolicy)
	if err != nil {
		fmt.Fprintf(stderr, "connect-iam policy: %v\n", err)
		return 1
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(g); err != nil {
			fmt.Fprintf(stderr, "connect-iam policy: %v\n", err)
			return 1
		}
	} else {
		stdout.Write(g.Result.Policy.JSON())
		g.WriteReport(stderr)
	}
	if !g.Verification.OK() {
		return 1
	}
	return exitOK
}
