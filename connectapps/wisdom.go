package connectapps

import (
	"context"
	"encoding/json"

	"github.com/connect-iam/connect-iam/store"
)

// Store types of Amazon Connect Wisdom resources.
const (
	typeAssistant     = "assistant"
	typeKnowledgeBase = "knowledge-base"
)

var wisdom = &service{
	models: []string{"qconnect", "wisdom"},
	name:   Wisdom,
	errs:   errorCodes{validation: "ValidationException", notFound: "ResourceNotFoundException", conflict: "ConflictException", conflictSt: 409},
	ops: map[string]op{
		"CreateAssistant":     (*handler).createAssistant,
		"GetAssistant":        (*handler).getAssistant,
		"ListAssistants":      (*handler).listAssistants,
		"DeleteAssistant":     (*handler).deleteAssistant,
		"CreateKnowledgeBase": (*handler).createKnowledgeBase,
		"GetKnowledgeBase":    (*handler).getKnowledgeBase,
		"ListKnowledgeBases":  (*handler).listKnowledgeBases,
		"DeleteKnowledgeBase": (*handler).deleteKnowledgeBase,
	},
}

// assistant is the stored state of a Wisdom assistant and the
// AssistantData (and AssistantSummary) shape.
type assistant struct {
	AssistantArn                      string            `json:"assistantArn"`
	AssistantID                       string            `json:"assistantId"`
	Name                              string            `json:"name"`
	Type                              string            `json:"type"`
	Status                            string            `json:"status"`
	Description                       string            `json:"description,omitempty"`
	ServerSideEncryptionConfiguration json.RawMessage   `json:"serverSideEncryptionConfiguration,omitempty"`
	Tags                              map[string]string `json:"tags,omitempty"`
}

// knowledgeBase is the stored state of a Wisdom knowledge base and the
// KnowledgeBaseData (and KnowledgeBaseSummary) shape.
type knowledgeBase struct {
	KnowledgeBaseArn                  string            `json:"knowledgeBaseArn"`
	KnowledgeBaseID                   string            `json:"knowledgeBaseId"`
	Name                              string            `json:"name"`
	KnowledgeBaseType                 string            `json:"knowledgeBaseType"`
	Status                            string            `json:"status"`
	Description                       string            `json:"description,omitempty"`
	SourceConfiguration               json.RawMessage   `json:"sourceConfiguration,omitempty"`
	RenderingConfiguration            json.RawMessage   `json:"renderingConfiguration,omitempty"`
	ServerSideEncryptionConfiguration json.RawMessage   `json:"serverSideEncryptionConfiguration,omitempty"`
	Tags                              map[string]string `json:"tags,omitempty"`
}

// Wisdom names: 1 to 255 characters of letters, digits and these.
const wisdomNameChars = "_-. "

func (h *handler) createAssistant(ctx context.Context, c *call) (any, error) {
	var in struct {
		Name                              string            `json:"name"`
		Type                              string            `json:"type"`
		Description                       string            `json:"description"`
		ClientToken                       string            `json:"clientToken"`
		ServerSideEncryptionConfiguration json.RawMessage   `json:"serverSideEncryptionConfiguration"`
		Tags                              map[string]string `json:"tags"`
	}
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	if err := h.checkName("name", in.Name, 255, wisdomNameChars); err != nil {
		return nil, err
	}
	if in.Type != "AGENT" {
		return nil, h.invalid("type %q is not valid; the only assistant type is AGENT.", in.Type)
	}
	if len(in.Description) > 255 {
		return nil, h.invalid("description is %d characters long; the maximum is 255.", len(in.Description))
	}
	if err := h.checkTags(in.Tags); err != nil {
		return nil, err
	}
	id := newID()
	arn := h.arnOf(c, "assistant/"+id)
	if err := h.authorize(ctx, c, h.action("CreateAssistant"), tagsContext(in.Tags), target{arn: arn}); err != nil {
		return nil, err
	}
	a := assistant{AssistantArn: arn, AssistantID: id, Name: in.Name, Type: in.Type, Status: "ACTIVE", Description: in.Description,
		ServerSideEncryptionConfiguration: in.ServerSideEncryptionConfiguration}
	if _, err := h.create(ctx, store.Resource{AccountID: c.acct, Type: typeAssistant, ID: id, ARN: arn, Name: in.Name, Attributes: mustJSON(a)}, in.Tags, "Assistant "+in.Name); err != nil {
		return nil, err
	}
	a.Tags = in.Tags
	return struct {
		Assistant assistant `json:"assistant"`
	}{a}, nil
}

func (h *handler) assistant(ctx context.Context, c *call, action string) (obj, assistant, error) {
	id := idOf(c.Labels["assistantId"])
	var a assistant
	o, err := h.readAuthorized(ctx, c, h.action(action), typeAssistant, id, h.arnOf(c, "assistant/"+id), "Assistant", nil)
	if err != nil {
		return o, a, err
	}
	err = o.Resource.DecodeAttributes(&a)
	a.Tags = store.TagMap(o.tags)
	return o, a, err
}

func (h *handler) getAssistant(ctx context.Context, c *call) (any, error) {
	_, a, err := h.assistant(ctx, c, "GetAssistant")
	if err != nil {
		return nil, err
	}
	return struct {
		Assistant assistant `json:"assistant"`
	}{a}, nil
}

