package policy

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseTemplate(t *testing.T) {
	tests := []struct {
		in   string
		want []Segment
	}{
		{"", nil},
		{"plain*text?", []Segment{{Kind: SegText, Text: "plain*text?"}}},
		{"cost$5", []Segment{{Kind: SegText, Text: "cost$5"}}},
		{"$", []Segment{{Kind: SegText, Text: "$"}}},
		{"${aws:username}", []Segment{{Kind: SegVar, Text: "aws:username"}}},
		{"home/${AWS:UserName}/*", []Segment{
			{Kind: SegText, Text: "home/"},
			{Kind: SegVar, Text: "AWS:UserName", Offset: 5},
			{Kind: SegText, Text: "/*", Offset: 20},
		}},
		{"arn:aws:s3:::b-${aws:PrincipalTag/team, 'company-wide'}", []Segment{
			{Kind: SegText, Text: "arn:aws:s3:::b-"},
			{Kind: SegVar, Text: "aws:PrincipalTag/team", Default: "company-wide", HasDefault: true, Offset: 15},
		}},
		{"${k, ''}", []Segment{{Kind: SegVar, Text: "k", HasDefault: true}}},
		{"${k, 'a}b, c'}", []Segment{{Kind: SegVar, Text: "k", Default: "a}b, c", HasDefault: true}}},
		{"a${*}b${?}c${$}", []Segment{
			{Kind: SegText, Text: "a"},
			{Kind: SegLiteral, Text: "*", Offset: 1},
			{Kind: SegText, Text: "b", Offset: 5},
			{Kind: SegLiteral, Text: "?", Offset: 6},
			{Kind: SegText, Text: "c", Offset: 10},
			{Kind: SegLiteral, Text: "$", Offset: 11},
		}},
		{"${a}${b}", []Segment{{Kind: SegVar, Text: "a"}, {Kind: SegVar, Text: "b", Offset: 4}}},
		{"${**}", []Segment{{Kind: SegVar, Text: "**"}}},
		{"$$${x}", []Segment{{Kind: SegText, Text: "$$"}, {Kind: SegVar, Text: "x", Offset: 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseTemplate(tt.in)
			if err != nil {
				t.Fatalf("ParseTemplate(%q): %v", tt.in, err)
			}
			if !reflect.DeepEqual(got.Segments, tt.want) {
				t.Fatalf("ParseTemplate(%q) =\n%+v\nwant\n%+v", tt.in, got.Segments, tt.want)
			}
			wantVars := false
			for _, s := range tt.want {
				wantVars = wantVars || s.Kind == SegVar
			}
			if got.HasVariables() != wantVars {
				t.Errorf("HasVariables() = %v, want %v", got.HasVariables(), wantVars)
			}
		})
	}
}

func TestParseTemplateErrors(t *testing.T) {
	tests := []struct {
		in     string
		code   string
		offset int
	}{
		{"${}", "EMPTY_VARIABLE", 0},
		{"ab${, 'x'}", "EMPTY_VARIABLE", 2},
		{"${aws:username", "MISSING_BRACE_IN_VARIABLE", 14},
		{"${", "MISSING_BRACE_IN_VARIABLE", 2},
		{"${a${b}}", "MISSING_BRACE_IN_VARIABLE", 3},
		{"${k, 'v'", "MISSING_BRACE_IN_VARIABLE", 8},
		{"${k, 'v'x}", "MISSING_BRACE_IN_VARIABLE", 8},
		{"${k, v}", "MISSING_QUOTE_IN_VARIABLE", 5},
		{"${k, 'v}", "MISSING_QUOTE_IN_VARIABLE", 8},
		{"${k,}", "MISSING_QUOTE_IN_VARIABLE", 4},
		{"${k, \"v\"}", "MISSING_QUOTE_IN_VARIABLE", 5},
		{"${k'x'}", "MISSING_QUOTE_IN_VARIABLE", 3},
		{"${ aws:username}", "UNSUPPORTED_SPACE_IN_VARIABLE", 2},
		{"${aws:username }", "UNSUPPORTED_SPACE_IN_VARIABLE", 14},
		{"${k,'v'}", "UNSUPPORTED_SPACE_IN_VARIABLE", 4},
		{"${k,  'v'}", "UNSUPPORTED_SPACE_IN_VARIABLE", 5},
		{"${k , 'v'}", "UNSUPPORTED_SPACE_IN_VARIABLE", 3},
		{"${k, 'v' }", "UNSUPPORTED_SPACE_IN_VARIABLE", 8},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParseTemplate(tt.in)
			var ve *VariableError
			if !errors.As(err, &ve) {
				t.Fatalf("ParseTemplate(%q) error = %v, want *VariableError", tt.in, err)
			}
			if ve.Code != tt.code || ve.Offset != tt.offset {
				t.Errorf("ParseTemplate(%q) = %s at %d (%s), want %s at %d", tt.in, ve.Code, ve.Offset, ve.Msg, tt.code, tt.offset)
			}
			if !strings.Contains(err.Error(), "offset") || ve.Msg == "" {
				t.Errorf("error %q lacks a position or message", err)
			}
		})
	}
}

// FuzzParseTemplate checks that ParseTemplate never panics, that segment
// offsets are consistent with the input, and that re-rendering the segments
// and parsing again gives the same template.
func FuzzParseTemplate(f *testing.F) {
	for _, s := range []string{"", "${aws:username}", "a${*}b${?}${$}", "${k, 'v'}", "${", "${}", "x$y", "${k, 'v'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tpl, err := ParseTemplate(s)
		if err != nil {
			var ve *VariableError
			if !errors.As(err, &ve) || ve.Offset < 0 || ve.Offset > len(s) {
				t.Fatalf("bad error %#v for %q", err, s)
			}
			return
		}
		var sb strings.Builder
		for i, seg := range tpl.Segments {
			if seg.Offset != sb.Len() {
				t.Fatalf("segment %d offset %d, want %d in %q", i, seg.Offset, sb.Len(), s)
			}
			switch seg.Kind {
			case SegText:
				sb.WriteString(seg.Text)
			case SegLiteral:
				sb.WriteString("${" + seg.Text + "}")
			case SegVar:
				sb.WriteString("${" + seg.Text)
				if seg.HasDefault {
					sb.WriteString(", '" + seg.Default + "'")
				}
				sb.WriteString("}")
			}
		}
		if sb.String() != s {
			t.Fatalf("segments render %q, want %q", sb.String(), s)
		}
	})
}
