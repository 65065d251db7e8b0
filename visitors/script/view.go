package script

import (
	"fmt"
	"math/big"

	"go.starlark.net/starlark"

	"github.com/stampede-dev/stampede/canvas"
)

// sigValue is the read-only `sig` a hook receives: six attributes, each the
// JSON view of the visited object at the moment of the call. Containers are
// views over the canvas, not copies, so a hook costs the same on a chain of
// ten tasks as on one of a million.
type sigValue struct {
	target canvas.Value
}

var sigAttrs = []string{"args", "immutable", "kwargs", "options", "subtask_type", "task"}

func (s sigValue) String() string        { return "<sig>" }
func (s sigValue) Type() string          { return "sig" }
func (s sigValue) Freeze()               {}
func (s sigValue) Truth() starlark.Bool  { return true }
func (s sigValue) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable type: sig") }
func (s sigValue) AttrNames() []string   { return sigAttrs }

func (s sigValue) Attr(name string) (starlark.Value, error) {
	d, ok := s.target.(*canvas.Dict)
	if !ok {
		// Not a signature (a chord header still held as a plain list).
		switch name {
		case "task", "subtask_type":
			return starlark.None, nil
		case "args":
			return starlark.NewList(nil), nil
		case "kwargs", "options":
			return starlark.NewDict(0), nil
		case "immutable":
			return starlark.False, nil
		}
		return nil, nil
	}
	switch name {
	case "task", "args", "kwargs", "options", "subtask_type", "immutable":
		return toStarlark(d.Lookup(name)), nil
	}
	return nil, nil // no such attribute
}

// toStarlark converts a canvas value for a script: scalars become Starlark
// values, containers read-only views.
func toStarlark(v canvas.Value) starlark.Value {
	switch x := v.(type) {
	case nil:
		return starlark.None
	case bool:
		return starlark.Bool(x)
	case canvas.Int:
		b, ok := new(big.Int).SetString(string(x), 10)
		if !ok {
			return starlark.String(string(x))
		}
		return starlark.MakeBigInt(b)
	case float64:
		return starlark.Float(x)
	case string:
		return starlark.String(x)
	case *canvas.List:
		return listView{x}
	case *canvas.Dict:
		return dictView{x}
	}
	return starlark.None
}

// listView is a read-only list over a canvas list (or tuple).
type listView struct{ l *canvas.List }

var (
	_ starlark.Indexable = listView{}
	_ starlark.Sequence  = listView{}
	_ starlark.Container = listView{}
)

func (v listView) String() string {
	b, err := canvas.Encode(v.l, -1)
	if err != nil {
		return "[...]"
	}
	return string(b)
}
func (v listView) Type() string               { return "list" }
func (v listView) Freeze()                    {}
func (v listView) Truth() starlark.Bool       { return len(v.l.Items) > 0 }
func (v listView) Hash() (uint32, error)      { return 0, fmt.Errorf("unhashable type: list") }
func (v listView) Len() int                   { return len(v.l.Items) }
func (v listView) Index(i int) starlark.Value { return toStarlark(v.l.Items[i]) }
func (v listView) Iterate() starlark.Iterator { return &listIter{l: v.l} }
func (v listView) Has(y starlark.Value) (bool, error) {
	for _, it := range v.l.Items {
		if eq, err := starlark.Equal(toStarlark(it), y); err != nil || eq {
			return eq, err
		}
	}
	return false, nil
}

type listIter struct {
	l *canvas.List
	i int
}

func (it *listIter) Next(p *starlark.Value) bool {
	if it.i >= len(it.l.Items) {
		return false
	}
	*p = toStarlark(it.l.Items[it.i])
	it.i++
	return true
}
func (it *listIter) Done() {}

// dictView is a read-only dict over a canvas dict (a signature reads as the
// dict it is in JSON).
type dictView struct{ d *canvas.Dict }

var (
	_ starlark.IterableMapping = dictView{}
	_ starlark.HasAttrs        = dictView{}
	_ starlark.Sequence        = dictView{}
)

func (v dictView) String() string {
	b, err := canvas.Encode(v.d, -1)
	if err != nil {
		return "{...}"
	}
	return string(b)
}
func (v dictView) Type() string          { return "dict" }
func (v dictView) Freeze()               {}
func (v dictView) Truth() starlark.Bool  { return len(v.d.Pairs) > 0 }
func (v dictView) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable type: dict") }
func (v dictView) Len() int              { return len(v.d.Pairs) }
func (v dictView) Iterate() starlark.Iterator {
	return &keyIter{d: v.d}
}

