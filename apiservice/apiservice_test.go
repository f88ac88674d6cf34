package apiservice

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/connect-iam/connect-iam/internal/apimodel"
)

func connectService() Service {
	return Service{SigningName: "connect", Prefix: "connect", Models: []Model{{API: apimodel.MustLoad("connect")}},
		Aliases: map[string]string{"FormId": "EvaluationFormId"}}
}

// TestKinds checks how the engine reads operations from the model.
func TestKinds(t *testing.T) {
	got := map[string]Operation{}
	for _, o := range Describe(connectService()).Operations {
		got[o.Name] = o
	}
	tests := []struct{ op, kind, resource string }{
		{"CreateAgentStatus", "create", "agent-status"},
		{"DescribeAgentStatus", "describe", "agent-status"},
		{"UpdateAgentStatus", "update", "agent-status"},
		{"ListAgentStatuses", "list", "agent-status"},
		{"CreateContactFlowModule", "create", "contact-flow-module"},
		{"DeleteContactFlowModule", "delete", "contact-flow-module"},
		{"UpdatePrompt", "update", "prompt"},
		{"DescribeUserHierarchyGroup", "describe", "hierarchy-group"},
		{"CreateEvaluationForm", "create", "evaluation-form"},
		{"AssociateLambdaFunction", "associate", ""},
		{"DisassociateLambdaFunction", "disassociate", ""},
		{"ListLambdaFunctions", "list-associations", ""},
		{"ListInstanceStorageConfigs", "list-associations", ""},
		{"TagResource", "tag", ""},
		{"UntagResource", "untag", ""},
		{"ListTagsForResource", "list-tags", ""},
		{"StartContactRecording", "action", ""},
		{"GetMetricDataV2", "action", ""},
	}
	for _, tt := range tests {
		o, ok := got[tt.op]
		if !ok {
			t.Errorf("%s not served", tt.op)
			continue
		}
		if o.Kind != tt.kind || o.Resource != tt.resource {
			t.Errorf("%s: kind %q on %q, want %q on %q", tt.op, o.Kind, o.Resource, tt.kind, tt.resource)
		}
	}
	if n := len(got); n != 370 {
		t.Errorf("%d operations served, want the model's 370", n)
	}
}

// TestValidate checks the messages of input validation against the model.
func TestValidate(t *testing.T) {
	e := build(Deps{Store: noStore{}, Authorizer: noAuth{}}, connectService())[0]
	tests := []struct {
		op, body string
		want     string // "" for valid input
	}{
		{"CreateAgentStatus", `{"InstanceId":"i","Name":"Lunch","State":"ENABLED"}`, ""},
		{"CreateAgentStatus", `{"InstanceId":"i","State":"ENABLED"}`,
			"InvalidParameterException: 1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null"},
		{"CreateAgentStatus", `{"InstanceId":"i","Name":"Lunch","State":"NAPPING"}`,
			"Value 'NAPPING' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]"},
		{"CreateAgentStatus", `{"InstanceId":"i","Name":"","State":"ENABLED","DisplayOrder":99}`,
			"2 validation errors detected: Value '99' at 'displayOrder' failed to satisfy constraint: Member must have value less than or equal to 50; Value '' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"CreateAgentStatus", `{"InstanceId":"i","Name":7,"State":"ENABLED"}`, "SerializationException: Value at 'name' must be a string, not a number"},
		{"CreateAgentStatus", `{"InstanceId":"i","Name":"x","State":"ENABLED","Tags":{"a":1}}`, "SerializationException: Value at 'tags.value' must be a string"},
		{"CreateHoursOfOperation", `{"InstanceId":"i","Name":"h","TimeZone":"UTC","Config":[{"Day":"MONDAY","StartTime":{"Hours":25,"Minutes":0},"EndTime":{"Hours":1,"Minutes":0}}]}`,
			"Value '25' at 'config.1.member.startTime.hours' failed to satisfy constraint: Member must have value less than or equal to 23"},
	}
	for _, tt := range tests {
		p := e.byName[tt.op]
		var in map[string]any
		dec := json.NewDecoder(strings.NewReader(tt.body))
		dec.UseNumber()
		if err := dec.Decode(&in); err != nil {
			t.Fatal(err)
		}
		err := p.validate(in)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s %s: %v, want valid", tt.op, tt.body, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s %s: %v\nwant %s", tt.op, tt.body, err, tt.want)
		}
	}
}

// FuzzValidate feeds arbitrary JSON bodies to the decoder and validator of
// a deep input shape: they answer an error or nil, never panic.
func FuzzValidate(f *testing.F) {
	e := build(Deps{Store: noStore{}, Authorizer: noAuth{}}, connectService())[0]
	ops := []*plan{e.byName["CreateEvaluationForm"], e.byName["CreateQueue"], e.byName["StartOutboundVoiceContact"]}
	f.Add(0, `{"InstanceId":"i","Title":"t","Items":[{"Section":{"Title":"s","RefId":"r","Items":[]}}]}`)
	f.Add(1, `{"Name":"q","HoursOfOperationId":"h","Tags":{"a":"b"}}`)
	f.Add(2, `{"DestinationPhoneNumber":"+1","ContactFlowId":"c","Attributes":{"x":"y"}}`)
	f.Fuzz(func(t *testing.T, which int, body string) {
		p := ops[(which%len(ops)+len(ops))%len(ops)]
		var in map[string]any
		dec := json.NewDecoder(strings.NewReader(body))
		dec.UseNumber()
		if dec.Decode(&in) != nil {
			return
		}
		_ = p.validate(in)
	})
}
