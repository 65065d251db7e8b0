package session

import (
	"sync/atomic"

	"github.com/stampede-dev/stampede/stamping"
)

// Progress is how far Open has come, for a line on the terminal while a
// large canvas opens (a million signatures take seconds to load and stamp).
// Open updates it; Line may be called from any goroutine meanwhile.
type Progress struct {
	phase atomic.Int32
	stamp stamping.Progress
}

// The phases of opening, in order.
const (
	phaseLoading int32 = iota
	phaseStamping
	phasePreparing
)

// Preparing says that the session is open and the view is being built.
func (p *Progress) Preparing() {
	if p != nil {
		p.phase.Store(phasePreparing)
	}
}

// Line is what opening name is doing now, short enough for one row, e.g.
// "stamping order.json: 58% of 2041 hook calls".
func (p *Progress) Line(name string) string {
	switch p.phase.Load() {
	case phaseLoading:
		return "loading " + name
	case phaseStamping:
		return "stamping " + name + ": " + p.Status()
	}
	return "drawing " + name
}

// Status is how far opening has come in a few words: "loading", "58% of
// 2041 hook calls", "drawing".
func (p *Progress) Status() string {
	switch p.phase.Load() {
	case phaseLoading:
		return "loading"
	case phaseStamping:
		return p.stamp.String()
	}
	return "drawing"
}

// StampCalls is how many hook calls the stamp run has begun, and how many
// it is expected to make (0 while unknown).
func (p *Progress) StampCalls() (calls, total int64) {
	return p.stamp.Calls.Load(), p.stamp.Total.Load()
}
