// Package stamping runs Celery's Stamping API over a canvas exactly as Celery
// 5.6.2's stamp(), stamp_links() and _stamp_headers() do, as a sequence of
// steps (one per hook call) that can be replayed forward and back.
package stamping

import (
	"errors"
	"fmt"
	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/visitors"
)

// Options are the arguments of canvas.stamp(visitor, append_stamps, **headers).
type Options struct {
	Visitor visitors.Visitor // nil: no visitor, only Headers are stamped
	Append  bool             // append_stamps
	Headers *canvas.Dict     // the **headers of stamp(); nil for none
	Record  bool             // keep the mutation log, for stepping back

	// Progress, when set, is updated as the run goes, for a display in
	// another goroutine.
	Progress *Progress

	// Untraced keeps only the number of hook calls and the call in
	// progress (for error reports) instead of every step: for runs whose
	// steps nobody reads, such as stamping a canvas to export it. It
	// cannot be combined with Record. A visitors.HeadersReader then gets
	// the headers themselves, not a copy, and a kept step's Headers are
	// those same dicts, as they are when the run stops.
	Untraced bool
}

// Stamp runs root.stamp(visitor, append_stamps, **headers), mutating the
// canvas in place. It returns the trace of every hook call even when a hook
// fails, together with the error that stopped the run.
func Stamp(root *canvas.Dict, opts Options) (*Trace, error) {
	r := &run{v: opts.Visitor, trace: &Trace{Root: root}, scratch: &canvas.Dict{}, shKeys: make([]canvas.Value, 0, 8), untraced: opts.Untraced}
	_, r.readOnly = opts.Visitor.(visitors.HeadersReader)
	if opts.Record && opts.Untraced {
		return r.trace, errors.New("stamping: a recorded run keeps every step; Record and Untraced cannot be combined")
	}
	if opts.Record {
		r.log = &canvas.Log{}
		r.trace.Log = r.log
	}
	if s, ok := opts.Visitor.(visitors.Starter); ok {
		if err := s.Start(); err != nil {
			return r.trace, err
		}
	}
	if opts.Visitor != nil && (!opts.Untraced || opts.Progress != nil) {
		n := estimateSteps(root)
		if !opts.Untraced {
			r.trace.Steps = make([]Step, 0, n)
			if _, ok := opts.Visitor.(visitors.StepCounter); ok {
				r.trace.scriptSteps = make([]uint64, 0, n)
			}
		}
		if opts.Progress != nil {
			opts.Progress.Total.Store(int64(n))
		}
	}
	r.progress = opts.Progress
	headers := opts.Headers
	if headers == nil {
		headers = &canvas.Dict{}
	}
	err := r.stamp(root, node{path: visitors.Root(), self: root}, opts.Append, headers.Copy())
	return r.trace, r.explain(err)
}

// StepError is a failure of Celery's own code right after a hook returned
// (merging what it returned, writing the stamps), placed at that hook.
type StepError struct {
	Step int           // index of the hook call
	Hook visitors.Hook // the hook
	Path string        // the node it visited
	ID   string        // its task_id, if any
	Ret  canvas.Value  // what the hook returned
	Def  string        // where the visitor defines the hook (file:line:col), if known
	Err  error         // Celery's exception
}

func (e *StepError) Error() string {
	where := e.Path
	if e.ID != "" {
		where += " (" + e.ID + ")"
	}
	msg := fmt.Sprintf("step %d, after %s on %s: %v", e.Step+1, e.Hook, where, e.Err)
	if e.Def != "" {
		msg = e.Def + ": " + msg
	}
	switch e.Ret.(type) {
	case nil, *canvas.Dict:
	default:
		msg += fmt.Sprintf(" — the hook returned %s, not a dict", canvas.Repr(e.Ret))
	}
	return msg
}

func (e *StepError) Unwrap() error { return e.Err }

