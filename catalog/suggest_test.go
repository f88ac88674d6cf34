package catalog

import (
	"slices"
	"testing"
)

func TestSuggest(t *testing.T) {
	tests := []struct {
		name  string
		first string // the expected best suggestion; "" for none
	}{
		{"app-integartions", "app-integrations"},
		{"conect", "connect"},
		{"CONECT", "connect"},
		{"connect-campaign", "connect-campaigns"},
		{"conect:CreateUser", "connect:CreateUser"},
		{"connect:CreateUsr", "connect:CreateUser"},
		{"connect:DescribeUsers", "connect:DescribeUser"},
		{"conect:CreateUsr", "connect:CreateUser"},
		{"app-integrations::ListEventIntegrations", "app-integrations:ListEventIntegrations"},
		{"app-integartions:ListEventIntegrations", "app-integrations:ListEventIntegrations"},
		{"connect:InstanceID2", "connect:InstanceId"},
		{"conect:Describe*", "connect:Describe*"},
		{"aws:SourceIpp", "aws:SourceIp"},
		{"aws:RequestTags/Owner", "aws:RequestTag/Owner"},
		{"aws:ResourceTagg", "aws:ResourceTag/${TagKey}"},
		{"arn:aws:conect:us-east-1:111122223333:instance/i-1", "arn:aws:connect:us-east-1:111122223333:instance/i-1"},
		{"connect:ResourceTag/Owner", "aws:ResourceTag/Owner"},
		{"connect:SourceIp", "aws:SourceIp"},
		{"connect", ""},
		{"connect:CreateUser", ""},
		{"zzzzzzzzzz", ""},
		{"connect:Zzzzzzzzzzzz", ""},
		{"arn:aws:connect:us-east-1:111122223333:instance/i-1", ""},
		{"arn:aws", ""},
	}
	c := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.Suggest(tt.name)
			if tt.first == "" {
				if len(got) != 0 {
					t.Errorf("Suggest(%q) = %v, want none", tt.name, got)
				}
				return
			}
			if len(got) == 0 || got[0] != tt.first {
				t.Errorf("Suggest(%q) = %v, want %q first", tt.name, got, tt.first)
			}
			if len(got) > maxSuggestions || slices.Contains(got, tt.name) {
				t.Errorf("Suggest(%q) = %v: too many, or contains the name itself", tt.name, got)
			}
		})
	}
}
