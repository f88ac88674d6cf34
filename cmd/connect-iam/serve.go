package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/internal/app"
	"github.com/connect-iam/connect-iam/server"
)

func init() {
	register(command{
		name:    "serve",
		summary: "serve Amazon Connect and the services around it, IAM, STS, Access Analyzer and Organizations to AWS SDKs and the CLI",
		run:     runServe,
	})
}

const serveUsage = `Usage: connect-iam serve [flags]

Serves every operation of Amazon Connect and the services around it
(AppIntegrations, Wisdom, outbound campaigns, Customer Profiles; restJson1,
from AWS's API models, listed below), IAM and STS (awsQuery), Access
Analyzer ValidatePolicy and the policy checks, and AWS Organizations'
policy API (awsJson1_1: organization, OUs, accounts, service and resource
control policies) on one HTTP listener, for AWS SDKs and the AWS CLI
pointed at it with --endpoint-url (or AWS_ENDPOINT_URL). Every request is
authenticated with SigV4 and authorized against the stored policies as the
service authorization reference says, the SCPs and RCPs attached in
Organizations included.

The data directory holds the SQLite database (connect-iam.db), the master
key that encrypts secret keys (master.key) and the credentials of the first
account's administrator (bootstrap-credentials, AWS shared-credentials
format), created on first start. Set CONNECT_IAM_ACCOUNT_ID,
CONNECT_IAM_BOOTSTRAP_ACCESS_KEY_ID and CONNECT_IAM_BOOTSTRAP_SECRET_ACCESS_KEY
to choose them. With --database postgres://..., the data is in that
PostgreSQL database instead, which several servers may share (each with the
same master.key in its data directory). GET /healthz and GET /metrics (Prometheus) are served too,
and a test identity provider for AssumeRoleWithWebIdentity and
AssumeRoleWithSAML: an OIDC issuer at /_connect-iam/oidc (discovery document,
JWKS) and a SAML IdP whose metadata is /_connect-iam/saml/metadata, with a
key sealed in the data directory (test-idp.sealed); "connect-iam token"
mints their tokens and assertions (docs/federation.md).

The server stops gracefully on SIGINT or SIGTERM: in-flight requests finish
and the store is closed. The first line of standard output is the endpoint
URL (http://127.0.0.1:PORT, with the port --addr 127.0.0.1:0 picked).

For CI, --memory keeps everything in memory (nothing on disk); without
CONNECT_IAM_BOOTSTRAP_* keys the administrator's generated key follows the
URL on standard output, in AWS shared-credentials format. With
--allow-reset, POST /_connect-iam/reset signed (SigV4) with the bootstrap
administrator's key restores the bootstrapped state.

--enforce=log (or off), for all callers or per principal or account,
lets denied calls proceed while the audit log records what they missed;
GET /_connect-iam/audit/stream streams the decisions (docs/least-privilege.md).

Flags:
`

func runServe(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serveTo(ctx, args, os.Getenv, stdout, stderr)
}

// serve is serveTo without standard output.
func serve(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) int {
	return serveTo(ctx, args, getenv, io.Discard, stderr)
}