func (v dictView) Get(k starlark.Value) (starlark.Value, bool, error) {
	key, ok := k.(starlark.String)
	if !ok {
		return nil, false, nil
	}
	val, found := v.d.Get(string(key))
	if !found {
		return nil, false, nil
	}
	return toStarlark(val), true, nil
}

func (v dictView) Items() []starlark.Tuple {
	out := make([]starlark.Tuple, len(v.d.Pairs))
	for i, p := range v.d.Pairs {
		out[i] = starlark.Tuple{starlark.String(p.Key), toStarlark(p.Val)}
	}
	return out
}

var dictMethods = []string{"get", "items", "keys", "values"}

func (v dictView) AttrNames() []string { return dictMethods }

func (v dictView) Attr(name string) (starlark.Value, error) {
	switch name {
	case "get":
		return starlark.NewBuiltin("get", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			var key, dflt starlark.Value = nil, starlark.None
			if err := starlark.UnpackPositionalArgs("get", args, kwargs, 1, &key, &dflt); err != nil {
				return nil, err
			}
			if val, found, _ := v.Get(key); found {
				return val, nil
			}
			return dflt, nil
		}), nil
	case "keys", "values", "items":
		return starlark.NewBuiltin(name, func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			if err := starlark.UnpackPositionalArgs(name, args, kwargs, 0); err != nil {
				return nil, err
			}
			out := make([]starlark.Value, len(v.d.Pairs))
			for i, p := range v.d.Pairs {
				switch name {
				case "keys":
					out[i] = starlark.String(p.Key)
				case "values":
					out[i] = toStarlark(p.Val)
				default:
					out[i] = starlark.Tuple{starlark.String(p.Key), toStarlark(p.Val)}
				}
			}
			return starlark.NewList(out), nil
		}), nil
	}
	return nil, nil
}

type keyIter struct {
	d *canvas.Dict
	i int
}

func (it *keyIter) Next(p *starlark.Value) bool {
	if it.i >= len(it.d.Pairs) {
		return false
	}
	*p = starlark.String(it.d.Pairs[it.i].Key)
	it.i++
	return true
}
func (it *keyIter) Done() {}

// toStarlarkCopy converts a canvas value into fresh, mutable Starlark values
// (the headers a hook receives are a copy).
func toStarlarkCopy(v canvas.Value) starlark.Value {
	switch x := v.(type) {
	case *canvas.List:
		items := make([]starlark.Value, len(x.Items))
		for i, it := range x.Items {
			items[i] = toStarlarkCopy(it)
		}
		if x.Tuple {
			return starlark.Tuple(items)
		}
		return starlark.NewList(items)
	case *canvas.Dict:
		d := starlark.NewDict(len(x.Pairs))
		for _, p := range x.Pairs {
			_ = d.SetKey(starlark.String(p.Key), toStarlarkCopy(p.Val))
		}
		return d
	}
	return toStarlark(v)
}

// fromStarlark converts what a hook returned into canvas values. One object
// returned in two places stays one object, as Python would hand it over;
// read-only views give back the canvas value they show.
func fromStarlark(v starlark.Value, memo map[starlark.Value]canvas.Value) (canvas.Value, error) {
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
	case listView:
		return x.l, nil
	case dictView:
		return x.d, nil
	case *starlark.List:
		if m, ok := memo[x]; ok {
			return m, nil
		}
		l := &canvas.List{Items: make([]canvas.Value, x.Len())}
		memo[x] = l
		for i := range l.Items {
			item, err := fromStarlark(x.Index(i), memo)
			if err != nil {
				return nil, err
			}
			l.Items[i] = item
		}
		return l, nil
	case starlark.Tuple:
		l := &canvas.List{Items: make([]canvas.Value, len(x)), Tuple: true}
		for i, it := range x {
			item, err := fromStarlark(it, memo)
			if err != nil {
				return nil, err
			}
			l.Items[i] = item
		}
		return l, nil
	case *starlark.Dict:
		if m, ok := memo[x]; ok {
			return m, nil
		}
		d := &canvas.Dict{Pairs: make([]canvas.Pair, 0, x.Len())}
		memo[x] = d
		for _, kv := range x.Items() {
			k, ok := kv[0].(starlark.String)
			if !ok {
				return nil, fmt.Errorf("dict key %s is a %s; stamps need string keys", kv[0], kv[0].Type())
			}
			val, err := fromStarlark(kv[1], memo)
			if err != nil {
				return nil, err
			}
			d.Pairs = append(d.Pairs, canvas.Pair{Key: string(k), Val: val})
		}
		return d, nil
	}
	return nil, fmt.Errorf("a %s is not a JSON value", v.Type())
}
