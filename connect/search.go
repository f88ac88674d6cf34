package connect

import (
	"context"
	"sort"
	"strings"

	"github.com/connect-iam/connect-iam/store"
)

// This file is the one implementation of Connect's Search* operations
// (SearchUsers, SearchQueues): their criteria trees, tag filters, the
// connect:SearchTag/* authorization context and nextToken paging. Each
// operation supplies only what it can match on and how it prints a result.

// searchCriteria is a UserSearchCriteria or QueueSearchCriteria: string
// conditions combined with nested And and Or lists.
type searchCriteria struct {
	OrConditions    []searchCriteria
	AndConditions   []searchCriteria
	StringCondition *stringCondition
	// QueueTypeCondition is SearchQueues' only: every queue stored here is
	// STANDARD.
	QueueTypeCondition string
}

// searchInput is the request body every Search* operation shares.
type searchInput struct {
	InstanceID   string `json:"InstanceId"`
	NextToken    string
	MaxResults   *int32
	SearchFilter *struct {
		TagFilter *tagFilter
	}
	SearchCriteria *searchCriteria
}

// searchable describes one Search* operation.
type searchable struct {
	action string // "connect:SearchUsers"
	kind   *kind
	// fields are the StringCondition field names, as Connect documents
	// them; foldFields makes them case-insensitive (SearchQueues).
	fields     []string
	foldFields bool
	queueType  bool // QueueTypeCondition is allowed
	// field returns a resource's value of a field named as in fields.
	field func(name string, r store.Resource, a map[string]any) string
}

// fieldName returns the documented spelling of name, or "" when the
// operation cannot search it.
func (s *searchable) fieldName(name string) string {
	for _, f := range s.fields {
		if f == name || s.foldFields && strings.EqualFold(f, name) {
			return f
		}
	}
	return ""
}

// check validates criteria for s.
func (cr *searchCriteria) check(s *searchable) error {
	if cr == nil {
		return nil
	}
	if sc := cr.StringCondition; sc != nil {
		if s.fieldName(sc.FieldName) == "" {
			return invalidParameter("SearchCriteria.StringCondition.FieldName %q is not searchable; use %s.", sc.FieldName, orList(s.fields))
		}
		switch sc.ComparisonType {
		case "STARTS_WITH", "CONTAINS", "EXACT":
		default:
			return invalidParameter("SearchCriteria.StringCondition.ComparisonType %q is not valid; use STARTS_WITH, CONTAINS or EXACT.", sc.ComparisonType)
		}
	}
	if t := cr.QueueTypeCondition; t != "" && (!s.queueType || t != "STANDARD") {
		if !s.queueType {
			return invalidParameter("SearchCriteria.QueueTypeCondition is only valid for SearchQueues; remove it.")
		}
		return invalidParameter("SearchCriteria.QueueTypeCondition %q is not valid; use STANDARD.", t)
	}
	for _, subs := range [][]searchCriteria{cr.OrConditions, cr.AndConditions} {
		for i := range subs {
			if err := subs[i].check(s); err != nil {
				return err
			}
		}
	}
	return nil
}

// matches reports whether a resource matches the criteria. String
// comparisons ignore case, as Connect's search does.
func (cr *searchCriteria) matches(s *searchable, r store.Resource, a map[string]any) bool {
	if cr == nil {
		return true
	}
	if sc := cr.StringCondition; sc != nil {
		f := strings.ToLower(s.field(s.fieldName(sc.FieldName), r, a))
		v := strings.ToLower(sc.Value)
		var ok bool
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
		if !cr.AndConditions[i].matches(s, r, a) {
			return false
		}
	}
	if len(cr.OrConditions) == 0 {
		return true
	}
	for i := range cr.OrConditions {
		if cr.OrConditions[i].matches(s, r, a) {
			return true
		}
	}
	return false
}

// searchHit is one matching resource with its tags.
type searchHit struct {
	r    store.Resource
	tags []store.Tag
}

