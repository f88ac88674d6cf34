package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestReadCredentials(t *testing.T) {
	tests := []struct {
		file, wantKey, wantErr string
	}{
		{"testdata/credentials", "AKIAIOSFODNN7EXAMPLE", ""},
		{"testdata/no-default", "", "no [default] profile"},
		{"testdata/malformed", "", "testdata/malformed:2: expected key = value"},
		{"testdata/missing", "", "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c, err := readCredentials(tt.file)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || c.AccessKeyID != tt.wantKey || c.SecretAccessKey == "" {
				t.Fatalf("credentials %+v, %v", c, err)
			}
		})
	}
}

func TestRun(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"bad action", []string{"-action", "DeleteUser"}, 1, `--action "DeleteUser"`},
		{"bad rounds", []string{"-n", "3", "-rounds", "5"}, 1, "-rounds at most -n"},
		{"endpoint without credentials", []string{"-endpoint", "http://127.0.0.1:1/"}, 1, "--endpoint needs --credentials"},
		{"remote endpoint", []string{"-endpoint", "http://192.0.2.1:8080/", "-credentials", "testdata/credentials"}, 1, "not a loopback address"},
		{"in-process run", []string{"-n", "60", "-c", "2", "-rounds", "2", "-action", "GetCallerIdentity"}, 0, "of the bare handler's"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, &stdout, &stderr)
			out := stdout.String() + stderr.String()
			if code != tt.code || !strings.Contains(out, tt.want) {
				t.Errorf("exit %d, output:\n%s\nwant exit %d and %q", code, out, tt.code, tt.want)
			}
		})
	}
}
