// Package mfa implements IAM's virtual MFA devices: time-based one-time
// passwords (TOTP, RFC 6238, with HMAC-SHA1, six digits and 30-second
// steps, as the authenticator apps AWS supports use them), the QR code an
// app scans, and the devices as the server stores them, with their seeds
// sealed by internal/secretbox.
//
// The HOTP computation and the otpauth:// key URI and its QR code come
// from github.com/pquerna/otp (which renders the QR code with
// github.com/boombuler/barcode); this package adds what IAM needs on top:
// the search for two consecutive codes that EnableMFADevice and
// ResyncMFADevice take, a clock drift per device, and the refusal of a
// code that was accepted before (no replay).
package mfa

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"fmt"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
)

// TOTP parameters of the virtual MFA devices IAM issues.
const (
	// Period is the length of a time step.
	Period = 30 * time.Second
	// Digits is the length of a code.
	Digits = 6
	// SeedSize is the size of a seed in bytes: 40 bytes are the 64 Base32
	// characters of the seeds IAM returns.
	SeedSize = 40
	// QRCodeSize is the width and height of the QR code PNG in pixels.
	QRCodeSize = 256
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewSeed returns a new random seed, Base32 encoded without padding.
func NewSeed() string {
	b := make([]byte, SeedSize)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand.Read does not fail on supported platforms
	}
	return b32.EncodeToString(b)
}

// ParseSeed checks a Base32 seed (letters in either case, padding and
// spaces allowed, as authenticator apps show them) and returns it in
// canonical form: upper case, without padding or spaces.
func ParseSeed(seed string) (string, error) {
	s := strings.ToUpper(strings.Map(func(r rune) rune {
		if r == ' ' || r == '=' || r == '-' {
			return -1
		}
		return r
	}, seed))
	if s == "" {
		return "", errors.New("mfa: the seed is empty: pass the Base32StringSeed that CreateVirtualMFADevice returned")
	}
	b, err := b32.DecodeString(s)
	if err != nil {
		return "", fmt.Errorf("mfa: the seed is not Base32 (letters A-Z and digits 2-7): %w", err)
	}
	if len(b) < 10 {
		return "", fmt.Errorf("mfa: the seed has %d bytes; RFC 4226 requires at least 16 (10 at the very least)", len(b))
	}
	return s, nil
}

// Step returns the TOTP time step of t: the number of whole periods since
// the Unix epoch.
func Step(t time.Time) int64 {
	u := t.Unix()
	p := int64(Period / time.Second)
	if u < 0 {
		return (u - p + 1) / p
	}
	return u / p
}

// CodeAt returns the code of a seed at a time step.
func CodeAt(seed string, step int64) (string, error) {
	if step < 0 {
		return "", fmt.Errorf("mfa: time step %d is before the Unix epoch", step)
	}
	code, err := hotp.GenerateCodeCustom(seed, uint64(step), hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return "", fmt.Errorf("mfa: computing a code: %w", err)
	}
	return code, nil
}

// Code returns the code of a seed at time t.
func Code(seed string, t time.Time) (string, error) { return CodeAt(seed, Step(t)) }

// equal compares two codes in constant time.
func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// matchAt reports whether code is the seed's code at step.
func matchAt(seed, code string, step int64) bool {
	want, err := CodeAt(seed, step)
	return err == nil && equal(want, code)
}

// FindConsecutive looks for a time step s in [from, to] such that code1 is
// the seed's code at s-1 and code2 its code at s, as EnableMFADevice and
// ResyncMFADevice take them, and returns s. It searches from the newest
// step back, so that the most recent pair wins.
func FindConsecutive(seed, code1, code2 string, from, to int64) (int64, bool) {
	if from < 1 {
		from = 1
	}
	for s := to; s >= from; s-- {
		if matchAt(seed, code2, s) && matchAt(seed, code1, s-1) {
			return s, true
		}
	}
	return 0, false
}

// FindOne looks for a time step in [from, to] whose code is code and
// returns the newest such step.
func FindOne(seed, code string, from, to int64) (int64, bool) {
	if from < 0 {
		from = 0
	}
	for s := to; s >= from; s-- {
		if matchAt(seed, code, s) {
			return s, true
		}
	}
	return 0, false
}

// KeyURI returns the otpauth:// URI of a device's key, which
// authenticator apps read from the QR code: the label is
// "issuer:account".
func KeyURI(seed, issuer, account string) string {
	return "otpauth://totp/" + escape(issuer) + ":" + escape(account) + "?secret=" + seed +
		"&issuer=" + escape(issuer) + "&algorithm=SHA1&digits=6&period=30"
}

// escape percent-encodes what the otpauth label and issuer must not carry
// literally.
func escape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~@+=,", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// QRCodePNG returns the PNG image of the QR code of a device's key URI.
func QRCodePNG(seed, issuer, account string) ([]byte, error) {
	k, err := otp.NewKeyFromURL(KeyURI(seed, issuer, account))
	if err != nil {
		return nil, fmt.Errorf("mfa: building the key URI: %w", err)
	}
	img, err := k.Image(QRCodeSize, QRCodeSize)
	if err != nil {
		return nil, fmt.Errorf("mfa: rendering the QR code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("mfa: encoding the QR code PNG: %w", err)
	}
	return buf.Bytes(), nil
}
