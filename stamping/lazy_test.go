package stamping_test

import (
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/canvas/synth"
	"github.com/stampede-dev/stampede/replay/conformance"
	"github.com/stampede-dev/stampede/stamping"
	"github.com/stampede-dev/stampede/visitors"
	"github.com/stampede-dev/stampede/visitors/script"
)

// lazyLeaves is a generator of n leaf signatures t-0 … t-(n-1), counting how
// many it has produced.
func lazyLeaves(n int, produced *int) *canvas.Lazy {
	return canvas.NewLazy(func() (canvas.Value, bool, error) {
		if *produced >= n {
			return nil, false, nil
		}
		s := synth.Leaf("proj.add", *produced)
		s.Lookup("options").(*canvas.Dict).Set("task_id", "t-"+strconv.Itoa(*produced))
		*produced++
		return s, true, nil
	}, n)
}

// definedHooks lists the hook calls of a trace that the visitor defines, as
// "hook task_id".
func definedHooks(tr *stamping.Trace, from int) []string {
	var out []string
	for _, s := range tr.Steps[from:] {
		if s.Default {
			continue
		}
		id, _ := s.ID.(string)
		if id == "" {
			id = "None"
		}
		out = append(out, s.Hook.String()+" "+id)
	}
	return out
}

func sameStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// The expected values below were produced by Celery 5.6.2 running
// testdata/lazy.star as a StampingVisitor on group(gen) and chord(gen, body).

const lazyGroupAfterDump = `{"task": "celery.group", "args": [], "kwargs": {"tasks": [{"task": "proj.add", "args": [0], "kwargs": {}, "options": {"task_id": "t-0", "stamped_headers": ["s", "g"], "g": "g1@1", "s": "s1@3"}, "subtask_type": null, "immutable": false}, {"task": "proj.add", "args": [1], "kwargs": {}, "options": {"task_id": "t-1", "stamped_headers": ["s", "g"], "g": "g1@1", "s": "s2@4"}, "subtask_type": null, "immutable": false}, {"task": "proj.add", "args": [2], "kwargs": {}, "options": {"task_id": "t-2", "stamped_headers": ["s", "g"], "g": "g1@1", "s": "s3@5"}, "subtask_type": null, "immutable": false}]}, "options": {"task_id": "g"}, "subtask_type": "group", "immutable": false}`

const lazyChordAfterDump = `{"task": "celery.chord", "args": [], "kwargs": {"kwargs": {}, "header": {"task": "celery.group", "args": [], "kwargs": {"tasks": [{"task": "proj.add", "args": [0], "kwargs": {}, "options": {"task_id": "t-0", "stamped_headers": ["b", "s", "g"], "g": "g1@1", "s": "s2@5"}, "subtask_type": null, "immutable": false}, {"task": "proj.add", "args": [1], "kwargs": {}, "options": {"task_id": "t-1", "stamped_headers": ["b", "s", "g"], "g": "g1@1", "s": "s3@6"}, "subtask_type": null, "immutable": false}]}, "options": {}, "subtask_type": "group", "immutable": false}, "body": {"task": "proj.add", "args": [9], "kwargs": {}, "options": {"task_id": "t-9", "stamped_headers": ["b", "s", "g"], "g": "g1@1", "b": "b1@3", "s": "s1@4"}, "subtask_type": null, "immutable": false}}, "options": {"task_id": "c"}, "subtask_type": "chord", "immutable": false}`

