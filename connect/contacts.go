package connect

import (
	"context"
	"encoding/json"

	"github.com/connect-iam/connect-iam/server/restjson"
	"github.com/connect-iam/connect-iam/store"
)

func init() {
	operations["StartOutboundVoiceContact"] = (*handler).startOutboundVoiceContact
	operations["StartTaskContact"] = (*handler).startTaskContact
	operations["DescribeContact"] = (*handler).describeContact
	operations["StopContact"] = (*handler).stopContact
	operations["TagContact"] = (*handler).tagContact
}

// kContact is a contact of an instance.
var kContact = &kind{"contact", "contact", "Contact", "ContactId"}

func init() { instanceKinds[kContact.seg] = kContact }

// contactAttrs are the stored attributes of a contact.
type contactAttrs struct {
	Channel            string            `json:"Channel"`
	InitiationMethod   string            `json:"InitiationMethod"`
	Name               string            `json:"Name,omitempty"`
	Description        string            `json:"Description,omitempty"`
	ContactFlowID      string            `json:"ContactFlowId"`
	QueueID            string            `json:"QueueId,omitempty"`
	TaskTemplateID     string            `json:"TaskTemplateId,omitempty"`
	PreviousContactID  string            `json:"PreviousContactId,omitempty"`
	Destination        string            `json:"Destination,omitempty"`
	Source             string            `json:"Source,omitempty"`
	Attributes         map[string]string `json:"Attributes,omitempty"`
	DisconnectTime     *restjson.Time    `json:"DisconnectTime,omitempty"`
	DisconnectReason   string            `json:"DisconnectReason,omitempty"`
	ScheduledTimestamp *restjson.Time    `json:"ScheduledTimestamp,omitempty"`
}

// checkAttributes validates contact attributes as Connect does.
func checkAttributes(a map[string]string) error {
	size := 0
	for k, v := range a {
		if k == "" || len(k) > 127 {
			return invalidParameter("Attribute key %q must be 1 to 127 characters long.", k)
		}
		size += len(k) + len(v)
	}
	if size > 32768 {
		return invalidParameter("Attributes total %d bytes; contact attributes may total at most 32 KB.", size)
	}
	return nil
}

// startContact stores a new contact and returns its ID.
func (h *handler) startContact(ctx context.Context, c *call, inst obj, a contactAttrs) (any, error) {
	id := newID()
	raw, err := json.Marshal(a)
	if err != nil {
		return nil, err
	}
	now := h.Now().UTC()
	r := store.Resource{AccountID: c.acct, Service: Service, Type: kContact.typ, ID: id, ParentID: inst.ID, ARN: childARN(inst.ARN, kContact, id),
		Name: a.Name, Attributes: raw, Created: now, Updated: now}
	if err := h.Store.Update(ctx, func(tx store.Tx) error { _, err := tx.CreateResource(r); return err }); err != nil {
		return nil, err
	}
	return struct {
		ContactID string `json:"ContactId"`
	}{id}, nil
}

