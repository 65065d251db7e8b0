// Package tui is stampede's stepping debugger: a Bubble Tea program that
// shows a canvas being stamped one hook call at a time, forward and back,
// with the headers each hook got and returned and a diff of what it did to
// the node's options.
//
// The root Model is a small state machine (the glow way): it owns the
// window size, the global keys and the session, and hands everything else
// to the active screen — the main view (tree, inspector, step pane,
// timeline) or one of the dialogs (help, visitor, find, export,
// breakpoints, step-until-hook, go-to-step). Slow work (re-stamping with a
// new visitor, writing files) runs in a tea.Cmd and comes back as a message.
package tui

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/replay"
	"github.com/stampede-dev/stampede/stamping"
	"github.com/stampede-dev/stampede/stamping/export"
	"github.com/stampede-dev/stampede/themes"
	"github.com/stampede-dev/stampede/tui/bplist"
	"github.com/stampede-dev/stampede/tui/breakpoint"
	"github.com/stampede-dev/stampede/tui/common"
	"github.com/stampede-dev/stampede/tui/exporter"
	"github.com/stampede-dev/stampede/tui/finder"
	"github.com/stampede-dev/stampede/tui/inspector"
	"github.com/stampede-dev/stampede/tui/keys"
	"github.com/stampede-dev/stampede/tui/menu"
	"github.com/stampede-dev/stampede/tui/outline"
	"github.com/stampede-dev/stampede/tui/picker"
	"github.com/stampede-dev/stampede/tui/session"
	"github.com/stampede-dev/stampede/tui/steppane"
	"github.com/stampede-dev/stampede/tui/timeline"
	"github.com/stampede-dev/stampede/tui/tree"
	"github.com/stampede-dev/stampede/visitors"
)

// Config is what the TUI opens.
type Config struct {
	Session session.Config
	// Theme to start with; nil picks themes.Default (mono under NO_COLOR).
	Theme *themes.Theme
	// UserTheme, when set, is added to the themes `t` cycles through.
	UserTheme *themes.Theme
	// Clipboard receives the OSC 52 sequences of copy (nil: os.Stdout).
	Clipboard io.Writer
	// Ops, when set, is a recorded session to open in the ops mode (its
	// ops played, the ledger kept); OpsPath is its file, where w saves.
	Ops     *replay.Session
	OpsPath string
	// Builder starts in builder mode (tui/buildmode.go); SavePath is
	// where its save dialog offers to save first.
	Builder  bool
	SavePath string
	// RecoveryDir, when set, is where recovery files of unsaved work are
	// kept instead of beside the canvas (or in the user cache dir for a
	// canvas with no file).
	RecoveryDir string
	// NoRecovery keeps no recovery files and offers none (for views that
	// are thrown away, such as golden tests).
	NoRecovery bool
}

// Screen is what the TUI shows.
type Screen int

// The screens.
const (
	ScreenMain Screen = iota
	ScreenHelp
	ScreenVisitor
	ScreenFind
	ScreenExport
	ScreenBreakpoints
	ScreenUntilHook
	ScreenGoto
)

// Pane is a part of the main screen that can have the keyboard.
type Pane int

// The panes, in tab order.
const (
	PaneTree Pane = iota
	PaneInspector
	PaneStep
	PaneTimeline
	numPanes
)

// Model is the root model.
type Model struct {
	com  *common.Common
	cfg  Config
	sess *session.Session
	bps  *breakpoint.Set

	tree *tree.Model
	insp *inspector.Model
	step *steppane.Model
	tl   *timeline.Model

	screen Screen
	focus  Pane
	follow bool

	picker   *picker.Model
	finder   *finder.Model
	exporter *exporter.Model
	bplist   *bplist.Model
	hooks    *menu.Model
	gotoStep *menu.Model

	width, height int
	status        string
	statusErr     bool
	errPane       *session.HookErrorOf
	errIsStamp    bool // errPane is the session's own stamping error
	helpOffset    int  // first line of the help overlay on screen
	gen           int  // counts restamps: only the latest one's result is used
	loading       bool
	progress      *session.Progress // how far the restamp under way has come
	progressWhy   string            // and why it runs
	themes        []*themes.Theme
	clip          io.Writer
	ops           *opsMode    // the ops mode (opsmode.go), nil until used
	opsOffer      *pendingOps // unsaved ops of an earlier run, while asked (opsrecover.go)
	// opsStart is a new ops session being played in the background
	// (opsmode.go); nil when none is
	opsStart *opsStarting
	// bld is builder mode (buildmode.go)
	bld *buildMode
}

