package e2e_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// TestPolicySizeBeforeParsing: a document over its type's size quota is
// refused with LimitExceeded before it is parsed, so even a malformed one
// reports the size, not a parse error.
func TestPolicySizeBeforeParsing(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	admin := srv.iam(clientOptions{})
	malformed := `{"Version":"2012-10-17","Statement":[` + strings.Repeat(`{"Effect":"Allow",`, 600) // never closed
	if _, err := admin.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u")}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		call func() error
		msg  string
	}{
		{"CreatePolicy", func() error {
			_, err := admin.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("big"), PolicyDocument: aws.String(malformed)})
			return err
		}, "Cannot exceed quota for PolicySize: 6144"},
		{"CreateRole", func() error {
			_, err := admin.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("big"), AssumeRolePolicyDocument: aws.String(malformed)})
			return err
		}, "Cannot exceed quota for ACLSizePerRole: 2048"},
		{"PutUserPolicy", func() error {
			_, err := admin.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("big"), PolicyDocument: aws.String(malformed)})
			return err
		}, "Maximum policy size of 2048 bytes exceeded for user u"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantAPIError(t, tc.call(), "LimitExceeded", tc.msg)
		})
	}
}
