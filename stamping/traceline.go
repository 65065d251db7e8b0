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
	line := &canvas.Dict{Pairs: make([]canvas.Pair, 0, 7)}
	line.Pairs = append(line.Pairs,
		canvas.Pair{Key: "hook", Val: s.Hook.String()},
		canvas.Pair{Key: "id", Val: s.ID},
		canvas.Pair{Key: "task", Val: s.Task()},
		canvas.Pair{Key: "headers", Val: s.Headers},
		canvas.Pair{Key: "ret", Val: s.Ret()},
	)
	if detail {
		line.Pairs = append(line.Pairs,
			canvas.Pair{Key: "path", Val: s.Target.Path.String()},
			canvas.Pair{Key: "default", Val: s.Default},
		)
		if n := t.ScriptSteps(i); n > 0 {
			line.Pairs = append(line.Pairs, canvas.Pair{Key: "steps", Val: canvas.Int(strconv.FormatUint(n, 10))})
		}
	}
	return line
}

// Lines is every step as a trace line.
func (t *Trace) Lines(detail bool) *canvas.List {
	out := &canvas.List{Items: make([]canvas.Value, len(t.Steps))}
	for i := range t.Steps {
		out.Items[i] = t.Line(i, detail)
	}
	return out
}
