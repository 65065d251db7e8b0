package builder

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/canvas/codegen"
	"github.com/stampede-dev/stampede/stamping/export"
	"github.com/stampede-dev/stampede/tui/common"
	"github.com/stampede-dev/stampede/tui/keys"
	"github.com/stampede-dev/stampede/tui/menu"
	"github.com/stampede-dev/stampede/tui/outline"
)

// Model is builder mode: the canvas being edited, the nodes marked for
// wrapping, and the dialog open, if any. The root model hands it every key
// while builder mode is on; the keys it does not use (moving in the tree)
// go back to the root.
type Model struct {
	c     *common.Common
	doc   *Doc
	rec   *Recovery
	gen   int      // counts recovery writes, so they land in order
	names []string // task names seen outside the canvas being edited
	marks []mark

	// SavePath is what the save dialog offers first.
	SavePath string
	// Source names the canvas in the header of generated code.
	Source string

	dlg           dialog
	quitAfterSave bool
	width, height int
}

type mark struct {
	idx  []int
	path string
}

// dialog is an open builder dialog.
type dialog interface {
	common.Component
}

// Result tells the root model what a key did.
type Result struct {
	Handled bool   // the key was builder mode's
	Changed bool   // the canvas changed: show Doc().Root()
	Select  []int  // select this node (nil: keep the selection)
	Status  string // for the status line
	Err     bool   // Status is an error
	Leave   bool   // leave builder mode (re-stamp)
	Quit    bool   // quit the program
}

// New starts builder mode on doc. rec keeps the recovery file (nil: none);
// names are task names seen elsewhere, offered when naming a task.
func New(c *common.Common, doc *Doc, rec *Recovery, savePath string, names []string) *Model {
	return &Model{c: c, doc: doc, rec: rec, names: names, SavePath: savePath}
}

// Doc is the canvas being edited.
func (m *Model) Doc() *Doc { return m.doc }

// Recovery is the recovery file's writer, or nil.
func (m *Model) Recovery() *Recovery { return m.rec }

// Marked reports whether the node at a traversal path is marked for wrapping.
func (m *Model) Marked(path string) bool {
	for _, mk := range m.marks {
		if mk.path == path {
			return true
		}
	}
	return false
}

// Marks is the number of marked nodes.
func (m *Model) Marks() int { return len(m.marks) }

// DialogOpen reports whether a builder dialog has the keyboard.
func (m *Model) DialogOpen() bool { return m.dlg != nil }

// Dialog is the open dialog, or nil.
func (m *Model) Dialog() common.Component {
	if m.dlg == nil {
		return nil
	}
	return m.dlg
}

// SetSize sets the area dialogs are centered in.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	if m.dlg != nil {
		m.dlg.SetSize(w, h)
	}
}

func (m *Model) open(d dialog) {
	m.dlg = d
	d.SetSize(m.width, m.height)
}

// AskQuit opens the "unsaved edits" question; false when there is nothing
// unsaved and the program may quit at once.
func (m *Model) AskQuit() bool {
	if !m.doc.Dirty() {
		return false
	}
	m.open(&askDialog{c: m.c, title: "Unsaved edits", lines: []string{
		fmt.Sprintf("The canvas has unsaved edits (%d).", m.doc.Edits()),
		"s  save it, then quit",
		"d  discard the edits and quit",
		"esc  keep editing",
	}, keys: []askKey{{"s", "save and quit"}, {"d", "discard and quit"}}, purpose: askQuit})
	return true
}

// OfferRecovery opens the question about a recovery file left by an
// earlier run.
func (m *Model) OfferRecovery(p *Pending) {
	m.open(&askDialog{c: m.c, title: "Recover unsaved edits?", lines: []string{
		"An earlier session left unsaved edits:",
		p.Path,
		"saved " + p.ModTime.Format("2006-01-02 15:04:05"),
		"r  restore them (builder mode)",
		"d  delete the recovery file",
		"esc  decide later (the file stays)",
	}, keys: []askKey{{"r", "restore"}, {"d", "delete the file"}}, purpose: askRecover, pending: p})
}