// explain places an error raised by Celery's code (not inside a hook) at the
// last hook call, which is where a user has to look.
func (r *run) explain(err error) error {
	if err == nil || len(r.trace.Steps) == 0 {
		return err
	}
	var he *visitors.HookError
	if errors.As(err, &he) {
		return err
	}
	i := len(r.trace.Steps) - 1
	s := &r.trace.Steps[i]
	s.fail(err)
	id, _ := s.ID.(string)
	if ne, ok := err.(*NodeError); ok && ne.Path == s.Target.Path.String() {
		err = ne.Err // the step already names the node
	}
	e := &StepError{Step: r.trace.dropped + i, Hook: s.Hook, Path: s.Target.Path.String(), ID: id, Ret: s.Ret(), Err: err}
	if l, ok := r.v.(visitors.Locator); ok {
		e.Def = l.HookPos(s.Hook)
	}
	return e
}

// node is where a value sits and what it hangs from.
type node struct {
	path  visitors.Path
	owner canvas.Value
	self  canvas.Value
}

// field is the node at n's child reached by name alone (".body").
func (r *run) field(n node, name string) node {
	return node{path: r.paths.Field(n.path, name), owner: n.self}
}

// index is the node of n's i-th child under name (".tasks[3]").
func (r *run) index(n node, name string, i int) node {
	return node{path: r.paths.Index(n.path, name, i), owner: n.self}
}

type run struct {
	v     visitors.Visitor
	log   *canvas.Log
	trace *Trace

	untraced bool      // Options.Untraced
	readOnly bool      // the visitor is a visitors.HeadersReader
	progress *Progress // Options.Progress
	calling  int       // hook calls in progress (a default hook calls another)

	paths    visitors.PathArena // every node's path
	snaps    [4]*canvas.Dict    // recent header snapshots, see snapshot
	nextSnap int
	scratch  *canvas.Dict   // see stampSignature
	keys     keyBoxes       // header names as values, for stamped_headers lists
	keyLists keyLists       // the key lists of hook results, see keepResult
	shKeys   []canvas.Value // scratch: a hook result's keys, see stampHeadersInto
}

// stamp dispatches to the class's stamp method, as Python's v.stamp(...)
// does. An error of Celery's code is placed at the node it happened in.
func (r *run) stamp(v canvas.Value, at node, appendStamps bool, headers *canvas.Dict) error {
	if err := r.stampNode(v, at, appendStamps, headers); err != nil {
		return placeAt(err, at.path)
	}
	return nil
}

func (r *run) stampNode(v canvas.Value, at node, appendStamps bool, headers *canvas.Dict) error {
	at.self = v
	sig, ok := v.(*canvas.Dict)
	if !ok || !sig.Class().IsSignature() {
		return canvas.AttrError(v, "stamp")
	}
	switch sig.Class() {
	case canvas.Chain:
		return r.stampChain(sig, at, appendStamps, headers)
	case canvas.Group:
		return r.stampGroup(sig, at, appendStamps, headers)
	case canvas.Chord:
		return r.stampChord(sig, at, appendStamps, headers)
	}
	return r.stampSignature(sig, at, appendStamps, headers)
}

// stampSignature is Signature.stamp: links first, then on_signature, then the
// merged headers are written with set().
func (r *run) stampSignature(sig *canvas.Dict, at node, appendStamps bool, headers *canvas.Dict) error {
	if err := r.stampLinks(sig, at, appendStamps, headers); err != nil {
		return err
	}
	vh, err := r.call(visitors.OnSignature, sig, at, headers)
	if err != nil {
		return err
	}
	// The merged headers only live until set() copies them into options,
	// so they are built in a dict reused from one signature to the next.
	r.scratch.SetPairs(append(r.scratch.Pairs()[:0], headers.Pairs()...))
	h, err := r.stampHeadersInto(r.scratch, sig, vh, appendStamps, true)
	if err != nil {
		return err
	}
	err = canvas.Set(r.log, sig, h)
	clear(r.scratch.Pairs())
	return err
}

