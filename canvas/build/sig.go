package build

import (
	"strings"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/stamping"
	"github.com/stampede-dev/stampede/visitors"
)

// Sig is a Celery signature (Signature, chain, group, chord, …) in a canvas
// script: a view of one *canvas.Dict. Two Sig values of the same dict are the
// same Python object, so a signature used twice in a script is one object,
// as in Python. Its methods are Celery's and run the canvas operations.
type Sig struct {
	d *canvas.Dict
	r *runState
}

var (
	_ starlark.IterableMapping = (*Sig)(nil)
	_ starlark.HasSetKey       = (*Sig)(nil)
	_ starlark.HasSetField     = (*Sig)(nil)
	_ starlark.HasBinary       = (*Sig)(nil)
	_ starlark.Sequence        = (*Sig)(nil)
	_ starlark.Comparable      = (*Sig)(nil)
)

// Dict is the canvas dict the signature is.
func (s *Sig) Dict() *canvas.Dict { return s.d }

// String is a short Celery-like repr: add(2, 2), a | b, group([...]).
func (s *Sig) String() string {
	var b strings.Builder
	reprSig(&b, s.d, 0)
	return b.String()
}

// Type is the Python class name (Signature, _chain, group, _chord, …).
func (s *Sig) Type() string { return s.d.Class().String() }

// Freeze does nothing: a signature stays mutable, as in Python.
func (s *Sig) Freeze() {}

// Truth is bool(dict): a signature is never empty.
func (s *Sig) Truth() starlark.Bool { return s.d.Len() > 0 }

// Hash fails: a signature is a dict, and dicts are unhashable.
func (s *Sig) Hash() (uint32, error) {
	return 0, pyTypeError("unhashable type: '%s'", s.d.Class())
}

// Len is len(dict).
func (s *Sig) Len() int { return s.d.Len() }

// Iterate iterates over the dict's keys.
func (s *Sig) Iterate() starlark.Iterator { return keyIterator(s.d) }

// Items is dict.items().
func (s *Sig) Items() []starlark.Tuple { return items(s.r, s.d) }

// Get is sig[key].
func (s *Sig) Get(k starlark.Value) (starlark.Value, bool, error) { return get(s.r, s.d, k) }

// SetKey is sig[key] = value.
func (s *Sig) SetKey(k, v starlark.Value) error { return setKey(s.r, s.d, k, v) }

// CompareSameType is == between signatures (dict equality, as in Python).
func (s *Sig) CompareSameType(op syntax.Token, y starlark.Value, _ int) (bool, error) {
	return compareCanvas(op, s.d, y)
}

// Binary is `|`: Celery's __or__ with all its upgrade rules.
func (s *Sig) Binary(op syntax.Token, y starlark.Value, side starlark.Side) (starlark.Value, error) {
	if op != syntax.PIPE {
		return nil, nil
	}
	other, err := s.r.conv.toCanvas(y)
	if err != nil {
		return nil, err
	}
	var res canvas.Value
	if side == starlark.Left {
		res, err = canvas.Or(s.d, other)
	} else {
		res, err = canvas.Or(other, s.d)
	}
	if err != nil {
		return nil, err
	}
	return s.r.fromCanvas(res), nil
}

// sigMethods are the Celery methods a signature has in scripts.
var sigMethods = []string{
	"clone", "link", "link_error", "on_error", "partial", "replace", "set", "set_immutable", "stamp",
}

// sigFields are Celery's getitem_property attributes, by the key path they read.
var sigFields = map[string][]string{
	"task":         {"task"},
	"args":         {"args"},
	"kwargs":       {"kwargs"},
	"options":      {"options"},
	"subtask_type": {"subtask_type"},
	"immutable":    {"immutable"},
	"name":         {"task"},
	"id":           {"options", "task_id"},
	"parent_id":    {"options", "parent_id"},
	"root_id":      {"options", "root_id"},
}

// AttrNames lists the methods and attributes.
func (s *Sig) AttrNames() []string {
	names := []string{"args", "id", "immutable", "kwargs", "name", "options", "parent_id", "root_id", "subtask_type", "task"}
	switch s.d.Class() {
	case canvas.Chain, canvas.Group:
		names = append(names, "tasks")
	case canvas.Chord:
		names = append(names, "tasks", "body")
	}
	return sortedNames(names, sigMethods, dictMethodNames)
}

// fieldPath is where attribute name lives in this signature, or nil.
func (s *Sig) fieldPath(name string) []string {
	switch name {
	case "tasks":
		switch s.d.Class() {
		case canvas.Chain, canvas.Group:
			return []string{"kwargs", "tasks"}
		case canvas.Chord:
			return []string{"kwargs", "header"}
		}
		return nil
	case "body":
		if s.d.Class() == canvas.Chord {
			return []string{"kwargs", "body"}
		}
		return nil
	}
	return sigFields[name]
}

