package connect

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconnect "github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

// TestValidation checks the errors of malformed and impossible requests.
func TestValidation(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	w := e.newWorld(t, "validation")
	c := e.admin
	inst := aws.String(w.instance)
	missingID := "00000000-0000-4000-8000-000000000000"
	user := func(mod func(in *awsconnect.CreateUserInput)) func() error {
		return func() error {
			in := &awsconnect.CreateUserInput{InstanceId: inst, Username: aws.String("valid"), Password: aws.String("Passw0rd!x"),
				RoutingProfileId: aws.String(w.routing), SecurityProfileIds: []string{w.security},
				PhoneConfig: &types.UserPhoneConfig{PhoneType: types.PhoneTypeSoftPhone}}
			mod(in)
			_, err := c.CreateUser(ctx, in)
			return err
		}
	}
	must(w.createUser(ctx, c, "taken", nil))(t)
	tests := []struct {
		name string
		call func() error
		code string
		msg  string
	}{
		{"username with a space", user(func(in *awsconnect.CreateUserInput) { in.Username = aws.String("a b") }), "InvalidParameterException", "Username"},
		{"username taken, other case", user(func(in *awsconnect.CreateUserInput) { in.Username = aws.String("TAKEN") }), "DuplicateResourceException", "already exists"},
		{"no security profiles", user(func(in *awsconnect.CreateUserInput) { in.SecurityProfileIds = []string{} }), "InvalidParameterException", "at 'securityProfileIds' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"eleven security profiles", user(func(in *awsconnect.CreateUserInput) {
			in.SecurityProfileIds = nil
			for i := 0; i < 11; i++ {
				in.SecurityProfileIds = append(in.SecurityProfileIds, fmt.Sprint(i))
			}
		}), "InvalidParameterException", "Member must have length less than or equal to 10"},
		{"unknown routing profile", user(func(in *awsconnect.CreateUserInput) { in.RoutingProfileId = aws.String(missingID) }), "ResourceNotFoundException", "Routing profile " + missingID},
		{"unknown security profile", user(func(in *awsconnect.CreateUserInput) { in.SecurityProfileIds = []string{missingID} }), "ResourceNotFoundException", "Security profile"},
		{"password required for CONNECT_MANAGED", user(func(in *awsconnect.CreateUserInput) { in.Password = nil }), "InvalidParameterException", "Password"},
		{"desk phone without number", user(func(in *awsconnect.CreateUserInput) { in.PhoneConfig.PhoneType = types.PhoneTypeDeskPhone }), "InvalidParameterException", "DeskPhoneNumber"},
		{"reserved tag prefix", user(func(in *awsconnect.CreateUserInput) { in.Tags = map[string]string{"aws:x": "y"} }), "InvalidParameterException", "reserved"},
		{"unknown instance", func() error {
			_, err := c.ListUsers(ctx, &awsconnect.ListUsersInput{InstanceId: aws.String(missingID)})
			return err
		}, "ResourceNotFoundException", "Instance " + missingID},
		{"unknown user", func() error {
			_, err := c.DescribeUser(ctx, &awsconnect.DescribeUserInput{InstanceId: inst, UserId: aws.String(missingID)})
			return err
		}, "ResourceNotFoundException", "User " + missingID},
		{"maxResults out of range", func() error {
			_, err := c.ListUsers(ctx, &awsconnect.ListUsersInput{InstanceId: inst, MaxResults: aws.Int32(1001)})
			return err
		}, "InvalidParameterException", "maxResults"},
		{"bad nextToken", func() error {
			_, err := c.ListUsers(ctx, &awsconnect.ListUsersInput{InstanceId: inst, NextToken: aws.String("garbage!")})
			return err
		}, "InvalidParameterException", "nextToken"},
		{"CreateInstance without alias", func() error {
			_, err := c.CreateInstance(ctx, &awsconnect.CreateInstanceInput{IdentityManagementType: types.DirectoryTypeSaml,
				InboundCallsEnabled: aws.Bool(true), OutboundCallsEnabled: aws.Bool(true)})
			return err
		}, "InvalidRequestException", "InstanceAlias"},
		{"CreateInstance with a bad alias", func() error {
			_, err := c.CreateInstance(ctx, &awsconnect.CreateInstanceInput{IdentityManagementType: types.DirectoryTypeSaml, InstanceAlias: aws.String("-bad"),
				InboundCallsEnabled: aws.Bool(true), OutboundCallsEnabled: aws.Bool(true)})
			return err
		}, "InvalidRequestException", "InstanceAlias"},
		{"flow with an unknown type", func() error {
			_, err := c.CreateContactFlow(ctx, &awsconnect.CreateContactFlowInput{InstanceId: inst, Name: aws.String("f"), Type: "NOPE", Content: aws.String(fixture(t, "flow.json"))})
			return err
		}, "InvalidParameterException", "at 'type' failed to satisfy constraint: Member must satisfy enum value set"},
		{"flow that is not JSON", func() error {
			_, err := c.CreateContactFlow(ctx, &awsconnect.CreateContactFlowInput{InstanceId: inst, Name: aws.String("f"), Type: types.ContactFlowTypeContactFlow, Content: aws.String("{")})
			return err
		}, "InvalidContactFlowException", ""}, // the shape has problems, not a message
		{"queue with unknown hours", func() error {
			_, err := c.CreateQueue(ctx, &awsconnect.CreateQueueInput{InstanceId: inst, Name: aws.String("q2"), HoursOfOperationId: aws.String(missingID)})
			return err
		}, "ResourceNotFoundException", "Hours of operation"},
		{"queue name taken", func() error {
			_, err := c.CreateQueue(ctx, &awsconnect.CreateQueueInput{InstanceId: inst, Name: aws.String("Support"), HoursOfOperationId: aws.String(w.hours)})
			return err
		}, "DuplicateResourceException", "Queue Support already exists"},
		{"routing profile voice concurrency 2", func() error {
			_, err := c.CreateRoutingProfile(ctx, &awsconnect.CreateRoutingProfileInput{InstanceId: inst, Name: aws.String("rp2"), Description: aws.String("d"),
				DefaultOutboundQueueId: aws.String(w.queue), MediaConcurrencies: []types.MediaConcurrency{{Channel: types.ChannelVoice, Concurrency: aws.Int32(2)}}})
			return err
		}, "InvalidParameterException", "Concurrency"},
		{"hours with a bad day", func() error {
			_, err := c.CreateHoursOfOperation(ctx, &awsconnect.CreateHoursOfOperationInput{InstanceId: inst, Name: aws.String("h2"), TimeZone: aws.String("UTC"),
				Config: []types.HoursOfOperationConfig{{Day: "FUNDAY", StartTime: &types.HoursOfOperationTimeSlice{Hours: aws.Int32(1), Minutes: aws.Int32(0)},
					EndTime: &types.HoursOfOperationTimeSlice{Hours: aws.Int32(2), Minutes: aws.Int32(0)}}}})
			return err
		}, "InvalidParameterException", "at 'config.1.member.day'"},
		{"quick connect without its config", func() error {
			_, err := c.CreateQuickConnect(ctx, &awsconnect.CreateQuickConnectInput{InstanceId: inst, Name: aws.String("qc"),
				QuickConnectConfig: &types.QuickConnectConfig{QuickConnectType: types.QuickConnectTypeQueue}})
			return err
		}, "InvalidParameterException", "QueueConfig"},
		{"delete a routing profile in use", func() error {
			_, err := c.DeleteRoutingProfile(ctx, &awsconnect.DeleteRoutingProfileInput{InstanceId: inst, RoutingProfileId: aws.String(w.routing)})
			return err
		}, "ResourceInUseException", "in use by user taken"},
		{"delete a queue in use", func() error {
			_, err := c.DeleteQueue(ctx, &awsconnect.DeleteQueueInput{InstanceId: inst, QueueId: aws.String(w.queue)})
			return err
		}, "ResourceInUseException", "in use by routing profile Basic"},
		{"tag an unknown resource", func() error {
			_, err := c.TagResource(ctx, &awsconnect.TagResourceInput{ResourceArn: aws.String("arn:aws:connect:us-east-1:" + testAccount + ":instance/" + w.instance + "/queue/" + missingID),
				Tags: map[string]string{"a": "b"}})
			return err
		}, "ResourceNotFoundException", "not found"},
		{"tag a non-Connect ARN", func() error {
			_, err := c.TagResource(ctx, &awsconnect.TagResourceInput{ResourceArn: aws.String("arn:aws:iam::" + testAccount + ":user/x"), Tags: map[string]string{"a": "b"}})
			return err
		}, "InvalidParameterException", "is not an ARN of connect"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, msg := apiError(t, tt.call())
			if code != tt.code || !strings.Contains(msg, tt.msg) {
				t.Errorf("error = %s %q, want %s containing %q", code, msg, tt.code, tt.msg)
			}
		})
	}
}

