package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/canvas/sample"
	"github.com/stampede-dev/stampede/replay"
	"github.com/stampede-dev/stampede/stamping"
	"github.com/stampede-dev/stampede/stamping/export"
	"github.com/stampede-dev/stampede/visitors"
)

// runStampede runs the command line in-process and returns its exit status
// and output.
func runStampede(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustWrite(t *testing.T, path string, v canvas.Value) {
	t.Helper()
	b, err := canvas.Encode(v, 2)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestReplayRecordedUUIDSession: a session stamped with the uuid4
// monitoring-id visitor gives different output on every live run; recorded
// with -record, it replays byte for byte, every time, as the recording run.
func TestReplayRecordedUUIDSession(t *testing.T) {
	dir := t.TempDir()
	raw, err := canvas.Decode(sample.OrderJSON)
	if err != nil {
		t.Fatal(err)
	}
	ops, err := canvas.Decode([]byte(`[{"op": "stamp", "visitor": "monitoring-id", "append_stamps": false, "headers": {}},
	  {"op": "replace", "at": "$.tasks[0]", "args": null, "kwargs": null, "options": {"task_id": "fetch-1"}},
	  {"op": "stamp", "visitor": "monitoring-id", "append_stamps": true, "headers": {"tenant": "acme"}}]`))
	if err != nil {
		t.Fatal(err)
	}
	live := filepath.Join(dir, "live.json")
	mustWrite(t, live, canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("canvas"), Val: raw}, {Key: canvas.K("ops"), Val: ops}}))
	out := func(name string) string { return filepath.Join(dir, name) }

	if code, _, stderr := runStampede(t, "replay", "-o", out("live1"), live); code != 0 {
		t.Fatal(stderr)
	}
	if code, _, stderr := runStampede(t, "replay", "-o", out("live2"), live); code != 0 {
		t.Fatal(stderr)
	}
	if bytes.Equal(mustRead(t, out("live1")), mustRead(t, out("live2"))) {
		t.Fatal("two live runs of a uuid4 visitor gave the same output: the test below would prove nothing")
	}
	rec := out("recorded.json")
	if code, _, stderr := runStampede(t, "replay", "-record", rec, "-o", out("recording-run"), live); code != 0 {
		t.Fatal(stderr)
	}
	want := mustRead(t, out("recording-run"))
	for i := 0; i < 3; i++ {
		name := out("replay" + strconv.Itoa(i))
		if code, _, stderr := runStampede(t, "replay", "-o", name, rec); code != 0 {
			t.Fatal(stderr)
		}
		if got := mustRead(t, name); !bytes.Equal(got, want) {
			t.Fatalf("replay %d of the recorded session differs from the recording run", i)
		}
	}
	// Re-recording a recorded session keeps it as it is.
	if code, _, stderr := runStampede(t, "replay", "-record", out("again.json"), "-o", out("again-out"), rec); code != 0 {
		t.Fatal(stderr)
	}
	if !bytes.Equal(mustRead(t, out("again.json")), mustRead(t, rec)) {
		t.Errorf("re-recording a recorded session changed it")
	}
	// -verify runs monitoring-id live: uuid4 never matches the recording.
	code, stdout, _ := runStampede(t, "replay", "-verify", rec)
	if code != exitFound || !strings.Contains(stdout, "diverges from the recording at op 0 step ") || !strings.Contains(stdout, "on_signature") {
		t.Errorf("-verify on a uuid4 recording: exit %d\n%s", code, stdout)
	}
	// -live ignores the recordings.
	if code, _, stderr := runStampede(t, "replay", "-live", "-o", out("live3"), rec); code != 0 {
		t.Fatal(stderr)
	} else if bytes.Equal(mustRead(t, out("live3")), want) {
		t.Errorf("-live replayed the recording")
	}
}

// TestRecordStampSession is what `stampede stamp -record` writes: replaying
// it gives the canvas and trace the stamp produced, uuid4 values included.
func TestRecordStampSession(t *testing.T) {
	c, err := canvas.Load(sample.OrderJSON)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := visitors.Builtin("monitoring-id")
	tr, sess, err := replay.RecordStamp(c, "monitoring-id", stamping.Options{Visitor: v, Headers: canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("origin"), Val: "cli"}})})
	if err != nil {
		t.Fatal(err)
	}
	stamped, err := export.CanvasJSON(c)
	if err != nil {
		t.Fatal(err)
	}
	traceLines, err := export.TraceJSONL(tr, true)
	if err != nil {
		t.Fatal(err)
	}
	data, err := sess.Encode()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "session.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := replay.ReadSession(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := replay.Play(s, replay.Config{})
	if err != nil || p.Err != nil {
		t.Fatal(err, p.Err)
	}
	got, err := export.CanvasJSON(p.Current)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, stamped) {
		t.Errorf("replayed canvas differs from the stamped one:\n%s\n%s", got, stamped)
	}
	gotTrace, err := export.TraceJSONL(p.Traces[0], true)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(bytes.Join(gotTrace, nil), bytes.Join(traceLines, nil)) {
		t.Errorf("replayed trace differs")
	}
}

