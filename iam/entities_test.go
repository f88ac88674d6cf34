package iam

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/connect-iam/connect-iam/store"
)

// TestRecordEntities drives instance profiles, SSH public keys, signing
// and server certificates and service-specific credentials through the
// SDK: each step's error code (or success) is checked.
func TestRecordEntities(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	c := e.client
	must(c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("alice")}))(t)
	must(c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("web"), AssumeRolePolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)}))(t)
	must(c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("db"), AssumeRolePolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)}))(t)
	cert, key, ca, other := fixture(t, "certs/server.pem"), fixture(t, "certs/server.key"), fixture(t, "certs/ca.pem"), fixture(t, "certs/other.key")
	pub := strings.TrimSpace(fixture(t, "certs/server.pub"))
	var sshID, credID string
	steps := []struct {
		name string
		do   func() error
		want string // error code, "" for success
	}{
		{"create profile", func() error {
			out, err := c.CreateInstanceProfile(ctx, &awsiam.CreateInstanceProfileInput{InstanceProfileName: aws.String("web"), Path: aws.String("/app/"),
				Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("a")}}})
			if err == nil && (aws.ToString(out.InstanceProfile.Arn) != "arn:aws:iam::"+testAccount+":instance-profile/app/web" ||
				!strings.HasPrefix(aws.ToString(out.InstanceProfile.InstanceProfileId), "AIPA") || len(out.InstanceProfile.Tags) != 1) {
				t.Errorf("CreateInstanceProfile = %+v", out.InstanceProfile)
			}
			return err
		}, ""},
		{"duplicate profile", func() error {
			_, err := c.CreateInstanceProfile(ctx, &awsiam.CreateInstanceProfileInput{InstanceProfileName: aws.String("WEB")})
			return err
		}, "EntityAlreadyExists"},
		{"add role", func() error {
			_, err := c.AddRoleToInstanceProfile(ctx, &awsiam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("web"), RoleName: aws.String("web")})
			return err
		}, ""},
		{"second role", func() error {
			_, err := c.AddRoleToInstanceProfile(ctx, &awsiam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("web"), RoleName: aws.String("db")})
			return err
		}, "LimitExceeded"},
		{"unknown role", func() error {
			_, err := c.AddRoleToInstanceProfile(ctx, &awsiam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("web"), RoleName: aws.String("nope")})
			return err
		}, "NoSuchEntity"},
		{"profiles for role", func() error {
			out, err := c.ListInstanceProfilesForRole(ctx, &awsiam.ListInstanceProfilesForRoleInput{RoleName: aws.String("web")})
			if err == nil && (len(out.InstanceProfiles) != 1 || len(out.InstanceProfiles[0].Roles) != 1) {
				t.Errorf("ListInstanceProfilesForRole = %+v", out.InstanceProfiles)
			}
			return err
		}, ""},
		{"list by prefix", func() error {
			out, err := c.ListInstanceProfiles(ctx, &awsiam.ListInstanceProfilesInput{PathPrefix: aws.String("/other/")})
			if err == nil && len(out.InstanceProfiles) != 0 {
				t.Errorf("ListInstanceProfiles /other/ = %+v", out.InstanceProfiles)
			}
			return err
		}, ""},
		{"delete profile with role", func() error {
			_, err := c.DeleteInstanceProfile(ctx, &awsiam.DeleteInstanceProfileInput{InstanceProfileName: aws.String("web")})
			return err
		}, "DeleteConflict"},
		{"tag profile", func() error {
			_, err := c.TagInstanceProfile(ctx, &awsiam.TagInstanceProfileInput{InstanceProfileName: aws.String("web"),
				Tags: []types.Tag{{Key: aws.String("TEAM"), Value: aws.String("b")}, {Key: aws.String("env"), Value: aws.String("prod")}}})
			if err == nil {
				out := must(c.ListInstanceProfileTags(ctx, &awsiam.ListInstanceProfileTagsInput{InstanceProfileName: aws.String("web")}))(t)
				if len(out.Tags) != 2 {
					t.Errorf("tags after TagInstanceProfile (team regardless of case): %+v", out.Tags)
				}
			}
			return err
		}, ""},
		{"remove role and delete", func() error {
			must(c.RemoveRoleFromInstanceProfile(ctx, &awsiam.RemoveRoleFromInstanceProfileInput{InstanceProfileName: aws.String("web"), RoleName: aws.String("web")}))(t)
			_, err := c.DeleteInstanceProfile(ctx, &awsiam.DeleteInstanceProfileInput{InstanceProfileName: aws.String("web")})
			return err
		}, ""},
		{"get deleted profile", func() error {
			_, err := c.GetInstanceProfile(ctx, &awsiam.GetInstanceProfileInput{InstanceProfileName: aws.String("web")})
			return err
		}, "NoSuchEntity"},

		{"upload ssh key", func() error {
			out, err := c.UploadSSHPublicKey(ctx, &awsiam.UploadSSHPublicKeyInput{UserName: aws.String("alice"), SSHPublicKeyBody: aws.String(pub + " alice@host")})
			if err == nil {
				sshID = aws.ToString(out.SSHPublicKey.SSHPublicKeyId)
				if out.SSHPublicKey.Fingerprint == nil || *out.SSHPublicKey.Fingerprint != "d2:5a:00:bc:78:59:3e:93:f1:52:e6:98:24:1a:87:5f" {
					t.Errorf("Fingerprint = %v", aws.ToString(out.SSHPublicKey.Fingerprint))
				}
			}
			return err
		}, ""},
		{"duplicate ssh key", func() error {
			_, err := c.UploadSSHPublicKey(ctx, &awsiam.UploadSSHPublicKeyInput{UserName: aws.String("alice"), SSHPublicKeyBody: aws.String(pub)})
			return err
		}, "DuplicateSSHPublicKey"},
		{"invalid ssh key", func() error {
			_, err := c.UploadSSHPublicKey(ctx, &awsiam.UploadSSHPublicKeyInput{UserName: aws.String("alice"), SSHPublicKeyBody: aws.String("ssh-rsa AAAA")})
			return err
		}, "InvalidPublicKey"},
		{"get ssh key as PEM", func() error {
			out, err := c.GetSSHPublicKey(ctx, &awsiam.GetSSHPublicKeyInput{UserName: aws.String("alice"), SSHPublicKeyId: aws.String(sshID), Encoding: types.EncodingTypePem})
			if err == nil && !strings.HasPrefix(aws.ToString(out.SSHPublicKey.SSHPublicKeyBody), "-----BEGIN PUBLIC KEY-----") {
				t.Errorf("PEM body = %q", aws.ToString(out.SSHPublicKey.SSHPublicKeyBody))
			}
			return err
		}, ""},
		{"deactivate ssh key", func() error {
			must(c.UpdateSSHPublicKey(ctx, &awsiam.UpdateSSHPublicKeyInput{UserName: aws.String("alice"), SSHPublicKeyId: aws.String(sshID), Status: types.StatusTypeInactive}))(t)
			out, err := c.ListSSHPublicKeys(ctx, &awsiam.ListSSHPublicKeysInput{UserName: aws.String("alice")})
			if err == nil && (len(out.SSHPublicKeys) != 1 || out.SSHPublicKeys[0].Status != types.StatusTypeInactive) {
				t.Errorf("ListSSHPublicKeys = %+v", out.SSHPublicKeys)
			}
			return err
		}, ""},
		{"delete ssh key of another user", func() error {
			_, err := c.DeleteSSHPublicKey(ctx, &awsiam.DeleteSSHPublicKeyInput{UserName: aws.String("admin"), SSHPublicKeyId: aws.String(sshID)})
			return err
		}, "NoSuchEntity"},

		{"upload signing certificate", func() error {
			out, err := c.UploadSigningCertificate(ctx, &awsiam.UploadSigningCertificateInput{UserName: aws.String("alice"), CertificateBody: aws.String(cert)})
			if err == nil && len(aws.ToString(out.Certificate.CertificateId)) != 32 {
				t.Errorf("CertificateId = %s", aws.ToString(out.Certificate.CertificateId))
			}
			return err
		}, ""},
		{"duplicate signing certificate", func() error {
			_, err := c.UploadSigningCertificate(ctx, &awsiam.UploadSigningCertificateInput{CertificateBody: aws.String(cert)})
			return err
		}, "DuplicateCertificate"},
		{"malformed signing certificate", func() error {
			_, err := c.UploadSigningCertificate(ctx, &awsiam.UploadSigningCertificateInput{CertificateBody: aws.String("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----")})
			return err
		}, "MalformedCertificate"},

		{"server certificate with the wrong key", func() error {
			_, err := c.UploadServerCertificate(ctx, &awsiam.UploadServerCertificateInput{ServerCertificateName: aws.String("www"),
				CertificateBody: aws.String(cert), PrivateKey: aws.String(other)})
			return err
		}, "KeyPairMismatch"},
		{"server certificate with a chain that does not sign it", func() error {
			_, err := c.UploadServerCertificate(ctx, &awsiam.UploadServerCertificateInput{ServerCertificateName: aws.String("www"),
				CertificateBody: aws.String(cert), PrivateKey: aws.String(key), CertificateChain: aws.String(cert)})
			return err
		}, "MalformedCertificate"},
		{"server certificate", func() error {
			out, err := c.UploadServerCertificate(ctx, &awsiam.UploadServerCertificateInput{ServerCertificateName: aws.String("www"),
				CertificateBody: aws.String(cert), PrivateKey: aws.String(key), CertificateChain: aws.String(ca), Path: aws.String("/cloudfront/")})
			if err == nil && (aws.ToString(out.ServerCertificateMetadata.Arn) != "arn:aws:iam::"+testAccount+":server-certificate/cloudfront/www" ||
				out.ServerCertificateMetadata.Expiration == nil || out.ServerCertificateMetadata.Expiration.Year() != 2100) {
				t.Errorf("UploadServerCertificate = %+v", out.ServerCertificateMetadata)
			}
			return err
		}, ""},
		{"rename server certificate", func() error {
			must(c.UpdateServerCertificate(ctx, &awsiam.UpdateServerCertificateInput{ServerCertificateName: aws.String("www"), NewServerCertificateName: aws.String("web")}))(t)
			out, err := c.GetServerCertificate(ctx, &awsiam.GetServerCertificateInput{ServerCertificateName: aws.String("web")})
			if err == nil && (aws.ToString(out.ServerCertificate.CertificateChain) == "" || strings.Contains(aws.ToString(out.ServerCertificate.CertificateBody), "PRIVATE")) {
				t.Errorf("GetServerCertificate = %+v", out.ServerCertificate)
			}
			return err
		}, ""},
		{"old name gone", func() error {
			_, err := c.DeleteServerCertificate(ctx, &awsiam.DeleteServerCertificateInput{ServerCertificateName: aws.String("www")})
			return err
		}, "NoSuchEntity"},

		{"codecommit credential", func() error {
			out, err := c.CreateServiceSpecificCredential(ctx, &awsiam.CreateServiceSpecificCredentialInput{UserName: aws.String("alice"), ServiceName: aws.String("codecommit.amazonaws.com")})
			if err == nil {
				credID = aws.ToString(out.ServiceSpecificCredential.ServiceSpecificCredentialId)
				if aws.ToString(out.ServiceSpecificCredential.ServiceUserName) != "alice-at-"+testAccount || len(aws.ToString(out.ServiceSpecificCredential.ServicePassword)) != 44 {
					t.Errorf("CreateServiceSpecificCredential = %+v", out.ServiceSpecificCredential)
				}
			}
			return err
		}, ""},
		{"unsupported service", func() error {
			_, err := c.CreateServiceSpecificCredential(ctx, &awsiam.CreateServiceSpecificCredentialInput{UserName: aws.String("alice"), ServiceName: aws.String("s3.amazonaws.com")})
			return err
		}, "NotSupportedService"},
		{"list hides the password", func() error {
			out, err := c.ListServiceSpecificCredentials(ctx, &awsiam.ListServiceSpecificCredentialsInput{UserName: aws.String("alice")})
			if err == nil && (len(out.ServiceSpecificCredentials) != 1 || aws.ToString(out.ServiceSpecificCredentials[0].ServiceUserName) == "") {
				t.Errorf("ListServiceSpecificCredentials = %+v", out.ServiceSpecificCredentials)
			}
			return err
		}, ""},
		{"reset", func() error {
			out, err := c.ResetServiceSpecificCredential(ctx, &awsiam.ResetServiceSpecificCredentialInput{UserName: aws.String("alice"), ServiceSpecificCredentialId: aws.String(credID)})
			if err == nil && aws.ToString(out.ServiceSpecificCredential.ServicePassword) == "" {
				t.Errorf("ResetServiceSpecificCredential returned no password")
			}
			return err
		}, ""},
		{"delete credential", func() error {
			_, err := c.DeleteServiceSpecificCredential(ctx, &awsiam.DeleteServiceSpecificCredentialInput{UserName: aws.String("alice"), ServiceSpecificCredentialId: aws.String(credID)})
			return err
		}, ""},
	}
	for _, s := range steps {
		code, msg := apiError(t, s.do())
		if code != s.want {
			t.Errorf("%s: %s %q, want %q", s.name, code, msg, s.want)
		}
	}
}

