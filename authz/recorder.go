package authz

import (
	"context"
	"sync"

	"github.com/connect-iam/connect-iam/eval"
)

// Record is one authorization decision as a Recorder keeps it.
type Record struct {
	// Action and Resource are those of the request decided.
	Action   string
	Resource string
	Decision eval.Decision
	// Message is AWS's access-denied message for denies, "" for allows.
	Message string
	// Explanation is the engine's explanation of a denial decided by the
	// policy engine; nil for allows and for trust-policy denials.
	Explanation *eval.Explanation
}

// Recorder keeps the decisions an Engine makes while serving one request,
// so that the audit log can record them. It is safe for concurrent use.
type Recorder struct {
	mu    sync.Mutex
	last  Record
	count int
}

type recorderKey struct{}

// WithRecorder returns a context carrying a new Recorder, and the
// Recorder. Authorize calls with that context (or one derived from it)
// record their decisions in it.
func WithRecorder(ctx context.Context) (context.Context, *Recorder) {
	r := &Recorder{}
	return context.WithValue(ctx, recorderKey{}, r), r
}

func recorderFrom(ctx context.Context) *Recorder {
	r, _ := ctx.Value(recorderKey{}).(*Recorder)
	return r
}

func (r *Recorder) record(rec Record) {
	r.mu.Lock()
	r.last = rec
	r.count++
	r.mu.Unlock()
}

// Last returns the last decision recorded and whether there was one.
func (r *Recorder) Last() (Record, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last, r.count > 0
}

// Count returns how many decisions were recorded.
func (r *Recorder) Count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.count
}
