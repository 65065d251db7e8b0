package stamping

import (
	"errors"
	"math"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/visitors"
)

// Step is one hook call of a stamp() run. A recorded trace keeps one per
// hook call, so the struct is kept small: what can be worked out from other
// fields (the node's depth, its parent path) is not stored, and the hook's
// result is kept in a compact form (see Ret).
type Step struct {
	Hook     visitors.Hook
	Default  bool   // the visitor does not define the hook: Celery's default ran
	Nested   bool   // called by a default hook (on_group_start from on_chord_header_start…)
	failed   bool   // the hook failed: ret is a *failure
	logStart uint32 // first mutation of this step in the trace's log

	Target  Node         // the object the hook was given, and where it sits
	ID      canvas.Value // its options.task_id, or nil
	Headers *canvas.Dict // the keyword arguments, as they were at call time

	// What the hook returned. Most hooks return a plain dict of a few
	// scalars under the same names every time, so such a dict is kept as
	// its keys (a list shared across the run) and its values: the one
	// value, or a []canvas.Value. With retKeys nil, ret is the result.
	retKeys *[]canvas.Key
	ret     canvas.Value
}

// failure is what a failed step keeps: its result, if the hook returned
// one before Celery's code failed on it, and the error.
type failure struct {
	ret canvas.Value
	err error
}

// Ret is what the hook returned (nil for *_end hooks, and for hooks that
// failed before returning). It is read-only: it may be the trace's own copy.
func (s *Step) Ret() canvas.Value {
	if s.failed {
		return s.ret.(*failure).ret
	}
	if s.retKeys == nil {
		return s.ret
	}
	keys := *s.retKeys
	d := canvas.NewDict(canvas.Plain, len(keys))
	switch len(keys) {
	case 0:
	case 1:
		d.AppendPairs(canvas.Pair{Key: keys[0], Val: s.ret})
	default:
		for i, v := range s.ret.([]canvas.Value) {
			d.AppendPairs(canvas.Pair{Key: keys[i], Val: v})
		}
	}
	return d
}

// RetGet is Ret()[key] when the result is a dict holding key, without
// making the dict.
func (s *Step) RetGet(key string) (canvas.Value, bool) {
	if s.retKeys == nil || s.failed {
		if d, ok := s.Ret().(*canvas.Dict); ok {
			return d.Get(key)
		}
		return nil, false
	}
	for i, k := range *s.retKeys {
		if k.String() == key {
			if len(*s.retKeys) == 1 {
				return s.ret, true
			}
			return s.ret.([]canvas.Value)[i], true
		}
	}
	return nil, false
}

// RetLen is len(Ret()) when the result is a dict, without making the dict;
// ok is false when it is not a dict.
func (s *Step) RetLen() (n int, ok bool) {
	if s.retKeys == nil || s.failed {
		d, ok := s.Ret().(*canvas.Dict)
		if !ok {
			return 0, false
		}
		return d.Len(), true
	}
	return len(*s.retKeys), true
}

// Err is why the hook failed, or why Celery's code failed right after it
// (the run stopped here); nil for a step that went well.
func (s *Step) Err() error {
	if !s.failed {
		return nil
	}
	return s.ret.(*failure).err
}

// fail marks the step as where the run stopped, unless it already is.
func (s *Step) fail(err error) {
	if !s.failed {
		s.ret, s.retKeys, s.failed = &failure{ret: s.Ret(), err: err}, nil, true
	}
}

// Task is the node's task name, or nil when it is not a signature. It is
// read from the node rather than kept: stamping never changes a
// signature's "task" (it writes options, immutable and a group's or
// chord's tasks), so it is the name the hook saw.
func (s *Step) Task() canvas.Value { return taskName(s.Target.Value) }

// Node is the object a hook was given and where it sits in the canvas.
type Node struct {
	Value canvas.Value  // *canvas.Dict or, rarely, *canvas.List
	Path  visitors.Path // e.g. $.tasks[1].header[0]
}

// Trace is every hook call of one stamp() run, in the order the calls began.
type Trace struct {
	Root  *canvas.Dict
	Steps []Step
	Log   *canvas.Log // mutations in order; nil unless Options.Record

	// dropped is the number of steps an untraced run (Options.Untraced)
	// did not keep: Steps holds only the calls after them.
	dropped int

	// scriptSteps[i] is the number of interpreter steps step i's scripted
	// hook used; nil for visitors that do not count them.
	scriptSteps []uint64
}

// ScriptSteps is the number of interpreter steps step i's scripted hook
// used (0 for Go visitors and hooks the visitor does not define).
func (t *Trace) ScriptSteps(i int) uint64 {
	if i < len(t.scriptSteps) {
		return t.scriptSteps[i]
	}
	return 0
}

