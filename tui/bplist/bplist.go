// Package bplist is the breakpoints dialog: switch breakpoints on hook
// kinds, add and delete conditions on header values (`mtask_id exists`,
// `queue == "fast"`), and see or delete the breakpoints set on nodes.
package bplist

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/stampede-dev/stampede/tui/breakpoint"
	"github.com/stampede-dev/stampede/tui/common"
	"github.com/stampede-dev/stampede/visitors"
)

// Model is the breakpoints dialog. It edits the Set it is given in place.
type Model struct {
	c      *common.Common
	set    *breakpoint.Set
	cursor int
	input  textinput.Model
	err    string
	width  int
	height int
}

// New opens the dialog on a set, with the cursor on the condition input.
func New(c *common.Common, set *breakpoint.Set) *Model {
	m := &Model{c: c, set: set}
	m.input = common.NewInput("+ ", "", 40)
	m.input.Placeholder = `mtask_id exists · queue == "fast"`
	m.cursor = m.inputRow()
	m.input.Focus()
	return m
}

// SetSize sets the area the dialog is centered in.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

// rows: hooks, then conditions, then node breakpoints, then the input.
func (m *Model) condStart() int { return int(visitors.NumHooks) }
func (m *Model) nodeStart() int { return m.condStart() + len(m.set.Conds) }
func (m *Model) inputRow() int  { return m.nodeStart() + len(m.set.Nodes) }

// Cursor is the row under the cursor.
func (m *Model) Cursor() int { return m.cursor }

// Err is the last error (a condition that did not parse).
func (m *Model) Err() string { return m.err }

func (m *Model) move(n int) {
	m.cursor = min(max(m.cursor+n, 0), m.inputRow())
	if m.cursor == m.inputRow() {
		m.input.Focus()
	} else {
		m.input.Blur()
	}
}

// Update handles a message and reports whether the dialog should close.
func (m *Model) Update(msg tea.Msg) (closed bool, cmd tea.Cmd) {
	k := m.c.Keys
	km, isKey := msg.(tea.KeyMsg)
	if !isKey {
		return false, nil
	}
	switch {
	case key.Matches(km, k.Cancel):
		return true, nil
	case km.Type == tea.KeyUp:
		m.move(-1)
		return false, nil
	case km.Type == tea.KeyDown:
		m.move(1)
		return false, nil
	case key.Matches(km, k.NextField):
		if m.cursor == m.inputRow() {
			m.move(-m.cursor)
		} else {
			m.move(m.inputRow())
		}
		return false, nil
	}
	if m.cursor == m.inputRow() {
		if key.Matches(km, k.Confirm) {
			c, err := breakpoint.ParseCond(m.input.Value())
			if err != nil {
				m.err = err.Error()
				return false, nil
			}
			m.err = ""
			m.set.AddCond(c)
			m.input.SetValue("")
			m.cursor = m.inputRow()
			return false, nil
		}
		m.input, cmd = m.input.Update(msg)
		m.err = ""
		return false, cmd
	}
	// a list row
	switch {
	case key.Matches(km, k.Down):
		m.move(1)
	case key.Matches(km, k.Up):
		m.move(-1)
	case key.Matches(km, k.Toggle), key.Matches(km, k.Confirm):
		if m.cursor < m.condStart() {
			m.set.ToggleHook(visitors.Hook(m.cursor))
		}
	case key.Matches(km, k.Delete):
		switch {
		case m.cursor >= m.nodeStart():
			paths := m.set.NodePaths()
			delete(m.set.Nodes, paths[m.cursor-m.nodeStart()])
		case m.cursor >= m.condStart():
			m.set.RemoveCond(m.cursor - m.condStart())
		}
		m.move(0)
	}
	return false, nil
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	nav := key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "move"))
	if m.cursor == m.inputRow() {
		return []key.Binding{nav, key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "add condition")), k.NextField, k.Cancel}
	}
	if m.cursor < m.condStart() {
		return []key.Binding{nav, k.Toggle, k.NextField, k.Cancel}
	}
	return []key.Binding{nav, k.Delete, k.NextField, k.Cancel}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// View draws the dialog centered in its area.
func (m *Model) View() string {
	t := m.c.Theme
	bw := min(max(m.width-4, 40), 70)
	var rows []string
	line := func(i int, s string) string {
		if i == m.cursor {
			return t.Selected.Render("› " + s)
		}
		return "  " + s
	}
	rows = append(rows, t.Muted.Render("hooks"))
	for h := visitors.Hook(0); h < visitors.NumHooks; h++ {
		box := "[ ] "
		if m.set.Hooks[h] {
			box = "[●] "
		}
		rows = append(rows, line(int(h), box+h.String()))
	}
	rows = append(rows, t.Muted.Render("conditions on a header (what the hook returned, the node's options, the headers in)"))
	for i, c := range m.set.Conds {
		rows = append(rows, line(m.condStart()+i, "● "+c.String()))
	}
	if len(m.set.Nodes) > 0 {
		rows = append(rows, t.Muted.Render("nodes (b in the tree)"))
		for i, p := range m.set.NodePaths() {
			rows = append(rows, line(m.nodeStart()+i, "● "+p))
		}
	}
	in := m.input.View()
	if m.cursor == m.inputRow() {
		in = t.Title.Render("› ") + in
	} else {
		in = "  " + in
	}
	rows = append(rows, in)
	if m.err != "" {
		rows = append(rows, t.Error.Render("  ✗ "+m.err))
	}
	// keep the cursor's row on screen when the list is long
	avail := max(m.height-2, 5)
	if len(rows) > avail {
		at := m.cursor + 1
		if m.cursor >= m.condStart() {
			at++
		}
		start := min(max(at-avail/2, 0), len(rows)-avail)
		rows = rows[start : start+avail]
	}
	return m.c.Dialog("Breakpoints", rows, bw, m.width, m.height)
}
