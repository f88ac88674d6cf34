// Package check answers IAM Access Analyzer's custom policy checks
// offline, exactly, and with a witness: CheckNoNewAccess (does a new
// policy allow anything the existing one does not?), CheckAccessNotGranted
// (does a policy allow any of these actions or resources?) and
// CheckNoPublicAccess (does a resource policy allow a caller outside every
// account it names?).
//
// # How it decides
//
// A request is a principal, an action, a resource and a context. Each
// dimension is cut into finitely many cells that no policy of the
// comparison tells apart (package check/internal/cells): actions are the
// catalog's, grouped by the Action/NotAction patterns they match and the
// resource types they take; resources and string and ARN condition
// values are the atoms of the glob languages the policies write, per ARN
// field; numbers and dates are the policies' endpoints and the points
// between and around them; IP addresses the CIDR boundaries; Bool and Null
// are finite; policy variables take a symbolic value their key shares.
// Principals are those the Principal elements and the conditions on
// aws:PrincipalArn, aws:PrincipalAccount and aws:username name, plus
// callers from an account no policy names. The search then asks the real
// engine (package eval) about samples: for each principal, action cell and
// resource cell it finds the statements whose action, resource and
// principal match, and for each group of condition keys (keys joined by
// policy variables) the distinct sets of statements a cell satisfies;
// a depth-first search over those groups finds context values under which
// a statement of the new policy matches, no Deny of it does, and the
// existing policy does not allow. Every request found is decided again by
// the engine with the whole policies before it is reported.
//
// Where a construct cannot be covered by cells (a multivalued key with
// many cells, keys compared with several operator families, conditions on
// aws:userid, a search over budget), the check answers FAIL and names the
// construct in Result.Undecided: it never answers PASS when new access
// might exist.
//
// Resource-based policies are checked as the only policy that decides:
// the counterexample's caller is allowed everything by its identity-based
// policy and the request is cross-account.
package check

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/connect-iam/connect-iam/catalog"
	"github.com/connect-iam/connect-iam/eval"
)

// PolicyType is the type of the policies a check compares, as Access
// Analyzer names it.
type PolicyType string

// The policy types.
const (
	IdentityPolicy PolicyType = "IDENTITY_POLICY"
	ResourcePolicy PolicyType = "RESOURCE_POLICY"
)

// ParsePolicyType reads IDENTITY_POLICY or RESOURCE_POLICY (also
// "identity" and "resource").
func ParsePolicyType(s string) (PolicyType, error) {
	switch strings.ToUpper(strings.ReplaceAll(s, "-", "_")) {
	case "IDENTITY_POLICY", "IDENTITY":
		return IdentityPolicy, nil
	case "RESOURCE_POLICY", "RESOURCE":
		return ResourcePolicy, nil
	}
	return "", fmt.Errorf("unknown policy type %q: use IDENTITY_POLICY or RESOURCE_POLICY", s)
}

// The results.
const (
	Pass = "PASS"
	Fail = "FAIL"
)

// Result is a check's answer in Access Analyzer's shape (result, message,
// reasons), with the counterexample as an addition.
type Result struct {
	Result  string   `json:"result"`
	Message string   `json:"message"`
	Reasons []Reason `json:"reasons,omitempty"`
	// Undecided names the constructs that could not be decided exactly
	// when no counterexample was found; the result is then FAIL.
	Undecided []string `json:"undecided,omitempty"`
}

// Reason is one statement of the checked policy that causes the FAIL.
type Reason struct {
	Description    string `json:"description"`
	StatementIndex int    `json:"statementIndex"`
	StatementID    string `json:"statementId,omitempty"`
	// Line and Column locate the statement in the checked policy.
	Line           int             `json:"line,omitempty"`
	Column         int             `json:"column,omitempty"`
	Counterexample *Counterexample `json:"counterexample,omitempty"`
}

// Counterexample is a request the checked policy allows and the reference
// does not. Simulate gives it as `connect-iam simulate` input.
type Counterexample struct {
	Principal       string              `json:"principal"`
	RoleARN         string              `json:"roleArn,omitempty"`
	Federated       string              `json:"federated,omitempty"`
	CanonicalUser   string              `json:"canonicalUser,omitempty"`
	Action          string              `json:"action"`
	Resource        string              `json:"resource"`
	ResourceAccount string              `json:"resourceAccount,omitempty"`
	Context         map[string][]string `json:"context,omitempty"`
	// Multi records the context keys that are multivalued (written as
	// arrays).
	Multi map[string]bool `json:"-"`

	policyType PolicyType
	// NewInput and ExistingInput are simulate input documents for the
	// request against the checked and the reference policy.
	NewInput      json.RawMessage `json:"simulateNew"`
	ExistingInput json.RawMessage `json:"simulateExisting,omitempty"`
}

