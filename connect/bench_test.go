package connect

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconnect "github.com/aws/aws-sdk-go-v2/service/connect"
)

// BenchmarkDescribeUser measures authorized DescribeUser calls through the
// full stack: the SDK client, HTTP over loopback, SigV4 verification, the
// credential lookup, the authorizer with a tag-conditioned seed policy,
// and the store.
func BenchmarkDescribeUser(b *testing.B) {
	e := newEnv(b, nil)
	ctx := context.Background()
	w := e.newWorld(b, "bench")
	u := must(w.createUser(ctx, e.admin, "bench", map[string]string{"Department": "Test"}))(b)
	c := e.principal(b, "dept", "", fixture(b, "department-test.json"))
	in := &awsconnect.DescribeUserInput{InstanceId: aws.String(w.instance), UserId: u.UserId}
	must(c.DescribeUser(ctx, in))(b)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.DescribeUser(ctx, in); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "calls/s")
}
