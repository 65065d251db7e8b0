package canvas

import (
	"fmt"
	"strings"
)

// PyError is an error Celery would raise, named by its Python exception type
// ("TypeError", "KeyError", "AttributeError", …) so that a user who knows
// Celery recognises it.
type PyError struct {
	Type string // Python exception class name
	Msg  string // message in Python's words
}

func (e *PyError) Error() string { return e.Type + ": " + e.Msg }

func typeError(format string, a ...any) error {
	return &PyError{"TypeError", fmt.Sprintf(format, a...)}
}

func keyError(key string) error {
	return &PyError{"KeyError", fmt.Sprintf("'%s'", key)}
}

func attrError(v Value, attr string) error {
	return &PyError{"AttributeError", fmt.Sprintf("'%s' object has no attribute '%s'", TypeName(v), attr)}
}

// AttrError is the AttributeError Python raises for v.attr.
func AttrError(v Value, attr string) error { return attrError(v, attr) }

// TypeErrorf is a Python TypeError.
func TypeErrorf(format string, a ...any) error { return typeError(format, a...) }

// PathError is an error while loading or changing the canvas, with the JSON
// path of the object it happened in, e.g. $.kwargs.tasks[2]. In a canvas
// nested thousands of levels deep the path keeps its first and last
// segments around a count of those left out, so it stays one short line.
type PathError struct {
	Path string
	Err  error

	segs   []string // Path's segments, outermost first, when at built it
	hidden int      // segments left out between segs[:pathHead] and the rest
}

func (e *PathError) Error() string { return "at " + e.Path + ": " + e.Err.Error() }
func (e *PathError) Unwrap() error { return e.Err }

// at places err inside the child reached by segment (".kwargs.tasks[2]"),
// keeping the deeper path an inner call already recorded. It takes the same
// short time at every level, however deep the error is.
func at(err error, segment string) error {
	if err == nil {
		return nil
	}
	pe, ok := err.(*PathError)
	if !ok {
		return &PathError{Path: "$" + segment, Err: err, segs: []string{segment}}
	}
	inner := pe.segs
	if inner == nil && pe.Path != "$" {
		inner = []string{pe.Path[1:]}
	}
	out := &PathError{Err: pe.Err, hidden: pe.hidden}
	out.segs = make([]string, 0, len(inner)+1)
	out.segs = append(append(out.segs, segment), inner...)
	if len(out.segs) > pathHead+pathTail {
		// The outermost pathHead segments stay; the one after them goes.
		out.segs = append(out.segs[:pathHead], out.segs[pathHead+1:]...)
		out.hidden++
	}
	var b strings.Builder
	b.WriteByte('$')
	for i, s := range out.segs {
		if i == pathHead && out.hidden > 0 {
			fmt.Fprintf(&b, "…(%d more levels)…", out.hidden)
		}
		b.WriteString(s)
	}
	out.Path = b.String()
	return out
}
