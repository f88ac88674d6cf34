package connectapps

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appintegrations"
	aitypes "github.com/aws/aws-sdk-go-v2/service/appintegrations/types"
	"github.com/aws/aws-sdk-go-v2/service/customerprofiles"
)

// TestSeedAppIntegrations runs the AppIntegrations examples of the Amazon
// Connect identity-based policy documentation (with their JSON fixed)
// through the AppIntegrations SDK client, SigV4 and the real authorizer.
func TestSeedAppIntegrations(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	all := e.appIntegrations(e.principal(t, "all", "", fixture(t, "appintegrations-all.json")))
	ev := e.appIntegrations(e.principal(t, "events", "", fixture(t, "appintegrations-event.json")))
	none := e.appIntegrations(e.principal(t, "none", "", ""))

	createEvent := func(c *appintegrations.Client, name string) error {
		_, err := c.CreateEventIntegration(ctx, &appintegrations.CreateEventIntegrationInput{Name: aws.String(name),
			EventBridgeBus: aws.String("default"), EventFilter: &aitypes.EventFilter{Source: aws.String("aws.partner/examplecorp.com")}})
		return err
	}
	eventARN := func(name string) string { return arn(AppIntegrations, "event-integration/"+name) }
	var dataID string

	tests := []struct {
		name string
		call func() error
		want outcome
	}{
		{"all: CreateEventIntegration", func() error { return createEvent(all, "orders") }, outcome{}},
		{"all: GetEventIntegration", func() error {
			out, err := all.GetEventIntegration(ctx, &appintegrations.GetEventIntegrationInput{Name: aws.String("orders")})
			if err == nil && aws.ToString(out.EventIntegrationArn) != eventARN("orders") {
				t.Errorf("EventIntegrationArn = %q", aws.ToString(out.EventIntegrationArn))
			}
			return err
		}, outcome{}},
		{"all: UpdateEventIntegration", func() error {
			_, err := all.UpdateEventIntegration(ctx, &appintegrations.UpdateEventIntegrationInput{Name: aws.String("orders"), Description: aws.String("new")})
			return err
		}, outcome{}},
		{"all: ListEventIntegrations", func() error {
			_, err := all.ListEventIntegrations(ctx, &appintegrations.ListEventIntegrationsInput{})
			return err
		}, outcome{}},
		{"all: CreateDataIntegration", func() error {
			out, err := all.CreateDataIntegration(ctx, &appintegrations.CreateDataIntegrationInput{Name: aws.String("crm"),
				KmsKey: aws.String("arn:aws:kms:us-east-1:123456789012:key/k"), SourceURI: aws.String("Salesforce://AppFlow/crm")})
			if err == nil {
				dataID = aws.ToString(out.Id)
			}
			return err
		}, outcome{}},
		{"all: GetDataIntegration", func() error {
			_, err := all.GetDataIntegration(ctx, &appintegrations.GetDataIntegrationInput{Identifier: aws.String(dataID)})
			return err
		}, outcome{}},
		{"all: TagResource denied", func() error {
			_, err := all.TagResource(ctx, &appintegrations.TagResourceInput{ResourceArn: aws.String(eventARN("orders")), Tags: map[string]string{"a": "b"}})
			return err
		}, outcome{"AccessDeniedException", denied("all", "app-integrations:TagResource", eventARN("orders"))}},
		{"all: DeleteDataIntegration", func() error {
			_, err := all.DeleteDataIntegration(ctx, &appintegrations.DeleteDataIntegrationInput{DataIntegrationIdentifier: aws.String(dataID)})
			return err
		}, outcome{}},

		{"events: CreateEventIntegration", func() error { return createEvent(ev, "tickets") }, outcome{}},
		{"events: GetEventIntegration", func() error {
			_, err := ev.GetEventIntegration(ctx, &appintegrations.GetEventIntegrationInput{Name: aws.String("orders")})
			return err
		}, outcome{}},
		{"events: ListEventIntegrations", func() error {
			_, err := ev.ListEventIntegrations(ctx, &appintegrations.ListEventIntegrationsInput{})
			return err
		}, outcome{}},
		{"events: UpdateEventIntegration denied", func() error {
			_, err := ev.UpdateEventIntegration(ctx, &appintegrations.UpdateEventIntegrationInput{Name: aws.String("orders"), Description: aws.String("x")})
			return err
		}, outcome{"AccessDeniedException", denied("events", "app-integrations:UpdateEventIntegration", eventARN("orders"))}},
		{"events: DeleteEventIntegration denied", func() error {
			_, err := ev.DeleteEventIntegration(ctx, &appintegrations.DeleteEventIntegrationInput{Name: aws.String("orders")})
			return err
		}, outcome{"AccessDeniedException", denied("events", "app-integrations:DeleteEventIntegration", eventARN("orders"))}},
		{"events: ListDataIntegrations denied", func() error {
			_, err := ev.ListDataIntegrations(ctx, &appintegrations.ListDataIntegrationsInput{})
			return err
		}, outcome{"AccessDeniedException", denied("events", "app-integrations:ListDataIntegrations", "*")}},

		{"none: CreateEventIntegration denied", func() error { return createEvent(none, "x") }, outcome{"AccessDeniedException",
			denied("none", "app-integrations:CreateEventIntegration", eventARN("x"))}},
		{"all: DeleteEventIntegration", func() error {
			_, err := all.DeleteEventIntegration(ctx, &appintegrations.DeleteEventIntegrationInput{Name: aws.String("orders")})
			return err
		}, outcome{}},
	}
	for _, tt := range tests {
		check(t, tt.name, tt.call(), tt.want)
	}
}