// call runs one hook, recording its step; for a hook the visitor does not
// define it runs Celery's StampingVisitor default. It returns the visitor's
// result for stampHeaders: noVisitor when there is no visitor.
func (r *run) call(h visitors.Hook, obj canvas.Value, at node, headers *canvas.Dict) (canvas.Value, error) {
	if r.v == nil {
		return noVisitor, nil
	}
	return r.callHook(h, obj, at, headers, false)
}

func (r *run) callHook(h visitors.Hook, obj canvas.Value, at node, headers *canvas.Dict, nested bool) (canvas.Value, error) {
	target := visitors.Target{Value: obj, Path: at.path, Depth: at.path.Depth(), Parent: at.path.Parent(), Owner: at.owner, Root: r.trace.Root, Log: r.log}
	if r.untraced && r.calling == 0 {
		// Only the calls in progress are kept: the last one is where an
		// error is reported.
		r.trace.dropped += len(r.trace.Steps)
		clear(r.trace.Steps)
		r.trace.Steps = r.trace.Steps[:0]
	}
	r.calling++
	defer func() { r.calling-- }()
	if r.progress != nil {
		r.progress.Calls.Add(1)
	}
	i := len(r.trace.Steps)
	snap := headers // read only while the hook runs: an untraced run keeps no step
	if !r.untraced || !r.readOnly {
		snap = r.snapshot(headers)
	}
	r.trace.Steps = append(r.trace.Steps, Step{
		Hook:     h,
		Target:   Node{Value: obj, Path: at.path},
		ID:       taskID(obj),
		Headers:  snap,
		Nested:   nested,
		logStart: logPos(r.log.Len()),
	})
	ret, err := visitors.Call(r.v, h, target, snap)
	if sc, ok := r.v.(visitors.StepCounter); ok && !r.untraced {
		t := r.trace
		for len(t.scriptSteps) <= i {
			t.scriptSteps = append(t.scriptSteps, 0)
		}
		if !errors.Is(err, visitors.ErrUndefined) {
			t.scriptSteps[i] = sc.LastSteps()
		}
	}
	if errors.Is(err, visitors.ErrUndefined) {
		r.trace.Steps[i].Default = true
		ret, err = r.defaultHook(h, obj, at, headers)
	} else if err != nil {
		err = &visitors.HookError{Hook: h, Path: at.path.String(), ID: idString(obj), Err: err}
	}
	if err != nil {
		r.trace.Steps[i].fail(err)
		return nil, err
	}
	if h.IsEnd() {
		return nil, nil
	}
	r.keepResult(&r.trace.Steps[i], ret)
	return ret, nil
}

// keepResult stores what a hook returned in its step: a deep copy, since
// stamping merges the values into headers that later merges change in
// place — except for a plain dict of scalars, the common stamp, whose keys
// and values are kept as they are (see Step): scalars cannot change.
func (r *run) keepResult(s *Step, ret canvas.Value) {
	d, ok := ret.(*canvas.Dict)
	if !ok || d.Class() != canvas.Plain {
		s.ret = canvas.DeepCopy(ret)
		return
	}
	for _, p := range d.Pairs() {
		if p.Val != nil && !canvas.IsScalar(p.Val) {
			s.ret = canvas.DeepCopy(ret)
			return
		}
	}
	s.retKeys = r.keyLists.of(d.Pairs())
	switch d.Len() {
	case 0:
	case 1:
		s.ret = d.Pairs()[0].Val
	default:
		vals := make([]canvas.Value, d.Len())
		for i, p := range d.Pairs() {
			vals[i] = p.Val
		}
		s.ret = vals
	}
}

// snapshot is a deep copy of the headers a hook is given, as they are now.
// Hooks mostly receive headers equal to ones seen just before (siblings,
// a task and its links), so a snapshot equal to one of the last few is
// shared instead of copying again; snapshots are never changed.
func (r *run) snapshot(headers *canvas.Dict) *canvas.Dict {
	for _, s := range r.snaps {
		if s != nil && canvas.SameJSON(headers, s) {
			return s
		}
	}
	snap := canvas.DeepCopy(headers).(*canvas.Dict)
	r.snaps[r.nextSnap] = snap
	r.nextSnap = (r.nextSnap + 1) % len(r.snaps)
	return snap
}

