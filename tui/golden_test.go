package tui

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"github.com/stampede-dev/stampede/themes"
	"github.com/stampede-dev/stampede/tui/session"
)

func TestMain(m *testing.M) {
	// Views are compared as plain text whatever terminal runs the tests.
	lipgloss.SetColorProfile(termenv.Ascii)
	os.Exit(m.Run())
}

// goldenScenes are the screens kept as golden files: keys pressed after
// opening, and the visitor to open with.
var goldenScenes = []struct {
	name    string
	visitor string
	keys    []string
}{
	{"start", markStar, nil},
	{"step8-diff", markStar, strings.Split("nnnnnnnn", "")},
	{"step-back", markStar, append(strings.Split("nnnnnnnnnn", ""), "p")},
	{"end-collapsed", markStar, []string{"G", "H", "L", "g"}},
	{"breakpoints", markStar, []string{"b", "B", "q", "u", "e", "u", "e", " ", "e", "x", "i", "s", "t", "s", "enter"}},
	{"find", markStar, []string{"G", "/", "s", "4", "@"}},
	{"export", markStar, []string{"e"}},
	{"help", markStar, []string{"?"}},
	{"script-error", "testdata/boom.star", []string{"c"}},
	{"ops-menu", markStar, []string{"j", "j", "j", "j", "j", "o"}},
	{"ops-replace-form", markStar, opsKeys(false, false)},
	{"ops-lost", markStar, opsKeys(true, false)},
	{"ops-ledger", markStar, opsKeys(true, true)},
}

// opsKeys stamps the canvas in the ops mode, selects charge_card and fills
// in replace(options=…) for it; apply applies it (losing its stamps) and
// ledger then opens the node's ledger.
func opsKeys(apply, ledger bool) []string {
	k := []string{"o", "enter", "enter", "j", "j", "j", "j", "j", "o"}
	for i := 0; i < 8; i++ {
		k = append(k, "down")
	}
	k = append(k, "enter", "tab", "tab")
	k = append(k, strings.Split(`{"task_id": "charge-1", "queue": "slow"`, "")...)
	if !apply {
		return k
	}
	k = append(k, "}", "enter")
	if ledger {
		k = append(k, "s")
	}
	return k
}

// TestGolden renders each scene at 80x24 and 120x40 through a real Bubble
// Tea program (teatest) and compares the final screen with its golden file
// in testdata/TestGolden/ (go test ./tui -run TestGolden -update rewrites
// them).
func TestGolden(t *testing.T) {
	data, err := os.ReadFile(testCanvas)
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, sc := range goldenScenes {
			t.Run(fmt.Sprintf("%dx%d/%s", size[0], size[1], sc.name), func(t *testing.T) {
				th, _ := themes.Get("dark")
				m, err := New(Config{
					Session: session.Config{Name: testCanvas, Path: testCanvas, Data: data, Visitor: sc.visitor},
					Theme:   th,
					// the ops scenes leave unsaved ops: no recovery file
					NoRecovery: true,
				})
				if err != nil {
					t.Fatal(err)
				}
				tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(size[0], size[1]))
				for _, k := range sc.keys {
					tm.Send(keyMsg(k))
				}
				tm.Send(tea.QuitMsg{})
				final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model)
				teatest.RequireEqualOutput(t, []byte(final.View()))
			})
		}
	}
}
