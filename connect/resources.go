package connect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/connect-iam/connect-iam/server/restjson"
	"github.com/connect-iam/connect-iam/store"
)

// spec describes the Create, Describe, List and Delete operations of a
// kind of instance resource whose attributes are the members of its
// Create request, stored as sent.
type spec struct {
	k                               *kind
	create, describe, list, delete_ string // operation names
	nameField                       string // the request member holding the name
	nameMax                         int
	unique                          bool     // names are unique in the instance
	required                        []string // other required request members
	// refs are request members naming other resources of the instance,
	// which must exist; those with auth are also authorization targets.
	refs []refSpec
	// outKey is the Describe output member ("Queue"); "" for a flat
	// output (GetTaskTemplate). idOut and arnOut name the ID and ARN
	// members of the Create output; descID and descArn those of the
	// described resource.
	outKey, idOut, arnOut, descID, descArn string
	listKey                                string
	listMax                                int
	flowType                               bool // connect:FlowType from the Type member
	check                                  func(in map[string]any) error
	summary                                func(s map[string]any, a map[string]any)
	// keep, when not nil, filters List results by the query parameters
	// of the request.
	keep func(c *call, r store.Resource, a map[string]any) bool
}

// refSpec is a request member that names resources: a dotted path whose
// segments ending in [] are lists.
type refSpec struct {
	path string
	k    *kind
	auth bool
}

