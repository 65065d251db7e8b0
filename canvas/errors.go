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
