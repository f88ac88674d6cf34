package leastpriv

import (
	"context"
	"strings"
	"time"

	"github.com/connect-iam/connect-iam/store"
)

// Observed is what Load read from the audit log.
type Observed struct {
	// Calls are the authorization requests the principal's calls made
	// that were allowed, or denied but let through by soft enforcement.
	Calls []Call
	// Events is the number of the principal's events read.
	Events int
	// Denied counts the requests that were denied and failed their call
	// (enforcement deny): they are left out of Calls.
	Denied int
	// First and Last are the times of the first and last event read.
	First, Last time.Time
}

// Load reads the audit events of principal (see OfPrincipal) in
// [since, until) (zero times do not restrict) and returns their calls.
func Load(ctx context.Context, st store.Store, principal string, since, until time.Time) (*Observed, error) {
	q := store.EventQuery{Start: since, End: until}
	if strings.Contains(principal, ":role/") {
		if f := strings.SplitN(principal, ":", 6); len(f) == 6 {
			q.AccountID = f[4]
		}
	} else {
		q.PrincipalARN = principal
	}
	obs := &Observed{}
	for marker := ""; ; {
		var page []store.Event
		err := st.View(ctx, func(tx store.ReadTx) error {
			var err error
			page, marker, err = tx.QueryEvents(q, store.ListOptions{Marker: marker, MaxItems: store.MaxMaxItems})
			return err
		})
		if err != nil {
			return nil, err
		}
		var mine []store.Event
		for _, e := range page {
			if OfPrincipal(e.PrincipalARN, principal) {
				mine = append(mine, e)
			}
		}
		calls, err := Calls(mine)
		if err != nil {
			return nil, err
		}
		for _, c := range calls {
			if c.Request.Decision != "Allow" && !c.Request.WouldHaveBeenDenied {
				obs.Denied++
				continue
			}
			obs.Calls = append(obs.Calls, c)
		}
		if len(mine) > 0 {
			if obs.Events == 0 {
				obs.First = mine[0].Time
			}
			obs.Last = mine[len(mine)-1].Time
		}
		obs.Events += len(mine)
		if marker == "" {
			return obs, nil
		}
	}
}
