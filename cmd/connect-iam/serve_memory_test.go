package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

const (
	memKey    = "AKIAMEMORYTESTEXAMPL"
	memSecret = "memoryTestSecretKey/EXAMPLE+0123456789ab"
)

// startMemoryServe runs serve with args and env and returns the endpoint
// URL read from stdout's first line; the server stops with the test.
func startMemoryServe(t *testing.T, args []string, env map[string]string) (url string, stdout *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout = &syncBuffer{}
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() { done <- serveTo(ctx, args, func(k string) string { return env[k] }, stdout, &stderr) }()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != exitOK {
			t.Errorf("serve exit %d:\n%s", code, stderr.String())
		}
	})
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if line, _, ok := strings.Cut(stdout.String(), "\n"); ok {
			return line, stdout
		}
		select {
		case code := <-done:
			done <- code
			t.Fatalf("serve exited %d:\n%s", code, stderr.String())
		default:
		}
	}
	t.Fatalf("serve printed no address:\n%s", stderr.String())
	return "", nil
}

func iamClient(url, key, secret string) *iam.Client {
	return iam.New(iam.Options{Region: "us-east-1", BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider(key, secret, "")})
}

// signedReset posts to the reset endpoint, signed with key and secret
// ("" sends it unsigned).
func signedReset(t *testing.T, url, key, secret string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/_connect-iam/reset", nil)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		sum := sha256.Sum256(nil)
		err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: key, SecretAccessKey: secret},
			req, hex.EncodeToString(sum[:]), "iam", "us-east-1", time.Now())
		if err != nil {
			t.Fatal(err)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestServeMemoryReset starts "serve --memory" from environment variables
// alone, checks that nothing reaches the disk, and that the reset
// endpoint answers as its settings say and restores a clean state between
// two runs of the same client calls.
func TestServeMemoryReset(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	env := map[string]string{"CONNECT_IAM_ADDR": "127.0.0.1:0", "CONNECT_IAM_MEMORY": "true", "CONNECT_IAM_ALLOW_RESET": "1",
		"CONNECT_IAM_ACCOUNT_ID": "123456789012", "CONNECT_IAM_BOOTSTRAP_ACCESS_KEY_ID": memKey,
		"CONNECT_IAM_BOOTSTRAP_SECRET_ACCESS_KEY": memSecret}
	url, _ := startMemoryServe(t, nil, env)
	ctx := context.Background()
	admin := iamClient(url, memKey, memSecret)
	var otherKey, otherSecret string
	for run := range 2 {
		// The same calls succeed on each run: the reset left no user behind.
		if _, err := admin.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("carol")}); err != nil {
			t.Fatalf("run %d: CreateUser: %v", run, err)
		}
		k, err := admin.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("carol")})
		if err != nil {
			t.Fatalf("run %d: CreateAccessKey: %v", run, err)
		}
		otherKey, otherSecret = *k.AccessKey.AccessKeyId, *k.AccessKey.SecretAccessKey
		tests := []struct {
			name        string
			key, secret string
			want        int
		}{
			{"unsigned", "", "", http.StatusForbidden},
			{"wrong secret", memKey, "notTheSecretKey/EXAMPLE+0123456789abcdef", http.StatusForbidden},
			{"another user", otherKey, otherSecret, http.StatusForbidden},
			{"bootstrap administrator", memKey, memSecret, http.StatusOK},
		}
		for _, tt := range tests {
			if got := signedReset(t, url, tt.key, tt.secret); got != tt.want {
				t.Errorf("run %d: reset %s: status %d, want %d", run, tt.name, got, tt.want)
			}
		}
		out, err := admin.ListUsers(ctx, &iam.ListUsersInput{})
		if err != nil {
			t.Fatalf("run %d: ListUsers after reset: %v", run, err)
		}
		if len(out.Users) != 1 || *out.Users[0].UserName != "admin" {
			t.Errorf("run %d: users after reset = %d, want admin only", run, len(out.Users))
		}
	}
	if _, err := iamClient(url, otherKey, otherSecret).ListUsers(ctx, &iam.ListUsersInput{}); err == nil {
		t.Error("a key created before the reset still works after it")
	}
	if entries, err := os.ReadDir(dir); err != nil || len(entries) != 0 {
		t.Errorf("serve --memory wrote to the working directory: %v, %v", entries, err)
	}
}

// TestServeMemoryCredentials checks that, without bootstrap keys, serve
// --memory prints the endpoint and then a working credentials file on
// stdout, and that reset is refused unless allowed.
func TestServeMemoryCredentials(t *testing.T) {
	t.Chdir(t.TempDir())
	url, stdout := startMemoryServe(t, []string{"--memory", "--addr", "127.0.0.1:0"}, nil)
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Errorf("first line %q, want http://127.0.0.1:PORT", url)
	}
	var key, secret string
	sc := bufio.NewScanner(strings.NewReader(stdout.String()))
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), " = "); ok {
			switch k {
			case "aws_access_key_id":
				key = v
			case "aws_secret_access_key":
				secret = v
			}
		}
	}
	if key == "" || secret == "" {
		t.Fatalf("no credentials on stdout:\n%s", stdout.String())
	}
	if _, err := iamClient(url, key, secret).ListUsers(context.Background(), &iam.ListUsersInput{}); err != nil {
		t.Errorf("ListUsers with the printed key: %v", err)
	}
	if got := signedReset(t, url, key, secret); got != http.StatusForbidden {
		t.Errorf("reset without --allow-reset: status %d, want 403", got)
	}
}

// TestServeEnvFlags checks the CONNECT_IAM_* variables: a bad value is a
// usage error naming the variable, and the command line wins.
func TestServeEnvFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"bad duration", nil, map[string]string{"CONNECT_IAM_SHUTDOWN_TIMEOUT": "soon"}, `CONNECT_IAM_SHUTDOWN_TIMEOUT="soon" (for --shutdown-timeout)`},
		{"bad bool", nil, map[string]string{"CONNECT_IAM_MEMORY": "maybe"}, `CONNECT_IAM_MEMORY="maybe"`},
		{"env addr", nil, map[string]string{"CONNECT_IAM_ADDR": "8080"}, `--addr "8080"`},
		{"flag wins", []string{"--log-format", "xml"}, map[string]string{"CONNECT_IAM_LOG_FORMAT": "json"}, `--log-format "xml"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr syncBuffer
			code := serve(context.Background(), tt.args, func(k string) string { return tt.env[k] }, &stderr)
			if code != exitUsage || !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d and %q", code, stderr.String(), exitUsage, tt.want)
			}
		})
	}
	var help syncBuffer
	if code := serve(context.Background(), []string{"-h"}, func(string) string { return "" }, &help); code != exitOK {
		t.Errorf("serve -h: exit %d", code)
	}
	for _, want := range []string{"CONNECT_IAM_ADDR", "CONNECT_IAM_DATA", "CONNECT_IAM_MEMORY", "CONNECT_IAM_ALLOW_RESET"} {
		if !strings.Contains(help.String(), want) {
			t.Errorf("serve -h does not list %s", want)
		}
	}
}