// TestPagination pages through users with maxResults and nextToken.
func TestPagination(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	w := e.newWorld(t, "pages")
	want := map[string]bool{}
	for i := 0; i < 5; i++ {
		u := must(w.createUser(ctx, e.admin, fmt.Sprintf("user%d", i), nil))(t)
		want[aws.ToString(u.UserId)] = true
	}
	got := map[string]bool{}
	var token *string
	pages := 0
	for {
		out := must(e.admin.ListUsers(ctx, &awsconnect.ListUsersInput{InstanceId: aws.String(w.instance), MaxResults: aws.Int32(2), NextToken: token}))(t)
		pages++
		if len(out.UserSummaryList) > 2 {
			t.Fatalf("page of %d users with maxResults 2", len(out.UserSummaryList))
		}
		for _, u := range out.UserSummaryList {
			if got[aws.ToString(u.Id)] {
				t.Errorf("user %s listed twice", aws.ToString(u.Id))
			}
			got[aws.ToString(u.Id)] = true
			if u.LastModifiedTime == nil || aws.ToString(u.LastModifiedRegion) != "us-east-1" {
				t.Errorf("summary %+v lacks LastModifiedTime/Region", u)
			}
		}
		if token = out.NextToken; token == nil {
			break
		}
	}
	if pages != 3 || len(got) != len(want) {
		t.Errorf("%d pages, %d users; want 3 pages, %d users", pages, len(got), len(want))
	}
	search := must(e.admin.SearchUsers(ctx, &awsconnect.SearchUsersInput{InstanceId: aws.String(w.instance), MaxResults: aws.Int32(3),
		SearchCriteria: &types.UserSearchCriteria{StringCondition: &types.StringCondition{FieldName: aws.String("Username"), Value: aws.String("USER"), ComparisonType: types.StringComparisonTypeStartsWith}}}))(t)
	if len(search.Users) != 3 || search.NextToken == nil || aws.ToInt64(search.ApproximateTotalCount) != 5 {
		t.Fatalf("SearchUsers page 1: %d users, next %v, total %d", len(search.Users), search.NextToken, aws.ToInt64(search.ApproximateTotalCount))
	}
	search = must(e.admin.SearchUsers(ctx, &awsconnect.SearchUsersInput{InstanceId: aws.String(w.instance), MaxResults: aws.Int32(3), NextToken: search.NextToken,
		SearchCriteria: &types.UserSearchCriteria{StringCondition: &types.StringCondition{FieldName: aws.String("Username"), Value: aws.String("USER"), ComparisonType: types.StringComparisonTypeStartsWith}}}))(t)
	if len(search.Users) != 2 || search.NextToken != nil {
		t.Fatalf("SearchUsers page 2: %d users, next %v", len(search.Users), search.NextToken)
	}
}

