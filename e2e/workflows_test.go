package e2e_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconnect "github.com/aws/aws-sdk-go-v2/service/connect"
	ctypes "github.com/aws/aws-sdk-go-v2/service/connect/types"
)

// TestConnectWorkflows drives real Amazon Connect workflows with
// aws-sdk-go-v2 through the generic engine and the hand-written
// operations together: each resource is created, read back, listed,
// updated where the API allows, and deleted.
func TestConnectWorkflows(t *testing.T) {
	s := startServer(t)
	c := s.connect(clientOptions{})
	ctx := context.Background()
	w := newConnectWorld(t, c, "workflows")
	inst := aws.String(w.instance)
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	// A hierarchy and an agent in it.
	hg, err := c.CreateUserHierarchyGroup(ctx, &awsconnect.CreateUserHierarchyGroupInput{InstanceId: inst, Name: aws.String("EMEA")})
	must("CreateUserHierarchyGroup", err)
	u, err := w.createUser(ctx, c, "agent1", map[string]string{"team": "billing"})
	must("CreateUser", err)
	_, err = c.UpdateUserHierarchy(ctx, &awsconnect.UpdateUserHierarchyInput{InstanceId: inst, UserId: u.UserId, HierarchyGroupId: hg.HierarchyGroupId})
	must("UpdateUserHierarchy", err)

	// Flow modules.
	mod, err := c.CreateContactFlowModule(ctx, &awsconnect.CreateContactFlowModuleInput{InstanceId: inst, Name: aws.String("greeting"),
		Content: aws.String(`{"Version":"2019-10-30","StartAction":"a","Actions":[]}`)})
	must("CreateContactFlowModule", err)
	dm, err := c.DescribeContactFlowModule(ctx, &awsconnect.DescribeContactFlowModuleInput{InstanceId: inst, ContactFlowModuleId: mod.Id})
	must("DescribeContactFlowModule", err)
	if aws.ToString(dm.ContactFlowModule.Name) != "greeting" || aws.ToString(dm.ContactFlowModule.Arn) != aws.ToString(mod.Arn) {
		t.Errorf("DescribeContactFlowModule = %+v, created %+v", dm.ContactFlowModule, mod)
	}
	lm, err := c.ListContactFlowModules(ctx, &awsconnect.ListContactFlowModulesInput{InstanceId: inst})
	must("ListContactFlowModules", err)
	if len(lm.ContactFlowModulesSummaryList) != 1 || aws.ToString(lm.ContactFlowModulesSummaryList[0].Id) != aws.ToString(mod.Id) {
		t.Errorf("ListContactFlowModules = %+v", lm.ContactFlowModulesSummaryList)
	}

	// Prompts.
	p, err := c.CreatePrompt(ctx, &awsconnect.CreatePromptInput{InstanceId: inst, Name: aws.String("hold"), S3Uri: aws.String("s3://bucket/hold.wav"),
		Tags: map[string]string{"team": "billing"}})
	must("CreatePrompt", err)
	dp, err := c.DescribePrompt(ctx, &awsconnect.DescribePromptInput{InstanceId: inst, PromptId: p.PromptId})
	must("DescribePrompt", err)
	if aws.ToString(dp.Prompt.Name) != "hold" || dp.Prompt.Tags["team"] != "billing" {
		t.Errorf("DescribePrompt = %+v", dp.Prompt)
	}
	_, err = c.UpdatePrompt(ctx, &awsconnect.UpdatePromptInput{InstanceId: inst, PromptId: p.PromptId, Name: aws.String("hold music")})
	must("UpdatePrompt", err)
	dp, err = c.DescribePrompt(ctx, &awsconnect.DescribePromptInput{InstanceId: inst, PromptId: p.PromptId})
	must("DescribePrompt after the update", err)
	if aws.ToString(dp.Prompt.Name) != "hold music" {
		t.Errorf("after UpdatePrompt, name %q", aws.ToString(dp.Prompt.Name))
	}

	// Quick connects and agent statuses.
	qc, err := c.CreateQuickConnect(ctx, &awsconnect.CreateQuickConnectInput{InstanceId: inst, Name: aws.String("supervisor"),
		QuickConnectConfig: &ctypes.QuickConnectConfig{QuickConnectType: ctypes.QuickConnectTypePhoneNumber,
			PhoneConfig: &ctypes.PhoneNumberQuickConnectConfig{PhoneNumber: aws.String("+12065550100")}}})
	must("CreateQuickConnect", err)
	_, err = c.DescribeQuickConnect(ctx, &awsconnect.DescribeQuickConnectInput{InstanceId: inst, QuickConnectId: qc.QuickConnectId})
	must("DescribeQuickConnect", err)
	as, err := c.CreateAgentStatus(ctx, &awsconnect.CreateAgentStatusInput{InstanceId: inst, Name: aws.String("Lunch"), State: ctypes.AgentStatusStateEnabled})
	must("CreateAgentStatus", err)
	das, err := c.DescribeAgentStatus(ctx, &awsconnect.DescribeAgentStatusInput{InstanceId: inst, AgentStatusId: as.AgentStatusId})
	must("DescribeAgentStatus", err)
	if aws.ToString(das.AgentStatus.Name) != "Lunch" || das.AgentStatus.State != ctypes.AgentStatusStateEnabled {
		t.Errorf("DescribeAgentStatus = %+v", das.AgentStatus)
	}
	_, err = c.CreateAgentStatus(ctx, &awsconnect.CreateAgentStatusInput{InstanceId: inst, Name: aws.String("lunch"), State: ctypes.AgentStatusStateEnabled})
	wantAPIError(t, err, "DuplicateResourceException", "")
	las, err := c.ListAgentStatuses(ctx, &awsconnect.ListAgentStatusesInput{InstanceId: inst})
	must("ListAgentStatuses", err)
	if len(las.AgentStatusSummaryList) != 1 {
		t.Errorf("ListAgentStatuses = %+v", las.AgentStatusSummaryList)
	}

	// Vocabularies, evaluation forms, rules, views, predefined attributes.
	v, err := c.CreateVocabulary(ctx, &awsconnect.CreateVocabularyInput{InstanceId: inst, VocabularyName: aws.String("products"),
		LanguageCode: ctypes.VocabularyLanguageCodeEnUs, Content: aws.String("Phrase\tIPA\tSoundsLike\tDisplayAs\nconnect\t\t\t\n")})
	must("CreateVocabulary", err)
	dv, err := c.DescribeVocabulary(ctx, &awsconnect.DescribeVocabularyInput{InstanceId: inst, VocabularyId: v.VocabularyId})
	must("DescribeVocabulary", err)
	if aws.ToString(dv.Vocabulary.Name) != "products" || aws.ToString(dv.Vocabulary.Arn) != aws.ToString(v.VocabularyArn) {
		t.Errorf("DescribeVocabulary = %+v", dv.Vocabulary)
	}
	ef, err := c.CreateEvaluationForm(ctx, &awsconnect.CreateEvaluationFormInput{InstanceId: inst, Title: aws.String("QA"),
		Items: []ctypes.EvaluationFormItem{&ctypes.EvaluationFormItemMemberSection{Value: ctypes.EvaluationFormSection{Title: aws.String("Greeting"), RefId: aws.String("s1"),
			Items: []ctypes.EvaluationFormItem{&ctypes.EvaluationFormItemMemberQuestion{Value: ctypes.EvaluationFormQuestion{Title: aws.String("Polite?"),
				RefId: aws.String("q1"), QuestionType: ctypes.EvaluationFormQuestionTypeText}}}}}}})
	must("CreateEvaluationForm", err)
	def, err := c.DescribeEvaluationForm(ctx, &awsconnect.DescribeEvaluationFormInput{InstanceId: inst, EvaluationFormId: ef.EvaluationFormId})
	must("DescribeEvaluationForm", err)
	if aws.ToString(def.EvaluationForm.Title) != "QA" || aws.ToString(def.EvaluationForm.EvaluationFormArn) != aws.ToString(ef.EvaluationFormArn) {
		t.Errorf("DescribeEvaluationForm = %+v", def.EvaluationForm)
	}
	rule, err := c.CreateRule(ctx, &awsconnect.CreateRuleInput{InstanceId: inst, Name: aws.String("escalate"), Function: aws.String("$.x"),
		PublishStatus: ctypes.RulePublishStatusDraft, TriggerEventSource: &ctypes.RuleTriggerEventSource{EventSourceName: ctypes.EventSourceNameOnPostCallAnalysisAvailable},
		Actions: []ctypes.RuleAction{{ActionType: ctypes.ActionTypeCreateTask}}})
	must("CreateRule", err)
	dr, err := c.DescribeRule(ctx, &awsconnect.DescribeRuleInput{InstanceId: inst, RuleId: rule.RuleId})
	must("DescribeRule", err)
	if aws.ToString(dr.Rule.Name) != "escalate" || aws.ToString(dr.Rule.RuleArn) != aws.ToString(rule.RuleArn) {
		t.Errorf("DescribeRule = %+v", dr.Rule)
	}
	view, err := c.CreateView(ctx, &awsconnect.CreateViewInput{InstanceId: inst, Name: aws.String("card"), Status: ctypes.ViewStatusPublished,
		Content: &ctypes.ViewInputContent{Template: aws.String("{}")}})
	must("CreateView", err)
	dvw, err := c.DescribeView(ctx, &awsconnect.DescribeViewInput{InstanceId: inst, ViewId: view.View.Id})
	must("DescribeView", err)
	if aws.ToString(dvw.View.Name) != "card" {
		t.Errorf("DescribeView = %+v", dvw.View)
	}
	_, err = c.CreatePredefinedAttribute(ctx, &awsconnect.CreatePredefinedAttributeInput{InstanceId: inst, Name: aws.String("tier"),
		Values: &ctypes.PredefinedAttributeValuesMemberStringList{Value: []string{"gold", "silver"}}})
	must("CreatePredefinedAttribute", err)
	dpa, err := c.DescribePredefinedAttribute(ctx, &awsconnect.DescribePredefinedAttributeInput{InstanceId: inst, Name: aws.String("tier")})
	must("DescribePredefinedAttribute", err)
	if aws.ToString(dpa.PredefinedAttribute.Name) != "tier" {
		t.Errorf("DescribePredefinedAttribute = %+v", dpa.PredefinedAttribute)
	}

	// Integrations, Lambda functions and storage configs.
	ia, err := c.CreateIntegrationAssociation(ctx, &awsconnect.CreateIntegrationAssociationInput{InstanceId: inst,
		IntegrationType: ctypes.IntegrationTypeEvent, IntegrationArn: aws.String("arn:aws:app-integrations:us-east-1:" + account + ":event-integration/x")})
	must("CreateIntegrationAssociation", err)
	lia, err := c.ListIntegrationAssociations(ctx, &awsconnect.ListIntegrationAssociationsInput{InstanceId: inst})
	must("ListIntegrationAssociations", err)
	if len(lia.IntegrationAssociationSummaryList) != 1 || aws.ToString(lia.IntegrationAssociationSummaryList[0].IntegrationAssociationId) != aws.ToString(ia.IntegrationAssociationId) {
		t.Errorf("ListIntegrationAssociations = %+v", lia.IntegrationAssociationSummaryList)
	}
	fn := "arn:aws:lambda:us-east-1:" + account + ":function:router"
	_, err = c.AssociateLambdaFunction(ctx, &awsconnect.AssociateLambdaFunctionInput{InstanceId: inst, FunctionArn: aws.String(fn)})
	must("AssociateLambdaFunction", err)
	llf, err := c.ListLambdaFunctions(ctx, &awsconnect.ListLambdaFunctionsInput{InstanceId: inst})
	must("ListLambdaFunctions", err)
	if len(llf.LambdaFunctions) != 1 || llf.LambdaFunctions[0] != fn {
		t.Errorf("ListLambdaFunctions = %v", llf.LambdaFunctions)
	}
	_, err = c.DisassociateLambdaFunction(ctx, &awsconnect.DisassociateLambdaFunctionInput{InstanceId: inst, FunctionArn: aws.String(fn)})
	must("DisassociateLambdaFunction", err)
	llf, err = c.ListLambdaFunctions(ctx, &awsconnect.ListLambdaFunctionsInput{InstanceId: inst})
	must("ListLambdaFunctions after disassociating", err)
	if len(llf.LambdaFunctions) != 0 {
		t.Errorf("ListLambdaFunctions after disassociating = %v", llf.LambdaFunctions)
	}
	sc, err := c.AssociateInstanceStorageConfig(ctx, &awsconnect.AssociateInstanceStorageConfigInput{InstanceId: inst,
		ResourceType: ctypes.InstanceStorageResourceTypeCallRecordings, StorageConfig: &ctypes.InstanceStorageConfig{StorageType: ctypes.StorageTypeS3,
			S3Config: &ctypes.S3Config{BucketName: aws.String("recordings"), BucketPrefix: aws.String("calls")}}})
	must("AssociateInstanceStorageConfig", err)
	lsc, err := c.ListInstanceStorageConfigs(ctx, &awsconnect.ListInstanceStorageConfigsInput{InstanceId: inst, ResourceType: ctypes.InstanceStorageResourceTypeCallRecordings})
	must("ListInstanceStorageConfigs", err)
	if len(lsc.StorageConfigs) != 1 || aws.ToString(lsc.StorageConfigs[0].S3Config.BucketName) != "recordings" {
		t.Errorf("ListInstanceStorageConfigs = %+v (created %s)", lsc.StorageConfigs, aws.ToString(sc.AssociationId))
	}

	// Searches and batch reads.
	sr, err := c.SearchRoutingProfiles(ctx, &awsconnect.SearchRoutingProfilesInput{InstanceId: inst})
	must("SearchRoutingProfiles", err)
	if len(sr.RoutingProfiles) < 2 {
		t.Errorf("SearchRoutingProfiles found %d, want the default and Billing agents", len(sr.RoutingProfiles))
	}
	// By tag, as a principal whose policy allows searching only with the
	// filter Department=Test (connect:SearchTag/Department).
	rpARN := "arn:aws:connect:us-east-1:" + account + ":instance/" + w.instance + "/routing-profile/" + w.routing
	_, err = c.TagResource(ctx, &awsconnect.TagResourceInput{ResourceArn: aws.String(rpARN), Tags: map[string]string{"Department": "Test"}})
	must("TagResource on the routing profile", err)
	searcher := s.connect(s.iamPrincipal(t, "searcher", "", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"connect:SearchRoutingProfiles",`+
		`"Resource":"*","Condition":{"StringEquals":{"connect:SearchTag/Department":"Test"}}}]}`))
	filter := func(v string) *ctypes.RoutingProfileSearchFilter {
		return &ctypes.RoutingProfileSearchFilter{TagFilter: &ctypes.ControlPlaneTagFilter{
			TagCondition: &ctypes.TagCondition{TagKey: aws.String("Department"), TagValue: aws.String(v)}}}
	}
	sr, err = searcher.SearchRoutingProfiles(ctx, &awsconnect.SearchRoutingProfilesInput{InstanceId: inst, SearchFilter: filter("Test")})
	must("SearchRoutingProfiles with the allowed tag filter", err)
	if len(sr.RoutingProfiles) != 1 || aws.ToString(sr.RoutingProfiles[0].RoutingProfileId) != w.routing {
		t.Errorf("SearchRoutingProfiles Department=Test = %+v, want only %s", sr.RoutingProfiles, w.routing)
	}
	_, err = searcher.SearchRoutingProfiles(ctx, &awsconnect.SearchRoutingProfilesInput{InstanceId: inst, SearchFilter: filter("Prod")})
	wantAPIError(t, err, "AccessDeniedException", "")
	_, err = searcher.SearchRoutingProfiles(ctx, &awsconnect.SearchRoutingProfilesInput{InstanceId: inst})
	wantAPIError(t, err, "AccessDeniedException", "")
	byName, err := c.SearchRoutingProfiles(ctx, &awsconnect.SearchRoutingProfilesInput{InstanceId: inst, SearchCriteria: &ctypes.RoutingProfileSearchCriteria{
		StringCondition: &ctypes.StringCondition{FieldName: aws.String("name"), Value: aws.String("billing"), ComparisonType: ctypes.StringComparisonTypeStartsWith}}})
	must("SearchRoutingProfiles by name", err)
	if len(byName.RoutingProfiles) != 1 {
		t.Errorf("SearchRoutingProfiles name STARTS_WITH billing = %d results, want 1", len(byName.RoutingProfiles))
	}
	_, err = c.BatchGetFlowAssociation(ctx, &awsconnect.BatchGetFlowAssociationInput{InstanceId: inst, ResourceIds: []string{"x"}})
	must("BatchGetFlowAssociation", err)

	// Deletes: a deleted resource is gone.
	_, err = c.DeleteContactFlowModule(ctx, &awsconnect.DeleteContactFlowModuleInput{InstanceId: inst, ContactFlowModuleId: mod.Id})
	must("DeleteContactFlowModule", err)
	_, err = c.DescribeContactFlowModule(ctx, &awsconnect.DescribeContactFlowModuleInput{InstanceId: inst, ContactFlowModuleId: mod.Id})
	wantAPIError(t, err, "ResourceNotFoundException", "")
	_, err = c.DeletePrompt(ctx, &awsconnect.DeletePromptInput{InstanceId: inst, PromptId: p.PromptId})
	must("DeletePrompt", err)
	// A resource of an instance that does not exist.
	_, err = c.CreateAgentStatus(ctx, &awsconnect.CreateAgentStatusInput{InstanceId: aws.String("00000000-0000-4000-8000-00000000dead"), Name: aws.String("x"), State: ctypes.AgentStatusStateEnabled})
	wantAPIError(t, err, "ResourceNotFoundException", "")
}