func (h *handler) startOutboundVoiceContact(ctx context.Context, c *call) (any, error) {
	var in struct {
		DestinationPhoneNumber string
		ContactFlowID          string `json:"ContactFlowId"`
		InstanceID             string `json:"InstanceId"`
		SourcePhoneNumber      string
		QueueID                string `json:"QueueId"`
		Attributes             map[string]string
		Name                   string
		Description            string
	}
	if err := decodeBody(c, &in); err != nil {
		return nil, err
	}
	switch {
	case in.InstanceID == "" || in.ContactFlowID == "":
		return nil, invalidParameter("InstanceId and ContactFlowId are required.")
	case !rePhone.MatchString(in.DestinationPhoneNumber):
		return nil, invalidParameter("DestinationPhoneNumber %q is not an E.164 phone number such as +12065550100.", in.DestinationPhoneNumber)
	case in.SourcePhoneNumber != "" && !rePhone.MatchString(in.SourcePhoneNumber):
		return nil, invalidParameter("SourcePhoneNumber %q is not an E.164 phone number.", in.SourcePhoneNumber)
	case in.SourcePhoneNumber == "" && in.QueueID == "":
		return nil, invalidParameter("Give SourcePhoneNumber or QueueId: the call needs a caller ID (the queue's outbound caller ID otherwise).")
	}
	if err := checkAttributes(in.Attributes); err != nil {
		return nil, err
	}
	var inst, flow, queue obj
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		if inst, err = readInstance(tx, c, in.InstanceID); err != nil {
			return err
		}
		if flow, err = readChild(tx, c, inst, kFlow, in.ContactFlowID); err != nil {
			return err
		}
		queue, err = readChild(tx, c, inst, kQueue, in.QueueID)
		return err
	})
	if err != nil {
		return nil, err
	}
	// The reference lists no resource types for StartOutboundVoiceContact:
	// policies grant it on "*".
	if err := h.authorize(ctx, c, "connect:StartOutboundVoiceContact", nil, target{arn: "*"}); err != nil {
		return nil, err
	}
	if err := missing(inst, map[*kind][]obj{kFlow: {flow}, kQueue: {queue}}); err != nil {
		return nil, err
	}
	var ia instanceAttrs
	if err := inst.Resource.DecodeAttributes(&ia); err != nil {
		return nil, err
	}
	if !ia.OutboundCallsEnabled {
		return nil, connectError("DestinationNotAllowedException", "Outbound calls are disabled for instance "+inst.ID+"; enable them with UpdateInstanceAttribute OUTBOUND_CALLS.")
	}
	return h.startContact(ctx, c, inst, contactAttrs{Channel: "VOICE", InitiationMethod: "OUTBOUND", Name: in.Name, Description: in.Description,
		ContactFlowID: in.ContactFlowID, QueueID: in.QueueID, Destination: in.DestinationPhoneNumber, Source: in.SourcePhoneNumber, Attributes: in.Attributes})
}

func (h *handler) startTaskContact(ctx context.Context, c *call) (any, error) {
	var in struct {
		InstanceID        string `json:"InstanceId"`
		PreviousContactID string `json:"PreviousContactId"`
		ContactFlowID     string `json:"ContactFlowId"`
		Attributes        map[string]string
		Name              string
		Description       string
		ScheduledTime     *restjson.Time
		TaskTemplateID    string `json:"TaskTemplateId"`
		QuickConnectID    string `json:"QuickConnectId"`
	}
	if err := decodeBody(c, &in); err != nil {
		return nil, err
	}
	switch {
	case in.InstanceID == "":
		return nil, invalidParameter("InstanceId is required.")
	case in.Name == "" || len(in.Name) > 512:
		return nil, invalidParameter("Name is required and must be at most 512 characters long.")
	case len(in.Description) > 4096:
		return nil, invalidParameter("Description is longer than 4096 characters.")
	case in.ContactFlowID == "" && in.QuickConnectID == "" && in.TaskTemplateID == "":
		return nil, invalidRequest("Give ContactFlowId, QuickConnectId or a TaskTemplateId whose template names a flow: the task needs a flow to run.")
	}
	if err := checkAttributes(in.Attributes); err != nil {
		return nil, err
	}
	var inst, flow, tmpl, qc, prev obj
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		if inst, err = readInstance(tx, c, in.InstanceID); err != nil {
			return err
		}
		if tmpl, err = readChild(tx, c, inst, kTaskTemplate, in.TaskTemplateID); err != nil {
			return err
		}
		if in.ContactFlowID == "" && tmpl.found {
			var a map[string]any
			if err := tmpl.Resource.DecodeAttributes(&a); err != nil {
				return err
			}
			in.ContactFlowID, _ = a["ContactFlowId"].(string)
		}
		if flow, err = readChild(tx, c, inst, kFlow, in.ContactFlowID); err != nil {
			return err
		}
		if qc, err = readChild(tx, c, inst, kQuickConnect, in.QuickConnectID); err != nil {
			return err
		}
		prev, err = readChild(tx, c, inst, kContact, in.PreviousContactID)
		return err
	})
	if err != nil {
		return nil, err
	}
	targets := []target{}
	if in.ContactFlowID != "" {
		targets = append(targets, flow.target())
	}
	for _, o := range []obj{tmpl, qc, prev} {
		if o.ID != "" {
			targets = append(targets, o.target())
		}
	}
	if len(targets) == 0 { // a template without a flow, checked below
		targets = append(targets, flow.target())
	}
	if err := h.authorize(ctx, c, "connect:StartTaskContact", instanceContext(in.InstanceID), targets...); err != nil {
		return nil, err
	}
	if err := missing(inst, map[*kind][]obj{kFlow: {flow}, kTaskTemplate: {tmpl}, kQuickConnect: {qc}}); err != nil {
		return nil, err
	}
	if prev.ID != "" && !prev.found {
		return nil, childMissing(kContact, prev.ID)
	}
	if in.ContactFlowID == "" && in.QuickConnectID == "" {
		return nil, invalidRequest("Task template %s names no ContactFlowId; give ContactFlowId in the request.", in.TaskTemplateID)
	}
	return h.startContact(ctx, c, inst, contactAttrs{Channel: "TASK", InitiationMethod: "API", Name: in.Name, Description: in.Description,
		ContactFlowID: in.ContactFlowID, TaskTemplateID: in.TaskTemplateID, PreviousContactID: in.PreviousContactID,
		Attributes: in.Attributes, ScheduledTimestamp: in.ScheduledTime})
}

