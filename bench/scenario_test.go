package bench

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
)

// The scenarios are written once, in an engine-neutral form (stmt and
// request), and each engine's test translates them into its own policy
// language: IAM JSON for connect-iam, Cedar for cedar-go, Rego for OPA.
// MinIO only accepts S3 actions and S3 resource ARNs, so every statement
// also carries its S3 equivalent (same shape: the same wildcards, the
// same conditions, the same variable, the same statement that matches);
// scenarios that only exist in Connect's vocabulary (the administrator's
// managed policy) have none and are skipped for MinIO.

// account is the account of every principal and resource.
const account = "111122223333"

// stmt is one policy statement.
type stmt struct {
	Deny bool
	// Actions are IAM action patterns ("*" and "?" are wildcards).
	Actions []string
	// Resources are ARN patterns, or "*". A policy variable may only end
	// a pattern, as "${aws:username}".
	Resources []string
	// Conds are StringEquals conditions; all must hold. Keys are
	// aws:ResourceTag/KEY or other context keys.
	Conds []cond

	// The S3 form, for MinIO. A nil S3Actions means none.
	S3Actions   []string
	S3Resources []string
	S3Conds     []cond
}

// cond is a StringEquals condition with one value.
type cond struct{ Key, Value string }

// request is the request to decide.
type request struct {
	User     string // the IAM user's name (aws:username)
	Action   string
	Resource string            // an ARN
	Tags     map[string]string // the resource's tags (aws:ResourceTag/KEY)
	Context  map[string]string // other condition keys

	// The S3 form, for MinIO.
	S3Action       string
	Bucket, Object string
	S3Context      map[string][]string
}

// scenario is a set of policies, one request, and the expected decision.
type scenario struct {
	Name     string
	Policies [][]stmt // one statement list per policy document
	Req      request
	Allow    bool // whether the request is allowed
}

// hasS3 reports whether the scenario has an S3 form for MinIO.
func (sc *scenario) hasS3() bool {
	for _, p := range sc.Policies {
		for _, st := range p {
			if st.S3Actions == nil {
				return false
			}
		}
	}
	return true
}

// statements returns every statement of every policy.
func (sc *scenario) statements() []stmt {
	var all []stmt
	for _, p := range sc.Policies {
		all = append(all, p...)
	}
	return all
}

// sizes are the statement counts of the generated scenarios.
var sizes = []int{1, 10, 100, 1000}

// scenarios returns every scenario, in the order of the report.
func scenarios(tb testing.TB) []scenario {
	var out []scenario
	for _, n := range sizes {
		out = append(out, wildcards(n), tagged(n), variable(n), denyWins(n))
	}
	admin := adminPolicies(tb)
	out = append(out,
		scenario{Name: "connect-admin/allow", Policies: admin, Req: adminRequest("Test"), Allow: true},
		scenario{Name: "connect-admin/deny", Policies: admin, Req: adminRequest("Production"), Allow: false},
	)
	return out
}

// s3Miss are S3 action patterns that do not match the S3 request
// (s3:GetObject): the statements that must not match use them, as the
// Connect form uses an action of their own.
var s3Miss = []string{"s3:Put*", "s3:Delete*", "s3:Replicate*"}

// queueStatement is statement i of n: an Allow on the Connect actions
// connect:Get<i>Item* of the queues q<i>-* of any instance in any
// region. Only the last statement (i == n-1) matches the request.
func queueStatement(i, n int) stmt {
	s3Action := s3Miss[i%len(s3Miss)]
	if i == n-1 {
		s3Action = "s3:Get*"
	}
	return stmt{
		Actions:     []string{fmt.Sprintf("connect:Get%dItem*", i)},
		Resources:   []string{fmt.Sprintf("arn:aws:connect:*:%s:instance/*/queue/q%d-*", account, i)},
		S3Actions:   []string{s3Action},
		S3Resources: []string{fmt.Sprintf("arn:aws:s3:::instance/*/queue/q%d-*", i)},
	}
}

// queueRequest asks for the queue of the last of n statements.
func queueRequest(n int) request {
	return request{
		User:     "alice",
		Action:   fmt.Sprintf("connect:Get%dItemDetails", n-1),
		Resource: fmt.Sprintf("arn:aws:connect:us-east-1:%s:instance/i-1/queue/q%d-abc", account, n-1),
		Tags:     map[string]string{"Department": "Test"},
		S3Action: "s3:GetObject",
		Bucket:   "instance",
		Object:   fmt.Sprintf("i-1/queue/q%d-abc", n-1),
		S3Context: map[string][]string{
			"username":                     {"alice"},
			"ExistingObjectTag/Department": {"Test"},
		},
	}
}