// Update handles a key in builder mode; sel is the tree's selection.
func (m *Model) Update(msg tea.KeyMsg, sel []int, selNode outline.Node) (Result, tea.Cmd) {
	if m.dlg != nil {
		return m.updateDialog(msg, sel)
	}
	k := m.c.Keys
	switch {
	case key.Matches(msg, k.Builder):
		m.marks = nil
		return Result{Handled: true, Leave: true}, nil
	case key.Matches(msg, k.Quit):
		if m.AskQuit() {
			return Result{Handled: true}, nil
		}
		return Result{Handled: true, Quit: true}, nil
	case key.Matches(msg, k.Help):
		m.open(&helpDialog{c: m.c})
		return Result{Handled: true}, nil
	case key.Matches(msg, k.Insert):
		where, err := m.doc.InsertPlace(sel)
		if err != nil {
			where = "at " + selNode.Path // the dialog shows the error on enter
		}
		m.open(newNamePrompt(m.c, forInsert, m.doc.TaskNames(m.names...), where))
	case key.Matches(msg, k.ChordBody):
		if selNode.Kind() != "chord" {
			return Result{Handled: true, Status: selNode.Path + " is a " + selNode.Kind() + ": s sets a chord's body (w wraps nodes in a chord)", Err: true}, nil
		}
		m.open(newNamePrompt(m.c, forBody, m.doc.TaskNames(m.names...), "the body of "+selNode.Path))
	case key.Matches(msg, k.AddLink):
		m.open(newNamePrompt(m.c, forLink, m.doc.TaskNames(m.names...), "a callback of "+selNode.Path))
	case key.Matches(msg, k.AddErrback):
		m.open(newNamePrompt(m.c, forErrback, m.doc.TaskNames(m.names...), "an errback of "+selNode.Path))
	case key.Matches(msg, k.Wrap):
		what := selNode.Path
		if len(m.marks) > 0 {
			what = strconv.Itoa(len(m.marks)) + " marked nodes"
		}
		m.open(&wrapDialog{Model: menu.NewList(m.c, "Wrap "+what+" in", WrapKinds, 0)})
	case key.Matches(msg, k.Mark):
		return m.toggleMark(sel, selNode), nil
	case key.Matches(msg, k.ClearMarks):
		if len(m.marks) == 0 {
			return Result{}, nil
		}
		m.marks = nil
		return Result{Handled: true, Status: "marks cleared"}, nil
	case key.Matches(msg, k.EditNode):
		f, err := m.doc.FieldsOf(sel)
		if err != nil {
			return Result{Handled: true, Status: err.Error(), Err: true}, nil
		}
		m.open(newForm(m.c, selNode.Path, f))
	case key.Matches(msg, k.RemoveNode):
		return m.edited("deleted "+selNode.Path, sel, m.doc.Delete(sel))
	case key.Matches(msg, k.MoveUp), key.Matches(msg, k.MoveDown):
		d := 1
		if key.Matches(msg, k.MoveUp) {
			d = -1
		}
		to, err := m.doc.Move(sel, d)
		return m.edited("moved "+selNode.Path, to, err)
	case key.Matches(msg, k.Duplicate):
		to, err := m.doc.Duplicate(sel)
		return m.edited("duplicated "+selNode.Path, to, err)
	case key.Matches(msg, k.UndoEdit):
		label, ok := m.doc.Undo()
		if !ok {
			return Result{Handled: true, Status: "nothing to undo"}, nil
		}
		m.marks = nil
		return Result{Handled: true, Changed: true, Status: "undid " + label}, m.recoveryCmd()
	case key.Matches(msg, k.RedoEdit):
		label, ok := m.doc.Redo()
		if !ok {
			return Result{Handled: true, Status: "nothing to redo"}, nil
		}
		m.marks = nil
		return Result{Handled: true, Changed: true, Status: "redid " + label}, m.recoveryCmd()
	case key.Matches(msg, k.SaveCanvas):
		m.open(newSaveDialog(m.c, m.SavePath))
	default:
		return Result{}, nil
	}
	return Result{Handled: true}, nil
}

