package iam

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/connect-iam/connect-iam/arn"
	"github.com/connect-iam/connect-iam/policy"
	"github.com/connect-iam/connect-iam/server/awsquery"
	"github.com/connect-iam/connect-iam/store"
)

func init() {
	operations["GetContextKeysForCustomPolicy"] = (*handler).getContextKeysForCustomPolicy
	operations["GetContextKeysForPrincipalPolicy"] = (*handler).getContextKeysForPrincipalPolicy
	operations["GenerateServiceLastAccessedDetails"] = (*handler).generateServiceLastAccessedDetails
	operations["GetServiceLastAccessedDetails"] = (*handler).getServiceLastAccessedDetails
	operations["GetServiceLastAccessedDetailsWithEntities"] = (*handler).getServiceLastAccessedDetailsWithEntities
	operations["ListPoliciesGrantingServiceAccess"] = (*handler).listPoliciesGrantingServiceAccess
}

// contextKeys returns the condition keys the documents use, sorted and
// without duplicates (compared regardless of case, first spelling kept).
func contextKeys(docs []string) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for _, d := range docs {
		p, err := policy.Parse([]byte(d))
		if err != nil {
			return nil, malformedPolicy("Syntax errors in policy: " + err.Error())
		}
		for _, s := range p.Statements {
			for _, c := range s.Conditions {
				k := strings.ToLower(c.Key.Text)
				if !seen[k] {
					seen[k] = true
					out = append(out, c.Key.Text)
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i]) < strings.ToLower(out[j]) })
	return out, nil
}

type xContextKeys struct {
	ContextKeyNames []string `xml:"ContextKeyNames>member"`
}

func (h *handler) getContextKeysForCustomPolicy(ctx context.Context, c *call) (any, error) {
	docs := c.p.List("PolicyInputList")
	if err := h.authorize(ctx, c, "iam:GetContextKeysForCustomPolicy", "*", nil); err != nil {
		return nil, err
	}
	for i := range docs {
		docs[i] = decodeDocument(docs[i])
	}
	keys, err := contextKeys(docs)
	if err != nil {
		return nil, err
	}
	return xContextKeys{keys}, nil
}

