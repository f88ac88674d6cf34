package iam

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// detailNames flattens a details page into "kind:name" in output order.
func detailNames(p *awsiam.GetAccountAuthorizationDetailsOutput) []string {
	var out []string
	for _, u := range p.UserDetailList {
		out = append(out, "user:"+aws.ToString(u.UserName)+fmt.Sprint(u.GroupList, len(u.AttachedManagedPolicies)))
	}
	for _, g := range p.GroupDetailList {
		out = append(out, "group:"+aws.ToString(g.GroupName))
	}
	for _, r := range p.RoleDetailList {
		out = append(out, "role:"+aws.ToString(r.RoleName))
	}
	for _, pol := range p.Policies {
		out = append(out, fmt.Sprintf("policy:%s:%d", aws.ToString(pol.Arn), aws.ToInt32(pol.AttachmentCount)))
	}
	return out
}

// TestGetAccountAuthorizationDetailsPaging checks that every page size
// yields the same items, in the same order, as one big page, with and
// without a filter, and that the AWS managed policies in use include
// those used only as a permissions boundary.
func TestGetAccountAuthorizationDetailsPaging(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	c := e.client
	for i := range 5 {
		must(c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String(fmt.Sprintf("u%d", i))}))(t)
	}
	must(c.PutUserPermissionsBoundary(ctx, &awsiam.PutUserPermissionsBoundaryInput{UserName: aws.String("u1"),
		PermissionsBoundary: aws.String("arn:aws:iam::aws:policy/PowerUserAccess")}))(t)
	must(c.CreateGroup(ctx, &awsiam.CreateGroupInput{GroupName: aws.String("g1")}))(t)
	must(c.AddUserToGroup(ctx, &awsiam.AddUserToGroupInput{GroupName: aws.String("g1"), UserName: aws.String("u2")}))(t)
	must(c.AttachGroupPolicy(ctx, &awsiam.AttachGroupPolicyInput{GroupName: aws.String("g1"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}))(t)
	must(c.AttachUserPolicy(ctx, &awsiam.AttachUserPolicyInput{UserName: aws.String("u3"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}))(t)
	must(c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("r1"), AssumeRolePolicyDocument: aws.String(fixture(t, "trust-ec2.json"))}))(t)
	must(c.CreatePolicy(ctx, &awsiam.CreatePolicyInput{PolicyName: aws.String("local"), PolicyDocument: aws.String(fixture(t, "tagged-write.json"))}))(t)

	filters := [][]types.EntityType{nil, {types.EntityTypeUser, types.EntityTypeAWSManagedPolicy}, {types.EntityTypeRole}, {types.EntityTypeAWSManagedPolicy}}
	for _, filter := range filters {
		all := must(c.GetAccountAuthorizationDetails(ctx, &awsiam.GetAccountAuthorizationDetailsInput{Filter: filter, MaxItems: aws.Int32(1000)}))(t)
		want := detailNames(all)
		if all.IsTruncated || len(want) == 0 {
			t.Fatalf("filter %v: one page of 1000: truncated %v, %d items", filter, all.IsTruncated, len(want))
		}
		for _, size := range []int32{1, 2, 3, 7} {
			var got []string
			var marker *string
			for pages := 0; ; pages++ {
				if pages > 50 {
					t.Fatalf("filter %v, size %d: no end after 50 pages", filter, size)
				}
				p := must(c.GetAccountAuthorizationDetails(ctx, &awsiam.GetAccountAuthorizationDetailsInput{Filter: filter, MaxItems: aws.Int32(size), Marker: marker}))(t)
				n := len(detailNames(p))
				if n > int(size) || (p.IsTruncated && n == 0) {
					t.Fatalf("filter %v, size %d: a page of %d items (truncated %v)", filter, size, n, p.IsTruncated)
				}
				got = append(got, detailNames(p)...)
				if !p.IsTruncated {
					break
				}
				marker = p.Marker
			}
			if !slices.Equal(got, want) {
				t.Errorf("filter %v, pages of %d:\n got %v\nwant %v", filter, size, got, want)
			}
		}
	}
	only := must(c.GetAccountAuthorizationDetails(ctx, &awsiam.GetAccountAuthorizationDetailsInput{Filter: []types.EntityType{types.EntityTypeAWSManagedPolicy}}))(t)
	want := []string{"policy:arn:aws:iam::aws:policy/PowerUserAccess:0", "policy:arn:aws:iam::aws:policy/ReadOnlyAccess:2"}
	got := detailNames(only)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("AWS managed policies in use = %v, want %v", got, want)
	}
	_, err := c.GetAccountAuthorizationDetails(ctx, &awsiam.GetAccountAuthorizationDetailsInput{Marker: aws.String("not-a-marker")})
	if code, _ := apiError(t, err); code != "InvalidInput" {
		t.Errorf("a foreign marker: %v, want InvalidInput", err)
	}
}

// FuzzDetailsMarker checks that any marker decodes without panicking,
// to a section in range, and that every encoded marker decodes to what
// was encoded.
func FuzzDetailsMarker(f *testing.F) {
	f.Add("", 0, "")
	f.Add("MDo", 3, "dXNlcjAw")
	f.Add("not-a-marker", 4, "17")
	f.Fuzz(func(t *testing.T, m string, sec int, inner string) {
		if s, _, err := decodeDetailsMarker(m); err == nil && (s < sectionUsers || s >= sectionEnd) {
			t.Fatalf("decodeDetailsMarker(%q) = section %d", m, s)
		}
		sec = sectionUsers + (sec%sectionEnd+sectionEnd)%sectionEnd
		gotSec, gotInner, err := decodeDetailsMarker(encodeDetailsMarker(sec, inner))
		if err != nil || gotSec != sec || gotInner != inner {
			t.Fatalf("round trip of (%d, %q) = (%d, %q, %v)", sec, inner, gotSec, gotInner, err)
		}
	})
}
