package e2e_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/connect-iam/connect-iam/internal/apimodel"
	"github.com/connect-iam/connect-iam/internal/apimodel/apimodeltest"
	"github.com/connect-iam/connect-iam/store"
)

// semantic completes the minimal input of the hand-written operations
// that check the meaning of their input before they authorize it, so
// that the walk reaches the authorization.
var semantic = map[string]map[string]any{
	"connect:CreateInstance": {"IdentityManagementType": "CONNECT_MANAGED", "InstanceAlias": "walk"},
	"connect:AssociateRoutingProfileQueues": {"QueueConfigs": []any{map[string]any{
		"QueueReference": map[string]any{"QueueId": walkID, "Channel": "VOICE"}, "Priority": 1, "Delay": 0}}},
	"connect:DisassociateRoutingProfileQueues": {"QueueReferences": []any{map[string]any{"QueueId": walkID, "Channel": "VOICE"}}},
	"connect:ClaimPhoneNumber":                 {"TargetArn": "arn:aws:connect:us-east-1:" + account + ":instance/" + walkID},
	"connect:CreateContactFlow": {"Content": `{"Version":"2019-10-30","StartAction":"a","Actions":[` +
		`{"Identifier":"a","Type":"DisconnectParticipant","Parameters":{},"Transitions":{}}]}`},
	"connect:CreateQuickConnect": {"QuickConnectConfig": map[string]any{"QuickConnectType": "PHONE_NUMBER",
		"PhoneConfig": map[string]any{"PhoneNumber": "+12065550100"}}},
	"connect:StartOutboundVoiceContact":      {"SourcePhoneNumber": "+12065550100"},
	"connect:StartTaskContact":               {"ContactFlowId": walkID},
	"app-integrations:CreateDataIntegration": {"SourceURI": "s3://bucket-1"},
	"wisdom:CreateKnowledgeBase":             {"knowledgeBaseType": "CUSTOM"},
	"profile:PutProfileObjectType":           {"TemplateId": "walk"},
}

// walkID is the identifier the minimal inputs use.
const walkID = "00000000-0000-4000-8000-000000000001"

// dependent are the other actions an operation needs when it succeeds
// (the service-linked role of a new instance).
var dependent = map[string][]string{
	"connect:CreateInstance": {"iam:CreateServiceLinkedRole", "iam:PutRolePolicy", "iam:AttachRolePolicy"},
}

// wireResult is what a walked call answered.
type wireResult struct {
	status  int
	code    string
	message string
}

func (r wireResult) String() string { return fmt.Sprintf("%d %s: %s", r.status, r.code, r.message) }

// send signs and sends one REST-JSON call built from the model.
func (s *testServer) send(t *testing.T, m *apimodel.Model, op *apimodel.Operation, input map[string]any, o clientOptions) wireResult {
	t.Helper()
	r, err := apimodeltest.Request(m, op, input, s.URL)
	if err != nil {
		t.Fatalf("%s: %v", op.Name, err)
	}
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: o.key, SecretAccessKey: o.secret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), m.Metadata.Signing(), "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatalf("%s: %v", op.Name, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	res := wireResult{status: resp.StatusCode, code: resp.Header.Get("X-Amzn-ErrorType")}
	var e struct {
		Message string `json:"message"`
	}
	_ = json.Unmarshal(b, &e)
	res.message = e.Message
	if res.code == "" && resp.StatusCode >= 300 {
		res.message = string(b)
	}
	return res
}

// walkedModels are the API models the server serves, each walked whole
// (Wisdom's operations are served by the Amazon Q in Connect model's
// routes, which include them).
var walkedModels = []string{"connect", "appintegrations", "qconnect", "wisdom", "connectcampaigns", "connectcampaignsv2", "customer-profiles"}

