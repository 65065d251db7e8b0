package canvas

import "fmt"

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
// path of the object it happened in, e.g. $.kwargs.tasks[2].
type PathError struct {
	Path string
	Err  error
}

func (e *PathError) Error() string { return "at " + e.Path + ": " + e.Err.Error() }
func (e *PathError) Unwrap() error { return e.Err }

// at places err inside the child reached by segment (".kwargs.tasks[2]"),
// keeping the deeper path an inner call already recorded.
func at(err error, segment string) error {
	if err == nil {
		return nil
	}
	if pe, ok := err.(*PathError); ok {
		return &PathError{Path: "$" + segment + pe.Path[1:], Err: pe.Err}
	}
	return &PathError{Path: "$" + segment, Err: err}
}
