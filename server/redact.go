package server

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
)

// redacted replaces the value of a secret attribute.
const redacted = "[REDACTED]"

// secretKeys are the attribute names, lower-cased with '-' and '_'
// removed, whose values are secrets.
var secretKeys = map[string]bool{
	"authorization":     true,
	"xamzsecuritytoken": true,
	"securitytoken":     true,
	"sessiontoken":      true,
	"secretaccesskey":   true,
	"secretkey":         true,
	"secret":            true,
	"password":          true,
	"xamzsignature":     true,
	"signature":         true,
	"oldpassword":       true,
	"newpassword":       true,
	"privatekey":        true,
	"samlassertion":     true,
	"webidentitytoken":  true,
	"clientsecret":      true,
	"tradeintoken":      true,
}

func isSecretKey(key string) bool {
	k := strings.ToLower(strings.NewReplacer("-", "", "_", "").Replace(key))
	return secretKeys[k]
}

// RedactingHandler is a slog.Handler that replaces the value of every
// attribute whose key names a secret (Authorization, X-Amz-Security-Token,
// SessionToken, SecretAccessKey, Password, X-Amz-Signature, ...; compared
// without case, '-' and '_'), at any depth of groups and inside logged
// http.Header, url.Values, map[string]string, map[string][]string and
// map[string]any values, before passing the record to the wrapped handler.
type RedactingHandler struct {
	next slog.Handler
}

// NewRedactingHandler returns a RedactingHandler wrapping next. Wrapping a
// RedactingHandler again returns it unchanged.
func NewRedactingHandler(next slog.Handler) slog.Handler {
	if h, ok := next.(*RedactingHandler); ok {
		return h
	}
	return &RedactingHandler{next: next}
}

// Enabled reports whether the wrapped handler handles level.
func (h *RedactingHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

// Handle redacts the record's attributes and passes it on.
func (h *RedactingHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redact(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

// WithAttrs returns a RedactingHandler over next.WithAttrs of the redacted
// attributes.
func (h *RedactingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		red[i] = redact(a)
	}
	return &RedactingHandler{next: h.next.WithAttrs(red)}
}

// WithGroup returns a RedactingHandler over next.WithGroup(name).
func (h *RedactingHandler) WithGroup(name string) slog.Handler {
	return &RedactingHandler{next: h.next.WithGroup(name)}
}

func redact(a slog.Attr) slog.Attr {
	if isSecretKey(a.Key) {
		return slog.String(a.Key, redacted)
	}
	v := a.Value.Resolve()
	if v.Kind() == slog.KindGroup {
		group := v.Group()
		red := make([]slog.Attr, len(group))
		for i, g := range group {
			red[i] = redact(g)
		}
		return slog.Attr{Key: a.Key, Value: slog.GroupValue(red...)}
	}
	if v.Kind() == slog.KindAny {
		if m, ok := redactMap(v.Any()); ok {
			return slog.Any(a.Key, m)
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}

// redactMap returns a copy of a header, form or parameter map with the
// values of secret keys replaced, and whether v was such a map.
func redactMap(v any) (any, bool) {
	switch m := v.(type) {
	case http.Header:
		return redactMulti(m), true
	case url.Values:
		return redactMulti(m), true
	case map[string][]string:
		return redactMulti(m), true
	case map[string]string:
		out := make(map[string]string, len(m))
		for k, val := range m {
			if isSecretKey(k) {
				val = redacted
			}
			out[k] = val
		}
		return out, true
	case map[string]any:
		out := make(map[string]any, len(m))
		for k, val := range m {
			if isSecretKey(k) {
				out[k] = redacted
			} else if inner, ok := redactMap(val); ok {
				out[k] = inner
			} else {
				out[k] = val
			}
		}
		return out, true
	}
	return nil, false
}

func redactMulti[M ~map[string][]string](m M) M {
	out := make(M, len(m))
	for k, vals := range m {
		if isSecretKey(k) {
			vals = []string{redacted}
		}
		out[k] = vals
	}
	return out
}
