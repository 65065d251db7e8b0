// Package steppane is the pane that shows the current step: the hook, the
// node it was given, the headers passed in, what the visitor returned, and
// the node's options before → after as a coloured diff (added, changed,
// removed, with a scalar stamp that became a list under append_stamps
// called out). A failed hook shows its error with the script's file:line.
package steppane

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/tui/common"
	"github.com/stampede-dev/stampede/tui/diff"
	"github.com/stampede-dev/stampede/tui/outline"
	"github.com/stampede-dev/stampede/tui/session"
)

// labelW is the width of the labels (node, in, ret, error, diff).
const labelW = 6

// Model is the step pane.
type Model struct {
	c       *common.Common
	vp      viewport.Model
	width   int
	height  int
	focused bool

	// what the content was built for
	sess  *session.Session
	pos   int
	theme string
	// Diff is the diff of the current step (empty at position 0).
	Diff diff.Result
}

// New returns an empty step pane.
func New(c *common.Common) *Model {
	return &Model{c: c, vp: viewport.New(0, 0), pos: -1}
}

// SetSize sets the pane's size.
func (m *Model) SetSize(w, h int) {
	if w != m.width || h != m.height {
		m.width, m.height = w, h
		m.vp.Width, m.vp.Height = w, h
		m.pos = -1 // rebuild: lines wrap to the width
	}
}

// SetFocused says whether the pane has the keyboard.
func (m *Model) SetFocused(f bool) { m.focused = f }

// Refresh rebuilds the content when the session, the position, the size
// or the theme changed since the last call.
func (m *Model) Refresh(s *session.Session) {
	if s == m.sess && s.Pos() == m.pos && m.c.Theme.Name == m.theme {
		return
	}
	m.sess, m.pos, m.theme = s, s.Pos(), m.c.Theme.Name
	m.vp.SetContent(strings.Join(m.build(s), "\n"))
	m.vp.GotoTop()
}

func (m *Model) build(s *session.Session) []string {
	t := m.c.Theme
	w := max(m.width, 20)
	var out []string
	// add writes plain lines under a label, wrapped to the width; each
	// piece is styled on its own so no style runs into the next pane.
	add := func(label string, st lipgloss.Style, lines ...string) {
		pad := strings.Repeat(" ", labelW)
		for i, l := range lines {
			head := pad
			if i == 0 {
				head = t.Muted.Render(common.Fit(label, labelW))
			}
			for j, wl := range common.Wrap(l, w-labelW, 2) {
				if j == 0 {
					out = append(out, head+st.Render(wl))
				} else {
					out = append(out, pad+st.Render(wl))
				}
			}
		}
	}
	p := s.Pos()
	st := s.Current()
	m.Diff = diff.Result{}
	if st == nil {
		out = append(out, t.Accent.Render("ready")+t.Muted.Render(" · "+strconv.Itoa(s.Len())+" hook calls to step through"))
		if s.Len() > 0 {
			first := s.Step(0)
			add("next", t.Text, first.Hook.String()+" at "+first.Target.Path.String())
		}
		add("keys", t.Muted, "n or space runs the next hook; G runs them all")
		if pr := s.Prints(-1); len(pr) > 0 {
			add("print", t.Text, pr...)
		}
		return out
	}
	head := t.Accent.Render(st.Hook.String()) + t.Muted.Render("  step "+strconv.Itoa(p)+"/"+strconv.Itoa(s.Len()))
	var notes []string
	if st.Default {
		notes = append(notes, "Celery's default")
	}
	if st.Nested {
		notes = append(notes, "called by a default hook")
	}
	if len(notes) > 0 {
		head += t.Muted.Render("  (" + strings.Join(notes, ", ") + ")")
	}
	out = append(out, head)
	kind, name, id := outline.Label(outline.Node{Value: st.Target.Value})
	node := kind + " " + name
	if id != "" {
		node += " " + id
	}
	add("node", t.Text, st.Target.Path.String(), node)
	add("in", t.Text, kv(st.Headers)...)
	switch {
	case st.Err() != nil:
	case st.Hook.IsEnd():
		add("ret", t.Muted, "— (Celery ignores what *_end hooks return)")
	default:
		add("ret", t.Stamp, ret(st.Ret())...)
	}
	if pr := s.Prints(p - 1); len(pr) > 0 {
		add("print", t.Text, pr...)
	}
	if st.Err() != nil {
		e := session.Explain(st.Err())
		lines := []string{"✗ " + e.Msg}
		if e.Pos != "" {
			lines = append(lines, e.Pos)
		}
		add("error", t.Error, lines...)
		var bt []string
		for _, l := range strings.Split(strings.TrimSpace(e.Backtrace), "\n") {
			if l != "" {
				bt = append(bt, l)
			}
		}
		if len(bt) > 0 {
			add("", t.Muted, bt...)
		}
	}
	before, after := s.BeforeAfter(p - 1)
	m.Diff = diff.Options(before, after)
	label := "diff"
	for _, e := range m.Diff.Entries {
		text, st := m.entry(e)
		add(label, st, text)
		label = ""
	}
	tail := strconv.Itoa(m.Diff.Unchanged) + " unchanged"
	if mu := s.Trace.Mutations(p - 1); mu > 0 {
		tail += " · " + strconv.Itoa(mu) + " canvas change"
		if mu != 1 {
			tail += "s"
		}
	}
	if len(m.Diff.Entries) == 0 {
		add(label, t.Muted, "no change to this node's options ("+tail+")")
	} else {
		add(label, t.Muted, "("+tail+")")
	}
	return out
}

