package bench

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/connect-iam/connect-iam/catalog"
	"github.com/connect-iam/connect-iam/eval"
	"github.com/connect-iam/connect-iam/policy"
)

// startupChildEnv makes the test binary, run by BenchmarkStartup, perform
// one cold start and print how long it took.
const startupChildEnv = "CONNECT_IAM_BENCH_STARTUP_CHILD"

// coldStart is what a fresh process does before its first decision: load
// the embedded service catalog, parse and compile the administrator's
// policies against it (as the simulate command does), and decide.
func coldStart(tb testing.TB) eval.Decision {
	cat := catalog.Default()
	set := &eval.PolicySet{}
	for _, stmts := range adminPolicies(tb) {
		p, err := policy.Parse([]byte(iamJSON(stmts, false)))
		if err != nil {
			tb.Fatal(err)
		}
		cp, err := eval.Compile(p, eval.WithType(eval.Identity), eval.WithKeyTypes(cat.KeyTypeName))
		if err != nil {
			tb.Fatal(err)
		}
		set.Identity = append(set.Identity, cp)
	}
	req := adminRequest("Test")
	return set.Decide(connectIAMRequest(tb, &req))
}

// TestStartupChild is the child process of BenchmarkStartup; it does
// nothing in a normal test run.
func TestStartupChild(t *testing.T) {
	if os.Getenv(startupChildEnv) == "" {
		t.Skip("run by BenchmarkStartup only")
	}
	start := time.Now()
	d := coldStart(t)
	elapsed := time.Since(start)
	if d != eval.Allow {
		t.Fatalf("first decision = %s, want Allow", d)
	}
	fmt.Printf("first-decision-ns %d\n", elapsed.Nanoseconds())
}

func TestColdStartDecides(t *testing.T) {
	if d := coldStart(t); d != eval.Allow {
		t.Fatalf("first decision = %s, want Allow", d)
	}
}

// BenchmarkStartup measures a cold start in a new process per iteration:
// ns/op is the whole process (exec, Go runtime and test binary start-up,
// then the cold start), and first-decision-ns the cold start alone, from
// before the catalog is loaded to the first decision.
func BenchmarkStartup(b *testing.B) {
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	var total time.Duration
	n := 0
	for b.Loop() {
		cmd := exec.Command(exe, "-test.run=^TestStartupChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), startupChildEnv+"=1")
		out, err := cmd.Output()
		if err != nil {
			b.Fatalf("startup child: %v\n%s", err, out)
		}
		ns, ok := firstDecisionNS(string(out))
		if !ok {
			b.Fatalf("startup child printed no timing:\n%s", out)
		}
		total += time.Duration(ns)
		n++
	}
	b.ReportMetric(float64(total.Nanoseconds())/float64(n), "first-decision-ns")
}

func firstDecisionNS(out string) (int64, bool) {
	for line := range strings.Lines(out) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "first-decision-ns "); ok {
			ns, err := strconv.ParseInt(v, 10, 64)
			return ns, err == nil
		}
	}
	return 0, false
}

// memoryPolicies are the documents of BenchmarkCompiledPolicyMemory: a
// one-statement tag policy (distinct per copy) and the 7-statement
// AmazonConnect_FullAccess.
func memoryPolicies(tb testing.TB) map[string]func(i int) string {
	full := iamJSON(readIAMPolicy(tb, "testdata/AmazonConnect_FullAccess.json"), false)
	return map[string]func(int) string{
		"tag-policy": func(i int) string {
			return iamJSON([]stmt{{
				Actions:   []string{fmt.Sprintf("connect:Describe%dUser", i), "connect:UpdateUser*"},
				Resources: []string{fmt.Sprintf("arn:aws:connect:*:%s:instance/i-%d/agent/${aws:username}", account, i)},
				Conds:     []cond{{"aws:ResourceTag/Department", fmt.Sprintf("Dept%d", i)}},
			}}, false)
		},
		"AmazonConnect_FullAccess": func(int) string { return full },
	}
}

// BenchmarkCompiledPolicyMemory reports the heap that 10,000 compiled
// policies keep alive (parsed source included, as an eval.Policy keeps
// it for explanations), in total and per policy.
func BenchmarkCompiledPolicyMemory(b *testing.B) {
	const count = 10000
	for name, doc := range memoryPolicies(b) {
		b.Run(name, func(b *testing.B) {
			srcs := make([][]byte, count)
			for i := range srcs {
				srcs[i] = []byte(doc(i))
			}
			var perPolicy float64
			for b.Loop() {
				before := heapInUse()
				pols := make([]*eval.Policy, count)
				for i, src := range srcs {
					p, err := policy.Parse(src)
					if err != nil {
						b.Fatal(err)
					}
					if pols[i], err = eval.Compile(p, eval.WithType(eval.Identity)); err != nil {
						b.Fatal(err)
					}
				}
				after := heapInUse()
				runtime.KeepAlive(pols)
				perPolicy = float64(after-before) / count
			}
			b.ReportMetric(perPolicy, "B/policy")
			b.ReportMetric(perPolicy*count/(1<<20), "MiB/10k")
		})
	}
}

// heapInUse returns the live heap after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
