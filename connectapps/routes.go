package connectapps

import "github.com/connect-iam/connect-iam/server/restjson"

// The route tables below are facts of each service's restJson1 binding
// (method, path template, query parameters, modeled errors), as the AWS
// SDKs serialize the operations.

var (
	aiErrs   = []string{"AccessDeniedException", "DuplicateResourceException", "InternalServiceError", "InvalidRequestException", "ResourceNotFoundException", "ResourceQuotaExceededException", "ThrottlingException"}
	wisErrs  = []string{"AccessDeniedException", "ConflictException", "ResourceNotFoundException", "ServiceQuotaExceededException", "ValidationException"}
	campErrs = []string{"AccessDeniedException", "ConflictException", "InternalServerException", "InvalidCampaignStateException", "InvalidStateException", "ResourceNotFoundException", "ServiceQuotaExceededException", "ThrottlingException", "ValidationException"}
	cpErrs   = []string{"AccessDeniedException", "BadRequestException", "InternalServerException", "ResourceNotFoundException", "ThrottlingException"}
)

// tagRoutes returns the tagging routes every one of these services shares.
func tagRoutes(errs []string) []restjson.Route {
	return []restjson.Route{
		{Operation: "TagResource", Method: "POST", Path: "/tags/{resourceArn}", Errors: errs},
		{Operation: "UntagResource", Method: "DELETE", Path: "/tags/{resourceArn}", Query: []string{"tagKeys"}, Errors: errs},
		{Operation: "ListTagsForResource", Method: "GET", Path: "/tags/{resourceArn}", Errors: errs},
	}
}

var page = []string{"maxResults", "nextToken"}

// appIntegrationsRoutes are the Amazon AppIntegrations operations served.
var appIntegrationsRoutes = append([]restjson.Route{
	{Operation: "CreateEventIntegration", Method: "POST", Path: "/eventIntegrations", Errors: aiErrs},
	{Operation: "GetEventIntegration", Method: "GET", Path: "/eventIntegrations/{Name}", Errors: aiErrs},
	{Operation: "ListEventIntegrations", Method: "GET", Path: "/eventIntegrations", Query: page, Errors: aiErrs},
	{Operation: "UpdateEventIntegration", Method: "PATCH", Path: "/eventIntegrations/{Name}", Errors: aiErrs},
	{Operation: "DeleteEventIntegration", Method: "DELETE", Path: "/eventIntegrations/{Name}", Errors: aiErrs},
	{Operation: "CreateDataIntegration", Method: "POST", Path: "/dataIntegrations", Errors: aiErrs},
	{Operation: "GetDataIntegration", Method: "GET", Path: "/dataIntegrations/{Identifier}", Errors: aiErrs},
	{Operation: "ListDataIntegrations", Method: "GET", Path: "/dataIntegrations", Query: page, Errors: aiErrs},
	{Operation: "UpdateDataIntegration", Method: "PATCH", Path: "/dataIntegrations/{Identifier}", Errors: aiErrs},
	{Operation: "DeleteDataIntegration", Method: "DELETE", Path: "/dataIntegrations/{DataIntegrationIdentifier}", Errors: aiErrs},
}, tagRoutes(aiErrs)...)

// wisdomRoutes are the Amazon Connect Wisdom operations served.
var wisdomRoutes = append([]restjson.Route{
	{Operation: "CreateAssistant", Method: "POST", Path: "/assistants", Errors: wisErrs},
	{Operation: "GetAssistant", Method: "GET", Path: "/assistants/{assistantId}", Errors: wisErrs},
	{Operation: "ListAssistants", Method: "GET", Path: "/assistants", Query: page, Errors: wisErrs},
	{Operation: "DeleteAssistant", Method: "DELETE", Path: "/assistants/{assistantId}", Errors: wisErrs},
	{Operation: "CreateKnowledgeBase", Method: "POST", Path: "/knowledgeBases", Errors: wisErrs},
	{Operation: "GetKnowledgeBase", Method: "GET", Path: "/knowledgeBases/{knowledgeBaseId}", Errors: wisErrs},
	{Operation: "ListKnowledgeBases", Method: "GET", Path: "/knowledgeBases", Query: page, Errors: wisErrs},
	{Operation: "DeleteKnowledgeBase", Method: "DELETE", Path: "/knowledgeBases/{knowledgeBaseId}", Errors: wisErrs},
}, tagRoutes(wisErrs)...)

