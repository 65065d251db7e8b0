// Package ops is the dialog that builds one canvas operation for the
// selected node — stamp, clone, set, merge, or, link, link_error, on_error,
// replace, json_roundtrip, as a session records them — and the ops strip
// drawn beside the hook timeline.
//
// The dialog has two stages: a list of the operations, then a form with one
// JSON field per argument of the chosen op (replay.OpArgs). Every field is
// decoded as it is typed, so a value that is not JSON, or not the JSON the
// argument needs (an object for options), is reported under it before the
// op can be applied.
package ops

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/replay"
	"github.com/stampede-dev/stampede/tui/common"
)

// hints are the examples shown beside each argument.
var hints = map[string]string{
	"visitor":       `"monitoring-id" or "file.star"`,
	"append_stamps": `true or false`,
	"headers":       `{"key": "value"} for stamp(**headers)`,
	"args":          `[1, 2]`,
	"kwargs":        `{"x": 1}`,
	"options":       `{"queue": "fast"}`,
	"immutable":     `true or false`,
	"other":         `{"task": "proj.next"}`,
	"side":          `"right" (node | other) or "left"`,
	"sig":           `{"task": "proj.cb", "options": {"task_id": "cb-1"}}`,
}

// objectArgs must be JSON objects when given.
var objectArgs = map[string]bool{"headers": true, "kwargs": true, "options": true, "other": true, "sig": true}

// check decodes a field's text: empty means the argument is left out.
func check(name, text string) (canvas.Value, error) {
	if strings.TrimSpace(text) == "" {
		return nil, nil
	}
	v, err := canvas.Decode([]byte(text))
	if err != nil {
		return nil, err
	}
	switch {
	case objectArgs[name]:
		if _, ok := v.(*canvas.Dict); !ok {
			return nil, fmt.Errorf("%s must be a JSON object, not %s", name, canvas.TypeName(v))
		}
	case name == "args":
		if _, ok := v.(*canvas.List); !ok {
			return nil, fmt.Errorf("args must be a JSON list, not %s", canvas.TypeName(v))
		}
	case name == "visitor":
		if _, ok := v.(string); !ok {
			return nil, fmt.Errorf("visitor must be a JSON string, not %s", canvas.TypeName(v))
		}
	case name == "side":
		if v != "left" && v != "right" {
			return nil, fmt.Errorf(`side must be "left" or "right"`)
		}
	}
	return v, nil
}

type field struct {
	name  string
	input textinput.Model
	err   string
}

// Model is the op dialog.
type Model struct {
	c        *common.Common
	at       string // the node's path
	label    string // the node as shown in the title
	defaults map[string]map[string]string
	cursor   int
	form     bool
	fields   []field
	focus    int
	err      string
	width    int
	height   int
}

// New opens the dialog for the node at path at (label names it in the
// title). defaults prefills arguments per op: defaults["stamp"]["visitor"]
// = `"monitoring-id"`.
func New(c *common.Common, at, label string, defaults map[string]map[string]string) *Model {
	return &Model{c: c, at: at, label: label, defaults: defaults}
}

// SetSize sets the area the dialog is centered in.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

// Chosen is the op under the cursor or in the form.
func (m *Model) Chosen() string { return replay.OpNames[m.cursor] }

// InForm reports whether the dialog shows the argument form.
func (m *Model) InForm() bool { return m.form }

// FieldErr is the error shown under argument name, or "".
func (m *Model) FieldErr(name string) string {
	for _, f := range m.fields {
		if f.name == name {
			return f.err
		}
	}
	return ""
}

// Select puts the cursor on op name and reports whether it is an op.
func (m *Model) Select(name string) bool {
	for i, n := range replay.OpNames {
		if n == name {
			m.cursor = i
			return true
		}
	}
	return false
}

func (m *Model) openForm() {
	name := m.Chosen()
	m.form, m.focus, m.err = true, 0, ""
	m.fields = nil
	for _, a := range replay.OpArgs[name] {
		in := common.NewInput(common.Fit(a, 14)+" ", m.defaults[name][a], 40)
		m.fields = append(m.fields, field{name: a, input: in})
	}
	m.focusField(0)
}

func (m *Model) focusField(i int) {
	if len(m.fields) == 0 {
		return
	}
	m.focus = (i + len(m.fields)) % len(m.fields)
	for j := range m.fields {
		if j == m.focus {
			m.fields[j].input.Focus()
		} else {
			m.fields[j].input.Blur()
		}
	}
}

// build checks every field and makes the op, or says what is wrong.
func (m *Model) build() (*replay.Op, bool) {
	args := &canvas.Dict{}
	ok := true
	for i := range m.fields {
		f := &m.fields[i]
		v, err := check(f.name, f.input.Value())
		if err != nil {
			f.err = err.Error()
			if ok {
				m.focusField(i)
			}
			ok = false
			continue
		}
		f.err = ""
		if v != nil {
			args.Set(f.name, v)
		}
	}
	if !ok {
		m.err = "fix the arguments marked ✗ (empty leaves one out)"
		return nil, false
	}
	return replay.NewOp(m.Chosen(), m.at, args), true
}