// Simulate returns the `connect-iam simulate` input document for the
// request against doc, the policy as JSON.
func (c *Counterexample) Simulate(doc []byte) []byte {
	pr := map[string]any{"arn": c.Principal}
	if c.RoleARN != "" {
		pr["roleArn"] = c.RoleARN
	}
	if c.Federated != "" {
		pr["federated"] = c.Federated
	}
	if c.CanonicalUser != "" {
		pr["canonicalUser"] = c.CanonicalUser
	}
	in := map[string]any{"principal": pr, "action": c.Action, "resource": c.Resource}
	if len(c.Context) > 0 {
		ctx := map[string]any{}
		for k, v := range c.Context {
			if c.Multi[k] || len(v) != 1 {
				ctx[k] = v
			} else {
				ctx[k] = v[0]
			}
		}
		in["context"] = ctx
	}
	if doc == nil {
		doc = []byte(`{"Version":"2012-10-17","Statement":[]}`)
	}
	if c.ResourceAccount != "" {
		in["resourceAccount"] = c.ResourceAccount
	}
	if c.policyType == ResourcePolicy {
		in["identityPolicies"] = []json.RawMessage{allowAllDoc}
		in["resourcePolicy"] = json.RawMessage(doc)
	} else {
		in["identityPolicies"] = []json.RawMessage{doc}
	}
	b, err := json.MarshalIndent(in, "", "  ")
	if err != nil {
		panic(err)
	}
	return b
}

func (pb *problem) counterexample(req *eval.Request, as []assignment) *Counterexample {
	cx := &Counterexample{
		Principal:     req.Principal.ARN,
		Federated:     req.Principal.Federated,
		CanonicalUser: req.Principal.CanonicalUser,
		Action:        req.Action,
		Resource:      req.Resource,
		policyType:    pb.pt,
		Multi:         map[string]bool{},
	}
	if req.Principal.Type == eval.AnonymousPrincipal {
		cx.Principal = "anonymous"
	}
	if req.Principal.RoleARNKnown {
		cx.RoleARN = req.Principal.RoleARN
	}
	cx.ResourceAccount = req.ResourceAccount
	for _, a := range as {
		for lk, v := range a {
			if v.missing {
				continue
			}
			if cx.Context == nil {
				cx.Context = map[string][]string{}
			}
			name := pb.keys[lk].name
			cx.Context[name] = append([]string{}, v.vals...)
			if pb.keys[lk].multi {
				cx.Multi[name] = true
			}
		}
	}
	return cx
}

func (pb *problem) run(message func(bool) string, describe func(i int) string) *Result {
	found := pb.solve()
	res := &Result{Result: Pass, Message: message(true)}
	if len(found) > 0 {
		res.Result, res.Message = Fail, message(false)
		for _, f := range found {
			f.req.NewInput = f.req.Simulate(pb.newP.src.Source)
			if pb.existing != nil {
				f.req.ExistingInput = f.req.Simulate(pb.existing.src.Source)
			}
			res.Reasons = append(res.Reasons, Reason{
				Description: describe(f.st.index), StatementIndex: f.st.index, StatementID: f.st.sid,
				Line: f.st.src.Span.Start.Line, Column: f.st.src.Span.Start.Column, Counterexample: f.req,
			})
		}
		return res
	}
	if len(pb.und) > 0 {
		sort.Strings(pb.und)
		res.Result, res.Message = Fail, message(false)
		res.Undecided = pb.und
		res.Reasons = []Reason{{Description: "Could not be decided exactly: " + strings.Join(pb.und, "; ") + ".", StatementIndex: -1}}
	}
	return res
}

// Options configures a check.
type Options struct {
	// Catalog is the action universe; nil means catalog.Default().
	Catalog *catalog.Catalog
}

func (o *Options) catalog() *catalog.Catalog {
	if o == nil || o.Catalog == nil {
		return catalog.Default()
	}
	return o.Catalog
}

// NoNewAccess is CheckNoNewAccess: whether newDoc allows any request that
// existing does not. Both are policies of type pt, as JSON. An error
// means a policy could not be parsed or compiled.
func NoNewAccess(existing, newDoc []byte, pt PolicyType, opts *Options) (*Result, error) {
	cat := opts.catalog()
	old, err := parseAndCompile("existingPolicyDocument", existing, pt, cat)
	if err != nil {
		return nil, err
	}
	nw, err := parseAndCompile("policyDocument", newDoc, pt, cat)
	if err != nil {
		return nil, err
	}
	pb := &problem{pt: pt, cat: cat, existing: old, newP: nw}
	if err := pb.setup(); err != nil {
		return nil, err
	}
	return pb.run(func(pass bool) string {
		if pass {
			return "The modified permissions do not grant new access compared to your reference policy."
		}
		return "The modified permissions grant new access compared to your reference policy."
	}, func(i int) string { return fmt.Sprintf("New access in the statement with index: %d.", i) }), nil
}

