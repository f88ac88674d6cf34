package eval

import (
	"strings"
	"testing"
)

const (
	allowAll       = `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}`
	allowDescribe  = `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "connect:DescribeUser", "Resource": "*"}}`
	denyDescribe   = `{"Version": "2012-10-17", "Statement": {"Sid": "NoDescribe", "Effect": "Deny", "Action": "connect:Describe*", "Resource": "*"}}`
	allowOther     = `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}`
	acctA          = "111122223333"
	acctB          = "444455556666"
	userA          = "arn:aws:iam::111122223333:user/alice"
	sessionA       = "arn:aws:sts::111122223333:assumed-role/Admin/alice"
	federatedA     = "arn:aws:sts::111122223333:federated-user/bob"
	resourceA      = "arn:aws:connect:us-east-1:111122223333:instance/i-1/agent/u-1"
	resourceB      = "arn:aws:connect:us-east-1:444455556666:instance/i-9/agent/u-9"
	resPolicyStart = `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "connect:DescribeUser", "Resource": "*", "Principal": `
)

func resPolicy(principal string) string { return resPolicyStart + principal + "}}" }

func TestEvaluationLogic(t *testing.T) {
	type set struct {
		identity, boundary, resource string
		session                      []string
		scps, rcps                   [][]string
	}
	tests := []struct {
		name      string
		principal string
		roleArn   string
		federated string
		resource  string
		mgmt      bool
		set       set
		want      Decision
		wantMsg   string // substring of the message
	}{
		{name: "no policies", principal: userA, resource: resourceA, want: ImplicitDeny,
			wantMsg: "because no identity-based policy allows the connect:DescribeUser action"},
		{name: "identity allows", principal: userA, resource: resourceA, set: set{identity: allowDescribe}, want: Allow},
		{name: "action case-insensitive", principal: userA, resource: resourceA, set: set{identity: strings.Replace(allowDescribe, "connect:DescribeUser", "CONNECT:describeuser", 1)}, want: Allow},
		{name: "other action", principal: userA, resource: resourceA, set: set{identity: allowOther}, want: ImplicitDeny},
		{name: "explicit deny wins", principal: userA, resource: resourceA, set: set{identity: allowAll, boundary: denyDescribe}, want: ExplicitDeny,
			wantMsg: "with an explicit deny in a permissions boundary"},
		{name: "boundary must allow", principal: userA, resource: resourceA, set: set{identity: allowAll, boundary: allowOther}, want: ImplicitDeny,
			wantMsg: "because no permissions boundary allows"},
		{name: "boundary allows", principal: userA, resource: resourceA, set: set{identity: allowDescribe, boundary: allowAll}, want: Allow},
		{name: "boundary alone grants nothing", principal: userA, resource: resourceA, set: set{boundary: allowAll}, want: ImplicitDeny},
		{name: "scp levels all allow", principal: userA, resource: resourceA, set: set{identity: allowAll, scps: [][]string{{allowAll}, {allowDescribe}}}, want: Allow},
		{name: "scp level missing allow", principal: userA, resource: resourceA, set: set{identity: allowAll, scps: [][]string{{allowAll}, {allowOther}}}, want: ExplicitDeny,
			wantMsg: "because no service control policy allows the connect:DescribeUser action"},
		{name: "scp empty level allows nothing", principal: userA, resource: resourceA, set: set{identity: allowAll, scps: [][]string{{allowAll}, {}}}, want: ExplicitDeny},
		{name: "scp deny", principal: userA, resource: resourceA, set: set{identity: allowAll, scps: [][]string{{allowAll, denyDescribe}}}, want: ExplicitDeny},
		{name: "scp skipped for management account", principal: userA, resource: resourceA, mgmt: true, set: set{identity: allowAll, scps: [][]string{{allowOther}}}, want: Allow},
		{name: "scp deny skipped for management account", principal: userA, resource: resourceA, mgmt: true, set: set{identity: allowAll, scps: [][]string{{denyDescribe}}}, want: Allow},
		{name: "scp grants nothing alone", principal: userA, resource: resourceA, set: set{scps: [][]string{{allowAll}}}, want: ImplicitDeny},
		{name: "rcp missing allow", principal: userA, resource: resourceA, set: set{identity: allowAll, rcps: [][]string{{resPolicy(`"*"`)}, {}}}, want: ExplicitDeny,
			wantMsg: "because no resource control policy allows the connect:DescribeUser action"},
		{name: "rcp allows", principal: userA, resource: resourceA, set: set{identity: allowAll, rcps: [][]string{{resPolicy(`"*"`)}}}, want: Allow},
		{name: "root allowed in own account", principal: "arn:aws:iam::111122223333:root", resource: resourceA, want: Allow},
		{name: "root subject to scp", principal: "111122223333", resource: resourceA, set: set{scps: [][]string{{allowOther}}}, want: ExplicitDeny},
		{name: "root subject to explicit deny", principal: "111122223333", resource: resourceA, set: set{identity: denyDescribe}, want: ExplicitDeny},
		{name: "root cross-account needs resource policy", principal: "arn:aws:iam::444455556666:root", resource: resourceA, want: ImplicitDeny,
			wantMsg: "because no resource-based policy allows"},
		// Resource-based policies, same account (spec §3.3).
		{name: "resource policy names user", principal: userA, resource: resourceA, set: set{resource: resPolicy(`{"AWS": "` + userA + `"}`)}, want: Allow},
		{name: "resource policy star", principal: userA, resource: resourceA, set: set{resource: resPolicy(`"*"`)}, want: Allow},
		{name: "resource policy names user, boundary implicit deny ignored", principal: userA, resource: resourceA, set: set{resource: resPolicy(`{"AWS": "` + userA + `"}`), boundary: allowOther}, want: Allow},
		{name: "resource policy names user, boundary deny still denies", principal: userA, resource: resourceA, set: set{resource: resPolicy(`{"AWS": "` + userA + `"}`), boundary: denyDescribe}, want: ExplicitDeny},
		{name: "resource policy names account: delegation", principal: userA, resource: resourceA, set: set{resource: resPolicy(`{"AWS": "111122223333"}`)}, want: ImplicitDeny},
		{name: "resource policy names account root ARN: delegation", principal: userA, resource: resourceA, set: set{resource: resPolicy(`{"AWS": "arn:aws:iam::111122223333:root"}`), identity: allowDescribe}, want: Allow},
		{name: "resource policy names other user", principal: userA, resource: resourceA, set: set{resource: resPolicy(`{"AWS": "arn:aws:iam::111122223333:user/bob"}`)}, want: ImplicitDeny},
		{name: "resource policy without principal grants nobody", principal: userA, resource: resourceA, set: set{resource: allowAll}, want: ImplicitDeny},
		{name: "resource policy names session", principal: sessionA, resource: resourceA, set: set{resource: resPolicy(`{"AWS": "` + sessionA + `"}`), session: []string{allowOther}}, want: Allow},
		{name: "resource policy names role: session policy limits", principal: sessionA, resource: resourceA, set: set{resource: resPolicy(`{"AWS": "arn:aws:iam::111122223333:role/Admin"}`), session: []string{allowOther}}, want: ImplicitDeny,
			wantMsg: "because no session policy allows"},
		{name: "resource policy names role: boundary limits", principal: sessionA, resource: resourceA, set: set{resource: resPolicy(`{"AWS": "arn:aws:iam::111122223333:role/Admin"}`), boundary: allowOther}, want: ImplicitDeny},
		{name: "resource policy names role: no identity needed", principal: sessionA, resource: resourceA, set: set{resource: resPolicy(`{"AWS": "arn:aws:iam::111122223333:role/Admin"}`)}, want: Allow},
		{name: "role with path: roleArn known", principal: sessionA, roleArn: "arn:aws:iam::111122223333:role/ops/Admin", resource: resourceA, set: set{resource: resPolicy(`{"AWS": "arn:aws:iam::111122223333:role/ops/Admin"}`)}, want: Allow},
		{name: "role with other path: roleArn known", principal: sessionA, roleArn: "arn:aws:iam::111122223333:role/ops/Admin", resource: resourceA, set: set{resource: resPolicy(`{"AWS": "arn:aws:iam::111122223333:role/dev/Admin"}`)}, want: ImplicitDeny},
		{name: "role with path: roleArn unknown, matched by name", principal: sessionA, resource: resourceA, set: set{resource: resPolicy(`{"AWS": "arn:aws:iam::111122223333:role/ops/Admin"}`)}, want: Allow},
		// Sessions.
		{name: "role session without session policy", principal: sessionA, resource: resourceA, set: set{identity: allowDescribe}, want: Allow},
		{name: "role session with session policy allowing", principal: sessionA, resource: resourceA, set: set{identity: allowDescribe, session: []string{allowAll}}, want: Allow},
		{name: "role session with session policy not allowing", principal: sessionA, resource: resourceA, set: set{identity: allowDescribe, session: []string{allowOther}}, want: ImplicitDeny},
		{name: "session policy alone grants nothing", principal: sessionA, resource: resourceA, set: set{session: []string{allowAll}}, want: ImplicitDeny},
		{name: "session policy deny", principal: sessionA, resource: resourceA, set: set{identity: allowAll, session: []string{denyDescribe}}, want: ExplicitDeny,
			wantMsg: "with an explicit deny in a sessions policy"},
		{name: "federated user without session policy", principal: federatedA, resource: resourceA, set: set{identity: allowAll}, want: ImplicitDeny,
			wantMsg: "because no session policy allows"},
		{name: "federated user with session policy", principal: federatedA, resource: resourceA, set: set{identity: allowAll, session: []string{allowDescribe}}, want: Allow},
		{name: "federated user named by resource policy", principal: federatedA, resource: resourceA, set: set{resource: resPolicy(`{"AWS": "` + federatedA + `"}`)}, want: Allow},
		{name: "session policies ignored for users", principal: userA, resource: resourceA, set: set{identity: allowAll, session: []string{allowOther}}, want: Allow},
		// Cross-account (spec §3.5).
		{name: "cross-account identity only", principal: userA, resource: resourceB, set: set{identity: allowAll}, want: ImplicitDeny,
			wantMsg: "because no resource-based policy allows"},
		{name: "cross-account resource only", principal: userA, resource: resourceB, set: set{resource: resPolicy(`{"AWS": "` + userA + `"}`)}, want: ImplicitDeny,
			wantMsg: "because no identity-based policy allows"},
		{name: "cross-account both", principal: userA, resource: resourceB, set: set{identity: allowAll, resource: resPolicy(`{"AWS": "` + userA + `"}`)}, want: Allow},
		{name: "cross-account account delegation", principal: userA, resource: resourceB, set: set{identity: allowAll, resource: resPolicy(`{"AWS": "111122223333"}`)}, want: Allow},
		{name: "cross-account scp applies", principal: userA, resource: resourceB, set: set{identity: allowAll, resource: resPolicy(`"*"`), scps: [][]string{{allowOther}}}, want: ExplicitDeny},
		// Anonymous and service principals.
		{name: "anonymous with public resource policy", principal: "anonymous", resource: resourceA, set: set{resource: resPolicy(`"*"`)}, want: Allow},
		{name: "anonymous without", principal: "anonymous", resource: resourceA, set: set{identity: allowAll, resource: resPolicy(`{"AWS": "111122223333"}`)}, want: ImplicitDeny},
		{name: "service principal", principal: "connect.amazonaws.com", resource: resourceA, set: set{resource: resPolicy(`{"Service": "connect.amazonaws.com"}`)}, want: Allow},
		{name: "other service principal", principal: "s3.amazonaws.com", resource: resourceA, set: set{resource: resPolicy(`{"Service": ["connect.amazonaws.com"]}`)}, want: ImplicitDeny},
		// NotPrincipal.
		{name: "NotPrincipal deny excludes listed user and account", principal: userA, resource: resourceA, set: set{identity: allowAll, resource: `{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "*", "Resource": "*", "NotPrincipal": {"AWS": ["` + userA + `", "111122223333"]}}}`}, want: Allow},
		{name: "NotPrincipal deny listing the user without its account still denies", principal: userA, resource: resourceA, set: set{identity: allowAll, resource: `{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "*", "Resource": "*", "NotPrincipal": {"AWS": ["` + userA + `"]}}}`}, want: ExplicitDeny},
		{name: "NotPrincipal deny listing user and account spares it", principal: userA, resource: resourceA, set: set{identity: allowAll, resource: `{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "*", "Resource": "*", "NotPrincipal": {"AWS": ["` + userA + `", "111122223333"]}}}`}, want: Allow},
		{name: "NotPrincipal deny listing account and another user hits this one", principal: userA, resource: resourceA, set: set{identity: allowAll, resource: `{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "*", "Resource": "*", "NotPrincipal": {"AWS": ["arn:aws:iam::111122223333:user/bob", "111122223333"]}}}`}, want: ExplicitDeny},
		{name: "NotPrincipal deny hits others", principal: "arn:aws:iam::111122223333:user/bob", resource: resourceA, set: set{identity: allowAll, resource: `{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "*", "Resource": "*", "NotPrincipal": {"AWS": ["` + userA + `"]}}}`}, want: ExplicitDeny},
		{name: "NotPrincipal listing the role and account does not spare a session", principal: sessionA, resource: resourceA, set: set{identity: allowAll, resource: `{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "*", "Resource": "*", "NotPrincipal": {"AWS": ["arn:aws:iam::111122223333:role/Admin", "111122223333"]}}}`}, want: ExplicitDeny},
		{name: "NotPrincipal listing session, role and account spares the session", principal: sessionA, resource: resourceA, set: set{identity: allowAll, resource: `{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "*", "Resource": "*", "NotPrincipal": {"AWS": ["` + sessionA + `", "arn:aws:iam::111122223333:role/Admin", "111122223333"]}}}`}, want: Allow},
		{name: "NotPrincipal allow does not grant the listed user", principal: userA, resource: resourceA, set: set{resource: `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "NotPrincipal": {"AWS": ["` + userA + `", "111122223333"]}}}`}, want: ImplicitDeny},
		{name: "NotPrincipal allow grants others", principal: "arn:aws:iam::111122223333:user/bob", resource: resourceA, set: set{resource: `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "NotPrincipal": {"AWS": ["` + userA + `"]}}}`}, want: Allow},
		// Federated principals (the caller's provider is set by the server).
		{name: "federated provider named", principal: sessionA, federated: "cognito-identity.amazonaws.com", resource: resourceA, set: set{resource: resPolicy(`{"Federated": "cognito-identity.amazonaws.com"}`)}, want: Allow},
		{name: "other federated provider", principal: sessionA, federated: "accounts.google.com", resource: resourceA, set: set{resource: resPolicy(`{"Federated": "cognito-identity.amazonaws.com"}`)}, want: ImplicitDeny},
		{name: "federated entry without provider", principal: sessionA, resource: resourceA, set: set{resource: resPolicy(`{"Federated": "cognito-identity.amazonaws.com"}`)}, want: ImplicitDeny},
		// NotAction / NotResource.
		{name: "NotAction", principal: userA, resource: resourceA, set: set{identity: `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}}`}, want: Allow},
		{name: "NotAction excludes", principal: userA, resource: resourceA, set: set{identity: `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "NotAction": ["iam:*", "connect:*"], "Resource": "*"}}`}, want: ImplicitDeny},
		{name: "NotResource", principal: userA, resource: resourceA, set: set{identity: `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "NotResource": "arn:aws:connect:*:*:instance/i-2/*"}}`}, want: Allow},
		{name: "NotResource excludes", principal: userA, resource: resourceA, set: set{identity: `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "NotResource": "arn:aws:connect:*:*:instance/i-1/*"}}`}, want: ImplicitDeny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePrincipal(tt.principal)
			p.Federated = tt.federated
			if err != nil {
				t.Fatal(err)
			}
			if tt.roleArn != "" {
				if err := p.SetRoleARN(tt.roleArn); err != nil {
					t.Fatal(err)
				}
			}
			ctx := NewContext()
			p.AddToContext(ctx)
			r := &Request{Principal: p, Action: "connect:DescribeUser", Resource: tt.resource, Context: ctx, PrincipalInManagementAccount: tt.mgmt}
			s := &PolicySet{}
			if tt.set.identity != "" {
				s.Identity = []*Policy{compilePolicy(t, "identity", tt.set.identity)}
			}
			if tt.set.boundary != "" {
				s.PermissionsBoundary = compilePolicy(t, "boundary", tt.set.boundary)
			}
			if tt.set.resource != "" {
				s.Resource = compilePolicy(t, "resource", tt.set.resource)
			}
			for _, sp := range tt.set.session {
				s.Session = append(s.Session, compilePolicy(t, "session", sp))
			}
			for _, lv := range tt.set.scps {
				level := []*Policy{}
				for _, sp := range lv {
					level = append(level, compilePolicy(t, "scp", sp))
				}
				s.SCPs = append(s.SCPs, level)
			}
			for _, lv := range tt.set.rcps {
				level := []*Policy{}
				for _, sp := range lv {
					level = append(level, compilePolicy(t, "rcp", sp))
				}
				s.RCPs = append(s.RCPs, level)
			}
			got := s.Decide(r)
			x := s.Explain(r)
			if got != tt.want || x.Decision != tt.want {
				t.Errorf("Decide = %s, Explain = %s, want %s\n%s", got, x.Decision, tt.want, explainText(t, s, r))
			}
			if !strings.Contains(x.Message, tt.wantMsg) {
				t.Errorf("message %q does not contain %q", x.Message, tt.wantMsg)
			}
		})
	}
}

