package connect

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/connect-iam/connect-iam/catalog"
)

// TestOperationsKnown checks that every operation served has a route in
// the Amazon Connect API model and an action in the service authorization
// reference, whose resource types this package builds ARNs for.
func TestOperationsKnown(t *testing.T) {
	routes := map[string]bool{}
	for name := range connectModel().Operations {
		routes[name] = true
	}
	cat := catalog.Default()
	segs := map[string]bool{"instance": true, "phone-number": true}
	for _, k := range instanceKinds {
		segs[k.typ] = true
	}
	for _, op := range Operations() {
		if !routes[op] {
			t.Errorf("%s is not an operation of the Amazon Connect model", op)
		}
		a, ok := cat.Action("connect:" + op)
		if !ok {
			t.Errorf("connect:%s is not in the catalog", op)
			continue
		}
		for _, r := range a.Resources {
			if r.Required && !segs[r.Type.Name] && r.Type.Name[:min(9, len(r.Type.Name))] != "wildcard-" && r.Type.Name != "traffic-distribution-group" {
				t.Errorf("connect:%s requires resource type %s, which this package does not model", op, r.Type.Name)
			}
		}
	}
	served := map[string]bool{}
	for _, op := range Operations() {
		served[op] = true
	}
	for _, op := range []string{
		"CreateInstance", "DescribeInstance", "ListInstances", "DeleteInstance",
		"CreateUser", "DescribeUser", "ListUsers", "DeleteUser", "SearchUsers",
		"UpdateUserIdentityInfo", "UpdateUserSecurityProfiles", "UpdateUserRoutingProfile", "UpdateUserHierarchy",
		"CreateRoutingProfile", "DescribeRoutingProfile", "ListRoutingProfiles", "DeleteRoutingProfile",
		"AssociateRoutingProfileQueues", "DisassociateRoutingProfileQueues", "ListRoutingProfileQueues",
		"CreateSecurityProfile", "DescribeSecurityProfile", "ListSecurityProfiles", "DeleteSecurityProfile",
		"CreateUserHierarchyGroup", "DescribeUserHierarchyGroup", "ListUserHierarchyGroups", "DeleteUserHierarchyGroup",
		"CreateQueue", "DescribeQueue", "ListQueues", "DeleteQueue",
		"CreateContactFlow", "DescribeContactFlow", "ListContactFlows", "DeleteContactFlow",
		"CreateHoursOfOperation", "DescribeHoursOfOperation", "ListHoursOfOperations", "DeleteHoursOfOperation",
		"ClaimPhoneNumber", "ListPhoneNumbersV2", "ReleasePhoneNumber",
		"CreateTaskTemplate", "GetTaskTemplate", "ListTaskTemplates", "DeleteTaskTemplate",
		"CreateQuickConnect", "DescribeQuickConnect", "ListQuickConnects", "DeleteQuickConnect",
		"StartOutboundVoiceContact", "StartTaskContact", "DescribeContact", "StopContact",
		"SearchQueues", "UpdateQueueName", "UpdateRoutingProfileName", "UpdateHoursOfOperation",
		"UpdateContactFlowContent", "UpdateContactFlowName", "DescribePhoneNumber", "TagContact",
	} {
		if !served[op] {
			t.Errorf("%s is not served", op)
		}
	}
}

// TestNewID checks the format of resource IDs.
func TestNewID(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		id := newID()
		if len(id) != 36 || id[8] != '-' || id[13] != '-' || id[14] != '4' || id[18] != '-' || id[23] != '-' || seen[id] {
			t.Fatalf("newID() = %q", id)
		}
		seen[id] = true
	}
}

// TestValuesAt checks the request member paths of reference lookups.
func TestValuesAt(t *testing.T) {
	in := map[string]any{
		"A":            "x",
		"QueueConfigs": []any{map[string]any{"QueueReference": map[string]any{"QueueId": "q1"}}, map[string]any{"QueueReference": map[string]any{"QueueId": "q2"}}},
		"Bad":          3.0,
	}
	tests := []struct {
		path string
		want []string
		err  bool
	}{
		{"A", []string{"x"}, false},
		{"Missing", nil, false},
		{"QueueConfigs[].QueueReference.QueueId", []string{"q1", "q2"}, false},
		{"Bad", nil, true},
		{"A[]", nil, true},
	}
	for _, tt := range tests {
		got, err := valuesAt(in, tt.path)
		if (err != nil) != tt.err || len(got) != len(tt.want) {
			t.Errorf("valuesAt(%s) = %v, %v; want %v (error %v)", tt.path, got, err, tt.want, tt.err)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("valuesAt(%s) = %v, want %v", tt.path, got, tt.want)
			}
		}
	}
}

// FuzzValuesAt feeds arbitrary request bodies and member paths to the
// reference lookup, which must not panic and must return only strings
// that occur in the body.
func FuzzValuesAt(f *testing.F) {
	f.Add(`{"QueueConfigs":[{"QueueReference":{"QueueId":"q1"}}]}`, "QueueConfigs[].QueueReference.QueueId")
	f.Add(`{"A":["x",1,null]}`, "A[]")
	f.Add(`{"A":{"B":null}}`, "A.B.C")
	f.Fuzz(func(t *testing.T, body, path string) {
		var in any
		if !utf8.ValidString(body) || json.Unmarshal([]byte(body), &in) != nil {
			return // invalid UTF-8 decodes to U+FFFD, which the body lacks
		}
		got, err := valuesAt(in, path)
		if err != nil {
			return
		}
		for _, v := range got {
			b, _ := json.Marshal(v)
			if !strings.Contains(body, v) && !strings.Contains(body, string(b[1:len(b)-1])) && !strings.Contains(body, `\`) {
				t.Errorf("valuesAt(%s, %q) returned %q, which is not in the body", body, path, v)
			}
		}
	})
}