// TestCredentialReport generates the report and reads its CSV with the
// SDK: AWS's columns, the root row, and a user's access key with its
// recorded last use.
func TestCredentialReport(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	c := e.client
	_, err := c.GetCredentialReport(ctx, &awsiam.GetCredentialReportInput{})
	if code, _ := apiError(t, err); code != "ReportNotPresent" {
		t.Fatalf("before generation: %v", err)
	}
	must(c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("bob")}))(t)
	key := must(c.CreateAccessKey(ctx, &awsiam.CreateAccessKeyInput{UserName: aws.String("bob")}))(t)
	used := e.now.Add(-time.Hour)
	if err := e.st.Update(ctx, func(tx store.Tx) error {
		return tx.RecordAccessKeyUse(aws.ToString(key.AccessKey.AccessKeyId), used, "s3", "eu-west-1")
	}); err != nil {
		t.Fatal(err)
	}
	for i, want := range []types.ReportStateType{types.ReportStateTypeStarted, types.ReportStateTypeComplete} {
		out := must(c.GenerateCredentialReport(ctx, &awsiam.GenerateCredentialReportInput{}))(t)
		if out.State != want {
			t.Errorf("GenerateCredentialReport %d: State %s, want %s", i+1, out.State, want)
		}
	}
	out := must(c.GetCredentialReport(ctx, &awsiam.GetCredentialReportInput{}))(t)
	rows, err := csv.NewReader(bytes.NewReader(out.Content)).ReadAll()
	if err != nil {
		t.Fatalf("report %q: %v", out.Content, err)
	}
	if len(rows) != 4 || strings.Join(rows[0], ",") != strings.Join(credentialReportColumns, ",") || rows[1][0] != "<root_account>" {
		t.Fatalf("report rows: %q", rows)
	}
	bob := map[string]string{}
	for i, col := range rows[0] {
		for _, r := range rows[2:] {
			if r[0] == "bob" {
				bob[col] = r[i]
			}
		}
	}
	for col, want := range map[string]string{"access_key_1_active": "true", "access_key_1_last_used_date": reportTime(used, ""),
		"access_key_1_last_used_service": "s3", "access_key_1_last_used_region": "eu-west-1", "password_enabled": "false",
		"access_key_2_active": "false", "mfa_active": "false"} {
		if bob[col] != want {
			t.Errorf("bob's %s = %q, want %q", col, bob[col], want)
		}
	}
}

