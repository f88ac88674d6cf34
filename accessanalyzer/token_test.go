package accessanalyzer

import "testing"

func TestPageToken(t *testing.T) {
	in := validatePolicyInput{PolicyDocument: new(string), PolicyType: "IDENTITY_POLICY"}
	*in.PolicyDocument = `{"Version":"2012-10-17","Statement":[]}`
	bind := tokenBinding(in)
	other := in
	other.PolicyType = "RESOURCE_POLICY"
	tests := []struct {
		name  string
		tok   string
		bind  string
		total int
		want  int
		ok    bool
	}{
		{"round trip", makeToken(2, bind), bind, 3, 2, true},
		{"end of list", makeToken(3, bind), bind, 3, 3, true},
		{"past the end", makeToken(4, bind), bind, 3, 0, false},
		{"other request", makeToken(1, bind), tokenBinding(other), 3, 0, false},
		{"not base64", "!!!", bind, 3, 0, false},
		{"wrong version", "djI6MTpmZmZm", bind, 3, 0, false},
	}
	for _, tc := range tests {
		got, err := parseToken(tc.tok, tc.bind, tc.total)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("%s: parseToken = %d, %v; want %d, ok %v", tc.name, got, err, tc.want, tc.ok)
		}
	}
}

func FuzzParseToken(f *testing.F) {
	f.Add(makeToken(1, "0011223344556677"), 5)
	f.Add("djE6MTpmZmZm", 1)
	f.Fuzz(func(t *testing.T, tok string, total int) {
		if total < 0 {
			total = -total
		}
		n, err := parseToken(tok, "0011223344556677", total)
		if err == nil && (n < 0 || n > total) {
			t.Fatalf("parseToken(%q, %d) = %d out of range", tok, total, n)
		}
	})
}
