package accessanalyzer_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	aa "github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	aatypes "github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	"github.com/aws/smithy-go"

	"github.com/connect-iam/connect-iam/accessanalyzer"
	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/internal/secretbox"
	"github.com/connect-iam/connect-iam/server"
	"github.com/connect-iam/connect-iam/server/sigv4"
	"github.com/connect-iam/connect-iam/store"
	"github.com/connect-iam/connect-iam/store/sqlite"
)

const acct = "111122223333"

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// newServer serves ValidatePolicy with real SigV4 and authorization; the
// user "admin" may call it, the user "nobody" may not.
func newServer(t *testing.T) (url string) {
	t.Helper()
	url, _ = newServerService(t, accessanalyzer.Deps{})
	return url
}

// newServerService is newServer with Deps (the Authorizer is set) and the
// registered service.
func newServerService(t *testing.T, deps accessanalyzer.Deps) (url string, svc *accessanalyzer.Service) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "iam.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	box, err := secretbox.New(bytes.Repeat([]byte{5}, secretbox.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	admin := readFile(t, "admin.json")
	err = st.Update(context.Background(), func(tx store.Tx) error {
		if err := tx.CreateAccount(store.Account{ID: acct}); err != nil {
			return err
		}
		for _, u := range []string{"admin", "nobody"} {
			if err := tx.CreateUser(store.User{AccountID: acct, ID: store.NewID("AIDA", 21), Name: u, ARN: "arn:aws:iam::" + acct + ":user/" + u}); err != nil {
				return err
			}
			id := "AKIA" + u + "0000000000"
			if err := tx.CreateAccessKey(store.AccessKey{ID: id, AccountID: acct, UserName: u, SecretCiphertext: box.Seal([]byte("secret-"+u), []byte(id))}); err != nil {
				return err
			}
		}
		return tx.PutInlinePolicy(acct, store.EntityRef{Kind: store.KindUser, Name: "admin"}, "admin", admin)
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(server.Config{Authenticator: server.SigV4(&sigv4.Verifier{Store: authz.NewCredentialStore(st, box, nil)}),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	engine := authz.New(authz.Watch(st), authz.Options{})
	t.Cleanup(engine.Close)
	deps.Authorizer = engine
	svc = accessanalyzer.Register(srv, deps)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts.URL, svc
}

func client(url, user string) *aa.Client {
	return aa.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIA"+user+"0000000000", "secret-"+user, ""),
		BaseEndpoint: aws.String(url),
	})
}

func TestValidatePolicy(t *testing.T) {
	url := newServer(t)
	c := client(url, "admin")
	ctx := context.Background()
	tests := []struct {
		name         string
		file         string
		policyType   aatypes.PolicyType
		resourceType aatypes.ValidatePolicyResourceType
		codes        []string
		// path of the first finding's first location, as "Statement[0].Action[0]"
		path string
	}{
		{name: "clean identity policy", file: "clean.json", policyType: aatypes.PolicyTypeIdentityPolicy},
		{name: "invalid actions", file: "typos.json", policyType: aatypes.PolicyTypeIdentityPolicy,
			codes: []string{"INVALID_ACTION", "INVALID_ACTION", "INVALID_ACTION"}, path: "Statement[0].Action[0]"},
		{name: "principal in identity policy", file: "trust.json", policyType: aatypes.PolicyTypeIdentityPolicy,
			codes: []string{"UNSUPPORTED_PRINCIPAL"}, path: "Statement[0]{Principal}"},
		{name: "role trust policy", file: "trust.json", policyType: aatypes.PolicyTypeResourcePolicy,
			resourceType: aatypes.ValidatePolicyResourceTypeRoleTrust, codes: []string{"ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE"}},
		{name: "only Access Analyzer checks", file: "admin.json", policyType: aatypes.PolicyTypeIdentityPolicy,
			codes: []string{"PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE", "CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := c.ValidatePolicy(ctx, &aa.ValidatePolicyInput{PolicyDocument: aws.String(readFile(t, tc.file)),
				PolicyType: tc.policyType, ValidatePolicyResourceType: tc.resourceType, Locale: aatypes.LocaleEn})
			if err != nil {
				t.Fatal(err)
			}
			var codes []string
			for _, f := range out.Findings {
				codes = append(codes, aws.ToString(f.IssueCode))
				if aws.ToString(f.FindingDetails) == "" || aws.ToString(f.LearnMoreLink) == "" || f.FindingType == "" || len(f.Locations) == 0 {
					t.Errorf("incomplete finding %+v", f)
				}
			}
			if len(codes) != len(tc.codes) {
				t.Fatalf("codes = %v, want %v", codes, tc.codes)
			}
			for i := range codes {
				if codes[i] != tc.codes[i] {
					t.Fatalf("codes = %v, want %v", codes, tc.codes)
				}
			}
			if out.NextToken != nil {
				t.Errorf("NextToken = %q without maxResults", *out.NextToken)
			}
			if tc.path != "" {
				if got := pathString(out.Findings[0].Locations[0].Path); got != tc.path {
					t.Errorf("path = %s, want %s", got, tc.path)
				}
				sp := out.Findings[0].Locations[0].Span
				if sp == nil || aws.ToInt32(sp.Start.Line) != 4 || aws.ToInt32(sp.End.Offset) <= aws.ToInt32(sp.Start.Offset) {
					t.Errorf("span = %+v, want one on line 4", sp)
				}
			}
		})
	}
}

func pathString(path []aatypes.PathElement) string {
	var s string
	for _, e := range path {
		switch v := e.(type) {
		case *aatypes.PathElementMemberValue:
			if s != "" {
				s += "."
			}
			s += v.Value
		case *aatypes.PathElementMemberIndex:
			s += "[" + string(rune('0'+v.Value)) + "]"
		case *aatypes.PathElementMemberKey:
			s += "{" + v.Value + "}"
		case *aatypes.PathElementMemberSubstring:
			s += "[substring]"
		}
	}
	return s
}