// TestSeedWisdom runs the Wisdom assistants example.
func TestSeedWisdom(t *testing.T) {
	e := newEnv(t)
	w := rest{e, Wisdom, e.principal(t, "wisdom", "", fixture(t, "wisdom-assistants.json"))}
	none := rest{e, Wisdom, e.principal(t, "none", "", "")}
	var created struct {
		Assistant struct {
			AssistantID  string `json:"assistantId"`
			AssistantArn string `json:"assistantArn"`
			Status       string `json:"status"`
		} `json:"assistant"`
	}
	var id string
	assistantARN := func() string { return arn(Wisdom, "assistant/"+id) }
	tests := []struct {
		name string
		call func() error
		want outcome
	}{
		{"CreateAssistant", func() error {
			err := w.do("POST", "/assistants", map[string]any{"name": "helper", "type": "AGENT"}, &created)
			id = created.Assistant.AssistantID
			if err == nil && (created.Assistant.AssistantArn != assistantARN() || created.Assistant.Status != "ACTIVE") {
				t.Errorf("CreateAssistant returned %+v", created)
			}
			return err
		}, outcome{}},
		{"GetAssistant", func() error { return w.do("GET", "/assistants/"+id, nil, nil) }, outcome{}},
		{"ListAssistants", func() error { return w.do("GET", "/assistants", nil, nil) }, outcome{}},
		{"CreateKnowledgeBase denied", func() error {
			return w.do("POST", "/knowledgeBases", map[string]any{"name": "kb", "knowledgeBaseType": "CUSTOM"}, nil)
		}, outcome{"AccessDeniedException", denied("wisdom", "wisdom:CreateKnowledgeBase", "*")}},
		{"TagResource denied", func() error {
			return w.do("POST", "/tags/"+esc(assistantARN()), map[string]any{"tags": map[string]string{"a": "b"}}, nil)
		}, outcome{"AccessDeniedException", ""}},
		{"no policy: GetAssistant denied", func() error { return none.do("GET", "/assistants/"+id, nil, nil) },
			outcome{"AccessDeniedException", ""}},
		{"no policy: CreateAssistant denied", func() error {
			return none.do("POST", "/assistants", map[string]any{"name": "x", "type": "AGENT"}, nil)
		}, outcome{"AccessDeniedException", denied("none", "wisdom:CreateAssistant", "*")}},
		{"DeleteAssistant", func() error { return w.do("DELETE", "/assistants/"+id, nil, nil) }, outcome{}},
		{"GetAssistant after delete", func() error { return w.do("GET", "/assistants/"+id, nil, nil) }, outcome{"ResourceNotFoundException", ""}},
	}
	for _, tt := range tests {
		check(t, tt.name, tt.call(), tt.want)
	}
	// The denied messages on the assistant's ARN, which is known only now.
	err := none.do("GET", "/assistants/"+id, nil, nil)
	check(t, "no policy: GetAssistant message", err, outcome{"AccessDeniedException", denied("none", "wisdom:GetAssistant", assistantARN())})
}

// campaignBody returns a CreateCampaign request.
func campaignBody(name string, tags map[string]string) map[string]any {
	b := map[string]any{
		"name":               name,
		"connectInstanceId":  testInstance,
		"dialerConfig":       map[string]any{"progressiveDialerConfig": map[string]any{"bandwidthAllocation": 1}},
		"outboundCallConfig": map[string]any{"connectContactFlowId": "flow-1", "connectQueueId": "queue-1"},
	}
	if tags != nil {
		b["tags"] = tags
	}
	return b
}

