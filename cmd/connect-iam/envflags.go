package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// envName is the environment variable that sets the flag name of a
// command: CONNECT_IAM_ followed by the name in upper case, dashes as
// underscores (--shutdown-timeout is CONNECT_IAM_SHUTDOWN_TIMEOUT).
func envName(name string) string {
	return "CONNECT_IAM_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// setFlagsFromEnv sets every flag of fl not given on the command line
// from its environment variable (envName), read with getenv. Call it
// after fl.Parse: the command line wins.
func setFlagsFromEnv(fl *flag.FlagSet, getenv func(string) string) error {
	given := map[string]bool{}
	fl.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fl.VisitAll(func(f *flag.Flag) {
		if err != nil || given[f.Name] {
			return
		}
		if v := getenv(envName(f.Name)); v != "" {
			if e := fl.Set(f.Name, v); e != nil {
				err = fmt.Errorf("%s=%q (for --%s): %v", envName(f.Name), v, f.Name, e)
			}
		}
	})
	return err
}

// writeFlagEnv lists the environment variable of every flag of fl.
func writeFlagEnv(w io.Writer, fl *flag.FlagSet) {
	fmt.Fprintln(w, "\nEnvironment (each sets the flag of the same name; the command line wins):")
	fl.VisitAll(func(f *flag.Flag) {
		fmt.Fprintf(w, "  %-34s --%s\n", envName(f.Name), f.Name)
	})
}
