package main

import (
	"bytes"
	"runtime/debug"
	"strings"
	"testing"
)

// TestHelpExitsZero checks that -h exits 0 for every command and that no
// help ends in an empty "Flags:" section.
func TestHelpExitsZero(t *testing.T) {
	var cases [][]string
	for name := range commands {
		cases = append(cases, []string{name, "-h"}, []string{name, "--help"})
	}
	cases = append(cases, []string{"accounts", "create", "-h"}, []string{"accounts", "list", "--help"}, []string{"help"}, []string{"-h"})
	for _, args := range cases {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(args, strings.NewReader(""), &stdout, &stderr); code != exitOK {
				t.Errorf("exit %d, want 0; stderr:\n%s", code, stderr.String())
			}
			out := strings.TrimRight(stdout.String()+stderr.String(), "\n")
			if strings.HasSuffix(out, "Flags:") {
				t.Errorf("help ends in an empty Flags: section:\n%s", out)
			}
		})
	}
}

// TestFlagsAfterArguments checks that flags are accepted after the
// positional arguments as before them.
func TestFlagsAfterArguments(t *testing.T) {
	const file = "../../examples/simulate/view-user.json"
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"simulate flag after file", []string{"simulate", file, "--format", "json"}, `"decision": "Allow"`},
		{"simulate flag before file", []string{"simulate", "--format", "json", file}, `"decision": "Allow"`},
		{"simulate text", []string{"simulate", file}, "Allow"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(tt.args, strings.NewReader(""), &stdout, &stderr); code != exitOK || !strings.Contains(stdout.String(), tt.want) {
				t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s\nwant %q", code, stdout.String(), stderr.String(), tt.want)
			}
		})
	}
}

// TestHelpNamesConnect checks that the top-level and serve help say what
// connect-iam serves, Amazon Connect first.
func TestHelpNamesConnect(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"serve", "-h"}} {
		var stdout, stderr bytes.Buffer
		run(args, strings.NewReader(""), &stdout, &stderr)
		out := stdout.String() + stderr.String()
		c, i := strings.Index(out, "Amazon Connect"), strings.Index(out, "IAM and STS")
		if c < 0 || (i >= 0 && i < c) {
			t.Errorf("%v: help does not name Amazon Connect before IAM:\n%s", args, out)
		}
	}
}

func TestVersionOf(t *testing.T) {
	tests := []struct {
		name string
		bi   debug.BuildInfo
		want string
	}{
		{"devel, no VCS", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}}, "devel go1.26.8"},
		{"module version", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.3.0"}}, "v0.3.0 go1.26.8"},
		{"revision", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "cca72dd0123456789abcdef"}, {Key: "vcs.time", Value: "2026-12-02T14:41:25Z"}, {Key: "vcs.modified", Value: "false"}}},
			"devel revision cca72dd01234 (2026-12-02T14:41:25Z) go1.26.8"},
		{"modified tree", debug.BuildInfo{Main: debug.Module{Version: "v1.0.0"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "abc"}, {Key: "vcs.modified", Value: "true"}}}, "v1.0.0 revision abc+modified"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := versionOf(&tt.bi); got != tt.want {
				t.Errorf("versionOf = %q, want %q", got, tt.want)
			}
		})
	}
}
