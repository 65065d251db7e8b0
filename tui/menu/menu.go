// Package menu is a small dialog that asks for one thing: a choice from a
// short list (the hook kind to step until) or a line of text (the step to
// go to).
package menu

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/stampede-dev/stampede/tui/common"
)

// Model is a list or a prompt dialog.
type Model struct {
	c      *common.Common
	title  string
	items  []string // nil for a prompt
	cursor int
	input  textinput.Model
	hint   string
	err    string
	width  int
	height int
}

// NewList asks for one of items.
func NewList(c *common.Common, title string, items []string, cursor int) *Model {
	return &Model{c: c, title: title, items: items, cursor: min(max(cursor, 0), max(len(items)-1, 0))}
}

// NewPrompt asks for a line of text.
func NewPrompt(c *common.Common, title, prompt, hint string) *Model {
	m := &Model{c: c, title: title, hint: hint}
	m.input = common.NewInput(prompt, "", 20)
	m.input.Focus()
	return m
}

// SetSize sets the area the dialog is centered in.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

// SetErr shows an error under the prompt (the answer was not usable).
func (m *Model) SetErr(e string) { m.err = e }

// Cursor is the item under the cursor.
func (m *Model) Cursor() int { return m.cursor }

// Update handles a message. done is set when the user answered: index is
// the chosen item (lists), text the typed line (prompts). closed means
// the dialog should go away (answered or cancelled).
func (m *Model) Update(msg tea.Msg) (index int, text string, done, closed bool, cmd tea.Cmd) {
	k := m.c.Keys
	km, isKey := msg.(tea.KeyMsg)
	if !isKey {
		return -1, "", false, false, nil
	}
	switch {
	case key.Matches(km, k.Cancel):
		return -1, "", false, true, nil
	case key.Matches(km, k.Confirm):
		if m.items != nil {
			return m.cursor, "", true, true, nil
		}
		return -1, m.input.Value(), true, false, nil
	}
	if m.items != nil {
		switch {
		case key.Matches(km, k.Down):
			m.cursor = min(m.cursor+1, len(m.items)-1)
		case key.Matches(km, k.Up):
			m.cursor = max(m.cursor-1, 0)
		}
		return -1, "", false, false, nil
	}
	m.input, cmd = m.input.Update(msg)
	m.err = ""
	return -1, "", false, false, cmd
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	if m.items != nil {
		return []key.Binding{k.Up, k.Down, k.Confirm, k.Cancel}
	}
	return []key.Binding{k.Confirm, k.Cancel}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// View draws the dialog centered in its area.
func (m *Model) View() string {
	t := m.c.Theme
	var body []string
	if m.items != nil {
		for i, it := range m.items {
			if i == m.cursor {
				body = append(body, t.Selected.Render("› "+it))
			} else {
				body = append(body, "  "+it)
			}
		}
	} else {
		body = append(body, m.input.View())
		if m.err != "" {
			body = append(body, t.Error.Render("✗ "+m.err))
		} else if m.hint != "" {
			body = append(body, t.Muted.Render(m.hint))
		}
	}
	return m.c.Dialog(m.title, body, min(max(m.width-4, 30), 50), m.width, m.height)
}
