package builder

import (
	"errors"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/tui/outline"
)

func sig(t *testing.T, name string) *canvas.Dict {
	t.Helper()
	s, err := canvas.NewSignature(name, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// same fails unless the doc holds the canvas that saving want as Celery
// JSON and loading it back gives.
func same(t *testing.T, d *Doc, want canvas.Value) {
	t.Helper()
	data, err := canvas.Encode(want, -1)
	if err != nil {
		t.Fatal(err)
	}
	w, err := canvas.Load(data)
	if err != nil {
		t.Fatal(err)
	}
	if got, exp := canvas.MustEncode(d.Root()), canvas.MustEncode(w); got != exp {
		t.Fatalf("the canvas is\n%s\nwant\n%s", got, exp)
	}
}

func newEmpty(t *testing.T) *Doc {
	t.Helper()
	d, err := NewDoc(Empty(), false)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestInsertingIntoAnEmptyCanvasMakesAChain(t *testing.T) {
	d := newEmpty(t)
	_, err := d.Insert(nil, "proj.add")
	must(t, err)
	sel, err := d.Insert(nil, "proj.mul")
	must(t, err)
	if len(sel) != 1 || sel[0] != 1 {
		t.Errorf("after chain | proj.mul the selection is %v, want the new task at [1]", sel)
	}
	want, err := canvas.ChainOf([]canvas.Value{sig(t, "proj.add"), sig(t, "proj.mul")}, nil)
	must(t, err)
	same(t, d, want)
	if !d.Dirty() || d.Edits() != 2 {
		t.Errorf("dirty %v, %d edits; want dirty and 2", d.Dirty(), d.Edits())
	}
}

func TestWrappingAGroupFollowedByATaskInAChainMakesAChord(t *testing.T) {
	d := newEmpty(t)
	for _, n := range []string{"proj.a", "proj.b", "proj.tsum"} {
		_, err := d.Insert(nil, n)
		must(t, err)
	}
	// chain(a, b, tsum): wrap a and b in a group, then the group and tsum in a chain
	must(t, d.Wrap([][]int{{0}, {1}}, WrapGroup))
	g := canvas.NewGroup(canvas.NewList(sig(t, "proj.a"), sig(t, "proj.b")))
	want, err := canvas.ChainOf([]canvas.Value{g, sig(t, "proj.tsum")}, nil)
	must(t, err)
	same(t, d, want)
	if k := d.Root().Class(); k != canvas.Chord {
		t.Fatalf("the root is a %s; chain(group, task) is a chord in Celery", k)
	}
}

func TestChordBodyLinksAndErrbacks(t *testing.T) {
	d := newEmpty(t)
	_, err := d.Insert(nil, "proj.a")
	must(t, err)
	must(t, d.Wrap([][]int{{0}}, WrapChord))
	// the chain holds a chord: set its body, then link and errback the chord
	must(t, d.SetBody([]int{0}, "proj.sum"))
	must(t, d.Link([]int{0}, "proj.done", false))
	must(t, d.Link([]int{0}, "proj.log", true))

	ch, err := canvas.ChordOf(canvas.NewList(sig(t, "proj.a")), sig(t, "proj.sum"), "celery.chord", nil, nil, nil)
	must(t, err)
	must(t, canvas.Link(ch, sig(t, "proj.done")))
	must(t, canvas.LinkError(ch, sig(t, "proj.log")))
	chain, err := canvas.ChainOf([]canvas.Value{canvas.NewList(ch)}, nil)
	must(t, err)
	same(t, d, chain)
	if err := d.SetBody([]int{0, 0}, "proj.x"); err == nil {
		t.Error("a chord body was set on a signature")
	}
}

func TestEditValidatesAndReplaces(t *testing.T) {
	d := newEmpty(t)
	_, err := d.Insert(nil, "proj.add")
	must(t, err)
	f, err := d.FieldsOf([]int{0})
	must(t, err)
	if f.Args != "[]" || f.Kwargs != "{}" || f.Options != "{}" || f.Container {
		t.Fatalf("fields %+v", f)
	}
	for _, bad := range []Fields{{Args: "{}", Kwargs: "{}", Options: "{}"}, {Args: "[1,", Kwargs: "{}", Options: "{}"}, {Args: "[]", Kwargs: "[]", Options: "{}"}} {
		if err := d.Edit([]int{0}, bad); err == nil {
			t.Errorf("%+v was accepted", bad)
		}
	}
	must(t, d.Edit([]int{0}, Fields{Args: "[2, 2]", Kwargs: `{"z": 1}`, Options: `{"queue": "fast"}`}))
	s := sig(t, "proj.add")
	r, err := canvas.Replace(s, canvas.NewList(canvas.Int("2"), canvas.Int("2")), canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("z"), Val: canvas.Int("1")}}), canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("queue"), Val: "fast"}}))
	must(t, err)
	same(t, d, canvas.NewChain(r))
	cf, err := d.FieldsOf(nil)
	must(t, err)
	if !cf.Container {
		t.Error("a chain's args and kwargs were offered for editing")
	}
}

