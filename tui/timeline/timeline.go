// Package timeline is the strip of all steps, one glyph per hook call,
// with the current step marked. The glyphs read like the canvas: ( ) a
// chain, { } a group, [ ] a chord header, b a chord body, s a signature,
// l a link callback, e an errback. Only the glyphs that fit are drawn, so a
// trace of a million steps costs the same as one of ten.
package timeline

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/stampede-dev/stampede/stamping"
	"github.com/stampede-dev/stampede/tui/common"
	"github.com/stampede-dev/stampede/visitors"
)

// Glyph is the character drawn for a hook.
func Glyph(h visitors.Hook) byte {
	switch h {
	case visitors.OnSignature:
		return 's'
	case visitors.OnGroupStart:
		return '{'
	case visitors.OnGroupEnd:
		return '}'
	case visitors.OnChainStart:
		return '('
	case visitors.OnChainEnd:
		return ')'
	case visitors.OnChordHeaderStart:
		return '['
	case visitors.OnChordHeaderEnd:
		return ']'
	case visitors.OnChordBody:
		return 'b'
	case visitors.OnCallback:
		return 'l'
	case visitors.OnErrback:
		return 'e'
	}
	return '?'
}

// Model is the timeline strip.
type Model struct {
	c       *common.Common
	steps   []stamping.Step
	pos     int // steps done
	cursor  int // step index under the cursor (when focused)
	width   int
	focused bool
	failed  int
	// Marked reports whether a step hits a node or hook breakpoint.
	Marked func(*stamping.Step) bool
}

// New returns an empty timeline.
func New(c *common.Common) *Model { return &Model{c: c, failed: -1} }

// SetSize sets the strip's width (it is one row high).
func (m *Model) SetSize(w, _ int) { m.width = w }

// SetFocused says whether the strip has the keyboard; focusing puts the
// cursor on the current step.
func (m *Model) SetFocused(f bool) {
	if f && !m.focused {
		m.cursor = max(m.pos-1, 0)
	}
	m.focused = f
}

// SetTrace sets the steps, the position and the failed step (-1 if none).
func (m *Model) SetTrace(steps []stamping.Step, pos, failed int) {
	m.steps, m.pos, m.failed = steps, pos, failed
	if m.cursor >= len(steps) {
		m.cursor = max(len(steps)-1, 0)
	}
}

// Cursor is the step index under the cursor.
func (m *Model) Cursor() int { return m.cursor }

// MoveCursor moves the cursor by n steps.
func (m *Model) MoveCursor(n int) {
	m.cursor = min(max(m.cursor+n, 0), max(len(m.steps)-1, 0))
}

// prefix is drawn before the glyphs.
const prefix = "trace "

// window is the first step drawn and how many fit.
func (m *Model) window() (start, n int) {
	n = m.width - len(prefix) - 2
	if m.focused {
		n -= min(40, m.width/3) // room to describe the step under the cursor
	}
	if n < 1 || len(m.steps) == 0 {
		return 0, 0
	}
	if n >= len(m.steps) {
		return 0, len(m.steps)
	}
	focus := m.pos - 1
	if m.focused {
		focus = m.cursor
	}
	start = min(max(focus-n/2, 0), len(m.steps)-n)
	return start, n
}

// StepAt is the step index drawn at column x, or -1.
func (m *Model) StepAt(x int) int {
	start, n := m.window()
	i := x - len(prefix) - 1
	if i < 0 || i >= n {
		return -1
	}
	return start + i
}

// Update moves the cursor when the strip is focused; it returns the step
// to jump to (a 0-based index) on enter, or -1.
func (m *Model) Update(msg tea.Msg) int {
	k := m.c.Keys
	if msg, ok := msg.(tea.KeyMsg); ok {
		switch {
		case key.Matches(msg, k.Collapse), key.Matches(msg, k.Up):
			m.MoveCursor(-1)
		case key.Matches(msg, k.Expand), key.Matches(msg, k.Down):
			m.MoveCursor(1)
		case key.Matches(msg, k.PageUp):
			m.MoveCursor(-max(m.width/2, 1))
		case key.Matches(msg, k.PageDown):
			m.MoveCursor(max(m.width/2, 1))
		case key.Matches(msg, k.Home):
			m.cursor = 0
		case key.Matches(msg, k.Bottom):
			m.cursor = max(len(m.steps)-1, 0)
		case key.Matches(msg, k.Confirm):
			return m.cursor
		}
	}
	return -1
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	return []key.Binding{
		key.NewBinding(key.WithKeys("left", "right"), key.WithHelp("←/→", "choose step")),
		key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "go to step")),
		k.Home, k.Bottom, k.Focus,
	}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// View draws the strip, exactly width cells.
func (m *Model) View() string {
	t := m.c.Theme
	if len(m.steps) == 0 {
		return common.Fit(t.Muted.Render(prefix+"(no hook calls)"), m.width)
	}
	start, n := m.window()
	var b strings.Builder
	label := t.Muted
	if m.focused {
		label = t.Title
	}
	b.WriteString(label.Render(prefix))
	left, right := " ", " "
	if start > 0 {
		left = "‹"
	}
	if start+n < len(m.steps) {
		right = "›"
	}
	b.WriteString(t.Muted.Render(left))
	// runs of one style are rendered together
	var run strings.Builder
	runStyle := -1
	styles := []lipgloss.Style{t.Done, t.Pending, t.Selected, t.Breakpoint, t.Error, t.Match}
	flush := func() {
		if run.Len() > 0 {
			b.WriteString(styles[runStyle].Render(run.String()))
			run.Reset()
		}
	}
	for i := start; i < start+n; i++ {
		st := &m.steps[i]
		g := string(Glyph(st.Hook))
		s := 1 // pending
		if i == m.failed {
			g = "✗"
		}
		switch {
		case m.focused && i == m.cursor:
			s = 5
		case i == m.pos-1:
			s = 2
		case i == m.failed:
			s = 4
		case m.Marked != nil && m.Marked(st):
			s = 3
		case i < m.pos:
			s = 0
		}
		if s != runStyle {
			flush()
			runStyle = s
		}
		run.WriteString(g)
	}
	flush()
	b.WriteString(t.Muted.Render(right))
	if m.focused && m.cursor < len(m.steps) {
		st := &m.steps[m.cursor]
		b.WriteString(t.Muted.Render(" #" + strconv.Itoa(m.cursor+1) + " " + st.Hook.String() + " " + st.Target.Path.String()))
	}
	return common.Fit(b.String(), m.width)
}
