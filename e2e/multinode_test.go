package e2e_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"

	"github.com/connect-iam/connect-iam/internal/app"
	"github.com/connect-iam/connect-iam/internal/secretbox"
	"github.com/connect-iam/connect-iam/store/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// startNode is startServer on a PostgreSQL database (SQLite in its data
// directory when dsn is ""): a node of a cluster. keyFrom is the data directory of a node started before, whose
// master key this node shares ("" for the first node).
func startNode(t testing.TB, dsn, keyFrom string) (*testServer, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	if keyFrom != "" {
		copyMasterKey(t, keyFrom, dir)
	}
	env := map[string]string{"CONNECT_IAM_ACCOUNT_ID": account,
		"CONNECT_IAM_BOOTSTRAP_ACCESS_KEY_ID": adminKey, "CONNECT_IAM_BOOTSTRAP_SECRET_ACCESS_KEY": adminSecret}
	logs := &syncBuffer{}
	clock := &offsetClock{}
	a, err := app.New(context.Background(), app.Config{DataDir: dir, Database: dsn,
		Logger: slog.New(slog.NewJSONHandler(logs, nil)), Getenv: func(k string) string { return env[k] }, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		a.Close()
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, l) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("node shutdown: %v", err)
		}
	})
	return &testServer{URL: "http://" + l.Addr().String(), App: a, clock: clock, logs: logs}, dir
}

// copyMasterKey gives the data directory to the master key of from, as
// an operator does for every node of one database.
func copyMasterKey(t testing.TB, from, to string) {
	t.Helper()
	key, err := os.ReadFile(filepath.Join(from, secretbox.KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(to, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(to, secretbox.KeyFile), key, 0o600); err != nil {
		t.Fatal(err)
	}
}

// userWithKey creates a user through c and returns its client options.
func userWithKey(t *testing.T, c *iam.Client, name string) clientOptions {
	t.Helper()
	ctx := context.Background()
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	k, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	return clientOptions{key: aws.ToString(k.AccessKey.AccessKeyId), secret: aws.ToString(k.AccessKey.SecretAccessKey)}
}

func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// TestMultiNodeDetachThenDeny: a user allowed on node B is denied on
// node B by the first request after an administrator detaches the policy
// through node A, with no wait in between; and the same for an attach, a
// deleted access key and a new account-wide deny.
func TestMultiNodeDetachThenDeny(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	a, dirA := startNode(t, dsn, "")
	b, _ := startNode(t, dsn, dirA)
	ctx := context.Background()
	adminA := a.iam(clientOptions{})
	bob := userWithKey(t, adminA, "bob")
	bobB := b.iam(bob)
	policy := "arn:aws:iam::aws:policy/IAMReadOnlyAccess"
	var latencies []time.Duration
	for round := range 5 {
		if _, err := adminA.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("bob"), PolicyArn: aws.String(policy)}); err != nil {
			t.Fatal(err)
		}
		for i := range 3 { // the first request after the attach, and from the caches
			if _, err := bobB.ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
				t.Fatalf("round %d, request %d on node B after the attach on node A: %v, want allowed", round, i, err)
			}
		}
		start := time.Now()
		if _, err := adminA.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String("bob"), PolicyArn: aws.String(policy)}); err != nil {
			t.Fatal(err)
		}
		_, err := bobB.ListUsers(ctx, &iam.ListUsersInput{})
		latencies = append(latencies, time.Since(start))
		if code := errorCode(err); code != "AccessDenied" {
			t.Fatalf("round %d: the first request on node B after the detach on node A: %v, want AccessDenied", round, err)
		}
	}
	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	t.Logf("detach on A to deny on B (including both calls): min %v, max %v", latencies[0], latencies[len(latencies)-1])

	// A deleted access key stops working on the other node at once.
	if _, err := adminA.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("bob"), PolicyArn: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
	if _, err := bobB.ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := adminA.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("bob"), AccessKeyId: aws.String(bob.key)}); err != nil {
		t.Fatal(err)
	}
	if _, err := bobB.ListUsers(ctx, &iam.ListUsersInput{}); errorCode(err) != "InvalidClientTokenId" {
		t.Fatalf("node B after the key was deleted on node A: %v, want InvalidClientTokenId", err)
	}
}