func (m *Model) toggleMark(sel []int, n outline.Node) Result {
	for i, mk := range m.marks {
		if mk.path == n.Path {
			m.marks = append(m.marks[:i], m.marks[i+1:]...)
			return Result{Handled: true, Status: fmt.Sprintf("unmarked %s (%d marked)", n.Path, len(m.marks))}
		}
	}
	if n.Role != outline.Task && n.Role != outline.Header && n.Role != outline.Link && n.Role != outline.Errback {
		return Result{Handled: true, Status: n.Path + " is not an item of a list: w wraps it alone", Err: true}
	}
	nm := mark{idx: append([]int(nil), sel...), path: n.Path}
	if len(m.marks) > 0 {
		first := m.marks[0].idx
		if len(first) != len(sel) || !equalInts(first[:len(first)-1], sel[:len(sel)-1]) {
			m.marks = nil // a node of another list: start again from it
		}
	}
	// keep the marks in list order
	at := len(m.marks)
	for i, mk := range m.marks {
		if mk.idx[len(mk.idx)-1] > sel[len(sel)-1] {
			at = i
			break
		}
	}
	m.marks = append(m.marks[:at], append([]mark{nm}, m.marks[at:]...)...)
	return Result{Handled: true, Status: fmt.Sprintf("marked %s (%d marked: w wraps them)", n.Path, len(m.marks))}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// edited turns an edit's outcome into a Result (and the recovery write).
func (m *Model) edited(what string, sel []int, err error) (Result, tea.Cmd) {
	if err != nil {
		if err == ErrNoChange {
			return Result{Handled: true, Status: "nothing changed"}, nil
		}
		return Result{Handled: true, Status: err.Error(), Err: true}, nil
	}
	m.marks = nil
	return Result{Handled: true, Changed: true, Select: sel, Status: what}, m.recoveryCmd()
}

// RecoveryMsg reports a recovery file write (or removal) that failed.
type RecoveryMsg struct{ Err error }

// recoveryCmd keeps the recovery file in line with the canvas: written
// while there are unsaved edits, removed when there are none.
func (m *Model) recoveryCmd() tea.Cmd {
	if m.rec == nil {
		return nil
	}
	m.gen++
	gen, rec := m.gen, m.rec
	if !m.doc.Dirty() {
		return func() tea.Msg { return RecoveryMsg{Err: rec.Remove(gen)} }
	}
	// A snapshot never changes (an edit adds a new one), so the file is
	// made from it in the command's goroutine, not while the key is
	// handled: on a 100k canvas that is 37 ms less per edit.
	snap := m.doc.JSON()
	return func() tea.Msg {
		root, err := canvas.Load(snap)
		if err == nil {
			var data []byte
			if data, err = export.CanvasJSON(root); err == nil {
				err = rec.Write(gen, data)
			}
		}
		return RecoveryMsg{Err: err}
	}
}

// Touch writes the recovery file for edits the doc started with (a
// recovered canvas), or nil when there are none.
func (m *Model) Touch() tea.Cmd {
	if !m.doc.Dirty() {
		return nil
	}
	return m.recoveryCmd()
}

// Discard removes the recovery file now (the user discarded the edits).
func (m *Model) Discard() error {
	if m.rec == nil {
		return nil
	}
	m.gen++
	return m.rec.Remove(m.gen)
}

// Format is what a saved file holds, chosen by its extension.
type Format struct {
	Ext, Name string
	// Reopens says whether stampede opens the file again (JSON and
	// scripts do; Python is for a Celery project).
	Reopens bool
}

// Formats are the save formats, in the order tab cycles through them.
var Formats = []Format{{".json", "Celery JSON", true}, {".star", "a canvas script", true}, {".py", "Python", false}}

// FormatOf is the format of a file name, by its extension.
func FormatOf(path string) (Format, bool) {
	ext := strings.ToLower(filepath.Ext(path))
	for _, f := range Formats {
		if f.Ext == ext {
			return f, true
		}
	}
	return Format{}, false
}

// Encode writes c in the format of path: Celery JSON (.json, what
// `stampede fmt` writes), a canvas script (.star) or Python (.py), both
// from canvas/codegen, whose header names source ("" for path's name).
func Encode(c *canvas.Dict, path, source string) ([]byte, Format, error) {
	if source == "" {
		source = filepath.Base(path)
	}
	f, ok := FormatOf(path)
	if !ok {
		return nil, f, fmt.Errorf("%s: name the file .json (Celery JSON), .star (canvas script) or .py (Python)", path)
	}
	var data []byte
	var err error
	switch f.Ext {
	case ".json":
		data, err = export.CanvasJSON(c)
	case ".star":
		data, err = codegen.ScriptCode(c, source)
	case ".py":
		data, err = codegen.PythonCode(c, source)
	}
	return data, f, err
}

// SavedMsg reports a save.
type SavedMsg struct {
	Path   string
	Format Format
	JSON   []byte // the canvas saved, as Doc.JSON() was when asked
	Err    error
}

func (m *Model) save(path string) tea.Cmd {
	data, f, err := Encode(m.doc.Root(), path, m.Source)
	if err != nil {
		return func() tea.Msg { return SavedMsg{Path: path, Format: f, Err: err} }
	}
	snap := m.doc.JSON()
	return func() tea.Msg {
		return SavedMsg{Path: path, Format: f, JSON: snap, Err: export.WriteFile(path, data)}
	}
}

// Saved takes the outcome of a save.
func (m *Model) Saved(msg SavedMsg) (Result, tea.Cmd) {
	if msg.Err != nil {
		m.quitAfterSave = false
		return Result{Handled: true, Status: "save failed: " + msg.Err.Error(), Err: true}, nil
	}
	if !msg.Format.Reopens {
		m.quitAfterSave = false
		return Result{Handled: true, Status: "wrote " + msg.Format.Name + " to " + msg.Path + " (still unsaved: save as .json or .star to open it again)"}, nil
	}
	m.doc.MarkSaved(msg.JSON)
	m.SavePath = msg.Path
	r := Result{Handled: true, Status: "saved " + msg.Format.Name + " to " + msg.Path}
	cmd := m.recoveryCmd()
	if m.quitAfterSave && !m.doc.Dirty() {
		r.Quit = true
	}
	m.quitAfterSave = false
	return r, cmd
}

func (m *Model) updateDialog(msg tea.KeyMsg, sel []int) (Result, tea.Cmd) {
	k := m.c.Keys
	switch d := m.dlg.(type) {
	case *helpDialog:
		if key.Matches(msg, k.Help) || key.Matches(msg, k.Cancel) || key.Matches(msg, k.Quit) {
			m.dlg = nil
		}
		return Result{Handled: true}, nil
	case *namePrompt:
		name, done, closed, cmd := d.Update(msg)
		if closed {
			m.dlg = nil
		}
		if !done {
			return Result{Handled: true}, cmd
		}
		var err error
		var to []int
		var what string
		switch d.purpose {
		case forInsert:
			to, err = m.doc.Insert(sel, name)
			what = "inserted " + name
		case forBody:
			err, what = m.doc.SetBody(sel, name), "chord body "+name
		case forLink:
			err, what = m.doc.Link(sel, name, false), "linked "+name
		case forErrback:
			err, what = m.doc.Link(sel, name, true), "errback "+name
		}
		if err != nil && err != ErrNoChange {
			d.err = err.Error()
			return Result{Handled: true}, nil
		}
		m.dlg = nil
		return m.edited(what, to, err)
	case *wrapDialog:
		i, _, done, closed, cmd := d.Update(msg)
		if closed {
			m.dlg = nil
		}
		if !done {
			return Result{Handled: true}, cmd
		}
		targets := [][]int{sel}
		if len(m.marks) > 0 {
			targets = nil
			for _, mk := range m.marks {
				targets = append(targets, mk.idx)
			}
		}
		first := targets[0]
		return m.edited("wrapped in "+WrapKinds[i], first, m.doc.Wrap(targets, WrapKind(i)))
	case *form:
		f, done, closed, cmd := d.Update(msg)
		if closed {
			m.dlg = nil
		}
		if !done {
			return Result{Handled: true}, cmd
		}
		if err := m.doc.Edit(sel, f); err != nil && err != ErrNoChange {
			m.dlg = d
			d.err = err.Error()
			return Result{Handled: true}, nil
		} else if err == ErrNoChange {
			m.dlg = nil
			return Result{Handled: true, Status: "nothing changed"}, nil
		}
		m.dlg = nil
		return m.edited("edited "+d.path, sel, nil)
	case *saveDialog:
		path, done, closed, cmd := d.Update(msg)
		if closed && !done {
			m.dlg = nil
			m.quitAfterSave = false
		}
		if !done {
			return Result{Handled: true}, cmd
		}
		m.dlg = nil
		return Result{Handled: true, Status: "saving…"}, m.save(path)
	case *askDialog:
		choice, closed := d.Update(msg)
		if closed {
			m.dlg = nil
		}
		switch {
		case d.purpose == askQuit && choice == "s":
			m.quitAfterSave = true
			m.open(newSaveDialog(m.c, m.SavePath))
		case d.purpose == askQuit && choice == "d":
			if err := m.Discard(); err != nil {
				return Result{Handled: true, Status: "could not remove the recovery file: " + err.Error(), Err: true, Quit: true}, nil
			}
			return Result{Handled: true, Quit: true}, nil
		case d.purpose == askRecover && choice == "r":
			doc, err := NewDocJSON(d.pending.Data, false)
			if err != nil {
				return Result{Handled: true, Status: "the recovery file does not load: " + err.Error() + " (it stays at " + d.pending.Path + ")", Err: true}, nil
			}
			m.doc = doc
			m.marks = nil
			return Result{Handled: true, Changed: true, Status: "restored the unsaved edits: save them with S"}, m.recoveryCmd()
		case d.purpose == askRecover && choice == "d":
			if err := os.Remove(d.pending.Path); err != nil {
				return Result{Handled: true, Status: err.Error(), Err: true, Leave: true}, nil
			}
			return Result{Handled: true, Status: "deleted " + d.pending.Path, Leave: true}, nil
		case d.purpose == askRecover && closed:
			return Result{Handled: true, Status: "the recovery file stays at " + d.pending.Path, Leave: true}, nil
		}
		return Result{Handled: true}, nil
	}
	return Result{Handled: true}, nil
}

// Help is builder mode's help.KeyMap (for the footer).
func (m *Model) Help() keys.Help {
	if m.dlg != nil {
		return keys.Help{ShortKeys: m.dlg.ShortHelp()}
	}
	return keys.Help{ShortKeys: m.c.Keys.BuilderShort(), FullKeys: m.c.Keys.BuilderFull()}
}

// PaneLines is the builder pane (under the inspector): the edits, newest
// last, the one shown marked, the ones that can be redone dimmed.
func (m *Model) PaneLines(w, h int) []string {
	t := m.c.Theme
	labels, at := m.doc.History()
	var out []string
	state := "saved"
	if m.doc.Dirty() {
		state = "unsaved"
	}
	head := fmt.Sprintf("%d edits · %s", m.doc.Edits(), state)
	if len(m.marks) > 0 {
		head += fmt.Sprintf(" · %d marked", len(m.marks))
	}
	out = append(out, t.Text.Render(head))
	rows := max(h-2, 1)
	start := max(0, min(at-rows/2, len(labels)-rows))
	for i := start; i < len(labels) && len(out) < h-1; i++ {
		l := fmt.Sprintf("%3d %s", i, labels[i])
		switch {
		case i == at:
			out = append(out, t.Accent.Render("▶"+l))
		case i > at:
			out = append(out, t.Muted.Render(" "+l+" (redo)"))
		default:
			out = append(out, t.Text.Render(" "+l))
		}
	}
	out = append(out, t.Muted.Render("E leaves builder mode and stamps again · ? keys"))
	return common.Box(out, w, h)
}
