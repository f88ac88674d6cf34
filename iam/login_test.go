package iam

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/connect-iam/connect-iam/store"
)

// TestLoginProfilesAndPasswordPolicy covers login profiles with the
// account password policy enforced, IAM's default rules without one,
// reuse prevention, and the password never stored in clear.
func TestLoginProfilesAndPasswordPolicy(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	c := e.client
	must(c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("alice")}))(t)
	create := func(pw string) error {
		_, err := c.CreateLoginProfile(ctx, &awsiam.CreateLoginProfileInput{UserName: aws.String("alice"), Password: aws.String(pw),
			PasswordResetRequired: true})
		return err
	}
	update := func(pw string) error {
		_, err := c.UpdateLoginProfile(ctx, &awsiam.UpdateLoginProfileInput{UserName: aws.String("alice"), Password: aws.String(pw)})
		return err
	}
	const violation = "Password does not conform to the account password policy."
	for _, tc := range []struct{ name, pw string }{
		{"too short", "Ab1!"}, {"two kinds only", "alllowercase1"}, {"the user's name", "Alice"},
	} {
		if code, msg := apiError(t, create(tc.pw)); code != "PasswordPolicyViolation" || msg != violation {
			t.Errorf("default rules, %s: %s %q", tc.name, code, msg)
		}
	}
	const first = "Correct-Horse-1"
	if err := create(first); err != nil {
		t.Fatal(err)
	}
	if code, msg := apiError(t, create(first)); code != "EntityAlreadyExists" || msg != "Login Profile for user alice already exists." {
		t.Errorf("second login profile: %s %q", code, msg)
	}
	lp := must(c.GetLoginProfile(ctx, &awsiam.GetLoginProfileInput{UserName: aws.String("alice")}))(t)
	if aws.ToString(lp.LoginProfile.UserName) != "alice" || !lp.LoginProfile.PasswordResetRequired || !lp.LoginProfile.CreateDate.Equal(e.now) {
		t.Errorf("GetLoginProfile = %+v", lp.LoginProfile)
	}
	err := e.st.View(ctx, func(tx store.ReadTx) error {
		rs, _, err := tx.ListResources(testAccount, "iam", loginProfileType, store.ResourceFilter{}, store.ListOptions{})
		if err != nil || len(rs) != 1 {
			t.Fatalf("stored login profiles = %v, %v", rs, err)
		}
		if strings.Contains(string(rs[0].Attributes), first) {
			t.Error("the password is stored in clear")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	_, err = c.GetAccountPasswordPolicy(ctx, &awsiam.GetAccountPasswordPolicyInput{})
	if code, msg := apiError(t, err); code != "NoSuchEntity" || msg != "The Password Policy with domain name "+testAccount+" cannot be found." {
		t.Errorf("GetAccountPasswordPolicy without one: %s %q", code, msg)
	}
	must(c.UpdateAccountPasswordPolicy(ctx, &awsiam.UpdateAccountPasswordPolicyInput{MinimumPasswordLength: aws.Int32(12),
		RequireSymbols: true, RequireNumbers: true, PasswordReusePrevention: aws.Int32(2), MaxPasswordAge: aws.Int32(90)}))(t)
	pol := must(c.GetAccountPasswordPolicy(ctx, &awsiam.GetAccountPasswordPolicyInput{}))(t).PasswordPolicy
	if aws.ToInt32(pol.MinimumPasswordLength) != 12 || !pol.RequireSymbols || !pol.RequireNumbers || pol.RequireUppercaseCharacters ||
		aws.ToInt32(pol.PasswordReusePrevention) != 2 || aws.ToInt32(pol.MaxPasswordAge) != 90 || !pol.ExpirePasswords {
		t.Errorf("GetAccountPasswordPolicy = %+v", pol)
	}
	for _, tc := range []struct{ name, pw string }{
		{"shorter than 12", "Short-pw-12"}, {"no symbol", "NoSymbolsHere123"}, {"no number", "No-Numbers-Here!"},
		{"the current password (reuse prevention)", first},
	} {
		if code, _ := apiError(t, update(tc.pw)); code != "PasswordPolicyViolation" {
			t.Errorf("policy, %s: %s", tc.name, code)
		}
	}
	const second, third = "Second-Password-2", "Third-Password-3"
	if err := update(second); err != nil {
		t.Fatal(err)
	}
	if err := update(third); err != nil {
		t.Fatal(err)
	}
	if code, _ := apiError(t, update(second)); code != "PasswordPolicyViolation" {
		t.Errorf("reusing one of the last two passwords: %s", code)
	}

	_, err = c.DeleteUser(ctx, &awsiam.DeleteUserInput{UserName: aws.String("alice")})
	if code, msg := apiError(t, err); code != "DeleteConflict" || msg != "Cannot delete entity, must delete login profile first." {
		t.Errorf("DeleteUser with a login profile: %s %q", code, msg)
	}
	must(c.DeleteLoginProfile(ctx, &awsiam.DeleteLoginProfileInput{UserName: aws.String("alice")}))(t)
	_, err = c.GetLoginProfile(ctx, &awsiam.GetLoginProfileInput{UserName: aws.String("alice")})
	if code, msg := apiError(t, err); code != "NoSuchEntity" || msg != "Login Profile for User alice cannot be found." {
		t.Errorf("GetLoginProfile after delete: %s %q", code, msg)
	}
	must(c.DeleteAccountPasswordPolicy(ctx, &awsiam.DeleteAccountPasswordPolicyInput{}))(t)
	must(c.DeleteUser(ctx, &awsiam.DeleteUserInput{UserName: aws.String("alice")}))(t)
}

// TestAccountAliasesAndSummary covers the account alias and
// GetAccountSummary's counts.
func TestAccountAliasesAndSummary(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	c := e.client
	for _, tc := range []struct{ alias, code string }{{"a--b", "ValidationError"}, {"Upper", "ValidationError"}, {"-ab", "ValidationError"}} {
		_, err := c.CreateAccountAlias(ctx, &awsiam.CreateAccountAliasInput{AccountAlias: aws.String(tc.alias)})
		if code, _ := apiError(t, err); code != tc.code {
			t.Errorf("CreateAccountAlias %q: %s, want %s", tc.alias, code, tc.code)
		}
	}
	must(c.CreateAccountAlias(ctx, &awsiam.CreateAccountAliasInput{AccountAlias: aws.String("my-contact-center")}))(t)
	if l := must(c.ListAccountAliases(ctx, &awsiam.ListAccountAliasesInput{}))(t); len(l.AccountAliases) != 1 || l.AccountAliases[0] != "my-contact-center" {
		t.Errorf("ListAccountAliases = %v", l.AccountAliases)
	}
	_, err := c.DeleteAccountAlias(ctx, &awsiam.DeleteAccountAliasInput{AccountAlias: aws.String("other")})
	if code, _ := apiError(t, err); code != "NoSuchEntity" {
		t.Errorf("DeleteAccountAlias of another alias: %v", err)
	}
	must(c.DeleteAccountAlias(ctx, &awsiam.DeleteAccountAliasInput{AccountAlias: aws.String("my-contact-center")}))(t)
	if l := must(c.ListAccountAliases(ctx, &awsiam.ListAccountAliasesInput{}))(t); len(l.AccountAliases) != 0 {
		t.Errorf("ListAccountAliases after delete = %v", l.AccountAliases)
	}

	must(c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("bob")}))(t)
	must(c.CreateGroup(ctx, &awsiam.CreateGroupInput{GroupName: aws.String("ops")}))(t)
	must(c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(fixture(t, "trust-ec2.json"))}))(t)
	must(c.CreateVirtualMFADevice(ctx, &awsiam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("d")}))(t)
	sum := must(c.GetAccountSummary(ctx, &awsiam.GetAccountSummaryInput{}))(t).SummaryMap
	for k, want := range map[string]int32{"Users": 2, "Groups": 1, "Roles": 1, "Policies": 0, "MFADevices": 1, "MFADevicesInUse": 0,
		"AccessKeysPerUserQuota": 2, "UsersQuota": 5000, "PolicySizeQuota": 6144} {
		if got, ok := sum[k]; !ok || got != want {
			t.Errorf("SummaryMap[%s] = %d (present %v), want %d", k, got, ok, want)
		}
	}
	if len(sum) != len(summaryKeys) {
		t.Errorf("SummaryMap has %d keys, want %d", len(sum), len(summaryKeys))
	}
}

