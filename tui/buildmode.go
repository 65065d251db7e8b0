package tui

// This file wires builder mode (tui/builder) into the root model: E turns
// it on and off, every key goes to it while it is on, and leaving it
// stamps the edited canvas again. The root files only call the hooks at
// the bottom of this file.

import (
	"path/filepath"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/tui/builder"
	"github.com/stampede-dev/stampede/tui/common"
	"github.com/stampede-dev/stampede/tui/outline"
)

// buildMode is the root model's part of builder mode.
type buildMode struct {
	on bool
	b  *builder.Model // nil until builder mode is first used
	// stamped is the canvas JSON the session was stamped from, so leaving
	// without edits does not stamp again.
	stamped []byte
}

// BuilderMode reports whether builder mode is on.
func (m *Model) BuilderMode() bool { return m.bld != nil && m.bld.on }

// Builder is builder mode's model (nil until builder mode is first used).
func (m *Model) Builder() *builder.Model {
	if m.bld == nil {
		return nil
	}
	return m.bld.b
}

// defaultSavePath is what the save dialog offers first: the canvas file
// when it is JSON, else a .json beside it (a hand-written canvas script is
// not overwritten with generated code unless asked to), or canvas.json.
func (m *Model) defaultSavePath() string {
	if m.cfg.SavePath != "" {
		return m.cfg.SavePath
	}
	p := m.sess.Path
	switch {
	case p == "":
		return "canvas.json"
	case strings.EqualFold(filepath.Ext(p), ".json"):
		return p
	}
	return strings.TrimSuffix(p, filepath.Ext(p)) + ".json"
}

// newBuilder makes builder mode's model on the session's canvas as it was
// before stamping.
func (m *Model) newBuilder() error {
	s := m.sess
	var doc *builder.Doc
	var err error
	s.At(0, func() { doc, err = builder.NewDoc(s.Root, true) })
	if err != nil {
		return err
	}
	var names []string
	s.At(0, func() { names = builder.TaskNamesOf(s.Root) })
	var rec *builder.Recovery
	if !m.cfg.NoRecovery {
		rec = &builder.Recovery{Path: m.recoveryPath(s.Path, s.Name)}
	}
	m.bld.b = builder.New(m.com, doc, rec, m.defaultSavePath(), names)
	m.bld.b.Source = filepath.Base(s.Name)
	m.bld.stamped = doc.JSON()
	return nil
}

// initBuilder is called by New: it starts builder mode when asked to and
// offers a recovery file left by an earlier run.
func (m *Model) initBuilder() {
	m.bld = &buildMode{}
	var p *builder.Pending
	var err error
	if !m.cfg.NoRecovery {
		p, err = builder.FindRecovery(m.recoveryPath(m.sess.Path, m.sess.Name))
	}
	if err != nil {
		m.setStatus("cannot read the recovery file: "+err.Error(), true)
	}
	if m.cfg.Builder || p != nil {
		if err := m.newBuilder(); err != nil {
			m.setStatus("builder mode: "+err.Error(), true)
			return
		}
	}
	if m.cfg.Builder {
		m.enterBuilder()
		m.setStatus("builder mode: i inserts a task, ? lists the keys", false)
	}
	if p != nil {
		m.bld.b.OfferRecovery(p)
		m.bld.b.SetSize(m.width, m.layout().mainH)
	}
}

// enterBuilder turns builder mode on.
func (m *Model) enterBuilder() tea.Cmd {
	switch {
	case m.OpsMode():
		m.setStatus("leave the ops mode (O) before editing the canvas", true)
		return nil
	case m.loading:
		m.setStatus("still stamping: try again in a moment", true)
		return nil
	}
	if m.bld.b == nil {
		if err := m.newBuilder(); err != nil {
			m.setStatus("builder mode: "+err.Error(), true)
			return nil
		}
	}
	m.bld.on = true
	m.sess.Goto(0)
	m.errPane = nil
	m.tree.Marked = m.bld.b.Marked
	m.tree.SetRoot(outline.RootNode(m.bld.b.Doc().Root()))
	m.setFocus(PaneTree)
	m.setStatus("builder mode: edits change the canvas; E stamps it again", false)
	return m.bld.b.Touch()
}

// leaveBuilder turns builder mode off and stamps the edited canvas.
func (m *Model) leaveBuilder() tea.Cmd {
	m.bld.on = false
	m.tree.Marked = nil
	m.tree.SetRoot(outline.RootNode(m.sess.Root))
	data := m.bld.b.Doc().JSON()
	if string(data) == string(m.bld.stamped) {
		m.setStatus("left builder mode: no edits to stamp", false)
		return nil
	}
	m.bld.stamped = data
	cfg := m.sess.Config
	cfg.Data = data
	cfg.Load = nil // the edited canvas is Celery JSON, whatever it was opened from
	return m.restamp(cfg, "builder edits")
}

// applyBuild does what a builder Result asks of the root.
func (m *Model) applyBuild(r builder.Result, cmd tea.Cmd) tea.Cmd {
	b := m.bld.b
	if r.Changed {
		if !m.bld.on {
			cmd = tea.Batch(cmd, m.enterBuilder())
		}
		m.tree.SetRoot(outline.RootNode(b.Doc().Root()))
	} else if m.bld.on && m.tree.Root().Value != canvas.Value(b.Doc().Root()) {
		// an edit that failed worked on the root, and the doc loaded it anew
		m.tree.SetRoot(outline.RootNode(b.Doc().Root()))
	}
	if r.Status != "" {
		m.setStatus(r.Status, r.Err)
	}
	if r.Select != nil {
		m.tree.RevealIndex(r.Select)
	}
	if r.Leave && m.bld.on {
		cmd = tea.Batch(cmd, m.leaveBuilder())
	}
	if r.Quit {
		// what comes with a quit is the recovery file's removal: done
		// now, so that the program does not end before it
		if cmd != nil {
			cmd()
		}
		return tea.Quit
	}
	m.refresh()
	return cmd
}

