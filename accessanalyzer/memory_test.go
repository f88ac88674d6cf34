package accessanalyzer_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/connect-iam/connect-iam/accessanalyzer"
	"github.com/connect-iam/connect-iam/validate"
)

// bigPolicy returns an identity policy of about n bytes: many statements,
// each with actions, resources and a condition, as a worst case that is
// still valid JSON.
func bigPolicy(n int) string {
	var b strings.Builder
	b.WriteString(`{"Version":"2012-10-17","Statement":[`)
	for i := 0; b.Len() < n-400; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"Sid":"S%d","Effect":"Allow","Action":["connect:Describe*","iam:GetUser","s3:GetObject"],`+
			`"Resource":["arn:aws:s3:::bucket-%d/*","arn:aws:iam::111122223333:user/u%d"],`+
			`"Condition":{"StringEquals":{"aws:PrincipalTag/team":["t%d","x"]}}}`, i, i, i, i)
	}
	b.WriteString(`]}`)
	return b.String()
}

// maxBytesPerInputByte bounds what validating a document may allocate,
// per byte of the document, so that MaxDocumentBytes times the
// concurrency limit bounds ValidatePolicy's memory. The worst shape
// measured (one-byte actions, each reported) allocates about 910 bytes
// per input byte, mostly findings; the others stay under 400.
const maxBytesPerInputByte = 1200

// TestValidateAllocationBound validates a document of MaxDocumentBytes and
// checks the bytes allocated per input byte against the bound.
func TestValidateAllocationBound(t *testing.T) {
	// A resource policy of no particular type has no quota: the largest
	// documents ValidatePolicy parses.
	v, err := validate.New(validate.Options{PolicyType: validate.ResourcePolicy})
	if err != nil {
		t.Fatal(err)
	}
	for _, shape := range []struct {
		name string
		doc  []byte
	}{
		{"statements", []byte(bigPolicy(accessanalyzer.MaxDocumentBytes))},
		{"tiny array elements", []byte(tinyElements(accessanalyzer.MaxDocumentBytes))},
		{"unknown keys", []byte(unknownKeys(accessanalyzer.MaxDocumentBytes))},
	} {
		t.Run(shape.name, func(t *testing.T) { allocationBound(t, v, shape.doc) })
	}
}

// tinyElements is one statement whose Action holds one-byte strings.
func tinyElements(n int) string {
	var b strings.Builder
	b.WriteString(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*","Action":["a"`)
	for b.Len() < n-10 {
		b.WriteString(`,"a"`)
	}
	b.WriteString(`]}]}`)
	return b.String()
}

// unknownKeys is a statement with many short, unknown keys.
func unknownKeys(n int) string {
	var b strings.Builder
	b.WriteString(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*","Action":"s3:*"`)
	for i := 0; b.Len() < n-10; i++ {
		fmt.Fprintf(&b, `,"k%d":1`, i)
	}
	b.WriteString(`}]}`)
	return b.String()
}

func allocationBound(t *testing.T, v *validate.Validator, doc []byte) {
	v.Validate(doc) // build the catalog's lazily decoded tables first
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	v.Validate(doc)
	runtime.ReadMemStats(&after)
	per := float64(after.TotalAlloc-before.TotalAlloc) / float64(len(doc))
	t.Logf("validating %d bytes allocated %.0f bytes per input byte", len(doc), per)
	if per > maxBytesPerInputByte {
		t.Errorf("validating %d bytes allocated %.0f bytes per input byte, over the bound of %d", len(doc), per, maxBytesPerInputByte)
	}
}
