package connect

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconnect "github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

// TestDescribePhoneNumber describes claimed numbers, allowed and denied
// by a policy on the number's tags, and a number that is not claimed.
func TestDescribePhoneNumber(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	w := e.newWorld(t, "describe-phone")
	c := e.admin
	instARN := "arn:aws:connect:us-east-1:" + testAccount + ":instance/" + w.instance
	main := must(c.ClaimPhoneNumber(ctx, &awsconnect.ClaimPhoneNumberInput{TargetArn: aws.String(instARN), PhoneNumber: aws.String("+18885550100"),
		PhoneNumberDescription: aws.String("hotline"), Tags: map[string]string{"line": "main"}}))(t)
	other := must(c.ClaimPhoneNumber(ctx, &awsconnect.ClaimPhoneNumberInput{TargetArn: aws.String(instARN), PhoneNumber: aws.String("+442071838751")}))(t)
	reader := e.principal(t, "phonereader", "", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"connect:DescribePhoneNumber",
		"Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/line":"main"}}}]}`)

	d := must(c.DescribePhoneNumber(ctx, &awsconnect.DescribePhoneNumberInput{PhoneNumberId: main.PhoneNumberId}))(t)
	s := d.ClaimedPhoneNumberSummary
	if aws.ToString(s.PhoneNumber) != "+18885550100" || s.PhoneNumberType != types.PhoneNumberTypeTollFree || s.PhoneNumberCountryCode != types.PhoneNumberCountryCodeUs ||
		aws.ToString(s.PhoneNumberDescription) != "hotline" || aws.ToString(s.TargetArn) != instARN || aws.ToString(s.InstanceId) != w.instance ||
		aws.ToString(s.PhoneNumberArn) != aws.ToString(main.PhoneNumberArn) || s.Tags["line"] != "main" ||
		s.PhoneNumberStatus == nil || s.PhoneNumberStatus.Status != types.PhoneNumberWorkflowStatusClaimed {
		t.Errorf("DescribePhoneNumber = %+v", s)
	}
	tests := []struct {
		name   string
		client *awsconnect.Client
		id     string
		code   string
		msg    string
	}{
		{"tagged number", reader, aws.ToString(main.PhoneNumberId), "", ""},
		{"untagged number denied", reader, aws.ToString(other.PhoneNumberId), "AccessDeniedException",
			"User: arn:aws:iam::" + testAccount + ":user/phonereader is not authorized to perform: connect:DescribePhoneNumber on resource: " +
				aws.ToString(other.PhoneNumberArn) + " because no identity-based policy allows the connect:DescribePhoneNumber action"},
		{"number not claimed", c, "00000000-0000-4000-8000-000000000000", "ResourceNotFoundException", "Phone number 00000000-0000-4000-8000-000000000000 not found"},
		{"number not claimed, asked by a caller without access", reader, "00000000-0000-4000-8000-000000000000", "AccessDeniedException", "connect:DescribePhoneNumber"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.client.DescribePhoneNumber(ctx, &awsconnect.DescribePhoneNumberInput{PhoneNumberId: aws.String(tt.id)})
			if code, msg := apiError(t, err); code != tt.code || !strings.Contains(msg, tt.msg) {
				t.Errorf("error = %s %q\nwant %s %q", code, msg, tt.code, tt.msg)
			}
		})
	}
}

// TestTagContact tags contacts: the tags show in DescribeContact, and a
// policy on aws:RequestTag and connect:Channel decides who may tag what.
func TestTagContact(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	w := e.newWorld(t, "tag-contact")
	c := e.admin
	inst := aws.String(w.instance)
	flow := must(c.CreateContactFlow(ctx, &awsconnect.CreateContactFlowInput{InstanceId: inst, Name: aws.String("Tasks"), Type: types.ContactFlowTypeContactFlow,
		Content: aws.String(fixture(t, "flow.json"))}))(t)
	task := must(c.StartTaskContact(ctx, &awsconnect.StartTaskContactInput{InstanceId: inst, Name: aws.String("Follow up"), ContactFlowId: flow.ContactFlowId}))(t)
	voice := must(c.StartOutboundVoiceContact(ctx, &awsconnect.StartOutboundVoiceContactInput{InstanceId: inst, ContactFlowId: flow.ContactFlowId,
		DestinationPhoneNumber: aws.String("+12065550125"), QueueId: aws.String(w.queue)}))(t)
	tagger := e.principal(t, "tagger", "", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"connect:TagContact","Resource":"*",
		"Condition":{"StringEquals":{"connect:Channel":"TASK","aws:RequestTag/Priority":"high"},"ForAllValues:StringEquals":{"aws:TagKeys":["Priority"]}}}]}`)
	contactARN := func(id *string) string {
		return "arn:aws:connect:us-east-1:" + testAccount + ":instance/" + w.instance + "/contact/" + aws.ToString(id)
	}
	tag := func(cl *awsconnect.Client, id *string, tags map[string]string) error {
		_, err := cl.TagContact(ctx, &awsconnect.TagContactInput{InstanceId: inst, ContactId: id, Tags: tags})
		return err
	}
	tests := []struct {
		name string
		call func() error
		code string
		msg  string
	}{
		{"admin tags a voice contact", func() error { return tag(c, voice.ContactId, map[string]string{"Team": "Billing"}) }, "", ""},
		{"tagger tags a task with Priority=high", func() error { return tag(tagger, task.ContactId, map[string]string{"Priority": "high"}) }, "", ""},
		{"tagger: Priority=low denied", func() error { return tag(tagger, task.ContactId, map[string]string{"Priority": "low"}) }, "AccessDeniedException",
			"User: arn:aws:iam::" + testAccount + ":user/tagger is not authorized to perform: connect:TagContact on resource: " + contactARN(task.ContactId)},
		{"tagger: another key denied", func() error {
			return tag(tagger, task.ContactId, map[string]string{"Priority": "high", "Team": "x"})
		}, "AccessDeniedException", "connect:TagContact"},
		{"tagger: a voice contact denied", func() error { return tag(tagger, voice.ContactId, map[string]string{"Priority": "high"}) }, "AccessDeniedException",
			"connect:TagContact on resource: " + contactARN(voice.ContactId)},
		{"no tags", func() error { return tag(c, task.ContactId, map[string]string{}) }, "InvalidParameterException", "at 'tags' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"seven tags", func() error {
			return tag(c, task.ContactId, map[string]string{"a": "1", "b": "2", "c": "3", "d": "4", "e": "5", "f": "6", "g": "7"})
		}, "InvalidParameterException", "Member must have length less than or equal to 6"},
		{"missing contact", func() error {
			return tag(c, aws.String("00000000-0000-4000-8000-000000000000"), map[string]string{"a": "1"})
		},
			"ResourceNotFoundException", "Contact 00000000-0000-4000-8000-000000000000 not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code, msg := apiError(t, tt.call()); code != tt.code || !strings.Contains(msg, tt.msg) {
				t.Errorf("error = %s %q\nwant %s %q", code, msg, tt.code, tt.msg)
			}
		})
	}
	for _, want := range []struct {
		id   *string
		tags string
	}{{task.ContactId, "Priority=high"}, {voice.ContactId, "Team=Billing"}} {
		d := must(c.DescribeContact(ctx, &awsconnect.DescribeContactInput{InstanceId: inst, ContactId: want.id}))(t)
		var got []string
		for k, v := range d.Contact.Tags {
			got = append(got, k+"="+v)
		}
		if strings.Join(got, ",") != want.tags {
			t.Errorf("contact %s tags %v, want %s", aws.ToString(want.id), got, want.tags)
		}
	}
}
