package organizations

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/server"
	"github.com/connect-iam/connect-iam/server/awsjson"
	"github.com/connect-iam/connect-iam/server/sigv4"
	"github.com/connect-iam/connect-iam/store"
	"github.com/connect-iam/connect-iam/store/sqlite"
)

const (
	mgmt   = "111111111111"
	member = "222222222222"
	other  = "333333333333"
)

// allowAll is an authorizer that allows everything and records the
// actions it was asked about.
type allowAll struct{ asked []string }

func (a *allowAll) Authorize(_ context.Context, r *authz.Request) error {
	a.asked = append(a.asked, r.Action+" "+r.Resource)
	return nil
}

type harness struct {
	st   store.Store
	s    *Service
	auth *allowAll
	vars map[string]string
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	db, err := sqlite.OpenMemory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	st := authz.Watch(db)
	if err := st.Update(context.Background(), func(tx store.Tx) error {
		for _, a := range []string{mgmt, member, other} {
			if err := tx.CreateAccount(store.Account{ID: a}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	h := &harness{st: st, auth: &allowAll{}, vars: map[string]string{}}
	h.s = &Service{d: Deps{Store: st, Authorizer: h.auth, Now: nil}}
	h.s.d.Now = timeNow
	return h
}

// do calls op as the administrator of acct with body, whose {{name}}
// placeholders are replaced by saved values.
func (h *harness) do(acct, op, body string) (map[string]any, error) {
	for k, v := range h.vars {
		body = strings.ReplaceAll(body, "{{"+k+"}}", v)
	}
	caller := &authz.Caller{Kind: authz.UserCaller, AccountID: acct, ARN: "arn:aws:iam::" + acct + ":user/admin", UserName: "admin"}
	jc := &server.JSONCall{Service: SigningName, Operation: op, Body: []byte(body),
		Auth: &sigv4.Result{Credentials: sigv4.Credentials{Principal: caller}, Region: "us-east-1"}}
	fn := operations[op]
	if fn == nil {
		return nil, errors.New("no operation " + op)
	}
	out, err := h.s.serve(context.Background(), jc, op, fn)
	if err != nil || out == nil {
		return nil, err
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	return m, json.Unmarshal(b, &m)
}

// lookup returns the string at a dotted path of v ("Roots.0.Id").
func lookup(v any, path string) string {
	for _, p := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			i := 0
			for _, c := range p {
				i = i*10 + int(c-'0')
			}
			if i >= len(x) {
				return ""
			}
			v = x[i]
		}
	}
	s, _ := v.(string)
	return s
}

// step is one call of a scenario.
type step struct {
	acct, op, body string
	wantCode       string            // the error code, "" for success
	wantReason     string            // the error's Reason
	save           map[string]string // var -> path in the output
	want           map[string]string // path in the output -> value
}

func TestScenario(t *testing.T) {
	h := newHarness(t)
	scp := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"connect:DeleteInstance","Resource":"*"}]}`
	rcp := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole","Resource":"*"}]}`
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	steps := []step{
		{acct: mgmt, op: "DescribeOrganization", wantCode: "AWSOrganizationsNotInUseException"},
		{acct: mgmt, op: "CreateOrganization", body: `{"FeatureSet":"ALL"}`, save: map[string]string{"org": "Organization.Id"},
			want: map[string]string{"Organization.MasterAccountId": mgmt, "Organization.FeatureSet": "ALL"}},
		{acct: mgmt, op: "CreateOrganization", wantCode: "AlreadyInOrganizationException"},
		{acct: mgmt, op: "CreateOrganization", body: `{"FeatureSet":"NONE"}`, wantCode: "InvalidInputException", wantReason: "INVALID_ENUM"},
		{acct: mgmt, op: "ListRoots", save: map[string]string{"root": "Roots.0.Id"}, want: map[string]string{"Roots.0.Name": "Root"}},
		{acct: mgmt, op: "InviteAccountToOrganization", body: `{"Target":{"Id":"` + member + `","Type":"ACCOUNT"}}`, save: map[string]string{"hs": "Handshake.Id"},
			want: map[string]string{"Handshake.State": "OPEN"}},
		{acct: mgmt, op: "InviteAccountToOrganization", body: `{"Target":{"Id":"999999999999","Type":"ACCOUNT"}}`, wantCode: "AccountNotFoundException"},
		{acct: other, op: "AcceptHandshake", body: `{"HandshakeId":"{{hs}}"}`, wantCode: "HandshakeNotFoundException"},
		{acct: member, op: "AcceptHandshake", body: `{"HandshakeId":"{{hs}}"}`, want: map[string]string{"Handshake.State": "ACCEPTED"}},
		{acct: member, op: "AcceptHandshake", body: `{"HandshakeId":"{{hs}}"}`, wantCode: "InvalidHandshakeTransitionException"},
		{acct: member, op: "DescribeOrganization", want: map[string]string{"Organization.Id": "{{org}}"}},
		{acct: member, op: "ListAccounts", wantCode: "AccessDeniedException"},
		{acct: mgmt, op: "DescribeAccount", body: `{"AccountId":"` + member + `"}`, want: map[string]string{"Account.JoinedMethod": "INVITED"}},
		{acct: mgmt, op: "DescribeAccount", body: `{"AccountId":"` + other + `"}`, wantCode: "AccountNotFoundException"},
		{acct: mgmt, op: "DescribeAccount", body: `{"AccountId":"12"}`, wantCode: "InvalidInputException", wantReason: "INVALID_PATTERN"},
		{acct: mgmt, op: "CreateOrganizationalUnit", body: `{"ParentId":"{{root}}","Name":"Prod"}`, save: map[string]string{"ou": "OrganizationalUnit.Id"}},
		{acct: mgmt, op: "CreateOrganizationalUnit", body: `{"ParentId":"{{root}}","Name":"Prod"}`, wantCode: "DuplicateOrganizationalUnitException"},
		{acct: mgmt, op: "CreateOrganizationalUnit", body: `{"ParentId":"ou-abcd-12345678","Name":"X"}`, wantCode: "ParentNotFoundException"},
		{acct: mgmt, op: "CreateOrganizationalUnit", body: `{"ParentId":"{{ou}}","Name":"Web"}`, save: map[string]string{"ou2": "OrganizationalUnit.Id"}},
		{acct: mgmt, op: "MoveAccount", body: `{"AccountId":"` + member + `","SourceParentId":"{{root}}","DestinationParentId":"{{ou2}}"}`},
		{acct: mgmt, op: "MoveAccount", body: `{"AccountId":"` + member + `","SourceParentId":"{{ou2}}","DestinationParentId":"{{ou2}}"}`, wantCode: "DuplicateAccountException"},
		{acct: mgmt, op: "ListChildren", body: `{"ParentId":"{{ou2}}","ChildType":"ACCOUNT"}`, want: map[string]string{"Children.0.Id": member}},
		{acct: mgmt, op: "ListParents", body: `{"ChildId":"{{ou2}}"}`, want: map[string]string{"Parents.0.Id": "{{ou}}", "Parents.0.Type": "ORGANIZATIONAL_UNIT"}},
		{acct: mgmt, op: "DeleteOrganizationalUnit", body: `{"OrganizationalUnitId":"{{ou}}"}`, wantCode: "OrganizationalUnitNotEmptyException"},
		{acct: mgmt, op: "CreatePolicy", body: `{"Name":"NoDelete","Description":"d","Type":"SERVICE_CONTROL_POLICY","Content":` + q(scp) + `}`,
			save: map[string]string{"scp": "Policy.PolicySummary.Id"}, want: map[string]string{"Policy.PolicySummary.Type": "SERVICE_CONTROL_POLICY"}},
		{acct: mgmt, op: "CreatePolicy", body: `{"Name":"NoDelete","Description":"d","Type":"SERVICE_CONTROL_POLICY","Content":` + q(scp) + `}`, wantCode: "DuplicatePolicyException"},
		{acct: mgmt, op: "CreatePolicy", body: `{"Name":"Tags","Description":"d","Type":"TAG_POLICY","Content":"{}"}`, wantCode: "PolicyTypeNotAvailableForOrganizationException"},
		{acct: mgmt, op: "CreatePolicy", body: `{"Name":"Bad","Description":"d","Type":"SERVICE_CONTROL_POLICY","Content":"{\"Version\":\"2012-10-17\""}`, wantCode: "MalformedPolicyDocumentException"},
		{acct: member, op: "CreatePolicy", body: `{"Name":"M","Description":"d","Type":"SERVICE_CONTROL_POLICY","Content":` + q(scp) + `}`, wantCode: "AccessDeniedException"},
		{acct: mgmt, op: "AttachPolicy", body: `{"PolicyId":"{{scp}}","TargetId":"` + member + `"}`, wantCode: "PolicyTypeNotEnabledException"},
		{acct: mgmt, op: "EnablePolicyType", body: `{"RootId":"{{root}}","PolicyType":"SERVICE_CONTROL_POLICY"}`, want: map[string]string{"Root.PolicyTypes.0.Status": "ENABLED"}},
		{acct: mgmt, op: "EnablePolicyType", body: `{"RootId":"{{root}}","PolicyType":"SERVICE_CONTROL_POLICY"}`, wantCode: "PolicyTypeAlreadyEnabledException"},
		{acct: mgmt, op: "AttachPolicy", body: `{"PolicyId":"{{scp}}","TargetId":"{{ou}}"}`},
		{acct: mgmt, op: "AttachPolicy", body: `{"PolicyId":"{{scp}}","TargetId":"{{ou}}"}`, wantCode: "DuplicatePolicyAttachmentException"},
		{acct: mgmt, op: "AttachPolicy", body: `{"PolicyId":"p-abcdefgh","TargetId":"{{ou}}"}`, wantCode: "PolicyNotFoundException"},
		{acct: mgmt, op: "AttachPolicy", body: `{"PolicyId":"{{scp}}","TargetId":"ou-zzzz-99999999"}`, wantCode: "TargetNotFoundException"},
		{acct: mgmt, op: "DetachPolicy", body: `{"PolicyId":"p-FullAWSAccess","TargetId":"{{ou2}}"}`, wantCode: "ConstraintViolationException", wantReason: "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED"},
		{acct: mgmt, op: "DetachPolicy", body: `{"PolicyId":"{{scp}}","TargetId":"{{ou2}}"}`, wantCode: "PolicyNotAttachedException"},
		{acct: mgmt, op: "ListTargetsForPolicy", body: `{"PolicyId":"{{scp}}"}`, want: map[string]string{"Targets.0.TargetId": "{{ou}}", "Targets.0.Type": "ORGANIZATIONAL_UNIT"}},
		{acct: mgmt, op: "ListPolicies", body: `{"Filter":"SERVICE_CONTROL_POLICY"}`, want: map[string]string{"Policies.0.Id": "p-FullAWSAccess", "Policies.1.Id": "{{scp}}"}},
		{acct: mgmt, op: "ListPolicies", body: `{}`, wantCode: "InvalidInputException", wantReason: "INPUT_REQUIRED"},
		{acct: mgmt, op: "UpdatePolicy", body: `{"PolicyId":"p-FullAWSAccess","Name":"x"}`, wantCode: "InvalidInputException", wantReason: "IMMUTABLE_POLICY"},
		{acct: mgmt, op: "DeletePolicy", body: `{"PolicyId":"{{scp}}"}`, wantCode: "PolicyInUseException"},
		{acct: mgmt, op: "EnablePolicyType", body: `{"RootId":"{{root}}","PolicyType":"RESOURCE_CONTROL_POLICY"}`},
		{acct: mgmt, op: "CreatePolicy", body: `{"Name":"NoAssume","Description":"d","Type":"RESOURCE_CONTROL_POLICY","Content":` + q(rcp) + `}`,
			save: map[string]string{"rcp": "Policy.PolicySummary.Id"}},
		{acct: mgmt, op: "AttachPolicy", body: `{"PolicyId":"{{rcp}}","TargetId":"` + member + `"}`},
		{acct: mgmt, op: "DetachPolicy", body: `{"PolicyId":"p-RCPFullAWSAccess","TargetId":"` + member + `"}`, wantCode: "InvalidInputException", wantReason: "NON_DETACHABLE_POLICY"},
		{acct: mgmt, op: "TagResource", body: `{"ResourceId":"{{ou}}","Tags":[{"Key":"team","Value":"a"}]}`},
		{acct: mgmt, op: "TagResource", body: `{"ResourceId":"{{ou}}","Tags":[{"Key":"t","Value":"a"},{"Key":"t","Value":"b"}]}`, wantCode: "InvalidInputException", wantReason: "DUPLICATE_TAG_KEY"},
		{acct: mgmt, op: "ListTagsForResource", body: `{"ResourceId":"{{ou}}"}`, want: map[string]string{"Tags.0.Key": "team"}},
		{acct: mgmt, op: "ListAccounts", body: `{"MaxResults":1}`, save: map[string]string{"next": "NextToken"}},
		{acct: mgmt, op: "ListAccounts", body: `{"MaxResults":1,"NextToken":"{{next}}"}`},
		{acct: mgmt, op: "ListAccounts", body: `{"NextToken":"junk"}`, wantCode: "InvalidInputException", wantReason: "INVALID_NEXT_TOKEN"},
		{acct: mgmt, op: "DeleteOrganization", wantCode: "OrganizationNotEmptyException"},
	}
	for i, st := range steps {
		out, err := h.do(st.acct, st.op, st.body)
		if st.wantCode != "" {
			var e *awsjson.Error
			if !errors.As(err, &e) || e.Code != st.wantCode || (st.wantReason != "" && e.Fields["Reason"] != st.wantReason) {
				t.Fatalf("step %d %s %s: error %v, want %s %s", i, st.op, st.body, err, st.wantCode, st.wantReason)
			}
			continue
		}
		if err != nil {
			t.Fatalf("step %d %s %s: %v", i, st.op, st.body, err)
		}
		for k, path := range st.save {
			if h.vars[k] = lookup(out, path); h.vars[k] == "" {
				t.Fatalf("step %d %s: no %s in %v", i, st.op, path, out)
			}
		}
		for path, want := range st.want {
			for k, v := range h.vars {
				want = strings.ReplaceAll(want, "{{"+k+"}}", v)
			}
			if got := lookup(out, path); got != want {
				t.Fatalf("step %d %s: %s = %q, want %q (output %v)", i, st.op, path, got, want, out)
			}
		}
	}

	// What the authorizer sees of the member.
	var got authz.OrgAccount
	if err := h.st.View(context.Background(), func(tx store.ReadTx) error {
		var err error
		got, err = Resolve(tx, member)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	wantPath := h.vars["org"] + "/" + h.vars["root"] + "/" + h.vars["ou"] + "/" + h.vars["ou2"] + "/"
	if got.OrganizationID != h.vars["org"] || got.ManagementAccount != mgmt || got.Path != wantPath {
		t.Errorf("Resolve = %s %s %s, want path %s", got.OrganizationID, got.ManagementAccount, got.Path, wantPath)
	}
	names := func(levels [][]authz.OrgPolicy) []int {
		var n []int
		for _, lv := range levels {
			n = append(n, len(lv))
		}
		return n
	}
	// SCPs: root FullAWSAccess; ou FullAWSAccess + NoDelete; ou2 and the
	// account FullAWSAccess. RCPs: RCPFullAWSAccess everywhere, NoAssume on
	// the account.
	if n := names(got.SCPs); len(n) != 4 || n[0] != 1 || n[1] != 2 || n[2] != 1 || n[3] != 1 {
		t.Errorf("SCP levels %v", n)
	}
	if n := names(got.RCPs); len(n) != 4 || n[3] != 2 || !strings.Contains(got.RCPs[3][1].Name, "NoAssume") {
		t.Errorf("RCP levels %v %v", n, got.RCPs)
	}
	if outside, err := resolveOf(h, other); err != nil || outside.OrganizationID != "" {
		t.Errorf("Resolve(outsider) = %+v, %v", outside, err)
	}
	// Every call was authorized as organizations:<Op>.
	for _, a := range h.auth.asked {
		if !strings.HasPrefix(a, "organizations:") {
			t.Errorf("authorized %s", a)
		}
	}
}

func resolveOf(h *harness, acct string) (authz.OrgAccount, error) {
	var out authz.OrgAccount
	err := h.st.View(context.Background(), func(tx store.ReadTx) error {
		var err error
		out, err = Resolve(tx, acct)
		return err
	})
	return out, err
}

func TestCheckContent(t *testing.T) {
	s := &Service{}
	tests := []struct {
		typ, content string
		wantCode     string
	}{
		{SCP, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}`, ""},
		{SCP, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]}`, "MalformedPolicyDocumentException"},
		{SCP, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}`, "MalformedPolicyDocumentException"},
		{SCP, `{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"s3:*","Resource":"*"}]}`, "MalformedPolicyDocumentException"},
		{SCP, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","Sid":"` + strings.Repeat("a", 5200) + `"}]}`, "ConstraintViolationException"},
		{RCP, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}`, ""},
		{RCP, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}`, "MalformedPolicyDocumentException"},
		{RCP, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject","Resource":"*"}]}`, "MalformedPolicyDocumentException"},
	}
	for i, tt := range tests {
		err := s.checkContent(tt.typ, tt.content)
		var e *awsjson.Error
		switch {
		case tt.wantCode == "" && err != nil:
			t.Errorf("%d: %v", i, err)
		case tt.wantCode != "" && (!errors.As(err, &e) || e.Code != tt.wantCode):
			t.Errorf("%d: error %v, want %s", i, err, tt.wantCode)
		}
	}
}

