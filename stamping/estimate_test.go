package stamping

import (
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/visitors"
)

// TestEstimateSteps checks that the steps counted up front are the steps
// made: one too few doubles the trace's memory, too many waste it.
func TestEstimateSteps(t *testing.T) {
	sig := func(task string) *canvas.Dict {
		return canvas.DictOf(canvas.Signature, []canvas.Pair{
			{Key: canvas.K("task"), Val: task}, {Key: canvas.K("args"), Val: &canvas.List{}}, {Key: canvas.K("kwargs"), Val: &canvas.Dict{}},
			{Key: canvas.K("options"), Val: &canvas.Dict{}}, {Key: canvas.K("subtask_type"), Val: nil}, {Key: canvas.K("immutable"), Val: false},
		})

	}
	leaves := func() *canvas.List {
		return canvas.NewList(sig("a"), sig("a"), sig("a"))
	}
	chord, err := canvas.NewChord(leaves(), sig("b"))
	if err != nil {
		t.Fatal(err)
	}
	linked := sig("a")
	linked.Lookup("options").(*canvas.Dict).Set("link", canvas.NewList(sig("l")))
	linked.Lookup("options").(*canvas.Dict).Set("link_error", canvas.NewList(sig("e"), sig("e")))
	nested := canvas.NewChain(
		canvas.NewGroup(canvas.NewList(canvas.NewChain(linked, sig("b")), sig("c"))),
		chord,
	)
	for name, c := range map[string]*canvas.Dict{
		"group":  canvas.NewGroup(leaves()),
		"chain":  canvas.NewChain(leaves().Items()...),
		"chord":  chord,
		"nested": nested,
	} {
		want := estimateSteps(c)
		v, _ := visitors.Builtin("monitoring-id")
		tr, err := Stamp(c, Options{Visitor: v})
		if err != nil {
			t.Fatal(err)
		}
		if tr.Len() != want {
			t.Errorf("%s: %d steps, estimated %d", name, tr.Len(), want)
		}
	}
}
