package leastpriv

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/connect-iam/connect-iam/internal/audit"
	"github.com/connect-iam/connect-iam/store"
	"github.com/connect-iam/connect-iam/store/sqlite"
)

// benchEvents returns n events of one role session: Connect calls on 50
// queues and 200 users of two instances, a tagged CreateUser every 10th.
func benchEvents(n int) []store.Event {
	const acct = "111122223333"
	principal := "arn:aws:sts::" + acct + ":assumed-role/app/s"
	actions := []string{"connect:DescribeQueue", "connect:DescribeUser", "connect:UpdateUserIdentityInfo", "connect:ListQueues", "connect:CreateUser"}
	t0 := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	out := make([]store.Event, n)
	for i := range out {
		a := actions[i%len(actions)]
		inst := fmt.Sprintf("arn:aws:connect:us-east-1:%s:instance/i%d", acct, i%2)
		req := audit.AuthorizationRequest{Action: a, Decision: "Allow", Region: "us-east-1"}
		switch a {
		case "connect:DescribeQueue":
			req.Resource = fmt.Sprintf("%s/queue/q%d", inst, i%50)
		case "connect:ListQueues":
			req.Resource = inst
		default:
			req.Resource = fmt.Sprintf("%s/agent/u%d", inst, i%200)
			req.ResourceTags = map[string]string{"team": "billing"}
		}
		if a == "connect:CreateUser" {
			req.Context = map[string][]string{"aws:RequestTag/team": {"billing"}, "aws:TagKeys": {"team"}}
		}
		data, _ := json.Marshal(audit.AuthorizationData{Authorization: []audit.AuthorizationRequest{req}})
		out[i] = store.Event{EventID: fmt.Sprintf("e%06d", i), Time: t0.Add(time.Duration(i) * time.Millisecond), Source: "connect.amazonaws.com",
			Name: a[len("connect:"):], AccountID: acct, PrincipalARN: principal, Decision: "Allow", AdditionalEventData: data}
	}
	return out
}

// BenchmarkGenerate100k generates a policy from 100,000 audit events:
// decoding their authorization data and grouping (Calls, Generate), and
// the same read from SQLite first (Load).
func BenchmarkGenerate100k(b *testing.B) {
	events := benchEvents(100_000)
	b.Run("decode+generate", func(b *testing.B) {
		for b.Loop() {
			calls, err := Calls(events)
			if err != nil {
				b.Fatal(err)
			}
			if r := Generate(calls, Options{WithTagConditions: true}); len(r.Policy.Statement) == 0 {
				b.Fatal("no statements")
			}
		}
	})
	ctx := context.Background()
	st, err := sqlite.OpenMemory(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if err := st.Update(ctx, func(tx store.Tx) error {
		for _, e := range events {
			if _, err := tx.AppendEvent(e); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	b.Run("sqlite-load+generate", func(b *testing.B) {
		for b.Loop() {
			obs, err := Load(ctx, st, "arn:aws:iam::111122223333:role/app", time.Time{}, time.Time{})
			if err != nil {
				b.Fatal(err)
			}
			if len(obs.Calls) != len(events) {
				b.Fatalf("%d calls", len(obs.Calls))
			}
			Generate(obs.Calls, Options{WithTagConditions: true})
		}
	})
}