// TestSeedCampaigns runs the outbound campaigns examples: onboarding,
// management, read-only and the tag-restricted policy.
func TestSeedCampaigns(t *testing.T) {
	e := newEnv(t)
	admin := rest{e, Campaigns, adminKeyID}
	onb := rest{e, Campaigns, e.principal(t, "onboarding", "", fixture(t, "campaigns-onboarding.json"))}
	mgr := rest{e, Campaigns, e.principal(t, "manager", "", fixture(t, "campaigns-management.json"))}
	ro := rest{e, Campaigns, e.principal(t, "readonly", "", fixture(t, "campaigns-readonly.json"))}
	tag := rest{e, Campaigns, e.principal(t, "tagged", "", fixture(t, "campaigns-tag.json"))}
	instARN := "arn:aws:connect:us-east-1:" + testAccount + ":instance/" + testInstance

	var owned, other struct{ ID, Arn string }
	must(t, admin.do("PUT", "/campaigns", campaignBody("owned", map[string]string{"owner": instARN}), &owned))
	must(t, admin.do("PUT", "/campaigns", campaignBody("other", map[string]string{"owner": "someone-else"}), &other))
	var mine struct{ ID, Arn string }
	check(t, "manager: CreateCampaign", mgr.do("PUT", "/campaigns", campaignBody("mine", nil), &mine), outcome{})
	onboard := "/connect-instance/" + testInstance + "/onboarding"
	enc := map[string]any{"encryptionConfig": map[string]any{"enabled": false}}

	tests := []struct {
		name string
		call func() error
		want outcome
	}{
		{"onboarding: StartInstanceOnboardingJob", func() error { return onb.do("PUT", onboard, enc, nil) }, outcome{}},
		{"onboarding: GetInstanceOnboardingJobStatus", func() error {
			var out struct {
				S struct{ Status string } `json:"connectInstanceOnboardingJobStatus"`
			}
			err := onb.do("GET", onboard, nil, &out)
			if err == nil && out.S.Status != "SUCCEEDED" {
				t.Errorf("onboarding status %q, want SUCCEEDED", out.S.Status)
			}
			return err
		}, outcome{}},
		{"onboarding: CreateCampaign denied", func() error { return onb.do("PUT", "/campaigns", campaignBody("x", nil), nil) },
			outcome{"AccessDeniedException", ""}},
		{"onboarding: DeleteInstanceOnboardingJob", func() error { return onb.do("DELETE", onboard, nil, nil) }, outcome{}},
		{"readonly: StartInstanceOnboardingJob denied", func() error { return ro.do("PUT", onboard, enc, nil) },
			outcome{"AccessDeniedException", denied("readonly", "connect-campaigns:StartInstanceOnboardingJob", "*")}},

		{"manager: DescribeCampaign", func() error { return mgr.do("GET", "/campaigns/"+mine.ID, nil, nil) }, outcome{}},
		{"manager: UpdateCampaignName", func() error {
			return mgr.do("POST", "/campaigns/"+mine.ID+"/name", map[string]any{"name": "renamed"}, nil)
		}, outcome{}},
		{"manager: UpdateCampaignDialerConfig", func() error {
			return mgr.do("POST", "/campaigns/"+mine.ID+"/dialer-config", map[string]any{"dialerConfig": map[string]any{"predictiveDialerConfig": map[string]any{"bandwidthAllocation": 0.5}}}, nil)
		}, outcome{}},
		{"manager: UpdateCampaignOutboundCallConfig", func() error {
			return mgr.do("POST", "/campaigns/"+mine.ID+"/outbound-call-config", map[string]any{"connectContactFlowId": "flow-2"}, nil)
		}, outcome{}},
		{"manager: StartCampaign denied (not in the example)", func() error { return mgr.do("POST", "/campaigns/"+mine.ID+"/start", nil, nil) },
			outcome{"AccessDeniedException", denied("manager", "connect-campaigns:StartCampaign", arn(Campaigns, "campaign/"+mine.ID))}},
		{"admin: StartCampaign", func() error { return admin.do("POST", "/campaigns/"+mine.ID+"/start", nil, nil) }, outcome{}},
		{"manager: PauseCampaign", func() error { return mgr.do("POST", "/campaigns/"+mine.ID+"/pause", nil, nil) }, outcome{}},
		{"manager: ResumeCampaign", func() error { return mgr.do("POST", "/campaigns/"+mine.ID+"/resume", nil, nil) }, outcome{}},
		{"manager: GetCampaignState", func() error { return mgr.do("GET", "/campaigns/"+mine.ID+"/state", nil, nil) }, outcome{}},
		{"manager: GetCampaignStateBatch", func() error {
			return mgr.do("POST", "/campaigns-state", map[string]any{"campaignIds": []string{mine.ID, owned.ID}}, nil)
		}, outcome{}},
		{"manager: ListCampaigns", func() error { return mgr.do("POST", "/campaigns-summary", map[string]any{}, nil) }, outcome{}},
		{"manager: StopCampaign", func() error { return mgr.do("POST", "/campaigns/"+mine.ID+"/stop", nil, nil) }, outcome{}},
		{"manager: TagResource denied", func() error {
			return mgr.do("POST", "/tags/"+esc(arn(Campaigns, "campaign/"+mine.ID)), map[string]any{"tags": map[string]string{"a": "b"}}, nil)
		}, outcome{"AccessDeniedException", denied("manager", "connect-campaigns:TagResource", arn(Campaigns, "campaign/"+mine.ID))}},
		{"manager: DeleteCampaign", func() error { return mgr.do("DELETE", "/campaigns/"+mine.ID, nil, nil) }, outcome{}},

		{"readonly: DescribeCampaign", func() error { return ro.do("GET", "/campaigns/"+owned.ID, nil, nil) }, outcome{}},
		{"readonly: GetCampaignState", func() error { return ro.do("GET", "/campaigns/"+owned.ID+"/state", nil, nil) }, outcome{}},
		{"readonly: GetCampaignStateBatch", func() error {
			return ro.do("POST", "/campaigns-state", map[string]any{"campaignIds": []string{owned.ID}}, nil)
		}, outcome{}},
		{"readonly: ListCampaigns", func() error { return ro.do("POST", "/campaigns-summary", map[string]any{"maxResults": 10}, nil) }, outcome{}},
		{"readonly: CreateCampaign denied", func() error { return ro.do("PUT", "/campaigns", campaignBody("x", nil), nil) },
			outcome{"AccessDeniedException", ""}},
		{"readonly: DeleteCampaign denied", func() error { return ro.do("DELETE", "/campaigns/"+owned.ID, nil, nil) },
			outcome{"AccessDeniedException", denied("readonly", "connect-campaigns:DeleteCampaign", owned.Arn)}},

		{"tag: DescribeCampaign of the instance's campaign", func() error { return tag.do("GET", "/campaigns/"+owned.ID, nil, nil) }, outcome{}},
		{"tag: GetCampaignState of the instance's campaign", func() error { return tag.do("GET", "/campaigns/"+owned.ID+"/state", nil, nil) }, outcome{}},
		{"tag: DescribeCampaign of another campaign denied", func() error { return tag.do("GET", "/campaigns/"+other.ID, nil, nil) },
			outcome{"AccessDeniedException", denied("tagged", "connect-campaigns:DescribeCampaign", other.Arn)}},
		{"tag: GetCampaignState of another campaign denied", func() error { return tag.do("GET", "/campaigns/"+other.ID+"/state", nil, nil) },
			outcome{"AccessDeniedException", denied("tagged", "connect-campaigns:GetCampaignState", other.Arn)}},
		{"tag: ListCampaigns cannot be granted by tag", func() error { return tag.do("POST", "/campaigns-summary", map[string]any{}, nil) },
			outcome{"AccessDeniedException", denied("tagged", "connect-campaigns:ListCampaigns", "*")}},
		{"tag: GetCampaignStateBatch cannot be granted by tag", func() error {
			return tag.do("POST", "/campaigns-state", map[string]any{"campaignIds": []string{owned.ID}}, nil)
		}, outcome{"AccessDeniedException", denied("tagged", "connect-campaigns:GetCampaignStateBatch", owned.Arn)}},
	}
	for _, tt := range tests {
		check(t, tt.name, tt.call(), tt.want)
	}
}

