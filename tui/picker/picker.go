// Package picker is the visitor dialog: a fuzzy list (sahilm/fuzzy) of the
// built-in visitors and the .star scripts found beside the canvas and in
// the working directory, the append_stamps switch, and the extra headers
// passed to stamp() as a JSON object, checked before it is accepted.
package picker

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/sahilm/fuzzy"

	"github.com/stampede-dev/stampede/tui/common"
	"github.com/stampede-dev/stampede/tui/session"
	"github.com/stampede-dev/stampede/visitors"
)

// Item is one visitor the user can pick.
type Item struct {
	Spec string // what is passed to python.Resolve: a built-in name, a .star or a .py path
	Name string // shown and matched
	Desc string
}

// Discover lists the built-in visitors and the .star and .py files in dirs (in
// that order, without duplicates). extra, when not empty, is a visitor in
// use that must be listed even if it lives elsewhere.
func Discover(extra string, dirs ...string) []Item {
	var items []Item
	for _, n := range visitors.BuiltinNames() {
		items = append(items, Item{Spec: n, Name: n, Desc: "built-in: " + visitors.BuiltinDoc(n)})
	}
	seen := map[string]bool{}
	addFile := func(p string) {
		abs, err := filepath.Abs(p)
		if err != nil || seen[abs] {
			return
		}
		seen[abs] = true
		items = append(items, Item{Spec: p, Name: filepath.Base(p), Desc: "script " + display(p)})
	}
	for _, d := range dirs {
		if d == "" {
			d = "."
		}
		files, _ := filepath.Glob(filepath.Join(d, "*.star"))
		py, _ := filepath.Glob(filepath.Join(d, "*.py"))
		files = append(files, py...)
		sort.Strings(files)
		for _, f := range files {
			addFile(f)
		}
	}
	if strings.HasSuffix(extra, ".star") || strings.HasSuffix(extra, ".py") || strings.Contains(extra, ".py:") {
		addFile(extra)
	}
	return items
}

// display is a script path as it is listed: relative to the working
// directory when that is shorter.
func display(p string) string {
	if wd, err := os.Getwd(); err == nil {
		if abs, err := filepath.Abs(p); err == nil {
			if rel, err := filepath.Rel(wd, abs); err == nil && !strings.HasPrefix(rel, "..") {
				return rel
			}
		}
	}
	return p
}

// Choice is what the dialog returns.
type Choice struct {
	Visitor string
	Append  bool
	Headers string
}

type source []Item

func (s source) String(i int) string { return s[i].Name }
func (s source) Len() int            { return len(s) }

// The dialog's fields, in tab order.
const (
	fieldList = iota
	fieldAppend
	fieldHeaders
	numFields
)

// Model is the visitor dialog.
type Model struct {
	c        *common.Common
	items    []Item
	filter   textinput.Model
	headers  textinput.Model
	matches  fuzzy.Matches
	cursor   int
	field    int
	appendOn bool
	err      string
	width    int
	height   int
}

// New opens the dialog on items with the current choice selected.
func New(c *common.Common, items []Item, cur Choice) *Model {
	m := &Model{c: c, items: items, appendOn: cur.Append}
	m.filter = common.NewInput("find ", "", 30)
	m.filter.Placeholder = "type to filter"
	m.filter.Focus()
	m.headers = common.NewInput("", cur.Headers, 40)
	m.headers.Placeholder = "none"
	m.refilter()
	for i, mt := range m.matches {
		if m.items[mt.Index].Spec == cur.Visitor {
			m.cursor = i
		}
	}
	return m
}

// SetSize sets the area the dialog is centered in.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.headers.Width = max(m.boxWidth()-16, 10)
}

func (m *Model) boxWidth() int { return min(max(m.width-4, 40), 72) }

func (m *Model) refilter() {
	q := m.filter.Value()
	if q == "" {
		m.matches = make(fuzzy.Matches, len(m.items))
		for i := range m.items {
			m.matches[i] = fuzzy.Match{Str: m.items[i].Name, Index: i}
		}
	} else {
		m.matches = fuzzy.FindFrom(q, source(m.items))
	}
	if m.cursor >= len(m.matches) {
		m.cursor = max(len(m.matches)-1, 0)
	}
}

// Field is the focused field: 0 the list, 1 append_stamps, 2 headers.
func (m *Model) Field() int { return m.field }

// Selected is the visitor under the cursor, if any.
func (m *Model) Selected() (Item, bool) {
	if m.cursor < len(m.matches) {
		return m.items[m.matches[m.cursor].Index], true
	}
	return Item{}, false
}

// Err is the validation error shown, if any.
func (m *Model) Err() string { return m.err }

func (m *Model) focus() {
	m.filter.Blur()
	m.headers.Blur()
	switch m.field {
	case fieldList:
		m.filter.Focus()
	case fieldHeaders:
		m.headers.Focus()
	}
}

