package main

import (
	"flag"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/canvas/synth"
	"github.com/stampede-dev/stampede/stamping"
	"github.com/stampede-dev/stampede/visitors"
	"github.com/stampede-dev/stampede/visitors/script"
)

func init() {
	register("bench", "time loading, saving, stamping and building large canvases on this machine", cmdBench)
}

// benchVisitor is the scripted visitor stampede bench times: every hook
// stamps a counter, as the conformance corpus's mark.star does.
const benchVisitor = `# stampede bench: every returning hook stamps its own counter.
def _tick(kind):
    state[kind] = state.get(kind, 0) + 1
    state["all"] = state.get("all", 0) + 1
    return "%d@%d" % (state[kind], state["all"])

def on_signature(sig, **headers):
    return {"s": "s" + _tick("sig")}

def on_group_start(sig, **headers):
    return {"grp": "g" + _tick("grp")}

def on_group_end(sig, **headers):
    _tick("end")

def on_chain_start(sig, **headers):
    return {"chn": "c" + _tick("chn")}

def on_chain_end(sig, **headers):
    _tick("end")

def on_callback(sig, **headers):
    return {"cb": "cb" + _tick("cb")}

def on_errback(sig, **headers):
    return {"eb": "eb" + _tick("eb")}
`

// benchRow is one line of stampede bench. prepare makes a fresh input
// (stamping changes its canvas) and returns the timed work, which reports
// how many units it handled. Nothing is kept from one run to the next:
// memory held on the side would let the collector run less often and
// flatter the figures.
type benchRow struct {
	what    string
	unit    string  // what the rate counts
	goal    float64 // the rate the performance work aims at (0: none)
	about   string  // the goal as the performance issue states it
	prepare func() (func() (int, error), error)
}

// maxBenchSize keeps stampede bench within a few gigabytes of memory.
const maxBenchSize = 5_000_000

// cmdBench times the operations the performance goals name, on canvases
// built in memory, and prints one line per operation as it finishes.
func cmdBench(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("bench", "", stderr)
	n := fs.Int("n", 100_000, "signatures per canvas")
	runs := fs.Int("runs", 3, "timed runs of each operation, after one untimed (the table shows the fastest and slowest)")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "stampede bench: takes no arguments, got %q\n", fs.Arg(0))
		return 2
	}
	if *n < 10 || *n > maxBenchSize {
		return failf(stderr, "bench: -n %d: give a number of signatures from 10 to %d", *n, maxBenchSize)
	}
	if *runs < 1 {
		return failf(stderr, "bench: -runs %d: give at least one run", *runs)
	}
	plural := "s"
	if *runs == 1 {
		plural = ""
	}
	fmt.Fprintf(stdout, "stampede bench: %s signatures per canvas, %d run%s each after a warm-up · %d CPUs · %s %s/%s\n\n",
		thousands(*n), *runs, plural, runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if *n < 100_000 {
		fmt.Fprintf(stdout, "(the goals are for 100,000 signatures and more: a small canvas measures fixed costs too)\n\n")
	}
	rows := benchRows(*n)
	w := 0
	for _, row := range rows {
		w = max(w, len(row.what))
	}
	fmt.Fprintf(stdout, "%-*s %17s %26s   %s\n", w, "", "time", "rate (at the fastest)", "goal (met at the fastest?)")
	for _, row := range rows {
		fmt.Fprintf(stdout, "%-*s", w, row.what) // the name first: a row can take seconds
		fast, slow, units, err := measure(row, *runs)
		if err != nil {
			fmt.Fprintln(stdout)
			return failf(stderr, "bench: %s: %v", row.what, err)
		}
		rate := float64(units) / fast.Seconds()
		line := fmt.Sprintf(" %17s %26s   %s", timeRange(fast, slow), rateText(rate)+" "+row.unit+"/s", goalText(row, rate))
		fmt.Fprintln(stdout, strings.TrimRight(line, " "))
	}
	for _, shape := range []struct{ name, what string }{
		{"group", "memory kept per loaded signature (a flat group)"},
		{"nested", "the same for chains of groups with callbacks and errbacks"},
	} {
		fmt.Fprintf(stdout, "%-*s", w, shape.what)
		kept, err := synth.KeptPerSignature(shape.name, *n)
		if err != nil {
			fmt.Fprintln(stdout)
			return failf(stderr, "bench: %s: %v", shape.what, err)
		}
		mark := "✘"
		if kept <= maxKeptPerSignature {
			mark = "✔"
		}
		fmt.Fprintf(stdout, " %17s %26s   %s ≤ %d bytes\n", "", fmt.Sprintf("%.0f bytes", kept), mark, maxKeptPerSignature)
	}
	fmt.Fprintln(stdout, "\nThe project's BENCHMARKS.md has these rows from go test -bench, and Celery 5.6.2's own figures.")
	return 0
}

// measure runs row once to warm up the heap, as go test -bench does, then
// runs more times, and returns the fastest and slowest run and the units
// a run handles.
func measure(row benchRow, runs int) (fast, slow time.Duration, units int, err error) {
	var times []time.Duration
	for i := range 1 + runs {
		work, err := row.prepare()
		if err != nil {
			return 0, 0, 0, err
		}
		runtime.GC() // the garbage of the last run is not this one's cost
		start := time.Now()
		u, err := work()
		took := time.Since(start)
		if err != nil {
			return 0, 0, 0, err
		}
		if i > 0 {
			times, units = append(times, took), u
		}
	}
	fast, slow = minMax(times)
	return fast, slow, units, nil
}