// TestReplayVerifyEditedRecording: a deterministic visitor's recording
// verifies; after editing one recorded value, -verify names that step.
func TestReplayVerifyEditedRecording(t *testing.T) {
	src := filepath.Join(scenarioDir, "merge-refuses-stamped-headers.json")
	code, stdout, stderr := runStampede(t, "replay", "-verify", "-visitors", scenarioDir, src)
	if code != 0 || !strings.Contains(stdout, "the live visitors return what was recorded") {
		t.Fatalf("unedited recording: exit %d\n%s%s", code, stdout, stderr)
	}
	doc := readJSON(t, src).(*canvas.Dict)
	calls := doc.Lookup("ops").(*canvas.List).Items()[0].(*canvas.Dict).Lookup("record").(*canvas.Dict).Lookup("calls").(*canvas.List).Items()
	edited := -1
	for i, c := range calls {
		if ret, ok := c.(*canvas.Dict).Lookup("ret").(*canvas.Dict); ok && ret.Has("mtask_id") {
			if edited < 0 && i > 1 {
				ret.Set("mtask_id", "m-edited")
				edited = i
			}
		}
	}
	if edited < 0 {
		t.Fatal("no recorded mtask_id to edit")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "edited.json")
	mustWrite(t, path, doc)
	code, stdout, _ = runStampede(t, "replay", "-verify", "-visitors", scenarioDir, path)
	if code != exitFound {
		t.Fatalf("-verify on an edited recording exited %d\n%s", code, stdout)
	}
	want := "op 0 step " + strconv.Itoa(edited) + ": on_signature"
	if !strings.Contains(stdout, want) || !strings.Contains(stdout, `"m-edited"`) {
		t.Errorf("-verify report does not name %q and the edited value:\n%s", want, stdout)
	}
	// Without -verify the edited value is what the replay uses.
	code, stdout, _ = runStampede(t, "replay", path)
	if code != 0 || !strings.Contains(stdout, `"m-edited"`) {
		t.Errorf("replay did not use the recorded value (exit %d)", code)
	}
}

// TestDiffCommand compares a canvas with its state after a session.
func TestDiffCommand(t *testing.T) {
	dir := t.TempDir()
	s, err := replay.ReadSession(filepath.Join(scenarioDir, "replace-options.json"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := replay.Play(s, replay.Config{})
	if err != nil || p.Err != nil {
		t.Fatal(err, p.Err)
	}
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
	mustWrite(t, a, p.Snapshots[0])
	mustWrite(t, b, p.Snapshots[1])
	code, stdout, stderr := runStampede(t, "diff", a, b)
	if code != exitFound {
		t.Fatalf("diff exited %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "proj.charge (t-3)  $.tasks[1]\n  - mtask_id = ") || strings.Contains(stdout, "t-2") {
		t.Errorf("diff output:\n%s", stdout)
	}
	code, stdout, _ = runStampede(t, "diff", "-json", a, b)
	if code != exitFound || !strings.Contains(stdout, `"removed": {`) {
		t.Errorf("diff -json:\n%s", stdout)
	}
	if code, stdout, _ := runStampede(t, "diff", a, a); code != 0 || stdout != "no stamp differs\n" {
		t.Errorf("diff of a canvas with itself: exit %d %q", code, stdout)
	}
	if code, _, stderr := runStampede(t, "diff", a); code != 2 || !strings.HasPrefix(stderr, "stampede diff: expected two canvas files, got 1 argument\n") {
		t.Errorf("diff with one file exited %d: %q", code, stderr)
	}
}

// TestLintCommand lints a canvas with a callback linked after stamping, and
// a session whose result shares one errback between tasks.
func TestLintCommand(t *testing.T) {
	dir := t.TempDir()
	s, err := replay.ReadSession(filepath.Join(scenarioDir, "link-after-stamping.json"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := replay.Play(s, replay.Config{})
	if err != nil || p.Err != nil {
		t.Fatal(err, p.Err)
	}
	linked := filepath.Join(dir, "linked.json")
	mustWrite(t, linked, p.Snapshots[2])
	code, stdout, _ := runStampede(t, "lint", linked)
	if code != exitFound || strings.Count(stdout, "linked-after-stamping") != 2 {
		t.Errorf("lint on a canvas linked after stamping: exit %d\n%s", code, stdout)
	}
	restamped := filepath.Join(dir, "restamped.json")
	mustWrite(t, restamped, p.Snapshots[3])
	if code, stdout, _ := runStampede(t, "lint", restamped); code != 0 || stdout != "lint: no pitfall found\n" {
		t.Errorf("lint after stamping again: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = runStampede(t, "lint", filepath.Join(scenarioDir, "or-rebuilds-chain.json"))
	if code != exitFound || !strings.Contains(stdout, "one signature object is reachable from 2 places") {
		t.Errorf("lint on a session sharing an errback: exit %d\n%s", code, stdout)
	}
}
