package connect

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/connect-iam/connect-iam/store"
)

func init() {
	operations["UpdateQueueName"] = func(h *handler, ctx context.Context, c *call) (any, error) {
		return h.updateGeneric(ctx, c, specByKind(kQueue), "UpdateQueueName", nameAndDescription(specByKind(kQueue)))
	}
	operations["UpdateRoutingProfileName"] = func(h *handler, ctx context.Context, c *call) (any, error) {
		return h.updateGeneric(ctx, c, specByKind(kRoutingProfile), "UpdateRoutingProfileName", nameAndDescription(specByKind(kRoutingProfile)))
	}
	operations["UpdateContactFlowName"] = func(h *handler, ctx context.Context, c *call) (any, error) {
		return h.updateGeneric(ctx, c, specByKind(kFlow), "UpdateContactFlowName", nameAndDescription(specByKind(kFlow)))
	}
	operations["UpdateHoursOfOperation"] = func(h *handler, ctx context.Context, c *call) (any, error) {
		return h.updateGeneric(ctx, c, specByKind(kHours), "UpdateHoursOfOperation", updateHours)
	}
	operations["UpdateContactFlowContent"] = func(h *handler, ctx context.Context, c *call) (any, error) {
		return h.updateGeneric(ctx, c, specByKind(kFlow), "UpdateContactFlowContent", updateFlowContent)
	}
	operations["SearchQueues"] = (*handler).searchQueues
}

// updater checks the members of an Update request (in) before anything
// is read, and returns the function that applies them to the stored
// attributes of the resource, which reports the new name ("" to keep it).
type updater func(in map[string]any) (apply func(a map[string]any) (name string, err error), err error)

// optionalString returns the string member key of in, whether it is
// present, and an InvalidParameterException when it is not a string.
func optionalString(in map[string]any, key string) (string, bool, error) {
	v, ok := in[key]
	if !ok || v == nil {
		return "", false, nil
	}
	s, ok := v.(string)
	if !ok {
		return "", false, invalidParameter("%s must be a string.", key)
	}
	return s, true, nil
}

// nameAndDescription is the updater of the Update*Name operations: the
// optional members Name and Description.
func nameAndDescription(s *spec) updater {
	return func(in map[string]any) (func(map[string]any) (string, error), error) {
		name, hasName, err := optionalString(in, "Name")
		if err != nil {
			return nil, err
		}
		desc, hasDesc, err := optionalString(in, "Description")
		if err != nil {
			return nil, err
		}
		switch {
		case hasName && name == "":
			return nil, invalidParameter("Name must not be empty; omit it to keep the current name.")
		case len(name) > s.nameMax:
			return nil, invalidParameter("Name %q is longer than %d characters.", name, s.nameMax)
		case len(desc) > 250:
			return nil, invalidParameter("Description is longer than 250 characters.")
		}
		return func(a map[string]any) (string, error) {
			if hasName {
				a[s.nameField] = name
			}
			if hasDesc {
				a["Description"] = desc
			}
			return name, nil
		}, nil
	}
}

// updateHours is the updater of UpdateHoursOfOperation: any of Name,
// Description, TimeZone and Config, checked together with the stored
// members as CreateHoursOfOperation checks them.
func updateHours(in map[string]any) (func(map[string]any) (string, error), error) {
	nd, err := nameAndDescription(specByKind(kHours))(in)
	if err != nil {
		return nil, err
	}
	if _, _, err := optionalString(in, "TimeZone"); err != nil {
		return nil, err
	}
	return func(a map[string]any) (string, error) {
		name, err := nd(a)
		if err != nil {
			return "", err
		}
		for _, k := range []string{"TimeZone", "Config"} {
			if v, ok := in[k]; ok && v != nil {
				a[k] = v
			}
		}
		return name, checkHours(a)
	}, nil
}

// updateFlowContent is the updater of UpdateContactFlowContent: the
// required Content, checked as CreateContactFlow checks it.
func updateFlowContent(in map[string]any) (func(map[string]any) (string, error), error) {
	content, ok, err := optionalString(in, "Content")
	if err != nil {
		return nil, err
	}
	if !ok || content == "" {
		return nil, invalidParameter("Content is required: the flow in the Amazon Connect Flow language (JSON).")
	}
	return func(a map[string]any) (string, error) {
		a["Content"] = content
		return "", checkFlow(a)
	}, nil
}

// updateGeneric serves an Update operation of a spec'd kind: the request
// is checked, connect:OPERATION is authorized on the resource (with
// connect:InstanceId, connect:FlowType for flows and the resource's
// aws:ResourceTag/KEY keys), and the change is applied in one
// transaction. A new name must be unique in the instance.
func (h *handler) updateGeneric(ctx context.Context, c *call, s *spec, op string, u updater) (any, error) {
	in := map[string]any{}
	if err := decodeBody(c, &in); err != nil {
		return nil, err
	}
	apply, err := u(in)
	if err != nil {
		return nil, err
	}
	self, err := h.readSelf(ctx, c, s, "connect:"+op)
	if err != nil {
		return nil, err
	}
	a := map[string]any{}
	if err := self.Resource.DecodeAttributes(&a); err != nil {
		return nil, err
	}
	name, err := apply(a)
	if err != nil {
		return nil, err
	}
	a["LastModifiedRegion"] = c.region
	r := self.Resource
	if name != "" {
		r.Name = name
		if s.unique {
			r.NameKey = strings.ToLower(name)
		}
	}
	if r.Attributes, err = json.Marshal(a); err != nil {
		return nil, err
	}
	r.Updated = h.Now().UTC()
	err = h.Store.Update(ctx, func(tx store.Tx) error {
		_, err := tx.UpdateResource(r)
		if errors.Is(err, store.ErrAlreadyExists) {
			return duplicate("%s %s already exists in instance %s; choose another %s.", s.k.noun, name, r.ParentID, s.nameField)
		}
		return err
	})
	return nil, err
}
