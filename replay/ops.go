// Package replay plays sessions: an initial canvas and an ordered list of
// operations (stamp, clone, set, merge, |, link, link_error, on_error,
// replace, JSON round-trip), each applied with Celery's semantics to the
// whole canvas or to one node addressed by path, with a snapshot of the
// canvas after each op and the trace of every stamp.
//
// A Player plays a session op by op (the CLI's `replay` and the TUI both
// drive one). Stamp ops are recorded — every value the visitor returned —
// so that replaying is exact even for visitors that call uuid4(), and can
// be verified against the live visitor. The Ledger says, for every node and
// stamp key, where the stamp came from (op, hook call, visitor) and what
// happened to it: changed, protected by Signature._merge, lost (with the
// Celery rule that dropped it), or removed with its node. Diff compares the
// stamps of two canvases; the lint subpackage finds pitfalls before they
// cost a stamp. FORMAT.md in this folder documents the session file, the
// node identity rule and the ledger's events.
package replay

import (
	"fmt"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/stamping"
	"github.com/stampede-dev/stampede/visitors"
)

// OpNames are the operations a session may hold.
var OpNames = []string{"stamp", "clone", "set", "merge", "or", "link", "link_error", "on_error", "replace", "json_roundtrip"}

// Resolver turns the visitor named in a stamp op into a visitor.
type Resolver func(name string) (visitors.Visitor, error)

// Result is what replaying a session produced.
type Result struct {
	// Snapshots[i] is the JSON of the canvas after op i (for merge: the
	// {"args", "kwargs", "options"} that _merge returned).
	Snapshots []canvas.Value
	// Traces[i] is the trace of op i when it is a stamp op, else nil.
	Traces []*stamping.Trace
	// Err is the error of the op that failed (ErrStep), if any; the ops
	// after it did not run.
	Err     error
	ErrStep int
	// Final is the canvas after the last op that ran.
	Final *canvas.Dict
}

// OpError is a failed op, with its position in the session.
type OpError struct {
	Step int
	Op   string
	Err  error
}

func (e *OpError) Error() string { return fmt.Sprintf("op %d (%s): %v", e.Step, e.Op, e.Err) }
func (e *OpError) Unwrap() error { return e.Err }

// Run loads the canvas as celery.signature(dict) does and applies the ops in
// order. It stops at the first op that fails, recording it in the result.
func Run(initial canvas.Value, ops []canvas.Value, resolve Resolver) (*Result, error) {
	cur, err := canvas.SignatureOf(initial)
	if err != nil {
		return nil, fmt.Errorf("loading the canvas: %w", err)
	}
	res := &Result{Final: cur, ErrStep: -1}
	for i, raw := range ops {
		op, ok := raw.(*canvas.Dict)
		if !ok {
			res.Err, res.ErrStep = &OpError{i, "?", fmt.Errorf("op is a %s, not an object", canvas.TypeName(raw))}, i
			return res, nil
		}
		name, _ := op.Lookup("op").(string)
		snap, trace, next, err := Apply(cur, op, resolve)
		if err != nil {
			res.Err, res.ErrStep = &OpError{i, name, err}, i
			return res, nil
		}
		cur = next
		res.Final = cur
		res.Snapshots = append(res.Snapshots, snap)
		res.Traces = append(res.Traces, trace)
	}
	return res, nil
}

// Apply runs one op on cur. It returns the op's snapshot, its trace (stamp
// ops only) and the canvas that is current afterwards.
//
// An op with an "at" path (see Locate) runs on that node instead of the whole
// canvas: stamp, set, link, link_error and on_error change the node in place;
// clone, replace, or and json_roundtrip put their result in the node's place
// (as `chain.tasks[1] = chain.tasks[1].clone(...)` would); merge returns the
// node's _merge. A node still held as a plain dict (a link in its JSON form)
// is first loaded with signature(d), as Celery code would have to: for a
// leaf that copy shares the stored options, so in-place ops show; for a
// composite it does not, exactly as in Celery. The
// snapshot is always of the whole canvas (for merge: of what _merge returned).
func Apply(cur *canvas.Dict, op *canvas.Dict, resolve Resolver) (canvas.Value, *stamping.Trace, *canvas.Dict, error) {
	return apply(cur, op, resolve, false, true)
}

// apply is Apply with the visitor of a stamp op chosen by visitorFor,
// the stamp's mutation log kept in its trace when record is set, and no
// snapshot (nil) unless snap is set.
func apply(cur *canvas.Dict, op *canvas.Dict, visitorFor func(name string) (visitors.Visitor, error), record, snap bool) (canvas.Value, *stamping.Trace, *canvas.Dict, error) {
	at, err := opPath(op)
	if err != nil {
		return nil, nil, nil, err
	}
	if at == "$" {
		return applyTo(cur, op, visitorFor, record, snap)
	}
	node, put, err := Locate(cur, at)
	if err != nil {
		return nil, nil, nil, err
	}
	if !node.Class().IsSignature() {
		if node, err = canvas.SignatureOf(node); err != nil {
			return nil, nil, nil, fmt.Errorf("signature(%s): %w", at, err)
		}
	}
	name, _ := op.Lookup("op").(string)
	// the snapshot is of the whole canvas, except merge's
	merged, tr, next, err := applyTo(node, op, visitorFor, record, snap && name == "merge")
	if err != nil {
		return nil, tr, nil, err
	}
	switch name {
	case "merge":
		return merged, tr, cur, nil
	case "clone", "replace", "or", "json_roundtrip":
		if err := put(next); err != nil {
			return nil, tr, nil, err
		}
	}
	return snapshotIf(snap, cur), tr, cur, nil
}

