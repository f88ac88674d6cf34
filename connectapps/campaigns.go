package connectapps

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/connect-iam/connect-iam/server/restjson"
	"github.com/connect-iam/connect-iam/store"
)

// Store types of outbound campaigns resources.
const (
	typeCampaign       = "campaign"
	typeOnboardingJob  = "instance-onboarding-job"
	connectService     = "connect"
	connectInstanceTyp = "instance"
)

// Campaign states.
const (
	stateInitialized = "Initialized"
	stateRunning     = "Running"
	statePaused      = "Paused"
	stateStopped     = "Stopped"
)

var campaigns = &service{
	models:  []string{"connectcampaigns", "connectcampaignsv2"},
	aliases: map[string]string{"CampaignId": "id"},
	name:    Campaigns,
	errs:    errorCodes{validation: "ValidationException", notFound: "ResourceNotFoundException", conflict: "ConflictException", conflictSt: 409},
	ops: map[string]op{
		"CreateCampaign":                   (*handler).createCampaign,
		"DescribeCampaign":                 (*handler).describeCampaign,
		"ListCampaigns":                    (*handler).listCampaigns,
		"DeleteCampaign":                   (*handler).deleteCampaign,
		"UpdateCampaignName":               (*handler).updateCampaignName,
		"UpdateCampaignDialerConfig":       (*handler).updateCampaignDialerConfig,
		"UpdateCampaignOutboundCallConfig": (*handler).updateCampaignOutboundCallConfig,
		"StartCampaign":                    transition("StartCampaign", stateRunning, stateInitialized),
		"PauseCampaign":                    transition("PauseCampaign", statePaused, stateRunning),
		"ResumeCampaign":                   transition("ResumeCampaign", stateRunning, statePaused),
		"StopCampaign":                     transition("StopCampaign", stateStopped, stateRunning, statePaused),
		"GetCampaignState":                 (*handler).getCampaignState,
		"GetCampaignStateBatch":            (*handler).getCampaignStateBatch,
		"StartInstanceOnboardingJob":       (*handler).startInstanceOnboardingJob,
		"GetInstanceOnboardingJobStatus":   (*handler).getInstanceOnboardingJobStatus,
		"DeleteInstanceOnboardingJob":      (*handler).deleteInstanceOnboardingJob,
	},
}

// outboundCallConfig is a campaign's outboundCallConfig.
type outboundCallConfig struct {
	ConnectContactFlowID         string          `json:"connectContactFlowId"`
	ConnectSourcePhoneNumber     string          `json:"connectSourcePhoneNumber,omitempty"`
	ConnectQueueID               string          `json:"connectQueueId,omitempty"`
	AnswerMachineDetectionConfig json.RawMessage `json:"answerMachineDetectionConfig,omitempty"`
}

// campaign is the stored state of a campaign and the Campaign shape (with
// the state, which the shape does not carry, left out of responses).
type campaign struct {
	ID                 string             `json:"id"`
	Arn                string             `json:"arn"`
	Name               string             `json:"name"`
	ConnectInstanceID  string             `json:"connectInstanceId"`
	DialerConfig       json.RawMessage    `json:"dialerConfig"`
	OutboundCallConfig outboundCallConfig `json:"outboundCallConfig"`
	State              string             `json:"state,omitempty"`
	Tags               map[string]string  `json:"tags,omitempty"`
}

// checkDialerConfig checks a DialerConfig union: exactly one of
// progressiveDialerConfig, predictiveDialerConfig and agentlessDialerConfig.
func (h *handler) checkDialerConfig(raw json.RawMessage) error {
	var u map[string]json.RawMessage
	if len(raw) == 0 || string(raw) == "null" || json.Unmarshal(raw, &u) != nil || len(u) != 1 {
		return h.invalid("dialerConfig is required and must set exactly one of progressiveDialerConfig, predictiveDialerConfig and agentlessDialerConfig.")
	}
	for k := range u {
		switch k {
		case "progressiveDialerConfig", "predictiveDialerConfig", "agentlessDialerConfig":
		default:
			return h.invalid("dialerConfig member %q is not a dialer; use progressiveDialerConfig, predictiveDialerConfig or agentlessDialerConfig.", k)
		}
	}
	return nil
}

