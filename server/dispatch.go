package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/connect-iam/connect-iam/server/awsjson"
	"github.com/connect-iam/connect-iam/server/awsquery"
	"github.com/connect-iam/connect-iam/server/restjson"
	"github.com/connect-iam/connect-iam/server/sigv4"
)

// msgInternal is AWS's message for InternalFailure.
const msgInternal = "The request processing has failed because of an unknown error, exception or failure."

type protocol uint8

const (
	protoQuery protocol = iota + 1
	protoREST
	protoJSON
)

// call is the per-request state the middleware logs and measures.
type call struct {
	id        string
	proto     protocol
	querySvc  awsquery.Service
	service   string // signing name, or "unknown"
	operation string // registered operation, or "unknown"
	code      string // AWS error code, "" on success
	message   string // AWS error message, "" on success
	accessKey string
	// Set once the request is authenticated, for the Auditor.
	auth     *sigv4.Result
	auditCtx context.Context
	params   *awsquery.Request
	labels   map[string]string
	body     []byte
	scoped   bool   // the credential scope named the service
	jsonVer  string // the awsJson protocol version of the request
}

// statusWriter records the status written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap returns the underlying writer, for http.ResponseController.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// newRequestID returns a random UUID (version 4), the format AWS uses.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}

// scopeService returns the signing name in the request's SigV4 credential
// scope (Authorization header or X-Amz-Credential), or "".
func scopeService(r *http.Request) string {
	cred := ""
	if h := r.Header.Get("Authorization"); h != "" {
		_, rest, ok := strings.Cut(h, "Credential=")
		if !ok {
			return ""
		}
		cred, _, _ = strings.Cut(rest, ",")
	} else {
		cred = r.URL.Query().Get("X-Amz-Credential")
	}
	parts := strings.Split(strings.TrimSpace(cred), "/")
	if len(parts) != 5 {
		return ""
	}
	return parts[3]
}

// hasCredentials reports whether a request carries SigV4 credentials, in
// its Authorization header or its query string.
func hasCredentials(r *http.Request) bool {
	return r.Header.Get("Authorization") != "" || r.URL.Query().Has("X-Amz-Credential")
}

// looksQuery reports whether the request has the shape of an awsQuery
// call: a form-encoded POST, or a GET with an Action parameter.
func looksQuery(r *http.Request) bool {
	switch r.Method {
	case http.MethodPost:
		mt, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
		return strings.EqualFold(strings.TrimSpace(mt), "application/x-www-form-urlencoded")
	case http.MethodGet:
		return r.URL.Query().Has("Action")
	}
	return false
}

// classify chooses the protocol and service of a request before it is
// authenticated, from its credential scope or else its shape.
func (s *Server) classify(r *http.Request, c *call) {
	scope := scopeService(r)
	if svc, ok := querySvcs[scope]; ok {
		c.proto, c.querySvc, c.service, c.scoped = protoQuery, svc, svc.Name, true
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, ok := s.rest[scope]; ok {
		c.proto, c.service, c.scoped = protoREST, scope, true
		return
	}
	if _, ok := s.json[scope]; ok {
		c.proto, c.service, c.scoped = protoJSON, scope, true
		return
	}
	if awsjson.Looks(r) {
		prefix := awsjson.Target(r)
		for name, js := range s.json {
			if js.prefix == prefix {
				c.proto, c.service = protoJSON, name
				return
			}
		}
	}
	if looksQuery(r) {
		c.proto, c.querySvc, c.service = protoQuery, awsquery.IAM, awsquery.IAM.Name
		return
	}
	c.proto, c.service = protoREST, "unknown"
	// Unsigned or wrongly scoped: the service whose routes match the path.
	for name, rt := range s.rest {
		if _, err := rt.Match(r.Method, r.URL.EscapedPath()); err == nil {
			c.service = name
			return
		}
	}
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	sw := &statusWriter{ResponseWriter: w}
	c := &call{id: newRequestID(), service: "unknown", operation: "unknown"}
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.log.LogAttrs(r.Context(), slog.LevelError, "handler panic", slog.String("request_id", c.id),
				slog.String("service", c.service), slog.String("operation", c.operation), slog.String("panic", fmt.Sprint(p)))
			if sw.status == 0 {
				s.writeError(sw, c, errors.New("handler panic"))
			}
		}
		s.finish(r, sw, c, start)
		s.audit(r, sw, c, start)
	}()

	s.classify(r, c)
	body, err := s.readBody(sw, r)
	if err != nil {
		s.writeError(sw, c, err)
		return
	}
	switch c.proto {
	case protoQuery:
		s.serveQuery(sw, r, c, body)
	case protoJSON:
		s.serveJSON(sw, r, c, body)
	default:
		s.serveREST(sw, r, c, body)
	}
}

