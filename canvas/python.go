package canvas

import (
	"fmt"
	"math"
	"math/big"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Iterate returns the items Python's `for x in v` would give: a list's or
// tuple's items, a dict's keys, a string's characters; anything else is the
// TypeError Python raises.
func Iterate(v Value) ([]Value, error) {
	switch x := v.(type) {
	case *List:
		return x.Items(), nil
	case *Dict:
		keys := make([]Value, x.Len())
		for i, p := range x.Pairs() {
			keys[i] = p.Key.String()
		}
		return keys, nil
	case string:
		chars := make([]Value, 0, len(x))
		for _, r := range x {
			chars = append(chars, string(r))
		}
		return chars, nil
	case *Lazy:
		return x.All()
	}
	return nil, typeError("'%s' object is not iterable", TypeName(v))
}

// Repr is a short Python repr of v, for error messages.
func Repr(v Value) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	case Int:
		return string(x)
	case float64:
		switch {
		case math.IsNaN(x):
			return "nan"
		case math.IsInf(x, 1):
			return "inf"
		case math.IsInf(x, -1):
			return "-inf"
		}
		return FormatFloat(x)
	case string:
		return strRepr(x)
	}
	s, err := Encode(v, -1)
	if err != nil {
		return "<" + TypeName(v) + ">"
	}
	return string(s)
}

// strRepr is Python's repr(str): single quotes unless the text holds a
// single quote and no double quote; backslashes, the quote, \t, \n, \r and
// every character Python does not print (control characters, other
// spaces, format characters…) escaped as \xNN, \uNNNN or \UNNNNNNNN.
func strRepr(s string) string {
	quote := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		quote = '"'
	}
	b := make([]byte, 0, len(s)+2)
	b = append(b, quote)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if sr, ok := surrogateAt(s, i); ok {
			r, size = sr, 3 // a lone surrogate: escaped below
		}
		i += size
		switch {
		case r == rune(quote) || r == '\\':
			b = append(b, '\\', byte(r))
		case r == '\t':
			b = append(b, '\\', 't')
		case r == '\n':
			b = append(b, '\\', 'n')
		case r == '\r':
			b = append(b, '\\', 'r')
		case r < 0x7f && r >= ' ':
			b = append(b, byte(r))
		case r < 0x100 && !(r > 0x7f && unicode.IsPrint(r)):
			b = append(b, fmt.Sprintf("\\x%02x", r)...)
		case unicode.IsPrint(r):
			b = utf8.AppendRune(b, r)
		case r < 0x10000:
			b = append(b, fmt.Sprintf("\\u%04x", r)...)
		default:
			b = append(b, fmt.Sprintf("\\U%08x", r)...)
		}
	}
	return string(append(b, quote))
}

// Hashable reports whether v can be a dict key or set member in Python.
func Hashable(v Value) error {
	switch x := v.(type) {
	case *Dict, *Lazy:
		return typeError("unhashable type: '%s'", TypeName(x))
	case *List:
		if !x.Tuple() {
			return typeError("unhashable type: 'list'")
		}
		for _, item := range x.Items() {
			if err := Hashable(item); err != nil {
				return err
			}
		}
	}
	return nil
}

// Equal is Python's ==: dicts compare by content whatever their class, a list
// never equals a tuple, and numbers compare by value (True == 1 == 1.0).
func Equal(a, b Value) bool {
	if z, ok := a.(*Lazy); ok {
		items, _ := z.All()
		a = NewList(items...)
	}
	if z, ok := b.(*Lazy); ok {
		items, _ := z.All()
		b = NewList(items...)
	}
	if na, ok := number(a); ok {
		nb, ok := number(b)
		return ok && na.Cmp(nb) == 0
	}
	switch x := a.(type) {
	case nil:
		return b == nil
	case string:
		y, ok := b.(string)
		return ok && x == y
	case *List:
		y, ok := b.(*List)
		if !ok || x.Tuple() != y.Tuple() || x.Len() != y.Len() {
			return false
		}
		if x == y {
			return true
		}
		for i := range x.Items() {
			if !Identical(x.Items()[i], y.Items()[i]) && !Equal(x.Items()[i], y.Items()[i]) {
				return false
			}
		}
		return true
	case *Dict:
		y, ok := b.(*Dict)
		if !ok || x.Len() != y.Len() {
			return false
		}
		if x == y {
			return true
		}
		for _, p := range x.Pairs() {
			v, ok := y.GetKey(p.Key)
			if !ok || (!Identical(p.Val, v) && !Equal(p.Val, v)) {
				return false
			}
		}
		return true
	}
	return false
}

// Identical is Python's `is` for container values and equality of scalars
// that Python would intern; containers use it before == (so NaN in a list
// equals itself).
func Identical(a, b Value) bool {
	switch x := a.(type) {
	case *List:
		y, ok := b.(*List)
		return ok && x == y
	case *Dict:
		y, ok := b.(*Dict)
		return ok && x == y
	case float64:
		y, ok := b.(float64)
		return ok && (x == y || (math.IsNaN(x) && math.IsNaN(y)))
	}
	return false
}

func number(v Value) (*big.Float, bool) {
	switch x := v.(type) {
	case bool:
		if x {
			return big.NewFloat(1), true
		}
		return big.NewFloat(0), true
	case Int:
		f, _, err := big.ParseFloat(string(x), 10, 256, big.ToNearestEven)
		return f, err == nil
	case float64:
		if math.IsNaN(x) {
			return nil, false
		}
		return new(big.Float).SetFloat64(x), true
	}
	return nil, false
}

// Contains is Python's `x in items` for a list.
func Contains(items []Value, x Value) bool {
	for _, it := range items {
		if Identical(it, x) || Equal(it, x) {
			return true
		}
	}
	return false
}

// In is Python's `key in container` for a string key, with Python's errors.
func In(key string, container Value) (bool, error) {
	switch c := container.(type) {
	case *Dict:
		return c.Has(key), nil
	case *List:
		return Contains(c.Items(), key), nil
	case string:
		return strings.Contains(c, key), nil
	case *Lazy:
		items, err := c.All()
		return Contains(items, key), err
	}
	return false, typeError("argument of type '%s' is not iterable", TypeName(container))
}

// AsDict returns v as a dict, or the error Python gives when code uses it as
// one (name says what was expected, e.g. "options").
func AsDict(v Value, what string) (*Dict, error) {
	if d, ok := v.(*Dict); ok {
		return d, nil
	}
	return nil, &PyError{"TypeError", fmt.Sprintf("%s must be a mapping, not %s", what, TypeName(v))}
}
