// Package audit records every authenticated API call of the server as a
// CloudTrail-style [store.Event]: when and where the call came from, who
// made it, what it asked for (with secrets removed), how it ended and the
// authorization decision behind it.
//
// A [Log] is the server's [server.Auditor]. It turns each call into an
// event as the response is written and appends events to the store in
// batches, one transaction per batch, from a single writer goroutine, so
// that auditing costs the request path neither a transaction nor a disk
// flush. [Log.Close] writes the events still queued; events are durable
// once their batch commits, normally within milliseconds of the response.
package audit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/server"
	"github.com/connect-iam/connect-iam/store"
)

// Hidden replaces the value of a secret request parameter, as CloudTrail
// writes it.
const Hidden = "HIDDEN_DUE_TO_SECURITY_REASONS"

// Default batching limits.
const (
	DefaultQueueSize = 4096
	DefaultBatchSize = 256
	DefaultLinger    = 2 * time.Millisecond
)

// Options configure a [Log].
type Options struct {
	// Store receives the events. Required.
	Store store.Store
	// Logger reports events that could not be written; nil means
	// slog.Default().
	Logger *slog.Logger
	// Begin, if set, prepares a request's context before its handler
	// runs, typically by attaching the authorizer's decision recorder.
	Begin func(ctx context.Context) context.Context
	// Decision, if set, returns the authorization decision recorded in a
	// context that Begin prepared ("Allow", "ExplicitDeny",
	// "ImplicitDeny"), or "" when no decision was made.
	Decision func(ctx context.Context) string
	// Records, if set, returns every authorization decision recorded in
	// a context that Begin prepared. It takes precedence over Decision:
	// the event's decision is the first denial (else the last decision),
	// and its additionalEventData lists the requests (AuthorizationData).
	Records func(ctx context.Context) []authz.Record
	// QueueSize bounds the events waiting to be written; EndCall blocks
	// while the queue is full. Zero means DefaultQueueSize.
	QueueSize int
	// BatchSize bounds the events written in one transaction. Zero means
	// DefaultBatchSize.
	BatchSize int
	// Linger is how long the writer waits for more events before writing
	// a batch that is not full, trading that much delay for fewer
	// transactions (and disk flushes) under load. Zero means
	// DefaultLinger; a negative value writes at once.
	Linger time.Duration
}

// Log is an asynchronous, batching audit log writer. It implements
// [server.Auditor] and is safe for concurrent use.
type Log struct {
	opts  Options
	log   *slog.Logger
	queue chan store.Event
	done  chan struct{}

	mu     sync.RWMutex
	closed bool

	subMu   sync.Mutex
	subs    map[*subscriber]struct{}
	nsubs   atomic.Int32
	dropped atomic.Int64
}

// New returns a Log writing to opts.Store and starts its writer. Call
// Close to flush it.
func New(opts Options) *Log {
	if opts.QueueSize <= 0 {
		opts.QueueSize = DefaultQueueSize
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultBatchSize
	}
	if opts.Linger == 0 {
		opts.Linger = DefaultLinger
	}
	l := &Log{opts: opts, log: opts.Logger, queue: make(chan store.Event, opts.QueueSize), done: make(chan struct{})}
	if l.log == nil {
		l.log = slog.Default()
	}
	go l.run()
	return l
}

// BeginCall prepares the handler's context with Options.Begin.
func (l *Log) BeginCall(ctx context.Context) context.Context {
	if l.opts.Begin == nil {
		return ctx
	}
	return l.opts.Begin(ctx)
}

// EndCall queues the event of a finished call.
func (l *Log) EndCall(ctx context.Context, rec *server.AuditRecord) {
	var ev store.Event
	if l.opts.Records != nil {
		recs := l.opts.Records(ctx)
		ev = NewEvent(rec, decisionOf(recs))
		ev.AdditionalEventData = authorizationData(recs)
	} else {
		decision := ""
		if l.opts.Decision != nil {
			decision = l.opts.Decision(ctx)
		}
		ev = NewEvent(rec, decision)
	}
	l.publish(ev)
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.closed {
		l.log.Warn("audit: event after Close not recorded", "event_name", ev.Name, "event_id", ev.EventID)
		return
	}
	l.queue <- ev
}

