package build

import (
	"fmt"
	"math/big"
	"sort"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"

	"github.com/stampede-dev/stampede/canvas"
)

// conv turns script values into canvas values and back, for one script run.
//
// Python shares containers between the script and the canvas: the list given
// to group() is the group's tasks list. A Starlark list cannot be that list,
// so a list or dict literal handed to a canvas operation is converted once,
// remembered (so handing it over again gives the same canvas object, as in
// Python) and frozen: changing it afterwards is an error instead of a change
// the canvas would silently not see. Containers read back from the canvas
// (sig.options, sig.tasks, json.loads(...)) are live views of the canvas
// values, so changing them changes the canvas, as in Python.
type conv struct {
	memo map[starlark.Value]canvas.Value
}

// toCanvas converts a script value that is handed over to the canvas.
func (c *conv) toCanvas(v starlark.Value) (canvas.Value, error) {
	return c.convert(v, true)
}

// peek converts a script value without taking it over (for json.dumps):
// literals are copied and left mutable.
func (c *conv) peek(v starlark.Value) (canvas.Value, error) {
	return c.convert(v, false)
}

func (c *conv) convert(v starlark.Value, handover bool) (canvas.Value, error) {
	switch x := v.(type) {
	case starlark.NoneType:
		return nil, nil
	case starlark.Bool:
		return bool(x), nil
	case starlark.Int:
		return canvas.Int(x.String()), nil
	case starlark.Float:
		return float64(x), nil
	case starlark.String:
		return string(x), nil
	case starlark.Tuple:
		items := make([]canvas.Value, len(x))
		for i, it := range x {
			cv, err := c.convert(it, handover)
			if err != nil {
				return nil, err
			}
			items[i] = cv
		}
		return canvas.ListOf(items, true), nil
	case *starlark.List:
		if m, ok := c.memo[x]; ok {
			return m, nil
		}
		l := canvas.NewList(make([]canvas.Value, 0, x.Len())...)
		if handover {
			c.memo[x] = l
		}
		for i := 0; i < x.Len(); i++ {
			cv, err := c.convert(x.Index(i), handover)
			if err != nil {
				return nil, err
			}
			l.AppendItems(cv)
		}
		if handover {
			x.Freeze()
		}
		return l, nil
	case *starlark.Dict:
		if m, ok := c.memo[x]; ok {
			return m, nil
		}
		d := canvas.NewDict(canvas.Plain, x.Len())
		if handover {
			c.memo[x] = d
		}
		for _, kv := range x.Items() {
			k, ok := kv[0].(starlark.String)
			if !ok {
				return nil, pyTypeError("canvas dict keys must be strings, not %s", kv[0].Type())
			}
			cv, err := c.convert(kv[1], handover)
			if err != nil {
				return nil, err
			}
			d.Set(string(k), cv)
		}
		if handover {
			x.Freeze()
		}
		return d, nil
	case *Sig:
		return x.d, nil
	case *dictView:
		return x.d, nil
	case *listView:
		return x.l, nil
	case *Gen:
		return x.z, nil
	case *Task:
		return nil, pyTypeError("a task is not a canvas value: use %s.s(...) or %s.si(...) for a signature of it", x.varName(), x.varName())
	case *starlark.Set:
		return nil, pyTypeError("a set cannot go into a canvas (it is not JSON): use a list")
	case starlark.Iterable:
		if _, isMapping := v.(starlark.Mapping); !isMapping {
			// range(...) and other iterables become lists, as Celery's
			// regen/json.dumps would turn them into one.
			var items []canvas.Value
			it := x.Iterate()
			defer it.Done()
			var e starlark.Value
			for it.Next(&e) {
				cv, err := c.convert(e, handover)
				if err != nil {
					return nil, err
				}
				items = append(items, cv)
			}
			return canvas.NewList(items...), nil
		}
	}
	return nil, pyTypeError("a %s cannot go into a canvas", v.Type())
}

// fromCanvas gives the script its view of a canvas value: signatures as
// Signature objects, lists and dicts as live views, tuples as tuples.
func (r *runState) fromCanvas(v canvas.Value) starlark.Value {
	switch x := v.(type) {
	case nil:
		return starlark.None
	case bool:
		return starlark.Bool(x)
	case canvas.Int:
		n, ok := new(big.Int).SetString(string(x), 10)
		if !ok {
			return starlark.String(string(x))
		}
		return starlark.MakeBigInt(n)
	case float64:
		return starlark.Float(x)
	case string:
		return starlark.String(x)
	case *canvas.List:
		if x.Tuple() {
			t := make(starlark.Tuple, x.Len())
			for i, it := range x.Items() {
				t[i] = r.fromCanvas(it)
			}
			return t
		}
		return &listView{l: x, r: r}
	case *canvas.Dict:
		if x.Class().IsSignature() {
			return &Sig{d: x, r: r}
		}
		return &dictView{d: x, r: r}
	case *canvas.Lazy:
		return &Gen{z: x, r: r}
	}
	return starlark.None
}

