// Package testidp is connect-iam's built-in test identity provider: an
// OpenID Connect issuer (discovery document and JWKS) and a SAML 2.0 IdP
// (metadata document), served by "connect-iam serve" under
// /_connect-iam/oidc and /_connect-iam/saml, whose tokens and assertions
// "connect-iam token oidc" and "connect-iam token saml" mint. Offline
// there is no issuer on the internet to federate with; this one lets
// AssumeRoleWithWebIdentity and AssumeRoleWithSAML be exercised for real,
// with the same verification an external provider gets.
//
// The signing key (RSA 2048) and its self-signed certificate are
// generated on first use and kept in the data directory as KeyFile,
// sealed with the data directory's master key, so that the server and the
// token command of one data directory share them. An in-memory server
// keeps them in memory.
package testidp

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/connect-iam/connect-iam/internal/secretbox"
)

// KeyFile is the name of the sealed key file in the data directory.
const KeyFile = "test-idp.sealed"

// Paths of the test IdP's endpoints on the server.
const (
	// OIDCPath is the issuer path: the issuer is http://HOST:PORT + OIDCPath.
	OIDCPath = "/_connect-iam/oidc"
	// SAMLPath is the SAML IdP's path: its entity ID is
	// http://HOST:PORT + SAMLPath, its metadata at SAMLPath + "/metadata".
	SAMLPath = "/_connect-iam/saml"
)

// keyAD is the associated data the key file is sealed under.
var keyAD = []byte("connect-iam test identity provider key")

// Key is the test IdP's signing key and certificate.
type Key struct {
	Private *rsa.PrivateKey
	Cert    *x509.Certificate
	// KeyID is the key's JWK "kid": a hash of its public key.
	KeyID string
}

type keyFile struct {
	Key  []byte `json:"key"`  // PKCS #8
	Cert []byte `json:"cert"` // DER
}

// IdP is the test identity provider of one data directory.
type IdP struct {
	dir string
	box *secretbox.Box
	now func() time.Time

	mu  sync.Mutex
	key *Key
}

// New returns the test IdP whose key lives in dir, sealed with box; dir
// "" keeps the key in memory. now is the clock of minting (nil means
// time.Now).
func New(dir string, box *secretbox.Box, now func() time.Time) *IdP {
	if now == nil {
		now = time.Now
	}
	return &IdP{dir: dir, box: box, now: now}
}

// NewWithKey returns a test IdP, kept in memory, that signs with priv
// under a new self-signed certificate: for tests that need a known key
// or cannot afford generating one.
func NewWithKey(priv *rsa.PrivateKey, now func() time.Time) (*IdP, error) {
	p := New("", nil, now)
	k, err := certify(priv, p.now())
	if err != nil {
		return nil, err
	}
	p.key = k
	return p, nil
}

// Key returns the signing key, creating it on first use.
func (p *IdP) Key() (*Key, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.key != nil {
		return p.key, nil
	}
	k, err := p.loadOrCreate()
	if err != nil {
		return nil, err
	}
	p.key = k
	return k, nil
}

func (p *IdP) loadOrCreate() (*Key, error) {
	if p.dir == "" {
		return generate(p.now())
	}
	path := filepath.Join(p.dir, KeyFile)
	if k, err := p.load(path); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return k, err
	}
	k, err := generate(p.now())
	if err != nil {
		return nil, err
	}
	raw, err := x509.MarshalPKCS8PrivateKey(k.Private)
	if err != nil {
		return nil, fmt.Errorf("testidp: encoding the key: %w", err)
	}
	b, err := json.Marshal(keyFile{Key: raw, Cert: k.Cert.Raw})
	if err != nil {
		return nil, fmt.Errorf("testidp: encoding the key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return p.load(path) // created by the server or a token command meanwhile
	}
	if err != nil {
		return nil, fmt.Errorf("testidp: creating %s: %w", path, err)
	}
	_, werr := f.Write(p.box.Seal(b, keyAD))
	if err := errors.Join(werr, f.Sync(), f.Close()); err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("testidp: writing %s: %w", path, err)
	}
	return k, nil
}

func (p *IdP) load(path string) (*Key, error) {
	sealed, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	b, err := p.box.Open(sealed, keyAD)
	if err != nil {
		return nil, fmt.Errorf("testidp: %s does not open with the data directory's master key (%v); it was written under another key: "+
			"remove it and a new test IdP key is made (tokens, assertions and SAML providers made with the old one stop working)", path, err)
	}
	var kf keyFile
	if err := json.Unmarshal(b, &kf); err != nil {
		return nil, fmt.Errorf("testidp: decoding %s: %w", path, err)
	}
	priv, err := x509.ParsePKCS8PrivateKey(kf.Key)
	if err != nil {
		return nil, fmt.Errorf("testidp: decoding the key of %s: %w", path, err)
	}
	rk, ok := priv.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("testidp: the key of %s is not an RSA key", path)
	}
	cert, err := x509.ParseCertificate(kf.Cert)
	if err != nil {
		return nil, fmt.Errorf("testidp: decoding the certificate of %s: %w", path, err)
	}
	return newKey(rk, cert), nil
}

func generate(now time.Time) (*Key, error) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("testidp: generating the key: %w", err)
	}
	return certify(priv, now)
}

// certify makes the self-signed certificate of priv.
func certify(priv *rsa.PrivateKey, now time.Time) (*Key, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 63))
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "connect-iam test identity provider"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(20, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		return nil, fmt.Errorf("testidp: creating the certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return newKey(priv, cert), nil
}

func newKey(priv *rsa.PrivateKey, cert *x509.Certificate) *Key {
	pub, _ := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	sum := sha256.Sum256(pub)
	return &Key{Private: priv, Cert: cert, KeyID: base64.RawURLEncoding.EncodeToString(sum[:12])}
}

// Reseal seals the key file of the data directory dir under box next
// instead of box old, for "connect-iam keys rotate". A directory without
// a key file is left as it is.
func Reseal(dir string, old, next *secretbox.Box) error {
	path := filepath.Join(dir, KeyFile)
	sealed, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("testidp: %w", err)
	}
	b, err := old.Open(sealed, keyAD)
	if err != nil {
		return fmt.Errorf("testidp: %s does not open with the old master key: %w", path, err)
	}
	tmp := path + ".new"
	if err := os.WriteFile(tmp, next.Seal(b, keyAD), 0o600); err != nil {
		return fmt.Errorf("testidp: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("testidp: %w", err)
	}
	return nil
}
