package secretbox

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestCheckValue(t *testing.T) {
	a, _ := New(bytes.Repeat([]byte{1}, KeySize))
	b, _ := New(bytes.Repeat([]byte{2}, KeySize))
	check := a.CheckValue()
	if err := a.Verify(check); err != nil {
		t.Errorf("Verify with the same key: %v", err)
	}
	if err := b.Verify(check); !errors.Is(err, ErrWrongKey) {
		t.Errorf("Verify with another key: %v, want ErrWrongKey", err)
	}
	damaged := append([]byte(nil), check...)
	damaged[len(damaged)-1] ^= 1
	if err := a.Verify(damaged); !errors.Is(err, ErrAuthentication) {
		t.Errorf("Verify of a damaged value: %v, want ErrAuthentication", err)
	}
	if id, err := SealedKeyID(check); err != nil || id != a.KeyID() {
		t.Errorf("SealedKeyID = %q, %v, want %s", id, err, a.KeyID())
	}
	if _, err := SealedKeyID([]byte("short")); !errors.Is(err, ErrMalformed) {
		t.Errorf("SealedKeyID of garbage: %v, want ErrMalformed", err)
	}
}

func TestCreateNeverReplaces(t *testing.T) {
	path := filepath.Join(t.TempDir(), KeyFile)
	b, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	if _, err := Create(path); !errors.Is(err, fs.ErrExist) {
		t.Errorf("second Create: %v, want fs.ErrExist", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("the second Create changed the key file")
	}
	if l, err := Load(path); err != nil || l.KeyID() != b.KeyID() {
		t.Errorf("Load after Create: %v, key %v", err, l)
	}
}
