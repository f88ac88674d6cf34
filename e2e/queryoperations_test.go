package e2e_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/connect-iam/connect-iam/internal/apimodel"
	"github.com/connect-iam/connect-iam/internal/apimodel/apimodeltest"
	"github.com/connect-iam/connect-iam/store"
)

// pendingQuery are the IAM and STS operations another branch serves
// (OpenID Connect and SAML federation). The walk lists them as pending
// while they are not served and requires them, like every other
// operation, once they are.
var pendingQuery = map[string]bool{
	"iam:AddClientIDToOpenIDConnectProvider":      true,
	"iam:CreateOpenIDConnectProvider":             true,
	"iam:CreateSAMLProvider":                      true,
	"iam:DeleteOpenIDConnectProvider":             true,
	"iam:DeleteSAMLProvider":                      true,
	"iam:GetOpenIDConnectProvider":                true,
	"iam:GetSAMLProvider":                         true,
	"iam:ListOpenIDConnectProviderTags":           true,
	"iam:ListOpenIDConnectProviders":              true,
	"iam:ListSAMLProviderTags":                    true,
	"iam:ListSAMLProviders":                       true,
	"iam:RemoveClientIDFromOpenIDConnectProvider": true,
	"iam:TagOpenIDConnectProvider":                true,
	"iam:TagSAMLProvider":                         true,
	"iam:UntagOpenIDConnectProvider":              true,
	"iam:UntagSAMLProvider":                       true,
	"iam:UpdateOpenIDConnectProviderThumbprint":   true,
	"iam:UpdateSAMLProvider":                      true,
	"sts:AssumeRoleWithSAML":                      true,
	"sts:AssumeRoleWithWebIdentity":               true,
}

// unauthenticatedQuery are the operations AWS serves without any
// permission: a caller without permissions is not denied them.
var unauthenticatedQuery = map[string]bool{
	"sts:GetCallerIdentity": true,
	"sts:GetSessionToken":   true,
	// Federated with a token, not with the caller's permissions.
	"sts:AssumeRoleWithSAML":        true,
	"sts:AssumeRoleWithWebIdentity": true,
}

// semanticQuery completes the minimal input of the operations that check
// the meaning of their input before they authorize it.
var semanticQuery = map[string]map[string]any{
	"iam:CreateLoginProfile":         {"Password": "Walk-password-1"},
	"iam:PutRolePermissionsBoundary": {"PermissionsBoundary": "arn:aws:iam::" + account + ":policy/walk"},
	"iam:PutUserPermissionsBoundary": {"PermissionsBoundary": "arn:aws:iam::" + account + ":policy/walk"},
	"sts:AssumeRole":                 {"RoleArn": "arn:aws:iam::" + account + ":role/walk"},
	// Permissions is a structure without required members, which the
	// query protocol cannot send empty.
	"iam:CreateDelegationRequest": {"Permissions": map[string]any{"PolicyTemplateArn": "arn:aws:iam::aws:policy-template/walk"}},
	"sts:AssumeRoot":              {"TaskPolicyArn": map[string]any{"arn": "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"}, "TargetPrincipal": account},
}

// queryResult is what a walked awsQuery call answered.
type queryResult struct {
	wireResult
	body []byte
}

// sendQuery signs and sends one awsQuery call built from the model.
func (s *testServer) sendQuery(t *testing.T, m *apimodel.Model, op *apimodel.Operation, input map[string]any, o clientOptions) queryResult {
	t.Helper()
	body := []byte(apimodeltest.Form(m, op, input).Encode())
	r, err := http.NewRequest(http.MethodPost, s.URL+"/", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: o.key, SecretAccessKey: o.secret, SessionToken: o.token}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), m.Metadata.Signing(), "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatalf("%s: %v", op.Name, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	res := queryResult{wireResult: wireResult{status: resp.StatusCode}, body: b}
	if resp.StatusCode >= 300 {
		var e struct {
			Error struct {
				Code    string `xml:"Code"`
				Message string `xml:"Message"`
			} `xml:"Error"`
		}
		_ = xml.Unmarshal(b, &e)
		res.code, res.message = e.Error.Code, e.Error.Message
		if res.code == "" {
			res.message = string(b)
		}
	}
	return res
}

// resultMembers returns the names of the elements directly inside the
// <OpResult> element of a response.
func resultMembers(body []byte, op string) ([]string, error) {
	d := xml.NewDecoder(strings.NewReader(string(body)))
	depth, in := 0, false
	var out []string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch x := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 2 && x.Name.Local == op+"Result" {
				in = true
			} else if in && depth == 3 {
				out = append(out, x.Name.Local)
			}
		case xml.EndElement:
			if depth == 2 {
				in = false
			}
			depth--
		}
	}
}

