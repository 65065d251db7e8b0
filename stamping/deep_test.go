package stamping_test

import (
	"strings"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/stamping"
	"github.com/stampede-dev/stampede/visitors"
)

const deepLeaf = `{"task": "a", "args": [], "kwargs": {}, "options": {}, "subtask_type": null, "immutable": false}`

// deepChain is a chain nested n levels deep: chain(a, chain(a, … chain(a, z))).
func deepChain(n int) []byte {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(`{"task": "celery.chain", "args": [], "kwargs": {"tasks": [` + deepLeaf + `, `)
	}
	b.WriteString(deepLeaf)
	for i := 0; i < n; i++ {
		b.WriteString(`]}, "options": {}, "subtask_type": "chain", "immutable": false}`)
	}
	return []byte(b.String())
}

// TestDeepNesting loads, stamps, steps back and forth through, and saves a
// canvas nested 100,000 levels deep (Celery cannot load past about 200).
func TestDeepNesting(t *testing.T) {
	const levels = 100_000
	c, err := canvas.Load(deepChain(levels))
	if err != nil {
		t.Fatal(err)
	}
	v, _ := visitors.Builtin("monitoring-id")
	tr, err := stamping.Stamp(c, stamping.Options{Visitor: v, Record: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := 3*levels + 1; tr.Len() != want {
		t.Fatalf("got %d steps, want %d", tr.Len(), want)
	}
	deepest := 0
	for i := range tr.Steps {
		deepest = max(deepest, tr.Steps[i].Target.Path.Depth())
	}
	if deepest != levels {
		t.Fatalf("deepest hook call at depth %d, want %d", deepest, levels)
	}
	stamped, err := canvas.Encode(c, -1)
	if err != nil {
		t.Fatal(err)
	}
	st, err := stamping.NewStepper(tr)
	if err != nil {
		t.Fatal(err)
	}
	st.Goto(0)
	st.Goto(tr.Len())
	again, err := canvas.Encode(c, -1)
	if err != nil {
		t.Fatal(err)
	}
	if string(again) != string(stamped) {
		t.Fatal("stepping back to the start and forward to the end changed the canvas")
	}
	reloaded, err := canvas.Load(stamped)
	if err != nil {
		t.Fatal(err)
	}
	if !canvas.SameJSON(canvas.JSONCopy(reloaded), canvas.JSONCopy(c)) {
		t.Fatal("the saved canvas does not load back the same")
	}
}

// TestNestingLimit checks that JSON nested past canvas.MaxDepth is refused
// with a clear error instead of exhausting the stack.
func TestNestingLimit(t *testing.T) {
	doc := strings.Repeat("[", canvas.MaxDepth+2) + strings.Repeat("]", canvas.MaxDepth+2)
	_, err := canvas.Decode([]byte(doc))
	if err == nil || !strings.Contains(err.Error(), "nesting deeper than 1000000 levels") {
		t.Fatalf("got %v", err)
	}
}
