package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/connect-iam/connect-iam/server/awsjson"
	"github.com/connect-iam/connect-iam/server/sigv4"
)

func TestDispatchJSON(t *testing.T) {
	s, _ := newTestServer(t, Config{})
	s.RegisterJSON("organizations", "AWSOrganizationsV20161128", "DescribePolicy", JSONHandlerFunc(func(ctx context.Context, c *JSONCall) (any, error) {
		var in struct{ PolicyId string }
		if err := json.Unmarshal(c.Body, &in); err != nil {
			return nil, err
		}
		if in.PolicyId == "" {
			return nil, &awsjson.Error{Code: "InvalidInputException", Message: "no policy", Fields: map[string]any{"Reason": "INPUT_REQUIRED"}}
		}
		return map[string]any{"Policy": map[string]any{"Id": in.PolicyId, "Caller": c.Auth.Credentials.Principal}}, nil
	}))
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	tests := []struct {
		name, target, body, service string
		unsigned                    bool
		wantStatus                  int
		wantType                    string // __type of an error
		wantBody                    string // substring of a success
	}{
		{name: "ok", target: "AWSOrganizationsV20161128.DescribePolicy", body: `{"PolicyId":"p-1"}`, service: "organizations",
			wantStatus: 200, wantBody: `"Id":"p-1"`},
		{name: "modeled error", target: "AWSOrganizationsV20161128.DescribePolicy", body: `{}`, service: "organizations",
			wantStatus: 400, wantType: "InvalidInputException"},
		{name: "unknown operation", target: "AWSOrganizationsV20161128.Nope", body: `{}`, service: "organizations",
			wantStatus: 400, wantType: "UnknownOperationException"},
		{name: "malformed body", target: "AWSOrganizationsV20161128.DescribePolicy", body: `{"PolicyId":`, service: "organizations",
			wantStatus: 400, wantType: "SerializationException"},
		{name: "unsigned", target: "AWSOrganizationsV20161128.DescribePolicy", body: `{}`, unsigned: true,
			wantStatus: 403, wantType: "MissingAuthenticationTokenException"},
		{name: "wrong scope", target: "AWSOrganizationsV20161128.DescribePolicy", body: `{}`, service: "iam",
			wantStatus: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := http.NewRequest("POST", ts.URL+"/", strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			r.Header.Set("Content-Type", "application/x-amz-json-1.1")
			r.Header.Set("X-Amz-Target", tt.target)
			if !tt.unsigned {
				if err := sigv4.Sign(r, []byte(tt.body), adminCreds, "us-east-1", tt.service, time.Now()); err != nil {
					t.Fatal(err)
				}
			}
			resp, err := http.DefaultClient.Do(r)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if tt.wantStatus == 0 { // signed for IAM: IAM's awsQuery error, not a JSON one
				if resp.StatusCode < 400 || resp.Header.Get("Content-Type") == "application/x-amz-json-1.1" {
					t.Fatalf("status %d %s: %s", resp.StatusCode, resp.Header.Get("Content-Type"), b)
				}
				return
			}
			if resp.StatusCode != tt.wantStatus || resp.Header.Get("Content-Type") != "application/x-amz-json-1.1" {
				t.Fatalf("status %d (%s): %s", resp.StatusCode, resp.Header.Get("Content-Type"), b)
			}
			if tt.wantType != "" {
				var e map[string]any
				if err := json.Unmarshal(b, &e); err != nil || e["__type"] != tt.wantType || resp.Header.Get("X-Amzn-ErrorType") != tt.wantType {
					t.Fatalf("error body %s, want __type %s", b, tt.wantType)
				}
				return
			}
			if !strings.Contains(string(b), tt.wantBody) {
				t.Fatalf("body %s lacks %s", b, tt.wantBody)
			}
		})
	}
}