// connectInstance reports whether the Amazon Connect instance id exists
// in the caller's account.
func (h *handler) connectInstance(ctx context.Context, c *call, id string) (bool, error) {
	found := false
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		r, err := tx.GetResource(c.acct, connectService, connectInstanceTyp, id)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		found = err == nil && r.AccountID == c.acct
		return err
	})
	return found, err
}

func (h *handler) createCampaign(ctx context.Context, c *call) (any, error) {
	var in struct {
		Name               string              `json:"name"`
		ConnectInstanceID  string              `json:"connectInstanceId"`
		DialerConfig       json.RawMessage     `json:"dialerConfig"`
		OutboundCallConfig *outboundCallConfig `json:"outboundCallConfig"`
		Tags               map[string]string   `json:"tags"`
	}
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	if in.Name == "" || len(in.Name) > 127 {
		return nil, h.invalid("name %q must be 1 to 127 characters long.", in.Name)
	}
	if err := h.required("connectInstanceId", in.ConnectInstanceID); err != nil {
		return nil, err
	}
	if err := h.checkDialerConfig(in.DialerConfig); err != nil {
		return nil, err
	}
	if in.OutboundCallConfig == nil || in.OutboundCallConfig.ConnectContactFlowID == "" {
		return nil, h.invalid("outboundCallConfig.connectContactFlowId is required; name the contact flow the campaign's calls run.")
	}
	if err := h.checkTags(in.Tags); err != nil {
		return nil, err
	}
	id := newID()
	arn := h.arnOf(c, "campaign/"+id)
	if err := h.authorize(ctx, c, h.action("CreateCampaign"), tagsContext(in.Tags), target{arn: arn}); err != nil {
		return nil, err
	}
	ok, err := h.connectInstance(ctx, c, in.ConnectInstanceID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, h.notFound("Amazon Connect instance %s not found; check connectInstanceId (connect ListInstances lists them).", in.ConnectInstanceID)
	}
	cp := campaign{ID: id, Arn: arn, Name: in.Name, ConnectInstanceID: in.ConnectInstanceID, DialerConfig: in.DialerConfig,
		OutboundCallConfig: *in.OutboundCallConfig, State: stateInitialized}
	if _, err := h.create(ctx, store.Resource{AccountID: c.acct, Type: typeCampaign, ID: id, ARN: arn, Name: in.Name, ParentID: in.ConnectInstanceID, Attributes: mustJSON(cp)}, in.Tags, "Campaign "+in.Name); err != nil {
		return nil, err
	}
	return struct {
		ID   string            `json:"id"`
		Arn  string            `json:"arn"`
		Tags map[string]string `json:"tags,omitempty"`
	}{id, arn, in.Tags}, nil
}

// campaign reads the campaign named by the id label and authorizes action
// on it.
func (h *handler) campaign(ctx context.Context, c *call, action string) (obj, campaign, error) {
	id := c.Labels["id"]
	var cp campaign
	o, err := h.readAuthorized(ctx, c, h.action(action), typeCampaign, id, h.arnOf(c, "campaign/"+id), "Campaign", nil)
	if err != nil {
		return o, cp, err
	}
	err = o.Resource.DecodeAttributes(&cp)
	return o, cp, err
}

func (h *handler) describeCampaign(ctx context.Context, c *call) (any, error) {
	o, cp, err := h.campaign(ctx, c, "DescribeCampaign")
	if err != nil {
		return nil, err
	}
	cp.State, cp.Tags = "", store.TagMap(o.tags)
	return struct {
		Campaign campaign `json:"campaign"`
	}{cp}, nil
}

