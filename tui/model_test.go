package tui

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/stampede-dev/stampede/stamping"
	"github.com/stampede-dev/stampede/themes"
	"github.com/stampede-dev/stampede/tui/finder"
	"github.com/stampede-dev/stampede/tui/session"
	"github.com/stampede-dev/stampede/visitors"
)

func TestOpeningShowsTheCanvasBeforeStamping(t *testing.T) {
	h := newHarness(t)
	if h.pos() != 0 {
		t.Fatalf("opened at step %d, want 0", h.pos())
	}
	if h.m.Session().Len() != 20 {
		t.Fatalf("mark.star on the order canvas: %d steps, want 20", h.m.Session().Len())
	}
	h.wantView("chain (2) order-1042", "header sig shop.charge_card charge-1", "ready", "step 0/20")
}

func TestNextAndSpaceRunOneHookEach(t *testing.T) {
	h := newHarness(t)
	h.press("n")
	if h.pos() != 1 {
		t.Fatalf("after n: step %d, want 1", h.pos())
	}
	h.press("space")
	if h.pos() != 2 {
		t.Fatalf("after space: step %d, want 2", h.pos())
	}
	h.wantView("on_errback", "step 2/20")
}

func TestKeysTypedTogetherAreSeparatePresses(t *testing.T) {
	h := newHarness(t)
	h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("nnn")})
	if h.pos() != 3 {
		t.Fatalf(`"nnn" in one message: step %d, want 3`, h.pos())
	}
}

func TestStepBackRestoresTheExactEarlierCanvas(t *testing.T) {
	h := newHarness(t)
	var states []string
	for i := 0; i <= 12; i++ {
		states = append(states, h.canvasJSON())
		h.press("n")
	}
	for i := 12; i >= 0; i-- {
		h.press("p")
		if h.pos() != i {
			t.Fatalf("after p: step %d, want %d", h.pos(), i)
		}
		if got := h.canvasJSON(); got != states[i] {
			t.Fatalf("stepping back to %d: the canvas differs from when it was first there", i)
		}
	}
	h.press("p")
	h.wantStatus("at the start")
}

func TestTheStepPaneShowsHookHeadersReturnAndDiff(t *testing.T) {
	h := newHarness(t)
	// step 8 is on_signature of charge_card (see the trace of mark.star)
	h.press("n", "n", "n", "n", "n", "n", "n", "n")
	st := h.m.Session().Current()
	if st.Hook != visitors.OnSignature || st.Target.Path.String() != "$.tasks[1].header[0]" {
		t.Fatalf("step 8 is %s at %s", st.Hook, st.Target.Path)
	}
	h.wantView("on_signature", "$.tasks[1].header[0]", `ret   s: "s4@8"`, `+ s: "s4@8"`, `+ chh: "h1@7"`, "+ stamped_headers: {chn, s, chh}")
	d := h.m.StepPane().Diff
	if len(d.Entries) != 4 || d.Unchanged != 2 {
		t.Fatalf("diff: %d entries, %d unchanged; want 4 and 2", len(d.Entries), d.Unchanged)
	}
}

func TestAppendStampsShowsAScalarBecomingAList(t *testing.T) {
	// Stamping an already stamped canvas with append_stamps turns each
	// stamp the node holds into a list of the old and new values.
	data, err := os.ReadFile("testdata/stamped.json")
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, func(c *Config) { c.Session.Data, c.Session.Append = data, true })
	for h.pos() < h.m.Session().Len() {
		h.press("n")
		for _, e := range h.m.StepPane().Diff.Entries {
			if e.Note == "scalar → list" {
				h.wantView("[scalar → list]", "~ "+e.Key+": ")
				return
			}
		}
	}
	t.Fatal("no step turned a scalar stamp into a list under append_stamps")
}

func TestRunToEndAndRestart(t *testing.T) {
	h := newHarness(t)
	before := h.canvasJSON()
	h.press("G")
	if h.pos() != 20 {
		t.Fatalf("after G: step %d", h.pos())
	}
	want := stampedFile(t, h.m.Session().Config)
	if h.canvasJSON() != want {
		t.Fatal("at the end the canvas is not the stamped canvas")
	}
	h.press("n")
	h.wantStatus("at the end")
	h.press("r")
	if h.pos() != 0 || h.canvasJSON() != before {
		t.Fatal("restart did not bring back the canvas before stamping")
	}
}