var specs = []*spec{
	{k: kSecurityProfile, create: "CreateSecurityProfile", describe: "DescribeSecurityProfile", list: "ListSecurityProfiles", delete_: "DeleteSecurityProfile",
		nameField: "SecurityProfileName", nameMax: 127, unique: true,
		outKey: "SecurityProfile", idOut: "SecurityProfileId", arnOut: "SecurityProfileArn", descID: "Id", descArn: "Arn",
		listKey: "SecurityProfileSummaryList", listMax: 1000},
	{k: kHierarchyGroup, create: "CreateUserHierarchyGroup", describe: "DescribeUserHierarchyGroup", list: "ListUserHierarchyGroups", delete_: "DeleteUserHierarchyGroup",
		nameField: "Name", nameMax: 100, unique: true, refs: []refSpec{{"ParentGroupId", kHierarchyGroup, false}},
		outKey: "HierarchyGroup", idOut: "HierarchyGroupId", arnOut: "HierarchyGroupArn", descID: "Id", descArn: "Arn",
		listKey: "UserHierarchyGroupSummaryList", listMax: 1000},
	{k: kHours, create: "CreateHoursOfOperation", describe: "DescribeHoursOfOperation", list: "ListHoursOfOperations", delete_: "DeleteHoursOfOperation",
		nameField: "Name", nameMax: 127, unique: true, required: []string{"TimeZone", "Config"},
		outKey: "HoursOfOperation", idOut: "HoursOfOperationId", arnOut: "HoursOfOperationArn", descID: "HoursOfOperationId", descArn: "HoursOfOperationArn",
		listKey: "HoursOfOperationSummaryList", listMax: 1000, check: checkHours},
	{k: kQueue, create: "CreateQueue", describe: "DescribeQueue", list: "ListQueues", delete_: "DeleteQueue",
		nameField: "Name", nameMax: 127, unique: true, required: []string{"HoursOfOperationId"},
		refs:   []refSpec{{"HoursOfOperationId", kHours, true}, {"OutboundCallerConfig.OutboundFlowId", kFlow, true}, {"QuickConnectIds[]", kQuickConnect, true}},
		outKey: "Queue", idOut: "QueueId", arnOut: "QueueArn", descID: "QueueId", descArn: "QueueArn",
		listKey: "QueueSummaryList", listMax: 1000,
		summary: func(s, a map[string]any) { s["QueueType"] = "STANDARD" },
		keep:    queryFilter("queueTypes", func(r store.Resource, a map[string]any) string { return "STANDARD" })},
	{k: kRoutingProfile, create: "CreateRoutingProfile", describe: "DescribeRoutingProfile", list: "ListRoutingProfiles", delete_: "DeleteRoutingProfile",
		nameField: "Name", nameMax: 127, unique: true, required: []string{"Description", "DefaultOutboundQueueId", "MediaConcurrencies"},
		refs:   []refSpec{{"DefaultOutboundQueueId", kQueue, true}, {"QueueConfigs[].QueueReference.QueueId", kQueue, true}},
		outKey: "RoutingProfile", idOut: "RoutingProfileId", arnOut: "RoutingProfileArn", descID: "RoutingProfileId", descArn: "RoutingProfileArn",
		listKey: "RoutingProfileSummaryList", listMax: 1000, check: checkRoutingProfile},
	{k: kFlow, create: "CreateContactFlow", describe: "DescribeContactFlow", list: "ListContactFlows", delete_: "DeleteContactFlow",
		nameField: "Name", nameMax: 127, unique: true, required: []string{"Type", "Content"}, flowType: true,
		outKey: "ContactFlow", idOut: "ContactFlowId", arnOut: "ContactFlowArn", descID: "Id", descArn: "Arn",
		listKey: "ContactFlowSummaryList", listMax: 1000, check: checkFlow,
		keep: queryFilter("contactFlowTypes", func(r store.Resource, a map[string]any) string { return fmt.Sprint(a["Type"]) }),
		summary: func(s, a map[string]any) {
			s["ContactFlowType"] = a["Type"]
			s["ContactFlowState"] = "ACTIVE"
			s["ContactFlowStatus"] = "PUBLISHED"
		}},
	{k: kQuickConnect, create: "CreateQuickConnect", describe: "DescribeQuickConnect", list: "ListQuickConnects", delete_: "DeleteQuickConnect",
		nameField: "Name", nameMax: 127, unique: true, required: []string{"QuickConnectConfig"},
		refs: []refSpec{{"QuickConnectConfig.UserConfig.UserId", kUser, true}, {"QuickConnectConfig.UserConfig.ContactFlowId", kFlow, true},
			{"QuickConnectConfig.QueueConfig.QueueId", kQueue, true}, {"QuickConnectConfig.QueueConfig.ContactFlowId", kFlow, true}},
		outKey: "QuickConnect", idOut: "QuickConnectId", arnOut: "QuickConnectARN", descID: "QuickConnectId", descArn: "QuickConnectARN",
		listKey: "QuickConnectSummaryList", listMax: 1000, check: checkQuickConnect,
		keep: queryFilter("QuickConnectTypes", func(r store.Resource, a map[string]any) string {
			qc, _ := a["QuickConnectConfig"].(map[string]any)
			return fmt.Sprint(qc["QuickConnectType"])
		}),
		summary: func(s, a map[string]any) {
			if qc, ok := a["QuickConnectConfig"].(map[string]any); ok {
				s["QuickConnectType"] = qc["QuickConnectType"]
			}
		}},
	{k: kTaskTemplate, create: "CreateTaskTemplate", describe: "GetTaskTemplate", list: "ListTaskTemplates", delete_: "DeleteTaskTemplate",
		nameField: "Name", nameMax: 100, unique: true, refs: []refSpec{{"ContactFlowId", kFlow, false}},
		idOut: "Id", arnOut: "Arn", descID: "Id", descArn: "Arn",
		listKey: "TaskTemplates", listMax: 100, check: checkTaskTemplate,
		keep: func(c *call, r store.Resource, a map[string]any) bool {
			status, _ := a["Status"].(string)
			if status == "" {
				status = "ACTIVE"
			}
			name, want := c.Query.String("name"), c.Query.String("status")
			return (name == "" || strings.EqualFold(name, r.Name)) && (want == "" || want == status)
		},
		summary: func(s, a map[string]any) {
			s["Status"] = a["Status"]
			s["Description"] = a["Description"]
		}},
}