// TestEveryOperation walks every operation of every model the server
// serves from AWS's API models: the minimal valid input is served (not
// unknown); a caller without permissions is denied; a caller allowed
// exactly that operation's action on "*" is not denied; and a missing
// required member answers the operation's modeled validation error naming
// it.
func TestEveryOperation(t *testing.T) {
	s := startServer(t)
	nobody := s.iamPrincipal(t, "nobody", "", "")
	exact := s.iamPrincipal(t, "exact", "", "")
	allow := func(actions ...string) {
		b, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []any{
			map[string]any{"Effect": "Allow", "Action": actions, "Resource": "*"}}})
		// Through the store: IAM's API refuses actions the catalog does not
		// know yet, and some operations are newer than the catalog.
		err := s.App.Store.Update(context.Background(), func(tx store.Tx) error {
			return tx.PutInlinePolicy(account, store.EntityRef{Kind: store.KindUser, Name: "exact"}, "exact", string(b))
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	prefixes := map[string]string{}
	servedBy := map[string]string{} // signing name and operation → the model serving it
	for _, sv := range s.App.Served {
		prefixes[sv.SigningName] = sv.Prefix
		for _, o := range sv.Operations {
			servedBy[sv.SigningName+":"+o.Name] = o.Model
		}
	}
	for _, model := range walkedModels {
		m := apimodel.MustLoad(model)
		prefix := prefixes[m.Metadata.Signing()]
		if prefix == "" {
			t.Errorf("%s: the server serves no service signed as %q", model, m.Metadata.Signing())
			continue
		}
		var served, denied, allowed, validated, checked int
		for _, opName := range m.OperationNames() {
			op := m.Operations[opName]
			action := prefix + ":" + opName
			input := apimodeltest.Minimal(m, m.Input(op))
			for k, v := range semantic[action] {
				input[k] = v
			}
			name := model + ":" + opName
			res := s.send(t, m, op, input, nobody)
			switch {
			case res.code == "UnknownOperationException" || res.status == http.StatusNotFound && res.code == "":
				t.Errorf("%s is not served: %v", name, res)
				continue
			case res.status >= 500:
				t.Errorf("%s as a caller without permissions: %v", name, res)
				continue
			}
			served++
			if res.code == "AccessDeniedException" && res.status == http.StatusForbidden && strings.Contains(res.message, action) {
				denied++
			} else {
				t.Errorf("%s as a caller without permissions: %v, want AccessDeniedException naming %s", name, res, action)
			}
			allow(append([]string{action}, dependent[action]...)...)
			if res := s.send(t, m, op, input, exact); res.code == "AccessDeniedException" || res.status >= 500 || res.code == "UnknownOperationException" {
				t.Errorf("%s allowed exactly %s: %v", name, action, res)
			} else {
				allowed++
			}
			in := m.Input(op)
			missing := ""
			for _, r := range in.Required {
				if mb := in.Members[r]; mb != nil && mb.Location != "uri" {
					missing = r
					break
				}
			}
			if by := servedBy[m.Metadata.Signing()+":"+opName]; missing != "" && by != model {
				// Served by a newer model of the service's routes: its
				// input decides what is required.
				sm := apimodel.MustLoad(by)
				if sop := sm.Operations[opName]; sop == nil || !sm.Input(sop).IsRequired(missing) {
					missing = ""
				}
			}
			if missing == "" {
				continue
			}
			checked++
			partial := map[string]any{}
			for k, v := range input {
				if k != missing {
					partial[k] = v
				}
			}
			res = s.send(t, m, op, partial, exact)
			wire := in.Members[missing].WireName(missing)
			if res.status == http.StatusBadRequest && m.Metadata.Protocol == "rest-json" && isValidationCode(m, op, res.code) &&
				(strings.Contains(strings.ToLower(res.message), strings.ToLower(missing)) || strings.Contains(strings.ToLower(res.message), strings.ToLower(wire))) {
				validated++
			} else {
				t.Errorf("%s without %s: %v, want the modeled validation error naming it", name, missing, res)
			}
		}
		n := len(m.Operations)
		t.Logf("%-18s %d/%d served, %d/%d denied without permissions, %d/%d allowed with exactly their action, %d/%d missing-member errors",
			model, served, n, denied, n, allowed, n, validated, checked)
	}
}

// isValidationCode reports whether code is an error the operation (or
// its model) answers invalid input with.
func isValidationCode(m *apimodel.Model, op *apimodel.Operation, code string) bool {
	for _, c := range []string{"ValidationException", "InvalidParameterException", "InvalidRequestException", "BadRequestException", "InvalidInputException"} {
		if code == c {
			_, ok := m.ErrorStatus(c)
			return op.HasError(c) || ok
		}
	}
	return false
}