func TestBreakpointOnANodeStopsContinue(t *testing.T) {
	h := newHarness(t)
	// select $.tasks[1].header[1] (reserve_stock) with the tree keys
	if !h.m.Tree().Reveal("$.tasks[1].header[1]") {
		t.Fatal("reveal failed")
	}
	h.press("b")
	if !h.m.Breakpoints().Nodes["$.tasks[1].header[1]"] {
		t.Fatal("b did not set a breakpoint on the selected node")
	}
	h.wantView("●")
	h.press("c")
	st := h.m.Session().Current()
	if st.Target.Path.String() != "$.tasks[1].header[1]" {
		t.Fatalf("continue stopped at %s, want the breakpoint's node", st.Target.Path)
	}
	h.wantStatus("breakpoint on $.tasks[1].header[1]")
	h.press("c")
	if h.pos() != h.m.Session().Len() {
		t.Fatalf("second continue: step %d, want the end", h.pos())
	}
	h.wantStatus("no breakpoint hit")
	h.m.Tree().Reveal("$.tasks[1].header[1]")
	h.press("b")
	if len(h.m.Breakpoints().Nodes) != 0 {
		t.Fatal("b again did not remove the breakpoint")
	}
}

func TestContinueWithoutBreakpointsRunsToTheEnd(t *testing.T) {
	h := newHarness(t)
	h.press("c")
	if h.pos() != 20 {
		t.Fatalf("step %d", h.pos())
	}
	h.wantStatus("no breakpoints set")
}

func TestHookBreakpointFromTheDialog(t *testing.T) {
	h := newHarness(t)
	h.press("B")
	h.wantScreen(ScreenBreakpoints)
	// the cursor starts on the condition input; go up to the hooks
	h.press("tab") // to the first row: on_signature
	for i := 0; i < int(visitors.OnChordBody); i++ {
		h.press("down")
	}
	h.press("space")
	if !h.m.Breakpoints().Hooks[visitors.OnChordBody] {
		t.Fatal("space did not set a breakpoint on on_chord_body")
	}
	h.press("esc")
	h.wantScreen(ScreenMain)
	h.press("c")
	if st := h.m.Session().Current(); st.Hook != visitors.OnChordBody {
		t.Fatalf("continue stopped at %s, want on_chord_body", st.Hook)
	}
}

func TestConditionBreakpoints(t *testing.T) {
	for _, tc := range []struct {
		cond, wantPath string
		hook           visitors.Hook
	}{
		{`queue == "fast"`, "$.tasks[1].header[0]", visitors.OnSignature},
		{`chb exists`, "$.tasks[1]", visitors.OnChordBody},
		{`s == "s2@5"`, "$.tasks[0].link[0]", visitors.OnSignature},
	} {
		t.Run(tc.cond, func(t *testing.T) {
			h := newHarness(t)
			h.press("B")
			h.typeText(tc.cond)
			h.press("enter")
			if len(h.m.Breakpoints().Conds) != 1 {
				t.Fatalf("condition not added: %s", h.m.BreakpointList().Err())
			}
			h.press("esc", "c")
			st := h.m.Session().Current()
			if st == nil || st.Target.Path.String() != tc.wantPath || st.Hook != tc.hook {
				t.Fatalf("stopped at %v, want %s at %s", st, tc.hook, tc.wantPath)
			}
			h.wantStatus("condition " + tc.cond)
		})
	}
}

func TestABadConditionIsRefused(t *testing.T) {
	h := newHarness(t)
	h.press("B")
	h.typeText("queue ~ 3")
	h.press("enter")
	if len(h.m.Breakpoints().Conds) != 0 || h.m.BreakpointList().Err() == "" {
		t.Fatal("a bad condition was accepted")
	}
	h.wantView("✗")
}

func TestDeletingAConditionInTheDialog(t *testing.T) {
	h := newHarness(t)
	h.press("B")
	h.typeText("mtask_id exists")
	h.press("enter", "up", "x")
	if len(h.m.Breakpoints().Conds) != 0 {
		t.Fatal("x did not delete the condition")
	}
}

func TestStepUntilTheSelectedNode(t *testing.T) {
	h := newHarness(t)
	h.m.Tree().Reveal("$.tasks[1].body.tasks[2]")
	h.press("u")
	st := h.m.Session().Current()
	if st.Target.Path.String() != "$.tasks[1].body.tasks[2]" || st.Hook != visitors.OnGroupStart {
		t.Fatalf("u stopped at %s %s", st.Hook, st.Target.Path)
	}
	h.press("u")
	if st := h.m.Session().Current(); st.Hook != visitors.OnGroupEnd {
		t.Fatalf("u again stopped at %s, want the group's on_group_end", st.Hook)
	}
	h.press("u")
	h.wantStatus("no hook call on")
}

func TestStepUntilAHookKind(t *testing.T) {
	h := newHarness(t)
	h.press("U")
	h.wantScreen(ScreenUntilHook)
	for h.m.HookMenu().Cursor() != int(visitors.OnCallback) {
		if h.m.HookMenu().Cursor() < int(visitors.OnCallback) {
			h.press("j")
		} else {
			h.press("k")
		}
	}
	h.press("enter")
	h.wantScreen(ScreenMain)
	if st := h.m.Session().Current(); st.Hook != visitors.OnCallback {
		t.Fatalf("stopped at %s", st.Hook)
	}
}

