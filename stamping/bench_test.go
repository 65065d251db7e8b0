package stamping_test

import (
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/canvas/synth"
	"github.com/stampede-dev/stampede/stamping"
	"github.com/stampede-dev/stampede/visitors"
	"github.com/stampede-dev/stampede/visitors/script"
)

// flat is synth.Flat of a shape that exists.
func flat(shape string, n int) *canvas.Dict {
	c, err := synth.Flat(shape, n)
	if err != nil {
		panic(err)
	}
	return c
}

func sizes() []int { return []int{10_000, 100_000, 1_000_000} }

// BenchmarkStampFlat stamps flat groups, chains and chord headers with a
// uuid4-per-signature visitor (the seed's monitoring-id).
func BenchmarkStampFlat(b *testing.B) {
	for _, shape := range synth.Shapes {
		for _, n := range sizes() {
			b.Run(fmt.Sprintf("%s/%d", shape, n), func(b *testing.B) {
				v, _ := visitors.Builtin("monitoring-id")
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					c := flat(shape, n)
					b.StartTimer()
					if _, err := stamping.Stamp(c, stamping.Options{Visitor: v}); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "sigs/s")
			})
		}
	}
}

// BenchmarkStampNested stamps chains of groups of chains whose every task has
// a link and an errback, keeping every step (as `stampede stamp -trace`
// does) and untraced (as an export does). "loaded" is untraced on the same
// canvas loaded from its JSON, as `stampede stamp` has it: its links are
// plain dicts, which the stamp turns into signatures.
func BenchmarkStampNested(b *testing.B) {
	for _, mode := range []string{"traced", "untraced", "loaded"} {
		for _, n := range []int{100_000, 1_000_000} {
			b.Run(fmt.Sprintf("%s/%d", mode, n), func(b *testing.B) {
				v, _ := visitors.Builtin("monitoring-id")
				var data []byte
				var sigs int
				if mode == "loaded" {
					data, sigs = synth.NestedJSON(n)
					b.ResetTimer()
				}
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					var c *canvas.Dict
					if mode == "loaded" {
						var err error
						if c, err = canvas.Load(data); err != nil {
							b.Fatal(err)
						}
					} else {
						c, sigs = synth.Nested(n)
					}
					b.StartTimer()
					if _, err := stamping.Stamp(c, stamping.Options{Visitor: v, Untraced: mode != "traced"}); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(sigs)*float64(b.N)/b.Elapsed().Seconds(), "sigs/s")
			})
		}
	}
}

// BenchmarkStampNestedTwoAtOnce stamps two independent halves of the 100k
// nested canvas at the same time, each in its own goroutine with its own
// visitor, untraced. Celery's traversal is one sequence of hook calls (and
// group members share their headers' lists, which stamping one member
// extends for the next), so this is an upper bound on what spreading one
// stamp over the machine's cores could give, not something the tool does.
func BenchmarkStampNestedTwoAtOnce(b *testing.B) {
	var sigs int
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		var halves [2]*canvas.Dict
		sigs = 0
		for j := range halves {
			var n int
			halves[j], n = synth.Nested(50_000)
			sigs += n
		}
		b.StartTimer()
		var wg sync.WaitGroup
		errs := make([]error, len(halves))
		for j, c := range halves {
			wg.Add(1)
			go func() {
				defer wg.Done()
				v, _ := visitors.Builtin("monitoring-id")
				_, errs[j] = stamping.Stamp(c, stamping.Options{Visitor: v, Untraced: true})
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(sigs)*float64(b.N)/b.Elapsed().Seconds(), "sigs/s")
}

// BenchmarkStampRecorded stamps a flat group and the nested canvas with the
// mutation log on (what the TUI does to step back). It reports the memory
// the trace and its log keep per step.
func BenchmarkStampRecorded(b *testing.B) {
	for _, shape := range []string{"group", "nested"} {
		for _, n := range []int{100_000, 1_000_000} {
			b.Run(fmt.Sprintf("%s/%d", shape, n), func(b *testing.B) {
				v, _ := visitors.Builtin("monitoring-id")
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					c := flat("group", n)
					if shape == "nested" {
						c, _ = synth.Nested(n)
					}
					b.StartTimer()
					tr, err := stamping.Stamp(c, stamping.Options{Visitor: v, Record: true})
					if err != nil {
						b.Fatal(err)
					}
					b.StopTimer()
					steps := tr.Len()
					with := synth.LiveHeap()
					runtime.KeepAlive(tr)
					tr = nil
					without := synth.LiveHeap()
					runtime.KeepAlive(c)
					b.ReportMetric(float64(with-without)/float64(steps), "trace-bytes/step")
					b.StartTimer()
				}
			})
		}
	}
}