// TestConcurrentDecisions shares one policy set and request among
// goroutines; run with -race.
func TestConcurrentDecisions(t *testing.T) {
	s := &PolicySet{Identity: []*Policy{compilePolicy(t, "identity", benchPolicy(20))}}
	r := benchRequest(t, "connect:Action8")
	want := s.Decide(r)
	done := make(chan Decision)
	for range 8 {
		go func() {
			var d Decision
			for range 200 {
				d = s.Decide(r)
				_ = s.Explain(r)
				NewContext().Set("aws:ResourceTag/Fresh"+string(rune('a'+d)), "x") // interns new keys concurrently
			}
			done <- d
		}()
	}
	for range 8 {
		if d := <-done; d != want {
			t.Errorf("concurrent Decide = %s, want %s", d, want)
		}
	}
}

// TestOrgLevelWithoutAllowNamesLevel checks the explanation of an SCP or
// RCP level without an applicable Allow: an ExplicitDeny that no
// statement made, decided by the level.
func TestOrgLevelWithoutAllowNamesLevel(t *testing.T) {
	p, err := ParsePrincipal(userA)
	if err != nil {
		t.Fatal(err)
	}
	ctx := NewContext()
	p.AddToContext(ctx)
	req := &Request{Principal: p, Action: "connect:DescribeUser", Resource: resourceA, Context: ctx}
	for _, tc := range []struct {
		name string
		set  *PolicySet
		typ  PolicyType
		msg  string
	}{
		{"scp", &PolicySet{Identity: []*Policy{compilePolicy(t, "id", allowAll)}, SCPs: [][]*Policy{{compilePolicy(t, "root", allowAll)}, {compilePolicy(t, "ou", allowOther)}}},
			SCP, "because no service control policy allows the connect:DescribeUser action"},
		{"rcp", &PolicySet{Identity: []*Policy{compilePolicy(t, "id", allowAll)}, RCPs: [][]*Policy{{compilePolicy(t, "root", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}}`)}, {}}},
			RCP, "because no resource control policy allows the connect:DescribeUser action"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := tc.set.Explain(req)
			if x.Decision != ExplicitDeny || tc.set.Decide(req) != ExplicitDeny {
				t.Fatalf("decision %s (Decide %s), want ExplicitDeny", x.Decision, tc.set.Decide(req))
			}
			if x.DecidedBy == nil || x.DecidedBy.PolicyType != tc.typ || x.DecidedBy.Level != 1 || x.DecidedBy.Statement != -1 {
				t.Errorf("DecidedBy = %+v, want %s level 1, statement -1", x.DecidedBy, tc.typ)
			}
			if !strings.Contains(x.Message, tc.msg) || strings.Contains(x.Message, "explicit deny in") {
				t.Errorf("message %q, want %q and no explicit deny by a statement", x.Message, tc.msg)
			}
		})
	}
}

// TestExplainUnresolvableResource checks that Explain says why an Allow
// statement with an unresolvable or short Resource entry does not apply.
func TestExplainUnresolvableResource(t *testing.T) {
	p, err := ParsePrincipal(sessionA)
	if err != nil {
		t.Fatal(err)
	}
	ctx := NewContext()
	p.AddToContext(ctx)
	req := &Request{Principal: p, Action: "connect:DescribeUser", Resource: resourceA, Context: ctx}
	for _, tc := range []struct{ policy, reason string }{
		{`{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "connect:*", "NotResource": "arn:aws:connect:*:*:instance/*/agent/${aws:username}"}}`,
			"has a policy variable the request has no value for"},
		{`{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "connect:*", "Resource": "arn:aws:connect:*"}}`,
			"fewer than the six colon-separated fields"},
	} {
		set := &PolicySet{Identity: []*Policy{compilePolicy(t, "id", tc.policy)}}
		x := set.Explain(req)
		if x.Decision != ImplicitDeny {
			t.Errorf("%s: decision %s, want ImplicitDeny", tc.policy, x.Decision)
		}
		rc := x.Policies[0].Statements[0].Resource
		if rc.Matched || !strings.Contains(rc.Reason, tc.reason) || !strings.Contains(rc.Reason, "does not apply") {
			t.Errorf("%s: resource check %+v, want unmatched with %q", tc.policy, rc, tc.reason)
		}
	}
}