func TestValidateInput(t *testing.T) {
	tests := []struct {
		op, body           string
		wantCode, wantText string
	}{
		{"DescribePolicy", `{"PolicyId":"p-FullAWSAccess"}`, "", ""},
		{"DescribePolicy", `{}`, "InvalidInputException", "Value null at 'policyId' failed to satisfy constraint: Member must not be null"},
		{"DescribePolicy", `{"PolicyId":"x"}`, "InvalidInputException", "Member must satisfy regular expression pattern"},
		{"DescribePolicy", `{"PolicyId":5}`, "SerializationException", "'policyId' must be a string"},
		{"ListRoots", `{"MaxResults":0}`, "InvalidInputException", "greater than or equal to 1"},
		{"ListRoots", `{"MaxResults":"1"}`, "SerializationException", "must be a number"},
		{"CreatePolicy", `{"Name":"n","Description":"d","Type":"SERVICE_CONTROL_POLICY"}`, "InvalidInputException", "'content'"},
		{"ListRoots", `[`, "SerializationException", "ends early"},
		{"ListRoots", `{"a":}`, "SerializationException", "Malformed JSON"},
	}
	for _, tt := range tests {
		_, err := validateInput(tt.op, []byte(tt.body))
		var e *awsjson.Error
		switch {
		case tt.wantCode == "" && err != nil:
			t.Errorf("%s %s: %v", tt.op, tt.body, err)
		case tt.wantCode != "" && (!errors.As(err, &e) || e.Code != tt.wantCode || !strings.Contains(e.Message, tt.wantText)):
			t.Errorf("%s %s: error %v, want %s containing %q", tt.op, tt.body, err, tt.wantCode, tt.wantText)
		}
	}
}

func TestOperationsAreModeled(t *testing.T) {
	m := model()
	for _, op := range Operations() {
		if m.Operations[op] == nil {
			t.Errorf("%s is not an operation of the Organizations model", op)
		}
	}
}

var timeNow = func() time.Time { return time.Now() }
