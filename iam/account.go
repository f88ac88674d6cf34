package iam

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strings"

	"github.com/connect-iam/connect-iam/internal/mfa"
	"github.com/connect-iam/connect-iam/store"
)

func init() {
	operations["CreateAccountAlias"] = (*handler).createAccountAlias
	operations["DeleteAccountAlias"] = (*handler).deleteAccountAlias
	operations["ListAccountAliases"] = (*handler).listAccountAliases
	operations["GetAccountSummary"] = (*handler).getAccountSummary
}

// reAccountAlias is accountAliasType without the look-ahead Go's regexp
// lacks: no two hyphens in a row is checked separately.
var reAccountAlias = regexp.MustCompile(`[a-z0-9][a-z0-9-]{1,61}[a-z0-9]`)

// jsonAttrs encodes resource attributes.
func jsonAttrs(v any) (json.RawMessage, error) { return json.Marshal(v) }

func aliasParam(c *call) string {
	v := c.p.Required("AccountAlias")
	c.p.Length("AccountAlias", 3, 63)
	c.p.Pattern("AccountAlias", reAccountAlias)
	if strings.Contains(v, "--") {
		c.p.Violate("AccountAlias", "Member must satisfy regular expression pattern: ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$")
	}
	return v
}

func (h *handler) createAccountAlias(ctx context.Context, c *call) (any, error) {
	alias := aliasParam(c)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if err := h.authorize(ctx, c, "iam:CreateAccountAlias", "*", nil); err != nil {
		return nil, err
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		// An account has at most one alias: a new one replaces it.
		err := tx.SetAccountAlias(c.acct, alias)
		if errors.Is(err, store.ErrAlreadyExists) {
			return alreadyExists("The account alias %s already exists.", alias)
		}
		return err
	})
}

func (h *handler) deleteAccountAlias(ctx context.Context, c *call) (any, error) {
	alias := aliasParam(c)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if err := h.authorize(ctx, c, "iam:DeleteAccountAlias", "*", nil); err != nil {
		return nil, err
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		a, err := tx.GetAccount(c.acct)
		if err != nil {
			return err
		}
		if a.Alias != alias {
			return noSuchEntity("The account alias %s does not exist.", alias)
		}
		return tx.SetAccountAlias(c.acct, "")
	})
}

func (h *handler) listAccountAliases(ctx context.Context, c *call) (any, error) {
	pageOpts(c)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if err := h.authorize(ctx, c, "iam:ListAccountAliases", "*", nil); err != nil {
		return nil, err
	}
	var a store.Account
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		a, err = tx.GetAccount(c.acct)
		return err
	})
	if err != nil {
		return nil, err
	}
	aliases := []string{}
	if a.Alias != "" {
		aliases = append(aliases, a.Alias)
	}
	return struct {
		AccountAliases []string `xml:"AccountAliases>member"`
		page
	}{aliases, newPage("")}, nil
}

// IAM's default quotas that GetAccountSummary reports.
var summaryQuotas = map[string]int{
	"UsersQuota": 5000, "GroupsQuota": 300, "RolesQuota": 1000, "PoliciesQuota": 1500, "InstanceProfilesQuota": 1000,
	"ServerCertificatesQuota": 20, "PolicySizeQuota": maxManagedPolicySize, "AssumeRolePolicySizeQuota": maxTrustPolicySize,
	"UserPolicySizeQuota": 2048, "GroupPolicySizeQuota": 5120, "RolePolicySizeQuota": 10240,
	"GroupsPerUserQuota": store.MaxGroupsPerUser, "AccessKeysPerUserQuota": store.MaxAccessKeysPerUser,
	"SigningCertificatesPerUserQuota": 2, "AttachedPoliciesPerUserQuota": 10, "AttachedPoliciesPerGroupQuota": 10,
	"AttachedPoliciesPerRoleQuota": 10, "VersionsPerPolicyQuota": store.MaxPolicyVersions, "PolicyVersionsInUseQuota": 10000,
	"GlobalEndpointTokenVersion": 1,
}

