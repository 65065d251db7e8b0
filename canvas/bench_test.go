package canvas_test

import (
	"fmt"
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
// signature, as synth.KeptPerSignature measures it (and stampede bench).
func BenchmarkMemoryPerSignature(b *testing.B) {
	const n = 100_000
	for _, shape := range synth.LoadShapes {
		b.Run(shape, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				kept, err := synth.KeptPerSignature(shape, n)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(kept, "bytes/sig")
			}
		})
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
		items := tasks.(*canvas.List).Items()
		b.Run(fmt.Sprintf("chain(*tasks)/%d", n), func(b *testing.B) { benchChainOf(b, items, n) })
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
	// chain(*groups) of the nested canvas's groups (eight chains of two
	// tasks with a callback and an errback each), as the builder rebuilds
	// that canvas's root chain: a chord of the first two, then a chain.
	for _, n := range []int{100_000, 1_000_000} {
		data, sigs := synth.NestedJSON(n)
		c, err := canvas.Load(data)
		if err != nil {
			b.Fatal(err)
		}
		tasks, _ := canvas.Tasks(c)
		groups := tasks.(*canvas.List).Items()
		b.Run(fmt.Sprintf("chain(*groups)/%d", n), func(b *testing.B) { benchChainOf(b, groups, sigs) })
	}
}

// benchChainOf times chain(*tasks), whose tasks hold sigs signatures.
func benchChainOf(b *testing.B, tasks []canvas.Value, sigs int) {
	for i := 0; i < b.N; i++ {
		if _, err := canvas.ChainOf(tasks, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(sigs)*float64(b.N)/b.Elapsed().Seconds(), "sigs/s")
}