// contactFor reads a contact and authorizes action on it with
// connect:InstanceId and connect:Channel, plus the keys of extra. A contact that does not exist is
// reported with the error code missingCode.
func (h *handler) contactFor(ctx context.Context, c *call, action, instID, id, missingCode string, extra map[string][]string) (obj, contactAttrs, error) {
	var inst, o obj
	var a contactAttrs
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		if inst, err = readInstance(tx, c, instID); err != nil {
			return err
		}
		o, err = readChild(tx, c, inst, kContact, id)
		return err
	})
	if err != nil {
		return o, a, err
	}
	kv := instanceContext(instID)
	for k, v := range extra {
		kv[k] = v
	}
	if o.found {
		if err := o.Resource.DecodeAttributes(&a); err != nil {
			return o, a, err
		}
		kv["connect:Channel"] = []string{a.Channel}
	}
	if err := h.authorize(ctx, c, action, kv, o.target()); err != nil {
		return o, a, err
	}
	if err := missing(inst, nil); err != nil {
		return o, a, err
	}
	if !o.found {
		return o, a, connectError(missingCode, "Contact "+id+" not found in the instance; check the ContactId.")
	}
	return o, a, nil
}

func (h *handler) describeContact(ctx context.Context, c *call) (any, error) {
	o, a, err := h.contactFor(ctx, c, "connect:DescribeContact", c.Labels["InstanceId"], c.Labels["ContactId"], "ResourceNotFoundException", nil)
	if err != nil {
		return nil, err
	}
	type queueInfo struct {
		ID string `json:"Id"`
	}
	type endpoint struct {
		Type    string `json:"Type"`
		Address string `json:"Address"`
	}
	out := struct {
		Arn                 string            `json:"Arn"`
		ID                  string            `json:"Id"`
		InitialContactID    string            `json:"InitialContactId"`
		PreviousContactID   string            `json:"PreviousContactId,omitempty"`
		InitiationMethod    string            `json:"InitiationMethod"`
		Name                string            `json:"Name,omitempty"`
		Description         string            `json:"Description,omitempty"`
		Channel             string            `json:"Channel"`
		QueueInfo           *queueInfo        `json:"QueueInfo,omitempty"`
		CustomerEndpoint    *endpoint         `json:"CustomerEndpoint,omitempty"`
		SystemEndpoint      *endpoint         `json:"SystemEndpoint,omitempty"`
		InitiationTimestamp restjson.Time     `json:"InitiationTimestamp"`
		DisconnectTimestamp *restjson.Time    `json:"DisconnectTimestamp,omitempty"`
		DisconnectReason    string            `json:"DisconnectReason,omitempty"`
		LastUpdateTimestamp restjson.Time     `json:"LastUpdateTimestamp"`
		ScheduledTimestamp  *restjson.Time    `json:"ScheduledTimestamp,omitempty"`
		Attributes          map[string]string `json:"Attributes,omitempty"`
		Tags                map[string]string `json:"Tags,omitempty"`
	}{Arn: o.ARN, ID: o.ID, InitialContactID: o.ID, PreviousContactID: a.PreviousContactID, InitiationMethod: a.InitiationMethod,
		Name: a.Name, Description: a.Description, Channel: a.Channel, InitiationTimestamp: restjson.Time(o.Created),
		DisconnectTimestamp: a.DisconnectTime, DisconnectReason: a.DisconnectReason, LastUpdateTimestamp: restjson.Time(o.Updated),
		ScheduledTimestamp: a.ScheduledTimestamp, Attributes: a.Attributes, Tags: store.TagMap(o.tags)}
	if a.QueueID != "" {
		out.QueueInfo = &queueInfo{a.QueueID}
	}
	if a.Destination != "" {
		out.CustomerEndpoint = &endpoint{"TELEPHONE_NUMBER", a.Destination}
	}
	if a.Source != "" {
		out.SystemEndpoint = &endpoint{"TELEPHONE_NUMBER", a.Source}
	}
	return struct {
		Contact any `json:"Contact"`
	}{out}, nil
}

