package stamping

import (
	"strconv"

	"github.com/stampede-dev/stampede/canvas"
)

// Line is step i as a trace line in the conformance corpus's form:
// {"hook", "id", "task", "headers", "ret"}. With detail it also carries the
// node's path, whether Celery's default hook ran, and for scripted hooks the
// interpreter steps used ("path", "default", "steps"). The line holds the
// step's own headers and result, to be written out or read, not changed.
func (t *Trace) Line(i int, detail bool) *canvas.Dict {
	s := &t.Steps[i]
	line := canvas.DictOf(canvas.Plain, make([]canvas.Pair, 0, 7))
	line.AppendPairs(
		canvas.Pair{Key: keyHook, Val: s.Hook.String()},
		canvas.Pair{Key: keyID, Val: s.ID},
		canvas.Pair{Key: canvas.KeyTask, Val: s.Task()},
		canvas.Pair{Key: keyHeaders, Val: s.Headers},
		canvas.Pair{Key: keyRet, Val: s.Ret()},
	)
	if detail {
		line.AppendPairs(
			canvas.Pair{Key: keyPath, Val: s.Target.Path.String()},
			canvas.Pair{Key: keyDefault, Val: s.Default},
		)
		if n := t.ScriptSteps(i); n > 0 {
			line.AppendPairs(canvas.Pair{Key: keySteps, Val: canvas.Int(strconv.FormatUint(n, 10))})
		}
	}
	return line
}

// Lines is every step as a trace line.
func (t *Trace) Lines(detail bool) *canvas.List {
	out := canvas.NewList(make([]canvas.Value, len(t.Steps))...)
	for i := range t.Steps {
		out.Items()[i] = t.Line(i, detail)
	}
	return out
}

// The keys of a trace line, made once.
var (
	keyHook    = canvas.K("hook")
	keyID      = canvas.K("id")
	keyHeaders = canvas.K("headers")
	keyRet     = canvas.K("ret")
	keyPath    = canvas.K("path")
	keyDefault = canvas.K("default")
	keySteps   = canvas.K("steps")
)
