package validate

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestWriteText(t *testing.T) {
	src := []byte("{\n\t\"Version\": \"2012-10-17\",\n\t\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"conect:DescribeUser\", \"Resource\": \"*\"}]\n}\n")
	v, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	fs := v.Validate(src)
	for i := range fs {
		fs[i].File = "p.json"
	}
	var b bytes.Buffer
	if err := WriteText(&b, fs, map[string][]byte{"p.json": src}); err != nil {
		t.Fatal(err)
	}
	want := "p.json:3:46: ERROR INVALID_SERVICE_IN_ACTION: The service \"conect\" specified in the action \"conect:DescribeUser\" does not exist. Did you mean \"connect:DescribeUser\"?\n" +
		"    3 | \t\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"conect:DescribeUser\", \"Resource\": \"*\"}]\n" +
		"      | \t                                            ^~~~~~~~~~~~~~~~~~~~~\n"
	if got := b.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	// Without the source, only the diagnostic line.
	b.Reset()
	if err := WriteText(&b, fs, nil); err != nil {
		t.Fatal(err)
	}
	if strings.Count(b.String(), "\n") != 1 {
		t.Errorf("without sources, got:\n%s", b.String())
	}
}

func TestWriteJSONEmpty(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, nil); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(strings.Fields(b.String()), ""); got != `{"findings":[]}` {
		t.Errorf("got %s", got)
	}
}

func TestLocationPathString(t *testing.T) {
	p := path{}.val("Statement").idx(2).val("Condition").key("StringEquals")
	if got := (Location{Path: p}).PathString(); got != "Statement[2].Condition{StringEquals}" {
		t.Errorf("got %q", got)
	}
	if got := (Location{Path: path{}.val("Resource").sub(4, 3)}).PathString(); got != "Resource[4:7]" {
		t.Errorf("got %q", got)
	}
}

// TestStreamingWritersMatch checks that the streaming writers write what
// WriteText, WriteJSON and WriteSARIF write for the same findings.
func TestStreamingWritersMatch(t *testing.T) {
	v, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	files := []struct {
		name string
		src  []byte
	}{
		{"a.json", []byte(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "conect:DescribeUser", "Resource": "arn:aws:connect:region:account-id:instance/<id>"}]}`)},
		{"clean.json", []byte(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "connect:DescribeUser", "Resource": "*"}]}`)},
		{"b.json", []byte(`{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}`)},
	}
	for _, tc := range []struct {
		name   string
		stream func(*bytes.Buffer) FindingWriter
		whole  func(*bytes.Buffer, []Finding, map[string][]byte) error
		json   bool
	}{
		{"text", func(b *bytes.Buffer) FindingWriter { return NewTextWriter(b) }, func(b *bytes.Buffer, fs []Finding, src map[string][]byte) error { return WriteText(b, fs, src) }, false},
		{"json", func(b *bytes.Buffer) FindingWriter { return NewJSONWriter(b) }, func(b *bytes.Buffer, fs []Finding, _ map[string][]byte) error { return WriteJSON(b, fs) }, true},
		{"sarif", func(b *bytes.Buffer) FindingWriter { return NewSARIFWriter(b, "test") }, func(b *bytes.Buffer, fs []Finding, _ map[string][]byte) error { return WriteSARIF(b, fs, "test") }, true},
	} {
		for _, n := range []int{0, len(files)} {
			var streamed, whole bytes.Buffer
			w := tc.stream(&streamed)
			var all []Finding
			sources := map[string][]byte{}
			for _, f := range files[:n] {
				fs := v.Validate(f.src)
				if err := w.Write(f.name, f.src, fs); err != nil {
					t.Fatal(err)
				}
				all = append(all, fs...)
				sources[f.name] = f.src
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if err := tc.whole(&whole, all, sources); err != nil {
				t.Fatal(err)
			}
			if !tc.json {
				if streamed.String() != whole.String() {
					t.Errorf("%s, %d files: streamed\n%s\nwhole\n%s", tc.name, n, streamed.String(), whole.String())
				}
				continue
			}
			var a, b any
			if err := json.Unmarshal(streamed.Bytes(), &a); err != nil {
				t.Fatalf("%s, %d files: streamed output is not JSON: %v\n%s", tc.name, n, err, streamed.String())
			}
			if err := json.Unmarshal(whole.Bytes(), &b); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(a, b) {
				t.Errorf("%s, %d files: streamed\n%s\nwhole\n%s", tc.name, n, streamed.String(), whole.String())
			}
		}
	}
}
