package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/catalog"
	"github.com/connect-iam/connect-iam/iam"
	"github.com/connect-iam/connect-iam/internal/app"
	"github.com/connect-iam/connect-iam/internal/leastpriv"
)

const auditUnusedUsage = `Usage: connect-iam audit unused --principal ARN [--since T] [--until T] [--service PREFIX] [--data DIR] [--format text|json]

Lists, per service, the actions the principal's identity policies grant
(Action patterns expanded with the service authorization catalog) and
which of them its calls used in the window, from the audit log: the
permissions it could lose. A role ARN covers all its sessions. Deny
statements and conditions are not subtracted: an action counts as granted
when an Allow statement names it. See docs/least-privilege.md.

Flags:
`

func auditUnused(ctx context.Context, args []string, now time.Time, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("audit unused", flag.ContinueOnError)
	fl.SetOutput(stderr)
	data := fl.String("data", app.DefaultDataDir, "data `directory` of the server")
	principal := fl.String("principal", "", "the `ARN` of the user, role or assumed-role session (required)")
	since := fl.String("since", "", "only calls at or after this `time`")
	until := fl.String("until", "", "only calls before this `time`")
	service := fl.String("service", "", "only this service `prefix`, such as connect")
	format := fl.String("format", "text", "output format: text or json")
	fl.Usage = func() {
		fmt.Fprint(fl.Output(), auditUnusedUsage)
		fl.PrintDefaults()
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "connect-iam audit unused: "+format+"\n", a...)
		fmt.Fprintln(stderr, "Run 'connect-iam audit unused -h' for usage.")
		return exitUsage
	}
	pos, err := catParse(fl, args)
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
	st, _, err := app.OpenExisting(ctx, *data)
	if err != nil {
		fmt.Fprintf(stderr, "connect-iam audit unused: %v\n", err)
		return 1
	}
	defer st.Close()
	fail := func(err error) int {
		fmt.Fprintf(stderr, "connect-iam audit unused: %v\n", err)
		return 1
	}
	caller, err := authz.CallerFor(ctx, st, *principal)
	if err != nil {
		return fail(err)
	}
	cat := catalog.Default()
	engine := authz.New(st, authz.Options{Catalog: cat, ManagedPolicy: iam.ManagedPolicy})
	defer engine.Close()
	pols, err := engine.Policies(ctx, caller)
	if err != nil {
		return fail(err)
	}
	obs, err := leastpriv.Load(ctx, st, *principal, start, end)
	if err != nil {
		return fail(err)
	}
	usage, err := leastpriv.Unused(pols, obs.Calls, cat)
	if err != nil {
		return fail(err)
	}
	if *service != "" {
		var keep []leastpriv.ServiceUsage
		for _, u := range usage {
			if strings.EqualFold(u.Service, *service) {
				keep = append(keep, u)
			}
		}
		usage = keep
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		out := struct {
			Principal string                   `json:"principal"`
			Events    int                      `json:"events"`
			Services  []leastpriv.ServiceUsage `json:"services"`
		}{*principal, obs.Events, usage}
		if out.Services == nil {
			out.Services = []leastpriv.ServiceUsage{}
		}
		if err := enc.Encode(out); err != nil {
			return fail(err)
		}
		return exitOK
	}
	fmt.Fprintf(stdout, "%s: %d events in the window\n", *principal, obs.Events)
	for _, u := range usage {
		fmt.Fprintf(stdout, "%s: %d of %d granted actions used, %d unused\n", u.Service, len(u.Used), u.Granted, len(u.Unused))
		for _, a := range u.Used {
			fmt.Fprintf(stdout, "  used    %s\n", a)
		}
		for _, a := range u.Unused {
			fmt.Fprintf(stdout, "  unused  %s\n", a)
		}
	}
	return exitOK
}