func init() {
	for _, s := range specs {
		s := s
		operations[s.create] = func(h *handler, ctx context.Context, c *call) (any, error) { return h.createGeneric(ctx, c, s) }
		operations[s.describe] = func(h *handler, ctx context.Context, c *call) (any, error) { return h.describeGeneric(ctx, c, s) }
		operations[s.list] = func(h *handler, ctx context.Context, c *call) (any, error) { return h.listGeneric(ctx, c, s) }
		operations[s.delete_] = func(h *handler, ctx context.Context, c *call) (any, error) { return h.deleteGeneric(ctx, c, s) }
	}
}

// valuesAt returns the strings at a dotted path of a decoded request
// ("QueueConfigs[].QueueReference.QueueId"). Values of other types are
// reported as an InvalidParameterException.
func valuesAt(v any, path string) ([]string, error) {
	if path == "" {
		switch x := v.(type) {
		case nil:
			return nil, nil
		case string:
			return []string{x}, nil
		default:
			return nil, fmt.Errorf("expected a string, got %T", v)
		}
	}
	head, rest, _ := strings.Cut(path, ".")
	list := strings.HasSuffix(head, "[]")
	head = strings.TrimSuffix(head, "[]")
	m, ok := v.(map[string]any)
	if !ok {
		if v == nil {
			return nil, nil
		}
		return nil, fmt.Errorf("expected an object, got %T", v)
	}
	next, ok := m[head]
	if !ok || next == nil {
		return nil, nil
	}
	if !list {
		return valuesAt(next, rest)
	}
	items, ok := next.([]any)
	if !ok {
		return nil, fmt.Errorf("%s: expected an array, got %T", head, next)
	}
	var out []string
	for _, it := range items {
		vs, err := valuesAt(it, rest)
		if err != nil {
			return nil, err
		}
		out = append(out, vs...)
	}
	return out, nil
}

// genericIn is a decoded Create request of a spec'd kind.
type genericIn struct {
	members map[string]any
	name    string
	tags    map[string]string
}

// decodeGeneric decodes and validates a Create request.
func decodeGeneric(c *call, s *spec) (genericIn, error) {
	var in genericIn
	if err := decodeBody(c, &in.members); err != nil {
		return in, err
	}
	if in.members == nil {
		in.members = map[string]any{}
	}
	if t, ok := in.members["Tags"]; ok {
		b, _ := json.Marshal(t)
		if err := json.Unmarshal(b, &in.tags); err != nil {
			return in, restjson.NewError(400, "SerializationException", "Tags must be an object of string values: "+err.Error())
		}
		delete(in.members, "Tags")
	}
	if err := checkTags(in.tags); err != nil {
		return in, err
	}
	name, ok := in.members[s.nameField].(string)
	switch {
	case !ok || name == "":
		return in, invalidParameter("%s is required and must be a non-empty string.", s.nameField)
	case len(name) > s.nameMax:
		return in, invalidParameter("%s %q is longer than %d characters.", s.nameField, name, s.nameMax)
	}
	in.name = name
	for _, r := range s.required {
		if v, ok := in.members[r]; !ok || v == nil {
			return in, invalidParameter("%s is required for %s.", r, s.create)
		}
	}
	if d, ok := in.members["Description"].(string); ok && len(d) > 250 {
		return in, invalidParameter("Description is longer than 250 characters.")
	}
	if s.check != nil {
		if err := s.check(in.members); err != nil {
			return in, err
		}
	}
	delete(in.members, "InstanceId")
	delete(in.members, "ClientToken")
	return in, nil
}

