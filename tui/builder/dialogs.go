package builder

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/sahilm/fuzzy"

	"github.com/stampede-dev/stampede/tui/common"
	"github.com/stampede-dev/stampede/tui/menu"
)

// purpose is what a task name is asked for.
type purpose int

const (
	forInsert purpose = iota
	forBody
	forLink
	forErrback
)

var purposeTitles = [...]string{"Insert task", "Chord body", "Add link", "Add errback"}

// namePrompt asks for a task name, with fuzzy completion over the names
// seen in the canvas (sahilm/fuzzy).
type namePrompt struct {
	c       *common.Common
	purpose purpose
	where   string // where the task goes, e.g. "after $.tasks[0]"
	names   []string
	input   textinput.Model
	matches fuzzy.Matches
	cursor  int // -1: the typed text; else a match
	err     string
	width   int
	height  int
}

func newNamePrompt(c *common.Common, p purpose, names []string, where string) *namePrompt {
	d := &namePrompt{c: c, purpose: p, names: names, where: where, cursor: -1}
	d.input = common.NewInput("task ", "", 40)
	d.input.Placeholder = "proj.tasks.add"
	d.input.Focus()
	d.refilter()
	return d
}

func (d *namePrompt) refilter() {
	q := d.input.Value()
	if q == "" {
		d.matches = make(fuzzy.Matches, len(d.names))
		for i, n := range d.names {
			d.matches[i] = fuzzy.Match{Str: n, Index: i}
		}
	} else {
		d.matches = fuzzy.Find(q, d.names)
	}
	d.cursor = -1
}

// Update returns the name once the user answered.
func (d *namePrompt) Update(msg tea.KeyMsg) (name string, done, closed bool, cmd tea.Cmd) {
	k := d.c.Keys
	switch {
	case key.Matches(msg, k.Cancel):
		return "", false, true, nil
	case key.Matches(msg, k.Confirm):
		name := strings.TrimSpace(d.input.Value())
		if d.cursor >= 0 && d.cursor < len(d.matches) {
			name = d.matches[d.cursor].Str
		}
		if name == "" {
			d.err = "type a task name (tab completes)"
			return "", false, false, nil
		}
		if _, err := newTask(name); err != nil {
			d.err = err.Error()
			return "", false, false, nil
		}
		return name, true, false, nil
	case key.Matches(msg, k.CompleteName):
		i := max(d.cursor, 0)
		if i < len(d.matches) {
			d.input.SetValue(d.matches[i].Str)
			d.input.CursorEnd()
			d.refilter()
		}
		return "", false, false, nil
	}
	switch msg.Type {
	case tea.KeyDown, tea.KeyCtrlN:
		d.cursor = min(d.cursor+1, len(d.matches)-1)
		return "", false, false, nil
	case tea.KeyUp, tea.KeyCtrlP:
		d.cursor = max(d.cursor-1, -1)
		return "", false, false, nil
	}
	before := d.input.Value()
	d.input, cmd = d.input.Update(msg)
	if d.input.Value() != before {
		d.err = ""
		d.refilter()
	}
	return "", false, false, cmd
}

// SetSize sets the area the dialog is centered in.
func (d *namePrompt) SetSize(w, h int) { d.width, d.height = w, h }

// ShortHelp implements help.KeyMap.
func (d *namePrompt) ShortHelp() []key.Binding {
	k := d.c.Keys
	return []key.Binding{
		key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "choose")),
		k.CompleteName, k.Confirm, k.Cancel,
	}
}

// FullHelp implements help.KeyMap.
func (d *namePrompt) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }

// View draws the dialog centered in its area.
func (d *namePrompt) View() string {
	t := d.c.Theme
	body := []string{t.Muted.Render(d.where), d.input.View()}
	if d.err != "" {
		body = append(body, t.Error.Render("✗ "+d.err))
	} else {
		body = append(body, t.Muted.Render("task names in the canvas (↑/↓, tab completes):"))
	}
	rows := max(d.height-8, 1)
	start := 0
	if d.cursor >= rows {
		start = d.cursor - rows + 1
	}
	for i := start; i < len(d.matches) && i < start+rows; i++ {
		mt := d.matches[i]
		if i == d.cursor {
			sel := d.c.Theme.Selected
			body = append(body, sel.Render("› ")+common.Highlight(mt.Str, mt.MatchedIndexes, sel, sel.Bold(true).Underline(true)))
			continue
		}
		body = append(body, "  "+common.Highlight(mt.Str, mt.MatchedIndexes, t.Text, t.Match))
	}
	return d.c.Dialog(purposeTitles[d.purpose], body, min(max(d.width-4, 40), 70), d.width, d.height)
}

// wrapDialog picks chain, group or chord.
type wrapDialog struct{ *menu.Model }

// form edits a node's args, kwargs and options as JSON, checked on every
// key press.
type form struct {
	c         *common.Common
	path      string
	container bool
	inputs    []textinput.Model
	names     []string
	errs      []string
	focus     int
	err       string // the edit itself failed
	width     int
	height    int
}

