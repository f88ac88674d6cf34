package validate

import (
	"strings"
	"testing"
)

// TestRecovery checks that a syntax error does not hide the problems
// after it.
func TestRecovery(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // "line:col CODE"
	}{
		{
			"trailing comma, invalid action two lines below",
			"{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\",\n\"Action\": [\"connect:DescribeUser\",],\n\"Resource\": \"*\"},\n{\"Effect\": \"Allow\", \"Action\": \"connect:DescribeUsr\", \"Resource\": \"*\"}]}",
			[]string{"2:34 JSON_SYNTAX_ERROR", "4:31 INVALID_ACTION"},
		},
		{
			"missing comma, invalid service after it",
			"{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\",\n\"Action\": [\"connect:DescribeUser\"\n\"conect:ListUsers\"], \"Resource\": \"*\"}]}",
			[]string{"2:34 JSON_SYNTAX_ERROR", "3:1 INVALID_SERVICE_IN_ACTION"},
		},
		{
			"duplicate key, unknown element and invalid key",
			"{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Effect\": \"Deny\",\n\"Actions\": \"connect:DescribeUser\", \"Action\": \"connect:ListUsers\", \"Resource\": \"*\",\n\"Condition\": {\"Bool\": {\"aws:SecureTransportt\": \"true\"}}}]}",
			[]string{"1:61 JSON_SYNTAX_ERROR", "2:1 INVALID_POLICY_ELEMENT", "3:24 INVALID_GLOBAL_CONDITION_KEY"},
		},
		{
			"unterminated document",
			"{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"connect:DescribeUsr\", \"Resource\": \"*\"}",
			[]string{"1:71 INVALID_ACTION", "1:110 JSON_SYNTAX_ERROR"},
		},
	}
	v, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := v.Validate([]byte(tc.src))
			have := map[string]bool{}
			for _, f := range got {
				p := f.Pos()
				have[itoa(p.Line)+":"+itoa(p.Column)+" "+f.IssueCode] = true
			}
			for _, w := range tc.want {
				if !have[w] {
					t.Errorf("no %s; got %s", w, codesOf(got))
				}
			}
		})
	}
}

// TestNoKnockOnFindings checks that one syntax error is reported once:
// the findings the parser's recovery would cause on a garbled line are
// not reported.
func TestNoKnockOnFindings(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // every finding, "line:col CODE"
	}{
		{
			"unterminated string before a comma",
			`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "connect:DescribeUser, "Resource": "*"}]}`,
			[]string{"1:95 JSON_SYNTAX_ERROR"},
		},
		{
			"single-quoted key",
			`{"Version": "2012-10-17", "Statement": [{'Effect': "Allow", "Action": "connect:DescribeUser", "Resource": "*"}]}`,
			[]string{"1:42 JSON_SYNTAX_ERROR"},
		},
		{
			// The missing quote shifts every later quote: nothing after it
			// can be read reliably.
			"an unclosed string hides what follows it",
			"{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"connect:DescribeUser, \"Resource\": \"*\"},\n{\"Effect\": \"Allow\", \"Action\": \"connect:DescribeUsr\", \"Resource\": \"*\"}]}",
			[]string{"1:95 JSON_SYNTAX_ERROR"},
		},
		{
			"a garbled line does not hide the next line's problem",
			"{\"Version\": \"2012-10-17\", \"Statement\": [{'Effect': \"Allow\", 'Action': \"connect:DescribeUser\", \"Resource\": \"*\"},\n{\"Effect\": \"Allow\", \"Action\": \"connect:DescribeUsr\", \"Resource\": \"*\"}]}",
			[]string{"1:42 JSON_SYNTAX_ERROR", "2:31 INVALID_ACTION"},
		},
	}
	v, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := v.Validate([]byte(tc.src))
			var have []string
			for _, f := range got {
				p := f.Pos()
				have = append(have, itoa(p.Line)+":"+itoa(p.Column)+" "+f.IssueCode)
			}
			if strings.Join(have, ", ") != strings.Join(tc.want, ", ") {
				t.Errorf("findings %s, want exactly %v", codesOf(got), tc.want)
			}
		})
	}
}

