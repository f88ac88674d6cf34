package connectapps

import (
	"context"
	"errors"
	"github.com/connect-iam/connect-iam/internal/apimodel"
	"reflect"
	"slices"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appintegrations"
	aitypes "github.com/aws/aws-sdk-go-v2/service/appintegrations/types"
	"github.com/aws/aws-sdk-go-v2/service/customerprofiles"
	cptypes "github.com/aws/aws-sdk-go-v2/service/customerprofiles/types"
)

// TestAppIntegrationsAPI checks the AppIntegrations operations' results,
// errors, pagination and tags through the SDK client.
func TestAppIntegrationsAPI(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.appIntegrations(adminKeyID)
	for _, name := range []string{"a", "b", "c"} {
		_, err := c.CreateEventIntegration(ctx, &appintegrations.CreateEventIntegrationInput{Name: aws.String(name), EventBridgeBus: aws.String("default"),
			EventFilter: &aitypes.EventFilter{Source: aws.String("aws.partner/x")}, Tags: map[string]string{"n": name}})
		must(t, err)
	}
	// Pagination: one per page, every name once.
	var names []string
	pg := appintegrations.NewListEventIntegrationsPaginator(c, &appintegrations.ListEventIntegrationsInput{MaxResults: aws.Int32(1)})
	for pg.HasMorePages() {
		out, err := pg.NextPage(ctx)
		must(t, err)
		if len(out.EventIntegrations) > 1 {
			t.Fatalf("page of %d, want at most 1", len(out.EventIntegrations))
		}
		for _, ei := range out.EventIntegrations {
			names = append(names, aws.ToString(ei.Name))
			if ei.Tags["n"] != aws.ToString(ei.Name) {
				t.Errorf("tags of %s = %v", aws.ToString(ei.Name), ei.Tags)
			}
		}
	}
	sort.Strings(names)
	if !reflect.DeepEqual(names, []string{"a", "b", "c"}) {
		t.Errorf("listed %v, want [a b c]", names)
	}

	ev := func(name string) *string { return aws.String(arn(AppIntegrations, "event-integration/"+name)) }
	tests := []struct {
		name string
		call func() error
		want outcome
	}{
		{"duplicate name", func() error {
			_, err := c.CreateEventIntegration(ctx, &appintegrations.CreateEventIntegrationInput{Name: aws.String("a"), EventBridgeBus: aws.String("default"),
				EventFilter: &aitypes.EventFilter{Source: aws.String("aws.partner/x")}})
			return err
		}, outcome{"DuplicateResourceException", "Event integration a already exists; choose another name or delete the existing one first."}},
		{"missing event filter", func() error {
			_, err := c.CreateEventIntegration(ctx, &appintegrations.CreateEventIntegrationInput{Name: aws.String("z"), EventBridgeBus: aws.String("default"),
				EventFilter: &aitypes.EventFilter{Source: aws.String("")}})
			return err
		}, outcome{"InvalidRequestException", ""}},
		{"bad name", func() error {
			_, err := c.CreateEventIntegration(ctx, &appintegrations.CreateEventIntegrationInput{Name: aws.String("a b"), EventBridgeBus: aws.String("default"),
				EventFilter: &aitypes.EventFilter{Source: aws.String("aws.partner/x")}})
			return err
		}, outcome{"InvalidRequestException", `1 validation error detected: Value 'a b' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9\/\._\-]+$`}},
		{"get missing", func() error {
			_, err := c.GetEventIntegration(ctx, &appintegrations.GetEventIntegrationInput{Name: aws.String("nope")})
			return err
		}, outcome{"ResourceNotFoundException", ""}},
		{"page size out of range", func() error {
			_, err := c.ListEventIntegrations(ctx, &appintegrations.ListEventIntegrationsInput{MaxResults: aws.Int32(51)})
			return err
		}, outcome{"InvalidRequestException", "1 validation error detected: Value '51' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50"}},
		{"tag", func() error {
			_, err := c.TagResource(ctx, &appintegrations.TagResourceInput{ResourceArn: ev("a"), Tags: map[string]string{"env": "prod"}})
			return err
		}, outcome{}},
		{"untag", func() error {
			_, err := c.UntagResource(ctx, &appintegrations.UntagResourceInput{ResourceArn: ev("a"), TagKeys: []string{"n"}})
			return err
		}, outcome{}},
		{"list tags", func() error {
			out, err := c.ListTagsForResource(ctx, &appintegrations.ListTagsForResourceInput{ResourceArn: ev("a")})
			if err == nil && !reflect.DeepEqual(out.Tags, map[string]string{"env": "prod"}) {
				t.Errorf("tags = %v, want env=prod", out.Tags)
			}
			return err
		}, outcome{}},
		{"tag missing resource", func() error {
			_, err := c.TagResource(ctx, &appintegrations.TagResourceInput{ResourceArn: ev("nope"), Tags: map[string]string{"env": "prod"}})
			return err
		}, outcome{"ResourceNotFoundException", ""}},
		{"tag another service's ARN", func() error {
			_, err := c.TagResource(ctx, &appintegrations.TagResourceInput{ResourceArn: aws.String(arn(Wisdom, "assistant/x")), Tags: map[string]string{"env": "prod"}})
			return err
		}, outcome{"InvalidRequestException", ""}},
		{"reserved tag key", func() error {
			_, err := c.TagResource(ctx, &appintegrations.TagResourceInput{ResourceArn: ev("a"), Tags: map[string]string{"aws:x": "y"}})
			return err
		}, outcome{"InvalidRequestException", ""}},
		{"update data integration name", func() error {
			out, err := c.CreateDataIntegration(ctx, &appintegrations.CreateDataIntegrationInput{Name: aws.String("d1"), SourceURI: aws.String("s3://bucket-1"), KmsKey: aws.String("k")})
			if err != nil {
				return err
			}
			if _, err := c.UpdateDataIntegration(ctx, &appintegrations.UpdateDataIntegrationInput{Identifier: out.Arn, Name: aws.String("d2")}); err != nil {
				return err
			}
			got, err := c.GetDataIntegration(ctx, &appintegrations.GetDataIntegrationInput{Identifier: out.Id})
			if err == nil && aws.ToString(got.Name) != "d2" {
				t.Errorf("name after update = %q, want d2", aws.ToString(got.Name))
			}
			return err
		}, outcome{}},
		{"rename data integration to a taken name", func() error {
			out, err := c.CreateDataIntegration(ctx, &appintegrations.CreateDataIntegrationInput{Name: aws.String("d3"), SourceURI: aws.String("s3://bucket-3"), KmsKey: aws.String("k")})
			if err != nil {
				return err
			}
			_, err = c.UpdateDataIntegration(ctx, &appintegrations.UpdateDataIntegrationInput{Identifier: out.Id, Name: aws.String("d2")})
			return err
		}, outcome{"DuplicateResourceException", "A data integration named d2 exists already; choose another name."}},
	}
	for _, tt := range tests {
		check(t, tt.name, tt.call(), tt.want)
	}
}