// Close writes the queued events and stops the writer. Calls to EndCall
// must have returned; later ones are not recorded. Close is idempotent.
func (l *Log) Close() error {
	l.mu.Lock()
	if !l.closed {
		l.closed = true
		close(l.queue)
	}
	l.mu.Unlock()
	<-l.done
	l.subMu.Lock()
	for s := range l.subs {
		delete(l.subs, s)
		l.nsubs.Add(-1)
		close(s.ch)
	}
	l.subMu.Unlock()
	return nil
}

// subscriber is a live consumer of events (Subscribe).
type subscriber struct {
	ch chan store.Event
}

// Subscribe returns a channel that receives every event from now on, as
// the call ends (before it is written), and a function that stops the
// subscription. A subscriber that falls more than buffer events behind
// loses events rather than slowing the server (Dropped counts them). The
// channel is closed by cancel and by Close.
func (l *Log) Subscribe(buffer int) (<-chan store.Event, func()) {
	if buffer <= 0 {
		buffer = 256
	}
	s := &subscriber{ch: make(chan store.Event, buffer)}
	l.subMu.Lock()
	if l.subs == nil {
		l.subs = map[*subscriber]struct{}{}
	}
	l.subs[s] = struct{}{}
	l.nsubs.Add(1)
	l.subMu.Unlock()
	return s.ch, func() {
		l.subMu.Lock()
		if _, ok := l.subs[s]; ok {
			delete(l.subs, s)
			l.nsubs.Add(-1)
			close(s.ch)
		}
		l.subMu.Unlock()
	}
}

// Dropped returns how many events subscribers lost by falling behind.
func (l *Log) Dropped() int64 { return l.dropped.Load() }

// publish hands ev to the subscribers without blocking.
func (l *Log) publish(ev store.Event) {
	if l.nsubs.Load() == 0 {
		return
	}
	l.subMu.Lock()
	defer l.subMu.Unlock()
	for s := range l.subs {
		select {
		case s.ch <- ev:
		default:
			l.dropped.Add(1)
		}
	}
}

func (l *Log) run() {
	defer close(l.done)
	batch := make([]store.Event, 0, l.opts.BatchSize)
	linger := time.NewTimer(time.Hour)
	linger.Stop()
	for ev := range l.queue {
		batch = append(batch[:0], ev)
		if l.opts.Linger > 0 {
			linger.Reset(l.opts.Linger)
		}
	fill:
		for len(batch) < l.opts.BatchSize {
			if l.opts.Linger <= 0 {
				select {
				case ev, ok := <-l.queue:
					if !ok {
						break fill
					}
					batch = append(batch, ev)
				default:
					break fill
				}
				continue
			}
			select {
			case ev, ok := <-l.queue:
				if !ok {
					break fill
				}
				batch = append(batch, ev)
			case <-linger.C:
				break fill
			}
		}
		linger.Stop()
		l.write(batch)
	}
}

// write appends a batch in one transaction, retrying once.
func (l *Log) write(batch []store.Event) {
	var err error
	for attempt := 0; attempt < 2; attempt++ {
		err = l.opts.Store.Update(context.Background(), func(tx store.Tx) error {
			for _, ev := range batch {
				if _, err := tx.AppendEvent(ev); err != nil {
					return err
				}
			}
			return nil
		})
		if err == nil {
			return
		}
	}
	l.log.Error("audit: events not recorded; check the data directory's disk space and permissions",
		"events", len(batch), "first_event_id", batch[0].EventID, "error", err.Error())
}

