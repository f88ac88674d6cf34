package simulate

import (
	"errors"
	"fmt"
	"strings"

	"github.com/connect-iam/connect-iam/eval"
	"github.com/connect-iam/connect-iam/internal/jsonpos"
	"github.com/connect-iam/connect-iam/policy"
)

// parsePolicyValue parses the policy written as the JSON object v of src.
func parsePolicyValue(src []byte, v *jsonpos.Value) (*policy.Policy, error) {
	return policy.ParseValue(src, v)
}

// parsePolicyText parses policy text held in a JSON string.
func parsePolicyText(src []byte) (*policy.Policy, error) {
	return policy.Parse(src)
}

// policyError returns the position a policy parse or compile error
// reports (zeros when it has none) and its message without the position;
// further parse errors are appended with their positions.
func policyError(err error) (line, col int, msg string) {
	var ce *eval.CompileError
	if errors.As(err, &ce) {
		return ce.Pos.Line, ce.Pos.Column, ce.Msg
	}
	var list policy.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		msg = list[0].Msg
		if len(list) > 1 {
			var more []string
			for _, e := range list[1:min(len(list), 5)] {
				more = append(more, e.Error())
			}
			msg += fmt.Sprintf(" (and %d more: %s)", len(list)-1, strings.Join(more, "; "))
		}
		return list[0].Span.Start.Line, list[0].Span.Start.Column, msg
	}
	var pe *policy.Error
	if errors.As(err, &pe) {
		return pe.Span.Start.Line, pe.Span.Start.Column, pe.Msg
	}
	return 0, 0, err.Error()
}
