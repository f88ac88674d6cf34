package connect

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
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
	if err := attrs(self.Resource, &a); err != nil {
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

// queueCriteria is a QueueSearchCriteria.
type queueCriteria struct {
	OrConditions       []queueCriteria
	AndConditions      []queueCriteria
	StringCondition    *stringCondition
	QueueTypeCondition string
}

// check validates criteria.
func (cr *queueCriteria) check() error {
	if cr == nil {
		return nil
	}
	if sc := cr.StringCondition; sc != nil {
		switch strings.ToLower(sc.FieldName) {
		case "name", "description", "resourceid":
		default:
			return invalidParameter("SearchCriteria.StringCondition.FieldName %q is not searchable; use name, description or resourceID.", sc.FieldName)
		}
		switch sc.ComparisonType {
		case "STARTS_WITH", "CONTAINS", "EXACT":
		default:
			return invalidParameter("SearchCriteria.StringCondition.ComparisonType %q is not valid; use STARTS_WITH, CONTAINS or EXACT.", sc.ComparisonType)
		}
	}
	if t := cr.QueueTypeCondition; t != "" && t != "STANDARD" {
		return invalidParameter("SearchCriteria.QueueTypeCondition %q is not valid; use STANDARD.", t)
	}
	for _, sub := range append(append([]queueCriteria{}, cr.OrConditions...), cr.AndConditions...) {
		if err := sub.check(); err != nil {
			return err
		}
	}
	return nil
}

// matches reports whether the queue matches the criteria. String
// comparisons ignore case, as Connect's search does. Every queue this
// package stores is a STANDARD queue.
func (cr *queueCriteria) matches(r store.Resource, a map[string]any) bool {
	if cr == nil {
		return true
	}
	if sc := cr.StringCondition; sc != nil {
		var field string
		switch strings.ToLower(sc.FieldName) {
		case "name":
			field = r.Name
		case "description":
			field, _ = a["Description"].(string)
		case "resourceid":
			field = r.ID
		}
		f, v := strings.ToLower(field), strings.ToLower(sc.Value)
		ok := false
		switch sc.ComparisonType {
		case "STARTS_WITH":
			ok = strings.HasPrefix(f, v)
		case "CONTAINS":
			ok = strings.Contains(f, v)
		case "EXACT":
			ok = f == v
		}
		if !ok {
			return false
		}
	}
	for i := range cr.AndConditions {
		if !cr.AndConditions[i].matches(r, a) {
			return false
		}
	}
	if len(cr.OrConditions) == 0 {
		return true
	}
	for i := range cr.OrConditions {
		if cr.OrConditions[i].matches(r, a) {
			return true
		}
	}
	return false
}

// searchQueues serves SearchQueues: authorized on the instance with
// connect:InstanceId and connect:SearchTag/KEY for every tag condition of
// the request's filter, as the service authorization reference lists.
func (h *handler) searchQueues(ctx context.Context, c *call) (any, error) {
	var in struct {
		InstanceID   string `json:"InstanceId"`
		NextToken    string
		MaxResults   *int32
		SearchFilter *struct {
			TagFilter *tagFilter
		}
		SearchCriteria *queueCriteria
	}
	if err := decodeBody(c, &in); err != nil {
		return nil, err
	}
	if in.InstanceID == "" {
		return nil, invalidParameter("InstanceId is required.")
	}
	max := 100
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 500 {
			return nil, invalidParameter("MaxResults=%d is out of range; send a value from 1 to 500.", *in.MaxResults)
		}
		max = int(*in.MaxResults)
	}
	if err := in.SearchCriteria.check(); err != nil {
		return nil, err
	}
	var tf *tagFilter
	if in.SearchFilter != nil {
		tf = in.SearchFilter.TagFilter
	}
	kv := instanceContext(in.InstanceID)
	for _, tc := range tf.conditions() {
		if tc.TagKey == "" {
			return nil, invalidParameter("SearchFilter.TagFilter has a condition without TagKey.")
		}
		kv["connect:SearchTag/"+tc.TagKey] = append(kv["connect:SearchTag/"+tc.TagKey], tc.TagValue)
	}
	var inst obj
	var queues []store.Resource
	tags := map[string][]store.Tag{}
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		if inst, err = readInstance(tx, c, in.InstanceID); err != nil || !inst.found {
			return err
		}
		marker := ""
		for {
			rs, next, err := tx.ListResources(c.acct, Service, kQueue.typ, store.ResourceFilter{Parent: inst.ID, HasParent: true},
				store.ListOptions{Marker: marker, MaxItems: store.MaxMaxItems})
			if err != nil {
				return err
			}
			for _, r := range rs {
				if in.NextToken != "" && r.ID <= in.NextToken {
					continue
				}
				t, err := tx.ListResourceTags(r.ARN)
				if err != nil {
					return err
				}
				queues = append(queues, r)
				tags[r.ID] = t
			}
			if next == "" {
				return nil
			}
			marker = next
		}
	})
	if err != nil {
		return nil, err
	}
	if err := h.authorize(ctx, c, "connect:SearchQueues", kv, inst.target()); err != nil {
		return nil, err
	}
	if !inst.found {
		return nil, instanceMissing(in.InstanceID)
	}
	out := struct {
		Queues                []map[string]any `json:"Queues"`
		NextToken             string           `json:"NextToken,omitempty"`
		ApproximateTotalCount int64            `json:"ApproximateTotalCount"`
	}{Queues: []map[string]any{}}
	sort.Slice(queues, func(i, j int) bool { return queues[i].ID < queues[j].ID })
	qs := specByKind(kQueue)
	var lastID string
	for _, r := range queues {
		a := map[string]any{}
		if err := attrs(r, &a); err != nil {
			return nil, err
		}
		if !tf.matches(tagMap(tags[r.ID])) || !in.SearchCriteria.matches(r, a) {
			continue
		}
		out.ApproximateTotalCount++
		if len(out.Queues) == max {
			out.NextToken = lastID
			continue
		}
		d, err := describeOf(qs, r, tags[r.ID])
		if err != nil {
			return nil, err
		}
		out.Queues = append(out.Queues, d)
		lastID = r.ID
	}
	return out, nil
}
