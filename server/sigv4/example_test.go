package sigv4_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/connect-iam/connect-iam/server/sigv4"
)

func ExampleVerifier_Verify() {
	alice := sigv4.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", Principal: "alice"}
	store := sigv4.CredentialStoreFunc(func(_ context.Context, id string) (sigv4.Credentials, error) {
		if id == alice.AccessKeyID {
			return alice, nil
		}
		return sigv4.Credentials{}, sigv4.ErrUnknownAccessKey
	})
	now := time.Date(2026, 11, 22, 3, 39, 34, 0, time.UTC)
	v := &sigv4.Verifier{Store: store, Services: []string{"iam", "sts"}, Now: func() time.Time { return now }}

	body := []byte("Action=GetCallerIdentity&Version=2011-06-15")
	r, _ := http.NewRequest("POST", "https://sts.amazonaws.com/", strings.NewReader(string(body)))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	_ = sigv4.Sign(r, body, alice, "us-west-2", "sts", now)

	res, err := v.Verify(r, body)
	fmt.Println(res.Credentials.Principal, res.Service, res.Region, err)

	// The same request with a changed body fails with AWS's codes.
	_, err = v.Verify(r, []byte("Action=CreateUser&UserName=mallory&Version=2010-05-08"))
	e := err.(*sigv4.Error)
	fmt.Println(e.QueryCode(), e.JSONCode(), e.HTTPStatus())
	// Output:
	// alice sts us-west-2 <nil>
	// SignatureDoesNotMatch InvalidSignatureException 403
}
