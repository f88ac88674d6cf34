package validate

import (
	"reflect"
	"strings"
	"testing"
)

func TestGlobMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"*", "", true},
		{"connect:*", "connect:describeuser", true},
		{"connect:describe*", "connect:listusers", false},
		{"s3:get?bject", "s3:getobject", true},
		{"s3:get?bject", "s3:getobjectx", false},
		{"*user*", "connect:describeuserhierarchy", true},
		{"a*b*c", "aXbYc", true},
		{"a*b*c", "aXbY", false},
		{"", "", true},
		{"", "a", false},
	}
	for _, tc := range tests {
		if got := globMatch(tc.pattern, tc.s); got != tc.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}

func TestGlobIntersect(t *testing.T) {
	user := compileARNFormat("arn:${Partition}:connect:${Region}:${Account}:instance/${InstanceId}/agent/${UserId}")
	queue := compileARNFormat("arn:${Partition}:connect:${Region}:${Account}:instance/${InstanceId}/queue/${QueueId}")
	logStream := compileARNFormat("arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}")
	bucket := compileARNFormat("arn:${Partition}:s3:::${BucketName}")
	tests := []struct {
		arn  string
		p    *arnPattern
		want bool
	}{
		{"arn:aws:connect:us-east-1:123456789012:instance/abc/agent/u1", &user, true},
		{"arn:aws:connect:us-east-1:123456789012:instance/abc/queue/q1", &user, false},
		{"arn:aws:connect:us-east-1:123456789012:instance/abc/queue/q1", &queue, true},
		{"arn:aws:connect:*:*:instance/*", &user, true},
		{"arn:aws:connect:*:*:instance/*/agent/${aws:username}", &user, true},
		{"arn:aws:logs:*:*:log-group:/aws/app*", &logStream, true},
		{"arn:aws:s3:::bucket", &bucket, true},
		{"arn:aws:s3:us-east-1::bucket", &bucket, false},
		{"arn:aws:s3:::bucket", &user, false},
	}
	for _, tc := range tests {
		a := splitARN(tc.arn)
		if got := a.matchesType(tc.p); got != tc.want {
			t.Errorf("%s matches %q = %v, want %v", tc.arn, tc.p.resource, got, tc.want)
		}
	}
}

func TestClosest(t *testing.T) {
	names := []string{"app-integrations", "appflow", "connect", "connect-campaigns", "wisdom"}
	tests := []struct {
		s    string
		want []string
	}{
		{"app-integartions", []string{"app-integrations"}},
		{"conect", []string{"connect"}},
		{"CONNECT-CAMPAIGN", []string{"connect-campaigns"}},
		{"zzzzzz", nil},
	}
	for _, tc := range tests {
		if got := closest(tc.s, names, 3); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("closest(%q) = %q, want %q", tc.s, got, tc.want)
		}
	}
	// A word left out is found by the subsequence fallback.
	actions := []string{"UpdateCampaignDialerConfig", "UpdateCampaignName", "DeleteCampaign"}
	if got := closest("UpdateDialerConfig", actions, 3); !reflect.DeepEqual(got, []string{"UpdateCampaignDialerConfig"}) {
		t.Errorf("closest(UpdateDialerConfig) = %q", got)
	}
}

func TestPolicySize(t *testing.T) {
	tests := []struct {
		src        string
		whitespace bool
		want       int
	}{
		{"{ \"a\" : 1 }\n", false, 7},
		{"{ \"a\" : 1 }\n", true, 12},
		{"{\"é\":\t\"ü\"}", false, 9},
		{"", false, 0},
	}
	for _, tc := range tests {
		if got := PolicySize([]byte(tc.src), tc.whitespace); got != tc.want {
			t.Errorf("PolicySize(%q, %v) = %d, want %d", tc.src, tc.whitespace, got, tc.want)
		}
	}
}

func TestParsePath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Version", "Version"},
		{"Statement[1].Action[0]", "Statement[1].Action[0]"},
		{"Statement.Effect", "Statement.Effect"},
		{"Statement[0].Condition.StringEquals.aws:SourceIp", "Statement[0].Condition.StringEquals.aws:SourceIp"},
		{"Statement[0].Condition.StringLike.token.actions.githubusercontent.com:sub", "Statement[0].Condition.StringLike.token.actions.githubusercontent.com:sub"},
		{"Statement[2].Principal.AWS[3]", "Statement[2].Principal.AWS[3]"},
	}
	for _, tc := range tests {
		p := parsePath(tc.in)
		if got := (Location{Path: p}).PathString(); got != tc.want {
			t.Errorf("parsePath(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// The condition key is one element, dots and all.
	p := parsePath("Statement[0].Condition.StringLike.token.actions.githubusercontent.com:sub")
	if last := p[len(p)-1]; last.Value == nil || !strings.HasPrefix(*last.Value, "token.") {
		t.Errorf("last element %+v, want the whole condition key", last)
	}
}

func TestDateForm(t *testing.T) {
	tests := []struct {
		s    string
		want dateKind
	}{
		{"2030-01-01", dateOK},
		{"2030-01-01T00:00:00Z", dateOK},
		{"2030-01-01T00:00:00+02:00", dateOK},
		{"1700000000", dateOK},
		{"2030", datePartial},
		{"2030-01", datePartial},
		{"2030-01-01T00:00:00", datePartial},
		{"tomorrow", dateInvalid},
		{"2030-13-01", datePartial}, // the shape of a date, with a month that does not exist: INVALID_DATE_VALUE
	}
	for _, tc := range tests {
		if got := dateForm(tc.s); got != tc.want {
			t.Errorf("dateForm(%q) = %v, want %v", tc.s, got, tc.want)
		}
	}
}

func TestParsePolicyTypeAndFindingType(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want PolicyType
	}{
		{"identity", IdentityPolicy}, {"RESOURCE_POLICY", ResourcePolicy}, {"trust", RoleTrustPolicy},
		{"role-trust", RoleTrustPolicy}, {"scp", ServiceControlPolicy}, {"RCP", ResourceControlPolicy},
		{"session", SessionPolicy}, {"permissions-boundary", PermissionsBoundary},
	} {
		if got, err := ParsePolicyType(tc.in); err != nil || got != tc.want {
			t.Errorf("ParsePolicyType(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	if _, err := ParsePolicyType("idntity"); err == nil || !strings.Contains(err.Error(), "identity, resource") {
		t.Errorf("ParsePolicyType(idntity) error = %v, want the list of types", err)
	}
	for in, want := range map[string]FindingType{"error": Error, "security-warning": SecurityWarning, "WARNING": Warning, "suggestion": Suggestion} {
		if got, ok := ParseFindingType(in); !ok || got != want {
			t.Errorf("ParseFindingType(%q) = %v, %v", in, got, ok)
		}
	}
	if _, ok := ParseFindingType("fatal"); ok {
		t.Error("ParseFindingType(fatal) succeeded")
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	for _, opts := range []Options{
		{PolicyType: "FOO"},
		{PolicyType: IdentityPolicy, ResourceType: "AWS::S3::Bucket"},
		{PolicyType: ResourcePolicy, ResourceType: "AWS::Nope::Thing"},
	} {
		if _, err := New(opts); err == nil {
			t.Errorf("New(%+v) succeeded", opts)
		}
	}
}
