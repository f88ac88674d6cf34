package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/connect-iam/connect-iam/internal/app"
	"github.com/connect-iam/connect-iam/internal/audit"
	"github.com/connect-iam/connect-iam/internal/leastpriv"
	"github.com/connect-iam/connect-iam/store"
)

func init() {
	register(command{
		name:    "audit",
		summary: "query the server's audit log of API calls",
		run:     runAudit,
	})
}

const auditUsage = `Usage: connect-iam audit [flags]
       connect-iam audit unused --principal ARN [flags]   (see connect-iam audit unused -h)

Prints the audit log the server keeps: one CloudTrail-style event per
authenticated API call, with the caller, the request parameters (secrets
hidden), the error and the authorization decision. Events are printed
newest first (--oldest-first for the other order), at most --limit of
them; when more match, stderr says so and gives the --next token that
prints the following page (with the same filters).

--follow prints new events as the server records them, oldest first,
until interrupted: text lines, or one JSON record a line with --format json.
Each event is followed by the permission a denial missed ("would have
been denied" when --enforce=log let the call through) and by the smallest
statement that allows the call ("allow: {...}"; "policy" in JSON).

Times (--since, --until) are RFC 3339 ("2026-01-02T15:04:05Z"), a date
("2026-01-02", UTC) or a duration before now ("1h", "30m").

Flags:
`

func runAudit(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return auditCtx(ctx, args, time.Now(), stdout, stderr)
}

func auditAt(args []string, now time.Time, stdout, stderr io.Writer) int {
	return auditCtx(context.Background(), args, now, stdout, stderr)
}

// followPoll is how often audit --follow looks for new events.
var followPoll = 500 * time.Millisecond

func auditCtx(ctx context.Context, args []string, now time.Time, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "unused" {
		return auditUnused(ctx, args[1:], now, stdout, stderr)
	}
	fl := flag.NewFlagSet("audit", flag.ContinueOnError)
	fl.SetOutput(stderr)
	data := fl.String("data", app.DefaultDataDir, "data `directory` of the server")
	database := fl.String("database", "", "PostgreSQL `URL` of the servers' database (with --data holding their master key); default: the SQLite database in --data")
	since := fl.String("since", "", "only events at or after this `time`")
	until := fl.String("until", "", "only events before this `time`")
	name := fl.String("event-name", "", "only events of this operation, such as CreateUser")
	principal := fl.String("principal", "", "only events of the caller with this `ARN`")
	account := fl.String("account", "", "only events of this 12-digit account")
	code := fl.String("error-code", "", "only events that failed with this error `code`, such as AccessDenied")
	onlyErrors := fl.Bool("errors", false, "only events that failed")
	format := fl.String("format", "text", "output format: text or json")
	limit := fl.Int("limit", 100, "print at most `N` events")
	source := fl.String("source", "", "only events of this event `source`, such as connect.amazonaws.com or iam.amazonaws.com")
	denied := fl.Bool("denied", false, "only events the authorizer denied (ExplicitDeny or ImplicitDeny)")
	oldest := fl.Bool("oldest-first", false, "print the oldest events first")
	next := fl.String("next", "", "continue after the previous page: the `token` the last run printed")
	follow := fl.Bool("follow", false, "print events as they are recorded, oldest first, until interrupted (from --since, default now); JSON lines with --format json")
	fl.Usage = func() {
		fmt.Fprint(stderr, auditUsage)
		fl.PrintDefaults()
	}
	pos, err := catParse(fl, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "connect-iam audit: "+format+"\n", a...)
		fmt.Fprintln(stderr, "Run 'connect-iam audit -h' for usage.")
		return exitUsage
	}
	if len(pos) > 0 {
		return usageErr("unexpected argument %q: audit takes flags only", pos[0])
	}
	q := store.EventQuery{Name: *name, PrincipalARN: *principal, AccountID: *account, ErrorCode: *code, OnlyErrors: *onlyErrors,
		Source: *source, OnlyDenied: *denied, NewestFirst: !*oldest}
	if q.Start, err = parseAuditTime(*since, now); err != nil {
		return usageErr("--since: %v", err)
	}
	if q.End, err = parseAuditTime(*until, now); err != nil {
		return usageErr("--until: %v", err)
	}
	if *format != "text" && *format != "json" {
		return usageErr("--format %q: use text or json", *format)
	}
	if *limit < 1 {
		return usageErr("--limit %d: give a positive number", *limit)
	}
	if *account != "" && !store.ValidAccountID(*account) {
		return usageErr("--account %q: give a 12-digit account ID", *account)
	}
	if *follow && *next != "" {
		return usageErr("--follow and --next: choose one")
	}
	st, _, err := app.OpenServerData(ctx, *data, *database)
	if err != nil {
		fmt.Fprintf(stderr, "connect-iam audit: %v\n", err)
		return 1
	}
	defer st.Close()
	if *follow {
		if q.Start.IsZero() {
			q.Start = now
		}
		return followAudit(ctx, st, q, *format, stdout, stderr)
	}
	var events []store.Event
	marker := *next
	for len(events) < *limit {
		var page []store.Event
		err := st.View(ctx, func(tx store.ReadTx) error {
			var err error
			page, marker, err = tx.QueryEvents(q, store.ListOptions{Marker: marker, MaxItems: min(*limit-len(events), store.MaxMaxItems)})
			return err
		})
		if errors.Is(err, store.ErrInvalidArgument) && *next != "" {
			return usageErr("--next %q: not a token of this command; pass the one the previous page printed", *next)
		}
		if err != nil {
			fmt.Fprintf(stderr, "connect-iam audit: %v\n", err)
			return 1
		}
		events = append(events, page...)
		if marker == "" {
			break
		}
	}
	if marker != "" {
		order := "newest"
		if *oldest {
			order = "oldest"
		}
		fmt.Fprintf(stderr, "connect-iam audit: showing the %s %d matching events; more exist: run again with the same flags and --next %s\n",
			order, len(events), marker)
	}
	if *format == "json" {
		return writeAuditJSON(stdout, stderr, events, marker)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tSOURCE\tEVENT\tPRINCIPAL\tSOURCE IP\tDECISION\tERROR")
	for _, e := range events {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Time.UTC().Format(time.RFC3339), e.Source, e.Name,
			dash(e.PrincipalARN), dash(e.SourceIPAddress), dash(e.Decision), dash(e.ErrorCode))
	}
	tw.Flush()
	return exitOK
}