// stampLinks is Signature.stamp_links: every callback, then every errback,
// each stamped with a deep copy of the incoming headers (accumulating within
// one loop) and without this signature's own stamps.
func (r *run) stampLinks(sig *canvas.Dict, at node, appendStamps bool, headers *canvas.Dict) error {
	opts, err := canvas.Options(sig)
	if err != nil {
		return err
	}
	for _, kind := range [...]struct {
		key  canvas.Key
		hook visitors.Hook
	}{{canvas.KeyLink, visitors.OnCallback}, {canvas.KeyLinkError, visitors.OnErrback}} {
		links := canvas.MaybeList(opts.LookupKey(kind.key))
		if len(links) == 0 {
			continue // Celery's deepcopy of the headers would go unused
		}
		h, borrowed := r.linkHeaders(headers)
		for i, l := range links {
			if err := canvas.AppCheck(sig); err != nil { // maybe_signature(link, app=self.app)
				return err
			}
			where := r.index(at, kind.key.String(), i)
			link, err := r.maybeSignature(l)
			if err != nil {
				return placeAt(err, where.path)
			}
			vh, err := r.call(kind.hook, link, where, h)
			if err != nil {
				return err
			}
			if borrowed != nil {
				if mayExtend(borrowed, vh) {
					h.SetKey(canvas.KeyStampedHeaders, borrowed.Copy())
				}
				borrowed = nil // the merge below gives h a list of its own
			}
			// _stamp_headers(**headers) merges into a copy of h; h is this
			// loop's own dict (the deep copy, then the previous result),
			// which nothing else holds, so it is merged into in place.
			if h, err = r.stampHeadersInto(h, sig, vh, appendStamps, false); err != nil {
				return err
			}
			if err := r.stamp(link, where, appendStamps, h); err != nil {
				return err
			}
		}
	}
	return nil
}

// linkHeaders is the deepcopy(headers) a loop of stamp_links starts from.
// With a visitor, headers that hold scalars besides a plain list of scalars
// under "stamped_headers" are copied without that list, which the loop
// borrows: the first merge of a hook's result replaces it with a new list
// (list(set(...))), and the loop copies it just before that merge only if
// the merge could extend it in place (see mayExtend). Until then nothing
// changes it: the hook gets a copy of the headers, or, as a
// visitors.HeadersReader, reads them and returns none of their parts.
// borrowed is the list h shares with headers, or nil when h is a deep copy.
func (r *run) linkHeaders(headers *canvas.Dict) (h *canvas.Dict, borrowed *canvas.List) {
	if r.v == nil || headers.Class() != canvas.Plain {
		return canvas.DeepCopy(headers).(*canvas.Dict), nil
	}
	for _, p := range headers.Pairs() {
		if p.Key == canvas.KeyStampedHeaders {
			l, ok := p.Val.(*canvas.List)
			if !ok || l.Tuple() || !scalars(l.Items()) {
				return canvas.DeepCopy(headers).(*canvas.Dict), nil
			}
			borrowed = l
		} else if p.Val != nil && !canvas.IsScalar(p.Val) {
			return canvas.DeepCopy(headers).(*canvas.Dict), nil
		}
	}
	return headers.Copy(), borrowed
}

// mayExtend reports whether merging the hook result vh into headers whose
// stamped_headers list is l could extend l in place. Only a result that is
// falsy (it becomes {}), or a plain dict without "stamped_headers" whose
// keys l already holds, is sure not to.
func mayExtend(l *canvas.List, vh canvas.Value) bool {
	if !canvas.Truthy(vh) {
		return false
	}
	d, ok := vh.(*canvas.Dict)
	if !ok || d.Class() != canvas.Plain {
		return true
	}
	for _, p := range d.Pairs() {
		if p.Key == canvas.KeyStampedHeaders || !canvas.Contains(l.Items(), p.Key.String()) {
			return true
		}
	}
	return false
}

// scalars reports whether every item is a scalar.
func scalars(items []canvas.Value) bool {
	for _, it := range items {
		if !canvas.IsScalar(it) {
			return false
		}
	}
	return true
}

// maybeSignature is maybe_signature(link, app=self.app) inside the
// traversal (canvas.AppCheck covers reading self.app); loading a group from a
// stored dict rewrites that dict's tasks, which the log records.
func (r *run) maybeSignature(v canvas.Value) (canvas.Value, error) {
	d, ok := v.(*canvas.Dict)
	if !ok && v != nil {
		// maybe_signature(v, app=self.app) sets v._app, and self.app has a
		// value here (current_app at worst): anything else but a dict fails.
		return nil, canvas.AttrError(v, "_app")
	}
	if !ok || d.Class().IsSignature() || r.log == nil {
		return canvas.MaybeSignature(v, false)
	}
	var before canvas.Value
	kw, _ := d.LookupKey(canvas.KeyKwargs).(*canvas.Dict)
	if kw != nil {
		before = kw.LookupKey(canvas.KeyTasks)
	}
	s, err := canvas.MaybeSignature(v, false)
	if kw != nil {
		if after := kw.LookupKey(canvas.KeyTasks); after != before {
			kw.SetKey(canvas.KeyTasks, before)
			r.log.SetKey(kw, canvas.KeyTasks, after)
		}
	}
	return s, err
}

