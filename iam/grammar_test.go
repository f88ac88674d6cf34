package iam

import (
	"encoding/json"
	"os"
	"testing"
)

// TestGrammar is the table of IAM's own acceptance rules: documents IAM
// accepts and rejects, with its MalformedPolicyDocument messages.
func TestGrammar(t *testing.T) {
	b, err := os.ReadFile("testdata/grammar.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Name string          `json:"name"`
		Kind string          `json:"kind"`
		Doc  json.RawMessage `json:"doc"`
		Raw  string          `json:"raw"`
		Want string          `json:"want"`
	}
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]docKind{"managed": managedDoc, "inline": inlineDoc, "trust": trustDoc}
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			kind, ok := kinds[tc.Kind]
			if !ok {
				t.Fatalf("unknown kind %q", tc.Kind)
			}
			doc := tc.Raw
			if doc == "" {
				doc = string(tc.Doc)
			}
			if got := checkGrammar(kind, doc); got != tc.Want {
				t.Errorf("checkGrammar = %q, want %q", got, tc.Want)
			}
		})
	}
}

func FuzzGrammar(f *testing.F) {
	f.Add(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`)
	f.Add(`{"Statement":[{"Effect":"Deny","NotAction":["a:b"],"NotResource":"arn:aws:s3:::x","Condition":{"Bool":{"k":true}}}]}`)
	f.Add(`[`)
	f.Fuzz(func(t *testing.T, doc string) {
		for _, k := range []docKind{managedDoc, inlineDoc, trustDoc} {
			checkGrammar(k, doc) // must not panic
		}
	})
}
