package canvas

import (
	"math"
	"sort"
	"strings"
	"unicode/utf8"
)

// PyDumpOptions are the keyword arguments of Python's json.dumps that
// change its text.
type PyDumpOptions struct {
	EnsureASCII bool    // ensure_ascii: every character past "~" as \uXXXX
	AllowNaN    bool    // allow_nan: NaN and the infinities written, not an error
	SortKeys    bool    // sort_keys (a dict's keys are strings here)
	Indent      *string // indent as the string of one level; nil for None
	ItemSep     string  // separators[0]
	KeySep      string  // separators[1]
}

// PyDumpDefaults are json.dumps's defaults; indent, when not nil, also
// changes the item separator to "," as it does in Python (when separators
// is not given).
func PyDumpDefaults(indent *string) PyDumpOptions {
	o := PyDumpOptions{EnsureASCII: true, AllowNaN: true, Indent: indent, ItemSep: ", ", KeySep: ": "}
	if indent != nil {
		o.ItemSep = ","
	}
	return o
}

// PyIndent is json.dumps's indent given as an int: that many spaces (none
// for 0 or less, which still puts every item on its own line).
func PyIndent(n int) *string {
	s := strings.Repeat(" ", max(min(n, 1<<10), 0))
	return &s
}

// PyDumps is json.dumps(v, **o): the text Python writes, byte for byte
// (Encode writes files, with characters as they are; this is the string a
// script or visitor computes). A lazy group's tasks are produced, as
// iterating them is.
func PyDumps(v Value, o PyDumpOptions) (string, error) {
	e := pyDumper{o: o}
	if err := e.value(v, 0); err != nil {
		return "", err
	}
	return string(e.buf), nil
}

type pyDumper struct {
	o    PyDumpOptions
	buf  []byte
	open []any // the containers being written, to find one inside itself
}

// maxPyDumpDepth is where json.dumps stops with a RecursionError (Python's
// recursion limit is 1000 frames).
const maxPyDumpDepth = 1000

func (e *pyDumper) value(v Value, depth int) error {
	if depth > maxPyDumpDepth {
		return &PyError{"RecursionError", "maximum recursion depth exceeded while encoding a JSON object"}
	}
	switch x := v.(type) {
	case nil:
		e.buf = append(e.buf, "null"...)
	case bool:
		if x {
			e.buf = append(e.buf, "true"...)
		} else {
			e.buf = append(e.buf, "false"...)
		}
	case Int:
		e.buf = append(e.buf, x...)
	case float64:
		if (math.IsNaN(x) || math.IsInf(x, 0)) && !e.o.AllowNaN {
			return &PyError{"ValueError", "Out of range float values are not JSON compliant"}
		}
		e.buf = append(e.buf, FormatFloat(x)...)
	case string:
		e.buf = AppendPyString(e.buf, x, e.o.EnsureASCII)
	case *Lazy:
		items, err := x.All()
		if err != nil {
			return err
		}
		return e.value(NewList(items...), depth)
	case *List:
		if err := e.enter(x); err != nil {
			return err
		}
		items := x.Items()
		if len(items) == 0 {
			e.buf = append(e.buf, "[]"...)
		} else {
			e.buf = append(e.buf, '[')
			for i, it := range items {
				e.separate(i, depth+1)
				if err := e.value(it, depth+1); err != nil {
					return err
				}
			}
			e.end(depth, ']')
		}
		e.open = e.open[:len(e.open)-1]
	case *Dict:
		if err := e.enter(x); err != nil {
			return err
		}
		pairs := x.Pairs()
		if e.o.SortKeys {
			pairs = append([]Pair(nil), pairs...)
			sort.SliceStable(pairs, func(a, b int) bool { return pairs[a].Key.String() < pairs[b].Key.String() })
		}
		if len(pairs) == 0 {
			e.buf = append(e.buf, "{}"...)
		} else {
			e.buf = append(e.buf, '{')
			for i, p := range pairs {
				e.separate(i, depth+1)
				e.buf = AppendPyString(e.buf, p.Key.String(), e.o.EnsureASCII)
				e.buf = append(e.buf, e.o.KeySep...)
				if err := e.value(p.Val, depth+1); err != nil {
					return err
				}
			}
			e.end(depth, '}')
		}
		e.open = e.open[:len(e.open)-1]
	default:
		return typeError("Object of type %s is not JSON serializable", TypeName(v))
	}
	return nil
}

// enter records that container c is being written; met again inside
// itself it is Python's "Circular reference detected".
func (e *pyDumper) enter(c any) error {
	for _, o := range e.open {
		if o == c {
			return &PyError{"ValueError", "Circular reference detected"}
		}
	}
	e.open = append(e.open, c)
	return nil
}

// separate writes what comes before item i of a container whose items are
// at depth.
func (e *pyDumper) separate(i, depth int) {
	if i > 0 {
		e.buf = append(e.buf, e.o.ItemSep...)
	}
	e.newline(depth)
}

// end closes a container whose items are at depth+1.
func (e *pyDumper) end(depth int, bracket byte) {
	e.newline(depth)
	e.buf = append(e.buf, bracket)
}

func (e *pyDumper) newline(depth int) {
	if e.o.Indent != nil {
		e.buf = append(e.buf, '\n')
		for range depth {
			e.buf = append(e.buf, *e.o.Indent...)
		}
	}
}

// AppendPyString appends s as Python's json module quotes a str: ", \ and
// the control characters escaped (\n, \r, \t, \b, \f by name, others as
// \u00XX), and with ensureASCII every other character past "~" as \uXXXX
// too (a surrogate pair past U+FFFF; a lone surrogate held in s as WTF-8 as
// itself).
func AppendPyString(buf []byte, s string, ensureASCII bool) []byte {
	const hex = "0123456789abcdef"
	u4 := func(r rune) {
		buf = append(buf, '\\', 'u', hex[r>>12&0xF], hex[r>>8&0xF], hex[r>>4&0xF], hex[r&0xF])
	}
	buf = append(buf, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c <= '~' {
			buf = append(buf, c)
			i++
			continue
		}
		switch c {
		case '"', '\\':
			buf = append(buf, '\\', c)
		case '\n':
			buf = append(buf, '\\', 'n')
		case '\r':
			buf = append(buf, '\\', 'r')
		case '\t':
			buf = append(buf, '\\', 't')
		case '\b':
			buf = append(buf, '\\', 'b')
		case '\f':
			buf = append(buf, '\\', 'f')
		default:
			if c < 0x20 {
				u4(rune(c))
				break
			}
			r, size := utf8.DecodeRuneInString(s[i:])
			if sr, ok := surrogateAt(s, i); ok && r == utf8.RuneError {
				r, size = sr, 3
			}
			switch {
			case !ensureASCII:
				buf = append(buf, s[i:i+size]...)
			case r > 0xFFFF:
				r -= 0x10000
				u4(0xD800 | r>>10)
				u4(0xDC00 | r&0x3FF)
			default:
				u4(r)
			}
			i += size
			continue
		}
		i++
	}
	return append(buf, '"')
}
