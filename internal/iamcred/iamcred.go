// Package iamcred parses and checks the key material IAM users upload:
// SSH public keys (OpenSSH ssh-rsa format or a PEM public key; IAM
// requires RSA of at least 2048 bits) with their MD5 fingerprint as IAM
// shows it, and X.509 certificates in PEM (signing certificates, and
// server certificates with their private key and chain: the key must be
// the certificate's, and each chain certificate must sign the one before).
package iamcred

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/md5"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"strings"
)

// MinRSABits is the smallest RSA key IAM accepts as an SSH public key.
const MinRSABits = 2048

// SSHKey is a parsed SSH public key.
type SSHKey struct {
	// Bits is the size of the RSA modulus.
	Bits int
	// Fingerprint is the MD5 fingerprint of the key's wire encoding, as
	// hex pairs joined by colons ("c4:...:9f"), as IAM returns it.
	Fingerprint string
	// Wire is the key in the SSH wire format (RFC 4253 section 6.6).
	Wire []byte
}

// An Error says what is wrong with uploaded key material.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

func errorf(format string, args ...any) error { return &Error{fmt.Sprintf(format, args...)} }

// ParseSSHPublicKey parses an SSH public key as IAM accepts it: one line
// "ssh-rsa BASE64 [comment]", or a PEM "PUBLIC KEY" / "RSA PUBLIC KEY"
// block holding an RSA key.
func ParseSSHPublicKey(text string) (SSHKey, error) {
	t := strings.TrimSpace(text)
	if strings.HasPrefix(t, "-----BEGIN") {
		pub, err := pemRSAPublicKey(t)
		if err != nil {
			return SSHKey{}, err
		}
		return sshKey(pub)
	}
	fields := strings.Fields(t)
	if len(fields) < 2 {
		return SSHKey{}, errorf("the key is neither \"ssh-rsa BASE64 [comment]\" nor a PEM public key")
	}
	if fields[0] != "ssh-rsa" {
		return SSHKey{}, errorf("the key type is %q: IAM accepts only ssh-rsa keys", fields[0])
	}
	blob, err := base64.StdEncoding.DecodeString(fields[1])
	if err != nil {
		return SSHKey{}, errorf("the key data is not valid base64: %v", err)
	}
	pub, err := parseWireRSA(blob)
	if err != nil {
		return SSHKey{}, err
	}
	return sshKey(pub)
}

func pemRSAPublicKey(t string) (*rsa.PublicKey, error) {
	b, rest := pem.Decode([]byte(t))
	if b == nil {
		return nil, errorf("the PEM block is malformed")
	}
	if len(bytes.TrimSpace(rest)) > 0 {
		return nil, errorf("text follows the PEM block: upload one key")
	}
	switch b.Type {
	case "RSA PUBLIC KEY":
		pub, err := x509.ParsePKCS1PublicKey(b.Bytes)
		if err != nil {
			return nil, errorf("the RSA PUBLIC KEY block is not a PKCS #1 key: %v", err)
		}
		return pub, nil
	case "PUBLIC KEY":
		k, err := x509.ParsePKIXPublicKey(b.Bytes)
		if err != nil {
			return nil, errorf("the PUBLIC KEY block is not a PKIX key: %v", err)
		}
		pub, ok := k.(*rsa.PublicKey)
		if !ok {
			return nil, errorf("the key is %T: IAM accepts only RSA keys", k)
		}
		return pub, nil
	}
	return nil, errorf("the PEM block is %q, want PUBLIC KEY or RSA PUBLIC KEY", b.Type)
}

// parseWireRSA reads an ssh-rsa key in the wire format: string "ssh-rsa",
// mpint e, mpint n.
func parseWireRSA(b []byte) (*rsa.PublicKey, error) {
	var parts [3][]byte
	for i := range parts {
		if len(b) < 4 {
			return nil, errorf("the key data is truncated")
		}
		n := binary.BigEndian.Uint32(b)
		b = b[4:]
		if uint64(n) > uint64(len(b)) {
			return nil, errorf("the key data is truncated")
		}
		parts[i], b = b[:n], b[n:]
	}
	if len(b) != 0 {
		return nil, errorf("the key data has %d trailing bytes", len(b))
	}
	if string(parts[0]) != "ssh-rsa" {
		return nil, errorf("the key data is of type %q, not ssh-rsa", parts[0])
	}
	for _, p := range parts[1:] {
		if len(p) > 0 && p[0]&0x80 != 0 {
			return nil, errorf("the key data has a negative integer")
		}
	}
	e := new(big.Int).SetBytes(parts[1])
	if !e.IsInt64() || e.Int64() < 3 || e.Int64() > 1<<31-1 || e.Bit(0) == 0 {
		return nil, errorf("the RSA public exponent is not an odd number between 3 and 2^31")
	}
	return &rsa.PublicKey{N: new(big.Int).SetBytes(parts[2]), E: int(e.Int64())}, nil
}

