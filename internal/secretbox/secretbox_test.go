package secretbox

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/v1.json")

func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, KeySize) }

func mustNew(t testing.TB, key []byte) *Box {
	t.Helper()
	b, err := New(key)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSealOpen(t *testing.T) {
	box := mustNew(t, testKey(1))
	other := mustNew(t, testKey(2))
	secret := []byte("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
	ad := []byte("AKIAIOSFODNN7EXAMPLE")
	sealed := box.Seal(secret, ad)
	flip := func(i int) []byte {
		c := bytes.Clone(sealed)
		c[i] ^= 1
		return c
	}
	cases := []struct {
		name   string
		box    *Box
		sealed []byte
		ad     []byte
		want   error
	}{
		{"round trip", box, sealed, ad, nil},
		{"wrong key", other, sealed, ad, ErrWrongKey},
		{"other record", box, sealed, []byte("AKIAOTHERKEY00000000"), ErrAuthentication},
		{"no associated data", box, sealed, nil, ErrAuthentication},
		{"flipped ciphertext", box, flip(len(sealed) - 20), ad, ErrAuthentication},
		{"flipped tag", box, flip(len(sealed) - 1), ad, ErrAuthentication},
		{"flipped nonce", box, flip(header), ad, ErrAuthentication},
		{"flipped key ID", box, flip(1), ad, ErrWrongKey},
		{"unknown version", box, flip(0), ad, ErrMalformed},
		{"truncated", box, sealed[:Overhead-1], ad, ErrMalformed},
		{"empty", box, nil, ad, ErrMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pt, err := c.box.Open(c.sealed, c.ad)
			if c.want == nil {
				if err != nil || !bytes.Equal(pt, secret) {
					t.Fatalf("Open = %q, %v; want the secret", pt, err)
				}
				return
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("Open error = %v, want %v", err, c.want)
			}
			if pt != nil {
				t.Errorf("failed Open returned plaintext %q", pt)
			}
			if strings.Contains(err.Error(), string(secret)) {
				t.Errorf("error message contains the secret: %v", err)
			}
		})
	}
	if len(sealed) != len(secret)+Overhead {
		t.Errorf("sealed length = %d, want %d", len(sealed), len(secret)+Overhead)
	}
	if again := box.Seal(secret, ad); bytes.Equal(again[header:header+nonceSize], sealed[header:header+nonceSize]) {
		t.Error("two seals used the same nonce")
	}
}

func TestWrongKeyMessage(t *testing.T) {
	a, b := mustNew(t, testKey(1)), mustNew(t, testKey(2))
	_, err := b.Open(a.Seal([]byte("s"), nil), nil)
	for _, want := range []string{a.KeyID(), b.KeyID(), KeyFile} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("wrong-key error %v does not mention %q", err, want)
		}
	}
}

func TestNewRejectsBadKeys(t *testing.T) {
	for _, n := range []int{0, 16, 31, 33} {
		if _, err := New(make([]byte, n)); err == nil {
			t.Errorf("New with a %d-byte key succeeded", n)
		}
	}
}

