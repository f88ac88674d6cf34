// Package server is the HTTP core of connect-iam's AWS-compatible service.
// It accepts the requests AWS clients send to IAM and STS (the awsQuery
// protocol), to Amazon Connect and IAM Access Analyzer (restJson1) and to
// AWS Organizations (awsJson1_1, see [Server.RegisterJSON]) on one listener, authenticates them with SigV4 through an [Authenticator],
// and dispatches them to operation handlers that other packages register:
//
//	srv := server.New(server.Config{Authenticator: server.SigV4(verifier)})
//	srv.RegisterQuery("iam", "CreateUser", createUser)
//	srv.RegisterREST("connect", route, describeUser)
//	go srv.ListenAndServe()
//	...
//	srv.Shutdown(ctx) // in-flight requests finish
//
// The protocol of a request is chosen by the signing name in its SigV4
// credential scope (iam and sts are awsQuery; the services registered with
// [Server.RegisterREST] are restJson1, those registered with
// [Server.RegisterJSON] awsJson). A request without a usable scope is
// classified by its shape: a form-encoded POST or a GET with an Action
// parameter is awsQuery (IAM, or STS for Version=2011-06-15), anything else
// restJson1. Every failure is written in the error format of that protocol:
// SigV4 failures with [sigv4.Error.QueryCode] or [sigv4.Error.JSONCode].
//
// Around every request the server assigns a request ID (returned in
// X-Amzn-RequestId and in the awsQuery RequestId element), limits the body
// size, records Prometheus metrics (served at /metrics) and writes one
// structured log line with log/slog. Logs never contain header values, the
// query string or the body, and the logger is wrapped by
// [NewRedactingHandler], so attributes named like secrets (Authorization,
// X-Amz-Security-Token, SecretAccessKey, SessionToken, ...) are redacted
// whoever logs them. GET /healthz answers 200 while the server runs. An
// [Auditor] set in [Config.Auditor] sees every authenticated call, with
// its caller, parameters and outcome, for an audit log.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/connect-iam/connect-iam/server/awsquery"
	"github.com/connect-iam/connect-iam/server/restjson"
	"github.com/connect-iam/connect-iam/server/sigv4"
	"github.com/prometheus/client_golang/prometheus"
)

// DefaultAddr is the listen address used when [Config.Addr] is empty: the
// loopback interface only.
const DefaultAddr = "127.0.0.1:8080"

// DefaultMaxBodyBytes is the request body limit used when
// [Config.MaxBodyBytes] is zero.
const DefaultMaxBodyBytes = 4 << 20

// Authenticator authenticates a request whose body has been read. It
// returns the verified request (the principal is in
// Result.Credentials.Principal) or an error: a [*sigv4.Error] is written
// with the code of the request's protocol, any other error as an internal
// failure. [SigV4] adapts a [*sigv4.Verifier].
type Authenticator interface {
	Authenticate(r *http.Request, body []byte) (*sigv4.Result, error)
}

// AuthenticatorFunc adapts a function to [Authenticator].
type AuthenticatorFunc func(r *http.Request, body []byte) (*sigv4.Result, error)

// Authenticate calls f(r, body).
func (f AuthenticatorFunc) Authenticate(r *http.Request, body []byte) (*sigv4.Result, error) {
	return f(r, body)
}

// SigV4 returns an [Authenticator] that verifies requests with v.
func SigV4(v *sigv4.Verifier) Authenticator {
	return AuthenticatorFunc(v.Verify)
}

// Config configures a [Server].
type Config struct {
	// Addr is the TCP address ListenAndServe listens on; empty means
	// DefaultAddr (loopback).
	Addr string
	// Authenticator authenticates every API request. If nil, every API
	// request fails with an internal failure, so that a server missing
	// its authenticator never serves unauthenticated calls.
	Authenticator Authenticator
	// Logger receives one line per request and handler failures; nil
	// means slog.Default(). Its handler is wrapped with
	// [NewRedactingHandler].
	Logger *slog.Logger
	// MaxBodyBytes limits request bodies; zero means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Registry receives the server's metrics; nil means a new registry of
	// the server's own. /metrics serves this registry.
	Registry *prometheus.Registry
	// ReadHeaderTimeout and IdleTimeout are passed to http.Server; zero
	// means 10 s and 120 s.
	ReadHeaderTimeout time.Duration
	IdleTimeout       time.Duration
	// ShutdownTimeout bounds how long [Server.Run] waits for in-flight
	// requests after its context ends; zero means 30 s.
	ShutdownTimeout time.Duration
	// Auditor, if not nil, sees every authenticated API call: BeginCall
	// before its handler runs and EndCall after its response is written.
	Auditor Auditor
}

