package connect

import (
	"context"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconnect "github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/connect-iam/connect-iam/authz"
)

// TestAuthorizationQuestions checks the questions each operation asks the
// authorizer: the action, one question per resource the reference lists
// for it (required ones and the optional ones the request names), and the
// service and tag keys of the request context.
func TestAuthorizationQuestions(t *testing.T) {
	rec := &recorder{}
	e := newEnv(t, func(a authz.Authorizer) authz.Authorizer { rec.next = a; return rec })
	ctx := context.Background()
	w := e.newWorld(t, "questions")
	sp2 := must(e.admin.CreateSecurityProfile(ctx, &awsconnect.CreateSecurityProfileInput{InstanceId: aws.String(w.instance),
		SecurityProfileName: aws.String("Supervisor"), Tags: map[string]string{"Level": "high"}}))(t)
	flow := must(e.admin.CreateContactFlow(ctx, &awsconnect.CreateContactFlowInput{InstanceId: aws.String(w.instance), Name: aws.String("Main"),
		Type: types.ContactFlowTypeContactFlow, Content: aws.String(fixture(t, "flow.json"))}))(t)
	rec.take()
	u := must(e.admin.CreateUser(ctx, &awsconnect.CreateUserInput{InstanceId: aws.String(w.instance), Username: aws.String("agent"),
		Password: aws.String("Passw0rd!x"), RoutingProfileId: aws.String(w.routing), SecurityProfileIds: []string{w.security, aws.ToString(sp2.SecurityProfileId)},
		HierarchyGroupId: aws.String(w.hierarchy), PhoneConfig: &types.UserPhoneConfig{PhoneType: types.PhoneTypeSoftPhone},
		Tags: map[string]string{"Owner": "TeamA"}}))(t)
	instARN := "arn:aws:connect:us-east-1:" + testAccount + ":instance/" + w.instance
	userARN := instARN + "/agent/" + aws.ToString(u.UserId)
	if aws.ToString(u.UserArn) != userARN {
		t.Fatalf("UserArn = %s, want %s", aws.ToString(u.UserArn), userARN)
	}
	create := rec.take()

	type question struct {
		action, resource string
		keys             map[string][]string // keys that must be present with these values
	}
	check := func(t *testing.T, got []authz.Request, want []question) {
		t.Helper()
		if len(got) != len(want) {
			var s []string
			for _, r := range got {
				s = append(s, r.Action+" "+r.Resource)
			}
			t.Fatalf("%d questions:\n%s\nwant %d", len(got), strings.Join(s, "\n"), len(want))
		}
		sort.Slice(got, func(i, j int) bool {
			return got[i].Resource < got[j].Resource || got[i].Resource == got[j].Resource && got[i].Action < got[j].Action
		})
		sort.Slice(want, func(i, j int) bool {
			return want[i].resource < want[j].resource || want[i].resource == want[j].resource && want[i].action < want[j].action
		})
		for i, q := range want {
			if got[i].Action != q.action || got[i].Resource != q.resource {
				t.Errorf("question %d = %s on %s, want %s on %s", i, got[i].Action, got[i].Resource, q.action, q.resource)
				continue
			}
			for k, v := range q.keys {
				if !slices.Equal(got[i].Context[k], v) {
					t.Errorf("%s on %s: context %s = %q, want %q", q.action, q.resource, k, got[i].Context[k], v)
				}
			}
		}
	}
	inst := map[string][]string{"connect:InstanceId": {w.instance}}
	t.Run("CreateUser", func(t *testing.T) {
		keys := map[string][]string{"connect:InstanceId": {w.instance}, "aws:RequestTag/Owner": {"TeamA"}, "aws:TagKeys": {"Owner"}}
		sp2Keys := map[string][]string{"aws:RequestTag/Owner": {"TeamA"}, "aws:ResourceTag/Level": {"high"}}
		check(t, create, []question{
			{"connect:CreateUser", userARN, keys},
			{"connect:CreateUser", instARN + "/routing-profile/" + w.routing, keys},
			{"connect:CreateUser", instARN + "/security-profile/" + w.security, keys},
			{"connect:CreateUser", instARN + "/security-profile/" + aws.ToString(sp2.SecurityProfileId), sp2Keys},
			{"connect:CreateUser", instARN + "/agent-group/" + w.hierarchy, keys},
			// Tagging on create needs connect:TagResource too.
			{"connect:TagResource", userARN, map[string][]string{"aws:RequestTag/Owner": {"TeamA"}, "aws:TagKeys": {"Owner"}}},
		})
	})
	calls := []struct {
		name string
		call func() error
		want []question
	}{
		{"DescribeUser", func() error {
			_, err := e.admin.DescribeUser(ctx, &awsconnect.DescribeUserInput{InstanceId: aws.String(w.instance), UserId: u.UserId})
			return err
		}, []question{{"connect:DescribeUser", userARN, map[string][]string{"connect:InstanceId": {w.instance}, "aws:ResourceTag/Owner": {"TeamA"}}}}},
		{"ListUsers", func() error {
			_, err := e.admin.ListUsers(ctx, &awsconnect.ListUsersInput{InstanceId: aws.String(w.instance)})
			return err
		}, []question{{"connect:ListUsers", instARN, inst}}},
		{"UpdateUserSecurityProfiles", func() error {
			_, err := e.admin.UpdateUserSecurityProfiles(ctx, &awsconnect.UpdateUserSecurityProfilesInput{InstanceId: aws.String(w.instance), UserId: u.UserId,
				SecurityProfileIds: []string{w.security}})
			return err
		}, []question{{"connect:UpdateUserSecurityProfiles", userARN, inst}, {"connect:UpdateUserSecurityProfiles", instARN + "/security-profile/" + w.security, inst}}},
		{"UpdateUserRoutingProfile", func() error {
			_, err := e.admin.UpdateUserRoutingProfile(ctx, &awsconnect.UpdateUserRoutingProfileInput{InstanceId: aws.String(w.instance), UserId: u.UserId,
				RoutingProfileId: aws.String(w.routing)})
			return err
		}, []question{{"connect:UpdateUserRoutingProfile", userARN, inst}, {"connect:UpdateUserRoutingProfile", instARN + "/routing-profile/" + w.routing, inst}}},
		{"UpdateUserHierarchy removing the group", func() error {
			_, err := e.admin.UpdateUserHierarchy(ctx, &awsconnect.UpdateUserHierarchyInput{InstanceId: aws.String(w.instance), UserId: u.UserId})
			return err
		}, []question{{"connect:UpdateUserHierarchy", userARN, inst}}},
		{"DescribeContactFlow", func() error {
			_, err := e.admin.DescribeContactFlow(ctx, &awsconnect.DescribeContactFlowInput{InstanceId: aws.String(w.instance), ContactFlowId: flow.ContactFlowId})
			return err
		}, []question{{"connect:DescribeContactFlow", aws.ToString(flow.ContactFlowArn), map[string][]string{"connect:FlowType": {"CONTACT_FLOW"}, "connect:InstanceId": {w.instance}}}}},
		{"ListQueues", func() error {
			_, err := e.admin.ListQueues(ctx, &awsconnect.ListQueuesInput{InstanceId: aws.String(w.instance)})
			return err
		}, []question{{"connect:ListQueues", instARN + "/queue/*", inst}}},
		{"SearchUsers", func() error {
			_, err := e.admin.SearchUsers(ctx, &awsconnect.SearchUsersInput{InstanceId: aws.String(w.instance),
				SearchFilter: &types.UserSearchFilter{TagFilter: &types.ControlPlaneTagFilter{TagCondition: &types.TagCondition{TagKey: aws.String("Owner"), TagValue: aws.String("TeamA")}}}})
			return err
		}, []question{{"connect:SearchUsers", instARN, map[string][]string{"connect:SearchTag/Owner": {"TeamA"}, "connect:InstanceId": {w.instance}}}}},
		{"UpdateQueueName", func() error {
			_, err := e.admin.UpdateQueueName(ctx, &awsconnect.UpdateQueueNameInput{InstanceId: aws.String(w.instance), QueueId: aws.String(w.queue),
				Name: aws.String("Support tier 1")})
			return err
		}, []question{{"connect:UpdateQueueName", instARN + "/queue/" + w.queue, inst}}},
		{"UpdateContactFlowContent", func() error {
			_, err := e.admin.UpdateContactFlowContent(ctx, &awsconnect.UpdateContactFlowContentInput{InstanceId: aws.String(w.instance),
				ContactFlowId: flow.ContactFlowId, Content: aws.String(fixture(t, "flow.json"))})
			return err
		}, []question{{"connect:UpdateContactFlowContent", aws.ToString(flow.ContactFlowArn), map[string][]string{"connect:FlowType": {"CONTACT_FLOW"}, "connect:InstanceId": {w.instance}}}}},
		{"UpdateHoursOfOperation", func() error {
			_, err := e.admin.UpdateHoursOfOperation(ctx, &awsconnect.UpdateHoursOfOperationInput{InstanceId: aws.String(w.instance),
				HoursOfOperationId: aws.String(w.hours), TimeZone: aws.String("Europe/Berlin")})
			return err
		}, []question{{"connect:UpdateHoursOfOperation", instARN + "/operating-hours/" + w.hours, inst}}},
		{"SearchQueues", func() error {
			_, err := e.admin.SearchQueues(ctx, &awsconnect.SearchQueuesInput{InstanceId: aws.String(w.instance),
				SearchFilter: &types.QueueSearchFilter{TagFilter: &types.ControlPlaneTagFilter{OrConditions: [][]types.TagCondition{
					{{TagKey: aws.String("Department"), TagValue: aws.String("Test")}}, {{TagKey: aws.String("Department"), TagValue: aws.String("QA")}}}}}})
			return err
		}, []question{{"connect:SearchQueues", instARN, map[string][]string{"connect:SearchTag/Department": {"Test", "QA"}, "connect:InstanceId": {w.instance}}}}},
		{"UntagResource", func() error {
			_, err := e.admin.UntagResource(ctx, &awsconnect.UntagResourceInput{ResourceArn: aws.String(userARN), TagKeys: []string{"Owner", "Nope"}})
			return err
		}, []question{{"connect:UntagResource", userARN, map[string][]string{"aws:TagKeys": {"Nope", "Owner"}, "aws:ResourceTag/Owner": {"TeamA"}}}}},
	}
	for _, tt := range calls {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); err != nil {
				t.Fatal(err)
			}
			check(t, rec.take(), tt.want)
		})
	}
	t.Run("CreateInstance", func(t *testing.T) {
		out, err := e.admin.CreateInstance(ctx, &awsconnect.CreateInstanceInput{IdentityManagementType: types.DirectoryTypeSaml, InstanceAlias: aws.String("second"),
			InboundCallsEnabled: aws.Bool(true), OutboundCallsEnabled: aws.Bool(true), Tags: map[string]string{"env": "dev"}})
		if err != nil {
			t.Fatal(err)
		}
		tags := map[string][]string{"aws:RequestTag/env": {"dev"}, "aws:TagKeys": {"env"}}
		check(t, rec.take(), []question{{"connect:CreateInstance", "*", tags}, {"connect:TagResource", aws.ToString(out.Arn), tags}})
	})
}
