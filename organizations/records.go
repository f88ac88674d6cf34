package organizations

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/store"
)

// The records are store.Resource records of service "organizations":
//
//	organization  under the management account, ID o-...
//	root          under the management account, ID r-...
//	ou            under the management account, ID ou-..., ParentID the parent
//	account       under the management account, ID the account, ParentID the parent
//	policy        under the management account, ID p-..., NameKey TYPE/name
//	membership    under each member account (and the management account), ID
//	              the account: which organization the account is in
//	handshake     under the invited account, ID h-...
const svc = authz.OrganizationsService

// Resource types of the records.
const (
	typeOrg        = "organization"
	typeRoot       = "root"
	typeOU         = "ou"
	typeAccount    = "account"
	typePolicy     = "policy"
	typeMembership = "membership"
	typeHandshake  = "handshake"
)

// Policy types.
const (
	SCP = "SERVICE_CONTROL_POLICY"
	RCP = "RESOURCE_CONTROL_POLICY"
)

// The AWS managed policies, attached wherever their type is enabled.
const (
	FullAWSAccessID    = "p-FullAWSAccess"
	RCPFullAWSAccessID = "p-RCPFullAWSAccess"
	fullAWSAccessDoc   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	rcpFullAccessDoc   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`
)

// orgAttrs are an organization's attributes.
type orgAttrs struct {
	FeatureSet   string   `json:"featureSet"`
	Management   string   `json:"management"`
	RootID       string   `json:"rootId"`
	EnabledTypes []string `json:"enabledTypes,omitempty"`
}

// nodeAttrs are the attributes of a root, OU or account: the policies
// attached to it.
type nodeAttrs struct {
	Policies []string `json:"policies,omitempty"`
	// Accounts only:
	Email        string    `json:"email,omitempty"`
	JoinedMethod string    `json:"joinedMethod,omitempty"`
	Joined       time.Time `json:"joined,omitzero"`
}

// policyAttrs are a customer managed policy's attributes.
type policyAttrs struct {
	Type        string `json:"type"`
	Description string `json:"description"`
	Content     string `json:"content"`
}

// membershipAttrs say which organization an account is in.
type membershipAttrs struct {
	OrganizationID string `json:"organizationId"`
	Management     string `json:"management"`
}

// handshakeAttrs are an invitation's attributes.
type handshakeAttrs struct {
	OrganizationID string    `json:"organizationId"`
	Management     string    `json:"management"`
	Target         string    `json:"target"`
	State          string    `json:"state"`
	Requested      time.Time `json:"requested"`
	Expires        time.Time `json:"expires"`
	Notes          string    `json:"notes,omitempty"`
}

// org is an organization as the operations see it.
type org struct {
	res   store.Resource
	attrs orgAttrs
}

func (o *org) id() string         { return o.res.ID }
func (o *org) management() string { return o.attrs.Management }
func (o *org) enabled(t string) bool {
	return slices.Contains(o.attrs.EnabledTypes, t)
}

// node is a root, OU or account record.
type node struct {
	res   store.Resource
	attrs nodeAttrs
}

// ARNs, as AWS Organizations writes them.
func orgARN(mgmt, orgID string) string {
	return "arn:aws:organizations::" + mgmt + ":organization/" + orgID
}
func rootARN(mgmt, orgID, rootID string) string {
	return "arn:aws:organizations::" + mgmt + ":root/" + orgID + "/" + rootID
}
func ouARN(mgmt, orgID, ouID string) string {
	return "arn:aws:organizations::" + mgmt + ":ou/" + orgID + "/" + ouID
}
func accountARN(mgmt, orgID, acct string) string {
	return "arn:aws:organizations::" + mgmt + ":account/" + orgID + "/" + acct
}
func policyARN(mgmt, orgID, typ, id string) string {
	if awsManaged(id) {
		return "arn:aws:organizations::aws:policy/" + strings.ToLower(typ) + "/" + id
	}
	return "arn:aws:organizations::" + mgmt + ":policy/" + orgID + "/" + strings.ToLower(typ) + "/" + id
}
func handshakeARN(mgmt, orgID, id string) string {
	return "arn:aws:organizations::" + mgmt + ":handshake/" + orgID + "/invite/" + id
}
func membershipARN(acct string) string {
	return "arn:aws:organizations::" + acct + ":membership/" + acct
}

// randomID returns prefix followed by n random lower-case letters and
// digits.
func randomID(prefix string, n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return prefix + string(b)
}

func awsManaged(id string) bool { return id == FullAWSAccessID || id == RCPFullAWSAccessID }

// managedPolicy returns the AWS managed policy with the ID, if it is one.
func managedPolicy(id string) (name, typ, doc, desc string, ok bool) {
	switch id {
	case FullAWSAccessID:
		return "FullAWSAccess", SCP, fullAWSAccessDoc, "Allows access to every operation", true
	case RCPFullAWSAccessID:
		return "RCPFullAWSAccess", RCP, rcpFullAccessDoc, "Allows access to every resource", true
	}
	return "", "", "", "", false
}

// fullAccessOf returns the ID of the AWS managed policy of a type.
func fullAccessOf(typ string) string {
	if typ == RCP {
		return RCPFullAWSAccessID
	}
	return FullAWSAccessID
}

func decode[T any](r store.Resource) (T, error) {
	var v T
	err := r.DecodeAttributes(&v)
	if err != nil {
		err = fmt.Errorf("organizations: the stored %s %s cannot be read: %w", r.Type, r.ID, err)
	}
	return v, err
}

func encode(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // plain structs always encode
	}
	return b
}

// membership returns the organization acct is in, or nil.
func membership(tx store.ReadTx, acct string) (*org, error) {
	m, err := tx.GetResource(acct, svc, typeMembership, acct)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	ma, err := decode[membershipAttrs](m)
	if err != nil {
		return nil, err
	}
	r, err := tx.GetResource(ma.Management, svc, typeOrg, ma.OrganizationID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil // the organization was deleted
	}
	if err != nil {
		return nil, err
	}
	a, err := decode[orgAttrs](r)
	if err != nil {
		return nil, err
	}
	return &org{res: r, attrs: a}, nil
}

// getNode returns the root, OU or account with the ID in the organization.
func getNode(tx store.ReadTx, o *org, id string) (*node, error) {
	typ := nodeType(id)
	if typ == "" {
		return nil, store.ErrNotFound
	}
	r, err := tx.GetResource(o.management(), svc, typ, id)
	if err != nil {
		return nil, err
	}
	a, err := decode[nodeAttrs](r)
	if err != nil {
		return nil, err
	}
	return &node{res: r, attrs: a}, nil
}

// nodeType is the record type of a root, OU or account ID.
func nodeType(id string) string {
	switch {
	case strings.HasPrefix(id, "r-"):
		return typeRoot
	case strings.HasPrefix(id, "ou-"):
		return typeOU
	case store.ValidAccountID(id):
		return typeAccount
	}
	return ""
}

// putNode writes a node's attributes back.
func putNode(tx store.Tx, n *node) error {
	n.res.Attributes = encode(n.attrs)
	out, err := tx.UpdateResource(n.res)
	if err == nil {
		n.res = out
	}
	return err
}

// path returns the nodes from the root down to id (included).
func path(tx store.ReadTx, o *org, id string) ([]*node, error) {
	var out []*node
	for cur := id; cur != ""; {
		n, err := getNode(tx, o, cur)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
		if len(out) > 10 {
			return nil, fmt.Errorf("organizations: the parents of %s form a cycle", id)
		}
		cur = n.res.ParentID
	}
	slices.Reverse(out)
	return out, nil
}

// policyDoc returns the content and type of a policy of the organization.
func policyDoc(tx store.ReadTx, o *org, id string) (store.Resource, policyAttrs, error) {
	if name, typ, doc, desc, ok := managedPolicy(id); ok {
		return store.Resource{ID: id, Name: name, ARN: policyARN("", "", typ, id)}, policyAttrs{Type: typ, Content: doc, Description: desc}, nil
	}
	r, err := tx.GetResource(o.management(), svc, typePolicy, id)
	if err != nil {
		return r, policyAttrs{}, err
	}
	a, err := decode[policyAttrs](r)
	return r, a, err
}

// Resolve returns the organization data of an account for the authorizer
// (authz.Options.Organizations): its organization, path, and the SCPs and
// RCPs attached at each level of its path, for the policy types the
// organization has enabled.
func Resolve(tx store.ReadTx, acct string) (authz.OrgAccount, error) {
	o, err := membership(tx, acct)
	if err != nil || o == nil {
		return authz.OrgAccount{}, err
	}
	nodes, err := path(tx, o, acct)
	if errors.Is(err, store.ErrNotFound) {
		return authz.OrgAccount{}, nil // not placed in the tree (yet)
	}
	if err != nil {
		return authz.OrgAccount{}, err
	}
	out := authz.OrgAccount{OrganizationID: o.id(), ManagementAccount: o.management()}
	var sb strings.Builder
	sb.WriteString(o.id() + "/")
	for _, n := range nodes[:len(nodes)-1] {
		sb.WriteString(n.res.ID + "/")
	}
	out.Path = sb.String()
	for _, typ := range []string{SCP, RCP} {
		if !o.enabled(typ) {
			continue
		}
		levels := make([][]authz.OrgPolicy, 0, len(nodes))
		for _, n := range nodes {
			var lv []authz.OrgPolicy
			for _, pid := range n.attrs.Policies {
				r, a, err := policyDoc(tx, o, pid)
				if errors.Is(err, store.ErrNotFound) {
					continue
				}
				if err != nil {
					return authz.OrgAccount{}, err
				}
				if a.Type == typ {
					name := r.ARN
					if r.Name != "" {
						name += " (" + r.Name + ")"
					}
					lv = append(lv, authz.OrgPolicy{Name: name, Document: a.Content})
				}
			}
			levels = append(levels, lv)
		}
		if typ == SCP {
			out.SCPs = levels
		} else {
			out.RCPs = levels
		}
	}
	return out, nil
}
