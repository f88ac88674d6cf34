package connect

import (
	"context"
	"fmt"
	"testing"
	"time"

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

// BenchmarkGenericEngine compares the generic engine with the hand-written
// handlers on the same operations, DescribeQueue and CreateQueue, through
// the full stack (SDK client, loopback HTTP, SigV4, authorizer, store): two
// servers in one process, one with the hand-written handlers and one
// where the generic engine serves the two operations, called alternately.
// It reports each path's time per call and the ratio generic/hand-written
// (the aim: at most 1.2).
func BenchmarkGenericEngine(b *testing.B) {
	ctx := context.Background()
	generic := map[string]bool{"DescribeQueue": true, "CreateQueue": true}
	type side struct {
		c     *awsconnect.Client
		inst  string
		hours *string
		queue *string
	}
	setup := func(e *env) side {
		w := e.newWorld(b, "bench")
		hours := must(e.admin.ListHoursOfOperations(ctx, &awsconnect.ListHoursOfOperationsInput{InstanceId: aws.String(w.instance)}))(b)
		s := side{c: e.admin, inst: w.instance, hours: hours.HoursOfOperationSummaryList[0].Id}
		q := must(e.admin.CreateQueue(ctx, &awsconnect.CreateQueueInput{InstanceId: aws.String(w.instance), Name: aws.String("bench"), HoursOfOperationId: s.hours}))(b)
		s.queue = q.QueueId
		return s
	}
	hand, gen := setup(newEnv(b, nil)), setup(newEnvGeneric(b, nil, generic))
	ops := []struct {
		name string
		call func(s side, i int) error
	}{
		{"DescribeQueue", func(s side, _ int) error {
			_, err := s.c.DescribeQueue(ctx, &awsconnect.DescribeQueueInput{InstanceId: aws.String(s.inst), QueueId: s.queue})
			return err
		}},
		{"CreateQueue", func(s side, i int) error {
			_, err := s.c.CreateQueue(ctx, &awsconnect.CreateQueueInput{InstanceId: aws.String(s.inst), Name: aws.String(fmt.Sprintf("q%d", i)),
				HoursOfOperationId: s.hours, Tags: map[string]string{"team": "bench"}})
			return err
		}},
	}
	seq := 0 // names stay unique across the runs of a sub-benchmark
	for _, op := range ops {
		b.Run(op.name, func(b *testing.B) {
			var th, tg time.Duration
			i := 0
			for b.Loop() {
				i++
				seq++
				t0 := time.Now()
				if err := op.call(hand, seq); err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				if err := op.call(gen, seq); err != nil {
					b.Fatal(err)
				}
				th += t1.Sub(t0)
				tg += time.Since(t1)
			}
			b.ReportMetric(float64(th.Nanoseconds())/float64(i), "hand-ns/call")
			b.ReportMetric(float64(tg.Nanoseconds())/float64(i), "generic-ns/call")
			b.ReportMetric(float64(tg)/float64(th), "generic/hand")
		})
	}
}
