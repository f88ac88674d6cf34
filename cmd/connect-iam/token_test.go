package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/connect-iam/connect-iam/internal/app"
	"github.com/connect-iam/connect-iam/internal/testidp"
)

// TestToken mints a token, an assertion and the metadata from a data
// directory and checks them against the key the server would use.
func TestToken(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	st, box, err := app.OpenData(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	runOK := func(args ...string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		if code := run(append([]string{"token"}, args...), strings.NewReader(""), &stdout, &stderr); code != exitOK {
			t.Fatalf("token %v: exit %d, stderr:\n%s", args, code, stderr.String())
		}
		return strings.TrimSpace(stdout.String())
	}
	const endpoint = "http://127.0.0.1:9999"
	tok := runOK("oidc", "--data", dir, "--endpoint", endpoint, "--sub", "repo:o/r:ref:refs/heads/main", "--aud", "sts.amazonaws.com",
		"--claim", "amr=[\"mfa\"]", "--claim", "repository=o/r")
	key, err := testidp.New(dir, box, nil).Key()
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := jwt.ParseSigned(tok, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	var std jwt.Claims
	var extra struct {
		AMR        []string `json:"amr"`
		Repository string   `json:"repository"`
	}
	if err := parsed.Claims(&key.Private.PublicKey, &std, &extra); err != nil {
		t.Fatalf("the token does not verify with the data directory's key: %v", err)
	}
	if std.Issuer != endpoint+"/_connect-iam/oidc" || std.Subject != "repo:o/r:ref:refs/heads/main" || !std.Audience.Contains("sts.amazonaws.com") ||
		len(extra.AMR) != 1 || extra.AMR[0] != "mfa" || extra.Repository != "o/r" {
		t.Errorf("claims %+v %+v", std, extra)
	}

	b64 := runOK("saml", "--data", dir, "--endpoint", endpoint, "--sub", "alice", "--role",
		"arn:aws:iam::111122223333:role/r,arn:aws:iam::111122223333:saml-provider/p")
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{">alice</saml:NameID>", "<saml:Issuer>" + endpoint + "/_connect-iam/saml</saml:Issuer>", "ds:SignatureValue"} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("assertion lacks %q:\n%s", want, raw)
		}
	}
	md := runOK("saml-metadata", "--data", dir, "--endpoint", endpoint)
	if !strings.Contains(md, `entityID="`+endpoint+`/_connect-iam/saml"`) ||
		!strings.Contains(md, base64.StdEncoding.EncodeToString(key.Cert.Raw)) {
		t.Errorf("metadata:\n%s", md)
	}
}

func TestTokenUsageErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "none")
	tests := []struct {
		args []string
		code int
		want string
	}{
		{nil, exitUsage, "missing subcommand"},
		{[]string{"jwt"}, exitUsage, `unknown subcommand "jwt"`},
		{[]string{"oidc", "--sub", "x"}, exitUsage, "oidc needs --sub and --aud"},
		{[]string{"saml", "--sub", "x", "--role", "r"}, exitUsage, `--role "r" is not ROLE_ARN,PROVIDER_ARN`},
		{[]string{"oidc", "--sub", "x", "--aud", "a", "--claim", "novalue"}, exitUsage, `--claim "novalue" is not KEY=VALUE`},
		{[]string{"oidc", "--sub", "x", "--aud", "a", "--endpoint", "127.0.0.1:8080"}, exitUsage, "is not a URL"},
		{[]string{"oidc", "--sub", "x", "--aud", "a", "--data", missing}, 1, "no connect-iam data in"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(append([]string{"token"}, tt.args...), strings.NewReader(""), &stdout, &stderr)
			if code != tt.code || !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d and %q", code, stderr.String(), tt.code, tt.want)
			}
		})
	}
}