// builderMsg is the root's hook: it handles builder mode's messages, and
// keys and mouse events while builder mode (or one of its dialogs) is on,
// plus E and an unsaved quit on the main screen. ok says the message was
// taken.
func (m *Model) builderMsg(msg tea.Msg) (tea.Cmd, bool) {
	if m.bld == nil {
		return nil, false
	}
	b := m.bld.b
	switch msg := msg.(type) {
	case builder.SavedMsg:
		if b == nil {
			return nil, true
		}
		return m.applyBuild(b.Saved(msg)), true
	case builder.RecoveryMsg:
		if msg.Err != nil {
			m.setStatus("recovery file: "+msg.Err.Error(), true)
		}
		return nil, true
	case tea.MouseMsg:
		if !m.BuilderMode() {
			return nil, false
		}
		if l := m.layout(); msg.X < l.treeW && msg.Y < l.mainH && (b == nil || !b.DialogOpen()) {
			m.mouse(msg)
			m.refresh()
		}
		return nil, true
	case tea.KeyMsg:
		if msg.Type == tea.KeyCtrlC {
			return nil, false // quits at once: the recovery file stays
		}
		dialog := b != nil && b.DialogOpen()
		if !m.BuilderMode() && !dialog {
			if m.screen != ScreenMain || m.OpsMode() {
				return nil, false
			}
			k := m.com.Keys
			switch {
			case key.Matches(msg, k.Builder):
				cmd := m.enterBuilder()
				m.refresh()
				return cmd, true
			case key.Matches(msg, k.Quit) && b != nil && b.AskQuit():
				b.SetSize(m.width, m.layout().mainH)
				return nil, true
			}
			return nil, false
		}
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste {
			var cmds []tea.Cmd
			for _, r := range msg.Runes {
				cmd, _ := m.builderMsg(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt})
				cmds = append(cmds, cmd)
			}
			return tea.Batch(cmds...), true
		}
		b.SetSize(m.width, m.layout().mainH)
		var idx []int
		if m.BuilderMode() {
			idx = m.tree.SelectedIndex()
		}
		r, cmd := b.Update(msg, idx, m.tree.Selected())
		if !r.Handled && m.BuilderMode() {
			k := m.com.Keys
			switch {
			case key.Matches(msg, k.Focus):
				if m.focus == PaneTree {
					m.setFocus(PaneInspector)
				} else {
					m.setFocus(PaneTree)
				}
			case key.Matches(msg, k.Theme):
				m.cycleTheme()
			case key.Matches(msg, k.Cancel):
				m.setFocus(PaneTree)
			case m.focus == PaneInspector:
				m.insp.Update(msg)
			default:
				m.tree.Update(msg)
			}
		}
		return m.applyBuild(r, cmd), true
	}
	return nil, false
}

// builderView draws the screen while builder mode or one of its dialogs
// is on; ok is false otherwise.
func (m *Model) builderView() (string, bool) {
	if m.bld == nil || m.bld.b == nil || !(m.bld.on || m.bld.b.DialogOpen()) {
		return "", false
	}
	b := m.bld.b
	l := m.layout()
	t := m.com.Theme
	var main []string
	if d := b.Dialog(); d != nil {
		d.SetSize(l.w, l.mainH)
		main = strings.Split(d.View(), "\n")
	} else {
		title := "Builder"
		if b.Doc().Dirty() {
			title += " (unsaved)"
		}
		left := []string{m.com.Title(title, l.treeW, m.focus == PaneTree)}
		left = append(left, strings.Split(m.tree.View(), "\n")...)
		right := []string{m.com.Title("Inspector", l.rightW, m.focus == PaneInspector)}
		right = append(right, strings.Split(m.insp.View(), "\n")...)
		right = append(right, m.com.Title("Edits", l.rightW, false))
		right = append(right, b.PaneLines(l.rightW, l.mainH-len(right))...)
		left = common.Box(left, l.treeW, l.mainH)
		right = common.Box(right, l.rightW, l.mainH)
		sep := t.Border.Render("│")
		main = make([]string, l.mainH)
		for i := range main {
			main[i] = left[i] + sep + right[i]
		}
	}
	main = common.Box(main, l.w, l.mainH)
	info := t.Muted.Render("builder mode: the trace is stamped again when you leave it (E)")
	if !m.bld.on {
		info = m.tl.View()
	}
	state := "saved"
	if b.Doc().Dirty() {
		state = "unsaved"
	}
	parts := []string{t.Accent.Render(m.sess.Name), t.Text.Render("builder"), t.Text.Render(state)}
	left := strings.Join(parts, t.Muted.Render(" · "))
	st := t.Muted
	if m.statusErr {
		st = t.Error
	}
	status := common.Fit(left+t.Muted.Render(" │ ")+st.Render(common.Cut(m.status, max(l.w-common.Width(left)-3, 0))), l.w)
	h := m.com.Help(l.w)
	lines := append(main, common.Fit(info, l.w), status, common.Fit(h.View(b.Help()), l.w))
	return strings.Join(lines, "\n"), true
}
