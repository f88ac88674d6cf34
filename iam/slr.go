package iam

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/connect-iam/connect-iam/store"
)

func init() {
	operations["CreateServiceLinkedRole"] = (*handler).createServiceLinkedRole
	operations["DeleteServiceLinkedRole"] = (*handler).deleteServiceLinkedRole
	operations["GetServiceLinkedRoleDeletionStatus"] = (*handler).getServiceLinkedRoleDeletionStatus
}

// linkedService is a service whose service-linked role connect-iam can
// create.
type linkedService struct {
	rolePrefix string // role name, or its prefix when suffixed
	policyARN  string // the role's permissions policy; "" for none
	// suffixed services (Amazon Connect) create one role per use, named
	// PREFIX_SUFFIX, with a random suffix unless CustomSuffix is given.
	suffixed bool
	// anySuffix: CustomSuffix is accepted (joined with "_").
	anySuffix bool
}

// The service-linked roles mined from the AWS managed policies by
// iam/internal/slrgen (scripts/update-service-linked-roles.sh).
//
//go:embed data/service-linked-roles.json
var slrTable []byte

// linkedServices returns every service principal CreateServiceLinkedRole
// accepts: the generated table, overridden by connectServices.
var linkedServices = sync.OnceValue(func() map[string]linkedService {
	var t struct {
		Roles []struct {
			Service      string `json:"service"`
			RoleName     string `json:"roleName"`
			CustomSuffix bool   `json:"customSuffix"`
			PolicyARN    string `json:"policyArn"`
		} `json:"roles"`
	}
	if err := json.Unmarshal(slrTable, &t); err != nil {
		// The embedded file is generated and checked by the tests.
		panic("iam: data/service-linked-roles.json: " + err.Error() + "; rerun scripts/update-service-linked-roles.sh")
	}
	out := make(map[string]linkedService, len(t.Roles)+len(connectServices))
	for _, r := range t.Roles {
		ls := linkedService{rolePrefix: r.RoleName, anySuffix: r.CustomSuffix}
		// Attach the mined policy only when the built-in list serves it,
		// so that the role never points at a policy GetPolicy cannot find.
		if lookupManaged(r.PolicyARN) != nil {
			ls.policyARN = r.PolicyARN
		}
		out[r.Service] = ls
	}
	for s, ls := range connectServices {
		out[s] = ls
	}
	return out
})

// connectServices are Amazon Connect and the services it uses, whose
// behaviour predates the generated table and is kept as it was: Connect's
// role is suffixed (random suffix by default), all four accept a custom
// suffix, and two are not named by the managed policies at all.
var connectServices = map[string]linkedService{
	"connect.amazonaws.com": {"AWSServiceRoleForAmazonConnect",
		"arn:aws:iam::aws:policy/aws-service-role/AmazonConnectServiceLinkedRolePolicy", true, true},
	"connect-campaigns.amazonaws.com": {"AWSServiceRoleForConnectCampaigns",
		"arn:aws:iam::aws:policy/aws-service-role/AmazonConnectCampaignsServiceLinkedRolePolicy", false, true},
	"app-integrations.amazonaws.com": {"AWSServiceRoleForAppIntegrations",
		"arn:aws:iam::aws:policy/aws-service-role/AppIntegrationsServiceLinkedRolePolicy", false, true},
	"profile.amazonaws.com": {"AWSServiceRoleForProfile",
		"arn:aws:iam::aws:policy/aws-service-role/CustomerProfilesServiceLinkedRolePolicy", false, true},
}

var reSuffix = regexp.MustCompile(`[\w+=,.@-]+`)

