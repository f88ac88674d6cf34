package e2e_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"io"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/connect-iam/connect-iam/iam"
	"github.com/connect-iam/connect-iam/internal/apimodel"
	"github.com/connect-iam/connect-iam/internal/apimodel/apimodeltest"
	"github.com/connect-iam/connect-iam/internal/app"
	"github.com/connect-iam/connect-iam/store"
)

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

// xmlNode is an element of a response.
type xmlNode struct {
	XMLName  xml.Name
	Children []xmlNode `xml:",any"`
}

// shapeErrors checks a result element against the model's shape sh,
// recursively: a structure's children are its members, a list's are
// "member" elements, a map's "entry" elements with key and value; a
// scalar has none. It returns the paths of elements the model lacks.
func shapeErrors(m *apimodel.Model, sh *apimodel.Shape, n xmlNode, path string) []string {
	if sh == nil {
		return nil
	}
	var bad []string
	switch sh.Type {
	case "structure":
		for _, c := range n.Children {
			var msh *apimodel.Shape
			for name, mb := range sh.Members {
				if mb.WireName(name) == c.XMLName.Local {
					msh = m.Shape(mb.Shape)
				}
			}
			if msh == nil {
				bad = append(bad, path+"/"+c.XMLName.Local)
				continue
			}
			bad = append(bad, shapeErrors(m, msh, c, path+"/"+c.XMLName.Local)...)
		}
	case "list":
		item := "member"
		if sh.Member != nil && sh.Member.LocationName != "" {
			item = sh.Member.LocationName
		}
		for _, c := range n.Children {
			if c.XMLName.Local != item || sh.Member == nil {
				bad = append(bad, path+"/"+c.XMLName.Local)
				continue
			}
			bad = append(bad, shapeErrors(m, m.Shape(sh.Member.Shape), c, path+"/"+item)...)
		}
	case "map":
		for _, c := range n.Children {
			if c.XMLName.Local != "entry" {
				bad = append(bad, path+"/"+c.XMLName.Local)
			}
		}
	default:
		for _, c := range n.Children {
			bad = append(bad, path+"/"+c.XMLName.Local)
		}
	}
	return bad
}