// NewEvent builds the audit event of a call; decision is the
// authorization decision, or "".
func NewEvent(rec *server.AuditRecord, decision string) store.Event {
	ev := store.Event{
		EventID:      newEventID(),
		Time:         rec.Time.UTC(),
		Source:       rec.Service + ".amazonaws.com",
		Name:         rec.Operation,
		ErrorCode:    rec.ErrorCode,
		ErrorMessage: rec.ErrorMessage,
		Decision:     decision,
	}
	if rec.HTTPRequest != nil {
		ev.SourceIPAddress = sourceIP(rec.HTTPRequest.RemoteAddr)
		ev.UserAgent = rec.HTTPRequest.UserAgent()
	}
	if rec.Auth != nil {
		var id Identity
		id.AccessKeyID = rec.Auth.AccessKeyID
		if c := authz.AuthCaller(rec.Auth); c != nil {
			id = IdentityOf(c)
			ev.AccountID, ev.PrincipalARN = c.AccountID, c.ARN
		}
		ev.UserIdentity, _ = json.Marshal(id)
	} else if rec.QueryParams != nil {
		// An unsigned federation call (AssumeRoleWithWebIdentity,
		// AssumeRoleWithSAML): CloudTrail's identity type, and the
		// account of the role asked for as the recipient.
		typ := map[string]string{"AssumeRoleWithWebIdentity": "WebIdentityUser", "AssumeRoleWithSAML": "SAMLUser"}[rec.Operation]
		if typ != "" {
			ev.UserIdentity, _ = json.Marshal(Identity{Type: typ})
			if f := strings.SplitN(rec.QueryParams.Params()["RoleArn"], ":", 6); len(f) == 6 && store.ValidAccountID(f[4]) {
				ev.AccountID = f[4]
			}
		}
	}
	switch {
	case rec.QueryParams != nil:
		ev.RequestParameters = queryParameters(rec.QueryParams.Params())
	case len(rec.RESTLabels) > 0 || len(rec.RESTBody) > 0:
		ev.RequestParameters = restParameters(rec.RESTLabels, rec.RESTBody)
	}
	return ev
}

// Identity is the userIdentity element of an event, as CloudTrail spells
// it.
type Identity struct {
	Type           string          `json:"type,omitempty"`
	PrincipalID    string          `json:"principalId,omitempty"`
	ARN            string          `json:"arn,omitempty"`
	AccountID      string          `json:"accountId,omitempty"`
	AccessKeyID    string          `json:"accessKeyId,omitempty"`
	UserName       string          `json:"userName,omitempty"`
	SessionContext *SessionContext `json:"sessionContext,omitempty"`
}

// SessionContext describes the session behind temporary credentials.
type SessionContext struct {
	SessionIssuer  *SessionIssuer `json:"sessionIssuer,omitempty"`
	SourceIdentity string         `json:"sourceIdentity,omitempty"`
	CreationDate   string         `json:"creationDate,omitempty"`
	MFAAuthn       bool           `json:"mfaAuthenticated"`
}

// SessionIssuer is the role or user that issued a session.
type SessionIssuer struct {
	Type        string `json:"type"`
	PrincipalID string `json:"principalId,omitempty"`
	ARN         string `json:"arn"`
	AccountID   string `json:"accountId"`
	UserName    string `json:"userName,omitempty"`
}

// IdentityOf returns the userIdentity of a caller.
func IdentityOf(c *authz.Caller) Identity {
	id := Identity{PrincipalID: c.UserID, ARN: c.ARN, AccountID: c.AccountID, AccessKeyID: c.AccessKeyID}
	switch c.Kind {
	case authz.UserCaller, authz.SessionTokenCaller:
		id.Type, id.UserName = "IAMUser", c.UserName
	case authz.RootCaller:
		id.Type = "Root"
	case authz.AssumedRoleCaller:
		id.Type = "AssumedRole"
	case authz.FederatedUserCaller:
		id.Type = "FederatedUser"
	}
	if s := c.Session; s != nil {
		sc := &SessionContext{SourceIdentity: s.SourceIdentity, MFAAuthn: s.MFAAuthenticated}
		if !s.Created.IsZero() {
			sc.CreationDate = s.Created.UTC().Format(time.RFC3339)
		}
		switch c.Kind {
		case authz.AssumedRoleCaller:
			sc.SessionIssuer = &SessionIssuer{Type: "Role", ARN: c.RoleARN, AccountID: c.AccountID, UserName: c.RoleName}
			if i := strings.IndexByte(c.UserID, ':'); i > 0 {
				sc.SessionIssuer.PrincipalID = c.UserID[:i]
			}
		case authz.FederatedUserCaller:
			sc.SessionIssuer = &SessionIssuer{Type: "IAMUser", ARN: s.SourceARN, AccountID: c.AccountID, UserName: c.UserName}
		}
		id.SessionContext = sc
	}
	return id
}

