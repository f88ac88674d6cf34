package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/internal/leastpriv"
	"github.com/connect-iam/connect-iam/server/sigv4"
)

// StreamPath serves the audit stream: Server-Sent Events, one per API
// call as it ends, in the format of docs/least-privilege.md.
const StreamPath = "/_connect-iam/audit/stream"

// StreamAction is the permission a caller needs to read the audit stream
// (CloudTrail's permission to read events). It is always enforced, even
// under --enforce=log or off.
const StreamAction = "cloudtrail:LookupEvents"

// streamHeartbeat is how often an idle stream sends a comment, so that
// proxies keep the connection open.
var streamHeartbeat = 15 * time.Second

// streamHandler serves GET StreamPath. The request must be SigV4-signed
// (an Authorization header, or a presigned URL for EventSource clients
// that cannot set headers) by a caller allowed StreamAction on "*"; it
// then receives the events of its own account (optionally only those of
// ?principal=ARN, a role ARN covering its sessions) until it disconnects
// or the server stops.
func (a *App) streamHandler(v *sigv4.Verifier) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reply := func(status int, code, msg string) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_ = json.NewEncoder(w).Encode(map[string]string{"__type": code, "message": msg})
		}
		res, err := v.Verify(r, nil)
		if err != nil {
			reply(http.StatusForbidden, "InvalidSignature", "connect-iam: the audit stream request must be SigV4-signed (a header or a presigned URL): "+err.Error())
			return
		}
		caller := authz.AuthCaller(res)
		if caller == nil {
			reply(http.StatusForbidden, "AccessDenied", "connect-iam: the audit stream needs an IAM principal")
			return
		}
		err = a.authz.Authorize(r.Context(), &authz.Request{Caller: caller, Action: StreamAction, Resource: "*", HTTP: r,
			Region: res.Region, AlwaysEnforce: true})
		var ad *authz.AccessDeniedError
		if errors.As(err, &ad) {
			reply(http.StatusForbidden, "AccessDenied", ad.Message)
			return
		}
		if err != nil {
			reply(http.StatusInternalServerError, "InternalFailure", "connect-iam: "+err.Error())
			return
		}
		fl, ok := w.(http.Flusher)
		if !ok {
			reply(http.StatusInternalServerError, "InternalFailure", "connect-iam: the connection cannot stream")
			return
		}
		principal := r.URL.Query().Get("principal")
		events, cancel := a.audit.Subscribe(1024)
		defer cancel()
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
		fmt.Fprint(w, ": connect-iam audit stream\n\n")
		fl.Flush()
		tick := time.NewTicker(streamHeartbeat)
		defer tick.Stop()
		for {
			select {
			case <-r.Context().Done():
				return
			case <-a.streamsDone:
				return
			case <-tick.C:
				fmt.Fprint(w, ": keep-alive\n\n")
				fl.Flush()
			case e, ok := <-events:
				if !ok {
					return
				}
				if e.AccountID != caller.AccountID || (principal != "" && !leastpriv.OfPrincipal(e.PrincipalARN, principal)) {
					continue
				}
				b, err := json.Marshal(leastpriv.EntryOf(e, true))
				if err != nil {
					continue
				}
				fmt.Fprintf(w, "event: decision\nid: %s\ndata: %s\n\n", e.EventID, b)
				fl.Flush()
			}
		}
	})
}
