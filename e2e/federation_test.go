package e2e_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/connect-iam/connect-iam/internal/testidp"
)

// anonymousSTS is an STS client without credentials: the federation
// operations are unsigned, as an application calls them.
func (s *testServer) anonymousSTS() *sts.Client {
	cfg := s.config(clientOptions{})
	cfg.Credentials = aws.AnonymousCredentials{}
	return sts.NewFromConfig(cfg)
}

// federationFixture returns testdata/federation/name with ISSUER replaced.
func federationFixture(t *testing.T, name, issuer string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "federation", name))
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(b), "ISSUER", issuer)
}

// TestWebIdentityFederation is GitHub Actions' OIDC federation against
// the built-in test issuer: an OIDC provider for the issuer, a role whose
// trust policy allows sts:AssumeRoleWithWebIdentity for one repository's
// sub; a token of that repository is exchanged for role credentials, one
// of another repository is denied, and a tampered, an expired, a
// wrongly addressed token and one of an unknown issuer are refused with
// AWS's codes.
func TestWebIdentityFederation(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	admin := srv.iam(clientOptions{})
	issuer := testidp.Issuer(srv.URL)
	hostPath := strings.TrimPrefix(issuer, "http://")
	prov, err := admin.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String(issuer),
		ClientIDList: []string{"sts.amazonaws.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := "arn:aws:iam::" + account + ":oidc-provider/" + hostPath; aws.ToString(prov.OpenIDConnectProviderArn) != want {
		t.Fatalf("provider ARN %s, want %s", aws.ToString(prov.OpenIDConnectProviderArn), want)
	}
	roleARN := "arn:aws:iam::" + account + ":role/deploy"
	if _, err := admin.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("deploy"),
		AssumeRolePolicyDocument: aws.String(federationFixture(t, "trust-oidc.json", hostPath))}); err != nil {
		t.Fatal(err)
	}
	mint := func(sub string, exp time.Duration, aud ...string) string {
		t.Helper()
		if len(aud) == 0 {
			aud = []string{"sts.amazonaws.com"}
		}
		tok, err := srv.App.TestIdP.MintToken(testidp.TokenOptions{Issuer: issuer, Subject: sub, Audience: aud, ExpiresIn: exp,
			Claims: map[string]any{"repository": "octo-org/octo-repo"}})
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	anon := srv.anonymousSTS()
	assume := func(token string) (*sts.AssumeRoleWithWebIdentityOutput, error) {
		return anon.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: aws.String(roleARN),
			RoleSessionName: aws.String("gha"), WebIdentityToken: aws.String(token)})
	}

	good := "repo:octo-org/octo-repo:ref:refs/heads/main"
	out, err := assume(mint(good, 0))
	if err != nil {
		t.Fatalf("AssumeRoleWithWebIdentity for %s: %v", good, err)
	}
	if got, want := aws.ToString(out.AssumedRoleUser.Arn), "arn:aws:sts::"+account+":assumed-role/deploy/gha"; got != want {
		t.Errorf("AssumedRoleUser.Arn %s, want %s", got, want)
	}
	if aws.ToString(out.SubjectFromWebIdentityToken) != good || aws.ToString(out.Audience) != "sts.amazonaws.com" || aws.ToString(out.Provider) != issuer {
		t.Errorf("Subject %q, Audience %q, Provider %q", aws.ToString(out.SubjectFromWebIdentityToken), aws.ToString(out.Audience), aws.ToString(out.Provider))
	}
	who, err := srv.sts(clientOptions{key: aws.ToString(out.Credentials.AccessKeyId), secret: aws.ToString(out.Credentials.SecretAccessKey),
		token: aws.ToString(out.Credentials.SessionToken)}).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity with the web identity session: %v", err)
	}
	if aws.ToString(who.Arn) != aws.ToString(out.AssumedRoleUser.Arn) {
		t.Errorf("GetCallerIdentity %s, want %s", aws.ToString(who.Arn), aws.ToString(out.AssumedRoleUser.Arn))
	}

	role, err := admin.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("deploy")})
	if err != nil || role.Role.RoleLastUsed == nil || role.Role.RoleLastUsed.LastUsedDate == nil {
		t.Errorf("GetRole after AssumeRoleWithWebIdentity: RoleLastUsed not recorded (%v)", err)
	}

	// Another repository's token: the trust policy's sub condition denies.
	_, err = assume(mint("repo:octo-org/other-repo:ref:refs/heads/main", 0))
	wantAPIError(t, err, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")

	// A token whose claims were changed after signing.
	wantAPIError(t, func() error { _, err := assume(tamperJWT(t, mint("repo:octo-org/other-repo:x", 0), good)); return err }(),
		"InvalidIdentityToken", "The web identity token's signature does not verify")
	// An expired token.
	_, err = assume(mint(good, -time.Minute))
	wantAPIError(t, err, "ExpiredTokenException", "Token expired")
	// A token for another client.
	_, err = assume(mint(good, 0, "another-client"))
	wantAPIError(t, err, "InvalidIdentityToken", "Incorrect token audience")
	// Not a JWT.
	_, err = assume("not.a-jwt")
	wantAPIError(t, err, "InvalidIdentityToken", "The ID Token provided is not a valid JWT")

	// Without the provider, its tokens are not trusted.
	if _, err := admin.DeleteOpenIDConnectProvider(ctx, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: prov.OpenIDConnectProviderArn}); err != nil {
		t.Fatal(err)
	}
	_, err = assume(mint(good, 0))
	wantAPIError(t, err, "InvalidIdentityToken", "No OpenIDConnect provider found in your account for "+issuer)
}

