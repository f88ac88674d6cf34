package catalog

import (
	"slices"
	"testing"
)

func rtNames(rts []*ResourceType) []string {
	out := make([]string, len(rts))
	for i, rt := range rts {
		out[i] = rt.Service.Prefix + "/" + rt.Name
	}
	return out
}

// TestClassifyConnectARNs covers every Amazon Connect resource in the
// seed's list (how-amazon-connect-works-with-iam.md, "Resources") and the
// instance-scoped forms around them.
func TestClassifyConnectARNs(t *testing.T) {
	const p = "arn:aws:connect:us-east-1:111122223333:"
	tests := []struct {
		seed string // the seed's name for the resource
		arn  string
		want []string
	}{
		{"Instance", p + "instance/i-1234567890abcdef0", []string{"connect/instance"}},
		{"Contact", p + "instance/i-1/contact/c-1", []string{"connect/contact"}},
		{"User", p + "instance/i-1/agent/u-1", []string{"connect/user"}},
		{"Routing profile", p + "instance/i-1/routing-profile/rp-1", []string{"connect/routing-profile"}},
		{"Security profile", p + "instance/i-1/security-profile/sp-1", []string{"connect/security-profile"}},
		{"Hierarchy group", p + "instance/i-1/agent-group/hg-1", []string{"connect/hierarchy-group"}},
		{"Queue", p + "instance/i-1/queue/q-1", []string{"connect/queue", "connect/wildcard-queue"}},
		{"Flow", p + "instance/i-1/contact-flow/f-1", []string{"connect/contact-flow", "connect/wildcard-contact-flow"}},
		{"Flow module", p + "instance/i-1/flow-module/m-1", []string{"connect/contact-flow-module"}},
		{"Hours of operation", p + "instance/i-1/operating-hours/h-1", []string{"connect/hours-of-operation"}},
		{"Phone number", p + "phone-number/pn-1", []string{"connect/phone-number", "connect/wildcard-phone-number"}},
		{"Phone number (legacy, instance-scoped)", p + "instance/i-1/phone-number/pn-1", []string{"connect/legacy-phone-number", "connect/wildcard-legacy-phone-number"}},
		{"Task templates", p + "instance/i-1/task-template/tt-1", []string{"connect/task-template"}},
		{"Quick connect", p + "instance/i-1/transfer-destination/qc-1", []string{"connect/quick-connect", "connect/wildcard-quick-connect"}},
		{"Agent status", p + "instance/i-1/agent-state/as-1", []string{"connect/agent-status", "connect/wildcard-agent-status"}},
		{"Customer profile domain", "arn:aws:profile:us-east-1:111122223333:domains/my-domain", []string{"profile/domains"}},
		{"Customer profile object type", "arn:aws:profile:us-east-1:111122223333:domains/my-domain/object-types/CTR", []string{"profile/object-types"}},
		{"Outbound campaigns", "arn:aws:connect-campaigns:us-east-1:111122223333:campaign/cmp-1", []string{"connect-campaigns/campaign"}},
		{"View version (colon in resource)", p + "instance/i-1/view/v-1:3", []string{"connect/customer-managed-view-version", "connect/qualified-customer-managed-view"}},
		{"AWS managed view", "arn:aws:connect:us-east-1:aws:view/standard-view", []string{"connect/aws-managed-view"}},
		{"Wisdom AI agent (connect's type in the wisdom namespace)", "arn:aws:wisdom:us-east-1:111122223333:ai-agent/as-1/ag-1:2", []string{"connect/ai-agent"}},
		{"Wisdom AI agent, unversioned", "arn:aws:wisdom:us-east-1:111122223333:ai-agent/as-1/ag-1", []string{"wisdom/AIAgent"}},
		{"App integration", "arn:aws:app-integrations:us-east-1:111122223333:application/app-1", []string{"app-integrations/application", "connect/application"}},
		{"Policy wildcards", "arn:aws:connect:*:*:instance/*/queue/*", []string{"connect/queue", "connect/wildcard-queue"}},
		{"Other partition", "arn:aws-us-gov:connect:us-gov-west-1:111122223333:instance/i-1", []string{"connect/instance"}},
		{"IAM role with a path (loose reading)", "arn:aws:iam::111122223333:role/service-role/connect/MyRole", []string{"iam/role", "ec2/role", "ssm/iam-role", "sts/role"}},
		{"IAM role", "arn:aws:iam::111122223333:role/MyRole", []string{"iam/role", "ec2/role", "ssm/iam-role", "sts/role"}},
		{"Unknown sub-resource falls back to the instance", p + "instance/i-1/no-such-thing/x-1", []string{"connect/instance"}},
		{"Not an ARN", "connect:instance/i-1", nil},
		{"Too few fields", "arn:aws:connect:us-east-1", nil},
		{"Empty resource", "arn:aws:connect:us-east-1:111122223333:", nil},
		{"Unknown namespace", "arn:aws:nosuch:us-east-1:111122223333:thing/1", nil},
		{"Missing region", "arn:aws:connect::111122223333:instance/i-1", nil},
	}
	c := Default()
	for _, tt := range tests {
		t.Run(tt.seed, func(t *testing.T) {
			got := rtNames(c.ClassifyARN(tt.arn))
			if len(got) == 0 {
				got = nil
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("ClassifyARN(%q) = %v, want %v", tt.arn, got, tt.want)
			}
			for _, rt := range c.ClassifyARN(tt.arn) {
				if !rt.MatchesARN(tt.arn) {
					t.Errorf("%s classified %q but MatchesARN is false", rt.Name, tt.arn)
				}
			}
		})
	}
}

