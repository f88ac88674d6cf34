package iamcred

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func fixture(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// serverFingerprint is what ssh-keygen -l -E md5 prints for server.pub.
const serverFingerprint = "d2:5a:00:bc:78:59:3e:93:f1:52:e6:98:24:1a:87:5f"

func TestParseSSHPublicKey(t *testing.T) {
	openssh := strings.TrimSpace(fixture(t, "server.pub"))
	fields := strings.Fields(openssh)
	for _, tc := range []struct {
		name, key, wantErr string
	}{
		{"openssh", openssh, ""},
		{"openssh with comment", openssh + " me@host", ""},
		{"pem", fixture(t, "server.pub.pem"), ""},
		{"small key", fixture(t, "small.pub.pem"), "1024 bits"},
		{"ed25519", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl", "only ssh-rsa"},
		{"bad base64", "ssh-rsa !!!", "base64"},
		{"truncated", "ssh-rsa " + fields[1][:40], "truncated"},
		{"one word", "ssh-rsa", "neither"},
		{"private key", fixture(t, "server.key"), "want PUBLIC KEY"},
		{"garbage pem", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "PKIX"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, err := ParseSSHPublicKey(tc.key)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if k.Fingerprint != serverFingerprint || k.Bits != 2048 {
				t.Errorf("fingerprint %s bits %d, want %s 2048", k.Fingerprint, k.Bits, serverFingerprint)
			}
			if k.OpenSSH() != strings.Join(fields[:2], " ") {
				t.Errorf("OpenSSH() = %q", k.OpenSSH())
			}
			if again, err := ParseSSHPublicKey(k.PEM()); err != nil || again.Fingerprint != k.Fingerprint {
				t.Errorf("PEM() round trip: %v %v", again, err)
			}
		})
	}
}

func TestCheckServerCertificate(t *testing.T) {
	cert, key, ca, other := fixture(t, "server.pem"), fixture(t, "server.key"), fixture(t, "ca.pem"), fixture(t, "other.key")
	for _, tc := range []struct {
		name, body, key, chain, wantErr string
	}{
		{"no chain", cert, key, "", ""},
		{"chain", cert, key, ca, ""},
		{"wrong key", cert, other, "", "does not match"},
		{"chain does not sign", cert, key, cert, "did not sign"},
		{"body not pem", "hello", key, "", "not PEM-encoded"},
		{"two certificates", cert + ca, key, "", "holds 2 certificates"},
		{"key not pem", cert, "hello", "", "private key is not PEM"},
		{"key is a certificate", cert, ca, "", "want RSA PRIVATE KEY"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := CheckServerCertificate(tc.body, tc.key, tc.chain)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Subject.CommonName != "www.example.com" || len(CertificateID(c)) != 32 {
				t.Errorf("certificate %s, ID %s", c.Subject, CertificateID(c))
			}
		})
	}
}

func FuzzParseSSHPublicKey(f *testing.F) {
	f.Add(strings.TrimSpace(fixture(f, "server.pub")))
	f.Add(fixture(f, "server.pub.pem"))
	f.Add("ssh-rsa AAAAB3NzaC1yc2EAAAADAQAB")
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseSSHPublicKey(s)
		if err != nil {
			return
		}
		if k.Bits < MinRSABits || len(k.Fingerprint) != 47 {
			t.Fatalf("accepted %q: %+v", s, k)
		}
		if again, err := ParseSSHPublicKey(k.OpenSSH()); err != nil || again.Fingerprint != k.Fingerprint {
			t.Fatalf("round trip of %q: %v", s, err)
		}
	})
}

func FuzzCheckServerCertificate(f *testing.F) {
	f.Add(fixture(f, "server.pem"), fixture(f, "server.key"), fixture(f, "ca.pem"))
	f.Add(fixture(f, "ca.pem"), fixture(f, "ca.key"), "")
	f.Fuzz(func(t *testing.T, body, key, chain string) {
		c, err := CheckServerCertificate(body, key, chain)
		if err == nil && c == nil {
			t.Fatal("no certificate and no error")
		}
	})
}
