package canvas_test

import (
	"errors"
	"regexp"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
)

// FuzzOps runs Celery's canvas operations on two loaded canvases a and b:
// clone, _merge, set (with the undo log), set_immutable, replace, link,
// link_error, `a | b` and signature(json_roundtrip(a)). arg is a JSON
// object used as the options (or args and kwargs) of the operation. For any
// input:
//
//   - nothing panics, and every failure is a Python exception
//     (*canvas.PyError), as Celery's would be;
//   - every result is a canvas that can be written as JSON;
//   - clone, _merge, replace and the JSON round trip leave a's JSON as it
//     was (link, link_error and | may change their operands, as Celery's
//     do: group.link sets immutable=True on a clone of the callback whose
//     group members are the callback's own — see the FuzzOps corpus);
//   - set and set_immutable, rewound through their log, leave a exactly as
//     it was, and replayed, exactly as they made it.
//
// The seed corpus is testdata/fuzz/FuzzOps.
func FuzzOps(f *testing.F) {
	f.Fuzz(func(t *testing.T, a, b, arg []byte, op uint8) {
		x, err := canvas.Load(a)
		if err != nil {
			return
		}
		y, err := canvas.Load(b)
		if err != nil {
			return
		}
		var opts *canvas.Dict
		if v, err := canvas.Decode(arg); err == nil {
			opts, _ = v.(*canvas.Dict)
		}
		xBefore := jsonOf(t, x)
		var res canvas.Value
		keepsA := false
		switch op % 9 {
		case 0:
			keepsA = true
			res, err = canvas.Clone(x, lookup(opts, "args"), lookup(opts, "kwargs"), opts)
		case 1:
			keepsA = true
			var a, k, o canvas.Value
			a, k, o, err = canvas.Merge(x, lookup(opts, "args"), lookup(opts, "kwargs"), opts)
			res = canvas.NewList(a, k, o)
		case 2, 3:
			log := &canvas.Log{}
			if op%9 == 2 {
				if opts == nil {
					opts = &canvas.Dict{}
				}
				err = canvas.Set(log, x, opts)
			} else {
				err = canvas.SetImmutable(log, x, lookup(opts, "immutable"))
			}
			after := jsonOf(t, x)
			log.Rewind(0)
			if got := jsonOf(t, x); got != xBefore {
				t.Fatalf("rewinding the log did not restore the canvas:\nbefore %s\n   got %s", xBefore, got)
			}
			log.Replay(log.Len())
			if got := jsonOf(t, x); got != after {
				t.Fatalf("replaying the log did not redo the change:\nafter %s\n  got %s", after, got)
			}
			res = x
		case 4:
			keepsA = true
			res, err = canvas.Replace(x, lookup(opts, "args"), lookup(opts, "kwargs"), lookup(opts, "options"))
		case 5:
			err = canvas.Link(x, y)
			res = x
		case 6:
			err = canvas.LinkError(x, y)
			res = x
		case 7:
			res, err = canvas.Or(x, y)
		case 8:
			keepsA = true
			res, err = canvas.Load([]byte(xBefore))
		}
		if err != nil {
			if !isPythonError(err) {
				t.Fatalf("op %d failed with a %T, not a Python exception: %v", op%9, err, err)
			}
			oneLine(t, err)
		} else if _, err := canvas.Encode(res, -1); err != nil {
			t.Fatalf("op %d made a canvas that cannot be written: %v", op%9, err)
		}
		if keepsA {
			if got := jsonOf(t, x); got != xBefore {
				t.Fatalf("op %d changed its first operand:\nbefore %s\n after %s", op%9, xBefore, got)
			}
		}
	})
}

// pythonError is the text of a Python exception: its class, then the message.
var pythonError = regexp.MustCompile(`(^|: )[A-Z][A-Za-z]*(Error|Exception): `)

// isPythonError reports whether err is a Python exception: a
// *canvas.PyError, or an error that reads as one (the AttributeError of a
// signature's options).
func isPythonError(err error) bool {
	var pe *canvas.PyError
	return errors.As(err, &pe) || pythonError.MatchString(err.Error())
}

// jsonOf is v's compact JSON.
func jsonOf(t *testing.T, v canvas.Value) string {
	t.Helper()
	b, err := canvas.Encode(v, -1)
	if err != nil {
		t.Fatalf("cannot write the canvas: %v", err)
	}
	return string(b)
}

// lookup is d.get(key) for a dict that may be nil.
func lookup(d *canvas.Dict, key string) canvas.Value {
	if d == nil {
		return nil
	}
	return d.Lookup(key)
}
