// Package awsjson implements the awsJson1_0 and awsJson1_1 wire protocols
// that AWS Organizations (and other JSON services) speak: every request is
// a POST to "/" whose X-Amz-Target header names the operation
// ("AWSOrganizationsV20161128.CreatePolicy") and whose body is one JSON
// object of input members (Content-Type application/x-amz-json-1.1);
// responses are the JSON output object, and errors are a JSON object whose
// "__type" member is the error code, with the HTTP status of the error.
//
//	req, err := awsjson.Parse(r, body) // *awsjson.Error on a malformed request
//	...
//	awsjson.WriteResponse(w, requestID, req.Version, out)
//	awsjson.WriteError(w, requestID, req.Version, &awsjson.Error{Code: "PolicyNotFoundException", ...})
package awsjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Versions of the protocol, as the Content-Type carries them.
const (
	Version10 = "1.0"
	Version11 = "1.1"
)

// ContentType returns the Content-Type of the protocol version
// ("application/x-amz-json-1.1"); an unknown version is 1.1.
func ContentType(version string) string {
	if version != Version10 {
		version = Version11
	}
	return "application/x-amz-json-" + version
}

// Request is a parsed awsJson request.
type Request struct {
	// TargetPrefix is the part of X-Amz-Target before the dot
	// ("AWSOrganizationsV20161128"), Operation the part after it.
	TargetPrefix string
	Operation    string
	// Version is the protocol version of the Content-Type ("1.1").
	Version string
	// Body is the JSON object of input members; "{}" for an empty body.
	Body []byte
}

// Error is an awsJson error. It is written with the HTTP status Status,
// the X-Amzn-ErrorType header and the JSON body {"__type": Code,
// "Message": Message, ...Fields}, which the SDKs read into the modeled
// exception (they accept "message" and "Message").
type Error struct {
	// Code is the error shape name, for example "PolicyNotFoundException".
	Code string
	// Message is the human-readable message.
	Message string
	// Status is the HTTP status; zero means 400.
	Status int
	// Fields are additional members of the error shape, such as
	// {"Reason": "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED"}.
	Fields map[string]any
}

// Error returns "awsjson: <code>: <message>".
func (e *Error) Error() string { return "awsjson: " + e.Code + ": " + e.Message }

// HTTPStatus returns the HTTP status of the error.
func (e *Error) HTTPStatus() int {
	if e.Status == 0 {
		return http.StatusBadRequest
	}
	return e.Status
}

// MarshalBody returns the JSON body of the error.
func (e *Error) MarshalBody() []byte {
	m := make(map[string]any, len(e.Fields)+2)
	for k, v := range e.Fields {
		m[k] = v
	}
	m["__type"] = e.Code
	m["Message"] = e.Message
	b, err := json.Marshal(m)
	if err != nil {
		// A field that cannot be encoded is dropped rather than the error.
		b, _ = json.Marshal(map[string]string{"__type": e.Code, "Message": e.Message})
	}
	return b
}

// serialization is the 400 SerializationException AWS sends for a request
// it cannot read.
func serialization(format string, args ...any) *Error {
	return &Error{Code: "SerializationException", Status: http.StatusBadRequest, Message: fmt.Sprintf(format, args...)}
}

// Looks reports whether r has the shape of an awsJson request: a POST with
// an X-Amz-Target header and an application/x-amz-json-* Content-Type.
func Looks(r *http.Request) bool {
	if r.Method != http.MethodPost || r.Header.Get("X-Amz-Target") == "" {
		return false
	}
	_, ok := contentVersion(r.Header.Get("Content-Type"))
	return ok
}

// Target returns the target prefix of r's X-Amz-Target header ("" when it
// has none).
func Target(r *http.Request) string {
	prefix, _, _ := strings.Cut(r.Header.Get("X-Amz-Target"), ".")
	return strings.TrimSpace(prefix)
}