func (h *handler) listCampaigns(ctx context.Context, c *call) (any, error) {
	var in struct {
		MaxResults *int32 `json:"maxResults"`
		NextToken  string `json:"nextToken"`
		Filters    *struct {
			InstanceIDFilter *struct {
				Value    string `json:"value"`
				Operator string `json:"operator"`
			} `json:"instanceIdFilter"`
		} `json:"filters"`
	}
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	n := 50
	if in.MaxResults != nil {
		n = int(*in.MaxResults)
	}
	opt, err := h.pageOptions("maxResults", n, in.NextToken, 50)
	if err != nil {
		return nil, err
	}
	filter := store.ResourceFilter{}
	if in.Filters != nil && in.Filters.InstanceIDFilter != nil {
		f := in.Filters.InstanceIDFilter
		if f.Operator != "Eq" {
			return nil, h.invalid("filters.instanceIdFilter.operator %q is not valid; the only operator is Eq.", f.Operator)
		}
		filter = store.ResourceFilter{Parent: f.Value, HasParent: true}
	}
	if err := h.authorize(ctx, c, h.action("ListCampaigns"), nil, target{arn: "*"}); err != nil {
		return nil, err
	}
	var rs []store.Resource
	var next string
	err = h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		rs, next, err = tx.ListResources(c.acct, h.svc.name, typeCampaign, filter, opt)
		return err
	})
	if errors.Is(err, store.ErrInvalidArgument) {
		return nil, h.invalid("nextToken %q is not a token this list returned; send the nextToken of the previous page.", opt.Marker)
	}
	if err != nil {
		return nil, err
	}
	type summary struct {
		ID                string `json:"id"`
		Arn               string `json:"arn"`
		Name              string `json:"name"`
		ConnectInstanceID string `json:"connectInstanceId"`
	}
	out := struct {
		CampaignSummaryList []summary `json:"campaignSummaryList"`
		NextToken           string    `json:"nextToken,omitempty"`
	}{CampaignSummaryList: []summary{}, NextToken: next}
	for _, r := range rs {
		var cp campaign
		if err := r.DecodeAttributes(&cp); err != nil {
			return nil, err
		}
		out.CampaignSummaryList = append(out.CampaignSummaryList, summary{cp.ID, cp.Arn, cp.Name, cp.ConnectInstanceID})
	}
	return out, nil
}

func (h *handler) deleteCampaign(ctx context.Context, c *call) (any, error) {
	o, _, err := h.campaign(ctx, c, "DeleteCampaign")
	if err != nil {
		return nil, err
	}
	return nil, h.remove(ctx, o)
}

func (h *handler) updateCampaignName(ctx context.Context, c *call) (any, error) {
	var in struct {
		Name string `json:"name"`
	}
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	if in.Name == "" || len(in.Name) > 127 {
		return nil, h.invalid("name %q must be 1 to 127 characters long.", in.Name)
	}
	o, cp, err := h.campaign(ctx, c, "UpdateCampaignName")
	if err != nil {
		return nil, err
	}
	cp.Name, o.Name = in.Name, in.Name
	return nil, h.update(ctx, o, cp)
}

func (h *handler) updateCampaignDialerConfig(ctx context.Context, c *call) (any, error) {
	var in struct {
		DialerConfig json.RawMessage `json:"dialerConfig"`
	}
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	if err := h.checkDialerConfig(in.DialerConfig); err != nil {
		return nil, err
	}
	o, cp, err := h.campaign(ctx, c, "UpdateCampaignDialerConfig")
	if err != nil {
		return nil, err
	}
	cp.DialerConfig = in.DialerConfig
	return nil, h.update(ctx, o, cp)
}