// TestChangePassword covers a user changing its own password: the old
// password checked, the policy enforced, and AllowUsersToChangePassword
// standing in for a missing iam:ChangePassword permission.
func TestChangePassword(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	c := e.client
	const first, second = "First-Password-1", "Second-Password-2"
	must(c.CreateLoginProfile(ctx, &awsiam.CreateLoginProfileInput{UserName: aws.String("admin"), Password: aws.String(first),
		PasswordResetRequired: true}))(t)
	change := func(old, pw string) error {
		_, err := c.ChangePassword(ctx, &awsiam.ChangePasswordInput{OldPassword: aws.String(old), NewPassword: aws.String(pw)})
		return err
	}
	if code, _ := apiError(t, change("wrong-password-1A", second)); code != "AccessDenied" {
		t.Errorf("wrong old password: %s", code)
	}
	if code, _ := apiError(t, change(first, "weak")); code != "PasswordPolicyViolation" {
		t.Errorf("weak new password: %s", code)
	}
	e.authz.mu.Lock()
	e.authz.deny["iam:ChangePassword"] = true
	e.authz.mu.Unlock()
	if code, _ := apiError(t, change(first, second)); code != "AccessDenied" {
		t.Errorf("without iam:ChangePassword and without AllowUsersToChangePassword: %s", code)
	}
	must(c.UpdateAccountPasswordPolicy(ctx, &awsiam.UpdateAccountPasswordPolicyInput{AllowUsersToChangePassword: true}))(t)
	if err := change(first, second); err != nil {
		t.Fatalf("ChangePassword under AllowUsersToChangePassword: %v", err)
	}
	if lp := must(c.GetLoginProfile(ctx, &awsiam.GetLoginProfileInput{UserName: aws.String("admin")}))(t); lp.LoginProfile.PasswordResetRequired {
		t.Error("PasswordResetRequired still set after ChangePassword")
	}
	if code, _ := apiError(t, change(first, "Third-Password-3")); code != "AccessDenied" {
		t.Errorf("the replaced password still works: %s", code)
	}
	root := e.clientFor("AKIATESTROOTKEY00001", adminSecret)
	_, err := root.ChangePassword(ctx, &awsiam.ChangePasswordInput{OldPassword: aws.String(second), NewPassword: aws.String(first)})
	if code, _ := apiError(t, err); code != "InvalidUserType" {
		t.Errorf("ChangePassword as root: %s", code)
	}
}
