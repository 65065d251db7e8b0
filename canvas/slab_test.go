package canvas

import (
	"os"
	"path/filepath"
	"testing"
)

// TestDecodedContainersEndAtTheirLength grows decoded dicts and lists that
// share a block and checks that their neighbours are untouched.
func TestDecodedContainersEndAtTheirLength(t *testing.T) {
	v, err := Decode([]byte(`[{"a": 1}, {"b": 2}, [1], [2], {}, []]`))
	if err != nil {
		t.Fatal(err)
	}
	items := v.(*List).Items()
	items[0].(*Dict).Set("c", Int("3"))
	l := items[2].(*List)
	l.AppendItems(Int("9"))
	items[4].(*Dict).Set("d", Int("4"))
	e := items[5].(*List)
	e.AppendItems(Int("8"))
	got, err := Encode(v, -1)
	if err != nil {
		t.Fatal(err)
	}
	const want = `[{"a": 1, "c": 3}, {"b": 2}, [1, 9], [2], {"d": 4}, [8]]`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestLoadBuildsWhatFromDictBuilds loads every canvas of the conformance
// corpus, and a few more: with Load, which converts the decoded dicts in
// place and moves chains, groups and chords into the decoder's blocks (see
// settle), with SignatureOfCopy, which does the same to a JSON copy, and
// with FromDict on a decoded copy, which copies as Celery does. All must
// give the same canvas, shared the same way, or all fail.
func TestLoadBuildsWhatFromDictBuilds(t *testing.T) {
	inputs := map[string][]byte{
		"chord with extras": []byte(`{"task": "celery.chord", "args": [], "kwargs": {"header": {"task": "celery.group", "args": [], "kwargs": {"tasks": [{"task": "a", "args": [], "kwargs": {}, "options": {}, "subtask_type": null, "immutable": false}]}, "options": {}, "subtask_type": "group", "immutable": false}, "body": {"task": "b", "args": [1], "kwargs": {}, "options": {"link": [{"task": "c"}]}, "subtask_type": null, "immutable": false}, "kwargs": {"x": 1}}, "options": {"task_id": "c1"}, "subtask_type": "chord", "immutable": false, "chord_size": 3}`),
		"xmap":              []byte(`{"task": "celery.map", "args": [], "kwargs": {"task": {"task": "a"}, "it": [[1], [2]]}, "options": {}, "subtask_type": "xmap", "immutable": true}`),
		"chunks":            []byte(`{"task": "celery.chunks", "args": [], "kwargs": {"task": {"task": "a"}, "it": [[1], [2]], "n": 2}, "options": {}, "subtask_type": "chunks", "immutable": true}`),
		"chain, options":    []byte(`{"task": "celery.chain", "args": [7], "kwargs": {"tasks": [{"task": "a"}, {"task": "b", "subtask_type": "chain", "kwargs": {"tasks": []}, "options": {"options": {"q": 1}, "link": [{"task": "l"}]}}]}, "options": {"link_error": [{"task": "e"}], "immutable": true, "subtask_type": "x"}, "subtask_type": "chain", "immutable": false}`),
		"group, empty":      []byte(`{"task": "celery.group", "args": [], "kwargs": {"tasks": []}, "options": {}, "subtask_type": "group", "immutable": false}`),
		"group, bad task":   []byte(`{"task": "celery.group", "kwargs": {"tasks": [{"task": "a"}, {"subtask_type": "nope"}]}, "options": {}, "subtask_type": "group"}`),
	}
	files, err := filepath.Glob(filepath.Join("..", "testdata", "conformance", "*", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no conformance cases (%v)", err)
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := Decode(raw)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		c, ok := doc.(*Dict).Get("canvas")
		if !ok {
			continue
		}
		if inputs[f], err = Encode(c, -1); err != nil {
			t.Fatal(err)
		}
	}
	for name, data := range inputs {
		loaded, lerr := Load(data)
		decoded, err := Decode(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		d, ok := decoded.(*Dict)
		if !ok {
			continue
		}
		copied, cerr := FromDict(d)
		if (lerr == nil) != (cerr == nil) {
			t.Errorf("%s: Load gives %v, FromDict %v", name, lerr, cerr)
			continue
		}
		if lerr != nil {
			continue
		}
		if err := newSharing().same(loaded, copied, "$"); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		again, _ := Decode(data)
		viaCopy, err := SignatureOfCopy(again)
		if err != nil {
			t.Errorf("%s: SignatureOfCopy: %v", name, err)
		} else if err := newSharing().same(viaCopy, copied, "$"); err != nil {
			t.Errorf("%s: SignatureOfCopy: %v", name, err)
		}
	}
}