func (h *handler) listAssistants(ctx context.Context, c *call) (any, error) {
	opt, err := h.listOptions(c, "maxResults", "nextToken", 100)
	if err != nil {
		return nil, err
	}
	if err := h.authorize(ctx, c, h.action("ListAssistants"), nil, target{arn: "*"}); err != nil {
		return nil, err
	}
	page, err := listPage[assistant](ctx, h, c, typeAssistant, "", opt)
	if err != nil {
		return nil, err
	}
	for i := range page.items {
		page.items[i].Tags = page.tags[i]
	}
	return struct {
		AssistantSummaries []assistant `json:"assistantSummaries"`
		NextToken          string      `json:"nextToken,omitempty"`
	}{page.items, page.next}, nil
}

func (h *handler) deleteAssistant(ctx context.Context, c *call) (any, error) {
	o, _, err := h.assistant(ctx, c, "DeleteAssistant")
	if err != nil {
		return nil, err
	}
	return nil, h.remove(ctx, o)
}

func (h *handler) createKnowledgeBase(ctx context.Context, c *call) (any, error) {
	var in struct {
		Name                              string            `json:"name"`
		KnowledgeBaseType                 string            `json:"knowledgeBaseType"`
		Description                       string            `json:"description"`
		ClientToken                       string            `json:"clientToken"`
		SourceConfiguration               json.RawMessage   `json:"sourceConfiguration"`
		RenderingConfiguration            json.RawMessage   `json:"renderingConfiguration"`
		ServerSideEncryptionConfiguration json.RawMessage   `json:"serverSideEncryptionConfiguration"`
		Tags                              map[string]string `json:"tags"`
	}
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	if err := h.checkName("name", in.Name, 255, wisdomNameChars); err != nil {
		return nil, err
	}
	switch in.KnowledgeBaseType {
	case "EXTERNAL":
		if len(in.SourceConfiguration) == 0 || string(in.SourceConfiguration) == "null" {
			return nil, h.invalid("sourceConfiguration is required for an EXTERNAL knowledge base; name the AppIntegrations data integration.")
		}
	case "CUSTOM":
	default:
		return nil, h.invalid("knowledgeBaseType %q is not valid; use EXTERNAL or CUSTOM.", in.KnowledgeBaseType)
	}
	if err := h.checkTags(in.Tags); err != nil {
		return nil, err
	}
	id := newID()
	arn := h.arnOf(c, "knowledge-base/"+id)
	if err := h.authorize(ctx, c, h.action("CreateKnowledgeBase"), tagsContext(in.Tags), target{arn: arn}); err != nil {
		return nil, err
	}
	kb := knowledgeBase{KnowledgeBaseArn: arn, KnowledgeBaseID: id, Name: in.Name, KnowledgeBaseType: in.KnowledgeBaseType, Status: "ACTIVE",
		Description: in.Description, SourceConfiguration: in.SourceConfiguration, RenderingConfiguration: in.RenderingConfiguration,
		ServerSideEncryptionConfiguration: in.ServerSideEncryptionConfiguration}
	if _, err := h.create(ctx, store.Resource{AccountID: c.acct, Type: typeKnowledgeBase, ID: id, ARN: arn, Name: in.Name, Attributes: mustJSON(kb)}, in.Tags, "Knowledge base "+in.Name); err != nil {
		return nil, err
	}
	kb.Tags = in.Tags
	return struct {
		KnowledgeBase knowledgeBase `json:"knowledgeBase"`
	}{kb}, nil
}

func (h *handler) knowledgeBase(ctx context.Context, c *call, action string) (obj, knowledgeBase, error) {
	id := idOf(c.Labels["knowledgeBaseId"])
	var kb knowledgeBase
	o, err := h.readAuthorized(ctx, c, h.action(action), typeKnowledgeBase, id, h.arnOf(c, "knowledge-base/"+id), "Knowledge base", nil)
	if err != nil {
		return o, kb, err
	}
	err = o.Resource.DecodeAttributes(&kb)
	kb.Tags = store.TagMap(o.tags)
	return o, kb, err
}

func (h *handler) getKnowledgeBase(ctx context.Context, c *call) (any, error) {
	_, kb, err := h.knowledgeBase(ctx, c, "GetKnowledgeBase")
	if err != nil {
		return nil, err
	}
	return struct {
		KnowledgeBase knowledgeBase `json:"knowledgeBase"`
	}{kb}, nil
}

func (h *handler) listKnowledgeBases(ctx context.Context, c *call) (any, error) {
	opt, err := h.listOptions(c, "maxResults", "nextToken", 100)
	if err != nil {
		return nil, err
	}
	if err := h.authorize(ctx, c, h.action("ListKnowledgeBases"), nil, target{arn: "*"}); err != nil {
		return nil, err
	}
	page, err := listPage[knowledgeBase](ctx, h, c, typeKnowledgeBase, "", opt)
	if err != nil {
		return nil, err
	}
	for i := range page.items {
		page.items[i].Tags = page.tags[i]
	}
	return struct {
		KnowledgeBaseSummaries []knowledgeBase `json:"knowledgeBaseSummaries"`
		NextToken              string          `json:"nextToken,omitempty"`
	}{page.items, page.next}, nil
}

func (h *handler) deleteKnowledgeBase(ctx context.Context, c *call) (any, error) {
	o, _, err := h.knowledgeBase(ctx, c, "DeleteKnowledgeBase")
	if err != nil {
		return nil, err
	}
	return nil, h.remove(ctx, o)
}
