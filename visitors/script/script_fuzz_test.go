package script_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"runtime/metrics"
	"slices"
	"strings"
	"testing"
	"time"

	"go.starlark.net/starlark"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/stamping"
	"github.com/stampede-dev/stampede/visitors"
	"github.com/stampede-dev/stampede/visitors/script"
)

// fuzzBudget is the step budget of each hook call under the fuzzer: small,
// so that a script that loops ends fast.
const fuzzBudget = 20_000

// fuzzCanvas is stamped when the fuzzed canvas does not load: a group
// holding a leaf and a chord with a header, a body and a link.
const fuzzCanvas = `{"task": "celery.group", "args": [], "kwargs": {"tasks": [
  {"task": "a", "args": [1], "kwargs": {"k": "v"}, "options": {"task_id": "t-1"}, "subtask_type": null, "immutable": false},
  {"task": "celery.chord", "args": [], "kwargs": {"kwargs": {}, "header": [
     {"task": "b", "args": [], "kwargs": {}, "options": {"task_id": "t-3"}, "subtask_type": null, "immutable": false}],
   "body": {"task": "c", "args": [], "kwargs": {}, "options": {"task_id": "t-4"}, "subtask_type": null, "immutable": false}},
   "options": {"task_id": "t-2", "link": [{"task": "d", "args": [], "kwargs": {}, "options": {}, "subtask_type": null, "immutable": false}]},
   "subtask_type": "chord", "immutable": false}]},
 "options": {"task_id": "t-0"}, "subtask_type": "group", "immutable": false}`

// pythonError is the text of a Python exception (the AttributeError of a
// signature whose options are not a dict is not a *canvas.PyError).
var pythonError = regexp.MustCompile(`(^|: )[A-Z][A-Za-z]*(Error|Exception): `)

// memoryLimit is how much the heap may grow while a script runs before the
// watchdog cancels it (what a run of many small allocations reaches).
const memoryLimit = 512 << 20

var errMemory = errors.New("the script used too much memory")

// FuzzScript compiles arbitrary source as a visitor script and stamps a
// canvas with it (the fuzzed canvas, or fuzzCanvas when that does not
// load), under a small step budget. For any source:
//
//   - nothing panics;
//   - a script that does not compile fails with a *script.Error that has
//     a position and one line;
//   - a run ends — by the step budget, not by the watchdog's deadline — and
//     a failure is a script error, a hook or step error, or a Python
//     exception;
//   - no hook call takes more steps than its budget;
//   - stepping the recorded run back restores the exact canvas;
//   - compiled with Options.AllParams, so that every hook gets its sig
//     and its headers even when it never names them, the script writes
//     the same canvas, fails the same way and takes the same steps in
//     every hook call.
//
// The seed corpus is testdata/fuzz/FuzzScript.
func FuzzScript(f *testing.F) {
	f.Fuzz(func(t *testing.T, src, canvasJSON []byte) {
		v, err := script.CompileWith("fuzz.star", src, script.Options{Predeclared: countingUUID()})
		if err != nil {
			var se *script.Error
			if !errors.As(err, &se) || se.Pos == "" {
				t.Fatalf("compiling failed with a %T without a position: %v", err, err)
			}
			if strings.ContainsAny(err.Error(), "\n\r") && !strings.ContainsAny(err.Error(), "\"'") {
				t.Fatalf("the compile error spans several lines: %q", err)
			}
			return
		}
		root, err := canvas.Load(canvasJSON)
		if err != nil {
			if root, err = canvas.Load([]byte(fuzzCanvas)); err != nil {
				t.Fatal(err)
			}
		}
		before, err := canvas.Encode(root, -1)
		if err != nil {
			t.Fatal(err)
		}

		run := runFuzzed(v, root)
		tr, err, steps := run.trace, run.err, run.steps
		switch {
		case errors.Is(run.stopped, context.DeadlineExceeded):
			t.Fatalf("the run did not end within %v: %v", deadline, err)
		case errors.Is(run.stopped, errMemory):
			return // a bomb of one step, which no watchdog can stop mid-step
		}
		after, encErr := canvas.Encode(root, -1)
		if encErr != nil {
			t.Fatal(encErr)
		}
		if err != nil {
			var (
				se *script.Error
				he *visitors.HookError
				st *stamping.StepError
				pe *canvas.PyError
			)
			if !errors.As(err, &se) && !errors.As(err, &he) && !errors.As(err, &st) && !errors.As(err, &pe) && !pythonError.MatchString(err.Error()) {
				t.Fatalf("the run failed with a %T: %v", err, err)
			}
		}
		if most := slices.Max(append(steps, 0)); most > fuzzBudget+1 {
			t.Fatalf("a hook call took %d steps, over its budget of %d", most, fuzzBudget)
		}
		st, serr := stamping.NewStepper(tr)
		if serr != nil {
			t.Fatal(serr)
		}
		st.Goto(0)
		if got, _ := canvas.Encode(root, -1); string(got) != string(before) {
			t.Fatalf("stepping back did not restore the canvas (run error %v):\nbefore %s\n   got %s", err, before, got)
		}
		sameWithAllParams(t, src, before, after, err, steps)
	})
}

