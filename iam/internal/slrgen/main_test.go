package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func loadFixture(t *testing.T) map[string]Policy {
	t.Helper()
	b, err := os.ReadFile("testdata/managedPolicies.json")
	if err != nil {
		t.Fatal(err)
	}
	var p map[string]Policy
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestMine checks the mining rules on a few policies: suffix patterns
// (with and without "_"), several names for one principal, every stored
// version read, wildcard paths and non-AWSServiceRoleFor names ignored,
// and the permissions policy tied by name.
func TestMine(t *testing.T) {
	got := Mine(loadFixture(t))
	want := []Role{
		{"autoscaling.amazonaws.com", "AWSServiceRoleForAutoScaling", true, "arn:aws:iam::aws:policy/aws-service-role/AutoScalingServiceRolePolicy"},
		{"connect.amazonaws.com", "AWSServiceRoleForAmazonConnect", true, ""},
		{"elasticloadbalancing.amazonaws.com", "AWSServiceRoleForElasticLoadBalancing", false, "arn:aws:iam::aws:policy/aws-service-role/AWSElasticLoadBalancingServiceRolePolicy"},
	}
	if len(got) != len(want) {
		t.Fatalf("Mine = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("role %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestPolicyFor(t *testing.T) {
	arns := []string{
		"arn:aws:iam::aws:policy/aws-service-role/AmazonConnectServiceLinkedRolePolicy",
		"arn:aws:iam::aws:policy/aws-service-role/AutoScalingServiceRolePolicy",
		"arn:aws:iam::aws:policy/aws-service-role/AWSBackupServiceLinkedRolePolicyForBackup",
		"arn:aws:iam::aws:policy/aws-service-role/ECSPolicy",
		"arn:aws:iam::aws:policy/aws-service-role/AmazonECSPolicy",
	}
	for _, tc := range []struct{ role, want string }{
		{"AWSServiceRoleForAmazonConnect", arns[0]},
		{"AWSServiceRoleForAutoScaling", arns[1]},
		{"AWSServiceRoleForBackup", ""},
		{"AWSServiceRoleForECS", arns[3]}, // shortest of two matches
		{"AWSServiceRoleForNothing", ""},
	} {
		if got := policyFor(tc.role, arns); got != tc.want {
			t.Errorf("policyFor(%s) = %q, want %q", tc.role, got, tc.want)
		}
	}
}

// TestRun writes the table twice: the same bytes, sorted, with the source.
func TestRun(t *testing.T) {
	var outs [][]byte
	for range 2 {
		out := filepath.Join(t.TempDir(), "slr.json")
		if err := run("testdata/managedPolicies.json", out, "pkg@1 (MIT)"); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, b)
	}
	if !bytes.Equal(outs[0], outs[1]) {
		t.Fatal("two runs wrote different bytes; the output must be deterministic")
	}
	var tab Table
	if err := json.Unmarshal(outs[0], &tab); err != nil {
		t.Fatal(err)
	}
	if tab.Source != "pkg@1 (MIT)" || len(tab.Roles) != 3 || tab.Roles[0].Service != "autoscaling.amazonaws.com" {
		t.Errorf("table = %+v", tab)
	}
	for _, in := range []string{"", "testdata/missing.json"} {
		if err := run(in, filepath.Join(t.TempDir(), "x.json"), "x"); err == nil {
			t.Errorf("run(%q) succeeded", in)
		}
	}
}