// TestLastAccessedAndContextKeys: the services a user's policies allow,
// with the last call recorded in the audit log; the policies granting a
// service; the condition keys of the user's and custom policies.
func TestLastAccessedAndContextKeys(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	c := e.client
	user := must(c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("bob")}))(t)
	must(c.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("bob"), PolicyName: aws.String("work"), PolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["connect:*","s3:GetObject"],"Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`)}))(t)
	called := e.now.Add(-2 * time.Hour)
	if err := e.st.Update(ctx, func(tx store.Tx) error {
		for _, ev := range []store.Event{
			{EventID: "1", Time: called, Source: "connect.amazonaws.com", Name: "ListInstances", AccountID: testAccount, PrincipalARN: aws.ToString(user.User.Arn), Decision: "Allow"},
			{EventID: "2", Time: called.Add(time.Minute), Source: "s3.amazonaws.com", Name: "GetObject", AccountID: testAccount, PrincipalARN: aws.ToString(user.User.Arn), Decision: "ImplicitDeny"},
			{EventID: "3", Time: called, Source: "connect.amazonaws.com", Name: "ListInstances", AccountID: testAccount, PrincipalARN: "arn:aws:iam::" + testAccount + ":user/other", Decision: "Allow"},
		} {
			if _, err := tx.AppendEvent(ev); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	job := must(c.GenerateServiceLastAccessedDetails(ctx, &awsiam.GenerateServiceLastAccessedDetailsInput{Arn: user.User.Arn,
		Granularity: types.AccessAdvisorUsageGranularityTypeActionLevel}))(t)
	out := must(c.GetServiceLastAccessedDetails(ctx, &awsiam.GetServiceLastAccessedDetailsInput{JobId: job.JobId}))(t)
	got := map[string]types.ServiceLastAccessed{}
	for _, s := range out.ServicesLastAccessed {
		got[aws.ToString(s.ServiceNamespace)] = s
	}
	if len(got) != 2 || got["connect"].LastAuthenticated == nil || !got["connect"].LastAuthenticated.Equal(called) ||
		aws.ToInt32(got["connect"].TotalAuthenticatedEntities) != 1 || got["s3"].LastAuthenticated != nil ||
		len(got["connect"].TrackedActionsLastAccessed) != 1 {
		t.Errorf("ServicesLastAccessed = %+v", out.ServicesLastAccessed)
	}
	ents := must(c.GetServiceLastAccessedDetailsWithEntities(ctx, &awsiam.GetServiceLastAccessedDetailsWithEntitiesInput{JobId: job.JobId,
		ServiceNamespace: aws.String("connect")}))(t)
	if len(ents.EntityDetailsList) != 1 || aws.ToString(ents.EntityDetailsList[0].EntityInfo.Name) != "bob" {
		t.Errorf("EntityDetailsList = %+v", ents.EntityDetailsList)
	}
	granting := must(c.ListPoliciesGrantingServiceAccess(ctx, &awsiam.ListPoliciesGrantingServiceAccessInput{Arn: user.User.Arn,
		ServiceNamespaces: []string{"connect", "ec2"}}))(t)
	if len(granting.PoliciesGrantingServiceAccess) != 2 || len(granting.PoliciesGrantingServiceAccess[0].Policies) != 1 ||
		len(granting.PoliciesGrantingServiceAccess[1].Policies) != 0 {
		t.Errorf("PoliciesGrantingServiceAccess = %+v", granting.PoliciesGrantingServiceAccess)
	}
	keys := must(c.GetContextKeysForPrincipalPolicy(ctx, &awsiam.GetContextKeysForPrincipalPolicyInput{PolicySourceArn: user.User.Arn,
		PolicyInputList: []string{`{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}}}`}}))(t)
	if strings.Join(keys.ContextKeyNames, ",") != "aws:MultiFactorAuthPresent,aws:RequestedRegion" {
		t.Errorf("ContextKeyNames = %q", keys.ContextKeyNames)
	}
	_, err := c.GetContextKeysForCustomPolicy(ctx, &awsiam.GetContextKeysForCustomPolicyInput{PolicyInputList: []string{`{"Statement":`}})
	if code, _ := apiError(t, err); code != "MalformedPolicyDocument" {
		t.Errorf("malformed custom policy: %v", err)
	}
}
