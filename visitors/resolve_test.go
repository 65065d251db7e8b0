package visitors_test

import (
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/stamping"
	"github.com/stampede-dev/stampede/visitors"
)

// atChecker is a visitor that checks, in every hook call, that At finds
// the hook's node and its owner by their paths.
type atChecker struct {
	visitors.Base
	t     *testing.T
	calls int
}

func (a *atChecker) Name() string { return "at-checker" }

func (a *atChecker) check(tg visitors.Target) {
	a.calls++
	same := func(what string, got, want canvas.Value) {
		if got == want {
			return
		}
		// a link stored as JSON is stamped as a Signature made from it
		g, _ := canvas.Encode(got, -1)
		w, _ := canvas.Encode(want, -1)
		if got == nil || string(g) != string(w) {
			a.t.Errorf("At(root, %s) for the %s: %s, want %s", tg.Path, what, g, w)
		}
	}
	same("node", visitors.At(tg.Root, tg.Path), tg.Value)
	if !tg.Path.IsRoot() {
		same("owner", visitors.At(tg.Root, tg.Parent), tg.Owner)
	}
}

func (a *atChecker) OnSignature(tg visitors.Target, _ *canvas.Dict) (canvas.Value, error) {
	a.check(tg)
	return nil, visitors.ErrUndefined
}
func (a *atChecker) OnGroupStart(tg visitors.Target, _ *canvas.Dict) (canvas.Value, error) {
	a.check(tg)
	return nil, visitors.ErrUndefined
}
func (a *atChecker) OnChainStart(tg visitors.Target, _ *canvas.Dict) (canvas.Value, error) {
	a.check(tg)
	return nil, visitors.ErrUndefined
}
func (a *atChecker) OnCallback(tg visitors.Target, _ *canvas.Dict) (canvas.Value, error) {
	a.check(tg)
	return nil, visitors.ErrUndefined
}
func (a *atChecker) OnErrback(tg visitors.Target, _ *canvas.Dict) (canvas.Value, error) {
	a.check(tg)
	return nil, visitors.ErrUndefined
}
func (a *atChecker) OnChordBody(tg visitors.Target, _ *canvas.Dict) (canvas.Value, error) {
	a.check(tg)
	return nil, visitors.ErrUndefined
}

// TestAtFindsEveryNodeTheTraversalVisits stamps the workflow (chains,
// groups, a chord whose header the default hook wraps in a group, links
// and errbacks stored as JSON, a group as a callback) and checks At on
// every hook's node and owner while the run is on it.
func TestAtFindsEveryNodeTheTraversalVisits(t *testing.T) {
	a := &atChecker{t: t}
	if _, err := stamping.Stamp(workflow(t), stamping.Options{Visitor: a}); err != nil {
		t.Fatal(err)
	}
	if a.calls < 20 {
		t.Fatalf("only %d hook calls checked", a.calls)
	}
	if got := visitors.At(workflow(t), visitors.Root().Index("tasks", 9)); got != nil {
		t.Errorf("a member past the end: %v", got)
	}
}
