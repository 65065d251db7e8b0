package replay

import (
	"runtime"
	"strconv"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/canvas/synth"
)

// TestReadStateKeepsWalkOrder reads a chain whose first, third and fourth
// tasks are distinct signatures sharing one options dict (what
// signature(d) of a stored link gives): each node's state is at its walk
// position and under its identity, and the nodes with the shared options
// are listed in walk order.
func TestReadStateKeepsWalkOrder(t *testing.T) {
	shared := canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("queue"), Val: "q1"}})
	sig := func(task string, opts *canvas.Dict) *canvas.Dict {
		return canvas.DictOf(canvas.Signature, []canvas.Pair{{Key: canvas.K("task"), Val: task}, {Key: canvas.K("options"), Val: opts}})
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

// TestObserveLetsTheStateBeforeGo plays small ops on a canvas of about
// 3,000 nodes: the ledger links each node to its state before the op
// while it observes it, and must drop the link after, or every op would
// keep every earlier state (half a megabyte each here) alive.
func TestObserveLetsTheStateBeforeGo(t *testing.T) {
	var tasks []canvas.Value
	for i := 0; i < 3000; i++ {
		tasks = append(tasks, canvas.DictOf(canvas.Signature, []canvas.Pair{
			{Key: canvas.K("task"), Val: "proj.t"},
			{Key: canvas.K("options"), Val: canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("task_id"), Val: "t-" + strconv.Itoa(i)}})},
		}))
	}
	p, err := NewPlayer(canvas.NewGroup(canvas.NewList(tasks...)), Config{Ledger: true, NoSnapshots: true})
	if err != nil {
		t.Fatal(err)
	}
	set := NewOp("set", "", canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("options"), Val: canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("queue"), Val: "q2"}})}}))
	do := func(n int) {
		for i := 0; i < n; i++ {
			if err := p.Do(set); err != nil {
				t.Fatal(err)
			}
		}
	}
	do(2)
	before := synth.LiveHeap()
	do(20)
	if grown := synth.LiveHeap() - before; grown > 1<<20 {
		t.Errorf("20 ops kept %d bytes more", grown)
	}
	runtime.KeepAlive(p)
}
