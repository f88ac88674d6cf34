// Package pgtest gives tests a PostgreSQL database of their own.
//
// The server is the one named by the environment variable
// CONNECT_IAM_TEST_POSTGRES (a postgres:// URL of a role that may create
// databases), or else a throwaway cluster that pgtest starts itself when
// PostgreSQL's initdb and pg_ctl are found (on $PATH or in
// /usr/lib/postgresql/NN/bin): initdb on a temporary directory, listening
// on 127.0.0.1 only, on a free port, with trust authentication for the
// loopback interface. When the tests run as root, the cluster runs as the
// postgres user (PostgreSQL refuses to run as root). The cluster is
// stopped and deleted by Main when the package's tests end.
//
// Without either, tests that need PostgreSQL skip with a message saying
// how to provide one, except when CI=true or CONNECT_IAM_TEST_POSTGRES_REQUIRED
// is set: then they fail, so that CI never passes without having run them.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// EnvDSN is the environment variable naming an existing server to test
// against.
const EnvDSN = "CONNECT_IAM_TEST_POSTGRES"

// EnvRequired, when set to anything, makes the tests fail instead of
// skipping when no server is available, as CI=true does (.ci/run sets it).
const EnvRequired = "CONNECT_IAM_TEST_POSTGRES_REQUIRED"

var (
	once     sync.Once
	adminDSN string // a URL of the server's postgres database
	startErr error
	cluster  *localCluster
	dbSeq    atomic.Uint64
)

// Main runs the package's tests and stops the cluster pgtest started, if
// any. Call it from TestMain:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	if cluster != nil {
		cluster.stop()
	}
	os.Exit(code)
}

// Available reports whether a PostgreSQL server can be provided, starting
// the throwaway cluster if needed, and if not, why.
func Available() error {
	once.Do(func() { adminDSN, startErr = server() })
	return startErr
}

// Require skips (or, with CI=true, fails) t when no PostgreSQL server is
// available.
func Require(t testing.TB) {
	t.Helper()
	if err := Available(); err != nil {
		msg := fmt.Sprintf("no PostgreSQL for this test: %v; set %s=postgres://USER@HOST/postgres or install PostgreSQL (Debian: apt-get install postgresql-15)", err, EnvDSN)
		if os.Getenv("CI") == "true" || os.Getenv(EnvRequired) != "" {
			t.Fatal(msg + " (CI=true or " + EnvRequired + " set: not skipping)")
		}
		t.Skip(msg)
	}
}

// NewDatabase returns the URL of a new, empty place to store in on the
// test server: a schema of its own in the server's connect_iam_test
// database (created once), named by the URL's search_path, so that it is
// cheap to make. It is dropped when t ends. NewDatabase calls Require
// first.
func NewDatabase(t testing.TB) string {
	t.Helper()
	Require(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dbOnce.Do(func() { testDB, dbErr = createTestDB(ctx) })
	if dbErr != nil {
		t.Fatalf("pgtest: %v", dbErr)
	}
	name := fmt.Sprintf("t%d_%d", os.Getpid(), dbSeq.Add(1))
	if err := execOn(ctx, testDB, "CREATE SCHEMA "+name); err != nil {
		t.Fatalf("pgtest: create schema %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := execOn(ctx, testDB, "DROP SCHEMA IF EXISTS "+name+" CASCADE"); err != nil {
			t.Logf("pgtest: drop schema %s: %v", name, err)
		}
	})
	u, err := url.Parse(testDB)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}

var (
	dbOnce sync.Once
	testDB string // URL of the connect_iam_test database
	dbErr  error
)

// createTestDB creates the database the tests' schemas live in, unless it
// exists (an earlier run against the same server).
func createTestDB(ctx context.Context) (string, error) {
	u, err := url.Parse(adminDSN)
	if err != nil {
		return "", err
	}
	u.Path = "/connect_iam_test"
	if err := adminExec(ctx, "CREATE DATABASE connect_iam_test TEMPLATE template0 ENCODING 'UTF8'"); err != nil {
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != "42P04" { // duplicate_database
			return "", fmt.Errorf("create database connect_iam_test: %w", err)
		}
	}
	return u.String(), nil
}

func execOn(ctx context.Context, dsn, sql string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, sql)
	return err
}

func adminExec(ctx context.Context, sql string) error { return execOn(ctx, adminDSN, sql) }

func server() (string, error) {
	if dsn := os.Getenv(EnvDSN); dsn != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			return "", fmt.Errorf("%s=%s: %w", EnvDSN, redact(dsn), err)
		}
		conn.Close(ctx)
		return dsn, nil
	}
	bin, err := findBin()
	if err != nil {
		return "", err
	}
	c, err := startCluster(bin)
	if err != nil {
		return "", err
	}
	cluster = c
	return c.dsn, nil
}

func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// findBin returns the directory holding initdb and pg_ctl.
func findBin() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if _, err := exec.LookPath("pg_ctl"); err == nil {
			return filepath.Dir(p), nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if isExec(filepath.Join(d, "initdb")) && isExec(filepath.Join(d, "pg_ctl")) {
			return d, nil
		}
	}
	return "", errors.New("initdb and pg_ctl are neither on $PATH nor in /usr/lib/postgresql/*/bin")
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func isExec(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode()&0o111 != 0
}

type localCluster struct {
	bin, dir string
	asUser   string // "" to run as the current user
	dsn      string
}

func startCluster(bin string) (*localCluster, error) {
	dir, err := os.MkdirTemp("", "connect-iam-pgtest-")
	if err != nil {
		return nil, err
	}
	c := &localCluster{bin: bin, dir: dir}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("running as root and there is no postgres user to run the cluster as: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		c.asUser = "postgres"
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	data := filepath.Join(dir, "data")
	if out, err := c.run(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v: %s", err, out)
	}
	port, err := freePort()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -c port=%d -c unix_socket_directories=%s -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 -c shared_buffers=32MB", port, dir)
	if out, err := c.run(filepath.Join(bin, "pg_ctl"), "-D", data, "-l", filepath.Join(dir, "log"), "-o", opts, "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "log"))
		os.RemoveAll(dir)
		return nil, fmt.Errorf("pg_ctl start: %v: %s %s", err, out, log)
	}
	c.dsn = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	return c, nil
}

func (c *localCluster) run(name string, args ...string) ([]byte, error) {
	var cmd *exec.Cmd
	if c.asUser != "" {
		cmd = exec.Command(runuser(), append([]string{"-u", c.asUser, "--", name}, args...)...)
	} else {
		cmd = exec.Command(name, args...)
	}
	cmd.Dir = c.dir
	return cmd.CombinedOutput()
}

// runuser returns util-linux's runuser, which may be outside $PATH
// (/usr/sbin) for a non-login shell.
func runuser() string {
	if p, err := exec.LookPath("runuser"); err == nil {
		return p
	}
	for _, p := range []string{"/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"} {
		if isExec(p) {
			return p
		}
	}
	return "runuser"
}

func (c *localCluster) stop() {
	c.run(filepath.Join(c.bin, "pg_ctl"), "-D", filepath.Join(c.dir, "data"), "-m", "immediate", "-w", "stop")
	os.RemoveAll(c.dir)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
