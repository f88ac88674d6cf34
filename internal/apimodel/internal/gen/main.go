// Command gen writes the API models that package apimodel embeds, from
// botocore's service models (the JSON models the AWS SDKs are generated
// from). For each service it reads data/SERVICE/VERSION/service-2.json(.gz)
// and paginators-1.json, drops the documentation, attaches each
// operation's paginator, and writes data/NAME.json.gz: deterministic JSON
// (sorted keys) in a gzip stream without a timestamp, so the same botocore
// gives the same bytes.
//
// Usage (scripts/update-apimodels.sh finds botocore for you):
//
//	go run ./internal/apimodel/internal/gen -botocore DIR -o internal/apimodel/data
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// service is one model to generate: its file name under data/ and
// botocore's service directory.
type service struct{ name, dir string }

// services are the models generated.
var services = []service{
	{"connect", "connect"},
	{"appintegrations", "appintegrations"},
	{"wisdom", "wisdom"},
	{"qconnect", "qconnect"},
	{"connectcampaigns", "connectcampaigns"},
	{"connectcampaignsv2", "connectcampaignsv2"},
	{"customer-profiles", "customer-profiles"},
	{"iam", "iam"},
	{"sts", "sts"},
	{"organizations", "organizations"},
	{"accessanalyzer", "accessanalyzer"},
}

// dropped are the keys removed at every level: prose and SDK hints the
// server does not use.
var dropped = map[string]bool{
	"documentation": true, "documentationUrl": true, "deprecatedMessage": true,
	"deprecatedSince": true, "examples": true, "box": true,
}

func main() {
	botocore := flag.String("botocore", "", "botocore package directory (holds data/)")
	out := flag.String("o", "internal/apimodel/data", "output directory")
	version := flag.String("version", "", "botocore version, recorded in each model's source")
	flag.Parse()
	if *botocore == "" {
		fmt.Fprintln(os.Stderr, "gen: -botocore DIR is required (the botocore package directory; scripts/update-apimodels.sh finds it)")
		os.Exit(2)
	}
	if err := run(*botocore, *out, *version, services, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(botocore, out, version string, services []service, log io.Writer) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for _, s := range services {
		dir, err := latest(filepath.Join(botocore, "data", s.dir))
		if err != nil {
			return err
		}
		model, err := readJSON(filepath.Join(dir, "service-2.json"))
		if err != nil {
			return err
		}
		pag, err := readJSON(filepath.Join(dir, "paginators-1.json"))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		m := model.(map[string]any)
		strip(m)
		ops, _ := m["operations"].(map[string]any)
		if p, ok := pag.(map[string]any); ok {
			pags, _ := p["pagination"].(map[string]any)
			for name, v := range pags {
				if op, ok := ops[name].(map[string]any); ok {
					op["paginator"] = v
				}
			}
		}
		rel, _ := filepath.Rel(botocore, filepath.Join(dir, "service-2.json"))
		src := "botocore"
		if version != "" {
			src += " " + version
		}
		m["source"] = src + " " + filepath.ToSlash(rel)
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		enc := json.NewEncoder(zw)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(m); err != nil {
			return err
		}
		if err := zw.Close(); err != nil {
			return err
		}
		path := filepath.Join(out, s.name+".json.gz")
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(log, "%s: %d operations, %d shapes, %d bytes (%s)\n", path, len(ops), len(m["shapes"].(map[string]any)), buf.Len(), rel)
	}
	return nil
}

// latest returns the newest API version directory of a service.
func latest(dir string) (string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", fmt.Errorf("%w (is -botocore the botocore package directory?)", err)
	}
	var versions []string
	for _, e := range entries {
		if e.IsDir() {
			versions = append(versions, e.Name())
		}
	}
	if len(versions) == 0 {
		return "", fmt.Errorf("%s holds no API version directory", dir)
	}
	sort.Strings(versions)
	return filepath.Join(dir, versions[len(versions)-1]), nil
}

// readJSON reads path or path.gz.
func readJSON(path string) (any, error) {
	f, err := os.Open(path)
	gz := false
	if errors.Is(err, os.ErrNotExist) {
		f, err = os.Open(path + ".gz")
		gz = true
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if gz || strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name(), err)
		}
		r = zr
	}
	var v any
	dec := json.NewDecoder(r)
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name(), err)
	}
	return v, nil
}

// strip removes the dropped keys everywhere in v.
func strip(v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if dropped[k] {
				delete(x, k)
				continue
			}
			strip(e)
		}
	case []any:
		for _, e := range x {
			strip(e)
		}
	}
}