func TestDeleteMoveDuplicateUndoRedo(t *testing.T) {
	d := newEmpty(t)
	for _, n := range []string{"proj.a", "proj.b"} {
		_, err := d.Insert(nil, n)
		must(t, err)
	}
	sel, err := d.Move([]int{0}, 1)
	must(t, err)
	if len(sel) != 1 || sel[0] != 1 {
		t.Errorf("moved node at %v, want [1]", sel)
	}
	same(t, d, canvas.NewChain(sig(t, "proj.b"), sig(t, "proj.a")))
	if _, err := d.Move([]int{1}, 1); !errors.Is(err, ErrNoChange) {
		t.Errorf("moving the last task down: %v, want ErrNoChange", err)
	}
	_, err = d.Duplicate([]int{0})
	must(t, err)
	same(t, d, canvas.NewChain(sig(t, "proj.b"), sig(t, "proj.b"), sig(t, "proj.a")))
	must(t, d.Delete([]int{2}))
	same(t, d, canvas.NewChain(sig(t, "proj.b"), sig(t, "proj.b")))

	if l, ok := d.Undo(); !ok || l != "delete" {
		t.Fatalf("undo: %q %v", l, ok)
	}
	same(t, d, canvas.NewChain(sig(t, "proj.b"), sig(t, "proj.b"), sig(t, "proj.a")))
	d.Undo()
	d.Undo()
	same(t, d, canvas.NewChain(sig(t, "proj.a"), sig(t, "proj.b")))
	if l, ok := d.Redo(); !ok || l != "move" {
		t.Fatalf("redo: %q %v", l, ok)
	}
	same(t, d, canvas.NewChain(sig(t, "proj.b"), sig(t, "proj.a")))
	// a new edit drops what could be redone
	must(t, d.Delete(nil))
	if _, ok := d.Redo(); ok {
		t.Error("redo after a new edit")
	}
	same(t, d, Empty())
	for d.Edits() > 0 {
		d.Undo()
	}
	if !d.Dirty() {
		// the start of a new canvas was never saved
		t.Error("an unsaved new canvas is not dirty")
	}
	d.MarkSaved(d.JSON())
	if d.Dirty() {
		t.Error("dirty right after saving")
	}
	got := d.TaskNames("proj.z")
	if len(got) != 1 || got[0] != "proj.z" {
		t.Errorf("task names of an empty canvas plus proj.z: %v", got)
	}
}