// countPages counts the items of a paginated list.
func countPages(list func(opt store.ListOptions) (int, string, error)) (int, error) {
	total := 0
	opt := store.ListOptions{MaxItems: store.MaxMaxItems}
	for {
		n, next, err := list(opt)
		if err != nil {
			return 0, err
		}
		total += n
		if next == "" {
			return total, nil
		}
		opt.Marker = next
	}
}

func (h *handler) getAccountSummary(ctx context.Context, c *call) (any, error) {
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if err := h.authorize(ctx, c, "iam:GetAccountSummary", "*", nil); err != nil {
		return nil, err
	}
	counts := map[string]int{}
	for k, v := range summaryQuotas {
		counts[k] = v
	}
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		if counts["Users"], err = countPages(func(o store.ListOptions) (int, string, error) {
			us, next, err := tx.ListUsers(c.acct, "", o)
			return len(us), next, err
		}); err != nil {
			return err
		}
		if counts["Groups"], err = countPages(func(o store.ListOptions) (int, string, error) {
			gs, next, err := tx.ListGroups(c.acct, "", o)
			return len(gs), next, err
		}); err != nil {
			return err
		}
		if counts["Roles"], err = countPages(func(o store.ListOptions) (int, string, error) {
			rs, next, err := tx.ListRoles(c.acct, "", o)
			return len(rs), next, err
		}); err != nil {
			return err
		}
		inUse := 0
		if counts["Policies"], err = countPages(func(o store.ListOptions) (int, string, error) {
			ps, next, err := tx.ListPolicies(c.acct, store.PolicyFilter{}, o)
			for _, p := range ps {
				if p.AttachmentCount > 0 || p.PermissionsBoundaryUsageCount > 0 {
					inUse++
				}
			}
			return len(ps), next, err
		}); err != nil {
			return err
		}
		counts["PolicyVersionsInUse"] = inUse
		devs, err := mfa.List(tx, h.Box, c.acct)
		if err != nil {
			return err
		}
		counts["MFADevices"] = len(devs)
		for _, d := range devs {
			if d.Assigned() {
				counts["MFADevicesInUse"]++
			}
		}
		// The root user has no MFA device, access keys or password that
		// this server manages, and instance profiles, server certificates
		// and identity providers are not served: their keys are 0.
		return nil
	})
	if err != nil {
		return nil, err
	}
	type entry struct {
		Key   string `xml:"key"`
		Value int    `xml:"value"`
	}
	out := struct {
		SummaryMap []entry `xml:"SummaryMap>entry"`
	}{}
	for _, k := range summaryKeys {
		out.SummaryMap = append(out.SummaryMap, entry{k, counts[k]})
	}
	return out, nil
}

// summaryKeys are the keys of GetAccountSummary's map, in the model's
// order.
var summaryKeys = []string{"Users", "UsersQuota", "Groups", "GroupsQuota", "ServerCertificates", "ServerCertificatesQuota",
	"UserPolicySizeQuota", "GroupPolicySizeQuota", "GroupsPerUserQuota", "SigningCertificatesPerUserQuota",
	"AccessKeysPerUserQuota", "MFADevices", "MFADevicesInUse", "AccountMFAEnabled", "AccountAccessKeysPresent",
	"AccountPasswordPresent", "AccountSigningCertificatesPresent", "AttachedPoliciesPerGroupQuota",
	"AttachedPoliciesPerRoleQuota", "AttachedPoliciesPerUserQuota", "Policies", "PoliciesQuota", "PolicySizeQuota",
	"PolicyVersionsInUse", "PolicyVersionsInUseQuota", "VersionsPerPolicyQuota", "GlobalEndpointTokenVersion",
	"AssumeRolePolicySizeQuota", "InstanceProfiles", "InstanceProfilesQuota", "Providers", "RolePolicySizeQuota",
	"Roles", "RolesQuota"}