// TestCampaignsAPI checks the campaign state machine, validation and
// references to Amazon Connect instances.
func TestCampaignsAPI(t *testing.T) {
	e := newEnv(t)
	c := rest{e, Campaigns, adminKeyID}
	var cp struct{ ID, Arn string }
	must(t, c.do("PUT", "/campaigns", campaignBody("c1", nil), &cp))
	state := func() string {
		var out struct{ State string }
		must(t, c.do("GET", "/campaigns/"+cp.ID+"/state", nil, &out))
		return out.State
	}
	steps := []struct {
		op, wantState string
		want          outcome
	}{
		{"pause", "Initialized", outcome{"InvalidCampaignStateException", ""}},
		{"start", "Running", outcome{}},
		{"start", "Running", outcome{"InvalidCampaignStateException", ""}},
		{"pause", "Paused", outcome{}},
		{"resume", "Running", outcome{}},
		{"stop", "Stopped", outcome{}},
		{"resume", "Stopped", outcome{"InvalidCampaignStateException", ""}},
	}
	for _, s := range steps {
		err := c.do("POST", "/campaigns/"+cp.ID+"/"+s.op, nil, nil)
		check(t, s.op, err, s.want)
		var ae *apiError
		if errors.As(err, &ae) && ae.Status != 409 {
			t.Errorf("%s: status %d, want 409", s.op, ae.Status)
		}
		if got := state(); got != s.wantState {
			t.Errorf("after %s: state %s, want %s", s.op, got, s.wantState)
		}
	}
	noInstance := campaignBody("c2", nil)
	noInstance["connectInstanceId"] = "99999999-0000-4000-8000-000000000000"
	twoDialers := campaignBody("c3", nil)
	twoDialers["dialerConfig"] = map[string]any{"progressiveDialerConfig": map[string]any{}, "predictiveDialerConfig": map[string]any{}}
	tests := []struct {
		name string
		call func() error
		want outcome
	}{
		{"unknown instance", func() error { return c.do("PUT", "/campaigns", noInstance, nil) }, outcome{"ResourceNotFoundException", ""}},
		{"two dialers", func() error { return c.do("PUT", "/campaigns", twoDialers, nil) }, outcome{"ValidationException", ""}},
		{"describe missing", func() error { return c.do("GET", "/campaigns/nope", nil, nil) }, outcome{"ResourceNotFoundException", ""}},
		{"onboarding unknown instance", func() error {
			return c.do("PUT", "/connect-instance/nope/onboarding", map[string]any{"encryptionConfig": map[string]any{"enabled": false}}, nil)
		}, outcome{"ResourceNotFoundException", ""}},
		{"onboarding status without a job", func() error { return c.do("GET", "/connect-instance/"+testInstance+"/onboarding", nil, nil) },
			outcome{"ResourceNotFoundException", ""}},
		{"onboarding KMS without a key", func() error {
			return c.do("PUT", "/connect-instance/"+testInstance+"/onboarding", map[string]any{"encryptionConfig": map[string]any{"enabled": true, "encryptionType": "KMS"}}, nil)
		}, outcome{"ValidationException", ""}},
		{"batch reports missing campaigns", func() error {
			var out struct {
				SuccessfulRequests []struct{ CampaignID, State string }
				FailedRequests     []struct{ CampaignID, FailureCode string }
			}
			err := c.do("POST", "/campaigns-state", map[string]any{"campaignIds": []string{cp.ID, "gone"}}, &out)
			if err == nil && (len(out.SuccessfulRequests) != 1 || out.SuccessfulRequests[0].State != "Stopped" ||
				len(out.FailedRequests) != 1 || out.FailedRequests[0].FailureCode != "ResourceNotFound") {
				t.Errorf("batch = %+v", out)
			}
			return err
		}, outcome{}},
		{"list filtered by instance", func() error {
			var out struct {
				CampaignSummaryList []struct{ ID string }
			}
			err := c.do("POST", "/campaigns-summary", map[string]any{"filters": map[string]any{"instanceIdFilter": map[string]any{"value": testInstance, "operator": "Eq"}}}, &out)
			if err == nil && (len(out.CampaignSummaryList) != 1 || out.CampaignSummaryList[0].ID != cp.ID) {
				t.Errorf("list = %+v", out)
			}
			return err
		}, outcome{}},
		{"list filtered by another instance", func() error {
			var out struct {
				CampaignSummaryList []struct{ ID string }
			}
			err := c.do("POST", "/campaigns-summary", map[string]any{"filters": map[string]any{"instanceIdFilter": map[string]any{"value": "other", "operator": "Eq"}}}, &out)
			if err == nil && len(out.CampaignSummaryList) != 0 {
				t.Errorf("list = %+v, want none", out)
			}
			return err
		}, outcome{}},
	}
	for _, tt := range tests {
		check(t, tt.name, tt.call(), tt.want)
	}
}

