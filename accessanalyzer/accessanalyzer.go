// Package accessanalyzer implements IAM Access Analyzer's ValidatePolicy
// operation (restJson1, POST /policy/validation) over package validate, so
// that `aws accessanalyzer validate-policy --endpoint-url ...` and the SDKs'
// accessanalyzer clients work against the server.
//
// The operation is authorized as access-analyzer:ValidatePolicy on "*".
//
// The custom policy checks CheckNoNewAccess (POST
// /policy/check-no-new-access), CheckAccessNotGranted (POST
// /policy/check-access-not-granted) and CheckNoPublicAccess (POST
// /policy/check-no-public-access) are answered by package check,
// authorized as access-analyzer:CheckNoNewAccess (and so on) on "*". Their
// responses have Access Analyzer's shape (result, message, reasons with
// description, statementIndex and statementId); each reason also carries
// "counterexample", a `connect-iam simulate` input document for a request
// the checked policy allows that shows the reason.
// Findings have Access Analyzer's JSON shape (findingDetails, findingType,
// issueCode, learnMoreLink, locations with path and span). Only the checks
// Access Analyzer defines are reported: the validator's extra parliament
// and connect-iam checks are left to `connect-iam validate`. Findings are
// written in English whatever the locale.
//
// Without maxResults every finding is returned in one page. With it, pages
// hold at most maxResults findings and nextToken continues the list; the
// token is bound to the policy document and type it was issued for.
package accessanalyzer

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/catalog"
	"github.com/connect-iam/connect-iam/server"
	"github.com/connect-iam/connect-iam/server/restjson"
	"github.com/connect-iam/connect-iam/validate"
)

// Deps are what ValidatePolicy needs.
type Deps struct {
	// Authorizer authorizes access-analyzer:ValidatePolicy (an
	// *authz.Engine).
	Authorizer authz.Authorizer
	// Catalog is the service authorization reference the validator checks
	// actions, resources and condition keys against; nil means the
	// project's default catalog.
	Catalog validate.Catalog
	// CheckCatalog is the action universe of the custom policy checks;
	// nil means the project's default catalog.
	CheckCatalog *catalog.Catalog
	// MaxConcurrent bounds how many documents are validated at once;
	// a request beyond it is answered with ThrottlingException (which the
	// SDKs retry). Zero means DefaultMaxConcurrent.
	MaxConcurrent int
}

// MaxDocumentBytes is the largest policyDocument ValidatePolicy parses,
// in bytes, whatever its type: IAM's API limit for a policy document
// parameter. A policy type with a size quota has a lower limit, eight
// times its quota (so that a document somewhat over its quota is still
// reported with a POLICY_SIZE_EXCEEDS_* finding). A larger document is
// refused with ValidationException before it is parsed.
const MaxDocumentBytes = 131072

// quotaFactor is how many times its policy type's size quota a document
// may be, in bytes, to be parsed: room for indentation and for a document
// over its quota to be reported with a POLICY_SIZE_EXCEEDS_* finding.
const quotaFactor = 8

// DefaultMaxConcurrent is the default of Deps.MaxConcurrent: one
// validation per CPU (validation is CPU-bound, so more would only queue).
// Validating a document of MaxDocumentBytes allocates about 120 MiB in
// the worst case measured (TestValidateAllocationBound), so this bounds
// the memory ValidatePolicy holds at once to that per CPU.
func DefaultMaxConcurrent() int { return runtime.GOMAXPROCS(0) }

// Service is the Access Analyzer implementation registered on a server.
type Service struct {
	d Deps

	mu         sync.Mutex
	validators map[validatorKey]*validate.Validator
	heavy      chan struct{} // one token per validation in progress
}

type validatorKey struct {
	policyType   validate.PolicyType
	resourceType string
}

// Register registers ValidatePolicy and the custom policy checks on srv (signing name
// "access-analyzer") and returns the service.
func Register(srv *server.Server, d Deps) *Service {
	n := d.MaxConcurrent
	if n <= 0 {
		n = DefaultMaxConcurrent()
	}
	s := &Service{d: d, validators: map[validatorKey]*validate.Validator{}, heavy: make(chan struct{}, n)}
	for _, r := range restjson.AccessAnalyzerRoutes {
		if r.Operation == "ValidatePolicy" {
			srv.RegisterREST("access-analyzer", r, server.RESTHandlerFunc(s.validatePolicy))
		}
	}
	s.registerChecks(srv)
	return s
}

// Access Analyzer's enumerations.
var (
	policyTypes = []string{"IDENTITY_POLICY", "RESOURCE_POLICY", "SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"}
	locales     = []string{"DE", "EN", "ES", "FR", "IT", "JA", "KO", "PT_BR", "ZH_CN", "ZH_TW"}
)

type validatePolicyInput struct {
	PolicyDocument             *string `json:"policyDocument"`
	PolicyType                 string  `json:"policyType"`
	ValidatePolicyResourceType string  `json:"validatePolicyResourceType"`
	Locale                     string  `json:"locale"`
}

type validatePolicyOutput struct {
	Findings  []validate.Finding `json:"findings"`
	NextToken string             `json:"nextToken,omitempty"`
}

// fieldError returns a ValidationException naming the invalid field.
func fieldError(field, msg string) *restjson.Error {
	e := restjson.AccessAnalyzerError("ValidationException", msg)
	e.Fields = map[string]any{
		"reason":    "fieldValidationFailed",
		"fieldList": []map[string]string{{"name": field, "message": msg}},
	}
	return e
}