func TestGoToAStepNumber(t *testing.T) {
	h := newHarness(t)
	h.press(":")
	h.typeText("99")
	h.press("enter")
	h.wantScreen(ScreenGoto)
	h.wantView("a step number from 0 to 20")
	h.press("backspace", "backspace")
	h.typeText("7")
	h.press("enter")
	h.wantScreen(ScreenMain)
	if h.pos() != 7 {
		t.Fatalf("step %d, want 7", h.pos())
	}
}

func TestJumpFromTheTimeline(t *testing.T) {
	h := newHarness(t)
	h.press("tab", "tab", "tab")
	if h.m.Focus() != PaneTimeline {
		t.Fatalf("focus %d, want the timeline", h.m.Focus())
	}
	h.press("right", "right", "right", "enter")
	if h.pos() != 4 {
		t.Fatalf("enter on the 4th glyph: step %d, want 4", h.pos())
	}
	h.press("end", "enter")
	if h.pos() != 20 {
		t.Fatalf("end, enter: step %d", h.pos())
	}
	h.press("tab")
	if h.m.Focus() != PaneTree {
		t.Fatal("tab from the timeline should come back to the tree")
	}
}

func TestClickOnTheTimelineJumps(t *testing.T) {
	h := newHarness(t)
	l := h.m.layout()
	// "trace " then one column of scroll marker, then the glyphs
	h.send(tea.MouseMsg{X: len("trace ") + 1 + 5, Y: l.mainH, Button: tea.MouseButtonLeft, Action: tea.MouseActionPress})
	if h.pos() != 6 {
		t.Fatalf("click on the 6th glyph: step %d, want 6", h.pos())
	}
}

func TestTreeKeys(t *testing.T) {
	h := newHarness(t)
	tr := h.m.Tree()
	if tr.Selected().Path != "$" {
		t.Fatalf("starts on %s", tr.Selected().Path)
	}
	h.press("j", "j")
	if p := tr.Selected().Path; p != "$.tasks[0]" {
		t.Fatalf("j j: %s", p)
	}
	h.press("down", "k")
	if p := tr.Selected().Path; p != "$.tasks[0]" {
		t.Fatalf("down k: %s", p)
	}
	h.press("h") // collapse fetch_order (it has a link)
	if tr.Expanded(tr.Selected()) {
		t.Fatal("h did not collapse")
	}
	h.press("j")
	if p := tr.Selected().Path; p != "$.tasks[1]" {
		t.Fatalf("j past a collapsed node: %s", p)
	}
	h.press("k", "l")
	if !tr.Expanded(tr.Selected()) {
		t.Fatal("l did not expand")
	}
	h.press("l")
	if p := tr.Selected().Path; p != "$.tasks[0].link[0]" {
		t.Fatalf("l on an open node goes to its first child; got %s", p)
	}
	h.press("h")
	if p := tr.Selected().Path; p != "$.tasks[0]" {
		t.Fatalf("h on a leaf goes to its parent; got %s", p)
	}
	h.press("H")
	h.wantView("▸ chain (2) order-1042")
	if strings.Contains(h.view(), "shop.fetch_order") {
		t.Fatal("collapse all still shows children")
	}
	h.press("L", "end")
	if p := tr.Selected().Path; p != "$.tasks[1].body.tasks[2].tasks[1]" {
		t.Fatalf("end: %s", p)
	}
	h.press("g")
	if p := tr.Selected().Path; p != "$" {
		t.Fatalf("g: %s", p)
	}
}

func TestMouseWheelAndClickInTheTree(t *testing.T) {
	h := newHarness(t, func(c *Config) {})
	h.send(tea.WindowSizeMsg{Width: 80, Height: 12}) // a tree of 8 rows: it scrolls
	h.send(tea.MouseMsg{X: 5, Y: 3, Button: tea.MouseButtonWheelDown, Action: tea.MouseActionPress})
	rows := h.m.Tree().Rows()
	if rows[0].Node.Path == "$" {
		t.Fatal("the wheel did not scroll the tree")
	}
	// click the second row on screen
	h.send(tea.MouseMsg{X: 20, Y: 2, Button: tea.MouseButtonLeft, Action: tea.MouseActionPress})
	if got := h.m.Tree().Selected().Path; got != rows[1].Node.Path {
		t.Fatalf("click selected %s, want %s", got, rows[1].Node.Path)
	}
	if h.m.Inspector().Items() == nil {
		t.Fatal("the inspector does not show the clicked node")
	}
}