// TestWisdomAPI checks knowledge bases, pagination and tags.
func TestWisdomAPI(t *testing.T) {
	e := newEnv(t)
	c := rest{e, Wisdom, adminKeyID}
	var ids []string
	for _, name := range []string{"kb1", "kb2", "kb3"} {
		var out struct {
			KnowledgeBase struct {
				KnowledgeBaseID string `json:"knowledgeBaseId"`
			} `json:"knowledgeBase"`
		}
		must(t, c.do("POST", "/knowledgeBases", map[string]any{"name": name, "knowledgeBaseType": "CUSTOM", "tags": map[string]string{"k": name}}, &out))
		ids = append(ids, out.KnowledgeBase.KnowledgeBaseID)
	}
	var listed []string
	token := ""
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
		var out struct {
			KnowledgeBaseSummaries []struct {
				KnowledgeBaseID string `json:"knowledgeBaseId"`
			} `json:"knowledgeBaseSummaries"`
			NextToken string `json:"nextToken"`
		}
		path := "/knowledgeBases?maxResults=2"
		if token != "" {
			path += "&nextToken=" + esc(token)
		}
		must(t, c.do("GET", path, nil, &out))
		for _, s := range out.KnowledgeBaseSummaries {
			listed = append(listed, s.KnowledgeBaseID)
		}
		if token = out.NextToken; token == "" {
			break
		}
	}
	sort.Strings(ids)
	sort.Strings(listed)
	if !slices.Equal(ids, listed) {
		t.Errorf("listed %v, want %v", listed, ids)
	}
	kb := arn(Wisdom, "knowledge-base/"+ids[0])
	tests := []struct {
		name string
		call func() error
		want outcome
	}{
		{"external without source", func() error {
			return c.do("POST", "/knowledgeBases", map[string]any{"name": "x", "knowledgeBaseType": "EXTERNAL"}, nil)
		}, outcome{"ValidationException", ""}},
		{"bad type", func() error { return c.do("POST", "/assistants", map[string]any{"name": "x", "type": "ROBOT"}, nil) },
			outcome{"ValidationException", "1 validation error detected: Value 'ROBOT' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [AGENT]"}},
		{"list tags", func() error {
			var out struct {
				Tags map[string]string `json:"tags"`
			}
			err := c.do("GET", "/tags/"+esc(kb), nil, &out)
			if err == nil && len(out.Tags) != 1 {
				t.Errorf("tags = %v", out.Tags)
			}
			return err
		}, outcome{}},
		{"untag without keys", func() error { return c.do("DELETE", "/tags/"+esc(kb), nil, nil) }, outcome{"ValidationException", ""}},
		{"another region", func() error {
			return rest{e, Wisdom, adminKeyID}.doIn("us-west-2", "GET", "/knowledgeBases/"+ids[0], nil, nil)
		}, outcome{"ResourceNotFoundException", ""}},
		{"delete", func() error { return c.do("DELETE", "/knowledgeBases/"+ids[0], nil, nil) }, outcome{}},
		{"get deleted", func() error { return c.do("GET", "/knowledgeBases/"+ids[0], nil, nil) }, outcome{"ResourceNotFoundException", ""}},
	}
	for _, tt := range tests {
		check(t, tt.name, tt.call(), tt.want)
	}
}