// Attr returns a method or an attribute (sig.options, sig.tasks, sig.body…).
func (s *Sig) Attr(name string) (starlark.Value, error) {
	if m := s.method(name); m != nil {
		return m, nil
	}
	if path := s.fieldPath(name); path != nil {
		v, err := getPath(s.d, path)
		if err != nil {
			return nil, err
		}
		return s.r.fromCanvas(v), nil
	}
	if m := dictMethod(s.r, s, s.d, name); m != nil {
		return m, nil
	}
	return nil, nil
}

// SetField assigns an attribute: sig.options = {...}, chord.body = ..., etc.
func (s *Sig) SetField(name string, val starlark.Value) error {
	path := s.fieldPath(name)
	if path == nil || name == "name" {
		return pyTypeError("cannot assign %s.%s: a script can assign task, args, kwargs, options, subtask_type, immutable, id, parent_id, root_id, and tasks/body of a chain, group or chord", s.d.Class(), name)
	}
	v, err := s.r.conv.toCanvas(val)
	if err != nil {
		return err
	}
	return setPath(s.d, v, path)
}

// getPath is Celery's getitem_property getter: self[a][b]….get(last).
func getPath(d *canvas.Dict, path []string) (canvas.Value, error) {
	var cur canvas.Value = d
	for _, k := range path[:len(path)-1] {
		cd, ok := cur.(*canvas.Dict)
		if !ok {
			return nil, pyTypeError("'%s' object is not subscriptable", canvas.TypeName(cur))
		}
		v, found := cd.Get(k)
		if !found {
			return nil, &canvas.PyError{Type: "KeyError", Msg: "'" + k + "'"}
		}
		cur = v
	}
	cd, ok := cur.(*canvas.Dict)
	if !ok {
		return nil, canvas.AttrError(cur, "get")
	}
	return cd.Lookup(path[len(path)-1]), nil
}

// setPath is Celery's getitem_property setter: self[a][b]…[last] = v.
func setPath(d *canvas.Dict, v canvas.Value, path []string) error {
	var cur canvas.Value = d
	for _, k := range path[:len(path)-1] {
		cd, ok := cur.(*canvas.Dict)
		if !ok {
			return pyTypeError("'%s' object is not subscriptable", canvas.TypeName(cur))
		}
		next, found := cd.Get(k)
		if !found {
			return &canvas.PyError{Type: "KeyError", Msg: "'" + k + "'"}
		}
		cur = next
	}
	cd, ok := cur.(*canvas.Dict)
	if !ok {
		return pyTypeError("'%s' object does not support item assignment", canvas.TypeName(cur))
	}
	cd.Set(path[len(path)-1], v)
	return nil
}

