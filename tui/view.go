package tui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/stampede-dev/stampede/tui/common"
)

// layout is where each pane is, computed from the window size alone so
// that drawing and mouse hit-testing agree.
type layout struct {
	w, h   int
	mainH  int // rows above the timeline
	treeW  int // the tree pane's width (the separator follows it)
	rightX int // first column of the right column
	rightW int
	inspH  int // inspector content rows (after its title row)
	stepY  int // row of the step pane's title
	stepH  int
	errY   int // row of the error pane's title (when shown)
	errH   int
}

func (m *Model) layout() layout {
	l := layout{w: max(m.width, 20), h: max(m.height, 8)}
	l.mainH = l.h - 3
	l.treeW = min(max(l.w*45/100, 24), l.w-30)
	if l.treeW < 10 {
		l.treeW = l.w / 2
	}
	l.rightX = l.treeW + 1
	l.rightW = l.w - l.rightX
	body := l.mainH - 2 // two title rows: inspector, step
	if m.showErrPane() {
		l.errH = min(max(body/4, 3), 8)
		body -= l.errH + 1
	}
	l.inspH = max(body*2/5, 1)
	l.stepH = max(body-l.inspH, 1)
	l.stepY = 1 + l.inspH
	l.errY = l.stepY + 1 + l.stepH
	return l
}

// resize hands every component its size.
func (m *Model) resize() {
	l := m.layout()
	m.tree.SetSize(l.treeW, l.mainH-1)
	m.insp.SetSize(l.rightW, l.inspH)
	m.step.SetSize(l.rightW, l.stepH)
	m.tl.SetSize(l.w, 1)
	if d := m.dialog(); d != nil {
		d.SetSize(l.w, l.mainH)
	}
}

// dialog is the open dialog, or nil.
func (m *Model) dialog() common.Component {
	if d := m.opsComponent(); d != nil {
		return d
	}
	switch {
	case m.screen == ScreenVisitor && m.picker != nil:
		return m.picker
	case m.screen == ScreenFind && m.finder != nil:
		return m.finder
	case m.screen == ScreenExport && m.exporter != nil:
		return m.exporter
	case m.screen == ScreenBreakpoints && m.bplist != nil:
		return m.bplist
	case m.screen == ScreenUntilHook && m.hooks != nil:
		return m.hooks
	case m.screen == ScreenGoto && m.gotoStep != nil:
		return m.gotoStep
	}
	return nil
}

// View implements tea.Model.
func (m *Model) View() string {
	if v, ok := m.builderView(); ok {
		return v
	}
	l := m.layout()
	var main []string
	switch m.screen {
	case ScreenMain:
		main = m.mainView(l)
	default:
		main = strings.Split(m.dialogView(l), "\n")
	}
	main = common.Box(main, l.w, l.mainH)
	lines := append(main, m.timelineRow(l), m.statusLine(l), m.footer(l))
	return strings.Join(lines, "\n")
}

func (m *Model) mainView(l layout) []string {
	t := m.com.Theme
	left := make([]string, 0, l.mainH)
	title := "Canvas"
	if m.loading {
		title += " (stamping…)"
	}
	title = m.opsTitle(title)
	left = append(left, m.com.Title(title, l.treeW, m.focus == PaneTree))
	left = append(left, strings.Split(m.tree.View(), "\n")...)

	right := make([]string, 0, l.mainH)
	right = append(right, m.com.Title("Inspector", l.rightW, m.focus == PaneInspector))
	right = append(right, strings.Split(m.insp.View(), "\n")...)
	if m.OpsMode() {
		right = append(right, m.opsPane(l)...)
	} else {
		stepTitle := "Step " + strconv.Itoa(m.sess.Pos()) + "/" + strconv.Itoa(m.sess.Len())
		right = append(right, m.com.Title(stepTitle, l.rightW, m.focus == PaneStep))
		right = append(right, strings.Split(m.step.View(), "\n")...)
	}
	if m.showErrPane() {
		right = append(right, m.com.Title("Error (esc hides)", l.rightW, true))
		right = append(right, common.Box(m.errLines(l.rightW), l.rightW, l.errH)...)
	}
	left = common.Box(left, l.treeW, l.mainH)
	right = common.Box(right, l.rightW, l.mainH)
	sep := t.Border.Render("│")
	out := make([]string, l.mainH)
	for i := range out {
		out[i] = left[i] + sep + right[i]
	}
	return out
}

func (m *Model) errLines(w int) []string {
	t := m.com.Theme
	e := m.errPane
	var out []string
	if e.Hook != "" {
		where := e.Path
		if e.ID != "" {
			where += " (" + e.ID + ")"
		}
		out = append(out, t.Error.Render("✗ "+e.Hook+" on "+where))
	}
	if e.Pos != "" {
		out = append(out, t.Error.Render(e.Pos+": ")+t.Text.Render(e.Msg))
	} else {
		for _, l := range common.Wrap(e.Msg, w, 2) {
			out = append(out, t.Text.Render(l))
		}
	}
	for _, l := range strings.Split(strings.TrimSpace(e.Backtrace), "\n") {
		if l != "" {
			out = append(out, t.Muted.Render(l))
		}
	}
	return out
}

func (m *Model) dialogView(l layout) string {
	if m.screen == ScreenHelp {
		return m.helpView(l)
	}
	if d := m.dialog(); d != nil {
		return d.View()
	}
	return ""
}

