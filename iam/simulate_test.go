package iam

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// TestSimulateCustomPolicy checks decisions, matched statements and missing
// context keys as the SDK parses them.
func TestSimulateCustomPolicy(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	read, write := fixture(t, "s3-read.json"), fixture(t, "tagged-write.json")
	tests := []struct {
		name     string
		policies []string
		boundary []string
		action   string
		resource string
		context  []types.ContextEntry
		decision types.PolicyEvaluationDecisionType
		matched  []int // start lines of matched statements
		missing  []string
		boundOK  *bool
	}{
		{"allowed by a statement", []string{read}, nil, "s3:GetObject", "arn:aws:s3:::reports/q1.csv", nil,
			types.PolicyEvaluationDecisionTypeAllowed, []int{4}, nil, nil},
		{"explicit deny", []string{read}, nil, "s3:DeleteObject", "arn:aws:s3:::reports/q1.csv", nil,
			types.PolicyEvaluationDecisionTypeExplicitDeny, []int{10}, nil, nil},
		{"no statement matches", []string{read}, nil, "s3:GetObject", "arn:aws:s3:::other/x", nil,
			types.PolicyEvaluationDecisionTypeImplicitDeny, nil, nil, nil},
		{"condition key missing", []string{write}, nil, "s3:PutObject", "arn:aws:s3:::b/k", nil,
			types.PolicyEvaluationDecisionTypeImplicitDeny, nil, []string{"aws:ResourceTag/team"}, nil},
		{"condition key given", []string{write}, nil, "s3:PutObject", "arn:aws:s3:::b/k",
			[]types.ContextEntry{{ContextKeyName: aws.String("aws:ResourceTag/team"), ContextKeyType: types.ContextKeyTypeEnumString, ContextKeyValues: []string{"blue"}}},
			types.PolicyEvaluationDecisionTypeAllowed, []int{4}, nil, nil},
		{"boundary denies", []string{fixture(t, "boundary-s3-only.json")}, []string{read}, "s3:PutObject", "arn:aws:s3:::b/k", nil,
			types.PolicyEvaluationDecisionTypeImplicitDeny, []int{4}, nil, aws.Bool(false)},
		{"boundary allows", []string{fixture(t, "boundary-s3-only.json")}, []string{fixture(t, "boundary-s3-only.json")}, "s3:PutObject", "arn:aws:s3:::b/k", nil,
			types.PolicyEvaluationDecisionTypeAllowed, []int{4, 4}, nil, aws.Bool(true)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := must(e.client.SimulateCustomPolicy(ctx, &awsiam.SimulateCustomPolicyInput{PolicyInputList: tt.policies,
				PermissionsBoundaryPolicyInputList: tt.boundary, ActionNames: []string{tt.action}, ResourceArns: []string{tt.resource},
				ContextEntries: tt.context}))(t)
			if len(out.EvaluationResults) != 1 {
				t.Fatalf("%d results", len(out.EvaluationResults))
			}
			r := out.EvaluationResults[0]
			if r.EvalDecision != tt.decision || aws.ToString(r.EvalActionName) != tt.action || aws.ToString(r.EvalResourceName) != tt.resource {
				t.Errorf("result = %s %s %s, want %s", aws.ToString(r.EvalActionName), aws.ToString(r.EvalResourceName), r.EvalDecision, tt.decision)
			}
			var lines []int
			for _, m := range r.MatchedStatements {
				lines = append(lines, int(m.StartPosition.Line))
			}
			if !slices.Equal(lines, tt.matched) {
				t.Errorf("matched statements at lines %v, want %v", lines, tt.matched)
			}
			if !slices.Equal(r.MissingContextValues, tt.missing) && !(len(r.MissingContextValues) == 0 && len(tt.missing) == 0) {
				t.Errorf("missing context values %v, want %v", r.MissingContextValues, tt.missing)
			}
			switch {
			case tt.boundOK == nil && r.PermissionsBoundaryDecisionDetail != nil:
				t.Errorf("boundary detail without a boundary")
			case tt.boundOK != nil && (r.PermissionsBoundaryDecisionDetail == nil || r.PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary != *tt.boundOK):
				t.Errorf("boundary detail = %+v, want allowed=%v", r.PermissionsBoundaryDecisionDetail, *tt.boundOK)
			}
		})
	}
	_, err := e.client.SimulateCustomPolicy(ctx, &awsiam.SimulateCustomPolicyInput{PolicyInputList: []string{`{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"many"}}}]}`},
		ActionNames: []string{"s3:GetObject"}})
	if code, _ := apiError(t, err); code != "MalformedPolicyDocument" {
		t.Errorf("an uncompilable input policy: %v", err)
	}
}