// serviceTrustPolicy is the trust policy of a service-linked role.
func serviceTrustPolicy(service string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"` + service + `"},"Action":"sts:AssumeRole"}]}`
}

func (h *handler) createServiceLinkedRole(ctx context.Context, c *call) (any, error) {
	service := c.p.Required("AWSServiceName")
	c.p.Length("AWSServiceName", 1, 128)
	c.p.Pattern("AWSServiceName", reName)
	c.p.Length("Description", 0, 1000)
	desc := c.p.String("Description")
	c.p.Length("CustomSuffix", 1, 64)
	c.p.Pattern("CustomSuffix", reSuffix)
	suffix := c.p.String("CustomSuffix")
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	ls, ok := linkedServices()[service]
	roleName := ls.rolePrefix
	switch {
	case ls.suffixed && suffix == "":
		suffix = strings.ToUpper(store.NewID("", 20))
		fallthrough
	case suffix != "":
		roleName += "_" + suffix
	}
	p := "/aws-service-role/" + service + "/"
	arn := entityARN(c.acct, "role", p, roleName)
	if !ok {
		arn = entityARN(c.acct, "role", p, "*")
	}
	kv := map[string][]string{"iam:AWSServiceName": {service}}
	if err := h.authorize(ctx, c, "iam:CreateServiceLinkedRole", arn, kv); err != nil {
		return nil, err
	}
	if !ok {
		hint := fmt.Sprintf("the %d known ones are listed in iam/data/service-linked-roles.json", len(linkedServices()))
		for s := range linkedServices() {
			if strings.EqualFold(s, service) {
				hint = "did you mean " + s + "?"
				break
			}
		}
		return nil, invalidInput("The service %s has no service-linked role that connect-iam can create; service principals are case-sensitive: %s",
			service, hint)
	}
	if suffix != "" && !ls.anySuffix {
		return nil, invalidInput("Custom suffix is not allowed for %s: its service-linked role is always named %s.", service, ls.rolePrefix)
	}
	r := store.Role{AccountID: c.acct, ID: NewUniqueID("AROA"), Path: p, Name: roleName, ARN: arn,
		AssumeRolePolicyDocument: serviceTrustPolicy(service), Description: desc, MaxSessionDuration: time.Hour,
		ServiceLinked: true, Created: h.Now().UTC()}
	err := h.Store.Update(ctx, func(tx store.Tx) error {
		if err := tx.CreateRole(r); err != nil {
			if errors.Is(err, store.ErrAlreadyExists) {
				return invalidInput("Service role name %s has been taken in this account, please try a different suffix.", roleName)
			}
			return err
		}
		if ls.policyARN == "" {
			return nil // no built-in permissions policy: the role has none
		}
		return tx.AttachPolicy(c.acct, store.EntityRef{Kind: store.KindRole, Name: roleName}, ls.policyARN)
	})
	if err != nil {
		return nil, err
	}
	return struct {
		Role xRole `xml:"Role"`
	}{roleXML(r, nil, false)}, nil
}

func (h *handler) deleteServiceLinkedRole(ctx context.Context, c *call) (any, error) {
	roleName := name(c, "RoleName", 64)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	e, err := h.authEntity(ctx, c, "iam:DeleteServiceLinkedRole", store.KindRole, roleName, nil)
	if err != nil {
		return nil, err
	}
	if !e.serviceLinked {
		return nil, invalidInput("Role %s is not a service-linked role; delete it with DeleteRole.", e.name)
	}
	now := h.Now().UTC()
	task := store.DeletionTask{AccountID: c.acct, ID: "task" + e.path + e.name + "/" + strings.ToLower(store.NewID("", 32)),
		RoleName: e.name, Status: store.DeletionInProgress, Created: now, Updated: now}
	if err := h.Store.Update(ctx, func(tx store.Tx) error { return tx.CreateDeletionTask(task) }); err != nil {
		return nil, err
	}
	// The deletion runs as its own transaction after the task is recorded;
	// its outcome is what GetServiceLinkedRoleDeletionStatus reports.
	var reason string
	delErr := h.Store.Update(ctx, func(tx store.Tx) error {
		n, err := tx.CountActiveSessions(c.acct, e.arn, h.Now())
		if err != nil {
			return err
		}
		if n > 0 {
			reason = fmt.Sprintf("The role %s has %d active sessions; service-linked role sessions cannot be revoked, so wait until they expire.", e.name, n)
			return errBlocked
		}
		if h.RoleInUse != nil {
			users, err := h.RoleInUse(tx, c.acct, e.arn)
			if err != nil {
				return err
			}
			if len(users) > 0 {
				reason = fmt.Sprintf("The role %s is in use by %s; delete those resources first.", e.name, strings.Join(users, ", "))
				return errBlocked
			}
		}
		ref := store.EntityRef{Kind: store.KindRole, Name: e.name}
		arns, _, err := tx.ListAttachedPolicies(c.acct, ref, store.ListOptions{MaxItems: store.MaxMaxItems})
		if err != nil {
			return err
		}
		for _, a := range arns {
			if err := tx.DetachPolicy(c.acct, ref, a); err != nil {
				return err
			}
		}
		inline, _, err := tx.ListInlinePolicies(c.acct, ref, store.ListOptions{MaxItems: store.MaxMaxItems})
		if err != nil {
			return err
		}
		for _, p := range inline {
			if err := tx.DeleteInlinePolicy(c.acct, ref, p.Name); err != nil {
				return err
			}
		}
		return tx.DeleteRole(c.acct, e.name)
	})
	status := store.DeletionSucceeded
	switch {
	case errors.Is(delErr, errBlocked):
		status = store.DeletionFailed
	case delErr != nil:
		status, reason = store.DeletionFailed, "The role could not be deleted because of an internal failure; call DeleteServiceLinkedRole again."
	}
	if err := h.Store.Update(ctx, func(tx store.Tx) error {
		return tx.UpdateDeletionTask(c.acct, task.ID, status, reason)
	}); err != nil {
		return nil, err
	}
	if delErr != nil && !errors.Is(delErr, errBlocked) {
		return nil, delErr
	}
	return struct {
		DeletionTaskID string `xml:"DeletionTaskId"`
	}{task.ID}, nil
}

// errBlocked stops a service-linked role deletion that is not allowed yet.
var errBlocked = errors.New("iam: service-linked role deletion blocked")

func (h *handler) getServiceLinkedRoleDeletionStatus(ctx context.Context, c *call) (any, error) {
	id := c.p.Required("DeletionTaskId")
	c.p.Length("DeletionTaskId", 1, 1000)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	// task/aws-service-role/SERVICE/ROLE/UUID: the role's ARN is the
	// middle part.
	roleARN := "arn:" + partition + ":iam::" + c.acct + ":role/*"
	if rest, ok := strings.CutPrefix(id, "task/"); ok {
		if i := strings.LastIndexByte(rest, '/'); i > 0 {
			roleARN = "arn:" + partition + ":iam::" + c.acct + ":role/" + rest[:i]
		}
	}
	if err := h.authorize(ctx, c, "iam:GetServiceLinkedRoleDeletionStatus", roleARN, nil); err != nil {
		return nil, err
	}
	var t store.DeletionTask
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		t, err = tx.GetDeletionTask(c.acct, id)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, noSuchEntity("Deletion task %s does not exist.", id)
	}
	if err != nil {
		return nil, err
	}
	type reasonXML struct {
		Reason string `xml:"Reason"`
	}
	out := struct {
		Status string     `xml:"Status"`
		Reason *reasonXML `xml:"Reason,omitempty"`
	}{Status: string(t.Status)}
	if t.Reason != "" {
		out.Reason = &reasonXML{t.Reason}
	}
	return out, nil
}
