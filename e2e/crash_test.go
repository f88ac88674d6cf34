package e2e_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// buildBinary builds connect-iam into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "connect-iam")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/connect-iam/connect-iam/cmd/connect-iam").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// process is a "connect-iam serve" child process.
type process struct {
	cmd *exec.Cmd
	url string
}

// startProcess runs "connect-iam serve" on a free loopback port over dir,
// with extra flags, and waits until it serves.
func startProcess(t *testing.T, bin, dir string, extra ...string) *process {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--data", dir, "--log-level", "warn"}, extra...)...)
	cmd.Env = append(os.Environ(), "CONNECT_IAM_ACCOUNT_ID="+account,
		"CONNECT_IAM_BOOTSTRAP_ACCESS_KEY_ID="+adminKey, "CONNECT_IAM_BOOTSTRAP_SECRET_ACCESS_KEY="+adminSecret)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		re := regexp.MustCompile(`serving on (http://\S+)`)
		for sc.Scan() { // to EOF, so that the child never blocks on a full pipe
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		close(found)
	}()
	select {
	case url, ok := <-found:
		if !ok {
			t.Fatalf("serve exited before serving")
		}
		return &process{cmd: cmd, url: url}
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not start within 30 s")
	}
	return nil
}

// TestCrashSafety kills the server with SIGKILL while clients stream
// CreateUser calls, restarts it on the same data directory and checks
// that every user whose creation was acknowledged exists.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs it twice")
	}
	bin := buildBinary(t)
	dir := filepath.Join(t.TempDir(), "data")
	p := startProcess(t, bin, dir)
	srv := &testServer{URL: p.url}
	client := srv.iam(clientOptions{})

	var (
		mu    sync.Mutex
		acked []string
		wg    sync.WaitGroup
	)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const writers = 4
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				name := fmt.Sprintf("crash-%d-%d", w, i)
				if _, err := client.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
					return // the server is gone
				}
				mu.Lock()
				acked = append(acked, name)
				mu.Unlock()
			}
		}()
	}
	// Let writes flow (100 acknowledged, or 10 s on a slow machine), then
	// kill the server mid-stream.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 100 {
			break
		}
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	p.cmd.Wait()
	if len(acked) < 10 {
		t.Fatalf("only %d writes acknowledged in 10 s before the kill; too few to test crash safety", len(acked))
	}

	// The store opens cleanly, and holds every acknowledged user.
	p2 := startProcess(t, bin, dir)
	client2 := (&testServer{URL: p2.url}).iam(clientOptions{})
	present := map[string]bool{}
	pages := iam.NewListUsersPaginator(client2, &iam.ListUsersInput{MaxItems: aws.Int32(1000)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(context.Background())
		if err != nil {
			t.Fatalf("ListUsers after restart: %v", err)
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
		t.Fatalf("%d of %d acknowledged users lost in the crash: %v", len(missing), len(acked), missing)
	}
	// The restarted server accepts writes.
	if _, err := client2.CreateUser(context.Background(), &iam.CreateUserInput{UserName: aws.String("after-crash")}); err != nil {
		t.Fatalf("CreateUser after restart: %v", err)
	}
	t.Logf("%d acknowledged writes, all present after SIGKILL and restart (%d users in all)", len(acked), len(present))
	p2.cmd.Process.Signal(syscall.SIGTERM)
	if err := p2.cmd.Wait(); err != nil {
		t.Errorf("graceful stop after SIGTERM: %v", err)
	}
}
