package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/connect-iam/connect-iam/catalog"
)

func init() {
	register(command{
		name:    "describe",
		summary: "describe an action, service, resource ARN or condition key",
		run:     runDescribe,
	})
}

const describeUsage = `Usage: connect-iam describe [--format text|json] [--catalog-dir DIR] NAME...

Describes each NAME from the service authorization catalog:

  an action          connect:CreateUser (any case)
  a service prefix   connect
  a resource ARN     arn:aws:connect:us-east-1:111122223333:instance/i-1/queue/q-1
  a condition key    connect:InstanceId, aws:RequestTag/Owner

With --format json the output is a JSON array with one object per NAME.

Exit status: 0 if every NAME was found, 1 if one was not (with suggestions
on stderr), 2 for usage errors.`

// The JSON shapes of "describe --format json". Each object has a "kind":
// "action", "service", "resource" or "conditionKey".
type (
	describeKeyJSON struct {
		Name        string `json:"name"`
		Type        string `json:"type"`
		Multivalued bool   `json:"multivalued"`
		Global      bool   `json:"global,omitempty"`
		Description string `json:"description,omitempty"`
	}
	describeResourceTypeJSON struct {
		Service       string   `json:"service"`
		Name          string   `json:"name"`
		ARN           string   `json:"arn"`
		ConditionKeys []string `json:"conditionKeys"`
	}
	describeActionResourceJSON struct {
		Name             string   `json:"name"`
		Required         bool     `json:"required"`
		ARN              string   `json:"arn"`
		ConditionKeys    []string `json:"conditionKeys"`
		DependentActions []string `json:"dependentActions"`
	}
	describeActionJSON struct {
		Kind             string                       `json:"kind"`
		Action           string                       `json:"action"`
		Service          string                       `json:"service"`
		Description      string                       `json:"description"`
		AccessLevel      string                       `json:"accessLevel"`
		ResourceLevel    bool                         `json:"resourceLevel"`
		ResourceTypes    []describeActionResourceJSON `json:"resourceTypes"`
		ConditionKeys    []describeKeyJSON            `json:"conditionKeys"`
		DependentActions []string                     `json:"dependentActions"`
	}
	describeServiceJSON struct {
		Kind                string                     `json:"kind"`
		Prefix              string                     `json:"prefix"`
		Name                string                     `json:"name"`
		Actions             int                        `json:"actions"`
		AccessLevels        map[string]int             `json:"accessLevels"`
		WithoutResourceARNs []string                   `json:"actionsWithoutResourceLevelPermissions"`
		ResourceTypes       []describeResourceTypeJSON `json:"resourceTypes"`
		ConditionKeys       []describeKeyJSON          `json:"conditionKeys"`
	}
	describeResourceJSON struct {
		Kind          string                      `json:"kind"`
		ARN           string                      `json:"arn"`
		ResourceTypes []describeResourceMatchJSON `json:"resourceTypes"`
	}
	describeResourceMatchJSON struct {
		describeResourceTypeJSON
		Actions []string `json:"actions"`
	}
	describeConditionKeyJSON struct {
		Kind  string `json:"kind"`
		Query string `json:"query"`
		describeKeyJSON
		Actions []string `json:"actions,omitempty"`
	}
)

func runDescribe(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	var f catFlags
	fs := catFlagSet("describe", describeUsage, stderr, &f)
	names, err := catParse(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		return exitUsage
	}
	if len(names) == 0 {
		fmt.Fprintln(stderr, "connect-iam describe: nothing to describe (for example: connect-iam describe connect:CreateUser)")
		return exitUsage
	}
	c, ok := catOpen("describe", &f, stderr)
	if !ok {
		return exitUsage
	}

	status := exitOK
	var results []any
	printed := 0
	for _, name := range names {
		r := describeOne(c, name)
		if r == nil {
			fmt.Fprintf(stderr, "connect-iam describe: %s\n", describeNotFound(c, name))
			catSuggest(stderr, c, name)
			status = exitFinding
			continue
		}
		if f.format == "json" {
			results = append(results, r)
			continue
		}
		if printed > 0 {
			fmt.Fprintln(stdout)
		}
		describeText(stdout, c, r)
		printed++
	}
	if f.format == "json" {
		if results == nil {
			results = []any{}
		}
		if err := catJSON(stdout, results); err != nil {
			fmt.Fprintf(stderr, "connect-iam describe: %v\n", err)
			return exitUsage
		}
	}
	return status
}

