package connect

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/connect-iam/connect-iam/store"
)

// Names of the resources Amazon Connect creates with every instance.
const (
	basicHoursName   = "Basic Hours"
	basicQueueName   = "BasicQueue"
	basicRoutingName = "Basic Routing Profile"
)

// defaultSecurityProfiles are the security profiles Amazon Connect
// creates with every instance, with their descriptions.
var defaultSecurityProfiles = []struct{ name, description string }{
	{"Admin", "Grants all permissions in the Amazon Connect admin website."},
	{"Agent", "Grants access to the Contact Control Panel."},
	{"CallCenterManager", "Grants permissions to manage users, routing and metrics."},
	{"QualityAnalyst", "Grants access to metrics and contact search."},
}

// defaultResources returns the resources Amazon Connect creates with an
// instance: the security profiles Admin, Agent, CallCenterManager and
// QualityAnalyst, the hours of operation "Basic Hours" (every day, all
// day, in UTC), the queue "BasicQueue" open during them, and the
// "Basic Routing Profile" that takes voice, chat and task contacts from
// BasicQueue and calls out through it.
func defaultResources(acct, region, instID, instARN string, now time.Time) ([]store.Resource, error) {
	var out []store.Resource
	add := func(k *kind, name string, members map[string]any) (id string, err error) {
		id = newID()
		members[specByKind(k).nameField] = name
		members["LastModifiedRegion"] = region
		raw, err := json.Marshal(members)
		if err != nil {
			return "", err
		}
		out = append(out, store.Resource{AccountID: acct, Service: Service, Type: k.typ, ID: id, ParentID: instID,
			ARN: childARN(instARN, k, id), Name: name, NameKey: strings.ToLower(name), Attributes: raw, Created: now, Updated: now})
		return id, nil
	}
	for _, sp := range defaultSecurityProfiles {
		if _, err := add(kSecurityProfile, sp.name, map[string]any{"Description": sp.description}); err != nil {
			return nil, err
		}
	}
	var week []map[string]any
	for _, day := range []string{"SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY"} {
		week = append(week, map[string]any{"Day": day, "StartTime": map[string]int{"Hours": 0, "Minutes": 0},
			"EndTime": map[string]int{"Hours": 0, "Minutes": 0}})
	}
	hours, err := add(kHours, basicHoursName, map[string]any{"Description": "Basic Hours", "TimeZone": "UTC", "Config": week})
	if err != nil {
		return nil, err
	}
	queue, err := add(kQueue, basicQueueName, map[string]any{"Description": "BasicQueue", "HoursOfOperationId": hours, "Status": "ENABLED"})
	if err != nil {
		return nil, err
	}
	var qcs []queueConfig
	for _, ch := range []string{"VOICE", "CHAT", "TASK"} {
		qcs = append(qcs, queueConfig{QueueReference: queueRef{QueueID: queue, Channel: ch}, Priority: 1, Delay: 0})
	}
	_, err = add(kRoutingProfile, basicRoutingName, map[string]any{"Description": "Basic Routing Profile", "DefaultOutboundQueueId": queue,
		"MediaConcurrencies": []map[string]any{{"Channel": "VOICE", "Concurrency": 1}, {"Channel": "CHAT", "Concurrency": 2},
			{"Channel": "TASK", "Concurrency": 10}},
		"QueueConfigs": qcs})
	if err != nil {
		return nil, err
	}
	return out, nil
}
