// Package exporter is the export dialog: write the stamped canvas as the
// JSON celery.signature() loads, the trace as JSON Lines, or both, to paths
// the user types (by default beside the input). It never lets the input file
// be overwritten without a confirmation. The writing itself (atomic) is done
// by the caller with stamping/export.
package exporter

import (
	"path/filepath"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/stampede-dev/stampede/stamping/export"
	"github.com/stampede-dev/stampede/tui/common"
)

// What says which files to write.
type What int

// The choices of what to export.
const (
	Both What = iota
	CanvasOnly
	TraceOnly
)

var whatNames = [...]string{"canvas + trace", "canvas JSON", "trace JSONL"}

// String names the choice.
func (w What) String() string { return whatNames[w] }

// Request is what the user asked to write.
type Request struct {
	What       What
	CanvasPath string
	TracePath  string
}

// Canvas reports whether the canvas is written.
func (r Request) Canvas() bool { return r.What != TraceOnly }

// Trace reports whether the trace is written.
func (r Request) Trace() bool { return r.What != CanvasOnly }

// Defaults are the paths beside the input: NAME.stamped.json and
// NAME.trace.jsonl (in the working directory for the built-in sample).
func Defaults(input string) (canvasPath, tracePath string) {
	dir, base := filepath.Dir(input), filepath.Base(input)
	if i := strings.LastIndexByte(base, ':'); i >= 0 { // "sample:order.json"
		dir, base = ".", base[i+1:]
	}
	stem := strings.TrimSuffix(base, filepath.Ext(base))
	return filepath.Join(dir, stem+".stamped.json"), filepath.Join(dir, stem+".trace.jsonl")
}

const (
	fieldWhat = iota
	fieldCanvas
	fieldTrace
	numFields
)

// Model is the export dialog.
type Model struct {
	c          *common.Common
	input      string // the canvas file ("" for none), which must not be overwritten silently
	what       What
	canvasPath textinput.Model
	tracePath  textinput.Model
	field      int
	confirm    *Request // waiting for y/n: the request overwrites the input
	err        string
	width      int
	height     int
	note       string
}

// New opens the dialog. input is the canvas file on disk ("" for the
// built-in sample); name is how it is shown; note is shown under the
// fields (for example that stamping stopped early).
func New(c *common.Common, input, name, note string) *Model {
	cp, tp := Defaults(name)
	if input != "" {
		cp, tp = Defaults(input)
	}
	m := &Model{c: c, input: input, note: note}
	m.canvasPath = common.NewInput("", cp, 50)
	m.tracePath = common.NewInput("", tp, 50)
	return m
}

// SetSize sets the area the dialog is centered in.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.canvasPath.Width = max(m.boxWidth()-16, 10)
	m.tracePath.Width = m.canvasPath.Width
}

func (m *Model) boxWidth() int { return min(max(m.width-4, 40), 90) }

// Confirming reports whether the dialog waits for a yes or no.
func (m *Model) Confirming() bool { return m.confirm != nil }

// Err is the validation error shown, if any.
func (m *Model) Err() string { return m.err }

// SetPaths replaces the typed paths.
func (m *Model) SetPaths(canvasPath, tracePath string) {
	m.canvasPath.SetValue(canvasPath)
	m.tracePath.SetValue(tracePath)
}

func (m *Model) focus() {
	m.canvasPath.Blur()
	m.tracePath.Blur()
	switch m.field {
	case fieldCanvas:
		m.canvasPath.Focus()
		m.canvasPath.CursorEnd()
	case fieldTrace:
		m.tracePath.Focus()
		m.tracePath.CursorEnd()
	}
}

func (m *Model) request() (Request, string) {
	r := Request{What: m.what, CanvasPath: strings.TrimSpace(m.canvasPath.Value()), TracePath: strings.TrimSpace(m.tracePath.Value())}
	if r.Canvas() && r.CanvasPath == "" {
		return r, "type a path for the canvas"
	}
	if r.Trace() && r.TracePath == "" {
		return r, "type a path for the trace"
	}
	if r.Canvas() && r.Trace() {
		a, _ := filepath.Abs(r.CanvasPath)
		b, _ := filepath.Abs(r.TracePath)
		if a == b || export.SameFile(r.CanvasPath, r.TracePath) {
			return r, "the canvas and the trace need two different files"
		}
	}
	return r, ""
}