// search runs a Search* operation: it validates the request, reads the
// instance's resources of s.kind, authorizes s.action on the instance with
// connect:InstanceId and connect:SearchTag/KEY for every tag condition of
// the filter (as the service authorization reference lists), and returns
// the page of matches in ID order, the next token and the total count.
func (h *handler) search(ctx context.Context, c *call, s *searchable) (page []searchHit, next string, total int64, err error) {
	var in searchInput
	if err := decodeBody(c, &in); err != nil {
		return nil, "", 0, err
	}
	if in.InstanceID == "" {
		return nil, "", 0, invalidParameter("InstanceId is required.")
	}
	max := 100
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 500 {
			return nil, "", 0, invalidParameter("MaxResults=%d is out of range; send a value from 1 to 500.", *in.MaxResults)
		}
		max = int(*in.MaxResults)
	}
	if err := in.SearchCriteria.check(s); err != nil {
		return nil, "", 0, err
	}
	var tf *tagFilter
	if in.SearchFilter != nil {
		tf = in.SearchFilter.TagFilter
	}
	kv := instanceContext(in.InstanceID)
	for _, tc := range tf.conditions() {
		if tc.TagKey == "" {
			return nil, "", 0, invalidParameter("SearchFilter.TagFilter has a condition without TagKey.")
		}
		kv["connect:SearchTag/"+tc.TagKey] = append(kv["connect:SearchTag/"+tc.TagKey], tc.TagValue)
	}
	var inst obj
	var hits []searchHit
	err = h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		if inst, err = readInstance(tx, c, in.InstanceID); err != nil || !inst.found {
			return err
		}
		marker := ""
		for {
			rs, nextMarker, err := tx.ListResources(c.acct, Service, s.kind.typ, store.ResourceFilter{Parent: inst.ID, HasParent: true},
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
				hits = append(hits, searchHit{r, t})
			}
			if nextMarker == "" {
				return nil
			}
			marker = nextMarker
		}
	})
	if err != nil {
		return nil, "", 0, err
	}
	if err := h.authorize(ctx, c, s.action, kv, inst.target()); err != nil {
		return nil, "", 0, err
	}
	if !inst.found {
		return nil, "", 0, instanceMissing(in.InstanceID)
	}
	sort.Slice(hits, func(i, j int) bool { return hits[i].r.ID < hits[j].r.ID })
	for _, hit := range hits {
		a := map[string]any{}
		if err := hit.r.DecodeAttributes(&a); err != nil {
			return nil, "", 0, err
		}
		if !tf.matches(store.TagMap(hit.tags)) || !in.SearchCriteria.matches(s, hit.r, a) {
			continue
		}
		total++
		if len(page) == max {
			next = page[max-1].r.ID
			continue
		}
		page = append(page, hit)
	}
	return page, next, total, nil
}

// orList returns "a, b or c".
func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// attrString returns the string attribute key of a, or "".
func attrString(a map[string]any, key string) string {
	s, _ := a[key].(string)
	return s
}

var userSearch = &searchable{
	action: "connect:SearchUsers",
	kind:   kUser,
	fields: []string{"Username", "FirstName", "LastName", "ResourceId", "RoutingProfileId", "HierarchyGroupId"},
	field: func(name string, r store.Resource, a map[string]any) string {
		switch name {
		case "ResourceId":
			return r.ID
		case "FirstName", "LastName":
			info, _ := a["IdentityInfo"].(map[string]any)
			return attrString(info, name)
		}
		return attrString(a, name)
	},
}

var queueSearch = &searchable{
	action:     "connect:SearchQueues",
	kind:       kQueue,
	fields:     []string{"name", "description", "resourceID"},
	foldFields: true,
	queueType:  true,
	field: func(name string, r store.Resource, a map[string]any) string {
		switch name {
		case "name":
			return r.Name
		case "resourceID":
			return r.ID
		}
		return attrString(a, "Description")
	},
}

// searchUsers serves SearchUsers.
func (h *handler) searchUsers(ctx context.Context, c *call) (any, error) {
	page, next, total, err := h.search(ctx, c, userSearch)
	if err != nil {
		return nil, err
	}
	out := struct {
		Users                 []userOut `json:"Users"`
		NextToken             string    `json:"NextToken,omitempty"`
		ApproximateTotalCount int64     `json:"ApproximateTotalCount"`
	}{Users: []userOut{}, NextToken: next, ApproximateTotalCount: total}
	for _, hit := range page {
		u, err := userOf(hit.r, hit.tags)
		if err != nil {
			return nil, err
		}
		out.Users = append(out.Users, u)
	}
	return out, nil
}

// searchQueues serves SearchQueues.
func (h *handler) searchQueues(ctx context.Context, c *call) (any, error) {
	page, next, total, err := h.search(ctx, c, queueSearch)
	if err != nil {
		return nil, err
	}
	out := struct {
		Queues                []map[string]any `json:"Queues"`
		NextToken             string           `json:"NextToken,omitempty"`
		ApproximateTotalCount int64            `json:"ApproximateTotalCount"`
	}{Queues: []map[string]any{}, NextToken: next, ApproximateTotalCount: total}
	qs := specByKind(kQueue)
	for _, hit := range page {
		d, err := describeOf(qs, hit.r, hit.tags)
		if err != nil {
			return nil, err
		}
		out.Queues = append(out.Queues, d)
	}
	return out, nil
}
