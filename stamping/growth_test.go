package stamping_test

import (
	"runtime"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/canvas/synth"
	"github.com/stampede-dev/stampede/stamping"
	"github.com/stampede-dev/stampede/visitors"
)

// TestStampingGrowsLinearly stamps each shape at 10k and 100k signatures,
// plain and recorded, and checks that the work, counted as allocations
// (which do not depend on the machine or its load), grows by about ten.
// Celery's own group, chain and chord stamping grows by a hundred here.
// The slack is wide: the test is after quadratic paths, not a few
// percent.
func TestStampingGrowsLinearly(t *testing.T) {
	if testing.Short() {
		t.Skip("stamps 1.1M signatures per shape")
	}
	v, _ := visitors.Builtin("monitoring-id")
	allocs := func(c *canvas.Dict, record bool) uint64 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if _, err := stamping.Stamp(c, stamping.Options{Visitor: v, Record: record}); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		return after.Mallocs - before.Mallocs
	}
	shapes := map[string]func(n int) *canvas.Dict{
		"group":  func(n int) *canvas.Dict { return flat("group", n) },
		"chain":  func(n int) *canvas.Dict { return flat("chain", n) },
		"chord":  func(n int) *canvas.Dict { return flat("chord", n) },
		"nested": func(n int) *canvas.Dict { c, _ := synth.Nested(n); return c },
	}
	for name, build := range shapes {
		for _, record := range []bool{false, true} {
			small, large := allocs(build(10_000), record), allocs(build(100_000), record)
			ratio := float64(large) / float64(max(small, 1))
			t.Logf("%s (recorded %v): %d → %d allocations, ×%.2f", name, record, small, large, ratio)
			if ratio > 13 {
				t.Errorf("%s (recorded %v): %d allocations at 10k, %d at 100k: ×%.1f, not linear", name, record, small, large, ratio)
			}
		}
	}
}