// method returns the Celery method name bound to s, or nil.
func (s *Sig) method(name string) starlark.Value {
	var p params
	var fn func(b *bound) (starlark.Value, error)
	r := s.r
	switch name {
	case "set":
		// Signature.set(immutable=None, **options)
		p = params{fn: "set", names: []string{"immutable"}, varkw: true}
		fn = func(b *bound) (starlark.Value, error) {
			opts := canvas.NewDict(canvas.Plain, len(b.extra)+1)
			if b.given(0) {
				imm, err := r.conv.toCanvas(b.vals[0])
				if err != nil {
					return nil, err
				}
				opts.SetKey(canvas.KeyImmutable, imm)
			}
			extra, err := r.conv.kwDict(b.extra)
			if err != nil {
				return nil, err
			}
			opts.AppendPairs(extra.Pairs()...)
			if err := canvas.Set(nil, s.d, opts); err != nil {
				return nil, err
			}
			return s, nil
		}
	case "set_immutable":
		p = params{fn: "set_immutable", names: []string{"immutable"}, required: 1}
		fn = func(b *bound) (starlark.Value, error) {
			v, err := b.arg(r.conv, 0)
			if err != nil {
				return nil, err
			}
			return starlark.None, canvas.SetImmutable(nil, s.d, v)
		}
	case "clone", "partial":
		// Signature.clone(args=None, kwargs=None, **opts)
		p = params{fn: name, names: []string{"args", "kwargs"}, varkw: true}
		fn = func(b *bound) (starlark.Value, error) {
			args, err := b.arg(r.conv, 0)
			if err != nil {
				return nil, err
			}
			kwargs, err := b.arg(r.conv, 1)
			if err != nil {
				return nil, err
			}
			opts, err := r.conv.kwDict(b.extra)
			if err != nil {
				return nil, err
			}
			c, err := canvas.Clone(s.d, args, kwargs, opts)
			if err != nil {
				return nil, err
			}
			return r.fromCanvas(c), nil
		}
	case "replace":
		// Signature.replace(args=None, kwargs=None, options=None)
		p = params{fn: "replace", names: []string{"args", "kwargs", "options"}}
		fn = func(b *bound) (starlark.Value, error) {
			var vals [3]canvas.Value
			for i := range vals {
				v, err := b.arg(r.conv, i)
				if err != nil {
					return nil, err
				}
				vals[i] = v
			}
			c, err := canvas.Replace(s.d, vals[0], vals[1], vals[2])
			if err != nil {
				return nil, err
			}
			return r.fromCanvas(c), nil
		}
	case "link":
		p = params{fn: "link", names: []string{"callback"}, required: 1}
		fn = func(b *bound) (starlark.Value, error) {
			cb, err := b.arg(r.conv, 0)
			if err != nil {
				return nil, err
			}
			res, err := link(s.d, cb)
			if err != nil {
				return nil, err
			}
			return r.fromCanvas(res), nil
		}
	case "link_error", "on_error":
		p = params{fn: name, names: []string{"errback"}, required: 1}
		fn = func(b *bound) (starlark.Value, error) {
			eb, err := b.arg(r.conv, 0)
			if err != nil {
				return nil, err
			}
			res, err := linkError(s.d, eb)
			if err != nil {
				return nil, err
			}
			if name == "on_error" {
				return s, nil
			}
			return r.fromCanvas(res), nil
		}
	case "stamp":
		// Signature.stamp(visitor=None, append_stamps=False, **headers)
		p = params{fn: "stamp", names: []string{"visitor", "append_stamps"}, varkw: true}
		fn = func(b *bound) (starlark.Value, error) {
			var v visitors.Visitor
			if b.given(0) && b.vals[0] != starlark.None {
				vv, ok := b.vals[0].(*Visitor)
				if !ok {
					return nil, pyTypeError("stamp() needs a visitor: visitor(\"NAME\") or visitor(\"FILE.star\"), not %s", b.vals[0].Type())
				}
				v = vv.v
			}
			appendStamps := b.given(1) && bool(b.vals[1].Truth())
			headers, err := r.conv.kwDict(b.extra)
			if err != nil {
				return nil, err
			}
			if _, err := stamping.Stamp(s.d, stamping.Options{Visitor: v, Append: appendStamps, Headers: headers, Untraced: true}); err != nil {
				return nil, err
			}
			switch s.d.Class() {
			case canvas.Chain, canvas.Group, canvas.Chord:
				return starlark.None, nil
			}
			return s, nil
		}
	default:
		return nil
	}
	return starlark.NewBuiltin(name, func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		b, err := p.bind(args, kwargs)
		if err != nil {
			return nil, err
		}
		return fn(b)
	}).BindReceiver(s)
}

// link is sig.link(callback) with its Python return value: the callback,
// except for a group, which links an immutable clone of it to its first
// task and returns what that link returned. The linking itself is
// canvas.Link's.
func link(sig *canvas.Dict, cb canvas.Value) (canvas.Value, error) {
	if sig.Class() != canvas.Group {
		if err := canvas.Link(sig, cb); err != nil {
			return nil, err
		}
		return cb, nil
	}
	// group.link: sig = sig.clone().set(immutable=True); return self.tasks[0].link(sig)
	c, ok := cb.(*canvas.Dict)
	if !ok || !c.Class().IsSignature() {
		return nil, canvas.AttrError(cb, "clone")
	}
	clone, err := canvas.Clone(c, nil, nil, nil)
	if err != nil {
		return nil, err
	}
	if err := canvas.Set(nil, clone, canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.KeyImmutable, Val: true}})); err != nil {
		return nil, err
	}
	tasks, err := canvas.Tasks(sig)
	if err != nil {
		return nil, err
	}
	if z, isLazy := tasks.(*canvas.Lazy); isLazy {
		// tasks[0] of a _regen produces the first member.
		if _, err := z.Consume(1); err != nil {
			return nil, err
		}
		tasks = canvas.NewList(z.Consumed()...)
	}
	tl, ok := tasks.(*canvas.List)
	if !ok {
		return nil, pyTypeError("'%s' object is not subscriptable", canvas.TypeName(tasks))
	}
	if tl.Len() == 0 {
		return nil, &canvas.PyError{Type: "IndexError", Msg: canvas.TypeName(tl) + " index out of range"}
	}
	first, ok := tl.Items()[0].(*canvas.Dict)
	if !ok || !first.Class().IsSignature() {
		return nil, canvas.AttrError(tl.Items()[0], "link")
	}
	return link(first, clone)
}

