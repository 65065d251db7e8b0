package canvas_test

import (
	"testing"

	"github.com/stampede-dev/stampede/canvas"
)

// TestLogUndoRedo runs every kind of logged mutation, then checks that each
// position of the log restores the exact state it had, going back and forth,
// and that mutating after an undo drops the undone entries.
func TestLogUndoRedo(t *testing.T) {
	d := &canvas.Dict{Pairs: []canvas.Pair{{Key: "a", Val: "1"}}}
	l := canvas.NewList("x")
	root := &canvas.Dict{Pairs: []canvas.Pair{{Key: "d", Val: d}, {Key: "l", Val: l}}}
	log := &canvas.Log{}
	var states []string
	snap := func() { states = append(states, canvas.Repr(root)) }
	snap()
	log.Update(d, []canvas.Pair{{Key: "b", Val: "2"}, {Key: "c", Val: "3"}}) // one entry
	snap()
	log.Update(d, []canvas.Pair{{Key: "a", Val: "9"}, {Key: "e", Val: "5"}}) // a exists: two sets
	snap()
	snap()
	log.Append(l, "y", "z")
	snap()
	log.Replace(l, []canvas.Value{"r"})
	snap()
	log.Set(d, "b", nil)
	snap()
	if log.Len() != 6 || log.Changes(0, log.Len()) != 7 {
		t.Fatalf("%d entries, %d changes", log.Len(), log.Changes(0, log.Len()))
	}
	// The second update made two entries; between them only "a" was set.
	states[2] = `{"d": {"a": "9", "b": "2", "c": "3"}, "l": ["x"]}`
	at := func(n int) {
		t.Helper()
		log.Seek(n)
		if got := canvas.Repr(root); got != states[n] {
			t.Fatalf("at %d: %s, want %s", n, got, states[n])
		}
	}
	for _, n := range []int{0, 6, 1, 4, 2, 5, 0, 3, 6} {
		at(n)
	}
	log.Seek(2)
	log.Append(l, "new")
	if log.Len() != 3 {
		t.Fatalf("after a mutation at 2: %d entries", log.Len())
	}
	want := canvas.Repr(root)
	log.Seek(0)
	log.Seek(3)
	if got := canvas.Repr(root); got != want {
		t.Fatalf("redo after cut: %s, want %s", got, want)
	}
}
