package authz

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"

	"github.com/connect-iam/connect-iam/eval"
	"github.com/connect-iam/connect-iam/internal/secretbox"
)

// Encoded authorization messages: as EC2 does, the access-denied message
// of the services in Options.EncodedDenials ends with "Encoded
// authorization failure message: MSG", where MSG is the full explanation
// of the decision sealed with the server's box, so that only the server
// can produce and read it; STS DecodeAuthorizationMessage decodes it for
// callers allowed sts:DecodeAuthorizationMessage.

// authMsgAD binds sealed authorization messages to their purpose.
var authMsgAD = []byte("connect-iam authorization message v1")

// MaxEncodedMessage is the longest encoded message STS accepts (the
// model's encodedMessageType).
const MaxEncodedMessage = 10240

// DecodedMessage is what an encoded authorization message decodes to.
type DecodedMessage struct {
	Allowed      bool              `json:"allowed"`
	ExplicitDeny bool              `json:"explicitDeny"`
	Explanation  *eval.Explanation `json:"explanation"`
}

// EncodeAuthorizationMessage seals the explanation of a denial. The
// policy trace is left out when the message would be longer than
// MaxEncodedMessage.
func EncodeAuthorizationMessage(box *secretbox.Box, x *eval.Explanation) string {
	enc := func(x *eval.Explanation) string {
		b, _ := json.Marshal(DecodedMessage{Allowed: x.Decision == eval.Allow, ExplicitDeny: x.Decision == eval.ExplicitDeny, Explanation: x})
		var z bytes.Buffer
		w, _ := flate.NewWriter(&z, flate.BestCompression)
		_, _ = w.Write(b)
		_ = w.Close()
		return base64.RawURLEncoding.EncodeToString(box.Seal(z.Bytes(), authMsgAD))
	}
	s := enc(x)
	if len(s) > MaxEncodedMessage {
		short := *x
		short.Policies = nil
		s = enc(&short)
	}
	return s
}

// ErrInvalidAuthorizationMessage reports a message this server did not
// produce (or that was changed).
var ErrInvalidAuthorizationMessage = errors.New("the message is not an authorization message of this server")

// DecodeAuthorizationMessage opens an encoded message and returns its
// JSON.
func DecodeAuthorizationMessage(box *secretbox.Box, msg string) ([]byte, error) {
	sealed, err := base64.RawURLEncoding.DecodeString(msg)
	if err != nil {
		return nil, ErrInvalidAuthorizationMessage
	}
	z, err := box.Open(sealed, authMsgAD)
	if err != nil {
		return nil, ErrInvalidAuthorizationMessage
	}
	b, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(z)), 1<<20))
	if err != nil {
		return nil, ErrInvalidAuthorizationMessage
	}
	return b, nil
}
