package tui

import (
	"os"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/replay"
	"github.com/stampede-dev/stampede/themes"
	"github.com/stampede-dev/stampede/tui/session"
)

// charge is charge_card, the first task of the chord header.
const charge = "$.tasks[1].header[0]"

// chooseOp opens the op dialog on the selected node and moves to op name.
func (h *harness) chooseOp(name string) {
	h.t.Helper()
	h.press("o")
	h.wantScreen(ScreenOps)
	for h.m.OpsDialog().Chosen() != name {
		before := h.m.OpsDialog().Chosen()
		h.press("down")
		if h.m.OpsDialog().Chosen() == before {
			h.t.Fatalf("op %q is not in the menu", name)
		}
	}
	h.press("enter")
	if !h.m.OpsDialog().InForm() {
		h.t.Fatalf("enter on %s did not open its arguments", name)
	}
}

// stampAndReplace records the flow of the tests: stamp the canvas with the
// stepping session's visitor, then replace(options=…) on charge_card, which
// loses its stamps.
func stampAndReplace(t *testing.T, h *harness) {
	t.Helper()
	h.chooseOp("stamp")
	h.press("enter")
	h.wantScreen(ScreenMain)
	h.wantStatus("op 0 stamp")
	h.wantStatus("no stamp lost")
	if !h.m.OpsMode() || h.m.OpsPlayer().Played() != 1 {
		t.Fatalf("after the stamp op: ops mode %v, player %+v", h.m.OpsMode(), h.m.OpsPlayer())
	}
	if !h.m.Tree().Reveal(charge) {
		t.Fatal("charge_card is not in the ops canvas")
	}
	h.wantView("Canvas after op 0", "ops 0:stamp")

	h.chooseOp("replace")
	h.press("tab", "tab") // args, kwargs, options
	h.typeText(`{"task_id": "charge-1", "queue": "slow"`)
	if e := h.m.OpsDialog().FieldErr("options"); e == "" {
		t.Fatal("half-typed JSON in options is not reported on the spot")
	}
	h.press("enter")
	h.wantScreen(ScreenOps) // not applied
	h.typeText("}")
	if e := h.m.OpsDialog().FieldErr("options"); e != "" {
		t.Fatalf("valid options reported as %q", e)
	}
	h.press("enter")
	h.wantScreen(ScreenMain)
	h.wantStatus("op 1 replace: lost chh, chn, s on shop.charge_card (charge-1)")
}