// overwritesInput reports whether the request would write over the input.
func (m *Model) overwritesInput(r Request) bool {
	if m.input == "" {
		return false
	}
	return (r.Canvas() && export.SameFile(r.CanvasPath, m.input)) || (r.Trace() && export.SameFile(r.TracePath, m.input))
}

// Update handles a message; it returns the request to carry out when the
// user confirms, and closed when the dialog should go away.
func (m *Model) Update(msg tea.Msg) (req *Request, closed bool, cmd tea.Cmd) {
	k := m.c.Keys
	km, isKey := msg.(tea.KeyMsg)
	if !isKey {
		return nil, false, nil
	}
	if m.confirm != nil {
		switch {
		case key.Matches(km, k.Yes):
			r := *m.confirm
			m.confirm = nil
			return &r, true, nil
		case key.Matches(km, k.No):
			m.confirm = nil
			m.err = "not written"
		}
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
		r, problem := m.request()
		if problem != "" {
			m.err = problem
			return nil, false, nil
		}
		if m.overwritesInput(r) {
			m.confirm = &r
			return nil, false, nil
		}
		return &r, true, nil
	}
	switch m.field {
	case fieldWhat:
		switch {
		case key.Matches(km, k.Expand), key.Matches(km, k.Toggle), key.Matches(km, k.Down):
			m.what = (m.what + 1) % 3
		case key.Matches(km, k.Collapse), key.Matches(km, k.Up):
			m.what = (m.what + 2) % 3
		}
	case fieldCanvas:
		m.canvasPath, cmd = m.canvasPath.Update(msg)
		m.err = ""
	case fieldTrace:
		m.tracePath, cmd = m.tracePath.Update(msg)
		m.err = ""
	}
	return nil, false, cmd
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	if m.confirm != nil {
		return []key.Binding{k.Yes, k.No}
	}
	if m.field == fieldWhat {
		return []key.Binding{key.NewBinding(key.WithKeys("left", "right"), key.WithHelp("←/→", "what to write")), k.NextField, k.Confirm, k.Cancel}
	}
	return []key.Binding{k.NextField, k.Confirm, k.Cancel}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// View draws the dialog centered in its area.
func (m *Model) View() string {
	t := m.c.Theme
	label := func(s string, f int) string {
		if m.field == f {
			return t.Title.Render(common.Fit("▸ "+s, 10))
		}
		return t.Muted.Render(common.Fit("  "+s, 10))
	}
	var choices []string
	for w := Both; w <= TraceOnly; w++ {
		if w == m.what {
			choices = append(choices, t.Selected.Render(" "+w.String()+" "))
		} else {
			choices = append(choices, t.Muted.Render(" "+w.String()+" "))
		}
	}
	body := []string{label("write", fieldWhat) + strings.Join(choices, " ")}
	cv, tv := m.canvasPath.View(), m.tracePath.View()
	if m.what == TraceOnly {
		cv = t.Muted.Render("—")
	}
	if m.what == CanvasOnly {
		tv = t.Muted.Render("—")
	}
	body = append(body, label("canvas", fieldCanvas)+cv, label("trace", fieldTrace)+tv, "")
	switch {
	case m.confirm != nil:
		body = append(body, t.Error.Render("  "+filepath.Base(m.input)+" is the input file: overwrite it? (y/n)"))
	case m.err != "":
		body = append(body, t.Error.Render("  ✗ "+m.err))
	default:
		body = append(body, t.Muted.Render("  the stamped canvas after every step, as `stampede stamp` writes it"))
	}
	if m.note != "" {
		body = append(body, t.Muted.Render("  "+m.note))
	}
	return m.c.Dialog("Export", body, m.boxWidth(), m.width, m.height)
}
