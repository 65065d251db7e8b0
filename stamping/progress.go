package stamping

import "sync/atomic"

// Progress is how far a stamp run has come, read from another goroutine
// while the run goes on (a million-signature canvas takes seconds).
type Progress struct {
	Calls atomic.Int64 // hook calls begun so far
	Total atomic.Int64 // hook calls the run is expected to make; 0 while unknown
}