// begin is how a chain, a group and a chord start their stamp: the start
// hook, its result and the node's own stamps merged into the headers, then
// the node's links, stamped with linkAppend as their append_stamps.
func (r *run) begin(hook visitors.Hook, sig *canvas.Dict, at node, appendStamps, linkAppend bool, headers *canvas.Dict) (*canvas.Dict, error) {
	vh, err := r.call(hook, sig, at, headers)
	if err != nil {
		return nil, err
	}
	h, err := r.stampHeaders(sig, vh, appendStamps, true, headers)
	if err != nil {
		return nil, err
	}
	if err := r.stampLinks(sig, at, linkAppend, h); err != nil {
		return nil, err
	}
	return h, nil
}

// stampChain is _chain.stamp: on_chain_start, the chain's own stamps merged
// in, its links (always with append_stamps=False), each task, on_chain_end.
func (r *run) stampChain(sig *canvas.Dict, at node, appendStamps bool, headers *canvas.Dict) error {
	h, err := r.begin(visitors.OnChainStart, sig, at, appendStamps, false, headers)
	if err != nil {
		return err
	}
	tasks, err := canvas.Tasks(sig)
	if err != nil {
		return err
	}
	items, err := canvas.Iterate(tasks)
	if err != nil {
		return err
	}
	for i, t := range items {
		if err := r.stamp(t, r.index(at, "tasks", i), appendStamps, h); err != nil {
			return err
		}
	}
	_, err = r.call(visitors.OnChainEnd, sig, at, h)
	return err
}

// stampGroup is group.stamp: on_group_start, merge, links, each task (plain
// dicts are turned into signatures in place), on_group_end.
func (r *run) stampGroup(sig *canvas.Dict, at node, appendStamps bool, headers *canvas.Dict) error {
	h, err := r.begin(visitors.OnGroupStart, sig, at, appendStamps, appendStamps, headers)
	if err != nil {
		return err
	}
	tasks, err := canvas.Tasks(sig)
	if err != nil {
		return err
	}
	if z, ok := tasks.(*canvas.Lazy); ok {
		if err := r.stampLazy(z, at, "tasks", appendStamps, h); err != nil {
			return err
		}
		_, err = r.call(visitors.OnGroupEnd, sig, at, h)
		return err
	}
	items, err := canvas.Iterate(tasks)
	if err != nil {
		return err
	}
	var rebuilt []canvas.Value
	if len(items) > 0 {
		// maybe_signature(task, app=self.app) reads self.app for every task;
		// it can only fail the first time.
		if err := canvas.AppCheck(sig); err != nil {
			return err
		}
	}
	for i, t := range items {
		task, err := r.maybeSignature(t)
		if err != nil {
			return placeAt(err, at.path.Index("tasks", i))
		}
		if task != t && rebuilt == nil {
			rebuilt = append(make([]canvas.Value, 0, len(items)), items[:i]...)
		}
		if err := r.stamp(task, r.index(at, "tasks", i), appendStamps, h); err != nil {
			return err
		}
		if rebuilt != nil {
			rebuilt = append(rebuilt, task)
		}
	}
	if rebuilt != nil {
		if l, ok := tasks.(*canvas.List); ok && !l.Tuple() {
			r.log.Replace(l, rebuilt)
		} else if err := canvas.SetTasks(r.log, sig, canvas.NewList(rebuilt...)); err != nil {
			return err
		}
	} else if l, ok := tasks.(*canvas.List); ok && l.Tuple() {
		// Celery assigns a new list when tasks is not a MutableSequence.
		if err := canvas.SetTasks(r.log, sig, canvas.NewList(append([]canvas.Value{}, l.Items()...)...)); err != nil {
			return err
		}
	}
	_, err = r.call(visitors.OnGroupEnd, sig, at, h)
	return err
}

