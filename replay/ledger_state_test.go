package replay

import (
	"testing"

	"github.com/stampede-dev/stampede/canvas"
)

// TestReadStateKeepsWalkOrder reads a chain whose first, third and fourth
// tasks are distinct signatures sharing one options dict (what
// signature(d) of a stored link gives): each node's state is at its walk
// position and under its identity, and the nodes with the shared options
// are listed in walk order.
func TestReadStateKeepsWalkOrder(t *testing.T) {
	shared := &canvas.Dict{Pairs: []canvas.Pair{{Key: "queue", Val: "q1"}}}
	sig := func(task string, opts *canvas.Dict) *canvas.Dict {
		return &canvas.Dict{Class: canvas.Signature, Pairs: []canvas.Pair{{Key: "task", Val: task}, {Key: "options", Val: opts}}}
	}
	root := canvas.NewChain(sig("a", shared), sig("b", &canvas.Dict{}), sig("c", shared), sig("d", shared))
	st := readState(root)
	if len(st.states) != len(st.nodes) || len(st.nodes) != 5 {
		t.Fatalf("%d states for %d nodes, want 5", len(st.states), len(st.nodes))
	}
	for i, n := range st.nodes {
		if st.states[i].node != n || st.byID[n.ID] != &st.states[i] {
			t.Fatalf("node %d (%s): its state is not at its position and under its identity", i, n.ID)
		}
	}
	var got string
	for ns := st.withOptions(shared); ns != nil; ns = ns.sameOpts {
		got += ns.node.Task()
	}
	if got != "acd" {
		t.Errorf("nodes sharing the options: %q, want \"acd\" (walk order)", got)
	}
}
