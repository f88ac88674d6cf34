package iam

import (
	"context"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/connect-iam/connect-iam/server/awsquery"
	"github.com/connect-iam/connect-iam/store"
)

// Delegation requests (IAM temporary delegation): a partner asks an
// account for temporary access described by a policy template and its
// parameters; the account's administrator associates the request with
// themselves, accepts or rejects it, and sends the partner the trade-in
// token that STS GetDelegatedAccessToken exchanges for credentials.
//
// A request lives in the owner account named by OwnerAccountId (the
// caller's account when it is absent), as a record of type
// delegation-request. Its states follow AWS's: UNASSIGNED → ASSIGNED
// (AssociateDelegationRequest) → ACCEPTED or REJECTED → FINALIZED
// (SendDelegationToken); a request not finalized within its validity
// (DelegationRequestTTL) is EXPIRED.

func init() {
	operations["CreateDelegationRequest"] = (*handler).createDelegationRequest
	operations["GetDelegationRequest"] = (*handler).getDelegationRequest
	operations["ListDelegationRequests"] = (*handler).listDelegationRequests
	operations["AssociateDelegationRequest"] = (*handler).associateDelegationRequest
	operations["AcceptDelegationRequest"] = (*handler).acceptDelegationRequest
	operations["RejectDelegationRequest"] = (*handler).rejectDelegationRequest
	operations["UpdateDelegationRequest"] = (*handler).updateDelegationRequest
	operations["SendDelegationToken"] = (*handler).sendDelegationToken
}

// DelegationRequestType is the record type of delegation requests.
const DelegationRequestType = "delegation-request"

// DelegationRequestTTL is how long a delegation request can be acted on
// after it is created.
const DelegationRequestTTL = 7 * 24 * time.Hour

// DelegationRequest is a stored delegation request (the record's
// attributes); STS reads it to exchange a trade-in token.
type DelegationRequest struct {
	Description     string            `json:"description"`
	RequestMessage  string            `json:"message,omitempty"`
	RequestorID     string            `json:"requestor"`
	RequestorName   string            `json:"requestorName,omitempty"`
	WorkflowID      string            `json:"workflow"`
	Notification    string            `json:"notification"`
	RedirectURL     string            `json:"redirect,omitempty"`
	OnlySendByOwner bool              `json:"onlySendByOwner,omitempty"`
	OwnerAccountID  string            `json:"ownerAccount"`
	OwnerID         string            `json:"owner,omitempty"`
	ApproverID      string            `json:"approver,omitempty"`
	Template        string            `json:"template,omitempty"`
	Parameters      []delegationParam `json:"parameters,omitempty"`
	SessionDuration int64             `json:"duration"`
	State           string            `json:"state"`
	Notes           string            `json:"notes,omitempty"`
	RejectionReason string            `json:"rejection,omitempty"`
	Created         time.Time         `json:"created"`
	Updated         time.Time         `json:"updated"`
	// Token is the trade-in token sealed with the server's box (bound to
	// the request ID), set by SendDelegationToken.
	Token []byte `json:"token,omitempty"`
}

type delegationParam struct {
	Name   string   `json:"name"`
	Type   string   `json:"type"`
	Values []string `json:"values"`
}

type xDelegationParam struct {
	Name   string   `xml:"Name,omitempty"`
	Values []string `xml:"Values>member"`
	Type   string   `xml:"Type,omitempty"`
}