// helpLines is the `?` overlay's content, generated from the keymap: the
// binding columns side by side when they fit, two by two or one by one
// when the window is narrow.
func (m *Model) helpLines(w int) []string {
	t := m.com.Theme
	h := m.com.Help(1 << 20)
	cols := m.com.Keys.Full()
	var body []string
	for per := len(cols); per >= 1; per-- {
		var blocks []string
		for i := 0; i < len(cols); i += per {
			blocks = append(blocks, h.FullHelpView(cols[i:min(i+per, len(cols))]))
		}
		fits := true
		for _, b := range blocks {
			for _, l := range strings.Split(b, "\n") {
				if common.Width(l) > w {
					fits = false
				}
			}
		}
		if fits || per == 1 {
			for i, b := range blocks {
				if i > 0 {
					body = append(body, "")
				}
				body = append(body, strings.Split(b, "\n")...)
			}
			break
		}
	}
	legend := []string{
		"timeline  ( ) chain · { } group · [ ] chord header · b chord body",
		"          s signature · l link · e errback · ✗ failed hook",
		"tree      ● breakpoint · ▶ node of the current step · ✦n stamps",
		"diff      + added · ~ changed · - removed (node options before → after)",
		`conditions  KEY exists · KEY missing · KEY == "v" · KEY != 3`,
		`            KEY contains "v"  (in what the hook returned, the node's`,
		"            options after the step, or the headers passed in)",
		"ops mode  N:op ✗n an op that lost n stamps · ✗key (struck) a lost stamp",
		"          the pane under the inspector: the ops, or the node's ledger (s)",
	}
	body = append(body, "")
	for _, l := range legend {
		body = append(body, t.Muted.Render(l))
	}
	return body
}

// helpView is the `?` overlay; it scrolls when the window is too short.
func (m *Model) helpView(l layout) string {
	lines := m.helpLines(l.w - 6)
	rows := max(l.mainH-2, 1)
	m.helpOffset = min(max(m.helpOffset, 0), max(len(lines)-rows, 0))
	end := min(m.helpOffset+rows, len(lines))
	visible := lines[m.helpOffset:end]
	title := "Keys"
	if len(lines) > rows {
		title = fmt.Sprintf("Keys (%d–%d of %d, j/k scroll)", m.helpOffset+1, end, len(lines))
	}
	return m.com.Dialog(title, visible, l.w-2, l.w, l.mainH)
}

func (m *Model) statusLine(l layout) string {
	t := m.com.Theme
	s := m.sess
	app := "off"
	if s.Append {
		app = "on"
	}
	parts := []string{
		t.Accent.Render(s.Name),
		t.Text.Render("visitor " + s.VisitorName),
		t.Text.Render("append " + app),
		t.Text.Render("step " + strconv.Itoa(s.Pos()) + "/" + strconv.Itoa(s.Len())),
	}
	if n := m.bps.Count(); n > 0 {
		parts = append(parts, t.Breakpoint.Render("●"+strconv.Itoa(n)))
	}
	if !m.follow {
		parts = append(parts, t.Muted.Render("no follow"))
	}
	parts = m.opsStatus(parts)
	left := strings.Join(parts, t.Muted.Render(" · "))
	msg := m.status
	st := t.Muted
	if m.statusErr {
		st = t.Error
	}
	room := l.w - common.Width(left) - 3
	if room < 20 {
		// the message matters more than the file name
		left = strings.Join(parts[1:], t.Muted.Render(" · "))
		room = l.w - common.Width(left) - 3
	}
	if msg == "" || room < 8 {
		return common.Fit(left, l.w)
	}
	return common.Fit(left+t.Muted.Render(" │ ")+st.Render(common.Cut(msg, room)), l.w)
}

func (m *Model) footer(l layout) string {
	h := m.com.Help(l.w)
	k := m.com.Keys
	if m.screen == ScreenHelp {
		return common.Fit(h.ShortHelpView([]key.Binding{k.Down, k.Up, k.Cancel}), l.w)
	}
	if d := m.dialog(); d != nil {
		return common.Fit(h.View(d), l.w)
	}
	if c := m.opsFooter(); c != nil {
		return common.Fit(h.View(c), l.w)
	}
	switch m.focus {
	case PaneTimeline:
		return common.Fit(h.View(m.tl), l.w)
	case PaneInspector:
		return common.Fit(h.View(m.insp), l.w)
	}
	return common.Fit(h.View(m.com.Keys), l.w)
}

// mouse handles wheel scrolling and clicks on the main screen.
func (m *Model) mouse(msg tea.MouseMsg) {
	l := m.layout()
	x, y := msg.X, msg.Y
	inTree := x < l.treeW && y < l.mainH
	inRight := x >= l.rightX && y < l.mainH
	switch msg.Button {
	case tea.MouseButtonWheelUp, tea.MouseButtonWheelDown:
		if msg.Action != tea.MouseActionPress {
			return
		}
		d := 3
		if msg.Button == tea.MouseButtonWheelUp {
			d = -3
		}
		switch {
		case inTree:
			m.tree.Scroll(d)
		case inRight && y <= l.inspH:
			m.insp.Scroll(d)
		case inRight && y > l.stepY && y <= l.stepY+l.stepH && m.OpsMode():
			m.ops.pane.Scroll(d)
		case inRight && y > l.stepY && y <= l.stepY+l.stepH:
			m.step.Scroll(d)
		case y == l.mainH:
			m.tl.MoveCursor(d)
		}
	case tea.MouseButtonLeft:
		if msg.Action != tea.MouseActionPress {
			return
		}
		switch {
		case inTree && y >= 1:
			m.setFocus(PaneTree)
			m.tree.Click(x, y-1)
		case inRight && y <= l.inspH:
			m.setFocus(PaneInspector)
			m.insp.Click(y - 1)
		case inRight && y >= l.stepY && y <= l.stepY+l.stepH:
			m.setFocus(PaneStep)
		case y == l.mainH:
			if i := m.tl.StepAt(x); i >= 0 {
				m.stepTo(i + 1)
				m.setStatus(m.stepStatus(), false)
			}
		}
	}
}
