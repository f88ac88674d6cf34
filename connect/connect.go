// Package connect serves the Amazon Connect control plane (the restJson1
// protocol, signing name "connect") over the connect-iam store: instances,
// users, security profiles, routing profiles with their queues, user
// hierarchy groups, queues (with SearchQueues), contact flows, hours of
// operation (with the Update operations of queues, routing profiles,
// hours and flows), quick connects, task templates, claimed phone numbers
// and contacts (outbound voice and task contacts, with their tags), and
// the tags of every taggable resource.
//
// Every operation is authorized with the [authz.Authorizer] given in [Deps]
// as IAM authorizes Amazon Connect: the action connect:OPERATION on every
// resource the service authorization reference lists for it (the required
// resources and the optional ones the request names, each in its own
// question; all must be allowed), with the request context Connect builds:
// aws:RequestTag/KEY and aws:TagKeys from the tags a request sets,
// aws:ResourceTag/KEY from the stored tags of the resource asked about,
// connect:InstanceId, connect:FlowType and connect:SearchTag/KEY where the
// reference lists them. A Create request with tags also needs
// connect:TagResource on the new resource. A resource that does not exist is authorized on
// the ARN it would have and then reported as ResourceNotFoundException, so
// that callers learn nothing about resources they may not act on. A denial
// is an AccessDeniedException (403) with AWS's message.
//
// Resources are kept in the store as generic resources (service
// "connect"), children of their instance; every write is one transaction.
// As in Amazon Connect, a new instance comes with the security profiles
// Admin, Agent, CallCenterManager and QualityAnalyst, the hours of
// operation "Basic Hours", the queue "BasicQueue" and the "Basic Routing
// Profile", created in the instance's transaction.
// Creating an instance also creates the Amazon Connect service-linked role
// AWSServiceRoleForAmazonConnect_SUFFIX when the caller may
// iam:CreateServiceLinkedRole for connect.amazonaws.com, and deleting the
// last instance that uses it deletes it.
//
// Register the handlers on a server with [Register]:
//
//	connect.Register(srv, connect.Deps{Store: st, Authorizer: az})
package connect

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/connect-iam/connect-iam/apiservice"
	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/catalog"
	"github.com/connect-iam/connect-iam/internal/apimodel"
	"github.com/connect-iam/connect-iam/internal/text"
	"github.com/connect-iam/connect-iam/server"
	"github.com/connect-iam/connect-iam/server/restjson"
	"github.com/connect-iam/connect-iam/store"
)

// Service is the signing name and store service of Amazon Connect.
const Service = "connect"

