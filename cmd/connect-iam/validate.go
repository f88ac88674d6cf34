package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/connect-iam/connect-iam/validate"
)

func init() {
	register(command{
		name:    "validate",
		summary: "check IAM policies like IAM Access Analyzer, offline",
		run:     runValidate,
	})
}

const validateUsage = `Usage: connect-iam validate [flags] PATH...

Checks IAM policy documents with IAM Access Analyzer's checks (and
parliament's), offline. PATH is a policy file, a directory (its *.json files,
recursively; directories whose names start with "." are skipped), or "-" for
standard input.

Exit status: 0 when no finding reaches --fail-on, 1 when one does, 2 on
usage errors or unreadable input.

Flags:
`

// defaultValidateMaxBytes is the default of validate --max-bytes: 1 MiB,
// 20 times the largest policy quota AWS has.
const defaultValidateMaxBytes = 1 << 20

// readPolicyFile reads a policy file ("-" for stdin), refusing one larger
// than max bytes before reading it whole.
func readPolicyFile(name string, stdin io.Reader, max int64) ([]byte, error) {
	what := name
	var r io.Reader = stdin
	if name == "-" {
		what = "standard input"
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > max {
			return nil, fmt.Errorf("%s is %d bytes, larger than the limit of %d bytes for a policy; pass --max-bytes N to validate it anyway", name, fi.Size(), max)
		}
		r = f
	}
	src, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if int64(len(src)) > max {
		return nil, fmt.Errorf("%s is larger than the limit of %d bytes for a policy; pass --max-bytes N to validate it anyway", what, max)
	}
	return src, nil
}

func runValidate(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("validate", flag.ContinueOnError)
	fl.SetOutput(stderr)
	policyType := fl.String("policy-type", "identity", "policy type: identity, resource, trust, scp, rcp, session or boundary")
	resourceType := fl.String("resource-type", "", "for --policy-type resource: the resource the policy is attached to, such as AWS::S3::Bucket")
	format := fl.String("format", "text", "output format: text, json or sarif")
	failOn := fl.String("fail-on", "error", "exit 1 when a finding is at least this severe: error, security-warning, warning, suggestion or none")
	maxBytes := fl.Int64("max-bytes", defaultValidateMaxBytes, "refuse a policy file larger than this many `bytes` (every policy type's quota is far below the default)")
	legacySCP := fl.Bool("legacy-scp", false, "for --policy-type scp: apply the SCP grammar restrictions AWS lifted in 2025")
	fl.Usage = func() {
		fmt.Fprint(stderr, validateUsage)
		fl.PrintDefaults()
	}
	// Flags may come after paths too: parse, take one path, go on.
	var paths []string
	for {
		if err := fl.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return exitOK
			}
			return exitUsage
		}
		if fl.NArg() == 0 {
			break
		}
		paths = append(paths, fl.Arg(0))
		args = fl.Args()[1:]
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "connect-iam validate: "+format+"\n", a...)
		fmt.Fprintln(stderr, "Run 'connect-iam validate -h' for usage.")
		return exitUsage
	}
	pt, err := validate.ParsePolicyType(*policyType)
	if err != nil {
		return usageErr("--policy-type: %v", err)
	}
	threshold := 0
	if !strings.EqualFold(*failOn, "none") {
		t, ok := validate.ParseFindingType(*failOn)
		if !ok {
			return usageErr("--fail-on: unknown level %q: use error, security-warning, warning, suggestion or none", *failOn)
		}
		threshold = t.Rank()
	}
	switch *format {
	case "text", "json", "sarif":
	default:
		return usageErr("--format: unknown format %q: use text, json or sarif", *format)
	}
	if len(paths) == 0 {
		return usageErr("no PATH given: name policy files, directories, or - for standard input")
	}
	v, err := validate.New(validate.Options{PolicyType: pt, ResourceType: *resourceType, LegacySCPGrammar: *legacySCP})
	if err != nil {
		return usageErr("%v", err)
	}

	files, err := expandPaths(paths)
	if err != nil {
		fmt.Fprintf(stderr, "connect-iam validate: %v\n", err)
		return exitUsage
	}
	// Each file is read, validated and written before the next: memory
	// stays flat in the number of files.
	var out validate.FindingWriter
	switch *format {
	case "json":
		out = validate.NewJSONWriter(stdout)
	case "sarif":
		out = validate.NewSARIFWriter(stdout, version())
	default:
		out = validate.NewTextWriter(stdout)
	}
	counts := map[validate.FindingType]int{}
	failed := false
	for _, name := range files {
		src, err := readPolicyFile(name, stdin, *maxBytes)
		if err != nil {
			out.Close()
			fmt.Fprintf(stderr, "connect-iam validate: %v\n", err)
			return exitUsage
		}
		found := v.Validate(src)
		for _, f := range found {
			counts[f.FindingType]++
			failed = failed || threshold > 0 && f.FindingType.Rank() >= threshold
		}
		if err = out.Write(name, src, found); err != nil {
			break
		}
	}
	if err == nil {
		err = out.Close()
	}
	if err != nil {
		fmt.Fprintf(stderr, "connect-iam validate: writing output: %v\n", err)
		return exitUsage
	}
	if *format == "text" {
		fmt.Fprintln(stderr, summarize(counts, len(files)))
	}
	if failed {
		return exitFinding
	}
	return exitOK
}

// expandPaths turns the command's arguments into the files to validate:
// files as given, directories walked for *.json (skipping directories
// whose names start with "."), and "-" for standard input.
func expandPaths(args []string) ([]string, error) {
	var out []string
	for _, arg := range args {
		if arg == "-" {
			out = append(out, arg)
			continue
		}
		info, err := os.Stat(arg)
		if err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return nil, fmt.Errorf("%s: %w: give an existing policy file, a directory or - for standard input", arg, err)
		}
		if !info.IsDir() {
			out = append(out, arg)
			continue
		}
		var found []string
		err = filepath.WalkDir(arg, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if p != arg && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			if strings.EqualFold(filepath.Ext(p), ".json") {
				found = append(found, p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("%s: no *.json files in this directory", arg)
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	return out, nil
}

// summarize counts findings by type: "2 errors, 1 warning in 3 files".
func summarize(counts map[validate.FindingType]int, files int) string {
	var parts []string
	for _, t := range []struct {
		t    validate.FindingType
		name string
	}{{validate.Error, "error"}, {validate.SecurityWarning, "security warning"}, {validate.Warning, "warning"}, {validate.Suggestion, "suggestion"}} {
		if n := counts[t.t]; n > 0 {
			s := ""
			if n > 1 {
				s = "s"
			}
			parts = append(parts, fmt.Sprintf("%d %s%s", n, t.name, s))
		}
	}
	if len(parts) == 0 {
		parts = []string{"no findings"}
	}
	s := "s"
	if files == 1 {
		s = ""
	}
	return fmt.Sprintf("%s in %d file%s", strings.Join(parts, ", "), files, s)
}