type xDelegationRequest struct {
	DelegationRequestID string `xml:"DelegationRequestId"`
	OwnerAccountID      string `xml:"OwnerAccountId"`
	Description         string `xml:"Description"`
	RequestMessage      string `xml:"RequestMessage,omitempty"`
	Permissions         struct {
		PolicyTemplateArn string             `xml:"PolicyTemplateArn,omitempty"`
		Parameters        []xDelegationParam `xml:"Parameters>member"`
	} `xml:"Permissions"`
	RedirectURL     string         `xml:"RedirectUrl,omitempty"`
	RequestorID     string         `xml:"RequestorId"`
	RequestorName   string         `xml:"RequestorName,omitempty"`
	CreateDate      awsquery.Time  `xml:"CreateDate"`
	SessionDuration int64          `xml:"SessionDuration"`
	State           string         `xml:"State"`
	ExpirationTime  awsquery.Time  `xml:"ExpirationTime"`
	OwnerID         string         `xml:"OwnerId,omitempty"`
	ApproverID      string         `xml:"ApproverId,omitempty"`
	Notes           string         `xml:"Notes,omitempty"`
	RejectionReason string         `xml:"RejectionReason,omitempty"`
	UpdatedTime     *awsquery.Time `xml:"UpdatedTime,omitempty"`
	OnlySendByOwner bool           `xml:"OnlySendByOwner"`
}

func delegationXML(id string, d DelegationRequest, now time.Time) xDelegationRequest {
	x := xDelegationRequest{DelegationRequestID: id, OwnerAccountID: d.OwnerAccountID, Description: d.Description,
		RequestMessage: d.RequestMessage, RedirectURL: d.RedirectURL, RequestorID: d.RequestorID, RequestorName: d.RequestorName,
		CreateDate: awsquery.Time(d.Created), SessionDuration: d.SessionDuration, State: delegationState(d, now),
		ExpirationTime: awsquery.Time(d.Created.Add(DelegationRequestTTL)), OwnerID: d.OwnerID, ApproverID: d.ApproverID,
		Notes: d.Notes, RejectionReason: d.RejectionReason, UpdatedTime: ptime(d.Updated), OnlySendByOwner: d.OnlySendByOwner}
	x.Permissions.PolicyTemplateArn = d.Template
	for _, p := range d.Parameters {
		x.Permissions.Parameters = append(x.Permissions.Parameters, xDelegationParam{Name: p.Name, Values: p.Values, Type: p.Type})
	}
	return x
}

// delegationState is the request's state at now.
func delegationState(d DelegationRequest, now time.Time) string {
	switch d.State {
	case "FINALIZED", "REJECTED":
		return d.State
	}
	if now.After(d.Created.Add(DelegationRequestTTL)) {
		return "EXPIRED"
	}
	return d.State
}

func (h *handler) createDelegationRequest(ctx context.Context, c *call) (any, error) {
	owner := c.p.String("OwnerAccountId")
	if owner == "" {
		owner = c.acct
	}
	if err := h.authorize(ctx, c, "iam:CreateDelegationRequest", "*", nil); err != nil {
		return nil, err
	}
	duration, _ := c.p.Int("SessionDuration")
	only, _ := c.p.Bool("OnlySendByOwner")
	now := h.Now().UTC()
	d := DelegationRequest{Description: c.p.String("Description"), RequestMessage: c.p.String("RequestMessage"),
		RequestorID: c.caller.ARN, RequestorName: c.caller.ARN[strings.LastIndexByte(c.caller.ARN, '/')+1:],
		WorkflowID: c.p.String("RequestorWorkflowId"), Notification: c.p.String("NotificationChannel"),
		RedirectURL: c.p.String("RedirectUrl"), OnlySendByOwner: only, OwnerAccountID: owner,
		Template: c.p.String("Permissions.PolicyTemplateArn"), SessionDuration: duration, State: "UNASSIGNED", Created: now}
	for _, m := range c.p.Members("Permissions.Parameters", []string{"Name", "Type"}) {
		d.Parameters = append(d.Parameters, delegationParam{Name: m["Name"], Type: m["Type"]})
	}
	for i := range d.Parameters {
		d.Parameters[i].Values = c.p.List("Permissions.Parameters.member." + itoa(i+1) + ".Values")
	}
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	id := "dr-" + strings.ReplaceAll(newUUID(), "-", "")
	err := h.Store.Update(ctx, func(tx store.Tx) error {
		if _, err := tx.GetAccount(owner); err != nil {
			if err = notFoundOK(err); err != nil {
				return err
			}
			return invalidInput("OwnerAccountId %s is not an account of this server; list them with connect-iam accounts.", owner)
		}
		// One open request per workflow of a requestor.
		dup := false
		err := listRecords(tx, owner, DelegationRequestType, "", false, func(r store.Resource) error {
			var o DelegationRequest
			if err := r.DecodeAttributes(&o); err != nil {
				return err
			}
			dup = dup || o.RequestorID == d.RequestorID && o.WorkflowID == d.WorkflowID && delegationState(o, now) != "EXPIRED"
			return nil
		})
		if err != nil {
			return err
		}
		if dup {
			return alreadyExists("A delegation request for workflow %s already exists.", d.WorkflowID)
		}
		_, err = putRecord(tx, store.Resource{AccountID: owner, Service: "iam", Type: DelegationRequestType, ID: id, Name: id,
			ARN: internalARN(owner, DelegationRequestType, id), Created: now}, d)
		return err
	})
	if err != nil {
		return nil, err
	}
	return struct {
		ConsoleDeepLink     string `xml:"ConsoleDeepLink"`
		DelegationRequestID string `xml:"DelegationRequestId"`
	}{"https://console.aws.amazon.com/iam/home#/delegation/requests/" + id, id}, nil
}