// readTargets reads the instance, the resource id of kind s.k and the
// resources the request's refs name.
func (h *handler) readTargets(ctx context.Context, c *call, s *spec, instID, id string, members map[string]any) (inst, self obj, refs []obj, authRefs []obj, err error) {
	type want struct {
		k    *kind
		id   string
		auth bool
	}
	var wants []want
	for _, r := range s.refs {
		ids, verr := valuesAt(members, r.path)
		if verr != nil {
			return inst, self, nil, nil, invalidParameter("%s: %v.", r.path, verr)
		}
		for _, v := range ids {
			wants = append(wants, want{r.k, v, r.auth})
		}
	}
	err = h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		if inst, err = readInstance(tx, c, instID); err != nil {
			return err
		}
		if self, err = readChild(tx, c, inst, s.k, id); err != nil {
			return err
		}
		for _, w := range wants {
			o, err := readChild(tx, c, inst, w.k, w.id)
			if err != nil {
				return err
			}
			o.Type = w.k.typ
			refs = append(refs, o)
			if w.auth {
				authRefs = append(authRefs, o)
			}
		}
		return nil
	})
	return inst, self, refs, authRefs, err
}

func (h *handler) createGeneric(ctx context.Context, c *call, s *spec) (any, error) {
	instID := c.Labels["InstanceId"]
	in, err := decodeGeneric(c, s)
	if err != nil {
		return nil, err
	}
	id := newID()
	inst, self, refs, authRefs, err := h.readTargets(ctx, c, s, instID, id, in.members)
	if err != nil {
		return nil, err
	}
	kv := tagsContext(instID, in.tags)
	if s.flowType {
		kv["connect:FlowType"] = []string{in.members["Type"].(string)}
	}
	targets := []target{self.target()}
	for _, o := range authRefs {
		targets = append(targets, o.target())
	}
	if err := h.authorize(ctx, c, "connect:"+s.create, kv, targets...); err != nil {
		return nil, err
	}
	if err := h.authorizeTagOnCreate(ctx, c, self.ARN, in.tags); err != nil {
		return nil, err
	}
	if !inst.found {
		return nil, instanceMissing(instID)
	}
	for _, o := range refs {
		if !o.found {
			return nil, childMissing(kindOf(o.Type), o.ID)
		}
	}
	in.members["LastModifiedRegion"] = c.region
	raw, err := json.Marshal(in.members)
	if err != nil {
		return nil, err
	}
	now := h.Now().UTC()
	r := store.Resource{AccountID: c.acct, Service: Service, Type: s.k.typ, ID: id, ParentID: instID, ARN: self.ARN,
		Name: in.name, Attributes: raw, Created: now, Updated: now}
	if s.unique {
		r.NameKey = strings.ToLower(in.name)
	}
	err = h.Store.Update(ctx, func(tx store.Tx) error {
		if _, err := tx.CreateResource(r); err != nil {
			if errors.Is(err, store.ErrAlreadyExists) {
				return duplicate("%s %s already exists in instance %s; choose another %s.", s.k.noun, in.name, instID, s.nameField)
			}
			return err
		}
		if len(in.tags) > 0 {
			return tx.TagResource(r.ARN, store.TagsFromMap(in.tags))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return map[string]string{s.idOut: id, s.arnOut: r.ARN}, nil
}

// queryFilter returns a List filter that keeps the resources whose value
// (as field returns it) is one of the values of the list query parameter
// param, or every resource when param is absent.
func queryFilter(param string, field func(r store.Resource, a map[string]any) string) func(*call, store.Resource, map[string]any) bool {
	return func(c *call, r store.Resource, a map[string]any) bool {
		want := c.Query.Strings(param)
		return len(want) == 0 || slices.Contains(want, field(r, a))
	}
}

// kindOf returns the kind whose store type is typ.
func kindOf(typ string) *kind {
	for _, k := range instanceKinds {
		if k.typ == typ {
			return k
		}
	}
	return &kind{typ: typ, seg: typ, noun: typ, label: "Id"}
}

// readSelf reads the resource named by the request's labels and authorizes
// action on it with connect:InstanceId (and connect:FlowType for flows).
func (h *handler) readSelf(ctx context.Context, c *call, s *spec, action string) (obj, error) {
	instID, id := c.Labels["InstanceId"], c.Labels[s.k.label]
	inst, self, _, _, err := h.readTargets(ctx, c, &spec{k: s.k}, instID, id, nil)
	if err != nil {
		return self, err
	}
	kv := instanceContext(instID)
	if s.flowType && self.found {
		var a map[string]any
		if err := self.Resource.DecodeAttributes(&a); err != nil {
			return self, err
		}
		if t, ok := a["Type"].(string); ok {
			kv["connect:FlowType"] = []string{t}
		}
	}
	if err := h.authorize(ctx, c, action, kv, self.target()); err != nil {
		return self, err
	}
	if !inst.found {
		return self, instanceMissing(instID)
	}
	if !self.found {
		return self, childMissing(s.k, id)
	}
	return self, nil
}

// describeOf returns the described form of a stored resource.
func describeOf(s *spec, r store.Resource, tags []store.Tag) (map[string]any, error) {
	out := map[string]any{}
	if err := r.DecodeAttributes(&out); err != nil {
		return nil, err
	}
	out[s.descID] = r.ID
	out[s.descArn] = r.ARN
	if t := store.TagMap(tags); t != nil {
		out["Tags"] = t
	}
	out["LastModifiedTime"] = restjson.Time(r.Updated)
	switch s.k {
	case kRoutingProfile, kTaskTemplate:
		out["InstanceId"] = r.ParentID
	}
	if _, ok := out["Status"]; !ok && s.k == kQueue {
		out["Status"] = "ENABLED" // queues are created enabled
	}
	if s.k == kTaskTemplate {
		out["CreatedTime"] = restjson.Time(r.Created)
		if _, ok := out["Status"]; !ok {
			out["Status"] = "ACTIVE"
		}
	}
	return out, nil
}

func (h *handler) describeGeneric(ctx context.Context, c *call, s *spec) (any, error) {
	self, err := h.readSelf(ctx, c, s, "connect:"+s.describe)
	if err != nil {
		return nil, err
	}
	d, err := describeOf(s, self.Resource, self.tags)
	if err != nil {
		return nil, err
	}
	if s.outKey == "" {
		return d, nil
	}
	return map[string]any{s.outKey: d}, nil
}

// listTarget is the resource a List operation of s is authorized on: the
// wildcard ARN of the kind in the instance (instance/ID/queue/*) when the
// service authorization reference makes the action take a wildcard-*
// resource type, else the instance.
func (h *handler) listTarget(s *spec, inst obj) target {
	if a, ok := h.Catalog.Action("connect:" + s.list); ok {
		for _, r := range a.Resources {
			if r.Required && strings.HasPrefix(r.Type.Name, "wildcard-") {
				return target{arn: childARN(inst.ARN, s.k, "*")}
			}
		}
	}
	return inst.target()
}

func (h *handler) listGeneric(ctx context.Context, c *call, s *spec) (any, error) {
	opt, err := page(c, s.listMax)
	if err != nil {
		return nil, err
	}
	instID := c.Labels["InstanceId"]
	var inst obj
	if err := h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		inst, err = readInstance(tx, c, instID)
		return err
	}); err != nil {
		return nil, err
	}
	if err := h.authorize(ctx, c, "connect:"+s.list, instanceContext(instID), h.listTarget(s, inst)); err != nil {
		return nil, err
	}
	if !inst.found {
		return nil, instanceMissing(instID)
	}
	rs, next, err := h.listChildren(ctx, c, instID, s.k, opt)
	if err != nil {
		return nil, err
	}
	list := []map[string]any{}
	for _, r := range rs {
		a := map[string]any{}
		if err := r.DecodeAttributes(&a); err != nil {
			return nil, err
		}
		if s.keep != nil && !s.keep(c, r, a) {
			continue
		}
		sum := map[string]any{"Id": r.ID, "Arn": r.ARN, "Name": r.Name, "LastModifiedTime": restjson.Time(r.Updated),
			"LastModifiedRegion": a["LastModifiedRegion"]}
		if s.summary != nil {
			s.summary(sum, a)
		}
		list = append(list, sum)
	}
	out := map[string]any{s.listKey: list}
	if next != "" {
		out["NextToken"] = next
	}
	return out, nil
}

func (h *handler) deleteGeneric(ctx context.Context, c *call, s *spec) (any, error) {
	self, err := h.readSelf(ctx, c, s, "connect:"+s.delete_)
	if err != nil {
		return nil, err
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		if err := checkUnused(tx, c.acct, self.Resource); err != nil {
			return err
		}
		return tx.DeleteResource(c.acct, Service, s.k.typ, self.ID)
	})
}