// TestProfilesAPI checks Customer Profiles results and errors through the
// SDK client, and that deleting a domain deletes its object types.
func TestProfilesAPI(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.profiles(adminKeyID)
	_, err := c.CreateDomain(ctx, &customerprofiles.CreateDomainInput{DomainName: aws.String("d"), DefaultExpirationDays: aws.Int32(10)})
	must(t, err)
	_, err = c.PutProfileObjectType(ctx, &customerprofiles.PutProfileObjectTypeInput{DomainName: aws.String("d"), ObjectTypeName: aws.String("T"),
		Description: aws.String("t"), Fields: map[string]cptypes.ObjectTypeField{"id": {Source: aws.String("_source.id"), Target: aws.String("_profile.AccountNumber")}},
		Keys: map[string][]cptypes.ObjectTypeKey{"id": {{FieldNames: []string{"id"}, StandardIdentifiers: []cptypes.StandardIdentifier{cptypes.StandardIdentifierProfile}}}}})
	must(t, err)
	tests := []struct {
		name string
		call func() error
		want outcome
	}{
		{"duplicate domain", func() error {
			_, err := c.CreateDomain(ctx, &customerprofiles.CreateDomainInput{DomainName: aws.String("d"), DefaultExpirationDays: aws.Int32(10)})
			return err
		}, outcome{"BadRequestException", ""}},
		{"expiration out of range", func() error {
			_, err := c.CreateDomain(ctx, &customerprofiles.CreateDomainInput{DomainName: aws.String("e"), DefaultExpirationDays: aws.Int32(2000)})
			return err
		}, outcome{"BadRequestException", "1 validation error detected: Value '2000' at 'defaultExpirationDays' failed to satisfy constraint: Member must have value less than or equal to 1098"}},
		{"object type round trip", func() error {
			out, err := c.GetProfileObjectType(ctx, &customerprofiles.GetProfileObjectTypeInput{DomainName: aws.String("d"), ObjectTypeName: aws.String("T")})
			if err == nil && (aws.ToString(out.Fields["id"].Target) != "_profile.AccountNumber" || len(out.Keys["id"]) != 1) {
				t.Errorf("object type = %+v", out)
			}
			return err
		}, outcome{}},
		{"object type without fields or template", func() error {
			_, err := c.PutProfileObjectType(ctx, &customerprofiles.PutProfileObjectTypeInput{DomainName: aws.String("d"), ObjectTypeName: aws.String("U"), Description: aws.String("u")})
			return err
		}, outcome{"BadRequestException", ""}},
		{"object type in a missing domain", func() error {
			_, err := c.PutProfileObjectType(ctx, &customerprofiles.PutProfileObjectTypeInput{DomainName: aws.String("nope"), ObjectTypeName: aws.String("U"),
				Description: aws.String("u"), TemplateId: aws.String("x")})
			return err
		}, outcome{"ResourceNotFoundException", ""}},
		{"tag the object type", func() error {
			_, err := c.TagResource(ctx, &customerprofiles.TagResourceInput{ResourceArn: aws.String(arn(CustomerProfiles, "domains/d/object-types/T")), Tags: map[string]string{"a": "1"}})
			return err
		}, outcome{}},
		{"delete domain", func() error {
			out, err := c.DeleteDomain(ctx, &customerprofiles.DeleteDomainInput{DomainName: aws.String("d")})
			if err == nil && aws.ToString(out.Message) == "" {
				t.Error("DeleteDomain returned no message")
			}
			return err
		}, outcome{}},
		{"recreated domain has no object types", func() error {
			if _, err := c.CreateDomain(ctx, &customerprofiles.CreateDomainInput{DomainName: aws.String("d"), DefaultExpirationDays: aws.Int32(10)}); err != nil {
				return err
			}
			out, err := c.ListProfileObjectTypes(ctx, &customerprofiles.ListProfileObjectTypesInput{DomainName: aws.String("d")})
			if err == nil && len(out.Items) != 0 {
				t.Errorf("object types after re-creation: %+v", out.Items)
			}
			return err
		}, outcome{}},
	}
	for _, tt := range tests {
		check(t, tt.name, tt.call(), tt.want)
	}
}

