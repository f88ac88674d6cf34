package e2e_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconnect "github.com/aws/aws-sdk-go-v2/service/connect"
	ctypes "github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/check"
	iampkg "github.com/connect-iam/connect-iam/iam"
	"github.com/connect-iam/connect-iam/internal/app"
	"github.com/connect-iam/connect-iam/internal/audit"
	"github.com/connect-iam/connect-iam/internal/leastpriv"
	"github.com/connect-iam/connect-iam/store"
)

// roleSession creates a role trusting the account, with the managed
// policy managedARN or the inline policy doc, assumes it and returns the
// session's client options.
func (s *testServer) roleSession(t *testing.T, name, managedARN, doc string) clientOptions {
	t.Helper()
	ctx := context.Background()
	admin := s.iam(clientOptions{})
	if _, err := admin.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(deployerTrust)}); err != nil {
		t.Fatal(err)
	}
	if managedARN != "" {
		if _, err := admin.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(name), PolicyArn: aws.String(managedARN)}); err != nil {
			t.Fatal(err)
		}
	}
	if doc != "" {
		if _, err := admin.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("generated"),
			PolicyDocument: aws.String(doc)}); err != nil {
			t.Fatalf("PutRolePolicy with the generated policy: %v\n%s", err, doc)
		}
	}
	out, err := s.sts(clientOptions{}).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + account + ":role/" + name),
		RoleSessionName: aws.String("run")})
	if err != nil {
		t.Fatal(err)
	}
	return clientOptions{key: aws.ToString(out.Credentials.AccessKeyId), secret: aws.ToString(out.Credentials.SecretAccessKey),
		token: aws.ToString(out.Credentials.SessionToken)}
}

// leastPrivWorkflow runs the Connect workflow of the least-privilege
// test as c: CreateInstance, then in instance inst (the new one when inst
// is "") hours, a queue, a routing profile, a security profile, a tagged
// user (described and updated), a flow and a task contact. It returns
// the instance the workflow ran in and the one it created.
func leastPrivWorkflow(t *testing.T, c *awsconnect.Client, alias, inst string) (ranIn, created string) {
	t.Helper()
	ctx := context.Background()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	ni, err := c.CreateInstance(ctx, &awsconnect.CreateInstanceInput{IdentityManagementType: ctypes.DirectoryTypeConnectManaged,
		InstanceAlias: aws.String(alias), InboundCallsEnabled: aws.Bool(true), OutboundCallsEnabled: aws.Bool(true)})
	must("CreateInstance", err)
	created = aws.ToString(ni.Id)
	if inst == "" {
		inst = created
	}
	id := aws.String(inst)
	hours, err := c.CreateHoursOfOperation(ctx, &awsconnect.CreateHoursOfOperationInput{InstanceId: id, Name: aws.String("Office " + alias),
		TimeZone: aws.String("Europe/Paris"), Config: []ctypes.HoursOfOperationConfig{{Day: ctypes.HoursOfOperationDaysMonday,
			StartTime: &ctypes.HoursOfOperationTimeSlice{Hours: aws.Int32(8), Minutes: aws.Int32(0)},
			EndTime:   &ctypes.HoursOfOperationTimeSlice{Hours: aws.Int32(18), Minutes: aws.Int32(0)}}}})
	must("CreateHoursOfOperation", err)
	q, err := c.CreateQueue(ctx, &awsconnect.CreateQueueInput{InstanceId: id, Name: aws.String("Billing " + alias), HoursOfOperationId: hours.HoursOfOperationId})
	must("CreateQueue", err)
	rp, err := c.CreateRoutingProfile(ctx, &awsconnect.CreateRoutingProfileInput{InstanceId: id, Name: aws.String("Agents " + alias),
		Description: aws.String("billing"), DefaultOutboundQueueId: q.QueueId,
		MediaConcurrencies: []ctypes.MediaConcurrency{{Channel: ctypes.ChannelVoice, Concurrency: aws.Int32(1)}}})
	must("CreateRoutingProfile", err)
	sp, err := c.CreateSecurityProfile(ctx, &awsconnect.CreateSecurityProfileInput{InstanceId: id, SecurityProfileName: aws.String("Agents " + alias)})
	must("CreateSecurityProfile", err)
	u, err := c.CreateUser(ctx, &awsconnect.CreateUserInput{InstanceId: id, Username: aws.String("agent-" + alias), Password: aws.String("Passw0rd!x"),
		RoutingProfileId: rp.RoutingProfileId, SecurityProfileIds: []string{aws.ToString(sp.SecurityProfileId)},
		PhoneConfig: &ctypes.UserPhoneConfig{PhoneType: ctypes.PhoneTypeSoftPhone}, Tags: map[string]string{"team": "billing"}})
	must("CreateUser", err)
	d, err := c.DescribeUser(ctx, &awsconnect.DescribeUserInput{InstanceId: id, UserId: u.UserId})
	must("DescribeUser", err)
	if d.User.Tags["team"] != "billing" {
		t.Errorf("DescribeUser tags = %v", d.User.Tags)
	}
	_, err = c.UpdateUserIdentityInfo(ctx, &awsconnect.UpdateUserIdentityInfoInput{InstanceId: id, UserId: u.UserId,
		IdentityInfo: &ctypes.UserIdentityInfo{FirstName: aws.String("Ada"), LastName: aws.String("Lovelace")}})
	must("UpdateUserIdentityInfo", err)
	flow, err := c.CreateContactFlow(ctx, &awsconnect.CreateContactFlowInput{InstanceId: id, Name: aws.String("Tasks " + alias), Type: ctypes.ContactFlowTypeContactFlow,
		Content: aws.String(`{"Version":"2019-10-30","StartAction":"a1","Actions":[{"Identifier":"a1","Type":"DisconnectParticipant","Parameters":{},"Transitions":{}}]}`)})
	must("CreateContactFlow", err)
	_, err = c.StartTaskContact(ctx, &awsconnect.StartTaskContactInput{InstanceId: id, Name: aws.String("Follow up"), ContactFlowId: flow.ContactFlowId})
	must("StartTaskContact", err)
	return inst, created
}

