package check

import (
	"testing"

	"github.com/connect-iam/connect-iam/eval"
	"github.com/connect-iam/connect-iam/simulate"
)

// confirmCounterexample runs the counterexample through simulate, as
// `connect-iam simulate` would: allowed under the new policy, not under
// the existing one.
func confirmCounterexample(t *testing.T, name string, cx *Counterexample) {
	t.Helper()
	r, err := simulate.Evaluate(cx.NewInput)
	if err != nil {
		t.Errorf("%s: simulate rejects the counterexample: %v\n%s", name, err, cx.NewInput)
		return
	}
	if r.Decision != eval.Allow {
		t.Errorf("%s: simulate says %s for the counterexample under the new policy: %s\n%s", name, r.Decision, r.Message, cx.NewInput)
	}
	if cx.ExistingInput == nil {
		return
	}
	r, err = simulate.Evaluate(cx.ExistingInput)
	if err != nil {
		t.Errorf("%s: simulate rejects the counterexample: %v", name, err)
		return
	}
	if r.Decision == eval.Allow {
		t.Errorf("%s: simulate allows the counterexample under the existing policy too\n%s", name, cx.ExistingInput)
	}
}