// TestSimulatePrincipalPolicy simulates a user's own and group policies.
func TestSimulatePrincipalPolicy(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	c := e.client
	u := must(c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("ana")}))(t)
	must(c.CreateGroup(ctx, &awsiam.CreateGroupInput{GroupName: aws.String("readers")}))(t)
	must(c.AddUserToGroup(ctx, &awsiam.AddUserToGroupInput{GroupName: aws.String("readers"), UserName: aws.String("ana")}))(t)
	must(c.PutGroupPolicy(ctx, &awsiam.PutGroupPolicyInput{GroupName: aws.String("readers"), PolicyName: aws.String("read"), PolicyDocument: aws.String(fixture(t, "s3-read.json"))}))(t)
	must(c.AttachUserPolicy(ctx, &awsiam.AttachUserPolicyInput{UserName: aws.String("ana"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonConnectReadOnlyAccess")}))(t)
	out := must(c.SimulatePrincipalPolicy(ctx, &awsiam.SimulatePrincipalPolicyInput{PolicySourceArn: u.User.Arn,
		ActionNames:  []string{"s3:GetObject", "connect:DescribeUser", "connect:AdminGetEmergencyAccessToken", "iam:CreateUser"},
		ResourceArns: []string{"arn:aws:s3:::reports/a"}}))(t)
	want := map[string]types.PolicyEvaluationDecisionType{
		"s3:GetObject":                         types.PolicyEvaluationDecisionTypeAllowed,
		"connect:DescribeUser":                 types.PolicyEvaluationDecisionTypeAllowed,
		"connect:AdminGetEmergencyAccessToken": types.PolicyEvaluationDecisionTypeExplicitDeny,
		"iam:CreateUser":                       types.PolicyEvaluationDecisionTypeImplicitDeny,
	}
	if len(out.EvaluationResults) != len(want) {
		t.Fatalf("%d results", len(out.EvaluationResults))
	}
	for _, r := range out.EvaluationResults {
		if w := want[aws.ToString(r.EvalActionName)]; r.EvalDecision != w {
			t.Errorf("%s = %s, want %s", aws.ToString(r.EvalActionName), r.EvalDecision, w)
		}
		if aws.ToString(r.EvalActionName) == "s3:GetObject" && (len(r.MatchedStatements) != 1 ||
			aws.ToString(r.MatchedStatements[0].SourcePolicyId) != "read" || r.MatchedStatements[0].SourcePolicyType != types.PolicySourceTypeGroup) {
			t.Errorf("s3:GetObject matched %+v", r.MatchedStatements)
		}
		if aws.ToString(r.EvalActionName) == "connect:DescribeUser" && (len(r.MatchedStatements) != 1 ||
			r.MatchedStatements[0].SourcePolicyType != types.PolicySourceTypeAwsManaged) {
			t.Errorf("connect:DescribeUser matched %+v", r.MatchedStatements)
		}
	}
	page := must(c.SimulatePrincipalPolicy(ctx, &awsiam.SimulatePrincipalPolicyInput{PolicySourceArn: u.User.Arn,
		ActionNames: []string{"s3:GetObject", "s3:PutObject", "s3:ListBucket"}, MaxItems: aws.Int32(2)}))(t)
	if len(page.EvaluationResults) != 2 || !page.IsTruncated {
		t.Fatalf("first page: %d results, truncated %v", len(page.EvaluationResults), page.IsTruncated)
	}
	rest := must(c.SimulatePrincipalPolicy(ctx, &awsiam.SimulatePrincipalPolicyInput{PolicySourceArn: u.User.Arn,
		ActionNames: []string{"s3:GetObject", "s3:PutObject", "s3:ListBucket"}, MaxItems: aws.Int32(2), Marker: page.Marker}))(t)
	if len(rest.EvaluationResults) != 1 || rest.IsTruncated || aws.ToString(rest.EvaluationResults[0].EvalActionName) != "s3:ListBucket" {
		t.Errorf("second page = %+v", rest.EvaluationResults)
	}
	_, err := c.SimulatePrincipalPolicy(ctx, &awsiam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String("arn:aws:iam::123456789012:user/nobody"), ActionNames: []string{"s3:GetObject"}})
	if code, _ := apiError(t, err); code != "NoSuchEntity" {
		t.Errorf("simulating a missing user: %v", err)
	}
}

// TestGetAccountAuthorizationDetails checks the account snapshot and its
// pagination.
func TestGetAccountAuthorizationDetails(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	c := e.client
	must(c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("u1"), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}))(t)
	must(c.CreateGroup(ctx, &awsiam.CreateGroupInput{GroupName: aws.String("g1")}))(t)
	must(c.AddUserToGroup(ctx, &awsiam.AddUserToGroupInput{GroupName: aws.String("g1"), UserName: aws.String("u1")}))(t)
	must(c.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("u1"), PolicyName: aws.String("inl"), PolicyDocument: aws.String(fixture(t, "s3-read.json"))}))(t)
	must(c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("r1"), AssumeRolePolicyDocument: aws.String(fixture(t, "trust-ec2.json"))}))(t)
	must(c.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: aws.String("r1"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}))(t)
	must(c.CreatePolicy(ctx, &awsiam.CreatePolicyInput{PolicyName: aws.String("local"), PolicyDocument: aws.String(fixture(t, "tagged-write.json"))}))(t)

	all := must(c.GetAccountAuthorizationDetails(ctx, &awsiam.GetAccountAuthorizationDetailsInput{}))(t)
	if len(all.UserDetailList) != 2 || len(all.GroupDetailList) != 1 || len(all.RoleDetailList) != 1 || len(all.Policies) != 2 || all.IsTruncated {
		t.Fatalf("details: %d users, %d groups, %d roles, %d policies", len(all.UserDetailList), len(all.GroupDetailList), len(all.RoleDetailList), len(all.Policies))
	}
	var u1 types.UserDetail
	for _, u := range all.UserDetailList {
		if aws.ToString(u.UserName) == "u1" {
			u1 = u
		}
	}
	if len(u1.UserPolicyList) != 1 || decode(t, aws.ToString(u1.UserPolicyList[0].PolicyDocument)) != fixture(t, "s3-read.json") ||
		!slices.Equal(u1.GroupList, []string{"g1"}) || len(u1.Tags) != 1 {
		t.Errorf("u1 detail = %+v", u1)
	}
	r1 := all.RoleDetailList[0]
	if len(r1.AttachedManagedPolicies) != 1 || decode(t, aws.ToString(r1.AssumeRolePolicyDocument)) != fixture(t, "trust-ec2.json") {
		t.Errorf("r1 detail = %+v", r1)
	}
	for _, p := range all.Policies {
		if len(p.PolicyVersionList) == 0 || p.PolicyVersionList[0].Document == nil {
			t.Errorf("policy %s has no version document", aws.ToString(p.PolicyName))
		}
	}
	only := must(c.GetAccountAuthorizationDetails(ctx, &awsiam.GetAccountAuthorizationDetailsInput{Filter: []types.EntityType{types.EntityTypeAWSManagedPolicy}}))(t)
	if len(only.Policies) != 1 || aws.ToString(only.Policies[0].PolicyName) != "ReadOnlyAccess" || len(only.UserDetailList) != 0 {
		t.Errorf("Filter=AWSManagedPolicy = %d policies, %d users", len(only.Policies), len(only.UserDetailList))
	}
	count := 0
	var marker *string
	for i := 0; i < 10; i++ {
		p := must(c.GetAccountAuthorizationDetails(ctx, &awsiam.GetAccountAuthorizationDetailsInput{MaxItems: aws.Int32(2), Marker: marker}))(t)
		count += len(p.UserDetailList) + len(p.GroupDetailList) + len(p.RoleDetailList) + len(p.Policies)
		if !p.IsTruncated {
			break
		}
		marker = p.Marker
	}
	if count != 6 {
		t.Errorf("paging through details saw %d items, want 6", count)
	}
}