// TestEveryQueryOperation walks every operation of AWS's IAM and STS
// models as TestEveryOperation walks the REST-JSON services: the minimal
// valid input is served; a caller without permissions is denied naming
// the action; a caller allowed exactly that action on "*" is not denied;
// a missing required member answers ValidationError naming it; and a
// successful result carries only members of the model's output shape.
func TestEveryQueryOperation(t *testing.T) {
	s := startServer(t)
	nobody := s.iamPrincipal(t, "nobody", "", "")
	exact := s.iamPrincipal(t, "exact", "", "")
	// The role AssumeRole assumes: its trust policy trusts the account.
	if _, err := s.iam(clientOptions{}).CreateRole(context.Background(), &awsiam.CreateRoleInput{RoleName: aws.String("walk"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` +
			account + `:root"},"Action":"sts:AssumeRole"}]}`)}); err != nil {
		t.Fatal(err)
	}
	for _, model := range []string{"iam", "sts"} {
		m := apimodel.MustLoad(model)
		var served, denied, allowed, validated, checked, shaped, succeeded, pending int
		for _, opName := range m.OperationNames() {
			op := m.Operations[opName]
			action := model + ":" + opName
			input := apimodeltest.Minimal(m, m.Input(op))
			for k, v := range semanticQuery[action] {
				input[k] = v
			}
			res := s.sendQuery(t, m, op, input, nobody)
			if res.code == "InvalidAction" {
				if pendingQuery[action] {
					pending++
					t.Logf("%s is pending (served by the federation branch)", action)
					continue
				}
				t.Errorf("%s is not served: %v", action, res)
				continue
			}
			if res.status >= 500 {
				t.Errorf("%s as a caller without permissions: %v", action, res.wireResult)
				continue
			}
			served++
			switch {
			case unauthenticatedQuery[action]:
				denied++
			case res.code == "AccessDenied" && res.status == http.StatusForbidden && strings.Contains(res.message, action):
				denied++
			default:
				t.Errorf("%s as a caller without permissions: %v, want AccessDenied naming %s", action, res.wireResult, action)
			}
			allowQuery(t, s, action)
			res = s.sendQuery(t, m, op, input, exact)
			if res.code == "AccessDenied" && !strings.Contains(res.message, "explicit deny") || res.status >= 500 || res.code == "InvalidAction" {
				t.Errorf("%s allowed exactly %s: %v", action, action, res.wireResult)
			} else {
				allowed++
			}
			if res.status == http.StatusOK {
				succeeded++
				names, err := resultMembers(res.body, opName)
				out := m.Output(op)
				bad := ""
				for _, n := range names {
					if out.Members[n] == nil {
						bad = n
					}
				}
				if err != nil || bad != "" {
					t.Errorf("%s: result member %s is not in the model's %s (%v): %s", action, bad, op.Output, err, res.body)
				} else {
					shaped++
				}
			}
			in := m.Input(op)
			if len(in.Required) == 0 {
				continue
			}
			missing := in.Required[0]
			checked++
			partial := map[string]any{}
			for k, v := range input {
				if k != missing {
					partial[k] = v
				}
			}
			res = s.sendQuery(t, m, op, partial, exact)
			wire := "'" + strings.ToLower(missing[:1]) + missing[1:] + "'"
			if res.status == http.StatusBadRequest && res.code == "ValidationError" && strings.Contains(res.message, wire) {
				validated++
			} else {
				t.Errorf("%s without %s: %v, want ValidationError naming %s", action, missing, res.wireResult, wire)
			}
		}
		n := len(m.Operations)
		t.Logf("%-4s %d/%d served (%d pending), %d/%d denied without permissions, %d/%d allowed with exactly their action, %d/%d missing-member errors, %d/%d successful results shaped by the model",
			model, served, n, pending, denied, served, allowed, served, validated, checked, shaped, succeeded)
	}
}

// allowQuery gives the walk's "exact" user exactly action on "*".
func allowQuery(t *testing.T, s *testServer, action string) {
	t.Helper()
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"` + action + `","Resource":"*"}]}`
	err := s.App.Store.Update(context.Background(), func(tx store.Tx) error {
		return tx.PutInlinePolicy(account, store.EntityRef{Kind: store.KindUser, Name: "exact"}, "exact", doc)
	})
	if err != nil {
		t.Fatalf("allow %s: %v", action, err)
	}
}