// wildcards: n statements with action and resource wildcards; the last
// one allows the request.
func wildcards(n int) scenario {
	sc := scenario{Name: fmt.Sprintf("wildcards/%d", n), Req: queueRequest(n), Allow: true}
	p := make([]stmt, n)
	for i := range p {
		p[i] = queueStatement(i, n)
	}
	sc.Policies = [][]stmt{p}
	return sc
}

// tagged: as wildcards, with a tag condition (aws:ResourceTag/Department
// = Test) in every statement.
func tagged(n int) scenario {
	sc := wildcards(n)
	sc.Name = fmt.Sprintf("tags/%d", n)
	for i := range sc.Policies[0] {
		st := &sc.Policies[0][i]
		st.Conds = []cond{{"aws:ResourceTag/Department", "Test"}}
		st.S3Conds = []cond{{"s3:ExistingObjectTag/Department", "Test"}}
	}
	return sc
}

// variable: n statements whose resource ends with the policy variable
// ${aws:username}; the last one allows alice her own queue.
func variable(n int) scenario {
	sc := wildcards(n)
	sc.Name = fmt.Sprintf("variable/%d", n)
	for i := range sc.Policies[0] {
		st := &sc.Policies[0][i]
		st.Resources = []string{fmt.Sprintf("arn:aws:connect:*:%s:instance/*/queue/q%d-${aws:username}", account, i)}
		st.S3Resources = []string{fmt.Sprintf("arn:aws:s3:::instance/*/queue/q%d-${aws:username}", i)}
	}
	sc.Req.Resource = fmt.Sprintf("arn:aws:connect:us-east-1:%s:instance/i-1/queue/q%d-alice", account, n-1)
	sc.Req.Object = fmt.Sprintf("i-1/queue/q%d-alice", n-1)
	return sc
}

// denyWins: the n statements of wildcards, the last of which allows,
// and one more: a Deny on every Get action on instance i-1's resources
// tagged Department=Test, which wins.
func denyWins(n int) scenario {
	sc := wildcards(n)
	sc.Name = fmt.Sprintf("deny/%d", n)
	sc.Allow = false
	sc.Policies[0] = append(sc.Policies[0], stmt{
		Deny:        true,
		Actions:     []string{"connect:Get*"},
		Resources:   []string{fmt.Sprintf("arn:aws:connect:*:%s:instance/i-1/*", account)},
		Conds:       []cond{{"aws:ResourceTag/Department", "Test"}},
		S3Actions:   []string{"s3:Get*"},
		S3Resources: []string{"arn:aws:s3:::instance/i-1/*"},
		S3Conds:     []cond{{"s3:ExistingObjectTag/Department", "Test"}},
	})
	return sc
}

// adminPolicies is a Connect administrator's set: the AWS managed policy
// AmazonConnect_FullAccess (testdata, see testdata/NOTICE.md) and three
// policies in the style of the Amazon Connect documentation's examples:
// describe and update users by tag, a guard that denies changing users
// tagged Production, and viewing one's own IAM user.
func adminPolicies(tb testing.TB) [][]stmt {
	full := readIAMPolicy(tb, "testdata/AmazonConnect_FullAccess.json")
	byTag := []stmt{{
		Actions:   []string{"connect:DescribeUser", "connect:UpdateUser*"},
		Resources: []string{"*"},
		Conds:     []cond{{"aws:ResourceTag/Department", "Test"}},
	}}
	guard := []stmt{{
		Deny:      true,
		Actions:   []string{"connect:DeleteUser", "connect:UpdateUser*"},
		Resources: []string{"*"},
		Conds:     []cond{{"aws:ResourceTag/Department", "Production"}},
	}}
	own := []stmt{{
		Actions:   []string{"iam:GetUserPolicy", "iam:ListGroupsForUser", "iam:ListAttachedUserPolicies", "iam:ListUserPolicies", "iam:GetUser"},
		Resources: []string{"arn:aws:iam::*:user/${aws:username}"},
	}}
	return [][]stmt{full, byTag, guard, own}
}

// adminRequest updates the hierarchy of a Connect user tagged with the
// given department.
func adminRequest(department string) request {
	return request{
		User:     "alice",
		Action:   "connect:UpdateUserHierarchy",
		Resource: fmt.Sprintf("arn:aws:connect:us-east-1:%s:instance/i-1/agent/u-1", account),
		Tags:     map[string]string{"Department": department},
	}
}