// TestMultiNodeCreateSameName creates the same user name on two nodes at
// once, many times: exactly one create succeeds, the other is answered
// EntityAlreadyExists.
func TestMultiNodeCreateSameName(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	a, dirA := startNode(t, dsn, "")
	b, _ := startNode(t, dsn, dirA)
	clients := []*iam.Client{a.iam(clientOptions{}), b.iam(clientOptions{})}
	for round := range 20 {
		name := fmt.Sprintf("racer%d", round)
		errs := make([]error, len(clients))
		var wg sync.WaitGroup
		for i, c := range clients {
			wg.Go(func() {
				_, errs[i] = c.CreateUser(context.Background(), &iam.CreateUserInput{UserName: aws.String(name)})
			})
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case errorCode(err) != "EntityAlreadyExists":
				t.Fatalf("round %d: %v, want success or EntityAlreadyExists", round, err)
			}
		}
		if ok != 1 {
			t.Fatalf("round %d: %d of 2 creates of %s succeeded (%v), want exactly 1", round, ok, name, errs)
		}
	}
}

// TestMultiNodeKill runs two "connect-iam serve" processes on one
// database, streams CreateUser calls to both, kills one with SIGKILL and
// checks that every acknowledged user exists and that the other node
// keeps serving.
func TestMultiNodeKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs two servers")
	}
	dsn := pgtest.NewDatabase(t)
	bin := buildBinary(t)
	dirA := filepath.Join(t.TempDir(), "a")
	pa := startProcess(t, bin, dirA, "--database", dsn)
	dirB := filepath.Join(t.TempDir(), "b")
	copyMasterKey(t, dirA, dirB)
	pb := startProcess(t, bin, dirB, "--database", dsn)
	clients := []*iam.Client{(&testServer{URL: pa.url}).iam(clientOptions{}), (&testServer{URL: pb.url}).iam(clientOptions{})}

	var (
		mu    sync.Mutex
		acked []string
		wg    sync.WaitGroup
	)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for w := range 4 {
		c := clients[w%2]
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				name := fmt.Sprintf("kill-%d-%d", w, i)
				if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
					if w%2 == 0 {
						return // node A is gone
					}
					continue
				}
				mu.Lock()
				acked = append(acked, name)
				mu.Unlock()
			}
		})
	}
	count := func() int { mu.Lock(); defer mu.Unlock(); return len(acked) }
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && count() < 100; time.Sleep(10 * time.Millisecond) {
	}
	if err := pa.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	pa.cmd.Wait()
	// Node B keeps acknowledging writes after the kill.
	atKill := count()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && count() < atKill+20; time.Sleep(10 * time.Millisecond) {
	}
	cancel()
	wg.Wait()
	if n := count(); n < atKill+20 {
		t.Fatalf("node B acknowledged %d writes in 10 s after node A was killed, want at least 20", n-atKill)
	}
	present := map[string]bool{}
	pages := iam.NewListUsersPaginator(clients[1], &iam.ListUsersInput{MaxItems: aws.Int32(1000)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(context.Background())
		if err != nil {
			t.Fatalf("ListUsers on node B: %v", err)
		}
		for _, u := range page.Users {
			present[aws.ToString(u.UserName)] = true
		}
	}
	var missing []string
	for _, name := range acked {
		if !present[name] {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		t.Fatalf("%d of %d acknowledged users missing: %v", len(missing), len(acked), missing)
	}
	t.Logf("%d acknowledged writes (%d before node A was killed), all present", len(acked), atKill)
	pb.cmd.Process.Signal(syscall.SIGTERM)
	if err := pb.cmd.Wait(); err != nil {
		t.Errorf("graceful stop of node B: %v", err)
	}
}
