package connect

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconnect "github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

// TestUpdates runs the Update operations of queues, routing profiles,
// hours of operation and contact flows through the SDK: valid changes are
// applied and visible, invalid ones are refused with Connect's error, and
// a tag-conditioned policy allows them only on the tagged resources.
func TestUpdates(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	c := e.admin
	w := e.newWorld(t, "updates")
	inst := aws.String(w.instance)
	tagged := must(c.CreateQueue(ctx, &awsconnect.CreateQueueInput{InstanceId: inst, Name: aws.String("Test queue"),
		HoursOfOperationId: aws.String(w.hours), Tags: map[string]string{"Department": "Test"}}))(t)
	flow := must(c.CreateContactFlow(ctx, &awsconnect.CreateContactFlowInput{InstanceId: inst, Name: aws.String("Main"),
		Type: types.ContactFlowTypeContactFlow, Content: aws.String(fixture(t, "flow.json")), Tags: map[string]string{"Department": "Test"}}))(t)
	editor := e.principal(t, "editor", "", fixture(t, "update-tagged-queues.json"))
	content := fixture(t, "flow.json")
	badContent := `{"Version":"2019-10-30","Actions":[]}`

	tests := []struct {
		name string
		call func() error
		code string
		msg  string // a substring of the error message
	}{
		{"UpdateQueueName renames", func() error {
			_, err := c.UpdateQueueName(ctx, &awsconnect.UpdateQueueNameInput{InstanceId: inst, QueueId: aws.String(w.queue),
				Name: aws.String("Support EMEA"), Description: aws.String("European support")})
			return err
		}, "", ""},
		{"UpdateQueueName to a taken name", func() error {
			_, err := c.UpdateQueueName(ctx, &awsconnect.UpdateQueueNameInput{InstanceId: inst, QueueId: aws.String(w.queue), Name: aws.String("basicqueue")})
			return err
		}, "DuplicateResourceException", "Queue basicqueue already exists"},
		{"UpdateQueueName with an empty name", func() error {
			_, err := c.UpdateQueueName(ctx, &awsconnect.UpdateQueueNameInput{InstanceId: inst, QueueId: aws.String(w.queue), Name: aws.String("")})
			return err
		}, "InvalidParameterException", "at 'name' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"UpdateQueueName of a missing queue", func() error {
			_, err := c.UpdateQueueName(ctx, &awsconnect.UpdateQueueNameInput{InstanceId: inst, QueueId: aws.String("00000000-0000-4000-8000-000000000000"), Name: aws.String("x")})
			return err
		}, "ResourceNotFoundException", "Queue 00000000-0000-4000-8000-000000000000 not found"},
		{"UpdateRoutingProfileName", func() error {
			_, err := c.UpdateRoutingProfileName(ctx, &awsconnect.UpdateRoutingProfileNameInput{InstanceId: inst, RoutingProfileId: aws.String(w.routing),
				Name: aws.String("Basic EMEA")})
			return err
		}, "", ""},
		{"UpdateHoursOfOperation", func() error {
			_, err := c.UpdateHoursOfOperation(ctx, &awsconnect.UpdateHoursOfOperationInput{InstanceId: inst, HoursOfOperationId: aws.String(w.hours),
				TimeZone: aws.String("Europe/Dublin"), Config: []types.HoursOfOperationConfig{
					{Day: types.HoursOfOperationDaysMonday, StartTime: &types.HoursOfOperationTimeSlice{Hours: aws.Int32(8), Minutes: aws.Int32(0)},
						EndTime: &types.HoursOfOperationTimeSlice{Hours: aws.Int32(16), Minutes: aws.Int32(0)}},
					{Day: types.HoursOfOperationDaysFriday, StartTime: &types.HoursOfOperationTimeSlice{Hours: aws.Int32(8), Minutes: aws.Int32(0)},
						EndTime: &types.HoursOfOperationTimeSlice{Hours: aws.Int32(12), Minutes: aws.Int32(0)}}}})
			return err
		}, "", ""},
		{"UpdateHoursOfOperation with an invalid time", func() error {
			_, err := c.UpdateHoursOfOperation(ctx, &awsconnect.UpdateHoursOfOperationInput{InstanceId: inst, HoursOfOperationId: aws.String(w.hours),
				Config: []types.HoursOfOperationConfig{{Day: types.HoursOfOperationDaysMonday,
					StartTime: &types.HoursOfOperationTimeSlice{Hours: aws.Int32(25), Minutes: aws.Int32(0)},
					EndTime:   &types.HoursOfOperationTimeSlice{Hours: aws.Int32(16), Minutes: aws.Int32(0)}}}})
			return err
		}, "InvalidParameterException", "at 'config.1.member.startTime.hours' failed to satisfy constraint: Member must have value less than or equal to 23"},
		{"UpdateContactFlowContent", func() error {
			_, err := c.UpdateContactFlowContent(ctx, &awsconnect.UpdateContactFlowContentInput{InstanceId: inst, ContactFlowId: flow.ContactFlowId,
				Content: aws.String(content)})
			return err
		}, "", ""},
		{"UpdateContactFlowContent with an invalid flow", func() error {
			_, err := c.UpdateContactFlowContent(ctx, &awsconnect.UpdateContactFlowContentInput{InstanceId: inst, ContactFlowId: flow.ContactFlowId,
				Content: aws.String(badContent)})
			return err
		}, "InvalidContactFlowException", ""}, // the exception carries problems, not a message
		{"UpdateContactFlowName", func() error {
			_, err := c.UpdateContactFlowName(ctx, &awsconnect.UpdateContactFlowNameInput{InstanceId: inst, ContactFlowId: flow.ContactFlowId,
				Name: aws.String("Main inbound"), Description: aws.String("Entry point")})
			return err
		}, "", ""},

		{"tagged queue: UpdateQueueName allowed", func() error {
			_, err := editor.UpdateQueueName(ctx, &awsconnect.UpdateQueueNameInput{InstanceId: inst, QueueId: tagged.QueueId, Name: aws.String("Test queue 2")})
			return err
		}, "", ""},
		{"untagged queue: UpdateQueueName denied", func() error {
			_, err := editor.UpdateQueueName(ctx, &awsconnect.UpdateQueueNameInput{InstanceId: inst, QueueId: aws.String(w.queue), Name: aws.String("Hijacked")})
			return err
		}, "AccessDeniedException", "User: arn:aws:iam::" + testAccount + ":user/editor is not authorized to perform: connect:UpdateQueueName on resource: arn:aws:connect:us-east-1:" +
			testAccount + ":instance/" + w.instance + "/queue/" + w.queue + " because no identity-based policy allows the connect:UpdateQueueName action"},
		{"tagged flow: UpdateContactFlowName allowed", func() error {
			_, err := editor.UpdateContactFlowName(ctx, &awsconnect.UpdateContactFlowNameInput{InstanceId: inst, ContactFlowId: flow.ContactFlowId,
				Name: aws.String("Main inbound v2")})
			return err
		}, "", ""},
		{"untagged routing profile: UpdateRoutingProfileName denied", func() error {
			_, err := editor.UpdateRoutingProfileName(ctx, &awsconnect.UpdateRoutingProfileNameInput{InstanceId: inst, RoutingProfileId: aws.String(w.routing),
				Name: aws.String("Hijacked")})
			return err
		}, "AccessDeniedException", "connect:UpdateRoutingProfileName on resource"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, msg := apiError(t, tt.call())
			if code != tt.code || !strings.Contains(msg, tt.msg) {
				t.Errorf("error = %s %q\nwant %s %q", code, msg, tt.code, tt.msg)
			}
		})
	}

	// The allowed changes are visible, the refused ones are not.
	q := must(c.DescribeQueue(ctx, &awsconnect.DescribeQueueInput{InstanceId: inst, QueueId: aws.String(w.queue)}))(t)
	if aws.ToString(q.Queue.Name) != "Support EMEA" || aws.ToString(q.Queue.Description) != "European support" || q.Queue.Status != types.QueueStatusEnabled {
		t.Errorf("queue after updates: %s %q %s", aws.ToString(q.Queue.Name), aws.ToString(q.Queue.Description), q.Queue.Status)
	}
	rp := must(c.DescribeRoutingProfile(ctx, &awsconnect.DescribeRoutingProfileInput{InstanceId: inst, RoutingProfileId: aws.String(w.routing)}))(t)
	if aws.ToString(rp.RoutingProfile.Name) != "Basic EMEA" || aws.ToString(rp.RoutingProfile.Description) != "basic" {
		t.Errorf("routing profile after updates: %s %q", aws.ToString(rp.RoutingProfile.Name), aws.ToString(rp.RoutingProfile.Description))
	}
	h := must(c.DescribeHoursOfOperation(ctx, &awsconnect.DescribeHoursOfOperationInput{InstanceId: inst, HoursOfOperationId: aws.String(w.hours)}))(t)
	if aws.ToString(h.HoursOfOperation.TimeZone) != "Europe/Dublin" || len(h.HoursOfOperation.Config) != 2 || aws.ToString(h.HoursOfOperation.Name) != "Office" {
		t.Errorf("hours after updates: %s %s with %d days", aws.ToString(h.HoursOfOperation.Name), aws.ToString(h.HoursOfOperation.TimeZone), len(h.HoursOfOperation.Config))
	}
	f := must(c.DescribeContactFlow(ctx, &awsconnect.DescribeContactFlowInput{InstanceId: inst, ContactFlowId: flow.ContactFlowId}))(t)
	if aws.ToString(f.ContactFlow.Name) != "Main inbound v2" || aws.ToString(f.ContactFlow.Content) != content || f.ContactFlow.Type != types.ContactFlowTypeContactFlow {
		t.Errorf("flow after updates: %s %s", aws.ToString(f.ContactFlow.Name), f.ContactFlow.Type)
	}
	lq := must(c.ListQueues(ctx, &awsconnect.ListQueuesInput{InstanceId: inst}))(t)
	var names []string
	for _, s := range lq.QueueSummaryList {
		names = append(names, aws.ToString(s.Name))
	}
	if slices.Sort(names); strings.Join(names, ",") != "BasicQueue,Support EMEA,Test queue 2" {
		t.Errorf("ListQueues after renames: %v", names)
	}
	// The old name is free again.
	must(c.CreateQueue(ctx, &awsconnect.CreateQueueInput{InstanceId: inst, Name: aws.String("Support"), HoursOfOperationId: aws.String(w.hours)}))(t)
}