// entry is a diff line and its style.
func (m *Model) entry(e diff.Entry) (string, lipgloss.Style) {
	t := m.c.Theme
	val := func(k string, v canvas.Value) string {
		if k == "stamped_headers" {
			return common.Set(v)
		}
		return common.Short(v, 120)
	}
	note := ""
	if e.Note != "" {
		note = "  [" + e.Note + "]"
	}
	switch e.Kind {
	case diff.Added:
		return "+ " + e.Key + ": " + val(e.Key, e.After), t.Added
	case diff.Removed:
		return "- " + e.Key + ": " + val(e.Key, e.Before), t.Removed
	}
	return "~ " + e.Key + ": " + val(e.Key, e.Before) + " → " + val(e.Key, e.After) + note, t.Changed
}

// kv writes a headers dict one key per line.
func kv(d *canvas.Dict) []string {
	if d == nil || d.Len() == 0 {
		return []string{"{}"}
	}
	out := make([]string, 0, d.Len())
	for _, p := range d.Pairs() {
		if p.Key.String() == "stamped_headers" {
			out = append(out, p.Key.String()+": "+common.Set(p.Val))
			continue
		}
		out = append(out, p.Key.String()+": "+common.Short(p.Val, 200))
	}
	return out
}

func ret(v canvas.Value) []string {
	switch x := v.(type) {
	case nil:
		return []string{"None"}
	case *canvas.Dict:
		return kv(x)
	}
	return []string{common.Short(v, 200)}
}

// Update scrolls the pane when it is focused.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	k := m.c.Keys
	if msg, ok := msg.(tea.KeyMsg); ok {
		switch {
		case key.Matches(msg, k.Down):
			m.vp.ScrollDown(1)
		case key.Matches(msg, k.Up):
			m.vp.ScrollUp(1)
		case key.Matches(msg, k.PageDown):
			m.vp.PageDown()
		case key.Matches(msg, k.PageUp):
			m.vp.PageUp()
		case key.Matches(msg, k.Home):
			m.vp.GotoTop()
		case key.Matches(msg, k.Bottom):
			m.vp.GotoBottom()
		}
	}
	return nil
}

// Scroll scrolls by n lines (mouse wheel).
func (m *Model) Scroll(n int) {
	if n > 0 {
		m.vp.ScrollDown(n)
	} else {
		m.vp.ScrollUp(-n)
	}
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	return []key.Binding{k.Up, k.Down, k.Next, k.Prev, k.Focus}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// View draws the pane, exactly width × height.
func (m *Model) View() string {
	return strings.Join(common.Box(strings.Split(m.vp.View(), "\n"), m.width, m.height), "\n")
}