// defaultHook is Celery's StampingVisitor default for hook h.
func (r *run) defaultHook(h visitors.Hook, obj canvas.Value, at node, headers *canvas.Dict) (canvas.Value, error) {
	switch h {
	case visitors.OnSignature:
		return nil, nil
	case visitors.OnGroupEnd, visitors.OnChainEnd:
		return nil, nil
	case visitors.OnChordHeaderStart:
		chord := obj.(*canvas.Dict)
		tasks, err := canvas.Tasks(chord)
		if err != nil {
			return nil, err
		}
		if g, ok := tasks.(*canvas.Dict); !ok || g.Class() != canvas.Group {
			g, err := canvas.WrapGroup(tasks)
			if err != nil {
				return nil, err
			}
			if err := canvas.SetTasks(r.log, chord, g); err != nil {
				return nil, err
			}
		}
		header, _ := canvas.Tasks(chord)
		return r.callHook(visitors.OnGroupStart, header, r.field(at, "header"), headers, true)
	case visitors.OnChordHeaderEnd:
		header, err := canvas.Tasks(obj.(*canvas.Dict))
		if err != nil {
			return nil, err
		}
		return r.callHook(visitors.OnGroupEnd, header, r.field(at, "header"), headers, true)
	}
	return emptyResult, nil // {}; nothing writes into a hook's result
}

func taskID(v canvas.Value) canvas.Value {
	d, ok := v.(*canvas.Dict)
	if !ok {
		return nil
	}
	if opts, ok := d.LookupKey(canvas.KeyOptions).(*canvas.Dict); ok {
		return opts.LookupKey(canvas.KeyTaskID)
	}
	return nil
}

func taskName(v canvas.Value) canvas.Value {
	if d, ok := v.(*canvas.Dict); ok {
		return d.LookupKey(canvas.KeyTask)
	}
	return nil
}

func idString(v canvas.Value) string {
	s, _ := taskID(v).(string)
	return s
}

// Len is the number of hook calls, kept or not (see Options.Untraced).
func (t *Trace) Len() int { return t.dropped + len(t.Steps) }

// boundary is the log position where exactly the first p steps are done.
func (t *Trace) boundary(p int) int {
	switch {
	case p >= len(t.Steps): // a run without hooks (no visitor) has one state: stamped
		return t.Log.Len()
	case p <= 0:
		return 0
	}
	return int(t.Steps[p].logStart)
}

// logPos is a log position as a step stores it. A log of 2^32 mutations
// would take hundreds of gigabytes, so 32 bits are enough; past them the
// run stops rather than step to the wrong place.
func logPos(n int) uint32 {
	if n > math.MaxUint32 {
		panic("stamping: more than 2^32 recorded mutations")
	}
	return uint32(n)
}

// Mutations is the number of canvas mutations step i made (recorded traces only).
func (t *Trace) Mutations(i int) int { return t.Log.Changes(t.boundary(i), t.boundary(i+1)) }

// Stepper moves a recorded trace's canvas to the state after any number of
// steps, forward or back, by replaying or undoing the mutation log. Position
// p means steps 0..p-1 are done; 0 is the canvas before stamping, Len() the
// canvas after it.
type Stepper struct {
	trace *Trace
	pos   int
}

// NewStepper returns a stepper at the end of a recorded trace (where Stamp
// leaves the canvas).
func NewStepper(t *Trace) (*Stepper, error) {
	if t.Log == nil {
		return nil, errors.New("trace was not recorded: stamp with Options.Record to step through it")
	}
	return &Stepper{trace: t, pos: len(t.Steps)}, nil
}

// Trace is the trace being stepped.
func (s *Stepper) Trace() *Trace { return s.trace }

// Pos is the number of steps done.
func (s *Stepper) Pos() int { return s.pos }

// Goto moves to position p (clamped to 0..Len()).
func (s *Stepper) Goto(p int) {
	if p < 0 {
		p = 0
	}
	if p > len(s.trace.Steps) {
		p = len(s.trace.Steps)
	}
	s.trace.Log.Seek(s.trace.boundary(p))
	s.pos = p
}

// Forward does one more step; it reports false at the end.
func (s *Stepper) Forward() bool {
	if s.pos >= len(s.trace.Steps) {
		return false
	}
	s.Goto(s.pos + 1)
	return true
}

// Back undoes the last step; it reports false at the start.
func (s *Stepper) Back() bool {
	if s.pos == 0 {
		return false
	}
	s.Goto(s.pos - 1)
	return true
}

// Produce makes a lazy group (or chord header) of the stepped canvas yield
// up to n more members (all for n < 0). Their deferred hook calls join the
// trace as they run; the stepper moves to the new end, since members can
// only be produced from the state where everything before them is done.
func (s *Stepper) Produce(z *canvas.Lazy, n int) (int, error) {
	s.Goto(len(s.trace.Steps))
	made, err := z.Consume(n)
	s.Goto(len(s.trace.Steps))
	return made, err
}