// TestTags tags, lists and untags resources of every kind by their
// percent-encoded ARNs.
func TestTags(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	w := e.newWorld(t, "tags")
	u := must(w.createUser(ctx, e.admin, "tagme", nil))(t)
	base := "arn:aws:connect:us-east-1:" + testAccount + ":instance/" + w.instance
	arns := []string{base, base + "/agent/" + aws.ToString(u.UserId), base + "/queue/" + w.queue, base + "/routing-profile/" + w.routing,
		base + "/security-profile/" + w.security, base + "/agent-group/" + w.hierarchy, base + "/operating-hours/" + w.hours}
	for _, arn := range arns {
		t.Run(arn[len(base):], func(t *testing.T) {
			must(e.admin.TagResource(ctx, &awsconnect.TagResourceInput{ResourceArn: aws.String(arn), Tags: map[string]string{"a": "1", "b": "2 / x"}}))(t)
			must(e.admin.UntagResource(ctx, &awsconnect.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"a"}}))(t)
			out := must(e.admin.ListTagsForResource(ctx, &awsconnect.ListTagsForResourceInput{ResourceArn: aws.String(arn)}))(t)
			if len(out.Tags) != 1 || out.Tags["b"] != "2 / x" {
				t.Errorf("tags of %s = %v, want b=2 / x", arn, out.Tags)
			}
		})
	}
	if !strings.Contains(url.PathEscape(arns[1]), "%2F") {
		t.Fatal("ARNs are expected to need percent-encoding in the path")
	}
}

