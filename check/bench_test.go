package check

import (
	"bytes"
	"os"
	"testing"
)

// BenchmarkSamples runs CheckNoNewAccess on every AWS-labelled sample;
// checks/s is the throughput.
func BenchmarkSamples(b *testing.B) {
	samples := loadSamples(b)
	n := 0
	for b.Loop() {
		for _, s := range samples {
			pt, _ := ParsePolicyType(s.PolicyType)
			if _, err := NoNewAccess(s.Existing, s.New, pt, nil); err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "checks/s")
}

// fullAccessVersions returns AmazonConnect_FullAccess and a version with
// one statement changed: the S3 statement widened from amazon-connect-*
// buckets to every bucket.
func fullAccessVersions(tb testing.TB) (old, changed []byte) {
	tb.Helper()
	old, err := os.ReadFile("../../shared/reference/managed-policies/AmazonConnect_FullAccess.json")
	if err != nil {
		tb.Skipf("managed policies not available (%v): they live in ../shared beside the repository", err)
	}
	changed = bytes.Replace(old, []byte(`"arn:aws:s3:::amazon-connect-*"`), []byte(`"arn:aws:s3:::*"`), 1)
	if bytes.Equal(old, changed) {
		tb.Fatal("AmazonConnect_FullAccess no longer has the S3 statement this benchmark widens")
	}
	return old, changed
}

// BenchmarkFullAccessOneStatementChanged is CheckNoNewAccess between two
// versions of AmazonConnect_FullAccess, one statement changed.
func BenchmarkFullAccessOneStatementChanged(b *testing.B) {
	old, changed := fullAccessVersions(b)
	for b.Loop() {
		res, err := NoNewAccess(old, changed, IdentityPolicy, nil)
		if err != nil {
			b.Fatal(err)
		}
		if res.Result != Fail {
			b.Fatalf("got %s, want FAIL", res.Result)
		}
	}
}

func TestFullAccessVersions(t *testing.T) {
	old, changed := fullAccessVersions(t)
	res, err := NoNewAccess(old, changed, IdentityPolicy, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Result != Fail || len(res.Reasons) != 1 || res.Reasons[0].StatementIndex != 2 {
		t.Fatalf("got %+v, want FAIL on statement 2 (the widened S3 statement)", res)
	}
	confirmCounterexample(t, "AmazonConnect_FullAccess", res.Reasons[0].Counterexample)
	res, err = NoNewAccess(changed, old, IdentityPolicy, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Result != Pass {
		t.Fatalf("narrowing: got %+v, want PASS", res)
	}
	res, err = NoNewAccess(old, old, IdentityPolicy, nil)
	if err != nil || res.Result != Pass {
		t.Fatalf("same policy: got %+v, %v, want PASS", res, err)
	}
}