func lazyVisitor(t *testing.T) visitors.Visitor {
	v, err := script.Load(filepath.Join("testdata", "lazy.star"))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func checkJSON(t *testing.T, got canvas.Value, want string) {
	t.Helper()
	w, err := canvas.Decode([]byte(want))
	if err != nil {
		t.Fatal(err)
	}
	g, err := canvas.Encode(got, -1)
	if err != nil {
		t.Fatal(err)
	}
	gv, _ := canvas.Decode(g)
	if err := conformance.Same(w, gv, "$"); err != nil {
		t.Fatal(err)
	}
}

// TestLazyGroupStampsMembersWhenProduced pins Celery's order for a group
// built from a generator: on_group_end runs before any member hook, and the
// members are stamped when they are produced (here by json.dumps).
func TestLazyGroupStampsMembersWhenProduced(t *testing.T) {
	produced := 0
	g := canvas.NewGroup(&canvas.List{})
	g.Lookup("kwargs").(*canvas.Dict).Set("tasks", lazyLeaves(3, &produced))
	g.Lookup("options").(*canvas.Dict).Set("task_id", "g")
	tr, err := stamping.Stamp(g, stamping.Options{Visitor: lazyVisitor(t), Record: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := definedHooks(tr, 0); !sameStrings(got, []string{"on_group_start g", "on_group_end g"}) {
		t.Fatalf("stamp() ran %v", got)
	}
	if produced != 0 {
		t.Fatalf("stamping produced %d members of a lazy group", produced)
	}
	n := tr.Len()
	checkJSON(t, g, lazyGroupAfterDump)
	if got := definedHooks(tr, n); !sameStrings(got, []string{"on_signature t-0", "on_signature t-1", "on_signature t-2"}) {
		t.Fatalf("dumping ran %v", got)
	}
	st, err := stamping.NewStepper(tr)
	if err != nil {
		t.Fatal(err)
	}
	after, _ := canvas.Encode(g, -1)
	st.Goto(n)
	st.Goto(tr.Len())
	if again, _ := canvas.Encode(g, -1); string(again) != string(after) {
		t.Fatal("stepping over the deferred member hooks and back changed the canvas")
	}
}

// TestLazyChordHeader pins the chord case: the header is wrapped in a group
// that keeps the generator, the body is stamped at once, the header members
// when produced — and they see the body's keys in the shared stamped_headers.
func TestLazyChordHeader(t *testing.T) {
	produced := 0
	body := synth.Leaf("proj.add", 9)
	body.Lookup("options").(*canvas.Dict).Set("task_id", "t-9")
	c, err := canvas.NewChord(lazyLeaves(2, &produced), body)
	if err != nil {
		t.Fatal(err)
	}
	c.Lookup("options").(*canvas.Dict).Set("task_id", "c")
	tr, err := stamping.Stamp(c, stamping.Options{Visitor: lazyVisitor(t)})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"on_group_start None", "on_group_end None", "on_chord_body c", "on_signature t-9"}
	if got := definedHooks(tr, 0); !sameStrings(got, want) || produced != 0 {
		t.Fatalf("stamp() ran %v and produced %d members", got, produced)
	}
	n := tr.Len()
	checkJSON(t, c, lazyChordAfterDump)
	if got := definedHooks(tr, n); !sameStrings(got, []string{"on_signature t-0", "on_signature t-1"}) {
		t.Fatalf("dumping ran %v", got)
	}
}

// TestLazyMillionCostsNothingUntilProduced stamps a lazy group of a million
// members and checks that nothing was produced.
func TestLazyMillionCostsNothingUntilProduced(t *testing.T) {
	produced := 0
	g := canvas.NewGroup(&canvas.List{})
	g.Lookup("kwargs").(*canvas.Dict).Set("tasks", lazyLeaves(1_000_000, &produced))
	v, _ := visitors.Builtin("monitoring-id")
	tr, err := stamping.Stamp(g, stamping.Options{Visitor: v})
	if err != nil {
		t.Fatal(err)
	}
	if produced != 0 || tr.Len() != 2 {
		t.Fatalf("produced %d members, %d steps", produced, tr.Len())
	}
	z := g.Lookup("kwargs").(*canvas.Dict).Lookup("tasks").(*canvas.Lazy)
	if _, err := z.Consume(10); err != nil {
		t.Fatal(err)
	}
	if produced != 10 || tr.Len() != 12 {
		t.Fatalf("after producing 10: produced %d, %d steps", produced, tr.Len())
	}
}
