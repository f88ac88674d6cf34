package console

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/internal/audit"
	"github.com/connect-iam/connect-iam/server/sigv4"
	"github.com/connect-iam/connect-iam/store"
)

// AuditAction is the action the audit page is authorized as, CloudTrail's
// LookupEvents: the principal must be allowed it on "*" to read its
// account's audit log.
const AuditAction = "cloudtrail:LookupEvents"

// maxAuditEvents bounds one audit page.
const maxAuditEvents = 200

// auditEvent is an event of the audit page, in CloudTrail's field names.
type auditEvent struct {
	Seq               int64           `json:"seq"`
	EventID           string          `json:"eventId"`
	EventTime         string          `json:"eventTime"`
	EventSource       string          `json:"eventSource"`
	EventName         string          `json:"eventName"`
	PrincipalARN      string          `json:"principalArn,omitempty"`
	UserIdentity      json.RawMessage `json:"userIdentity,omitempty"`
	SourceIPAddress   string          `json:"sourceIPAddress,omitempty"`
	UserAgent         string          `json:"userAgent,omitempty"`
	RequestParameters json.RawMessage `json:"requestParameters,omitempty"`
	ErrorCode         string          `json:"errorCode,omitempty"`
	ErrorMessage      string          `json:"errorMessage,omitempty"`
	Decision          string          `json:"decision,omitempty"`
}

// auditEvents serves GET /console/api/audit: the newest events of the
// session's account, filtered by principal (ARN), service (event source
// prefix such as "connect"), event (operation name), decision ("Allow",
// "ExplicitDeny", "ImplicitDeny" or "denied") and time (since, until:
// RFC 3339). It is authorized as cloudtrail:LookupEvents on "*".
func (c *Console) auditEvents(w http.ResponseWriter, r *http.Request, _ sessionState, creds sigv4.Credentials) {
	caller := callerOf(creds)
	if caller == nil {
		writeError(w, http.StatusUnauthorized, "NotSignedIn", "The session has no principal; sign in again.")
		return
	}
	err := c.d.Authorizer.Authorize(r.Context(), &authz.Request{Caller: caller, Action: AuditAction, Resource: "*",
		HTTP: r, Region: c.d.Region, Time: c.d.Now()})
	var denied *authz.AccessDeniedError
	if errors.As(err, &denied) {
		c.recordDenied(r, caller, denied)
		writeError(w, http.StatusForbidden, "AccessDeniedException", denied.Message)
		return
	}
	if err != nil {
		c.d.Logger.Error("console audit: authorizing", "principal", caller.ARN, "err", err)
		writeError(w, http.StatusInternalServerError, "InternalFailure", "Authorizing the audit log failed; see the server's log.")
		return
	}
	p := r.URL.Query()
	q := store.EventQuery{AccountID: caller.AccountID, PrincipalARN: p.Get("principal"), Name: p.Get("event"), NewestFirst: true}
	if s := strings.TrimSpace(p.Get("service")); s != "" {
		q.Source = strings.TrimSuffix(s, ".amazonaws.com") + ".amazonaws.com"
	}
	decision := p.Get("decision")
	switch decision {
	case "", "Allow", "ExplicitDeny", "ImplicitDeny":
	case "denied":
		q.OnlyDenied = true
	default:
		writeError(w, http.StatusBadRequest, "ValidationException", "decision must be Allow, ExplicitDeny, ImplicitDeny or denied.")
		return
	}
	for name, t := range map[string]*time.Time{"since": &q.Start, "until": &q.End} {
		if v := p.Get(name); v != "" {
			parsed, err := time.Parse(time.RFC3339, v)
			if err != nil {
				writeError(w, http.StatusBadRequest, "ValidationException", name+" must be an RFC 3339 time such as 2026-01-02T15:04:05Z.")
				return
			}
			*t = parsed
		}
	}
	out := []auditEvent{}
	marker := ""
	err = c.d.Store.View(r.Context(), func(tx store.ReadTx) error {
		for range 10 { // a decision filter may skip many events
			page, next, err := tx.QueryEvents(q, store.ListOptions{Marker: marker, MaxItems: maxAuditEvents})
			if err != nil {
				return err
			}
			for _, e := range page {
				if decision != "" && decision != "denied" && e.Decision != decision {
					continue
				}
				out = append(out, auditEvent{Seq: e.Seq, EventID: e.EventID, EventTime: e.Time.UTC().Format(time.RFC3339Nano),
					EventSource: e.Source, EventName: e.Name, PrincipalARN: e.PrincipalARN, UserIdentity: e.UserIdentity,
					SourceIPAddress: e.SourceIPAddress, UserAgent: e.UserAgent, RequestParameters: e.RequestParameters,
					ErrorCode: e.ErrorCode, ErrorMessage: e.ErrorMessage, Decision: e.Decision})
				if len(out) == maxAuditEvents {
					return nil
				}
			}
			if marker = next; marker == "" {
				return nil
			}
		}
		return nil
	})
	if err != nil {
		c.d.Logger.Error("console audit: query", "err", err)
		writeError(w, http.StatusInternalServerError, "InternalFailure", "Reading the audit log failed; see the server's log.")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": out})
}

// recordDenied writes a refused read of the audit log into the audit log,
// as CloudTrail's LookupEvents event. Allowed reads are not recorded: the
// page polls every two seconds.
func (c *Console) recordDenied(r *http.Request, caller *authz.Caller, denied *authz.AccessDeniedError) {
	id, _ := json.Marshal(audit.IdentityOf(caller))
	ev := store.Event{Time: c.d.Now().UTC(), Source: "cloudtrail.amazonaws.com", Name: "LookupEvents", AccountID: caller.AccountID,
		PrincipalARN: caller.ARN, UserIdentity: id, SourceIPAddress: remoteIP(r.RemoteAddr), UserAgent: "connect-iam-console/1 (" + r.UserAgent() + ")",
		ErrorCode: "AccessDeniedException", ErrorMessage: denied.Message, Decision: denied.Decision.String()}
	if err := c.d.Store.Update(r.Context(), func(tx store.Tx) error {
		_, err := tx.AppendEvent(ev)
		return err
	}); err != nil {
		c.d.Logger.Warn("console: recording a refused audit read", "err", err)
	}
}
