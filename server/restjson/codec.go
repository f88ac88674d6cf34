package restjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Error is a restJson1 error. It is written with the X-Amzn-ErrorType
// header set to Code, the HTTP status Status and the JSON body
// {"__type": Code, "message": Message, ...Fields}, which the AWS SDKs read
// into the modeled exception type (their deserializers accept "message" or
// "Message").
type Error struct {
	// Code is the error shape name, for example "ResourceNotFoundException".
	Code string
	// Message is the human-readable message.
	Message string
	// Status is the HTTP status; zero means 400.
	Status int
	// Fields are additional members of the error shape, for example
	// {"Reason": ...} for InvalidRequestException.
	Fields map[string]any
}

// NewError returns an [*Error] with the given status, code and message.
func NewError(status int, code, message string) *Error {
	return &Error{Code: code, Message: message, Status: status}
}

// Error returns "restjson: <code>: <message>".
func (e *Error) Error() string { return "restjson: " + e.Code + ": " + e.Message }

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
	m["message"] = e.Message
	b, err := json.Marshal(m)
	if err != nil {
		// A field that cannot be encoded is dropped rather than losing the error.
		b, _ = json.Marshal(map[string]string{"__type": e.Code, "message": e.Message})
	}
	return b
}

// WriteError writes e: status, X-Amzn-ErrorType, X-Amzn-RequestId and the
// JSON body.
func WriteError(w http.ResponseWriter, requestID string, e *Error) {
	body := e.MarshalBody()
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("X-Amzn-ErrorType", e.Code)
	h.Set("X-Amzn-RequestId", requestID)
	w.WriteHeader(e.HTTPStatus())
	_, _ = w.Write(body)
}

// WriteJSON writes a 200 response with v encoded as JSON. A nil v writes
// an empty body, which the SDKs accept for operations without output. It
// returns an error, writing nothing, when v cannot be encoded.
func WriteJSON(w http.ResponseWriter, requestID string, v any) error {
	var body []byte
	if v != nil {
		var err error
		body, err = json.Marshal(v)
		if err != nil {
			return fmt.Errorf("restjson: encoding the response (%T): %w", v, err)
		}
		w.Header().Set("Content-Type", "application/json")
	}
	h := w.Header()
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("X-Amzn-RequestId", requestID)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
	return nil
}

// Time is a timestamp encoded as restJson1 does by default: a JSON number
// of seconds since the Unix epoch, with millisecond precision
// (1700000000 or 1700000000.123). The zero Time encodes as null; give
// optional timestamps a pointer type and omitempty.
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

// UnmarshalJSON decodes epoch seconds (an integer or a decimal number).
// null leaves t unchanged.
func (t *Time) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || len(b) == 0 || b[0] == '"' || math.IsInf(f, 0) || math.IsNaN(f) {
		return fmt.Errorf("expected a timestamp as a JSON number of epoch seconds, got %s", b)
	}
	sec, frac := math.Modf(f)
	*t = Time(time.Unix(int64(sec), int64(math.Round(frac*1000))*int64(time.Millisecond)).UTC())
	return nil
}

// serialization returns the 400 SerializationException AWS sends for a
// request body it cannot read.
func serialization(format string, args ...any) *Error {
	return &Error{Code: "SerializationException", Status: http.StatusBadRequest, Message: fmt.Sprintf(format, args...)}
}

// Decode decodes the JSON request body into v, a pointer to the input
// structure. An empty (or all-whitespace) body leaves v unchanged, as for
// operations whose members are all optional. Any error is a 400
// SerializationException that names the problem and its place: the line
// and column of a syntax error, or the member path and the expected type of
// a value of the wrong type. Data after the JSON value is rejected; members
// that v does not define are ignored, as AWS services ignore members they
// do not know.
func Decode(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return decodeError(body, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		off := dec.InputOffset() - 1 // just past the first extra token
		line, col := lineCol(body, off)
		return serialization("Unexpected data after the JSON body at %d:%d; send exactly one JSON object.", line, col)
	}
	return nil
}

func decodeError(body []byte, err error) *Error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		line, col := lineCol(body, syn.Offset-1) // Offset counts the offending byte
		return serialization("Malformed JSON at %d:%d: %s; send a valid JSON object.", line, col, syn.Error())
	case errors.As(err, &typ):
		line, col := lineCol(body, typ.Offset-1) // Offset is just past the value
		where := typ.Field
		if where == "" {
			where = "the request body"
		} else {
			where = "'" + where + "'"
		}
		return serialization("Value of type %s at %s (%d:%d) cannot be read as %s; send a JSON %s.",
			typ.Value, where, line, col, goTypeName(typ.Type.String()), goTypeName(typ.Type.String()))
	case errors.Is(err, io.ErrUnexpectedEOF):
		line, col := lineCol(body, int64(len(body)))
		return serialization("The JSON body ends early at %d:%d; close every object and array.", line, col)
	default:
		return serialization("The JSON body cannot be read: %s.", strings.TrimPrefix(err.Error(), "json: "))
	}
}

// goTypeName names a Go type as the JSON type a client must send.
func goTypeName(t string) string {
	t = strings.TrimLeft(t, "*")
	switch {
	case t == "string":
		return "string"
	case t == "bool":
		return "boolean"
	case strings.HasPrefix(t, "int"), strings.HasPrefix(t, "uint"):
		return "integer"
	case strings.HasPrefix(t, "float"):
		return "number"
	case strings.HasPrefix(t, "[]"):
		return "array"
	case strings.HasPrefix(t, "map["):
		return "object"
	case t == "restjson.Time":
		return "number of epoch seconds"
	default:
		return "object"
	}
}

// lineCol converts a byte offset into a 1-based line and column.
func lineCol(body []byte, off int64) (int, int) {
	if off > int64(len(body)) {
		off = int64(len(body))
	}
	if off < 0 {
		off = 0
	}
	before := body[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// Query reads query parameters bound to operation input with
// restJson1's rules and records the first malformed value.
type Query struct {
	values url.Values
	err    *Error
}

// NewQuery returns a Query over the parsed query string.
func NewQuery(values url.Values) *Query { return &Query{values: values} }

// String returns the parameter name, or "" when it is absent.
func (q *Query) String(name string) string { return q.values.Get(name) }

// Strings returns every value of a list parameter (tagKeys=a&tagKeys=b).
func (q *Query) Strings(name string) []string { return q.values[name] }

// Int returns the integer parameter name and whether it was sent. A value
// that is not an integer in 32-bit range records a SerializationException
// returned by [Query.Err].
func (q *Query) Int(name string) (int32, bool) {
	v, ok := q.values[name]
	if !ok || len(v) == 0 {
		return 0, false
	}
	n, err := strconv.ParseInt(v[0], 10, 32)
	if err != nil {
		if q.err == nil {
			q.err = serialization("Query parameter %s=%q is not an integer; send a whole number.", name, v[0])
		}
		return 0, false
	}
	return int32(n), true
}

// Bool returns the boolean parameter name and whether it was sent.
// Values other than true and false record a SerializationException.
func (q *Query) Bool(name string) (bool, bool) {
	v, ok := q.values[name]
	if !ok || len(v) == 0 {
		return false, false
	}
	switch v[0] {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	if q.err == nil {
		q.err = serialization("Query parameter %s=%q is not a boolean; send true or false.", name, v[0])
	}
	return false, false
}

// Err returns the first malformed value recorded, or nil.
func (q *Query) Err() error {
	if q.err == nil {
		return nil
	}
	return q.err
}