// secretParams are the parameter names, lower-cased, whose values are
// secrets: passwords, keys, tokens and MFA codes.
var secretParams = map[string]bool{
	"password":            true,
	"newpassword":         true,
	"oldpassword":         true,
	"secretaccesskey":     true,
	"sessiontoken":        true,
	"securitytoken":       true,
	"xamzsecuritytoken":   true,
	"samlassertion":       true,
	"webidentitytoken":    true,
	"privatekey":          true,
	"tokencode":           true,
	"authenticationcode1": true,
	"authenticationcode2": true,
	"clientsecret":        true,
	"secret":              true,
	"tradeintoken":        true, // STS GetDelegatedAccessToken
}

// IsSecret reports whether a request parameter or JSON member named name
// carries a secret. Names compare without case, '-' and '_'; for awsQuery
// names such as "Tags.member.1.Value" the last segment decides.
func IsSecret(name string) bool {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	name = strings.ToLower(strings.NewReplacer("-", "", "_", "").Replace(name))
	return secretParams[name]
}

// queryParameters turns awsQuery parameters into a JSON object with
// CloudTrail's lower-camel-case names ("userName", "tags.member.1.key"),
// secrets hidden.
func queryParameters(params map[string]string) json.RawMessage {
	if len(params) == 0 {
		return nil
	}
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make(map[string]string, len(params))
	for _, k := range keys {
		v := params[k]
		if IsSecret(k) {
			v = Hidden
		}
		out[lowerCamel(k)] = v
	}
	b, _ := json.Marshal(out)
	return b
}

// lowerCamel lower-cases the first letter of each dotted segment.
func lowerCamel(name string) string {
	segs := strings.Split(name, ".")
	for i, s := range segs {
		if s != "" && s[0] >= 'A' && s[0] <= 'Z' {
			segs[i] = string(s[0]+'a'-'A') + s[1:]
		}
	}
	return strings.Join(segs, ".")
}

// restParameters merges path labels and the JSON body, secrets hidden. A
// body that is not a JSON object is recorded under "body" only if it is
// valid JSON.
func restParameters(labels map[string]string, body []byte) json.RawMessage {
	out := map[string]any{}
	if len(body) > 0 {
		var v any
		if err := json.Unmarshal(body, &v); err == nil {
			if m, ok := v.(map[string]any); ok {
				out = m
			} else {
				out["body"] = v
			}
		}
	}
	for k, v := range labels {
		out[k] = v
	}
	hideSecrets(out)
	if len(out) == 0 {
		return nil
	}
	b, _ := json.Marshal(out)
	return b
}

// hideSecrets replaces the values of secret members at any depth.
func hideSecrets(v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if IsSecret(k) {
				v[k] = Hidden
				continue
			}
			hideSecrets(e)
		}
	case []any:
		for _, e := range v {
			hideSecrets(e)
		}
	}
}

// sourceIP returns the host part of a remote address.
func sourceIP(remote string) string {
	if host, _, err := net.SplitHostPort(remote); err == nil {
		return host
	}
	return remote
}

// newEventID returns the ID of an event recorded now.
func newEventID() string { return eventIDAt(time.Now()) }

// eventIDAt returns a version 7 UUID (RFC 9562) for an event at t: 48 bits
// of Unix milliseconds, then 74 random bits. CloudTrail's eventID is a
// UUID; a time-ordered one keeps the store's unique index on event IDs
// growing at its end, so that a batch of events dirties one index page
// instead of one random page per event.
func eventIDAt(t time.Time) string {
	var b [16]byte
	_, _ = rand.Read(b[6:])
	ms := uint64(t.UnixMilli())
	for i := 5; i >= 0; i-- {
		b[i] = byte(ms)
		ms >>= 8
	}
	b[6] = b[6]&0x0f | 0x70
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
	hex.Encode(out[24:36], b[10:16])
	return string(out[:])
}