// TestOpsFlow records ops from the menu, sees the loss in the tree,
// inspector and ledger, saves the session, reopens it and replays it.
func TestOpsFlow(t *testing.T) {
	canvasPath := copyCanvas(t)
	h := newHarness(t, func(c *Config) { c.Session.Path = canvasPath })
	stampAndReplace(t, h)

	p := h.m.OpsPlayer()
	var lost []string
	for _, l := range p.Ledger.Losses() {
		if l.Event.Op != 1 || l.Event.Path != charge {
			t.Errorf("unexpected loss %s on %s", l.Event.Describe(), l.Node.Label())
		}
		lost = append(lost, l.Event.Key)
	}
	if len(lost) == 0 {
		t.Fatal("replace(options=…) on a stamped node lost nothing")
	}
	// tree: the lost keys after ✗ on charge_card's row
	row := ""
	for _, r := range strings.Split(h.view(), "\n") {
		if strings.Contains(r, "header sig shop.charge") && !strings.HasPrefix(strings.TrimSpace(r), "▾") {
			row = r
		}
	}
	if !strings.Contains(row, "✗"+strings.Join(lost, ",")) {
		t.Errorf("charge_card's row does not show its lost stamps %v: %q", lost, row)
	}
	// inspector: one struck item per lost key
	n := 0
	for _, it := range h.m.Inspector().Items() {
		if it.Lost {
			n++
		}
	}
	if n != len(lost) {
		t.Errorf("the inspector shows %d lost stamps, want %d", n, len(lost))
	}
	h.wantView("lost, was", "1:replace✗")

	// the ledger of the selected node
	h.press("s")
	if !h.m.LedgerShown() {
		t.Fatal("s did not show the ledger")
	}
	text := strings.Join(h.m.LedgerPane().Lines(), "\n")
	for _, want := range []string{"shop.charge_card (charge-1)", "added at op 0 (stamp", "lost at op 1 (replace at " + charge} {
		if !strings.Contains(text, want) {
			t.Errorf("the ledger does not say %q:\n%s", want, text)
		}
	}
	h.wantView("Ledger of " + charge)

	// save: w, enter takes the default path beside the canvas
	h.press("w")
	h.wantScreen(ScreenSaveSession)
	h.press("enter")
	h.wantScreen(ScreenMain)
	saved := strings.TrimSuffix(canvasPath, ".json") + ".session.json"
	h.wantStatus("saved the session (2 ops) to " + saved)
	if h.m.SessionPath() != saved {
		t.Errorf("session path %q, want %q", h.m.SessionPath(), saved)
	}
	s, err := replay.ReadSession(saved)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Ops) != 2 || s.Ops[0].Record == nil || s.Ops[1].At() != charge {
		t.Fatalf("saved session: %d ops, first recorded %v", len(s.Ops), len(s.Ops) > 0 && s.Ops[0].Record != nil)
	}

	// reopen: the ops are replayed from the file, with the same losses
	data, _ := os.ReadFile(testCanvas)
	th, _ := themes.Get("dark")
	m, err := New(Config{
		Session: session.Config{Name: saved, Path: saved, Data: data, Visitor: markStar},
		Theme:   th, Ops: s, OpsPath: saved,
	})
	if err != nil {
		t.Fatal(err)
	}
	if !m.OpsMode() || m.OpsPlayer().Played() != 2 {
		t.Fatalf("reopened: ops mode %v, %d ops played", m.OpsMode(), m.OpsPlayer().Played())
	}
	if got := m.lostKeys(charge); strings.Join(got, ",") != strings.Join(lost, ",") {
		t.Errorf("reopened: charge_card lost %v, want %v", got, lost)
	}
	got, _ := replay.Play(s, replay.Config{Ledger: true})
	if g, w := string(must(t, got.Current)), string(must(t, p.Current)); g != w {
		t.Errorf("replaying the saved session gives another canvas:\n%s\nwant\n%s", g, w)
	}

	// undo takes the replace back: nothing is lost any more
	h.press("z")
	h.wantStatus("undone: replace at " + charge)
	if n := len(h.m.OpsPlayer().Session.Ops); n != 1 {
		t.Fatalf("after undo: %d ops", n)
	}
	if k := h.m.lostKeys(charge); len(k) != 0 {
		t.Errorf("after undo charge_card still lost %v", k)
	}
	h.wantView("unsaved")
}

