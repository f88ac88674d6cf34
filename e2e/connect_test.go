package e2e_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awsconnect "github.com/aws/aws-sdk-go-v2/service/connect"
	ctypes "github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/connect-iam/connect-iam/store"
)

// slrPathPrefix is the path of Amazon Connect's service-linked role.
const slrPathPrefix = "/aws-service-role/connect.amazonaws.com/"

// connect returns an Amazon Connect client of the server.
func (s *testServer) connect(o clientOptions) *awsconnect.Client {
	return awsconnect.NewFromConfig(s.config(o))
}

// connectSeed returns the seed policy testdata/connect/name.
func connectSeed(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "connect", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// iamPrincipal creates, as the administrator would with the IAM API, a
// user with the AWS managed policy managedARN attached and the inline
// policy doc (either may be empty) and an access key, and returns the
// options of clients signing as it.
func (s *testServer) iamPrincipal(t testing.TB, name, managedARN, doc string) clientOptions {
	t.Helper()
	ctx := context.Background()
	admin := s.iam(clientOptions{})
	if _, err := admin.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	if managedARN != "" {
		if _, err := admin.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String(name), PolicyArn: aws.String(managedARN)}); err != nil {
			t.Fatalf("attach %s to %s: %v", managedARN, name, err)
		}
	}
	if doc != "" {
		if _, err := admin.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("seed"),
			PolicyDocument: aws.String(doc)}); err != nil {
			t.Fatalf("put the policy of %s: %v", name, err)
		}
	}
	key, err := admin.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	return clientOptions{key: aws.ToString(key.AccessKey.AccessKeyId), secret: aws.ToString(key.AccessKey.SecretAccessKey)}
}

// connectWorld is an instance with the resources a user needs.
type connectWorld struct {
	instance, routing, security string
}