// TestGolden opens a value sealed by an earlier build, so that the format
// stays readable.
func TestGolden(t *testing.T) {
	type golden struct {
		Key, AD, Plaintext, Sealed string // hexadecimal
	}
	path := filepath.Join("testdata", "v1.json")
	if *update {
		key := testKey(7)
		g := golden{Key: hex.EncodeToString(key), AD: hex.EncodeToString([]byte("AKIAIOSFODNN7EXAMPLE")),
			Plaintext: hex.EncodeToString([]byte("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))}
		g.Sealed = hex.EncodeToString(mustNew(t, key).Seal([]byte("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), []byte("AKIAIOSFODNN7EXAMPLE")))
		data, _ := json.MarshalIndent(g, "", "  ")
		if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var g golden
	if err := json.Unmarshal(data, &g); err != nil {
		t.Fatal(err)
	}
	dec := func(s string) []byte {
		b, err := hex.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	pt, err := mustNew(t, dec(g.Key)).Open(dec(g.Sealed), dec(g.AD))
	if err != nil || !bytes.Equal(pt, dec(g.Plaintext)) {
		t.Fatalf("Open(golden) = %q, %v; want %q", pt, err, dec(g.Plaintext))
	}
}

func TestNoKeyInOutput(t *testing.T) {
	key := testKey(0xab)
	box := mustNew(t, key)
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("box", "box", box)
	outputs := map[string]string{
		"%v":     fmt.Sprintf("%v", box),
		"%+v":    fmt.Sprintf("%+v", box),
		"%#v":    fmt.Sprintf("%#v", box),
		"String": box.String(),
		"slog":   logged.String(),
	}
	for verb, out := range outputs {
		if strings.Contains(strings.ToLower(out), hex.EncodeToString(key)) || strings.Contains(out, string(key)) {
			t.Errorf("%s prints the key: %s", verb, out)
		}
		if !strings.Contains(out, box.KeyID()) {
			t.Errorf("%s = %q, want the key ID %s", verb, out, box.KeyID())
		}
	}
}

func TestLoadOrCreate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	b1, err := LoadOrCreate(dir)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, KeyFile)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode = %04o, want 0600", fi.Mode().Perm())
	}
	b2, err := LoadOrCreate(dir)
	if err != nil {
		t.Fatal(err)
	}
	if b1.KeyID() != b2.KeyID() {
		t.Fatalf("second LoadOrCreate made a new key")
	}
	pt, err := b2.Open(b1.Seal([]byte("s"), []byte("id")), []byte("id"))
	if err != nil || string(pt) != "s" {
		t.Fatalf("reloaded key does not open: %q, %v", pt, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("data directory holds %d entries, want only %s", len(entries), KeyFile)
	}
}

func TestLoadOrCreateConcurrent(t *testing.T) {
	dir := t.TempDir()
	const n = 8
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			b, err := LoadOrCreate(dir)
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = b.KeyID()
		})
	}
	wg.Wait()
	for _, id := range ids {
		if id != ids[0] {
			t.Fatalf("concurrent LoadOrCreate produced different keys: %v", ids)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("file modes are not enforced on Windows")
	}
	good := hex.EncodeToString(testKey(3))
	cases := []struct {
		name    string
		content string
		mode    os.FileMode
		want    string
	}{
		{"valid", good + "\n", 0o600, ""},
		{"valid without newline", good, 0o400, ""},
		{"group readable", good, 0o640, "chmod 600"},
		{"world readable", good, 0o604, "chmod 600"},
		{"short", good[:62], 0o600, "not 64 hexadecimal digits"},
		{"not hex", strings.Repeat("zz", KeySize), 0o600, "not 64 hexadecimal digits"},
		{"raw bytes", string(testKey(3)), 0o600, "not 64 hexadecimal digits"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), KeyFile)
			if err := os.WriteFile(path, []byte(c.content), c.mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, c.mode); err != nil {
				t.Fatal(err)
			}
			_, err := Load(path)
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("Load: %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Fatalf("Load error = %v, want it to contain %q", err, c.want)
			case err != nil && strings.Contains(err.Error(), good[:16]):
				t.Fatalf("Load error reveals key material: %v", err)
			}
		})
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load of a missing file: %v, want os.ErrNotExist", err)
	}
	if _, err := Load(t.TempDir()); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("Load of a directory: %v", err)
	}
}

// FuzzOpen feeds arbitrary bytes to Open: it must never panic, must fail
// with one of the package's errors, and must never authenticate a value
// that Seal did not produce.
func FuzzOpen(f *testing.F) {
	box := mustNew(f, testKey(9))
	valid := box.Seal([]byte("secret"), []byte("AKIA1"))
	f.Add(valid, []byte("AKIA1"))
	f.Add(valid[:Overhead], []byte("AKIA1"))
	f.Add(mustNew(f, testKey(8)).Seal([]byte("x"), nil), []byte(nil))
	f.Add([]byte{}, []byte("x"))
	f.Add(bytes.Repeat([]byte{1}, Overhead+3), []byte("AKIA1"))
	f.Fuzz(func(t *testing.T, sealed, ad []byte) {
		pt, err := box.Open(sealed, ad)
		if err == nil {
			// Only values this function sealed open: the seed is resealed
			// with a fresh nonce in every fuzzing process, so compare
			// contents rather than bytes.
			if string(ad) != "AKIA1" || string(pt) != "secret" {
				t.Fatalf("Open authenticated a forged value %x with ad %q: %q", sealed, ad, pt)
			}
			return
		}
		if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrWrongKey) && !errors.Is(err, ErrAuthentication) {
			t.Fatalf("Open error %v is none of the package's errors", err)
		}
	})
}

// FuzzTamper seals a plaintext and flips one bit of the result: Open must
// then fail, and must succeed on the untouched value.
func FuzzTamper(f *testing.F) {
	box := mustNew(f, testKey(5))
	f.Add([]byte("secret"), []byte("AKIA1"), uint(0))
	f.Add([]byte{}, []byte{}, uint(1000))
	f.Fuzz(func(t *testing.T, pt, ad []byte, bit uint) {
		sealed := box.Seal(pt, ad)
		got, err := box.Open(sealed, ad)
		if err != nil || !bytes.Equal(got, pt) {
			t.Fatalf("Open(Seal(%q)) = %q, %v", pt, got, err)
		}
		bit %= uint(len(sealed) * 8)
		sealed[bit/8] ^= 1 << (bit % 8)
		if got, err := box.Open(sealed, ad); err == nil {
			t.Fatalf("Open succeeded after flipping bit %d: %q", bit, got)
		}
	})
}