// stampChord is _chord.stamp: on_chord_header_start (whose default wraps the
// header in a group), merge, links, each header task, on_chord_header_end,
// then — only with a visitor and a body — on_chord_body, merge, the body.
func (r *run) stampChord(sig *canvas.Dict, at node, appendStamps bool, headers *canvas.Dict) error {
	tasks, err := canvas.Tasks(sig)
	if err != nil {
		return err
	}
	if g, ok := tasks.(*canvas.Dict); ok && g.Class() == canvas.Group {
		if tasks, err = canvas.Tasks(g); err != nil {
			return err
		}
	}
	h, err := r.begin(visitors.OnChordHeaderStart, sig, at, appendStamps, appendStamps, headers)
	if err != nil {
		return err
	}
	if z, ok := tasks.(*canvas.Lazy); ok {
		if err := r.stampLazy(z, at, "header", appendStamps, h); err != nil {
			return err
		}
	} else {
		items, err := canvas.Iterate(tasks)
		if err != nil {
			return err
		}
		for i, t := range items {
			if err := r.stamp(t, r.index(at, "header", i), appendStamps, h); err != nil {
				return err
			}
		}
	}
	if r.v == nil {
		return nil
	}
	if _, err := r.call(visitors.OnChordHeaderEnd, sig, at, h); err != nil {
		return err
	}
	body, err := canvas.Body(sig)
	if err != nil || body == nil {
		return err
	}
	vh, err := r.call(visitors.OnChordBody, sig, at, h)
	if err != nil {
		return err
	}
	if h, err = r.stampHeaders(sig, vh, appendStamps, true, h); err != nil {
		return err
	}
	return r.stamp(body, r.field(at, "body"), appendStamps, h)
}

// stampLazy is how Celery stamps a group or chord header built from a
// generator: tasks.map(partial(_stamp_regen_task, visitor, append_stamps,
// **headers)). Members already produced are stamped now; the others are
// stamped when something produces them — after on_group_end — and their
// hook calls join this trace then, in the order they happen.
func (r *run) stampLazy(z *canvas.Lazy, at node, name string, appendStamps bool, headers *canvas.Dict) error {
	h := headers.Copy() // partial(**headers) keeps its own dict
	return z.Map(func(i int, task canvas.Value) (canvas.Value, error) {
		if err := r.stamp(task, r.index(at, name, i), appendStamps, h); err != nil {
			return nil, r.explain(err)
		}
		return task, nil
	})
}

// stampHeaders is Signature._stamp_headers: the incoming headers (their
// stamped_headers list shared, not copied), then the visitor's result merged
// in, then — when selfHeaders — the stamps stored on sig itself.
// vh is the visitor's result, or noVisitor when there is no visitor.
func (r *run) stampHeaders(sig *canvas.Dict, vh canvas.Value, appendStamps, selfHeaders bool, in *canvas.Dict) (*canvas.Dict, error) {
	return r.stampHeadersInto(in.Copy(), sig, vh, appendStamps, selfHeaders)
}

