package iam

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/connect-iam/connect-iam/server/awsquery"
	"github.com/connect-iam/connect-iam/store"
)

func init() {
	operations["SetSecurityTokenServicePreferences"] = (*handler).setSTSPreferences
	operations["EnableOutboundWebIdentityFederation"] = (*handler).enableOutboundFederation
	operations["DisableOutboundWebIdentityFederation"] = (*handler).disableOutboundFederation
	operations["GetOutboundWebIdentityFederationInfo"] = (*handler).getOutboundFederation
	for name, f := range map[string]struct {
		feature string
		enable  bool
	}{
		"EnableOrganizationsRootCredentialsManagement":  {"RootCredentialsManagement", true},
		"DisableOrganizationsRootCredentialsManagement": {"RootCredentialsManagement", false},
		"EnableOrganizationsRootSessions":               {"RootSessions", true},
		"DisableOrganizationsRootSessions":              {"RootSessions", false},
		"ListOrganizationsFeatures":                     {"", false},
	} {
		operations[name] = func(h *handler, ctx context.Context, c *call) (any, error) {
			return h.organizationsFeature(ctx, c, "iam:"+name, f.feature, f.enable)
		}
	}
	operations["GenerateOrganizationsAccessReport"] = (*handler).generateOrganizationsAccessReport
	operations["GetOrganizationsAccessReport"] = (*handler).getOrganizationsAccessReport
	operations["GetHumanReadableSummary"] = (*handler).getHumanReadableSummary
}

// Organization is the AWS Organizations membership of an account, as
// [Deps.Organization] reports it.
type Organization struct {
	// ID is the organization's ID ("o-...").
	ID string
	// Management reports whether the account is the management account.
	Management bool
}

// Account settings, one record each (ID = setting name).
const (
	settingSTSPreferences = "sts-preferences"
	settingOutbound       = "outbound-web-identity-federation"
	settingOrgFeatures    = "organizations-features"
)

// setting is an account setting record's attributes.
type setting struct {
	TokenVersion string   `json:"tokenVersion,omitempty"`
	Enabled      bool     `json:"enabled,omitempty"`
	Issuer       string   `json:"issuer,omitempty"`
	Features     []string `json:"features,omitempty"`
	// SigningKey holds the account's sealed JWT signing keys (outbound
	// federation, sealedOutboundKeys as JSON).
	SigningKey json.RawMessage `json:"signingKey,omitempty"`
}

// readSetting reads an account setting; a missing one is the zero value
// with revision 0.
func readSetting(tx store.ReadTx, acct, name string) (store.Resource, setting, error) {
	var s setting
	r, found, err := getRecord(tx, acct, recAccountSetting, name, &s)
	if err == nil && !found {
		r = store.Resource{AccountID: acct, Service: "iam", Type: recAccountSetting, ID: name, Name: name,
			ARN: internalARN(acct, recAccountSetting, name)}
	}
	return r, s, err
}

// updateSetting reads, changes and writes an account setting in one
// transaction; change returns an error to abort.
func (h *handler) updateSetting(ctx context.Context, acct, name string, change func(s *setting) error) (setting, error) {
	var out setting
	err := h.Store.Update(ctx, func(tx store.Tx) error {
		r, s, err := readSetting(tx, acct, name)
		if err != nil {
			return err
		}
		if r.Created.IsZero() {
			r.Created = h.Now().UTC()
		}
		if err := change(&s); err != nil {
			return err
		}
		out = s
		_, err = putRecord(tx, r, s)
		return err
	})
	return out, err
}

func (h *handler) setSTSPreferences(ctx context.Context, c *call) (any, error) {
	v := c.p.String("GlobalEndpointTokenVersion")
	if err := h.authorize(ctx, c, "iam:SetSecurityTokenServicePreferences", "*", nil); err != nil {
		return nil, err
	}
	_, err := h.updateSetting(ctx, c.acct, settingSTSPreferences, func(s *setting) error {
		s.TokenVersion = v
		return nil
	})
	return nil, err
}

// Outbound web identity federation: when enabled, STS GetWebIdentityToken
// mints JWTs for the account's principals, signed with the account's key,
// with the account's issuer identifier as "iss".

