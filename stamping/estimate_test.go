package stamping

import (
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/visitors"
)

// TestEstimateSteps checks that the trace of flat canvases fits the steps
// estimated up front: one step too few doubles the trace's memory.
func TestEstimateSteps(t *testing.T) {
	sig := func(task string) *canvas.Dict {
		return &canvas.Dict{Class: canvas.Signature, Pairs: []canvas.Pair{
			{Key: "task", Val: task}, {Key: "args", Val: &canvas.List{}}, {Key: "kwargs", Val: &canvas.Dict{}},
			{Key: "options", Val: &canvas.Dict{}}, {Key: "subtask_type", Val: nil}, {Key: "immutable", Val: false},
		}}
	}
	leaves := func() *canvas.List {
		return canvas.NewList(sig("a"), sig("a"), sig("a"))
	}
	chord, err := canvas.NewChord(leaves(), sig("b"))
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*canvas.Dict{
		"group": canvas.NewGroup(leaves()),
		"chain": canvas.NewChain(leaves().Items...),
		"chord": chord,
	} {
		want := estimateSteps(c)
		v, _ := visitors.Builtin("monitoring-id")
		tr, err := Stamp(c, Options{Visitor: v})
		if err != nil {
			t.Fatal(err)
		}
		if tr.Len() > want {
			t.Errorf("%s: %d steps, estimated %d", name, tr.Len(), want)
		}
	}
}
