package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/connect-iam/connect-iam/check"
)

func init() {
	register(command{
		name:    "check",
		summary: "Access Analyzer's custom policy checks (no new access, access not granted, no public access), offline, with a counterexample",
		run:     runCheck,
	})
}

const checkUsage = `Usage:
  connect-iam check no-new-access --existing OLD.json [flags] NEW.json
  connect-iam check access-not-granted --action A [--action B] [--resource ARN] [flags] POLICY.json
  connect-iam check no-public-access --resource-type AWS::S3::Bucket [flags] POLICY.json

Answers IAM Access Analyzer's custom policy checks offline, exactly: PASS,
or FAIL with the statements that cause it and, for each, a request the
policy allows that shows it (as connect-iam simulate input with
--format json or --counterexample FILE). POLICY may be "-" for standard
input.

Exit status: 0 PASS, 1 FAIL, 2 usage errors or unreadable or invalid policies.

Flags:
`

type multiFlag []string

func (m *multiFlag) String() string     { return fmt.Sprint(*m) }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func runCheck(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	usage := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "connect-iam check: "+format+"\n", a...)
		fmt.Fprintln(stderr, "Run 'connect-iam check -h' for usage.")
		return exitUsage
	}
	if len(args) == 0 {
		return usage("name a check: no-new-access, access-not-granted or no-public-access")
	}
	sub := args[0]
	if sub == "-h" || sub == "-help" || sub == "--help" {
		fmt.Fprint(stderr, checkUsage)
		return exitOK
	}
	switch sub {
	case "no-new-access", "access-not-granted", "no-public-access":
	default:
		return usage("unknown check %q: use no-new-access, access-not-granted or no-public-access", sub)
	}
	fl := flag.NewFlagSet("check "+sub, flag.ContinueOnError)
	fl.SetOutput(stderr)
	existing := fl.String("existing", "", "no-new-access: the reference (existing) policy file")
	policyType := fl.String("policy-type", "identity", "no-new-access, access-not-granted: identity or resource")
	var actions, resources multiFlag
	fl.Var(&actions, "action", "access-not-granted: an action (repeatable)")
	fl.Var(&resources, "resource", "access-not-granted: a resource ARN, wildcards allowed (repeatable)")
	resourceType := fl.String("resource-type", "", "no-public-access: the resource type, such as AWS::S3::Bucket")
	format := fl.String("format", "text", "output format: text, json or sarif")
	cxFile := fl.String("counterexample", "", "on FAIL, write the first counterexample as connect-iam simulate input to this file")
	fl.Usage = func() {
		fmt.Fprint(stderr, checkUsage)
		fl.PrintDefaults()
	}
	var paths []string
	rest := args[1:]
	for {
		if err := fl.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return exitOK
			}
			return exitUsage
		}
		if fl.NArg() == 0 {
			break
		}
		paths = append(paths, fl.Arg(0))
		rest = fl.Args()[1:]
	}
	switch *format {
	case "text", "json", "sarif":
	default:
		return usage("--format: unknown format %q: use text, json or sarif", *format)
	}
	if len(paths) != 1 {
		return usage("give exactly one policy file (or - for standard input); got %d", len(paths))
	}
	read := func(name string) ([]byte, error) {
		if name == "-" {
			return io.ReadAll(stdin)
		}
		return os.ReadFile(name)
	}
	doc, err := read(paths[0])
	if err != nil {
		return usage("%v", err)
	}
	pt, err := check.ParsePolicyType(*policyType)
	if err != nil {
		return usage("--policy-type: %v", err)
	}
	var res *check.Result
	var rule string
	switch sub {
	case "no-new-access":
		if *existing == "" {
			return usage("no-new-access needs --existing OLD.json, the reference policy")
		}
		old, err := read(*existing)
		if err != nil {
			return usage("%v", err)
		}
		rule = "CheckNoNewAccess"
		res, err = check.NoNewAccess(old, doc, pt, nil)
		if err != nil {
			return usage("%v", err)
		}
	case "access-not-granted":
		if len(actions) == 0 && len(resources) == 0 {
			return usage("access-not-granted needs --action or --resource (each repeatable)")
		}
		rule = "CheckAccessNotGranted"
		res, err = check.AccessNotGranted(doc, check.Access{Actions: actions, Resources: resources}, pt, nil)
		if err != nil {
			return usage("%v", err)
		}
	case "no-public-access":
		if *resourceType == "" {
			return usage("no-public-access needs --resource-type, such as AWS::S3::Bucket")
		}
		rule = "CheckNoPublicAccess"
		res, err = check.NoPublicAccess(doc, *resourceType, nil)
		if err != nil {
			return usage("%v", err)
		}
	}
	switch *format {
	case "json":
		err = res.WriteJSON(stdout)
	case "sarif":
		err = res.WriteSARIF(stdout, paths[0], rule, version())
	default:
		err = res.WriteText(stdout, paths[0])
	}
	if err != nil {
		fmt.Fprintf(stderr, "connect-iam check: writing output: %v\n", err)
		return exitUsage
	}
	if *cxFile != "" && res.Result == check.Fail {
		for _, r := range res.Reasons {
			if r.Counterexample != nil {
				if err := os.WriteFile(*cxFile, append(r.Counterexample.NewInput, '\n'), 0o644); err != nil {
					fmt.Fprintf(stderr, "connect-iam check: %v\n", err)
					return exitUsage
				}
				break
			}
		}
	}
	if res.Result == check.Fail {
		return exitFinding
	}
	return exitOK
}