func sshKey(pub *rsa.PublicKey) (SSHKey, error) {
	if pub.N.Sign() <= 0 || pub.E < 3 {
		return SSHKey{}, errorf("the RSA key is invalid")
	}
	if bits := pub.N.BitLen(); bits < MinRSABits {
		return SSHKey{}, errorf("the RSA key has %d bits: IAM requires at least %d", bits, MinRSABits)
	}
	wire := wireRSA(pub)
	sum := md5.Sum(wire)
	hx := hex.EncodeToString(sum[:])
	pairs := make([]string, len(sum))
	for i := range pairs {
		pairs[i] = hx[2*i : 2*i+2]
	}
	return SSHKey{Bits: pub.N.BitLen(), Fingerprint: strings.Join(pairs, ":"), Wire: wire}, nil
}

func wireRSA(pub *rsa.PublicKey) []byte {
	var out []byte
	put := func(b []byte) {
		out = binary.BigEndian.AppendUint32(out, uint32(len(b)))
		out = append(out, b...)
	}
	mpint := func(n *big.Int) []byte {
		b := n.Bytes()
		if len(b) > 0 && b[0]&0x80 != 0 {
			b = append([]byte{0}, b...)
		}
		return b
	}
	put([]byte("ssh-rsa"))
	put(mpint(big.NewInt(int64(pub.E))))
	put(mpint(pub.N))
	return out
}

// OpenSSH returns the key as one ssh-rsa line.
func (k SSHKey) OpenSSH() string { return "ssh-rsa " + base64.StdEncoding.EncodeToString(k.Wire) }

// PEM returns the key as a PEM PUBLIC KEY block.
func (k SSHKey) PEM() string {
	pub, err := parseWireRSA(k.Wire)
	if err != nil {
		return ""
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return ""
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// ParseCertificate parses one PEM CERTIFICATE block.
func ParseCertificate(text, what string) (*x509.Certificate, error) {
	certs, err := parseCertificates(text, what)
	if err != nil {
		return nil, err
	}
	if len(certs) != 1 {
		return nil, errorf("the %s holds %d certificates: upload one", what, len(certs))
	}
	return certs[0], nil
}

func parseCertificates(text, what string) ([]*x509.Certificate, error) {
	rest := []byte(strings.TrimSpace(text))
	var out []*x509.Certificate
	for len(bytes.TrimSpace(rest)) > 0 {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			return nil, errorf("the %s is not PEM-encoded: send -----BEGIN CERTIFICATE----- blocks", what)
		}
		if b.Type != "CERTIFICATE" {
			return nil, errorf("the %s holds a %q block, want CERTIFICATE", what, b.Type)
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, errorf("the %s is not a valid X.509 certificate: %v", what, err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, errorf("the %s is empty", what)
	}
	return out, nil
}

// ParsePrivateKey parses one PEM private key (PKCS #1, PKCS #8 or SEC 1).
func ParsePrivateKey(text string) (crypto.Signer, error) {
	b, rest := pem.Decode([]byte(strings.TrimSpace(text)))
	if b == nil {
		return nil, errorf("the private key is not PEM-encoded")
	}
	if len(bytes.TrimSpace(rest)) > 0 {
		return nil, errorf("text follows the private key's PEM block")
	}
	var k any
	var err error
	switch b.Type {
	case "RSA PRIVATE KEY":
		k, err = x509.ParsePKCS1PrivateKey(b.Bytes)
	case "EC PRIVATE KEY":
		k, err = x509.ParseECPrivateKey(b.Bytes)
	case "PRIVATE KEY":
		k, err = x509.ParsePKCS8PrivateKey(b.Bytes)
	default:
		return nil, errorf("the private key block is %q, want RSA PRIVATE KEY, EC PRIVATE KEY or PRIVATE KEY (an encrypted key must be decrypted first)", b.Type)
	}
	if err != nil {
		return nil, errorf("the private key is invalid: %v", err)
	}
	s, ok := k.(crypto.Signer)
	if !ok {
		return nil, errorf("the private key is of an unsupported type %T", k)
	}
	return s, nil
}

// CheckServerCertificate parses a server certificate, its private key and
// its optional chain, and checks that the key is the certificate's and
// that each chain certificate signs the certificate before it.
func CheckServerCertificate(body, key, chain string) (*x509.Certificate, error) {
	cert, err := ParseCertificate(body, "certificate body")
	if err != nil {
		return nil, err
	}
	k, err := ParsePrivateKey(key)
	if err != nil {
		return nil, err
	}
	if !samePublicKey(cert.PublicKey, k.Public()) {
		return nil, errorf("the private key does not match the certificate's public key")
	}
	if strings.TrimSpace(chain) == "" {
		return cert, nil
	}
	certs, err := parseCertificates(chain, "certificate chain")
	if err != nil {
		return nil, err
	}
	prev := cert
	for i, c := range certs {
		if err := prev.CheckSignatureFrom(c); err != nil {
			return nil, errorf("certificate %d of the chain (%s) did not sign %s: %v", i+1, c.Subject, prev.Subject, err)
		}
		prev = c
	}
	return cert, nil
}

func samePublicKey(a, b any) bool {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	switch x := a.(type) {
	case *rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey:
		return x.(equaler).Equal(b)
	}
	return false
}

// CertificateID returns the ID IAM gives an uploaded certificate: derived
// from its DER bytes, 32 upper-case alphanumerics.
func CertificateID(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return strings.ToUpper(hex.EncodeToString(sum[:16]))
}
