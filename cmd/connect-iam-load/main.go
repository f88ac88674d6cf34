// Command connect-iam-load measures the connect-iam server under load with
// real SigV4-signed requests, beside a bare net/http handler measured in
// the same run with the same client.
//
// By default it starts the server in-process, with the same wiring as
// "connect-iam serve", on a loopback port over a temporary data directory
// (bootstrapped with a generated administrator), and sends IAM GetUser
// calls: each is authenticated (SigV4, secret unsealed from the store),
// authorized against the administrator's policies, served from SQLite and
// recorded in the audit log. With --endpoint it measures a server that is
// already running, signing with the key in --credentials.
//
// Usage:
//
//	connect-iam-load [-n 20000] [-c 8] [-d 10s] [-action GetUser]
//	connect-iam-load -endpoint http://127.0.0.1:8080/ -credentials DIR/bootstrap-credentials
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/connect-iam/connect-iam/internal/app"
	"github.com/connect-iam/connect-iam/internal/bootstrap"
	"github.com/connect-iam/connect-iam/internal/loadgen"
	"github.com/connect-iam/connect-iam/server/sigv4"
	"github.com/connect-iam/connect-iam/store"
)

// actions are the requests the tool can send.
var actions = map[string]loadgen.Request{
	"GetUser":           {Service: "iam", Region: "us-east-1", Body: "Action=GetUser&Version=2010-05-08"},
	"GetCallerIdentity": {Service: "sts", Region: "us-east-1", Body: "Action=GetCallerIdentity&Version=2011-06-15"},
	"ListUsers":         {Service: "iam", Region: "us-east-1", Body: "Action=ListUsers&Version=2010-05-08&MaxItems=10"},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("connect-iam-load", flag.ContinueOnError)
	fl.SetOutput(stderr)
	n := fl.Int("n", 20000, "requests to send to each target, at most")
	c := fl.Int("c", 8, "concurrent workers")
	d := fl.Duration("d", 10*time.Second, "time to spend on each target, at most")
	rounds := fl.Int("rounds", 5, "alternate the targets this many times, so that both see the same background load")
	action := fl.String("action", "GetUser", "operation to call: GetUser, GetCallerIdentity or ListUsers")
	endpoint := fl.String("endpoint", "", "measure a running server at this loopback `URL` instead of an in-process one")
	credsFile := fl.String("credentials", "", "AWS shared-credentials `file` ([default] profile) for --endpoint")
	cpuProfile := fl.String("cpuprofile", "", "write a CPU profile of the whole run (server and client) to `file`")
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "connect-iam-load: "+format+"\n", a...)
		return 1
	}
	req, ok := actions[*action]
	if !ok {
		return fail("--action %q: use GetUser, GetCallerIdentity or ListUsers", *action)
	}
	if *n < 1 || *c < 1 || *d <= 0 || *rounds < 1 || *rounds > *n {
		return fail("-n, -c, -d and -rounds must be positive, and -rounds at most -n")
	}
	var creds sigv4.Credentials
	url := *endpoint
	if url == "" {
		dir, err := os.MkdirTemp("", "connect-iam-load-")
		if err != nil {
			return fail("%v", err)
		}
		defer os.RemoveAll(dir)
		creds = sigv4.Credentials{AccessKeyID: store.NewID("AKIA", 20), SecretAccessKey: bootstrap.NewSecretAccessKey()}
		env := map[string]string{bootstrap.EnvAccessKeyID: creds.AccessKeyID, bootstrap.EnvSecretAccessKey: creds.SecretAccessKey}
		a, err := app.New(ctx, app.Config{DataDir: filepath.Join(dir, "data"), Logger: slog.New(slog.DiscardHandler),
			Getenv: func(k string) string { return env[k] }})
		if err != nil {
			return fail("starting the server: %v", err)
		}
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			a.Close()
			return fail("%v", err)
		}
		sctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- a.Run(sctx, l) }()
		defer func() {
			cancel()
			if err := <-done; err != nil {
				fmt.Fprintf(stderr, "connect-iam-load: server shutdown: %v\n", err)
			}
		}()
		url = "http://" + l.Addr().String() + "/"
	} else {
		if *credsFile == "" {
			return fail("--endpoint needs --credentials FILE (such as DATA/bootstrap-credentials)")
		}
		var err error
		if creds, err = readCredentials(*credsFile); err != nil {
			return fail("%v", err)
		}
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return fail("%v", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fail("%v", err)
		}
		defer pprof.StopCPUProfile()
	}
	bare := &http.Server{Handler: loadgen.BareHandler(), ReadHeaderTimeout: 10 * time.Second}
	bl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fail("%v", err)
	}
	go bare.Serve(bl)
	defer bare.Close()

	opts := loadgen.Options{Credentials: creds, Request: req, Concurrency: *c, Requests: *n / *rounds, Duration: *d / time.Duration(*rounds)}
	fmt.Fprintf(stdout, "connect-iam-load: %s, %d workers, up to %d requests or %s per target in %d alternating rounds, GOMAXPROCS %d, %s/%s\n",
		*action, *c, opts.Requests**rounds, *d, *rounds, runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH)
	targets := []struct{ name, url string }{{"connect-iam", url}, {"bare net/http", "http://" + bl.Addr().String() + "/"}}
	perTarget := map[string][]loadgen.Result{}
	for r := 0; r < *rounds; r++ {
		for _, target := range targets {
			o := opts
			o.URL = target.url
			if r > 0 {
				o.Warmup = 1
			}
			res, err := loadgen.Run(ctx, o)
			if err != nil {
				return fail("%s: %v", target.name, err)
			}
			perTarget[target.name] = append(perTarget[target.name], res)
		}
	}
	results := map[string]loadgen.Result{}
	for _, target := range targets {
		res := loadgen.Merge(perTarget[target.name]...)
		results[target.name] = res
		fmt.Fprintf(stdout, "%-14s %s\n", target.name, res)
		if res.Errors > 0 {
			fmt.Fprintf(stdout, "%-14s first error: %s\n", "", res.FirstError)
		}
	}
	ratio := results["connect-iam"].PerSecond / results["bare net/http"].PerSecond
	fmt.Fprintf(stdout, "connect-iam throughput is %.0f%% of the bare handler's\n", 100*ratio)
	if results["connect-iam"].Errors > 0 {
		return 1
	}
	return 0
}

// readCredentials reads the [default] profile of an AWS shared-credentials
// file.
func readCredentials(path string) (sigv4.Credentials, error) {
	f, err := os.Open(path)
	if err != nil {
		return sigv4.Credentials{}, err
	}
	defer f.Close()
	var creds sigv4.Credentials
	section := ""
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimSpace(sc.Text())
		switch {
		case s == "" || s[0] == '#' || s[0] == ';':
		case s[0] == '[':
			section = strings.TrimSpace(strings.Trim(s, "[]"))
		case section == "default":
			k, v, ok := strings.Cut(s, "=")
			if !ok {
				return creds, fmt.Errorf("%s:%d: expected key = value", path, line)
			}
			switch strings.TrimSpace(k) {
			case "aws_access_key_id":
				creds.AccessKeyID = strings.TrimSpace(v)
			case "aws_secret_access_key":
				creds.SecretAccessKey = strings.TrimSpace(v)
			case "aws_session_token":
				creds.SessionToken = strings.TrimSpace(v)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return creds, err
	}
	if creds.AccessKeyID == "" || creds.SecretAccessKey == "" {
		return creds, fmt.Errorf("%s: no [default] profile with aws_access_key_id and aws_secret_access_key", path)
	}
	return creds, nil
}