func (s *Service) validatePolicy(ctx context.Context, call *server.RESTCall) (any, error) {
	caller := authz.AuthCaller(call.Auth)
	if caller == nil {
		return nil, errors.New("accessanalyzer: the request has no authenticated caller: the server's credential store must set an *authz.Caller as the principal")
	}
	req := &authz.Request{Caller: caller, Action: "access-analyzer:ValidatePolicy", Resource: "*", HTTP: call.HTTPRequest, Region: call.Auth.Region}
	if err := s.d.Authorizer.Authorize(ctx, req); err != nil {
		var ad *authz.AccessDeniedError
		if errors.As(err, &ad) {
			return nil, restjson.AccessAnalyzerError("AccessDeniedException", ad.Message)
		}
		return nil, err
	}

	var in validatePolicyInput
	if err := call.Decode(&in); err != nil {
		return nil, err
	}
	maxResults, hasMax := call.Query.Int("maxResults")
	if err := call.Query.Err(); err != nil {
		return nil, err
	}
	switch {
	case in.PolicyDocument == nil:
		return nil, fieldError("policyDocument", "policyDocument is required: send the policy as a JSON string.")
	case len(*in.PolicyDocument) > MaxDocumentBytes:
		return nil, fieldError("policyDocument", fmt.Sprintf("policyDocument is %d bytes, over the limit of %d bytes (every policy type's size quota is far below it); send a smaller policy.",
			len(*in.PolicyDocument), MaxDocumentBytes))
	case in.PolicyType == "":
		return nil, fieldError("policyType", "policyType is required: use one of "+strings.Join(policyTypes, ", ")+".")
	case !contains(policyTypes, in.PolicyType):
		return nil, fieldError("policyType", fmt.Sprintf("policyType %q is not valid: use one of %s.", in.PolicyType, strings.Join(policyTypes, ", ")))
	case in.Locale != "" && !contains(locales, in.Locale):
		return nil, fieldError("locale", fmt.Sprintf("locale %q is not valid: use one of %s.", in.Locale, strings.Join(locales, ", ")))
	case in.ValidatePolicyResourceType != "" && in.PolicyType != "RESOURCE_POLICY":
		return nil, fieldError("validatePolicyResourceType", "validatePolicyResourceType applies only to policyType RESOURCE_POLICY; remove it or change the policy type.")
	case hasMax && maxResults < 1:
		return nil, fieldError("maxResults", fmt.Sprintf("maxResults %d is not valid: it must be at least 1.", maxResults))
	}
	v, err := s.validator(validate.PolicyType(in.PolicyType), in.ValidatePolicyResourceType)
	if err != nil {
		return nil, fieldError("validatePolicyResourceType", err.Error())
	}

	if quota, _, ok := v.SizeQuota(); ok && len(*in.PolicyDocument) > quotaFactor*quota {
		return nil, fieldError("policyDocument", fmt.Sprintf("policyDocument is %d bytes, far over the %d-character size quota of %s (at most %d bytes are parsed); send a smaller policy.",
			len(*in.PolicyDocument), quota, in.PolicyType, quotaFactor*quota))
	}
	select {
	case s.heavy <- struct{}{}:
		defer func() { <-s.heavy }()
	default:
		return nil, restjson.AccessAnalyzerError("ThrottlingException",
			fmt.Sprintf("Rate exceeded: %d policy validations are already in progress; retry the request after a short wait.", cap(s.heavy)))
	}
	var findings []validate.Finding
	for _, f := range v.Validate([]byte(*in.PolicyDocument)) {
		if r := validate.RuleFor(f.IssueCode); r == nil || r.Source != validate.AccessAnalyzer {
			continue
		}
		if f.Locations == nil {
			f.Locations = []validate.Location{}
		}
		for i := range f.Locations {
			if f.Locations[i].Path == nil {
				f.Locations[i].Path = []validate.PathElement{}
			}
		}
		f.File, f.Suggestions = "", nil
		findings = append(findings, f)
	}

	bind := tokenBinding(in)
	start := 0
	if tok := call.Query.String("nextToken"); tok != "" {
		if start, err = parseToken(tok, bind, len(findings)); err != nil {
			return nil, fieldError("nextToken", err.Error())
		}
	}
	out := &validatePolicyOutput{Findings: findings[start:]}
	if hasMax && len(out.Findings) > int(maxResults) {
		out.Findings = out.Findings[:maxResults]
		out.NextToken = makeToken(start+int(maxResults), bind)
	}
	if out.Findings == nil {
		out.Findings = []validate.Finding{}
	}
	return out, nil
}

// validator returns the cached validator for a policy and resource type.
func (s *Service) validator(t validate.PolicyType, resourceType string) (*validate.Validator, error) {
	k := validatorKey{t, resourceType}
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.validators[k]; ok {
		return v, nil
	}
	v, err := validate.New(validate.Options{PolicyType: t, ResourceType: resourceType, Catalog: s.d.Catalog})
	if err != nil {
		return nil, err
	}
	s.validators[k] = v
	return v, nil
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// tokenBinding identifies the request a nextToken belongs to.
func tokenBinding(in validatePolicyInput) string {
	h := sha256.Sum256([]byte(in.PolicyType + "\x00" + in.ValidatePolicyResourceType + "\x00" + *in.PolicyDocument))
	return hex.EncodeToString(h[:8])
}

func makeToken(offset int, bind string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("v1:" + strconv.Itoa(offset) + ":" + bind))
}

func parseToken(tok, bind string, total int) (int, error) {
	bad := errors.New("nextToken is not valid: pass the nextToken of the previous page, unchanged, with the same policyDocument, policyType and validatePolicyResourceType")
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, bad
	}
	parts := strings.Split(string(raw), ":")
	if len(parts) != 3 || parts[0] != "v1" || parts[2] != bind {
		return 0, bad
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil || n < 0 || n > total {
		return 0, bad
	}
	return n, nil
}
