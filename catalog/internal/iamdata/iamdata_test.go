package iamdata

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

const mini = "../../testdata/mini"

func TestReadDir(t *testing.T) {
	d, err := ReadDir(mini)
	if err != nil {
		t.Fatal(err)
	}
	if d.Version != "0.0.1-test" || len(d.Services) != 2 || d.Services[0].Prefix != "demo" || d.Services[0].Name != "Demo Service" {
		t.Fatalf("ReadDir = version %q, %d services", d.Version, len(d.Services))
	}
	demo := d.Services[0]
	var names []string
	for _, a := range demo.Actions {
		names = append(names, a.Name)
	}
	if got := strings.Join(names, ","); got != "CreateWidget,DescribeWidget,ListWidgets,TagResource" {
		t.Errorf("actions = %s, want them sorted by name", got)
	}
	if got := ARNServices(demo); !reflect.DeepEqual(got, []string{"demo", "helper"}) {
		t.Errorf("ARNServices(demo) = %v", got)
	}
	if got := d.Unassociated["tokens.example.com/${Org}"]; !reflect.DeepEqual(got, []string{"helper"}) {
		t.Errorf("Unassociated = %v", d.Unassociated)
	}
}

// TestRoundTrip encodes the fixture, decodes every service and compares
// with what ReadDir read.
func TestRoundTrip(t *testing.T) {
	d, err := ReadDir(mini)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Encode(d)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := OpenIndex(b)
	if err != nil {
		t.Fatal(err)
	}
	if ix.Version != d.Version || ix.UpdatedAt != d.UpdatedAt || !reflect.DeepEqual(ix.Unassociated, d.Unassociated) {
		t.Errorf("index header = %q %q %v", ix.Version, ix.UpdatedAt, ix.Unassociated)
	}
	if len(ix.Services) != len(d.Services) {
		t.Fatalf("%d services in the index, want %d", len(ix.Services), len(d.Services))
	}
	for i, want := range d.Services {
		got, err := ix.Service(i)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("service %s after the round trip:\n got %+v\nwant %+v", want.Prefix, got, want)
		}
	}
}

// TestEncodeDeterministic is the generator's promise: the same data gives
// the same bytes.
func TestEncodeDeterministic(t *testing.T) {
	var outs [][]byte
	for range 3 {
		d, err := ReadDir(mini)
		if err != nil {
			t.Fatal(err)
		}
		b, err := Encode(d)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, b)
	}
	for i := 1; i < len(outs); i++ {
		if !bytes.Equal(outs[0], outs[i]) {
			t.Fatal("Encode gave different bytes for the same data")
		}
	}
}

func TestLineCol(t *testing.T) {
	b := []byte("ab\ncd\n\nef")
	tests := []struct {
		off       int64
		line, col int
	}{{0, 1, 1}, {1, 1, 2}, {3, 2, 1}, {4, 2, 2}, {7, 4, 1}, {100, 4, 3}, {-1, 1, 1}}
	for _, tt := range tests {
		if l, c := lineCol(b, tt.off); l != tt.line || c != tt.col {
			t.Errorf("lineCol(%d) = %d:%d, want %d:%d", tt.off, l, c, tt.line, tt.col)
		}
	}
}

// FuzzDecode feeds damaged catalog files to the decoder: it must return an
// error or a catalog, never panic or allocate without bound.
func FuzzDecode(f *testing.F) {
	d, err := ReadDir(mini)
	if err != nil {
		f.Fatal(err)
	}
	b, err := Encode(d)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(Magic))
	f.Add(b[:len(b)/2])
	f.Fuzz(func(t *testing.T, b []byte) {
		ix, err := OpenIndex(b)
		if err != nil {
			return
		}
		for i := range ix.Services {
			_, _ = ix.Service(i)
		}
	})
}