// Access is what CheckAccessNotGranted asks about: actions and/or
// resource ARNs (globs allowed in resources).
type Access struct {
	Actions   []string
	Resources []string
}

// AccessNotGranted is CheckAccessNotGranted: whether doc allows any of
// the actions (on any resource) or any of the resources (with any
// action), or with both given, any of the actions on any of the
// resources.
func AccessNotGranted(doc []byte, access Access, pt PolicyType, opts *Options) (*Result, error) {
	if len(access.Actions) == 0 && len(access.Resources) == 0 {
		return nil, fmt.Errorf("access: give at least one action or resource")
	}
	cat := opts.catalog()
	p, err := parseAndCompile("policyDocument", doc, pt, cat)
	if err != nil {
		return nil, err
	}
	pb := &problem{pt: pt, cat: cat, newP: p, onlyActions: access.Actions, onlyResources: access.Resources}
	if err := pb.setup(); err != nil {
		return nil, err
	}
	return pb.run(func(pass bool) string {
		if pass {
			return "The policy document does not grant access to perform the listed actions or resources."
		}
		return "The policy document grants access to perform one or more of the listed actions or resources."
	}, func(i int) string {
		return fmt.Sprintf("One or more of the listed actions or resources in the statement with index: %d.", i)
	}), nil
}

// PublicResourceTypes are the resource types CheckNoPublicAccess takes,
// with the service prefixes of their actions.
var PublicResourceTypes = map[string][]string{
	"AWS::DynamoDB::Table":               {"dynamodb"},
	"AWS::DynamoDB::Stream":              {"dynamodb"},
	"AWS::EFS::FileSystem":               {"elasticfilesystem"},
	"AWS::OpenSearchService::Domain":     {"es"},
	"AWS::Kinesis::Stream":               {"kinesis"},
	"AWS::Kinesis::StreamConsumer":       {"kinesis"},
	"AWS::KMS::Key":                      {"kms"},
	"AWS::Lambda::Function":              {"lambda"},
	"AWS::S3::Bucket":                    {"s3"},
	"AWS::S3::AccessPoint":               {"s3"},
	"AWS::S3::Glacier":                   {"glacier"},
	"AWS::S3Express::DirectoryBucket":    {"s3express"},
	"AWS::S3Express::AccessPoint":        {"s3express"},
	"AWS::S3Outposts::Bucket":            {"s3-outposts"},
	"AWS::S3Outposts::AccessPoint":       {"s3-outposts"},
	"AWS::S3Tables::TableBucket":         {"s3tables"},
	"AWS::S3Tables::Table":               {"s3tables"},
	"AWS::SecretsManager::Secret":        {"secretsmanager"},
	"AWS::SNS::Topic":                    {"sns"},
	"AWS::SQS::Queue":                    {"sqs"},
	"AWS::IAM::AssumeRolePolicyDocument": {"sts"},
	"AWS::ApiGateway::RestApi":           {"execute-api"},
	"AWS::CodeArtifact::Domain":          {"codeartifact"},
	"AWS::Backup::BackupVault":           {"backup"},
	"AWS::CloudTrail::Dashboard":         {"cloudtrail"},
	"AWS::CloudTrail::EventDataStore":    {"cloudtrail"},
}

// NoPublicAccess is CheckNoPublicAccess: whether the resource policy doc,
// attached to a resource of resourceType (see PublicResourceTypes),
// allows a caller from an account no policy names, or an anonymous one,
// without the keys that tie a request to an organization, a VPC or a
// source (aws:PrincipalOrgID, aws:SourceVpce, aws:SourceArn, ...).
func NoPublicAccess(doc []byte, resourceType string, opts *Options) (*Result, error) {
	prefixes, ok := PublicResourceTypes[resourceType]
	if !ok {
		names := make([]string, 0, len(PublicResourceTypes))
		for n := range PublicResourceTypes {
			names = append(names, n)
		}
		sort.Strings(names)
		return nil, fmt.Errorf("unknown resource type %q: use one of %s", resourceType, strings.Join(names, ", "))
	}
	cat := opts.catalog()
	p, err := parseAndCompile("policyDocument", doc, ResourcePolicy, cat)
	if err != nil {
		return nil, err
	}
	pb := &problem{pt: ResourcePolicy, cat: cat, newP: p, actionPrefix: prefixes, public: true}
	if err := pb.setup(); err != nil {
		return nil, err
	}
	return pb.run(func(pass bool) string {
		if pass {
			return "The resource policy does not grant public access for the given resource type."
		}
		return "The resource policy grants public access for the given resource type."
	}, func(i int) string {
		return fmt.Sprintf("Public access granted in the following statement with index: %d.", i)
	}), nil
}