func must(t *testing.T, v *canvas.Dict) []byte {
	t.Helper()
	b, err := canvas.Encode(v, 0)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestOpsModeKeepsStepping checks that O goes back to the stepping
// debugger, unchanged, and that stepping keys are explained in ops mode.
func TestOpsModeKeepsStepping(t *testing.T) {
	h := newHarness(t)
	h.press("n", "n")
	if h.pos() != 2 {
		t.Fatalf("pos %d", h.pos())
	}
	h.press("O")
	if !h.m.OpsMode() {
		t.Fatal("O did not turn the ops mode on")
	}
	h.wantView("Canvas (ops mode, before any op)", "ops none yet")
	h.press("n")
	h.wantStatus("O goes back to stepping")
	if h.pos() != 2 {
		t.Fatalf("n in ops mode moved the stepper to %d", h.pos())
	}
	h.press("O")
	if h.m.OpsMode() {
		t.Fatal("O did not turn the ops mode off")
	}
	h.press("n")
	if h.pos() != 3 {
		t.Fatalf("stepping after the ops mode: pos %d, want 3", h.pos())
	}
	h.wantView("Step 3/20")
}

// TestOpDialogChecksArguments: each argument is decoded as it is typed,
// with the type the op needs; esc goes back to the list, then closes.
func TestOpDialogChecksArguments(t *testing.T) {
	h := newHarness(t)
	h.chooseOp("clone")
	h.typeText(`{"a": 1}`) // args must be a list
	if e := h.m.OpsDialog().FieldErr("args"); !strings.Contains(e, "JSON list") {
		t.Errorf("args {…}: error %q", e)
	}
	h.press("enter")
	h.wantScreen(ScreenOps)
	h.wantView("must be a JSON list")
	h.press("esc")
	if h.m.OpsDialog().InForm() {
		t.Fatal("esc did not go back to the list")
	}
	h.press("esc")
	h.wantScreen(ScreenMain)
	if n := len(h.m.OpsPlayer().Session.Ops); n != 0 {
		t.Errorf("a cancelled dialog recorded %d ops", n)
	}

	// an op Celery refuses is reported and not recorded
	h.chooseOp("stamp")
	for range len(`"../testdata/conformance/visitors/mark.star"`) {
		h.press("backspace")
	}
	h.typeText(`"no-such-visitor"`)
	h.press("enter")
	h.wantScreen(ScreenMain)
	h.wantStatus("failed, not recorded")
	if n := len(h.m.OpsPlayer().Session.Ops); n != 0 || h.m.OpsPlayer().Err != nil {
		t.Errorf("after a failed op: %d ops, err %v", n, h.m.OpsPlayer().Err)
	}
}

// TestABigSessionStartsInTheBackground: from bigOps hook calls, O answers
// at once with a line saying the session is being prepared; its command
// asks for the copy of the canvas, which gives the command that plays the
// session. Stepping goes on meanwhile, and a second O only says it is
// still preparing. The session's message turns the ops mode on; with o the
// op dialog opens then too. A session that arrives after a restamp is
// dropped, with a line saying so.
func TestABigSessionStartsInTheBackground(t *testing.T) {
	open := func() *Model { return openBig(t) }
	press := func(m *Model, k string) tea.Cmd {
		t.Helper()
		_, cmd := m.Update(keyMsg(k))
		return cmd
	}
	// copyThen delivers what a prepare command asks for and returns the
	// command that plays the session.
	copyThen := func(m *Model, prepare tea.Cmd) tea.Cmd {
		t.Helper()
		_, play := m.Update(prepare())
		if play == nil {
			t.Fatal("the copy gave no command to play the session")
		}
		return play
	}

	m := open()
	prepare := press(m, "O")
	if prepare == nil || m.OpsMode() || !strings.Contains(m.Status(), "preparing the session") {
		t.Fatalf("O on %d hook calls: ops mode %v, a command %v, status %q", m.Session().Len(), m.OpsMode(), prepare != nil, m.Status())
	}
	play := copyThen(m, prepare)
	press(m, "n")
	if m.Session().Pos() != 1 {
		t.Fatalf("stepping while the session is prepared: at %d", m.Session().Pos())
	}
	if again := press(m, "O"); again != nil || !strings.Contains(m.Status(), "still preparing") {
		t.Fatalf("a second O: a command %v, status %q", again != nil, m.Status())
	}
	m.Update(play())
	if !m.OpsMode() || !strings.Contains(m.Status(), "a new session on the canvas before stamping") {
		t.Fatalf("the session arrived: ops mode %v, status %q", m.OpsMode(), m.Status())
	}

	m = open()
	play = copyThen(m, press(m, "o"))
	if m.Screen() == ScreenOps {
		t.Fatalf("o on a big canvas opened the dialog before the session was ready")
	}
	m.Update(play())
	if !m.OpsMode() || m.Screen() != ScreenOps {
		t.Fatalf("the session arrived after o: ops mode %v, screen %v", m.OpsMode(), m.Screen())
	}

	m = open()
	play = copyThen(m, press(m, "O"))
	m.restamp(m.Session().Config, "append_stamps on") // the restamp's own result is not needed here
	m.Update(play())
	if m.OpsMode() || !strings.Contains(m.Status(), "did not start") {
		t.Fatalf("a session prepared before a restamp: ops mode %v, status %q", m.OpsMode(), m.Status())
	}

	// a restamp before the copy: nothing is copied or played
	m = open()
	prepare = press(m, "O")
	m.restamp(m.Session().Config, "append_stamps on")
	if _, play := m.Update(prepare()); play != nil || !strings.Contains(m.Status(), "did not start") {
		t.Fatalf("a restamp before the copy: a command to play %v, status %q", play != nil, m.Status())
	}
	if again := press(m, "O"); again == nil {
		t.Fatal("O after a dropped session does not start another")
	}
}

// TestABigUndoRunsInTheBackground takes ops back on a canvas with bigOps
// hook calls: z and a failed op replay the session in a command, the status
// line says so, o, z and w wait for it, and the undo is in place when the
// command's message arrives. A session undone before it arrives is not
// replaced by it.
func TestABigUndoRunsInTheBackground(t *testing.T) {
	m := openBig(t)
	press := func(k string) tea.Cmd {
		t.Helper()
		_, cmd := m.Update(keyMsg(k))
		return cmd
	}
	_, play := m.Update(press("O")()) // the copy, then the session
	m.Update(play())
	if !m.OpsMode() {
		t.Fatal("no ops mode")
	}
	set := func(queue string) *replay.Op {
		return replay.NewOp("set", "", canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("options"), Val: canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("queue"), Val: queue}})}}))
	}
	m.applyOp(set("q1"))
	m.applyOp(set("q2"))
	if m.OpsPlayer().Played() != 2 {
		t.Fatalf("%d ops played, want 2", m.OpsPlayer().Played())
	}

	undo := press("z")
	if undo == nil || m.OpsPlayer().Played() != 2 || !strings.Contains(m.Status(), "taking the last op back") {
		t.Fatalf("z: a command %v, %d ops, status %q", undo != nil, m.OpsPlayer().Played(), m.Status())
	}
	for _, k := range []string{"o", "z", "w"} {
		if cmd := press(k); cmd != nil || m.Screen() != ScreenMain || !strings.Contains(m.Status(), "still taking the last op back") {
			t.Fatalf("%s while undoing: a command %v, screen %v, status %q", k, cmd != nil, m.Screen(), m.Status())
		}
	}
	m.Update(undo())
	if m.OpsPlayer().Played() != 1 || !strings.Contains(m.Status(), `undone: set options={"queue": "q2"}`) {
		t.Fatalf("after the undo: %d ops, status %q", m.OpsPlayer().Played(), m.Status())
	}
	if q := m.OpsPlayer().Current.Lookup("options").(*canvas.Dict).Lookup("queue"); q != "q1" {
		t.Fatalf("after the undo the queue is %v, want q1", q)
	}

	// a failed op is taken back the same way
	bad := replay.NewOp("set", "$.tasks[999999]", &canvas.Dict{})
	back := m.applyOp(bad)
	if back == nil || !strings.Contains(m.Status(), "taking the last op back") {
		t.Fatalf("a failed op: a command %v, status %q", back != nil, m.Status())
	}
	m.Update(back())
	if m.OpsPlayer().Played() != 1 || m.OpsPlayer().Err != nil || !strings.Contains(m.Status(), "failed, not recorded") {
		t.Fatalf("after the failed op: %d ops, err %v, status %q", m.OpsPlayer().Played(), m.OpsPlayer().Err, m.Status())
	}

	// an undo whose session was replaced meanwhile is dropped
	late := press("z")
	current := m.OpsPlayer()
	m.ops.player, m.ops.undoing = replayedCopy(t, current), false
	m.Update(late())
	if m.OpsPlayer().Played() != 1 {
		t.Fatalf("a late undo replaced the session: %d ops", m.OpsPlayer().Played())
	}
}

// replayedCopy is a new player that has played p's session.
func replayedCopy(t *testing.T, p *replay.Player) *replay.Player {
	t.Helper()
	c, err := replay.Play(p.Session, replay.Config{Ledger: true, NoSnapshots: true})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// openBig opens the TUI at 120x40 on a group of bigOps signatures stamped
// with the depth visitor: large enough for the ops mode to work in the
// background.
func openBig(t *testing.T) *Model {
	t.Helper()
	th, _ := themes.Get("dark")
	m, err := New(Config{
		Session:    session.Config{Name: "big.json", Data: bigGroup(bigOps), Visitor: "depth"},
		Theme:      th,
		NoRecovery: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	return m
}