// TestProfilesPolicies exercises Customer Profiles authorization through
// its SDK client: resource ARNs of domains and object types, and
// aws:ResourceTag.
func TestProfilesPolicies(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	admin := e.profiles(adminKeyID)
	p := e.profiles(e.principal(t, "sales", "", fixture(t, "profiles-sales.json")))
	_, err := admin.CreateDomain(ctx, &customerprofiles.CreateDomainInput{DomainName: aws.String("support"), DefaultExpirationDays: aws.Int32(30),
		Tags: map[string]string{"team": "red"}})
	must(t, err)
	_, err = admin.CreateDomain(ctx, &customerprofiles.CreateDomainInput{DomainName: aws.String("sales-old"), DefaultExpirationDays: aws.Int32(30),
		Tags: map[string]string{"team": "blue"}})
	must(t, err)
	put := func(c *customerprofiles.Client, domain, name string) error {
		_, err := c.PutProfileObjectType(ctx, &customerprofiles.PutProfileObjectTypeInput{DomainName: aws.String(domain), ObjectTypeName: aws.String(name),
			Description: aws.String("orders"), TemplateId: aws.String("Shopify-Order")})
		return err
	}
	tests := []struct {
		name string
		call func() error
		want outcome
	}{
		{"CreateDomain sales-eu", func() error {
			_, err := p.CreateDomain(ctx, &customerprofiles.CreateDomainInput{DomainName: aws.String("sales-eu"), DefaultExpirationDays: aws.Int32(365)})
			return err
		}, outcome{}},
		{"CreateDomain support2 denied", func() error {
			_, err := p.CreateDomain(ctx, &customerprofiles.CreateDomainInput{DomainName: aws.String("support2"), DefaultExpirationDays: aws.Int32(365)})
			return err
		}, outcome{"AccessDeniedException", denied("sales", "profile:CreateDomain", arn(CustomerProfiles, "domains/support2"))}},
		{"GetDomain sales-eu", func() error {
			out, err := p.GetDomain(ctx, &customerprofiles.GetDomainInput{DomainName: aws.String("sales-eu")})
			if err == nil && (aws.ToInt32(out.DefaultExpirationDays) != 365 || out.CreatedAt == nil) {
				t.Errorf("GetDomain = %+v", out)
			}
			return err
		}, outcome{}},
		{"GetDomain support denied", func() error {
			_, err := p.GetDomain(ctx, &customerprofiles.GetDomainInput{DomainName: aws.String("support")})
			return err
		}, outcome{"AccessDeniedException", denied("sales", "profile:GetDomain", arn(CustomerProfiles, "domains/support"))}},
		{"PutProfileObjectType in sales-eu", func() error { return put(p, "sales-eu", "Order") }, outcome{}},
		{"PutProfileObjectType in support denied", func() error { return put(p, "support", "Order") },
			outcome{"AccessDeniedException", denied("sales", "profile:PutProfileObjectType", arn(CustomerProfiles, "domains/support"))}},
		{"GetProfileObjectType", func() error {
			_, err := p.GetProfileObjectType(ctx, &customerprofiles.GetProfileObjectTypeInput{DomainName: aws.String("sales-eu"), ObjectTypeName: aws.String("Order")})
			return err
		}, outcome{}},
		{"ListProfileObjectTypes", func() error {
			out, err := p.ListProfileObjectTypes(ctx, &customerprofiles.ListProfileObjectTypesInput{DomainName: aws.String("sales-eu")})
			if err == nil && (len(out.Items) != 1 || aws.ToString(out.Items[0].ObjectTypeName) != "Order") {
				t.Errorf("ListProfileObjectTypes = %+v", out.Items)
			}
			return err
		}, outcome{}},
		{"DeleteProfileObjectType denied", func() error {
			_, err := p.DeleteProfileObjectType(ctx, &customerprofiles.DeleteProfileObjectTypeInput{DomainName: aws.String("sales-eu"), ObjectTypeName: aws.String("Order")})
			return err
		}, outcome{"AccessDeniedException", denied("sales", "profile:DeleteProfileObjectType", arn(CustomerProfiles, "domains/sales-eu"))}},
		{"ListDomains", func() error {
			out, err := p.ListDomains(ctx, &customerprofiles.ListDomainsInput{})
			if err == nil && len(out.Items) != 3 {
				t.Errorf("ListDomains returned %d domains, want 3", len(out.Items))
			}
			return err
		}, outcome{}},
		{"DeleteDomain tagged team=blue", func() error {
			_, err := p.DeleteDomain(ctx, &customerprofiles.DeleteDomainInput{DomainName: aws.String("sales-old")})
			return err
		}, outcome{}},
		{"DeleteDomain tagged team=red denied", func() error {
			_, err := p.DeleteDomain(ctx, &customerprofiles.DeleteDomainInput{DomainName: aws.String("support")})
			return err
		}, outcome{"AccessDeniedException", denied("sales", "profile:DeleteDomain", arn(CustomerProfiles, "domains/support"))}},
	}
	for _, tt := range tests {
		check(t, tt.name, tt.call(), tt.want)
	}
}