// checkUnused refuses to delete a security profile, routing profile or
// hierarchy group that a user of the instance still uses, and a queue
// that a routing profile still uses, with ResourceInUseException.
func checkUnused(tx store.Tx, acct string, r store.Resource) error {
	var usedBy func(a map[string]any) bool
	owner := kUser
	switch r.Type {
	case kSecurityProfile.typ:
		usedBy = func(a map[string]any) bool {
			ids, _ := valuesAt(a, "SecurityProfileIds[]")
			return slices.Contains(ids, r.ID)
		}
	case kRoutingProfile.typ:
		usedBy = func(a map[string]any) bool { return a["RoutingProfileId"] == r.ID }
	case kHierarchyGroup.typ:
		usedBy = func(a map[string]any) bool { return a["HierarchyGroupId"] == r.ID }
	case kQueue.typ:
		owner = kRoutingProfile
		usedBy = func(a map[string]any) bool {
			ids, _ := valuesAt(a, "QueueConfigs[].QueueReference.QueueId")
			return a["DefaultOutboundQueueId"] == r.ID || slices.Contains(ids, r.ID)
		}
	default:
		return nil
	}
	marker := ""
	for {
		rs, next, err := tx.ListResources(acct, Service, owner.typ, store.ResourceFilter{Parent: r.ParentID, HasParent: true}, store.ListOptions{Marker: marker, MaxItems: store.MaxMaxItems})
		if err != nil {
			return err
		}
		for _, o := range rs {
			a := map[string]any{}
			if err := o.DecodeAttributes(&a); err != nil {
				return err
			}
			if usedBy(a) {
				return inUse("%s %s is in use by %s %s (%s); remove it from there first.", kindOf(r.Type).noun, r.ID, strings.ToLower(owner.noun), o.Name, o.ID)
			}
		}
		if next == "" {
			return nil
		}
		marker = next
	}
}

