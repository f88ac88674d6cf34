// Package cells computes, for each dimension of an IAM request, a finite
// set of representative values (cells) such that every value of the
// dimension behaves like one of them under every pattern of the policies
// being compared. Package check enumerates the product of these cells and
// asks the engine about each sample.
//
// Strings matched by globs are the hard case: the cells of a set of globs
// are the non-empty atoms of the Boolean algebra their languages generate.
// Strings builds the product of the globs' automata breadth-first over an
// alphabet of every character the globs name plus one fresh character, and
// keeps the first (shortest) string that reaches each distinct set of
// accepting globs. Because every character outside the alphabet behaves
// like the fresh one, the result is complete: any string matches exactly
// the globs one of the representatives matches.
package cells

import (
	"sort"
	"strings"
	"unicode"
)

// TokKind is the kind of one pattern token.
type TokKind uint8

const (
	// TokChar matches one character (case-insensitively when the pattern
	// folds case).
	TokChar TokKind = iota
	// TokAny is "?": exactly one character.
	TokAny
	// TokStar is "*": any run of characters.
	TokStar
)

// Tok is one token of a glob pattern.
type Tok struct {
	Kind TokKind
	R    rune
}

// Pattern is one glob. Fold makes its characters match either case.
type Pattern struct {
	Toks []Tok
	Fold bool
}

// Literal returns the pattern matching exactly s.
func Literal(s string, fold bool) Pattern {
	p := Pattern{Fold: fold}
	for _, r := range s {
		p.Toks = append(p.Toks, Tok{Kind: TokChar, R: r})
	}
	return p
}

// Glob returns the pattern for s with "*" and "?" as wildcards.
func Glob(s string, fold bool) Pattern {
	p := Pattern{Fold: fold}
	p.AppendGlob(s)
	return p
}

// AppendGlob appends s to p with "*" and "?" as wildcards.
func (p *Pattern) AppendGlob(s string) {
	for _, r := range s {
		switch r {
		case '*':
			p.Toks = append(p.Toks, Tok{Kind: TokStar})
		case '?':
			p.Toks = append(p.Toks, Tok{Kind: TokAny})
		default:
			p.Toks = append(p.Toks, Tok{Kind: TokChar, R: r})
		}
	}
}

// AppendLiteral appends s to p, every character literal.
func (p *Pattern) AppendLiteral(s string) {
	for _, r := range s {
		p.Toks = append(p.Toks, Tok{Kind: TokChar, R: r})
	}
}

// Match reports whether s matches p.
func (p Pattern) Match(s string) bool {
	st := p.start()
	for _, r := range s {
		st = p.step(st, r)
		if len(st) == 0 {
			return false
		}
	}
	return p.accepts(st)
}

type posSet []uint64

func (p Pattern) words() int { return (len(p.Toks) + 1 + 63) / 64 }

func (p Pattern) closure(s posSet) posSet {
	for i := 0; i < len(p.Toks); i++ {
		if s[i/64]&(1<<(i%64)) != 0 && p.Toks[i].Kind == TokStar {
			j := i + 1
			s[j/64] |= 1 << (j % 64)
		}
	}
	return s
}

func (p Pattern) start() posSet {
	s := make(posSet, p.words())
	s[0] = 1
	return p.closure(s)
}

func (p Pattern) step(s posSet, r rune) posSet {
	out := make(posSet, len(s))
	any := false
	for i, t := range p.Toks {
		if s[i/64]&(1<<(i%64)) == 0 {
			continue
		}
		switch t.Kind {
		case TokStar:
			out[i/64] |= 1 << (i % 64)
			any = true
		case TokAny:
			out[(i+1)/64] |= 1 << ((i + 1) % 64)
			any = true
		case TokChar:
			if t.R == r || p.Fold && foldEq(t.R, r) {
				out[(i+1)/64] |= 1 << ((i + 1) % 64)
				any = true
			}
		}
	}
	if !any {
		return nil
	}
	return p.closure(out)
}

func foldEq(a, b rune) bool {
	return strings.EqualFold(string(a), string(b))
}

func (p Pattern) accepts(s posSet) bool {
	if len(s) == 0 {
		return false
	}
	n := len(p.Toks)
	return s[n/64]&(1<<(n%64)) != 0
}

// MaxStates bounds the product automaton Strings explores. Beyond it the
// result is not complete and Strings reports so.
const MaxStates = 50000

