// Package finder is the `/` dialog: fuzzy-find a node by task name,
// task_id or stamp value (sahilm/fuzzy), with the matched characters
// highlighted, and jump to it.
package finder

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/sahilm/fuzzy"

	"github.com/stampede-dev/stampede/tui/common"
	"github.com/stampede-dev/stampede/tui/outline"
)

// Candidate is one node that can be found.
type Candidate struct {
	Path string // the node's traversal path
	Kind string
	Text string // what is matched: task name, task_id, stamps as key=value
}

// Collect lists every node of the canvas as it is now. It walks the whole
// canvas once, when the dialog opens.
func Collect(root outline.Node) []Candidate {
	var out []Candidate
	outline.Walk(root, func(n outline.Node) bool {
		var parts []string
		if t := outline.TaskName(n.Value); t != "" {
			parts = append(parts, t)
		}
		if id := outline.ID(n.Value); id != "" {
			parts = append(parts, id)
		}
		if o := outline.Options(n.Value); o != nil {
			for _, k := range outline.StampKeys(n.Value) {
				if v, ok := o.Get(k); ok {
					parts = append(parts, k+"="+common.Short(v, 60))
				}
			}
		}
		if len(parts) == 0 {
			parts = append(parts, n.Path)
		}
		out = append(out, Candidate{Path: n.Path, Kind: n.Kind(), Text: strings.Join(parts, " ")})
		return true
	})
	return out
}

type source []Candidate

func (s source) String(i int) string { return s[i].Text }
func (s source) Len() int            { return len(s) }

// Model is the find dialog.
type Model struct {
	c       *common.Common
	cands   []Candidate
	input   textinput.Model
	matches fuzzy.Matches
	cursor  int
	width   int
	height  int
}

// New opens the dialog over the candidates.
func New(c *common.Common, cands []Candidate) *Model {
	m := &Model{c: c, cands: cands}
	m.input = common.NewInput("/ ", "", 40)
	m.input.Placeholder = "task name, task_id or stamp value"
	m.input.Focus()
	m.refilter()
	return m
}

// SetSize sets the area the dialog is centered in.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.input.Width = max(m.boxWidth()-10, 10)
}

func (m *Model) boxWidth() int { return min(max(m.width-4, 40), 100) }

func (m *Model) rows() int { return max(m.height-6, 3) }

func (m *Model) refilter() {
	q := m.input.Value()
	if q == "" {
		n := len(m.cands)
		m.matches = make(fuzzy.Matches, n)
		for i := range m.cands {
			m.matches[i] = fuzzy.Match{Str: m.cands[i].Text, Index: i}
		}
	} else {
		m.matches = fuzzy.FindFrom(q, source(m.cands))
	}
	m.cursor = 0
}

// Matches is the number of nodes that match.
func (m *Model) Matches() int { return len(m.matches) }

// Selected is the candidate under the cursor.
func (m *Model) Selected() (Candidate, bool) {
	if m.cursor < len(m.matches) {
		return m.cands[m.matches[m.cursor].Index], true
	}
	return Candidate{}, false
}

// Update handles a message; it returns the path to jump to when the user
// picks a node, and closed when the dialog should go away.
func (m *Model) Update(msg tea.Msg) (path string, closed bool, cmd tea.Cmd) {
	k := m.c.Keys
	km, isKey := msg.(tea.KeyMsg)
	if !isKey {
		return "", false, nil
	}
	switch {
	case key.Matches(km, k.Cancel):
		return "", true, nil
	case key.Matches(km, k.Confirm):
		if c, ok := m.Selected(); ok {
			return c.Path, true, nil
		}
		return "", false, nil
	}
	switch km.Type {
	case tea.KeyUp, tea.KeyCtrlP:
		m.cursor = max(m.cursor-1, 0)
		return "", false, nil
	case tea.KeyDown, tea.KeyCtrlN:
		m.cursor = min(m.cursor+1, max(len(m.matches)-1, 0))
		return "", false, nil
	case tea.KeyPgDown:
		m.cursor = min(m.cursor+m.rows(), max(len(m.matches)-1, 0))
		return "", false, nil
	case tea.KeyPgUp:
		m.cursor = max(m.cursor-m.rows(), 0)
		return "", false, nil
	}
	before := m.input.Value()
	m.input, cmd = m.input.Update(msg)
	if m.input.Value() != before {
		m.refilter()
	}
	return "", false, cmd
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	return []key.Binding{
		key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "choose")),
		key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "go to node")),
		k.Cancel,
	}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// View draws the dialog; only the rows that fit are rendered.
func (m *Model) View() string {
	t := m.c.Theme
	bw := m.boxWidth()
	inner := bw - 4
	body := []string{m.input.View(), t.Muted.Render(strconv.Itoa(len(m.matches)) + " of " + strconv.Itoa(len(m.cands)) + " nodes")}
	rows := m.rows() - 2
	start := 0
	if m.cursor >= rows {
		start = m.cursor - rows + 1
	}
	for i := start; i < len(m.matches) && i < start+rows; i++ {
		mt := m.matches[i]
		c := m.cands[mt.Index]
		kind := common.Fit(c.Kind, 6)
		if i == m.cursor {
			sel := t.Selected
			line := sel.Render("› "+kind) + common.Highlight(c.Text, mt.MatchedIndexes, sel, sel.Bold(true).Underline(true))
			rest := inner - common.Width(line)
			if tail := "  " + c.Path; rest > common.Width(tail) {
				line += sel.Render(common.Fit(tail, rest))
			} else if rest > 0 {
				line += sel.Render(strings.Repeat(" ", rest))
			}
			body = append(body, line)
			continue
		}
		line := "  " + t.Kind(c.Kind).Render(kind) + common.Highlight(c.Text, mt.MatchedIndexes, t.Text, t.Match)
		path := "  " + c.Path
		if common.Width(line)+common.Width(path) <= inner {
			line += t.Muted.Render(path)
		}
		body = append(body, line)
	}
	return m.c.Dialog("Find node", body, bw, m.width, m.height)
}