// New opens the session and builds the model. An error means the canvas
// or the visitor could not be loaded (a failing hook is not an error: it is
// shown in the TUI).
func New(cfg Config) (*Model, error) {
	s, err := session.Open(cfg.Session)
	if err != nil {
		return nil, err
	}
	th := cfg.Theme
	if th == nil {
		th = themes.Default()
	}
	m := &Model{
		com:    &common.Common{Theme: th, Keys: keys.Default()},
		cfg:    cfg,
		sess:   s,
		bps:    breakpoint.New(),
		follow: true,
		clip:   cfg.Clipboard,
		width:  80,
		height: 24,
	}
	if m.clip == nil {
		m.clip = os.Stdout
	}
	for _, n := range themes.Names() {
		t, _ := themes.Get(n)
		m.themes = append(m.themes, t)
	}
	if cfg.UserTheme != nil {
		m.themes = append(m.themes, cfg.UserTheme)
	}
	m.tree = tree.New(m.com, outline.RootNode(s.Root))
	m.tree.Breakpoints = func(p string) bool { return m.bps.Nodes[p] }
	m.insp = inspector.New(m.com)
	m.step = steppane.New(m.com)
	m.tl = timeline.New(m.com)
	m.tl.Marked = func(st *stamping.Step) bool { _, hit := m.bps.Static(st); return hit }
	m.setStatus(fmt.Sprintf("%d hook calls · n steps · ? help", s.Len()), false)
	if s.Err != nil {
		m.showStampError(s)
	}
	m.resize()
	m.refresh()
	if cfg.Ops != nil {
		if err := m.startOps(cfg.Ops, cfg.OpsPath); err != nil {
			return nil, err
		}
		m.refresh()
	}
	m.initBuilder()
	m.offerOpsRecovery()
	m.refresh()
	return m, nil
}

// Init implements tea.Model.
func (m *Model) Init() tea.Cmd { return nil }

// Session is the session being debugged.
func (m *Model) Session() *session.Session { return m.sess }

// Breakpoints is the breakpoint set.
func (m *Model) Breakpoints() *breakpoint.Set { return m.bps }

// Screen is the active screen.
func (m *Model) Screen() Screen { return m.screen }

// Focus is the pane that has the keyboard on the main screen.
func (m *Model) Focus() Pane { return m.focus }

// Status is the status message.
func (m *Model) Status() string { return m.status }

// Theme is the theme in use.
func (m *Model) Theme() *themes.Theme { return m.com.Theme }

// Tree is the tree pane.
func (m *Model) Tree() *tree.Model { return m.tree }

// Inspector is the inspector pane.
func (m *Model) Inspector() *inspector.Model { return m.insp }

// StepPane is the step pane.
func (m *Model) StepPane() *steppane.Model { return m.step }

// Loading reports whether a new trace is being made.
func (m *Model) Loading() bool { return m.loading }

// ErrPane is the error kept for the error pane, or nil.
func (m *Model) ErrPane() *session.HookErrorOf { return m.errPane }

// showErrPane reports whether the error pane is drawn: not while the
// current step is the failed hook, which the step pane already explains.
func (m *Model) showErrPane() bool {
	if m.errPane == nil {
		return false
	}
	return !(m.errIsStamp && m.sess.Pos() > 0 && m.sess.Pos()-1 == m.sess.FailedStep())
}

// Picker is the visitor dialog (nil when closed).
func (m *Model) Picker() *picker.Model { return m.picker }

// Finder is the find dialog (nil when closed).
func (m *Model) Finder() *finder.Model { return m.finder }