// BenchmarkStarlarkVisitor stamps the 100k nested canvas with the
// conformance corpus's mark.star, which defines every hook, keeping every
// step and untraced.
func BenchmarkStarlarkVisitor(b *testing.B) {
	for _, mode := range []string{"traced", "untraced"} {
		b.Run(mode, func(b *testing.B) {
			v, err := script.Load(filepath.Join(corpus, "visitors", "mark.star"))
			if err != nil {
				b.Fatal(err)
			}
			calls := 0
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				c, _ := synth.Nested(100_000)
				b.StartTimer()
				tr, err := stamping.Stamp(c, stamping.Options{Visitor: v, Untraced: mode == "untraced"})
				if err != nil {
					b.Fatal(err)
				}
				calls += tr.Len()
			}
			b.ReportMetric(float64(calls)/b.Elapsed().Seconds(), "hooks/s")
		})
	}
}

// BenchmarkNestedFloor walks the nested canvas doing only what any stamp
// with the monitoring-id visitor must do to a leaf: read its options and
// links, make a uuid4 and the hook's dict, a stamped_headers list, and
// grow its options by the two keys. None of Celery's rules run (no other
// hooks, no merging, no copies of the headers); it measures how fast this
// canvas model can be stamped at all, for comparison with StampNested.
func BenchmarkNestedFloor(b *testing.B) {
	var sigs int
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		c, count := synth.Nested(100_000)
		sigs = count
		b.StartTimer()
		floorWalk(c)
	}
	b.ReportMetric(float64(sigs)*float64(b.N)/b.Elapsed().Seconds(), "sigs/s")
}

func floorWalk(v canvas.Value) {
	d, ok := v.(*canvas.Dict)
	if !ok {
		return
	}
	opts, _ := d.LookupKey(canvas.KeyOptions).(*canvas.Dict)
	if opts != nil {
		for _, k := range [...]canvas.Key{canvas.KeyLink, canvas.KeyLinkError} {
			for _, l := range canvas.MaybeList(opts.LookupKey(k)) {
				floorWalk(l)
			}
		}
	}
	if d.Class() == canvas.Chain || d.Class() == canvas.Group {
		tasks, _ := canvas.Tasks(d)
		if l, ok := tasks.(*canvas.List); ok {
			for _, t := range l.Items() {
				floorWalk(t)
			}
		}
		return
	}
	ret := canvas.NewDict(canvas.Plain, 1)
	ret.AppendPairs(canvas.Pair{Key: keyMtaskID, Val: uuid.NewString()})
	sh := canvas.NewListCap(1)
	sh.AppendItems("mtask_id")
	grown := make([]canvas.Pair, opts.Len(), opts.Len()+2)
	copy(grown, opts.Pairs())
	opts.SetPairs(append(grown, canvas.Pair{Key: canvas.KeyStampedHeaders, Val: sh}, ret.Pairs()[0]))
}

// keyMtaskID is the key floorWalk stamps, made once as the visitor's is.
var keyMtaskID = canvas.K("mtask_id")
