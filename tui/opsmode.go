package tui

// The ops mode: the TUI side of recorded sessions. Where the stepping
// debugger walks one stamp() call hook by hook, the ops mode shows the
// canvas of a replay.Player — the initial canvas with every op applied so
// far — and lets the user apply any op (stamp, clone, replace, …) to the
// selected node from a menu, undo the last one, see the stamps each op lost
// (struck through in the tree and inspector), read the ledger of the
// selected node and save the session for `stampede replay`. The stepping
// session stays as it was; O switches between the two.

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/replay"
	"github.com/stampede-dev/stampede/tui/builder"
	"github.com/stampede-dev/stampede/tui/common"
	"github.com/stampede-dev/stampede/tui/finder"
	"github.com/stampede-dev/stampede/tui/inspector"
	"github.com/stampede-dev/stampede/tui/keys"
	"github.com/stampede-dev/stampede/tui/ledger"
	"github.com/stampede-dev/stampede/tui/menu"
	"github.com/stampede-dev/stampede/tui/ops"
	"github.com/stampede-dev/stampede/tui/outline"
	"github.com/stampede-dev/stampede/visitors"
	"github.com/stampede-dev/stampede/visitors/python"
)

// The ops mode's dialogs. They are numbered apart from the other screens
// so that screens added elsewhere never collide with them.
const (
	// ScreenOps is the apply-an-op dialog (o).
	ScreenOps Screen = 100 + iota
	// ScreenSaveSession asks where to save the session (w).
	ScreenSaveSession
	// ScreenOpsRecover offers the unsaved ops an earlier run left.
	ScreenOpsRecover
)

// opsMode is the state of the ops mode; it lives from the first o (or the
// opening of a session file) to the end of the program, on or off.
type opsMode struct {
	player   *replay.Player
	on       bool
	path     string // the session file it was opened from or saved to
	saved    int    // the number of ops when last saved or opened
	pane     *ledger.Model
	nodeView bool // the pane shows the selected node's ledger, not the ops
	dialog   *ops.Model
	save     *menu.Model
	rec      *builder.Recovery // the recovery file of unsaved ops (opsrecover.go)
	recGen   int
	undoing  bool // an undo is being replayed in the background (see undo)
}

// OpsMode reports whether the ops mode is on: the tree shows the session's
// current canvas.
func (m *Model) OpsMode() bool { return m.ops != nil && m.ops.on }

// OpsPlayer is the ops session's player, or nil before the first op.
func (m *Model) OpsPlayer() *replay.Player {
	if m.ops == nil {
		return nil
	}
	return m.ops.player
}

// OpsDialog is the apply-an-op dialog (nil when closed).
func (m *Model) OpsDialog() *ops.Model {
	if m.ops == nil {
		return nil
	}
	return m.ops.dialog
}

// SavePrompt is the save-session dialog (nil when closed).
func (m *Model) SavePrompt() *menu.Model {
	if m.ops == nil {
		return nil
	}
	return m.ops.save
}

// LedgerPane is the ops mode's lower right pane (nil before the ops mode).
func (m *Model) LedgerPane() *ledger.Model {
	if m.ops == nil {
		return nil
	}
	return m.ops.pane
}

// LedgerShown reports whether that pane shows the selected node's ledger
// (rather than the list of ops).
func (m *Model) LedgerShown() bool { return m.ops != nil && m.ops.nodeView }

// SessionPath is the session file the ops were opened from or saved to.
func (m *Model) SessionPath() string {
	if m.ops == nil {
		return ""
	}
	return m.ops.path
}

// resolver runs the visitors of live stamp ops: built-in names, and .star
// or .py files looked up beside the canvas (or session) file.
func (m *Model) resolver() replay.Resolver {
	dir := m.sess.Dir()
	return func(name string) (visitors.Visitor, error) { return python.Resolve(name, dir) }
}

// startOps plays a session (the ops of a file, or none on the canvas
// before stamping) and turns the ops mode on.
func (m *Model) startOps(s *replay.Session, path string) error {
	p, err := replay.Play(s, replay.Config{Resolve: m.resolver(), Ledger: true, NoSnapshots: true})
	if err != nil {
		return err
	}
	m.enterOps(p, path)
	return nil
}

