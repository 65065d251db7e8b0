package script_test

import (
	"context"
	"errors"
	"regexp"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

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
//   - stepping the recorded run back restores the exact canvas.
//
// The seed corpus is testdata/fuzz/FuzzScript.
func FuzzScript(f *testing.F) {
	f.Fuzz(func(t *testing.T, src, canvasJSON []byte) {
		v, err := script.Compile("fuzz.star", src)
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

		ctx, cancel := context.WithCancelCause(context.Background())
		defer cancel(nil)
		stop := watch(ctx, cancel)
		defer stop()
		v.Budget = fuzzBudget
		v.Context = ctx
		v.Print = func(string) {}
		maxSteps := uint64(0)
		tr, err := stamping.Stamp(root, stamping.Options{Visitor: newStepCounter(v, &maxSteps), Record: true})
		switch cause := context.Cause(ctx); {
		case errors.Is(cause, context.DeadlineExceeded):
			t.Fatalf("the run did not end within %v: %v", deadline, err)
		case errors.Is(cause, errMemory):
			return // a bomb of one step, which no watchdog can stop mid-step
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
		if maxSteps > fuzzBudget+1 {
			t.Fatalf("a hook call took %d steps, over its budget of %d", maxSteps, fuzzBudget)
		}
		st, serr := stamping.NewStepper(tr)
		if serr != nil {
			t.Fatal(serr)
		}
		st.Goto(0)
		if got, _ := canvas.Encode(root, -1); string(got) != string(before) {
			t.Fatalf("stepping back did not restore the canvas (run error %v):\nbefore %s\n   got %s", err, before, got)
		}
	})
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

// stepCounter passes hook calls to a script visitor and keeps the largest
// number of steps one call took.
type stepCounter struct {
	visitors.Dispatch
	v *script.Visitor
}

func newStepCounter(v *script.Visitor, most *uint64) *stepCounter {
	s := &stepCounter{v: v}
	s.Dispatch = visitors.NewDispatch(v.Name(), func(h visitors.Hook, t visitors.Target, headers *canvas.Dict) (canvas.Value, error) {
		ret, err := visitors.Call(v, h, t, headers)
		*most = max(*most, v.LastSteps())
		return ret, err
	})
	return s
}

// Start and LastSteps are the script's, as stamping asks for them.
func (s *stepCounter) Start() error      { return s.v.Start() }
func (s *stepCounter) LastSteps() uint64 { return s.v.LastSteps() }
