package audit

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// uuidV7 matches a version 7, RFC 9562 variant UUID in its text form.
var uuidV7 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestEventIDAt(t *testing.T) {
	base := time.Date(2026, 11, 22, 5, 0, 0, 0, time.UTC)
	cases := []struct {
		at         time.Time
		wantPrefix string // the 48-bit Unix millisecond timestamp in hex
	}{
		{time.UnixMilli(0), "00000000-0000-"},
		{time.UnixMilli(0x0123456789ab), "01234567-89ab-"},
		{base, "01a201a0-1c80-"}, // 1795323600000 ms
	}
	for _, c := range cases {
		id := eventIDAt(c.at)
		if !uuidV7.MatchString(id) {
			t.Errorf("eventIDAt(%v) = %q, not a version 7 UUID", c.at, id)
		}
		if !strings.HasPrefix(id, c.wantPrefix) {
			t.Errorf("eventIDAt(%v) = %q, want prefix %q", c.at, id, c.wantPrefix)
		}
	}
	// Later events sort after earlier ones, and IDs of one millisecond
	// differ.
	prev := eventIDAt(base)
	seen := map[string]bool{prev: true}
	for i := 1; i <= 1000; i++ {
		id := eventIDAt(base.Add(time.Duration(i) * time.Millisecond))
		if id <= prev {
			t.Fatalf("event ID %q of a later event sorts before %q", id, prev)
		}
		same := eventIDAt(base)
		if seen[id] || seen[same] {
			t.Fatalf("event ID repeated: %q or %q", id, same)
		}
		seen[id], seen[same] = true, true
		prev = id
	}
}
