package session

import "testing"

// TestProgressLineWhileStamping pins the line of the stamping phase, with
// and without a known total.
func TestProgressLineWhileStamping(t *testing.T) {
	p := &Progress{}
	p.phase.Store(phaseStamping)
	p.stamp.Calls.Store(5)
	if got, want := p.Line("big.json"), "stamping big.json: 5 hook calls"; got != want {
		t.Fatalf("%q, want %q", got, want)
	}
	p.stamp.Total.Store(8)
	if got, want := p.Line("big.json"), "stamping big.json: 62% of 8 hook calls"; got != want {
		t.Fatalf("%q, want %q", got, want)
	}
	p.stamp.Calls.Store(9) // a lazy group or a deep canvas can make more than counted
	if got, want := p.Line("big.json"), "stamping big.json: 9 hook calls"; got != want {
		t.Fatalf("%q, want %q", got, want)
	}
}