// describeNotFound says what kind of thing name was taken for and that it
// is not in the catalog.
func describeNotFound(c *catalog.Catalog, name string) string {
	switch {
	case strings.HasPrefix(name, "arn:"):
		return fmt.Sprintf("%q matches no resource type's ARN format (catalog %s)", name, c.Version())
	case strings.ContainsAny(name, "*?"):
		return fmt.Sprintf("%q has wildcards; describe takes one name (use connect-iam actions %q to expand it)", name, name)
	case strings.Contains(name, ":"):
		prefix, _, _ := strings.Cut(name, ":")
		if _, ok := c.ServiceName(prefix); !ok && !strings.EqualFold(prefix, "aws") {
			return fmt.Sprintf("%q: there is no service with prefix %q (catalog %s)", name, prefix, c.Version())
		}
		return fmt.Sprintf("%q is neither an action nor a condition key of %s (catalog %s)", name, prefix, c.Version())
	default:
		return fmt.Sprintf("%q is not a service prefix (catalog %s)", name, c.Version())
	}
}

func describeKey(k *catalog.ConditionKey) describeKeyJSON {
	return describeKeyJSON{Name: k.Name, Type: k.Type.String(), Multivalued: k.Type.IsMulti(), Global: k.Global, Description: k.Description}
}

func describeKeyNames(ks []*catalog.ConditionKey) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = k.Name
	}
	return out
}

func describeRT(rt *catalog.ResourceType) describeResourceTypeJSON {
	return describeResourceTypeJSON{Service: rt.Service.Prefix, Name: rt.Name, ARN: rt.ARN, ConditionKeys: describeKeyNames(rt.ConditionKeys)}
}

func describeActionNames(as []*catalog.Action) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.FullName()
	}
	return out
}

func describeOrEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// describeOne looks name up and returns one of the describe*JSON values,
// or nil if the catalog does not know it.
func describeOne(c *catalog.Catalog, name string) any {
	if strings.HasPrefix(name, "arn:") {
		rts := c.ClassifyARN(name)
		if len(rts) == 0 {
			return nil
		}
		r := describeResourceJSON{Kind: "resource", ARN: name}
		for _, rt := range rts {
			r.ResourceTypes = append(r.ResourceTypes, describeResourceMatchJSON{
				describeResourceTypeJSON: describeRT(rt),
				Actions:                  describeOrEmpty(describeActionNames(rt.Service.ActionsOn(rt))),
			})
		}
		return r
	}
	if !strings.Contains(name, ":") {
		s, ok := c.Service(name)
		if !ok {
			return nil
		}
		r := describeServiceJSON{Kind: "service", Prefix: s.Prefix, Name: s.Name, Actions: len(s.Actions), AccessLevels: map[string]int{}}
		for _, a := range s.Actions {
			r.AccessLevels[string(a.AccessLevel)]++
			if !a.SupportsResourceLevelPermissions() {
				r.WithoutResourceARNs = append(r.WithoutResourceARNs, a.FullName())
			}
		}
		r.WithoutResourceARNs = describeOrEmpty(r.WithoutResourceARNs)
		r.ResourceTypes = []describeResourceTypeJSON{}
		for _, rt := range s.ResourceTypes {
			r.ResourceTypes = append(r.ResourceTypes, describeRT(rt))
		}
		r.ConditionKeys = []describeKeyJSON{}
		for _, k := range s.ConditionKeys {
			r.ConditionKeys = append(r.ConditionKeys, describeKey(k))
		}
		return r
	}
	if strings.ContainsAny(name, "*?") {
		return nil
	}
	if a, ok := c.Action(name); ok {
		r := describeActionJSON{
			Kind: "action", Action: a.FullName(), Service: a.Service.Name, Description: a.Description,
			AccessLevel: string(a.AccessLevel), ResourceLevel: a.SupportsResourceLevelPermissions(),
			ResourceTypes: []describeActionResourceJSON{}, ConditionKeys: []describeKeyJSON{},
			DependentActions: describeOrEmpty(a.DependentActions),
		}
		// Required resource types first, then optional ones, each in the
		// reference's order.
		res := slices.Clone(a.Resources)
		slices.SortStableFunc(res, func(x, y catalog.ActionResource) int {
			switch {
			case x.Required == y.Required:
				return 0
			case x.Required:
				return -1
			}
			return 1
		})
		for _, ar := range res {
			keys := describeKeyNames(ar.Type.ConditionKeys)
			for _, k := range ar.ConditionKeys {
				if !slices.Contains(keys, k.Name) {
					keys = append(keys, k.Name)
				}
			}
			r.ResourceTypes = append(r.ResourceTypes, describeActionResourceJSON{
				Name: ar.Type.Name, Required: ar.Required, ARN: ar.Type.ARN,
				ConditionKeys: keys, DependentActions: describeOrEmpty(ar.DependentActions),
			})
		}
		for _, k := range a.ConditionKeys {
			r.ConditionKeys = append(r.ConditionKeys, describeKey(k))
		}
		return r
	}
	if k, ok := c.ConditionKey(name); ok {
		r := describeConditionKeyJSON{Kind: "conditionKey", Query: name, describeKeyJSON: describeKey(k)}
		// For a service's own key, list the actions it applies to.
		prefix, _, _ := strings.Cut(k.Name, ":")
		if s, ok := c.Service(prefix); ok && !k.Global {
			for _, a := range s.Actions {
				if slices.Contains(a.AllConditionKeys(), k) {
					r.Actions = append(r.Actions, a.FullName())
				}
			}
		}
		return r
	}
	return nil
}