// flowTypes are the contact flow types of CreateContactFlow.
var flowTypes = []string{"CONTACT_FLOW", "CUSTOMER_QUEUE", "CUSTOMER_HOLD", "CUSTOMER_WHISPER", "AGENT_HOLD", "AGENT_WHISPER",
	"OUTBOUND_WHISPER", "AGENT_TRANSFER", "QUEUE_TRANSFER", "CAMPAIGN"}

func checkFlow(in map[string]any) error {
	t, _ := in["Type"].(string)
	if !slices.Contains(flowTypes, t) {
		return invalidParameter("Type %q is not a contact flow type; use one of %s.", t, strings.Join(flowTypes, ", "))
	}
	content, ok := in["Content"].(string)
	if !ok {
		return invalidParameter("Content must be a string holding the flow in the Amazon Connect Flow language (JSON).")
	}
	var flow struct {
		Version     string
		StartAction string
		Actions     []json.RawMessage
	}
	if err := json.Unmarshal([]byte(content), &flow); err != nil {
		return &restjson.Error{Code: "InvalidContactFlowException", Status: 400,
			Message: "The flow is not valid: Content is not a JSON flow definition: " + err.Error() + ".",
			Fields:  map[string]any{"problems": []map[string]string{{"message": "Content is not valid JSON: " + err.Error()}}}}
	}
	if flow.Version == "" || flow.StartAction == "" {
		return &restjson.Error{Code: "InvalidContactFlowException", Status: 400,
			Message: "The flow is not valid: Content needs Version and StartAction.",
			Fields:  map[string]any{"problems": []map[string]string{{"message": "Content needs Version and StartAction"}}}}
	}
	return nil
}

