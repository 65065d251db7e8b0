package build

import (
	"fmt"

	"go.starlark.net/starlark"

	"github.com/stampede-dev/stampede/canvas"
)

// params describes a Python function's parameters, so that a builtin binds
// its arguments the way Python binds them to the Celery method it mirrors
// (same names, same defaults, same errors).
type params struct {
	fn       string   // the Python name, for messages: "set", "chord", …
	names    []string // positional-or-keyword parameters, in order
	required int      // how many of names have no default
	varargs  bool     // the function takes *args
	varkw    bool     // the function takes **kwargs
}

// bound is the result of binding a call: vals[i] is the argument for
// names[i] (nil when not given), rest the extra positional arguments
// (*args), extra the extra keyword arguments (**kwargs) in call order.
type bound struct {
	vals  []starlark.Value
	rest  starlark.Tuple
	extra []starlark.Tuple
}

// given reports whether parameter i was passed.
func (b *bound) given(i int) bool { return b.vals[i] != nil }

func (p params) bind(args starlark.Tuple, kwargs []starlark.Tuple) (*bound, error) {
	if err := checkKeywords(p.fn, kwargs); err != nil {
		return nil, err
	}
	b := &bound{vals: make([]starlark.Value, len(p.names))}
	for i, a := range args {
		if i < len(p.names) {
			b.vals[i] = a
			continue
		}
		if !p.varargs {
			return nil, pyTypeError("%s() takes %s but %d were given", p.fn, positionalCount(len(p.names)), len(args))
		}
		b.rest = append(b.rest, a)
	}
	for _, kv := range kwargs {
		name := string(kv[0].(starlark.String))
		idx := -1
		for i, n := range p.names {
			if n == name {
				idx = i
				break
			}
		}
		if idx < 0 {
			if !p.varkw {
				return nil, pyTypeError("%s() got an unexpected keyword argument '%s'", p.fn, name)
			}
			b.extra = append(b.extra, kv)
			continue
		}
		if b.vals[idx] != nil {
			return nil, pyTypeError("%s() got multiple values for argument '%s'", p.fn, name)
		}
		b.vals[idx] = kv[1]
	}
	for i := 0; i < p.required; i++ {
		if b.vals[i] == nil {
			return nil, pyTypeError("%s() missing 1 required positional argument: '%s'", p.fn, p.names[i])
		}
	}
	return b, nil
}

func positionalCount(n int) string {
	if n == 1 {
		return "1 positional argument"
	}
	return fmt.Sprintf("%d positional arguments", n)
}

func pyTypeError(format string, a ...any) error {
	return &canvas.PyError{Type: "TypeError", Msg: fmt.Sprintf(format, a...)}
}

// arg is the canvas value of parameter i, or nil (None) when not given.
func (b *bound) arg(c *conv, i int) (canvas.Value, error) {
	if b.vals[i] == nil {
		return nil, nil
	}
	return c.toCanvas(b.vals[i])
}

// checkKeywords fails as Python does for a keyword given twice (possible
// with **) and for "self", which every Celery method and constructor binds
// itself.
func checkKeywords(fn string, kwargs []starlark.Tuple) error {
	for i, kv := range kwargs {
		name := string(kv[0].(starlark.String))
		if name == "self" {
			return pyTypeError("%s() got multiple values for argument 'self'", fn)
		}
		for _, prev := range kwargs[:i] {
			if string(prev[0].(starlark.String)) == name {
				return pyTypeError("%s() got multiple values for keyword argument '%s'", fn, name)
			}
		}
	}
	return nil
}

// kwDict turns keyword arguments into a canvas dict, in call order.
func (c *conv) kwDict(kwargs []starlark.Tuple) (*canvas.Dict, error) {
	d := canvas.NewDict(canvas.Plain, len(kwargs))
	for _, kv := range kwargs {
		v, err := c.toCanvas(kv[1])
		if err != nil {
			return nil, err
		}
		d.Set(string(kv[0].(starlark.String)), v)
	}
	return d, nil
}