func describeText(w io.Writer, c *catalog.Catalog, r any) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	defer tw.Flush()
	keyLine := func(k describeKeyJSON) string {
		multi := "single-valued"
		if k.Multivalued {
			multi = "multivalued"
		}
		return fmt.Sprintf("%s\t%s\t%s", k.Name, k.Type, multi)
	}
	switch r := r.(type) {
	case describeActionJSON:
		fmt.Fprintf(tw, "%s (%s)\n", r.Action, r.Service)
		fmt.Fprintf(tw, "  %s\n", r.Description)
		fmt.Fprintf(tw, "  Access level: %s\n", r.AccessLevel)
		if len(r.ResourceTypes) == 0 {
			fmt.Fprintln(tw, "  Resource types: none; the action supports no resource-level permissions (use \"Resource\": \"*\")")
		} else {
			fmt.Fprintln(tw, "  Resource types:")
			for _, rt := range r.ResourceTypes {
				req := "optional"
				if rt.Required {
					req = "required"
				}
				fmt.Fprintf(tw, "    %s\t%s\t%s\n", rt.Name, req, rt.ARN)
				if len(rt.ConditionKeys) > 0 {
					fmt.Fprintf(tw, "    \t\tcondition keys: %s\n", strings.Join(rt.ConditionKeys, ", "))
				}
				if len(rt.DependentActions) > 0 {
					fmt.Fprintf(tw, "    \t\tdependent actions: %s\n", strings.Join(rt.DependentActions, ", "))
				}
			}
		}
		if len(r.ConditionKeys) == 0 {
			fmt.Fprintln(tw, "  Condition keys: none")
		} else {
			fmt.Fprintln(tw, "  Condition keys:")
			for _, k := range r.ConditionKeys {
				fmt.Fprintf(tw, "    %s\n", keyLine(k))
			}
		}
		if len(r.DependentActions) > 0 {
			fmt.Fprintf(tw, "  Dependent actions: %s\n", strings.Join(r.DependentActions, ", "))
		}
	case describeServiceJSON:
		fmt.Fprintf(tw, "%s: %s\n", r.Prefix, r.Name)
		levels := make([]string, 0, len(r.AccessLevels))
		for l, n := range r.AccessLevels {
			levels = append(levels, fmt.Sprintf("%s: %d", l, n))
		}
		slices.Sort(levels)
		fmt.Fprintf(tw, "  %d actions (%s); %d without resource-level permissions\n", r.Actions, strings.Join(levels, "; "), len(r.WithoutResourceARNs))
		fmt.Fprintf(tw, "  List them with: connect-iam actions '%s:*'\n", r.Prefix)
		fmt.Fprintf(tw, "  %d resource types:\n", len(r.ResourceTypes))
		for _, rt := range r.ResourceTypes {
			fmt.Fprintf(tw, "    %s\t%s\n", rt.Name, rt.ARN)
		}
		fmt.Fprintf(tw, "  %d condition keys:\n", len(r.ConditionKeys))
		for _, k := range r.ConditionKeys {
			fmt.Fprintf(tw, "    %s\n", keyLine(k))
		}
	case describeResourceJSON:
		fmt.Fprintf(tw, "%s\n", r.ARN)
		for _, rt := range r.ResourceTypes {
			name, _ := c.ServiceName(rt.Service)
			fmt.Fprintf(tw, "  %s:%s (%s)\n", rt.Service, rt.Name, name)
			fmt.Fprintf(tw, "    ARN format:\t%s\n", rt.ARN)
			if len(rt.ConditionKeys) > 0 {
				fmt.Fprintf(tw, "    Condition keys:\t%s\n", strings.Join(rt.ConditionKeys, ", "))
			}
			fmt.Fprintf(tw, "    Actions (%d):\t%s\n", len(rt.Actions), describeWrap(rt.Actions))
		}
	case describeConditionKeyJSON:
		fmt.Fprintf(tw, "%s\n", r.Query)
		if !strings.EqualFold(r.Query, r.Name) {
			fmt.Fprintf(tw, "  Instance of:\t%s\n", r.Name)
		} else if r.Query != r.Name {
			fmt.Fprintf(tw, "  Key:\t%s\n", r.Name)
		}
		scope := "service-specific"
		if r.Global {
			scope = "global"
		}
		multi := "single-valued"
		if r.Multivalued {
			multi = "multivalued: use ForAnyValue/ForAllValues"
		}
		fmt.Fprintf(tw, "  Type:\t%s (%s)\n", r.Type, multi)
		fmt.Fprintf(tw, "  Scope:\t%s\n", scope)
		if r.Description != "" {
			fmt.Fprintf(tw, "  Description:\t%s\n", r.Description)
		}
		if len(r.Actions) > 0 {
			fmt.Fprintf(tw, "  Actions (%d):\t%s\n", len(r.Actions), describeWrap(r.Actions))
		}
	}
}

// describeListMax is how many names a text list shows; --format json
// shows all.
const describeListMax = 30

// describeWrap joins names into lines of about 100 characters, continued
// with tabwriter-aligned indentation, showing at most describeListMax.
func describeWrap(names []string) string {
	var b strings.Builder
	line := 0
	for i, n := range names {
		if i == describeListMax {
			fmt.Fprintf(&b, ",\n    \t... and %d more (--format json lists all)", len(names)-i)
			break
		}
		if i > 0 {
			if line+len(n) > 100 {
				b.WriteString(",\n    \t")
				line = 0
			} else {
				b.WriteString(", ")
				line += 2
			}
		}
		b.WriteString(n)
		line += len(n)
	}
	return b.String()
}
