package iam

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// TestTags covers Tag/Untag/List for users, roles, customer managed
// policies and virtual MFA devices, and the tag limit.
func TestTags(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	c := e.client
	must(c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("u")}))(t)
	must(c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(fixture(t, "trust-ec2.json"))}))(t)
	p := must(c.CreatePolicy(ctx, &awsiam.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(fixture(t, "s3-read.json"))}))(t)
	dev := must(c.CreateVirtualMFADevice(ctx, &awsiam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("d")}))(t)
	serial := dev.VirtualMFADevice.SerialNumber
	tag := func(k, v string) types.Tag { return types.Tag{Key: aws.String(k), Value: aws.String(v)} }
	tests := []struct {
		kind  string
		tag   func([]types.Tag) error
		untag func([]string) error
		list  func() ([]types.Tag, error)
	}{
		{"user",
			func(tags []types.Tag) error {
				_, err := c.TagUser(ctx, &awsiam.TagUserInput{UserName: aws.String("u"), Tags: tags})
				return err
			},
			func(keys []string) error {
				_, err := c.UntagUser(ctx, &awsiam.UntagUserInput{UserName: aws.String("u"), TagKeys: keys})
				return err
			},
			func() ([]types.Tag, error) {
				out, err := c.ListUserTags(ctx, &awsiam.ListUserTagsInput{UserName: aws.String("u")})
				if err != nil {
					return nil, err
				}
				return out.Tags, nil
			}},
		{"role",
			func(tags []types.Tag) error {
				_, err := c.TagRole(ctx, &awsiam.TagRoleInput{RoleName: aws.String("r"), Tags: tags})
				return err
			},
			func(keys []string) error {
				_, err := c.UntagRole(ctx, &awsiam.UntagRoleInput{RoleName: aws.String("r"), TagKeys: keys})
				return err
			},
			func() ([]types.Tag, error) {
				out, err := c.ListRoleTags(ctx, &awsiam.ListRoleTagsInput{RoleName: aws.String("r")})
				if err != nil {
					return nil, err
				}
				return out.Tags, nil
			}},
		{"policy",
			func(tags []types.Tag) error {
				_, err := c.TagPolicy(ctx, &awsiam.TagPolicyInput{PolicyArn: p.Policy.Arn, Tags: tags})
				return err
			},
			func(keys []string) error {
				_, err := c.UntagPolicy(ctx, &awsiam.UntagPolicyInput{PolicyArn: p.Policy.Arn, TagKeys: keys})
				return err
			},
			func() ([]types.Tag, error) {
				out, err := c.ListPolicyTags(ctx, &awsiam.ListPolicyTagsInput{PolicyArn: p.Policy.Arn})
				if err != nil {
					return nil, err
				}
				return out.Tags, nil
			}},
		{"mfa device",
			func(tags []types.Tag) error {
				_, err := c.TagMFADevice(ctx, &awsiam.TagMFADeviceInput{SerialNumber: serial, Tags: tags})
				return err
			},
			func(keys []string) error {
				_, err := c.UntagMFADevice(ctx, &awsiam.UntagMFADeviceInput{SerialNumber: serial, TagKeys: keys})
				return err
			},
			func() ([]types.Tag, error) {
				out, err := c.ListMFADeviceTags(ctx, &awsiam.ListMFADeviceTagsInput{SerialNumber: serial})
				if err != nil {
					return nil, err
				}
				return out.Tags, nil
			}},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			if err := tt.tag([]types.Tag{tag("a", "1"), tag("b", "2")}); err != nil {
				t.Fatal(err)
			}
			// Keys compare case-insensitively; the new spelling and value win.
			if err := tt.tag([]types.Tag{tag("A", "3")}); err != nil {
				t.Fatal(err)
			}
			if err := tt.untag([]string{"b", "missing"}); err != nil {
				t.Fatal(err)
			}
			got, err := tt.list()
			if err != nil || len(got) != 1 || aws.ToString(got[0].Key) != "A" || aws.ToString(got[0].Value) != "3" {
				t.Errorf("tags = %+v, %v", got, err)
			}
			many := make([]types.Tag, 50)
			for i := range many {
				many[i] = tag(fmt.Sprintf("k%02d", i), "v")
			}
			code, msg := apiError(t, tt.tag(many))
			if code != "LimitExceeded" || msg != "The number of tags has reached the maximum limit of 50 tags per resource." {
				t.Errorf("51 tags: %s %q", code, msg)
			}
		})
	}
	_, err := c.TagPolicy(ctx, &awsiam.TagPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess"), Tags: []types.Tag{tag("a", "b")}})
	if code, _ := apiError(t, err); code != "UnmodifiableEntity" {
		t.Errorf("tagging an AWS managed policy: %v", err)
	}
}

// TestCallerKinds checks the operations whose target defaults to the
// caller for principals that are not IAM users.
func TestCallerKinds(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	role := e.clientFor("ASIATESTROLESESSION1", adminSecret)
	root := e.clientFor("AKIATESTROOTKEY00001", adminSecret)
	_, err := role.GetUser(ctx, &awsiam.GetUserInput{})
	if code, msg := apiError(t, err); code != "ValidationError" || msg != "Must specify userName when calling with non-User credentials" {
		t.Errorf("GetUser as a role session: %s %q", code, msg)
	}
	_, err = role.CreateAccessKey(ctx, &awsiam.CreateAccessKeyInput{})
	if code, _ := apiError(t, err); code != "ValidationError" {
		t.Errorf("CreateAccessKey as a role session: %v", err)
	}
	u := must(root.GetUser(ctx, &awsiam.GetUserInput{}))(t)
	if aws.ToString(u.User.Arn) != "arn:aws:iam::123456789012:root" || aws.ToString(u.User.UserId) != testAccount || !u.User.CreateDate.Equal(e.now) {
		t.Errorf("GetUser as root = %+v", u.User)
	}
	named := must(role.GetUser(ctx, &awsiam.GetUserInput{UserName: aws.String("admin")}))(t)
	if aws.ToString(named.User.UserName) != "admin" {
		t.Errorf("GetUser admin as a role session = %+v", named.User)
	}
	if req, _ := e.authz.last("iam:GetUser"); req.Caller == nil || req.Caller.Kind != otherCallers["ASIATESTROLESESSION1"].Kind {
		t.Errorf("GetUser was authorized for %+v, want the role session", req.Caller)
	}
}
