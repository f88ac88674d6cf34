package bench

import (
	"strings"
	"testing"

	"github.com/minio/pkg/v3/policy"
)

// The scenarios in MinIO's IAM policy package (github.com/minio/pkg/v3,
// AGPL-3.0: imported only by this benchmark module, never by
// connect-iam). MinIO accepts only S3 (and its admin, KMS and STS)
// actions and S3 resource ARNs, so it decides each scenario's S3 form:
// the same statements, wildcards, conditions (s3:ExistingObjectTag/KEY
// for aws:ResourceTag/KEY) and policy variable, with the same statement
// matching. The Connect administrator's set has no S3 form and is
// skipped.

// noS3 skips the scenarios MinIO cannot express.
func noS3(sc *scenario) bool { return !sc.hasS3() }

// prepareMinIO parses and validates the S3 form of the policies (merged
// into one, as MinIO merges a user's policies) and builds the arguments.
func prepareMinIO(tb testing.TB, sc *scenario) func() bool {
	tb.Helper()
	var pols []policy.Policy
	for _, stmts := range sc.Policies {
		src := iamJSON(stmts, true)
		p, err := policy.ParseConfig(strings.NewReader(src))
		if err != nil {
			tb.Fatalf("minio: %v\n%s", err, src)
		}
		pols = append(pols, *p)
	}
	p := policy.MergePolicies(pols...)
	req := &sc.Req
	args := policy.Args{
		AccountName:     req.User,
		Action:          policy.Action(req.S3Action),
		BucketName:      req.Bucket,
		ObjectName:      req.Object,
		ConditionValues: req.S3Context,
	}
	return func() bool { return p.IsAllowed(args) }
}

func TestMinIODecisions(t *testing.T) {
	checkScenarios(t, "minio", noS3, prepareMinIO)
}

func BenchmarkMinIO(b *testing.B) {
	benchScenarios(b, "minio", noS3, prepareMinIO)
}

func BenchmarkMinIOParallel(b *testing.B) {
	parallelScenarios(b, "minio", noS3, prepareMinIO)
}
