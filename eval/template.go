package eval

import (
	"strings"
	"unicode/utf8"

	"github.com/connect-iam/connect-iam/arn"
	"github.com/connect-iam/connect-iam/policy"
)

// tmplTok is one token of a compiled value template: a glob piece, or a
// policy variable to substitute from the request context.
type tmplTok struct {
	piece  arn.Piece
	isVar  bool
	key    string // lower-cased variable key
	id     keyID  // the key, interned
	def    string
	hasDef bool
}

// template is a compiled policy value that may contain policy variables
// and, for globbing operators, wildcards. Substituted variable values are
// always matched literally.
type template struct {
	src    string // the value as written
	toks   []tmplTok
	hasVar bool
	glob   bool        // "*" and "?" in plain text are wildcards
	pieces []arn.Piece // the tokens as pieces, when there are no variables
	// kind and lit select a fast way to match an ARN field.
	kind      fieldKind
	lit, lit2 string
}

// fieldKind is how an ARN field pattern is matched, chosen when it is
// compiled: the common shapes are compared directly, without the general
// glob matcher.
type fieldKind uint8

const (
	fieldGlob           fieldKind = iota // anything else: the general glob matcher
	fieldAny                             // "*": any text
	fieldExact                           // no wildcard: equal to lit
	fieldPrefix                          // "lit*": begins with lit
	fieldSuffix                          // "*lit": ends with lit
	fieldPrefixSuffix                    // "lit*lit2": begins with lit, ends with lit2, long enough for both
	fieldPrefixContains                  // "lit*lit2*": begins with lit, lit2 occurs after it
	fieldVars                            // has policy variables
)

// classify sets kind and lit from the template's tokens.
func (t *template) classify() {
	if t.hasVar {
		t.kind = fieldVars
		return
	}
	p := t.pieces
	switch {
	case len(p) == 0:
		t.kind, t.lit = fieldExact, ""
	case len(p) == 1 && p[0].Kind == arn.PieceStar:
		t.kind = fieldAny
	case len(p) == 1 && p[0].Kind == arn.PieceText:
		t.kind, t.lit = fieldExact, p[0].Text
	case len(p) == 2 && p[0].Kind == arn.PieceText && p[1].Kind == arn.PieceStar:
		t.kind, t.lit = fieldPrefix, p[0].Text
	// The byte-wise shortcuts after a star hold for text that begins a
	// character; text beginning with a UTF-8 continuation byte (invalid
	// in a policy, but possible) goes to arn.MatchPieces, whose star
	// consumes whole characters.
	case len(p) == 2 && p[0].Kind == arn.PieceStar && p[1].Kind == arn.PieceText && utf8.RuneStart(p[1].Text[0]):
		t.kind, t.lit = fieldSuffix, p[1].Text
	case len(p) == 3 && p[0].Kind == arn.PieceText && p[1].Kind == arn.PieceStar && p[2].Kind == arn.PieceText && utf8.RuneStart(p[2].Text[0]):
		t.kind, t.lit, t.lit2 = fieldPrefixSuffix, p[0].Text, p[2].Text
	case len(p) == 4 && p[0].Kind == arn.PieceText && p[1].Kind == arn.PieceStar && p[2].Kind == arn.PieceText && p[3].Kind == arn.PieceStar &&
		utf8.RuneStart(p[2].Text[0]):
		t.kind, t.lit, t.lit2 = fieldPrefixContains, p[0].Text, p[2].Text
	default:
		t.kind = fieldGlob
	}
}

// matchField reports whether the ARN field v matches the field pattern t
// (case-sensitively, as resources are matched).
func (t *template) matchField(ctx *Context, v string) bool {
	switch t.kind {
	case fieldAny:
		return true
	case fieldExact:
		return v == t.lit
	case fieldPrefix:
		return len(v) >= len(t.lit) && v[:len(t.lit)] == t.lit
	case fieldSuffix:
		return len(v) >= len(t.lit) && v[len(v)-len(t.lit):] == t.lit
	case fieldPrefixSuffix:
		return len(v) >= len(t.lit)+len(t.lit2) && v[:len(t.lit)] == t.lit && v[len(v)-len(t.lit2):] == t.lit2
	case fieldPrefixContains:
		return len(v) >= len(t.lit)+len(t.lit2) && v[:len(t.lit)] == t.lit && strings.Contains(v[len(t.lit):], t.lit2)
	case fieldVars:
		return t.matchVars(ctx, v, false)
	}
	return arn.MatchPieces(t.pieces, v, false)
}

