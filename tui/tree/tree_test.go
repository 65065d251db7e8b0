package tree

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/themes"
	"github.com/stampede-dev/stampede/tui/common"
	"github.com/stampede-dev/stampede/tui/keys"
	"github.com/stampede-dev/stampede/tui/outline"
)

// groupJSON is a group of n signatures.
func groupJSON(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"task": "celery.group", "args": [], "kwargs": {"tasks": [`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, `{"task": "proj.t%d", "args": [], "kwargs": {}, "options": {"task_id": "t-%d"}, "subtask_type": null, "immutable": false}`, i, i)
	}
	b.WriteString(`]}, "options": {"task_id": "g"}, "subtask_type": "group", "immutable": false}`)
	return []byte(b.String())
}

func newTree(t testing.TB, n int) *Model {
	t.Helper()
	root, err := canvas.Load(groupJSON(n))
	if err != nil {
		t.Fatal(err)
	}
	th, _ := themes.Get("dark")
	m := New(&common.Common{Theme: th, Keys: keys.Default()}, outline.RootNode(root))
	m.SetSize(60, 20)
	return m
}

func TestAWindowOfAHugeGroup(t *testing.T) {
	m := newTree(t, 100_000)
	rows := m.Rows()
	if len(rows) != 20 || rows[0].Node.Path != "$" || rows[19].Node.Path != "$.tasks[18]" {
		t.Fatalf("first window: %d rows, %s … %s", len(rows), rows[0].Node.Path, rows[len(rows)-1].Node.Path)
	}
	m.Move(50_000)
	if p := m.Selected().Path; p != "$.tasks[49999]" {
		t.Fatalf("Move(50000) selected %s", p)
	}
	rows = m.Rows()
	if rows[len(rows)-1].Node.Path != "$.tasks[49999]" {
		t.Fatalf("the selection is not on screen: window ends at %s", rows[len(rows)-1].Node.Path)
	}
	m.Bottom()
	if p := m.Selected().Path; p != "$.tasks[99999]" {
		t.Fatalf("Bottom selected %s", p)
	}
	if !m.Reveal("$.tasks[12345]") || m.Selected().Path != "$.tasks[12345]" {
		t.Fatal("Reveal failed")
	}
	m.CollapseAll()
	if rows := m.Rows(); len(rows) != 1 {
		t.Fatalf("collapsed: %d rows", len(rows))
	}
	m.ExpandAll()
	if rows := m.Rows(); len(rows) != 20 {
		t.Fatalf("expanded again: %d rows", len(rows))
	}
}

// A frame of a 100k-node tree must cost what a frame of a small one costs:
// the allocations of View are counted (they are deterministic, timings are
// not).
func TestViewCostDoesNotGrowWithTheCanvas(t *testing.T) {
	small := newTree(t, 100)
	big := newTree(t, 100_000)
	small.Move(50)
	big.Move(50)
	a := testing.AllocsPerRun(20, func() { _ = small.View() })
	b := testing.AllocsPerRun(20, func() { _ = big.View() })
	if b > a*1.1+5 {
		t.Fatalf("View allocates %.0f times on 100k nodes, %.0f on 100", b, a)
	}
	mv := testing.AllocsPerRun(20, func() { big.Move(1); big.Move(-1) })
	if mv > 2000 {
		t.Fatalf("moving the selection allocates %.0f times", mv)
	}
}

func TestRowsShowKindTaskIDAndGuides(t *testing.T) {
	m := newTree(t, 3)
	v := m.View()
	for _, want := range []string{"▾ group (3) g", "├── sig proj.t0 t-0", "└── sig proj.t2 t-2"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	lines := strings.Split(v, "\n")
	if len(lines) != 20 {
		t.Fatalf("%d lines, want the pane height", len(lines))
	}
	for _, l := range lines {
		if common.Width(l) != 60 {
			t.Fatalf("line %q is %d wide", l, common.Width(l))
		}
	}
}

func TestScrollKeepsTheWindowFull(t *testing.T) {
	m := newTree(t, 30) // 31 rows in a 20-row pane
	m.Scroll(100)
	rows := m.Rows()
	if len(rows) != 20 || rows[19].Node.Path != "$.tasks[29]" {
		t.Fatalf("scrolled past the end: %d rows ending at %s", len(rows), rows[len(rows)-1].Node.Path)
	}
	m.Scroll(-100)
	if m.Rows()[0].Node.Path != "$" {
		t.Fatal("scrolling up did not reach the top")
	}
}

func TestClickSelectsAndTogglesOnTheArrow(t *testing.T) {
	m := newTree(t, 5)
	m.Click(20, 3)
	if p := m.Selected().Path; p != "$.tasks[2]" {
		t.Fatalf("click on row 3 selected %s", p)
	}
	m.Click(2, 0) // the root's arrow
	if m.Expanded(m.Selected()) {
		t.Fatal("a click on the arrow did not collapse the root")
	}
}