// TestLeastPrivilegeFromObservedCalls runs a Connect workflow as a role
// with AmazonConnect_FullAccess under soft enforcement, generates its
// policy from the audit log, and runs the workflow again as a fresh role
// with only the generated policy, under enforcement: it passes, and calls
// outside it are denied.
func TestLeastPrivilegeFromObservedCalls(t *testing.T) {
	const observedRole = "arn:aws:iam::" + account + ":role/observed"
	rules := &authz.EnforcementRules{}
	if err := rules.Set(observedRole + "=log"); err != nil {
		t.Fatal(err)
	}
	s := startServerWith(t, func(c *app.Config) { c.Enforcement = rules })
	ctx := context.Background()

	observed := s.roleSession(t, "observed", "arn:aws:iam::aws:policy/AmazonConnect_FullAccess", "")
	start := time.Now()
	inst, _ := leastPrivWorkflow(t, s.connect(observed), "observed", "")
	// Wait for the workflow's events, then make one call the role's
	// policy does not allow: under log it succeeds and is audited as
	// "would have been denied".
	sessionARN := "arn:aws:sts::" + account + ":assumed-role/observed/run"
	s.waitEvent(t, store.EventQuery{Name: "StartTaskContact", PrincipalARN: sessionARN}, func(store.Event) bool { return true })
	until := time.Now()
	time.Sleep(2 * time.Millisecond)
	if _, err := s.iam(observed).ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatalf("ListUsers under --enforce=log: %v", err)
	}
	ev := s.waitEvent(t, store.EventQuery{Name: "ListUsers", PrincipalARN: sessionARN}, func(store.Event) bool { return true })
	d, err := audit.ParseAuthorization(ev.AdditionalEventData)
	if err != nil || d == nil || !d.WouldHaveBeenDenied || ev.ErrorCode != "" || ev.Decision != "ImplicitDeny" {
		t.Fatalf("ListUsers event: decision %q, error %q, data %s (%v)", ev.Decision, ev.ErrorCode, ev.AdditionalEventData, err)
	}
	if m := d.Authorization[0].Missing; m == nil || m.Action != "iam:ListUsers" || d.Authorization[0].Explanation == nil {
		t.Errorf("ListUsers missing permission = %+v", d.Authorization[0])
	}

	// Generated from the workflow's window: every check passes.
	g, err := leastpriv.GenerateFor(ctx, s.App.Store, observedRole, start, until, leastpriv.Options{WithTagConditions: true}, iampkg.ManagedPolicy)
	if err != nil {
		t.Fatal(err)
	}
	var report strings.Builder
	g.WriteReport(&report)
	doc := string(g.Policy.JSON())
	t.Logf("generated policy:\n%s%s", doc, report.String())
	if !g.Verification.OK() {
		t.Fatalf("checks of the generated policy failed:\n%s\n%s", report.String(), doc)
	}
	if len(g.Verification.NoNewAccess) == 0 || g.Verification.Redecided == 0 {
		t.Fatalf("the checks did not run:\n%s", report.String())
	}
	for _, want := range []string{"connect:CreateInstance", "connect:StartTaskContact", "connect:UpdateUserIdentityInfo", "aws:RequestTag/team"} {
		if !strings.Contains(doc, want) {
			t.Errorf("generated policy lacks %s:\n%s", want, doc)
		}
	}
	if strings.Contains(doc, "iam:ListUsers") {
		t.Errorf("the call after --until is in the policy:\n%s", doc)
	}

	// Without --until the would-have-been-denied call is included, and
	// the reasoner reports it as new access.
	all, err := leastpriv.GenerateFor(ctx, s.App.Store, observedRole, start, time.Time{}, leastpriv.Options{}, iampkg.ManagedPolicy)
	if err != nil {
		t.Fatal(err)
	}
	if all.Verification.OK() || len(all.Verification.NoNewAccess) == 0 || all.Verification.NoNewAccess[0].Result.Result != check.Fail {
		var r strings.Builder
		all.WriteReport(&r)
		t.Errorf("with iam:ListUsers the no-new-access check passed:\n%s\n%s", r.String(), all.Policy.JSON())
	}

	// A fresh role with only the generated policy, enforced.
	fresh := s.roleSession(t, "generated", "", doc)
	c := s.connect(fresh)
	_, other := leastPrivWorkflow(t, c, "replay", inst)
	_, err = c.DeleteInstance(ctx, &awsconnect.DeleteInstanceInput{InstanceId: aws.String(inst)})
	wantAPIError(t, err, "AccessDeniedException", "User: arn:aws:sts::"+account+":assumed-role/generated/run is not authorized to perform: connect:DeleteInstance")
	_, err = c.CreateHoursOfOperation(ctx, &awsconnect.CreateHoursOfOperationInput{InstanceId: aws.String(other), Name: aws.String("Office"),
		TimeZone: aws.String("Europe/Paris"), Config: []ctypes.HoursOfOperationConfig{{Day: ctypes.HoursOfOperationDaysMonday,
			StartTime: &ctypes.HoursOfOperationTimeSlice{Hours: aws.Int32(8), Minutes: aws.Int32(0)},
			EndTime:   &ctypes.HoursOfOperationTimeSlice{Hours: aws.Int32(18), Minutes: aws.Int32(0)}}}})
	wantAPIError(t, err, "AccessDeniedException", "User: arn:aws:sts::"+account+":assumed-role/generated/run is not authorized to perform: connect:CreateHoursOfOperation")

	// audit unused: the role's FullAccess grants far more than it used.
	caller, err := authz.CallerFor(ctx, s.App.Store, observedRole)
	if err != nil {
		t.Fatal(err)
	}
	engine := authz.New(s.App.Store, authz.Options{ManagedPolicy: iampkg.ManagedPolicy})
	defer engine.Close()
	pols, err := engine.Policies(ctx, caller)
	if err != nil {
		t.Fatal(err)
	}
	obs, err := leastpriv.Load(ctx, s.App.Store, observedRole, start, until)
	if err != nil {
		t.Fatal(err)
	}
	usage, err := leastpriv.Unused(pols, obs.Calls, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range usage {
		if u.Service != "connect" {
			continue
		}
		b, _ := json.Marshal(u.Used)
		if !strings.Contains(string(b), "connect:CreateUser") || len(u.Unused) < 100 || strings.Contains(strings.Join(u.Unused, ","), "connect:CreateUser,") {
			t.Errorf("connect usage: %d granted, used %s, %d unused", u.Granted, b, len(u.Unused))
		}
	}
}