// snapshotIf is the JSON of v when snap is set, else nil.
func snapshotIf(snap bool, v canvas.Value) canvas.Value {
	if !snap {
		return nil
	}
	return canvas.JSONCopy(v)
}

// opPath is the op's "at" path, "$" when absent.
func opPath(op *canvas.Dict) (string, error) {
	v, ok := op.Get("at")
	if !ok || v == nil {
		return "$", nil
	}
	s, isStr := v.(string)
	if !isStr {
		return "", fmt.Errorf(`"at" must be a path string like "$.tasks[1]", not %s`, canvas.TypeName(v))
	}
	if s == "" {
		return "$", nil
	}
	return s, nil
}

// applyTo runs one op on the signature cur (the whole canvas, or the node an
// op is addressed to); its snapshot is nil unless snap is set.
func applyTo(cur *canvas.Dict, op *canvas.Dict, visitorFor func(name string) (visitors.Visitor, error), record, snap bool) (canvas.Value, *stamping.Trace, *canvas.Dict, error) {
	name, _ := op.Lookup("op").(string)
	dictArg := func(key string) (*canvas.Dict, error) {
		v := op.Lookup(key)
		if v == nil {
			return nil, nil
		}
		d, ok := v.(*canvas.Dict)
		if !ok {
			return nil, fmt.Errorf("%q must be an object, not %s", key, canvas.TypeName(v))
		}
		return d, nil
	}
	loadArg := func(key string) (*canvas.Dict, error) {
		v, ok := op.Get(key)
		if !ok {
			return nil, fmt.Errorf("%s op needs %q", name, key)
		}
		return canvas.SignatureOf(v)
	}
	snapshot := func(c *canvas.Dict) canvas.Value { return snapshotIf(snap, c) }
	switch name {
	case "stamp":
		var v visitors.Visitor
		if vn := op.Lookup("visitor"); vn != nil {
			s, ok := vn.(string)
			if !ok {
				return nil, nil, nil, fmt.Errorf("visitor must be a name, not %s", canvas.TypeName(vn))
			}
			var err error
			if v, err = visitorFor(s); err != nil {
				return nil, nil, nil, err
			}
		}
		headers, err := dictArg("headers")
		if err != nil {
			return nil, nil, nil, err
		}
		tr, err := stamping.Stamp(cur, stamping.Options{Visitor: v, Append: canvas.Truthy(op.Lookup("append_stamps")), Headers: headers, Record: record})
		if err != nil {
			return nil, tr, nil, err
		}
		return snapshot(cur), tr, cur, nil
	case "clone":
		opts, err := dictArg("options")
		if err != nil {
			return nil, nil, nil, err
		}
		c, err := canvas.Clone(cur, op.LookupKey(canvas.KeyArgs), op.LookupKey(canvas.KeyKwargs), opts)
		if err != nil {
			return nil, nil, nil, err
		}
		return snapshot(c), nil, c, nil
	case "set":
		opts, err := dictArg("options")
		if err != nil {
			return nil, nil, nil, err
		}
		all := &canvas.Dict{}
		if opts != nil {
			all = opts.Copy()
		}
		if imm := op.LookupKey(canvas.KeyImmutable); imm != nil {
			if all.HasKey(canvas.KeyImmutable) {
				return nil, nil, nil, canvas.TypeErrorf("set() got multiple values for keyword argument 'immutable'")
			}
			all.SetKey(canvas.KeyImmutable, imm)
		}
		if err := canvas.Set(nil, cur, all); err != nil {
			return nil, nil, nil, err
		}
		return snapshot(cur), nil, cur, nil
	case "merge":
		opts, err := dictArg("options")
		if err != nil {
			return nil, nil, nil, err
		}
		a, k, o, err := canvas.Merge(cur, op.LookupKey(canvas.KeyArgs), op.LookupKey(canvas.KeyKwargs), opts)
		if err != nil {
			return nil, nil, nil, err
		}
		merged := canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.KeyArgs, Val: a}, {Key: canvas.KeyKwargs, Val: k}, {Key: canvas.KeyOptions, Val: o}})
		return snapshotIf(snap, merged), nil, cur, nil
	case "or":
		other, err := loadArg("other")
		if err != nil {
			return nil, nil, nil, err
		}
		var res canvas.Value
		if op.Lookup("side") == "left" {
			res, err = canvas.Or(other, cur)
		} else {
			res, err = canvas.Or(cur, other)
		}
		if err != nil {
			return nil, nil, nil, err
		}
		rd, ok := res.(*canvas.Dict)
		if !ok {
			return nil, nil, nil, fmt.Errorf("| gave a %s, not a canvas", canvas.TypeName(res))
		}
		return snapshot(rd), nil, rd, nil
	case "link", "link_error", "on_error":
		sig, err := loadArg("sig")
		if err != nil {
			return nil, nil, nil, err
		}
		switch name {
		case "link":
			err = canvas.Link(cur, sig)
		case "link_error":
			err = canvas.LinkError(cur, sig)
		default:
			err = canvas.OnError(cur, sig)
		}
		if err != nil {
			return nil, nil, nil, err
		}
		return snapshot(cur), nil, cur, nil
	case "replace":
		c, err := canvas.Replace(cur, op.LookupKey(canvas.KeyArgs), op.LookupKey(canvas.KeyKwargs), op.LookupKey(canvas.KeyOptions))
		if err != nil {
			return nil, nil, nil, err
		}
		return snapshot(c), nil, c, nil
	case "json_roundtrip":
		data, err := canvas.Encode(cur, -1)
		if err != nil {
			return nil, nil, nil, err
		}
		c, err := canvas.Load(data)
		if err != nil {
			return nil, nil, nil, err
		}
		return snapshot(c), nil, c, nil
	}
	return nil, nil, nil, fmt.Errorf("unknown op %q (known: %v)", name, OpNames)
}
