package replay

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/visitors"
)

// Recording is every hook call of one stamp() run, in call order, with what
// the visitor did: returned a value, did not define the hook (Celery's
// default ran) or failed. Replaying it gives the very same run even when the
// visitor is not deterministic (uuid4(), clocks).
type Recording struct {
	// Visitor is the name of the visitor that was recorded (informational).
	Visitor string
	Calls   []Call
	// Positions says where the visitor defines each hook it was asked
	// about (file:line:col), for error messages; empty for built-ins.
	Positions map[visitors.Hook]string
}

// Call is one recorded hook call.
type Call struct {
	Hook visitors.Hook
	// Path is the visited object's path, relative to the node the stamp op
	// ran on; ID its task_id (informational).
	Path visitors.Path
	ID   canvas.Value
	// Default: the visitor does not define the hook and Celery's
	// StampingVisitor default ran instead.
	Default bool
	// Err is the message of the error the hook raised ("" for none).
	Err string
	// Mutated: the hook changed the canvas itself (through Target.Log), which
	// a recording cannot replay.
	Mutated bool
	// Ret is the JSON form of what the hook returned (nil for *_end hooks).
	// Tuples and Refs restore what JSON cannot hold (see Value).
	Ret    canvas.Value
	Tuples []Path
	Refs   []Ref
}

// Path is a position inside a value: dict keys (string) and list indexes
// (int), outermost first.
type Path []any

// Ref says that the container at At inside a returned value was not a new
// object but one that already existed: In "call" (returned by an earlier
// call of the same run, Call, at Path inside it), "sig" (the visited object,
// at Path) or "headers" (the headers the hook received, at Path). A Starlark
// hook returning sig.options["link"] returns the canvas's own list: the
// replay hands back that same object, so later mutations are shared as they
// were.
type Ref struct {
	At   Path
	In   string
	Call int
	Path Path
}

// Recorder is a Visitor that runs another visitor and records every hook
// call it answers. Use one Recorder per stamp() run.
type Recorder struct {
	visitors.Dispatch
	inner visitors.Visitor
	rec   *Recording
	enc   *encoder
	// made: the inner visitor is a visitors.ResultMaker, whose results
	// hold no part of the canvas or the headers to look for
	made bool
}

// NewRecorder wraps v; name is recorded as the visitor's name ("" = v.Name()).
func NewRecorder(v visitors.Visitor, name string) *Recorder {
	if name == "" {
		name = v.Name()
	}
	r := &Recorder{inner: v, rec: &Recording{Visitor: name}, enc: newEncoder()}
	_, r.made = v.(visitors.ResultMaker)
	r.Dispatch = visitors.NewDispatch(v.Name(), r.call)
	return r
}

// Start begins a stamp() run: the recording restarts and the wrapped
// visitor's own Start runs.
func (r *Recorder) Start() error {
	r.rec.Calls = nil
	r.enc = newEncoder()
	if s, ok := r.inner.(visitors.Starter); ok {
		return s.Start()
	}
	return nil
}

// Recording is what was recorded so far.
func (r *Recorder) Recording() *Recording { return r.rec }

// HookPos is where the wrapped visitor defines hook h, if it says.
func (r *Recorder) HookPos(h visitors.Hook) string {
	l, ok := r.inner.(visitors.Locator)
	if !ok {
		return ""
	}
	pos := l.HookPos(h)
	if pos != "" {
		if r.rec.Positions == nil {
			r.rec.Positions = map[visitors.Hook]string{}
		}
		r.rec.Positions[h] = pos
	}
	return pos
}

func (r *Recorder) call(h visitors.Hook, t visitors.Target, headers *canvas.Dict) (canvas.Value, error) {
	r.HookPos(h)
	before := t.Log.Len()
	ret, err := visitors.Call(r.inner, h, t, headers)
	c := r.enc.call(len(r.rec.Calls), h, t, headers, ret, err, r.made)
	c.Mutated = t.Log.Len() != before
	r.rec.Calls = append(r.rec.Calls, c)
	return ret, err
}

// encoder turns hook results into Calls, remembering the containers already
// returned in this run so that a value returned twice is recorded as a Ref.
type encoder struct {
	seen map[any]loc
}

type loc struct {
	call int
	path Path
}

func newEncoder() *encoder { return &encoder{seen: map[any]loc{}} }

func (e *encoder) call(i int, h visitors.Hook, t visitors.Target, headers *canvas.Dict, ret canvas.Value, err error, made bool) Call {
	c := Call{Hook: h, Path: t.Path, ID: targetID(t.Value)}
	switch {
	case errors.Is(err, visitors.ErrUndefined):
		c.Default = true
	case err != nil:
		c.Err = err.Error()
	case !h.IsEnd():
		v := &valueEncoder{enc: e, call: i, target: t.Value, headers: headers, made: made}
		c.Ret = v.walk(ret, nil)
		c.Tuples, c.Refs = v.tuples, v.refs
	}
	return c
}