// enterOps turns the ops mode on with a played session.
func (m *Model) enterOps(p *replay.Player, path string) {
	m.ops = &opsMode{player: p, path: path, saved: len(p.Session.Ops), pane: ledger.New(m.com)}
	m.tree.Lost = m.lostKeys
	m.insp.Lost = m.lostItems
	m.setOpsOn(true)
	if p.Err != nil {
		m.setStatus("the session stopped: "+p.Err.Error()+" (z undoes that op)", true)
	} else {
		m.setStatus(fmt.Sprintf("ops mode: %d ops played, %d stamps lost · o applies an op · s ledger · w saves", p.Played(), p.Ledger.Count(replay.Lost)), false)
	}
}

// setOpsOn switches the tree between the ops session's canvas and the
// stepping session's.
func (m *Model) setOpsOn(on bool) {
	m.ops.on = on
	if on {
		m.tree.SetRoot(outline.RootNode(m.ops.player.Current))
	} else {
		m.tree.SetRoot(outline.RootNode(m.sess.Root))
	}
	if m.focus == PaneStep || m.focus == PaneTimeline {
		m.setFocus(PaneTree)
	}
	m.resize()
}

func (m *Model) lostKeys(path string) []string {
	if !m.OpsMode() || m.ops.player.Ledger == nil {
		return nil
	}
	if h := m.ops.player.Ledger.NodeAt(path); h != nil {
		return h.LostKeys()
	}
	return nil
}

func (m *Model) lostItems(path string) []inspector.Item {
	if !m.OpsMode() || m.ops.player.Ledger == nil {
		return nil
	}
	h := m.ops.player.Ledger.NodeAt(path)
	if h == nil {
		return nil
	}
	var out []inspector.Item
	for _, k := range h.LostKeys() {
		it := inspector.Item{Key: k, Lost: true}
		for _, e := range h.Events {
			if e.Key == k && e.Kind == replay.Lost && e.HasOld {
				it.Value = e.Old
			}
		}
		out = append(out, it)
	}
	return out
}

// opsKey handles the keys of the ops mode on the main screen; handled is
// false for the keys it leaves to the stepping debugger.
func (m *Model) opsKey(msg tea.KeyMsg) (cmd tea.Cmd, handled bool) {
	k := m.com.Keys
	switch {
	case m.ops == nil && m.opsStart != nil && (key.Matches(msg, k.ApplyOp) || key.Matches(msg, k.OpsMode)):
		m.setStatus("ops mode: still preparing the session…", false)
		return nil, true
	case m.ops != nil && m.ops.undoing && (key.Matches(msg, k.ApplyOp) || key.Matches(msg, k.Undo) || key.Matches(msg, k.Save)):
		m.setStatus("ops mode: still taking the last op back…", false)
		return nil, true
	case key.Matches(msg, k.ApplyOp):
		if m.ops == nil {
			// the dialog opens once the session is ready
			cmd, err := m.newOps(true)
			if err != nil {
				m.setStatus("cannot start a session: "+err.Error(), true)
			}
			return cmd, true
		}
		if !m.ops.on {
			m.setOpsOn(true)
		}
		m.openOpDialog()
		return nil, true
	case key.Matches(msg, k.OpsMode):
		switch {
		case m.ops == nil:
			cmd, err := m.newOps(false)
			if err != nil {
				m.setStatus("cannot start a session: "+err.Error(), true)
			}
			return cmd, true
		case m.ops.on:
			m.setOpsOn(false)
			m.setStatus("stepping mode: the ops session is kept (O goes back to it)", false)
		default:
			m.setOpsOn(true)
			m.setStatus(fmt.Sprintf("ops mode: %d ops", m.ops.player.Played()), false)
		}
		return nil, true
	case key.Matches(msg, k.Save):
		if m.ops == nil {
			m.setStatus("nothing recorded yet: o applies an op and starts a session", false)
			return nil, true
		}
		m.ops.save = menu.NewPrompt(m.com, "Save session", "file ", "enter: "+shortPath(m.defaultSessionPath(), 38))
		m.screen = ScreenSaveSession
		m.resize()
		return nil, true
	}
	if !m.OpsMode() {
		return nil, false
	}
	switch {
	case key.Matches(msg, k.Ledger):
		m.ops.nodeView = !m.ops.nodeView
		if m.ops.nodeView {
			m.setStatus("ledger of "+m.tree.Selected().Path+" (s shows the ops)", false)
		} else {
			m.setStatus("the ops and what each lost (s shows the selected node's ledger)", false)
		}
	case key.Matches(msg, k.Undo):
		return m.undoOp(), true
	case key.Matches(msg, k.Find):
		m.finder = finder.New(m.com, finder.Collect(outline.RootNode(m.ops.player.Current)))
		m.screen = ScreenFind
		m.resize()
	case key.Matches(msg, k.Next), key.Matches(msg, k.Prev), key.Matches(msg, k.Continue),
		key.Matches(msg, k.End), key.Matches(msg, k.Restart), key.Matches(msg, k.GotoStep),
		key.Matches(msg, k.UntilSel), key.Matches(msg, k.UntilHook), key.Matches(msg, k.JumpStep),
		key.Matches(msg, k.Visitor), key.Matches(msg, k.Append), key.Matches(msg, k.Export):
		m.setStatus("ops mode shows the session's canvas: O goes back to stepping (a stamp op's visitor is chosen in o)", false)
	case m.focus == PaneStep && (key.Matches(msg, k.Up) || key.Matches(msg, k.Down) ||
		key.Matches(msg, k.PageUp) || key.Matches(msg, k.PageDown) || key.Matches(msg, k.Home) || key.Matches(msg, k.Bottom)):
		m.ops.pane.Update(msg)
	case m.focus == PaneTimeline && key.Matches(msg, k.Confirm):
		m.setStatus("the hook timeline shows the last stamp op; O goes back to stepping", false)
	default:
		return nil, false
	}
	return nil, true
}

