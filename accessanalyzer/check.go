package accessanalyzer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/check"
	"github.com/connect-iam/connect-iam/server"
	"github.com/connect-iam/connect-iam/server/restjson"
)

// checkRoutes are the custom policy checks (Access Analyzer API
// Reference bindings), served over package check.
var checkRoutes = []restjson.Route{
	{Operation: "CheckNoNewAccess", Method: "POST", Path: "/policy/check-no-new-access",
		Errors: []string{"AccessDeniedException", "InternalServerException", "ThrottlingException", "ValidationException"}},
	{Operation: "CheckAccessNotGranted", Method: "POST", Path: "/policy/check-access-not-granted",
		Errors: []string{"AccessDeniedException", "InternalServerException", "ThrottlingException", "ValidationException"}},
	{Operation: "CheckNoPublicAccess", Method: "POST", Path: "/policy/check-no-public-access",
		Errors: []string{"AccessDeniedException", "InternalServerException", "ThrottlingException", "ValidationException"}},
}

var checkPolicyTypes = []string{"IDENTITY_POLICY", "RESOURCE_POLICY"}

func (s *Service) registerChecks(srv *server.Server) {
	handlers := map[string]server.RESTHandlerFunc{
		"CheckNoNewAccess":      s.checkNoNewAccess,
		"CheckAccessNotGranted": s.checkAccessNotGranted,
		"CheckNoPublicAccess":   s.checkNoPublicAccess,
	}
	for _, r := range checkRoutes {
		srv.RegisterREST("access-analyzer", r, handlers[r.Operation])
	}
}

// checkOutput is the response of the three checks: Access Analyzer's
// result, message and reasons. Each reason also carries the
// counterexample as `connect-iam simulate` input (an addition the SDKs
// ignore).
type checkOutput struct {
	Result  string        `json:"result"`
	Message string        `json:"message"`
	Reasons []checkReason `json:"reasons"`
}

type checkReason struct {
	Description    string          `json:"description"`
	StatementIndex *int            `json:"statementIndex,omitempty"`
	StatementID    string          `json:"statementId,omitempty"`
	Counterexample json.RawMessage `json:"counterexample,omitempty"`
}

func output(r *check.Result) *checkOutput {
	out := &checkOutput{Result: r.Result, Message: r.Message, Reasons: []checkReason{}}
	for _, re := range r.Reasons {
		cr := checkReason{Description: re.Description, StatementID: re.StatementID}
		if re.StatementIndex >= 0 {
			i := re.StatementIndex
			cr.StatementIndex = &i
		}
		if re.Counterexample != nil {
			cr.Counterexample = re.Counterexample.NewInput
		}
		out.Reasons = append(out.Reasons, cr)
	}
	return out
}

// authorize authorizes the caller for access-analyzer:ACTION on "*".
func (s *Service) authorize(ctx context.Context, call *server.RESTCall, action string) error {
	caller := authz.AuthCaller(call.Auth)
	if caller == nil {
		return errors.New("accessanalyzer: the request has no authenticated caller: the server's credential store must set an *authz.Caller as the principal")
	}
	req := &authz.Request{Caller: caller, Action: "access-analyzer:" + action, Resource: "*", HTTP: call.HTTPRequest, Region: call.Auth.Region}
	if err := s.d.Authorizer.Authorize(ctx, req); err != nil {
		var ad *authz.AccessDeniedError
		if errors.As(err, &ad) {
			return restjson.AccessAnalyzerError("AccessDeniedException", ad.Message)
		}
		return err
	}
	return nil
}

func policyType(v string) (check.PolicyType, error) {
	if v == "" {
		return "", fieldError("policyType", "policyType is required: use IDENTITY_POLICY or RESOURCE_POLICY.")
	}
	if !contains(checkPolicyTypes, v) {
		return "", fieldError("policyType", fmt.Sprintf("policyType %q is not valid: use IDENTITY_POLICY or RESOURCE_POLICY.", v))
	}
	return check.PolicyType(v), nil
}

// policyError reports a policy the checks cannot read.
func policyError(field string, err error) error {
	return fieldError(field, fmt.Sprintf("%s cannot be checked: %v. Fix the policy (connect-iam validate reports every problem with line and column).", field, err))
}

type checkNoNewAccessInput struct {
	ExistingPolicyDocument *string `json:"existingPolicyDocument"`
	NewPolicyDocument      *string `json:"newPolicyDocument"`
	PolicyType             string  `json:"policyType"`
}