func contentVersion(ct string) (string, bool) {
	mt, _, _ := strings.Cut(ct, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	switch mt {
	case "application/x-amz-json-1.1":
		return Version11, true
	case "application/x-amz-json-1.0":
		return Version10, true
	}
	return "", false
}

// Parse checks that r is an awsJson request and returns its target and
// body. body is r's body, already read. Every failure is an [*Error]: a
// 404 UnknownOperationException for a request that is not a POST to "/"
// or that names no operation, a 400 SerializationException for a body
// that is not one JSON object.
func Parse(r *http.Request, body []byte) (*Request, error) {
	if r.Method != http.MethodPost {
		return nil, &Error{Code: "UnknownOperationException", Status: http.StatusNotFound,
			Message: fmt.Sprintf("%s is not an operation of this service; awsJson operations are sent as POST / with an X-Amz-Target header.", r.Method)}
	}
	if p := r.URL.EscapedPath(); p != "/" && p != "" {
		return nil, &Error{Code: "UnknownOperationException", Status: http.StatusNotFound,
			Message: fmt.Sprintf("Path %s is not served; awsJson operations are sent to / (check the endpoint URL).", p)}
	}
	target := strings.TrimSpace(r.Header.Get("X-Amz-Target"))
	prefix, op, ok := strings.Cut(target, ".")
	if !ok || prefix == "" || op == "" || strings.ContainsAny(op, ". /") {
		return nil, &Error{Code: "UnknownOperationException", Status: http.StatusBadRequest,
			Message: fmt.Sprintf("X-Amz-Target %q does not name an operation; send SERVICE_PREFIX.OperationName, such as AWSOrganizationsV20161128.DescribeOrganization.", target)}
	}
	version, ok := contentVersion(r.Header.Get("Content-Type"))
	if !ok {
		return nil, serialization("Content-Type %q is not an awsJson content type; send application/x-amz-json-1.1.", r.Header.Get("Content-Type"))
	}
	req := &Request{TargetPrefix: prefix, Operation: op, Version: version, Body: body}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		req.Body = []byte("{}")
		return req, nil
	}
	if err := checkObject(trimmed); err != nil {
		return nil, err
	}
	return req, nil
}

// checkObject checks that b is exactly one JSON object.
func checkObject(b []byte) *Error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return decodeError(b, err)
	}
	if _, ok := v.(map[string]any); !ok {
		return serialization("The request body is %s, not a JSON object; send the input members as one JSON object.", kind(v))
	}
	if _, err := dec.Token(); err != io.EOF {
		line, col := lineCol(b, dec.InputOffset()-1)
		return serialization("Unexpected data after the JSON body at %d:%d; send exactly one JSON object.", line, col)
	}
	return nil
}

// Decode decodes the request body into a map of member name to value, with
// numbers as json.Number. It fails with a SerializationException as Parse
// does.
func Decode(body []byte) (map[string]any, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return map[string]any{}, nil
	}
	if err := checkObject(body); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, decodeError(body, err)
	}
	return m, nil
}

func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "an object"
}

func decodeError(body []byte, err error) *Error {
	if syn, ok := err.(*json.SyntaxError); ok {
		line, col := lineCol(body, syn.Offset-1)
		return serialization("Malformed JSON at %d:%d: %s; send a valid JSON object.", line, col, syn.Error())
	}
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		line, col := lineCol(body, int64(len(body)))
		return serialization("The JSON body ends early at %d:%d; close every object and array.", line, col)
	}
	return serialization("The JSON body cannot be read: %s.", strings.TrimPrefix(err.Error(), "json: "))
}

// lineCol converts a byte offset into a 1-based line and column.
func lineCol(body []byte, off int64) (int, int) {
	off = max(0, min(off, int64(len(body))))
	before := body[:off]
	return bytes.Count(before, []byte("\n")) + 1, int(off) - bytes.LastIndexByte(before, '\n')
}

// WriteResponse writes a 200 response with v encoded as JSON; nil writes
// "{}", the body of an operation without output. It returns an error,
// writing nothing, when v cannot be encoded.
func WriteResponse(w http.ResponseWriter, requestID, version string, v any) error {
	body := []byte("{}")
	if v != nil {
		var err error
		if body, err = json.Marshal(v); err != nil {
			return fmt.Errorf("awsjson: encoding the response (%T): %w", v, err)
		}
	}
	h := w.Header()
	h.Set("Content-Type", ContentType(version))
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("X-Amzn-RequestId", requestID)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
	return nil
}

// WriteError writes e: its status, X-Amzn-ErrorType, X-Amzn-RequestId and
// the JSON body.
func WriteError(w http.ResponseWriter, requestID, version string, e *Error) {
	body := e.MarshalBody()
	h := w.Header()
	h.Set("Content-Type", ContentType(version))
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("X-Amzn-ErrorType", e.Code)
	h.Set("X-Amzn-RequestId", requestID)
	w.WriteHeader(e.HTTPStatus())
	_, _ = w.Write(body)
}

// Time is a timestamp as awsJson encodes it: a JSON number of seconds
// since the Unix epoch with millisecond precision. The zero Time encodes
// as null; give optional timestamps a pointer type and omitempty.
type Time time.Time

// MarshalJSON encodes t as epoch seconds.
func (t Time) MarshalJSON() ([]byte, error) {
	tt := time.Time(t)
	if tt.IsZero() {
		return []byte("null"), nil
	}
	ms := tt.UnixMilli()
	if ms%1000 == 0 {
		return strconv.AppendInt(nil, ms/1000, 10), nil
	}
	return strconv.AppendFloat(nil, float64(ms)/1000, 'f', -1, 64), nil
}