func (h *handler) enableOutboundFederation(ctx context.Context, c *call) (any, error) {
	if err := h.authorize(ctx, c, "iam:EnableOutboundWebIdentityFederation", "*", nil); err != nil {
		return nil, err
	}
	s, err := h.updateSetting(ctx, c.acct, settingOutbound, func(s *setting) error {
		if s.Enabled {
			return awsquery.NewError(http.StatusConflict, "FeatureEnabled", "Outbound web identity federation is already enabled for this account.")
		}
		s.Enabled = true
		if s.Issuer == "" {
			s.Issuer = "https://" + newUUID() + ".tokens.sts.global.api.aws"
		}
		if len(s.SigningKey) == 0 {
			keys, err := newOutboundKeys(h.Box, c.acct)
			if err != nil {
				return err
			}
			s.SigningKey = keys
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return struct {
		IssuerIdentifier string `xml:"IssuerIdentifier"`
	}{s.Issuer}, nil
}

func (h *handler) disableOutboundFederation(ctx context.Context, c *call) (any, error) {
	if err := h.authorize(ctx, c, "iam:DisableOutboundWebIdentityFederation", "*", nil); err != nil {
		return nil, err
	}
	_, err := h.updateSetting(ctx, c.acct, settingOutbound, func(s *setting) error {
		if !s.Enabled {
			return featureDisabled()
		}
		s.Enabled = false
		return nil
	})
	return nil, err
}

func featureDisabled() error {
	return awsquery.NewError(http.StatusNotFound, "FeatureDisabled",
		"Outbound web identity federation is disabled for this account; enable it with EnableOutboundWebIdentityFederation.")
}

func (h *handler) getOutboundFederation(ctx context.Context, c *call) (any, error) {
	if err := h.authorize(ctx, c, "iam:GetOutboundWebIdentityFederationInfo", "*", nil); err != nil {
		return nil, err
	}
	var s setting
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		_, s, err = readSetting(tx, c.acct, settingOutbound)
		return err
	})
	if err != nil {
		return nil, err
	}
	if s.Issuer == "" {
		return nil, featureDisabled()
	}
	return struct {
		IssuerIdentifier  string `xml:"IssuerIdentifier"`
		JwtVendingEnabled bool   `xml:"JwtVendingEnabled"`
	}{s.Issuer, s.Enabled}, nil
}

// newUUID returns a random version 4 UUID.
func newUUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand.Read does not fail on supported platforms
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	x := hex.EncodeToString(b[:])
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:]
}

// organization returns the caller's organization, or the error AWS
// answers a standalone account.
func (h *handler) organization(ctx context.Context, acct string) (Organization, error) {
	var org Organization
	var ok bool
	if h.Organization != nil {
		err := h.Store.View(ctx, func(tx store.ReadTx) error {
			var err error
			org, ok, err = h.Organization(tx, acct)
			return err
		})
		if err != nil {
			return org, err
		}
	}
	if !ok {
		return org, awsquery.NewError(http.StatusBadRequest, "OrganizationNotFoundException",
			"The request failed because your account is not a member of an organization; create one with organizations create-organization.")
	}
	return org, nil
}

// organizationsFeature enables or disables (or, with feature "", lists)
// the centralized root access features of the caller's organization,
// which only its management account manages.
func (h *handler) organizationsFeature(ctx context.Context, c *call, action, feature string, enable bool) (any, error) {
	if err := h.authorize(ctx, c, action, "*", nil); err != nil {
		return nil, err
	}
	org, err := h.organization(ctx, c.acct)
	if err != nil {
		return nil, err
	}
	if !org.Management {
		return nil, awsquery.NewError(http.StatusBadRequest, "AccountNotManagementOrDelegatedAdministratorException",
			"The request failed because the account is not the management account of organization "+org.ID+"; call it from the management account.")
	}
	s, err := h.updateSetting(ctx, c.acct, settingOrgFeatures, func(s *setting) error {
		if feature == "" {
			return nil
		}
		var kept []string
		for _, f := range s.Features {
			if f != feature {
				kept = append(kept, f)
			}
		}
		if enable {
			kept = append(kept, feature)
		}
		sort.Strings(kept)
		s.Features = kept
		return nil
	})
	if err != nil {
		return nil, err
	}
	return struct {
		OrganizationID  string   `xml:"OrganizationId"`
		EnabledFeatures []string `xml:"EnabledFeatures>member"`
	}{org.ID, s.Features}, nil
}