func targetID(v canvas.Value) canvas.Value {
	if d, ok := v.(*canvas.Dict); ok {
		return canvas.JSONCopy(taskIDOf(d))
	}
	return nil
}

type valueEncoder struct {
	enc     *encoder
	call    int
	target  canvas.Value
	headers *canvas.Dict
	index   map[any]Ref // containers of the target and headers, built on first need
	made    bool        // the visitor makes its results: no need for index
	tuples  []Path
	refs    []Ref
}

func (v *valueEncoder) walk(x canvas.Value, at Path) canvas.Value {
	switch c := x.(type) {
	case *canvas.Dict, *canvas.List:
		if l, ok := v.enc.seen[c]; ok {
			v.refs = append(v.refs, Ref{At: clonePath(at), In: "call", Call: l.call, Path: l.path})
			return nil
		}
		if !v.made {
			if r, ok := v.views()[c]; ok {
				r.At = clonePath(at)
				v.refs = append(v.refs, r)
				return nil
			}
		}
		v.enc.seen[c] = loc{v.call, clonePath(at)}
	}
	switch c := x.(type) {
	case *canvas.Dict:
		out := canvas.DictOf(canvas.Plain, make([]canvas.Pair, c.Len()))
		for i, p := range c.Pairs() {
			out.Pairs()[i] = canvas.Pair{Key: p.Key, Val: v.walk(p.Val, append(at, p.Key.String()))}
		}
		return out
	case *canvas.List:
		if c.Tuple() {
			v.tuples = append(v.tuples, clonePath(at))
		}
		out := canvas.NewList(make([]canvas.Value, c.Len())...)
		for i, it := range c.Items() {
			out.Items()[i] = v.walk(it, append(at, i))
		}
		return out
	}
	return x
}

// views indexes every container reachable from the visited object and from
// the headers, by identity.
func (v *valueEncoder) views() map[any]Ref {
	if v.index != nil {
		return v.index
	}
	v.index = map[any]Ref{}
	var walk func(x canvas.Value, in string, at Path)
	walk = func(x canvas.Value, in string, at Path) {
		switch c := x.(type) {
		case *canvas.Dict:
			if _, ok := v.index[c]; ok {
				return
			}
			v.index[c] = Ref{In: in, Path: clonePath(at)}
			for _, p := range c.Pairs() {
				walk(p.Val, in, append(at, p.Key.String()))
			}
		case *canvas.List:
			if _, ok := v.index[c]; ok {
				return
			}
			v.index[c] = Ref{In: in, Path: clonePath(at)}
			for i, it := range c.Items() {
				walk(it, in, append(at, i))
			}
		}
	}
	walk(v.target, "sig", nil)
	if v.headers != nil {
		// The headers dict itself is the hook's own copy; its values may be
		// shared with the run.
		for _, p := range v.headers.Pairs() {
			walk(p.Val, "headers", Path{p.Key.String()})
		}
	}
	return v.index
}

func clonePath(p Path) Path {
	if len(p) == 0 {
		return Path{}
	}
	return append(Path(nil), p...)
}

// Replayer is a Visitor that answers every hook call from a Recording, in
// order, checking that each call is the one recorded (same hook, same path).
type Replayer struct {
	visitors.Dispatch
	rec  *Recording
	next int
	// returned are the values handed out in this run, for Refs to them.
	returned []canvas.Value
}

// NewReplayer returns a visitor that replays rec.
func NewReplayer(rec *Recording) *Replayer {
	r := &Replayer{rec: rec}
	r.Dispatch = visitors.NewDispatch(rec.Visitor, r.call)
	return r
}

// Start begins a stamp() run from the first recorded call.
func (r *Replayer) Start() error {
	r.next = 0
	r.returned = nil
	return nil
}

// HookPos is where the recorded visitor defined hook h ("" if unknown).
func (r *Replayer) HookPos(h visitors.Hook) string { return r.rec.Positions[h] }

// Done reports an error when recorded calls were left unused.
func (r *Replayer) Done() error {
	if r.next < len(r.rec.Calls) {
		c := r.rec.Calls[r.next]
		return &MismatchError{Step: r.next, Msg: fmt.Sprintf("the run made %d hook calls but %d were recorded (next: %s on %s)", r.next, len(r.rec.Calls), c.Hook, c.Path.String())}
	}
	return nil
}

// MismatchError is a recording that does not fit the run it is replayed
// into: the canvas or the ops before the stamp differ from when it was
// recorded.
type MismatchError struct {
	Step int
	Msg  string
}

// Error says where the recording stopped fitting.
func (e *MismatchError) Error() string {
	return fmt.Sprintf("recording does not match the run at step %d: %s", e.Step, e.Msg)
}

