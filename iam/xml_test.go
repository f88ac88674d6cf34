package iam

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/connect-iam/connect-iam/server/awsquery"
	"github.com/connect-iam/connect-iam/store"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestResultXML compares the XML of representative results with golden
// files, element by element as IAM writes them (the same shapes the SDK
// tests parse).
func TestResultXML(t *testing.T) {
	created := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	u := store.User{Path: "/", Name: "bob", ID: "AIDAEXAMPLE", ARN: "arn:aws:iam::123456789012:user/bob", Created: created}
	r := store.Role{Path: "/", Name: "app", ID: "AROAEXAMPLE", ARN: "arn:aws:iam::123456789012:role/app", Created: created,
		AssumeRolePolicyDocument: `{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
		MaxSessionDuration:       time.Hour, PermissionsBoundaryARN: "arn:aws:iam::aws:policy/PowerUserAccess"}
	tests := []struct {
		golden string
		action string
		result any
	}{
		{"create-user.xml", "CreateUser", struct {
			User xUser `xml:"User"`
		}{userXML(u, nil)}},
		{"get-role.xml", "GetRole", struct {
			Role xRole `xml:"Role"`
		}{roleXML(r, []store.Tag{{Key: "team", Value: "blue"}}, true)}},
		{"list-users.xml", "ListUsers", struct {
			Users []xUser `xml:"Users>member"`
			page
		}{[]xUser{userXML(u, nil)}, newPage("bob")}},
		{"delete-user.xml", "DeleteUser", nil},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			got, err := awsquery.MarshalResponse(awsquery.IAM, tt.action, "req-1", tt.result)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", tt.golden)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if string(got) != string(want) {
				t.Errorf("%s:\n got %s\nwant %s", tt.golden, got, want)
			}
		})
	}
}