// bigOps is the number of hook calls from which a new session is played
// in the background: on a million signatures copying the canvas and
// building the ledger take seconds. A smaller one starts at once, in step
// with the keys that follow.
const bigOps = 50_000

// opsStarting is a new session being played in the background.
type opsStarting struct {
	gen    int  // the restamp count when it started (see Model.gen)
	dialog bool // o started it: the op dialog opens when it is ready
}

// opsCopyMsg asks for the copy a session starts from, once the status line
// says that it is being prepared.
type opsCopyMsg struct{}

// opsStartedMsg brings the player of a session started in the background.
type opsStartedMsg struct {
	player *replay.Player
	err    error
}

// newOps starts a session on the canvas as it was before stamping, with the
// op dialog open when dialog is set. On a large canvas it only says so and
// returns the command that goes on with opsCopy.
func (m *Model) newOps(dialog bool) (tea.Cmd, error) {
	if m.sess.Len() >= bigOps {
		m.opsStart = &opsStarting{gen: m.gen, dialog: dialog}
		m.setStatus("ops mode: preparing the session…", false)
		return func() tea.Msg { return opsCopyMsg{} }, nil
	}
	if err := m.startOps(m.opsSession(), ""); err != nil {
		return nil, err
	}
	m.newOpsStarted(dialog)
	return nil, nil
}

// opsSession is a new session on a copy of the canvas before stamping.
func (m *Model) opsSession() *replay.Session {
	var s *replay.Session
	m.sess.At(0, func() { s = replay.NewSession(m.sess.Root) }) // a copy, as it is now
	s.Name = strings.TrimSuffix(filepath.Base(m.sess.Name), filepath.Ext(m.sess.Name))
	return s
}

// opsCopy copies the canvas (here, where nothing else touches the stepping
// session) and returns the command that plays the new session on it.
func (m *Model) opsCopy() tea.Cmd {
	if m.opsStart == nil {
		return nil
	}
	if m.opsStale(m.opsStart) {
		m.opsStart = nil
		return nil
	}
	s := m.opsSession()
	cfg := replay.Config{Resolve: m.resolver(), Ledger: true, NoSnapshots: true}
	return func() tea.Msg {
		p, err := replay.Play(s, cfg)
		return opsStartedMsg{player: p, err: err}
	}
}

// newOpsStarted marks a new session as unsaved, says what to do next and
// opens the op dialog when asked.
func (m *Model) newOpsStarted(dialog bool) {
	m.ops.saved = -1 // nothing saved yet
	if dialog {
		m.setStatus("ops mode: a new session on the canvas before stamping", false)
		m.openOpDialog()
		return
	}
	m.setStatus("ops mode: a new session on the canvas before stamping · o applies an op to the selected node", false)
}