func TestMatchesARN(t *testing.T) {
	s, _ := Default().Service("connect")
	inst, _ := s.ResourceType("instance")
	queue, _ := s.ResourceType("queue")
	tests := []struct {
		rt   *ResourceType
		arn  string
		want bool
	}{
		{inst, "arn:aws:connect:us-east-1:111122223333:instance/i-1", true},
		{inst, "arn:aws:connect:us-east-1:111122223333:instance/", false},
		{inst, "arn:aws:connect:us-east-1:111122223333:instances/i-1", false},
		{queue, "arn:aws:connect:us-east-1:111122223333:instance/i-1/queue/q-1", true},
		{queue, "arn:aws:connect:us-east-1:111122223333:instance/i-1/queue/", false},
		{queue, "arn:aws:sqs:us-east-1:111122223333:instance/i-1/queue/q-1", false},
		{queue, "not-an-arn", false},
	}
	for _, tt := range tests {
		if got := tt.rt.MatchesARN(tt.arn); got != tt.want {
			t.Errorf("%s.MatchesARN(%q) = %v, want %v", tt.rt.Name, tt.arn, got, tt.want)
		}
	}
}

func TestParseTemplate(t *testing.T) {
	tests := []struct {
		in   string
		star bool
		want []token
	}{
		{"abc", true, []token{{tokLiteral, "abc"}}},
		{"a/${X}/b", false, []token{{tokLiteral, "a/"}, {tokVar, "X"}, {tokLiteral, "/b"}}},
		{"q/*", true, []token{{tokLiteral, "q/"}, {tokStar, ""}}},
		{"q/*", false, []token{{tokLiteral, "q/*"}}},
		{"${A}${B}", false, []token{{tokVar, "A"}, {tokVar, "B"}}},
		{"a$b${", false, []token{{tokLiteral, "a$b${"}}},
		{"${}", false, []token{{tokLiteral, "${}"}}},
	}
	for _, tt := range tests {
		if got := parseTemplate(tt.in, tt.star); !slices.Equal(got, tt.want) {
			t.Errorf("parseTemplate(%q, %v) = %v, want %v", tt.in, tt.star, got, tt.want)
		}
	}
}

func TestResourceFor(t *testing.T) {
	const p = "arn:aws:connect:us-east-1:111122223333:"
	tests := []struct {
		action, arn string
		want        string // resource type name; "" for none
	}{
		{"connect:CreateUser", p + "instance/i-1/agent/u-1", "user"},
		{"connect:CreateUser", p + "instance/i-1/routing-profile/rp-1", "routing-profile"},
		{"connect:CreateUser", p + "instance/i-1/agent-group/hg-1", "hierarchy-group"},
		{"connect:CreateUser", p + "instance/i-1/queue/q-1", ""},
		{"connect:DescribeQueue", p + "instance/i-1/queue/q-1", "queue"},
		{"connect:ListQueues", p + "instance/i-1/queue/*", "wildcard-queue"},
		{"connect:ListInstances", p + "instance/i-1", ""},
		{"connect:DescribeInstance", "not an arn", ""},
	}
	for _, tt := range tests {
		a, ok := Default().Action(tt.action)
		if !ok {
			t.Fatalf("no action %s", tt.action)
		}
		r, ok := a.ResourceFor(tt.arn)
		got := ""
		if ok {
			got = r.Type.Name
		}
		if got != tt.want {
			t.Errorf("%s.ResourceFor(%q) = %q, want %q", tt.action, tt.arn, got, tt.want)
		}
	}
}