func (h *handler) getContextKeysForPrincipalPolicy(ctx context.Context, c *call) (any, error) {
	source := c.p.String("PolicySourceArn")
	docs := c.p.List("PolicyInputList")
	if err := h.authorize(ctx, c, "iam:GetContextKeysForPrincipalPolicy", source, nil); err != nil {
		return nil, err
	}
	kind, entityName, err := parseEntityARN(source, c.acct)
	if err != nil {
		return nil, err
	}
	err = h.Store.View(ctx, func(tx store.ReadTx) error {
		own, _, err := h.principalPolicies(tx, c.acct, kind, entityName)
		for _, p := range own {
			docs = append(docs, p.doc)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	for i := range docs {
		docs[i] = decodeDocument(docs[i])
	}
	keys, err := contextKeys(docs)
	if err != nil {
		return nil, err
	}
	return xContextKeys{keys}, nil
}

// Service last accessed details: IAM's access advisor. A job is computed
// when it is generated, from the entity's policies (the services they
// allow) and the audit log (when a principal of the entity last called a
// service), and stored as a record until read.

// jobAttrs are the stored fields of a last-accessed job.
type jobAttrs struct {
	ARN         string          `json:"arn"`
	Granularity string          `json:"granularity"`
	Created     time.Time       `json:"created"`
	Completed   time.Time       `json:"completed"`
	Services    []serviceAccess `json:"services"`
}

// serviceAccess is one service in a job's result.
type serviceAccess struct {
	Namespace string         `json:"ns"`
	Name      string         `json:"name"`
	Last      time.Time      `json:"last,omitzero"`
	Entity    string         `json:"entity,omitempty"`
	Region    string         `json:"region,omitempty"`
	Entities  []entityAccess `json:"entities,omitempty"`
	Actions   []actionAccess `json:"actions,omitempty"`
}

type entityAccess struct {
	ARN  string    `json:"arn"`
	Last time.Time `json:"last"`
}

type actionAccess struct {
	Action string    `json:"action"`
	Last   time.Time `json:"last,omitzero"`
	Entity string    `json:"entity,omitempty"`
	Region string    `json:"region,omitempty"`
}

// allowedNamespaces returns the service namespaces the documents' Allow
// statements name (every service of the catalog for "*").
func (h *handler) allowedNamespaces(docs []string) map[string]bool {
	out := map[string]bool{}
	for _, d := range docs {
		p, err := policy.Parse([]byte(d))
		if err != nil {
			continue
		}
		for _, s := range p.Statements {
			if s.Effect != policy.Allow || s.Action == nil {
				continue
			}
			if s.Action.Not {
				for _, p := range h.Catalog.Prefixes() {
					out[p] = true
				}
				continue
			}
			for _, a := range s.Action.Values {
				ns, _, _ := strings.Cut(a.Text, ":")
				if ns == "*" || a.Text == "*" {
					for _, p := range h.Catalog.Prefixes() {
						out[p] = true
					}
					continue
				}
				out[strings.ToLower(ns)] = true
			}
		}
	}
	return out
}

// principalsOf returns a predicate for the audit principals whose calls
// count for an entity: the user itself; a role's sessions; a group's
// members; for a policy, every principal of the entities it is attached
// to.
func principalsOf(tx store.ReadTx, acct string, kind store.EntityKind, name string) (func(string) bool, error) {
	users := map[string]bool{}
	roles := map[string]bool{}
	add := func(k store.EntityKind, n string) error {
		switch k {
		case store.KindUser:
			users[strings.ToLower(n)] = true
		case store.KindRole:
			roles[strings.ToLower(n)] = true
		case store.KindGroup:
			members, _, err := tx.ListGroupMembers(acct, n, store.ListOptions{MaxItems: store.MaxMaxItems})
			if err != nil {
				return err
			}
			for _, u := range members {
				users[strings.ToLower(u.Name)] = true
			}
		}
		return nil
	}
	if kind == store.KindPolicy {
		refs, err := tx.ListPolicyAttachments(acct, name)
		if err != nil {
			return nil, err
		}
		for _, r := range refs {
			if err := add(r.Kind, r.Name); err != nil {
				return nil, err
			}
		}
	} else if err := add(kind, name); err != nil {
		return nil, err
	}
	return func(principal string) bool {
		a, err := arn.Parse(principal)
		if err != nil || a.AccountID != acct {
			return false
		}
		typ, rest, _ := strings.Cut(a.Resource, "/")
		switch {
		case a.Service == "iam" && typ == "user":
			return users[strings.ToLower(rest[strings.LastIndexByte(rest, '/')+1:])]
		case a.Service == "sts" && typ == "assumed-role":
			role, _, _ := strings.Cut(rest, "/")
			return roles[strings.ToLower(role)]
		}
		return false
	}, nil
}

// entityOf is the entity ARN a principal's call is attributed to (a
// session's role, a user).
func entityOf(acct, principal string) string {
	a, err := arn.Parse(principal)
	if err != nil {
		return principal
	}
	if typ, rest, _ := strings.Cut(a.Resource, "/"); a.Service == "sts" && typ == "assumed-role" {
		role, _, _ := strings.Cut(rest, "/")
		return entityARN(acct, "role", "/", role)
	}
	return principal
}

// sourceNamespace returns the service namespace of an event source
// ("connect.amazonaws.com" is "connect").
func sourceNamespace(source string) string {
	ns, _, _ := strings.Cut(source, ".")
	return ns
}

func (h *handler) generateServiceLastAccessedDetails(ctx context.Context, c *call) (any, error) {
	target := c.p.String("Arn")
	granularity := c.p.String("Granularity")
	if granularity == "" {
		granularity = "SERVICE_LEVEL"
	}
	if err := h.authorize(ctx, c, "iam:GenerateServiceLastAccessedDetails", target, nil); err != nil {
		return nil, err
	}
	kind, entityName, err := parseEntityARN(target, c.acct)
	if err != nil {
		if !strings.Contains(target, ":policy/") {
			return nil, invalidInput("Invalid ARN %s: Arn must be a user, group, role or policy of account %s.", target, c.acct)
		}
		kind, entityName = store.KindPolicy, target
	}
	now := h.Now().UTC()
	job := jobAttrs{ARN: target, Granularity: granularity, Created: now}
	id := newUUID()
	err = h.Store.Update(ctx, func(tx store.Tx) error {
		var docs []string
		if kind == store.KindPolicy {
			sp, err := managedSimPolicy(tx, c.acct, entityName)
			if err != nil {
				return err
			}
			docs = []string{sp.doc}
		} else {
			own, _, err := h.principalPolicies(tx, c.acct, kind, entityName)
			if err != nil {
				return err
			}
			for _, p := range own {
				docs = append(docs, p.doc)
			}
		}
		namespaces := h.allowedNamespaces(docs)
		counts, err := principalsOf(tx, c.acct, kind, entityName)
		if err != nil {
			return err
		}
		byNS := map[string]*serviceAccess{}
		for ns := range namespaces {
			name := ns
			if n, ok := h.Catalog.ServiceName(ns); ok && n != "" {
				name = n
			}
			byNS[ns] = &serviceAccess{Namespace: ns, Name: name}
		}
		// AWS's tracking period is 400 days.
		q := store.EventQuery{AccountID: c.acct, Start: now.AddDate(0, 0, -400), End: now.Add(time.Second)}
		opt := store.ListOptions{MaxItems: store.MaxMaxItems}
		for {
			evs, next, err := tx.QueryEvents(q, opt)
			if err != nil {
				return err
			}
			for _, ev := range evs {
				sa := byNS[sourceNamespace(ev.Source)]
				if sa == nil || ev.PrincipalARN == "" || !counts(ev.PrincipalARN) || ev.Decision != "" && ev.Decision != "Allow" || ev.ErrorCode == "AccessDenied" {
					continue
				}
				ent := entityOf(c.acct, ev.PrincipalARN)
				region := "" // the audit log does not record the signing region
				if ev.Time.After(sa.Last) {
					sa.Last, sa.Entity, sa.Region = ev.Time, ent, region
				}
				found := false
				for i := range sa.Entities {
					if sa.Entities[i].ARN == ent {
						found = true
						if ev.Time.After(sa.Entities[i].Last) {
							sa.Entities[i].Last = ev.Time
						}
					}
				}
				if !found {
					sa.Entities = append(sa.Entities, entityAccess{ARN: ent, Last: ev.Time})
				}
				if granularity == "ACTION_LEVEL" {
					action := sa.Namespace + ":" + ev.Name
					found := false
					for i := range sa.Actions {
						if sa.Actions[i].Action == action {
							found = true
							if ev.Time.After(sa.Actions[i].Last) {
								sa.Actions[i] = actionAccess{Action: action, Last: ev.Time, Entity: ent, Region: region}
							}
						}
					}
					if !found {
						sa.Actions = append(sa.Actions, actionAccess{Action: action, Last: ev.Time, Entity: ent, Region: region})
					}
				}
			}
			if next == "" {
				break
			}
			opt.Marker = next
		}
		for _, sa := range byNS {
			job.Services = append(job.Services, *sa)
		}
		sort.Slice(job.Services, func(i, j int) bool { return job.Services[i].Namespace < job.Services[j].Namespace })
		job.Completed = h.Now().UTC()
		_, err = putRecord(tx, store.Resource{AccountID: c.acct, Service: "iam", Type: recReportJob, ID: "last-accessed/" + id, Name: id,
			ARN: internalARN(c.acct, recReportJob, "last-accessed/"+id), Created: now}, job)
		return err
	})
	if err != nil {
		return nil, err
	}
	return struct {
		JobID string `xml:"JobId"`
	}{id}, nil
}

// readJob reads a last-accessed job of the caller's account.
func (h *handler) readJob(ctx context.Context, c *call, action string) (jobAttrs, error) {
	id := c.p.String("JobId")
	if err := h.authorize(ctx, c, action, "*", nil); err != nil {
		return jobAttrs{}, err
	}
	var job jobAttrs
	var found bool
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		_, found, err = getRecord(tx, c.acct, recReportJob, "last-accessed/"+id, &job)
		return err
	})
	if err == nil && !found {
		err = noSuchEntity("No service last accessed job with ID %s exists; GenerateServiceLastAccessedDetails returns the IDs.", id)
	}
	return job, err
}

type xTrackedAction struct {
	ActionName         string         `xml:"ActionName"`
	LastAccessedEntity string         `xml:"LastAccessedEntity,omitempty"`
	LastAccessedRegion string         `xml:"LastAccessedRegion,omitempty"`
	LastAccessedTime   *awsquery.Time `xml:"LastAccessedTime,omitempty"`
}

type xServiceLastAccessed struct {
	ServiceName                string           `xml:"ServiceName"`
	ServiceNamespace           string           `xml:"ServiceNamespace"`
	LastAuthenticated          *awsquery.Time   `xml:"LastAuthenticated,omitempty"`
	LastAuthenticatedEntity    string           `xml:"LastAuthenticatedEntity,omitempty"`
	LastAuthenticatedRegion    string           `xml:"LastAuthenticatedRegion,omitempty"`
	TotalAuthenticatedEntities int              `xml:"TotalAuthenticatedEntities"`
	TrackedActionsLastAccessed []xTrackedAction `xml:"TrackedActionsLastAccessed>member,omitempty"`
}

func (h *handler) getServiceLastAccessedDetails(ctx context.Context, c *call) (any, error) {
	opt := pageOpts(c)
	job, err := h.readJob(ctx, c, "iam:GetServiceLastAccessedDetails")
	if err != nil {
		return nil, err
	}
	all := make([]xServiceLastAccessed, len(job.Services))
	for i, s := range job.Services {
		x := xServiceLastAccessed{ServiceName: s.Name, ServiceNamespace: s.Namespace, LastAuthenticated: ptime(s.Last),
			LastAuthenticatedEntity: s.Entity, LastAuthenticatedRegion: s.Region, TotalAuthenticatedEntities: len(s.Entities)}
		for _, a := range s.Actions {
			x.TrackedActionsLastAccessed = append(x.TrackedActionsLastAccessed, xTrackedAction{ActionName: a.Action,
				LastAccessedEntity: a.Entity, LastAccessedRegion: a.Region, LastAccessedTime: ptime(a.Last)})
		}
		all[i] = x
	}
	list, next, err := pageSlice(all, opt)
	if err != nil {
		return nil, err
	}
	return struct {
		JobStatus            string                 `xml:"JobStatus"`
		JobType              string                 `xml:"JobType"`
		JobCreationDate      awsquery.Time          `xml:"JobCreationDate"`
		ServicesLastAccessed []xServiceLastAccessed `xml:"ServicesLastAccessed>member"`
		JobCompletionDate    awsquery.Time          `xml:"JobCompletionDate"`
		page
	}{"COMPLETED", job.Granularity, awsquery.Time(job.Created), list, awsquery.Time(job.Completed), newPage(next)}, nil
}

func (h *handler) getServiceLastAccessedDetailsWithEntities(ctx context.Context, c *call) (any, error) {
	ns := c.p.String("ServiceNamespace")
	opt := pageOpts(c)
	job, err := h.readJob(ctx, c, "iam:GetServiceLastAccessedDetailsWithEntities")
	if err != nil {
		return nil, err
	}
	type xEntityInfo struct {
		Arn  string `xml:"Arn"`
		Name string `xml:"Name"`
		Type string `xml:"Type"`
		ID   string `xml:"Id"`
		Path string `xml:"Path,omitempty"`
	}
	type xEntityDetails struct {
		EntityInfo        xEntityInfo    `xml:"EntityInfo"`
		LastAuthenticated *awsquery.Time `xml:"LastAuthenticated,omitempty"`
	}
	var all []xEntityDetails
	err = h.Store.View(ctx, func(tx store.ReadTx) error {
		for _, s := range job.Services {
			if s.Namespace != ns {
				continue
			}
			for _, e := range s.Entities {
				kind, name, err := parseEntityARN(e.ARN, c.acct)
				if err != nil {
					continue
				}
				ent, found, err := readEntity(tx, c.acct, kind, name)
				if err != nil {
					return err
				}
				if !found {
					continue
				}
				all = append(all, xEntityDetails{xEntityInfo{Arn: ent.arn, Name: ent.name, Type: strings.ToUpper(string(kind)), ID: ent.id, Path: ent.path},
					ptime(e.Last)})
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	list, next, err := pageSlice(all, opt)
	if err != nil {
		return nil, err
	}
	return struct {
		JobStatus         string           `xml:"JobStatus"`
		JobCreationDate   awsquery.Time    `xml:"JobCreationDate"`
		JobCompletionDate awsquery.Time    `xml:"JobCompletionDate"`
		EntityDetailsList []xEntityDetails `xml:"EntityDetailsList>member"`
		page
	}{"COMPLETED", awsquery.Time(job.Created), awsquery.Time(job.Completed), list, newPage(next)}, nil
}

// listPoliciesGrantingServiceAccess lists, per requested namespace, the
// policies of an entity (and of a user's groups) that allow an action of
// that service.
func (h *handler) listPoliciesGrantingServiceAccess(ctx context.Context, c *call) (any, error) {
	target := c.p.String("Arn")
	namespaces := c.p.List("ServiceNamespaces")
	if err := h.authorize(ctx, c, "iam:ListPoliciesGrantingServiceAccess", target, nil); err != nil {
		return nil, err
	}
	kind, entityName, err := parseEntityARN(target, c.acct)
	if err != nil {
		return nil, err
	}
	type xPolicyGranting struct {
		PolicyName string `xml:"PolicyName"`
		PolicyType string `xml:"PolicyType"`
		PolicyArn  string `xml:"PolicyArn,omitempty"`
		EntityType string `xml:"EntityType,omitempty"`
		EntityName string `xml:"EntityName,omitempty"`
	}
	type xGranting struct {
		ServiceNamespace string            `xml:"ServiceNamespace"`
		Policies         []xPolicyGranting `xml:"Policies>member"`
	}
	var out []xGranting
	err = h.Store.View(ctx, func(tx store.ReadTx) error {
		own, _, err := h.principalPolicies(tx, c.acct, kind, entityName)
		if err != nil {
			return err
		}
		for _, ns := range namespaces {
			g := xGranting{ServiceNamespace: ns, Policies: []xPolicyGranting{}}
			for _, p := range own {
				if !h.allowedNamespaces([]string{p.doc})[strings.ToLower(ns)] {
					continue
				}
				switch p.sourceType {
				case "aws-managed", "user-managed":
					g.Policies = append(g.Policies, xPolicyGranting{PolicyName: p.id[strings.LastIndexByte(p.id, '/')+1:], PolicyType: "MANAGED", PolicyArn: p.id})
				default:
					g.Policies = append(g.Policies, xPolicyGranting{PolicyName: p.id, PolicyType: "INLINE",
						EntityType: strings.ToUpper(p.sourceType), EntityName: p.owner})
				}
			}
			out = append(out, g)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return struct {
		PoliciesGrantingServiceAccess []xGranting `xml:"PoliciesGrantingServiceAccess>member"`
		page
	}{out, newPage("")}, nil
}
