package script

import (
	"fmt"
	"sort"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"

	"github.com/stampede-dev/stampede/canvas"
)

// PyDumps is Python's json.dumps(obj, *, skipkeys, ensure_ascii,
// check_circular, allow_nan, indent, separators, sort_keys) called with
// args and kwargs, for the layers that run Python on Starlark (Python
// visitors, canvas scripts): the text Python gives. other converts a value
// of the caller's own types (a signature, a view of one); cls and default
// are refused, as they run code inside the encoder.
func PyDumps(args starlark.Tuple, kwargs []starlark.Tuple, other func(starlark.Value) (canvas.Value, error)) (string, error) {
	if len(args) != 1 {
		return "", pyErr("TypeError", "dumps() takes 1 positional argument but %d were given", len(args))
	}
	var indent *string
	ensureASCII, allowNaN := true, true
	conv := dumpConverter{other: other}
	var separators starlark.Value = starlark.None
	for _, kv := range kwargs {
		name, v := string(kv[0].(starlark.String)), kv[1]
		switch name {
		case "ensure_ascii":
			ensureASCII = bool(v.Truth())
		case "allow_nan":
			allowNaN = bool(v.Truth())
		case "sort_keys":
			conv.sortKeys = bool(v.Truth())
		case "skipkeys":
			conv.skipKeys = bool(v.Truth())
		case "check_circular":
			// a container inside itself is an error either way
		case "indent":
			switch x := v.(type) {
			case starlark.NoneType:
				indent = nil
			case starlark.String:
				s := string(x)
				indent = &s
			case starlark.Int:
				n, _ := x.Int64()
				indent = canvas.PyIndent(int(max(min(n, 1<<20), -1)))
			default:
				return "", pyErr("TypeError", "can't multiply sequence by non-int of type '%s' (indent is None, an int or a str)", PyType(v))
			}
		case "separators":
			separators = v
		case "cls", "default":
			return "", fmt.Errorf("unsupported Python construct: json.dumps(%s=...) (no code can run inside the encoder)", name)
		default:
			return "", pyErr("TypeError", "dumps() got an unexpected keyword argument '%s'", name)
		}
	}
	o := canvas.PyDumpDefaults(indent)
	o.EnsureASCII, o.AllowNaN = ensureASCII, allowNaN
	if separators != starlark.None {
		pair, ok := separators.(starlark.Indexable)
		if !ok || pair.Len() != 2 {
			return "", pyErr("ValueError", "separators must be a pair (item_separator, key_separator)")
		}
		item, ok1 := pair.Index(0).(starlark.String)
		key, ok2 := pair.Index(1).(starlark.String)
		if !ok1 || !ok2 {
			return "", pyErr("TypeError", "separators must be a pair of strings (item_separator, key_separator)")
		}
		o.ItemSep, o.KeySep = string(item), string(key)
	}
	v, err := conv.value(args[0], 0)
	if err != nil {
		return "", err
	}
	return canvas.PyDumps(v, o) // the converter sorted the keys already
}

// pyErr is a Python exception of the given class.
func pyErr(class, format string, a ...any) error {
	return &canvas.PyError{Type: class, Msg: fmt.Sprintf(format, a...)}
}

// PyType is the Python name of v's type (str, NoneType, list, …).
func PyType(v starlark.Value) string {
	switch v.(type) {
	case starlark.NoneType:
		return "NoneType"
	case starlark.String:
		return "str"
	}
	return v.Type()
}

// dumpConverter turns what json.dumps is given into canvas values, doing
// what only the Python values allow: a dict's keys sorted as they are
// (numbers by value), then written as JSON text (1 → "1", None → "null"),
// or dropped (skipkeys).
type dumpConverter struct {
	sortKeys, skipKeys bool
	other              func(starlark.Value) (canvas.Value, error)
	open               []starlark.Value // the containers being converted
}

// maxDumpDepth is where json.dumps stops with a RecursionError, as
// Python's recursion limit makes it.
const maxDumpDepth = 1000

