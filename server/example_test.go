package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/connect-iam/connect-iam/server"
	"github.com/connect-iam/connect-iam/server/sigv4"
)

// An IAM handler registered on a server, called with a SigV4-signed
// request.
func Example() {
	creds := sigv4.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret", Principal: "alice"}
	store := sigv4.CredentialStoreFunc(func(ctx context.Context, id string) (sigv4.Credentials, error) {
		if id == creds.AccessKeyID {
			return creds, nil
		}
		return sigv4.Credentials{}, sigv4.ErrUnknownAccessKey
	})
	srv := server.New(server.Config{
		Authenticator: server.SigV4(&sigv4.Verifier{Store: store}),
		Logger:        slog.New(slog.DiscardHandler),
	})
	srv.RegisterQuery("iam", "GetUser", server.QueryHandlerFunc(func(ctx context.Context, c *server.QueryCall) (any, error) {
		type user struct {
			UserName string `xml:"UserName"`
		}
		return struct {
			User user `xml:"User"`
		}{user{c.Auth.Credentials.Principal.(string)}}, nil
	}))
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()

	body := "Action=GetUser&Version=2010-05-08"
	req, _ := http.NewRequest("POST", ts.URL, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	_ = sigv4.Sign(req, []byte(body), creds, "us-east-1", "iam", time.Now())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	xml, _, _ := strings.Cut(string(out), "<ResponseMetadata>")
	fmt.Println(resp.StatusCode, xml)
	// Output: 200 <GetUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetUserResult><User><UserName>alice</UserName></User></GetUserResult>
}
