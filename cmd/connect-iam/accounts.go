package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/connect-iam/connect-iam/internal/app"
	"github.com/connect-iam/connect-iam/internal/bootstrap"
	"github.com/connect-iam/connect-iam/store"
)

func init() {
	register(command{
		name:    "accounts",
		summary: "create and list the server's accounts",
		run:     runAccounts,
	})
}

const accountsUsage = `Usage: connect-iam accounts create [--data DIR] [--id ACCOUNT]
       connect-iam accounts list [--data DIR]

create adds an account with its own administrator IAM user ("admin", with
AdministratorAccess attached) and access key, and writes the key to
DIR/credentials-ACCOUNT (AWS shared-credentials format, mode 0600). The
secret is never printed. The server may be running meanwhile.

list prints the account IDs, one per line.

Flags:
`

func runAccounts(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "connect-iam accounts: "+format+"\n", a...)
		fmt.Fprintln(stderr, "Run 'connect-iam accounts -h' for usage.")
		return exitUsage
	}
	if len(args) == 0 {
		return usageErr("missing subcommand: use create or list")
	}
	sub := args[0]
	var database *string
	newFlags := func(w io.Writer) (*flag.FlagSet, *string, *string) {
		fl := flag.NewFlagSet("accounts "+sub, flag.ContinueOnError)
		fl.SetOutput(w)
		data := fl.String("data", app.DefaultDataDir, "data `directory` of the server")
		database = fl.String("database", "", "PostgreSQL `URL` of the servers' database (with --data holding their master key); default: the SQLite database in --data")
		id := fl.String("id", "", "for create: the 12-digit account ID; empty picks one at random")
		fl.Usage = func() {
			fmt.Fprint(w, accountsUsage)
			fl.PrintDefaults()
		}
		return fl, data, id
	}
	switch sub {
	case "-h", "-help", "--help", "help":
		fl, _, _ := newFlags(stdout)
		fl.Usage()
		return exitOK
	case "create", "list":
	default:
		return usageErr("unknown subcommand %q: use create or list", sub)
	}
	fl, data, id := newFlags(stderr)
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
	if *id != "" && (sub != "create" || !store.ValidAccountID(*id)) {
		return usageErr("--id %q: give a 12-digit account ID, with create only", *id)
	}
	ctx := context.Background()
	st, box, err := app.OpenServerData(ctx, *data, *database)
	if err != nil {
		fmt.Fprintf(stderr, "connect-iam accounts: %v\n", err)
		return 1
	}
	defer st.Close()
	if sub == "list" {
		return listAccounts(ctx, st, stdout, stderr)
	}
	res, err := bootstrap.CreateAccount(ctx, st, box, bootstrap.Options{DataDir: *data, AccountID: *id})
	if err != nil {
		fmt.Fprintf(stderr, "connect-iam accounts: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "created account %s with administrator %s (access key %s)\ncredentials: %s\n",
		res.AccountID, res.UserARN, res.AccessKeyID, res.CredentialsFile)
	return exitOK
}

func listAccounts(ctx context.Context, st store.Store, stdout, stderr io.Writer) int {
	marker := ""
	for {
		var page []store.Account
		err := st.View(ctx, func(tx store.ReadTx) error {
			var err error
			page, marker, err = tx.ListAccounts(store.ListOptions{Marker: marker, MaxItems: store.MaxMaxItems})
			return err
		})
		if err != nil {
			fmt.Fprintf(stderr, "connect-iam accounts: %v\n", err)
			return 1
		}
		for _, a := range page {
			fmt.Fprintln(stdout, a.ID)
		}
		if marker == "" {
			return exitOK
		}
	}
}
