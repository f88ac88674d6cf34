package authz

import (
	"context"
	"sync"

	"github.com/connect-iam/connect-iam/eval"
	"github.com/connect-iam/connect-iam/store"
)

// Record is one authorization decision as a Recorder keeps it.
type Record struct {
	// Action and Resource are those of the request decided.
	Action   string
	Resource string
	Decision eval.Decision
	// Message is AWS's access-denied message for denies, "" for allows
	// (and for denials under EnforceOff, which are not explained).
	Message string
	// Explanation is the engine's explanation of a denial decided by the
	// policy engine; nil for allows, for trust-policy denials and under
	// EnforceOff.
	Explanation *eval.Explanation
	// Enforcement is how a denial was handled: under EnforceLog and
	// EnforceOff the call proceeded.
	Enforcement Enforcement
	// Context and ResourceTags are the request's own condition keys and
	// the resource's tags, as the service passed them (shared with the
	// request: read-only). Region is the region signed for.
	Context      map[string][]string
	ResourceTags []store.Tag
	Region       string
}

// Soft reports whether the record is a denial that did not fail the call.
func (r *Record) Soft() bool { return r.Decision != eval.Allow && r.Enforcement != EnforceDeny }

// Recorder keeps the decisions an Engine makes while serving one request,
// so that the audit log can record them. It is safe for concurrent use.
type Recorder struct {
	mu   sync.Mutex
	buf  [2]Record
	recs []Record
}

type recorderKey struct{}

// WithRecorder returns a context carrying a new Recorder, and the
// Recorder. Authorize calls with that context (or one derived from it)
// record their decisions in it.
func WithRecorder(ctx context.Context) (context.Context, *Recorder) {
	r := &Recorder{}
	r.recs = r.buf[:0]
	return context.WithValue(ctx, recorderKey{}, r), r
}

func recorderFrom(ctx context.Context) *Recorder {
	r, _ := ctx.Value(recorderKey{}).(*Recorder)
	return r
}

func (r *Recorder) record(rec Record) {
	r.mu.Lock()
	r.recs = append(r.recs, rec)
	r.mu.Unlock()
}

// Last returns the last decision recorded and whether there was one.
func (r *Recorder) Last() (Record, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.recs) == 0 {
		return Record{}, false
	}
	return r.recs[len(r.recs)-1], true
}

// Count returns how many decisions were recorded.
func (r *Recorder) Count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.recs)
}

// All returns a copy of the decisions recorded, in order.
func (r *Recorder) All() []Record {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Record(nil), r.recs...)
}