// dictView is a plain dict held by the canvas (an options dict, kwargs, a
// link still in its JSON form), seen from the script. Changes go to the
// canvas.
type dictView struct {
	d *canvas.Dict
	r *runState
}

var (
	_ starlark.IterableMapping = (*dictView)(nil)
	_ starlark.HasSetKey       = (*dictView)(nil)
	_ starlark.HasAttrs        = (*dictView)(nil)
	_ starlark.Sequence        = (*dictView)(nil)
	_ starlark.Comparable      = (*dictView)(nil)
)

// The starlark.Value methods of dictView: a dict seen through the canvas.

func (v *dictView) String() string        { return canvas.Repr(v.d) }
func (v *dictView) Type() string          { return "canvas.dict" }
func (v *dictView) Freeze()               {}
func (v *dictView) Truth() starlark.Bool  { return v.d.Len() > 0 }
func (v *dictView) Hash() (uint32, error) { return 0, pyTypeError("unhashable type: 'dict'") }
func (v *dictView) Len() int              { return v.d.Len() }
func (v *dictView) Iterate() starlark.Iterator {
	return keyIterator(v.d)
}
func (v *dictView) Items() []starlark.Tuple { return items(v.r, v.d) }
func (v *dictView) Get(k starlark.Value) (starlark.Value, bool, error) {
	return get(v.r, v.d, k)
}
func (v *dictView) SetKey(k, val starlark.Value) error { return setKey(v.r, v.d, k, val) }
func (v *dictView) Attr(name string) (starlark.Value, error) {
	return dictMethod(v.r, v, v.d, name), nil
}
func (v *dictView) AttrNames() []string { return dictMethodNames }
func (v *dictView) CompareSameType(op syntax.Token, y starlark.Value, _ int) (bool, error) {
	return compareCanvas(op, v.d, y)
}

// listView is a list held by the canvas (a group's tasks, an options list),
// seen from the script. Changes go to the canvas.
type listView struct {
	l *canvas.List
	r *runState
}

var (
	_ starlark.HasSetIndex = (*listView)(nil)
	_ starlark.Sliceable   = (*listView)(nil)
	_ starlark.Sequence    = (*listView)(nil)
	_ starlark.Container   = (*listView)(nil)
	_ starlark.HasAttrs    = (*listView)(nil)
	_ starlark.Comparable  = (*listView)(nil)
)

// The starlark.Value methods of listView: a list seen through the canvas.

func (v *listView) String() string        { return canvas.Repr(v.l) }
func (v *listView) Type() string          { return "canvas.list" }
func (v *listView) Freeze()               {}
func (v *listView) Truth() starlark.Bool  { return v.l.Len() > 0 }
func (v *listView) Hash() (uint32, error) { return 0, pyTypeError("unhashable type: 'list'") }
func (v *listView) Len() int              { return v.l.Len() }
func (v *listView) Index(i int) starlark.Value {
	return v.r.fromCanvas(v.l.Items()[i])
}
func (v *listView) Slice(start, end, step int) starlark.Value {
	var out []starlark.Value
	if step > 0 {
		for i := start; i < end; i += step {
			out = append(out, v.Index(i))
		}
	} else {
		for i := start; i > end; i += step {
			out = append(out, v.Index(i))
		}
	}
	return starlark.NewList(out)
}
func (v *listView) SetIndex(i int, val starlark.Value) error {
	cv, err := v.r.conv.toCanvas(val)
	if err != nil {
		return err
	}
	v.l.Items()[i] = cv
	return nil
}
func (v *listView) Iterate() starlark.Iterator { return &listIterator{v: v} }
func (v *listView) Has(x starlark.Value) (bool, error) {
	cx, err := v.r.conv.peek(x)
	if err != nil {
		return false, err
	}
	return canvas.Contains(v.l.Items(), cx), nil
}
func (v *listView) CompareSameType(op syntax.Token, y starlark.Value, _ int) (bool, error) {
	return compareCanvas(op, v.l, y)
}

var listMethodNames = []string{"append", "clear", "extend", "index", "insert", "pop", "remove"}

