// Package text formats the messages connect-iam returns to people: API
// error messages and validator findings.
package text

import "strings"

// Sentence returns s with an upper-case first letter and a final period
// (unless it already ends with a period or a question mark), so that a Go
// error such as "store: user \"bob\" not found" reads as a sentence in an
// AWS error message.
func Sentence(s string) string {
	if s == "" {
		return s
	}
	if b := s[0]; b >= 'a' && b <= 'z' {
		s = string(b-'a'+'A') + s[1:]
	}
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "?") {
		s += "."
	}
	return s
}
