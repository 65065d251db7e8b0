package script_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/stamping"
	"github.com/stampede-dev/stampede/visitors"
	"github.com/stampede-dev/stampede/visitors/script"
)

// bigCanvas is a group of n/10 chains of ten tasks, each chain's last task
// with a callback: n leaves and about 1.3 n hook calls per stamp.
func bigCanvas(tb testing.TB, n int) *canvas.Dict {
	tb.Helper()
	var b strings.Builder
	b.WriteString(`{"task": "celery.group", "subtask_type": "group", "args": [], "immutable": false, "options": {}, "kwargs": {"tasks": [`)
	id := 0
	leaf := func(link string) string {
		id++
		return fmt.Sprintf(`{"task": "proj.add", "args": [%d], "kwargs": {}, "options": {"task_id": "t-%d"%s}, "subtask_type": null, "immutable": false}`, id, id, link)
	}
	for c := 0; c < n/10; c++ {
		if c > 0 {
			b.WriteString(", ")
		}
		b.WriteString(`{"task": "celery.chain", "subtask_type": "chain", "args": [], "immutable": false, "options": {}, "kwargs": {"tasks": [`)
		for i := 0; i < 10; i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			link := ""
			if i == 9 {
				link = `, "link": [` + leaf("") + `]`
			}
			b.WriteString(leaf(link))
		}
		b.WriteString(`]}}`)
	}
	b.WriteString(`]}}`)
	c, err := canvas.Load([]byte(b.String()))
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func markStar(tb testing.TB) *script.Visitor {
	tb.Helper()
	v, err := script.Load(filepath.Join("..", "..", "testdata", "conformance", "visitors", "mark.star"))
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// BenchmarkHookCall calls mark.star's on_signature directly: the cost of
// one Starlark hook call (converting the headers in, running the hook,
// converting its dict out).
func BenchmarkHookCall(b *testing.B) {
	v := markStar(b)
	if err := v.Start(); err != nil {
		b.Fatal(err)
	}
	sig, err := canvas.Load([]byte(`{"task": "proj.add", "args": [1, 2], "kwargs": {}, "options": {"task_id": "t-1"}, "subtask_type": null, "immutable": false}`))
	if err != nil {
		b.Fatal(err)
	}
	headers, err := canvas.Decode([]byte(`{"origin": "cli", "grp": "g1@1", "stamped_headers": ["origin", "grp"]}`))
	if err != nil {
		b.Fatal(err)
	}
	t := visitors.Target{Value: sig, Path: visitors.Root().Index("tasks", 0)}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := v.OnSignature(t, headers.(*canvas.Dict)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hooks/s")
}

// timed measures the time spent inside a visitor's hooks.
type timed struct {
	visitors.Dispatch
	v     *script.Visitor
	in    time.Duration
	calls int
}

func newTimed(v *script.Visitor) *timed {
	t := &timed{v: v}
	t.Dispatch = visitors.NewDispatch(v.Name(), t.hook)
	return t
}

func (t *timed) hook(h visitors.Hook, tg visitors.Target, hd *canvas.Dict) (canvas.Value, error) {
	start := time.Now()
	v, err := visitors.Call(t.v, h, tg, hd)
	t.in += time.Since(start)
	if !errors.Is(err, visitors.ErrUndefined) {
		t.calls++
	}
	return v, err
}

// Start and LastSteps are the script's, as stamping asks for them.
func (t *timed) Start() error      { return t.v.Start() }
func (t *timed) LastSteps() uint64 { return t.v.LastSteps() }

// BenchmarkStampWithMarkStar stamps a 100,000-leaf canvas with mark.star,
// keeping every step (as the TUI and -trace do) and untraced (as an export
// does). "hooks/s" counts hook calls per second of the whole traversal
// (Celery's merging and writing included). The hooks-timed run is the
// untraced one with a clock around every hook call, which costs a little
// itself: its "starlark-hooks/s" counts calls per second spent inside the
// Starlark hooks.
func BenchmarkStampWithMarkStar(b *testing.B) {
	for _, mode := range []string{"traced", "untraced", "hooks-timed"} {
		b.Run(mode, func(b *testing.B) {
			var v visitors.Visitor = markStar(b)
			var clock *timed
			if mode == "hooks-timed" {
				clock = newTimed(markStar(b))
				v = clock
			}
			calls := 0
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				c := bigCanvas(b, 100_000)
				b.StartTimer()
				tr, err := stamping.Stamp(c, stamping.Options{Visitor: v, Untraced: mode != "traced"})
				if err != nil {
					b.Fatal(err)
				}
				calls += tr.Len()
			}
			b.ReportMetric(float64(calls)/b.Elapsed().Seconds(), "hooks/s")
			if mode == "hooks-timed" {
				b.ReportMetric(float64(clock.calls)/clock.in.Seconds(), "starlark-hooks/s")
			}
		})
	}
}