func (v *listView) AttrNames() []string { return listMethodNames }
func (v *listView) Attr(name string) (starlark.Value, error) {
	var fn func(args starlark.Tuple) (starlark.Value, error)
	one := func(args starlark.Tuple) (canvas.Value, error) {
		if len(args) != 1 {
			return nil, pyTypeError("list.%s() takes exactly one argument (%d given)", name, len(args))
		}
		return v.r.conv.toCanvas(args[0])
	}
	switch name {
	case "append":
		fn = func(args starlark.Tuple) (starlark.Value, error) {
			x, err := one(args)
			if err != nil {
				return nil, err
			}
			v.l.AppendItems(x)
			return starlark.None, nil
		}
	case "extend":
		fn = func(args starlark.Tuple) (starlark.Value, error) {
			if len(args) != 1 {
				return nil, pyTypeError("list.extend() takes exactly one argument (%d given)", len(args))
			}
			iterable, ok := args[0].(starlark.Iterable)
			if !ok {
				return nil, pyTypeError("'%s' object is not iterable", args[0].Type())
			}
			it := iterable.Iterate()
			defer it.Done()
			var items []canvas.Value
			var e starlark.Value
			for it.Next(&e) {
				x, err := v.r.conv.toCanvas(e)
				if err != nil {
					return nil, err
				}
				items = append(items, x)
			}
			v.l.AppendItems(items...)
			return starlark.None, nil
		}
	case "insert":
		fn = func(args starlark.Tuple) (starlark.Value, error) {
			if len(args) != 2 {
				return nil, pyTypeError("insert expected 2 arguments, got %d", len(args))
			}
			i, err := starlark.AsInt32(args[0])
			if err != nil {
				return nil, err
			}
			x, err := v.r.conv.toCanvas(args[1])
			if err != nil {
				return nil, err
			}
			n := v.l.Len()
			if i < 0 {
				i += n
			}
			i = max(0, min(i, n))
			v.l.SetItems(append(v.l.Items()[:i], append([]canvas.Value{x}, v.l.Items()[i:]...)...))
			return starlark.None, nil
		}
	case "pop":
		fn = func(args starlark.Tuple) (starlark.Value, error) {
			n := v.l.Len()
			i := n - 1
			if len(args) > 0 {
				j, err := starlark.AsInt32(args[0])
				if err != nil {
					return nil, err
				}
				if j < 0 {
					j += n
				}
				i = j
			}
			if n == 0 || i < 0 || i >= n {
				return nil, &canvas.PyError{Type: "IndexError", Msg: "pop index out of range"}
			}
			x := v.l.Items()[i]
			v.l.SetItems(append(v.l.Items()[:i], v.l.Items()[i+1:]...))
			return v.r.fromCanvas(x), nil
		}
	case "remove", "index":
		fn = func(args starlark.Tuple) (starlark.Value, error) {
			if len(args) != 1 {
				return nil, pyTypeError("list.%s() takes exactly one argument (%d given)", name, len(args))
			}
			x, err := v.r.conv.peek(args[0])
			if err != nil {
				return nil, err
			}
			for i, it := range v.l.Items() {
				if canvas.Identical(it, x) || canvas.Equal(it, x) {
					if name == "index" {
						return starlark.MakeInt(i), nil
					}
					v.l.SetItems(append(v.l.Items()[:i], v.l.Items()[i+1:]...))
					return starlark.None, nil
				}
			}
			return nil, &canvas.PyError{Type: "ValueError", Msg: fmt.Sprintf("list.%s(x): x not in list", name)}
		}
	case "clear":
		fn = func(starlark.Tuple) (starlark.Value, error) {
			v.l.SetItems(nil)
			return starlark.None, nil
		}
	default:
		return nil, nil
	}
	return starlark.NewBuiltin(name, func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if len(kwargs) > 0 {
			return nil, pyTypeError("list.%s() takes no keyword arguments", name)
		}
		return fn(args)
	}).BindReceiver(v), nil
}

type listIterator struct {
	v *listView
	i int
}

func (it *listIterator) Next(p *starlark.Value) bool {
	if it.i >= it.v.l.Len() {
		return false
	}
	*p = it.v.Index(it.i)
	it.i++
	return true
}
func (it *listIterator) Done() {}

// keyIterator iterates over a dict's keys as they are when it starts.
func keyIterator(d *canvas.Dict) starlark.Iterator {
	keys := d.Keys()
	vals := make(starlark.Tuple, len(keys))
	for i, k := range keys {
		vals[i] = starlark.String(k)
	}
	return starlark.Tuple(vals).Iterate()
}

func items(r *runState, d *canvas.Dict) []starlark.Tuple {
	out := make([]starlark.Tuple, d.Len())
	for i, p := range d.Pairs() {
		out[i] = starlark.Tuple{starlark.String(p.Key.String()), r.fromCanvas(p.Val)}
	}
	return out
}

func get(r *runState, d *canvas.Dict, k starlark.Value) (starlark.Value, bool, error) {
	s, ok := k.(starlark.String)
	if !ok {
		return nil, false, nil
	}
	v, found := d.Get(string(s))
	if !found {
		return nil, false, nil
	}
	return r.fromCanvas(v), true, nil
}