func (h *handler) updateCampaignOutboundCallConfig(ctx context.Context, c *call) (any, error) {
	var in struct {
		ConnectContactFlowID         *string         `json:"connectContactFlowId"`
		ConnectSourcePhoneNumber     *string         `json:"connectSourcePhoneNumber"`
		AnswerMachineDetectionConfig json.RawMessage `json:"answerMachineDetectionConfig"`
	}
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	o, cp, err := h.campaign(ctx, c, "UpdateCampaignOutboundCallConfig")
	if err != nil {
		return nil, err
	}
	if in.ConnectContactFlowID != nil {
		if *in.ConnectContactFlowID == "" {
			return nil, h.invalid("connectContactFlowId must not be empty; omit it to keep the current flow.")
		}
		cp.OutboundCallConfig.ConnectContactFlowID = *in.ConnectContactFlowID
	}
	if in.ConnectSourcePhoneNumber != nil {
		cp.OutboundCallConfig.ConnectSourcePhoneNumber = *in.ConnectSourcePhoneNumber
	}
	if len(in.AnswerMachineDetectionConfig) > 0 && string(in.AnswerMachineDetectionConfig) != "null" {
		cp.OutboundCallConfig.AnswerMachineDetectionConfig = in.AnswerMachineDetectionConfig
	}
	return nil, h.update(ctx, o, cp)
}

// invalidState is the InvalidCampaignStateException of a transition that
// the campaign's state does not allow.
func invalidState(op, id, state string) error {
	return &restjson.Error{Code: "InvalidCampaignStateException", Status: http.StatusConflict,
		Message: fmt.Sprintf("%s cannot run on campaign %s in state %s; check its state with GetCampaignState.", op, id, state),
		Fields:  map[string]any{"state": state}}
}

// transition returns the operation that moves a campaign in one of the
// states from to the state to.
func transition(name, to string, from ...string) op {
	return func(h *handler, ctx context.Context, c *call) (any, error) {
		o, cp, err := h.campaign(ctx, c, name)
		if err != nil {
			return nil, err
		}
		for _, f := range from {
			if cp.State == f {
				cp.State = to
				return nil, h.update(ctx, o, cp)
			}
		}
		return nil, invalidState(name, cp.ID, cp.State)
	}
}

func (h *handler) getCampaignState(ctx context.Context, c *call) (any, error) {
	_, cp, err := h.campaign(ctx, c, "GetCampaignState")
	if err != nil {
		return nil, err
	}
	return struct {
		State string `json:"state"`
	}{cp.State}, nil
}

// getCampaignStateBatch reports the states of up to 25 campaigns. The
// action is authorized on each campaign's ARN without its tags: the
// service does not evaluate aws:ResourceTag for it.
func (h *handler) getCampaignStateBatch(ctx context.Context, c *call) (any, error) {
	var in struct {
		CampaignIDs []string `json:"campaignIds"`
	}
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	if len(in.CampaignIDs) < 1 || len(in.CampaignIDs) > 25 {
		return nil, h.invalid("campaignIds has %d IDs; send 1 to 25.", len(in.CampaignIDs))
	}
	targets := make([]target, len(in.CampaignIDs))
	for i, id := range in.CampaignIDs {
		targets[i] = target{arn: h.arnOf(c, "campaign/"+id)}
	}
	if err := h.authorize(ctx, c, h.action("GetCampaignStateBatch"), nil, targets...); err != nil {
		return nil, err
	}
	type success struct {
		CampaignID string `json:"campaignId"`
		State      string `json:"state"`
	}
	type failure struct {
		CampaignID  string `json:"campaignId"`
		FailureCode string `json:"failureCode"`
	}
	out := struct {
		SuccessfulRequests []success `json:"successfulRequests"`
		FailedRequests     []failure `json:"failedRequests"`
	}{[]success{}, []failure{}}
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		for _, id := range in.CampaignIDs {
			r, err := tx.GetResource(c.acct, h.svc.name, typeCampaign, id)
			if errors.Is(err, store.ErrNotFound) || err == nil && r.ARN != h.arnOf(c, "campaign/"+id) {
				out.FailedRequests = append(out.FailedRequests, failure{id, "ResourceNotFound"})
				continue
			}
			if err != nil {
				return err
			}
			var cp campaign
			if err := r.DecodeAttributes(&cp); err != nil {
				return err
			}
			out.SuccessfulRequests = append(out.SuccessfulRequests, success{id, cp.State})
		}
		return nil
	})
	return out, err
}

