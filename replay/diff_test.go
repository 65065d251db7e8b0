package replay_test

import (
	"path/filepath"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/replay"
	"github.com/stampede-dev/stampede/replay/lint"
)

// TestDiff matches nodes by task_id (even when they moved), then by path,
// and reports added, removed (value gone or un-listed) and changed stamps.
func TestDiff(t *testing.T) {
	a := load(t, `{"task": "celery.chain", "args": [], "kwargs": {"tasks": [
	  {"task": "proj.a", "args": [], "kwargs": {}, "options": {"task_id": "t-2", "stamped_headers": ["m", "k"], "m": "m-1", "k": 1}, "subtask_type": null, "immutable": false},
	  {"task": "proj.b", "args": [], "kwargs": {}, "options": {"task_id": "t-3", "stamped_headers": ["m"], "m": "m-2"}, "subtask_type": null, "immutable": false},
	  {"task": "proj.c", "args": [], "kwargs": {}, "options": {"stamped_headers": ["m"], "m": "m-3"}, "subtask_type": null, "immutable": false},
	  {"task": "proj.gone", "args": [], "kwargs": {}, "options": {"task_id": "t-7", "stamped_headers": ["m"], "m": "m-7"}, "subtask_type": null, "immutable": false}]},
	  "options": {"task_id": "t-1"}, "subtask_type": "chain", "immutable": false}`)
	b := load(t, `{"task": "celery.chain", "args": [], "kwargs": {"tasks": [
	  {"task": "proj.b", "args": [], "kwargs": {}, "options": {"task_id": "t-3", "m": "m-2"}, "subtask_type": null, "immutable": false},
	  {"task": "proj.a", "args": [], "kwargs": {}, "options": {"task_id": "t-2", "stamped_headers": ["m", "k", "tenant"], "m": "m-9", "k": 1, "tenant": "acme"}, "subtask_type": null, "immutable": false},
	  {"task": "proj.c2", "args": [], "kwargs": {}, "options": {"stamped_headers": ["m"], "m": "m-3"}, "subtask_type": null, "immutable": false},
	  {"task": "proj.new", "args": [], "kwargs": {}, "options": {"task_id": "t-8", "stamped_headers": ["m"], "m": "m-8"}, "subtask_type": null, "immutable": false}]},
	  "options": {"task_id": "t-1"}, "subtask_type": "chain", "immutable": false}`)
	diffs := replay.Diff(a, b)
	got := map[string]replay.NodeDiff{}
	for _, d := range diffs {
		n := d.A
		if n == nil {
			n = d.B
		}
		got[n.Label()] = d
	}
	if len(diffs) != 4 {
		t.Fatalf("want 4 nodes that differ, got %d: %+v", len(diffs), got)
	}
	d := got["proj.a (t-2)"]
	if d.A.Path != "$.tasks[0]" || d.B.Path != "$.tasks[1]" || len(d.Added) != 1 || d.Added[0].Key != "tenant" ||
		len(d.Changed) != 1 || d.Changed[0].Key != "m" || canvas.MustEncode(d.Changed[0].New) != `"m-9"` || len(d.Removed) != 0 {
		t.Errorf("t-2: %+v", d)
	}
	d = got["proj.b (t-3)"]
	if len(d.Removed) != 1 || !d.Removed[0].Unlisted {
		t.Errorf("t-3 (un-listed): %+v", d)
	}
	if d := got["proj.gone (t-7)"]; d.B != nil || len(d.Removed) != 1 {
		t.Errorf("t-7 only in A: %+v", d)
	}
	if d := got["proj.new (t-8)"]; d.A != nil || len(d.Added) != 1 {
		t.Errorf("t-8 only in B: %+v", d)
	}
	if _, ok := got["proj.c at $.tasks[2]"]; ok {
		t.Errorf("proj.c matched by path has equal stamps and must not be listed")
	}
	if len(replay.Diff(a, a)) != 0 {
		t.Errorf("a canvas differs from itself")
	}
}

// TestDiffCorpus diffs every stamp case's input with Celery's output:
// stamping adds and changes stamps but never takes one away, so no node
// may show a removed stamp; and stamped canvases lint without failing.
func TestDiffCorpus(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(corpus, "stamp", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no stamp cases: %v", err)
	}
	changed := 0
	for _, f := range files {
		c := readDoc(t, f)
		exp := c.Lookup("expect").(*canvas.Dict)
		if !exp.Has("canvas") {
			continue
		}
		in, err := canvas.SignatureOf(c.Lookup("canvas"))
		if err != nil {
			t.Fatal(err)
		}
		out, err := canvas.SignatureOf(exp.Lookup("canvas"))
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range replay.Diff(in, out) {
			if len(d.Removed) > 0 {
				t.Errorf("%s: stamping removed %+v from %s", filepath.Base(f), d.Removed, d.A.Label())
			}
			if len(d.Added)+len(d.Changed) > 0 {
				changed++
			}
		}
		lint.Lint(out)
	}
	if changed == 0 {
		t.Fatal("no stamp case added or changed a stamp: the diff sees nothing")
	}
}
