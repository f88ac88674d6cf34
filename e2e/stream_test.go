package e2e_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/internal/app"
	"github.com/connect-iam/connect-iam/internal/leastpriv"
)

// openStream opens the audit stream signed with key/secret, presigned
// when presign is set, and returns the response.
func (s *testServer) openStream(t *testing.T, ctx context.Context, key, secret, query string, presign bool) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+app.StreamPath+query, nil)
	if err != nil {
		t.Fatal(err)
	}
	empty := sha256.Sum256(nil)
	creds := aws.Credentials{AccessKeyID: key, SecretAccessKey: secret}
	signer := v4.NewSigner()
	if presign {
		q := req.URL.Query()
		q.Set("X-Amz-Expires", "300")
		req.URL.RawQuery = q.Encode()
		url, _, err := signer.PresignHTTP(ctx, creds, req, hex.EncodeToString(empty[:]), "connect-iam", "us-east-1", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if req, err = http.NewRequestWithContext(ctx, http.MethodGet, url, nil); err != nil {
			t.Fatal(err)
		}
	} else if key != "" {
		if err := signer.SignHTTP(ctx, creds, req, hex.EncodeToString(empty[:]), "connect-iam", "us-east-1", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// TestAuditStream reads the server's audit stream (Server-Sent Events):
// only signed callers allowed cloudtrail:LookupEvents may, even when
// their denials are otherwise only logged, and each entry carries the
// smallest policy allowing the call.
func TestAuditStream(t *testing.T) {
	rules := &authz.EnforcementRules{}
	if err := rules.Set("arn:aws:iam::" + account + ":user/viewer=log"); err != nil {
		t.Fatal(err)
	}
	s := startServerWith(t, func(c *app.Config) { c.Enforcement = rules })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	viewer := s.iamPrincipal(t, "viewer", "", "")

	for _, tc := range []struct {
		name, key, secret string
		code              int
		want              string
	}{
		{"unsigned", "", "", http.StatusForbidden, "InvalidSignature"},
		{"no permission, even under log", viewer.key, viewer.secret, http.StatusForbidden, "is not authorized to perform: cloudtrail:LookupEvents"},
		{"wrong secret", adminKey, "x" + adminSecret[1:], http.StatusForbidden, "InvalidSignature"},
	} {
		resp := s.openStream(t, ctx, tc.key, tc.secret, "", false)
		var body struct {
			Type    string `json:"__type"`
			Message string
		}
		_ = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != tc.code || !strings.Contains(body.Type+": "+body.Message, tc.want) {
			t.Errorf("%s: %d %q, want %d %q", tc.name, resp.StatusCode, body.Message, tc.code, tc.want)
		}
	}

	for _, presign := range []bool{false, true} {
		resp := s.openStream(t, ctx, adminKey, adminSecret, "?principal=arn:aws:iam::"+account+":user/viewer", presign)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
			b, _ := io.ReadAll(resp.Body)
			t.Fatalf("stream (presigned %v): %d %s %s", presign, resp.StatusCode, resp.Header.Get("Content-Type"), b)
		}
		// The viewer's ListUsers is denied but proceeds (log); the
		// administrator's own calls are filtered out.
		if _, err := s.iam(clientOptions{}).GetUser(ctx, &iam.GetUserInput{}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.iam(viewer).ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
			t.Fatalf("ListUsers under log: %v", err)
		}
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		var entry leastpriv.Entry
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				if err := json.Unmarshal([]byte(data), &entry); err != nil {
					t.Fatal(err)
				}
				break
			}
		}
		resp.Body.Close()
		if entry.EventName != "ListUsers" || !entry.WouldHaveBeenDenied || entry.Policy == nil ||
			len(entry.Policy.Statement) != 1 || entry.Policy.Statement[0].Action[0] != "iam:ListUsers" {
			t.Errorf("stream entry (presigned %v) = %+v", presign, entry)
		}
	}
}