// errTooLarge is the protocol-neutral body-limit error; writeError maps it.
type errTooLarge struct{ limit int64 }

func (e *errTooLarge) Error() string {
	return fmt.Sprintf("Request body is larger than the limit of %d bytes; send a smaller request.", e.limit)
}

// codeIncompleteBody is AWS's error code for a body shorter than its
// Content-Length.
const codeIncompleteBody = "IncompleteBody"

// errIncomplete is the protocol-neutral error of a request body that
// could not be read to its end; writeError maps it to 400 IncompleteBody.
type errIncomplete struct {
	declared int64 // Content-Length, -1 when unknown (chunked)
	read     int
	err      error
}

func (e *errIncomplete) Error() string {
	if e.declared >= 0 {
		return fmt.Sprintf("The request body ended after %d of the %d bytes its Content-Length declares (%v); send the whole body or a correct Content-Length.",
			e.read, e.declared, e.err)
	}
	return fmt.Sprintf("The request body could not be read after %d bytes (%v); send a complete, well-formed body.", e.read, e.err)
}

func (e *errIncomplete) Unwrap() error { return e.err }

func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	limit := s.cfg.MaxBodyBytes
	if r.ContentLength > limit {
		return nil, &errTooLarge{limit}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return nil, &errTooLarge{limit}
	case err != nil:
		// Reading the body fails only on the client's side of the
		// connection: a body shorter than its Content-Length (the
		// connection closed early) or a malformed chunked encoding.
		return nil, &errIncomplete{declared: r.ContentLength, read: len(body), err: err}
	}
	return body, nil
}

func (s *Server) authenticate(r *http.Request, c *call, body []byte) (*sigv4.Result, error) {
	if s.cfg.Authenticator == nil {
		return nil, errors.New("server has no Authenticator; set Config.Authenticator")
	}
	res, err := s.cfg.Authenticator.Authenticate(r, body)
	if err != nil {
		return nil, err
	}
	c.accessKey = res.AccessKeyID
	// A request for a known service signed for another one. (When no
	// service could be determined, routing reports the request instead.)
	if c.service != "unknown" && res.Service != c.service {
		return nil, &sigv4.Error{Kind: sigv4.KindBadScope,
			Message: fmt.Sprintf("Credential should be scoped to correct service: '%s'.", c.service)}
	}
	c.auth = res
	return res, nil
}

func (s *Server) serveQuery(w http.ResponseWriter, r *http.Request, c *call, body []byte) {
	params, perr := awsquery.Parse(r, body)
	if perr == nil && !c.scoped && params.Version == awsquery.STS.Version {
		c.querySvc, c.service = awsquery.STS, awsquery.STS.Name
	}
	var h QueryHandler
	unsigned := false
	if perr == nil {
		s.mu.RLock()
		h = s.query[c.service][params.Action]
		unsigned = s.unsigned[c.service+":"+params.Action]
		s.mu.RUnlock()
		if h != nil {
			c.operation = params.Action
		}
	}
	var auth *sigv4.Result
	var err error
	if !unsigned || hasCredentials(r) {
		auth, err = s.authenticate(r, c, body)
	}
	if perr == nil {
		c.params = params
	}
	switch {
	case err != nil:
	case perr != nil:
		err = perr
	case params.Version != "" && params.Version != c.querySvc.Version || h == nil:
		err = &awsquery.Error{Code: "InvalidAction", Status: http.StatusBadRequest,
			Message: fmt.Sprintf("Could not find operation %s for version %s", params.Action, params.Version)}
	}
	if err != nil {
		s.writeError(w, c, err)
		return
	}
	result, err := h.ServeQuery(s.beginAudit(r, c), &QueryCall{Service: c.querySvc, Action: params.Action, Params: params,
		Auth: auth, RequestID: c.id, HTTPRequest: r})
	if err != nil {
		s.writeError(w, c, err)
		return
	}
	if err := awsquery.WriteResponse(w, c.querySvc, params.Action, c.id, result); err != nil {
		s.writeError(w, c, err)
	}
}