func checkHours(in map[string]any) error {
	cfg, ok := in["Config"].([]any)
	if !ok || len(cfg) == 0 || len(cfg) > 100 {
		return invalidParameter("Config must list 1 to 100 HoursOfOperationConfig entries (Day, StartTime, EndTime).")
	}
	days := []string{"SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY"}
	for i, e := range cfg {
		m, _ := e.(map[string]any)
		d, _ := m["Day"].(string)
		if !slices.Contains(days, d) {
			return invalidParameter("Config[%d].Day %q is not a day; use one of %s.", i, d, strings.Join(days, ", "))
		}
		for _, f := range []string{"StartTime", "EndTime"} {
			t, _ := m[f].(map[string]any)
			hh, _ := t["Hours"].(float64)
			mm, _ := t["Minutes"].(float64)
			if t == nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 {
				return invalidParameter("Config[%d].%s must be {Hours: 0-23, Minutes: 0-59}.", i, f)
			}
		}
	}
	if tz, _ := in["TimeZone"].(string); tz == "" {
		return invalidParameter("TimeZone is required, for example America/New_York.")
	}
	return nil
}

func checkRoutingProfile(in map[string]any) error {
	mc, ok := in["MediaConcurrencies"].([]any)
	if !ok || len(mc) == 0 {
		return invalidParameter("MediaConcurrencies must list at least one channel (VOICE, CHAT, TASK or EMAIL) with its Concurrency.")
	}
	for i, e := range mc {
		m, _ := e.(map[string]any)
		ch, _ := m["Channel"].(string)
		if !slices.Contains([]string{"VOICE", "CHAT", "TASK", "EMAIL"}, ch) {
			return invalidParameter("MediaConcurrencies[%d].Channel %q is not valid; use VOICE, CHAT, TASK or EMAIL.", i, ch)
		}
		n, _ := m["Concurrency"].(float64)
		if n < 1 || n > 10 || (ch == "VOICE" && n != 1) {
			return invalidParameter("MediaConcurrencies[%d].Concurrency %v is out of range for %s (VOICE 1, others 1 to 10).", i, n, ch)
		}
	}
	if qc, ok := in["QueueConfigs"].([]any); ok && len(qc) > 10 {
		return invalidParameter("QueueConfigs has %d entries; at most 10 may be given when creating a routing profile.", len(qc))
	}
	return nil
}

func checkQuickConnect(in map[string]any) error {
	qc, _ := in["QuickConnectConfig"].(map[string]any)
	t, _ := qc["QuickConnectType"].(string)
	need := map[string]string{"USER": "UserConfig", "QUEUE": "QueueConfig", "PHONE_NUMBER": "PhoneConfig"}[t]
	if need == "" {
		return invalidParameter("QuickConnectConfig.QuickConnectType %q is not valid; use USER, QUEUE or PHONE_NUMBER.", t)
	}
	if qc[need] == nil {
		return invalidParameter("QuickConnectConfig.%s is required for QuickConnectType %s.", need, t)
	}
	if t == "PHONE_NUMBER" {
		pc, _ := qc["PhoneConfig"].(map[string]any)
		if p, _ := pc["PhoneNumber"].(string); !rePhone.MatchString(p) {
			return invalidParameter("QuickConnectConfig.PhoneConfig.PhoneNumber %q is not an E.164 phone number such as +12065550100.", p)
		}
	}
	return nil
}

func checkTaskTemplate(in map[string]any) error {
	if st, ok := in["Status"].(string); ok && st != "ACTIVE" && st != "INACTIVE" {
		return invalidParameter("Status %q is not valid; use ACTIVE or INACTIVE.", st)
	}
	if f, ok := in["Fields"].([]any); ok && len(f) > 50 {
		return invalidParameter("Fields has %d entries; a task template has at most 50 fields.", len(f))
	}
	return nil
}