// readIAMPolicy reads an IAM policy document whose statements use only
// Action, Resource and StringEquals conditions.
func readIAMPolicy(tb testing.TB, path string) []stmt {
	tb.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var doc struct {
		Statement []struct {
			Effect    string
			Action    stringList
			Resource  stringList
			Condition map[string]map[string]string
		}
	}
	if err := json.Unmarshal(src, &doc); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	var out []stmt
	for i, s := range doc.Statement {
		st := stmt{Deny: s.Effect == "Deny", Actions: s.Action, Resources: s.Resource}
		for op, kv := range s.Condition {
			if op != "StringEquals" {
				tb.Fatalf("%s: statement %d: condition operator %s is not supported by the benchmark's translators; use StringEquals", path, i, op)
			}
			for k, v := range kv {
				st.Conds = append(st.Conds, cond{k, v})
			}
		}
		out = append(out, st)
	}
	return out
}

// stringList is a JSON string or array of strings.
type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = []string{one}
		return nil
	}
	return json.Unmarshal(b, (*[]string)(l))
}

// iamJSON renders statements as an IAM policy document.
func iamJSON(stmts []stmt, s3 bool) string {
	type doc struct {
		Effect    string
		Action    []string
		Resource  []string
		Condition map[string]map[string]string `json:",omitempty"`
	}
	var ds []doc
	for _, st := range stmts {
		d := doc{Effect: "Allow", Action: st.Actions, Resource: st.Resources}
		conds := st.Conds
		if s3 {
			d.Action, d.Resource, conds = st.S3Actions, st.S3Resources, st.S3Conds
		}
		if st.Deny {
			d.Effect = "Deny"
		}
		if len(conds) > 0 {
			d.Condition = map[string]map[string]string{"StringEquals": {}}
			for _, c := range conds {
				d.Condition["StringEquals"][c.Key] = c.Value
			}
		}
		ds = append(ds, d)
	}
	b, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": ds})
	if err != nil {
		panic(err) // only strings, slices and maps: cannot fail
	}
	return string(b)
}

// userVar is the only policy variable the scenarios use.
const userVar = "${aws:username}"

// splitVar splits a resource pattern that ends with ${aws:username} into
// the text before it; ok is false when the pattern has no variable.
func splitVar(pattern string) (prefix string, ok bool) {
	if before, found := strings.CutSuffix(pattern, userVar); found {
		return before, true
	}
	if strings.Contains(pattern, "${") {
		panic("benchmark scenario: a policy variable may only end a resource pattern: " + pattern)
	}
	return "", false
}

// benchScenarios times an engine on every scenario, as a sub-benchmark
// each, after checking its decision.
func benchScenarios(b *testing.B, engine string, skip func(*scenario) bool, prepare func(testing.TB, *scenario) func() bool) {
	for _, sc := range scenarios(b) {
		if skip != nil && skip(&sc) {
			continue
		}
		b.Run(sc.Name, func(b *testing.B) {
			decide := prepare(b, &sc)
			if got := decide(); got != sc.Allow {
				b.Fatalf("%s decides allow=%v, want %v", engine, got, sc.Allow)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				decide()
			}
		})
	}
}

// parallelScenarios is benchScenarios with b.RunParallel, for the
// scenarios at 100 statements and the administrator's set, to show
// contention.
func parallelScenarios(b *testing.B, engine string, skip func(*scenario) bool, prepare func(testing.TB, *scenario) func() bool) {
	for _, sc := range scenarios(b) {
		if skip != nil && skip(&sc) || !strings.HasSuffix(sc.Name, "/100") && !strings.HasPrefix(sc.Name, "connect-admin/") {
			continue
		}
		b.Run(sc.Name, func(b *testing.B) {
			decide := prepare(b, &sc)
			if got := decide(); got != sc.Allow {
				b.Fatalf("%s decides allow=%v, want %v", engine, got, sc.Allow)
			}
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					decide()
				}
			})
		})
	}
}

// checkScenarios checks an engine's decision on every scenario.
func checkScenarios(t *testing.T, engine string, skip func(*scenario) bool, prepare func(testing.TB, *scenario) func() bool) {
	for _, sc := range scenarios(t) {
		if skip != nil && skip(&sc) {
			continue
		}
		t.Run(sc.Name, func(t *testing.T) {
			decide := prepare(t, &sc)
			for range 2 { // a second decision must not differ from the first
				if got := decide(); got != sc.Allow {
					t.Fatalf("%s decides allow=%v, want %v", engine, got, sc.Allow)
				}
			}
		})
	}
}