func (s *Server) serveREST(w http.ResponseWriter, r *http.Request, c *call, body []byte) {
	s.mu.RLock()
	rt := s.rest[c.service]
	s.mu.RUnlock()
	var m *restjson.Match[RESTHandler]
	var merr error
	if rt != nil {
		m, merr = rt.Match(r.Method, r.URL.EscapedPath())
		if merr == nil {
			c.operation = m.Route.Operation
		}
	}
	auth, err := s.authenticate(r, c, body)
	switch {
	case err != nil:
	case rt == nil:
		err = &restjson.Error{Code: "UnknownOperationException", Status: http.StatusNotFound,
			Message: s.unservedMessage(r, c)}
	case merr != nil:
		err = merr
	}
	if err != nil {
		s.writeError(w, c, err)
		return
	}
	c.labels, c.body = m.Labels, body
	out, err := m.Handler.ServeREST(s.beginAudit(r, c), &RESTCall{Service: c.service, Route: m.Route, Labels: m.Labels,
		Query: restjson.NewQuery(r.URL.Query()), Body: body, Auth: auth, RequestID: c.id, HTTPRequest: r})
	if err != nil {
		s.writeError(w, c, err)
		return
	}
	if err := restjson.WriteJSON(w, c.id, out); err != nil {
		s.writeError(w, c, err)
	}
}

func (s *Server) serveJSON(w http.ResponseWriter, r *http.Request, c *call, body []byte) {
	req, perr := awsjson.Parse(r, body)
	var h JSONHandler
	s.mu.RLock()
	js := s.json[c.service]
	s.mu.RUnlock()
	if perr == nil {
		c.jsonVer = req.Version
		if req.TargetPrefix == js.prefix {
			h = js.ops[req.Operation]
		}
		if h != nil {
			c.operation = req.Operation
		}
	}
	auth, err := s.authenticate(r, c, body)
	switch {
	case err != nil:
	case perr != nil:
		err = perr
	case h == nil:
		err = &awsjson.Error{Code: "UnknownOperationException", Status: http.StatusBadRequest,
			Message: fmt.Sprintf("connect-iam does not serve the operation %s of %s; the X-Amz-Target prefix of %s is %s.",
				r.Header.Get("X-Amz-Target"), c.service, c.service, js.prefix)}
	}
	if err != nil {
		s.writeError(w, c, err)
		return
	}
	c.body = req.Body
	out, err := h.ServeJSON(s.beginAudit(r, c), &JSONCall{Service: c.service, Operation: req.Operation, Body: req.Body,
		Auth: auth, RequestID: c.id, HTTPRequest: r})
	if err != nil {
		s.writeError(w, c, err)
		return
	}
	if err := awsjson.WriteResponse(w, c.id, c.jsonVer, out); err != nil {
		s.writeError(w, c, err)
	}
}

// unservedMessage says that connect-iam does not serve the service a
// request is for, and lists the services it serves.
func (s *Server) unservedMessage(r *http.Request, c *call) string {
	s.mu.RLock()
	names := make([]string, 0, len(s.rest)+len(querySvcs))
	for name := range s.rest {
		names = append(names, name)
	}
	for name := range s.json {
		names = append(names, name)
	}
	s.mu.RUnlock()
	for name := range querySvcs {
		names = append(names, name)
	}
	sort.Strings(names)
	what := "the service of " + r.Method + " " + r.URL.EscapedPath()
	if scope := scopeService(r); scope != "" {
		what = fmt.Sprintf("the service %q (the request is signed for it)", scope)
	}
	return fmt.Sprintf("connect-iam does not serve %s; the services it serves (by signing name) are %s. Check the endpoint URL and the service the client signs for.", what, strings.Join(names, ", "))
}

