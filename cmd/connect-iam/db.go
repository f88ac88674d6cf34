package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/connect-iam/connect-iam/internal/app"
	"github.com/connect-iam/connect-iam/store/sqlite"
)

func init() {
	register(command{
		name:    "db",
		summary: "check the database's integrity or back it up while the server runs",
		run:     runDB,
	})
}

const dbUsage = `Usage: connect-iam db check [--data DIR]
       connect-iam db backup [--data DIR] FILE

check runs SQLite's full PRAGMA integrity_check on DIR/connect-iam.db and
prints "ok", or what is damaged (exit status 1).

backup writes a consistent copy of the database to FILE (which must not
exist) with VACUUM INTO; the server may be running meanwhile. The copy
holds the secrets sealed under DIR/master.key: back up the key too, and
keep the two apart.

Flags:
`

func runDB(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "connect-iam db: "+format+"\n", a...)
		fmt.Fprintln(stderr, "Run 'connect-iam db -h' for usage.")
		return exitUsage
	}
	if len(args) == 0 {
		return usageErr("missing subcommand: use check or backup")
	}
	sub := args[0]
	switch sub {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, dbUsage)
		return exitOK
	case "check", "backup":
	default:
		return usageErr("unknown subcommand %q: use check or backup", sub)
	}
	fl := flag.NewFlagSet("db "+sub, flag.ContinueOnError)
	fl.SetOutput(stderr)
	data := fl.String("data", app.DefaultDataDir, "data `directory` of the server")
	fl.Usage = func() {
		fmt.Fprint(stderr, dbUsage)
		fl.PrintDefaults()
	}
	if err := fl.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	want := 0
	if sub == "backup" {
		want = 1
	}
	if fl.NArg() != want {
		if want == 1 {
			return usageErr("backup needs one FILE to write")
		}
		return usageErr("unexpected argument %q", fl.Arg(0))
	}
	path := filepath.Join(*data, app.DatabaseFile)
	if _, err := os.Stat(path); err != nil {
		fmt.Fprintf(stderr, "connect-iam db: no connect-iam database in %s: %v; pass the --data directory of the server\n", *data, err)
		return 1
	}
	ctx := context.Background()
	// Opening runs the full check (for check) or the quick one (backup).
	st, err := sqlite.OpenOptions(ctx, path, sqlite.Options{FullCheck: sub == "check"})
	if err != nil {
		fmt.Fprintf(stderr, "connect-iam db: %v\n", err)
		return 1
	}
	defer st.Close()
	if sub == "check" {
		fmt.Fprintf(stdout, "%s: ok\n", path)
		return exitOK
	}
	if err := st.Backup(ctx, fl.Arg(0)); err != nil {
		fmt.Fprintf(stderr, "connect-iam db: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "backed up %s to %s\n", path, fl.Arg(0))
	return exitOK
}
