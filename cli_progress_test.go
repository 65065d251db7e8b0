package main

import (
	"bytes"
	"testing"
)

// TestStampProgressLine pins what `stampede stamp` says in each phase, and
// that nothing is counted or drawn when stderr is not a terminal.
func TestStampProgressLine(t *testing.T) {
	var stdout, stderr bytes.Buffer
	p, out, errw, stop := showStampProgress("/data/big.json", &stdout, &stderr)
	defer stop()
	if out != &stdout || errw != &stderr || p.shown {
		t.Fatal("a buffer is not a terminal: the writers must be left alone")
	}
	if got := p.line(); got != "loading big.json" {
		t.Fatalf("loading: %q", got)
	}
	if p.counter() != nil {
		t.Fatal("hook calls are counted with no line to show them")
	}
	p.stamp.Calls.Store(3)
	p.stamp.Total.Store(4)
	if got := p.line(); got != "stamping big.json: 75% of 4 hook calls" {
		t.Fatalf("stamping: %q", got)
	}
	p.phase.Store(writingPhase)
	if got := p.line(); got != "writing the stamped big.json" {
		t.Fatalf("writing: %q", got)
	}
	p.shown = true
	if p.counter() != &p.stamp {
		t.Fatal("a shown line counts the hook calls")
	}
}