// opsStarted turns the ops mode on with a session played in the
// background, unless the canvas was stamped again or the screen moved on
// meanwhile.
func (m *Model) opsStarted(msg opsStartedMsg) {
	st := m.opsStart
	m.opsStart = nil
	switch {
	case st == nil || m.ops != nil:
		return
	case msg.err != nil:
		m.setStatus("cannot start a session: "+msg.err.Error(), true)
		return
	case m.opsStale(st):
		return
	}
	m.enterOps(msg.player, "")
	m.newOpsStarted(st.dialog)
}

// opsStale reports, and says, that a session being prepared no longer
// fits: the canvas was stamped again, or a dialog or the builder is open.
func (m *Model) opsStale(st *opsStarting) bool {
	if st.gen == m.gen && m.screen == ScreenMain && !m.BuilderMode() {
		return false
	}
	m.setStatus("the ops mode did not start: the canvas or the screen changed while it was being prepared (O starts it again)", false)
	return true
}

// openOpDialog opens the apply-an-op dialog on the selected node.
func (m *Model) openOpDialog() {
	n := m.tree.Selected()
	label := n.Path
	if name := outline.TaskName(n.Value); name != "" {
		label = name + " " + n.Path
	}
	m.ops.dialog = ops.New(m.com, n.Path, label, m.opDefaults())
	m.screen = ScreenOps
	m.resize()
}

// opDefaults prefills the stamp op with the stepping session's visitor.
func (m *Model) opDefaults() map[string]map[string]string {
	s := m.sess
	return map[string]map[string]string{
		"stamp": {
			"visitor":       canvas.MustEncode(s.Visitor),
			"append_stamps": strconv.FormatBool(s.Append),
			"headers":       strings.TrimSpace(s.Headers),
		},
	}
}

func (m *Model) defaultSessionPath() string {
	if m.ops.path != "" {
		return m.ops.path
	}
	if m.sess.Path == "" {
		return "stampede.session.json"
	}
	p := m.sess.Path
	return strings.TrimSuffix(p, filepath.Ext(p)) + ".session.json"
}

// shortPath keeps a path to about w cells: its file name after "…/" when
// the whole path is longer.
func shortPath(p string, w int) string {
	if common.Width(p) <= w {
		return p
	}
	return "…/" + filepath.Base(p)
}

// applyOp plays one op and returns the command that writes the recovery
// file. An op that fails is reported and taken back (see undo), so the
// session can go on.
func (m *Model) applyOp(op *replay.Op) tea.Cmd {
	p := m.ops.player
	i := p.Played()
	if err := p.Do(op); err != nil {
		return m.undo(p, op.Summary()+" failed, not recorded: "+err.Error(), true)
	}
	m.tree.SetRoot(outline.RootNode(p.Current))
	// the keys lost, node by node
	var lost []string
	keys := map[*replay.NodeHistory][]string{}
	var order []*replay.NodeHistory
	for _, l := range p.Ledger.Losses() {
		if l.Event.Op == i {
			if keys[l.Node] == nil {
				order = append(order, l.Node)
			}
			keys[l.Node] = append(keys[l.Node], l.Event.Key)
		}
	}
	for _, n := range order {
		lost = append(lost, strings.Join(keys[n], ", ")+" on "+n.Label())
	}
	var removed []string
	for _, n := range p.Ledger.Nodes {
		for _, e := range n.Events {
			if e.Op == i && e.Kind == replay.Removed {
				removed = append(removed, n.Label())
			}
		}
	}
	what := fmt.Sprintf("op %d %s", i, op.Name())
	if at := op.At(); at != "$" && len(lost)+len(removed) == 0 {
		what += " at " + at
	}
	switch {
	case len(lost) > 0:
		m.setStatus(what+": lost "+strings.Join(lost, "; "), true)
	case len(removed) > 0:
		m.setStatus(what+": no stamp lost; removed "+strings.Join(removed, ", ")+" with its stamps (s: ledger)", false)
	default:
		m.setStatus(what+": no stamp lost", false)
	}
	return m.keepOpsRecovery()
}

// undoOp takes the last op back (z).
func (m *Model) undoOp() tea.Cmd {
	p := m.ops.player
	if len(p.Session.Ops) == 0 {
		m.setStatus("no op to undo", false)
		return nil
	}
	return m.undo(p, "undone: "+p.Session.Ops[len(p.Session.Ops)-1].Summary(), false)
}

// undoneMsg brings the player of an undo replayed in the background.
type undoneMsg struct {
	from, back *replay.Player
	status     string
	alert      bool
	err        error
}

