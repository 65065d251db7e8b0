package canvas_test

import (
	"strconv"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
)

// TestLogUndoRedo runs every kind of logged mutation, then checks that each
// position of the log restores the exact state it had, going back and forth,
// and that mutating after an undo drops the undone entries.
func TestLogUndoRedo(t *testing.T) {
	d := canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("a"), Val: "1"}})
	l := canvas.NewList("x")
	root := canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("d"), Val: d}, {Key: canvas.K("l"), Val: l}})
	log := &canvas.Log{}
	var states []string
	snap := func() { states = append(states, canvas.Repr(root)) }
	snap()
	log.Update(d, []canvas.Pair{{Key: canvas.K("b"), Val: "2"}, {Key: canvas.K("c"), Val: "3"}}) // one entry
	snap()
	log.Update(d, []canvas.Pair{{Key: canvas.K("a"), Val: "9"}, {Key: canvas.K("e"), Val: "5"}}) // a exists: two sets
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

// TestLogUpdatesOfManyKeyLists undoes and redoes updates whose key lists
// are all different, past the number of key lists a log numbers, mixed
// with updates of a repeated list, and cuts the log in the middle.
func TestLogUpdatesOfManyKeyLists(t *testing.T) {
	const n = 5000
	dicts := make([]*canvas.Dict, n)
	root := &canvas.List{}
	for i := range dicts {
		dicts[i] = canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("task_id"), Val: strconv.Itoa(i)}})
		root.AppendItems(dicts[i])
	}
	log := &canvas.Log{}
	states := []string{canvas.Repr(root)}
	for i, d := range dicts {
		keys := []string{"mtask_id", "stamped_headers"}
		if i%2 == 1 {
			keys = []string{"k" + strconv.Itoa(i), "x"}
		}
		log.Update(d, []canvas.Pair{{Key: canvas.K(keys[0]), Val: "v" + strconv.Itoa(i)}, {Key: canvas.K(keys[1]), Val: canvas.NewList(keys[0])}})
		states = append(states, canvas.Repr(root))
	}
	for _, p := range []int{0, n, n / 2, 1, n - 1, 2, n} {
		log.Seek(p)
		if got := canvas.Repr(root); got != states[p] {
			t.Fatalf("at %d: the canvas differs", p)
		}
	}
	log.Seek(n - 10)
	log.Update(dicts[n-1], []canvas.Pair{{Key: canvas.K("mtask_id"), Val: "late"}, {Key: canvas.K("stamped_headers"), Val: nil}})
	want := canvas.Repr(root)
	log.Seek(0)
	log.Seek(log.Len())
	if got := canvas.Repr(root); got != want || log.Len() != n-9 {
		t.Fatalf("after a cut: %d entries, the canvas differs: %v", log.Len(), got != want)
	}
}
