package e2e_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/internal/app"
)

// BenchmarkEnforcement is the cost of one API call (iam:GetUser through
// aws-sdk-go-v2 and the real server, audit included) when the caller is
// allowed, and when it is denied under --enforce=deny, log and off: under
// log the denial is explained, recorded with its explanation, and the
// call proceeds. The iterations call each mode in turn; the metrics are
// the mean microseconds per call of each mode and the ratios.
func BenchmarkEnforcement(b *testing.B) {
	rules := &authz.EnforcementRules{}
	for _, s := range []string{"arn:aws:iam::" + account + ":user/logged=log", "arn:aws:iam::" + account + ":user/off=off"} {
		if err := rules.Set(s); err != nil {
			b.Fatal(err)
		}
	}
	s := startServerWith(b, func(c *app.Config) { c.Enforcement = rules })
	ctx := context.Background()
	clients := map[string]*iam.Client{"allowed": s.iam(clientOptions{})}
	for _, name := range []string{"denied", "logged", "off"} {
		clients[name] = s.iam(s.iamPrincipal(b, name, "", ""))
	}
	// The modes alternate within each iteration, so that the load of the
	// shared machine weighs on all alike; each mode's mean is reported.
	modes := []struct{ name, client string }{{"allowed", "allowed"}, {"deny", "denied"}, {"log", "logged"}, {"off", "off"}}
	spent := make([]time.Duration, len(modes))
	b.ResetTimer()
	for b.Loop() {
		for i, m := range modes {
			t0 := time.Now()
			_, err := clients[m.client].GetUser(ctx, &iam.GetUserInput{UserName: aws.String("denied")})
			spent[i] += time.Since(t0)
			if (err != nil) != (m.name == "deny") {
				b.Fatalf("%s: %v", m.name, err)
			}
		}
	}
	for i, m := range modes {
		b.ReportMetric(float64(spent[i].Microseconds())/float64(b.N), m.name+"-µs/call")
	}
	b.ReportMetric(float64(spent[2])/float64(spent[1]), "log/deny")
	b.ReportMetric(float64(spent[2])/float64(spent[0]), "log/allowed")
}
