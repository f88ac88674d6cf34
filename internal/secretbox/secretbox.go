// Package secretbox encrypts secrets at rest (secret access keys of IAM
// users and STS sessions) with AES-256-GCM under a master key kept in a file
// beside the database.
//
// A sealed value is
//
//	version (1 byte, 1) | key ID (8 bytes) | nonce (12 bytes) | ciphertext and tag
//
// where the nonce is random for every seal and the key ID identifies the
// master key (the first 8 bytes of HMAC-SHA256(key, "connect-iam secretbox
// key id")), so that a value sealed under another key is reported as such
// instead of as corrupt. The header and the caller's associated data are
// authenticated: callers bind each ciphertext to its record by passing the
// record's identity (for example the access key ID) as associated data, so
// that a ciphertext copied to another record does not open.
//
// A Box never prints its key: its String, GoString and LogValue methods
// show only the key ID.
package secretbox

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// KeySize is the size of a master key in bytes (AES-256).
const KeySize = 32

// KeyFile is the name of the master key file in the data directory.
const KeyFile = "master.key"

const (
	version   = 1
	idSize    = 8
	nonceSize = 12
	tagSize   = 16
	header    = 1 + idSize
	// Overhead is how many bytes Seal adds to the plaintext.
	Overhead = header + nonceSize + tagSize
)

// Errors returned by Open, wrapped with details.
var (
	// ErrMalformed reports a value that is not a sealed value of a version
	// this package knows.
	ErrMalformed = errors.New("secretbox: malformed sealed value")
	// ErrWrongKey reports a value sealed under a different master key.
	ErrWrongKey = errors.New("secretbox: sealed with a different master key")
	// ErrAuthentication reports a value that does not authenticate: it was
	// modified, or it belongs to another record (different associated data).
	ErrAuthentication = errors.New("secretbox: message authentication failed")
)

// Box seals and opens secrets with one master key. It is safe for
// concurrent use.
type Box struct {
	aead cipher.AEAD
	id   [idSize]byte
}

// New returns a Box for a KeySize-byte master key.
func New(key []byte) (*Box, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("secretbox: master key is %d bytes, want %d (AES-256)", len(key), KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("secretbox: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("secretbox: %w", err)
	}
	b := &Box{aead: aead}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("connect-iam secretbox key id"))
	copy(b.id[:], mac.Sum(nil))
	return b, nil
}

// KeyID returns the hexadecimal key ID, which identifies the master key
// without revealing it and may be logged.
func (b *Box) KeyID() string { return hex.EncodeToString(b.id[:]) }

// String describes the box by its key ID only.
func (b *Box) String() string { return "secretbox.Box{key ID " + b.KeyID() + "}" }

// GoString is String, so that %#v does not print the key either.
func (b *Box) GoString() string { return b.String() }

// LogValue makes log/slog record only the key ID.
func (b *Box) LogValue() slog.Value { return slog.StringValue(b.String()) }

// Seal encrypts plaintext, binding it to ad, and returns the sealed value.
func (b *Box) Seal(plaintext, ad []byte) []byte {
	out := make([]byte, header+nonceSize, Overhead+len(plaintext))
	out[0] = version
	copy(out[1:header], b.id[:])
	if _, err := rand.Read(out[header : header+nonceSize]); err != nil {
		panic(err) // crypto/rand.Read does not fail on supported platforms
	}
	return b.aead.Seal(out, out[header:header+nonceSize], plaintext, authData(out[:header], ad))
}

// Open decrypts a value sealed by Seal with the same master key and
// associated data.
func (b *Box) Open(sealed, ad []byte) ([]byte, error) {
	if len(sealed) < Overhead {
		return nil, fmt.Errorf("%w: %d bytes, shorter than the %d-byte minimum", ErrMalformed, len(sealed), Overhead)
	}
	if sealed[0] != version {
		return nil, fmt.Errorf("%w: format version %d, this build reads version %d", ErrMalformed, sealed[0], version)
	}
	if !hmac.Equal(sealed[1:header], b.id[:]) {
		return nil, fmt.Errorf("%w: the value was sealed under master key %x but the loaded key is %s; "+
			"use the %s that the database was written with", ErrWrongKey, sealed[1:header], b.KeyID(), KeyFile)
	}
	pt, err := b.aead.Open(nil, sealed[header:header+nonceSize], sealed[header+nonceSize:], authData(sealed[:header], ad))
	if err != nil {
		return nil, fmt.Errorf("%w: the value was modified or belongs to another record", ErrAuthentication)
	}
	return pt, nil
}

