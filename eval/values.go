package eval

import (
	"encoding/base64"
	"net/netip"
	"strings"
	"time"
)

// decimal is an exact decimal number: sign, integer digits without leading
// zeros and fraction digits without trailing zeros. The digit strings are
// substrings of the parsed text, so parsing does not allocate, and
// comparison is exact at any size (unlike float64).
type decimal struct {
	neg  bool
	intp string
	frac string
}

// parseDecimal parses an optionally signed integer or decimal number such
// as "10", "-3.5", "+0.25" or ".5". Exponents are not accepted.
func parseDecimal(s string) (decimal, bool) {
	var d decimal
	if s == "" {
		return d, false
	}
	switch s[0] {
	case '-':
		d.neg = true
		s = s[1:]
	case '+':
		s = s[1:]
	}
	intp, frac, hasDot := strings.Cut(s, ".")
	if intp == "" && frac == "" {
		return decimal{}, false
	}
	if hasDot && frac == "" && intp == "" {
		return decimal{}, false
	}
	if !allDigits(intp) || !allDigits(frac) {
		return decimal{}, false
	}
	intp = strings.TrimLeft(intp, "0")
	frac = strings.TrimRight(frac, "0")
	d.intp, d.frac = intp, frac
	if intp == "" && frac == "" {
		d.neg = false // -0 == 0
	}
	return d, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// cmp returns -1, 0 or +1 as a is less than, equal to or greater than b.
func (a decimal) cmp(b decimal) int {
	if a.neg != b.neg {
		if a.neg {
			return -1
		}
		return 1
	}
	c := a.cmpAbs(b)
	if a.neg {
		c = -c
	}
	return c
}

func (a decimal) cmpAbs(b decimal) int {
	if len(a.intp) != len(b.intp) {
		if len(a.intp) < len(b.intp) {
			return -1
		}
		return 1
	}
	if c := strings.Compare(a.intp, b.intp); c != 0 {
		return c
	}
	return strings.Compare(a.frac, b.frac)
}

// parseDate parses the date forms the Date operators accept:
//
//   - epoch seconds: an optionally signed integer of any length except
//     exactly four digits, optionally with a fraction ("1700000000",
//     "1700000000.5");
//   - the W3C profile of ISO 8601: YYYY, YYYY-MM, YYYY-MM-DD,
//     YYYY-MM-DDThh:mm, YYYY-MM-DDThh:mm:ss and YYYY-MM-DDThh:mm:ss.s+
//     (any number of fraction digits), each time form followed by a time
//     zone designator "Z", "+hh:mm" or "-hh:mm".
//
// A four-digit number is a year (the W3C "YYYY" form), never an epoch
// time. A time without a zone designator is taken as UTC; "T" and "Z" may
// be lower case. Partial dates denote their first instant (2026 is
// 2026-01-01T00:00:00Z). parseDate does not allocate.
func parseDate(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	if isEpochForm(s) {
		return parseEpoch(s)
	}
	p := dateParser{s: s, ok: true}
	year := p.digits(4)
	month, day := 1, 1
	var hour, minute, sec, nsec int
	if p.ok && p.more() {
		p.expect('-')
		month = p.digits(2)
		if p.ok && p.more() {
			p.expect('-')
			day = p.digits(2)
			if p.ok && p.more() {
				if p.i < len(s) && (s[p.i] == 'T' || s[p.i] == 't') {
					p.i++
				} else {
					p.ok = false
				}
				hour = p.digits(2)
				p.expect(':')
				minute = p.digits(2)
				if p.ok && p.i < len(s) && s[p.i] == ':' {
					p.i++
					sec = p.digits(2)
					if p.ok && p.i < len(s) && s[p.i] == '.' {
						p.i++
						nsec = p.fraction()
					}
				}
				if p.ok && p.more() {
					p.zone()
				}
			}
		}
	}
	if !p.ok || p.more() {
		return time.Time{}, false
	}
	if month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	return t.Add(-time.Duration(p.offset) * time.Second), true
}

// isEpochForm reports whether s is written as a number (optional sign,
// digits, optional fraction) other than a bare four-digit year.
func isEpochForm(s string) bool {
	body := s
	if body[0] == '-' || body[0] == '+' {
		body = body[1:]
	}
	intp, frac, _ := strings.Cut(body, ".")
	numeric := intp != "" && allDigits(intp) && allDigits(frac)
	return numeric && (s != intp || len(intp) != 4)
}

func parseEpoch(s string) (time.Time, bool) {
	neg := false
	switch s[0] {
	case '-':
		neg = true
		s = s[1:]
	case '+':
		s = s[1:]
	}
	intp, frac, _ := strings.Cut(s, ".")
	if intp == "" || len(intp) > 12 || !allDigits(intp) || !allDigits(frac) {
		return time.Time{}, false
	}
	var sec int64
	for i := 0; i < len(intp); i++ {
		sec = sec*10 + int64(intp[i]-'0')
	}
	var nsec int64
	for i, scale := 0, int64(100000000); i < len(frac) && scale > 0; i, scale = i+1, scale/10 {
		nsec += int64(frac[i]-'0') * scale
	}
	if neg {
		sec, nsec = -sec, -nsec
	}
	return time.Unix(sec, nsec).UTC(), true
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

type dateParser struct {
	s      string
	i      int
	ok     bool
	offset int // zone offset in seconds east of UTC
}

func (p *dateParser) more() bool { return p.i < len(p.s) }

func (p *dateParser) digits(n int) int {
	if !p.ok || p.i+n > len(p.s) {
		p.ok = false
		return 0
	}
	v := 0
	for j := 0; j < n; j++ {
		c := p.s[p.i+j]
		if c < '0' || c > '9' {
			p.ok = false
			return 0
		}
		v = v*10 + int(c-'0')
	}
	p.i += n
	return v
}

func (p *dateParser) expect(c byte) {
	if !p.ok || p.i >= len(p.s) || p.s[p.i] != c {
		p.ok = false
		return
	}
	p.i++
}

func (p *dateParser) fraction() int {
	start := p.i
	nsec, scale := 0, 100000000
	for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		nsec += int(p.s[p.i]-'0') * scale
		scale /= 10
		p.i++
	}
	if p.i == start {
		p.ok = false
	}
	return nsec
}

func (p *dateParser) zone() {
	switch p.s[p.i] {
	case 'Z', 'z':
		p.i++
	case '+', '-':
		sign := 1
		if p.s[p.i] == '-' {
			sign = -1
		}
		p.i++
		h := p.digits(2)
		p.expect(':')
		m := p.digits(2)
		if h > 23 || m > 59 {
			p.ok = false
		}
		p.offset = sign * (h*3600 + m*60)
	default:
		p.ok = false
	}
}

// parseBool parses "true" or "false" without regard to case. IAM's
// documentation does not say whether "True" is accepted (UNCONFIRMED in the
// project's specification); this engine accepts any case, because JSON
// booleans, "true" and "True" are all written in published policies.
func parseBool(s string) (value, ok bool) {
	switch {
	case strings.EqualFold(s, "true"):
		return true, true
	case strings.EqualFold(s, "false"):
		return false, true
	}
	return false, false
}

// parsePrefix parses an IpAddress policy value: a CIDR block, or a bare
// address meaning /32 (IPv4) or /128 (IPv6). Host bits are cleared, so
// "203.0.113.7/24" means 203.0.113.0/24.
func parsePrefix(s string) (netip.Prefix, bool) {
	if strings.IndexByte(s, '/') >= 0 {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		if p.Addr().Is4In6() {
			bits := p.Bits() - 96
			if bits < 0 {
				return netip.Prefix{}, false
			}
			p = netip.PrefixFrom(p.Addr().Unmap(), bits)
		}
		return p.Masked(), true
	}
	a, ok := parseAddr(s)
	if !ok {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(a, a.BitLen()), true
}

// parseAddr parses a request's IP address; IPv4-mapped IPv6 addresses are
// unmapped so that they match IPv4 blocks.
func parseAddr(s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// parseBinary decodes a base64 value (standard alphabet, padded or not).
func parseBinary(s string) ([]byte, bool) {
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b, true
	}
	if b, err := base64.RawStdEncoding.DecodeString(s); err == nil {
		return b, true
	}
	return nil, false
}