// Auditor records authenticated API calls, for an audit log. Requests that
// fail authentication are not passed to it.
type Auditor interface {
	// BeginCall is called once a request is authenticated, before its
	// handler runs. The context it returns is the handler's, so that the
	// auditor can attach a recorder (of the authorization decision, for
	// instance) that EndCall reads back.
	BeginCall(ctx context.Context) context.Context
	// EndCall is called with the context BeginCall returned once the
	// response has been written. rec and its fields must not be kept
	// after EndCall returns, except by copying.
	EndCall(ctx context.Context, rec *AuditRecord)
}

// AuditRecord describes one authenticated API call for an [Auditor].
type AuditRecord struct {
	// RequestID is the ID returned to the client.
	RequestID string
	// Time is when the request arrived.
	Time time.Time
	// Service is the signing name of the service called ("iam", "sts",
	// "access-analyzer", "connect", ...); Operation the operation name, or
	// "unknown" when none matched.
	Service   string
	Operation string
	// Auth is the verified SigV4 request; Auth.Credentials.Principal is
	// the caller.
	Auth *sigv4.Result
	// HTTPRequest is the request; its body has been consumed.
	HTTPRequest *http.Request
	// QueryParams are the decoded parameters of an awsQuery call, nil for
	// restJson1 calls or when the body could not be decoded.
	QueryParams *awsquery.Request
	// RESTLabels and RESTBody are the path labels and JSON body of a
	// restJson1 call; RESTBody is also the body of an awsJson call.
	RESTLabels map[string]string
	RESTBody   []byte
	// Status is the HTTP status written; ErrorCode and ErrorMessage the
	// AWS error sent, both "" on success.
	Status       int
	ErrorCode    string
	ErrorMessage string
}

// QueryCall is one authenticated awsQuery call as a [QueryHandler] sees it.
type QueryCall struct {
	// Service is the awsQuery service called (awsquery.IAM or awsquery.STS).
	Service awsquery.Service
	// Action is the operation name.
	Action string
	// Params are the decoded parameters.
	Params *awsquery.Request
	// Auth is the verified SigV4 request; Auth.Credentials.Principal is
	// the caller.
	Auth *sigv4.Result
	// RequestID is the ID returned to the client.
	RequestID string
	// HTTPRequest is the underlying request; its body has been consumed.
	HTTPRequest *http.Request
}

// QueryHandler serves one awsQuery operation. It returns the result
// structure, encoded with encoding/xml as the content of <ActionResult>
// (nil for operations without output), or an error: an [*awsquery.Error]
// is written as is, any other error as a 500 InternalFailure and logged.
type QueryHandler interface {
	ServeQuery(ctx context.Context, call *QueryCall) (any, error)
}

// QueryHandlerFunc adapts a function to [QueryHandler].
type QueryHandlerFunc func(ctx context.Context, call *QueryCall) (any, error)

// ServeQuery calls f(ctx, call).
func (f QueryHandlerFunc) ServeQuery(ctx context.Context, call *QueryCall) (any, error) {
	return f(ctx, call)
}

// RESTCall is one authenticated restJson1 call as a [RESTHandler] sees it.
type RESTCall struct {
	// Service is the signing name of the service, for example "connect".
	Service string
	// Route is the matched route; Route.Operation names the operation.
	Route restjson.Route
	// Labels are the path labels, percent-decoded.
	Labels map[string]string
	// Query reads the query-string parameters.
	Query *restjson.Query
	// Body is the request body.
	Body []byte
	// Auth is the verified SigV4 request.
	Auth *sigv4.Result
	// RequestID is the ID returned to the client.
	RequestID string
	// HTTPRequest is the underlying request; its body has been consumed.
	HTTPRequest *http.Request
}

// Decode decodes the JSON body into v with [restjson.Decode].
func (c *RESTCall) Decode(v any) error { return restjson.Decode(c.Body, v) }

// RESTHandler serves one restJson1 operation. It returns the output
// structure, encoded as JSON (nil for an empty body), or an error: a
// [*restjson.Error] is written as is, any other error as a 500
// InternalFailure and logged.
type RESTHandler interface {
	ServeREST(ctx context.Context, call *RESTCall) (any, error)
}

// RESTHandlerFunc adapts a function to [RESTHandler].
type RESTHandlerFunc func(ctx context.Context, call *RESTCall) (any, error)

