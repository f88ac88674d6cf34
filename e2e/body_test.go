package e2e_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestIncompleteBody sends bodies shorter than their Content-Length over
// a raw connection (half-closed after the short body) and expects 400
// IncompleteBody in the protocol's error format, never a 5xx.
func TestIncompleteBody(t *testing.T) {
	s := startServer(t)
	u, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, contentType, body, wantType string
		declared                                int
	}{
		{"awsQuery IAM", "/", "application/x-www-form-urlencoded", "Action=ListUsers&Version=2010-05-08", "text/xml", 400},
		{"awsQuery STS", "/", "application/x-www-form-urlencoded", "Action=GetCallerIdentity&Version=2011-06-15", "text/xml", 4096},
		{"restJson Access Analyzer", "/policy/validation", "application/json", `{"policyDocument":`, "application/json", 1000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", u.Host)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
			host := "iam.amazonaws.com"
			if strings.Contains(tc.name, "STS") {
				host = "sts.amazonaws.com"
			} else if strings.Contains(tc.name, "Access Analyzer") {
				host = "access-analyzer.us-east-1.amazonaws.com"
			}
			fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n%s",
				tc.path, host, tc.contentType, tc.declared, tc.body)
			if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
				t.Fatal(err)
			}
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("status = %d, want 400; body %s", resp.StatusCode, b)
			}
			if !strings.Contains(resp.Header.Get("Content-Type"), tc.wantType) {
				t.Errorf("Content-Type = %q, want %s", resp.Header.Get("Content-Type"), tc.wantType)
			}
			if !strings.Contains(string(b), "IncompleteBody") {
				t.Errorf("body does not name IncompleteBody: %s", b)
			}
			if want := fmt.Sprintf("after %d of the %d bytes", len(tc.body), tc.declared); !strings.Contains(string(b), want) {
				t.Errorf("body does not say %q: %s", want, b)
			}
		})
	}
}