func (h *handler) stopContact(ctx context.Context, c *call) (any, error) {
	var in struct {
		ContactID        string `json:"ContactId"`
		InstanceID       string `json:"InstanceId"`
		DisconnectReason *struct{ Code string }
	}
	if err := decodeBody(c, &in); err != nil {
		return nil, err
	}
	if in.ContactID == "" || in.InstanceID == "" {
		return nil, invalidParameter("ContactId and InstanceId are required.")
	}
	o, a, err := h.contactFor(ctx, c, "connect:StopContact", in.InstanceID, in.ContactID, "ContactNotFoundException", nil)
	if err != nil {
		return nil, err
	}
	if a.DisconnectTime != nil {
		return nil, connectError("ContactNotFoundException", "Contact "+in.ContactID+" has already ended.")
	}
	now := restjson.Time(h.Now().UTC())
	a.DisconnectTime = &now
	a.DisconnectReason = "API"
	if in.DisconnectReason != nil && in.DisconnectReason.Code != "" {
		a.DisconnectReason = in.DisconnectReason.Code
	}
	raw, err := json.Marshal(a)
	if err != nil {
		return nil, err
	}
	r := o.Resource
	r.Attributes, r.Updated = raw, h.Now().UTC()
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		_, err := tx.UpdateResource(r)
		return err
	})
}

// maxContactTags is the number of tags a TagContact request may set.
const maxContactTags = 6

// tagContact serves TagContact: connect:TagContact on the contact, with
// aws:RequestTag/KEY and aws:TagKeys from the request's tags besides
// connect:InstanceId, connect:Channel and the contact's
// aws:ResourceTag/KEY, as the service authorization reference lists.
func (h *handler) tagContact(ctx context.Context, c *call) (any, error) {
	var in struct {
		ContactID  string `json:"ContactId"`
		InstanceID string `json:"InstanceId"`
		Tags       map[string]string
	}
	if err := decodeBody(c, &in); err != nil {
		return nil, err
	}
	switch {
	case in.ContactID == "" || in.InstanceID == "":
		return nil, invalidParameter("ContactId and InstanceId are required.")
	case len(in.Tags) == 0:
		return nil, invalidParameter("Tags is required: give 1 to %d tags for the contact.", maxContactTags)
	case len(in.Tags) > maxContactTags:
		return nil, invalidParameter("Tags has %d tags; a TagContact request sets at most %d.", len(in.Tags), maxContactTags)
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	o, _, err := h.contactFor(ctx, c, "connect:TagContact", in.InstanceID, in.ContactID, "ResourceNotFoundException", tagsContext("", in.Tags))
	if err != nil {
		return nil, err
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error { return tx.TagResource(o.ARN, store.TagsFromMap(in.Tags)) })
}
