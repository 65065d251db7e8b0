package timeline

import (
	"strings"
	"testing"

	"github.com/stampede-dev/stampede/stamping"
	"github.com/stampede-dev/stampede/themes"
	"github.com/stampede-dev/stampede/tui/common"
	"github.com/stampede-dev/stampede/tui/keys"
	"github.com/stampede-dev/stampede/visitors"
)

func steps(n int) []stamping.Step {
	out := make([]stamping.Step, n)
	for i := range out {
		out[i].Hook = visitors.Hook(i % int(visitors.NumHooks))
	}
	return out
}

func newTimeline(w int) *Model {
	th, _ := themes.Get("dark")
	m := New(&common.Common{Theme: th, Keys: keys.Default()})
	m.SetSize(w, 1)
	return m
}

func TestGlyphsReadLikeTheCanvas(t *testing.T) {
	var b strings.Builder
	for h := visitors.Hook(0); h < visitors.NumHooks; h++ {
		b.WriteByte(Glyph(h))
	}
	if b.String() != "s{}()[]ble" {
		t.Fatalf("glyphs %s", b.String())
	}
}

func TestOnlyTheGlyphsThatFitAreDrawn(t *testing.T) {
	m := newTimeline(40)
	m.SetTrace(steps(1_000_000), 500_000, -1)
	v := m.View()
	if common.Width(v) != 40 {
		t.Fatalf("width %d", common.Width(v))
	}
	if !strings.HasPrefix(v, "trace ‹") || !strings.HasSuffix(strings.TrimRight(v, " "), "›") {
		t.Fatalf("no scroll markers: %q", v)
	}
	// the current step (index 499999) is drawn, in the middle
	i := m.StepAt(len(prefix) + 1 + 16)
	if i < 499_990 || i > 500_010 {
		t.Fatalf("the window is not around the current step: column 23 is step %d", i)
	}
	if m.StepAt(0) != -1 || m.StepAt(39) != -1 {
		t.Fatal("columns outside the glyphs map to steps")
	}
}

func TestCursorAndEnter(t *testing.T) {
	m := newTimeline(80)
	m.SetTrace(steps(20), 5, -1)
	m.SetFocused(true)
	if m.Cursor() != 4 {
		t.Fatalf("focusing puts the cursor on the current step; got %d", m.Cursor())
	}
	m.MoveCursor(100)
	if m.Cursor() != 19 {
		t.Fatalf("cursor %d", m.Cursor())
	}
	m.MoveCursor(-100)
	if m.Cursor() != 0 {
		t.Fatalf("cursor %d", m.Cursor())
	}
	if !strings.Contains(m.View(), "#1 on_signature") {
		t.Fatalf("the focused strip does not describe the step: %q", m.View())
	}
}

func TestAFailedStepIsMarked(t *testing.T) {
	m := newTimeline(80)
	m.SetTrace(steps(5), 0, 4)
	if !strings.Contains(m.View(), "s{}(✗") {
		t.Fatalf("%q", m.View())
	}
}
