package text

import "testing"

func TestSentence(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"store: user \"bob\" not found", "Store: user \"bob\" not found."},
		{"Already a sentence.", "Already a sentence."},
		{"did you mean \"StringEquals\"?", "Did you mean \"StringEquals\"?"},
		{"éclair", "éclair."}, // only ASCII letters are capitalized
		{"1 validation error", "1 validation error."},
	}
	for _, tt := range tests {
		if got := Sentence(tt.in); got != tt.want {
			t.Errorf("Sentence(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
