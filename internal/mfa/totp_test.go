package mfa

import (
	"bufio"
	"bytes"
	"errors"
	"image/png"
	"os"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/connect-iam/connect-iam/internal/secretbox"
)

// rfcSeed is the RFC 6238 test seed "12345678901234567890" in Base32.
const rfcSeed = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

func TestCodeRFC6238(t *testing.T) {
	f, err := os.Open("testdata/rfc6238.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		sec, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Code(rfcSeed, time.Unix(sec, 0))
		if err != nil {
			t.Fatal(err)
		}
		if got != fields[1] {
			t.Errorf("Code at %d = %s, want %s", sec, got, fields[1])
		}
		n++
	}
	if n != 6 {
		t.Fatalf("read %d vectors, want 6", n)
	}
}

func TestStep(t *testing.T) {
	for _, tc := range []struct {
		unix int64
		want int64
	}{{0, 0}, {29, 0}, {30, 1}, {59, 1}, {60, 2}, {-1, -1}, {-30, -1}, {-31, -2}} {
		if got := Step(time.Unix(tc.unix, 0)); got != tc.want {
			t.Errorf("Step(%d) = %d, want %d", tc.unix, got, tc.want)
		}
	}
}

func TestParseSeed(t *testing.T) {
	for _, tc := range []struct {
		in, want, err string
	}{
		{rfcSeed, rfcSeed, ""},
		{strings.ToLower(rfcSeed), rfcSeed, ""},
		{"GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ", rfcSeed, ""},
		{"", "", "empty"},
		{"GEZDGNBVGY3TQOJ1", "", "not Base32"},
		{"GEZDGNBV", "", "at least 16"},
	} {
		got, err := ParseSeed(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseSeed(%q) error = %v, want one containing %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseSeed(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func FuzzParseSeed(f *testing.F) {
	f.Add(rfcSeed)
	f.Add("gezd gnbv")
	f.Add("====")
	f.Fuzz(func(t *testing.T, s string) {
		seed, err := ParseSeed(s)
		if err != nil {
			return
		}
		again, err := ParseSeed(seed)
		if err != nil || again != seed {
			t.Fatalf("ParseSeed(%q) = %q, but ParseSeed of that = %q, %v", s, seed, again, err)
		}
		if _, err := CodeAt(seed, 1); err != nil {
			t.Fatalf("CodeAt of accepted seed %q: %v", seed, err)
		}
	})
}

func TestNewSeed(t *testing.T) {
	a, b := NewSeed(), NewSeed()
	if len(a) != 64 || a == b {
		t.Fatalf("NewSeed = %q, %q: want two different 64-character seeds", a, b)
	}
	if _, err := ParseSeed(a); err != nil {
		t.Fatal(err)
	}
}

func TestFindConsecutive(t *testing.T) {
	c := func(step int64) string {
		code, err := CodeAt(rfcSeed, step)
		if err != nil {
			t.Fatal(err)
		}
		return code
	}
	for _, tc := range []struct {
		name         string
		code1, code2 string
		from, to     int64
		want         int64
		ok           bool
	}{
		{"current pair", c(99), c(100), 98, 101, 100, true},
		{"pair at the window's start", c(97), c(98), 98, 101, 98, true},
		{"pair before the window", c(96), c(97), 98, 101, 0, false},
		{"codes swapped", c(100), c(99), 90, 101, 0, false},
		{"not consecutive", c(98), c(100), 90, 101, 0, false},
		{"wrong code", "000000", c(100), 90, 101, 0, false},
	} {
		got, ok := FindConsecutive(rfcSeed, tc.code1, tc.code2, tc.from, tc.to)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: FindConsecutive = %d, %v; want %d, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

func TestQRCodePNG(t *testing.T) {
	b, err := QRCodePNG(rfcSeed, "connect-iam", "123456789012:alice")
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("QRCodePNG is not a PNG: %v", err)
	}
	if s := img.Bounds().Size(); s.X != QRCodeSize || s.Y != QRCodeSize {
		t.Errorf("QR code is %v, want %dx%d", s, QRCodeSize, QRCodeSize)
	}
	uri := KeyURI(rfcSeed, "connect-iam", "123456789012:alice")
	if !strings.HasPrefix(uri, "otpauth://totp/connect-iam:123456789012%3Aalice?") || !strings.Contains(uri, "secret="+rfcSeed) {
		t.Errorf("KeyURI = %s", uri)
	}
}

// TestDeviceLifecycle walks a device through enabling, sign-in, replay,
// drift and resync on the fake clock of testing/synctest.
func TestDeviceLifecycle(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		code := func(offset time.Duration) string {
			c, err := Code(rfcSeed, time.Now().Add(offset))
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		d := &Device{SerialNumber: "arn:aws:iam::123456789012:mfa/alice", Seed: rfcSeed}
		if err := d.Verify(code(0), "alice", time.Now()); !errors.Is(err, ErrNotAssigned) {
			t.Fatalf("Verify before Enable = %v, want ErrNotAssigned", err)
		}
		if err := d.Enable(code(0), code(-Period), "alice", "AIDA1", time.Now()); !errors.Is(err, ErrInvalidCode) {
			t.Fatalf("Enable with codes in the wrong order = %v, want ErrInvalidCode", err)
		}
		c1 := code(0)
		time.Sleep(Period)
		c2 := code(0)
		if err := d.Enable(c1, c2, "alice", "AIDA1", time.Now()); err != nil {
			t.Fatalf("Enable: %v", err)
		}
		if err := d.Verify(c2, "alice", time.Now()); !errors.Is(err, ErrInvalidCode) {
			t.Fatalf("Verify with Enable's second code = %v, want ErrInvalidCode (no replay)", err)
		}
		time.Sleep(Period)
		c3 := code(0)
		if err := d.Verify(c3, "bob", time.Now()); !errors.Is(err, ErrNotAssigned) {
			t.Fatalf("Verify for another user = %v, want ErrNotAssigned", err)
		}
		if err := d.Verify(c3, "ALICE", time.Now()); err != nil {
			t.Fatalf("Verify: %v", err)
		}
		if err := d.Verify(c3, "alice", time.Now()); !errors.Is(err, ErrInvalidCode) {
			t.Fatalf("Verify with the same code again = %v, want ErrInvalidCode", err)
		}
		// The device's clock runs five minutes fast: its codes are out of
		// the sign-in window until ResyncMFADevice learns the drift.
		time.Sleep(Period)
		fast := 5 * time.Minute
		if err := d.Verify(code(fast), "alice", time.Now()); !errors.Is(err, ErrInvalidCode) {
			t.Fatalf("Verify with a drifted code = %v, want ErrInvalidCode", err)
		}
		r1 := code(fast)
		time.Sleep(Period)
		r2 := code(fast)
		if err := d.Resync(r1, r2, time.Now()); err != nil {
			t.Fatalf("Resync: %v", err)
		}
		if d.Drift != 10 {
			t.Fatalf("Drift = %d steps, want 10", d.Drift)
		}
		time.Sleep(Period)
		if err := d.Verify(code(fast), "alice", time.Now()); err != nil {
			t.Fatalf("Verify after Resync: %v", err)
		}
		d.Deactivate()
		if d.Assigned() {
			t.Fatal("device still assigned after Deactivate")
		}
	})
}

func TestSealedRoundTrip(t *testing.T) {
	key := make([]byte, secretbox.KeySize)
	box, err := secretbox.New(key)
	if err != nil {
		t.Fatal(err)
	}
	d := Device{AccountID: "123456789012", SerialNumber: SerialNumber("aws", "123456789012", "/", "alice"), Path: "/", Name: "alice",
		Seed: rfcSeed, UserName: "alice", LastStep: 7, Drift: -2}
	r, err := d.toResource(box)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(r.Attributes, []byte(rfcSeed)) {
		t.Fatal("the stored attributes contain the seed in clear")
	}
	got, err := fromResource(box, r)
	if err != nil {
		t.Fatal(err)
	}
	if got.Seed != rfcSeed || got.UserName != "alice" || got.LastStep != 7 || got.Drift != -2 || got.Path != "/" {
		t.Fatalf("round trip = %+v", got)
	}
	r.ARN = SerialNumber("aws", "123456789012", "/", "bob")
	if _, err := fromResource(box, r); err == nil {
		t.Fatal("a seed sealed for one serial number opened under another")
	}
}
