package connect

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconnect "github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/connect-iam/connect-iam/store"
)

// serviceLinkedRoles returns the names of the account's Amazon Connect
// service-linked roles and the policies attached to each.
func (e *env) serviceLinkedRoles(t *testing.T) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	err := e.st.View(context.Background(), func(tx store.ReadTx) error {
		roles, _, err := tx.ListRoles(testAccount, "/aws-service-role/connect.amazonaws.com/", store.ListOptions{})
		if err != nil {
			return err
		}
		for _, r := range roles {
			if !r.ServiceLinked {
				return errors.New("role " + r.Name + " is not marked service-linked")
			}
			arns, _, err := tx.ListAttachedPolicies(testAccount, store.EntityRef{Kind: store.KindRole, Name: r.Name}, store.ListOptions{})
			if err != nil {
				return err
			}
			out[r.Name] = arns
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestInstanceLifecycle creates, describes, lists and deletes instances
// and checks the service-linked role that comes and goes with them.
func TestInstanceLifecycle(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	create := func(c *awsconnect.Client, alias string, tags map[string]string) (*awsconnect.CreateInstanceOutput, error) {
		return c.CreateInstance(ctx, &awsconnect.CreateInstanceInput{IdentityManagementType: types.DirectoryTypeConnectManaged,
			InstanceAlias: aws.String(alias), InboundCallsEnabled: aws.Bool(true), OutboundCallsEnabled: aws.Bool(false), Tags: tags})
	}
	// A caller who may use Connect but not create the service-linked role
	// cannot create the first instance.
	noSLR := e.principal(t, "noslr", "", fixture(t, "no-slr.json"))
	_, err := create(noSLR, "denied", nil)
	if code, msg := apiError(t, err); code != "AccessDeniedException" || !strings.Contains(msg, "iam:CreateServiceLinkedRole on resource: arn:aws:iam::123456789012:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_") {
		t.Fatalf("CreateInstance without iam:CreateServiceLinkedRole: %s %q", code, msg)
	}
	if roles := e.serviceLinkedRoles(t); len(roles) != 0 {
		t.Fatalf("roles after a denied CreateInstance: %v", roles)
	}

	first := must(create(e.admin, "first", map[string]string{"env": "test"}))(t)
	roles := e.serviceLinkedRoles(t)
	if len(roles) != 1 {
		t.Fatalf("service-linked roles after CreateInstance: %v, want one", roles)
	}
	var roleName string
	for name, policies := range roles {
		roleName = name
		if len(policies) != 1 || policies[0] != slrPolicyARN {
			t.Errorf("role %s has policies %v, want %s", name, policies, slrPolicyARN)
		}
	}
	d := must(e.admin.DescribeInstance(ctx, &awsconnect.DescribeInstanceInput{InstanceId: first.Id}))(t)
	in := d.Instance
	wantRole := "arn:aws:iam::" + testAccount + ":role/aws-service-role/connect.amazonaws.com/" + roleName
	switch {
	case aws.ToString(in.Arn) != aws.ToString(first.Arn) || aws.ToString(in.Id) != aws.ToString(first.Id):
		t.Errorf("DescribeInstance Id/Arn = %s %s, want %s %s", aws.ToString(in.Id), aws.ToString(in.Arn), aws.ToString(first.Id), aws.ToString(first.Arn))
	case aws.ToString(in.ServiceRole) != wantRole:
		t.Errorf("ServiceRole = %s, want %s", aws.ToString(in.ServiceRole), wantRole)
	case in.InstanceStatus != types.InstanceStatusActive || in.IdentityManagementType != types.DirectoryTypeConnectManaged:
		t.Errorf("status %s, identity management %s", in.InstanceStatus, in.IdentityManagementType)
	case !aws.ToBool(in.InboundCallsEnabled) || aws.ToBool(in.OutboundCallsEnabled):
		t.Errorf("calls enabled: inbound %v outbound %v", aws.ToBool(in.InboundCallsEnabled), aws.ToBool(in.OutboundCallsEnabled))
	case in.CreatedTime == nil || in.CreatedTime.IsZero():
		t.Errorf("CreatedTime is not set")
	case in.Tags["env"] != "test":
		t.Errorf("Tags = %v", in.Tags)
	}
	if !strings.HasPrefix(aws.ToString(first.Arn), "arn:aws:connect:us-east-1:123456789012:instance/") {
		t.Errorf("instance ARN %s", aws.ToString(first.Arn))
	}

	// A second instance shares the role; a duplicate alias is refused.
	second := must(create(e.admin, "second", nil))(t)
	if roles := e.serviceLinkedRoles(t); len(roles) != 1 {
		t.Errorf("roles after the second instance: %v, want the same one", roles)
	}
	_, err = create(e.admin, "FIRST", nil)
	if code, _ := apiError(t, err); code != "DuplicateResourceException" {
		t.Errorf("duplicate alias: %v", err)
	}
	list := must(e.admin.ListInstances(ctx, &awsconnect.ListInstancesInput{MaxResults: aws.Int32(1)}))(t)
	if len(list.InstanceSummaryList) != 1 || list.NextToken == nil {
		t.Fatalf("ListInstances page 1: %d instances, next %v", len(list.InstanceSummaryList), list.NextToken)
	}
	list2 := must(e.admin.ListInstances(ctx, &awsconnect.ListInstancesInput{MaxResults: aws.Int32(1), NextToken: list.NextToken}))(t)
	if len(list2.InstanceSummaryList) != 1 || list2.NextToken != nil ||
		aws.ToString(list2.InstanceSummaryList[0].Id) == aws.ToString(list.InstanceSummaryList[0].Id) {
		t.Fatalf("ListInstances page 2: %+v", list2.InstanceSummaryList)
	}

	// Deleting one instance keeps the role; deleting the last deletes it,
	// with the instance's resources.
	hours := must(e.admin.CreateHoursOfOperation(ctx, &awsconnect.CreateHoursOfOperationInput{InstanceId: second.Id, Name: aws.String("h"),
		TimeZone: aws.String("UTC"), Config: []types.HoursOfOperationConfig{{Day: types.HoursOfOperationDaysFriday,
			StartTime: &types.HoursOfOperationTimeSlice{Hours: aws.Int32(0), Minutes: aws.Int32(0)},
			EndTime:   &types.HoursOfOperationTimeSlice{Hours: aws.Int32(23), Minutes: aws.Int32(59)}}}}))(t)
	must(e.admin.DeleteInstance(ctx, &awsconnect.DeleteInstanceInput{InstanceId: first.Id}))(t)
	if roles := e.serviceLinkedRoles(t); len(roles) != 1 {
		t.Errorf("roles after deleting one of two instances: %v", roles)
	}
	must(e.admin.DeleteInstance(ctx, &awsconnect.DeleteInstanceInput{InstanceId: second.Id}))(t)
	if roles := e.serviceLinkedRoles(t); len(roles) != 0 {
		t.Errorf("roles after deleting the last instance: %v, want none", roles)
	}
	err = e.st.View(ctx, func(tx store.ReadTx) error {
		_, err := tx.GetResource(testAccount, Service, kHours.typ, aws.ToString(hours.HoursOfOperationId))
		return err
	})
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("hours of operation of a deleted instance: %v, want not found", err)
	}
	_, err = e.admin.DescribeInstance(ctx, &awsconnect.DescribeInstanceInput{InstanceId: first.Id})
	if code, _ := apiError(t, err); code != "ResourceNotFoundException" {
		t.Errorf("DescribeInstance of a deleted instance: %v", err)
	}
	// The next instance creates a new role.
	must(create(e.admin, "third", nil))(t)
	if roles := e.serviceLinkedRoles(t); len(roles) != 1 || roles[roleName] != nil {
		t.Errorf("roles after a new first instance: %v", roles)
	}
}

// TestCreateInstanceExistingDirectory checks the dependent actions of an
// instance on an existing directory: ds:DescribeDirectories and
// ds:AuthorizeApplication on the directory, besides connect:CreateInstance
// and the service-linked role.
func TestCreateInstanceExistingDirectory(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	const base = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["connect:CreateInstance","iam:CreateServiceLinkedRole","iam:PutRolePolicy","iam:AttachRolePolicy"],"Resource":"*"}`
	dir := "arn:aws:ds:us-east-1:" + testAccount + ":directory/d-1234567890"
	tests := []struct {
		name, doc, denied string
	}{
		{"without ds permissions", base + `]}`, "ds:DescribeDirectories"},
		{"without AuthorizeApplication", base + `,{"Effect":"Allow","Action":"ds:DescribeDirectories","Resource":"*"}]}`, "ds:AuthorizeApplication on resource: " + dir},
		{"on another directory", base + `,{"Effect":"Allow","Action":"ds:*","Resource":"arn:aws:ds:*:*:directory/d-0000000000"},{"Effect":"Allow","Action":"ds:DescribeDirectories","Resource":"*"}]}`, "ds:AuthorizeApplication"},
		{"allowed", base + `,{"Effect":"Allow","Action":["ds:DescribeDirectories","ds:AuthorizeApplication"],"Resource":"*"}]}`, ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := e.principal(t, "dir"+string(rune('a'+i)), "", tt.doc)
			_, err := c.CreateInstance(ctx, &awsconnect.CreateInstanceInput{IdentityManagementType: types.DirectoryTypeExistingDirectory,
				DirectoryId: aws.String("d-1234567890"), InboundCallsEnabled: aws.Bool(true), OutboundCallsEnabled: aws.Bool(false)})
			if tt.denied == "" {
				if err != nil {
					t.Fatalf("CreateInstance: %v", err)
				}
				return
			}
			code, msg := apiError(t, err)
			if code != "AccessDeniedException" || !strings.Contains(msg, tt.denied) {
				t.Errorf("error %s %q, want AccessDeniedException naming %s", code, msg, tt.denied)
			}
		})
	}
}
