package connectapps

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/connect-iam/connect-iam/store"
)

// Store types of Amazon AppIntegrations resources.
const (
	typeEventIntegration = "event-integration"
	typeDataIntegration  = "data-integration"
)

var appIntegrations = &service{
	models: []string{"appintegrations"},
	name:   AppIntegrations,
	errs:   errorCodes{validation: "InvalidRequestException", notFound: "ResourceNotFoundException", conflict: "DuplicateResourceException", conflictSt: 409},
	ops: map[string]op{
		"CreateEventIntegration": (*handler).createEventIntegration,
		"GetEventIntegration":    (*handler).getEventIntegration,
		"ListEventIntegrations":  (*handler).listEventIntegrations,
		"UpdateEventIntegration": (*handler).updateEventIntegration,
		"DeleteEventIntegration": (*handler).deleteEventIntegration,
		"CreateDataIntegration":  (*handler).createDataIntegration,
		"GetDataIntegration":     (*handler).getDataIntegration,
		"ListDataIntegrations":   (*handler).listDataIntegrations,
		"UpdateDataIntegration":  (*handler).updateDataIntegration,
		"DeleteDataIntegration":  (*handler).deleteDataIntegration,
	},
}

// eventFilter is an event integration's EventFilter.
type eventFilter struct {
	Source string `json:"Source"`
}

// eventIntegration is the stored state of an event integration, and the
// EventIntegration shape with Tags added.
type eventIntegration struct {
	EventIntegrationArn string            `json:"EventIntegrationArn"`
	Name                string            `json:"Name"`
	Description         string            `json:"Description,omitempty"`
	EventBridgeBus      string            `json:"EventBridgeBus"`
	EventFilter         eventFilter       `json:"EventFilter"`
	Tags                map[string]string `json:"Tags,omitempty"`
}

// dataIntegration is the stored state of a data integration.
type dataIntegration struct {
	Arn                   string            `json:"Arn"`
	Id                    string            `json:"Id"`
	Name                  string            `json:"Name"`
	Description           string            `json:"Description,omitempty"`
	KmsKey                string            `json:"KmsKey,omitempty"`
	SourceURI             string            `json:"SourceURI"`
	ScheduleConfiguration json.RawMessage   `json:"ScheduleConfiguration,omitempty"`
	FileConfiguration     json.RawMessage   `json:"FileConfiguration,omitempty"`
	ObjectConfiguration   json.RawMessage   `json:"ObjectConfiguration,omitempty"`
	ClientToken           string            `json:"ClientToken,omitempty"`
	Tags                  map[string]string `json:"Tags,omitempty"`
}

const aiNameChars = "_-."

func (h *handler) eventIntegrationARN(c *call, name string) string {
	return h.arnOf(c, "event-integration/"+name)
}

func (h *handler) createEventIntegration(ctx context.Context, c *call) (any, error) {
	var in struct {
		Name           string
		Description    string
		EventFilter    *eventFilter
		EventBridgeBus string
		ClientToken    string
		Tags           map[string]string
	}
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	if err := h.checkName("Name", in.Name, 255, aiNameChars); err != nil {
		return nil, err
	}
	if in.EventFilter == nil || in.EventFilter.Source == "" {
		return nil, h.invalid("EventFilter.Source is required; name the event source, for example aws.partner/examplecorp.com.")
	}
	if err := h.required("EventBridgeBus", in.EventBridgeBus); err != nil {
		return nil, err
	}
	if err := h.checkTags(in.Tags); err != nil {
		return nil, err
	}
	arn := h.eventIntegrationARN(c, in.Name)
	if err := h.authorize(ctx, c, h.action("CreateEventIntegration"), tagsContext(in.Tags), target{arn: arn}); err != nil {
		return nil, err
	}
	ei := eventIntegration{EventIntegrationArn: arn, Name: in.Name, Description: in.Description, EventBridgeBus: in.EventBridgeBus, EventFilter: *in.EventFilter}
	_, err := h.create(ctx, store.Resource{AccountID: c.acct, Type: typeEventIntegration, ID: in.Name, ARN: arn, Name: in.Name, NameKey: in.Name, Attributes: mustJSON(ei)},
		in.Tags, "Event integration "+in.Name)
	if err != nil {
		return nil, err
	}
	return struct{ EventIntegrationArn string }{arn}, nil
}

func (h *handler) eventIntegration(ctx context.Context, c *call, action string) (obj, eventIntegration, error) {
	name := c.Labels["Name"]
	var ei eventIntegration
	o, err := h.readAuthorized(ctx, c, h.action(action), typeEventIntegration, name, h.eventIntegrationARN(c, name), "Event integration", nil)
	if err != nil {
		return o, ei, err
	}
	err = o.Resource.DecodeAttributes(&ei)
	ei.Tags = store.TagMap(o.tags)
	return o, ei, err
}

func (h *handler) getEventIntegration(ctx context.Context, c *call) (any, error) {
	_, ei, err := h.eventIntegration(ctx, c, "GetEventIntegration")
	if err != nil {
		return nil, err
	}
	return ei, nil
}

func (h *handler) listEventIntegrations(ctx context.Context, c *call) (any, error) {
	opt, err := h.listOptions(c, "maxResults", "nextToken", 50)
	if err != nil {
		return nil, err
	}
	if err := h.authorize(ctx, c, h.action("ListEventIntegrations"), nil, target{arn: "*"}); err != nil {
		return nil, err
	}
	page, err := listPage[eventIntegration](ctx, h, c, typeEventIntegration, "", opt)
	if err != nil {
		return nil, err
	}
	for i := range page.items {
		page.items[i].Tags = page.tags[i]
	}
	return struct {
		EventIntegrations []eventIntegration
		NextToken         string `json:",omitempty"`
	}{page.items, page.next}, nil
}