// tamperJWT replaces the sub claim of a signed token, keeping its
// header and signature.
func tamperJWT(t *testing.T, token, sub string) string {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q is not a compact JWS", token)
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	claims["sub"] = sub
	b, _ := json.Marshal(claims)
	return parts[0] + "." + base64.RawURLEncoding.EncodeToString(b) + "." + parts[2]
}

// TestOIDCProviders walks the OIDC provider API: create with tags, the
// duplicate, get, client IDs, thumbprints, tags, list and delete.
func TestOIDCProviders(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	admin := srv.iam(clientOptions{})
	u := "https://token.actions.githubusercontent.com"
	tp := strings.Repeat("6938fd4d98bab03faadb97b34396831e3780aea1", 1)
	out, err := admin.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String(u),
		ClientIDList: []string{"sts.amazonaws.com"}, ThumbprintList: []string{tp},
		Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("ci")}}})
	if err != nil {
		t.Fatal(err)
	}
	arn := out.OpenIDConnectProviderArn
	if want := "arn:aws:iam::" + account + ":oidc-provider/token.actions.githubusercontent.com"; aws.ToString(arn) != want {
		t.Fatalf("ARN %s, want %s", aws.ToString(arn), want)
	}
	_, err = admin.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String(u)})
	wantAPIError(t, err, "EntityAlreadyExists", "Provider with url "+u+" already exists.")
	_, err = admin.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String("http://example.com")})
	wantAPIError(t, err, "InvalidInput", "Invalid OpenID Connect Provider URL")
	_, err = admin.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String("https://example.com"),
		ThumbprintList: []string{strings.Repeat("z", 40)}})
	wantAPIError(t, err, "InvalidInput", "Thumbprint")

	if _, err := admin.AddClientIDToOpenIDConnectProvider(ctx, &iam.AddClientIDToOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn,
		ClientID: aws.String("my-app")}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.RemoveClientIDFromOpenIDConnectProvider(ctx, &iam.RemoveClientIDFromOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn,
		ClientID: aws.String("sts.amazonaws.com")}); err != nil {
		t.Fatal(err)
	}
	tp2 := strings.Repeat("a", 40)
	if _, err := admin.UpdateOpenIDConnectProviderThumbprint(ctx, &iam.UpdateOpenIDConnectProviderThumbprintInput{OpenIDConnectProviderArn: arn,
		ThumbprintList: []string{tp2}}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.TagOpenIDConnectProvider(ctx, &iam.TagOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn,
		Tags: []iamtypes.Tag{{Key: aws.String("TEAM"), Value: aws.String("platform")}}}); err != nil {
		t.Fatal(err)
	}
	got, err := admin.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.Url) != "token.actions.githubusercontent.com" || strings.Join(got.ClientIDList, ",") != "my-app" ||
		strings.Join(got.ThumbprintList, ",") != tp2 || len(got.Tags) != 1 || aws.ToString(got.Tags[0].Key) != "TEAM" || got.CreateDate == nil {
		t.Errorf("GetOpenIDConnectProvider: Url %q, clients %v, thumbprints %v, tags %v", aws.ToString(got.Url), got.ClientIDList, got.ThumbprintList, got.Tags)
	}
	if _, err := admin.UntagOpenIDConnectProvider(ctx, &iam.UntagOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn, TagKeys: []string{"team"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := admin.ListOpenIDConnectProviderTags(ctx, &iam.ListOpenIDConnectProviderTagsInput{OpenIDConnectProviderArn: arn})
	if err != nil || len(tags.Tags) != 0 {
		t.Fatalf("ListOpenIDConnectProviderTags after untag: %v, %v", tags, err)
	}
	list, err := admin.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
	if err != nil || len(list.OpenIDConnectProviderList) != 1 || aws.ToString(list.OpenIDConnectProviderList[0].Arn) != aws.ToString(arn) {
		t.Fatalf("ListOpenIDConnectProviders: %v, %v", list, err)
	}
	// A caller without permissions is denied before learning anything.
	nobody := srv.iamPrincipal(t, "nobody", "", "")
	_, err = srv.iam(nobody).GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn})
	wantAPIError(t, err, "AccessDenied", "User: arn:aws:iam::"+account+":user/nobody is not authorized to perform: iam:GetOpenIDConnectProvider")
	if _, err := admin.DeleteOpenIDConnectProvider(ctx, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn}); err != nil {
		t.Fatal(err)
	}
	_, err = admin.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn})
	wantAPIError(t, err, "NoSuchEntity", "OpenIDConnect Provider not found for arn "+aws.ToString(arn))
}

