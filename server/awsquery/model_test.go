package awsquery

import (
	"net/url"
	"strings"
	"testing"

	"github.com/connect-iam/connect-iam/internal/apimodel"
)

// TestValidate checks requests against operations of AWS's IAM and STS
// models: each case's form and the violations Err reports (or none).
func TestValidate(t *testing.T) {
	iam, sts := apimodel.MustLoad("iam"), apimodel.MustLoad("sts")
	for _, tc := range []struct {
		name string
		m    *apimodel.Model
		op   string
		form string
		want []string // substrings of the error message, in order; nil for no error
		code string
	}{
		{"valid", iam, "CreateUser", "UserName=alice&Path=/a/", nil, ""},
		{"missing required", iam, "CreateUser", "Path=/a/", []string{"1 validation error", "Value null at 'userName' failed to satisfy constraint: Member must not be null"}, "ValidationError"},
		{"pattern with \\u escapes", iam, "CreateUser", "UserName=alice&Path=a", []string{"Value 'a' at 'path'", `pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)`}, "ValidationError"},
		{"too long", iam, "CreateUser", "UserName=" + strings.Repeat("a", 65), []string{"Member must have length less than or equal to 64"}, "ValidationError"},
		{"two violations", iam, "CreateUser", "Path=a", []string{"2 validation errors", "'path'", "'userName'"}, "ValidationError"},
		{"enum", iam, "UpdateAccessKey", "AccessKeyId=AKIAAAAAAAAAAAAAAAAA&Status=On", []string{"Member must satisfy enum value set: [Active, Inactive, Expired]"}, "ValidationError"},
		{"range", iam, "ListUsers", "MaxItems=0", []string{"Member must have value greater than or equal to 1"}, "ValidationError"},
		{"not an integer", iam, "ListUsers", "MaxItems=ten", []string{"expected an integer"}, "InvalidParameterValue"},
		{"not a boolean", iam, "ListServiceSpecificCredentials", "AllUsers=yes", []string{"expected true or false"}, "InvalidParameterValue"},
		{"list member", iam, "TagUser", "UserName=a&Tags.member.1.Key=k", []string{"Value null at 'tags.1.member.value'"}, "ValidationError"},
		{"list too long", iam, "GetContextKeysForCustomPolicy", "", []string{"'policyInputList'", "not be null"}, "ValidationError"},
		{"nested structure", sts, "AssumeRoot", "TargetPrincipal=111122223333&TaskPolicyArn.arn=short", []string{"'taskPolicyArn.arn'", "length greater than or equal to 20"}, "ValidationError"},
		{"sts duration", sts, "GetSessionToken", "DurationSeconds=10", []string{"Member must have value greater than or equal to 900"}, "ValidationError"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := url.ParseQuery(tc.form)
			if err != nil {
				t.Fatal(err)
			}
			v.Set("Action", tc.op)
			req, err := ParseValues(v)
			if err != nil {
				t.Fatal(err)
			}
			req.Validate(tc.m, tc.m.Operations[tc.op])
			err = req.Err()
			if tc.want == nil {
				if err != nil {
					t.Fatalf("err = %v, want none", err)
				}
				return
			}
			e, ok := err.(*Error)
			if !ok || e.Code != tc.code {
				t.Fatalf("err = %v, want %s", err, tc.code)
			}
			rest := e.Message
			for _, w := range tc.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("message %q lacks %q (in order)", e.Message, w)
				}
				rest = rest[i+len(w):]
			}
		})
	}
}
