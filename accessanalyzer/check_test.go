package accessanalyzer_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	aa "github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	aatypes "github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	"github.com/aws/smithy-go"
)

const (
	refNoDelete = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":["connect:DeleteInstance","connect:DeleteQueue"],"Resource":"*"}]}`
	describeAll = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"connect:Describe*","Resource":"*"}]}`
	deleteAll   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"connect:Describe*","Resource":"*"},{"Sid":"Del","Effect":"Allow","Action":"connect:Delete*","Resource":"*"}]}`
	publicRead  = `{"Version":"2012-10-17","Statement":[{"Sid":"Public","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`
)

func TestCustomPolicyChecks(t *testing.T) {
	url := newServer(t)
	c := client(url, "admin")
	ctx := context.Background()

	nna, err := c.CheckNoNewAccess(ctx, &aa.CheckNoNewAccessInput{ExistingPolicyDocument: aws.String(refNoDelete), NewPolicyDocument: aws.String(describeAll), PolicyType: aatypes.AccessCheckPolicyTypeIdentityPolicy})
	if err != nil {
		t.Fatal(err)
	}
	if nna.Result != aatypes.CheckNoNewAccessResultPass || len(nna.Reasons) != 0 {
		t.Errorf("CheckNoNewAccess narrower: %s %+v", nna.Result, nna.Reasons)
	}
	nna, err = c.CheckNoNewAccess(ctx, &aa.CheckNoNewAccessInput{ExistingPolicyDocument: aws.String(refNoDelete), NewPolicyDocument: aws.String(deleteAll), PolicyType: aatypes.AccessCheckPolicyTypeIdentityPolicy})
	if err != nil {
		t.Fatal(err)
	}
	if nna.Result != aatypes.CheckNoNewAccessResultFail || len(nna.Reasons) != 1 || aws.ToInt32(nna.Reasons[0].StatementIndex) != 1 || aws.ToString(nna.Reasons[0].StatementId) != "Del" ||
		aws.ToString(nna.Reasons[0].Description) != "New access in the statement with index: 1." {
		t.Errorf("CheckNoNewAccess wider: %s %+v", nna.Result, nna.Reasons)
	}
	if aws.ToString(nna.Message) != "The modified permissions grant new access compared to your reference policy." {
		t.Errorf("message %q", aws.ToString(nna.Message))
	}

	ang, err := c.CheckAccessNotGranted(ctx, &aa.CheckAccessNotGrantedInput{PolicyDocument: aws.String(deleteAll), PolicyType: aatypes.AccessCheckPolicyTypeIdentityPolicy,
		Access: []aatypes.Access{{Actions: []string{"connect:DeleteInstance"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if ang.Result != aatypes.CheckAccessNotGrantedResultFail || len(ang.Reasons) != 1 {
		t.Errorf("CheckAccessNotGranted: %s %+v", ang.Result, ang.Reasons)
	}
	ang, err = c.CheckAccessNotGranted(ctx, &aa.CheckAccessNotGrantedInput{PolicyDocument: aws.String(describeAll), PolicyType: aatypes.AccessCheckPolicyTypeIdentityPolicy,
		Access: []aatypes.Access{{Actions: []string{"connect:DeleteInstance"}}, {Resources: []string{"arn:aws:connect:*:*:instance/i-prod"}, Actions: []string{"connect:UpdateInstanceAttribute"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if ang.Result != aatypes.CheckAccessNotGrantedResultPass {
		t.Errorf("CheckAccessNotGranted: %s %+v", ang.Result, ang.Reasons)
	}

	npa, err := c.CheckNoPublicAccess(ctx, &aa.CheckNoPublicAccessInput{PolicyDocument: aws.String(publicRead), ResourceType: aatypes.AccessCheckResourceTypeS3Bucket})
	if err != nil {
		t.Fatal(err)
	}
	if npa.Result != aatypes.CheckNoPublicAccessResultFail || len(npa.Reasons) != 1 || aws.ToString(npa.Reasons[0].StatementId) != "Public" {
		t.Errorf("CheckNoPublicAccess: %s %+v", npa.Result, npa.Reasons)
	}

	// Bad input is a ValidationException naming the field.
	_, err = c.CheckNoNewAccess(ctx, &aa.CheckNoNewAccessInput{ExistingPolicyDocument: aws.String(refNoDelete), NewPolicyDocument: aws.String(`{"Statement": [`), PolicyType: aatypes.AccessCheckPolicyTypeIdentityPolicy})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "ValidationException" {
		t.Errorf("malformed policy: %v, want ValidationException", err)
	}
	_, err = c.CheckNoPublicAccess(ctx, &aa.CheckNoPublicAccessInput{PolicyDocument: aws.String(publicRead), ResourceType: "AWS::Nope::Thing"})
	if !errors.As(err, &ae) || ae.ErrorCode() != "ValidationException" {
		t.Errorf("bad resource type: %v, want ValidationException", err)
	}

	// Authorized as access-analyzer:CheckNoNewAccess.
	_, err = client(url, "nobody").CheckNoNewAccess(ctx, &aa.CheckNoNewAccessInput{ExistingPolicyDocument: aws.String(refNoDelete), NewPolicyDocument: aws.String(describeAll), PolicyType: aatypes.AccessCheckPolicyTypeIdentityPolicy})
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDeniedException" {
		t.Errorf("nobody: %v, want AccessDeniedException", err)
	}
}