// linkError is sig.link_error(errback) with its Python return value: the
// errback (after maybe_signature for a chord), or for a group the tuple of
// what linking an immutable clone to each task returned. Signatures, chains
// and chords are linked by canvas.LinkError.
func linkError(sig *canvas.Dict, eb canvas.Value) (canvas.Value, error) {
	switch sig.Class() {
	case canvas.Group:
		// group.link_error: sig = maybe_signature(sig);
		// return tuple(t.link_error(sig.clone(immutable=True)) for t in self.tasks)
		e, err := canvas.MaybeSignature(eb, false)
		if err != nil {
			return nil, err
		}
		tasks, err := canvas.Tasks(sig)
		if err != nil {
			return nil, err
		}
		members, err := canvas.Iterate(tasks)
		if err != nil {
			return nil, err
		}
		out := canvas.ListOf(nil, true)
		for _, t := range members {
			ts, ok := t.(*canvas.Dict)
			if !ok || !ts.Class().IsSignature() {
				return nil, canvas.AttrError(t, "link_error")
			}
			es, ok := e.(*canvas.Dict)
			if !ok || !es.Class().IsSignature() {
				return nil, canvas.AttrError(e, "clone")
			}
			c, err := canvas.Clone(es, nil, nil, canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.KeyImmutable, Val: true}}))
			if err != nil {
				return nil, err
			}
			res, err := linkError(ts, c)
			if err != nil {
				return nil, err
			}
			out.AppendItems(res)
		}
		return out, nil
	case canvas.Chord:
		e, err := canvas.MaybeSignature(eb, false)
		if err != nil {
			return nil, err
		}
		if err := canvas.LinkError(sig, e); err != nil {
			return nil, err
		}
		return e, nil
	}
	if err := canvas.LinkError(sig, eb); err != nil {
		return nil, err
	}
	return eb, nil
}

// reprSig writes a Celery-like repr of a signature.
func reprSig(b *strings.Builder, d *canvas.Dict, depth int) {
	if depth > 8 {
		b.WriteString("...")
		return
	}
	items := func(v canvas.Value, sep string) {
		l, _ := v.(*canvas.List)
		if l == nil {
			b.WriteString(canvas.Repr(v))
			return
		}
		for i, it := range l.Items() {
			if i > 0 {
				b.WriteString(sep)
			}
			if sd, ok := it.(*canvas.Dict); ok && sd.Class().IsSignature() {
				reprSig(b, sd, depth+1)
			} else {
				b.WriteString(canvas.Repr(it))
			}
		}
	}
	switch d.Class() {
	case canvas.Chain:
		tasks, _ := canvas.Tasks(d)
		if l, ok := tasks.(*canvas.List); ok && l.Len() == 0 {
			b.WriteString("chain(<empty>)")
			return
		}
		items(tasks, " | ")
	case canvas.Group:
		tasks, _ := canvas.Tasks(d)
		b.WriteString("group([")
		items(tasks, ", ")
		b.WriteString("])")
	case canvas.Chord:
		tasks, _ := canvas.Tasks(d)
		body, _ := canvas.Body(d)
		b.WriteString("chord([")
		if g, ok := tasks.(*canvas.Dict); ok && g.Class() == canvas.Group {
			tasks, _ = canvas.Tasks(g)
		}
		items(tasks, ", ")
		b.WriteString("], ")
		if bd, ok := body.(*canvas.Dict); ok && bd.Class().IsSignature() {
			reprSig(b, bd, depth+1)
		} else {
			b.WriteString(canvas.Repr(body))
		}
		b.WriteString(")")
	default:
		if t, ok := d.LookupKey(canvas.KeyTask).(string); ok {
			b.WriteString(t)
		} else {
			b.WriteString(canvas.Repr(d.LookupKey(canvas.KeyTask)))
		}
		b.WriteString("(")
		n := 0
		if l, ok := d.LookupKey(canvas.KeyArgs).(*canvas.List); ok {
			for _, a := range l.Items() {
				if n > 0 {
					b.WriteString(", ")
				}
				b.WriteString(canvas.Repr(a))
				n++
			}
		}
		if k, ok := d.LookupKey(canvas.KeyKwargs).(*canvas.Dict); ok {
			for _, p := range k.Pairs() {
				if n > 0 {
					b.WriteString(", ")
				}
				b.WriteString(p.Key.String() + "=" + canvas.Repr(p.Val))
				n++
			}
		}
		b.WriteString(")")
	}
}
