package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/connect-iam/connect-iam/internal/app"
	"github.com/connect-iam/connect-iam/internal/secretbox"
	"github.com/connect-iam/connect-iam/store/postgres"
	"github.com/connect-iam/connect-iam/store/sqlite"
)

func init() {
	register(command{
		name:    "migrate",
		summary: "copy a data directory's SQLite database into PostgreSQL",
		run:     runMigrate,
	})
}

const migrateUsage = `Usage: connect-iam migrate --from DATA_DIR --to postgres://USER:PASSWORD@HOST:PORT/DB

Copies everything in DATA_DIR/connect-iam.db (accounts, IAM entities,
policies and their versions, access keys, STS sessions, Connect resources,
tags and the audit log) into the PostgreSQL database, which must be empty,
in one transaction: it holds all of it afterwards, or nothing. Secrets are
copied sealed, as they are: the servers on the database need
DATA_DIR/master.key (start them with --data DATA_DIR, or copy the key into
each node's data directory). Stop the server on DATA_DIR first: writes made
during the copy may be missed.

Prints each table's rows as they are copied, then the totals.

Flags:
`

func runMigrate(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return migrate(ctx, args, stdout, stderr)
}

func migrate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fl.SetOutput(stderr)
	from := fl.String("from", "", "data `directory` of the SQLite server to copy from")
	to := fl.String("to", "", "PostgreSQL `URL` to copy into (an empty database)")
	fl.Usage = func() {
		fmt.Fprint(stderr, migrateUsage)
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "connect-iam migrate: "+format+"\n", a...)
		fmt.Fprintln(stderr, "Run 'connect-iam migrate -h' for usage.")
		return exitUsage
	}
	switch {
	case fl.NArg() > 0:
		return usageErr("unexpected argument %q: migrate takes flags only", fl.Arg(0))
	case *from == "":
		return usageErr("missing --from DATA_DIR: the data directory of the server to copy")
	case *to == "":
		return usageErr("missing --to postgres://...: the database to copy into")
	case !postgres.IsURL(*to):
		return usageErr("--to %q is not a postgres:// URL", postgres.Redact(*to))
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "connect-iam migrate: %v\n", err)
		return 1
	}
	// Opening the source checks its master key, so that what is copied
	// can be opened by the servers that get the same key.
	st, _, err := app.OpenExisting(ctx, *from)
	if err != nil {
		return fail(err)
	}
	defer st.Close()
	src, ok := st.(*sqlite.Store)
	if !ok {
		return fail(fmt.Errorf("%s: not an SQLite data directory", *from))
	}
	dst, err := postgres.OpenOptions(ctx, *to, postgres.Options{PollInterval: -1})
	if err != nil {
		return fail(err)
	}
	defer dst.Close()
	fmt.Fprintf(stdout, "copying %s into %s\n", src.Path(), dst.URL())
	copied := map[string]int{}
	last := ""
	err = dst.Import(ctx, sqlite.Tables, src.ExportTable, func(table string, rows int) {
		if table != last && last != "" {
			fmt.Fprintf(stdout, "  %-16s %d rows\n", last, copied[last])
		}
		if rows > 0 && rows%10000 == 0 {
			fmt.Fprintf(stdout, "  %-16s %d rows so far\n", table, rows)
		}
		last, copied[table] = table, rows
	})
	if err != nil {
		return fail(fmt.Errorf("%w; nothing was copied", err))
	}
	if last != "" {
		fmt.Fprintf(stdout, "  %-16s %d rows\n", last, copied[last])
	}
	total := 0
	for _, n := range copied {
		total += n
	}
	fmt.Fprintf(stdout, "copied %d rows of %d tables; the secrets stay sealed under %s\n", total, len(sqlite.Tables), filepath.Join(*from, secretbox.KeyFile))
	fmt.Fprintf(stdout, "start the servers with: connect-iam serve --data %s --database URL (other nodes: copy %s into their --data directory)\n", *from, secretbox.KeyFile)
	return exitOK
}
