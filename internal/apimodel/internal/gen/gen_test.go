package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRun generates a model from a small botocore tree twice: the bytes
// are the same, the documentation is gone and the paginator attached.
func TestRun(t *testing.T) {
	demo := []service{{"demo", "demo"}}
	var outs [][]byte
	for range 2 {
		dir := t.TempDir()
		if err := run("testdata/botocore", dir, "0.0.1", demo, io.Discard); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, "demo.json.gz"))
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, b)
	}
	if !bytes.Equal(outs[0], outs[1]) {
		t.Fatal("two runs wrote different bytes; the output must be deterministic")
	}
	zr, err := gzip.NewReader(bytes.NewReader(outs[0]))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(zr)
	if strings.Contains(string(raw), "documentation") {
		t.Errorf("documentation kept: %s", raw)
	}
	var m struct {
		Source     string
		Operations map[string]struct {
			Paginator struct {
				ResultKey string `json:"result_key"`
			}
		}
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if m.Source != "botocore 0.0.1 data/demo/2020-01-01/service-2.json" || m.Operations["ListThings"].Paginator.ResultKey != "Things" {
		t.Errorf("model %s", raw)
	}
	if err := run("testdata/nowhere", t.TempDir(), "", demo, io.Discard); err == nil || !strings.Contains(err.Error(), "botocore package directory") {
		t.Errorf("missing botocore: error %v, want one naming the -botocore directory", err)
	}
}