// TestSAMLFederation is SAML 2.0 federation with the built-in test IdP:
// a SAML provider from its metadata, a role trusting it for one kind of
// subject; a signed assertion for alice is exchanged for credentials, one
// for mallory is denied, and a tampered and an expired assertion are
// refused with AWS's codes.
func TestSAMLFederation(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	admin := srv.iam(clientOptions{})
	resp, err := http.Get(srv.URL + testidp.SAMLPath + "/metadata")
	if err != nil {
		t.Fatal(err)
	}
	metadata, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET metadata: %d %v", resp.StatusCode, err)
	}
	prov, err := admin.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String("testidp"), SAMLMetadataDocument: aws.String(string(metadata))})
	if err != nil {
		t.Fatal(err)
	}
	provARN := aws.ToString(prov.SAMLProviderArn)
	if provARN != "arn:aws:iam::"+account+":saml-provider/testidp" {
		t.Fatalf("SAML provider ARN %s", provARN)
	}
	got, err := admin.GetSAMLProvider(ctx, &iam.GetSAMLProviderInput{SAMLProviderArn: prov.SAMLProviderArn})
	if err != nil || aws.ToString(got.SAMLMetadataDocument) != string(metadata) || got.ValidUntil == nil || len(aws.ToString(got.SAMLProviderUUID)) < 22 {
		t.Fatalf("GetSAMLProvider: %+v, %v", got, err)
	}
	_, err = admin.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String("bad"), SAMLMetadataDocument: aws.String(strings.Repeat("x", 1000))})
	wantAPIError(t, err, "InvalidInput", "Could not parse metadata")

	roleARN := "arn:aws:iam::" + account + ":role/saml-admin"
	if _, err := admin.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("saml-admin"),
		AssumeRolePolicyDocument: aws.String(federationFixture(t, "trust-saml.json", ""))}); err != nil {
		t.Fatal(err)
	}
	entityID := testidp.EntityID(srv.URL)
	mint := func(sub string, exp time.Duration) string {
		t.Helper()
		a, err := srv.App.TestIdP.MintAssertion(testidp.AssertionOptions{Issuer: entityID, Roles: []string{roleARN + "," + provARN},
			Subject: sub, SessionName: "console", ExpiresIn: exp})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	anon := srv.anonymousSTS()
	assume := func(assertion string) (*sts.AssumeRoleWithSAMLOutput, error) {
		return anon.AssumeRoleWithSAML(ctx, &sts.AssumeRoleWithSAMLInput{RoleArn: aws.String(roleARN), PrincipalArn: aws.String(provARN),
			SAMLAssertion: aws.String(assertion)})
	}
	out, err := assume(mint("alice@example.com", 0))
	if err != nil {
		t.Fatalf("AssumeRoleWithSAML for alice: %v", err)
	}
	if aws.ToString(out.AssumedRoleUser.Arn) != "arn:aws:sts::"+account+":assumed-role/saml-admin/console" ||
		aws.ToString(out.Subject) != "alice@example.com" || aws.ToString(out.SubjectType) != "persistent" ||
		aws.ToString(out.Issuer) != entityID || aws.ToString(out.Audience) != testidp.AWSRecipient || aws.ToString(out.NameQualifier) == "" {
		t.Errorf("AssumeRoleWithSAML: %s subject %q type %q issuer %q audience %q qualifier %q", aws.ToString(out.AssumedRoleUser.Arn),
			aws.ToString(out.Subject), aws.ToString(out.SubjectType), aws.ToString(out.Issuer), aws.ToString(out.Audience), aws.ToString(out.NameQualifier))
	}
	if _, err := srv.sts(clientOptions{key: aws.ToString(out.Credentials.AccessKeyId), secret: aws.ToString(out.Credentials.SecretAccessKey),
		token: aws.ToString(out.Credentials.SessionToken)}).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("GetCallerIdentity with the SAML session: %v", err)
	}

	_, err = assume(mint("mallory@example.com", 0))
	wantAPIError(t, err, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML")
	_, err = assume(tamperSAML(t, mint("mallory@example.com", 0), "mallory@", "alice@"))
	wantAPIError(t, err, "InvalidIdentityToken", "Invalid SAML response: its signature does not verify")
	_, err = assume(mint("alice@example.com", -time.Minute))
	wantAPIError(t, err, "ExpiredTokenException", "Assertion is expired")
	_, err = anon.AssumeRoleWithSAML(ctx, &sts.AssumeRoleWithSAMLInput{RoleArn: aws.String("arn:aws:iam::" + account + ":role/other"),
		PrincipalArn: aws.String(provARN), SAMLAssertion: aws.String(mint("alice@example.com", 0))})
	wantAPIError(t, err, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML")

	if _, err := admin.DeleteSAMLProvider(ctx, &iam.DeleteSAMLProviderInput{SAMLProviderArn: prov.SAMLProviderArn}); err != nil {
		t.Fatal(err)
	}
	_, err = assume(mint("alice@example.com", 0))
	wantAPIError(t, err, "InvalidIdentityToken", "The SAML provider "+provARN+" does not exist")
}

// tamperSAML replaces old with new in a base64 SAMLResponse.
func tamperSAML(t *testing.T, b64, old, new string) string {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), old) {
		t.Fatalf("the assertion has no %q", old)
	}
	return base64.StdEncoding.EncodeToString([]byte(strings.ReplaceAll(string(raw), old, new)))
}
