package e2e_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
)

// TestValidatePolicy calls Access Analyzer's ValidatePolicy through the
// SDK: a clean policy has no error findings, a broken one has the
// validator's error with its location.
func TestValidatePolicy(t *testing.T) {
	srv := startServer(t)
	aa := srv.accessAnalyzer(clientOptions{})
	tests := []struct {
		name      string
		doc       string
		wantError bool
	}{
		{"valid", readUsersPolicy, false},
		{"unknown action", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUzer","Resource":"*"}]}`, true},
		{"missing resource", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser"}]}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := aa.ValidatePolicy(context.Background(), &accessanalyzer.ValidatePolicyInput{
				PolicyDocument: aws.String(tt.doc), PolicyType: types.PolicyTypeIdentityPolicy})
			if err != nil {
				t.Fatal(err)
			}
			gotError := false
			for _, f := range out.Findings {
				if f.FindingType == types.ValidatePolicyFindingTypeError {
					gotError = true
					if aws.ToString(f.IssueCode) == "" || aws.ToString(f.FindingDetails) == "" || len(f.Locations) == 0 {
						t.Errorf("error finding lacks code, details or location: %+v", f)
					}
				}
			}
			if gotError != tt.wantError {
				t.Errorf("error findings: %v, want %v; findings %+v", gotError, tt.wantError, out.Findings)
			}
		})
	}
}
