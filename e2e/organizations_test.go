package e2e_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconnect "github.com/aws/aws-sdk-go-v2/service/connect"
	ctypes "github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	otypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/connect-iam/connect-iam/internal/bootstrap"
)

const (
	memberAccount   = "222233334444"
	memberKey       = "AKIAE2EMEMBEREXAMPL1"
	memberSecret    = "e2eMemberSecretKey/EXAMPLE+0123456789abc"
	outsiderAccount = "555566667777"
	outsiderKey     = "AKIAE2EOUTSIDEREXAM1"
	outsiderSecret  = "e2eOutsiderSecretKey/EXAMPLE+012345678ab"
)

func (s *testServer) organizations(o clientOptions) *organizations.Client {
	return organizations.NewFromConfig(s.config(o))
}

// newAccount creates an account with its administrator ("admin", with
// AdministratorAccess), as `connect-iam accounts create` does.
func (s *testServer) newAccount(t *testing.T, id, key, secret string) clientOptions {
	t.Helper()
	_, err := bootstrap.CreateAccount(context.Background(), s.App.Store, s.App.Box, bootstrap.Options{DataDir: t.TempDir(),
		AccountID: id, AccessKeyID: key, SecretAccessKey: secret, NoFile: true})
	if err != nil {
		t.Fatal(err)
	}
	return clientOptions{key: key, secret: secret}
}

