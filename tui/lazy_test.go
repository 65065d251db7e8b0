package tui

import (
	"strings"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/canvas/build"
	"github.com/stampede-dev/stampede/tui/outline"
	"github.com/stampede-dev/stampede/tui/session"
)

// lazyScript is a canvas script whose group is built from a generator, as
// group(add.s(i) for i in range(25)) is in Celery.
const lazyScript = `
add = task("proj.add")
canvas = group(add.s(i) for i in range(25))
`

// TestYieldLazyMembers opens a lazy group: stamping runs no member hook and
// the tree shows no member; Y yields ten members at a time, their deferred
// on_signature calls join the trace, and the group ends exhausted.
func TestYieldLazyMembers(t *testing.T) {
	h := newHarness(t, func(c *Config) {
		c.Session = session.Config{Name: "lazy.star", Data: []byte(lazyScript), Visitor: markStar, Load: build.Load}
	})
	s := h.m.sess
	if s.Err != nil {
		t.Fatal(s.Err)
	}
	z := outline.LazyTasks(s.Root)
	if z == nil {
		t.Fatal("the script's group is not lazy")
	}
	if n := len(z.Consumed()); n != 0 || s.Len() != 2 {
		t.Fatalf("opening produced %d members and %d steps; want 0 and 2 (on_group_start, on_group_end)", n, s.Len())
	}
	h.press("Y")
	if n := len(z.Consumed()); n != 10 || s.Len() != 12 || s.Pos() != 12 {
		t.Fatalf("after Y: %d members, %d steps, at %d; want 10, 12, 12", n, s.Len(), s.Pos())
	}
	if st := s.Step(11); st.Hook.String() != "on_signature" || st.Target.Path.String() != "$.tasks[9]" {
		t.Fatalf("step 12 is %s at %s", st.Hook, st.Target.Path)
	}
	if !strings.Contains(h.m.status, "yielded 10 members") {
		t.Fatalf("status %q", h.m.status)
	}
	h.press("Y", "Y", "Y")
	if !z.Done() || len(z.Consumed()) != 25 || s.Len() != 27 {
		t.Fatalf("after yielding all: done=%v, %d members, %d steps", z.Done(), len(z.Consumed()), s.Len())
	}
	if !strings.Contains(h.m.status, "exhausted") {
		t.Fatalf("status %q", h.m.status)
	}
	h.press("p")
	if s.Pos() != 26 {
		t.Fatalf("p after yielding: at %d", s.Pos())
	}
	out, err := canvas.Encode(s.Root, -1)
	if err != nil || strings.Count(string(out), `"s": "s`) != 24 {
		t.Fatalf("after stepping back one, 24 members carry their stamp: %s", out)
	}
}