// resultShapeErrors checks the <OpResult> element of a response against
// the operation's output shape.
func resultShapeErrors(m *apimodel.Model, op *apimodel.Operation, body []byte) ([]string, error) {
	var root xmlNode
	if err := xml.Unmarshal(body, &root); err != nil {
		return nil, err
	}
	for _, c := range root.Children {
		if c.XMLName.Local == op.Name+"Result" {
			return shapeErrors(m, m.Output(op), c, c.XMLName.Local), nil
		}
	}
	return nil, nil
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
	// The entities the minimal inputs name ("a"), so that more calls
	// succeed and their results are checked against the model.
	admin := s.iam(clientOptions{})
	if _, err := admin.CreateUser(context.Background(), &awsiam.CreateUserInput{UserName: aws.String("a")}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.CreateGroup(context.Background(), &awsiam.CreateGroupInput{GroupName: aws.String("a")}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.CreateRole(context.Background(), &awsiam.CreateRoleInput{RoleName: aws.String("a"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.CreateInstanceProfile(context.Background(), &awsiam.CreateInstanceProfileInput{InstanceProfileName: aws.String("a")}); err != nil {
		t.Fatal(err)
	}
	for _, model := range []string{"iam", "sts"} {
		m := apimodel.MustLoad(model)
		var served, denied, allowed, validated, checked, shaped, succeeded int
		for _, opName := range m.OperationNames() {
			op := m.Operations[opName]
			action := model + ":" + opName
			input := apimodeltest.Minimal(m, m.Input(op))
			for k, v := range semanticQuery[action] {
				input[k] = v
			}
			res := s.sendQuery(t, m, op, input, nobody)
			if res.code == "InvalidAction" {
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
				bad, err := resultShapeErrors(m, op, res.body)
				if err != nil || len(bad) > 0 {
					t.Errorf("%s: result elements %v are not in the model's %s (%v): %s", action, bad, op.Output.Shape, err, res.body)
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
		t.Logf("%-4s %d/%d served, %d/%d denied without permissions, %d/%d allowed with exactly their action, %d/%d missing-member errors, %d/%d successful results shaped by the model",
			model, served, n, denied, served, allowed, served, validated, checked, shaped, succeeded)
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

// TestDecodeAuthorizationMessage: with --encode-denials iam, an IAM
// denial carries an encoded message; a caller allowed
// sts:DecodeAuthorizationMessage decodes it to the explanation of the
// decision; a changed message and a caller without the permission are
// refused.
func TestDecodeAuthorizationMessage(t *testing.T) {
	s := startServerWith(t, func(c *app.Config) { c.EncodedDenials = []string{"iam"} })
	ctx := context.Background()
	nobody := s.iamPrincipal(t, "nobody", "", "")
	decoder := s.iamPrincipal(t, "decoder", "", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:DecodeAuthorizationMessage","Resource":"*"}]}`)
	_, err := s.iam(nobody).ListUsers(ctx, &awsiam.ListUsersInput{})
	code, msg := apiError(t, err)
	const marker = "Encoded authorization failure message: "
	_, enc, ok := strings.Cut(msg, marker)
	if code != "AccessDenied" || !ok {
		t.Fatalf("ListUsers without permissions: %s %q, want an encoded message", code, msg)
	}
	out, err := s.sts(decoder).DecodeAuthorizationMessage(ctx, &awssts.DecodeAuthorizationMessageInput{EncodedMessage: aws.String(enc)})
	if err != nil {
		t.Fatal(err)
	}
	var decoded struct {
		Allowed     bool `json:"allowed"`
		Explanation struct {
			Message string `json:"message"`
			Request struct {
				Action    string `json:"action"`
				Principal string `json:"principal"`
			} `json:"request"`
		} `json:"explanation"`
	}
	if err := json.Unmarshal([]byte(aws.ToString(out.DecodedMessage)), &decoded); err != nil {
		t.Fatalf("DecodedMessage %q: %v", aws.ToString(out.DecodedMessage), err)
	}
	if decoded.Allowed || decoded.Explanation.Request.Action != "iam:ListUsers" || !strings.HasSuffix(decoded.Explanation.Request.Principal, ":user/nobody") ||
		!strings.HasPrefix(msg, decoded.Explanation.Message) {
		t.Errorf("decoded = %+v", decoded)
	}
	for _, tc := range []struct {
		name   string
		as     clientOptions
		msg    string
		wanted string
	}{
		{"changed", decoder, enc[:len(enc)/2] + flip(enc[len(enc)/2]) + enc[len(enc)/2+1:], "InvalidAuthorizationMessageException"},
		{"not allowed", nobody, enc, "AccessDenied"},
	} {
		_, err := s.sts(tc.as).DecodeAuthorizationMessage(ctx, &awssts.DecodeAuthorizationMessageInput{EncodedMessage: aws.String(tc.msg)})
		if code, _ := apiError(t, err); code != tc.wanted {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.wanted)
		}
	}
}

// flip returns a base64url character other than c.
func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}

// TestCredentialReportRealUse: a call signed with a user's key shows in
// GetAccessKeyLastUsed and in the credential report's last-used columns.
func TestCredentialReportRealUse(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	user := s.iamPrincipal(t, "reporter", "", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}`)
	if _, err := s.iam(user).ListUsers(ctx, &awsiam.ListUsersInput{}); err != nil {
		t.Fatal(err)
	}
	admin := s.iam(clientOptions{})
	var last *awsiam.GetAccessKeyLastUsedOutput
	deadline := time.Now().Add(5 * time.Second)
	for {
		out, err := admin.GetAccessKeyLastUsed(ctx, &awsiam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(user.key)})
		if err != nil {
			t.Fatal(err)
		}
		if out.AccessKeyLastUsed.LastUsedDate != nil || time.Now().After(deadline) {
			last = out
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if last.AccessKeyLastUsed.LastUsedDate == nil || aws.ToString(last.AccessKeyLastUsed.ServiceName) != "iam" {
		t.Fatalf("GetAccessKeyLastUsed = %+v", last.AccessKeyLastUsed)
	}
	if _, err := admin.GenerateCredentialReport(ctx, &awsiam.GenerateCredentialReportInput{}); err != nil {
		t.Fatal(err)
	}
	rep, err := admin.GetCredentialReport(ctx, &awsiam.GetCredentialReportInput{})
	if err != nil {
		t.Fatal(err)
	}
	var header, row []string
	for _, line := range strings.Split(strings.TrimSpace(string(rep.Content)), "\n") {
		f := strings.Split(line, ",")
		if header == nil {
			header = f
		} else if f[0] == "reporter" {
			row = f
		}
	}
	if row == nil {
		t.Fatalf("no row for reporter in %s", rep.Content)
	}
	col := map[string]string{}
	for i, h := range header {
		col[h] = row[i]
	}
	if col["access_key_1_active"] != "true" || col["access_key_1_last_used_service"] != "iam" || col["access_key_1_last_used_date"] == "N/A" {
		t.Errorf("reporter's row: %v", col)
	}
}

// TestWebIdentityToken: GetWebIdentityToken is refused until outbound
// federation is enabled; then its JWT carries the account's issuer, the
// caller and the audience, and verifies with the account's key.
func TestWebIdentityToken(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	admin, st := s.iam(clientOptions{}), s.sts(clientOptions{})
	in := &awssts.GetWebIdentityTokenInput{Audience: []string{"https://api.example.com"}, SigningAlgorithm: aws.String("ES384")}
	_, err := st.GetWebIdentityToken(ctx, in)
	if code, _ := apiError(t, err); code != "OutboundWebIdentityFederationDisabledException" {
		t.Fatalf("before enabling: %v", err)
	}
	en, err := admin.EnableOutboundWebIdentityFederation(ctx, &awsiam.EnableOutboundWebIdentityFederationInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, alg := range []string{"ES384", "RS256"} {
		in.SigningAlgorithm = aws.String(alg)
		out, err := st.GetWebIdentityToken(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		parts := strings.Split(aws.ToString(out.WebIdentityToken), ".")
		if len(parts) != 3 {
			t.Fatalf("token %q", aws.ToString(out.WebIdentityToken))
		}
		body, _ := base64.RawURLEncoding.DecodeString(parts[1])
		var claims struct {
			Iss, Sub, Aud string
			Exp           int64
		}
		if err := json.Unmarshal(body, &claims); err != nil {
			t.Fatal(err)
		}
		if claims.Iss != aws.ToString(en.IssuerIdentifier) || !strings.HasSuffix(claims.Sub, ":user/admin") || claims.Aud != "https://api.example.com" ||
			claims.Exp != out.Expiration.Unix() {
			t.Errorf("%s claims %+v", alg, claims)
		}
		var keys iam.OutboundKeys
		if err := s.App.Store.View(ctx, func(tx store.ReadTx) error {
			var err error
			keys, err = iam.ReadOutboundKeys(tx, s.App.Box, account)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
		signed := []byte(parts[0] + "." + parts[1])
		switch alg {
		case "ES384":
			sum := sha512.Sum384(signed)
			pub := keys.ES384.Public().(*ecdsa.PublicKey)
			if len(sig) != 96 || !ecdsa.Verify(pub, sum[:], new(big.Int).SetBytes(sig[:48]), new(big.Int).SetBytes(sig[48:])) {
				t.Errorf("ES384 signature does not verify")
			}
		case "RS256":
			sum := sha256.Sum256(signed)
			if err := rsa.VerifyPKCS1v15(keys.RS256.Public().(*rsa.PublicKey), crypto.SHA256, sum[:], sig); err != nil {
				t.Errorf("RS256 signature: %v", err)
			}
		}
	}
}
