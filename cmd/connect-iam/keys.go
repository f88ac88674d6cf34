package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/connect-iam/connect-iam/internal/app"
)

func init() {
	register(command{
		name:    "keys",
		summary: "rotate the master key that seals the secrets at rest",
		run:     runKeys,
	})
}

const keysUsage = `Usage: connect-iam keys rotate [--data DIR]

rotate writes a new random master key, reseals every secret in the
database under it in one transaction, keeps the old key as
DIR/master.key.old-KEYID and moves the new one to DIR/master.key. Stop the
server first: a running server keeps sealing with the key it loaded.
Back up the new master.key together with the database.

Flags:
`

func runKeys(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "connect-iam keys: "+format+"\n", a...)
		fmt.Fprintln(stderr, "Run 'connect-iam keys -h' for usage.")
		return exitUsage
	}
	if len(args) == 0 {
		return usageErr("missing subcommand: use rotate")
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, keysUsage)
		return exitOK
	case "rotate":
	default:
		return usageErr("unknown subcommand %q: use rotate", args[0])
	}
	fl := flag.NewFlagSet("keys rotate", flag.ContinueOnError)
	fl.SetOutput(stderr)
	data := fl.String("data", app.DefaultDataDir, "data `directory` of the server")
	fl.Usage = func() {
		fmt.Fprint(stderr, keysUsage)
		fl.PrintDefaults()
	}
	if err := fl.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fl.NArg() > 0 {
		return usageErr("unexpected argument %q", fl.Arg(0))
	}
	rot, err := app.RotateKey(context.Background(), *data)
	if err != nil {
		fmt.Fprintf(stderr, "connect-iam keys: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "rotated the master key from %s to %s: %d secrets resealed; the old key is kept in %s "+
		"(delete it once no backup needs it)\n", rot.OldKeyID, rot.NewKeyID, rot.Resealed, rot.OldKeyFile)
	return exitOK
}
