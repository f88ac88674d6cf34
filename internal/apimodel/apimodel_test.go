package apimodel

import (
	"bytes"
	"compress/gzip"
	"strings"
	"testing"
)

func TestModels(t *testing.T) {
	tests := []struct {
		name, protocol, signing string
		ops                     int
	}{
		{"connect", "rest-json", "connect", 370},
		{"appintegrations", "rest-json", "app-integrations", 23},
		{"wisdom", "rest-json", "wisdom", 41},
		{"qconnect", "rest-json", "wisdom", 94},
		{"connectcampaigns", "rest-json", "connect-campaigns", 22},
		{"connectcampaignsv2", "rest-json", "connect-campaigns", 37},
		{"customer-profiles", "rest-json", "profile", 106},
		{"iam", "query", "iam", 176},
		{"sts", "query", "sts", 11},
		{"organizations", "json", "organizations", 63},
		{"accessanalyzer", "rest-json", "access-analyzer", 39},
	}
	if got := len(Names()); got != len(tests) {
		t.Errorf("Names() = %v, want %d models", Names(), len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Load(tt.name)
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Operations) != tt.ops || m.Metadata.Protocol != tt.protocol || m.Metadata.Signing() != tt.signing {
				t.Errorf("%d operations, protocol %q, signing %q; want %d, %q, %q",
					len(m.Operations), m.Metadata.Protocol, m.Metadata.Signing(), tt.ops, tt.protocol, tt.signing)
			}
			if !strings.HasPrefix(m.Source, "botocore ") {
				t.Errorf("Source = %q, want the botocore file", m.Source)
			}
			for _, name := range m.OperationNames() {
				op := m.Operations[name]
				if tt.protocol == "rest-json" && (op.HTTP.Method == "" || !strings.HasPrefix(op.HTTP.RequestURI, "/")) {
					t.Errorf("%s: HTTP binding %+v", name, op.HTTP)
				}
				for _, s := range []*Ref{op.Input, op.Output} {
					if s != nil && m.Shape(s.Shape) == nil {
						t.Errorf("%s: shape %q missing", name, s.Shape)
					}
				}
				for _, e := range op.Errors {
					if _, ok := m.ErrorStatus(e.Shape); !ok {
						t.Errorf("%s: error %q is not an exception shape", name, e.Shape)
					}
				}
			}
		})
	}
}

func TestLookups(t *testing.T) {
	m := MustLoad("connect")
	op := m.Operations["DescribeQueue"]
	if op.HTTP.Method != "GET" || op.HTTP.Path() != "/queues/{InstanceId}/{QueueId}" {
		t.Errorf("DescribeQueue binding %+v", op.HTTP)
	}
	in := m.Input(op)
	if !in.IsRequired("QueueId") || in.Members["QueueId"].Location != "uri" {
		t.Errorf("DescribeQueue input %+v", in)
	}
	if s, ok := m.ErrorStatus("ResourceNotFoundException"); !ok || s != 404 {
		t.Errorf("ResourceNotFoundException status %d %v, want 404", s, ok)
	}
	if s, ok := m.ErrorStatus("DuplicateResourceException"); !ok || s != 409 {
		t.Errorf("DuplicateResourceException status %d %v, want 409", s, ok)
	}
	if _, ok := m.ErrorStatus("NoSuchThing"); ok {
		t.Error("ErrorStatus(NoSuchThing) found")
	}
	lp := m.Operations["ListQueues"].Paginator
	if in, out := lp.Tokens(); in != "NextToken" || out != "NextToken" || lp.Results()[0] != "QueueSummaryList" {
		t.Errorf("ListQueues paginator %+v", lp)
	}
	if _, err := Load("nosuch"); err == nil || !strings.Contains(err.Error(), "connect") {
		t.Errorf("Load(nosuch) error %v, want one listing the models", err)
	}
	if iam := MustLoad("iam"); iam.ErrorCode("NoSuchEntityException") != "NoSuchEntity" {
		t.Errorf("iam NoSuchEntityException code %q", iam.ErrorCode("NoSuchEntityException"))
	}
}

func BenchmarkLoadConnect(b *testing.B) {
	raw, _ := data.ReadFile("data/connect.json.gz")
	for b.Loop() {
		if _, err := Decode(strings.NewReader(string(raw))); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzDecode feeds arbitrary bytes to Decode: an error or a model, never
// a panic.
func FuzzDecode(f *testing.F) {
	// Small seeds: a whole model makes every exec decompress and decode
	// megabytes.
	for _, doc := range []string{`{"operations":{"A":{"http":{"method":"GET","requestUri":"/a"}}},"shapes":{"S":{"type":"string","min":1}}}`, `{}`, `[`} {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write([]byte(doc))
		zw.Close()
		f.Add(buf.Bytes())
	}
	f.Add([]byte("not gzip"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if m, err := Decode(strings.NewReader(string(b))); err == nil && len(m.Operations) == 0 {
			t.Error("Decode returned a model without operations")
		}
	})
}
