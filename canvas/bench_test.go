package canvas_test

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/canvas/synth"
)

func BenchmarkLoad(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		data := synth.GroupJSON(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for i := 0; i < b.N; i++ {
				if _, err := canvas.Load(data); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "sigs/s")
		})
	}
}

func BenchmarkSave(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		c, err := canvas.Load(synth.GroupJSON(n))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := canvas.Encode(c, -1); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "sigs/s")
		})
	}
}

// BenchmarkMemoryPerSignature reports the heap a loaded canvas keeps per
// signature (after the JSON text is dropped and the GC has run).
func BenchmarkMemoryPerSignature(b *testing.B) {
	const n = 100_000
	for i := 0; i < b.N; i++ {
		data := synth.GroupJSON(n)
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		c, err := canvas.Load(data)
		if err != nil {
			b.Fatal(err)
		}
		data = nil
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "bytes/sig")
		runtime.KeepAlive(c)
	}
}

// BenchmarkChainOf is chain(*tasks) on n signatures as a canvas script
// writes it, and chain | chain on two chains of n/2: both are Celery's
// fold of `|`, done in one pass (see fold.go).
func BenchmarkChainOf(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		g, err := canvas.Load(synth.GroupJSON(n))
		if err != nil {
			b.Fatal(err)
		}
		tasks, _ := canvas.Tasks(g)
		items := tasks.(*canvas.List).Items
		b.Run(fmt.Sprintf("chain(*tasks)/%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := canvas.ChainOf(items, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "sigs/s")
		})
		b.Run(fmt.Sprintf("chain|chain/%d", n), func(b *testing.B) {
			left, right := canvas.NewChain(items[:n/2]...), canvas.NewChain(items[n/2:]...)
			for i := 0; i < b.N; i++ {
				if _, err := canvas.Or(left, right); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "sigs/s")
		})
	}
}