func TestFollowSelectsEachStepsNode(t *testing.T) {
	h := newHarness(t)
	h.press("n", "n", "n")
	if got, want := h.m.Tree().Selected().Path, h.m.Session().Current().Target.Path.String(); got != want {
		t.Fatalf("following: selected %s, want %s", got, want)
	}
	h.press("f", "g", "n")
	if h.m.Tree().Selected().Path != "$" {
		t.Fatal("with follow off, a step moved the selection")
	}
	h.press(".")
	if got, want := h.m.Tree().Selected().Path, h.m.Session().Current().Target.Path.String(); got != want {
		t.Fatalf(". selected %s, want %s", got, want)
	}
}

func TestFindANodeByStampValue(t *testing.T) {
	h := newHarness(t)
	h.press("G", "/")
	h.wantScreen(ScreenFind)
	h.typeText("s4@8")
	if n := h.m.Finder().Matches(); n < 1 {
		t.Fatal("no match for a stamp value")
	}
	c, _ := h.m.Finder().Selected()
	if c.Path != "$.tasks[1].header[0]" {
		t.Fatalf("best match %s", c.Path)
	}
	h.press("enter")
	h.wantScreen(ScreenMain)
	if got := h.m.Tree().Selected().Path; got != "$.tasks[1].header[0]" {
		t.Fatalf("enter selected %s", got)
	}
}

func TestFindByTaskNameAndID(t *testing.T) {
	for q, want := range map[string]string{"sms_receipt": "$.tasks[1].body.tasks[2].tasks[1]", "audit-1": "$.tasks[0].link[0]"} {
		h := newHarness(t)
		h.press("H", "/") // even inside collapsed nodes
		h.typeText(q)
		h.press("enter")
		if got := h.m.Tree().Selected().Path; got != want {
			t.Errorf("find %q selected %s, want %s", q, got, want)
		}
	}
}

func TestEscClosesEveryDialog(t *testing.T) {
	for _, k := range []string{"?", "v", "/", "e", "B", "U", ":"} {
		h := newHarness(t)
		h.press(k)
		if h.m.Screen() == ScreenMain {
			t.Fatalf("%s opened nothing", k)
		}
		h.press("esc")
		if h.m.Screen() != ScreenMain {
			t.Fatalf("esc did not close the dialog of %s", k)
		}
	}
}

func TestHelpIsGeneratedFromTheKeymap(t *testing.T) {
	h := newHarness(t)
	h.press("?")
	for _, col := range h.m.com.Keys.Full() {
		for _, b := range col {
			h.wantView(b.Help().Desc)
		}
	}
	h.press("?")
	h.wantScreen(ScreenMain)
}

func TestQuit(t *testing.T) {
	h := newHarness(t)
	h.press("q")
	if !h.quit {
		t.Fatal("q did not quit")
	}
	h = newHarness(t)
	h.press("/")
	h.typeText("q")
	if h.quit {
		t.Fatal("q typed into find quit the program")
	}
	h.press("ctrl+c")
	if !h.quit {
		t.Fatal("ctrl+c did not quit")
	}
}

func TestVisitorPickerChangesTheVisitorAndRestarts(t *testing.T) {
	h := newHarness(t)
	h.press("n", "n")
	h.press("v")
	h.wantScreen(ScreenVisitor)
	h.typeText("depth")
	it, ok := h.m.Picker().Selected()
	if !ok || it.Spec != "depth" {
		t.Fatalf("filter picked %+v", it)
	}
	h.press("enter")
	h.wantScreen(ScreenMain)
	if h.m.Session().VisitorName != "depth" || h.pos() != 0 {
		t.Fatalf("visitor %s at step %d", h.m.Session().VisitorName, h.pos())
	}
	h.wantStatus("visitor depth: trace restarted")
	h.wantView("visitor depth")
}

func TestPickerTogglesAppendAndValidatesHeaders(t *testing.T) {
	h := newHarness(t)
	h.press("v", "tab")
	if h.m.Picker().Field() != 1 {
		t.Fatal("tab did not move to append_stamps")
	}
	h.press("space", "tab")
	h.typeText(`{"origin": `)
	h.press("enter")
	if h.m.Screen() != ScreenVisitor || !strings.Contains(h.m.Picker().Err(), "headers") {
		t.Fatalf("bad headers were accepted (err %q)", h.m.Picker().Err())
	}
	h.typeText(`"tui"}`)
	h.press("enter")
	h.wantScreen(ScreenMain)
	cfg := h.m.Session().Config
	if !cfg.Append || cfg.Headers != `{"origin": "tui"}` {
		t.Fatalf("append %v headers %q", cfg.Append, cfg.Headers)
	}
	h.wantStatus("append_stamps on, headers changed")
	h.press("n")
	h.wantView(`origin: "tui"`)
}