// Exporter is the export dialog (nil when closed).
func (m *Model) Exporter() *exporter.Model { return m.exporter }

// BreakpointList is the breakpoints dialog (nil when closed).
func (m *Model) BreakpointList() *bplist.Model { return m.bplist }

// HookMenu is the step-until-hook dialog (nil when closed).
func (m *Model) HookMenu() *menu.Model { return m.hooks }

// GotoPrompt is the go-to-step dialog (nil when closed).
func (m *Model) GotoPrompt() *menu.Model { return m.gotoStep }

func (m *Model) setStatus(s string, isErr bool) { m.status, m.statusErr = s, isErr }

func (m *Model) showStampError(s *session.Session) {
	e := session.Explain(s.Err)
	m.errPane, m.errIsStamp = &e, true
	if i := s.FailedStep(); i >= 0 {
		m.setStatus(fmt.Sprintf("stamping stopped at step %d: %s failed", i+1, s.Step(i).Hook), true)
	} else {
		m.setStatus("stamping failed before the first hook call", true)
	}
}

// refresh brings every pane in line with the session after a change.
func (m *Model) refresh() {
	m.resize()
	s := m.sess
	cur := ""
	if st := s.Current(); st != nil {
		cur = st.Target.Path.String()
	}
	m.tree.Current = cur
	m.tl.SetTrace(s.Trace.Steps, s.Pos(), s.FailedStep())
	m.insp.SetNode(m.tree.Selected())
	m.step.Refresh(s)
	m.refreshOps()
}

// moved is called after the position changed.
func (m *Model) moved() {
	if m.follow {
		if st := m.sess.Current(); st != nil {
			m.tree.Reveal(st.Target.Path.String())
		}
	}
	m.refresh()
}

func (m *Model) stepTo(p int) {
	m.sess.Goto(p)
	m.moved()
}

// Update implements tea.Model.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if cmd, ok := m.builderMsg(msg); ok {
		return m, cmd
	}
	if cmd, ok := m.opsMsg(msg); ok {
		return m, cmd
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.resize()
		m.refresh()
		return m, nil
	case sessionMsg:
		m.loaded(msg)
		return m, nil
	case progressMsg:
		return m, m.showProgress(msg)
	case exportMsg:
		return m, m.export(msg.req)
	case exportedMsg:
		if msg.err != nil {
			m.setStatus("export failed: "+msg.err.Error(), true)
		} else {
			m.setStatus("wrote "+strings.Join(msg.wrote, " and "), false)
		}
		return m, nil
	case finder.FoundMsg:
		if m.finder != nil {
			m.finder.Found(msg)
		}
		return m, nil
	case common.CopiedMsg:
		if msg.Err != nil {
			m.setStatus("copy failed: "+msg.Err.Error(), true)
		} else {
			m.setStatus("copied "+msg.What+" to the clipboard (OSC 52)", false)
		}
		return m, nil
	case tea.KeyMsg:
		if msg.Type == tea.KeyCtrlC {
			return m, tea.Quit
		}
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste {
			// Keys typed faster than they are read arrive as one message
			// ("nnn"); each is a key press of its own.
			var cmds []tea.Cmd
			for _, r := range msg.Runes {
				_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt})
				cmds = append(cmds, cmd)
			}
			return m, tea.Batch(cmds...)
		}
		if m.screen != ScreenMain {
			cmd := m.updateDialog(msg)
			m.refresh()
			return m, cmd
		}
		cmd := m.updateMain(msg)
		m.refresh()
		return m, cmd
	case tea.MouseMsg:
		if m.screen == ScreenMain {
			m.mouse(msg)
			m.refresh()
		}
		return m, nil
	}
	return m, nil
}

func (m *Model) setFocus(p Pane) {
	m.focus = p
	m.tree.SetFocused(p == PaneTree)
	m.insp.SetFocused(p == PaneInspector)
	m.step.SetFocused(p == PaneStep)
	m.tl.SetFocused(p == PaneTimeline)
}

