package console

import (
	"encoding/base64"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/connect-iam/connect-iam/internal/secretbox"
)

func testConsole(t testing.TB) *Console {
	box, err := secretbox.New(make([]byte, secretbox.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	return &Console{d: Deps{Box: box, Now: func() time.Time { return now }}}
}

// FuzzCookie: a sealed session opens to itself, and no change of one
// byte of the cookie, nor an arbitrary value, opens to a session.
func FuzzCookie(f *testing.F) {
	f.Add("ASIAAAAAAAAAAAAAAAAA", "arn:aws:iam::123456789012:user/alice", int64(3600), "csrf-token", 10, byte(1), "garbage")
	f.Add("ASIA", "", int64(-1), "x", 0, byte(0x80), "")
	f.Add("", "arn", int64(60), "", 3, byte(2), "AAAA")
	c := testConsole(f)
	f.Fuzz(func(t *testing.T, key, arn string, ttl int64, csrf string, at int, flip byte, arbitrary string) {
		if _, err := c.open(arbitrary); err == nil {
			t.Fatalf("an arbitrary value %q opened", arbitrary)
		}
		// Each field on its own: two invalid halves can concatenate to a
		// valid sequence ("\xd6" + "\xa0" is U+05A0).
		if !utf8.ValidString(key) || !utf8.ValidString(arn) || !utf8.ValidString(csrf) {
			t.Skip("the cookie's fields come from the store and are valid UTF-8")
		}
		s := sessionState{KeyID: key, ARN: arn, Account: "123456789012", Expires: c.d.Now().Unix() + ttl%(1<<40), CSRF: csrf}
		v := c.seal(s)
		got, err := c.open(v)
		valid := key != "" && csrf != "" && s.Expires > c.d.Now().Unix()
		if valid != (err == nil) {
			t.Fatalf("open(seal(%+v)): %v, want valid=%v", s, err, valid)
		}
		if valid && got != s {
			t.Fatalf("open(seal(%+v)) = %+v", s, got)
		}
		raw, _ := base64.RawURLEncoding.DecodeString(v)
		if flip == 0 || len(raw) == 0 {
			return
		}
		if at < 0 {
			at = -at
		}
		raw[at%len(raw)] ^= flip
		if _, err := c.open(base64.RawURLEncoding.EncodeToString(raw)); err == nil {
			t.Fatalf("a cookie with byte %d changed opened", at%len(raw))
		}
	})
}