// withDelegation authorizes action, reads the caller's account's request
// and, when change is not nil, changes and stores it.
func (h *handler) withDelegation(ctx context.Context, c *call, action string, change func(d *DelegationRequest, state string) error) (string, DelegationRequest, error) {
	id := c.p.String("DelegationRequestId")
	if err := h.authorize(ctx, c, action, "*", nil); err != nil {
		return id, DelegationRequest{}, err
	}
	var d DelegationRequest
	now := h.Now().UTC()
	err := h.Store.Update(ctx, func(tx store.Tx) error {
		r, found, err := getRecord(tx, c.acct, DelegationRequestType, id, &d)
		if err != nil {
			return err
		}
		if !found {
			return noSuchEntity("The delegation request %s cannot be found in account %s.", id, c.acct)
		}
		if change == nil {
			return nil
		}
		if err := change(&d, delegationState(d, now)); err != nil {
			return err
		}
		d.Updated = now
		_, err = putRecord(tx, r, d)
		return err
	})
	return id, d, err
}

func wrongState(id, state, want string) error {
	return awsquery.NewError(http.StatusBadRequest, "InvalidInput", "The delegation request "+id+" is "+state+"; the operation needs it "+want+".")
}

func (h *handler) getDelegationRequest(ctx context.Context, c *call) (any, error) {
	check, _ := c.p.Bool("DelegationPermissionCheck")
	id, d, err := h.withDelegation(ctx, c, "iam:GetDelegationRequest", nil)
	if err != nil {
		return nil, err
	}
	out := struct {
		DelegationRequest     xDelegationRequest `xml:"DelegationRequest"`
		PermissionCheckStatus string             `xml:"PermissionCheckStatus,omitempty"`
		PermissionCheckResult string             `xml:"PermissionCheckResult,omitempty"`
	}{DelegationRequest: delegationXML(id, d, h.Now())}
	if check {
		// Whether the caller may accept: iam:AcceptDelegationRequest.
		out.PermissionCheckStatus, out.PermissionCheckResult = "COMPLETE", "ALLOWED"
		if h.authorize(ctx, c, "iam:AcceptDelegationRequest", "*", nil) != nil {
			out.PermissionCheckResult = "DENIED"
		}
	}
	return out, nil
}