// followAudit prints the events matching q as they are recorded, oldest
// first, until ctx ends: each poll reads the events at or after the last
// printed time and skips those already printed.
func followAudit(ctx context.Context, st store.Store, q store.EventQuery, format string, stdout, stderr io.Writer) int {
	q.NewestFirst = false
	seen := map[string]bool{} // events printed at q.Start
	enc := json.NewEncoder(stdout)
	for {
		marker := ""
		for {
			var page []store.Event
			err := st.View(ctx, func(tx store.ReadTx) error {
				var err error
				page, marker, err = tx.QueryEvents(q, store.ListOptions{Marker: marker, MaxItems: store.MaxMaxItems})
				return err
			})
			if ctx.Err() != nil {
				return exitOK
			}
			if err != nil {
				fmt.Fprintf(stderr, "connect-iam audit: %v\n", err)
				return 1
			}
			for _, e := range page {
				if seen[e.EventID] {
					continue
				}
				if e.Time.After(q.Start) {
					q.Start, seen = e.Time, map[string]bool{}
				}
				seen[e.EventID] = true
				if format == "json" {
					if err := enc.Encode(leastpriv.EntryOf(e, true)); err != nil {
						fmt.Fprintf(stderr, "connect-iam audit: %v\n", err)
						return 1
					}
					continue
				}
				writeFollowText(stdout, e)
			}
			if marker == "" {
				break
			}
		}
		select {
		case <-ctx.Done():
			return exitOK
		case <-time.After(followPoll):
		}
	}
}

// writeFollowText writes one event of audit --follow: its line, then
// "would have been denied" with the missing permission when soft
// enforcement let a denial through, then the smallest statement that
// allows the call, as one JSON line.
func writeFollowText(w io.Writer, e store.Event) {
	en := leastpriv.EntryOf(e, true)
	decision := dash(e.Decision)
	if en.WouldHaveBeenDenied {
		decision += " (would have been denied; the call proceeded)"
	}
	fmt.Fprintf(w, "%s  %s  %s  %s  %s  %s  %s\n", e.Time.UTC().Format(time.RFC3339), e.Source, e.Name,
		dash(e.PrincipalARN), dash(e.SourceIPAddress), decision, dash(e.ErrorCode))
	if d, err := audit.ParseAuthorization(e.AdditionalEventData); err == nil && d != nil {
		for _, r := range d.Authorization {
			if m := r.Missing; m != nil {
				fmt.Fprintf(w, "    missing: %s on %s", m.Action, m.Resource)
				if m.ExplicitDeny {
					fmt.Fprint(w, " (explicit deny: no Allow can grant it)")
				}
				for _, k := range slices.Sorted(maps.Keys(m.ConditionKeys)) {
					fmt.Fprintf(w, " %s=%v", k, m.ConditionKeys[k])
				}
				fmt.Fprintln(w)
			}
		}
	}
	if en.Policy != nil {
		for _, st := range en.Policy.Statement {
			st.Sid = ""
			b, _ := json.Marshal(st)
			fmt.Fprintf(w, "    allow: %s\n", b)
		}
	}
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// auditRecord is an event as CloudTrail spells it in its log files, with
// the authorization requests (additionalEventData).
type auditRecord = leastpriv.Entry

func writeAuditJSON(stdout, stderr io.Writer, events []store.Event, next string) int {
	out := struct {
		Records   []auditRecord `json:"Records"`
		NextToken string        `json:"NextToken,omitempty"`
	}{Records: make([]auditRecord, 0, len(events)), NextToken: next}
	for _, e := range events {
		out.Records = append(out.Records, recordOf(e))
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintf(stderr, "connect-iam audit: writing JSON: %v\n", err)
		return 1
	}
	return exitOK
}

// recordOf returns e as CloudTrail spells it.
func recordOf(e store.Event) auditRecord { return leastpriv.EntryOf(e, false) }

// parseAuditTime parses an RFC 3339 time, a date or a duration before now;
// "" is the zero time.
func parseAuditTime(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if d, err := time.ParseDuration(s); err == nil && !strings.HasPrefix(s, "-") {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("%q is not a time: use RFC 3339 (2026-01-02T15:04:05Z), a date (2026-01-02) or a duration before now (1h)", s)
}
