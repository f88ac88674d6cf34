package connect

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strings"

	"github.com/connect-iam/connect-iam/server/restjson"
	"github.com/connect-iam/connect-iam/store"
)

func init() {
	operations["CreateInstance"] = (*handler).createInstance
	operations["DescribeInstance"] = (*handler).describeInstance
	operations["ListInstances"] = (*handler).listInstances
	operations["DeleteInstance"] = (*handler).deleteInstance
}

// Service-linked role of Amazon Connect.
const (
	slrService   = "connect.amazonaws.com"
	slrPath      = "/aws-service-role/" + slrService + "/"
	slrPrefix    = "AWSServiceRoleForAmazonConnect_"
	slrPolicyARN = "arn:aws:iam::aws:policy/aws-service-role/AmazonConnectServiceLinkedRolePolicy"
	slrTrust     = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"` + slrService + `"},"Action":"sts:AssumeRole"}]}`
)

// instanceAttrs are the stored attributes of an instance.
type instanceAttrs struct {
	IdentityManagementType string
	InstanceAlias          string `json:",omitempty"`
	DirectoryID            string `json:",omitempty"`
	InboundCallsEnabled    bool
	OutboundCallsEnabled   bool
	ServiceRole            string
}

// instanceOut is an instance in DescribeInstance and ListInstances.
type instanceOut struct {
	ID                     string            `json:"Id"`
	Arn                    string            `json:"Arn"`
	IdentityManagementType string            `json:"IdentityManagementType"`
	InstanceAlias          string            `json:"InstanceAlias,omitempty"`
	CreatedTime            restjson.Time     `json:"CreatedTime"`
	ServiceRole            string            `json:"ServiceRole,omitempty"`
	InstanceStatus         string            `json:"InstanceStatus"`
	InboundCallsEnabled    bool              `json:"InboundCallsEnabled"`
	OutboundCallsEnabled   bool              `json:"OutboundCallsEnabled"`
	InstanceAccessURL      string            `json:"InstanceAccessUrl,omitempty"`
	Tags                   map[string]string `json:"Tags,omitempty"`
}

var reAlias = regexp.MustCompile(`^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]{0,60}[a-zA-Z0-9])$`)

func (h *handler) createInstance(ctx context.Context, c *call) (any, error) {
	var in struct {
		ClientToken            string
		IdentityManagementType string
		InstanceAlias          string
		DirectoryID            string `json:"DirectoryId"`
		InboundCallsEnabled    *bool
		OutboundCallsEnabled   *bool
		Tags                   map[string]string
	}
	if err := decodeBody(c, &in); err != nil {
		return nil, err
	}
	switch in.IdentityManagementType {
	case "SAML", "CONNECT_MANAGED":
	case "EXISTING_DIRECTORY":
		if in.DirectoryID == "" {
			return nil, invalidRequest("IdentityManagementType EXISTING_DIRECTORY requires DirectoryId; give the ID of the directory to use.")
		}
	case "":
		return nil, invalidRequest("IdentityManagementType is required; use SAML, CONNECT_MANAGED or EXISTING_DIRECTORY.")
	default:
		return nil, invalidRequest("IdentityManagementType %q is not valid; use SAML, CONNECT_MANAGED or EXISTING_DIRECTORY.", in.IdentityManagementType)
	}
	if in.InboundCallsEnabled == nil || in.OutboundCallsEnabled == nil {
		return nil, invalidRequest("InboundCallsEnabled and OutboundCallsEnabled are required; send true or false for each.")
	}
	if in.IdentityManagementType != "EXISTING_DIRECTORY" && in.InstanceAlias == "" {
		return nil, invalidRequest("InstanceAlias is required for IdentityManagementType %s; give the instance an alias.", in.IdentityManagementType)
	}
	if in.InstanceAlias != "" && !reAlias.MatchString(in.InstanceAlias) {
		return nil, invalidRequest("InstanceAlias %q is not valid: use 1 to 62 letters, digits and hyphens, starting and ending with a letter or digit.", in.InstanceAlias)
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	if err := h.authorize(ctx, c, "connect:CreateInstance", tagsContext("", in.Tags), target{arn: "*"}); err != nil {
		return nil, err
	}
	// With an existing directory, Amazon Connect looks the directory up
	// and authorizes itself as an application of it, as the caller: the
	// caller needs ds:DescribeDirectories and ds:AuthorizeApplication on
	// the directory too.
	if in.IdentityManagementType == "EXISTING_DIRECTORY" {
		if err := h.authorize(ctx, c, "ds:DescribeDirectories", nil, target{arn: "*"}); err != nil {
			return nil, err
		}
		dir := "arn:aws:ds:" + c.region + ":" + c.acct + ":directory/" + in.DirectoryID
		if err := h.authorize(ctx, c, "ds:AuthorizeApplication", nil, target{arn: dir}); err != nil {
			return nil, err
		}
	}
	// The instance uses the account's Amazon Connect service-linked role,
	// which is created with the first instance when the caller may.
	var role store.Role
	var haveRole bool
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		role, haveRole, err = findServiceLinkedRole(tx, c.acct)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !haveRole {
		name := slrPrefix + strings.ToUpper(store.NewID("", 20))
		role = store.Role{AccountID: c.acct, ID: h.NewRoleID(), Path: slrPath, Name: name,
			ARN:                      "arn:aws:iam::" + c.acct + ":role" + slrPath + name,
			AssumeRolePolicyDocument: slrTrust, Description: "Allows Amazon Connect to access AWS resources on your behalf.",
			MaxSessionDuration: 3600e9, ServiceLinked: true, Created: h.Now().UTC()}
		kv := map[string][]string{"iam:AWSServiceName": {slrService}}
		if err := h.authorize(ctx, c, "iam:CreateServiceLinkedRole", kv, target{arn: role.ARN}); err != nil {
			return nil, err
		}
	}
	id := newID()
	if err := h.authorizeTagOnCreate(ctx, c, instanceARN(c.region, c.acct, id), in.Tags); err != nil {
		return nil, err
	}
	now := h.Now().UTC()
	a := instanceAttrs{IdentityManagementType: in.IdentityManagementType, InstanceAlias: in.InstanceAlias, DirectoryID: in.DirectoryID,
		InboundCallsEnabled: *in.InboundCallsEnabled, OutboundCallsEnabled: *in.OutboundCallsEnabled, ServiceRole: role.ARN}
	raw, err := json.Marshal(a)
	if err != nil {
		return nil, err
	}
	r := store.Resource{AccountID: c.acct, Service: Service, Type: "instance", ID: id, ARN: instanceARN(c.region, c.acct, id),
		Name: in.InstanceAlias, Attributes: raw, Created: now, Updated: now}
	defaults, err := defaultResources(c.acct, c.region, id, r.ARN, now)
	if err != nil {
		return nil, err
	}
	if in.InstanceAlias != "" {
		r.NameKey = strings.ToLower(in.InstanceAlias)
	}
	err = h.Store.Update(ctx, func(tx store.Tx) error {
		if !haveRole {
			if err := tx.CreateRole(role); err != nil {
				return err
			}
			if err := tx.AttachPolicy(c.acct, store.EntityRef{Kind: store.KindRole, Name: role.Name}, slrPolicyARN); err != nil {
				return err
			}
		}
		if _, err := tx.CreateResource(r); err != nil {
			if errors.Is(err, store.ErrAlreadyExists) {
				return duplicate("An instance with the alias %s already exists in this account; choose another InstanceAlias.", in.InstanceAlias)
			}
			return err
		}
		for _, d := range defaults {
			if _, err := tx.CreateResource(d); err != nil {
				return err
			}
		}
		if len(in.Tags) > 0 {
			return tx.TagResource(r.ARN, store.TagsFromMap(in.Tags))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return struct {
		ID  string `json:"Id"`
		Arn string `json:"Arn"`
	}{id, r.ARN}, nil
}

// findServiceLinkedRole returns the account's Amazon Connect
// service-linked role, if there is one.
func findServiceLinkedRole(tx store.ReadTx, acct string) (store.Role, bool, error) {
	roles, _, err := tx.ListRoles(acct, slrPath, store.ListOptions{MaxItems: store.MaxMaxItems})
	if err != nil {
		return store.Role{}, false, err
	}
	for _, r := range roles {
		if r.ServiceLinked && strings.HasPrefix(r.Name, slrPrefix) {
			return r, true, nil
		}
	}
	return store.Role{}, false, nil
}

// instanceOf converts a stored instance.
func instanceOf(r store.Resource, tags []store.Tag) (instanceOut, error) {
	var a instanceAttrs
	if err := r.DecodeAttributes(&a); err != nil {
		return instanceOut{}, err
	}
	out := instanceOut{ID: r.ID, Arn: r.ARN, IdentityManagementType: a.IdentityManagementType, InstanceAlias: a.InstanceAlias,
		CreatedTime: restjson.Time(r.Created), ServiceRole: a.ServiceRole, InstanceStatus: "ACTIVE",
		InboundCallsEnabled: a.InboundCallsEnabled, OutboundCallsEnabled: a.OutboundCallsEnabled, Tags: store.TagMap(tags)}
	if a.InstanceAlias != "" {
		out.InstanceAccessURL = "https://" + a.InstanceAlias + ".my.connect.aws"
	}
	return out, nil
}

// instanceFor reads the instance named by the InstanceId label and
// authorizes action on it with connect:InstanceId plus kv.
func (h *handler) instanceFor(ctx context.Context, c *call, action string) (obj, error) {
	id := c.Labels["InstanceId"]
	var inst obj
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		inst, err = readInstance(tx, c, id)
		return err
	})
	if err != nil {
		return inst, err
	}
	if err := h.authorize(ctx, c, action, instanceContext(id), inst.target()); err != nil {
		return inst, err
	}
	if !inst.found {
		return inst, instanceMissing(id)
	}
	return inst, nil
}

func (h *handler) describeInstance(ctx context.Context, c *call) (any, error) {
	inst, err := h.instanceFor(ctx, c, "connect:DescribeInstance")
	if err != nil {
		return nil, err
	}
	out, err := instanceOf(inst.Resource, inst.tags)
	if err != nil {
		return nil, err
	}
	return struct {
		Instance instanceOut `json:"Instance"`
	}{out}, nil
}

func (h *handler) listInstances(ctx context.Context, c *call) (any, error) {
	opt, err := page(c, 10)
	if err != nil {
		return nil, err
	}
	if err := h.authorize(ctx, c, "connect:ListInstances", nil, target{arn: "*"}); err != nil {
		return nil, err
	}
	var rs []store.Resource
	var next string
	err = h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		rs, next, err = tx.ListResources(c.acct, Service, "instance", store.ResourceFilter{HasParent: true}, opt)
		return err
	})
	if errors.Is(err, store.ErrInvalidArgument) {
		return nil, invalidParameter("nextToken %q is not a token this list returned; send the NextToken of the previous page.", opt.Marker)
	}
	if err != nil {
		return nil, err
	}
	out := struct {
		InstanceSummaryList []instanceOut `json:"InstanceSummaryList"`
		NextToken           string        `json:"NextToken,omitempty"`
	}{InstanceSummaryList: []instanceOut{}, NextToken: next}
	for _, r := range rs {
		s, err := instanceOf(r, nil)
		if err != nil {
			return nil, err
		}
		out.InstanceSummaryList = append(out.InstanceSummaryList, s)
	}
	return out, nil
}

func (h *handler) deleteInstance(ctx context.Context, c *call) (any, error) {
	inst, err := h.instanceFor(ctx, c, "connect:DeleteInstance")
	if err != nil {
		return nil, err
	}
	var a instanceAttrs
	if err := inst.Resource.DecodeAttributes(&a); err != nil {
		return nil, err
	}
	err = h.Store.Update(ctx, func(tx store.Tx) error {
		for _, k := range instanceKinds {
			if err := deleteChildren(tx, c.acct, inst.ID, k.typ); err != nil {
				return err
			}
		}
		if err := deleteChildren(tx, c.acct, inst.ID, phoneType); err != nil {
			return err
		}
		if err := tx.DeleteResource(c.acct, Service, "instance", inst.ID); err != nil {
			return err
		}
		return releaseServiceLinkedRole(tx, c.acct, a.ServiceRole)
	})
	return nil, err
}

// deleteChildren deletes every resource of type typ in an instance.
func deleteChildren(tx store.Tx, acct, inst, typ string) error {
	for {
		rs, _, err := tx.ListResources(acct, Service, typ, store.ResourceFilter{Parent: inst, HasParent: true}, store.ListOptions{MaxItems: store.MaxMaxItems})
		if err != nil {
			return err
		}
		if len(rs) == 0 {
			return nil
		}
		for _, r := range rs {
			if err := tx.DeleteResource(acct, Service, typ, r.ID); err != nil {
				return err
			}
		}
	}
}

// releaseServiceLinkedRole deletes the service-linked role roleARN when
// no instance of the account uses it any more.
// InstancesUsingRole returns the ARNs of the account's Amazon Connect
// instances whose service-linked role is roleARN. IAM's
// DeleteServiceLinkedRole refuses to delete a role that instances still use.
func InstancesUsingRole(tx store.ReadTx, acct, roleARN string) ([]string, error) {
	var arns []string
	marker := ""
	for {
		rs, next, err := tx.ListResources(acct, Service, "instance", store.ResourceFilter{HasParent: true}, store.ListOptions{Marker: marker, MaxItems: store.MaxMaxItems})
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			var a instanceAttrs
			if err := r.DecodeAttributes(&a); err != nil {
				return nil, err
			}
			if a.ServiceRole == roleARN {
				arns = append(arns, r.ARN)
			}
		}
		if next == "" {
			return arns, nil
		}
		marker = next
	}
}

func releaseServiceLinkedRole(tx store.Tx, acct, roleARN string) error {
	if roleARN == "" {
		return nil
	}
	if users, err := InstancesUsingRole(tx, acct, roleARN); err != nil || len(users) > 0 {
		return err
	}
	name := roleARN[strings.LastIndexByte(roleARN, '/')+1:]
	ref := store.EntityRef{Kind: store.KindRole, Name: name}
	if err := tx.DetachPolicy(acct, ref, slrPolicyARN); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if err := tx.DeleteRole(acct, name); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return nil
}
