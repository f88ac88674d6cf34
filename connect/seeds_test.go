package connect

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awsconnect "github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

// TestSeedPolicies runs the examples of the Amazon Connect identity-based
// policy documentation through the SDK, the SigV4 verifier and the real
// authorizer: each with calls it allows and calls it denies.
func TestSeedPolicies(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	w := e.newWorld(t, "seeds")
	tagged := must(w.createUser(ctx, e.admin, "tagged", map[string]string{"Department": "Test"}))(t)
	other := must(w.createUser(ctx, e.admin, "other", map[string]string{"Department": "Prod"}))(t)

	viewer := e.principal(t, "viewer", "", fixture(t, "view-user.json"))
	dept := e.principal(t, "dept", "", fixture(t, "department-test.json"))
	teamA := e.principal(t, "teama", "", fixture(t, "owner-teama.json"))
	createOnly := e.principal(t, "createonly", "", fixture(t, "create-user-only.json"))
	full := e.principal(t, "full", "arn:aws:iam::aws:policy/AmazonConnect_FullAccess", "")
	ro := e.principal(t, "ro", "arn:aws:iam::aws:policy/AmazonConnectReadOnlyAccess", "")

	inst := aws.String(w.instance)
	userARN := func(id *string) string {
		return "arn:aws:connect:us-east-1:" + testAccount + ":instance/" + w.instance + "/agent/" + aws.ToString(id)
	}
	describe := func(c *awsconnect.Client, id *string) error {
		_, err := c.DescribeUser(ctx, &awsconnect.DescribeUserInput{InstanceId: inst, UserId: id})
		return err
	}
	updateInfo := func(c *awsconnect.Client, id *string) error {
		_, err := c.UpdateUserIdentityInfo(ctx, &awsconnect.UpdateUserIdentityInfoInput{InstanceId: inst, UserId: id,
			IdentityInfo: &types.UserIdentityInfo{FirstName: aws.String("Jane"), LastName: aws.String("Doe")}})
		return err
	}
	listUsers := func(c *awsconnect.Client) error {
		_, err := c.ListUsers(ctx, &awsconnect.ListUsersInput{InstanceId: inst})
		return err
	}
	denied := func(user, action, resource string) string {
		return fmt.Sprintf("User: arn:aws:iam::%s:user/%s is not authorized to perform: %s on resource: %s because no identity-based policy allows the %s action",
			testAccount, user, action, resource, action)
	}

	tests := []struct {
		name string
		call func() error
		code string
		msg  string // the exact message of a denial; a substring otherwise
	}{
		{"View User: DescribeUser", func() error { return describe(viewer, tagged.UserId) }, "", ""},
		{"View User: ListUsers", func() error { return listUsers(viewer) }, "", ""},
		{"View User: UpdateUserIdentityInfo denied", func() error { return updateInfo(viewer, tagged.UserId) }, "AccessDeniedException",
			denied("viewer", "connect:UpdateUserIdentityInfo", userARN(tagged.UserId))},
		{"View User: UpdateUserRoutingProfile denied", func() error {
			_, err := viewer.UpdateUserRoutingProfile(ctx, &awsconnect.UpdateUserRoutingProfileInput{InstanceId: inst, UserId: tagged.UserId, RoutingProfileId: aws.String(w.routing)})
			return err
		}, "AccessDeniedException", denied("viewer", "connect:UpdateUserRoutingProfile", userARN(tagged.UserId))},
		{"View User: CreateUser denied", func() error { _, err := w.createUser(ctx, viewer, "x", nil); return err }, "AccessDeniedException", "connect:CreateUser"},

		{"Department=Test: describe a tagged user", func() error { return describe(dept, tagged.UserId) }, "", ""},
		{"Department=Test: update a tagged user", func() error { return updateInfo(dept, tagged.UserId) }, "", ""},
		{"Department=Test: describe another user denied", func() error { return describe(dept, other.UserId) }, "AccessDeniedException",
			denied("dept", "connect:DescribeUser", userARN(other.UserId))},
		{"Department=Test: update another user denied", func() error { return updateInfo(dept, other.UserId) }, "AccessDeniedException",
			denied("dept", "connect:UpdateUserIdentityInfo", userARN(other.UserId))},
		{"Department=Test: ListUsers denied", func() error { return listUsers(dept) }, "AccessDeniedException", "connect:ListUsers"},

		{"Owner=TeamA: CreateUser with the tag", func() error {
			_, err := w.createUser(ctx, teamA, "teama-1", map[string]string{"Owner": "TeamA"})
			return err
		}, "", ""},
		{"Owner=TeamA: CreateUser without tags denied", func() error { _, err := w.createUser(ctx, teamA, "teama-2", nil); return err },
			"AccessDeniedException", "User: arn:aws:iam::123456789012:user/teama is not authorized to perform: connect:CreateUser on resource: arn:aws:connect:us-east-1:123456789012:instance/" + w.instance + "/agent/"},
		{"Owner=TeamA: CreateUser with Owner=TeamB denied", func() error {
			_, err := w.createUser(ctx, teamA, "teama-3", map[string]string{"Owner": "TeamB"})
			return err
		}, "AccessDeniedException", "connect:CreateUser"},
		{"tagging on create needs connect:TagResource", func() error {
			_, err := w.createUser(ctx, createOnly, "co-1", map[string]string{"Owner": "TeamA"})
			return err
		}, "AccessDeniedException", "User: arn:aws:iam::123456789012:user/createonly is not authorized to perform: connect:TagResource on resource: arn:aws:connect:us-east-1:123456789012:instance/" + w.instance + "/agent/"},
		{"Owner=TeamA: TagResource with the tag", func() error {
			_, err := teamA.TagResource(ctx, &awsconnect.TagResourceInput{ResourceArn: aws.String(userARN(other.UserId)), Tags: map[string]string{"Owner": "TeamA"}})
			return err
		}, "", ""},
		{"Owner=TeamA: TagResource with another tag denied", func() error {
			_, err := teamA.TagResource(ctx, &awsconnect.TagResourceInput{ResourceArn: aws.String(userARN(other.UserId)), Tags: map[string]string{"Owner": "TeamB"}})
			return err
		}, "AccessDeniedException", denied("teama", "connect:TagResource", userARN(other.UserId))},

		{"FullAccess: CreateUser", func() error { _, err := w.createUser(ctx, full, "full-1", nil); return err }, "", ""},
		{"FullAccess: DeleteUser", func() error {
			u, err := w.createUser(ctx, full, "full-2", nil)
			if err != nil {
				return err
			}
			_, err = full.DeleteUser(ctx, &awsconnect.DeleteUserInput{InstanceId: inst, UserId: u.UserId})
			return err
		}, "", ""},
		{"FullAccess: CreateInstance with its service-linked role", func() error {
			_, err := full.CreateInstance(ctx, &awsconnect.CreateInstanceInput{IdentityManagementType: types.DirectoryTypeSaml,
				InstanceAlias: aws.String("full-instance"), InboundCallsEnabled: aws.Bool(true), OutboundCallsEnabled: aws.Bool(false)})
			return err
		}, "", ""},
		{"ReadOnly: DescribeUser", func() error { return describe(ro, other.UserId) }, "", ""},
		{"ReadOnly: ListUsers", func() error { return listUsers(ro) }, "", ""},
		{"ReadOnly: DescribeInstance", func() error {
			_, err := ro.DescribeInstance(ctx, &awsconnect.DescribeInstanceInput{InstanceId: inst})
			return err
		}, "", ""},
		{"ReadOnly: UpdateUserIdentityInfo denied", func() error { return updateInfo(ro, other.UserId) }, "AccessDeniedException",
			denied("ro", "connect:UpdateUserIdentityInfo", userARN(other.UserId))},
		{"ReadOnly: CreateUser denied", func() error { _, err := w.createUser(ctx, ro, "ro-1", nil); return err }, "AccessDeniedException", "connect:CreateUser"},
		{"ReadOnly: DeleteInstance denied", func() error {
			_, err := ro.DeleteInstance(ctx, &awsconnect.DeleteInstanceInput{InstanceId: inst})
			return err
		}, "AccessDeniedException", denied("ro", "connect:DeleteInstance", "arn:aws:connect:us-east-1:"+testAccount+":instance/"+w.instance)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			code, msg := apiError(t, err)
			if code != tt.code || !strings.Contains(msg, tt.msg) {
				t.Errorf("error = %s %q\nwant %s %q", code, msg, tt.code, tt.msg)
			}
			var re *awshttp.ResponseError
			if code == "AccessDeniedException" && (!errors.As(err, &re) || re.HTTPStatusCode() != 403) {
				t.Errorf("AccessDeniedException without HTTP status 403: %v", err)
			}
		})
	}

	// The permitted update was applied; the denied ones were not.
	got := must(e.admin.DescribeUser(ctx, &awsconnect.DescribeUserInput{InstanceId: inst, UserId: tagged.UserId}))(t)
	if aws.ToString(got.User.IdentityInfo.FirstName) != "Jane" {
		t.Errorf("tagged user's FirstName = %q, want Jane", aws.ToString(got.User.IdentityInfo.FirstName))
	}
	got = must(e.admin.DescribeUser(ctx, &awsconnect.DescribeUserInput{InstanceId: inst, UserId: other.UserId}))(t)
	if got.User.IdentityInfo != nil && aws.ToString(got.User.IdentityInfo.FirstName) != "" {
		t.Errorf("other user's FirstName = %q after denied updates", aws.ToString(got.User.IdentityInfo.FirstName))
	}
	if got.User.Tags["Owner"] != "TeamA" {
		t.Errorf("other user's tags = %v, want Owner=TeamA from the allowed TagResource", got.User.Tags)
	}
}