func (m *Model) updateMain(msg tea.KeyMsg) tea.Cmd {
	k := m.com.Keys
	s := m.sess
	if cmd, ok := m.opsKey(msg); ok {
		return cmd
	}
	switch {
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case key.Matches(msg, k.Help):
		m.screen = ScreenHelp
		m.helpOffset = 0
	case key.Matches(msg, k.Cancel):
		if m.errPane != nil {
			m.errPane = nil
		} else if m.focus != PaneTree {
			m.setFocus(PaneTree)
		}
	case key.Matches(msg, k.Focus):
		m.setFocus((m.focus + 1) % numPanes)
	case key.Matches(msg, k.Next):
		if s.Pos() >= s.Len() {
			m.setStatus("at the end: every hook has run (p steps back, r restarts)", false)
			break
		}
		m.stepTo(s.Pos() + 1)
		m.setStatus(m.stepStatus(), false)
	case key.Matches(msg, k.Prev):
		if s.Pos() == 0 {
			m.setStatus("at the start: nothing is stamped yet", false)
			break
		}
		m.stepTo(s.Pos() - 1)
		m.setStatus("stepped back: the canvas is as it was after step "+strconv.Itoa(s.Pos()), false)
	case key.Matches(msg, k.End):
		m.stepTo(s.Len())
		m.setStatus("ran to the end: "+strconv.Itoa(s.Len())+" hook calls", false)
	case key.Matches(msg, k.Restart):
		m.stepTo(0)
		m.setStatus("restarted: the canvas is as it was before stamping", false)
	case key.Matches(msg, k.Continue):
		m.continueRun()
	case key.Matches(msg, k.UntilSel):
		m.untilNode()
	case key.Matches(msg, k.UntilHook):
		cur := 0
		if st := s.Current(); st != nil {
			cur = int(st.Hook)
		}
		names := make([]string, visitors.NumHooks)
		for h := visitors.Hook(0); h < visitors.NumHooks; h++ {
			names[h] = h.String()
		}
		m.hooks = menu.NewList(m.com, "Step until hook", names, cur)
		m.screen = ScreenUntilHook
	case key.Matches(msg, k.GotoStep):
		m.gotoStep = menu.NewPrompt(m.com, "Go to step", "step ", fmt.Sprintf("0 to %d (0 = before stamping)", s.Len()))
		m.screen = ScreenGoto
	case key.Matches(msg, k.Breakpoint):
		n := m.tree.Selected()
		if m.bps.ToggleNode(n.Path) {
			m.setStatus("breakpoint on "+n.Path, false)
		} else {
			m.setStatus("breakpoint removed from "+n.Path, false)
		}
	case key.Matches(msg, k.Breakpoints):
		m.bplist = bplist.New(m.com, m.bps)
		m.screen = ScreenBreakpoints
	case key.Matches(msg, k.JumpStep):
		st := s.Current()
		if st == nil {
			m.setStatus("no step has run yet", false)
			break
		}
		if m.tree.Reveal(st.Target.Path.String()) {
			m.setFocus(PaneTree)
		} else {
			m.setStatus(st.Target.Path.String()+" is not a node of the canvas as it is now", false)
		}
	case key.Matches(msg, k.Follow):
		m.follow = !m.follow
		if m.follow {
			m.setStatus("following: the tree selects each step's node", false)
		} else {
			m.setStatus("not following: the tree stays where you put it (. jumps to the step's node)", false)
		}
	case key.Matches(msg, k.Find):
		m.finder = finder.New(m.com, finder.Collect(outline.RootNode(s.Root)))
		m.screen = ScreenFind
	case key.Matches(msg, k.Visitor):
		items := picker.Discover(s.Visitor, s.Dir(), ".")
		m.picker = picker.New(m.com, items, picker.Choice{Visitor: s.Visitor, Append: s.Append, Headers: s.Headers})
		m.screen = ScreenVisitor
	case key.Matches(msg, k.Append):
		cfg := s.Config
		cfg.Append = !cfg.Append
		return m.restamp(cfg, "append_stamps "+onOff(cfg.Append))
	case key.Matches(msg, k.Yield):
		m.yieldLazy(10)
	case key.Matches(msg, k.Export):
		note := ""
		if s.Err != nil {
			note = fmt.Sprintf("stamping stopped at step %d: the canvas is written as it stood then", s.FailedStep()+1)
		}
		m.exporter = exporter.New(m.com, s.Path, s.Name, note)
		m.screen = ScreenExport
	case key.Matches(msg, k.Copy):
		return m.copy()
	case key.Matches(msg, k.Theme):
		m.cycleTheme()
	default:
		switch m.focus {
		case PaneTree:
			m.tree.Update(msg)
		case PaneInspector:
			m.insp.Update(msg)
		case PaneStep:
			m.step.Update(msg)
		case PaneTimeline:
			if i := m.tl.Update(msg); i >= 0 {
				m.stepTo(i + 1)
				m.setStatus(m.stepStatus(), false)
			}
		}
	}
	return nil
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// stepStatus describes the current step for the status line.
func (m *Model) stepStatus() string {
	st := m.sess.Current()
	if st == nil {
		return "before stamping"
	}
	s := st.Hook.String() + " at " + st.Target.Path.String()
	if st.Err() != nil {
		s += ": the hook failed"
	}
	return s
}

// runTo moves forward to the first step j >= from that stops, and reports
// whether one did. stop is told the step index once the canvas is at j+1.
func (m *Model) runTo(stop func(j int) (string, bool)) (string, bool) {
	s := m.sess
	for j := s.Pos(); j < s.Len(); j++ {
		if why, ok := stop(j); ok {
			m.stepTo(j + 1)
			return why, true
		}
	}
	return "", false
}

func (m *Model) continueRun() {
	s := m.sess
	if s.Pos() >= s.Len() {
		m.setStatus("at the end: nothing to continue", false)
		return
	}
	failed := s.FailedStep()
	conds := len(m.bps.Conds) > 0
	start := s.Pos()
	why, hit := m.runTo(func(j int) (string, bool) {
		st := s.Step(j)
		if j == failed {
			return "the hook failed", true
		}
		if why, ok := m.bps.Static(st); ok {
			return why, true
		}
		if conds {
			s.Goto(j + 1)
			if why, ok := m.bps.Dynamic(st, s.OptionsNow(j)); ok {
				return why, true
			}
		}
		return "", false
	})
	if hit {
		m.setStatus("stopped: "+why, false)
		return
	}
	s.Goto(start)
	m.stepTo(s.Len())
	if m.bps.Empty() {
		m.setStatus("no breakpoints set: ran to the end (b on a node, B for hooks and conditions)", false)
	} else {
		m.setStatus("no breakpoint hit: ran to the end", false)
	}
}

func (m *Model) untilNode() {
	n := m.tree.Selected()
	s := m.sess
	j := s.Find(s.Pos(), func(st *stamping.Step) bool { return st.Target.Path.String() == n.Path })
	if j < 0 {
		m.setStatus("no hook call on "+n.Path+" after step "+strconv.Itoa(s.Pos()), false)
		return
	}
	m.stepTo(j + 1)
	m.setStatus(fmt.Sprintf("reached %s at step %d: %s", n.Path, j+1, s.Step(j).Hook), false)
}

func (m *Model) untilHook(h visitors.Hook) {
	s := m.sess
	j := s.Find(s.Pos(), func(st *stamping.Step) bool { return st.Hook == h })
	if j < 0 {
		m.setStatus("no "+h.String()+" call after step "+strconv.Itoa(s.Pos()), false)
		return
	}
	m.stepTo(j + 1)
	m.setStatus(fmt.Sprintf("reached %s at step %d (%s)", h, j+1, s.Step(j).Target.Path), false)
}

func (m *Model) cycleTheme() {
	if themes.NoColor() {
		m.setStatus("NO_COLOR is set: staying with the colour-free theme", false)
		return
	}
	i := 0
	for j, t := range m.themes {
		if t.Name == m.com.Theme.Name {
			i = j
		}
	}
	m.com.Theme = m.themes[(i+1)%len(m.themes)]
	m.setStatus("theme "+m.com.Theme.Name, false)
}

func (m *Model) copy() tea.Cmd {
	if m.focus == PaneInspector {
		if it, ok := m.insp.Selected(); ok {
			return common.CopyCmd(m.clip, common.Plain(it.Value), it.Key)
		}
	}
	n := m.tree.Selected()
	b, err := canvas.Encode(n.Value, 2)
	if err != nil {
		m.setStatus("cannot copy "+n.Path+": "+err.Error(), true)
		return nil
	}
	if len(b) > maxCopy {
		m.setStatus(fmt.Sprintf("%s is %d bytes of JSON, too much for the clipboard: export it instead (e)", n.Path, len(b)), true)
		return nil
	}
	return common.CopyCmd(m.clip, string(b), "the JSON of "+n.Path)
}

// maxCopy is the most JSON copied through OSC 52; terminals drop more.
const maxCopy = 1 << 20

// sessionMsg brings a new session made in the background.
type sessionMsg struct {
	sess *session.Session
	err  error
	why  string
	gen  int
}

// restamp makes a new session with cfg in a tea.Cmd.
func (m *Model) restamp(cfg session.Config, why string) tea.Cmd {
	m.loading = true
	m.gen++
	gen := m.gen
	p := &session.Progress{}
	cfg.Progress, m.progress, m.progressWhy = p, p, why
	m.setStatus("stamping again ("+why+")…", false)
	open := func() tea.Msg {
		s, err := session.Open(cfg)
		return sessionMsg{sess: s, err: err, why: why, gen: gen}
	}
	return tea.Batch(open, progressTick(gen))
}

// exportMsg starts an export once the status line says it is under way.
type exportMsg struct{ req exporter.Request }

// progressMsg asks for the status line to show how far restamp has come.
type progressMsg struct{ gen int }

// progressEvery is how often the status line follows a restamp.
const progressEvery = 100 * time.Millisecond

func progressTick(gen int) tea.Cmd {
	return tea.Tick(progressEvery, func(time.Time) tea.Msg { return progressMsg{gen} })
}

// showProgress puts how far a restamp has come in the status line, until
// its session arrives.
func (m *Model) showProgress(msg progressMsg) tea.Cmd {
	if !m.loading || msg.gen != m.gen {
		return nil
	}
	m.setStatus("stamping again: "+m.progress.Status()+" ("+m.progressWhy+")", false)
	return progressTick(msg.gen)
}

func (m *Model) loaded(msg sessionMsg) {
	if msg.gen != m.gen {
		return // a later change is on its way
	}
	m.loading = false
	if msg.err != nil {
		e := session.Explain(msg.err)
		m.errPane, m.errIsStamp = &e, false
		m.setStatus(msg.why+" failed; still showing the previous trace", true)
		m.resize()
		return
	}
	m.sess = msg.sess
	m.errPane = nil
	m.tree.SetRoot(outline.RootNode(m.sess.Root))
	m.setStatus(fmt.Sprintf("%s: trace restarted, %d hook calls", msg.why, m.sess.Len()), false)
	if m.sess.Err != nil {
		m.showStampError(m.sess)
	}
	m.resize()
	m.refresh()
}

// exportedMsg reports what an export wrote.
type exportedMsg struct {
	wrote []string
	err   error
}

// export prepares the files (the canvas is read here, in Update, where
// nothing else touches it) and writes them in a tea.Cmd.
func (m *Model) export(r exporter.Request) tea.Cmd {
	s := m.sess
	type file struct {
		path, what string
		data       [][]byte
	}
	var files []file
	var err error
	if r.Canvas() {
		var data [][]byte
		s.At(s.Len(), func() { data, err = export.CanvasJSONChunks(s.Root) })
		if err != nil {
			m.setStatus("export failed: "+err.Error(), true)
			return nil
		}
		files = append(files, file{r.CanvasPath, "the stamped canvas", data})
	}
	if r.Trace() {
		data, err := export.TraceJSONL(s.Trace, false)
		if err != nil {
			m.setStatus("export failed: "+err.Error(), true)
			return nil
		}
		files = append(files, file{r.TracePath, fmt.Sprintf("the trace (%d lines)", s.Len()), data})
	}
	m.setStatus("writing…", false)
	return func() tea.Msg {
		var wrote []string
		for _, f := range files {
			if err := export.WriteFile(f.path, f.data...); err != nil {
				return exportedMsg{wrote: wrote, err: fmt.Errorf("%s: %w", f.path, err)}
			}
			wrote = append(wrote, f.what+" to "+f.path)
		}
		return exportedMsg{wrote: wrote}
	}
}

func (m *Model) updateDialog(msg tea.KeyMsg) tea.Cmd {
	k := m.com.Keys
	back := func() {
		m.screen = ScreenMain
		m.resize()
	}
	if cmd, ok := m.opsRecoverDialog(msg); ok {
		return cmd
	}
	if cmd, ok := m.opsDialog(msg); ok {
		return cmd
	}
	switch m.screen {
	case ScreenHelp:
		switch {
		case key.Matches(msg, k.Help), key.Matches(msg, k.Cancel), key.Matches(msg, k.Quit):
			back()
		case key.Matches(msg, k.Down):
			m.helpOffset++
		case key.Matches(msg, k.Up):
			m.helpOffset--
		case key.Matches(msg, k.PageDown):
			m.helpOffset += 10
		case key.Matches(msg, k.PageUp):
			m.helpOffset -= 10
		}
	case ScreenVisitor:
		choice, closed, cmd := m.picker.Update(msg)
		if closed {
			m.picker = nil
			back()
		}
		if choice != nil {
			cfg := m.sess.Config
			var what []string
			if choice.Visitor != cfg.Visitor {
				what = append(what, "visitor "+choice.Visitor)
			}
			if choice.Append != cfg.Append {
				what = append(what, "append_stamps "+onOff(choice.Append))
			}
			if choice.Headers != cfg.Headers {
				what = append(what, "headers changed")
			}
			if len(what) == 0 {
				m.setStatus("nothing changed", false)
				return nil
			}
			cfg.Visitor, cfg.Append, cfg.Headers = choice.Visitor, choice.Append, choice.Headers
			return m.restamp(cfg, strings.Join(what, ", "))
		}
		return cmd
	case ScreenFind:
		path, closed, cmd := m.finder.Update(msg)
		if closed {
			m.finder = nil
			back()
		}
		if path != "" {
			if m.tree.Reveal(path) {
				m.setFocus(PaneTree)
				m.setStatus("found "+path, false)
			}
		}
		return cmd
	case ScreenExport:
		req, closed, cmd := m.exporter.Update(msg)
		if closed {
			m.exporter = nil
			back()
		}
		if req != nil {
			// Say so first: a million signatures take seconds to encode,
			// and the screen is not redrawn meanwhile.
			m.setStatus("encoding the export…", false)
			r := *req
			return func() tea.Msg { return exportMsg{r} }
		}
		return cmd
	case ScreenBreakpoints:
		closed, cmd := m.bplist.Update(msg)
		if closed {
			m.bplist = nil
			m.setStatus(fmt.Sprintf("%d breakpoints", m.bps.Count()), false)
			back()
		}
		return cmd
	case ScreenUntilHook:
		i, _, done, closed, cmd := m.hooks.Update(msg)
		if closed {
			m.hooks = nil
			back()
		}
		if done {
			m.untilHook(visitors.Hook(i))
		}
		return cmd
	case ScreenGoto:
		_, text, done, closed, cmd := m.gotoStep.Update(msg)
		if closed {
			m.gotoStep = nil
			back()
			return cmd
		}
		if done {
			p, err := strconv.Atoi(strings.TrimSpace(text))
			if err != nil || p < 0 || p > m.sess.Len() {
				m.gotoStep.SetErr(fmt.Sprintf("a step number from 0 to %d", m.sess.Len()))
				return nil
			}
			m.gotoStep = nil
			back()
			m.stepTo(p)
			m.setStatus(m.stepStatus(), false)
		}
		return cmd
	}
	return nil
}
