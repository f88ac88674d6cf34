package server

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	aatypes "github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	connecttypes "github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

func sdkConfig(url string, creds sigv4Creds) aws.Config {
	return aws.Config{
		Region:       "eu-central-1",
		Credentials:  credentials.NewStaticCredentialsProvider(creds.id, creds.secret, creds.token),
		BaseEndpoint: aws.String(url),
	}
}

type sigv4Creds struct{ id, secret, token string }

// TestSDKClients drives one server with the unmodified iam, sts, connect
// and accessanalyzer clients of aws-sdk-go-v2 on one endpoint: the server
// must pick the protocol from each client's signing name and answer in the
// format that client parses, successes and errors alike.
func TestSDKClients(t *testing.T) {
	s, _ := newTestServer(t, Config{})
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	ctx := context.Background()
	admin := sdkConfig(ts.URL, sigv4Creds{adminCreds.AccessKeyID, adminCreds.SecretAccessKey, ""})
	temp := sdkConfig(ts.URL, sigv4Creds{tempCreds.AccessKeyID, tempCreds.SecretAccessKey, tempCreds.SessionToken})
	bad := sdkConfig(ts.URL, sigv4Creds{adminCreds.AccessKeyID, "wrong-secret", ""})
	nobody := sdkConfig(ts.URL, sigv4Creds{"AKIANOBODY", "x", ""})

	out, err := iam.NewFromConfig(temp).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob")})
	if err != nil {
		t.Fatalf("iam CreateUser: %v", err)
	}
	if aws.ToString(out.User.UserName) != "bob" {
		t.Errorf("CreateUser user = %+v", out.User)
	}
	id, err := sts.NewFromConfig(admin).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Arn) != "arn:aws:iam::123456789012:user/admin" {
		t.Errorf("sts GetCallerIdentity = %+v, %v", id, err)
	}
	du, err := connect.NewFromConfig(admin).DescribeUser(ctx, &connect.DescribeUserInput{InstanceId: aws.String("i-1"), UserId: aws.String("u-9")})
	if err != nil || aws.ToString(du.User.Id) != "u-9" || aws.ToString(du.User.Username) != "admin" {
		t.Errorf("connect DescribeUser = %+v, %v", du, err)
	}
	vp, err := accessanalyzer.NewFromConfig(admin).ValidatePolicy(ctx, &accessanalyzer.ValidatePolicyInput{
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[]}`), PolicyType: aatypes.PolicyTypeIdentityPolicy})
	if err != nil || vp.Findings == nil || len(vp.Findings) != 0 {
		t.Errorf("accessanalyzer ValidatePolicy = %+v, %v", vp, err)
	}

	errTests := []struct {
		name string
		call func() error
		code string
	}{
		{"iam denied", func() error {
			_, err := iam.NewFromConfig(admin).DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("bob")})
			return err
		}, "AccessDenied"},
		{"iam bad signature", func() error {
			_, err := iam.NewFromConfig(bad).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob")})
			return err
		}, "SignatureDoesNotMatch"},
		{"sts unknown key", func() error {
			_, err := sts.NewFromConfig(nobody).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			return err
		}, "InvalidClientTokenId"},
		{"connect bad signature", func() error {
			_, err := connect.NewFromConfig(bad).DescribeUser(ctx, &connect.DescribeUserInput{InstanceId: aws.String("i"), UserId: aws.String("u")})
			return err
		}, "InvalidSignatureException"},
		{"connect unknown key", func() error {
			_, err := connect.NewFromConfig(nobody).DescribeUser(ctx, &connect.DescribeUserInput{InstanceId: aws.String("i"), UserId: aws.String("u")})
			return err
		}, "UnrecognizedClientException"},
		{"connect not found", func() error {
			_, err := connect.NewFromConfig(admin).DescribeUser(ctx, &connect.DescribeUserInput{InstanceId: aws.String("i"), UserId: aws.String("missing")})
			var nf *connecttypes.ResourceNotFoundException
			if err != nil && !errors.As(err, &nf) {
				t.Errorf("error %T is not the modeled ResourceNotFoundException", err)
			}
			return err
		}, "ResourceNotFoundException"},
		{"connect unregistered operation", func() error {
			_, err := connect.NewFromConfig(admin).ListUsers(ctx, &connect.ListUsersInput{InstanceId: aws.String("i")})
			return err
		}, "UnknownOperationException"},
	}
	for _, tt := range errTests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			var apiErr smithy.APIError
			if !errors.As(err, &apiErr) || apiErr.ErrorCode() != tt.code {
				t.Errorf("error = %v, want API error %s", err, tt.code)
			}
		})
	}
}
