package check

import (
	"strings"
	"testing"
)

func pol(stmts ...string) []byte {
	return []byte(`{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`)
}

func TestNoNewAccess(t *testing.T) {
	tests := []struct {
		name     string
		pt       PolicyType
		existing []byte
		new      []byte
		want     string
	}{
		{"same policy", IdentityPolicy,
			pol(`{"Effect":"Allow","Action":"connect:Describe*","Resource":"*"}`),
			pol(`{"Effect":"Allow","Action":"connect:Describe*","Resource":"*"}`), Pass},
		{"narrower action", IdentityPolicy,
			pol(`{"Effect":"Allow","Action":"connect:Describe*","Resource":"*"}`),
			pol(`{"Effect":"Allow","Action":"connect:DescribeUser","Resource":"*"}`), Pass},
		{"wider action", IdentityPolicy,
			pol(`{"Effect":"Allow","Action":"connect:DescribeUser","Resource":"*"}`),
			pol(`{"Effect":"Allow","Action":"connect:Describe*","Resource":"*"}`), Fail},
		{"NotAction covers", IdentityPolicy,
			pol(`{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}`),
			pol(`{"Effect":"Allow","Action":["connect:*","s3:GetObject"],"Resource":"*"}`), Pass},
		{"NotAction leaks", IdentityPolicy,
			pol(`{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}`),
			pol(`{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}`), Fail},
		{"resource glob per field", IdentityPolicy,
			pol(`{"Effect":"Allow","Action":"connect:DescribeQueue","Resource":"arn:aws:connect:*:*:instance/i-1/queue/*"}`),
			pol(`{"Effect":"Allow","Action":"connect:DescribeQueue","Resource":"arn:aws:connect:us-east-1:111122223333:instance/i-1/queue/q-*"}`), Pass},
		{"resource glob wider", IdentityPolicy,
			pol(`{"Effect":"Allow","Action":"connect:DescribeQueue","Resource":"arn:aws:connect:*:*:instance/i-1/queue/*"}`),
			pol(`{"Effect":"Allow","Action":"connect:DescribeQueue","Resource":"arn:aws:connect:*:*:instance/i-*/queue/*"}`), Fail},
		{"NotResource deny", IdentityPolicy,
			pol(`{"Effect":"Allow","Action":"*","Resource":"*"}`, `{"Effect":"Deny","Action":"iam:PassRole","NotResource":"arn:aws:iam::*:role/ok/*"}`),
			pol(`{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::111122223333:role/ok/r"}`), Pass},
		{"string condition narrower", IdentityPolicy,
			pol(`{"Effect":"Allow","Action":"connect:DescribeUser","Resource":"*","Condition":{"StringLike":{"aws:ResourceTag/team":"a*"}}}`),
			pol(`{"Effect":"Allow","Action":"connect:DescribeUser","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"abc"}}}`), Pass},
		{"string condition ignore case", IdentityPolicy,
			pol(`{"Effect":"Allow","Action":"connect:DescribeUser","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"abc"}}}`),
			pol(`{"Effect":"Allow","Action":"connect:DescribeUser","Resource":"*","Condition":{"StringEqualsIgnoreCase":{"aws:ResourceTag/team":"abc"}}}`), Fail},
		{"condition dropped", IdentityPolicy,
			pol(`{"Effect":"Allow","Action":"connect:DescribeUser","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"abc"}}}`),
			pol(`{"Effect":"Allow","Action":"connect:DescribeUser","Resource":"*"}`), Fail},
		{"numeric interval inside", IdentityPolicy,
			pol(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"100"}}}`),
			pol(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"NumericLessThanEquals":{"s3:max-keys":"99.5"}}}`), Pass},
		{"numeric boundary", IdentityPolicy,
			pol(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"100"}}}`),
			pol(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"NumericLessThanEquals":{"s3:max-keys":"100"}}}`), Fail},
		{"date window inside", IdentityPolicy,
			pol(`{"Effect":"Allow","Action":"connect:ListUsers","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}}`),
			pol(`{"Effect":"Allow","Action":"connect:ListUsers","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2029-06-01T00:00:00Z"},"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}}`), Pass},
		{"date window later", IdentityPolicy,
			pol(`{"Effect":"Allow","Action":"connect:ListUsers","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}}`),
			pol(`{"Effect":"Allow","Action":"connect:ListUsers","Resource":"*","Condition":{"DateLessThanEquals":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}}`), Fail},
		{"CIDR inside", IdentityPolicy,
			pol(`{"Effect":"Allow","Action":"connect:ListUsers","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`),
			pol(`{"Effect":"Allow","Action":"connect:ListUsers","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["10.1.0.0/16","10.2.3.4"]}}}`), Pass},
		{"CIDR outside", IdentityPolicy,
			pol(`{"Effect":"Allow","Action":"connect:ListUsers","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`),
			pol(`{"Effect":"Allow","Action":"connect:ListUsers","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/9"}}}`), Fail},
		{"bool MFA required", IdentityPolicy,
			pol(`{"Effect":"Allow","Action":"connect:ListUsers","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}`),
			pol(`{"Effect":"Allow","Action":"connect:ListUsers","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"true"}}}`), Fail},
		{"Null tag required", IdentityPolicy,
			pol(`{"Effect":"Allow","Action":"*","Resource":"*"}`, `{"Effect":"Deny","Action":"connect:CreateUser","Resource":"*","Condition":{"Null":{"aws:RequestTag/Owner":"true"}}}`),
			pol(`{"Effect":"Allow","Action":"connect:CreateUser","Resource":"*","Condition":{"StringLike":{"aws:RequestTag/Owner":"*"}}}`), Pass},
		{"ForAllValues tag keys", IdentityPolicy,
			pol(`{"Effect":"Allow","Action":"connect:TagResource","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["Owner","Team"]}}}`),
			pol(`{"Effect":"Allow","Action":"connect:TagResource","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["Owner"]}}}`), Pass},
		{"ForAnyValue is not ForAllValues", IdentityPolicy,
			pol(`{"Effect":"Allow","Action":"connect:TagResource","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["Owner","Team"]}}}`),
			pol(`{"Effect":"Allow","Action":"connect:TagResource","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":["Owner"]}}}`), Fail},
		{"variable in resource", IdentityPolicy,
			pol(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/${aws:username}/*"}`),
			pol(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/${aws:username}/docs/*"}`), Pass},
		{"variable dropped from resource", IdentityPolicy,
			pol(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/${aws:username}/*"}`),
			pol(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/*"}`), Fail},
		{"variable in condition", IdentityPolicy,
			pol(`{"Effect":"Allow","Action":"connect:DescribeUser","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/Owner":"${aws:PrincipalTag/team}"}}}`),
			pol(`{"Effect":"Allow","Action":"connect:DescribeUser","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/Owner":"ops"}}}`), Fail},
		{"resource policy principal inside account", ResourcePolicy,
			pol(`{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`),
			pol(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/r"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`), Pass},
		{"resource policy public", ResourcePolicy,
			pol(`{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`),
			pol(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`), Fail},
		{"resource policy principal arn condition", ResourcePolicy,
			pol(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/r"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`),
			pol(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111111111111:role/r"}}}`), Pass},
		{"NotPrincipal", ResourcePolicy,
			pol(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`, `{"Effect":"Deny","NotPrincipal":{"AWS":"111111111111"},"Action":"s3:*","Resource":"*"}`),
			pol(`{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`), Fail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := NoNewAccess(tt.existing, tt.new, tt.pt, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Result != tt.want {
				t.Fatalf("got %s (%v), want %s", res.Result, res.Undecided, tt.want)
			}
			if tt.want == Fail {
				if len(res.Reasons) == 0 || res.Reasons[0].Counterexample == nil {
					t.Fatalf("FAIL without a counterexample: %+v", res)
				}
				for _, r := range res.Reasons {
					confirmCounterexample(t, tt.name, r.Counterexample)
				}
			}
		})
	}
}

func TestAccessNotGranted(t *testing.T) {
	tests := []struct {
		name   string
		policy []byte
		access Access
		want   string
	}{
		{"action not granted", pol(`{"Effect":"Allow","Action":"connect:Describe*","Resource":"*"}`), Access{Actions: []string{"connect:DeleteInstance"}}, Pass},
		{"action granted by wildcard", pol(`{"Effect":"Allow","Action":"connect:Delete*","Resource":"*"}`), Access{Actions: []string{"connect:DeleteInstance"}}, Fail},
		{"action denied", pol(`{"Effect":"Allow","Action":"connect:*","Resource":"*"}`, `{"Effect":"Deny","Action":"connect:DeleteInstance","Resource":"*"}`), Access{Actions: []string{"connect:DeleteInstance"}}, Pass},
		{"resource not touched", pol(`{"Effect":"Allow","Action":"connect:*","Resource":"arn:aws:connect:*:*:instance/i-test/*"}`), Access{Resources: []string{"arn:aws:connect:*:*:instance/i-prod/*"}}, Pass},
		{"resource touched", pol(`{"Effect":"Allow","Action":"connect:*","Resource":"arn:aws:connect:*:*:instance/i-*"}`), Access{Resources: []string{"arn:aws:connect:*:*:instance/i-prod"}}, Fail},
		{"action on resource", pol(`{"Effect":"Allow","Action":"connect:DeleteQueue","Resource":"arn:aws:connect:*:*:instance/i-test/queue/*"}`), Access{Actions: []string{"connect:DeleteQueue"}, Resources: []string{"arn:aws:connect:*:*:instance/i-prod/*"}}, Pass},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := AccessNotGranted(tt.policy, tt.access, IdentityPolicy, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Result != tt.want {
				t.Fatalf("got %s (%v), want %s", res.Result, res.Undecided, tt.want)
			}
			if tt.want == Fail {
				confirmCounterexample(t, tt.name, res.Reasons[0].Counterexample)
			}
		})
	}
}

func TestNoPublicAccess(t *testing.T) {
	tests := []struct {
		name   string
		policy []byte
		want   string
	}{
		{"account only", pol(`{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`), Pass},
		{"everyone", pol(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`), Fail},
		{"everyone in the organization", pol(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-123"}}}`), Pass},
		{"everyone from a VPC endpoint", pol(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}}`), Pass},
		{"everyone over TLS", pol(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}`), Fail},
		{"an account's principals by condition", pol(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:PrincipalAccount":"111111111111"}}}`), Pass},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := NoPublicAccess(tt.policy, "AWS::S3::Bucket", nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Result != tt.want {
				t.Fatalf("got %s (%v), want %s", res.Result, res.Undecided, tt.want)
			}
			if tt.want == Fail {
				confirmCounterexample(t, tt.name, res.Reasons[0].Counterexample)
			}
		})
	}
	if _, err := NoPublicAccess(pol(), "AWS::Nope::Thing", nil); err == nil {
		t.Error("an unknown resource type is not an error")
	}
}

func TestVariablesJoinKeys(t *testing.T) {
	// New access needs team = owner = "a…" (both keys in one cell, equal)
	// or team != owner inside one cell.
	tests := []struct {
		name          string
		existing, new []byte
		want          string
	}{
		{"equal inside a cell", pol(`{"Effect":"Allow","Action":"connect:DescribeUser","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/owner":"${aws:PrincipalTag/team}"},"StringLike":{"aws:ResourceTag/owner":"b*"}}}`),
			pol(`{"Effect":"Allow","Action":"connect:DescribeUser","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/owner":"${aws:PrincipalTag/team}"},"StringLike":{"aws:ResourceTag/owner":"a*"}}}`), Fail},
		{"different inside a cell", pol(`{"Effect":"Allow","Action":"connect:DescribeUser","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/owner":"${aws:PrincipalTag/team}"}}}`),
			pol(`{"Effect":"Allow","Action":"connect:DescribeUser","Resource":"*","Condition":{"StringLike":{"aws:ResourceTag/owner":"a*","aws:PrincipalTag/team":"a*"}}}`), Fail},
		{"same join", pol(`{"Effect":"Allow","Action":"connect:DescribeUser","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/owner":"${aws:PrincipalTag/team}"}}}`),
			pol(`{"Effect":"Allow","Action":"connect:DescribeUser","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/owner":"${aws:PrincipalTag/team}"},"StringLike":{"aws:PrincipalTag/team":"a*"}}}`), Pass},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := NoNewAccess(tt.existing, tt.new, IdentityPolicy, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Result != tt.want || len(res.Undecided) > 0 {
				t.Fatalf("got %s (%v), want %s", res.Result, res.Undecided, tt.want)
			}
			if tt.want == Fail {
				confirmCounterexample(t, tt.name, res.Reasons[0].Counterexample)
			}
		})
	}
}

func TestResourceVariableWithCondition(t *testing.T) {
	// The existing policy's condition on the key its Resource substitutes
	// fails for team "b"; the new policy has no condition.
	existing := pol(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/${aws:PrincipalTag/team}/*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"a"}}}`)
	nw := pol(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/${aws:PrincipalTag/team}/*"}`)
	res, err := NoNewAccess(existing, nw, IdentityPolicy, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Result != Fail || len(res.Reasons) == 0 {
		t.Fatalf("got %+v, want FAIL", res)
	}
	confirmCounterexample(t, "resource variable", res.Reasons[0].Counterexample)
	res, err = NoNewAccess(nw, existing, IdentityPolicy, nil)
	if err != nil || res.Result != Pass {
		t.Fatalf("narrowing: %+v %v, want PASS", res, err)
	}
}
