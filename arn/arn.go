// Package arn parses Amazon Resource Names and matches them against the
// wildcard patterns IAM policies use.
//
// An ARN has six colon-separated fields:
//
//	arn:partition:service:region:account-id:resource
//
// The resource field may itself contain colons (for example
// "arn:aws:logs:us-east-1:111122223333:log-group:app:*"), so an ARN is
// split at its first five colons only, never more.
//
// # Matching
//
// [Glob] implements the IAM wildcards: "*" matches any run of characters
// (including none, and including "/" and ":"), "?" matches exactly one
// character (one Unicode code point). Everything else matches itself.
//
// [Match] implements the Resource element and the ArnEquals/ArnLike
// operators: the bare pattern "*" matches every value, ARN or not; otherwise
// pattern and value are each split into six fields at their first five
// colons and the fields are globbed one by one, case-sensitively, so that a
// "*" in the region field can never swallow a colon and reach into the
// account field. Within the sixth (resource) field, which keeps any further
// colons, "*" does cross colons.
//
// A pattern or value with fewer than six fields (fewer than five colons,
// such as "arn:aws:connect:*" or "arn:aws:connect:*:instance/i-1") is
// matched field by field too, by [SplitPadded]: its missing fields are
// empty, so a "*" never crosses a colon outside the sixth field, and a
// short pattern matches no ARN (whose resource field is never empty). The
// IAM documentation does not say what a short pattern means; this is the
// reading in which "each of the six colon-delimited components ... is
// checked separately" holds for every pattern.
//
// The IAM documentation states the six-field rule but not what happens when
// the resource field of the pattern and of the value contain different
// numbers of colons. This package makes the following decision, marked
// UNCONFIRMED in the project's specification: the resource field is a
// single glob subject, so "arn:aws:logs:*:*:log-group:*" matches
// "arn:aws:logs:us-east-1:111122223333:log-group:app:log-stream:s1".
package arn

import (
	"errors"
	"fmt"
	"math/bits"
	"strings"
)

// ARN is a parsed Amazon Resource Name.
type ARN struct {
	Partition string // "aws", "aws-cn", "aws-us-gov", ...
	Service   string // "connect", "iam", "s3", ...
	Region    string // may be empty ("iam", "s3")
	AccountID string // may be empty ("s3" buckets)
	Resource  string // everything after the fifth colon, colons included
}

// String returns the ARN in its textual form.
func (a ARN) String() string {
	return "arn:" + a.Partition + ":" + a.Service + ":" + a.Region + ":" + a.AccountID + ":" + a.Resource
}

// Error is returned by [Parse] for a string that is not a well-formed ARN.
type Error struct {
	Input  string
	Offset int    // byte offset in Input where the problem is
	Msg    string // what is wrong and how to fix it
}

// Error returns the message with the offending input and offset.
func (e *Error) Error() string {
	return fmt.Sprintf("invalid ARN %q at offset %d: %s", e.Input, e.Offset, e.Msg)
}

// ErrNotARN is wrapped by every [*Error] so that callers can test for it
// with errors.Is.
var ErrNotARN = errors.New("not an ARN")

// Unwrap returns [ErrNotARN].
func (e *Error) Unwrap() error { return ErrNotARN }

// Fields is an ARN split into its six fields: "arn", partition, service,
// region, account and resource.
type Fields [6]string

// Split splits s at its first five colons. It reports false, and a zero
// Fields, when s has fewer than five colons. The sixth field keeps any
// further colons. Split does not allocate.
func Split(s string) (Fields, bool) {
	var f Fields
	n, start := 0, 0
	// Eight bytes at a time: the fields before the resource are short,
	// and a byte loop's branch per byte, or strings.IndexByte's call per
	// field, dominates on them.
	i := 0
	for ; i+8 <= len(s); i += 8 {
		for m := colons(load64(s, i)); m != 0; m &= m - 1 {
			c := i + bits.TrailingZeros64(m)/8
			f[n] = s[start:c]
			n++
			start = c + 1
			if n == 5 {
				f[5] = s[start:]
				return f, true
			}
		}
	}
	for ; i < len(s); i++ {
		if s[i] == ':' {
			f[n] = s[start:i]
			n++
			start = i + 1
			if n == 5 {
				f[5] = s[start:]
				return f, true
			}
		}
	}
	return Fields{}, false
}

// SplitPadded splits s like [Split], but a string with fewer than five
// colons is split at the colons it has, the missing fields left empty. It
// returns the number of fields s really has (1 to 6). SplitPadded does not
// allocate.
func SplitPadded(s string) (Fields, int) {
	if f, ok := Split(s); ok {
		return f, 6
	}
	var f Fields
	n := 0
	for {
		i := strings.IndexByte(s, ':')
		if i < 0 {
			f[n] = s
			return f, n + 1
		}
		f[n] = s[:i]
		s = s[i+1:]
		n++
	}
}

// load64 returns the eight bytes of s at i as a little-endian word.
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// colons returns a word with the high bit set in each byte of w that is
// ':', and no other bit set.
func colons(w uint64) uint64 {
	const lo7, hi = 0x7f7f7f7f7f7f7f7f, 0x8080808080808080
	x := w ^ 0x3a3a3a3a3a3a3a3a // ':' bytes become zero
	// Exact zero-byte detection: no carries cross bytes.
	return ^((x & lo7) + lo7 | x | lo7) & hi
}

// Parse parses s as an ARN. The prefix must be "arn", and the partition,
// service and resource fields must be non-empty; region and account may be
// empty, as they are in IAM and S3 ARNs. Parse checks shape only: it does
// not know which services or regions exist.
func Parse(s string) (ARN, error) {
	f, ok := Split(s)
	if !ok {
		return ARN{}, &Error{Input: s, Offset: len(s), Msg: "an ARN has six colon-separated fields, arn:partition:service:region:account-id:resource; found " + fmt.Sprint(strings.Count(s, ":")+1)}
	}
	if f[0] != "arn" {
		return ARN{}, &Error{Input: s, Offset: 0, Msg: fmt.Sprintf("an ARN starts with \"arn:\", not %q", f[0]+":")}
	}
	off := len("arn:")
	if f[1] == "" {
		return ARN{}, &Error{Input: s, Offset: off, Msg: "the partition field is empty; write aws (or aws-cn, aws-us-gov)"}
	}
	off += len(f[1]) + 1
	if f[2] == "" {
		return ARN{}, &Error{Input: s, Offset: off, Msg: "the service field is empty; write the service prefix, for example connect"}
	}
	if f[5] == "" {
		return ARN{}, &Error{Input: s, Offset: len(s), Msg: "the resource field is empty; write the resource after the fifth colon, for example instance/ID"}
	}
	return ARN{Partition: f[1], Service: f[2], Region: f[3], AccountID: f[4], Resource: f[5]}, nil
}

// Match reports whether value matches the Resource-element or ArnLike
// pattern, as described in the package documentation. Match does not
// allocate for patterns with up to 32 wildcard-separated pieces per field.
func Match(pattern, value string) bool {
	if pattern == "*" {
		return true
	}
	pf, _ := SplitPadded(pattern)
	vf, _ := SplitPadded(value)
	for i := range pf {
		if !Glob(pf[i], vf[i]) {
			return false
		}
	}
	return true
}