// newConnectWorld creates, as client c, an instance with hours of
// operation, a queue, a routing profile and a security profile.
func newConnectWorld(t *testing.T, c *awsconnect.Client, alias string) connectWorld {
	t.Helper()
	ctx := context.Background()
	inst, err := c.CreateInstance(ctx, &awsconnect.CreateInstanceInput{IdentityManagementType: ctypes.DirectoryTypeConnectManaged,
		InstanceAlias: aws.String(alias), InboundCallsEnabled: aws.Bool(true), OutboundCallsEnabled: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	hours, err := c.CreateHoursOfOperation(ctx, &awsconnect.CreateHoursOfOperationInput{InstanceId: inst.Id, Name: aws.String("Office"),
		TimeZone: aws.String("Europe/Paris"), Config: []ctypes.HoursOfOperationConfig{{Day: ctypes.HoursOfOperationDaysTuesday,
			StartTime: &ctypes.HoursOfOperationTimeSlice{Hours: aws.Int32(8), Minutes: aws.Int32(30)},
			EndTime:   &ctypes.HoursOfOperationTimeSlice{Hours: aws.Int32(18), Minutes: aws.Int32(0)}}}})
	if err != nil {
		t.Fatal(err)
	}
	q, err := c.CreateQueue(ctx, &awsconnect.CreateQueueInput{InstanceId: inst.Id, Name: aws.String("Billing"), HoursOfOperationId: hours.HoursOfOperationId})
	if err != nil {
		t.Fatal(err)
	}
	rp, err := c.CreateRoutingProfile(ctx, &awsconnect.CreateRoutingProfileInput{InstanceId: inst.Id, Name: aws.String("Billing agents"),
		Description: aws.String("billing"), DefaultOutboundQueueId: q.QueueId,
		MediaConcurrencies: []ctypes.MediaConcurrency{{Channel: ctypes.ChannelVoice, Concurrency: aws.Int32(1)}}})
	if err != nil {
		t.Fatal(err)
	}
	sp, err := c.CreateSecurityProfile(ctx, &awsconnect.CreateSecurityProfileInput{InstanceId: inst.Id, SecurityProfileName: aws.String("Billing")})
	if err != nil {
		t.Fatal(err)
	}
	return connectWorld{instance: aws.ToString(inst.Id), routing: aws.ToString(rp.RoutingProfileId), security: aws.ToString(sp.SecurityProfileId)}
}

// createUser creates a Connect user in w as client c.
func (w connectWorld) createUser(ctx context.Context, c *awsconnect.Client, name string, tags map[string]string) (*awsconnect.CreateUserOutput, error) {
	return c.CreateUser(ctx, &awsconnect.CreateUserInput{InstanceId: aws.String(w.instance), Username: aws.String(name),
		Password: aws.String("Passw0rd!x"), RoutingProfileId: aws.String(w.routing), SecurityProfileIds: []string{w.security},
		PhoneConfig: &ctypes.UserPhoneConfig{PhoneType: ctypes.PhoneTypeSoftPhone}, Tags: tags})
}

// serviceLinkedRoles returns the names of the account's Amazon Connect
// service-linked roles, as the administrator sees them with ListRoles.
func (s *testServer) serviceLinkedRoles(t *testing.T) []string {
	t.Helper()
	out, err := s.iam(clientOptions{}).ListRoles(context.Background(), &iam.ListRolesInput{PathPrefix: aws.String(slrPathPrefix)})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range out.Roles {
		names = append(names, aws.ToString(r.RoleName))
	}
	return names
}

// TestConnectSeedPolicies writes the policies of the Amazon Connect
// identity-based policy examples with the IAM API, as an administrator
// would, and acts as each user with the Amazon Connect SDK client through
// the real server: every example allows what it should and denies the
// rest with AWS's message, and the audit log records the decisions.
func TestConnectSeedPolicies(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	admin := srv.connect(clientOptions{})
	w := newConnectWorld(t, admin, "e2e-seeds")
	tagged, err := w.createUser(ctx, admin, "tagged", map[string]string{"Department": "Test"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := w.createUser(ctx, admin, "other", map[string]string{"Department": "Prod"})
	if err != nil {
		t.Fatal(err)
	}

	viewer := srv.connect(srv.iamPrincipal(t, "viewer", "", connectSeed(t, "view-user.json")))
	dept := srv.connect(srv.iamPrincipal(t, "dept", "", connectSeed(t, "department-test.json")))
	teamA := srv.connect(srv.iamPrincipal(t, "teama", "", connectSeed(t, "owner-teama.json")))
	full := srv.connect(srv.iamPrincipal(t, "full", "arn:aws:iam::aws:policy/AmazonConnect_FullAccess", ""))
	ro := srv.connect(srv.iamPrincipal(t, "ro", "arn:aws:iam::aws:policy/AmazonConnectReadOnlyAccess", ""))

	inst := aws.String(w.instance)
	instARN := "arn:aws:connect:us-east-1:" + account + ":instance/" + w.instance
	userARN := func(id *string) string { return instARN + "/agent/" + aws.ToString(id) }
	describe := func(c *awsconnect.Client, id *string) error {
		_, err := c.DescribeUser(ctx, &awsconnect.DescribeUserInput{InstanceId: inst, UserId: id})
		return err
	}
	updateInfo := func(c *awsconnect.Client, id *string) error {
		_, err := c.UpdateUserIdentityInfo(ctx, &awsconnect.UpdateUserIdentityInfoInput{InstanceId: inst, UserId: id,
			IdentityInfo: &ctypes.UserIdentityInfo{FirstName: aws.String("Ada"), LastName: aws.String("Lovelace")}})
		return err
	}
	listUsers := func(c *awsconnect.Client) error {
		_, err := c.ListUsers(ctx, &awsconnect.ListUsersInput{InstanceId: inst})
		return err
	}
	denied := func(user, action, resource string) string {
		return fmt.Sprintf("User: arn:aws:iam::%s:user/%s is not authorized to perform: %s on resource: %s because no identity-based policy allows the %s action",
			account, user, action, resource, action)
	}

	tests := []struct {
		name string
		call func() error
		code string
		msg  string // the exact message of a denial, or a prefix of it
	}{
		{"View User: DescribeUser", func() error { return describe(viewer, tagged.UserId) }, "", ""},
		{"View User: ListUsers", func() error { return listUsers(viewer) }, "", ""},
		{"View User: UpdateUserIdentityInfo denied", func() error { return updateInfo(viewer, other.UserId) }, "AccessDeniedException",
			denied("viewer", "connect:UpdateUserIdentityInfo", userARN(other.UserId))},
		{"View User: UpdateUserSecurityProfiles denied", func() error {
			_, err := viewer.UpdateUserSecurityProfiles(ctx, &awsconnect.UpdateUserSecurityProfilesInput{InstanceId: inst, UserId: tagged.UserId,
				SecurityProfileIds: []string{w.security}})
			return err
		}, "AccessDeniedException", denied("viewer", "connect:UpdateUserSecurityProfiles", userARN(tagged.UserId))},

		{"Department=Test: describe a tagged user", func() error { return describe(dept, tagged.UserId) }, "", ""},
		{"Department=Test: update a tagged user", func() error { return updateInfo(dept, tagged.UserId) }, "", ""},
		{"Department=Test: describe another user denied", func() error { return describe(dept, other.UserId) }, "AccessDeniedException",
			denied("dept", "connect:DescribeUser", userARN(other.UserId))},
		{"Department=Test: update another user denied", func() error { return updateInfo(dept, other.UserId) }, "AccessDeniedException",
			denied("dept", "connect:UpdateUserIdentityInfo", userARN(other.UserId))},

		{"Owner=TeamA: CreateUser with the tag", func() error {
			_, err := w.createUser(ctx, teamA, "teama-1", map[string]string{"Owner": "TeamA"})
			return err
		}, "", ""},
		{"Owner=TeamA: CreateUser without tags denied", func() error { _, err := w.createUser(ctx, teamA, "teama-2", nil); return err },
			"AccessDeniedException", "User: arn:aws:iam::" + account + ":user/teama is not authorized to perform: connect:CreateUser on resource: " + instARN + "/agent/"},
		{"Owner=TeamA: CreateUser with Owner=TeamB denied", func() error {
			_, err := w.createUser(ctx, teamA, "teama-3", map[string]string{"Owner": "TeamB"})
			return err
		}, "AccessDeniedException", "User: arn:aws:iam::" + account + ":user/teama is not authorized to perform: connect:CreateUser"},

		{"FullAccess: CreateUser and DeleteUser", func() error {
			u, err := w.createUser(ctx, full, "full-1", nil)
			if err != nil {
				return err
			}
			_, err = full.DeleteUser(ctx, &awsconnect.DeleteUserInput{InstanceId: inst, UserId: u.UserId})
			return err
		}, "", ""},
		{"FullAccess: UpdateUserIdentityInfo", func() error { return updateInfo(full, tagged.UserId) }, "", ""},
		{"ReadOnly: DescribeUser", func() error { return describe(ro, other.UserId) }, "", ""},
		{"ReadOnly: DescribeInstance", func() error {
			_, err := ro.DescribeInstance(ctx, &awsconnect.DescribeInstanceInput{InstanceId: inst})
			return err
		}, "", ""},
		{"ReadOnly: UpdateUserIdentityInfo denied", func() error { return updateInfo(ro, other.UserId) }, "AccessDeniedException",
			denied("ro", "connect:UpdateUserIdentityInfo", userARN(other.UserId))},
		{"ReadOnly: DeleteInstance denied", func() error {
			_, err := ro.DeleteInstance(ctx, &awsconnect.DeleteInstanceInput{InstanceId: inst})
			return err
		}, "AccessDeniedException", denied("ro", "connect:DeleteInstance", instARN)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if tt.code == "" {
				if err != nil {
					t.Fatalf("call failed: %v", err)
				}
				return
			}
			wantAPIError(t, err, tt.code, tt.msg)
			var re *awshttp.ResponseError
			if !errors.As(err, &re) || re.HTTPStatusCode() != 403 {
				t.Errorf("AccessDeniedException without HTTP status 403: %v", err)
			}
		})
	}

	// The allowed update was applied, the denied ones were not.
	got, err := admin.DescribeUser(ctx, &awsconnect.DescribeUserInput{InstanceId: inst, UserId: other.UserId})
	if err != nil {
		t.Fatal(err)
	}
	if got.User.IdentityInfo != nil && aws.ToString(got.User.IdentityInfo.FirstName) != "" {
		t.Errorf("other user's FirstName = %q after denied updates", aws.ToString(got.User.IdentityInfo.FirstName))
	}
	lu, err := viewer.ListUsers(ctx, &awsconnect.ListUsersInput{InstanceId: inst})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, u := range lu.UserSummaryList {
		names = append(names, aws.ToString(u.Username))
	}
	if got := strings.Join(names, ","); !strings.Contains(got, "tagged") || !strings.Contains(got, "teama-1") || strings.Contains(got, "teama-2") {
		t.Errorf("ListUsers = %s, want tagged, other and teama-1 only", got)
	}

	// The audit log has the Connect decisions, denial and allow, with the caller.
	srv.waitEvent(t, store.EventQuery{Name: "UpdateUserIdentityInfo", ErrorCode: "AccessDeniedException",
		PrincipalARN: "arn:aws:iam::" + account + ":user/viewer"}, func(e store.Event) bool {
		return e.Source == "connect.amazonaws.com" && e.Decision == "ImplicitDeny" &&
			strings.Contains(e.ErrorMessage, "connect:UpdateUserIdentityInfo on resource: "+userARN(other.UserId))
	})
	srv.waitEvent(t, store.EventQuery{Name: "DescribeUser", PrincipalARN: "arn:aws:iam::" + account + ":user/dept"}, func(e store.Event) bool {
		return e.Source == "connect.amazonaws.com" && e.Decision == "Allow" && e.ErrorCode == ""
	})
}

// TestConnectServiceLinkedRole creates two instances and deletes them: the
// Amazon Connect service-linked role appears with the first, the
// administrator can read but not edit it, and it goes with the last. A
// caller without iam:CreateServiceLinkedRole cannot create the first
// instance.
func TestConnectServiceLinkedRole(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	admin := srv.connect(clientOptions{})
	adminIAM := srv.iam(clientOptions{})

	// Connect access alone does not create the role.
	connectOnly := srv.connect(srv.iamPrincipal(t, "connect-only", "", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"connect:*","Resource":"*"}]}`))
	newInstance := func(c *awsconnect.Client, alias string) (*awsconnect.CreateInstanceOutput, error) {
		return c.CreateInstance(ctx, &awsconnect.CreateInstanceInput{IdentityManagementType: ctypes.DirectoryTypeConnectManaged,
			InstanceAlias: aws.String(alias), InboundCallsEnabled: aws.Bool(true), OutboundCallsEnabled: aws.Bool(false)})
	}
	_, err := newInstance(connectOnly, "no-role")
	wantAPIError(t, err, "AccessDeniedException", "User: arn:aws:iam::"+account+":user/connect-only is not authorized to perform: iam:CreateServiceLinkedRole on resource: arn:aws:iam::"+
		account+":role"+slrPathPrefix+"AWSServiceRoleForAmazonConnect_")
	if roles := srv.serviceLinkedRoles(t); len(roles) != 0 {
		t.Fatalf("service-linked roles after a denied CreateInstance: %v", roles)
	}

	first, err := newInstance(admin, "first")
	if err != nil {
		t.Fatal(err)
	}
	roles := srv.serviceLinkedRoles(t)
	if len(roles) != 1 || !strings.HasPrefix(roles[0], "AWSServiceRoleForAmazonConnect_") {
		t.Fatalf("service-linked roles after the first instance: %v", roles)
	}
	d, err := admin.DescribeInstance(ctx, &awsconnect.DescribeInstanceInput{InstanceId: first.Id})
	if err != nil {
		t.Fatal(err)
	}
	if want := "arn:aws:iam::" + account + ":role" + slrPathPrefix + roles[0]; aws.ToString(d.Instance.ServiceRole) != want {
		t.Errorf("instance ServiceRole %s, want %s", aws.ToString(d.Instance.ServiceRole), want)
	}
	ap, err := adminIAM.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(roles[0])})
	if err != nil {
		t.Fatal(err)
	}
	if len(ap.AttachedPolicies) != 1 || aws.ToString(ap.AttachedPolicies[0].PolicyArn) != "arn:aws:iam::aws:policy/aws-service-role/AmazonConnectServiceLinkedRolePolicy" {
		t.Errorf("policies of the service-linked role: %+v", ap.AttachedPolicies)
	}
	_, err = adminIAM.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(roles[0]), PolicyName: aws.String("extra"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)})
	wantAPIError(t, err, "UnmodifiableEntity", "Cannot perform the operation on the protected role '"+roles[0]+"'")

	// A second instance shares the role, which outlives the first.
	second, err := newInstance(connectOnly, "second")
	if err != nil {
		t.Fatalf("second instance, with the existing role, as a user without IAM permissions: %v", err)
	}
	// IAM refuses to delete the role while instances use it: the deletion
	// task fails and names them, and the role stays.
	del, err := adminIAM.DeleteServiceLinkedRole(ctx, &iam.DeleteServiceLinkedRoleInput{RoleName: aws.String(roles[0])})
	if err != nil {
		t.Fatal(err)
	}
	st, err := adminIAM.GetServiceLinkedRoleDeletionStatus(ctx, &iam.GetServiceLinkedRoleDeletionStatusInput{DeletionTaskId: del.DeletionTaskId})
	if err != nil {
		t.Fatal(err)
	}
	if st.Status != iamtypes.DeletionTaskStatusTypeFailed || st.Reason == nil || !strings.Contains(aws.ToString(st.Reason.Reason), aws.ToString(first.Arn)) ||
		!strings.Contains(aws.ToString(st.Reason.Reason), aws.ToString(second.Arn)) {
		t.Errorf("deletion of the role in use: status %s, reason %+v; want FAILED naming both instances", st.Status, st.Reason)
	}
	if got := srv.serviceLinkedRoles(t); len(got) != 1 || got[0] != roles[0] {
		t.Fatalf("service-linked roles after a refused deletion: %v, want %s", got, roles[0])
	}

	if _, err := admin.DeleteInstance(ctx, &awsconnect.DeleteInstanceInput{InstanceId: first.Id}); err != nil {
		t.Fatal(err)
	}
	if got := srv.serviceLinkedRoles(t); len(got) != 1 || got[0] != roles[0] {
		t.Fatalf("service-linked roles with one instance left: %v, want %s", got, roles[0])
	}
	if _, err := admin.DeleteInstance(ctx, &awsconnect.DeleteInstanceInput{InstanceId: second.Id}); err != nil {
		t.Fatal(err)
	}
	if got := srv.serviceLinkedRoles(t); len(got) != 0 {
		t.Fatalf("service-linked roles after the last instance: %v", got)
	}
}

// TestConnectAssumeRole acts on Amazon Connect with the temporary
// credentials of a role session: the role's policy decides, and denials
// name the session.
func TestConnectAssumeRole(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	admin := srv.connect(clientOptions{})
	w := newConnectWorld(t, admin, "e2e-role")
	u, err := w.createUser(ctx, admin, "agent-1", map[string]string{"Department": "Test"})
	if err != nil {
		t.Fatal(err)
	}
	adminIAM := srv.iam(clientOptions{})
	if _, err := adminIAM.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("connect-viewer"),
		AssumeRolePolicyDocument: aws.String(deployerTrust)}); err != nil {
		t.Fatal(err)
	}
	if _, err := adminIAM.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("connect-viewer"),
		PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonConnectReadOnlyAccess")}); err != nil {
		t.Fatal(err)
	}
	out, err := srv.sts(clientOptions{}).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + account + ":role/connect-viewer"), RoleSessionName: aws.String("supervisor")})
	if err != nil {
		t.Fatal(err)
	}
	session := srv.connect(clientOptions{key: aws.ToString(out.Credentials.AccessKeyId), secret: aws.ToString(out.Credentials.SecretAccessKey),
		token: aws.ToString(out.Credentials.SessionToken)})
	d, err := session.DescribeUser(ctx, &awsconnect.DescribeUserInput{InstanceId: aws.String(w.instance), UserId: u.UserId})
	if err != nil {
		t.Fatalf("DescribeUser with the role session: %v", err)
	}
	if aws.ToString(d.User.Username) != "agent-1" || d.User.Tags["Department"] != "Test" {
		t.Errorf("DescribeUser = %s %v", aws.ToString(d.User.Username), d.User.Tags)
	}
	_, err = session.DeleteUser(ctx, &awsconnect.DeleteUserInput{InstanceId: aws.String(w.instance), UserId: u.UserId})
	sessionARN := "arn:aws:sts::" + account + ":assumed-role/connect-viewer/supervisor"
	wantAPIError(t, err, "AccessDeniedException", "User: "+sessionARN+" is not authorized to perform: connect:DeleteUser on resource: arn:aws:connect:us-east-1:"+
		account+":instance/"+w.instance+"/agent/"+aws.ToString(u.UserId)+" because no identity-based policy allows the connect:DeleteUser action")
	srv.waitEvent(t, store.EventQuery{Name: "DeleteUser", PrincipalARN: sessionARN}, func(e store.Event) bool {
		return e.ErrorCode == "AccessDeniedException" && e.Decision == "ImplicitDeny" && strings.Contains(string(e.UserIdentity), `"type":"AssumedRole"`)
	})
}

// TestConnectDefaultsSearchAndUpdates checks, through the real server,
// the resources a new instance comes with, renaming its BasicQueue,
// SearchQueues under a connect:SearchTag policy, DescribePhoneNumber and
// TagContact.
func TestConnectDefaultsSearchAndUpdates(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	admin := srv.connect(clientOptions{})
	out, err := admin.CreateInstance(ctx, &awsconnect.CreateInstanceInput{IdentityManagementType: ctypes.DirectoryTypeConnectManaged,
		InstanceAlias: aws.String("e2e-defaults"), InboundCallsEnabled: aws.Bool(true), OutboundCallsEnabled: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	inst := out.Id
	sps, err := admin.ListSecurityProfiles(ctx, &awsconnect.ListSecurityProfilesInput{InstanceId: inst})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range sps.SecurityProfileSummaryList {
		names = append(names, aws.ToString(s.Name))
	}
	slices.Sort(names)
	if got := strings.Join(names, ","); got != "Admin,Agent,CallCenterManager,QualityAnalyst" {
		t.Errorf("default security profiles %s", got)
	}
	qs, err := admin.ListQueues(ctx, &awsconnect.ListQueuesInput{InstanceId: inst})
	if err != nil {
		t.Fatal(err)
	}
	if len(qs.QueueSummaryList) != 1 || aws.ToString(qs.QueueSummaryList[0].Name) != "BasicQueue" {
		t.Fatalf("default queues %+v", qs.QueueSummaryList)
	}
	basic := qs.QueueSummaryList[0]
	if _, err := admin.UpdateQueueName(ctx, &awsconnect.UpdateQueueNameInput{InstanceId: inst, QueueId: basic.Id, Name: aws.String("General")}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.TagResource(ctx, &awsconnect.TagResourceInput{ResourceArn: basic.Arn, Tags: map[string]string{"Department": "Test"}}); err != nil {
		t.Fatal(err)
	}

	searcher := srv.connect(srv.iamPrincipal(t, "qsearcher", "", connectSeed(t, "search-queues-tag.json")))
	byTag := func(dept string) *awsconnect.SearchQueuesInput {
		return &awsconnect.SearchQueuesInput{InstanceId: inst, SearchFilter: &ctypes.QueueSearchFilter{TagFilter: &ctypes.ControlPlaneTagFilter{
			TagCondition: &ctypes.TagCondition{TagKey: aws.String("Department"), TagValue: aws.String(dept)}}}}
	}
	found, err := searcher.SearchQueues(ctx, byTag("Test"))
	if err != nil {
		t.Fatalf("SearchQueues Department=Test: %v", err)
	}
	if len(found.Queues) != 1 || aws.ToString(found.Queues[0].Name) != "General" {
		t.Errorf("SearchQueues Department=Test = %+v", found.Queues)
	}
	_, err = searcher.SearchQueues(ctx, byTag("Prod"))
	wantAPIError(t, err, "AccessDeniedException", "User: arn:aws:iam::"+account+":user/qsearcher is not authorized to perform: connect:SearchQueues on resource: "+
		aws.ToString(out.Arn)+" because no identity-based policy allows the connect:SearchQueues action")

	// A claimed number can be described; a task contact can be tagged.
	phone, err := admin.ClaimPhoneNumber(ctx, &awsconnect.ClaimPhoneNumberInput{TargetArn: out.Arn, PhoneNumber: aws.String("+12065550188")})
	if err != nil {
		t.Fatal(err)
	}
	dp, err := admin.DescribePhoneNumber(ctx, &awsconnect.DescribePhoneNumberInput{PhoneNumberId: phone.PhoneNumberId})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(dp.ClaimedPhoneNumberSummary.PhoneNumber) != "+12065550188" || aws.ToString(dp.ClaimedPhoneNumberSummary.InstanceId) != aws.ToString(inst) {
		t.Errorf("DescribePhoneNumber = %+v", dp.ClaimedPhoneNumberSummary)
	}
	flow, err := admin.CreateContactFlow(ctx, &awsconnect.CreateContactFlowInput{InstanceId: inst, Name: aws.String("Tasks"), Type: ctypes.ContactFlowTypeContactFlow,
		Content: aws.String(`{"Version":"2019-10-30","StartAction":"a1","Actions":[{"Identifier":"a1","Type":"DisconnectParticipant","Parameters":{},"Transitions":{}}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	task, err := admin.StartTaskContact(ctx, &awsconnect.StartTaskContactInput{InstanceId: inst, Name: aws.String("Follow up"), ContactFlowId: flow.ContactFlowId})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.TagContact(ctx, &awsconnect.TagContactInput{InstanceId: inst, ContactId: task.ContactId, Tags: map[string]string{"Priority": "high"}}); err != nil {
		t.Fatal(err)
	}
	dc, err := admin.DescribeContact(ctx, &awsconnect.DescribeContactInput{InstanceId: inst, ContactId: task.ContactId})
	if err != nil {
		t.Fatal(err)
	}
	if dc.Contact.Tags["Priority"] != "high" {
		t.Errorf("contact tags %v", dc.Contact.Tags)
	}
}
