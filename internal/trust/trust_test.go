package trust

import (
	"context"
	"errors"
	"testing"

	"github.com/connect-iam/connect-iam/store"
	"github.com/connect-iam/connect-iam/store/sqlite"
)

const acct = "111122223333"

func openStore(t *testing.T) store.Store {
	t.Helper()
	st, err := sqlite.OpenMemory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	err = st.Update(context.Background(), func(tx store.Tx) error {
		if err := tx.CreateAccount(store.Account{ID: acct}); err != nil {
			return err
		}
		if err := tx.CreateUser(store.User{AccountID: acct, ID: "AIDAOLDTRUSTEDUSER01", Path: "/", Name: "trusted", ARN: "arn:aws:iam::" + acct + ":user/trusted"}); err != nil {
			return err
		}
		return tx.CreateRole(store.Role{AccountID: acct, ID: "AROAOLDDEPLOYROLE001", Path: "/ci/", Name: "deploy", ARN: "arn:aws:iam::" + acct + ":role/ci/deploy",
			AssumeRolePolicyDocument: `{"Version":"2012-10-17","Statement":[]}`})
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestBind(t *testing.T) {
	st := openStore(t)
	tests := []struct {
		name    string
		doc     string
		want    Binding
		invalid string // the ARN an InvalidPrincipalError names
	}{
		{name: "user and role", doc: `{"Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:user/trusted","arn:aws:iam::111122223333:role/ci/deploy"]},"Action":"sts:AssumeRole"}]}`,
			want: Binding{"arn:aws:iam::111122223333:user/trusted": "AIDAOLDTRUSTEDUSER01", "arn:aws:iam::111122223333:role/ci/deploy": "AROAOLDDEPLOYROLE001"}},
		{name: "NotPrincipal too", doc: `{"Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/trusted"},"Action":"*"}]}`,
			want: Binding{"arn:aws:iam::111122223333:user/trusted": "AIDAOLDTRUSTEDUSER01"}},
		{name: "root, account, service and other accounts are not bound",
			doc:  `{"Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","111122223333","arn:aws:iam::444455556666:user/x"],"Service":"connect.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
			want: Binding{}},
		{name: "missing user", doc: `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/nobody"},"Action":"sts:AssumeRole"}]}`,
			invalid: "arn:aws:iam::111122223333:user/nobody"},
		{name: "role under another path", doc: `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/deploy"},"Action":"sts:AssumeRole"}]}`,
			invalid: "arn:aws:iam::111122223333:role/deploy"},
		{name: "unparsable", doc: `{`, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := st.View(context.Background(), func(tx store.ReadTx) error {
				b, err := Bind(tx, tt.doc)
				var ip *InvalidPrincipalError
				if tt.invalid != "" {
					if !errors.As(err, &ip) || ip.ARN != tt.invalid {
						t.Fatalf("Bind = %v, %v; want InvalidPrincipalError for %s", b, err, tt.invalid)
					}
					return nil
				}
				if err != nil {
					t.Fatal(err)
				}
				if len(b) != len(tt.want) {
					t.Fatalf("Bind = %v, want %v", b, tt.want)
				}
				for k, v := range tt.want {
					if b[k] != v {
						t.Errorf("Bind[%s] = %q, want %q", k, b[k], v)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestEffective saves a binding, deletes and recreates the user it names,
// and checks the document shows the old unique ID at exactly the bound
// principal's place, leaving every other byte as written.
func TestEffective(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	doc := "{\n  \"Statement\": [{\"Effect\": \"Allow\",\n    \"Principal\": {\"AWS\": [\"arn:aws:iam::111122223333:user/trusted\", \"arn:aws:iam::111122223333:role/ci/deploy\"]},\n" +
		"    \"Action\": \"sts:AssumeRole\",\n    \"Condition\": {\"StringEquals\": {\"aws:PrincipalArn\": \"arn:aws:iam::111122223333:user/trusted\"}}}]\n}"
	gate := store.Role{AccountID: acct, ID: "AROAGATEROLE00000001", Path: "/", Name: "gate", ARN: "arn:aws:iam::" + acct + ":role/gate", AssumeRolePolicyDocument: doc}
	err := st.Update(ctx, func(tx store.Tx) error {
		b, err := Bind(tx, doc)
		if err != nil {
			return err
		}
		if err := tx.CreateRole(gate); err != nil {
			return err
		}
		return Save(tx, gate, b)
	})
	if err != nil {
		t.Fatal(err)
	}
	effective := func() string {
		t.Helper()
		var got string
		if err := st.View(ctx, func(tx store.ReadTx) (err error) { got, err = Effective(tx, gate); return err }); err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := effective(); got != doc {
		t.Errorf("Effective with every principal in place changed the document:\n%s", got)
	}
	err = st.Update(ctx, func(tx store.Tx) error {
		if err := tx.DeleteUser(acct, "trusted"); err != nil {
			return err
		}
		return tx.CreateUser(store.User{AccountID: acct, ID: "AIDANEWTRUSTEDUSER01", Path: "/", Name: "trusted", ARN: "arn:aws:iam::" + acct + ":user/trusted"})
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"Statement\": [{\"Effect\": \"Allow\",\n    \"Principal\": {\"AWS\": [\"AIDAOLDTRUSTEDUSER01\", \"arn:aws:iam::111122223333:role/ci/deploy\"]},\n" +
		"    \"Action\": \"sts:AssumeRole\",\n    \"Condition\": {\"StringEquals\": {\"aws:PrincipalArn\": \"arn:aws:iam::111122223333:user/trusted\"}}}]\n}"
	if got := effective(); got != want {
		t.Errorf("Effective after the user was recreated:\n got %s\nwant %s", got, want)
	}
	// Deleting the role's binding (the role is deleted) leaves nothing behind.
	err = st.Update(ctx, func(tx store.Tx) error { return Delete(tx, gate) })
	if err != nil {
		t.Fatal(err)
	}
	if got := effective(); got != doc {
		t.Errorf("Effective without a binding = %s, want the document as written", got)
	}
}