func TestAToggleAppendAndRestamps(t *testing.T) {
	h := newHarness(t)
	h.press("G", "a")
	if !h.m.Session().Append || h.pos() != 0 {
		t.Fatal("a did not restart the trace with append_stamps on")
	}
	h.wantStatus("append_stamps on: trace restarted")
	h.wantView("append on")
	h.press("a")
	if h.m.Session().Append {
		t.Fatal("a again did not turn it off")
	}
}

func TestAScriptErrorIsShownNotACrash(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "boom.star")
	os.WriteFile(bad, []byte("def on_signature(sig, **headers):\n    return {\"x\": 1 // 0}\n"), 0o644)
	h := newHarness(t)
	h.press("v")
	h.m.picker = nil // choose the script through the same path the picker takes
	h.m.screen = ScreenMain
	h.run(h.m.restamp(withVisitor(h.m.Session().Config, bad), "visitor boom.star"))
	e := h.m.ErrPane()
	if e == nil {
		t.Fatal("no error pane")
	}
	if !strings.Contains(e.Pos, "boom.star:2:") || e.Hook != "on_signature" || e.Path == "" {
		t.Fatalf("error pane %+v lacks file:line, hook or node", e)
	}
	h.wantView("Error", "boom.star:2:", "on_signature on $.")
	// the trace up to the failure can be stepped; continue stops on it
	h.press("c")
	if st := h.m.Session().Current(); st == nil || st.Err() == nil {
		t.Fatal("continue did not stop at the failed hook")
	}
	h.wantView("✗")
	h.press("esc")
	if h.m.ErrPane() != nil {
		t.Fatal("esc did not hide the error pane")
	}
}

func TestAScriptThatDoesNotCompileKeepsThePreviousTrace(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "syntax.star")
	os.WriteFile(bad, []byte("def on_signature(sig, **headers)\n    return {}\n"), 0o644)
	h := newHarness(t)
	before := h.m.Session()
	h.run(h.m.restamp(withVisitor(before.Config, bad), "visitor syntax.star"))
	if h.m.Session() != before {
		t.Fatal("a visitor that does not compile replaced the session")
	}
	if e := h.m.ErrPane(); e == nil || !strings.Contains(e.Pos, "syntax.star:2:1") {
		t.Fatalf("error pane %+v", h.m.ErrPane())
	}
	h.wantStatus("failed; still showing the previous trace")
}

func withVisitor(c session.Config, v string) session.Config {
	c.Visitor = v
	return c
}

func TestExportWritesCanvasAndTraceBesideTheInput(t *testing.T) {
	in := copyCanvas(t)
	h := newHarness(t, func(c *Config) { c.Session.Path, c.Session.Name = in, in })
	h.press("n", "n", "e")
	h.wantScreen(ScreenExport)
	h.press("enter")
	h.wantScreen(ScreenMain)
	canvasOut := strings.TrimSuffix(in, ".json") + ".stamped.json"
	traceOut := strings.TrimSuffix(in, ".json") + ".trace.jsonl"
	got, err := os.ReadFile(canvasOut)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != stampedFile(t, h.m.Session().Config) {
		t.Fatal("the exported canvas is not the stamped canvas")
	}
	trace, err := os.ReadFile(traceOut)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(trace), "\n"); n != 20 {
		t.Fatalf("trace has %d lines, want 20", n)
	}
	h.wantStatus("wrote the stamped canvas to " + canvasOut + " and the trace (20 lines) to " + traceOut)
	if h.pos() != 2 {
		t.Fatal("export moved the stepper")
	}
}

func TestExportNeverOverwritesTheInputWithoutConfirmation(t *testing.T) {
	in := copyCanvas(t)
	orig, _ := os.ReadFile(in)
	h := newHarness(t, func(c *Config) { c.Session.Path, c.Session.Name = in, in })
	h.press("e", "right") // canvas only
	h.m.Exporter().SetPaths(in, "")
	h.press("enter")
	if !h.m.Exporter().Confirming() {
		t.Fatal("no confirmation asked before overwriting the input")
	}
	h.wantView("order.json is the input file: overwrite it? (y/n)")
	h.press("n")
	if now, _ := os.ReadFile(in); !bytes.Equal(now, orig) {
		t.Fatal("the input changed after n")
	}
	h.press("enter", "y")
	h.wantScreen(ScreenMain)
	if now, _ := os.ReadFile(in); bytes.Equal(now, orig) {
		t.Fatal("y did not write the input")
	}
}