// TestMessagesAndLocations checks the wording and the locations the
// issue codes' cases do not pin down.
func TestMessagesAndLocations(t *testing.T) {
	tests := []struct {
		name, policyType, src, code string
		line, col                   int
		contains                    string
	}{
		{"a trust policy validated as identity suggests --policy-type trust", "identity",
			`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}`,
			"UNSUPPORTED_PRINCIPAL", 1, 61, "not supported in an identity-based policy"},
		{"the trust hint", "identity",
			`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}`,
			"UNSUPPORTED_PRINCIPAL", 1, 61, "--policy-type trust"},
		{"TYPE_MISMATCH names the operator and points at the key", "identity",
			`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "connect:DescribeUser", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceIp": "203.0.113.0/24"}}}]}`,
			"TYPE_MISMATCH", 1, 143, "Use an IP operator: IpAddress"},
		{"a Region finding underlines the Region field", "identity",
			`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "arn:aws:dynamodb:us-est-1:123456789012:table/orders"}]}`,
			"INVALID_ARN_REGION", 1, 121, `Did you mean "us-east-1"?`},
		{"a Region of another partition", "identity",
			`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "arn:aws:dynamodb:cn-north-1:123456789012:table/orders"}]}`,
			"INVALID_ARN_REGION", 1, 121, "Region of the aws-cn partition"},
		{"a DynamoDB table ARN without Region", "identity",
			`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "arn:aws:dynamodb::123456789012:table/orders"}]}`,
			"MISSING_ARN_REGION", 1, 121, `resource type "table"`},
		{"an account in an S3 bucket ARN", "identity",
			`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3::123456789012:my-bucket"}]}`,
			"ARN_ACCOUNT_NOT_ALLOWED", 1, 113, `resource type "bucket"`},
		{"a wildcard in an ARN's service", "identity",
			`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "codecommit:GitPull", "Resource": "arn:aws:*code*:us-east-1:123456789012:repo"}]}`,
			"WILDCARD_IN_SERVICE_NAME", 1, 114, "has a wildcard"},
		{"a trust policy allowing everyone without a condition", "trust",
			`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}`,
			"ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL", 1, 82, "every principal"},
		{"a trust policy with Principal \"*\"", "trust",
			`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}]}`,
			"ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL", 1, 61, "every principal"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := validatorFor(t, tc.policyType)
			got := v.Validate([]byte(tc.src))
			for _, f := range got {
				p := f.Pos()
				if f.IssueCode == tc.code && p.Line == tc.line && p.Column == tc.col {
					if !strings.Contains(f.FindingDetails, tc.contains) {
						t.Errorf("%s at %d:%d says %q, want it to contain %q", tc.code, p.Line, p.Column, f.FindingDetails, tc.contains)
					}
					return
				}
			}
			t.Errorf("no %s at %d:%d; got %s", tc.code, tc.line, tc.col, codesOf(got))
		})
	}
	// With a condition, "*" in a trust policy is not that error.
	v := validatorFor(t, "trust")
	got := v.Validate([]byte(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}]}`))
	if hasCode(got, "ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL") {
		t.Errorf("a conditioned \"*\" in a trust policy reported: %s", codesOf(got))
	}
}

// TestDateValues checks which date values are INVALID_DATE_VALUE (they
// parse but might not resolve as expected) and which TYPE_MISMATCH_DATE.
func TestDateValues(t *testing.T) {
	v := validatorFor(t, "identity")
	for _, tc := range []struct{ value, code string }{
		{"2026-02-30", "INVALID_DATE_VALUE"},
		{"2026-13-01T00:00:00Z", "INVALID_DATE_VALUE"},
		{"2030-01", "INVALID_DATE_VALUE"},
		{"2026-11-22T10:00:00", "INVALID_DATE_VALUE"},
		{"next tuesday", "TYPE_MISMATCH_DATE"},
		{"2026-11-22", ""},
		{"2026-11-22T10:00:00Z", ""},
		{"1795000000", ""},
	} {
		got := v.Validate([]byte(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "connect:DescribeUser", "Resource": "*", "Condition": {"DateLessThan": {"aws:CurrentTime": "` + tc.value + `"}}}]}`))
		for _, code := range []string{"INVALID_DATE_VALUE", "TYPE_MISMATCH_DATE"} {
			if hasCode(got, code) != (code == tc.code) {
				t.Errorf("%q: got %s, want %q", tc.value, codesOf(got), tc.code)
			}
		}
	}
}
