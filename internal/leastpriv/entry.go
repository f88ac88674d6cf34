package leastpriv

import (
	"encoding/json"
	"time"

	"github.com/connect-iam/connect-iam/internal/audit"
	"github.com/connect-iam/connect-iam/store"
)

// Entry is an audit event as CloudTrail spells it in its log files, with
// connect-iam's additions: additionalEventData (the authorization
// requests, audit.AuthorizationData), wouldHaveBeenDenied, and policy,
// the smallest policy that allows the call. It is the line format of
// "connect-iam audit --format json" and of the server's audit stream.
type Entry struct {
	EventVersion        string          `json:"eventVersion"`
	EventID             string          `json:"eventID"`
	EventTime           string          `json:"eventTime"`
	EventSource         string          `json:"eventSource"`
	EventName           string          `json:"eventName"`
	RecipientAccount    string          `json:"recipientAccountId,omitempty"`
	UserIdentity        json.RawMessage `json:"userIdentity,omitempty"`
	SourceIPAddress     string          `json:"sourceIPAddress,omitempty"`
	UserAgent           string          `json:"userAgent,omitempty"`
	RequestParameters   json.RawMessage `json:"requestParameters"`
	ErrorCode           string          `json:"errorCode,omitempty"`
	ErrorMessage        string          `json:"errorMessage,omitempty"`
	Decision            string          `json:"decision,omitempty"`
	AdditionalEventData json.RawMessage `json:"additionalEventData,omitempty"`
	WouldHaveBeenDenied bool            `json:"wouldHaveBeenDenied,omitempty"`
	// Policy is the smallest identity policy allowing the call's
	// authorization requests (StatementsFor); absent for calls that need
	// no permission.
	Policy *Policy `json:"policy,omitempty"`
}

// EntryOf returns e as an Entry; withPolicy adds the smallest policy.
func EntryOf(e store.Event, withPolicy bool) Entry {
	params := e.RequestParameters
	if len(params) == 0 {
		params = json.RawMessage("null")
	}
	out := Entry{EventVersion: "1.08", EventID: e.EventID,
		EventTime: e.Time.UTC().Format(time.RFC3339), EventSource: e.Source, EventName: e.Name,
		RecipientAccount: e.AccountID, UserIdentity: e.UserIdentity, SourceIPAddress: e.SourceIPAddress,
		UserAgent: e.UserAgent, RequestParameters: params, ErrorCode: e.ErrorCode, ErrorMessage: e.ErrorMessage,
		Decision: e.Decision, AdditionalEventData: e.AdditionalEventData}
	if d, err := audit.ParseAuthorization(e.AdditionalEventData); err == nil && d != nil {
		out.WouldHaveBeenDenied = d.WouldHaveBeenDenied
		for _, r := range d.Authorization {
			out.WouldHaveBeenDenied = out.WouldHaveBeenDenied || r.WouldHaveBeenDenied
		}
		if withPolicy && len(d.Authorization) > 0 {
			p := Policy{Version: "2012-10-17", Statement: StatementsFor(d.Authorization)}
			out.Policy = &p
		}
	}
	return out
}
