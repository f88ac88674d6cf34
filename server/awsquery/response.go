package awsquery

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Service describes one awsQuery service: its signing name, API version
// and the XML namespace of its responses.
type Service struct {
	// Name is the SigV4 signing name, "iam" or "sts".
	Name string
	// Version is the API version, sent by clients as Version.
	Version string
	// Namespace is the xmlns of every response and error envelope.
	Namespace string
}

// The awsQuery services this server implements.
var (
	IAM = Service{Name: "iam", Version: "2010-05-08", Namespace: "https://iam.amazonaws.com/doc/2010-05-08/"}
	STS = Service{Name: "sts", Version: "2011-06-15", Namespace: "https://sts.amazonaws.com/doc/2011-06-15/"}
)

// Error is an awsQuery error, written as
//
//	<ErrorResponse xmlns="..."><Error><Type>Sender</Type><Code>..</Code><Message>..</Message></Error><RequestId>..</RequestId></ErrorResponse>
//
// with HTTP status Status.
type Error struct {
	// Code is the AWS error code, for example "NoSuchEntity".
	Code string
	// Message is the human-readable message AWS sends with the code.
	Message string
	// Status is the HTTP status; zero means 400 for Sender and 500 for
	// Receiver errors.
	Status int
	// Type is "Sender" (the client's fault) or "Receiver" (the server's);
	// empty means Sender for a status below 500 and Receiver otherwise.
	Type string
}

// NewError returns an [*Error] with the given status, code and message.
func NewError(status int, code, message string) *Error {
	return &Error{Code: code, Message: message, Status: status}
}

// Error returns "awsquery: <code>: <message>".
func (e *Error) Error() string { return "awsquery: " + e.Code + ": " + e.Message }

// HTTPStatus returns the HTTP status of the error.
func (e *Error) HTTPStatus() int {
	switch {
	case e.Status != 0:
		return e.Status
	case e.Type == "Receiver":
		return http.StatusInternalServerError
	default:
		return http.StatusBadRequest
	}
}

// FaultType returns "Sender" or "Receiver".
func (e *Error) FaultType() string {
	if e.Type != "" {
		return e.Type
	}
	if e.HTTPStatus() >= 500 {
		return "Receiver"
	}
	return "Sender"
}

// Time is a timestamp encoded as IAM and STS do: ISO 8601 in UTC with
// second precision, "2024-01-01T00:00:00Z". Use it for time fields of
// result structures; the zero Time is encoded as an empty element, so give
// optional timestamps a pointer type and omitempty.
type Time time.Time

// TimeLayout is the layout of [Time].
const TimeLayout = "2006-01-02T15:04:05Z"

// MarshalText formats t in [TimeLayout], in UTC.
func (t Time) MarshalText() ([]byte, error) {
	if time.Time(t).IsZero() {
		return nil, nil
	}
	return []byte(time.Time(t).UTC().Format(TimeLayout)), nil
}

// UnmarshalText parses RFC 3339 text, with or without fractional seconds.
func (t *Time) UnmarshalText(b []byte) error {
	v, err := time.Parse(time.RFC3339Nano, string(b))
	if err != nil {
		return fmt.Errorf("awsquery: timestamp %q is not ISO 8601 (want %s): %w", b, TimeLayout, err)
	}
	*t = Time(v)
	return nil
}

// FormatTime formats t as IAM does: [TimeLayout] in UTC.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeLayout) }

// MarshalResponse returns the XML response of a successful call of action:
//
//	<ActionResponse xmlns="ns"><ActionResult>result</ActionResult><ResponseMetadata><RequestId>id</RequestId></ResponseMetadata></ActionResponse>
//
// result is encoded with encoding/xml as the content of ActionResult, so
// its fields carry tags such as `xml:"User"` and, for lists,
// `xml:"Users>member"`. A nil result omits ActionResult, as IAM does for
// operations without output (DeleteUser).
func MarshalResponse(svc Service, action, requestID string, result any) ([]byte, error) {
	e, err := encodeResponse(svc, action, requestID, result)
	if err != nil {
		return nil, err
	}
	defer e.release()
	return bytes.Clone(e.buf.Bytes()), nil
}

// responseEncoder is an XML encoder with the buffer it writes to, reused
// across responses through encoders: a new xml.Encoder allocates a 4 KiB
// write buffer, more than most responses.
type responseEncoder struct {
	buf bytes.Buffer
	enc *xml.Encoder
}

var encoders = sync.Pool{New: func() any {
	e := new(responseEncoder)
	e.enc = xml.NewEncoder(&e.buf)
	return e
}}

// release returns e to the pool. Only an encoder that finished a document
// (every element closed, buffer flushed) may be released.
func (e *responseEncoder) release() {
	if e.buf.Cap() > 64<<10 {
		return // let an unusually large buffer go
	}
	e.buf.Reset()
	encoders.Put(e)
}

// encodeResponse encodes the response of [MarshalResponse] into a pooled
// encoder, which the caller releases after using its buffer. On error the
// encoder, in an unknown state, is not returned to the pool.
func encodeResponse(svc Service, action, requestID string, result any) (*responseEncoder, error) {
	e := encoders.Get().(*responseEncoder)
	enc := e.enc
	root := xml.StartElement{Name: xml.Name{Local: action + "Response"},
		Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: svc.Namespace}}}
	if err := enc.EncodeToken(root); err != nil {
		return nil, err
	}
	if result != nil {
		if err := enc.EncodeElement(result, xml.StartElement{Name: xml.Name{Local: action + "Result"}}); err != nil {
			return nil, fmt.Errorf("awsquery: encoding the result of %s (%T): %w", action, result, err)
		}
	}
	meta := struct {
		RequestID string `xml:"RequestId"`
	}{requestID}
	if err := enc.EncodeElement(meta, xml.StartElement{Name: xml.Name{Local: "ResponseMetadata"}}); err != nil {
		return nil, err
	}
	if err := enc.EncodeToken(root.End()); err != nil {
		return nil, err
	}
	if err := enc.Flush(); err != nil {
		return nil, err
	}
	return e, nil
}

type errorEnvelope struct {
	XMLName xml.Name `xml:"ErrorResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
	Error   struct {
		Type    string `xml:"Type"`
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	} `xml:"Error"`
	RequestID string `xml:"RequestId"`
}

// MarshalError returns the XML error envelope of e.
func MarshalError(svc Service, requestID string, e *Error) []byte {
	var env errorEnvelope
	env.Xmlns = svc.Namespace
	env.Error.Type = e.FaultType()
	env.Error.Code = e.Code
	env.Error.Message = e.Message
	env.RequestID = requestID
	b, err := xml.Marshal(env)
	if err != nil {
		// Only strings are encoded; encoding/xml cannot fail on them.
		panic("awsquery: encoding an error envelope: " + err.Error())
	}
	return b
}

func writeXML(w http.ResponseWriter, status int, requestID string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/xml")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("X-Amzn-RequestId", requestID)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// WriteResponse writes the 200 response of action (see [MarshalResponse]).
// It returns an error, writing nothing, when result cannot be encoded.
func WriteResponse(w http.ResponseWriter, svc Service, action, requestID string, result any) error {
	e, err := encodeResponse(svc, action, requestID, result)
	if err != nil {
		return err
	}
	defer e.release()
	writeXML(w, http.StatusOK, requestID, e.buf.Bytes())
	return nil
}

// WriteError writes the error envelope of e with its HTTP status.
func WriteError(w http.ResponseWriter, svc Service, requestID string, e *Error) {
	writeXML(w, e.HTTPStatus(), requestID, MarshalError(svc, requestID, e))
}