// undo puts in the place of p a player that has played every op of p but
// the last (replaying the session), then says status. On a large canvas
// (bigOps) that takes seconds: the replay runs in a command, the status
// line says so, and o, z and w wait for it. The command that returns
// writes the recovery file.
func (m *Model) undo(p *replay.Player, status string, alert bool) tea.Cmd {
	if m.sess.Len() < bigOps {
		back, err := p.Undo()
		return m.undone(undoneMsg{from: p, back: back, status: status, alert: alert, err: err})
	}
	m.ops.undoing = true
	m.setStatus("ops mode: taking the last op back…", false)
	return func() tea.Msg {
		// p is not changed meanwhile: o, z and w wait (see opsKey)
		back, err := p.Undo()
		return undoneMsg{from: p, back: back, status: status, alert: alert, err: err}
	}
}

// undone puts the player of an undo in place, unless the session it
// undid is no longer the one shown.
func (m *Model) undone(msg undoneMsg) tea.Cmd {
	if m.ops == nil || m.ops.player != msg.from {
		return nil
	}
	m.ops.undoing = false
	if msg.err != nil {
		m.setStatus(msg.status+" · undo failed: "+msg.err.Error(), true)
		m.tree.SetRoot(outline.RootNode(msg.from.Current))
		return nil
	}
	m.ops.player = msg.back
	m.tree.SetRoot(outline.RootNode(msg.back.Current))
	m.setStatus(msg.status, msg.alert)
	return m.keepOpsRecovery()
}

// savedMsg reports a session write.
type savedMsg struct {
	path string
	ops  int
	err  error
}

// saveSession writes the session as it is now, in a tea.Cmd, atomically
// (replay.Session.WriteFile).
func (m *Model) saveSession(path string) tea.Cmd {
	s := *m.ops.player.Session
	s.Ops = append([]*replay.Op(nil), s.Ops...)
	m.setStatus("saving…", false)
	return func() tea.Msg {
		return savedMsg{path: path, ops: len(s.Ops), err: s.WriteFile(path)}
	}
}

// opsMsg handles the ops mode's messages.
func (m *Model) opsMsg(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case opsCopyMsg:
		return m.opsCopy(), true
	case opsStartedMsg:
		m.opsStarted(msg)
		return nil, true
	case undoneMsg:
		return m.undone(msg), true
	}
	sm, ok := msg.(savedMsg)
	if !ok {
		return nil, false
	}
	if sm.err != nil {
		m.setStatus("save failed: "+sm.err.Error(), true)
		return nil, true
	}
	if m.ops != nil {
		m.ops.path, m.ops.saved = sm.path, sm.ops
	}
	m.setStatus(fmt.Sprintf("saved the session (%d ops) to %s · stampede replay -check %s", sm.ops, sm.path, sm.path), false)
	return m.keepOpsRecovery(), true
}

// opsDialog handles a key on one of the ops mode's dialogs.
func (m *Model) opsDialog(msg tea.KeyMsg) (tea.Cmd, bool) {
	if m.ops == nil {
		return nil, false
	}
	back := func() {
		m.screen = ScreenMain
		m.resize()
	}
	switch m.screen {
	case ScreenOps:
		op, closed, cmd := m.ops.dialog.Update(msg)
		if closed {
			m.ops.dialog = nil
			back()
		}
		if op != nil {
			cmd = tea.Batch(cmd, m.applyOp(op))
		}
		return cmd, true
	case ScreenSaveSession:
		_, text, done, closed, cmd := m.ops.save.Update(msg)
		if closed {
			m.ops.save = nil
			back()
			return cmd, true
		}
		if done {
			path := strings.TrimSpace(text)
			if path == "" {
				path = m.defaultSessionPath()
			}
			m.ops.save = nil
			back()
			return m.saveSession(path), true
		}
		return cmd, true
	}
	return nil, false
}

// opsComponent is the ops mode's open dialog, or nil.
func (m *Model) opsComponent() common.Component {
	switch {
	case m.screen == ScreenOpsRecover && m.opsOffer != nil:
		return m.opsOffer.ask
	case m.ops == nil:
	case m.screen == ScreenOps && m.ops.dialog != nil:
		return m.ops.dialog
	case m.screen == ScreenSaveSession && m.ops.save != nil:
		return m.ops.save
	}
	return nil
}

