package stamping

import (
	"fmt"
	"sync/atomic"
)

// Progress is how far a stamp run has come, read from another goroutine
// while the run goes on (a million-signature canvas takes seconds).
type Progress struct {
	Calls atomic.Int64 // hook calls begun so far
	Total atomic.Int64 // hook calls the run is expected to make; 0 while unknown
}

// String says how far the run has come: "58% of 2041 hook calls", or
// "1200 hook calls" while the total is unknown (or passed, as a lazy group
// or a deep canvas can make it).
func (p *Progress) String() string {
	calls, total := p.Calls.Load(), p.Total.Load()
	if total > 0 && calls <= total {
		return fmt.Sprintf("%d%% of %d hook calls", calls*100/total, total)
	}
	return fmt.Sprintf("%d hook calls", calls)
}