// TestAuthorizationQuestions checks the questions asked of the authorizer:
// the resources the catalog lists and the request context.
func TestAuthorizationQuestions(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.profiles(adminKeyID)
	_, err := p.CreateDomain(ctx, &customerprofiles.CreateDomainInput{DomainName: aws.String("d"), DefaultExpirationDays: aws.Int32(10), Tags: map[string]string{"team": "blue"}})
	must(t, err)
	e.rec.take()
	_, err = p.PutProfileObjectType(ctx, &customerprofiles.PutProfileObjectTypeInput{DomainName: aws.String("d"), ObjectTypeName: aws.String("T"),
		Description: aws.String("t"), TemplateId: aws.String("x"), Tags: map[string]string{"owner": "me"}})
	must(t, err)
	type q struct {
		action, resource string
		ctx              map[string][]string
	}
	var got []q
	for _, r := range e.rec.take() {
		got = append(got, q{r.Action, r.Resource, r.Context})
	}
	rt := map[string][]string{"aws:RequestTag/owner": {"me"}, "aws:TagKeys": {"owner"}}
	rtDomain := map[string][]string{"aws:RequestTag/owner": {"me"}, "aws:TagKeys": {"owner"}, "aws:ResourceTag/team": {"blue"}}
	want := []q{
		{"profile:PutProfileObjectType", arn(CustomerProfiles, "domains/d"), rtDomain},
		{"profile:PutProfileObjectType", arn(CustomerProfiles, "domains/d/object-types/T"), rt},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("questions\n%+v\nwant\n%+v", got, want)
	}

	w := rest{e, Wisdom, adminKeyID}
	must(t, w.do("GET", "/assistants", nil, nil))
	if got := e.rec.take(); len(got) != 1 || got[0].Action != "wisdom:ListAssistants" || got[0].Resource != "*" {
		t.Errorf("ListAssistants questions: %+v", got)
	}
}

// TestServed checks that every operation of every model of the four
// services is served, each hand-written operation as an override.
func TestServed(t *testing.T) {
	hand := map[string]bool{}
	for _, o := range Operations() {
		hand[o] = true
	}
	for i, sv := range Served() {
		s := services[i]
		byName := map[string]int{}
		overrides := 0
		for _, o := range sv.Operations {
			byName[o.Model+":"+o.Name]++
			if o.Kind == "override" {
				overrides++
				if !hand[s.name+":"+o.Name] {
					t.Errorf("%s: %s is an override but not hand-written", s.name, o.Name)
				}
			}
		}
		if overrides != len(s.ops) {
			t.Errorf("%s: %d overrides, %d hand-written operations", s.name, overrides, len(s.ops))
		}
		routes := map[string]bool{}
		for _, name := range s.models {
			m := apimodel.MustLoad(name)
			for _, op := range m.OperationNames() {
				h := m.Operations[op].HTTP
				key := h.Method + " " + h.Path()
				if byName[name+":"+op] == 0 && !routes[key] {
					t.Errorf("%s: %s:%s is not served", s.name, name, op)
				}
				routes[key] = true
			}
		}
	}
}
