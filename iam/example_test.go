package iam_test

import (
	"fmt"
	"strings"

	"github.com/connect-iam/connect-iam/iam"
)

// The built-in AWS managed policies, as the authorizer reads them.
func ExampleManagedPolicy() {
	doc, ok := iam.ManagedPolicy("arn:aws:iam::aws:policy/AdministratorAccess")
	fmt.Println(ok, strings.Join(strings.Fields(doc), ""))
	_, ok = iam.ManagedPolicy("arn:aws:iam::aws:policy/NoSuchPolicy")
	fmt.Println(ok)
	// Output:
	// true {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}
	// false
}

// Long-term and temporary access keys and unique IDs in IAM's formats.
func ExampleNewAccessKey() {
	id, secret := iam.NewAccessKey("ASIA")
	fmt.Println(id[:4], len(id), len(secret))
	uid := iam.NewUniqueID("AIDA")
	fmt.Println(uid[:4], len(uid))
	// Output:
	// ASIA 20 40
	// AIDA 21
}