// ServeREST calls f(ctx, call).
func (f RESTHandlerFunc) ServeREST(ctx context.Context, call *RESTCall) (any, error) {
	return f(ctx, call)
}

// JSONCall is one authenticated awsJson call as a [JSONHandler] sees it.
type JSONCall struct {
	// Service is the signing name of the service, for example
	// "organizations"; Operation the operation named by X-Amz-Target.
	Service   string
	Operation string
	// Body is the request's JSON object ("{}" when the body was empty).
	Body []byte
	// Auth is the verified SigV4 request.
	Auth *sigv4.Result
	// RequestID is the ID returned to the client.
	RequestID string
	// HTTPRequest is the underlying request; its body has been consumed.
	HTTPRequest *http.Request
}

// JSONHandler serves one awsJson operation. It returns the output
// structure, encoded as JSON (nil for "{}"), or an error: an
// awsjson.Error is written as is, any other error as a 500
// InternalFailure and logged.
type JSONHandler interface {
	ServeJSON(ctx context.Context, call *JSONCall) (any, error)
}

// JSONHandlerFunc adapts a function to [JSONHandler].
type JSONHandlerFunc func(ctx context.Context, call *JSONCall) (any, error)

// ServeJSON calls f(ctx, call).
func (f JSONHandlerFunc) ServeJSON(ctx context.Context, call *JSONCall) (any, error) {
	return f(ctx, call)
}

// Server is the AWS-compatible HTTP server. Register handlers before
// serving; a Server is safe for concurrent use once serving.
type Server struct {
	cfg     Config
	log     *slog.Logger
	metrics *metrics
	mux     *http.ServeMux
	http    *http.Server

	mu    sync.RWMutex
	query map[string]map[string]QueryHandler // service -> action
	rest  map[string]*restjson.Router[RESTHandler]
	json  map[string]*jsonService // awsJson services by signing name
	// unsigned are the awsQuery operations ("service:Action") that serve
	// requests without a signature (RegisterUnsignedQuery).
	unsigned map[string]bool
}

// jsonService is an awsJson service: its X-Amz-Target prefix and its
// operations.
type jsonService struct {
	prefix string
	ops    map[string]JSONHandler
}

// querySvcs are the awsQuery services by signing name.
var querySvcs = map[string]awsquery.Service{
	awsquery.IAM.Name: awsquery.IAM,
	awsquery.STS.Name: awsquery.STS,
}