func newForm(c *common.Common, path string, f Fields) *form {
	d := &form{c: c, path: path, container: f.Container}
	add := func(name, value string) {
		in := common.NewInput(common.Fit(name, 8), value, 50)
		d.inputs = append(d.inputs, in)
		d.names = append(d.names, name)
		d.errs = append(d.errs, "")
	}
	if !f.Container {
		add("args", f.Args)
		add("kwargs", f.Kwargs)
	}
	add("options", f.Options)
	d.inputs[0].Focus()
	return d
}

func (d *form) fields() Fields {
	f := Fields{Container: d.container}
	for i, n := range d.names {
		switch n {
		case "args":
			f.Args = d.inputs[i].Value()
		case "kwargs":
			f.Kwargs = d.inputs[i].Value()
		case "options":
			f.Options = d.inputs[i].Value()
		}
	}
	return f
}

func (d *form) check(i int) {
	d.errs[i] = ""
	if _, err := ParseField(d.names[i], d.inputs[i].Value()); err != nil {
		d.errs[i] = err.Error()
	}
}

func (d *form) setFocus(i int) {
	d.inputs[d.focus].Blur()
	d.focus = (i + len(d.inputs)) % len(d.inputs)
	d.inputs[d.focus].Focus()
}

// Update returns the fields once they are all valid and confirmed.
func (d *form) Update(msg tea.KeyMsg) (f Fields, done, closed bool, cmd tea.Cmd) {
	k := d.c.Keys
	switch {
	case key.Matches(msg, k.Cancel):
		return Fields{}, false, true, nil
	case key.Matches(msg, k.Confirm):
		for i := range d.inputs {
			d.check(i)
			if d.errs[i] != "" {
				d.setFocus(i)
				return Fields{}, false, false, nil
			}
		}
		return d.fields(), true, true, nil
	case key.Matches(msg, k.NextField), msg.Type == tea.KeyDown:
		d.setFocus(d.focus + 1)
		return Fields{}, false, false, nil
	case key.Matches(msg, k.PrevField), msg.Type == tea.KeyUp:
		d.setFocus(d.focus - 1)
		return Fields{}, false, false, nil
	}
	d.inputs[d.focus], cmd = d.inputs[d.focus].Update(msg)
	d.err = ""
	d.check(d.focus)
	return Fields{}, false, false, cmd
}

// Errors is the validation error of each field ("" when valid).
func (d *form) Errors() []string { return d.errs }

// SetSize sets the area the dialog is centered in.
func (d *form) SetSize(w, h int) {
	d.width, d.height = w, h
	for i := range d.inputs {
		d.inputs[i].Width = max(min(w-20, 80), 10)
	}
}

// ShortHelp implements help.KeyMap.
func (d *form) ShortHelp() []key.Binding {
	k := d.c.Keys
	return []key.Binding{k.NextField, k.Confirm, k.Cancel}
}

// FullHelp implements help.KeyMap.
func (d *form) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }

// View draws the dialog centered in its area.
func (d *form) View() string {
	t := d.c.Theme
	body := []string{t.Muted.Render(d.path + ": sig.replace(args, kwargs, options), JSON")}
	for i, in := range d.inputs {
		body = append(body, in.View())
		if d.errs[i] != "" {
			body = append(body, t.Error.Render("  ✗ "+d.errs[i]))
		} else {
			body = append(body, t.Muted.Render("  ✓"))
		}
	}
	if d.container {
		body = append(body, t.Muted.Render("a chain, group or chord's args and kwargs are its tasks: edit those"))
	}
	if d.err != "" {
		body = append(body, t.Error.Render("✗ "+d.err))
	}
	return d.c.Dialog("Edit", body, min(max(d.width-4, 40), 100), d.width, d.height)
}

// saveDialog asks where to save; the extension picks the format and tab
// cycles through them.
type saveDialog struct {
	c       *common.Common
	input   textinput.Model
	err     string
	confirm string // a path that exists: enter again overwrites it
	width   int
	height  int
}

func newSaveDialog(c *common.Common, path string) *saveDialog {
	d := &saveDialog{c: c}
	d.input = common.NewInput("file ", path, 50)
	d.input.CursorEnd()
	d.input.Focus()
	return d
}

// Update returns the path once confirmed.
func (d *saveDialog) Update(msg tea.KeyMsg) (path string, done, closed bool, cmd tea.Cmd) {
	k := d.c.Keys
	switch {
	case key.Matches(msg, k.Cancel):
		return "", false, true, nil
	case key.Matches(msg, k.Confirm):
		p := strings.TrimSpace(d.input.Value())
		if p == "" {
			d.err = "type a file name"
			return "", false, false, nil
		}
		if _, ok := FormatOf(p); !ok {
			d.err = "name it .json, .star or .py (tab changes the extension)"
			return "", false, false, nil
		}
		if _, err := os.Stat(p); err == nil && d.confirm != p {
			d.confirm = p
			d.err = filepath.Base(p) + " exists: enter again to overwrite it"
			return "", false, false, nil
		}
		return p, true, true, nil
	case key.Matches(msg, k.CompleteName):
		p := d.input.Value()
		ext := filepath.Ext(p)
		next := Formats[0].Ext
		for i, f := range Formats {
			if strings.EqualFold(f.Ext, ext) {
				next = Formats[(i+1)%len(Formats)].Ext
			}
		}
		d.input.SetValue(strings.TrimSuffix(p, ext) + next)
		d.input.CursorEnd()
		d.err, d.confirm = "", ""
		return "", false, false, nil
	}
	d.input, cmd = d.input.Update(msg)
	d.err, d.confirm = "", ""
	return "", false, false, cmd
}