// writeError writes err in the protocol of the call. SigV4 errors get the
// protocol's code; errors of the protocol's codec are written as they are;
// anything else is an internal failure whose detail is logged, not sent.
func (s *Server) writeError(w http.ResponseWriter, c *call, err error) {
	var (
		se  *sigv4.Error
		qe  *awsquery.Error
		je  *restjson.Error
		aj  *awsjson.Error
		big *errTooLarge
		inc *errIncomplete
	)
	isSigv4 := errors.As(err, &se)
	if isSigv4 && se.Kind == sigv4.KindInternal || !isSigv4 && !errors.As(err, &qe) && !errors.As(err, &je) && !errors.As(err, &aj) && !errors.As(err, &big) && !errors.As(err, &inc) {
		s.log.LogAttrs(context.Background(), slog.LevelError, "internal failure", slog.String("request_id", c.id),
			slog.String("service", c.service), slog.String("operation", c.operation), slog.String("error", err.Error()))
	}
	if c.proto == protoQuery {
		switch {
		case isSigv4:
			qe = &awsquery.Error{Code: se.QueryCode(), Message: se.Message, Status: se.HTTPStatus()}
		case qe != nil:
		case big != nil:
			qe = &awsquery.Error{Code: "RequestEntityTooLarge", Message: big.Error(), Status: http.StatusRequestEntityTooLarge}
		case inc != nil:
			qe = &awsquery.Error{Code: codeIncompleteBody, Message: inc.Error(), Status: http.StatusBadRequest}
		default:
			qe = &awsquery.Error{Code: "InternalFailure", Message: msgInternal, Status: http.StatusInternalServerError}
		}
		c.code, c.message = qe.Code, qe.Message
		awsquery.WriteError(w, c.querySvc, c.id, qe)
		return
	}
	if c.proto == protoJSON {
		switch {
		case isSigv4:
			aj = &awsjson.Error{Code: se.JSONCode(), Message: se.Message, Status: se.JSONHTTPStatus()}
		case aj != nil:
		case je != nil:
			aj = &awsjson.Error{Code: je.Code, Message: je.Message, Status: je.Status, Fields: je.Fields}
		case big != nil:
			aj = &awsjson.Error{Code: "RequestEntityTooLargeException", Message: big.Error(), Status: http.StatusRequestEntityTooLarge}
		case inc != nil:
			aj = &awsjson.Error{Code: codeIncompleteBody, Message: inc.Error(), Status: http.StatusBadRequest}
		default:
			aj = &awsjson.Error{Code: "InternalFailure", Message: msgInternal, Status: http.StatusInternalServerError}
		}
		c.code, c.message = aj.Code, aj.Message
		awsjson.WriteError(w, c.id, c.jsonVer, aj)
		return
	}
	switch {
	case isSigv4:
		je = &restjson.Error{Code: se.JSONCode(), Message: se.Message, Status: se.JSONHTTPStatus()}
	case je != nil:
	case big != nil:
		je = &restjson.Error{Code: "RequestEntityTooLargeException", Message: big.Error(), Status: http.StatusRequestEntityTooLarge}
	case inc != nil:
		je = &restjson.Error{Code: codeIncompleteBody, Message: inc.Error(), Status: http.StatusBadRequest}
	default:
		je = &restjson.Error{Code: "InternalFailure", Message: msgInternal, Status: http.StatusInternalServerError}
	}
	c.code, c.message = je.Code, je.Message
	restjson.WriteError(w, c.id, je)
}

// beginAudit returns the context for the handler of an authenticated
// call, after the Auditor's BeginCall when there is one.
func (s *Server) beginAudit(r *http.Request, c *call) context.Context {
	if s.cfg.Auditor == nil {
		return r.Context()
	}
	c.auditCtx = s.cfg.Auditor.BeginCall(r.Context())
	return c.auditCtx
}

// audit passes an authenticated call to the Auditor. A call that was
// authenticated but not dispatched (an unknown action, for instance) is
// audited too, with the context of the request.
func (s *Server) audit(r *http.Request, w *statusWriter, c *call, start time.Time) {
	if s.cfg.Auditor == nil || c.auth == nil {
		return
	}
	ctx := c.auditCtx
	if ctx == nil {
		ctx = r.Context()
	}
	s.cfg.Auditor.EndCall(ctx, &AuditRecord{
		RequestID: c.id, Time: start, Service: c.service, Operation: c.operation,
		Auth: c.auth, HTTPRequest: r, QueryParams: c.params, RESTLabels: c.labels, RESTBody: c.body,
		Status: w.status, ErrorCode: c.code, ErrorMessage: c.message,
	})
}

// finish records the request's metrics and log line.
func (s *Server) finish(r *http.Request, w *statusWriter, c *call, start time.Time) {
	elapsed := time.Since(start)
	code := c.code
	if code == "" {
		code = "OK"
	}
	s.metrics.requests.WithLabelValues(c.service, c.operation, code).Inc()
	s.metrics.latency.WithLabelValues(c.service, c.operation).Observe(elapsed.Seconds())
	level := slog.LevelInfo
	if w.status >= 500 {
		level = slog.LevelWarn
	}
	s.log.LogAttrs(r.Context(), level, "request",
		slog.String("request_id", c.id),
		slog.String("method", r.Method),
		slog.String("path", r.URL.EscapedPath()),
		slog.String("service", c.service),
		slog.String("operation", c.operation),
		slog.Int("status", w.status),
		slog.String("code", code),
		slog.Duration("duration", elapsed),
		slog.String("remote_addr", r.RemoteAddr),
		slog.String("access_key_id", c.accessKey),
	)
}