// Strings returns one representative string for every non-empty atom of
// the patterns' languages (every distinct set of matching patterns a
// string can have), over strings that never contain a rune of exclude.
// complete is false when the product automaton exceeded MaxStates; the
// representatives found are still returned.
func Strings(pats []Pattern, exclude string) (reps []string, complete bool) {
	pats = dedupe(pats)
	alpha := map[rune]bool{}
	for _, p := range pats {
		for _, t := range p.Toks {
			if t.Kind != TokChar || strings.ContainsRune(exclude, t.R) {
				continue
			}
			alpha[t.R] = true
			if p.Fold {
				for f := unicode.SimpleFold(t.R); f != t.R; f = unicode.SimpleFold(f) {
					if !strings.ContainsRune(exclude, f) {
						alpha[f] = true
					}
				}
			}
		}
	}
	for _, r := range "xqzkjw0123456789_-" {
		if !alpha[r] && !strings.ContainsRune(exclude, r) {
			alpha[r] = true
			break
		}
	}
	letters := make([]rune, 0, len(alpha))
	for r := range alpha {
		letters = append(letters, r)
	}
	sort.Slice(letters, func(i, j int) bool { return letters[i] < letters[j] })

	type node struct {
		sets []posSet
		text string
	}
	key := func(sets []posSet) string {
		var b strings.Builder
		for _, s := range sets {
			for _, w := range s {
				for k := 0; k < 8; k++ {
					b.WriteByte(byte(w >> (8 * k)))
				}
			}
			b.WriteByte('|')
		}
		return b.String()
	}
	sig := func(sets []posSet) string {
		b := make([]byte, len(pats))
		for i, p := range pats {
			b[i] = '0'
			if p.accepts(sets[i]) {
				b[i] = '1'
			}
		}
		return string(b)
	}
	first := make([]posSet, len(pats))
	for i, p := range pats {
		first[i] = p.start()
	}
	seen := map[string]bool{key(first): true}
	bySig := map[string]bool{}
	queue := []node{{sets: first}}
	complete = true
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		s := sig(n.sets)
		if !bySig[s] {
			bySig[s] = true
			reps = append(reps, n.text)
		}
		alive := false
		for _, set := range n.sets {
			if len(set) > 0 {
				alive = true
				break
			}
		}
		if !alive {
			continue
		}
		for _, r := range letters {
			next := make([]posSet, len(pats))
			for i, p := range pats {
				if len(n.sets[i]) > 0 {
					next[i] = p.step(n.sets[i], r)
				}
			}
			k := key(next)
			if seen[k] {
				continue
			}
			if len(seen) >= MaxStates {
				complete = false
				continue
			}
			seen[k] = true
			queue = append(queue, node{sets: next, text: n.text + string(r)})
		}
	}
	return reps, complete
}

// dedupe drops repeated patterns, which cannot create new cells.
func dedupe(pats []Pattern) []Pattern {
	seen := map[string]bool{}
	out := make([]Pattern, 0, len(pats))
	for _, p := range pats {
		k := p.key()
		if !seen[k] {
			seen[k] = true
			out = append(out, p)
		}
	}
	return out
}

func (p Pattern) key() string {
	var b strings.Builder
	if p.Fold {
		b.WriteByte('f')
	}
	for _, t := range p.Toks {
		switch t.Kind {
		case TokStar:
			b.WriteString("\\*")
		case TokAny:
			b.WriteString("\\?")
		default:
			b.WriteRune(t.R)
		}
	}
	return b.String()
}

// Cache memoizes Strings by pattern set. The zero value is ready; a nil
// *Cache memoizes nothing. It is not safe for concurrent use.
type Cache struct {
	m map[string]cached
}

type cached struct {
	reps     []string
	complete bool
}

// Strings is [Strings], memoized.
func (c *Cache) Strings(pats []Pattern, exclude string) ([]string, bool) {
	if c == nil {
		return Strings(pats, exclude)
	}
	pats = dedupe(pats)
	var b strings.Builder
	b.WriteString(exclude)
	for _, p := range pats {
		b.WriteByte(0)
		b.WriteString(p.key())
	}
	k := b.String()
	if r, ok := c.m[k]; ok {
		return r.reps, r.complete
	}
	reps, complete := Strings(pats, exclude)
	if c.m == nil {
		c.m = map[string]cached{}
	}
	c.m[k] = cached{reps, complete}
	return reps, complete
}