func TestValidatePolicyPagination(t *testing.T) {
	url := newServer(t)
	c := client(url, "admin")
	ctx := context.Background()
	doc := readFile(t, "typos.json")
	var all []string
	var token *string
	pages := 0
	for {
		out, err := c.ValidatePolicy(ctx, &aa.ValidatePolicyInput{PolicyDocument: aws.String(doc), PolicyType: aatypes.PolicyTypeIdentityPolicy,
			MaxResults: aws.Int32(2), NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, f := range out.Findings {
			all = append(all, aws.ToString(f.FindingDetails))
		}
		if token = out.NextToken; token == nil {
			break
		}
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
	}
	if pages != 2 || len(all) != 3 || all[0] == all[1] || all[1] == all[2] {
		t.Errorf("%d pages, findings %v; want 2 pages with 3 different findings", pages, all)
	}

	// The paginator of the SDK drives the same tokens.
	p := aa.NewValidatePolicyPaginator(c, &aa.ValidatePolicyInput{PolicyDocument: aws.String(doc), PolicyType: aatypes.PolicyTypeIdentityPolicy, MaxResults: aws.Int32(1)})
	n := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(out.Findings)
	}
	if n != 3 {
		t.Errorf("paginator saw %d findings, want 3", n)
	}
}

func TestValidatePolicyErrors(t *testing.T) {
	url := newServer(t)
	ctx := context.Background()
	clean := readFile(t, "clean.json")
	tests := []struct {
		name   string
		user   string
		in     *aa.ValidatePolicyInput
		code   string
		status int
	}{
		{"not authorized", "nobody", &aa.ValidatePolicyInput{PolicyDocument: aws.String(clean), PolicyType: aatypes.PolicyTypeIdentityPolicy},
			"AccessDeniedException", 403},
		{"unknown policy type", "admin", &aa.ValidatePolicyInput{PolicyDocument: aws.String(clean), PolicyType: "BOGUS_POLICY"},
			"ValidationException", 400},
		{"resource type with identity policy", "admin", &aa.ValidatePolicyInput{PolicyDocument: aws.String(clean), PolicyType: aatypes.PolicyTypeIdentityPolicy,
			ValidatePolicyResourceType: aatypes.ValidatePolicyResourceTypeS3Bucket}, "ValidationException", 400},
		{"unknown locale", "admin", &aa.ValidatePolicyInput{PolicyDocument: aws.String(clean), PolicyType: aatypes.PolicyTypeIdentityPolicy, Locale: "XX"},
			"ValidationException", 400},
		{"forged next token", "admin", &aa.ValidatePolicyInput{PolicyDocument: aws.String(clean), PolicyType: aatypes.PolicyTypeIdentityPolicy,
			NextToken: aws.String("djE6MTpmZmZm")}, "ValidationException", 400},
		{"document over the limit", "admin", &aa.ValidatePolicyInput{PolicyDocument: aws.String(clean + strings.Repeat(" ", accessanalyzer.MaxDocumentBytes)),
			PolicyType: aatypes.PolicyTypeIdentityPolicy}, "ValidationException", 400},
		{"zero max results", "admin", &aa.ValidatePolicyInput{PolicyDocument: aws.String(clean), PolicyType: aatypes.PolicyTypeIdentityPolicy,
			MaxResults: aws.Int32(0)}, "ValidationException", 400},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := client(url, tc.user).ValidatePolicy(ctx, tc.in)
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != tc.code {
				t.Fatalf("err = %v, want %s", err, tc.code)
			}
			if tc.code == "AccessDeniedException" && ae.ErrorMessage() != "User: arn:aws:iam::"+acct+":user/nobody is not authorized to perform: access-analyzer:ValidatePolicy because no identity-based policy allows the access-analyzer:ValidatePolicy action" {
				t.Errorf("message = %q", ae.ErrorMessage())
			}
			var ve *aatypes.ValidationException
			if errors.As(err, &ve) && (ve.Reason == "" || len(ve.FieldList) != 1) {
				t.Errorf("ValidationException without reason or field: %+v", ve)
			}
		})
	}
}

// TestValidatePolicyThrottles: with every validation slot taken, a
// request is refused with ThrottlingException (429), and served again once
// a slot is free.
func TestValidatePolicyThrottles(t *testing.T) {
	url, svc := newServerService(t, accessanalyzer.Deps{MaxConcurrent: 2})
	ctx := context.Background()
	in := &aa.ValidatePolicyInput{PolicyDocument: aws.String(readFile(t, "clean.json")), PolicyType: aatypes.PolicyTypeIdentityPolicy}
	c := aa.NewFromConfig(aws.Config{Region: "us-east-1", RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("AKIAadmin0000000000", "secret-admin", ""), BaseEndpoint: aws.String(url)})
	release := accessanalyzer.Occupy(svc)
	_, err := c.ValidatePolicy(ctx, in)
	var te *aatypes.ThrottlingException
	if !errors.As(err, &te) || !strings.Contains(te.ErrorMessage(), "2 policy validations are already in progress") {
		t.Fatalf("with every slot taken: %v, want ThrottlingException", err)
	}
	var re interface{ HTTPStatusCode() int }
	if errors.As(err, &re) && re.HTTPStatusCode() != 429 {
		t.Errorf("status %d, want 429", re.HTTPStatusCode())
	}
	release()
	if _, err := c.ValidatePolicy(ctx, in); err != nil {
		t.Fatalf("after the slots were freed: %v", err)
	}
}
