package tui

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stampede-dev/stampede/replay"
)

// TestUnsavedOpsAreKeptAndOffered: ops applied and not saved are kept in a
// recovery file beside the canvas; the next start offers them, restores
// them exactly, and saving removes the file. Deleting is the other answer.
func TestUnsavedOpsAreKeptAndOffered(t *testing.T) {
	h := newHarness(t)
	canvasPath := h.m.Session().Path
	rec := filepath.Join(filepath.Dir(canvasPath), ".order.session.json.recover.json")
	if got := h.m.opsRecoveryPath(); got != rec {
		t.Fatalf("recovery path %s, want %s", got, rec)
	}
	stampAndReplace(t, h)
	data, err := os.ReadFile(rec)
	if err != nil {
		t.Fatalf("no recovery file after two unsaved ops: %v", err)
	}
	kept, err := replay.ParseSession(data)
	if err != nil || len(kept.Ops) != 2 {
		t.Fatalf("the recovery file holds %v (%v), want the 2 ops", kept, err)
	}
	// undo one: the file follows
	h.press("z")
	if data, _ := os.ReadFile(rec); func() int { s, _ := replay.ParseSession(data); return len(s.Ops) }() != 1 {
		t.Error("after an undo the recovery file does not hold 1 op")
	}

	// the next start on the same canvas asks
	reopen := func() *harness {
		return newHarness(t, func(c *Config) { c.Session.Path = canvasPath })
	}
	h2 := reopen()
	h2.wantScreen(ScreenOpsRecover)
	h2.wantView("1 unsaved ops from", "restore them (ops mode)", "delete the recovery file")
	h2.press("enter")
	h2.wantScreen(ScreenMain)
	h2.wantStatus("restored 1 unsaved ops")
	if !h2.m.OpsMode() || len(h2.m.OpsPlayer().Session.Ops) != 1 {
		t.Fatalf("restoring did not reopen the op: ops mode %v", h2.m.OpsMode())
	}
	h2.wantView("1 ops", "unsaved")

	// saving removes it
	h2.press("w")
	h2.wantScreen(ScreenSaveSession)
	h2.press("enter")
	h2.wantStatus("saved the session (1 ops)")
	if _, err := os.Stat(rec); !os.IsNotExist(err) {
		t.Errorf("the recovery file is still there after saving: %v", err)
	}

	// esc leaves the file; delete removes it
	if err := os.WriteFile(rec, data, 0o644); err != nil {
		t.Fatal(err)
	}
	h3 := reopen()
	h3.wantScreen(ScreenOpsRecover)
	h3.press("esc")
	h3.wantStatus("until you decide")
	if _, err := os.Stat(rec); err != nil {
		t.Errorf("esc removed the recovery file: %v", err)
	}
	h4 := reopen()
	h4.press("down", "enter")
	h4.wantStatus("deleted the unsaved ops")
	if _, err := os.Stat(rec); !os.IsNotExist(err) {
		t.Errorf("delete left the recovery file: %v", err)
	}
	if h4.m.OpsMode() {
		t.Error("delete opened the ops mode")
	}
}
