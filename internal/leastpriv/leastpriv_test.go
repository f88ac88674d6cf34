package leastpriv

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/eval"
	"github.com/connect-iam/connect-iam/internal/audit"
)

const inst = "arn:aws:connect:us-east-1:111122223333:instance/i1"

func user(t *testing.T) eval.Principal {
	t.Helper()
	p, err := eval.ParsePrincipal("arn:aws:iam::111122223333:user/a")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func call(event, action, resource string, ctx map[string][]string, tags map[string]string) Call {
	return Call{EventName: event, Request: audit.AuthorizationRequest{Action: action, Resource: resource, Decision: "Allow", Context: ctx, ResourceTags: tags}}
}

func queues(n int) []Call {
	var out []Call
	for i := range n {
		out = append(out, call("DescribeQueue", "connect:DescribeQueue", fmt.Sprintf("%s/queue/q%d", inst, i), nil, nil))
	}
	return out
}

func TestGenerate(t *testing.T) {
	tests := []struct {
		name  string
		calls []Call
		opts  Options
		want  string // the statements as compact JSON
		gen   []string
	}{
		{"few siblings stay literal", queues(2), Options{},
			`[{"Sid":"Connect1","Effect":"Allow","Action":["connect:DescribeQueue"],"Resource":["` + inst + `/queue/q0","` + inst + `/queue/q1"]}]`, nil},
		{"many siblings generalise", queues(5), Options{},
			`[{"Sid":"Connect1","Effect":"Allow","Action":["connect:DescribeQueue"],"Resource":["` + inst + `/queue/*"]}]`, []string{inst + "/queue/* siblings"}},
		{"never generalise", queues(5), Options{Siblings: -1}, "", nil},
		{"created resources generalise", []Call{call("CreateQueue", "connect:CreateQueue", inst+"/queue/new", nil, nil),
			call("DescribeQueue", "connect:DescribeQueue", inst+"/queue/new", nil, nil)}, Options{},
			`[{"Sid":"Connect1","Effect":"Allow","Action":["connect:CreateQueue","connect:DescribeQueue"],"Resource":["` + inst + `/queue/*"]}]`, []string{inst + "/queue/* created"}},
		{"resources a Create call names stay literal", []Call{{EventName: "CreateUser", Params: `{"RoutingProfileId":"rp1"}`,
			Request: audit.AuthorizationRequest{Action: "connect:CreateUser", Resource: inst + "/routing-profile/rp1", Decision: "Allow"}},
			{EventName: "CreateUser", Params: `{"RoutingProfileId":"rp1"}`,
				Request: audit.AuthorizationRequest{Action: "connect:CreateUser", Resource: inst + "/agent/new", Decision: "Allow"}}}, Options{},
			`[{"Sid":"Connect1","Effect":"Allow","Action":["connect:CreateUser"],"Resource":["` + inst + `/agent/*","` + inst + `/routing-profile/rp1"]}]`, []string{inst + "/agent/* created"}},
		{"kept created", []Call{call("CreateQueue", "connect:CreateQueue", inst+"/queue/new", nil, nil)}, Options{KeepCreated: true},
			`[{"Sid":"Connect1","Effect":"Allow","Action":["connect:CreateQueue"],"Resource":["` + inst + `/queue/new"]}]`, nil},
		{"no resource-level permissions: *", []Call{call("ListUsers", "iam:ListUsers", "arn:aws:iam::111122223333:user/*", nil, nil)}, Options{},
			`[{"Sid":"Iam1","Effect":"Allow","Action":["iam:ListUsers"],"Resource":["*"]}]`, nil},
		{"tags only on request", []Call{call("TagResource", "connect:TagResource", inst+"/agent/u", map[string][]string{"aws:RequestTag/team": {"a"}, "aws:TagKeys": {"team"}}, map[string]string{"x": "y"})},
			Options{WithTagConditions: true},
			`[{"Sid":"Connect1","Effect":"Allow","Action":["connect:TagResource"],"Resource":["` + inst + `/agent/u"],"Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["team"]},"StringEquals":{"aws:RequestTag/team":["a"],"aws:ResourceTag/x":["y"]}}}]`, nil},
		{"a tag not on every call is no condition", []Call{call("DescribeUser", "connect:DescribeUser", inst+"/agent/u", nil, map[string]string{"x": "y"}),
			call("DescribeUser", "connect:DescribeUser", inst+"/agent/u", nil, nil)}, Options{WithTagConditions: true},
			`[{"Sid":"Connect1","Effect":"Allow","Action":["connect:DescribeUser"],"Resource":["` + inst + `/agent/u"]}]`, nil},
		{"policy keys carried", []Call{call("CreateInstance", "iam:CreateServiceLinkedRole", "arn:aws:iam::111122223333:role/aws-service-role/connect.amazonaws.com/R",
			map[string][]string{"iam:AWSServiceName": {"connect.amazonaws.com"}}, nil)}, Options{ConditionKeys: []string{"iam:AWSServiceName"}, KeepCreated: true},
			`[{"Sid":"Iam1","Effect":"Allow","Action":["iam:CreateServiceLinkedRole"],"Resource":["arn:aws:iam::111122223333:role/aws-service-role/connect.amazonaws.com/R"],"Condition":{"StringEquals":{"iam:AWSServiceName":["connect.amazonaws.com"]}}}]`, nil},
		{"services apart, same resources together", []Call{call("X", "connect:DescribeUser", "*", nil, nil), call("X", "connect:ListQueues", "*", nil, nil),
			call("X", "sts:GetCallerIdentity", "*", nil, nil)}, Options{},
			`[{"Sid":"Connect1","Effect":"Allow","Action":["connect:DescribeUser","connect:ListQueues"],"Resource":["*"]},{"Sid":"Sts1","Effect":"Allow","Action":["sts:GetCallerIdentity"],"Resource":["*"]}]`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Generate(tt.calls, tt.opts)
			b, _ := json.Marshal(r.Policy.Statement)
			if tt.want != "" && string(b) != tt.want {
				t.Errorf("statements\n%s\nwant\n%s", b, tt.want)
			}
			var gen []string
			for _, g := range r.Generalised {
				gen = append(gen, g.Pattern+" "+g.Reason)
			}
			if strings.Join(gen, ";") != strings.Join(tt.gen, ";") {
				t.Errorf("generalised %v, want %v", gen, tt.gen)
			}
			v, err := Verify(r.Policy.JSON(), tt.calls, user(t), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !v.OK() {
				t.Errorf("the generated policy fails its checks: %+v\n%s", v, r.Policy.JSON())
			}
		})
	}
}

func TestVerifyFails(t *testing.T) {
	calls := queues(1)
	existing := []authz.PolicyDocument{{Type: eval.Identity, Document: `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"connect:List*","Resource":"*"}}`}}
	doc := []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"connect:ListQueues","Resource":"*"},{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}`)
	v, err := Verify(doc, calls, user(t), existing, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v.OK() || len(v.Denied) != 0 || len(v.Findings) == 0 || len(v.NoNewAccess) != 1 || v.NoNewAccess[0].Result.Result != "FAIL" {
		t.Errorf("Verify = %+v", v)
	}
	narrow := []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"connect:ListQueues","Resource":"*"}]}`)
	if v, err = Verify(narrow, calls, user(t), existing, nil); err != nil {
		t.Fatal(err)
	}
	if v.OK() || len(v.Denied) != 1 || v.NoNewAccess[0].Result.Result != "PASS" {
		t.Errorf("Verify of a policy missing the call = %+v", v)
	}
}