func authData(hdr, ad []byte) []byte {
	out := make([]byte, 0, len(hdr)+len(ad))
	return append(append(out, hdr...), ad...)
}

// LoadOrCreate returns the Box for the master key in dir/master.key,
// creating dir (mode 0700) and a new random key (mode 0600) if there is
// none. It refuses a key file that group or others can read.
func LoadOrCreate(dir string) (*Box, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("secretbox: create data directory: %w", err)
	}
	path := filepath.Join(dir, KeyFile)
	b, err := Load(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return b, err
	}
	if err := create(dir, path); err != nil {
		return nil, err
	}
	return Load(path)
}

// create writes a new key to path atomically: into a temporary file that
// is then linked into place, so that a crash never leaves a partial key and
// two processes starting together agree on one key.
func create(dir, path string) error {
	_, err := createKey(dir, path)
	return err
}

// Create writes a new random master key to path (mode 0600) and returns
// its Box. It refuses, with an error wrapping fs.ErrExist, to replace a
// file that exists: a key is never written over another one.
func Create(path string) (*Box, error) {
	dir := filepath.Dir(path)
	if _, err := os.Lstat(path); err == nil {
		return nil, fmt.Errorf("secretbox: master key %s: %w; move it away first if it is really not needed", path, fs.ErrExist)
	}
	key, err := createKey(dir, path)
	if err != nil {
		return nil, err
	}
	if _, err := os.Lstat(path); err != nil {
		return nil, fmt.Errorf("secretbox: install master key %s: %w", path, err)
	}
	b, err := Load(path)
	if err != nil {
		return nil, err
	}
	if want, _ := New(key); want.KeyID() != b.KeyID() {
		return nil, fmt.Errorf("secretbox: master key %s: %w (another process wrote it at the same time)", path, fs.ErrExist)
	}
	return b, nil
}

func createKey(dir, path string) ([]byte, error) {
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("secretbox: generate master key: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".master.key-*")
	if err != nil {
		return nil, fmt.Errorf("secretbox: create master key: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("secretbox: create master key: %w", err)
	}
	if _, err := tmp.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("secretbox: write master key: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("secretbox: write master key: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("secretbox: write master key: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("secretbox: install master key %s: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync() // make the new directory entry durable; best effort
		d.Close()
	}
	return key, nil
}

// Load returns the Box for the master key file at path: 64 hexadecimal
// digits, optionally followed by a newline, readable by its owner only.
func Load(path string) (*Box, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("secretbox: master key: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("secretbox: master key %s is not a regular file", path)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("secretbox: master key %s has mode %04o and is readable by others; run chmod 600 %s", path, fi.Mode().Perm(), path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("secretbox: read master key: %w", err)
	}
	text := strings.TrimSuffix(strings.TrimSuffix(string(data), "\n"), "\r")
	key, err := hex.DecodeString(text)
	if err != nil || len(key) != KeySize {
		return nil, fmt.Errorf("secretbox: master key %s is not %d hexadecimal digits (%d bytes in the file); "+
			"restore it from a backup: secrets sealed with it cannot be opened otherwise", path, 2*KeySize, len(data))
	}
	return New(key)
}

// checkPlain is what a key check value seals.
const checkPlain = "connect-iam master key check"

// CheckValue returns a new key check value: a constant sealed under the
// box's key, which a database stores beside the secrets it seals so that
// a missing or different master key is detected when it is opened, not
// at the first signed request.
func (b *Box) CheckValue() []byte { return b.Seal([]byte(checkPlain), []byte(checkPlain)) }

// Verify reports whether check, a value returned by CheckValue, was made
// with the box's key. The error wraps ErrWrongKey for another key, and
// ErrMalformed or ErrAuthentication for a damaged value.
func (b *Box) Verify(check []byte) error {
	pt, err := b.Open(check, []byte(checkPlain))
	if err != nil {
		return err
	}
	if string(pt) != checkPlain {
		return fmt.Errorf("%w: the key check value holds unexpected content", ErrAuthentication)
	}
	return nil
}

// SealedKeyID returns the hexadecimal ID of the key that sealed a value,
// which identifies the key to restore without opening the value.
func SealedKeyID(sealed []byte) (string, error) {
	if len(sealed) < Overhead || sealed[0] != version {
		return "", fmt.Errorf("%w: not a version %d sealed value of at least %d bytes", ErrMalformed, version, Overhead)
	}
	return hex.EncodeToString(sealed[1:header]), nil
}