func (s *Service) checkNoNewAccess(ctx context.Context, call *server.RESTCall) (any, error) {
	if err := s.authorize(ctx, call, "CheckNoNewAccess"); err != nil {
		return nil, err
	}
	var in checkNoNewAccessInput
	if err := call.Decode(&in); err != nil {
		return nil, err
	}
	switch {
	case in.NewPolicyDocument == nil:
		return nil, fieldError("newPolicyDocument", "newPolicyDocument is required: send the policy as a JSON string.")
	case in.ExistingPolicyDocument == nil:
		return nil, fieldError("existingPolicyDocument", "existingPolicyDocument is required: send the reference policy as a JSON string.")
	}
	pt, err := policyType(in.PolicyType)
	if err != nil {
		return nil, err
	}
	r, err := check.NoNewAccess([]byte(*in.ExistingPolicyDocument), []byte(*in.NewPolicyDocument), pt, &check.Options{Catalog: s.d.CheckCatalog})
	if err != nil {
		field := "newPolicyDocument"
		if strings.HasPrefix(err.Error(), "existingPolicyDocument") {
			field = "existingPolicyDocument"
		}
		return nil, policyError(field, err)
	}
	return output(r), nil
}

type access struct {
	Actions   []string `json:"actions"`
	Resources []string `json:"resources"`
}

type checkAccessNotGrantedInput struct {
	PolicyDocument *string  `json:"policyDocument"`
	Access         []access `json:"access"`
	PolicyType     string   `json:"policyType"`
}

func (s *Service) checkAccessNotGranted(ctx context.Context, call *server.RESTCall) (any, error) {
	if err := s.authorize(ctx, call, "CheckAccessNotGranted"); err != nil {
		return nil, err
	}
	var in checkAccessNotGrantedInput
	if err := call.Decode(&in); err != nil {
		return nil, err
	}
	if in.PolicyDocument == nil {
		return nil, fieldError("policyDocument", "policyDocument is required: send the policy as a JSON string.")
	}
	if len(in.Access) == 0 {
		return nil, fieldError("access", "access is required: give at least one {\"actions\": [...], \"resources\": [...]}.")
	}
	pt, err := policyType(in.PolicyType)
	if err != nil {
		return nil, err
	}
	var merged *check.Result
	seen := map[int]bool{}
	for i, a := range in.Access {
		if len(a.Actions) == 0 && len(a.Resources) == 0 {
			return nil, fieldError("access", fmt.Sprintf("access[%d] has neither actions nor resources: give at least one.", i))
		}
		r, err := check.AccessNotGranted([]byte(*in.PolicyDocument), check.Access{Actions: a.Actions, Resources: a.Resources}, pt, &check.Options{Catalog: s.d.CheckCatalog})
		if err != nil {
			return nil, policyError("policyDocument", err)
		}
		if merged == nil || merged.Result == check.Pass && r.Result == check.Fail {
			merged = &check.Result{Result: r.Result, Message: r.Message}
		}
		for _, re := range r.Reasons {
			if !seen[re.StatementIndex] {
				seen[re.StatementIndex] = true
				merged.Reasons = append(merged.Reasons, re)
			}
		}
	}
	sort.Slice(merged.Reasons, func(i, j int) bool { return merged.Reasons[i].StatementIndex < merged.Reasons[j].StatementIndex })
	return output(merged), nil
}

type checkNoPublicAccessInput struct {
	PolicyDocument *string `json:"policyDocument"`
	ResourceType   string  `json:"resourceType"`
}

func (s *Service) checkNoPublicAccess(ctx context.Context, call *server.RESTCall) (any, error) {
	if err := s.authorize(ctx, call, "CheckNoPublicAccess"); err != nil {
		return nil, err
	}
	var in checkNoPublicAccessInput
	if err := call.Decode(&in); err != nil {
		return nil, err
	}
	if in.PolicyDocument == nil {
		return nil, fieldError("policyDocument", "policyDocument is required: send the policy as a JSON string.")
	}
	if _, ok := check.PublicResourceTypes[in.ResourceType]; !ok {
		names := make([]string, 0, len(check.PublicResourceTypes))
		for n := range check.PublicResourceTypes {
			names = append(names, n)
		}
		sort.Strings(names)
		return nil, fieldError("resourceType", fmt.Sprintf("resourceType %q is not valid: use one of %s.", in.ResourceType, strings.Join(names, ", ")))
	}
	r, err := check.NoPublicAccess([]byte(*in.PolicyDocument), in.ResourceType, &check.Options{Catalog: s.d.CheckCatalog})
	if err != nil {
		return nil, policyError("policyDocument", err)
	}
	return output(r), nil
}
