package canvas_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
)

// groupJSON is a group of n leaf signatures as Celery dumps them, each with a
// task_id, a queue and two args.
func groupJSON(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"task": "celery.group", "args": [], "kwargs": {"tasks": [`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, `{"task": "proj.add", "args": [%d, %d], "kwargs": {}, "options": {"task_id": "t-%d", "queue": "q1"}, "subtask_type": null, "immutable": false}`, i, i+1, i)
	}
	b.WriteString(`]}, "options": {"task_id": "g-1"}, "subtask_type": "group", "immutable": false}`)
	return []byte(b.String())
}

func BenchmarkLoad(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		data := groupJSON(n)
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
		c, err := canvas.Load(groupJSON(n))
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
		data := groupJSON(n)
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
		g, err := canvas.Load(groupJSON(n))
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