// onboardingJob is the stored state of an instance onboarding job, and
// the InstanceOnboardingJobStatus shape. Onboarding here has nothing to
// provision, so a job succeeds as soon as it starts.
type onboardingJob struct {
	ConnectInstanceID string `json:"connectInstanceId"`
	Status            string `json:"status"`
	FailureCode       string `json:"failureCode,omitempty"`
}

// onboarding authorizes an onboarding action and returns the instance ID
// of the connectInstanceId label. The onboarding actions take no resource
// in the catalog, so they are authorized on "*".
func (h *handler) onboarding(ctx context.Context, c *call, action string) (string, error) {
	id := c.Labels["connectInstanceId"]
	if err := h.authorize(ctx, c, h.action(action), nil, target{arn: "*"}); err != nil {
		return id, err
	}
	return id, nil
}

func (h *handler) startInstanceOnboardingJob(ctx context.Context, c *call) (any, error) {
	var in struct {
		EncryptionConfig *struct {
			Enabled        *bool  `json:"enabled"`
			EncryptionType string `json:"encryptionType"`
			KeyArn         string `json:"keyArn"`
		} `json:"encryptionConfig"`
	}
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	if in.EncryptionConfig == nil || in.EncryptionConfig.Enabled == nil {
		return nil, h.invalid("encryptionConfig.enabled is required; set it to true (with encryptionType KMS and keyArn) or false.")
	}
	ec := in.EncryptionConfig
	if *ec.Enabled && (ec.EncryptionType != "KMS" || ec.KeyArn == "") {
		return nil, h.invalid("An enabled encryptionConfig needs encryptionType KMS and the keyArn of a KMS key.")
	}
	id, err := h.onboarding(ctx, c, "StartInstanceOnboardingJob")
	if err != nil {
		return nil, err
	}
	ok, err := h.connectInstance(ctx, c, id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, h.notFound("Amazon Connect instance %s not found; check connectInstanceId (connect ListInstances lists them).", id)
	}
	job := onboardingJob{ConnectInstanceID: id, Status: "SUCCEEDED"}
	r := store.Resource{AccountID: c.acct, Type: typeOnboardingJob, ID: id, ARN: h.arnOf(c, "instance-onboarding-job/"+id), Name: id, Attributes: mustJSON(job)}
	if _, err := h.create(ctx, r, nil, "The onboarding job of instance "+id); err != nil {
		return nil, err
	}
	return struct {
		Status onboardingJob `json:"connectInstanceOnboardingJobStatus"`
	}{job}, nil
}

// onboardingJob reads the onboarding job of an instance.
func (h *handler) onboardingJob(ctx context.Context, c *call, action string) (obj, onboardingJob, error) {
	var job onboardingJob
	id, err := h.onboarding(ctx, c, action)
	if err != nil {
		return obj{}, job, err
	}
	o, err := h.read(ctx, c, typeOnboardingJob, id, h.arnOf(c, "instance-onboarding-job/"+id))
	if err != nil {
		return o, job, err
	}
	if !o.found {
		return o, job, h.notFound("Instance %s has no onboarding job; start one with StartInstanceOnboardingJob.", id)
	}
	err = o.Resource.DecodeAttributes(&job)
	return o, job, err
}

func (h *handler) getInstanceOnboardingJobStatus(ctx context.Context, c *call) (any, error) {
	_, job, err := h.onboardingJob(ctx, c, "GetInstanceOnboardingJobStatus")
	if err != nil {
		return nil, err
	}
	return struct {
		Status onboardingJob `json:"connectInstanceOnboardingJobStatus"`
	}{job}, nil
}

func (h *handler) deleteInstanceOnboardingJob(ctx context.Context, c *call) (any, error) {
	o, _, err := h.onboardingJob(ctx, c, "DeleteInstanceOnboardingJob")
	if err != nil {
		return nil, err
	}
	return nil, h.remove(ctx, o)
}