// maxStackPieces is how many pieces a template resolves into without
// allocating.
const maxStackPieces = 8

// compileTemplate compiles s. With vars, policy variables are parsed
// (policies of Version 2012-10-17 only); with glob, unescaped "*" and "?"
// in plain text are wildcards, otherwise they are literal.
func compileTemplate(s string, vars, glob bool) (template, error) {
	t := template{src: s, glob: glob}
	segs := []policy.Segment{{Kind: policy.SegText, Text: s}}
	if vars {
		pt, err := policy.ParseTemplate(s)
		if err != nil {
			return template{}, err
		}
		segs = pt.Segments
	}
	for _, sg := range segs {
		switch sg.Kind {
		case policy.SegText:
			if glob {
				for _, pc := range arn.AppendPieces(nil, sg.Text) {
					t.toks = append(t.toks, tmplTok{piece: pc})
				}
			} else {
				t.toks = append(t.toks, tmplTok{piece: arn.Piece{Kind: arn.PieceText, Text: sg.Text}})
			}
		case policy.SegLiteral:
			t.toks = append(t.toks, tmplTok{piece: arn.Piece{Kind: arn.PieceText, Text: sg.Text}})
		case policy.SegVar:
			t.addVar(sg)
		}
	}
	if !t.hasVar {
		t.pieces = make([]arn.Piece, len(t.toks))
		for i, tk := range t.toks {
			t.pieces[i] = tk.piece
		}
		t.toks = nil // only templates with variables use their tokens
	}
	t.classify()
	return t, nil
}

// addVar appends a policy variable token.
func (t *template) addVar(sg policy.Segment) {
	k := strings.ToLower(sg.Text)
	t.toks = append(t.toks, tmplTok{isVar: true, key: k, id: internKey(k), def: sg.Default, hasDef: sg.HasDefault})
	t.hasVar = true
}

// resolve returns the template's pieces with variables substituted from
// ctx, using buf for storage. It reports false when a variable is missing
// (or multivalued) and has no default: the value is then "effectively
// null" and matches nothing.
func (t *template) resolve(ctx *Context, buf []arn.Piece) ([]arn.Piece, bool) {
	if !t.hasVar {
		return t.pieces, true
	}
	out := buf[:0]
	for i := range t.toks {
		tk := &t.toks[i]
		if !tk.isVar {
			out = append(out, tk.piece)
			continue
		}
		v, ok := ctx.single(tk.id)
		if !ok {
			if !tk.hasDef {
				return nil, false
			}
			v = tk.def
		}
		out = append(out, arn.Piece{Kind: arn.PieceText, Text: v})
	}
	return out, true
}

// match reports whether s matches the template (globbing if it was
// compiled with glob, exact otherwise; with fold, up to ASCII case).
func (t *template) match(ctx *Context, s string, fold bool) bool {
	if !t.hasVar {
		if t.kind == fieldExact && !fold {
			return s == t.lit // no wildcard: plain equality
		}
		return arn.MatchPieces(t.pieces, s, fold)
	}
	return t.matchVars(ctx, s, fold)
}

func (t *template) matchVars(ctx *Context, s string, fold bool) bool {
	if !t.glob {
		return t.equalVars(ctx, s, fold)
	}
	// The substituted pieces are built on the stack and matched by
	// arn.MatchPieces, the project's one glob implementation.
	var buf [maxGlobPieces]arn.Piece
	p, ok := t.resolve(ctx, buf[:])
	return ok && arn.MatchPieces(p, s, fold)
}

// maxGlobPieces is how many pieces a template with variables may have
// for matchVars to resolve it without allocating (a policy value with
// more than 64 wildcards and variables is matched all the same).
const maxGlobPieces = 64