// TestOrganizations is the SCP and RCP story of issue 11: an SCP denying
// connect:DeleteInstance wins over the member administrator's
// AdministratorAccess, on the account and on its OU, but not in the
// management account; an RCP keeps principals outside the organization
// from assuming a member's role.
func TestOrganizations(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	mgmt := srv.organizations(clientOptions{})
	memberOpts := srv.newAccount(t, memberAccount, memberKey, memberSecret)
	outsiderOpts := srv.newAccount(t, outsiderAccount, outsiderKey, outsiderSecret)
	member := srv.organizations(memberOpts)
	memberConnect := srv.connect(memberOpts)

	_, err := member.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	wantAPIError(t, err, "AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")

	created, err := mgmt.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: otypes.OrganizationFeatureSetAll})
	if err != nil {
		t.Fatal(err)
	}
	orgID := aws.ToString(created.Organization.Id)
	if aws.ToString(created.Organization.MasterAccountId) != account || !strings.HasPrefix(orgID, "o-") {
		t.Fatalf("CreateOrganization = %+v", created.Organization)
	}
	_, err = mgmt.CreateOrganization(ctx, &organizations.CreateOrganizationInput{})
	wantAPIError(t, err, "AlreadyInOrganizationException", "The AWS account is already a member")

	// The member joins by invitation.
	hs, err := mgmt.InviteAccountToOrganization(ctx, &organizations.InviteAccountToOrganizationInput{
		Target: &otypes.HandshakeParty{Id: aws.String(memberAccount), Type: otypes.HandshakePartyTypeAccount}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := member.AcceptHandshake(ctx, &organizations.AcceptHandshakeInput{HandshakeId: hs.Handshake.Id}); err != nil {
		t.Fatal(err)
	}
	d, err := member.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err != nil || aws.ToString(d.Organization.Id) != orgID {
		t.Fatalf("member DescribeOrganization = %v, %v", d, err)
	}
	_, err = member.ListAccounts(ctx, &organizations.ListAccountsInput{})
	wantAPIError(t, err, "AccessDeniedException", "You don't have permissions to access this resource")
	accts, err := mgmt.ListAccounts(ctx, &organizations.ListAccountsInput{})
	if err != nil || len(accts.Accounts) != 2 {
		t.Fatalf("ListAccounts = %v, %v", accts, err)
	}

	roots, err := mgmt.ListRoots(ctx, &organizations.ListRootsInput{})
	if err != nil || len(roots.Roots) != 1 {
		t.Fatalf("ListRoots = %v, %v", roots, err)
	}
	rootID := aws.ToString(roots.Roots[0].Id)

	// SCPs are not enforced before the type is enabled on the root.
	deny := `{"Version":"2012-10-17","Statement":[{"Sid":"NoDelete","Effect":"Deny","Action":"connect:DeleteInstance","Resource":"*"}]}`
	_, err = mgmt.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String("bad"), Description: aws.String("d"),
		Type: otypes.PolicyTypeServiceControlPolicy, Content: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}`)})
	wantAPIError(t, err, "MalformedPolicyDocumentException", "The provided policy document does not meet the requirements")
	pol, err := mgmt.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String("NoDeleteInstance"), Description: aws.String("no instance deletion"),
		Type: otypes.PolicyTypeServiceControlPolicy, Content: aws.String(deny)})
	if err != nil {
		t.Fatal(err)
	}
	polID := pol.Policy.PolicySummary.Id
	_, err = mgmt.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: polID, TargetId: aws.String(memberAccount)})
	wantAPIError(t, err, "PolicyTypeNotEnabledException", "This operation can be performed only for enabled policy types.")
	if _, err := mgmt.EnablePolicyType(ctx, &organizations.EnablePolicyTypeInput{RootId: aws.String(rootID), PolicyType: otypes.PolicyTypeServiceControlPolicy}); err != nil {
		t.Fatal(err)
	}
	// FullAWSAccess is attached everywhere, as AWS does.
	fp, err := mgmt.ListPoliciesForTarget(ctx, &organizations.ListPoliciesForTargetInput{TargetId: aws.String(memberAccount), Filter: otypes.PolicyTypeServiceControlPolicy})
	if err != nil || len(fp.Policies) != 1 || aws.ToString(fp.Policies[0].Id) != "p-FullAWSAccess" {
		t.Fatalf("policies of the member after EnablePolicyType = %v, %v", fp, err)
	}

	newInstance := func(c *awsconnect.Client, alias string) string {
		t.Helper()
		out, err := c.CreateInstance(ctx, &awsconnect.CreateInstanceInput{IdentityManagementType: ctypes.DirectoryTypeConnectManaged,
			InstanceAlias: aws.String(alias), InboundCallsEnabled: aws.Bool(true), OutboundCallsEnabled: aws.Bool(false)})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.Id)
	}
	deleteInstance := func(c *awsconnect.Client, id string) error {
		_, err := c.DeleteInstance(ctx, &awsconnect.DeleteInstanceInput{InstanceId: aws.String(id)})
		return err
	}
	wantSCPDeny := func(err error) {
		t.Helper()
		wantAPIError(t, err, "AccessDeniedException", "User: arn:aws:iam::"+memberAccount+":user/admin is not authorized to perform: connect:DeleteInstance")
		if _, msg := apiError(t, err); !strings.HasSuffix(msg, "with an explicit deny in a service control policy") {
			t.Fatalf("denial %q is not an SCP's explicit deny", msg)
		}
	}

	inst := newInstance(memberConnect, "member-one")
	if _, err := mgmt.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: polID, TargetId: aws.String(memberAccount)}); err != nil {
		t.Fatal(err)
	}
	_, err = mgmt.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: polID, TargetId: aws.String(memberAccount)})
	wantAPIError(t, err, "DuplicatePolicyAttachmentException", "The selected policy is already attached")
	wantSCPDeny(deleteInstance(memberConnect, inst))
	if _, err := memberConnect.DescribeInstance(ctx, &awsconnect.DescribeInstanceInput{InstanceId: aws.String(inst)}); err != nil {
		t.Fatalf("the SCP denies other calls: %v", err)
	}
	if _, err := srv.iam(memberOpts).ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatalf("the SCP denies IAM calls: %v", err)
	}
	targets, err := mgmt.ListTargetsForPolicy(ctx, &organizations.ListTargetsForPolicyInput{PolicyId: polID})
	if err != nil || len(targets.Targets) != 1 || aws.ToString(targets.Targets[0].TargetId) != memberAccount {
		t.Fatalf("ListTargetsForPolicy = %v, %v", targets, err)
	}

	// The denial is in the audit log with the SCP that decided it.
	if _, err := mgmt.DetachPolicy(ctx, &organizations.DetachPolicyInput{PolicyId: aws.String("p-FullAWSAccess"), TargetId: aws.String(memberAccount)}); err != nil {
		t.Fatal(err) // the member keeps NoDeleteInstance, so FullAWSAccess may go
	}
	_, err = memberConnect.DescribeInstance(ctx, &awsconnect.DescribeInstanceInput{InstanceId: aws.String(inst)})
	wantAPIError(t, err, "AccessDeniedException", "User: arn:aws:iam::"+memberAccount+":user/admin is not authorized to perform: connect:DescribeInstance")
	if _, msg := apiError(t, err); !strings.Contains(msg, "because no service control policy allows") {
		t.Fatalf("denial without an allowing SCP: %q", msg)
	}
	_, err = mgmt.DetachPolicy(ctx, &organizations.DetachPolicyInput{PolicyId: polID, TargetId: aws.String(memberAccount)})
	wantAPIError(t, err, "ConstraintViolationException", "You attempted to detach a policy from an entity that would cause")
	if _, err := mgmt.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: aws.String("p-FullAWSAccess"), TargetId: aws.String(memberAccount)}); err != nil {
		t.Fatal(err)
	}
	if _, err := mgmt.DetachPolicy(ctx, &organizations.DetachPolicyInput{PolicyId: polID, TargetId: aws.String(memberAccount)}); err != nil {
		t.Fatal(err)
	}
	if err := deleteInstance(memberConnect, inst); err != nil {
		t.Fatalf("DeleteInstance after the detach: %v", err)
	}

	// The same SCP on an OU that holds the account.
	ou, err := mgmt.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: aws.String(rootID), Name: aws.String("Workloads")})
	if err != nil {
		t.Fatal(err)
	}
	ouID := ou.OrganizationalUnit.Id
	if _, err := mgmt.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: aws.String(memberAccount), SourceParentId: aws.String(rootID), DestinationParentId: ouID}); err != nil {
		t.Fatal(err)
	}
	parents, err := mgmt.ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String(memberAccount)})
	if err != nil || aws.ToString(parents.Parents[0].Id) != aws.ToString(ouID) || parents.Parents[0].Type != otypes.ParentTypeOrganizationalUnit {
		t.Fatalf("ListParents = %v, %v", parents, err)
	}
	if _, err := mgmt.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: polID, TargetId: ouID}); err != nil {
		t.Fatal(err)
	}
	inst = newInstance(memberConnect, "member-two")
	wantSCPDeny(deleteInstance(memberConnect, inst))

	// On the root too, the management account is not affected.
	if _, err := mgmt.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: polID, TargetId: aws.String(rootID)}); err != nil {
		t.Fatal(err)
	}
	mgmtConnect := srv.connect(clientOptions{})
	mi := newInstance(mgmtConnect, "management")
	if err := deleteInstance(mgmtConnect, mi); err != nil {
		t.Fatalf("the management account is under the SCP: %v", err)
	}
	_, err = mgmt.DeleteOrganizationalUnit(ctx, &organizations.DeleteOrganizationalUnitInput{OrganizationalUnitId: ouID})
	wantAPIError(t, err, "OrganizationalUnitNotEmptyException", "The specified OU is not empty.")
	_, err = mgmt.DeletePolicy(ctx, &organizations.DeletePolicyInput{PolicyId: polID})
	wantAPIError(t, err, "PolicyInUseException", "The policy is attached")

	// An RCP: only principals of the organization may assume the
	// member's roles, whatever the trust policy says.
	memberIAM := srv.iam(memberOpts)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::` + account + `:root","arn:aws:iam::` + outsiderAccount + `:root"]},"Action":"sts:AssumeRole"}]}`
	role, err := memberIAM.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("shared"), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}
	assume := func(o clientOptions) error {
		_, err := srv.sts(o).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role.Role.Arn, RoleSessionName: aws.String("org-test")})
		return err
	}
	if err := assume(outsiderOpts); err != nil {
		t.Fatalf("the outsider cannot assume the role before the RCP: %v", err)
	}
	if _, err := mgmt.EnablePolicyType(ctx, &organizations.EnablePolicyTypeInput{RootId: aws.String(rootID), PolicyType: otypes.PolicyTypeResourceControlPolicy}); err != nil {
		t.Fatal(err)
	}
	rcp, err := mgmt.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String("OrgOnly"), Description: aws.String("org principals only"),
		Type: otypes.PolicyTypeResourceControlPolicy, Content: aws.String(`{"Version":"2012-10-17","Statement":[{"Sid":"OrgOnly","Effect":"Deny","Principal":"*",
			"Action":"sts:AssumeRole","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"` + orgID + `"}}}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mgmt.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: rcp.Policy.PolicySummary.Id, TargetId: aws.String(memberAccount)}); err != nil {
		t.Fatal(err)
	}
	err = assume(outsiderOpts)
	wantAPIError(t, err, "AccessDenied", "User: arn:aws:iam::"+outsiderAccount+":user/admin is not authorized to perform: sts:AssumeRole")
	if err := assume(clientOptions{}); err != nil {
		t.Fatalf("a principal of the organization cannot assume the role under the RCP: %v", err)
	}
	_, err = mgmt.DetachPolicy(ctx, &organizations.DetachPolicyInput{PolicyId: aws.String("p-RCPFullAWSAccess"), TargetId: aws.String(memberAccount)})
	wantAPIError(t, err, "InvalidInputException", "You can't detach RCPFullAWSAccess")
	if _, err := mgmt.DetachPolicy(ctx, &organizations.DetachPolicyInput{PolicyId: rcp.Policy.PolicySummary.Id, TargetId: aws.String(memberAccount)}); err != nil {
		t.Fatal(err)
	}
	if err := assume(outsiderOpts); err != nil {
		t.Fatalf("the outsider cannot assume the role after the RCP's detach: %v", err)
	}
}
