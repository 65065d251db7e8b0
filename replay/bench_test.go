package replay_test

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/canvas/synth"
	"github.com/stampede-dev/stampede/replay"
)

// BenchmarkOpOnLargeCanvas plays a small op (set an option on the root)
// on the 100k nested canvas with the ledger on, as the TUI's ops mode
// does, with a snapshot of the canvas after each op (what `stampede
// replay` writes) and without one (the TUI, which shows the canvas
// itself). It reports what each op leaves on the heap.
func BenchmarkOpOnLargeCanvas(b *testing.B) {
	c, _ := synth.Nested(100_000)
	set := replay.NewOp("set", "", canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("options"), Val: canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("queue"), Val: "q2"}})}}))
	for _, snapshots := range []bool{true, false} {
		b.Run(fmt.Sprintf("snapshots=%v", snapshots), func(b *testing.B) {
			p, err := replay.NewPlayer(c, replay.Config{Ledger: true, NoSnapshots: !snapshots})
			if err != nil {
				b.Fatal(err)
			}
			before := synth.LiveHeap()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := p.Do(set); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(synth.LiveHeap()-before)/float64(b.N), "kept-bytes/op")
			runtime.KeepAlive(p)
		})
	}
}
