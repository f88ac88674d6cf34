package main

import (
	"runtime/debug"
	"strings"
)

// version reports the module version the binary was built from ("devel"
// for a build from a working tree) followed by the VCS revision, its time
// and whether the tree was modified, as recorded in the build info.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel (no build info)"
	}
	return versionOf(bi)
}

// versionOf formats bi as version does.
func versionOf(bi *debug.BuildInfo) string {
	v := bi.Main.Version
	if v == "" || v == "(devel)" {
		v = "devel"
	}
	var rev, at, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	parts := []string{v}
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		r := "revision " + rev
		if modified == "true" {
			r += "+modified"
		}
		if at != "" {
			r += " (" + at + ")"
		}
		parts = append(parts, r)
	}
	if bi.GoVersion != "" {
		parts = append(parts, bi.GoVersion)
	}
	return strings.Join(parts, " ")
}
