package console

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/connect-iam/connect-iam/server/sigv4"
)

// apiRequest is one API call the console makes as the session's
// principal: an awsQuery call (IAM, STS) with its form parameters, or a
// restJson1 call with its method, path, query string and JSON body.
type apiRequest struct {
	// Service is the signing name: "iam", "sts", "access-analyzer",
	// "connect", "app-integrations", ...
	Service string `json:"service"`
	// Form holds the awsQuery parameters, Action and Version included.
	Form url.Values `json:"form,omitempty"`
	// Method, Path, Query and Body describe a restJson1 call.
	Method string `json:"method,omitempty"`
	Path   string `json:"path,omitempty"`
	Query  string `json:"query,omitempty"`
	Body   string `json:"body,omitempty"`
}

// apiResponse is the API's answer, passed to the browser unchanged.
type apiResponse struct {
	Status      int    `json:"status"`
	ContentType string `json:"contentType"`
	RequestID   string `json:"requestId,omitempty"`
	Body        string `json:"body"`
}

var reService = regexp.MustCompile(`^[a-z][a-z0-9-]{0,62}$`)

// call serves POST /console/api/call: the browser's API call, signed as
// the session's principal and served by the server's own handler.
func (c *Console) call(w http.ResponseWriter, r *http.Request, _ sessionState, creds sigv4.Credentials) {
	var in apiRequest
	if !readJSON(w, r, &in) {
		return
	}
	if !reService.MatchString(in.Service) {
		writeError(w, http.StatusBadRequest, "ValidationException", "service must be a signing name such as iam or connect.")
		return
	}
	if in.Form == nil && !strings.HasPrefix(in.Path, "/") {
		writeError(w, http.StatusBadRequest, "ValidationException", "give form (awsQuery) or a path starting with / (restJson1).")
		return
	}
	writeJSON(w, http.StatusOK, c.do(r, creds, in))
}

// recorder is a minimal http.ResponseWriter that keeps the response.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (rec *recorder) Header() http.Header { return rec.header }
func (rec *recorder) WriteHeader(code int) {
	if rec.status == 0 {
		rec.status = code
	}
}
func (rec *recorder) Write(b []byte) (int, error) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	return rec.body.Write(b)
}

// do signs in with creds and serves it with the server's handler, as if
// it had come over the network from the browser's address.
func (c *Console) do(from *http.Request, creds sigv4.Credentials, in apiRequest) apiResponse {
	var (
		method, target, ctype string
		body                  []byte
	)
	if in.Form != nil {
		method, target, ctype = http.MethodPost, "/", "application/x-www-form-urlencoded; charset=utf-8"
		body = []byte(in.Form.Encode())
	} else {
		method, target, ctype = strings.ToUpper(in.Method), in.Path, "application/json"
		if method == "" {
			method = http.MethodGet
		}
		if in.Query != "" {
			target += "?" + in.Query
		}
		body = []byte(in.Body)
	}
	host := from.Host
	if host == "" {
		host = "localhost"
	}
	req, err := http.NewRequestWithContext(context.WithoutCancel(from.Context()), method, "http://"+host+target, bytes.NewReader(body))
	if err != nil {
		return apiResponse{Status: http.StatusBadRequest, ContentType: "text/plain", Body: "console: bad request target: " + err.Error()}
	}
	req.RemoteAddr = from.RemoteAddr
	req.Host = host
	req.ContentLength = int64(len(body))
	if len(body) > 0 || method == http.MethodPost {
		req.Header.Set("Content-Type", ctype)
	}
	req.Header.Set("User-Agent", "connect-iam-console/1 ("+from.UserAgent()+")")
	if err := sigv4.Sign(req, body, creds, c.d.Region, in.Service, c.d.Now()); err != nil {
		return apiResponse{Status: http.StatusInternalServerError, ContentType: "text/plain", Body: "console: signing: " + err.Error()}
	}
	rec := &recorder{header: http.Header{}}
	c.d.API.ServeHTTP(rec, req)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	return apiResponse{Status: rec.status, ContentType: rec.header.Get("Content-Type"),
		RequestID: rec.header.Get("X-Amzn-Requestid"), Body: rec.body.String()}
}