// TestResourceKinds creates, describes, lists and deletes a resource of
// each kind served by the generic operations.
func TestResourceKinds(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	w := e.newWorld(t, "kinds")
	c := e.admin
	inst := aws.String(w.instance)
	flow := must(c.CreateContactFlow(ctx, &awsconnect.CreateContactFlowInput{InstanceId: inst, Name: aws.String("Inbound"), Type: types.ContactFlowTypeContactFlow,
		Content: aws.String(fixture(t, "flow.json")), Tags: map[string]string{"k": "v"}}))(t)
	d := must(c.DescribeContactFlow(ctx, &awsconnect.DescribeContactFlowInput{InstanceId: inst, ContactFlowId: flow.ContactFlowId}))(t)
	if aws.ToString(d.ContactFlow.Name) != "Inbound" || d.ContactFlow.Type != types.ContactFlowTypeContactFlow ||
		aws.ToString(d.ContactFlow.Content) != fixture(t, "flow.json") || d.ContactFlow.Tags["k"] != "v" || aws.ToString(d.ContactFlow.Arn) != aws.ToString(flow.ContactFlowArn) {
		t.Errorf("DescribeContactFlow = %+v", d.ContactFlow)
	}
	flows := must(c.ListContactFlows(ctx, &awsconnect.ListContactFlowsInput{InstanceId: inst, ContactFlowTypes: []types.ContactFlowType{types.ContactFlowTypeContactFlow}}))(t)
	if len(flows.ContactFlowSummaryList) != 1 || flows.ContactFlowSummaryList[0].ContactFlowType != types.ContactFlowTypeContactFlow {
		t.Errorf("ListContactFlows = %+v", flows.ContactFlowSummaryList)
	}
	none := must(c.ListContactFlows(ctx, &awsconnect.ListContactFlowsInput{InstanceId: inst, ContactFlowTypes: []types.ContactFlowType{types.ContactFlowTypeAgentHold}}))(t)
	if len(none.ContactFlowSummaryList) != 0 {
		t.Errorf("ListContactFlows AGENT_HOLD = %+v", none.ContactFlowSummaryList)
	}
	qc := must(c.CreateQuickConnect(ctx, &awsconnect.CreateQuickConnectInput{InstanceId: inst, Name: aws.String("To support"),
		QuickConnectConfig: &types.QuickConnectConfig{QuickConnectType: types.QuickConnectTypeQueue,
			QueueConfig: &types.QueueQuickConnectConfig{QueueId: aws.String(w.queue), ContactFlowId: flow.ContactFlowId}}}))(t)
	dq := must(c.DescribeQuickConnect(ctx, &awsconnect.DescribeQuickConnectInput{InstanceId: inst, QuickConnectId: qc.QuickConnectId}))(t)
	if aws.ToString(dq.QuickConnect.QuickConnectConfig.QueueConfig.QueueId) != w.queue || aws.ToString(dq.QuickConnect.QuickConnectARN) != aws.ToString(qc.QuickConnectARN) {
		t.Errorf("DescribeQuickConnect = %+v", dq.QuickConnect)
	}
	tt := must(c.CreateTaskTemplate(ctx, &awsconnect.CreateTaskTemplateInput{InstanceId: inst, Name: aws.String("Callback"), ContactFlowId: flow.ContactFlowId,
		Fields: []types.TaskTemplateField{{Id: &types.TaskTemplateFieldIdentifier{Name: aws.String("Phone")}, Type: types.TaskTemplateFieldTypeName}}}))(t)
	gt := must(c.GetTaskTemplate(ctx, &awsconnect.GetTaskTemplateInput{InstanceId: inst, TaskTemplateId: tt.Id}))(t)
	if aws.ToString(gt.Name) != "Callback" || aws.ToString(gt.InstanceId) != w.instance || len(gt.Fields) != 1 || gt.Status != types.TaskTemplateStatusActive {
		t.Errorf("GetTaskTemplate = %+v", gt)
	}
	sp := must(c.DescribeSecurityProfile(ctx, &awsconnect.DescribeSecurityProfileInput{InstanceId: inst, SecurityProfileId: aws.String(w.security)}))(t)
	if aws.ToString(sp.SecurityProfile.SecurityProfileName) != "Tier 1 agents" || aws.ToString(sp.SecurityProfile.Id) != w.security {
		t.Errorf("DescribeSecurityProfile = %+v", sp.SecurityProfile)
	}
	q := must(c.DescribeQueue(ctx, &awsconnect.DescribeQueueInput{InstanceId: inst, QueueId: aws.String(w.queue)}))(t)
	if aws.ToString(q.Queue.HoursOfOperationId) != w.hours || aws.ToString(q.Queue.QueueId) != w.queue {
		t.Errorf("DescribeQueue = %+v", q.Queue)
	}
	ql := must(c.ListQueues(ctx, &awsconnect.ListQueuesInput{InstanceId: inst}))(t)
	var queueNames []string
	for _, q := range ql.QueueSummaryList {
		queueNames = append(queueNames, aws.ToString(q.Name))
	}
	if slices.Sort(queueNames); strings.Join(queueNames, ",") != "BasicQueue,Support" {
		t.Errorf("ListQueues = %+v", ql.QueueSummaryList)
	}

	// Routing profile queues.
	q2 := must(c.CreateQueue(ctx, &awsconnect.CreateQueueInput{InstanceId: inst, Name: aws.String("Sales"), HoursOfOperationId: aws.String(w.hours)}))(t)
	must(c.AssociateRoutingProfileQueues(ctx, &awsconnect.AssociateRoutingProfileQueuesInput{InstanceId: inst, RoutingProfileId: aws.String(w.routing),
		QueueConfigs: []types.RoutingProfileQueueConfig{{QueueReference: &types.RoutingProfileQueueReference{QueueId: q2.QueueId, Channel: types.ChannelVoice}, Priority: aws.Int32(1), Delay: aws.Int32(0)},
			{QueueReference: &types.RoutingProfileQueueReference{QueueId: aws.String(w.queue), Channel: types.ChannelChat}, Priority: aws.Int32(2), Delay: aws.Int32(5)}}}))(t)
	rq := must(c.ListRoutingProfileQueues(ctx, &awsconnect.ListRoutingProfileQueuesInput{InstanceId: inst, RoutingProfileId: aws.String(w.routing), MaxResults: aws.Int32(1)}))(t)
	if len(rq.RoutingProfileQueueConfigSummaryList) != 1 || aws.ToString(rq.RoutingProfileQueueConfigSummaryList[0].QueueName) != "Sales" || rq.NextToken == nil {
		t.Fatalf("ListRoutingProfileQueues page 1 = %+v", rq)
	}
	rq = must(c.ListRoutingProfileQueues(ctx, &awsconnect.ListRoutingProfileQueuesInput{InstanceId: inst, RoutingProfileId: aws.String(w.routing), NextToken: rq.NextToken}))(t)
	if len(rq.RoutingProfileQueueConfigSummaryList) != 1 || rq.RoutingProfileQueueConfigSummaryList[0].Channel != types.ChannelChat {
		t.Fatalf("ListRoutingProfileQueues page 2 = %+v", rq)
	}
	_, err := c.DeleteQueue(ctx, &awsconnect.DeleteQueueInput{InstanceId: inst, QueueId: q2.QueueId})
	if code, _ := apiError(t, err); code != "ResourceInUseException" {
		t.Errorf("DeleteQueue of an associated queue: %v", err)
	}
	must(c.DisassociateRoutingProfileQueues(ctx, &awsconnect.DisassociateRoutingProfileQueuesInput{InstanceId: inst, RoutingProfileId: aws.String(w.routing),
		QueueReferences: []types.RoutingProfileQueueReference{{QueueId: q2.QueueId, Channel: types.ChannelVoice}}}))(t)
	must(c.DeleteQueue(ctx, &awsconnect.DeleteQueueInput{InstanceId: inst, QueueId: q2.QueueId}))(t)

	// List filters.
	filters := []struct {
		name string
		n    func() (int, error)
		want int
	}{
		{"task templates named Callback", func() (int, error) {
			out, err := c.ListTaskTemplates(ctx, &awsconnect.ListTaskTemplatesInput{InstanceId: inst, Name: aws.String("callback")})
			return len(out.TaskTemplates), err
		}, 1},
		{"inactive task templates", func() (int, error) {
			out, err := c.ListTaskTemplates(ctx, &awsconnect.ListTaskTemplatesInput{InstanceId: inst, Status: types.TaskTemplateStatusInactive})
			return len(out.TaskTemplates), err
		}, 0},
		{"QUEUE quick connects", func() (int, error) {
			out, err := c.ListQuickConnects(ctx, &awsconnect.ListQuickConnectsInput{InstanceId: inst, QuickConnectTypes: []types.QuickConnectType{types.QuickConnectTypeQueue}})
			return len(out.QuickConnectSummaryList), err
		}, 1},
		{"USER quick connects", func() (int, error) {
			out, err := c.ListQuickConnects(ctx, &awsconnect.ListQuickConnectsInput{InstanceId: inst, QuickConnectTypes: []types.QuickConnectType{types.QuickConnectTypeUser}})
			return len(out.QuickConnectSummaryList), err
		}, 0},
		{"AGENT queues", func() (int, error) {
			out, err := c.ListQueues(ctx, &awsconnect.ListQueuesInput{InstanceId: inst, QueueTypes: []types.QueueType{types.QueueTypeAgent}})
			return len(out.QueueSummaryList), err
		}, 0},
	}
	for _, f := range filters {
		if n, err := f.n(); err != nil || n != f.want {
			t.Errorf("%s: %d, %v; want %d", f.name, n, err, f.want)
		}
	}

	// Deletes.
	must(c.DeleteQuickConnect(ctx, &awsconnect.DeleteQuickConnectInput{InstanceId: inst, QuickConnectId: qc.QuickConnectId}))(t)
	must(c.DeleteTaskTemplate(ctx, &awsconnect.DeleteTaskTemplateInput{InstanceId: inst, TaskTemplateId: tt.Id}))(t)
	must(c.DeleteContactFlow(ctx, &awsconnect.DeleteContactFlowInput{InstanceId: inst, ContactFlowId: flow.ContactFlowId}))(t)
	_, err = c.DescribeContactFlow(ctx, &awsconnect.DescribeContactFlowInput{InstanceId: inst, ContactFlowId: flow.ContactFlowId})
	if code, _ := apiError(t, err); code != "ResourceNotFoundException" {
		t.Errorf("DescribeContactFlow after delete: %v", err)
	}
	hg := must(c.ListUserHierarchyGroups(ctx, &awsconnect.ListUserHierarchyGroupsInput{InstanceId: inst}))(t)
	if len(hg.UserHierarchyGroupSummaryList) != 1 {
		t.Errorf("ListUserHierarchyGroups = %+v", hg.UserHierarchyGroupSummaryList)
	}
	must(c.DeleteUserHierarchyGroup(ctx, &awsconnect.DeleteUserHierarchyGroupInput{InstanceId: inst, HierarchyGroupId: aws.String(w.hierarchy)}))(t)
}

