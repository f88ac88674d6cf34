package e2e_test

import (
	"context"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconnect "github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/connect-iam/connect-iam/internal/mfa"
)

// TestMFA is the seed's best practice "Require multi-factor
// authentication" end to end with the AWS SDK: a policy that allows
// connect:* only with aws:MultiFactorAuthPresent denies the user's
// long-term keys and a session without MFA, allows a GetSessionToken
// session with the virtual device's code, refuses the same code again, and
// denies once aws:MultiFactorAuthAge passes the policy's limit; a role
// whose trust policy requires MFA can be assumed only with a code.
func TestMFA(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	admin := srv.iam(clientOptions{})
	user := srv.iamPrincipal(t, "mfa-user", "", mfaFixture(t, "require-mfa.json"))
	if _, err := admin.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("operator"),
		AssumeRolePolicyDocument: aws.String(mfaFixture(t, "trust-mfa.json"))}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("operator"), PolicyName: aws.String("connect"),
		PolicyDocument: aws.String(mfaFixture(t, "require-mfa.json"))}); err != nil {
		t.Fatal(err)
	}
	listInstances := func(o clientOptions) error {
		c := awsconnect.NewFromConfig(srv.config(o), func(opt *awsconnect.Options) {
			if sg := o.signer(); sg != nil {
				opt.HTTPSignerV4 = sg
			}
		})
		_, err := c.ListInstances(ctx, &awsconnect.ListInstancesInput{})
		return err
	}
	sessionOf := func(c *sts.GetSessionTokenOutput) clientOptions {
		return clientOptions{key: aws.ToString(c.Credentials.AccessKeyId), secret: aws.ToString(c.Credentials.SecretAccessKey),
			token: aws.ToString(c.Credentials.SessionToken), skew: user.skew}
	}
	user.skew = &atomic.Int64{}
	stsUser := srv.sts(user)

	// Without MFA: the long-term key and a plain session are denied.
	wantAPIError(t, listInstances(user), "AccessDeniedException", "User: arn:aws:iam::"+account+":user/mfa-user is not authorized to perform: connect:ListInstances")
	plain, err := stsUser.GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, listInstances(sessionOf(plain)), "AccessDeniedException", "User: arn:aws:iam::"+account+":user/mfa-user is not authorized")
	_, err = stsUser.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + account + ":role/operator"), RoleSessionName: aws.String("op")})
	wantAPIError(t, err, "AccessDenied", "User: arn:aws:iam::"+account+":user/mfa-user is not authorized to perform: sts:AssumeRole")

	// The administrator gives the user a virtual MFA device.
	dev, err := admin.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("mfa-user")})
	if err != nil {
		t.Fatal(err)
	}
	serial := dev.VirtualMFADevice.SerialNumber
	seed := string(dev.VirtualMFADevice.Base32StringSeed)
	code := func(offset time.Duration) string {
		t.Helper()
		c, err := mfa.Code(seed, srv.clock.Now().Add(offset))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	enableCode := code(0)
	if _, err := admin.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String("mfa-user"), SerialNumber: serial,
		AuthenticationCode1: aws.String(code(-mfa.Period)), AuthenticationCode2: aws.String(enableCode)}); err != nil {
		t.Fatal(err)
	}

	// A wrong code, and a code the device already accepted, are refused.
	_, err = stsUser.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: serial, TokenCode: aws.String(wrong(code(0)))})
	wantAPIError(t, err, "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.")
	_, err = stsUser.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: serial, TokenCode: aws.String(enableCode)})
	wantAPIError(t, err, "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.")
	_, err = stsUser.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String("arn:aws:iam::" + account + ":mfa/nobody"), TokenCode: aws.String(code(0))})
	wantAPIError(t, err, "AccessDenied", "MultiFactorAuthentication failed, unable to validate MFA code.")

	_, err = stsUser.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: serial})
	wantAPIError(t, err, "ValidationError", "TokenCode is required with SerialNumber")

	// A minute later, the device's current code opens an MFA session.
	srv.clock.Set(time.Minute)
	user.skew.Store(int64(time.Minute))
	signIn := code(0)
	withMFA, err := stsUser.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: serial, TokenCode: aws.String(signIn)})
	if err != nil {
		t.Fatalf("GetSessionToken with MFA: %v", err)
	}
	if err := listInstances(sessionOf(withMFA)); err != nil {
		t.Fatalf("ListInstances with an MFA session: %v", err)
	}
	_, err = stsUser.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: serial, TokenCode: aws.String(signIn)})
	wantAPIError(t, err, "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.")

	// The role whose trust policy requires MFA, assumed with the next code.
	srv.clock.Set(2 * time.Minute)
	user.skew.Store(int64(2 * time.Minute))
	role, err := stsUser.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + account + ":role/operator"),
		RoleSessionName: aws.String("op"), SerialNumber: serial, TokenCode: aws.String(code(0))})
	if err != nil {
		t.Fatalf("AssumeRole with MFA: %v", err)
	}
	roleSession := clientOptions{key: aws.ToString(role.Credentials.AccessKeyId), secret: aws.ToString(role.Credentials.SecretAccessKey),
		token: aws.ToString(role.Credentials.SessionToken), skew: user.skew}
	if err := listInstances(roleSession); err != nil {
		t.Fatalf("ListInstances as the role session assumed with MFA: %v", err)
	}

	// Twenty minutes later aws:MultiFactorAuthAge exceeds 900 seconds.
	srv.clock.Set(22 * time.Minute)
	user.skew.Store(int64(22 * time.Minute))
	wantAPIError(t, listInstances(sessionOf(withMFA)), "AccessDeniedException", "User: arn:aws:iam::"+account+":user/mfa-user is not authorized to perform: connect:ListInstances")
	wantAPIError(t, listInstances(roleSession), "AccessDeniedException", "User: arn:aws:sts::"+account+":assumed-role/operator/op is not authorized")
}

// wrong returns a six-digit code different from c.
func wrong(c string) string {
	b := []byte(c)
	b[0] = '0' + (b[0]-'0'+1)%10
	return string(b)
}

// mfaFixture returns the policy testdata/mfa/name.
func mfaFixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "mfa", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
