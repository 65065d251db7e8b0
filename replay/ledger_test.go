package replay_test

import (
	"strings"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/replay"
	"github.com/stampede-dev/stampede/visitors"
	"github.com/stampede-dev/stampede/visitors/script"
)

const groupCanvas = `{"task": "celery.group", "args": [], "kwargs": {"tasks": [
  {"task": "proj.a", "args": [], "kwargs": {}, "options": {"task_id": "t-2", "link": [
     {"task": "proj.cb", "args": [], "kwargs": {}, "options": {"task_id": "t-5"}, "subtask_type": null, "immutable": false}]},
   "subtask_type": null, "immutable": false},
  {"task": "proj.b", "args": [], "kwargs": {}, "options": {"task_id": "t-3"}, "subtask_type": null, "immutable": false}]},
  "options": {"task_id": "t-1"}, "subtask_type": "group", "immutable": false}`

const groupVisitor = `
def on_group_start(sig, **headers):
    return {"grp": "g1"}

def on_signature(sig, **headers):
    state["n"] = state.get("n", 0) + 1
    return {"s": "s%d" % state["n"]}
`

func inlineResolver(t *testing.T) replay.Resolver {
	return func(name string) (visitors.Visitor, error) {
		return script.Compile(name, []byte(groupVisitor))
	}
}

func events(h *replay.NodeHistory, key string) []replay.Event {
	var out []replay.Event
	for _, e := range h.Events {
		if e.Key == key {
			out = append(out, e)
		}
	}
	return out
}

func op(t *testing.T, name, at, args string) *replay.Op {
	t.Helper()
	return replay.NewOp(name, at, decode(t, args).(*canvas.Dict))
}

