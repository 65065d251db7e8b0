// Package replay applies sessions: an initial canvas and an ordered list of
// operations (stamp, clone, set, merge, |, link, link_error, on_error,
// replace, JSON round-trip) run with Celery's semantics, with a snapshot of
// the canvas after each operation and the trace of every stamp.
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
func Apply(cur *canvas.Dict, op *canvas.Dict, resolve Resolver) (canvas.Value, *stamping.Trace, *canvas.Dict, error) {
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
	snapshot := func(c *canvas.Dict) canvas.Value { return canvas.JSONCopy(c) }
	switch name {
	case "stamp":
		var v visitors.Visitor
		if vn := op.Lookup("visitor"); vn != nil {
			s, ok := vn.(string)
			if !ok {
				return nil, nil, nil, fmt.Errorf("visitor must be a name, not %s", canvas.TypeName(vn))
			}
			var err error
			if v, err = resolve(s); err != nil {
				return nil, nil, nil, err
			}
		}
		headers, err := dictArg("headers")
		if err != nil {
			return nil, nil, nil, err
		}
		tr, err := stamping.Stamp(cur, stamping.Options{Visitor: v, Append: canvas.Truthy(op.Lookup("append_stamps")), Headers: headers})
		if err != nil {
			return nil, tr, nil, err
		}
		return snapshot(cur), tr, cur, nil
	case "clone":
		opts, err := dictArg("options")
		if err != nil {
			return nil, nil, nil, err
		}
		c, err := canvas.Clone(cur, op.Lookup("args"), op.Lookup("kwargs"), opts)
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
		if imm := op.Lookup("immutable"); imm != nil {
			if all.Has("immutable") {
				return nil, nil, nil, canvas.TypeErrorf("set() got multiple values for keyword argument 'immutable'")
			}
			all.Set("immutable", imm)
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
		a, k, o, err := canvas.Merge(cur, op.Lookup("args"), op.Lookup("kwargs"), opts)
		if err != nil {
			return nil, nil, nil, err
		}
		snap := &canvas.Dict{Pairs: []canvas.Pair{{Key: "args", Val: a}, {Key: "kwargs", Val: k}, {Key: "options", Val: o}}}
		return canvas.JSONCopy(snap), nil, cur, nil
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
		c, err := canvas.Replace(cur, op.Lookup("args"), op.Lookup("kwargs"), op.Lookup("options"))
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