func TestOfPrincipal(t *testing.T) {
	tests := []struct {
		caller, want string
		ok           bool
	}{
		{"arn:aws:iam::111122223333:user/a", "arn:aws:iam::111122223333:user/a", true},
		{"arn:aws:sts::111122223333:assumed-role/app/s1", "arn:aws:iam::111122223333:role/app", true},
		{"arn:aws:sts::111122223333:assumed-role/app/s1", "arn:aws:iam::111122223333:role/team/app", true},
		{"arn:aws:sts::111122223333:assumed-role/app2/s1", "arn:aws:iam::111122223333:role/app", false},
		{"arn:aws:sts::444455556666:assumed-role/app/s1", "arn:aws:iam::111122223333:role/app", false},
		{"arn:aws:sts::111122223333:assumed-role/app/s1", "arn:aws:sts::111122223333:assumed-role/app/s2", false},
	}
	for _, tt := range tests {
		if got := OfPrincipal(tt.caller, tt.want); got != tt.ok {
			t.Errorf("OfPrincipal(%s, %s) = %v", tt.caller, tt.want, got)
		}
	}
}

func TestUnused(t *testing.T) {
	existing := []authz.PolicyDocument{{Type: eval.Identity, Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:Get*"],"Resource":"*"}]}`}}
	calls := []Call{call("GetCallerIdentity", "sts:GetCallerIdentity", "*", nil, nil)}
	got, err := Unused(existing, calls, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Service != "sts" || strings.Join(got[0].Used, ",") != "sts:GetCallerIdentity" || len(got[0].Unused) != got[0].Granted-1 || got[0].Granted < 4 {
		t.Errorf("Unused = %+v", got)
	}
}