// Update handles a message; it returns the choice when the user applies
// it, and closed when the dialog should go away (applied or cancelled).
func (m *Model) Update(msg tea.Msg) (choice *Choice, closed bool, cmd tea.Cmd) {
	k := m.c.Keys
	km, isKey := msg.(tea.KeyMsg)
	if !isKey {
		return nil, false, nil
	}
	switch {
	case key.Matches(km, k.Cancel):
		return nil, true, nil
	case key.Matches(km, k.NextField):
		m.field = (m.field + 1) % numFields
		m.focus()
		return nil, false, nil
	case key.Matches(km, k.PrevField):
		m.field = (m.field + numFields - 1) % numFields
		m.focus()
		return nil, false, nil
	case key.Matches(km, k.Confirm):
		it, ok := m.Selected()
		if !ok {
			m.err = "no visitor matches the filter"
			return nil, false, nil
		}
		if _, err := session.ParseHeaders(m.headers.Value()); err != nil {
			m.err = "headers: " + err.Error()
			m.field = fieldHeaders
			m.focus()
			return nil, false, nil
		}
		return &Choice{Visitor: it.Spec, Append: m.appendOn, Headers: strings.TrimSpace(m.headers.Value())}, true, nil
	}
	switch m.field {
	case fieldList:
		switch km.Type {
		case tea.KeyUp, tea.KeyCtrlP:
			m.cursor = max(m.cursor-1, 0)
			return nil, false, nil
		case tea.KeyDown, tea.KeyCtrlN:
			m.cursor = min(m.cursor+1, max(len(m.matches)-1, 0))
			return nil, false, nil
		}
		before := m.filter.Value()
		m.filter, cmd = m.filter.Update(msg)
		if m.filter.Value() != before {
			m.cursor = 0
			m.refilter()
		}
	case fieldAppend:
		if key.Matches(km, k.Toggle) || key.Matches(km, k.Append) || key.Matches(km, k.Collapse) || key.Matches(km, k.Expand) {
			m.appendOn = !m.appendOn
		}
	case fieldHeaders:
		m.headers, cmd = m.headers.Update(msg)
		m.err = ""
		if _, err := session.ParseHeaders(m.headers.Value()); err != nil {
			m.err = "headers: " + err.Error()
		}
	}
	return nil, false, cmd
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	switch m.field {
	case fieldAppend:
		return []key.Binding{k.Toggle, k.NextField, k.Confirm, k.Cancel}
	}
	return []key.Binding{
		key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "choose")),
		k.NextField, k.Confirm, k.Cancel,
	}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// View draws the dialog centered in its area.
func (m *Model) View() string {
	t := m.c.Theme
	bw := m.boxWidth()
	inner := bw - 4
	var body []string
	title := func(s string, f int) string {
		if m.field == f {
			return t.Title.Render("▸ " + s)
		}
		return t.Muted.Render("  " + s)
	}
	body = append(body, title("visitor", fieldList), "  "+m.filter.View())
	rows := max(min(m.height-12, 10), 3)
	start := 0
	if m.cursor >= rows {
		start = m.cursor - rows + 1
	}
	for i := start; i < len(m.matches) && i < start+rows; i++ {
		mt := m.matches[i]
		it := m.items[mt.Index]
		nameW := 18
		name := common.Fit(common.Highlight(it.Name, mt.MatchedIndexes, t.Text, t.Match), nameW)
		line := name + " " + t.Muted.Render(it.Desc)
		if i == m.cursor {
			sel := t.Selected
			line = sel.Render("› ") + common.Fit(common.Highlight(it.Name, mt.MatchedIndexes, sel, sel.Bold(true).Underline(true)), nameW)
			line += sel.Render(common.Fit(" "+it.Desc, max(inner-common.Width(line), 0)))
		} else {
			line = "  " + line
		}
		body = append(body, line)
	}
	if len(m.matches) == 0 {
		body = append(body, t.Muted.Render("  no visitor matches"))
	}
	body = append(body, "")
	box := "[ ] off"
	if m.appendOn {
		box = "[x] on"
	}
	body = append(body, title("append_stamps ", fieldAppend)+t.Text.Render(box)+t.Muted.Render("  (space toggles)"))
	body = append(body, title("headers ", fieldHeaders)+m.headers.View())
	if m.err != "" {
		body = append(body, t.Error.Render("  ✗ "+m.err))
	} else {
		body = append(body, t.Muted.Render(`  a JSON object passed to stamp(**headers), e.g. {"origin": "tui"}`))
	}
	body = append(body, t.Muted.Render("  applying restarts the trace"))
	return m.c.Dialog("Visitor", body, bw, m.width, m.height)
}