func (h *handler) listDelegationRequests(ctx context.Context, c *call) (any, error) {
	ownerID := c.p.String("OwnerId")
	opt := pageOpts(c)
	if err := h.authorize(ctx, c, "iam:ListDelegationRequests", "*", nil); err != nil {
		return nil, err
	}
	now := h.Now()
	list, next, err := viewPage(ctx, h.Store, opt, func(tx store.ReadTx) ([]xDelegationRequest, error) {
		var out []xDelegationRequest
		err := listRecords(tx, c.acct, DelegationRequestType, "", false, func(r store.Resource) error {
			var d DelegationRequest
			if err := r.DecodeAttributes(&d); err != nil {
				return err
			}
			if ownerID == "" || d.OwnerID == ownerID {
				out = append(out, delegationXML(r.ID, d, now))
			}
			return nil
		})
		sort.Slice(out, func(i, j int) bool { return time.Time(out[i].CreateDate).Before(time.Time(out[j].CreateDate)) })
		return out, err
	})
	if err != nil {
		return nil, err
	}
	return struct {
		DelegationRequests []xDelegationRequest `xml:"DelegationRequests>member"`
		Marker             string               `xml:"Marker,omitempty"`
		IsTruncated        bool                 `xml:"isTruncated"`
	}{list, next, next != ""}, nil
}

func (h *handler) associateDelegationRequest(ctx context.Context, c *call) (any, error) {
	_, _, err := h.withDelegation(ctx, c, "iam:AssociateDelegationRequest", func(d *DelegationRequest, state string) error {
		if state != "UNASSIGNED" {
			return wrongState(c.p.String("DelegationRequestId"), state, "UNASSIGNED")
		}
		d.State, d.OwnerID = "ASSIGNED", c.caller.ARN
		return nil
	})
	return nil, err
}

func (h *handler) acceptDelegationRequest(ctx context.Context, c *call) (any, error) {
	_, _, err := h.withDelegation(ctx, c, "iam:AcceptDelegationRequest", func(d *DelegationRequest, state string) error {
		if state != "ASSIGNED" && state != "PENDING_APPROVAL" {
			return wrongState(c.p.String("DelegationRequestId"), state, "ASSIGNED")
		}
		d.State, d.ApproverID = "ACCEPTED", c.caller.ARN
		return nil
	})
	return nil, err
}

func (h *handler) rejectDelegationRequest(ctx context.Context, c *call) (any, error) {
	notes := c.p.String("Notes")
	_, _, err := h.withDelegation(ctx, c, "iam:RejectDelegationRequest", func(d *DelegationRequest, state string) error {
		switch state {
		case "FINALIZED", "REJECTED", "EXPIRED":
			return wrongState(c.p.String("DelegationRequestId"), state, "open")
		}
		d.State, d.RejectionReason, d.ApproverID = "REJECTED", notes, c.caller.ARN
		return nil
	})
	return nil, err
}

func (h *handler) updateDelegationRequest(ctx context.Context, c *call) (any, error) {
	notes := c.p.String("Notes")
	_, _, err := h.withDelegation(ctx, c, "iam:UpdateDelegationRequest", func(d *DelegationRequest, state string) error {
		if state == "EXPIRED" || state == "FINALIZED" {
			return wrongState(c.p.String("DelegationRequestId"), state, "open")
		}
		d.Notes = notes
		return nil
	})
	return nil, err
}

// sendDelegationToken finalizes an accepted request: it creates the
// trade-in token, sealed in the request, which the partner exchanges with
// STS GetDelegatedAccessToken. AWS delivers the token on the request's
// notification channel (SNS); connect-iam has no SNS, so the token is
// only stored (sealed), and no partner can obtain it yet.
func (h *handler) sendDelegationToken(ctx context.Context, c *call) (any, error) {
	_, _, err := h.withDelegation(ctx, c, "iam:SendDelegationToken", func(d *DelegationRequest, state string) error {
		if state != "ACCEPTED" {
			return wrongState(c.p.String("DelegationRequestId"), state, "ACCEPTED")
		}
		if d.OnlySendByOwner && d.OwnerID != c.caller.ARN {
			return invalidInput("Only the request's owner %s may send its token (OnlySendByOwner).", d.OwnerID)
		}
		_, secret := NewAccessKey("")
		d.Token = h.Box.Seal([]byte(secret), []byte(c.p.String("DelegationRequestId")))
		d.State = "FINALIZED"
		return nil
	})
	return nil, err
}
