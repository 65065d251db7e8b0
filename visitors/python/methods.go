package python

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.starlark.net/starlark"
)

// builtinMethod is _method(x, name, *args, **kwargs): x.name(*args,
// **kwargs) for the methods Python's str, list and dict have and
// Starlark's lack (pyOnlyMethods), and the attribute's own call for
// anything else.
func builtinMethod(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var name starlark.String
	if len(args) < 2 {
		return nil, fmt.Errorf("_method: want a receiver and a method name")
	}
	if name, _ = args[1].(starlark.String); name == "" {
		return nil, fmt.Errorf("_method: the method name must be a string")
	}
	recv := args[0]
	rest := args[2:]
	var out starlark.Value
	var err error
	handled := true
	switch x := recv.(type) {
	case *starlark.List:
		out, err = listMethod(thread, x, string(name), rest, kwargs)
	case starlark.String:
		out, handled, err = strMethod(string(x), string(name), rest, kwargs)
	case *starlark.Dict:
		handled = name == "copy"
		if handled {
			out, err = copyDict(x.Items(), string(name), rest, kwargs)
		}
	case starlark.IterableMapping: // a read-only view of a canvas dict
		handled = name == "copy"
		if handled {
			out, err = copyDict(x.Items(), string(name), rest, kwargs)
		}
	default:
		handled = false
	}
	if handled {
		return out, err
	}
	f, err := starlark.Call(thread, starlark.Universe["getattr"], starlark.Tuple{recv, args[1]}, nil)
	if err != nil {
		return nil, err
	}
	return starlark.Call(thread, f, rest, kwargs)
}

// noArgs is Python's error for a method that takes no arguments.
func noArgs(name string, args starlark.Tuple, kwargs []starlark.Tuple) error {
	if len(args) > 0 || len(kwargs) > 0 {
		return fmt.Errorf("TypeError: %s() takes no arguments (%d given)", name, len(args)+len(kwargs))
	}
	return nil
}

func copyDict(items []starlark.Tuple, name string, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if err := noArgs(name, args, kwargs); err != nil {
		return nil, err
	}
	d := starlark.NewDict(len(items))
	for _, kv := range items {
		if err := d.SetKey(kv[0], kv[1]); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// listMethod is list.sort(key=None, reverse=False), list.reverse(),
// list.copy() and list.count(x).
func listMethod(thread *starlark.Thread, l *starlark.List, name string, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	switch name {
	case "sort":
		if len(args) > 0 {
			return nil, fmt.Errorf("TypeError: sort() takes no positional arguments")
		}
		sorted, err := starlark.Call(thread, starlark.Universe["sorted"], starlark.Tuple{l}, kwargs)
		if err != nil {
			return nil, err
		}
		return starlark.None, setItems(l, sorted.(*starlark.List))
	case "reverse":
		if err := noArgs(name, args, kwargs); err != nil {
			return nil, err
		}
		n := l.Len()
		items := make([]starlark.Value, n)
		for i := range items {
			items[i] = l.Index(n - 1 - i)
		}
		return starlark.None, setItems(l, starlark.NewList(items))
	case "copy":
		if err := noArgs(name, args, kwargs); err != nil {
			return nil, err
		}
		items := make([]starlark.Value, l.Len())
		for i := range items {
			items[i] = l.Index(i)
		}
		return starlark.NewList(items), nil
	case "count":
		if len(args) != 1 || len(kwargs) > 0 {
			return nil, fmt.Errorf("TypeError: list.count() takes exactly one argument (%d given)", len(args)+len(kwargs))
		}
		n := 0
		for i := 0; i < l.Len(); i++ {
			eq, err := starlark.Equal(l.Index(i), args[0])
			if err != nil {
				return nil, err
			}
			if eq {
				n++
			}
		}
		return starlark.MakeInt(n), nil
	}
	return nil, fmt.Errorf("AttributeError: 'list' object has no attribute '%s'", name)
}

// setItems writes from's items into l, in place (a frozen list refuses).
func setItems(l, from *starlark.List) error {
	for i := 0; i < from.Len(); i++ {
		if err := l.SetIndex(i, from.Index(i)); err != nil {
			return err
		}
	}
	return nil
}

// strMethod is str.zfill, ljust, rjust, center and swapcase; handled is
// false for another name (str.count and the rest are Starlark's own).
func strMethod(s, name string, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, bool, error) {
	switch name {
	case "zfill":
		var width int
		if err := starlark.UnpackPositionalArgs(name, args, kwargs, 1, &width); err != nil {
			return nil, true, err
		}
		n := utf8.RuneCountInString(s)
		if n >= width {
			return starlark.String(s), true, nil
		}
		sign := ""
		if s != "" && (s[0] == '+' || s[0] == '-') {
			sign, s = s[:1], s[1:]
		}
		return starlark.String(sign + strings.Repeat("0", width-n) + s), true, nil
	case "ljust", "rjust", "center":
		var width int
		fill := " "
		if err := starlark.UnpackPositionalArgs(name, args, kwargs, 1, &width, &fill); err != nil {
			return nil, true, err
		}
		if utf8.RuneCountInString(fill) != 1 {
			return nil, true, fmt.Errorf("TypeError: The fill character must be exactly one character long")
		}
		marg := width - utf8.RuneCountInString(s)
		if marg <= 0 {
			return starlark.String(s), true, nil
		}
		left := 0
		switch name {
		case "rjust":
			left = marg
		case "center":
			left = marg/2 + (marg & width & 1) // CPython's split of an odd margin
		}
		return starlark.String(strings.Repeat(fill, left) + s + strings.Repeat(fill, marg-left)), true, nil
	case "swapcase":
		if err := noArgs(name, args, kwargs); err != nil {
			return nil, true, err
		}
		return starlark.String(strings.Map(func(r rune) rune {
			switch {
			case unicode.IsUpper(r):
				return unicode.ToLower(r)
			case unicode.IsLower(r):
				return unicode.ToUpper(r)
			}
			return r
		}, s)), true, nil
	}
	return nil, false, nil
}
