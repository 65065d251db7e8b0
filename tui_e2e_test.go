package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/replay"
	"github.com/stampede-dev/stampede/tui"
	"github.com/stampede-dev/stampede/tui/session"
)

// tmuxSession drives one program in a detached tmux server of its own.
type tmuxSession struct {
	t      *testing.T
	tmux   string
	socket string
}

func (s *tmuxSession) cmd(args ...string) (string, error) {
	// -L: a server of our own; -f /dev/null: not the user's configuration
	full := append([]string{"-L", s.socket, "-f", "/dev/null", "-u"}, args...)
	out, err := exec.Command(s.tmux, full...).CombinedOutput()
	return string(out), err
}

func (s *tmuxSession) screen() string {
	s.t.Helper()
	out, err := s.cmd("capture-pane", "-p", "-t", "e2e")
	if err != nil {
		s.t.Fatalf("capture-pane: %v: %s", err, out)
	}
	return out
}

// waitFor polls the screen until it shows every string, or fails.
func (s *tmuxSession) waitFor(what ...string) string {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		scr := s.screen()
		missing := ""
		for _, w := range what {
			if !strings.Contains(scr, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			return scr
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the screen never showed %q; it shows:\n%s", missing, scr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *tmuxSession) keys(keys ...string) {
	s.t.Helper()
	for _, k := range keys {
		if out, err := s.cmd("send-keys", "-t", "e2e", k); err != nil {
			s.t.Fatalf("send-keys %s: %v: %s", k, err, out)
		}
	}
}

// newTmuxTest builds the binary into a temporary folder (dir) and makes a
// tmux server of the test's own, killed when the test ends; without tmux
// it skips the test.
func newTmuxTest(t *testing.T) (s *tmuxSession, bin, dir string) {
	t.Helper()
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux is not installed: the end-to-end TUI test drives the binary in tmux (.ci/run installs it)")
	}
	dir = t.TempDir()
	bin = filepath.Join(dir, "stampede")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	name := strings.NewReplacer("/", "-", " ", "-").Replace(t.Name())
	s = &tmuxSession{t: t, tmux: tmux, socket: fmt.Sprintf("stampede-%s-%d", name, os.Getpid())}
	t.Cleanup(func() { s.cmd("kill-server") })
	return s, bin, dir
}

// copyInto copies the file src into dir and returns the copy's path.
func copyInto(t *testing.T, dir, src string) string {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, filepath.Base(src))
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// termEnv is the start of a command line that runs the binary in a
// terminal of its own: a UTF-8 xterm (or vars in place of LANG), with a
// cache folder of the test's, so that a recovery file the user's own
// runs left for the sample is neither offered nor changed.
func termEnv(t *testing.T, vars ...string) string {
	if len(vars) == 0 {
		vars = []string{"LANG=C.UTF-8"}
	}
	return "env XDG_CACHE_HOME=" + shellQuote(t.TempDir()) + " " + strings.Join(vars, " ") + " TERM=xterm-256color "
}

// TestTUIInTmux runs the real binary in tmux on a test canvas with a
// deterministic visitor, steps with real key presses, checks the hook and
// the diff on screen, steps back, exports, and compares the exported files
// with what `stampede stamp` writes for the same inputs.
func TestTUIInTmux(t *testing.T) {
	s, bin, dir := newTmuxTest(t)
	input := copyInto(t, dir, filepath.Join("tui", "testdata", "order.json"))
	data, err := os.ReadFile(input) // to check later that it did not change
	if err != nil {
		t.Fatal(err)
	}
	visitor, err := filepath.Abs(filepath.Join("testdata", "conformance", "visitors", "mark.star"))
	if err != nil {
		t.Fatal(err)
	}

	command := termEnv(t) + shellQuote(bin) + " " + shellQuote(input) + " -visitor " + shellQuote(visitor)
	if out, err := s.cmd("new-session", "-d", "-s", "e2e", "-x", "120", "-y", "40", command); err != nil {
		t.Fatalf("tmux new-session: %v: %s", err, out)
	}
	s.waitFor("step 0/20", "chain (2) order-1042", "ready")

	// Eight steps: the eighth is on_signature of charge_card.
	for i := 1; i <= 8; i++ {
		s.keys("n")
		s.waitFor(fmt.Sprintf("step %d/20", i))
	}
	scr := s.waitFor("on_signature", "$.tasks[1].header[0]", `ret   s: "s4@8"`,
		`+ s: "s4@8"`, `+ chh: "h1@7"`, `+ stamped_headers: {chn, s, chh}`)
	if !strings.Contains(scr, "✦3") {
		t.Errorf("the tree does not show charge_card's three stamps:\n%s", scr)
	}

	// One step back: on_chord_header_start, and charge_card has no stamps again.
	s.keys("p")
	scr = s.waitFor("step 7/20", "on_chord_header_start", `ret   chh: "h1@7"`)
	if strings.Contains(scr, `+ s: "s4@8"`) || strings.Contains(scr, `"s4@8"`) {
		t.Errorf("after stepping back the screen still shows step 8's stamp:\n%s", scr)
	}
	for _, line := range strings.Split(scr, "\n") {
		if strings.Contains(line, "shop.charge_card") && strings.Contains(line, "✦") {
			t.Errorf("after stepping back charge_card still has stamps: %q", line)
		}
	}

	// Export both files beside the input.
	s.keys("e")
	s.waitFor("Export", "order.stamped.json", "order.trace.jsonl")
	s.keys("Enter")
	s.waitFor("wrote the stamped canvas")

	stamp := exec.Command(bin, "stamp", "-visitor", visitor, "-trace", filepath.Join(dir, "want.jsonl"), input)
	var want, stderr bytes.Buffer
	stamp.Stdout, stamp.Stderr = &want, &stderr
	if err := stamp.Run(); err != nil {
		t.Fatalf("stampede stamp: %v: %s", err, stderr.String())
	}
	got, err := os.ReadFile(filepath.Join(dir, "order.stamped.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Errorf("the exported canvas differs from `stampede stamp`:\n--- tui\n%s\n--- stamp\n%s", got, want.Bytes())
	}
	gotTrace, err := os.ReadFile(filepath.Join(dir, "order.trace.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	wantTrace, _ := os.ReadFile(filepath.Join(dir, "want.jsonl"))
	if !bytes.Equal(gotTrace, wantTrace) {
		t.Errorf("the exported trace differs from `stampede stamp -trace`:\n--- tui\n%s\n--- stamp\n%s", gotTrace, wantTrace)
	}
	if now, _ := os.ReadFile(input); !bytes.Equal(now, data) {
		t.Error("the input file changed")
	}

	// q quits: the program ends and so does the tmux session.
	s.keys("q")
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := s.cmd("has-session", "-t", "e2e"); err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("q did not quit; the screen shows:\n%s", s.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestTUIInTmuxWithNoColor checks on a real terminal that NO_COLOR gives a
// screen without a single colour, yet with the selection in reverse video.
func TestTUIInTmuxWithNoColor(t *testing.T) {
	s, bin, _ := newTmuxTest(t)
	command := termEnv(t, "NO_COLOR=1") + shellQuote(bin)
	if out, err := s.cmd("new-session", "-d", "-s", "e2e", "-x", "100", "-y", "30", command); err != nil {
		t.Fatalf("tmux new-session: %v: %s", err, out)
	}
	s.waitFor("sample:order.json", "visitor monitoring-id", "step 0/")
	s.keys("n")
	s.waitFor("step 1/", "on_chain_start  step 1/")
	out, err := s.cmd("capture-pane", "-p", "-e", "-t", "e2e")
	if err != nil {
		t.Fatal(err)
	}
	reverse := false
	for _, seq := range strings.Split(out, "\x1b[")[1:] {
		end := strings.IndexAny(seq, "mABCDHJK")
		if end < 0 || seq[end] != 'm' {
			continue
		}
		for _, p := range strings.Split(seq[:end], ";") {
			// 30-37, 40-47, 90-97, 100-107, 38/48 (256 and RGB) are colours;
			// 39 and 49 reset to the default
			colour := len(p) == 2 && (p[0] == '3' || p[0] == '4' || p[0] == '9') && p[1] != '9' ||
				len(p) == 3 && p[:2] == "10" || p == "38" || p == "48"
			if colour {
				t.Fatalf("a colour under NO_COLOR: \\e[%sm in\n%q", seq[:end], out)
			}
			if p == "7" {
				reverse = true
			}
		}
	}
	if !reverse {
		t.Errorf("no reverse video under NO_COLOR: the selection is invisible\n%q", out)
	}
	s.keys("q")
}

// TestSampleWithFlagsInTmux opens the built-in sample with the flags a
// file takes: `stampede -visitor workflow-id -append`.
func TestSampleWithFlagsInTmux(t *testing.T) {
	s, bin, _ := newTmuxTest(t)
	command := termEnv(t) + shellQuote(bin) + " -visitor workflow-id -append -theme light"
	if out, err := s.cmd("new-session", "-d", "-s", "e2e", "-x", "120", "-y", "40", command); err != nil {
		t.Fatalf("tmux new-session: %v: %s", err, out)
	}
	s.waitFor("sample:order.json", "visitor workflow-id", "append on", "step 0/")
	s.keys("n")
	s.waitFor("step 1/")
	s.keys("q")
}

// Without a terminal, `stampede` prints the sample's hook calls as before,
// and `stampede FILE` says it needs one instead of drawing into a pipe.
func TestTUINeedsATerminal(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(nil, &stdout, &stderr); code != 0 {
		t.Fatalf("stampede without a terminal: exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "on_signature") {
		t.Fatalf("stampede without a terminal printed:\n%s", stdout.String())
	}
	stdout.Reset()
	stderr.Reset()
	canvasFile := filepath.Join("tui", "testdata", "order.json")
	if code := run([]string{canvasFile, "-visitor", "depth"}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "needs a terminal") {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
	if stdout.Len() != 0 {
		t.Fatalf("wrote to a pipe: %q", stdout.String())
	}
}

func TestTUIFlagErrors(t *testing.T) {
	canvasFile := filepath.Join("tui", "testdata", "order.json")
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{canvasFile, "-theme", "purple"}, 1, `unknown theme "purple"`},
		{[]string{canvasFile, "-headers", "[1]"}, 1, "must be a JSON object"},
		{[]string{canvasFile, "-nope"}, 2, "flag provided but not defined"},
		{[]string{canvasFile, "extra"}, 2, "unexpected arguments"},
		{[]string{"missing.json"}, 1, "missing.json"},
		{[]string{"missing.star"}, 1, "missing.star"},
		// flags without a file: the sample
		{[]string{"-theme", "purple"}, 1, `-theme: unknown theme "purple"`},
		{[]string{"-nope"}, 2, "flag provided but not defined: -nope"},
		{[]string{"-theme", "light"}, 1, "sample:order.json: the debugger needs a terminal"},
		// flags first, then the file, as `stampede stamp` takes them
		{[]string{"-visitor", "depth", canvasFile}, 1, canvasFile + ": the debugger needs a terminal"},
		{[]string{"-visitor", "depth", canvasFile, "-theme", "purple"}, 1, `-theme: unknown theme "purple"`},
		{[]string{"-visitor", "depth", "missing.json"}, 1, "missing.json"},
		{[]string{"-visitor", "depth", canvasFile, "extra"}, 2, "unexpected arguments after the flags: extra"},
		{[]string{"-visitor", "depth", canvasFile, "-nope"}, 2, "flag provided but not defined: -nope"},
		{[]string{"-visitor", "depth", canvasFile, "-h"}, 0, "Usage: stampede [CANVAS.json] [flags]"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(tc.args, &stdout, &stderr)
		if code != tc.code || !strings.Contains(stderr.String(), tc.msg) {
			t.Errorf("stampede %s: exit %d, stderr %q; want exit %d mentioning %q", strings.Join(tc.args, " "), code, stderr.String(), tc.code, tc.msg)
		}
	}
}

// TestTUIOpsInTmux records a session in the real binary: a stamp op, then
// replace(options=…) on a stamped node from the op menu (with a JSON error
// on the way), sees the lost stamps struck in the tree and inspector, opens
// the node's ledger, saves the session, checks it with `stampede replay
// -check`, reopens it (the ops are replayed), undoes the replace and goes
// back to stepping.
func TestTUIOpsInTmux(t *testing.T) {
	s, bin, dir := newTmuxTest(t)
	input := copyInto(t, dir, filepath.Join("tui", "testdata", "order.json"))
	// The visitor sits beside the canvas and is named as a user in that
	// folder would name it: an absolute path to the checkout can be longer
	// than the op form's field, which shows only its start.
	copyInto(t, dir, filepath.Join("testdata", "conformance", "visitors", "mark.star"))
	visitor := "mark.star"
	env := termEnv(t) // one cache folder for every start
	start := func(args string) {
		t.Helper()
		command := env + shellQuote(bin) + " " + args
		if out, err := s.cmd("new-session", "-d", "-s", "e2e", "-x", "120", "-y", "40", "-c", dir, command); err != nil {
			t.Fatalf("tmux new-session: %v: %s", err, out)
		}
	}
	quit := func() {
		t.Helper()
		s.keys("q")
		deadline := time.Now().Add(10 * time.Second)
		for {
			if _, err := s.cmd("has-session", "-t", "e2e"); err != nil {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("q did not quit; the screen shows:\n%s", s.screen())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}

	start(shellQuote(input) + " -visitor " + shellQuote(visitor))
	s.waitFor("step 0/20")

	// op 0: stamp the whole canvas with the visitor the menu offers
	s.keys("o")
	s.waitFor("Apply an op to celery.chain $", "› stamp(visitor, append_stamps, headers)")
	s.keys("Enter")
	s.waitFor("stamp at $", `"`+visitor+`"`)
	s.keys("Enter")
	s.waitFor("Canvas after op 0", "ops 0:stamp", "op 0 stamp: no stamp lost")

	// op 1: replace(options=…) on charge_card, which is stamped
	s.keys("j", "j", "j", "j", "j")
	s.waitFor("header sig shop.charge_card charge-1", "✦ s ")
	s.keys("o")
	s.waitFor("Apply an op to shop.charge_card $.tasks[1].header[0]")
	for i := 0; i < 8; i++ {
		s.keys("Down")
	}
	s.waitFor("› replace(args, kwargs, options)")
	s.keys("Enter", "Tab", "Tab")
	s.waitFor("replace at $.tasks[1].header[0]", `e.g. {"queue": "fast"}`)
	if out, err := s.cmd("send-keys", "-t", "e2e", "-l", `{"task_id": "charge-1", "queue": "slow"`); err != nil {
		t.Fatalf("send-keys: %v: %s", err, out)
	}
	s.waitFor("✗ line 1") // the half-typed object is reported on the spot
	s.keys("}")
	s.keys("Enter")
	scr := s.waitFor("Canvas after op 1", "ops 0:stamp 1:replace✗3", "2 ops · 3 lost · unsaved",
		"op 1 replace: lost chh, chn, s on shop.charge_card (charge-1)")
	var row string
	for _, l := range strings.Split(scr, "\n") {
		if strings.Contains(l, "header sig shop.charge") && !strings.Contains(l, "▾ chain") {
			row = l
		}
	}
	if !strings.Contains(row, "✗chh,chn,s") {
		t.Errorf("the tree row of charge_card does not show its lost stamps: %q", row)
	}
	for _, want := range []string{`✗ chh     lost, was "h1@7"`, `✗ s       lost, was "s4@8"`} {
		if !strings.Contains(scr, want) {
			t.Errorf("the inspector does not show %q:\n%s", want, scr)
		}
	}

	// the node's ledger
	s.keys("s")
	s.waitFor("Ledger of $.tasks[1].header[0]", "shop.charge_card (charge-1) · lost chh, chn, s",
		"s added at op 0 (stamp) step 7 on_signature", "s lost at op 1 (replace at $.tasks[1].header[0])")

	// save beside the canvas
	s.keys("w")
	saved := filepath.Join(dir, "order.session.json")
	s.waitFor("Save session", "enter: …/order.session.json")
	s.keys("Enter")
	s.waitFor("saved the session (2 ops)")
	check := exec.Command(bin, "replay", "-check", saved)
	out, err := check.CombinedOutput()
	if code := check.ProcessState.ExitCode(); code != 3 || strings.Count(string(out), "LOST") != 3 ||
		!strings.Contains(string(out), "shop.charge_card (charge-1)  s lost at op 1") {
		t.Errorf("stampede replay -check on the saved session: exit %d (%v):\n%s", code, err, out)
	}
	quit()

	// reopen: the ops are replayed from the file
	start(shellQuote(saved))
	s.waitFor("Canvas after op 1", "ops 0:stamp 1:replace✗3", "✗chh,chn,s", "2 ops played, 3 stamps lost")
	s.keys("z")
	s.waitFor("undone: replace at $.tasks[1].header[0]", "Canvas after op 0", "1 ops · unsaved")
	if scr := s.screen(); strings.Contains(scr, "✗chh") {
		t.Errorf("after undo the loss is still shown:\n%s", scr)
	}
	// back to stepping, with the visitor of the session's stamp op
	s.keys("O")
	s.waitFor("stepping mode", "step 0/20")
	s.keys("n")
	s.waitFor("step 1/20", "on_chain_start")
	quit()
}

// TestBuilderInTmux builds a small canvas from nothing with `stampede new`
// and real key presses — three inserts (one by fuzzy completion), two
// tasks marked and wrapped in a group, which makes chain(group, task) the
// chord Celery makes of it, args edited — saves it, and compares the file
// with the canvas the same steps make through the canvas package. Leaving
// builder mode stamps the new canvas.
func TestBuilderInTmux(t *testing.T) {
	s, bin, dir := newTmuxTest(t)
	out := filepath.Join(dir, "pipeline.json")
	recovery := filepath.Join(dir, ".pipeline.json.recover.json")

	command := "cd " + shellQuote(dir) + " && " + termEnv(t) + shellQuote(bin) + " new pipeline.json"
	if out, err := s.cmd("new-session", "-d", "-s", "e2e", "-x", "120", "-y", "40", command); err != nil {
		t.Fatalf("tmux new-session: %v: %s", err, out)
	}
	s.waitFor("Builder", "chain (0)", "builder mode: i inserts a task")

	// typeText types text as it is (send-keys -l: no key names)
	typeText := func(text string) {
		t.Helper()
		if out, err := s.cmd("send-keys", "-t", "e2e", "-l", text); err != nil {
			t.Fatalf("send-keys -l %q: %v: %s", text, err, out)
		}
	}
	insert := func(typed, want string) {
		t.Helper()
		s.keys("i")
		s.waitFor("Insert task")
		typeText(typed)
		s.waitFor("task " + typed)
		if typed != want {
			s.keys("Down")
		}
		s.keys("Enter")
		s.waitFor("inserted " + want)
	}
	insert("proj.add", "proj.add")
	if _, err := os.Stat(recovery); err != nil {
		t.Errorf("no recovery file while editing: %v", err)
	}
	insert("pad", "proj.add") // fuzzy: "pad" completes to proj.add
	insert("proj.tsum", "proj.tsum")
	s.waitFor("chain (3)", "3 edits · unsaved")

	// the selection is on tsum: up twice, mark both adds, wrap them in a group
	s.keys("k", "k", "m")
	s.waitFor("1 marked")
	s.keys("j", "m")
	s.waitFor("2 marked")
	s.keys("w")
	s.waitFor("Wrap 2 marked nodes in")
	s.keys("j", "Enter")
	s.waitFor("wrapped in group", "chord (2 → body)", "body sig proj.tsum")

	// args of the first add: [2, 2]
	s.keys("g", "j", "e")
	s.waitFor("Edit", "$.header[0]")
	s.keys("BSpace", "BSpace")
	typeText("[2, 2")
	s.waitFor("✗")
	typeText("]")
	s.keys("Enter")
	s.waitFor("edited $.header[0]", "args   [2, 2]")

	s.keys("S")
	s.waitFor("Save canvas", "saves Celery JSON")
	s.keys("Enter")
	s.waitFor("saved Celery JSON to pipeline.json", "builder · saved")

	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := canvas.Load(data)
	if err != nil {
		t.Fatalf("the saved file does not load: %v\n%s", err, data)
	}
	sig := func(name string, args ...canvas.Value) *canvas.Dict {
		var a canvas.Value
		if len(args) > 0 {
			a = canvas.NewList(args...)
		}
		d, err := canvas.NewSignature(name, a, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	g := canvas.NewGroup(canvas.NewList(sig("proj.add", canvas.Int("2"), canvas.Int("2")), sig("proj.add")))
	want, err := canvas.ChainOf([]canvas.Value{g, sig("proj.tsum")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantJSON, err := canvas.Encode(want, -1)
	if err != nil {
		t.Fatal(err)
	}
	wantLoaded, err := canvas.Load(wantJSON)
	if err != nil {
		t.Fatal(err)
	}
	if g, w := canvas.MustEncode(got), canvas.MustEncode(wantLoaded); g != w {
		t.Errorf("saved\n%s\nwant chain(group(add(2, 2), add()), tsum())\n%s", g, w)
	}
	if _, err := os.Stat(recovery); err == nil {
		t.Error("the recovery file is still there after saving")
	}

	// leave builder mode: the new canvas is stamped and can be stepped
	s.keys("E")
	s.waitFor("builder edits: trace restarted", "step 0/")
	s.keys("n")
	s.waitFor("step 1/", "on_chord_header_start")
	s.keys("q")
	deadline := time.Now().Add(10 * time.Second)
	for {
		if out, err := s.cmd("has-session", "-t", "e2e"); err != nil {
			break // the program ended, and tmux with it
		} else if time.Now().After(deadline) {
			t.Fatalf("q did not quit with everything saved: %s\n%s", out, s.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestSessionFileDetection: `stampede FILE.json` opens a session in the
// ops mode when the file is one (by its "format" key or the legacy
// {"canvas", "ops"} shape), and a canvas otherwise.
func TestSessionFileDetection(t *testing.T) {
	canvasData, err := os.ReadFile(filepath.Join("tui", "testdata", "order.json"))
	if err != nil {
		t.Fatal(err)
	}
	scenario, err := os.ReadFile(filepath.Join("testdata", "scenarios", "replace-options.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data string
		want bool
	}{
		{"a canvas", string(canvasData), false},
		{"a session", string(scenario), true},
		{"a legacy session", `{"canvas": {"task": "a"}, "ops": []}`, true},
		{"a legacy session with escaped keys", `{"canvas": {"task": "a"}, "\u006fps": []}`, true},
		{"a session with an escaped format key", `{"f\u006frmat": "stampede.session", "canvas": {"task": "a"}}`, true},
		{"a signature with canvas and ops kwargs", `{"task": "a", "canvas": 1, "ops": 2}`, false},
		{"not JSON", `{`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := isSessionFile([]byte(tc.data)); got != tc.want {
				t.Errorf("isSessionFile = %v, want %v", got, tc.want)
			}
		})
	}
	var cfg tui.Config
	cfg.Session = session.Config{Name: "s.json", Path: filepath.Join("testdata", "scenarios", "replace-options.json"), Visitor: "depth"}
	if err := openSession(&cfg, cfg.Session.Path, scenario, false); err != nil {
		t.Fatal(err)
	}
	if cfg.Ops == nil || len(cfg.Ops.Ops) != 2 || cfg.Session.Visitor != "monitoring-id" || !strings.Contains(string(cfg.Session.Data), "proj.charge") {
		t.Errorf("openSession: ops %v, visitor %q, canvas %.60q", cfg.Ops != nil, cfg.Session.Visitor, cfg.Session.Data)
	}
	cfg.Session.Visitor = "depth"
	if err := openSession(&cfg, cfg.Session.Path, scenario, true); err != nil || cfg.Session.Visitor != "depth" {
		t.Errorf("-visitor given: visitor %q (%v), want depth", cfg.Session.Visitor, err)
	}
}

// TestTUIOpensEveryScenario opens each scenario session as `stampede
// FILE.json` would and checks that the ops mode shows the ledger's losses.
func TestTUIOpensEveryScenario(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "scenarios", "*.json"))
	if err != nil || len(files) < 10 {
		t.Fatalf("scenarios: %v (%d files)", err, len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if !isSessionFile(data) {
				t.Fatal("not detected as a session")
			}
			cfg := tui.Config{Session: session.Config{Name: f, Path: f, Data: data, Visitor: "monitoring-id"}}
			if err := openSession(&cfg, f, data, false); err != nil {
				t.Fatal(err)
			}
			m, err := tui.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			p := m.OpsPlayer()
			if !m.OpsMode() || p == nil || p.Err != nil || p.Played() != len(cfg.Ops.Ops) {
				t.Fatalf("ops mode %v, player %v", m.OpsMode(), p)
			}
			lost := p.Ledger.Count(replay.Lost)
			if lost > 0 && !strings.Contains(m.View(), fmt.Sprintf("%d lost", lost)) {
				t.Errorf("%d stamps lost, not on screen:\n%s", lost, m.View())
			}
		})
	}
}

// TestOpsRecoveryInTmux applies an op in the real binary and quits without
// saving: the next start offers the unsaved op, restores it, and saving
// removes the recovery file.
func TestOpsRecoveryInTmux(t *testing.T) {
	s, bin, dir := newTmuxTest(t)
	copyInto(t, dir, filepath.Join("tui", "testdata", "order.json"))
	recovery := filepath.Join(dir, ".order.session.json.recover.json")
	env := termEnv(t) // one cache folder for both starts
	start := func(name string) {
		t.Helper()
		command := env + shellQuote(bin) + " order.json"
		if out, err := s.cmd("new-session", "-d", "-s", name, "-x", "120", "-y", "40", "-c", dir, command); err != nil {
			t.Fatalf("tmux new-session: %v: %s", err, out)
		}
	}
	start("e2e")
	s.waitFor("step 0/")
	s.keys("o")
	s.waitFor("› stamp(visitor, append_stamps, headers)")
	s.keys("Enter")
	s.waitFor("stamp at $")
	s.keys("Enter")
	s.waitFor("op 0 stamp: no stamp lost", "1 ops · unsaved")
	s.keys("q")
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if _, err := s.cmd("has-session", "-t", "e2e"); err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("q did not quit:\n%s", s.screen())
		}
	}
	if _, err := os.Stat(recovery); err != nil {
		t.Fatalf("quitting with an unsaved op left no recovery file: %v", err)
	}

	start("e2e")
	s.waitFor("1 unsaved ops from", "restore them (ops mode)", "delete the recovery file")
	s.keys("Enter")
	s.waitFor("restored 1 unsaved ops", "ops 0:stamp", "1 ops · unsaved")
	s.keys("w")
	s.waitFor("Save session")
	s.keys("Enter")
	s.waitFor("saved the session (1 ops)")
	if _, err := os.Stat(recovery); !os.IsNotExist(err) {
		t.Errorf("saving left the recovery file: %v", err)
	}
	s.keys("q")
}