// Update handles a key. op is set when the user applied an op; closed
// means the dialog should go away (applied or cancelled).
func (m *Model) Update(msg tea.Msg) (op *replay.Op, closed bool, cmd tea.Cmd) {
	k := m.c.Keys
	km, isKey := msg.(tea.KeyMsg)
	if !isKey {
		return nil, false, nil
	}
	if !m.form {
		switch {
		case key.Matches(km, k.Cancel):
			return nil, true, nil
		case key.Matches(km, k.Down):
			m.cursor = min(m.cursor+1, len(replay.OpNames)-1)
		case key.Matches(km, k.Up):
			m.cursor = max(m.cursor-1, 0)
		case key.Matches(km, k.Confirm):
			m.openForm()
			if len(m.fields) == 0 {
				op, _ := m.build()
				return op, true, nil
			}
		}
		return nil, false, nil
	}
	switch {
	case key.Matches(km, k.Cancel):
		m.form, m.fields, m.err = false, nil, ""
		return nil, false, nil
	case key.Matches(km, k.NextField):
		m.focusField(m.focus + 1)
		return nil, false, nil
	case key.Matches(km, k.PrevField):
		m.focusField(m.focus - 1)
		return nil, false, nil
	case key.Matches(km, k.Confirm):
		if op, ok := m.build(); ok {
			return op, true, nil
		}
		return nil, false, nil
	}
	f := &m.fields[m.focus]
	f.input, cmd = f.input.Update(msg)
	f.err = ""
	if _, err := check(f.name, f.input.Value()); err != nil {
		f.err = err.Error()
	}
	m.err = ""
	return nil, false, cmd
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	if m.form {
		return []key.Binding{k.NextField, k.PrevField, withHelp(k.Confirm, "apply"), withHelp(k.Cancel, "back")}
	}
	return []key.Binding{k.Up, k.Down, withHelp(k.Confirm, "arguments"), k.Cancel}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

func withHelp(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}

// View draws the dialog centered in its area.
func (m *Model) View() string {
	t := m.c.Theme
	var body []string
	title := "Apply an op to " + m.label
	if !m.form {
		for i, n := range replay.OpNames {
			args := strings.Join(replay.OpArgs[n], ", ")
			line := n + "(" + args + ")"
			if i == m.cursor {
				body = append(body, t.Selected.Render("› "+line))
			} else {
				body = append(body, "  "+t.Text.Render(n)+t.Muted.Render("("+args+")"))
			}
		}
		body = append(body, "", t.Muted.Render("at "+m.at+" · enter: arguments · recorded in the session"))
	} else {
		title = m.Chosen() + " at " + m.at
		for i, f := range m.fields {
			body = append(body, f.input.View())
			switch {
			case f.err != "":
				body = append(body, t.Error.Render("  ✗ "+f.err))
			case i == m.focus:
				body = append(body, t.Muted.Render("  e.g. "+hints[f.name]+" · empty: left out"))
			}
		}
		if m.err != "" {
			body = append(body, "", t.Error.Render(m.err))
		}
	}
	return m.c.Dialog(title, body, min(max(m.width-4, 40), 72), m.width, m.height)
}

// Strip draws the ops of a session in one line of w cells: each op as
// "N:name", the last one highlighted, with ✗n in the error style after an
// op that lost n stamps. When they do not all fit, the latest are shown.
func Strip(c *common.Common, names []string, lost []int, failed, w int) string {
	t := c.Theme
	head := t.Muted.Render("ops ")
	if len(names) == 0 {
		return common.Fit(head+t.Muted.Render("none yet: o applies one"), w)
	}
	parts := make([]string, len(names))
	for i, n := range names {
		s := strconv.Itoa(i) + ":" + n
		st := t.Text
		if i == len(names)-1 {
			st = t.Current
		}
		parts[i] = st.Render(s)
		if i == failed {
			parts[i] += t.Error.Render("✗failed")
		} else if i < len(lost) && lost[i] > 0 {
			parts[i] += t.Error.Render("✗" + strconv.Itoa(lost[i]))
		}
	}
	sep := t.Border.Render(" ")
	room := w - common.Width(head)
	start := len(parts) - 1
	used := common.Width(parts[start])
	for start > 0 && used+1+common.Width(parts[start-1]) <= room-2 {
		start--
		used += 1 + common.Width(parts[start])
	}
	line := strings.Join(parts[start:], sep)
	if start > 0 {
		line = t.Muted.Render("… ") + line
	}
	return common.Fit(head+line, w)
}