// serveTo runs the server until ctx ends; it is runServe without the
// process signals and environment, for tests. The first line of stdout is
// the endpoint URL, once listening.
func serveTo(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("serve", flag.ContinueOnError)
	fl.SetOutput(stderr)
	addr := fl.String("addr", server.DefaultAddr, "listen address `host:port`; port 0 picks a free port")
	data := fl.String("data", app.DefaultDataDir, "data `directory` (created with mode 0700)")
	logFormat := fl.String("log-format", "text", "log format: text or json")
	logLevel := fl.String("log-level", "info", "log level: debug, info, warn or error")
	fullCheck := fl.Bool("full-check", false, "run SQLite's full integrity_check on the database at start (default: quick_check)")
	shutdown := fl.Duration("shutdown-timeout", 30*time.Second, "how long in-flight requests may run after SIGINT/SIGTERM")
	memory := fl.Bool("memory", false, "keep the database and master key in memory: nothing on disk, all gone on exit (for CI)")
	allowReset := fl.Bool("allow-reset", false, "enable POST /_connect-iam/reset for the bootstrap administrator")
	database := fl.String("database", "", "PostgreSQL `URL` (postgres://USER:PASSWORD@HOST:PORT/DB) to use instead of the SQLite database in --data; several servers may share one (docs/postgres.md)")
	enforce := &authz.EnforcementRules{}
	fl.Func("enforce", "what a denial does, `MODE`: deny (fail the call), log (let it proceed, audit \"would have been denied\" with the missing permission) or off (let every call proceed, audit the decisions); default deny",
		func(s string) error {
			m, err := authz.ParseEnforcement(s)
			enforce.Default = m
			return err
		})
	fl.Func("enforce-principal", "override --enforce for one caller, `ARN=MODE` (a user, role or session ARN; a role covers its sessions); repeatable, or comma-separated in the environment",
		func(s string) error { return setOverrides(enforce, s, false) })
	fl.Func("enforce-account", "override --enforce for one account, `ACCOUNT=MODE`; repeatable, or comma-separated in the environment",
		func(s string) error { return setOverrides(enforce, s, true) })
	encodeDenials := fl.String("encode-denials", "", "comma-separated service `prefixes` (connect,iam) whose access-denied messages carry an encoded authorization message, as EC2's do (aws sts decode-authorization-message)")
	fl.Usage = func() {
		fmt.Fprint(stderr, serveUsage)
		fl.PrintDefaults()
		writeFlagEnv(stderr, fl)
		fmt.Fprintln(stderr, "\nServed from AWS's API models (connect-iam operations lists each operation):")
		writeServiceSummary(stderr)
	}
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if err := setFlagsFromEnv(fl, getenv); err != nil {
		fmt.Fprintf(stderr, "connect-iam serve: %v\n", err)
		return exitUsage
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "connect-iam serve: "+format+"\n", a...)
		if code == exitUsage {
			fmt.Fprintln(stderr, "Run 'connect-iam serve -h' for usage.")
		}
		return code
	}
	if fl.NArg() > 0 {
		return fail(exitUsage, "unexpected argument %q: serve takes flags only", fl.Arg(0))
	}
	logger, err := newLogger(stderr, *logFormat, *logLevel)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		return fail(exitUsage, "--addr %q: %v; use host:port such as 127.0.0.1:8080", *addr, err)
	}
	if !isLoopback(host) {
		logger.Warn("listening on a non-loopback address: the endpoint is reachable from the network over plain HTTP; "+
			"put a TLS-terminating proxy in front of it or use --addr 127.0.0.1:PORT", "addr", *addr)
	}
	a, err := app.New(ctx, app.Config{Addr: *addr, DataDir: *data, Logger: logger, Getenv: getenv, ShutdownTimeout: *shutdown,
		FullCheck: *fullCheck, Memory: *memory, AllowReset: *allowReset, Database: *database, Enforcement: enforce,
		EncodedDenials: splitList(*encodeDenials)})
	if err != nil {
		return fail(1, "%v", err)
	}
	if a.Bootstrap.Created && !*memory {
		fmt.Fprintf(stderr, "connect-iam serve: bootstrapped account %s with administrator %s; its access key is in %s\n",
			a.Bootstrap.AccountID, a.Bootstrap.UserARN, a.Bootstrap.CredentialsFile)
	}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		a.Close()
		return fail(1, "listening on %s: %v; choose a free address with --addr", *addr, err)
	}
	fmt.Fprintf(stdout, "http://%s\n%s", l.Addr(), a.MemoryCredentials())
	where := "credentials in " + a.Bootstrap.CredentialsFile
	if *memory {
		where = "in memory, nothing on disk; the administrator's key is on stdout"
		if a.MemoryCredentials() == "" {
			where = "in memory, nothing on disk; the administrator's key is CONNECT_IAM_BOOTSTRAP_ACCESS_KEY_ID"
		}
	}
	fmt.Fprintf(stderr, "connect-iam serve: serving on http://%s (account %s, administrator %s, %s)\n",
		l.Addr(), a.Bootstrap.AccountID, a.Bootstrap.UserARN, where)
	if e := enforce.String(); e != "deny" {
		logger.Warn("soft enforcement: denied calls proceed and are only audited; do not use in production", "enforce", e)
	}
	if err := a.Run(ctx, l); err != nil {
		return fail(1, "%v", err)
	}
	return exitOK
}

// setOverrides adds the comma-separated KEY=MODE overrides of
// --enforce-principal (account false) or --enforce-account.
func setOverrides(r *authz.EnforcementRules, list string, account bool) error {
	for spec := range strings.SplitSeq(list, ",") {
		spec = strings.TrimSpace(spec)
		if spec == "" {
			continue
		}
		key, _, _ := strings.Cut(spec, "=")
		if isAccount := len(key) == 12 && strings.Trim(key, "0123456789") == ""; isAccount != account {
			if account {
				return fmt.Errorf("%q: --enforce-account takes a 12-digit account ID; use --enforce-principal for an ARN", spec)
			}
			return fmt.Errorf("%q: --enforce-principal takes an ARN; use --enforce-account for an account ID", spec)
		}
		if err := r.Set(spec); err != nil {
			return err
		}
	}
	return nil
}

// isLoopback reports whether host names the loopback interface only.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// newLogger returns a slog logger writing to w in the given format and at
// the given level.
func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: use debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: use text or json", format)
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
