package session

import (
	"testing"

	"github.com/stampede-dev/stampede/canvas/sample"
)

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

// TestOpenReportsProgress opens the sample with a Progress and checks what
// it says at the end: every hook call counted against the expected total.
func TestOpenReportsProgress(t *testing.T) {
	p := &Progress{}
	if got := p.Line("order.json"); got != "loading order.json" {
		t.Fatalf("before opening: %q", got)
	}
	s, err := Open(Config{Name: sample.Name, Data: sample.OrderJSON, Visitor: "monitoring-id", Progress: p})
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Line("order.json"); got != "drawing order.json" {
		t.Fatalf("after opening: %q", got)
	}
	if calls, total := p.StampCalls(); calls != int64(s.Len()) || total != calls {
		t.Fatalf("%d of %d hook calls counted, the trace has %d", calls, total, s.Len())
	}
}