// Deps are the dependencies of the Amazon Connect handlers.
type Deps struct {
	// Store holds the resources. Required.
	Store store.Store
	// Authorizer authorizes every call. Required.
	Authorizer authz.Authorizer
	// Catalog is the service authorization reference, which decides
	// whether a List operation is authorized on the instance or on a
	// wildcard ARN of the listed type; nil means catalog.Default().
	Catalog *catalog.Catalog
	// NewRoleID returns the unique ID of a new service-linked role; nil
	// means a random "AROA..." ID in IAM's format (iam.NewUniqueID).
	NewRoleID func() string
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// handler is the state shared by every operation.
type handler struct {
	Deps
}

// call is one Amazon Connect call in progress.
type call struct {
	*server.RESTCall
	caller *authz.Caller
	acct   string
	region string
}

// op is one operation's implementation.
type op func(h *handler, ctx context.Context, c *call) (any, error)

// operations maps the operations this package serves to their handlers.
var operations = map[string]op{}

// Operations returns the names of the operations [Register] registers, in
// no particular order.
func Operations() []string {
	out := make([]string, 0, len(operations))
	for name := range operations {
		out = append(out, name)
	}
	return out
}

// Register serves every operation of AWS's Amazon Connect API model on
// srv through the generic engine ([apiservice]), with this package's
// hand-written behaviour for the operations in [Operations], and returns
// what it registered. It panics when a required dependency is missing.
func Register(srv *server.Server, d Deps) *apiservice.Served { return register(srv, d, nil) }

// register is Register with the hand-written behaviour of the operations
// in generic left to the generic engine (for the benchmark that compares
// the two).
func register(srv *server.Server, d Deps, generic map[string]bool) *apiservice.Served {
	if d.Store == nil || d.Authorizer == nil {
		panic("connect.Register: Deps.Store and Deps.Authorizer are required")
	}
	if d.Catalog == nil {
		d.Catalog = catalog.Default()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.NewRoleID == nil {
		d.NewRoleID = func() string { return store.NewID("AROA", 21) }
	}
	h := &handler{Deps: d}
	overrides := map[string]server.RESTHandler{}
	for name, fn := range operations {
		if generic[name] {
			continue
		}
		overrides[name] = server.RESTHandlerFunc(func(ctx context.Context, rc *server.RESTCall) (any, error) {
			return h.serve(ctx, rc, fn)
		})
	}
	return apiservice.Register(srv, apiservice.Deps{Store: d.Store, Authorizer: d.Authorizer, Catalog: d.Catalog, Now: d.Now, NewID: apiservice.NewUUID},
		service(overrides))
}

// Served describes the operations [Register] serves, without a server.
func Served() *apiservice.Served {
	overrides := map[string]server.RESTHandler{}
	for name := range operations {
		overrides[name] = server.RESTHandlerFunc(nil)
	}
	return apiservice.Describe(service(overrides))
}

// service is Amazon Connect for the generic engine.
func service(overrides map[string]server.RESTHandler) apiservice.Service {
	return apiservice.Service{
		SigningName: Service,
		Prefix:      Service,
		Models:      []apiservice.Model{{API: connectModel(), Overrides: overrides}},
		// The reference's placeholders whose names are no request member's.
		Aliases:     map[string]string{"FormId": "EvaluationFormId"},
		TypeAliases: map[string]string{"UserHierarchyGroup": "hierarchy-group", "ContactFlowModule": "contact-flow-module"},
	}
}

// connectModel returns AWS's Amazon Connect API model.
func connectModel() *apimodel.Model { return apimodel.MustLoad("connect") }

// connectError returns an Amazon Connect error with the HTTP status the
// model gives code (400 for codes outside the model).
func connectError(code, message string) *restjson.Error {
	status, ok := connectModel().ErrorStatus(code)
	if !ok {
		status = http.StatusBadRequest
	}
	return &restjson.Error{Code: code, Message: message, Status: status}
}

// serve runs one operation and maps its error to Connect's.
func (h *handler) serve(ctx context.Context, rc *server.RESTCall, fn op) (any, error) {
	caller := authz.AuthCaller(rc.Auth)
	if caller == nil {
		return nil, restjson.NewError(http.StatusForbidden, "UnrecognizedClientException", "The security token included in the request is invalid.")
	}
	c := &call{RESTCall: rc, caller: caller, acct: caller.AccountID, region: rc.Auth.Region}
	out, err := fn(h, ctx, c)
	if err != nil {
		return nil, mapError(err)
	}
	return out, nil
}

// mapError converts errors of the store and the authorizer to Connect
// errors. Handlers report the common cases in Connect's words themselves;
// this is the fallback.
func mapError(err error) error {
	var re *restjson.Error
	var ad *authz.AccessDeniedError
	switch {
	case errors.As(err, &re):
		return re
	case errors.As(err, &ad):
		return connectError("AccessDeniedException", ad.Message)
	case errors.Is(err, store.ErrNotFound):
		return connectError("ResourceNotFoundException", text.Sentence(err.Error()))
	case errors.Is(err, store.ErrAlreadyExists):
		return connectError("DuplicateResourceException", text.Sentence(err.Error()))
	case errors.Is(err, store.ErrConflict):
		return connectError("ResourceInUseException", text.Sentence(err.Error()))
	case errors.Is(err, store.ErrLimitExceeded):
		return connectError("LimitExceededException", text.Sentence(err.Error()))
	case errors.Is(err, store.ErrInvalidArgument):
		return connectError("InvalidParameterException", text.Sentence(err.Error()))
	}
	return err
}

// Connect error constructors.

func invalidParameter(format string, args ...any) error {
	return connectError("InvalidParameterException", fmt.Sprintf(format, args...))
}

func invalidRequest(format string, args ...any) error {
	return connectError("InvalidRequestException", fmt.Sprintf(format, args...))
}

func notFound(format string, args ...any) error {
	return connectError("ResourceNotFoundException", fmt.Sprintf(format, args...))
}

func duplicate(format string, args ...any) error {
	return connectError("DuplicateResourceException", fmt.Sprintf(format, args...))
}

func inUse(format string, args ...any) error {
	return connectError("ResourceInUseException", fmt.Sprintf(format, args...))
}

// target is one resource an action is authorized on.
type target struct {
	arn  string
	tags []store.Tag // the stored tags, for aws:ResourceTag/KEY
}

// authorize asks whether the caller may perform action on every target,
// one question per target with kv plus the target's aws:ResourceTag/KEY
// keys; the first denial is returned.
func (h *handler) authorize(ctx context.Context, c *call, action string, kv map[string][]string, targets ...target) error {
	for _, t := range targets {
		req := &authz.Request{
			Caller:       c.caller,
			Action:       action,
			Resource:     t.arn,
			Context:      kv,
			ResourceTags: t.tags,
			HTTP:         c.HTTPRequest,
			Region:       c.region,
			Time:         h.Now(),
		}
		if err := h.Authorizer.Authorize(ctx, req); err != nil {
			return err
		}
	}
	return nil
}

// authorizeTagOnCreate authorizes tagging a resource a Create operation
// makes with the request's tags: Amazon Connect requires
// connect:TagResource on the new resource, with aws:RequestTag/KEY and
// aws:TagKeys, besides the Create action. Requests without tags need
// nothing more.
func (h *handler) authorizeTagOnCreate(ctx context.Context, c *call, arn string, tags map[string]string) error {
	if len(tags) == 0 {
		return nil
	}
	return h.authorize(ctx, c, "connect:TagResource", tagsContext("", tags), target{arn: arn})
}

// newID returns a new resource ID in these services' format, a random
// (version 4) UUID.
var newID = apiservice.NewUUID
