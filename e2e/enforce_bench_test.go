package e2e_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/internal/app"
)

// BenchmarkEnforcement is the cost of one API call (iam:GetUser through
// aws-sdk-go-v2 and the real server, audit included) when the caller is
// allowed, and when it is denied under --enforce=deny, log and off: under
// log the denial is explained, recorded with its explanation, and the
// call proceeds.
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
	for _, tc := range []struct{ name, client string }{{"allowed", "allowed"}, {"deny", "denied"}, {"log", "logged"}, {"off", "off"}} {
		c := clients[tc.client]
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, err := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("denied")})
				if (err != nil) != (tc.name == "deny") {
					b.Fatalf("%s: %v", tc.name, err)
				}
			}
		})
	}
}