// TestServiceConditionKeys checks policies on connect:FlowType and
// connect:SearchTag/KEY.
func TestServiceConditionKeys(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	w := e.newWorld(t, "keys")
	inst := aws.String(w.instance)
	flows := e.principal(t, "flows", "", fixture(t, "flow-type.json"))
	searcher := e.principal(t, "searcher", "", fixture(t, "search-tag.json"))
	must(w.createUser(ctx, e.admin, "t1", map[string]string{"Department": "Test"}))(t)
	must(w.createUser(ctx, e.admin, "p1", map[string]string{"Department": "Prod"}))(t)
	hold := must(e.admin.CreateContactFlow(ctx, &awsconnect.CreateContactFlowInput{InstanceId: inst, Name: aws.String("hold"), Type: types.ContactFlowTypeAgentHold,
		Content: aws.String(fixture(t, "flow.json"))}))(t)
	search := func(c *awsconnect.Client, value string) error {
		out, err := c.SearchUsers(ctx, &awsconnect.SearchUsersInput{InstanceId: inst,
			SearchFilter: &types.UserSearchFilter{TagFilter: &types.ControlPlaneTagFilter{TagCondition: &types.TagCondition{TagKey: aws.String("Department"), TagValue: aws.String(value)}}}})
		if err == nil && (len(out.Users) != 1 || out.Users[0].Tags["Department"] != value) {
			return fmt.Errorf("SearchUsers Department=%s found %d users", value, len(out.Users))
		}
		return err
	}
	tests := []struct {
		name string
		call func() error
		code string
	}{
		{"create a CONTACT_FLOW", func() error {
			_, err := flows.CreateContactFlow(ctx, &awsconnect.CreateContactFlowInput{InstanceId: inst, Name: aws.String("cf"), Type: types.ContactFlowTypeContactFlow,
				Content: aws.String(fixture(t, "flow.json"))})
			return err
		}, ""},
		{"create an AGENT_WHISPER flow", func() error {
			_, err := flows.CreateContactFlow(ctx, &awsconnect.CreateContactFlowInput{InstanceId: inst, Name: aws.String("aw"), Type: types.ContactFlowTypeAgentWhisper,
				Content: aws.String(fixture(t, "flow.json"))})
			return err
		}, "AccessDeniedException"},
		{"describe an AGENT_HOLD flow", func() error {
			_, err := flows.DescribeContactFlow(ctx, &awsconnect.DescribeContactFlowInput{InstanceId: inst, ContactFlowId: hold.ContactFlowId})
			return err
		}, "AccessDeniedException"},
		{"search Department=Test", func() error { return search(searcher, "Test") }, ""},
		{"search Department=Prod", func() error { return search(searcher, "Prod") }, "AccessDeniedException"},
		{"search without a tag filter", func() error {
			_, err := searcher.SearchUsers(ctx, &awsconnect.SearchUsersInput{InstanceId: inst})
			return err
		}, "AccessDeniedException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code, msg := apiError(t, tt.call()); code != tt.code {
				t.Errorf("error = %s %q, want %q", code, msg, tt.code)
			}
		})
	}
}