// benchRows are the operations of stampede bench on canvases of n
// signatures.
func benchRows(n int) []benchRow {
	monitoring, _ := visitors.Builtin("monitoring-id")
	stampFlat := func(shape string) benchRow {
		return benchRow{
			what: fmt.Sprintf("stamp a flat %s, monitoring-id, every step kept", shape),
			unit: "signatures",
			goal: 1e6, about: "0.1 s for 100k",
			prepare: func() (func() (int, error), error) {
				c, err := synth.Flat(shape, n)
				return func() (int, error) {
					_, err := stamping.Stamp(c, stamping.Options{Visitor: monitoring})
					return n, err
				}, err
			},
		}
	}
	stampNested := func(untraced bool, v visitors.Visitor, what, unit string, goal float64) benchRow {
		return benchRow{what: what, unit: unit, goal: goal,
			prepare: func() (func() (int, error), error) {
				c, sigs := synth.Nested(n)
				return func() (int, error) {
					tr, err := stamping.Stamp(c, stamping.Options{Visitor: v, Untraced: untraced})
					if unit == "hook calls" {
						return tr.Len(), err
					}
					return sigs, err
				}, nil
			},
		}
	}
	scripted, err := script.Compile("bench.star", []byte(benchVisitor))
	if err != nil {
		panic(err) // a constant that compiles: the tests run it
	}
	return []benchRow{
		{what: "load a group from JSON", unit: "signatures", goal: 1e6, about: "0.1 s for 100k",
			prepare: func() (func() (int, error), error) {
				data := synth.GroupJSON(n)
				return func() (int, error) {
					_, err := canvas.Load(data)
					return n, err
				}, nil
			}},
		{what: "save it as JSON", unit: "signatures", goal: 1.25e6, about: "0.08 s for 100k",
			prepare: func() (func() (int, error), error) {
				c, err := canvas.Load(synth.GroupJSON(n))
				return func() (int, error) {
					_, err := canvas.Encode(c, -1)
					return n, err
				}, err
			}},
		stampFlat("group"),
		stampFlat("chain"),
		stampFlat("chord"),
		stampNested(true, monitoring, "stamp chains of groups, a callback and an errback on every task", "signatures", 2e6),
		{what: "the same loaded from JSON, its links plain dicts", unit: "signatures", goal: 2e6,
			prepare: func() (func() (int, error), error) {
				data, sigs := synth.NestedJSON(n)
				c, err := canvas.Load(data)
				return func() (int, error) {
					_, err := stamping.Stamp(c, stamping.Options{Visitor: monitoring, Untraced: true})
					return sigs, err
				}, err
			}},
		stampNested(false, monitoring, "the same, every step kept", "signatures", 0),
		stampNested(true, scripted, "the same with a Starlark visitor (a counter in every hook)", "hook calls", 300e3),
		{what: "build chain(*tasks)", unit: "signatures",
			prepare: func() (func() (int, error), error) {
				tasks := synth.Leaves(n).Items()
				return func() (int, error) {
					_, err := canvas.ChainOf(tasks, nil)
					return n, err
				}, nil
			}},
	}
}

// maxKeptPerSignature is the performance issue's goal for the heap a loaded
// canvas keeps, in bytes a signature.
const maxKeptPerSignature = 400

// goalText is the row's goal as a rate, marked ✔ when rate meets it.
func goalText(row benchRow, rate float64) string {
	if row.goal == 0 {
		return ""
	}
	mark := "✘"
	if rate >= row.goal {
		mark = "✔"
	}
	goal := strconv.FormatFloat(row.goal/1e3, 'g', -1, 64) + " k"
	if row.goal >= 1e6 {
		goal = strconv.FormatFloat(row.goal/1e6, 'g', -1, 64) + " M"
	}
	text := fmt.Sprintf("%s ≥ %s/s", mark, goal)
	if row.about != "" {
		text += " (" + row.about + ")"
	}
	return text
}

func minMax(ds []time.Duration) (lo, hi time.Duration) {
	lo, hi = ds[0], ds[0]
	for _, d := range ds[1:] {
		lo, hi = min(lo, d), max(hi, d)
	}
	return lo, hi
}

// timeRange is "72–76 ms", or one figure when both are the same.
func timeRange(lo, hi time.Duration) string {
	unit, div := "ms", float64(time.Millisecond)
	if hi >= 10*time.Second {
		unit, div = "s", float64(time.Second)
	}
	a, b := float64(lo)/div, float64(hi)/div
	f := func(x float64) string {
		if x < 10 {
			return fmt.Sprintf("%.2f", x)
		}
		return fmt.Sprintf("%.0f", x)
	}
	if f(a) == f(b) {
		return f(a) + " " + unit
	}
	return f(a) + "–" + f(b) + " " + unit
}

// rateText is a rate with k or M: "1.41 M", "312 k".
func rateText(r float64) string {
	switch {
	case r >= 1e6:
		return fmt.Sprintf("%.2f M", r/1e6)
	case r >= 1e3:
		return fmt.Sprintf("%.0f k", r/1e3)
	}
	return fmt.Sprintf("%.0f", r)
}

// thousands writes n with commas: 100,000.
func thousands(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
