package tui

import (
	"fmt"
	"path/filepath"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/stampede-dev/stampede/replay"
	"github.com/stampede-dev/stampede/tui/builder"
	"github.com/stampede-dev/stampede/tui/menu"
)

// An ops session with unsaved ops is kept in a recovery file, as builder
// mode keeps unsaved edits: written after every op and undo, removed when
// the session is saved or all its ops are undone, left in place when the
// program quits or dies. The next start on the same canvas offers it.

// opsRecoveryPath is where this canvas's unsaved ops are kept: beside the
// session file it would be saved to (".NAME.session.json.recover.json"),
// or in the user cache dir for a canvas with no file.
func (m *Model) opsRecoveryPath() string {
	base := m.cfg.OpsPath
	if base == "" && m.sess.Path != "" {
		base = strings.TrimSuffix(m.sess.Path, filepath.Ext(m.sess.Path)) + ".session.json"
	}
	return m.recoveryPath(base, filepath.Base(m.sess.Name)+".session")
}

// recoveryPath is builder.RecoveryPath in Config.RecoveryDir when that is
// set.
func (m *Model) recoveryPath(path, name string) string {
	p := builder.RecoveryPath(path, name)
	if m.cfg.RecoveryDir == "" {
		return p
	}
	return filepath.Join(m.cfg.RecoveryDir, filepath.Base(p))
}

// keepOpsRecovery brings the recovery file in line with the session after
// an op, an undo or a save: the session's JSON while it has unsaved ops,
// no file otherwise. The JSON is made and written in a command, in order
// (builder.Recovery): on a large canvas making it took as long as the op.
func (m *Model) keepOpsRecovery() tea.Cmd {
	o := m.ops
	if o == nil || m.cfg.NoRecovery {
		return nil
	}
	if o.rec == nil {
		o.rec = &builder.Recovery{Path: m.opsRecoveryPath()}
	}
	o.recGen++
	gen, rec := o.recGen, o.rec
	s := o.player.Session
	if o.saved == len(s.Ops) || len(s.Ops) == 0 {
		return func() tea.Msg { return builder.RecoveryMsg{Err: rec.Remove(gen)} }
	}
	// The ops played so far: the ones played next go after them and are
	// not seen; a played op, its arguments and its recording never change.
	played := s.Prefix(len(s.Ops))
	return func() tea.Msg {
		data, err := played.EncodeIndent(-1)
		if err != nil {
			return builder.RecoveryMsg{Err: err}
		}
		return builder.RecoveryMsg{Err: rec.Write(gen, data)}
	}
}

// pendingOps is a recovery file found at start, while the user decides.
type pendingOps struct {
	path    string
	session *replay.Session
	ask     *menu.Model
}

// offerOpsRecovery is called by New: when an earlier run left unsaved ops
// for this canvas, it asks whether to restore them.
func (m *Model) offerOpsRecovery() {
	if m.cfg.NoRecovery || m.cfg.Builder || (m.bld != nil && m.bld.b != nil && m.bld.b.DialogOpen()) {
		return // one question at a time: builder mode's comes first
	}
	path := m.opsRecoveryPath()
	p, err := builder.FindRecovery(path)
	if err != nil || p == nil {
		if err != nil {
			m.setStatus("cannot read the ops recovery file: "+err.Error(), true)
		}
		return
	}
	s, err := replay.ParseSession(p.Data)
	if err != nil {
		m.setStatus(fmt.Sprintf("the ops recovery file %s is not a session (%v): left as it is", path, err), true)
		return
	}
	title := fmt.Sprintf("%d unsaved ops from %s", len(s.Ops), p.ModTime.Format("2006-01-02 15:04"))
	m.opsOffer = &pendingOps{path: path, session: s, ask: menu.NewList(m.com, title, []string{
		"restore them (ops mode)",
		"delete the recovery file",
	}, 0)}
	m.screen = ScreenOpsRecover
	m.resize()
}

// opsRecoverDialog handles a key while the question is open; esc leaves
// the file for later.
func (m *Model) opsRecoverDialog(msg tea.KeyMsg) (tea.Cmd, bool) {
	if m.screen != ScreenOpsRecover || m.opsOffer == nil {
		return nil, false
	}
	o := m.opsOffer
	index, _, done, closed, cmd := o.ask.Update(msg)
	if !done && !closed {
		return cmd, true
	}
	m.opsOffer = nil
	m.screen = ScreenMain
	m.resize()
	switch {
	case !done:
		m.setStatus("the unsaved ops stay in "+o.path+" until you decide (next start)", false)
	case index == 0:
		if err := m.startOps(o.session, m.cfg.OpsPath); err != nil {
			m.setStatus("cannot restore the ops: "+err.Error(), true)
			return cmd, true
		}
		m.ops.saved = -1 // restored, not saved
		m.ops.rec = &builder.Recovery{Path: o.path}
		m.setStatus(fmt.Sprintf("restored %d unsaved ops · w saves the session", len(o.session.Ops)), false)
		m.refresh()
	default:
		rec := &builder.Recovery{Path: o.path}
		if err := rec.Remove(1); err != nil {
			m.setStatus("cannot delete the recovery file: "+err.Error(), true)
		} else {
			m.setStatus("deleted the unsaved ops of an earlier run", false)
		}
	}
	return cmd, true
}
