package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/connect-iam/connect-iam/internal/mfa"
)

func init() {
	register(command{
		name:    "mfa",
		summary: "print the codes of a virtual MFA device, for scripts and tests",
		run:     runMFA,
	})
}

const mfaUsage = `Usage: connect-iam mfa code --secret SEED [--at TIME] [--count N]

code prints the six-digit TOTP code (RFC 6238) of a virtual MFA device at
TIME, by default now, from its Base32 seed: the Base32StringSeed that
CreateVirtualMFADevice returned (aws iam create-virtual-mfa-device
--bootstrap-method Base32StringSeed --outfile FILE writes it to FILE).
--secret - reads the seed from standard input, which keeps it out of the
process list. --count 2 prints two consecutive codes, one a line, the
pair EnableMFADevice and ResyncMFADevice take: the second is the code of
the next 30-second step, which the server accepts already.

Flags:
`

func runMFA(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "connect-iam mfa: "+format+"\n", a...)
		fmt.Fprintln(stderr, "Run 'connect-iam mfa -h' for usage.")
		return exitUsage
	}
	if len(args) == 0 {
		return usageErr("missing subcommand: use code")
	}
	usageOut := stderr
	switch args[0] {
	case "-h", "-help", "--help", "help":
		// Asked for: the usage with code's flags, on standard output.
		args, usageOut = []string{"code", "-h"}, stdout
	case "code":
	default:
		return usageErr("unknown subcommand %q: use code", args[0])
	}
	fl := flag.NewFlagSet("mfa code", flag.ContinueOnError)
	fl.SetOutput(usageOut)
	secret := fl.String("secret", "", "the device's Base32 `seed`; - reads it from standard input")
	at := fl.String("at", "", "the `time` of the code, RFC 3339 (2026-01-02T15:04:05Z); empty means now")
	count := fl.Int("count", 1, "the `number` of consecutive codes to print, from the step of --at")
	fl.Usage = func() {
		fmt.Fprint(usageOut, mfaUsage)
		fl.PrintDefaults()
	}
	if err := fl.Parse(args[1:]); err != nil {
		if err == flag.ErrHelp {
			return exitOK
		}
		return exitUsage
	}
	if fl.NArg() > 0 {
		return usageErr("unexpected argument %q", fl.Arg(0))
	}
	if *secret == "" {
		return usageErr("--secret is required: pass the device's Base32StringSeed, or - to read it from standard input")
	}
	if *count < 1 || *count > 10 {
		return usageErr("--count %d is out of range: pass 1 to 10", *count)
	}
	raw := *secret
	if raw == "-" {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && err != io.EOF {
			return usageErr("reading the seed from standard input: %v", err)
		}
		raw = strings.TrimSpace(line)
	}
	seed, err := mfa.ParseSeed(raw)
	if err != nil {
		return usageErr("--secret: %v", strings.TrimPrefix(err.Error(), "mfa: "))
	}
	t := time.Now()
	if *at != "" {
		if t, err = time.Parse(time.RFC3339, *at); err != nil {
			return usageErr("--at %q is not an RFC 3339 time such as 2026-01-02T15:04:05Z", *at)
		}
	}
	step := mfa.Step(t)
	for i := range int64(*count) {
		code, err := mfa.CodeAt(seed, step+i)
		if err != nil {
			return usageErr("--at: %v", strings.TrimPrefix(err.Error(), "mfa: "))
		}
		fmt.Fprintln(stdout, code)
	}
	return exitOK
}