func TestExportTraceOnlyAndBadPaths(t *testing.T) {
	in := copyCanvas(t)
	h := newHarness(t, func(c *Config) { c.Session.Path, c.Session.Name = in, in })
	h.press("e")
	h.m.Exporter().SetPaths("same.json", "same.json")
	h.press("enter")
	if !strings.Contains(h.m.Exporter().Err(), "two different files") {
		t.Fatalf("err %q", h.m.Exporter().Err())
	}
	out := filepath.Join(filepath.Dir(in), "t.jsonl")
	h.m.Exporter().SetPaths("", out)
	h.press("left", "enter") // trace only
	if _, err := os.Stat(out); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(strings.TrimSuffix(in, ".json") + ".stamped.json"); err == nil {
		t.Fatal("trace only wrote a canvas")
	}
}

func TestCopyUsesOSC52(t *testing.T) {
	h := newHarness(t)
	h.m.Tree().Reveal("$.tasks[0].link[0]")
	h.press("y")
	out := h.clip.String()
	if !strings.HasPrefix(out, "\x1b]52;c;") || !strings.HasSuffix(out, "\x07") {
		t.Fatalf("not an OSC 52 sequence: %q", out)
	}
	data, err := base64.StdEncoding.DecodeString(strings.TrimSuffix(strings.TrimPrefix(out, "\x1b]52;c;"), "\x07"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"task": "shop.audit_log"`) {
		t.Fatalf("copied %s", data)
	}
	h.wantStatus("copied the JSON of $.tasks[0].link[0]")
	// a value from the inspector
	h.clip.Reset()
	h.press("tab")
	for {
		it, _ := h.m.Inspector().Selected()
		if it.Key == "task_id" {
			break
		}
		h.press("j")
	}
	h.press("y")
	got, _ := base64.StdEncoding.DecodeString(strings.TrimSuffix(strings.TrimPrefix(h.clip.String(), "\x1b]52;c;"), "\x07"))
	if string(got) != "audit-1" {
		t.Fatalf("copied %q, want the task_id", got)
	}
}

func TestThemeCycles(t *testing.T) {
	h := newHarness(t)
	seen := []string{h.m.Theme().Name}
	for i := 0; i < len(themes.Names()); i++ {
		h.press("t")
		seen = append(seen, h.m.Theme().Name)
	}
	if strings.Join(seen, ",") != "dark,light,high-contrast,mono,dark" {
		t.Fatalf("t cycled %v", seen)
	}
}

func TestNoColorKeepsTheMonoTheme(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	h := newHarness(t, func(c *Config) { c.Theme = nil })
	if h.m.Theme().Name != themes.Mono {
		t.Fatalf("theme %s under NO_COLOR", h.m.Theme().Name)
	}
	h.press("t")
	if h.m.Theme().Name != themes.Mono {
		t.Fatal("t left the mono theme under NO_COLOR")
	}
	h.wantStatus("NO_COLOR")
}

func TestEveryScreenFitsEverySize(t *testing.T) {
	sizes := [][2]int{{80, 24}, {81, 25}, {100, 30}, {120, 40}, {200, 60}, {60, 15}}
	for _, k := range []string{"", "?", "v", "/", "e", "B", "U", ":"} {
		for _, sz := range sizes {
			h := newHarness(t)
			h.press("n", "n", "n", "n", "n", "n", "n", "n")
			if k != "" {
				h.press(k)
			}
			h.send(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
			lines := strings.Split(h.view(), "\n")
			if len(lines) != sz[1] {
				t.Fatalf("screen %q at %dx%d: %d lines", k, sz[0], sz[1], len(lines))
			}
			for i, l := range lines {
				if w := widthOf(l); w != sz[0] {
					t.Fatalf("screen %q at %dx%d: line %d is %d wide: %q", k, sz[0], sz[1], i, w, l)
				}
			}
		}
	}
}

func TestTabMovesTheKeyboardBetweenPanes(t *testing.T) {
	h := newHarness(t)
	h.press("G") // the root's inspector has several lines
	want := []Pane{PaneInspector, PaneStep, PaneTimeline, PaneTree}
	for _, p := range want {
		h.press("tab")
		if h.m.Focus() != p {
			t.Fatalf("focus %d, want %d", h.m.Focus(), p)
		}
	}
	h.press("tab", "j")
	if h.m.Inspector().Cursor() != 1 {
		t.Fatalf("j in the inspector: cursor %d, want 1", h.m.Inspector().Cursor())
	}
	if h.m.Tree().Selected().Path != "$" {
		t.Fatal("j in the inspector moved the tree")
	}
	h.press("esc")
	if h.m.Focus() != PaneTree {
		t.Fatal("esc did not give the keyboard back to the tree")
	}
}

func TestTheStepPaneScrolls(t *testing.T) {
	h := newHarness(t)
	h.send(tea.WindowSizeMsg{Width: 80, Height: 16}) // the step has more lines than fit
	h.press("n", "n", "n", "n", "n", "n", "n", "n")
	before := h.view()
	l := h.m.layout()
	h.send(tea.MouseMsg{X: l.rightX + 5, Y: l.stepY + 2, Button: tea.MouseButtonWheelDown, Action: tea.MouseActionPress})
	if h.view() == before {
		t.Fatal("the wheel over the step pane did not scroll it")
	}
	h.press("tab", "tab") // the step pane
	h.press("g")
	if h.view() != before {
		t.Fatal("g in the step pane did not scroll back to the top")
	}
}

func TestAUserThemeJoinsTheCycle(t *testing.T) {
	mine, err := themes.Parse([]byte(`{"name": "mine", "palette": {"accent": "5"}}`))
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, func(c *Config) { c.UserTheme = mine })
	for i := 0; i < 4; i++ {
		h.press("t")
	}
	if h.m.Theme().Name != "mine" {
		t.Fatalf("after 4 t: %s", h.m.Theme().Name)
	}
	h.press("t")
	if h.m.Theme().Name != "dark" {
		t.Fatalf("after 5 t: %s", h.m.Theme().Name)
	}
}

func TestTheInspectorHighlightsStampsAndShowsAStampedHeadersSet(t *testing.T) {
	h := newHarness(t)
	h.press("G")
	h.m.Tree().Reveal("$.tasks[1].header[0]")
	h.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	items := h.m.Inspector().Items()
	var keys []string
	for _, it := range items {
		k := it.Key
		if it.Stamp {
			k = "✦" + k
		}
		keys = append(keys, k)
	}
	if got := strings.Join(keys, " "); !strings.HasPrefix(got, "✦chn ✦s ✦chh stamped_headers queue task_id path") {
		t.Fatalf("inspector items %s", got)
	}
	h.wantView("✦ chn", "stamped_headers {chn, s, chh}")
}

func TestOnlyTheLatestRestampIsUsed(t *testing.T) {
	h := newHarness(t)
	cfg := h.m.Session().Config
	first := h.m.restamp(withVisitor(cfg, "depth"), "visitor depth")
	second := h.m.restamp(withVisitor(cfg, "path"), "visitor path")
	h.run(second)
	h.run(first) // arrives late
	if h.m.Session().VisitorName != "path" {
		t.Fatalf("visitor %s: a stale restamp replaced a newer one", h.m.Session().VisitorName)
	}
}

func TestScriptPrintsAreShownWithTheirStep(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "talk.star")
	os.WriteFile(p, []byte("def on_chain_start(sig, **headers):\n    print(\"hello from\", sig.task)\n    return {}\n"), 0o644)
	h := newHarness(t, func(c *Config) { c.Session.Visitor = p })
	h.press("n")
	h.wantView("print", "hello from celery.chain")
}

func TestClickAValueInTheInspectorAndCopyIt(t *testing.T) {
	h := newHarness(t)
	h.m.Tree().Reveal("$.tasks[1].header[0]")
	h.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	l := h.m.layout()
	// row 0 is the pane title, row 1 the heading, row 2 the first item
	h.send(tea.MouseMsg{X: l.rightX + 3, Y: 2, Button: tea.MouseButtonLeft, Action: tea.MouseActionPress})
	if h.m.Focus() != PaneInspector {
		t.Fatal("a click in the inspector did not focus it")
	}
	it, _ := h.m.Inspector().Selected()
	if it.Key != "queue" {
		t.Fatalf("clicked %s, want the first option (queue)", it.Key)
	}
	h.press("y")
	got, _ := base64.StdEncoding.DecodeString(strings.TrimSuffix(strings.TrimPrefix(h.clip.String(), "\x1b]52;c;"), "\x07"))
	if string(got) != "fast" {
		t.Fatalf("copied %q", got)
	}
}

func TestAScriptFailingAtItsTopLevel(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "top.star")
	os.WriteFile(bad, []byte("x = {}\ny = x[\"nope\"]\n\ndef on_signature(sig, **headers):\n    return {}\n"), 0o644)
	h := newHarness(t, func(c *Config) { c.Session.Visitor = bad })
	if h.m.Session().Len() != 0 {
		t.Fatalf("%d steps", h.m.Session().Len())
	}
	h.wantStatus("stamping failed before the first hook call")
	h.wantView("top.star:2:", "(no hook calls)")
	h.press("n", "c", "G", "p")
	h.wantScreen(ScreenMain)
}

func TestTheTreeFollowsTheChordHeaderBeingWrappedInAGroup(t *testing.T) {
	// monitoring-id does not define on_chord_header_start: Celery's default
	// wraps the chord's header list in a group, which the tree then shows,
	// and stepping back unwraps it again.
	data, _ := os.ReadFile(testCanvas)
	h := newHarness(t, func(c *Config) { c.Session.Data, c.Session.Visitor = data, "monitoring-id" })
	j := h.m.Session().Find(0, func(st *stamping.Step) bool { return st.Hook == visitors.OnChordHeaderStart })
	h.press(":")
	h.typeText(strconv.Itoa(j))
	h.press("enter")
	if strings.Contains(h.view(), "header group (2)") {
		t.Fatal("the header is a group before on_chord_header_start ran")
	}
	h.press("n")
	h.wantView("header group (2)")
	h.press("n", "n")
	if got := h.m.Session().Current().Target.Path.String(); got != "$.tasks[1].header[0]" {
		t.Fatalf("at %s", got)
	}
	if got := h.m.Tree().Selected().Path; got != "$.tasks[1].header[0]" {
		t.Fatalf("following into the header group selected %s", got)
	}
	if rows := h.m.Tree().Rows(); !strings.Contains(h.view(), "▶") || len(rows) == 0 {
		t.Fatal("no current-step marker")
	}
	h.press("r")
	if strings.Contains(h.view(), "header group (2)") {
		t.Fatal("restart left the header wrapped")
	}
}

func TestTinyWindowsDoNotBreakAnything(t *testing.T) {
	for _, k := range []string{"", "?", "v", "/", "e", "B", "U", ":"} {
		for _, sz := range [][2]int{{1, 1}, {10, 5}, {30, 10}, {0, 0}} {
			h := newHarness(t)
			h.send(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
			h.press("n", "n")
			if k != "" {
				h.press(k)
			}
			_ = h.view()
			h.press("j", "k", "n", "p")
			_ = h.view()
		}
	}
}

// TestRestampShowsProgress sends the progress ticks of a restamp: while it
// runs the status line says how far it has come and the ticks go on; once
// its session has arrived they stop.
func TestRestampShowsProgress(t *testing.T) {
	h := newHarness(t)
	cmd := h.m.restamp(withVisitor(h.m.Session().Config, "depth"), "visitor depth")
	gen := h.m.gen
	if next := h.m.showProgress(progressMsg{gen}); next == nil || h.m.Status() != "stamping again: loading (visitor depth)" {
		t.Fatalf("while loading: status %q, next tick %v", h.m.Status(), next != nil)
	}
	if next := h.m.showProgress(progressMsg{gen - 1}); next != nil {
		t.Fatal("a tick of an older restamp goes on")
	}
	h.run(cmd)
	status := h.m.Status()
	if next := h.m.showProgress(progressMsg{gen}); next != nil || h.m.Status() != status {
		t.Fatalf("after the session arrived: status %q, next tick %v", h.m.Status(), next != nil)
	}
	if !strings.Contains(status, "trace restarted") {
		t.Fatalf("status %q", status)
	}
}

// TestExportSaysSoBeforeEncoding checks that enter in the export dialog
// first puts a status on screen and writes nothing; the encoding and the
// files come with the next message.
func TestExportSaysSoBeforeEncoding(t *testing.T) {
	in := copyCanvas(t)
	h := newHarness(t, func(c *Config) { c.Session.Path, c.Session.Name = in, in })
	h.press("e")
	_, cmd := h.m.Update(keyMsg("enter"))
	h.wantStatus("encoding the export…")
	canvasOut := strings.TrimSuffix(in, ".json") + ".stamped.json"
	if _, err := os.Stat(canvasOut); err == nil {
		t.Fatal("the canvas was written before the status said so")
	}
	h.run(cmd)
	if _, err := os.Stat(canvasOut); err != nil {
		t.Fatal(err)
	}
}

// TestFindOnAHugeCanvasSearchesInTheBackground: from finder.BackgroundFrom
// nodes each key's query is matched in a command, and the dialog says so
// until its matches come back through Update; enter then goes to the best.
func TestFindOnAHugeCanvasSearchesInTheBackground(t *testing.T) {
	h := newHarness(t, func(c *Config) {
		c.Session = session.Config{Name: "big.json", Data: bigGroup(finder.BackgroundFrom), Visitor: "depth"}
		c.NoRecovery = true
	})
	h.press("/")
	h.wantScreen(ScreenFind)
	_, cmd := h.m.Update(keyMsg("t"))
	if !h.m.Finder().Searching() || !strings.Contains(h.view(), "searching") {
		t.Fatal("a key over 200,000 nodes did not start a search in the background")
	}
	h.run(cmd)
	if h.m.Finder().Searching() {
		t.Fatal("the search's matches did not reach the dialog")
	}
	h.typeText("-199999")
	if c, _ := h.m.Finder().Selected(); c.Path != "$.tasks[199999]" {
		t.Fatalf("best match %s", c.Path)
	}
	h.press("enter")
	h.wantScreen(ScreenMain)
	if got := h.m.Tree().Selected().Path; got != "$.tasks[199999]" {
		t.Fatalf("enter selected %s", got)
	}
}
