package validate

import (
	"bytes"
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
