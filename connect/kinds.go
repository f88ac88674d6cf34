package connect

import (
	"context"
	"errors"
	"sort"
	"strings"

	"github.com/connect-iam/connect-iam/store"
)

// kind is a resource type of an Amazon Connect instance.
type kind struct {
	typ   string // store type and the reference's resource type: "queue"
	seg   string // the type's segment in the ARN: "agent" for users
	noun  string // for messages: "Queue"
	label string // the path label of the resource's ID: "QueueId"
}

var (
	kUser            = &kind{"user", "agent", "User", "UserId"}
	kSecurityProfile = &kind{"security-profile", "security-profile", "Security profile", "SecurityProfileId"}
	kRoutingProfile  = &kind{"routing-profile", "routing-profile", "Routing profile", "RoutingProfileId"}
	kHierarchyGroup  = &kind{"hierarchy-group", "agent-group", "Hierarchy group", "HierarchyGroupId"}
	kQueue           = &kind{"queue", "queue", "Queue", "QueueId"}
	kFlow            = &kind{"contact-flow", "contact-flow", "Contact flow", "ContactFlowId"}
	kHours           = &kind{"hours-of-operation", "operating-hours", "Hours of operation", "HoursOfOperationId"}
	kQuickConnect    = &kind{"quick-connect", "transfer-destination", "Quick connect", "QuickConnectId"}
	kTaskTemplate    = &kind{"task-template", "task-template", "Task template", "TaskTemplateId"}
)

// instanceKinds are the kinds that live in an instance, by ARN segment.
var instanceKinds = map[string]*kind{}

func init() {
	for _, k := range []*kind{kUser, kSecurityProfile, kRoutingProfile, kHierarchyGroup, kQueue, kFlow, kHours, kQuickConnect, kTaskTemplate} {
		instanceKinds[k.seg] = k
	}
}

// instanceARN returns the ARN of an instance.
func instanceARN(region, acct, id string) string {
	return "arn:aws:connect:" + region + ":" + acct + ":instance/" + id
}

// childARN returns the ARN of a resource of kind k in an instance.
func childARN(instARN string, k *kind, id string) string {
	return instARN + "/" + k.seg + "/" + id
}

// obj is a resource read for an operation: found is false when it does not
// exist, and then only ARN is set (to the ARN it would have).
type obj struct {
	store.Resource
	tags  []store.Tag
	found bool
}

// target returns o as an authorization target.
func (o obj) target() target { return target{arn: o.ARN, tags: o.tags} }

// readInstance reads an instance and its tags.
func readInstance(tx store.ReadTx, c *call, id string) (obj, error) {
	o := obj{}
	r, err := tx.GetResource(c.acct, Service, "instance", id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		o.ARN = instanceARN(c.region, c.acct, id)
		o.ID = id
		return o, nil
	case err != nil:
		return o, err
	}
	o.Resource, o.found = r, true
	o.tags, err = tx.ListResourceTags(r.ARN)
	return o, err
}

// readChild reads a resource of kind k of the instance inst and its tags.
// A resource of another instance is not found.
func readChild(tx store.ReadTx, c *call, inst obj, k *kind, id string) (obj, error) {
	o := obj{}
	o.ARN, o.ID = childARN(inst.ARN, k, id), id
	if !inst.found || id == "" {
		return o, nil
	}
	r, err := tx.GetResource(c.acct, Service, k.typ, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return o, nil
	case err != nil:
		return o, err
	case r.ParentID != inst.ID:
		return o, nil
	}
	o.Resource, o.found = r, true
	o.tags, err = tx.ListResourceTags(r.ARN)
	return o, err
}

// instanceMissing is Connect's error for an instance that does not exist.
func instanceMissing(id string) error {
	return notFound("Instance %s not found; check the instance ID (ListInstances lists them).", id)
}

// childMissing is Connect's error for a resource that does not exist.
func childMissing(k *kind, id string) error {
	return notFound("%s %s not found in the instance; check the %s.", k.noun, id, k.label)
}

// tagsContext returns the request context of the tags a request sets:
// aws:RequestTag/KEY and aws:TagKeys, with connect:InstanceId when
// instanceID is not empty.
func tagsContext(instanceID string, tags map[string]string) map[string][]string {
	kv := make(map[string][]string, len(tags)+2)
	if instanceID != "" {
		kv["connect:InstanceId"] = []string{instanceID}
	}
	if len(tags) == 0 {
		return kv
	}
	keys := make([]string, 0, len(tags))
	for k, v := range tags {
		kv["aws:RequestTag/"+k] = []string{v}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	kv["aws:TagKeys"] = keys
	return kv
}

// instanceContext returns {connect:InstanceId: id}.
func instanceContext(id string) map[string][]string {
	return map[string][]string{"connect:InstanceId": {id}}
}

// checkTags validates the Tags member of a request as Connect does.
func checkTags(tags map[string]string) error {
	if len(tags) > store.MaxTagsPerEntity {
		return invalidParameter("Tags has %d tags; a resource can have at most %d.", len(tags), store.MaxTagsPerEntity)
	}
	for k, v := range tags {
		switch {
		case k == "" || len(k) > 128:
			return invalidParameter("Tag key %q must be 1 to 128 characters long.", k)
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			return invalidParameter("Tag key %q starts with the reserved prefix aws:; choose another key.", k)
		case len(v) > 256:
			return invalidParameter("The value of tag %q is longer than 256 characters.", k)
		}
	}
	return nil
}

// page reads maxResults and nextToken from the query string, with Connect's
// bounds (1 to max, default max).
func page(c *call, max int) (store.ListOptions, error) {
	n, ok := c.Query.Int("maxResults")
	if err := c.Query.Err(); err != nil {
		return store.ListOptions{}, err
	}
	if !ok {
		n = int32(max)
	}
	if n < 1 || int(n) > max {
		return store.ListOptions{}, invalidParameter("maxResults=%d is out of range; send a value from 1 to %d.", n, max)
	}
	return store.ListOptions{Marker: c.Query.String("nextToken"), MaxItems: int(n)}, nil
}

// listChildren lists one page of the resources of kind k in an instance.
func (h *handler) listChildren(ctx context.Context, c *call, inst string, k *kind, opt store.ListOptions) ([]store.Resource, string, error) {
	var rs []store.Resource
	var next string
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		rs, next, err = tx.ListResources(c.acct, Service, k.typ, store.ResourceFilter{Parent: inst, HasParent: true}, opt)
		return err
	})
	if errors.Is(err, store.ErrInvalidArgument) {
		return nil, "", invalidParameter("nextToken %q is not a token this list returned; send the NextToken of the previous page.", opt.Marker)
	}
	return rs, next, err
}

// decodeBody decodes the request body into v.
func decodeBody(c *call, v any) error {
	if err := c.Decode(v); err != nil {
		return err
	}
	return nil
}