func (r *Replayer) take(h visitors.Hook, t visitors.Target) (*Call, error) {
	i := r.next
	if i >= len(r.rec.Calls) {
		return nil, &MismatchError{Step: i, Msg: fmt.Sprintf("%s on %s was called but only %d calls were recorded", h, t.Path.String(), len(r.rec.Calls))}
	}
	c := &r.rec.Calls[i]
	if c.Hook != h || !samePlace(c.Path, t.Path) {
		return nil, &MismatchError{Step: i, Msg: fmt.Sprintf("%s on %s was called, the recording has %s on %s", h, t.Path.String(), c.Hook, c.Path.String())}
	}
	if c.Mutated {
		return nil, &MismatchError{Step: i, Msg: fmt.Sprintf("%s on %s changed the canvas itself when it was recorded; a recording cannot replay that (run the visitor live)", h, t.Path.String())}
	}
	r.next++
	return c, nil
}

func (r *Replayer) call(h visitors.Hook, t visitors.Target, headers *canvas.Dict) (canvas.Value, error) {
	c, err := r.take(h, t)
	if err != nil {
		return nil, err
	}
	v, err := r.answer(c, t, headers)
	r.returned = append(r.returned, v)
	return v, err
}

// samePlace reports whether two paths end the same way at the same depth: a
// check that costs the same on a canvas nested 100,000 levels deep.
func samePlace(a, b visitors.Path) bool {
	if a.Depth() != b.Depth() {
		return false
	}
	an, ai := a.Last()
	bn, bi := b.Last()
	return an == bn && ai == bi
}

// answer is what the recorded call c makes the hook return.
func (r *Replayer) answer(c *Call, t visitors.Target, headers *canvas.Dict) (canvas.Value, error) {
	switch {
	case c.Default:
		return nil, visitors.ErrUndefined
	case c.Err != "":
		return nil, errors.New(c.Err)
	case c.Hook.IsEnd():
		return nil, nil
	}
	return Value(c, t.Value, headers, r.returned)
}

// Value rebuilds the value a recorded call returned, as new objects: Ret
// with the tuples marked and every Ref resolved against the visited object,
// the headers, the values returned earlier in the run (earlier[i] is what
// call i returned; len(earlier) is this call, for an object met twice in
// one value).
func Value(c *Call, target canvas.Value, headers *canvas.Dict, earlier []canvas.Value) (canvas.Value, error) {
	v := freshCopy(c.Ret)
	for _, p := range c.Tuples {
		x, err := at(v, p)
		if err != nil {
			return nil, fmt.Errorf("recorded tuple %v: %w", p, err)
		}
		l, ok := x.(*canvas.List)
		if !ok {
			return nil, fmt.Errorf("recorded tuple %v is a %s", p, canvas.TypeName(x))
		}
		l.SetTuple(true)
	}
	for _, ref := range c.Refs {
		var base canvas.Value
		switch ref.In {
		case "call":
			switch {
			case ref.Call == len(earlier):
				base = v // an object met earlier in this same value
			case ref.Call < 0 || ref.Call > len(earlier):
				return nil, fmt.Errorf("recorded ref to call %d, which has not run", ref.Call)
			default:
				base = earlier[ref.Call]
			}
		case "sig":
			base = target
		case "headers":
			base = headers
		default:
			return nil, fmt.Errorf("recorded ref into %q (known: call, sig, headers)", ref.In)
		}
		obj, err := at(base, ref.Path)
		if err != nil {
			return nil, fmt.Errorf("recorded ref into %s %v: %w", ref.In, ref.Path, err)
		}
		if len(ref.At) == 0 {
			v = obj
			continue
		}
		parent, err := at(v, ref.At[:len(ref.At)-1])
		if err != nil {
			return nil, fmt.Errorf("recorded ref at %v: %w", ref.At, err)
		}
		if err := setAt(parent, ref.At[len(ref.At)-1], obj); err != nil {
			return nil, fmt.Errorf("recorded ref at %v: %w", ref.At, err)
		}
	}
	return v, nil
}

// freshCopy copies a JSON value into new plain dicts and lists.
func freshCopy(v canvas.Value) canvas.Value {
	switch x := v.(type) {
	case *canvas.Dict:
		c := canvas.DictOf(canvas.Plain, make([]canvas.Pair, x.Len()))
		for i, p := range x.Pairs() {
			c.Pairs()[i] = canvas.Pair{Key: p.Key, Val: freshCopy(p.Val)}
		}
		return c
	case *canvas.List:
		c := canvas.NewList(make([]canvas.Value, x.Len())...)
		for i, it := range x.Items() {
			c.Items()[i] = freshCopy(it)
		}
		return c
	}
	return v
}

