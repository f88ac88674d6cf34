package iam

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
)

// TestPathPrefixes checks PathPrefix as the model's pathPrefixType has it:
// any prefix that starts with a slash, not only whole paths.
func TestPathPrefixes(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	c := e.client
	trust := fixture(t, "trust-ec2.json")
	for name, p := range map[string]string{"a": "/TestPath/", "b": "/TestPathOther/x/", "c": "/Other/"} {
		must(c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String(name), Path: aws.String(p), AssumeRolePolicyDocument: aws.String(trust)}))(t)
	}
	for _, tc := range []struct {
		prefix string
		want   []string
	}{
		{"/TestPath", []string{"a", "b"}},
		{"/TestPath/", []string{"a"}},
		{"/", []string{"a", "b", "c"}},
		{"/Nope", nil},
	} {
		out := must(c.ListRoles(ctx, &awsiam.ListRolesInput{PathPrefix: aws.String(tc.prefix)}))(t)
		var got []string
		for _, r := range out.Roles {
			got = append(got, aws.ToString(r.RoleName))
		}
		if len(got) != len(tc.want) {
			t.Errorf("ListRoles --path-prefix %s = %v, want %v", tc.prefix, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("ListRoles --path-prefix %s = %v, want %v", tc.prefix, got, tc.want)
				break
			}
		}
	}
}
