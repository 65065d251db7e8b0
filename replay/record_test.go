package replay_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/canvas/sample"
	"github.com/stampede-dev/stampede/replay"
	"github.com/stampede-dev/stampede/stamping"
	"github.com/stampede-dev/stampede/visitors"
	"github.com/stampede-dev/stampede/visitors/script"
)

func decode(t testing.TB, s string) canvas.Value {
	t.Helper()
	v, err := canvas.Decode([]byte(s))
	if err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return v
}

func load(t testing.TB, s string) *canvas.Dict {
	t.Helper()
	c, err := canvas.Load([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// aliasing is a Go visitor whose results JSON cannot describe: a tuple, one
// list placed under two keys, the visited signature's own options list,
// and (on its second call) the very list it returned on its first call.
type aliasing struct {
	visitors.Base
	first *canvas.List
	n     int
}

func (*aliasing) Name() string { return "aliasing" }

func (a *aliasing) Start() error { a.first, a.n = nil, 0; return nil }

func (a *aliasing) OnSignature(t visitors.Target, _ *canvas.Dict) (canvas.Value, error) {
	a.n++
	shared := canvas.NewList(canvas.Int("1"))
	ret := &canvas.Dict{}
	ret.Set("tup", canvas.ListOf([]canvas.Value{"a", "b"}, true))
	ret.Set("x", shared)
	ret.Set("y", shared)
	if opts, ok := t.Value.(*canvas.Dict).Lookup("options").(*canvas.Dict); ok {
		if l, ok := opts.Lookup("tags").(*canvas.List); ok {
			ret.Set("view", l)
		}
	}
	if a.first == nil {
		a.first = shared
	} else {
		ret.Set("again", a.first)
	}
	return ret, nil
}

// TestRecordingKeepsIdentity records a visitor whose results share objects
// with each other and with the canvas, and checks that the replay shares
// them the same way: every later in-place merge shows in the same places.
func TestRecordingKeepsIdentity(t *testing.T) {
	src := `{"task": "celery.group", "args": [], "kwargs": {"tasks": [
	  {"task": "proj.a", "args": [], "kwargs": {}, "options": {"task_id": "t-2", "tags": ["x"]}, "subtask_type": null, "immutable": false},
	  {"task": "proj.b", "args": [], "kwargs": {}, "options": {"task_id": "t-3", "tags": ["y"]}, "subtask_type": null, "immutable": false}]},
	  "options": {"task_id": "t-1"}, "subtask_type": "group", "immutable": false}`
	live := load(t, src)
	tr, sess, err := replay.RecordStamp(live, "aliasing", stamping.Options{Visitor: &aliasing{}, Append: true})
	if err != nil {
		t.Fatal(err)
	}
	data, err := sess.Encode()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"tuples"`, `"in": "call"`, `"in": "sig"`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("recording has no %s:\n%s", want, data)
		}
	}
	s, err := replay.ParseSession(data)
	if err != nil {
		t.Fatal(err)
	}
	p, err := replay.Play(s, replay.Config{})
	if err != nil || p.Err != nil {
		t.Fatal(err, p.Err)
	}
	if got, want := canvas.MustEncode(p.Current), canvas.MustEncode(live); got != want {
		t.Fatalf("replay differs from the live run:\n%s\n%s", got, want)
	}
	if got, want := canvas.MustEncode(p.Traces[0].Lines(true)), canvas.MustEncode(tr.Lines(true)); got != want {
		t.Fatalf("replayed trace differs:\n%s\n%s", got, want)
	}
	// The same list object must be shared by both tasks' x, y and again,
	// as in the live run.
	for _, c := range []*canvas.Dict{live, p.Current} {
		tasks := c.Lookup("kwargs").(*canvas.Dict).Lookup("tasks").(*canvas.List).Items()
		o1 := tasks[0].(*canvas.Dict).Lookup("options").(*canvas.Dict)
		o2 := tasks[1].(*canvas.Dict).Lookup("options").(*canvas.Dict)
		if o1.Lookup("x") != o1.Lookup("y") || o1.Lookup("x") != o2.Lookup("again") {
			t.Errorf("shared list not shared: %s / %s", canvas.MustEncode(o1), canvas.MustEncode(o2))
		}
		if o1.Lookup("view") != o1.Lookup("tags") {
			t.Errorf("a value taken from sig.options is not the canvas's own list")
		}
		if l, ok := o1.Lookup("tup").(*canvas.List); !ok {
			t.Errorf("tuple stamp is a %T", o1.Lookup("tup"))
		} else if !l.Tuple() {
			t.Errorf("the tuple stamp is a list (live run: %v)", c == live)
		}
	}
}

// TestReplayMismatch replays a recording into a canvas it was not made on.
func TestReplayMismatch(t *testing.T) {
	v, _ := visitors.Builtin("monitoring-id")
	c := load(t, string(sample.OrderJSON))
	_, sess, err := replay.RecordStamp(c, "monitoring-id", stamping.Options{Visitor: v})
	if err != nil {
		t.Fatal(err)
	}
	sess.Canvas = decode(t, `{"task": "proj.only", "args": [], "kwargs": {}, "options": {}, "subtask_type": null, "immutable": false}`)
	p, err := replay.Play(sess, replay.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Err == nil || !replay.IsMismatch(p.Err) {
		t.Fatalf("want a mismatch error, got %v", p.Err)
	}
	if !strings.Contains(p.Err.Error(), "recording does not match") {
		t.Errorf("message: %v", p.Err)
	}
}

// TestRecordedError replays a visitor that fails: the same error at the
// same op, without the script.
func TestRecordedError(t *testing.T) {
	v, err := script.Compile("boom.star", []byte("def on_signature(sig, **headers):\n    return 1 // 0\n"))
	if err != nil {
		t.Fatal(err)
	}
	c := load(t, `{"task": "proj.a", "args": [], "kwargs": {}, "options": {"task_id": "t-1"}, "subtask_type": null, "immutable": false}`)
	_, sess, liveErr := replay.RecordStamp(c, "boom.star", stamping.Options{Visitor: v})
	if liveErr == nil {
		t.Fatal("the script should fail")
	}
	p, err := replay.Play(sess, replay.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Err == nil || p.ErrStep != 0 {
		t.Fatalf("want the recorded failure at op 0, got %v", p.Err)
	}
	if !strings.Contains(p.Err.Error(), liveErr.Error()) {
		t.Errorf("replayed error %q does not carry the live one %q", p.Err, liveErr)
	}
}

// TestVerify checks -verify's comparison: a deterministic visitor matches
// its recording; an edited recording is reported at the edited step; a
// uuid4 visitor diverges at its first call.
func TestVerify(t *testing.T) {
	resolve := func(name string) (visitors.Visitor, error) { return script.Resolve(name, corpus+"/visitors") }
	src := readDoc(t, corpus+"/ops/0003.json").Lookup("canvas")
	p, err := replay.NewPlayer(src, replay.Config{Resolve: resolve})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Do(replay.NewOp("stamp", "", decode(t, `{"visitor": "mark.star", "append_stamps": false, "headers": {}}`).(*canvas.Dict))); err != nil {
		t.Fatal(err)
	}
	rec := p.Session.Ops[0].Record
	if rec == nil || len(rec.Calls) < 5 {
		t.Fatalf("no recording: %+v", rec)
	}
	v, err := replay.Play(p.Session, replay.Config{Resolve: resolve, Verify: true})
	if err != nil || v.Err != nil {
		t.Fatal(err, v.Err)
	}
	if v.Divergence != nil {
		t.Fatalf("unedited recording diverges: %v", v.Divergence)
	}
	// Edit the value of one hook call.
	k := -1
	for i, c := range rec.Calls {
		if d, ok := c.Ret.(*canvas.Dict); ok && d.Len() > 0 && i > 2 {
			k = i
			d.SetKey(d.Pairs()[0].Key, "edited")
			break
		}
	}
	if k < 0 {
		t.Fatal("nothing to edit")
	}
	v, err = replay.Play(p.Session, replay.Config{Resolve: resolve, Verify: true})
	if err != nil || v.Err != nil {
		t.Fatal(err, v.Err)
	}
	if v.Divergence == nil || v.Divergence.Step != k || v.Divergence.Op != 0 {
		t.Fatalf("want a divergence at op 0 step %d, got %v", k, v.Divergence)
	}
	if !strings.Contains(v.Divergence.Recorded, "edited") || strings.Contains(v.Divergence.Live, "edited") {
		t.Errorf("divergence does not show both sides: %v", v.Divergence)
	}
	// The run follows the recording: the edited value is in the canvas.
	if !strings.Contains(canvas.MustEncode(v.Current), `"edited"`) {
		t.Errorf("the replay did not use the recorded value")
	}
	// uuid4: two live runs never agree.
	mon, _ := visitors.Builtin("monitoring-id")
	c := load(t, string(sample.OrderJSON))
	_, sess, err := replay.RecordStamp(c, "monitoring-id", stamping.Options{Visitor: mon})
	if err != nil {
		t.Fatal(err)
	}
	v, err = replay.Play(sess, replay.Config{Resolve: func(string) (visitors.Visitor, error) { m, _ := visitors.Builtin("monitoring-id"); return m, nil }, Verify: true})
	if err != nil || v.Err != nil {
		t.Fatal(err, v.Err)
	}
	if v.Divergence == nil || v.Divergence.Hook != visitors.OnSignature {
		t.Fatalf("uuid4 visitor does not diverge: %v", v.Divergence)
	}
	first := -1
	for i, call := range sess.Ops[0].Record.Calls {
		if call.Hook == visitors.OnSignature {
			first = i
			break
		}
	}
	if v.Divergence.Step != first {
		t.Errorf("divergence at step %d, want the first on_signature, step %d", v.Divergence.Step, first)
	}
}

// TestSessionFormat reads and writes the versioned format and the legacy
// form, and rejects what it cannot read.
func TestSessionFormat(t *testing.T) {
	legacy := `{"canvas": {"task": "proj.a", "args": [], "kwargs": {}, "options": {}, "subtask_type": null, "immutable": false}, "ops": [{"op": "json_roundtrip"}], "name": "x"}`
	s, err := replay.ParseSession([]byte(legacy))
	if err != nil {
		t.Fatal(err)
	}
	if s.Version != 0 || len(s.Ops) != 1 || s.Extra.Lookup("name") != "x" {
		t.Fatalf("legacy read wrong: %+v", s)
	}
	data, err := s.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "{\n  \"format\": \"stampede.session\",\n  \"version\": 1,") {
		t.Fatalf("not written in the versioned format:\n%s", data)
	}
	// written as it is made, the same bytes
	var streamed bytes.Buffer
	if err := s.EncodeTo(&streamed); err != nil || streamed.String() != string(data) {
		t.Fatalf("EncodeTo (%v):\n%s\nwant\n%s", err, streamed.String(), data)
	}
	// on one line, it reads back as the same session
	line, err := s.EncodeIndent(-1)
	if err != nil {
		t.Fatal(err)
	}
	back, err := replay.ParseSession(line)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := back.Encode(); strings.Count(string(line), "\n") != 1 || string(again) != string(data) {
		t.Fatalf("on one line:\n%s\nread back and written again:\n%s\nwant\n%s", line, again, data)
	}
	for _, bad := range []string{
		`{"format": "other", "version": 1, "canvas": {}, "ops": []}`,
		`{"format": "stampede.session", "version": 99, "canvas": {}, "ops": []}`,
		`{"format": "stampede.session", "version": "1", "canvas": {}, "ops": []}`,
		`{"canvas": {}, "ops": [{"op": "stamp", "visitor": null, "record": {"calls": []}}]}`,
		`{"format": "stampede.session", "version": 1, "canvas": {}, "ops": [{"op": "stamp", "record": {"calls": [{"hook": "on_nothing", "path": "$"}]}}]}`,
		`{"format": "stampede.session", "version": 1, "canvas": {}, "ops": [{"op": "stamp", "record": {"calls": [{"hook": "on_signature", "path": "tasks"}]}}]}`,
		`{"format": "stampede.session", "version": 1, "canvas": {}}`,
		`[]`,
	} {
		if _, err := replay.ParseSession([]byte(bad)); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
	// A non-object op fails when played, at its index, like Run.
	s, err = replay.ParseSession([]byte(`{"canvas": {"task": "proj.a", "args": [], "kwargs": {}, "options": {}, "subtask_type": null, "immutable": false}, "ops": [{"op": "json_roundtrip"}, 7]}`))
	if err != nil {
		t.Fatal(err)
	}
	p, err := replay.Play(s, replay.Config{})
	if err != nil {
		t.Fatal(err)
	}
	var oe *replay.OpError
	if !errors.As(p.Err, &oe) || oe.Step != 1 || len(p.Snapshots) != 1 {
		t.Fatalf("want op 1 to fail, got %v", p.Err)
	}
}
