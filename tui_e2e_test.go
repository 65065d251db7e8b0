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

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// TestTUIInTmux runs the real binary in tmux on a test canvas with a
// deterministic visitor, steps with real key presses, checks the hook and
// the diff on screen, steps back, exports, and compares the exported files
// with what `stampede stamp` writes for the same inputs.
func TestTUIInTmux(t *testing.T) {
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux is not installed: the end-to-end TUI test drives the binary in tmux (.ci/run installs it)")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "stampede")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	data, err := os.ReadFile(filepath.Join("tui", "testdata", "order.json"))
	if err != nil {
		t.Fatal(err)
	}
	input := filepath.Join(dir, "order.json")
	if err := os.WriteFile(input, data, 0o644); err != nil {
		t.Fatal(err)
	}
	visitor, err := filepath.Abs(filepath.Join("testdata", "conformance", "visitors", "mark.star"))
	if err != nil {
		t.Fatal(err)
	}

	s := &tmuxSession{t: t, tmux: tmux, socket: fmt.Sprintf("stampede-e2e-%d", os.Getpid())}
	t.Cleanup(func() { s.cmd("kill-server") })
	command := "env LANG=C.UTF-8 TERM=xterm-256color " + shellQuote(bin) + " " + shellQuote(input) + " -visitor " + shellQuote(visitor)
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
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux is not installed: the end-to-end TUI test drives the binary in tmux (.ci/run installs it)")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "stampede")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	s := &tmuxSession{t: t, tmux: tmux, socket: fmt.Sprintf("stampede-e2e-nc-%d", os.Getpid())}
	t.Cleanup(func() { s.cmd("kill-server") })
	command := "env NO_COLOR=1 TERM=xterm-256color " + shellQuote(bin)
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
	} {
		var stdout, stderr bytes.Buffer
		code := run(tc.args, &stdout, &stderr)
		if code != tc.code || !strings.Contains(stderr.String(), tc.msg) {
			t.Errorf("stampede %s: exit %d, stderr %q; want exit %d mentioning %q", strings.Join(tc.args, " "), code, stderr.String(), tc.code, tc.msg)
		}
	}
}