func (h *handler) generateOrganizationsAccessReport(ctx context.Context, c *call) (any, error) {
	path := c.p.String("EntityPath")
	if err := h.authorize(ctx, c, "iam:GenerateOrganizationsAccessReport", "*", nil); err != nil {
		return nil, err
	}
	org, err := h.organization(ctx, c.acct)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(path, org.ID+"/") {
		return nil, invalidInput("EntityPath %s is not in organization %s: write %s/r-ROOT[/ou-...][/ACCOUNT_ID].", path, org.ID, org.ID)
	}
	return nil, invalidInput("Organizations access reports need the organization's access data, which connect-iam does not record across accounts; use GenerateServiceLastAccessedDetails per entity.")
}

func (h *handler) getOrganizationsAccessReport(ctx context.Context, c *call) (any, error) {
	id := c.p.String("JobId")
	if err := h.authorize(ctx, c, "iam:GetOrganizationsAccessReport", "*", nil); err != nil {
		return nil, err
	}
	return nil, noSuchEntity("No Organizations access report with job ID %s exists; GenerateOrganizationsAccessReport returns the IDs.", id)
}

// getHumanReadableSummary summarizes a policy (customer or AWS managed,
// its default version) in English, statement by statement.
func (h *handler) getHumanReadableSummary(ctx context.Context, c *call) (any, error) {
	arn := c.p.String("EntityArn")
	locale := c.p.String("Locale")
	if locale == "" {
		locale = "en"
	}
	pol, awsPol, err := h.authPolicyKV(ctx, c, "iam:GetHumanReadableSummary", arn, nil)
	if err != nil {
		return nil, err
	}
	out := struct {
		Locale         string `xml:"Locale"`
		SummaryContent string `xml:"SummaryContent,omitempty"`
		SummaryState   string `xml:"SummaryState"`
	}{Locale: locale}
	if !strings.HasPrefix(strings.ToLower(locale), "en") {
		out.SummaryState = "NOT_SUPPORTED"
		return out, nil
	}
	var doc string
	if awsPol != nil {
		doc, _ = ManagedPolicy(arn)
	} else {
		err := h.Store.View(ctx, func(tx store.ReadTx) error {
			v, err := tx.GetPolicyVersion(c.acct, pol.ARN, pol.DefaultVersionID)
			doc = v.Document
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	summary, err := summarize(doc)
	if err != nil {
		out.SummaryState = "FAILED"
		return out, nil
	}
	out.SummaryContent, out.SummaryState = summary, "AVAILABLE"
	return out, nil
}

// summarize writes one sentence per statement of a policy document.
func summarize(doc string) (string, error) {
	var d struct {
		Statement json.RawMessage
	}
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		return "", err
	}
	var stmts []map[string]json.RawMessage
	if err := json.Unmarshal(d.Statement, &stmts); err != nil {
		var one map[string]json.RawMessage
		if err := json.Unmarshal(d.Statement, &one); err != nil {
			return "", err
		}
		stmts = []map[string]json.RawMessage{one}
	}
	list := func(raw json.RawMessage) string {
		if raw == nil {
			return ""
		}
		var many []string
		if json.Unmarshal(raw, &many) != nil {
			var one string
			if json.Unmarshal(raw, &one) != nil {
				return string(raw)
			}
			many = []string{one}
		}
		return strings.Join(many, ", ")
	}
	var b strings.Builder
	for i, s := range stmts {
		var effect string
		_ = json.Unmarshal(s["Effect"], &effect)
		verb := "Allows"
		if effect == "Deny" {
			verb = "Denies"
		}
		actions := list(s["Action"])
		if actions == "" {
			actions = "every action except " + list(s["NotAction"])
		}
		resources := list(s["Resource"])
		if resources == "" {
			resources = "every resource except " + list(s["NotResource"])
		}
		if i > 0 {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "%s %s on %s", verb, actions, resources)
		if s["Condition"] != nil {
			fmt.Fprintf(&b, " when %s holds", compactJSON(s["Condition"]))
		}
		b.WriteString(".")
	}
	return b.String(), nil
}

func compactJSON(raw json.RawMessage) string {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return string(raw)
	}
	b, _ := json.Marshal(v)
	return string(b)
}