// SetSize sets the area the dialog is centered in.
func (d *saveDialog) SetSize(w, h int) {
	d.width, d.height = w, h
	d.input.Width = max(min(w-20, 80), 10)
}

// ShortHelp implements help.KeyMap.
func (d *saveDialog) ShortHelp() []key.Binding {
	k := d.c.Keys
	return []key.Binding{
		key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", ".json/.star/.py")),
		k.Confirm, k.Cancel,
	}
}

// FullHelp implements help.KeyMap.
func (d *saveDialog) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }

// View draws the dialog centered in its area.
func (d *saveDialog) View() string {
	t := d.c.Theme
	body := []string{d.input.View()}
	if d.err != "" {
		body = append(body, t.Error.Render("✗ "+d.err))
	} else if f, ok := FormatOf(d.input.Value()); ok {
		body = append(body, t.Muted.Render("saves "+f.Name))
	}
	body = append(body, t.Muted.Render(".json Celery JSON · .star canvas script · .py Python (codegen)"))
	return d.c.Dialog("Save canvas", body, min(max(d.width-4, 40), 90), d.width, d.height)
}

// askDialog is a question answered with one key.
type askDialog struct {
	c       *common.Common
	title   string
	lines   []string
	keys    []askKey
	purpose int
	pending *Pending
	width   int
	height  int
}

// askKey is one answer of an askDialog: its key and, for the help line,
// what it does.
type askKey struct{ key, help string }

const (
	askQuit = iota
	askRecover
)

// Update returns the key chosen, and closed when the dialog goes away.
func (d *askDialog) Update(msg tea.KeyMsg) (choice string, closed bool) {
	if key.Matches(msg, d.c.Keys.Cancel) {
		return "", true
	}
	for _, k := range d.keys {
		if msg.String() == k.key {
			return k.key, true
		}
	}
	return "", false
}

// SetSize sets the area the dialog is centered in.
func (d *askDialog) SetSize(w, h int) { d.width, d.height = w, h }

// ShortHelp implements help.KeyMap.
func (d *askDialog) ShortHelp() []key.Binding {
	var out []key.Binding
	for _, k := range d.keys {
		out = append(out, key.NewBinding(key.WithKeys(k.key), key.WithHelp(k.key, k.help)))
	}
	return append(out, d.c.Keys.Cancel)
}

// FullHelp implements help.KeyMap.
func (d *askDialog) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }

// View draws the dialog centered in its area.
func (d *askDialog) View() string {
	t := d.c.Theme
	body := make([]string, len(d.lines))
	for i, l := range d.lines {
		body[i] = t.Text.Render(l)
	}
	return d.c.Dialog(d.title, body, min(max(d.width-4, 40), 80), d.width, d.height)
}

// helpDialog lists builder mode's keys, generated from the keymap.
type helpDialog struct {
	c             *common.Common
	width, height int
}

// SetSize sets the area the dialog is centered in.
func (d *helpDialog) SetSize(w, h int) { d.width, d.height = w, h }

// ShortHelp implements help.KeyMap.
func (d *helpDialog) ShortHelp() []key.Binding { return []key.Binding{d.c.Keys.Cancel} }

// FullHelp implements help.KeyMap.
func (d *helpDialog) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }

// View draws the dialog centered in its area.
func (d *helpDialog) View() string {
	h := d.c.Help(1 << 20)
	cols := d.c.Keys.BuilderFull()
	inner := d.width - 6
	var body []string
	// the columns side by side when they fit, fewer at a time when not
	for per := len(cols); per >= 1; per-- {
		var lines []string
		fits := true
		for i := 0; i < len(cols); i += per {
			if i > 0 {
				lines = append(lines, "")
			}
			for _, l := range strings.Split(h.FullHelpView(cols[i:min(i+per, len(cols))]), "\n") {
				fits = fits && common.Width(l) <= inner
				lines = append(lines, l)
			}
		}
		if fits || per == 1 {
			body = lines
			break
		}
	}
	body = append(body, "",
		d.c.Theme.Muted.Render("i adds after the node, or last in a chain, group or chord header;"),
		d.c.Theme.Muted.Render("the root or a chord body becomes node | task. Chains are rebuilt"),
		d.c.Theme.Muted.Render("with chain(*tasks): Celery's | rules apply (group, task: a chord)."),
		d.c.Theme.Muted.Render("m marks items of one list for w; S picks the format by extension."))
	return d.c.Dialog("Builder keys", body, d.width-2, d.width, d.height)
}