// campaignsRoutes are the Amazon Connect outbound campaigns operations
// served.
var campaignsRoutes = append([]restjson.Route{
	{Operation: "CreateCampaign", Method: "PUT", Path: "/campaigns", Errors: campErrs},
	{Operation: "DescribeCampaign", Method: "GET", Path: "/campaigns/{id}", Errors: campErrs},
	{Operation: "ListCampaigns", Method: "POST", Path: "/campaigns-summary", Errors: campErrs},
	{Operation: "DeleteCampaign", Method: "DELETE", Path: "/campaigns/{id}", Errors: campErrs},
	{Operation: "UpdateCampaignName", Method: "POST", Path: "/campaigns/{id}/name", Errors: campErrs},
	{Operation: "UpdateCampaignDialerConfig", Method: "POST", Path: "/campaigns/{id}/dialer-config", Errors: campErrs},
	{Operation: "UpdateCampaignOutboundCallConfig", Method: "POST", Path: "/campaigns/{id}/outbound-call-config", Errors: campErrs},
	{Operation: "StartCampaign", Method: "POST", Path: "/campaigns/{id}/start", Errors: campErrs},
	{Operation: "PauseCampaign", Method: "POST", Path: "/campaigns/{id}/pause", Errors: campErrs},
	{Operation: "ResumeCampaign", Method: "POST", Path: "/campaigns/{id}/resume", Errors: campErrs},
	{Operation: "StopCampaign", Method: "POST", Path: "/campaigns/{id}/stop", Errors: campErrs},
	{Operation: "GetCampaignState", Method: "GET", Path: "/campaigns/{id}/state", Errors: campErrs},
	{Operation: "GetCampaignStateBatch", Method: "POST", Path: "/campaigns-state", Errors: campErrs},
	{Operation: "StartInstanceOnboardingJob", Method: "PUT", Path: "/connect-instance/{connectInstanceId}/onboarding", Errors: campErrs},
	{Operation: "GetInstanceOnboardingJobStatus", Method: "GET", Path: "/connect-instance/{connectInstanceId}/onboarding", Errors: campErrs},
	{Operation: "DeleteInstanceOnboardingJob", Method: "DELETE", Path: "/connect-instance/{connectInstanceId}/onboarding", Errors: campErrs},
}, tagRoutes(campErrs)...)

// customerProfilesRoutes are the Amazon Connect Customer Profiles
// operations served.
var customerProfilesRoutes = append([]restjson.Route{
	{Operation: "CreateDomain", Method: "POST", Path: "/domains/{DomainName}", Errors: cpErrs},
	{Operation: "GetDomain", Method: "GET", Path: "/domains/{DomainName}", Errors: cpErrs},
	{Operation: "ListDomains", Method: "GET", Path: "/domains", Query: []string{"max-results", "next-token"}, Errors: cpErrs},
	{Operation: "DeleteDomain", Method: "DELETE", Path: "/domains/{DomainName}", Errors: cpErrs},
	{Operation: "PutProfileObjectType", Method: "PUT", Path: "/domains/{DomainName}/object-types/{ObjectTypeName}", Errors: cpErrs},
	{Operation: "GetProfileObjectType", Method: "GET", Path: "/domains/{DomainName}/object-types/{ObjectTypeName}", Errors: cpErrs},
	{Operation: "ListProfileObjectTypes", Method: "GET", Path: "/domains/{DomainName}/object-types", Query: []string{"max-results", "next-token"}, Errors: cpErrs},
	{Operation: "DeleteProfileObjectType", Method: "DELETE", Path: "/domains/{DomainName}/object-types/{ObjectTypeName}", Errors: cpErrs},
}, tagRoutes(cpErrs)...)
