package e2e_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// TestReservedServiceRolePath: the /aws-service-role/ path belongs to
// service-linked roles; a caller cannot create or move a role, user or
// group under it (and so cannot squat a service-linked role's name),
// while CreateServiceLinkedRole still places its role there.
func TestReservedServiceRolePath(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	admin := srv.iam(clientOptions{})
	const trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"connect.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	const reserved = "/aws-service-role/connect.amazonaws.com/"
	const msg = "Path prefix '/aws-service-role/' can only be used for AWS Service linked Roles"

	if _, err := admin.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("mover")}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("movers")}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		call func() error
	}{
		{"CreateRole", func() error {
			_, err := admin.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("AWSServiceRoleForAmazonConnect_squat"),
				Path: aws.String(reserved), AssumeRolePolicyDocument: aws.String(trust)})
			return err
		}},
		{"CreateRole at the bare prefix", func() error {
			_, err := admin.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("bare"),
				Path: aws.String("/aws-service-role/"), AssumeRolePolicyDocument: aws.String(trust)})
			return err
		}},
		{"CreateUser", func() error {
			_, err := admin.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u"), Path: aws.String(reserved)})
			return err
		}},
		{"CreateGroup", func() error {
			_, err := admin.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("g"), Path: aws.String(reserved)})
			return err
		}},
		{"UpdateUser NewPath", func() error {
			_, err := admin.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("mover"), NewPath: aws.String(reserved)})
			return err
		}},
		{"UpdateGroup NewPath", func() error {
			_, err := admin.UpdateGroup(ctx, &iam.UpdateGroupInput{GroupName: aws.String("movers"), NewPath: aws.String(reserved)})
			return err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantAPIError(t, tc.call(), "InvalidInput", msg)
		})
	}
	// Nothing was created or moved.
	u, err := admin.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("mover")})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(u.User.Path); got != "/" {
		t.Errorf("user path after the refused move = %q, want /", got)
	}
	if _, err := admin.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("AWSServiceRoleForAmazonConnect_squat")}); err == nil {
		t.Error("the refused role exists")
	}
	// Paths that merely resemble the prefix stay allowed.
	if _, err := admin.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("lookalike"),
		Path: aws.String("/aws-service-roles/"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Errorf("CreateRole with path /aws-service-roles/: %v", err)
	}
	// The service-linked role itself is still created under the prefix.
	slr, err := admin.CreateServiceLinkedRole(ctx, &iam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String("connect.amazonaws.com")})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(slr.Role.Path); got != reserved {
		t.Errorf("service-linked role path %q, want %s", got, reserved)
	}
}