// TestAFailedEditLeavesTheCanvasAsItWas runs edits on the doc's own root
// that change it and then fail, or change it back: the doc shows the
// canvas of its snapshot again, in a new root, never the half-done one.
func TestAFailedEditLeavesTheCanvasAsItWas(t *testing.T) {
	d, err := NewDoc(canvas.NewChain(sig(t, "proj.a"), sig(t, "proj.b")), true)
	if err != nil {
		t.Fatal(err)
	}
	before := string(d.JSON())
	boom := errors.New("boom")
	for name, edit := range map[string]func(*canvas.Dict) (*canvas.Dict, error){
		"fails after a change": func(root *canvas.Dict) (*canvas.Dict, error) {
			root.Set("options", canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("half"), Val: "done"}}))
			return nil, boom
		},
		"changes it back": func(root *canvas.Dict) (*canvas.Dict, error) {
			opts := root.Lookup("options").(*canvas.Dict)
			opts.Set("queue", "q")
			opts.Delete("queue")
			return root, nil
		},
	} {
		old := d.Root()
		err := d.apply(name, edit)
		if err == nil {
			t.Fatalf("%s: no error", name)
		}
		if d.Root() == old {
			t.Errorf("%s: the doc still shows the root the edit worked on", name)
		}
		if got, err := canvas.Encode(d.Root(), -1); err != nil || string(got) != before {
			t.Errorf("%s: the canvas is now %s", name, got)
		}
		if string(d.JSON()) != before || d.Edits() != 0 {
			t.Errorf("%s: the snapshot changed (%d edits)", name, d.Edits())
		}
	}
}

// TestInsertPlaceSaysWhereInsertPutsTheTask checks the insert dialog's
// text against where Insert then puts the task, for each kind of node.
func TestInsertPlaceSaysWhereInsertPutsTheTask(t *testing.T) {
	// chain(a, b), a with a callback
	chainOfTwo := func(t *testing.T) *Doc {
		d := newEmpty(t)
		for _, n := range []string{"proj.a", "proj.b"} {
			_, err := d.Insert(nil, n)
			must(t, err)
		}
		must(t, d.Link([]int{0}, "proj.log", false))
		return d
	}
	// chain(a, group(b, c))
	endsInGroup := func(t *testing.T) *Doc {
		d := newEmpty(t)
		for _, n := range []string{"proj.a", "proj.b", "proj.c"} {
			_, err := d.Insert(nil, n)
			must(t, err)
		}
		must(t, d.Wrap([][]int{{1}, {2}}, WrapGroup))
		return d
	}
	// chord([a, b]) with no body
	chordOfTwo := func(t *testing.T) *Doc {
		d := newEmpty(t)
		for _, n := range []string{"proj.a", "proj.b"} {
			_, err := d.Insert(nil, n)
			must(t, err)
		}
		must(t, d.Wrap([][]int{{0}, {1}}, WrapChord))
		return d
	}
	lone := func(t *testing.T) *Doc {
		d, err := NewDoc(sig(t, "proj.a"), false)
		must(t, err)
		return d
	}
	for _, c := range []struct {
		name  string
		build func(*testing.T) *Doc
		sel   []int
		place string
		lands string // where the new task is afterwards
	}{
		{"a chain", chainOfTwo, nil, "at the end of $, as $ | task", "$.tasks[2]"},
		{"a task of a chain", chainOfTwo, []int{1}, "after $.tasks[1]", "$.tasks[2]"},
		{"a callback", chainOfTwo, []int{0, 0}, "after $.tasks[0].link[0]", "$.tasks[0].link[1]"},
		{"a chain ending in a group", endsInGroup, nil, "at the end of $, as $ | task", "$.tasks[1].body"},
		{"a group", endsInGroup, []int{1}, "at the end of $.tasks[1]", "$.tasks[1].tasks[2]"},
		{"a chord", chordOfTwo, []int{0}, "at the end of the header of $.tasks[0]", "$.tasks[0].header[2]"},
		{"a lone task", lone, nil, "after $, as $ | task", "$.tasks[1]"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := c.build(t)
			place, err := d.InsertPlace(c.sel)
			must(t, err)
			if place != c.place {
				t.Errorf("InsertPlace(%v) = %q, want %q", c.sel, place, c.place)
			}
			_, err = d.Insert(c.sel, "proj.new")
			must(t, err)
			if got := pathsOf(d.Root(), "proj.new"); len(got) != 1 || got[0] != c.lands {
				t.Errorf("Insert put proj.new at %v, want %s", got, c.lands)
			}
		})
	}
}

// pathsOf is the path of every node of root that is a task called name.
func pathsOf(root *canvas.Dict, name string) []string {
	var out []string
	outline.Walk(outline.RootNode(root), func(n outline.Node) bool {
		if outline.TaskName(n.Value) == name {
			out = append(out, n.Path)
		}
		return true
	})
	return out
}