// equalVars reports whether s equals the wildcard-free template with its
// variables substituted, comparing piece by piece without building the
// substituted string.
func (t *template) equalVars(ctx *Context, s string, fold bool) bool {
	for i := range t.toks {
		tk := &t.toks[i]
		v := tk.piece.Text
		if tk.isVar {
			var ok bool
			if v, ok = ctx.single(tk.id); !ok {
				if !tk.hasDef {
					return false // effectively null: equal to nothing
				}
				v = tk.def
			}
		}
		if len(s) < len(v) {
			return false
		}
		if fold && !arn.EqualFoldASCII(s[:len(v)], v) || !fold && s[:len(v)] != v {
			return false
		}
		s = s[len(v):]
	}
	return s == ""
}

// resolvable reports whether every policy variable of the template has a
// value in ctx (a single value, or its default).
func (t *template) resolvable(ctx *Context) bool {
	for i := range t.toks {
		tk := &t.toks[i]
		if !tk.isVar || tk.hasDef {
			continue
		}
		if _, ok := ctx.single(tk.id); !ok {
			return false
		}
	}
	return true
}

// text returns the template with variables substituted, for explanations;
// a missing variable is shown as <missing KEY>, and ok is false.
func (t *template) text(ctx *Context) (s string, ok bool) {
	if !t.hasVar {
		return t.src, true
	}
	var sb strings.Builder
	ok = true
	for _, tk := range t.toks {
		switch {
		case !tk.isVar:
			switch tk.piece.Kind {
			case arn.PieceStar:
				sb.WriteByte('*')
			case arn.PieceOne:
				sb.WriteByte('?')
			default:
				sb.WriteString(tk.piece.Text)
			}
		default:
			if v, found := ctx.single(tk.id); found {
				sb.WriteString(v)
			} else if tk.hasDef {
				sb.WriteString(tk.def)
			} else {
				sb.WriteString("<missing " + tk.key + ">")
				ok = false
			}
		}
	}
	return sb.String(), ok
}

// arnPattern is a compiled Resource/NotResource value or ArnLike value.
type arnPattern struct {
	src string
	any bool // the bare "*"
	// short records a pattern of fewer than six fields, whose missing
	// fields are empty (see package arn): it matches no ARN.
	short bool
	field [6]template
	// order lists the fields that are not "*", most selective first:
	// resource, account, service, region, partition, "arn".
	order []uint8
	// hasVar records whether any field has a policy variable.
	hasVar bool
}

// resolvable reports whether every policy variable of the pattern has a
// value in ctx.
func (p *arnPattern) resolvable(ctx *Context) bool {
	if !p.hasVar {
		return true
	}
	for i := range p.field {
		if p.field[i].hasVar && !p.field[i].resolvable(ctx) {
			return false
		}
	}
	return true
}

// compileARNPattern compiles an ARN pattern. With vars, policy variables
// are substituted; with resourceOnly (the Resource and NotResource
// elements), only those in the resource field, after the fifth colon: a
// variable written before it is kept as literal text, so the pattern
// matches no real ARN. In ArnLike/ArnEquals values (resourceOnly false)
// variables are substituted in any field.
func compileARNPattern(s string, vars, resourceOnly bool) (arnPattern, error) {
	p := arnPattern{src: s}
	if s == "*" {
		p.any = true
		return p, nil
	}
	var segs []policy.Segment
	if vars {
		pt, err := policy.ParseTemplate(s)
		if err != nil {
			return arnPattern{}, err
		}
		segs = pt.Segments
	} else {
		segs = []policy.Segment{{Kind: policy.SegText, Text: s}}
	}
	// Split the segments into six fields at the first five colons of
	// plain text; colons inside variables do not count.
	var fields [6][]policy.Segment
	f := 0
	for _, sg := range segs {
		if sg.Kind != policy.SegText {
			if sg.Kind == policy.SegVar && f < 5 && resourceOnly {
				sg = policy.Segment{Kind: policy.SegLiteral, Text: variableText(sg), Offset: sg.Offset}
			}
			fields[f] = append(fields[f], sg)
			continue
		}
		text := sg.Text
		for f < 5 {
			i := strings.IndexByte(text, ':')
			if i < 0 {
				break
			}
			fields[f] = append(fields[f], policy.Segment{Kind: policy.SegText, Text: text[:i]})
			text = text[i+1:]
			f++
		}
		fields[f] = append(fields[f], policy.Segment{Kind: policy.SegText, Text: text})
	}
	// Fewer than five colons: the missing fields are empty.
	p.short = f < 5
	for i := range fields {
		p.field[i] = templateFromSegments(fields[i])
	}
	for i := range p.field {
		p.hasVar = p.hasVar || p.field[i].hasVar
	}
	for _, i := range [...]uint8{5, 4, 2, 3, 1, 0} {
		if p.field[i].kind != fieldAny {
			p.order = append(p.order, i)
		}
	}
	return p, nil
}

