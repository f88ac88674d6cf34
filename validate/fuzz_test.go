package validate

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// fuzzValidators builds the validators FuzzValidate runs, once per
// process and only when the first input arrives, so that a fuzz worker
// spends its time on inputs. (The catalog index behind them is shared by
// every validator.)
var fuzzValidators = sync.OnceValues(func() ([]*Validator, error) {
	types := []PolicyType{IdentityPolicy, ResourcePolicy, RoleTrustPolicy, ServiceControlPolicy, ResourceControlPolicy}
	validators := make([]*Validator, len(types))
	for i, t := range types {
		v, err := New(Options{PolicyType: t, LegacySCPGrammar: true})
		if err != nil {
			return nil, err
		}
		validators[i] = v
	}
	return validators, nil
})

// FuzzValidate checks that no input makes the validator panic, and that
// every finding has a registered code and a position inside the input,
// for the five policy types (one per input, by its length).
func FuzzValidate(f *testing.F) {
	files, _ := filepath.Glob("testdata/seeds/*.json")
	for _, file := range files {
		if src, err := os.ReadFile(file); err == nil {
			f.Add(src)
		}
	}
	for _, tc := range []string{
		`{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotAction":"s3:*","NotResource":"*","Condition":{"ForAllValues:StringLike":{"aws:TagKeys":["a*"]}}}}`,
		`{"Statement":[{"Effect":"Allow","Principal":{"AWS":["AROAEXAMPLEEXAMPLE123"],"Federated":"x"},"Action":"sts:AssumeRole*","Resource":"arn:aws:iam::*:role/${aws:username"}]}`,
		`"Sid": "x", "Effect": "Allow" }, {`,
	} {
		f.Add([]byte(tc))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		validators, err := fuzzValidators()
		if err != nil {
			t.Fatal(err)
		}
		// One policy type per input, chosen by its length, so that each
		// execution costs one validation: the fuzzer reaches every type
		// by growing or shrinking an input.
		v := validators[len(src)%len(validators)]
		for _, fd := range v.Validate(src) {
			if RuleFor(fd.IssueCode) == nil {
				t.Errorf("unregistered issue code %s", fd.IssueCode)
			}
			for _, l := range fd.Locations {
				if l.Span.Start.Offset < 0 || l.Span.Start.Offset > len(src) {
					t.Errorf("%s: offset %d outside the input (%d bytes)", fd.IssueCode, l.Span.Start.Offset, len(src))
				}
			}
		}
	})
}
