package tui

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/stampede-dev/stampede/stamping/export"
	"github.com/stampede-dev/stampede/themes"
	"github.com/stampede-dev/stampede/tui/common"
	"github.com/stampede-dev/stampede/tui/session"
)

// markStar is the corpus's deterministic visitor: every hook stamps a
// counter, so every step changes something visible.
const markStar = "../testdata/conformance/visitors/mark.star"

// testCanvas is the sample order workflow with charge_card on the "fast"
// queue.
const testCanvas = "testdata/order.json"

// harness drives a Model the way the program would: messages in, commands
// run to completion and their messages fed back, synchronously.
type harness struct {
	t     *testing.T
	m     *Model
	clip  *bytes.Buffer
	quit  bool
	wrote []string
}

func newHarness(t *testing.T, mutate ...func(*Config)) *harness {
	t.Helper()
	data, err := os.ReadFile(testCanvas)
	if err != nil {
		t.Fatal(err)
	}
	// The canvas's folder is where recovery files go: a copy in a
	// temporary folder keeps them out of testdata.
	path := filepath.Join(t.TempDir(), filepath.Base(testCanvas))
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	th, _ := themes.Get("dark")
	clip := &bytes.Buffer{}
	cfg := Config{
		Session:   session.Config{Name: testCanvas, Path: path, Data: data, Visitor: markStar},
		Theme:     th,
		Clipboard: clip,
	}
	for _, f := range mutate {
		f(&cfg)
	}
	m, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, m: m, clip: clip}
	h.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	return h
}

// send delivers one message and runs what it asks for.
func (h *harness) send(msg tea.Msg) {
	h.t.Helper()
	_, cmd := h.m.Update(msg)
	h.run(cmd)
}

func (h *harness) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case nil:
	case tea.QuitMsg:
		h.quit = true
	case tea.BatchMsg:
		for _, c := range msg {
			h.run(c)
		}
	default:
		h.send(msg)
	}
}

// keyMsg is the message a key press makes.
func keyMsg(k string) tea.KeyMsg {
	special := map[string]tea.KeyType{
		"enter": tea.KeyEnter, "esc": tea.KeyEscape, "tab": tea.KeyTab, "shift+tab": tea.KeyShiftTab,
		"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight,
		"pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown, "home": tea.KeyHome, "end": tea.KeyEnd,
		"space": tea.KeySpace, "backspace": tea.KeyBackspace, "ctrl+c": tea.KeyCtrlC,
	}
	if t, ok := special[k]; ok {
		if t == tea.KeySpace {
			return tea.KeyMsg{Type: t, Runes: []rune{' '}}
		}
		return tea.KeyMsg{Type: t}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// press sends key presses: names like "enter", or single characters.
func (h *harness) press(keys ...string) {
	h.t.Helper()
	for _, k := range keys {
		h.send(keyMsg(k))
	}
}

// typeText types each character of s.
func (h *harness) typeText(s string) {
	h.t.Helper()
	for _, r := range s {
		h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

// canvasJSON is the live canvas as Celery JSON.
func (h *harness) canvasJSON() string {
	h.t.Helper()
	b, err := export.CanvasJSON(h.m.Session().Root)
	if err != nil {
		h.t.Fatal(err)
	}
	return string(b)
}

func (h *harness) pos() int { return h.m.Session().Pos() }

func (h *harness) view() string { return h.m.View() }

func (h *harness) wantScreen(s Screen) {
	h.t.Helper()
	if got := h.m.Screen(); got != s {
		h.t.Fatalf("screen = %d, want %d", got, s)
	}
}

func (h *harness) wantStatus(sub string) {
	h.t.Helper()
	if !strings.Contains(h.m.Status(), sub) {
		h.t.Fatalf("status = %q, want it to mention %q", h.m.Status(), sub)
	}
}

func (h *harness) wantView(subs ...string) {
	h.t.Helper()
	v := h.view()
	for _, s := range subs {
		if !strings.Contains(v, s) {
			h.t.Fatalf("the screen does not show %q:\n%s", s, v)
		}
	}
}

// stampedFile is the stamped canvas `stampede stamp` would write for the
// test canvas with the given options, computed without the TUI.
func stampedFile(t *testing.T, cfg session.Config) string {
	t.Helper()
	s, err := session.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.Goto(s.Len())
	b, err := export.CanvasJSON(s.Root)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// copyCanvas puts the test canvas in a temporary folder and returns its path.
func copyCanvas(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(testCanvas)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "order.json")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// widthOf is the number of cells a line takes.
func widthOf(s string) int { return common.Width(s) }