func setKey(r *runState, d *canvas.Dict, k, val starlark.Value) error {
	s, ok := k.(starlark.String)
	if !ok {
		return pyTypeError("canvas dict keys must be strings, not %s", k.Type())
	}
	cv, err := r.conv.toCanvas(val)
	if err != nil {
		return err
	}
	d.Set(string(s), cv)
	return nil
}

// compareCanvas is == and != between two views of canvas values.
func compareCanvas(op syntax.Token, x canvas.Value, y starlark.Value) (bool, error) {
	var cy canvas.Value
	switch v := y.(type) {
	case *dictView:
		cy = v.d
	case *listView:
		cy = v.l
	case *Sig:
		cy = v.d
	}
	eq := cy != nil && (canvas.Identical(x, cy) || canvas.Equal(x, cy))
	switch op {
	case syntax.EQL:
		return eq, nil
	case syntax.NEQ:
		return !eq, nil
	}
	return false, pyTypeError("'%s' not supported between canvas values", op)
}

var dictMethodNames = []string{"clear", "get", "items", "keys", "pop", "setdefault", "update", "values"}

// dictMethod returns the dict method name bound to recv (which holds d), or
// nil when name is not one.
func dictMethod(r *runState, recv starlark.Value, d *canvas.Dict, name string) starlark.Value {
	var fn func(args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error)
	switch name {
	case "get":
		fn = func(args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			b, err := params{fn: "get", names: []string{"key", "default"}, required: 1}.bind(args, kwargs)
			if err != nil {
				return nil, err
			}
			v, found, err := get(r, d, b.vals[0])
			if err != nil || found {
				return v, err
			}
			if b.given(1) {
				return b.vals[1], nil
			}
			return starlark.None, nil
		}
	case "keys":
		fn = func(starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
			keys := d.Keys()
			out := make([]starlark.Value, len(keys))
			for i, k := range keys {
				out[i] = starlark.String(k)
			}
			return starlark.NewList(out), nil
		}
	case "values":
		fn = func(starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
			out := make([]starlark.Value, d.Len())
			for i, p := range d.Pairs() {
				out[i] = r.fromCanvas(p.Val)
			}
			return starlark.NewList(out), nil
		}
	case "items":
		fn = func(starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
			its := items(r, d)
			out := make([]starlark.Value, len(its))
			for i, t := range its {
				out[i] = t
			}
			return starlark.NewList(out), nil
		}
	case "pop":
		fn = func(args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			b, err := params{fn: "pop", names: []string{"key", "default"}, required: 1}.bind(args, kwargs)
			if err != nil {
				return nil, err
			}
			v, found, err := get(r, d, b.vals[0])
			if err != nil {
				return nil, err
			}
			if !found {
				if b.given(1) {
					return b.vals[1], nil
				}
				return nil, &canvas.PyError{Type: "KeyError", Msg: b.vals[0].String()}
			}
			d.Delete(string(b.vals[0].(starlark.String)))
			return v, nil
		}
	case "setdefault":
		fn = func(args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			b, err := params{fn: "setdefault", names: []string{"key", "default"}, required: 1}.bind(args, kwargs)
			if err != nil {
				return nil, err
			}
			v, found, err := get(r, d, b.vals[0])
			if err != nil || found {
				return v, err
			}
			def := b.vals[1]
			if def == nil {
				def = starlark.None
			}
			if err := setKey(r, d, b.vals[0], def); err != nil {
				return nil, err
			}
			v, _, err = get(r, d, b.vals[0])
			return v, err
		}
	case "update":
		fn = func(args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			if len(args) > 1 {
				return nil, pyTypeError("update expected at most 1 argument, got %d", len(args))
			}
			if len(args) == 1 {
				src, err := r.conv.toCanvas(args[0])
				if err != nil {
					return nil, err
				}
				sd, ok := src.(*canvas.Dict)
				if !ok {
					return nil, pyTypeError("update() argument must be a dict, not %s", canvas.TypeName(src))
				}
				for _, p := range sd.Pairs() {
					d.SetKey(p.Key, p.Val)
				}
			}
			for _, kv := range kwargs {
				if err := setKey(r, d, kv[0], kv[1]); err != nil {
					return nil, err
				}
			}
			return starlark.None, nil
		}
	case "clear":
		fn = func(starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
			d.SetPairs(nil)
			return starlark.None, nil
		}
	default:
		return nil
	}
	return starlark.NewBuiltin(name, func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		return fn(args, kwargs)
	}).BindReceiver(recv)
}

// sortedNames returns the union of name lists, sorted (for AttrNames).
func sortedNames(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	sort.Strings(out)
	return out
}
