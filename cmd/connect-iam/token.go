package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/connect-iam/connect-iam/internal/app"
	"github.com/connect-iam/connect-iam/internal/testidp"
)

func init() {
	register(command{
		name:    "token",
		summary: "mint OIDC tokens and SAML assertions of the built-in test identity provider",
		run:     runToken,
	})
}

const tokenUsage = `Usage: connect-iam token oidc --sub SUB --aud CLIENT_ID [--expires-in DURATION] [--claim KEY=VALUE]... [--endpoint URL] [--data DIR]
       connect-iam token saml --role ROLE_ARN,PROVIDER_ARN --sub NAME_ID [--session-name NAME] [--expires-in DURATION] [--attr NAME=VALUE]... [--endpoint URL] [--data DIR]
       connect-iam token saml-metadata [--endpoint URL] [--data DIR]

"connect-iam serve" is an OpenID Connect issuer and a SAML 2.0 identity
provider for tests: its issuer is ENDPOINT/_connect-iam/oidc (discovery
document and JWKS under it), its SAML entity ID ENDPOINT/_connect-iam/saml
(metadata at ENDPOINT/_connect-iam/saml/metadata). The signing key is made
on first use and kept sealed in the data directory, which this command
reads: pass the server's --data. The server may be running.

oidc prints a signed ID token (RS256) for AssumeRoleWithWebIdentity whose
iss is ENDPOINT/_connect-iam/oidc: register that URL with
create-open-id-connect-provider (with the --aud value as a client ID), and
write ENDPOINT exactly as the token's users reach the server.
--expires-in -5m mints an expired token. --claim adds a claim; a value that
is JSON (a number, array, object, true or false) is sent as JSON.

saml prints a base64 SAMLResponse with a signed assertion for
AssumeRoleWithSAML: its Role attribute lists --role (repeatable), its
NameID is --sub, its RoleSessionName --session-name (default --sub).

saml-metadata prints the IdP's metadata document, for create-saml-provider
--saml-metadata-document.

Flags:
`

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func runToken(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "connect-iam token: "+format+"\n", a...)
		fmt.Fprintln(stderr, "Run 'connect-iam token -h' for usage.")
		return exitUsage
	}
	if len(args) == 0 {
		return usageErr("missing subcommand: use oidc, saml or saml-metadata")
	}
	sub, usageOut := args[0], stderr
	switch sub {
	case "-h", "-help", "--help", "help":
		sub, args, usageOut = "oidc", []string{"oidc", "-h"}, stdout
	case "oidc", "saml", "saml-metadata":
	default:
		return usageErr("unknown subcommand %q: use oidc, saml or saml-metadata", sub)
	}
	fl := flag.NewFlagSet("token "+sub, flag.ContinueOnError)
	fl.SetOutput(usageOut)
	defEndpoint := os.Getenv("AWS_ENDPOINT_URL")
	if defEndpoint == "" {
		defEndpoint = "http://127.0.0.1:8080"
	}
	endpoint := fl.String("endpoint", defEndpoint, "the server's `URL` as clients reach it ($AWS_ENDPOINT_URL when set)")
	data := fl.String("data", app.DefaultDataDir, "data `directory` of the server")
	subject := fl.String("sub", "", "oidc: the sub claim; saml: the NameID")
	var aud, claims, roles, attrs listFlag
	fl.Var(&aud, "aud", "oidc: the aud claim, a client ID of the provider (repeatable)")
	fl.Var(&claims, "claim", "oidc: a further claim `KEY=VALUE` (repeatable)")
	fl.Var(&roles, "role", "saml: a Role attribute value `ROLE_ARN,PROVIDER_ARN` (repeatable)")
	fl.Var(&attrs, "attr", "saml: a further attribute `NAME=VALUE` (repeatable)")
	session := fl.String("session-name", "", "saml: the RoleSessionName attribute; empty means --sub")
	expires := fl.Duration("expires-in", 0, "lifetime from now; 0 means 1h for tokens, 5m for assertions; negative mints an expired one")
	fl.Usage = func() {
		fmt.Fprint(usageOut, tokenUsage)
		fl.PrintDefaults()
	}
	pos, err := catParse(fl, args[1:])
	if err != nil {
		if err == flag.ErrHelp {
			return exitOK
		}
		return exitUsage
	}
	if len(pos) > 0 {
		return usageErr("unexpected argument %q", pos[0])
	}
	base := strings.TrimSuffix(*endpoint, "/")
	if !strings.HasPrefix(base, "http://") && !strings.HasPrefix(base, "https://") {
		return usageErr("--endpoint %q is not a URL such as http://127.0.0.1:8080", *endpoint)
	}
	switch sub {
	case "oidc":
		if *subject == "" || len(aud) == 0 {
			return usageErr("oidc needs --sub and --aud")
		}
	case "saml":
		if *subject == "" || len(roles) == 0 {
			return usageErr("saml needs --sub and --role ROLE_ARN,PROVIDER_ARN")
		}
		for _, r := range roles {
			if a, b, ok := strings.Cut(r, ","); !ok || !strings.HasPrefix(a, "arn:") || !strings.HasPrefix(b, "arn:") {
				return usageErr("--role %q is not ROLE_ARN,PROVIDER_ARN", r)
			}
		}
	}
	extra := map[string]any{}
	for _, c := range claims {
		k, v, ok := strings.Cut(c, "=")
		if !ok || k == "" {
			return usageErr("--claim %q is not KEY=VALUE", c)
		}
		extra[k] = testidp.ClaimValue(v)
	}
	attributes := map[string][]string{}
	for _, a := range attrs {
		k, v, ok := strings.Cut(a, "=")
		if !ok || k == "" {
			return usageErr("--attr %q is not NAME=VALUE", a)
		}
		attributes[k] = append(attributes[k], v)
	}

	st, box, err := app.OpenExisting(context.Background(), *data)
	if err != nil {
		fmt.Fprintf(stderr, "connect-iam token: %v\n", err)
		return exitFinding
	}
	defer st.Close()
	idp := testidp.New(*data, box, nil)
	var out string
	switch sub {
	case "oidc":
		out, err = idp.MintToken(testidp.TokenOptions{Issuer: testidp.Issuer(base), Subject: *subject, Audience: aud,
			ExpiresIn: *expires, Claims: extra})
	case "saml":
		out, err = idp.MintAssertion(testidp.AssertionOptions{Issuer: testidp.EntityID(base), Roles: roles, Subject: *subject,
			SessionName: *session, ExpiresIn: *expires, Attributes: attributes})
	case "saml-metadata":
		out, err = idp.Metadata(testidp.EntityID(base))
		out = strings.TrimRight(out, "\n")
	}
	if err != nil {
		fmt.Fprintf(stderr, "connect-iam token: %v\n", err)
		return exitFinding
	}
	fmt.Fprintln(stdout, out)
	return exitOK
}
