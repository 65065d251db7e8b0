// Package ledger is the pane of the ops mode that answers "where did this
// stamp come from and where was it lost": for the selected node, its stamp
// ledger (replay.NodeHistory) one event per line — added, changed,
// protected, lost with the Celery rule, removed — or, for the whole
// session, each op with the stamps it lost or that Celery protected.
package ledger

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/stampede-dev/stampede/replay"
	"github.com/stampede-dev/stampede/themes"
	"github.com/stampede-dev/stampede/tui/common"
)

// LostStyle is how a lost stamp is drawn: struck through in the error
// colour; the mono theme, which has no colour and whose strikethrough some
// terminals ignore, also underlines it.
func LostStyle(t *themes.Theme) lipgloss.Style {
	st := t.Error.Strikethrough(true)
	if t.Mono {
		st = st.Underline(true)
	}
	return st
}

// Model is the ledger pane.
type Model struct {
	c       *common.Common
	lines   []line
	offset  int
	width   int
	height  int
	focused bool
}

type line struct {
	text string
	kind replay.EventKind // "" for a heading
	head bool
}

// New returns an empty pane.
func New(c *common.Common) *Model { return &Model{c: c} }

// SetSize sets the pane's size (rows of content).
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.clamp()
}

// SetFocused says whether the pane has the keyboard.
func (m *Model) SetFocused(f bool) { m.focused = f }

// Lines are the pane's lines as plain text (for tests and copying).
func (m *Model) Lines() []string {
	out := make([]string, len(m.lines))
	for i, l := range m.lines {
		out[i] = l.text
	}
	return out
}

// SetNode shows the ledger of one node (h nil: the node has no history,
// e.g. it is not in the canvas the ledger follows). path is where the node
// is selected.
func (m *Model) SetNode(h *replay.NodeHistory, path string) {
	keep := m.offset
	m.lines = nil
	if h == nil {
		m.add(line{text: "no ledger for " + path, head: true})
		m.add(line{text: "the ledger follows the nodes of the ops session"})
		m.offset = 0
		return
	}
	head := h.Label()
	if st := h.Stamps(); st != nil && len(st.Keys) > 0 {
		head += " · stamps " + strings.Join(st.Keys, ", ")
	}
	if lost := h.LostKeys(); len(lost) > 0 {
		head += " · lost " + strings.Join(lost, ", ")
	}
	m.add(line{text: head, head: true})
	if len(h.Events) == 0 {
		m.add(line{text: "no stamp events: nothing stamped this node yet"})
	}
	for _, e := range h.Events {
		m.add(line{text: e.Describe(), kind: e.Kind})
	}
	m.offset = keep
	m.clamp()
}

// SetSession shows every op of the session with the stamps it lost,
// protected or removed, from the ledger (nil: none kept).
func (m *Model) SetSession(ops []*replay.Op, l *replay.Ledger, failed int, err error) {
	keep := m.offset
	m.lines = nil
	if len(ops) == 0 {
		m.add(line{text: "no ops yet: o applies an op to the selected node", head: true})
	}
	byOp := map[int][]line{}
	if l != nil {
		for _, n := range l.Nodes {
			for _, e := range n.Events {
				switch e.Kind {
				case replay.Lost, replay.Protected, replay.Removed:
					byOp[e.Op] = append(byOp[e.Op], line{text: "  " + n.Label() + ": " + e.Describe(), kind: e.Kind})
				}
			}
		}
	}
	for i, op := range ops {
		m.add(line{text: strconv.Itoa(i) + "  " + op.Summary(), head: true})
		if i == failed && err != nil {
			m.add(line{text: "  ✗ " + err.Error(), kind: replay.Lost})
		}
		for _, ln := range byOp[i] {
			m.add(ln)
		}
	}
	m.offset = keep
	m.clamp()
}

func (m *Model) add(l line) {
	w := m.width
	if w <= 0 {
		w = 80
	}
	// one cell to spare: a line broken after ", " may keep its space
	for i, s := range common.Wrap(l.text, w-1, 4) {
		c := l
		c.text = s
		if i > 0 {
			c.head = false
		}
		m.lines = append(m.lines, c)
	}
}

func (m *Model) clamp() {
	m.offset = min(m.offset, max(len(m.lines)-m.height, 0))
	m.offset = max(m.offset, 0)
}

// Scroll moves the view by n lines.
func (m *Model) Scroll(n int) {
	m.offset += n
	m.clamp()
}

// Update handles the pane's keys when it is focused.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	if msg, ok := msg.(tea.KeyMsg); ok {
		if d, ok := m.c.ScrollBy(msg, m.height-1); ok {
			m.Scroll(d)
		}
	}
	return nil
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	return []key.Binding{k.Up, k.Down, k.Ledger, k.ApplyOp, k.Undo, k.Save, k.Focus}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// View draws the visible lines, exactly width × height.
func (m *Model) View() string {
	t := m.c.Theme
	out := make([]string, 0, m.height)
	for i := m.offset; i < len(m.lines) && len(out) < m.height; i++ {
		l := m.lines[i]
		st := t.Text
		switch {
		case l.head:
			st = t.Accent
		case l.kind == replay.Lost || l.kind == replay.Removed:
			st = t.Error
		case l.kind == replay.Added || l.kind == replay.Appeared:
			st = t.Added
		case l.kind == replay.Changed:
			st = t.Changed
		case l.kind == replay.Protected:
			st = t.Stamp
		case l.kind == replay.Missed || l.kind == "":
			st = t.Muted
		}
		out = append(out, st.Render(l.text))
	}
	if m.offset+m.height < len(m.lines) && len(out) > 0 {
		more := strconv.Itoa(len(m.lines)-m.offset-m.height) + " more ↓"
		out[len(out)-1] = common.Fit(out[len(out)-1], max(m.width-common.Width(more)-1, 0)) + " " + t.Muted.Render(more)
	}
	return strings.Join(common.Box(out, m.width, m.height), "\n")
}
