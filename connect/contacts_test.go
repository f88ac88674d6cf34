package connect

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconnect "github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

// TestPhoneNumbers claims, lists, tags and releases phone numbers.
func TestPhoneNumbers(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	w := e.newWorld(t, "phones")
	c := e.admin
	instARN := "arn:aws:connect:us-east-1:" + testAccount + ":instance/" + w.instance
	claim := func(number string, tags map[string]string) (*awsconnect.ClaimPhoneNumberOutput, error) {
		return c.ClaimPhoneNumber(ctx, &awsconnect.ClaimPhoneNumberInput{TargetArn: aws.String(instARN), PhoneNumber: aws.String(number), Tags: tags})
	}
	did := must(claim("+12065550100", map[string]string{"line": "main"}))(t)
	tf := must(claim("+18005550199", nil))(t)
	must(claim("+442071838750", nil))(t)
	if !strings.HasPrefix(aws.ToString(did.PhoneNumberArn), "arn:aws:connect:us-east-1:"+testAccount+":phone-number/") {
		t.Errorf("PhoneNumberArn = %s", aws.ToString(did.PhoneNumberArn))
	}
	for _, tt := range []struct{ number, code string }{{"+12065550100", "InvalidParameterException"}, {"12065550100", "InvalidParameterException"}} {
		_, err := claim(tt.number, nil)
		if code, _ := apiError(t, err); code != tt.code {
			t.Errorf("claim %s: %v, want %s", tt.number, err, tt.code)
		}
	}
	list := must(c.ListPhoneNumbersV2(ctx, &awsconnect.ListPhoneNumbersV2Input{TargetArn: aws.String(instARN),
		PhoneNumberCountryCodes: []types.PhoneNumberCountryCode{types.PhoneNumberCountryCodeUs}}))(t)
	if len(list.ListPhoneNumbersSummaryList) != 2 {
		t.Fatalf("US numbers: %+v", list.ListPhoneNumbersSummaryList)
	}
	types_ := map[string]types.PhoneNumberType{}
	for _, s := range list.ListPhoneNumbersSummaryList {
		types_[aws.ToString(s.PhoneNumberId)] = s.PhoneNumberType
		if aws.ToString(s.TargetArn) != instARN || aws.ToString(s.InstanceId) != w.instance {
			t.Errorf("summary %+v: target %s", s, aws.ToString(s.TargetArn))
		}
	}
	if types_[aws.ToString(did.PhoneNumberId)] != types.PhoneNumberTypeDid || types_[aws.ToString(tf.PhoneNumberId)] != types.PhoneNumberTypeTollFree {
		t.Errorf("number types %v", types_)
	}
	page := must(c.ListPhoneNumbersV2(ctx, &awsconnect.ListPhoneNumbersV2Input{MaxResults: aws.Int32(2)}))(t)
	if len(page.ListPhoneNumbersSummaryList) != 2 || page.NextToken == nil {
		t.Fatalf("page 1: %d numbers, next %v", len(page.ListPhoneNumbersSummaryList), page.NextToken)
	}
	page = must(c.ListPhoneNumbersV2(ctx, &awsconnect.ListPhoneNumbersV2Input{MaxResults: aws.Int32(2), NextToken: page.NextToken}))(t)
	if len(page.ListPhoneNumbersSummaryList) != 1 || page.NextToken != nil {
		t.Fatalf("page 2: %d numbers, next %v", len(page.ListPhoneNumbersSummaryList), page.NextToken)
	}
	tags := must(c.ListTagsForResource(ctx, &awsconnect.ListTagsForResourceInput{ResourceArn: did.PhoneNumberArn}))(t)
	if tags.Tags["line"] != "main" {
		t.Errorf("phone number tags %v", tags.Tags)
	}

	// Releasing needs connect:ReleasePhoneNumber on the number, with its tags.
	releaser := e.principal(t, "releaser", "", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"connect:ReleasePhoneNumber","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/line":"main"}}}]}`)
	_, err := releaser.ReleasePhoneNumber(ctx, &awsconnect.ReleasePhoneNumberInput{PhoneNumberId: tf.PhoneNumberId})
	if code, _ := apiError(t, err); code != "AccessDeniedException" {
		t.Errorf("release an untagged number: %v", err)
	}
	must(releaser.ReleasePhoneNumber(ctx, &awsconnect.ReleasePhoneNumberInput{PhoneNumberId: did.PhoneNumberId}))(t)
	_, err = c.ReleasePhoneNumber(ctx, &awsconnect.ReleasePhoneNumberInput{PhoneNumberId: did.PhoneNumberId})
	if code, _ := apiError(t, err); code != "ResourceNotFoundException" {
		t.Errorf("release twice: %v", err)
	}
	must(claim("+12065550100", nil))(t) // released numbers can be claimed again
}

// TestContacts starts, describes and stops voice and task contacts.
func TestContacts(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	w := e.newWorld(t, "contacts")
	c := e.admin
	inst := aws.String(w.instance)
	flow := must(c.CreateContactFlow(ctx, &awsconnect.CreateContactFlowInput{InstanceId: inst, Name: aws.String("Outbound"), Type: types.ContactFlowTypeContactFlow,
		Content: aws.String(fixture(t, "flow.json"))}))(t)
	tmpl := must(c.CreateTaskTemplate(ctx, &awsconnect.CreateTaskTemplateInput{InstanceId: inst, Name: aws.String("t"), ContactFlowId: flow.ContactFlowId,
		Fields: []types.TaskTemplateField{{Id: &types.TaskTemplateFieldIdentifier{Name: aws.String("Name")}, Type: types.TaskTemplateFieldTypeName}}}))(t)

	voice := must(c.StartOutboundVoiceContact(ctx, &awsconnect.StartOutboundVoiceContactInput{InstanceId: inst, ContactFlowId: flow.ContactFlowId,
		DestinationPhoneNumber: aws.String("+12065550123"), QueueId: aws.String(w.queue), Attributes: map[string]string{"k": "v"}}))(t)
	task := must(c.StartTaskContact(ctx, &awsconnect.StartTaskContactInput{InstanceId: inst, Name: aws.String("Call back"), TaskTemplateId: tmpl.Id}))(t)

	d := must(c.DescribeContact(ctx, &awsconnect.DescribeContactInput{InstanceId: inst, ContactId: voice.ContactId}))(t)
	if d.Contact.Channel != types.ChannelVoice || d.Contact.InitiationMethod != types.ContactInitiationMethodOutbound ||
		aws.ToString(d.Contact.QueueInfo.Id) != w.queue || aws.ToString(d.Contact.CustomerEndpoint.Address) != "+12065550123" || d.Contact.DisconnectTimestamp != nil {
		t.Errorf("voice contact = %+v", d.Contact)
	}
	d = must(c.DescribeContact(ctx, &awsconnect.DescribeContactInput{InstanceId: inst, ContactId: task.ContactId}))(t)
	if d.Contact.Channel != types.ChannelTask || aws.ToString(d.Contact.Name) != "Call back" {
		t.Errorf("task contact = %+v", d.Contact)
	}
	must(c.StopContact(ctx, &awsconnect.StopContactInput{InstanceId: inst, ContactId: voice.ContactId}))(t)
	d = must(c.DescribeContact(ctx, &awsconnect.DescribeContactInput{InstanceId: inst, ContactId: voice.ContactId}))(t)
	if d.Contact.DisconnectTimestamp == nil {
		t.Errorf("stopped contact has no DisconnectTimestamp")
	}
	_, err := c.StopContact(ctx, &awsconnect.StopContactInput{InstanceId: inst, ContactId: voice.ContactId})
	if code, _ := apiError(t, err); code != "ContactNotFoundException" {
		t.Errorf("StopContact twice: %v", err)
	}

	// connect:Channel lets a policy stop tasks but not calls.
	tasksOnly := e.principal(t, "tasks", "", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["connect:StopContact","connect:DescribeContact"],"Resource":"*","Condition":{"StringEquals":{"connect:Channel":"TASK"}}}]}`)
	voice2 := must(c.StartOutboundVoiceContact(ctx, &awsconnect.StartOutboundVoiceContactInput{InstanceId: inst, ContactFlowId: flow.ContactFlowId,
		DestinationPhoneNumber: aws.String("+12065550124"), SourcePhoneNumber: aws.String("+12065550100")}))(t)
	_, err = tasksOnly.StopContact(ctx, &awsconnect.StopContactInput{InstanceId: inst, ContactId: voice2.ContactId})
	if code, msg := apiError(t, err); code != "AccessDeniedException" || !strings.Contains(msg, "connect:StopContact on resource: arn:aws:connect:us-east-1:"+testAccount+":instance/"+w.instance+"/contact/"+aws.ToString(voice2.ContactId)) {
		t.Errorf("stop a voice contact with a TASK-only policy: %s %q", code, msg)
	}
	must(tasksOnly.StopContact(ctx, &awsconnect.StopContactInput{InstanceId: inst, ContactId: task.ContactId}))(t)

	// Validation.
	_, err = c.StartTaskContact(ctx, &awsconnect.StartTaskContactInput{InstanceId: inst, Name: aws.String("x")})
	if code, _ := apiError(t, err); code != "InvalidRequestException" {
		t.Errorf("StartTaskContact without a flow: %v", err)
	}
	_, err = c.StartOutboundVoiceContact(ctx, &awsconnect.StartOutboundVoiceContactInput{InstanceId: inst, ContactFlowId: flow.ContactFlowId,
		DestinationPhoneNumber: aws.String("555"), QueueId: aws.String(w.queue)})
	if code, _ := apiError(t, err); code != "InvalidParameterException" {
		t.Errorf("StartOutboundVoiceContact to 555: %v", err)
	}
}