func (c *dumpConverter) value(v starlark.Value, depth int) (canvas.Value, error) {
	if depth > maxDumpDepth {
		return nil, pyErr("RecursionError", "maximum recursion depth exceeded while encoding a JSON object")
	}
	switch x := v.(type) {
	case starlark.NoneType, starlark.Bool, starlark.Int, starlark.Float, starlark.String:
		return FromStarlark(v) // a scalar, as a hook's result holds it
	case *starlark.List, starlark.Tuple:
		if err := c.enter(v); err != nil {
			return nil, err
		}
		seq := x.(starlark.Indexable)
		items := make([]canvas.Value, seq.Len())
		for i := range items {
			item, err := c.value(seq.Index(i), depth+1)
			if err != nil {
				return nil, err
			}
			items[i] = item
		}
		c.leave()
		return canvas.NewList(items...), nil
	case *starlark.Dict:
		if err := c.enter(v); err != nil {
			return nil, err
		}
		items := x.Items()
		if c.sortKeys {
			if err := sortItems(items); err != nil {
				return nil, err
			}
		}
		d := canvas.NewDict(canvas.Plain, len(items))
		for _, kv := range items {
			k, ok, err := c.key(kv[0])
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			val, err := c.value(kv[1], depth+1)
			if err != nil {
				return nil, err
			}
			// keys 1 and "1" are both "1" in the text; both are written
			d.AppendPairs(canvas.Pair{Key: canvas.K(k), Val: val})
		}
		c.leave()
		return d, nil
	}
	// a sig view or another host value: its JSON, as a stamp holds it
	cv, err := c.other(v)
	if err != nil {
		return nil, pyErr("TypeError", "Object of type %s is not JSON serializable", PyType(v))
	}
	if c.sortKeys {
		cv = canvas.JSONCopy(cv) // sorted in place below
		sortCopy(cv)
	}
	return cv, nil
}

// enter records that container v is being converted; met again inside
// itself it is Python's "Circular reference detected".
func (c *dumpConverter) enter(v starlark.Value) error {
	for _, o := range c.open {
		if o == v {
			return pyErr("ValueError", "Circular reference detected")
		}
	}
	c.open = append(c.open, v)
	return nil
}

func (c *dumpConverter) leave() { c.open = c.open[:len(c.open)-1] }

// key is a dict key as json.dumps writes it: a str as it is, None, a bool,
// an int or a float as its JSON text; ok is false for a key skipkeys drops.
func (c *dumpConverter) key(k starlark.Value) (string, bool, error) {
	switch x := k.(type) {
	case starlark.String:
		return string(x), true, nil
	case starlark.NoneType, starlark.Bool, starlark.Int, starlark.Float:
		v, _ := c.value(x, 0)
		text, err := canvas.PyDumps(v, canvas.PyDumpDefaults(nil))
		return text, err == nil, err
	}
	if c.skipKeys {
		return "", false, nil
	}
	return "", false, pyErr("TypeError", "keys must be str, int, float, bool or None, not %s", PyType(k))
}

// sortItems is sorted(dct.items()) on the keys as they are: strings in
// code point order, numbers by value; a string and a number cannot be
// compared (Python's TypeError).
func sortItems(items []starlark.Tuple) error {
	var err error
	sort.SliceStable(items, func(a, b int) bool {
		lt, e := starlark.Compare(syntax.LT, items[a][0], items[b][0])
		if e != nil && err == nil {
			err = pyErr("TypeError", "'<' not supported between instances of '%s' and '%s'", PyType(items[a][0]), PyType(items[b][0]))
		}
		return lt
	})
	return err
}

// sortCopy sorts the keys of every dict in v, a copy nothing else holds.
func sortCopy(v canvas.Value) {
	switch x := v.(type) {
	case *canvas.List:
		for _, it := range x.Items() {
			sortCopy(it)
		}
	case *canvas.Dict:
		pairs := x.Pairs()
		sort.SliceStable(pairs, func(a, b int) bool { return pairs[a].Key.String() < pairs[b].Key.String() })
		for _, p := range pairs {
			sortCopy(p.Val)
		}
	}
}