// TestLedgerAttribution checks where the ledger says each stamp came from:
// an ancestor's hook, the node's own hook, or stamp(**headers).
func TestLedgerAttribution(t *testing.T) {
	p, err := replay.NewPlayer(decode(t, groupCanvas), replay.Config{Resolve: inlineResolver(t), Ledger: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Do(op(t, "stamp", "", `{"visitor": "g.star", "append_stamps": false, "headers": {"tenant": "acme"}}`)); err != nil {
		t.Fatal(err)
	}
	tr := p.Traces[0]
	stepOf := func(hook visitors.Hook, id string) int {
		for i, s := range tr.Steps {
			if s.Hook == hook && s.ID == id {
				return i
			}
		}
		t.Fatalf("no %s step on %s", hook, id)
		return -1
	}
	for _, id := range []string{"t-2", "t-3", "t-5"} {
		h := p.Ledger.Node(id)
		if h == nil {
			t.Fatalf("no ledger for %s", id)
		}
		grp := events(h, "grp")
		if len(grp) != 1 || grp[0].Kind != replay.Added || grp[0].Hook != "on_group_start" || grp[0].Step != stepOf(visitors.OnGroupStart, "t-1") || grp[0].Source != "hook" || grp[0].Visitor != "g.star" {
			t.Errorf("%s grp: %+v", id, grp)
		}
		s := events(h, "s")
		if len(s) != 1 || s[0].Hook != "on_signature" || s[0].Step != stepOf(visitors.OnSignature, id) {
			t.Errorf("%s s: %+v", id, s)
		}
		tenant := events(h, "tenant")
		if len(tenant) != 1 || tenant[0].Source != "headers" || tenant[0].Hook != "" || tenant[0].Step != stepOf(visitors.OnSignature, id) || canvas.MustEncode(tenant[0].New) != `"acme"` {
			t.Errorf("%s tenant: %+v", id, tenant)
		}
	}
	if h := p.Ledger.Node("t-1"); h != nil && len(h.Events) != 0 {
		t.Errorf("the group itself got stamps: %+v", h.Events)
	}
	if got := p.Ledger.NodeAt("$.tasks[0].link[0]"); got == nil || got.ID != "t-5" {
		t.Errorf("NodeAt: %+v", got)
	}
}

// TestLedgerOps drives a player op by op, as the TUI does, with ops
// addressed to nodes, and checks each kind of event.
func TestLedgerOps(t *testing.T) {
	p, err := replay.NewPlayer(decode(t, groupCanvas), replay.Config{Resolve: inlineResolver(t), Ledger: true})
	if err != nil {
		t.Fatal(err)
	}
	steps := []*replay.Op{
		op(t, "stamp", "", `{"visitor": "g.star", "append_stamps": false, "headers": {}}`),
		op(t, "clone", "$.tasks[1]", `{"args": null, "kwargs": null, "options": {"s": "other", "queue": "q"}}`),
		op(t, "set", "$.tasks[0].link[0]", `{"options": {"stamped_headers": ["grp"]}, "immutable": null}`),
		op(t, "replace", "$.tasks[1]", `{"args": null, "kwargs": null, "options": {"task_id": "t-3"}}`),
		op(t, "link_error", "$.tasks[1]", `{"sig": {"task": "proj.eb", "args": [], "kwargs": {}, "options": {"task_id": "t-9"}, "subtask_type": null, "immutable": false}}`),
		op(t, "stamp", "$.tasks[1]", `{"visitor": "g.star", "append_stamps": false, "headers": {}}`),
	}
	for i, o := range steps {
		if err := p.Do(o); err != nil {
			t.Fatalf("op %d: %v", i, err)
		}
	}
	t3 := p.Ledger.Node("t-3")
	s := events(t3, "s")
	if len(s) != 4 || s[0].Kind != replay.Added || s[1].Kind != replay.Protected || s[2].Kind != replay.Lost || s[3].Kind != replay.Added {
		t.Fatalf("t-3 s: %+v", s)
	}
	if canvas.MustEncode(s[1].New) != `"other"` || s[1].Op != 1 || s[1].At != "$.tasks[1]" {
		t.Errorf("protected: %+v", s[1])
	}
	if s[2].Op != 3 || s[2].Unlisted || !strings.Contains(s[2].Reason, "replace(options=…)") {
		t.Errorf("lost: %+v", s[2])
	}
	if s[3].Op != 5 || s[3].Hook != "on_signature" || s[3].Path != "$.tasks[1]" {
		t.Errorf("re-added by the stamp at the node: %+v", s[3])
	}
	// Stamping $.tasks[1] alone does not reach t-2: its stamps stay.
	if ev := events(p.Ledger.Node("t-2"), "s"); len(ev) != 1 {
		t.Errorf("t-2 s: %+v", ev)
	}
	// set(stamped_headers=["grp"]) on the callback (a plain dict link,
	// loaded with signature(d), which shares its options) un-lists s.
	cb := events(p.Ledger.Node("t-5"), "s")
	if len(cb) != 2 || cb[1].Kind != replay.Lost || !cb[1].Unlisted || cb[1].Op != 2 {
		t.Fatalf("t-5 s: %+v", cb)
	}
	if got := p.Ledger.Node("t-5").LostKeys(); len(got) != 1 || got[0] != "s" {
		t.Errorf("LostKeys: %v", got)
	}
	// The errback linked after stamping appears unstamped, then is stamped.
	t9 := p.Ledger.Node("t-9")
	if t9 == nil || t9.Events[0].Kind != replay.Appeared || !strings.Contains(t9.Events[0].Reason, "after stamping") {
		t.Fatalf("t-9: %+v", t9)
	}
	if ev := events(t9, "s"); len(ev) != 1 || ev[0].Op != 5 {
		t.Errorf("t-9 s: %+v", ev)
	}
	losses := p.Ledger.Losses()
	if len(losses) != 3 { // t-5 s (un-listed), t-3 s and grp (replace)
		t.Errorf("losses: %+v", losses)
	}
	// The ledger survives a save and a replay of the session.
	data, err := p.Session.Encode()
	if err != nil {
		t.Fatal(err)
	}
	s2, err := replay.ParseSession(data)
	if err != nil {
		t.Fatal(err)
	}
	p2, err := replay.Play(s2, replay.Config{Ledger: true})
	if err != nil || p2.Err != nil {
		t.Fatal(err, p2.Err)
	}
	if a, b := canvas.MustEncode(replay.LedgerJSON(p.Ledger)), canvas.MustEncode(replay.LedgerJSON(p2.Ledger)); a != b {
		t.Errorf("ledger after reopening differs:\n%s\n%s", a, b)
	}
	// Undo: the session without its last op.
	p3, err := p.Undo()
	if err != nil || p3.Err != nil {
		t.Fatal(err, p3.Err)
	}
	if len(p3.Session.Ops) != 5 || len(p3.Snapshots) != 5 {
		t.Fatalf("undo left %d ops", len(p3.Session.Ops))
	}
	if ev := events(p3.Ledger.Node("t-3"), "s"); len(ev) != 3 || ev[2].Kind != replay.Lost {
		t.Errorf("after undo, t-3 s: %+v", ev)
	}
}

// TestLedgerMissedAndRemoved: stamp(**headers) without a visitor skips a
// chord body; a JSON round trip drops the wrapped header group.
func TestLedgerMissedAndRemoved(t *testing.T) {
	chord := `{"task": "celery.chord", "args": [], "kwargs": {"kwargs": {}, "header": [
	  {"task": "proj.a", "args": [], "kwargs": {}, "options": {"task_id": "t-2"}, "subtask_type": null, "immutable": false}],
	  "body": {"task": "proj.b", "args": [], "kwargs": {}, "options": {"task_id": "t-3"}, "subtask_type": null, "immutable": false}},
	  "options": {"task_id": "t-1"}, "subtask_type": "chord", "immutable": false}`
	p, err := replay.NewPlayer(decode(t, chord), replay.Config{Resolve: inlineResolver(t), Ledger: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []*replay.Op{
		op(t, "stamp", "", `{"visitor": null, "append_stamps": false, "headers": {"tenant": "acme"}}`),
		op(t, "stamp", "", `{"visitor": "g.star", "append_stamps": false, "headers": {}}`),
		op(t, "json_roundtrip", "", `{}`),
	} {
		if err := p.Do(o); err != nil {
			t.Fatal(err)
		}
	}
	missed := events(p.Ledger.Node("t-3"), "tenant")
	if len(missed) == 0 || missed[0].Kind != replay.Missed || !strings.Contains(missed[0].Reason, "chord bodies") {
		t.Fatalf("t-3 tenant: %+v", missed)
	}
	g := p.Ledger.Node("celery.group@$.header")
	if g == nil || len(g.Events) != 2 || g.Events[0].Kind != replay.Appeared || g.Events[1].Kind != replay.Removed || g.Present {
		t.Fatalf("header group: %+v", g)
	}
	if p.Ledger.Count(replay.Lost) != 0 {
		t.Errorf("a round trip lost stamps: %+v", p.Ledger.Losses())
	}
}

// TestLocate resolves node paths, in the stamping trace's syntax.
func TestLocate(t *testing.T) {
	c := load(t, `{"task": "celery.chain", "args": [], "kwargs": {"tasks": [
	  {"task": "proj.a", "args": [], "kwargs": {}, "options": {"task_id": "t-2", "link": {"task": "proj.cb", "args": [], "kwargs": {}, "options": {"task_id": "t-5"}, "subtask_type": null, "immutable": false}}, "subtask_type": null, "immutable": false},
	  {"task": "celery.chord", "args": [], "kwargs": {"kwargs": {}, "header": [
	     {"task": "proj.h", "args": [], "kwargs": {}, "options": {"task_id": "t-4"}, "subtask_type": null, "immutable": false}],
	     "body": {"task": "proj.body", "args": [], "kwargs": {}, "options": {"task_id": "t-6"}, "subtask_type": null, "immutable": false}},
	   "options": {"task_id": "t-3"}, "subtask_type": "chord", "immutable": false}]},
	  "options": {"task_id": "t-1"}, "subtask_type": "chain", "immutable": false}`)
	for path, id := range map[string]string{
		"$": "t-1", "$.tasks[0]": "t-2", "$.tasks[0].link[0]": "t-5", "$.tasks[1]": "t-3",
		"$.tasks[1].header[0]": "t-4", "$.tasks[1].body": "t-6",
	} {
		n, _, err := replay.Locate(c, path)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if got := n.Lookup("options").(*canvas.Dict).Lookup("task_id"); got != id {
			t.Errorf("%s is %v, want %s", path, got, id)
		}
	}
	for _, bad := range []string{"tasks[0]", "$.tasks[2]", "$.tasks[0].body", "$.tasks[1].header", "$.tasks", "$.kwargs", "$.tasks[x]", "$.tasks[0].link[1]"} {
		if _, _, err := replay.Locate(c, bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
	nodes := replay.Nodes(c)
	var ids []string
	for _, n := range nodes {
		ids = append(ids, n.ID+"="+n.Path)
	}
	want := "t-1=$ t-2=$.tasks[0] t-5=$.tasks[0].link[0] t-3=$.tasks[1] t-4=$.tasks[1].header[0] t-6=$.tasks[1].body"
	if got := strings.Join(ids, " "); got != want {
		t.Errorf("Nodes:\n got %s\nwant %s", got, want)
	}
}

// TestIdentify: task_id, a duplicated task_id, no task_id, one shared object.
func TestIdentify(t *testing.T) {
	shared := canvas.DictOf(canvas.Signature, []canvas.Pair{{Key: canvas.K("task"), Val: "proj.eb"}, {Key: canvas.K("options"), Val: canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("task_id"), Val: "t-9"}})}})
	leaf := func(task, id string, eb canvas.Value) *canvas.Dict {
		opts := &canvas.Dict{}
		if id != "" {
			opts.Set("task_id", id)
		}
		if eb != nil {
			opts.Set("link_error", canvas.NewList(eb))
		}
		return canvas.DictOf(canvas.Signature, []canvas.Pair{{Key: canvas.K("task"), Val: task}, {Key: canvas.K("options"), Val: opts}})
	}
	copyOf := leaf("proj.eb", "t-9", nil)
	root := canvas.NewChain(leaf("proj.a", "t-2", shared), leaf("proj.b", "", shared), leaf("proj.c", "t-4", copyOf))
	var got []string
	for _, n := range replay.Nodes(root) {
		got = append(got, n.ID+":"+strings.Join(n.Paths, ","))
	}
	want := []string{
		"celery.chain@$:$",
		"t-2:$.tasks[0]",
		"t-9:$.tasks[0].link_error[0],$.tasks[1].link_error[0]",
		"proj.b@$.tasks[1]:$.tasks[1]",
		"t-4:$.tasks[2]",
		"t-9@$.tasks[2].link_error[0]:$.tasks[2].link_error[0]",
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("identities:\n got %v\nwant %v", got, want)
	}

	// task_ids written to look like the identities made for others
	root = canvas.NewChain(leaf("proj.a", "t-1@$.tasks[2]", nil), leaf("proj.b", "t-1", nil), leaf("proj.c", "t-1", nil), leaf("proj.d", "proj.e@$.tasks[4]", nil), leaf("proj.e", "", nil))
	got = nil
	for _, n := range replay.Nodes(root) {
		got = append(got, n.ID)
	}
	want = []string{"celery.chain@$", "t-1@$.tasks[2]", "t-1", "t-1@$.tasks[2]#2", "proj.e@$.tasks[4]", "proj.e@$.tasks[4]#2"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("identities made to collide:\n got %v\nwant %v", got, want)
	}
}

// TestUndoAfterFailure: a failing op stops the player (as Celery would
// raise); Undo drops it and the session goes on.
func TestUndoAfterFailure(t *testing.T) {
	p, err := replay.NewPlayer(decode(t, groupCanvas), replay.Config{Resolve: inlineResolver(t), Ledger: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Do(op(t, "stamp", "", `{"visitor": "g.star", "append_stamps": false, "headers": {}}`)); err != nil {
		t.Fatal(err)
	}
	if err := p.Do(op(t, "set", "$.tasks[7]", `{"options": {}}`)); err == nil {
		t.Fatal("an op on a node that does not exist must fail")
	}
	if err := p.Do(op(t, "json_roundtrip", "", `{}`)); err == nil || !strings.Contains(err.Error(), "stopped at op 1") {
		t.Fatalf("a stopped player accepted an op: %v", err)
	}
	p, err = p.Undo()
	if err != nil || p.Err != nil {
		t.Fatal(err, p.Err)
	}
	if err := p.Do(op(t, "json_roundtrip", "", `{}`)); err != nil {
		t.Fatal(err)
	}
	if len(p.Session.Ops) != 2 || p.Ledger.Count(replay.Added) != 6 {
		t.Errorf("after undo and redo: %d ops, %d added", len(p.Session.Ops), p.Ledger.Count(replay.Added))
	}
}
