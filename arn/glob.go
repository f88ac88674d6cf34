package arn

import (
	"strings"
	"unicode/utf8"
)

// PieceKind is the kind of a [Piece] of a compiled glob.
type PieceKind uint8

const (
	// PieceText is text that must match exactly (or, with case folding,
	// up to ASCII case).
	PieceText PieceKind = iota
	// PieceStar is "*": any run of characters, possibly empty.
	PieceStar
	// PieceOne is "?": exactly one character (one UTF-8 code point).
	PieceOne
)

// Piece is one element of a compiled glob. A pattern such as "a*b?c"
// compiles to Text "a", Star, Text "b", One, Text "c".
type Piece struct {
	Kind PieceKind
	Text string // for PieceText
}

// AppendPieces appends the compiled form of the glob pattern to dst and
// returns the extended slice. Runs of text become one PieceText.
func AppendPieces(dst []Piece, pattern string) []Piece {
	start := 0
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		if c != '*' && c != '?' {
			continue
		}
		if i > start {
			dst = append(dst, Piece{Kind: PieceText, Text: pattern[start:i]})
		}
		if c == '*' {
			dst = append(dst, Piece{Kind: PieceStar})
		} else {
			dst = append(dst, Piece{Kind: PieceOne})
		}
		start = i + 1
	}
	if start < len(pattern) {
		dst = append(dst, Piece{Kind: PieceText, Text: pattern[start:]})
	}
	return dst
}

// Glob reports whether s matches pattern, where "*" matches any run of
// characters and "?" exactly one character. Matching is case-sensitive.
func Glob(pattern, s string) bool {
	var buf [32]Piece
	return MatchPieces(AppendPieces(buf[:0], pattern), s, false)
}

// GlobFold is like [Glob] but compares letters without regard to ASCII
// case, as IAM does for actions ("connect:Describe*" matches
// "CONNECT:describeuser").
func GlobFold(pattern, s string) bool {
	var buf [32]Piece
	return MatchPieces(AppendPieces(buf[:0], pattern), s, true)
}

// MatchPieces reports whether s matches the compiled glob p. With fold,
// text pieces compare without regard to ASCII case. It does not allocate.
//
// The algorithm is the classic linear-backtracking glob: on a mismatch it
// resumes after the most recent star, one character further on. Earlier
// stars never need revisiting, because the text between two stars is
// matched at its leftmost possible position, which leaves the most room
// for the rest of the pattern. The worst case is O(len(p)·len(s)).
func MatchPieces(p []Piece, s string, fold bool) bool {
	pi, si := 0, 0
	starPi, starSi := -1, 0
	for {
		if pi < len(p) {
			switch pc := p[pi]; pc.Kind {
			case PieceStar:
				if pi == len(p)-1 {
					return true // a trailing star matches the rest
				}
				starPi, starSi = pi, si
				pi++
				continue
			case PieceOne:
				if si < len(s) {
					_, n := utf8.DecodeRuneInString(s[si:])
					si += n
					pi++
					continue
				}
			default:
				if hasPrefix(s[si:], pc.Text, fold) {
					si += len(pc.Text)
					pi++
					continue
				}
			}
		} else if si == len(s) {
			return true
		}
		if starPi < 0 || starSi >= len(s) {
			return false
		}
		if c := s[starSi]; c < utf8.RuneSelf {
			starSi++
		} else {
			_, n := utf8.DecodeRuneInString(s[starSi:])
			starSi += n
		}
		// When text follows the star, skip straight to its next
		// occurrence: no earlier position can match it. Only for text
		// that begins a character: an occurrence of text that begins
		// with a UTF-8 continuation byte may lie inside a character,
		// where a star (which consumes whole characters) never stops.
		if next := p[starPi+1]; next.Kind == PieceText && !fold && utf8.RuneStart(next.Text[0]) {
			i := strings.Index(s[starSi:], next.Text)
			if i < 0 {
				return false
			}
			starSi += i
		}
		pi, si = starPi+1, starSi
	}
}

func hasPrefix(s, prefix string, fold bool) bool {
	if len(s) < len(prefix) {
		return false
	}
	if !fold {
		return s[:len(prefix)] == prefix
	}
	return EqualFoldASCII(s[:len(prefix)], prefix)
}

// EqualFoldASCII reports whether a and b are equal up to ASCII case.
// Non-ASCII bytes must match exactly. It does not allocate.
func EqualFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x == y {
			continue
		}
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