// TestSearchQueues searches the queues of an instance by name and tag,
// page by page, and checks connect:SearchTag/KEY in a policy.
func TestSearchQueues(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	c := e.admin
	w := e.newWorld(t, "searchq")
	inst := aws.String(w.instance)
	for _, q := range []struct{ name, dept string }{{"Test alpha", "Test"}, {"Test beta", "Test"}, {"Prod gamma", "Prod"}} {
		must(c.CreateQueue(ctx, &awsconnect.CreateQueueInput{InstanceId: inst, Name: aws.String(q.name), HoursOfOperationId: aws.String(w.hours),
			Description: aws.String("queue " + q.name), Tags: map[string]string{"Department": q.dept}}))(t)
	}
	byTag := func(dept string) *types.QueueSearchFilter {
		return &types.QueueSearchFilter{TagFilter: &types.ControlPlaneTagFilter{TagCondition: &types.TagCondition{TagKey: aws.String("Department"), TagValue: aws.String(dept)}}}
	}
	search := func(cl *awsconnect.Client, in *awsconnect.SearchQueuesInput) ([]string, error) {
		in.InstanceId = inst
		var names []string
		for {
			out, err := cl.SearchQueues(ctx, in)
			if err != nil {
				return nil, err
			}
			for _, q := range out.Queues {
				names = append(names, aws.ToString(q.Name))
			}
			if out.NextToken == nil {
				break
			}
			in.NextToken = out.NextToken
		}
		slices.Sort(names)
		return names, nil
	}
	searcher := e.principal(t, "qsearcher", "", fixture(t, "search-queues-tag.json"))
	tests := []struct {
		name   string
		client *awsconnect.Client
		in     *awsconnect.SearchQueuesInput
		want   string
		code   string
	}{
		{"everything, one per page", c, &awsconnect.SearchQueuesInput{MaxResults: aws.Int32(1)}, "BasicQueue,Prod gamma,Support,Test alpha,Test beta", ""},
		{"name starts with test", c, &awsconnect.SearchQueuesInput{SearchCriteria: &types.QueueSearchCriteria{StringCondition: &types.StringCondition{
			FieldName: aws.String("name"), Value: aws.String("test"), ComparisonType: types.StringComparisonTypeStartsWith}}}, "Test alpha,Test beta", ""},
		{"description contains gamma or name is Support", c, &awsconnect.SearchQueuesInput{SearchCriteria: &types.QueueSearchCriteria{OrConditions: []types.QueueSearchCriteria{
			{StringCondition: &types.StringCondition{FieldName: aws.String("description"), Value: aws.String("GAMMA"), ComparisonType: types.StringComparisonTypeContains}},
			{StringCondition: &types.StringCondition{FieldName: aws.String("name"), Value: aws.String("Support"), ComparisonType: types.StringComparisonTypeExact}}}}},
			"Prod gamma,Support", ""},
		{"tag Department=Test", c, &awsconnect.SearchQueuesInput{SearchFilter: byTag("Test")}, "Test alpha,Test beta", ""},
		{"unknown field", c, &awsconnect.SearchQueuesInput{SearchCriteria: &types.QueueSearchCriteria{StringCondition: &types.StringCondition{
			FieldName: aws.String("color"), Value: aws.String("x"), ComparisonType: types.StringComparisonTypeExact}}}, "", "InvalidParameterException"},
		{"SearchTag policy: Department=Test allowed", searcher, &awsconnect.SearchQueuesInput{SearchFilter: byTag("Test")}, "Test alpha,Test beta", ""},
		{"SearchTag policy: Department=Prod denied", searcher, &awsconnect.SearchQueuesInput{SearchFilter: byTag("Prod")}, "", "AccessDeniedException"},
		{"SearchTag policy: no tag filter denied", searcher, &awsconnect.SearchQueuesInput{}, "", "AccessDeniedException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			names, err := search(tt.client, tt.in)
			if code, msg := apiError(t, err); code != tt.code {
				t.Fatalf("error %s %q, want %q", code, msg, tt.code)
			}
			if got := strings.Join(names, ","); got != tt.want {
				t.Errorf("queues %s, want %s", got, tt.want)
			}
		})
	}
}