// New returns a Server configured by cfg.
func New(cfg Config) *Server {
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.ReadHeaderTimeout == 0 {
		cfg.ReadHeaderTimeout = 10 * time.Second
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = 120 * time.Second
	}
	if cfg.ShutdownTimeout == 0 {
		cfg.ShutdownTimeout = 30 * time.Second
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	s := &Server{
		cfg:     cfg,
		log:     slog.New(NewRedactingHandler(logger.Handler())),
		metrics: newMetrics(cfg.Registry),
		query:   map[string]map[string]QueryHandler{},
		rest:    map[string]*restjson.Router[RESTHandler]{},
		json:    map[string]*jsonService{},
	}
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	s.mux.Handle("GET /metrics", s.metrics.handler(cfg.Registry))
	s.mux.HandleFunc("/", s.serveAPI)
	s.http = &http.Server{
		Addr:              cfg.Addr,
		Handler:           s.mux,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	return s
}

// RegisterQuery registers h for action of the awsQuery service named by
// its signing name ("iam" or "sts"). Like http.ServeMux, it panics on a
// programming error: an unknown service, an empty action or an action
// registered twice.
func (s *Server) RegisterQuery(service, action string, h QueryHandler) {
	if _, ok := querySvcs[service]; !ok {
		panic(fmt.Sprintf("server: RegisterQuery: unknown awsQuery service %q; use \"iam\" or \"sts\"", service))
	}
	if action == "" || h == nil {
		panic("server: RegisterQuery: empty action or nil handler for service " + service)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.query[service]
	if m == nil {
		m = map[string]QueryHandler{}
		s.query[service] = m
	}
	if _, dup := m[action]; dup {
		panic(fmt.Sprintf("server: RegisterQuery: %s:%s is already registered", service, action))
	}
	m[action] = h
}

// RegisterUnsignedQuery is RegisterQuery for an operation that AWS serves
// without a signature, such as STS's AssumeRoleWithWebIdentity and
// AssumeRoleWithSAML: a request that carries no credentials (no
// Authorization header and no X-Amz-Credential query parameter) reaches h
// with a nil QueryCall.Auth; a signed one is verified as any other.
func (s *Server) RegisterUnsignedQuery(service, action string, h QueryHandler) {
	s.RegisterQuery(service, action, h)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.unsigned == nil {
		s.unsigned = map[string]bool{}
	}
	s.unsigned[service+":"+action] = true
}

// RegisterREST registers h for route of the restJson1 service named by its
// signing name (for example "connect" or "access-analyzer"). It panics on a
// programming error: a service name of an awsQuery service, a nil handler,
// or a route that is malformed or conflicts with one registered before.
func (s *Server) RegisterREST(service string, route restjson.Route, h RESTHandler) {
	if _, ok := querySvcs[service]; ok || service == "" {
		panic(fmt.Sprintf("server: RegisterREST: %q is not a restJson1 service name", service))
	}
	if h == nil {
		panic("server: RegisterREST: nil handler for " + service + ":" + route.Operation)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rt := s.rest[service]
	if rt == nil {
		rt = restjson.NewRouter[RESTHandler]()
		s.rest[service] = rt
	}
	if err := rt.Add(route, h); err != nil {
		panic("server: RegisterREST: " + service + ": " + err.Error())
	}
}

// RegisterJSON registers h for operation of the awsJson service named by
// its signing name (for example "organizations") whose X-Amz-Target
// prefix is targetPrefix ("AWSOrganizationsV20161128"). It panics on a
// programming error: a name of an awsQuery or restJson1 service, an empty
// operation or prefix, a nil handler, another prefix for the same service,
// or an operation registered twice.
func (s *Server) RegisterJSON(service, targetPrefix, operation string, h JSONHandler) {
	if _, ok := querySvcs[service]; ok || service == "" || targetPrefix == "" || operation == "" || h == nil {
		panic(fmt.Sprintf("server: RegisterJSON: bad registration %q %q %q", service, targetPrefix, operation))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.rest[service]; ok {
		panic("server: RegisterJSON: " + service + " is a restJson1 service")
	}
	js := s.json[service]
	if js == nil {
		js = &jsonService{prefix: targetPrefix, ops: map[string]JSONHandler{}}
		s.json[service] = js
	}
	if js.prefix != targetPrefix {
		panic("server: RegisterJSON: " + service + " has the target prefix " + js.prefix + ", not " + targetPrefix)
	}
	if _, dup := js.ops[operation]; dup {
		panic("server: RegisterJSON: " + service + ":" + operation + " is already registered")
	}
	js.ops[operation] = h
}

// ObserveDecision counts one authorization decision of service in the
// decisions metric; result is "allow", "explicit_deny" or "implicit_deny".
func (s *Server) ObserveDecision(service, result string) {
	s.metrics.decisions.WithLabelValues(service, result).Inc()
}

// Handle registers h for pattern (http.ServeMux syntax, such as
// "POST /_connect-iam/reset") beside the API, /healthz and /metrics, for
// the server's own endpoints. h authenticates requests itself.
func (s *Server) Handle(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// Handler returns the server's HTTP handler (API, /healthz, /metrics), for
// use with httptest or another http.Server.
func (s *Server) Handler() http.Handler { return s.mux }

// Addr returns the configured listen address.
func (s *Server) Addr() string { return s.cfg.Addr }

// ListenAndServe listens on the configured address and serves until
// Shutdown; it then returns http.ErrServerClosed.
func (s *Server) ListenAndServe() error {
	l, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("server: listening on %s: %w; choose a free address with --addr", s.cfg.Addr, err)
	}
	return s.Serve(l)
}

// Serve serves connections from l until Shutdown; it then returns
// http.ErrServerClosed.
func (s *Server) Serve(l net.Listener) error {
	s.log.Info("listening", "addr", l.Addr().String())
	return s.http.Serve(l)
}

// Shutdown stops accepting connections and waits for in-flight requests to
// finish, or for ctx to end (then it returns ctx's error and the remaining
// connections are closed).
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.http.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		_ = s.http.Close()
	}
	return err
}

// Run serves on l until ctx ends, then shuts down gracefully: it stops
// accepting connections and waits up to Config.ShutdownTimeout for
// in-flight requests. It returns nil after a clean shutdown, the
// shutdown's error when requests outlived the timeout, or Serve's error
// if serving failed first. The caller closes its store after Run returns.
func (s *Server) Run(ctx context.Context, l net.Listener) error {
	served := make(chan error, 1)
	go func() { served <- s.Serve(l) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "timeout", s.cfg.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	err := s.Shutdown(sctx)
	if serr := <-served; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}
