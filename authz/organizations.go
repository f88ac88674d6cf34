package authz

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/connect-iam/connect-iam/eval"
	"github.com/connect-iam/connect-iam/store"
)

// OrgAccount is what AWS Organizations says about one account, for
// enforcing its service and resource control policies. The zero value is
// an account outside any organization.
type OrgAccount struct {
	// OrganizationID is "o-..." or "" when the account is in no
	// organization.
	OrganizationID string
	// ManagementAccount is the organization's management account, which
	// SCPs and RCPs do not apply to.
	ManagementAccount string
	// Path is the account's organization path, the value of
	// aws:PrincipalOrgPaths and aws:ResourceOrgPaths:
	// "o-xxx/r-xxx/ou-xxx/" (the account's parents, root first).
	Path string
	// SCPs are the service control policies of each level (root, each OU
	// down the path, the account), or nil when the organization has not
	// enabled SERVICE_CONTROL_POLICY; RCPs likewise for
	// RESOURCE_CONTROL_POLICY.
	SCPs, RCPs [][]OrgPolicy
}

// OrgPolicy is one SCP or RCP attached at a level.
type OrgPolicy struct {
	// Name names the policy in explanations: its ARN.
	Name string
	// Document is the policy's content.
	Document string
}

// OrgResolver reads an account's organization data inside a store
// transaction (Options.Organizations; package organizations provides
// one). It returns the zero OrgAccount for an account in no organization.
type OrgResolver func(tx store.ReadTx, accountID string) (OrgAccount, error)

// rcpServices are the services whose requests resource control policies
// apply to (AWS Organizations User Guide, "Resource control policies":
// list of AWS services that support RCPs).
var rcpServices = map[string]bool{
	"s3": true, "sts": true, "sqs": true, "secretsmanager": true, "kms": true,
	"cognito-identity": true, "logs": true, "dynamodb": true, "ecr": true, "aoss": true,
}

// orgEntry is an account's organization data with its policies compiled.
type orgEntry struct {
	OrgAccount
	scps, rcps [][]*eval.Policy
}

// organization returns the organization data of acct, from the cache when
// the store has not changed since it was read.
func (e *Engine) organization(ctx context.Context, acct string) (*orgEntry, error) {
	if e.opts.Organizations == nil || acct == "" {
		return &orgEntry{}, nil
	}
	now := time.Now()
	if oe, ok := e.orgs.get(acct, now); ok {
		return oe, nil
	}
	gen := e.orgs.generation()
	var oa OrgAccount
	err := e.st.View(ctx, func(tx store.ReadTx) error {
		var err error
		oa, err = e.opts.Organizations(tx, acct)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("authz: reading the organization of account %s: %w", acct, err)
	}
	oe := &orgEntry{OrgAccount: oa}
	if oe.scps, err = e.compileLevels(eval.SCP, oa.SCPs); err != nil {
		return nil, err
	}
	if oe.rcps, err = e.compileLevels(eval.RCP, oa.RCPs); err != nil {
		return nil, err
	}
	e.orgs.put(acct, gen, now, oe)
	return oe, nil
}

func (e *Engine) compileLevels(t eval.PolicyType, levels [][]OrgPolicy) ([][]*eval.Policy, error) {
	if levels == nil {
		return nil, nil
	}
	out := make([][]*eval.Policy, len(levels))
	for i, lv := range levels {
		out[i] = make([]*eval.Policy, 0, len(lv))
		for _, p := range lv {
			pol, err := e.cache.compile(t, p.Name, p.Document)
			if err != nil {
				return nil, err
			}
			out[i] = append(out[i], pol)
		}
	}
	return out, nil
}

// orgKeys are the organization condition keys of a request.
type orgKeys struct {
	principalOrg, principalPath string
	resourceOrg, resourcePath   string
}

// applyOrganizations adds the SCPs of the principal's account and the RCPs
// of the resource's account to set and er, and returns the organization
// condition keys.
func (e *Engine) applyOrganizations(ctx context.Context, req *Request, set *eval.PolicySet, er *eval.Request) (orgKeys, error) {
	var k orgKeys
	if e.opts.Organizations == nil {
		return k, nil
	}
	pacct := req.Caller.AccountID
	po, err := e.organization(ctx, pacct)
	if err != nil {
		return k, err
	}
	if po.OrganizationID != "" {
		k.principalOrg, k.principalPath = po.OrganizationID, po.Path
		set.SCPs = po.scps
		er.PrincipalInManagementAccount = pacct == po.ManagementAccount
	}
	racct := resourceAccount(req)
	ro := po
	if racct != pacct {
		if ro, err = e.organization(ctx, racct); err != nil {
			return k, err
		}
	}
	if ro.OrganizationID != "" {
		k.resourceOrg, k.resourcePath = ro.OrganizationID, ro.Path
		if rcpServices[serviceOf(req.Action)] {
			set.RCPs = ro.rcps
			er.ResourceInManagementAccount = racct == ro.ManagementAccount
		}
	}
	return k, nil
}

// set adds the keys to c.
func (k orgKeys) set(c *eval.Context) {
	if k.principalOrg != "" {
		c.SetDefault("aws:PrincipalOrgID", k.principalOrg)
		c.SetDefault("aws:PrincipalOrgPaths", k.principalPath)
	}
	if k.resourceOrg != "" {
		c.SetDefault("aws:ResourceOrgID", k.resourceOrg)
		c.SetDefault("aws:ResourceOrgPaths", k.resourcePath)
	}
}

// memoKey is the part of the context memo's key the keys decide.
func (k orgKeys) memoKey() string {
	if k.principalOrg == "" && k.resourceOrg == "" {
		return ""
	}
	return strings.Join([]string{"|org", k.principalPath, k.resourcePath}, "|")
}