func (h *handler) updateEventIntegration(ctx context.Context, c *call) (any, error) {
	var in struct{ Description *string }
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	o, ei, err := h.eventIntegration(ctx, c, "UpdateEventIntegration")
	if err != nil {
		return nil, err
	}
	if in.Description != nil {
		if len(*in.Description) > 1000 {
			return nil, h.invalid("Description is %d characters long; the maximum is 1000.", len(*in.Description))
		}
		ei.Description = *in.Description
	}
	ei.Tags = nil
	return nil, h.update(ctx, o, ei)
}

func (h *handler) deleteEventIntegration(ctx context.Context, c *call) (any, error) {
	o, _, err := h.eventIntegration(ctx, c, "DeleteEventIntegration")
	if err != nil {
		return nil, err
	}
	return nil, h.remove(ctx, o)
}

func (h *handler) dataIntegrationARN(c *call, id string) string {
	return h.arnOf(c, "data-integration/"+id)
}

func (h *handler) createDataIntegration(ctx context.Context, c *call) (any, error) {
	var in struct {
		Name                string
		Description         string
		KmsKey              string
		SourceURI           string
		ScheduleConfig      json.RawMessage
		FileConfiguration   json.RawMessage
		ObjectConfiguration json.RawMessage
		ClientToken         string
		Tags                map[string]string
	}
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	if err := h.checkName("Name", in.Name, 255, aiNameChars); err != nil {
		return nil, err
	}
	if err := h.required("SourceURI", in.SourceURI); err != nil {
		return nil, err
	}
	if err := h.checkTags(in.Tags); err != nil {
		return nil, err
	}
	id := newID()
	arn := h.dataIntegrationARN(c, id)
	if err := h.authorize(ctx, c, h.action("CreateDataIntegration"), tagsContext(in.Tags), target{arn: arn}); err != nil {
		return nil, err
	}
	di := dataIntegration{Arn: arn, Id: id, Name: in.Name, Description: in.Description, KmsKey: in.KmsKey, SourceURI: in.SourceURI,
		ScheduleConfiguration: in.ScheduleConfig, FileConfiguration: in.FileConfiguration, ObjectConfiguration: in.ObjectConfiguration, ClientToken: in.ClientToken}
	_, err := h.create(ctx, store.Resource{AccountID: c.acct, Type: typeDataIntegration, ID: id, ARN: arn, Name: in.Name, NameKey: in.Name, Attributes: mustJSON(di)},
		in.Tags, "Data integration "+in.Name)
	if err != nil {
		return nil, err
	}
	di.Tags = in.Tags
	return di, nil
}

func (h *handler) dataIntegration(ctx context.Context, c *call, action, label string) (obj, dataIntegration, error) {
	id := idOf(c.Labels[label])
	var di dataIntegration
	o, err := h.readAuthorized(ctx, c, h.action(action), typeDataIntegration, id, h.dataIntegrationARN(c, id), "Data integration", nil)
	if err != nil {
		return o, di, err
	}
	err = o.Resource.DecodeAttributes(&di)
	di.Tags = store.TagMap(o.tags)
	return o, di, err
}

func (h *handler) getDataIntegration(ctx context.Context, c *call) (any, error) {
	_, di, err := h.dataIntegration(ctx, c, "GetDataIntegration", "Identifier")
	if err != nil {
		return nil, err
	}
	di.ClientToken = ""
	return di, nil
}

func (h *handler) listDataIntegrations(ctx context.Context, c *call) (any, error) {
	opt, err := h.listOptions(c, "maxResults", "nextToken", 50)
	if err != nil {
		return nil, err
	}
	if err := h.authorize(ctx, c, h.action("ListDataIntegrations"), nil, target{arn: "*"}); err != nil {
		return nil, err
	}
	page, err := listPage[dataIntegration](ctx, h, c, typeDataIntegration, "", opt)
	if err != nil {
		return nil, err
	}
	type summary struct{ Arn, Name, SourceURI string }
	out := struct {
		DataIntegrations []summary
		NextToken        string `json:",omitempty"`
	}{DataIntegrations: []summary{}, NextToken: page.next}
	for _, di := range page.items {
		out.DataIntegrations = append(out.DataIntegrations, summary{di.Arn, di.Name, di.SourceURI})
	}
	return out, nil
}

func (h *handler) updateDataIntegration(ctx context.Context, c *call) (any, error) {
	var in struct{ Name, Description *string }
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	o, di, err := h.dataIntegration(ctx, c, "UpdateDataIntegration", "Identifier")
	if err != nil {
		return nil, err
	}
	if in.Name != nil {
		if err := h.checkName("Name", *in.Name, 255, aiNameChars); err != nil {
			return nil, err
		}
		di.Name = *in.Name
		o.Name, o.NameKey = *in.Name, *in.Name
	}
	if in.Description != nil {
		di.Description = *in.Description
	}
	di.Tags = nil
	err = h.update(ctx, o, di)
	if errors.Is(err, store.ErrAlreadyExists) {
		return nil, h.conflict("A data integration named %s exists already; choose another name.", *in.Name)
	}
	return nil, err
}

func (h *handler) deleteDataIntegration(ctx context.Context, c *call) (any, error) {
	o, _, err := h.dataIntegration(ctx, c, "DeleteDataIntegration", "Identifier")
	if err != nil {
		return nil, err
	}
	return nil, h.remove(ctx, o)
}