// stampHeadersInto is stampHeaders working on h, a copy of the incoming headers.
func (r *run) stampHeadersInto(h, sig *canvas.Dict, vh canvas.Value, appendStamps, selfHeaders bool) (*canvas.Dict, error) {
	if !h.HasKey(canvas.KeyStampedHeaders) {
		keys := make([]canvas.Value, h.Len())
		for i, p := range h.Pairs() {
			keys[i] = p.Key.String()
		}
		h.SetKey(canvas.KeyStampedHeaders, canvas.NewList(keys...))
	}
	if vh != noVisitor {
		if !canvas.Truthy(vh) {
			vh = emptyResult
		}
		listed, err := canvas.In("stamped_headers", vh)
		if err != nil {
			return nil, err
		}
		// visitor_headers["stamped_headers"] = list(visitor_headers.keys()),
		// passed to the merge instead of written into the hook's result,
		// which the trace may keep (see retained).
		var shKeys []canvas.Value
		if !listed {
			vd, ok := vh.(*canvas.Dict)
			if !ok {
				return nil, canvas.AttrError(vh, "keys")
			}
			shKeys = r.shKeys[:0] // not nil: Stamp made it; nothing keeps it
			for _, p := range vd.Pairs() {
				shKeys = append(shKeys, r.keys.box(p.Key.String()))
			}
			r.shKeys = shKeys
		}
		if err := mergeDicts(r.log, h, vh, appendStamps, true, shKeys); err != nil {
			return nil, err
		}
		set, err := keySet(h.LookupKey(canvas.KeyStampedHeaders))
		if err != nil {
			return nil, err
		}
		h.SetKey(canvas.KeyStampedHeaders, set)
	}
	if selfHeaders {
		opts, err := canvas.Options(sig)
		if err != nil {
			return nil, err
		}
		// set(headers["stamped_headers"]) | set(options["stamped_headers"]):
		// the list made just above is already a fresh set and is reused.
		set, isList := h.LookupKey(canvas.KeyStampedHeaders).(*canvas.List)
		if !isList || vh == noVisitor {
			if set, err = keySet(h.LookupKey(canvas.KeyStampedHeaders)); err != nil {
				return nil, err
			}
		}
		if own, ok := opts.GetKey(canvas.KeyStampedHeaders); ok {
			more, err := keySet(own)
			if err != nil {
				return nil, err
			}
			for _, k := range more.Items() {
				if !canvas.Contains(set.Items(), k) {
					set.AppendItems(k)
				}
			}
		}
		h.SetKey(canvas.KeyStampedHeaders, set)
		var redacted *canvas.Dict
		for _, p := range opts.Pairs() {
			if canvas.Contains(set.Items(), p.Key.String()) {
				if redacted == nil {
					redacted = &canvas.Dict{}
				}
				redacted.AppendPairs(p)
			}
		}
		if redacted != nil {
			if err := mergeDicts(r.log, h, redacted, appendStamps, true, nil); err != nil {
				return nil, err
			}
			// list(set(...)) again, unless the merge left our fresh set as it was.
			if cur, ok := h.LookupKey(canvas.KeyStampedHeaders).(*canvas.List); !ok || cur != set || !distinct(set.Items()) {
				final, err := keySet(h.LookupKey(canvas.KeyStampedHeaders))
				if err != nil {
					return nil, err
				}
				h.SetKey(canvas.KeyStampedHeaders, final)
			}
		}
	}
	return h, nil
}

// noVisitor marks "no visitor" for stampHeaders (visitor_headers is None).
var noVisitor = &canvas.Dict{}

// emptyResult is the {} that a falsy hook result becomes. Nothing writes to
// a hook's result (see mergeDicts), so one dict serves every such hook.
var emptyResult = &canvas.Dict{}

// distinct reports whether items holds no value twice.
func distinct(items []canvas.Value) bool {
	for i := range items {
		if canvas.Contains(items[:i], items[i]) {
			return false
		}
	}
	return true
}

// estimateSteps is the number of hook calls a stamp of c makes, counted
// ahead so that the trace is allocated once at its size. It is exact for
// canvases of lists up to 64 levels deep; past that, and for lazy groups,
// the trace grows as it goes.
func estimateSteps(c canvas.Value) int {
	n := 0
	var walk func(v canvas.Value, depth int)
	walk = func(v canvas.Value, depth int) {
		d, ok := v.(*canvas.Dict)
		if !ok || depth > 64 {
			return
		}
		n++ // on_signature, or the start hook of a chain, group or chord
		if opts, ok := d.LookupKey(canvas.KeyOptions).(*canvas.Dict); ok {
			for _, key := range [...]canvas.Key{canvas.KeyLink, canvas.KeyLinkError} {
				for _, l := range canvas.MaybeList(opts.LookupKey(key)) {
					n++ // on_callback, on_errback
					walk(l, depth+1)
				}
			}
		}
		switch d.Class() {
		case canvas.Chain, canvas.Group, canvas.Chord:
			tasks, err := canvas.Tasks(d)
			if d.Class() == canvas.Chord {
				// The default on_chord_header_start calls on_group_start;
				// then on_chord_header_end (calling on_group_end) and
				// on_chord_body.
				n += 4
				if g, ok := tasks.(*canvas.Dict); ok && g.Class() == canvas.Group {
					tasks, err = canvas.Tasks(g)
				}
				if b, err := canvas.Body(d); err == nil {
					walk(b, depth+1)
				}
			} else {
				n++ // on_chain_end, on_group_end
			}
			if l, ok := tasks.(*canvas.List); ok && err == nil {
				for _, t := range l.Items() {
					walk(t, depth+1)
				}
			}
		}
	}
	walk(c, 0)
	return n
}