// variableText is a variable as written, such as "${aws:username}".
func variableText(sg policy.Segment) string {
	if sg.HasDefault {
		return "${" + sg.Text + ", '" + sg.Default + "'}"
	}
	return "${" + sg.Text + "}"
}

// templateFromSegments builds a globbing template from parsed segments.
func templateFromSegments(segs []policy.Segment) template {
	t := template{glob: true}
	var sb strings.Builder
	for _, sg := range segs {
		switch sg.Kind {
		case policy.SegText:
			sb.WriteString(sg.Text)
			for _, pc := range arn.AppendPieces(nil, sg.Text) {
				t.toks = append(t.toks, tmplTok{piece: pc})
			}
		case policy.SegLiteral:
			if len(sg.Text) == 1 {
				sb.WriteString("${" + sg.Text + "}")
			} else {
				sb.WriteString(sg.Text) // a variable kept as literal text
			}
			t.toks = append(t.toks, tmplTok{piece: arn.Piece{Kind: arn.PieceText, Text: sg.Text}})
		case policy.SegVar:
			sb.WriteString(variableText(sg))
			t.addVar(sg)
		}
	}
	t.src = sb.String()
	if !t.hasVar {
		t.pieces = make([]arn.Piece, len(t.toks))
		for i, tk := range t.toks {
			t.pieces[i] = tk.piece
		}
	}
	t.classify()
	if t.kind != fieldGlob && t.kind != fieldVars {
		// matchField needs only kind and the literals, and text only
		// src: drop the tokens and pieces.
		t.toks, t.pieces = nil, nil
	}
	return t
}

// match reports whether value matches the pattern (see package arn).
func (p *arnPattern) match(ctx *Context, value string) bool {
	if p.any {
		return true
	}
	// Walk the value's fields as arn.SplitPadded would, checking each as
	// it is found, so that a mismatch early in the ARN stops the scan. A
	// value of fewer than six fields has its missing fields empty.
	rest := value
	for i := range p.field {
		v := rest
		if i < 5 {
			if j := indexColon(rest); j >= 0 {
				v, rest = rest[:j], rest[j+1:]
			} else {
				rest = ""
			}
		}
		if !p.field[i].matchField(ctx, v) {
			return false
		}
	}
	return true
}

// matchFields is match for a value already split into its six fields
// (ok false: the value is not an ARN). It checks the most selective
// fields first, so that a statement for another resource fails fast.
func (p *arnPattern) matchFields(ctx *Context, value string, f *arn.Fields, ok bool) bool {
	if p.any {
		return true
	}
	if !ok {
		return false // a resource that is not an ARN matches only "*"
	}
	for _, i := range p.order {
		if !p.field[i].matchField(ctx, f[i]) {
			return false
		}
	}
	return true
}

// indexColon is strings.IndexByte(s, ':') without the call overhead that
// dominates on short ARN fields.
func indexColon(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == ':' {
			return i
		}
	}
	return -1
}

// text returns the pattern with variables substituted, for explanations.
func (p *arnPattern) text(ctx *Context) (string, bool) {
	if p.any {
		return "*", true
	}
	if p.short {
		// The missing fields are not shown.
		return p.src, p.resolvable(ctx)
	}
	var sb strings.Builder
	ok := true
	for i := range p.field {
		if i > 0 {
			sb.WriteByte(':')
		}
		s, fok := p.field[i].text(ctx)
		ok = ok && fok
		sb.WriteString(s)
	}
	return sb.String(), ok
}