// sameWithAllParams stamps the canvas before again with src compiled with
// Options.AllParams, and checks that it ends as the first run did: the
// canvas after, the error and the steps of every hook call.
func sameWithAllParams(t *testing.T, src, before, after []byte, runErr error, steps []uint64) {
	t.Helper()
	whole, err := script.CompileWith("fuzz.star", src, script.Options{Predeclared: countingUUID(), AllParams: true})
	if err != nil {
		t.Fatalf("compiles only without AllParams: %v", err)
	}
	root, err := canvas.Load(before)
	if err != nil {
		t.Fatal(err)
	}
	again := runFuzzed(whole, root)
	if again.stopped != nil {
		return
	}
	got, err := canvas.Encode(root, -1)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(again.err) != fmt.Sprint(runErr) {
		t.Fatalf("with AllParams the run failed with %v, without with %v", again.err, runErr)
	}
	if string(got) != string(after) {
		t.Fatalf("with AllParams the canvas is\n%s\nwithout\n%s", got, after)
	}
	if !slices.Equal(again.steps, steps) {
		t.Fatalf("steps per hook call with AllParams %v, without %v", again.steps, steps)
	}
}

// fuzzRun is one recorded stamp of a fuzzed script: its trace and error,
// the steps each hook call took, and why the watchdog stopped it (nil
// when it did not).
type fuzzRun struct {
	trace   *stamping.Trace
	err     error
	steps   []uint64
	stopped error
}

// runFuzzed stamps root with v, recorded, under the fuzzer's step budget
// and the watchdog.
func runFuzzed(v *script.Visitor, root *canvas.Dict) fuzzRun {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	stop := watch(ctx, cancel)
	defer stop()
	v.Budget = fuzzBudget
	v.Context = ctx
	v.Print = func(string) {}
	var run fuzzRun
	run.trace, run.err = stamping.Stamp(root, stamping.Options{Visitor: newStepCounter(v, &run.steps), Record: true})
	run.stopped = context.Cause(ctx)
	return run
}

// countingUUID replaces uuid4() with a counter, so that two runs of one
// script can be compared.
func countingUUID() starlark.StringDict {
	n := 0
	return starlark.StringDict{"uuid4": starlark.NewBuiltin("uuid4", func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
		n++
		return starlark.String(fmt.Sprintf("00000000-0000-4000-8000-%012d", n)), nil
	})}
}

// deadline turns a run that never ends into a failure instead of a stuck
// fuzzer; no run under the step budget comes near it.
const deadline = time.Minute

// watch cancels ctx when the heap grows past memoryLimit or the deadline
// passes; the returned function stops watching.
func watch(ctx context.Context, cancel context.CancelCauseFunc) func() {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	base := sample[0].Value.Uint64()
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		end := time.After(deadline)
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-end:
				cancel(context.DeadlineExceeded)
				return
			case <-tick.C:
				metrics.Read(sample)
				if sample[0].Value.Uint64() > base+memoryLimit {
					cancel(errMemory)
					return
				}
			}
		}
	}()
	return func() { close(done) }
}

// stepCounter passes hook calls to a script visitor and notes the number
// of steps each call took.
type stepCounter struct {
	visitors.Dispatch
	v *script.Visitor
}

func newStepCounter(v *script.Visitor, steps *[]uint64) *stepCounter {
	s := &stepCounter{v: v}
	s.Dispatch = visitors.NewDispatch(v.Name(), func(h visitors.Hook, t visitors.Target, headers *canvas.Dict) (canvas.Value, error) {
		ret, err := visitors.Call(v, h, t, headers)
		*steps = append(*steps, v.LastSteps())
		return ret, err
	})
	return s
}

// Start and LastSteps are the script's, as stamping asks for them.
func (s *stepCounter) Start() error      { return s.v.Start() }
func (s *stepCounter) LastSteps() uint64 { return s.v.LastSteps() }
