package main

import (
	"os"
	"strings"
	"testing"
)

func TestRender(t *testing.T) {
	f, err := os.Open("testdata/raw.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := parse(f)
	if err != nil {
		t.Fatal(err)
	}
	out := render(res, "Machine: test", "stat")
	for _, want := range []string{
		"Machine: test",
		// connect-iam's median of 100, 120, 300 is 120; cedar's of 1000 and 1200 is 1100.
		"| wildcards/1 | 120 ns · 0 B · 0 allocs | 1.10 µs · 424 B · 11 allocs | **9.17×** | n/a | | 480 ns · 0 B · 0 allocs | **4.00×** |",
		"| connect-admin/allow | 150 ns · 0 B · 0 allocs | n/a | | 15.0 µs · 5454 B · 110 allocs | **100×** | n/a | |",
		"Smallest ratio: 4.00× (MinIO on wildcards/1).",
		"wildcards 2.00×", // 240 over 120
		"| connect-admin/allow | 80 ns · 0 B · 0 allocs |",
		"| Startup | 8.36 ms · 921.3 µs first-decision |",
		"<details><summary>benchstat output</summary>",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestSplice(t *testing.T) {
	tests := []struct {
		name, doc, want string
		wantErr         bool
	}{
		{"replaces", "a\n" + beginMarker + "\nold\n" + endMarker + "\nb\n", "a\n" + beginMarker + "\nnew\n" + endMarker + "\nb\n", false},
		{"empty section", beginMarker + endMarker, beginMarker + "\nnew\n" + endMarker, false},
		{"no markers", "a\nb\n", "", true},
		{"markers reversed", endMarker + "\n" + beginMarker, "", true},
		{"other section only", "<!-- engine:begin -->\n<!-- engine:end -->", "", true},
	}
	for _, tt := range tests {
		got, err := splice([]byte(tt.doc), "bench", "new\n")
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: error %v, want error %v", tt.name, err, tt.wantErr)
			continue
		}
		if !tt.wantErr && string(got) != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestRenderEngine(t *testing.T) {
	raw := `BenchmarkDecide/statements=1-2   1000   300.0 ns/op   0 B/op   0 allocs/op
BenchmarkDecide/statements=1-2   1000   200.0 ns/op   0 B/op   0 allocs/op
BenchmarkDecide/statements=1-2   1000   250.0 ns/op   0 B/op   0 allocs/op
`
	res, err := parse(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	got := renderEngine(res, "")
	want := "| `BenchmarkDecide/statements=1` | 250 | 200–300 | 0 | 0 |"
	if !strings.Contains(got, want) {
		t.Errorf("renderEngine lacks %q:\n%s", want, got)
	}
}
