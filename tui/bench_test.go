package tui

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/canvas/synth"
	"github.com/stampede-dev/stampede/replay"
	"github.com/stampede-dev/stampede/themes"
	"github.com/stampede-dev/stampede/tui/breakpoint"
	"github.com/stampede-dev/stampede/tui/session"
)

// bigGroup is a group of n signatures, as JSON.
func bigGroup(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"task": "celery.group", "args": [], "kwargs": {"tasks": [`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, `{"task": "proj.t%d", "args": [%d], "kwargs": {}, "options": {"task_id": "t-%d"}, "subtask_type": null, "immutable": false}`, i, i, i)
	}
	b.WriteString(`]}, "options": {"task_id": "g"}, "subtask_type": "group", "immutable": false}`)
	return []byte(b.String())
}

// bigModel opens the TUI on a 100k-signature group stamped with the depth
// visitor, at 120x40, halfway through the trace.
func bigModel(b *testing.B, n int) *Model {
	b.Helper()
	th, _ := themes.Get("dark")
	m, err := New(Config{
		Session: session.Config{Name: "big.json", Data: bigGroup(n), Visitor: "depth"},
		Theme:   th,
	})
	if err != nil {
		b.Fatal(err)
	}
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	m.sess.Goto(m.sess.Len() / 2)
	m.moved()
	return m
}

func benchView(b *testing.B, n int) {
	m := bigModel(b, n)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = m.View()
	}
}

// BenchmarkView120x40 draws a whole 120x40 frame halfway through stamping
// a group of 100 and of 100,000 signatures.
func BenchmarkView120x40(b *testing.B) {
	for _, n := range []int{100, 100_000} {
		b.Run(fmt.Sprintf("signatures=%d", n), func(b *testing.B) { benchView(b, n) })
	}
}

// BenchmarkStep is one key press of n (next) and one of p (previous),
// through Update (the stepper's undo/redo, the diff, every pane refreshed)
// and View, on a 100,000-signature group.
func BenchmarkStep(b *testing.B) {
	for _, n := range []int{100, 100_000} {
		b.Run(fmt.Sprintf("signatures=%d", n), func(b *testing.B) {
			pressAndDraw(b, bigModel(b, n), keyMsg("n"), keyMsg("p"))
		})
	}
}

// BenchmarkStepUpdate is the same pair of key presses without drawing:
// the stepper's undo/redo, the before → after diff and the panes' refresh.
func BenchmarkStepUpdate(b *testing.B) {
	m := bigModel(b, 100_000)
	next, prev := keyMsg("n"), keyMsg("p")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Update(next)
		m.Update(prev)
	}
}

// BenchmarkContinueToCondition presses c (continue) at the start of the
// 100,000-signature group with a condition that no step meets: every step
// is run and tested, up to the end of the trace.
func BenchmarkContinueToCondition(b *testing.B) {
	m := bigModel(b, 100_000)
	c, err := breakpoint.ParseCond(`mtask_id == "never"`)
	if err != nil {
		b.Fatal(err)
	}
	m.bps.AddCond(c)
	cont := keyMsg("c")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		m.sess.Goto(0)
		m.moved()
		b.StartTimer()
		m.Update(cont)
		if m.sess.Pos() != m.sess.Len() {
			b.Fatalf("stopped at %d of %d", m.sess.Pos(), m.sess.Len())
		}
	}
}

// BenchmarkFind opens the find dialog (/) on the 100,000-signature group
// and types a query one key at a time, drawing after each key, as a user
// searching for a task_id does; then it closes the dialog.
func BenchmarkFind(b *testing.B) {
	m := bigModel(b, 100_000)
	open, esc := keyMsg("/"), keyMsg("esc")
	b.Run("open", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			m.Update(open)
			_ = m.View()
			b.StopTimer()
			m.Update(esc)
			b.StartTimer()
		}
	})
	b.Run("type a key", func(b *testing.B) {
		query := "t-4242"
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			m.Update(open)
			b.StartTimer()
			for _, r := range query {
				m.Update(keyMsg(string(r)))
				_ = m.View()
			}
			b.StopTimer()
			m.Update(esc)
			b.StartTimer()
		}
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N*len(query)), "ms/key")
	})
}

// BenchmarkBuilderEdit moves a task down and back up in builder mode (E)
// on the 100,000-signature group, drawing after each edit. Every edit
// saves and loads the whole canvas (see tui/builder), so its time grows
// with the canvas; what it keeps for undo is what it changed.
func BenchmarkBuilderEdit(b *testing.B) {
	m := bigModel(b, 100_000)
	m.Update(keyMsg("E"))
	m.Update(keyMsg("j"))
	m.Update(keyMsg("J")) // the first edit also makes what every edit reuses
	m.Update(keyMsg("K"))
	before := synth.LiveHeap()
	pressAndDraw(b, m, keyMsg("J"), keyMsg("K"))
	b.StopTimer()
	edits := 2 * b.N
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(edits), "ms/edit")
	b.ReportMetric(float64(synth.LiveHeap()-before)/float64(edits), "kept-bytes/edit")
	runtime.KeepAlive(m)
}

// pressAndDraw times b.N rounds of pressing there and drawing, then back
// and drawing, on m.
func pressAndDraw(b *testing.B, m *Model, there, back tea.KeyMsg) {
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Update(there)
		_ = m.View()
		m.Update(back)
		_ = m.View()
	}
}

// BenchmarkApplyOp applies a small op (set an option on the root) in the
// ops mode on the 100k group, as enter in the op dialog does: the op and
// its ledger, the tree, the status line and the recovery command (whose
// write is not run here), then a redraw.
func BenchmarkApplyOp(b *testing.B) {
	m := bigModel(b, 100_000)
	enterOps(b, m)
	set := replay.NewOp("set", "", canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("options"), Val: canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("queue"), Val: "q2"}})}}))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.applyOp(set)
		_ = m.View()
	}
}

// BenchmarkEnterOps presses O on the 100k group: a new ops session on the
// canvas as it was before stamping, played with its ledger, then drawn.
// The group is large (bigOps), so O says so and the copy and the play
// come as commands; they are run here one after the other.
func BenchmarkEnterOps(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		m := bigModel(b, 100_000)
		b.StartTimer()
		enterOps(b, m)
		_ = m.View()
	}
}

// enterOps presses O and runs the commands it starts until the ops mode
// is on.
func enterOps(b *testing.B, m *Model) {
	_, cmd := m.Update(keyMsg("O"))
	for i := 0; cmd != nil && !m.OpsMode() && i < 10; i++ {
		_, cmd = m.Update(cmd())
	}
	if !m.OpsMode() {
		b.Fatal("O did not enter the ops mode")
	}
}