// refreshOps brings the ops mode's panes in line after a change (called
// at the end of refresh).
func (m *Model) refreshOps() {
	if !m.OpsMode() {
		return
	}
	p := m.ops.player
	if m.tree.Root().Value != canvas.Value(p.Current) {
		// a restamp of the stepping session landed while in the ops mode
		m.tree.SetRoot(outline.RootNode(p.Current))
	}
	m.tree.Current = ""
	m.insp.SetNode(m.tree.Selected())
	l := m.layout()
	m.ops.pane.SetSize(l.rightW, l.stepH)
	if m.ops.nodeView {
		n := m.tree.Selected()
		m.ops.pane.SetNode(p.Ledger.NodeAt(n.Path), n.Path)
	} else {
		m.ops.pane.SetSession(p.Session.Ops, p.Ledger, p.ErrStep, p.Err)
	}
	// the hook timeline shows the last stamp op's hook calls
	var last []int
	for i, op := range p.Session.Ops {
		if op.Name() == "stamp" && i < len(p.Traces) && p.Traces[i] != nil {
			last = append(last, i)
		}
	}
	m.tl.SetSize(l.w-l.w*2/5-3, 1)
	if len(last) > 0 {
		tr := p.Traces[last[len(last)-1]]
		m.tl.SetTrace(tr.Steps, tr.Len(), -1)
	} else {
		m.tl.SetTrace(nil, 0, -1)
	}
}

// opsTitle is the tree's title in the ops mode.
func (m *Model) opsTitle(title string) string {
	if !m.OpsMode() {
		return title
	}
	n := m.ops.player.Played()
	if n == 0 {
		return "Canvas (ops mode, before any op)"
	}
	return fmt.Sprintf("Canvas after op %d", n-1)
}

// opsPane is the lower right pane of the ops mode, with its title.
func (m *Model) opsPane(l layout) []string {
	title := "Ops (s: ledger of the node)"
	if m.ops.nodeView {
		title = "Ledger of " + m.tree.Selected().Path + " (s: ops)"
	}
	out := []string{m.com.Title(title, l.rightW, m.focus == PaneStep)}
	return append(out, strings.Split(m.ops.pane.View(), "\n")...)
}

// timelineRow is the row under the main area: the hook timeline, and in
// the ops mode the ops strip beside it.
func (m *Model) timelineRow(l layout) string {
	if !m.OpsMode() {
		return m.tl.View()
	}
	p := m.ops.player
	names := make([]string, len(p.Session.Ops))
	lost := make([]int, len(p.Session.Ops))
	for i, op := range p.Session.Ops {
		names[i] = op.Name()
	}
	for _, x := range p.Ledger.Losses() {
		if x.Event.Op >= 0 && x.Event.Op < len(lost) {
			lost[x.Event.Op]++
		}
	}
	stripW := l.w * 2 / 5
	strip := ops.Strip(m.com, names, lost, p.ErrStep, stripW)
	return strip + m.com.Theme.Border.Render(" │ ") + common.Fit(m.tl.View(), l.w-stripW-3)
}

// opsStatus replaces the stepping parts of the status line in the ops mode.
func (m *Model) opsStatus(parts []string) []string {
	if !m.OpsMode() {
		return parts
	}
	t := m.com.Theme
	p := m.ops.player
	name := filepath.Base(m.sess.Name)
	if m.ops.path != "" {
		name = filepath.Base(m.ops.path)
	}
	out := []string{t.Accent.Render(name), t.Accent.Render("ops mode"), t.Text.Render(strconv.Itoa(len(p.Session.Ops)) + " ops")}
	if n := p.Ledger.Count(replay.Lost); n > 0 {
		out = append(out, t.Error.Render(strconv.Itoa(n)+" lost"))
	}
	if m.ops.saved != len(p.Session.Ops) {
		out = append(out, t.Muted.Render("unsaved"))
	} else {
		out = append(out, t.Muted.Render("saved"))
	}
	return out
}

// opsFooter is the footer's help in the ops mode (the focused ops pane's,
// or the ops mode's own keys in the tree), or nil.
func (m *Model) opsFooter() help.KeyMap {
	if !m.OpsMode() || m.screen != ScreenMain {
		return nil
	}
	switch m.focus {
	case PaneStep:
		return m.ops.pane
	case PaneTree:
		k := m.com.Keys
		return keys.Help{ShortKeys: []key.Binding{k.ApplyOp, k.Ledger, k.Undo, k.Save, k.OpsMode, k.Find, k.Focus, k.Help, k.Quit}}
	}
	return nil
}