// at follows p inside v.
func at(v canvas.Value, p Path) (canvas.Value, error) {
	for _, s := range p {
		switch k := s.(type) {
		case string:
			d, ok := v.(*canvas.Dict)
			if !ok {
				return nil, fmt.Errorf("key %q on a %s", k, canvas.TypeName(v))
			}
			x, ok := d.Get(k)
			if !ok {
				return nil, fmt.Errorf("no key %q", k)
			}
			v = x
		case int:
			l, ok := v.(*canvas.List)
			if !ok {
				return nil, fmt.Errorf("index %d on a %s", k, canvas.TypeName(v))
			}
			if k < 0 || k >= l.Len() {
				return nil, fmt.Errorf("index %d out of range", k)
			}
			v = l.Items()[k]
		default:
			return nil, fmt.Errorf("bad path element %v", s)
		}
	}
	return v, nil
}

func setAt(parent canvas.Value, s any, v canvas.Value) error {
	switch k := s.(type) {
	case string:
		d, ok := parent.(*canvas.Dict)
		if !ok {
			return fmt.Errorf("key %q on a %s", k, canvas.TypeName(parent))
		}
		d.Set(k, v)
		return nil
	case int:
		l, ok := parent.(*canvas.List)
		if !ok || k < 0 || k >= l.Len() {
			return fmt.Errorf("index %d not in a list", k)
		}
		l.Items()[k] = v
		return nil
	}
	return fmt.Errorf("bad path element %v", s)
}

// Divergence is the first hook call where a live visitor did not do what
// the recording says.
type Divergence struct {
	Op       int // index of the stamp op in the session
	Step     int // index of the hook call in that stamp (= trace step)
	Hook     visitors.Hook
	Path     visitors.Path // relative to the op's node
	ID       canvas.Value
	Recorded string // what the recording holds, as text
	Live     string // what the live visitor did, as text
}

// Error is the divergence in one line: op, step, hook, node, both values.
func (d *Divergence) Error() string {
	where := d.Path.String()
	if s := idText(d.ID); s != "" {
		where += " (" + s + ")"
	}
	return fmt.Sprintf("op %d step %d: %s on %s: recorded %s, live %s", d.Op, d.Step, d.Hook, where, d.Recorded, d.Live)
}

// describe is a call's outcome as text.
func (c *Call) describe() string {
	switch {
	case c.Default:
		return "(not defined: Celery's default)"
	case c.Err != "":
		return "error: " + c.Err
	case c.Hook.IsEnd():
		return "(end hook)"
	}
	s := compactJSON(c.Ret)
	if len(c.Tuples) > 0 {
		s += fmt.Sprintf(" tuples %v", c.Tuples)
	}
	for _, r := range c.Refs {
		s += fmt.Sprintf(" ref %v→%s%v", r.At, r.In, r.Path)
		if r.In == "call" {
			s += "@" + strconv.Itoa(r.Call)
		}
	}
	return s
}

func sameCall(a, b *Call) bool { return a.describe() == b.describe() }

// lockstep replays a recording and, at every call, also runs the live
// visitor on the same object and headers, keeping the first divergence.
// The run itself always follows the recording, so one divergence does not
// cascade into the next calls.
type lockstep struct {
	*Replayer
	live  visitors.Visitor
	made  bool // live is a visitors.ResultMaker
	enc   *encoder
	op    int
	first *Divergence
}

func newLockstep(rec *Recording, live visitors.Visitor, op int) *lockstep {
	l := &lockstep{Replayer: NewReplayer(rec), live: live, enc: newEncoder(), op: op}
	_, l.made = live.(visitors.ResultMaker)
	l.Dispatch = visitors.NewDispatch(rec.Visitor, l.call)
	return l
}

// Start begins a run of both the recording and the live visitor.
func (l *lockstep) Start() error {
	if err := l.Replayer.Start(); err != nil {
		return err
	}
	l.enc = newEncoder()
	if s, ok := l.live.(visitors.Starter); ok {
		return s.Start()
	}
	return nil
}

func (l *lockstep) call(h visitors.Hook, t visitors.Target, headers *canvas.Dict) (canvas.Value, error) {
	i := l.next
	c, err := l.take(h, t)
	if err != nil {
		return nil, err
	}
	ret, lerr := visitors.Call(l.live, h, t, headers.Copy())
	got := l.enc.call(i, h, t, headers, ret, lerr, l.made)
	if l.first == nil && !sameCall(c, &got) {
		l.first = &Divergence{Op: l.op, Step: i, Hook: h, Path: t.Path, ID: c.ID, Recorded: c.describe(), Live: got.describe()}
	}
	v, err := l.answer(c, t, headers)
	l.returned = append(l.returned, v)
	return v, err
}

// compactJSON is v as one line of JSON (or its Go form if it cannot be).
func compactJSON(v canvas.Value) string {
	b, err := canvas.Encode(v, -1)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
