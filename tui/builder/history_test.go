package builder

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestHistoryRebuildsEverySnapshot pushes random edits of a text (inserts,
// cuts and replacements anywhere, the same text again, an empty one), with
// undos and redos between them, and checks after every step that the
// snapshot shown is the one that was pushed there, and that no slice the
// history handed out was changed since.
func TestHistoryRebuildsEverySnapshot(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	edit := func(a []byte) []byte {
		switch rng.IntN(8) {
		case 0:
			return nil
		case 1:
			return bytes.Clone(a)
		}
		i := rng.IntN(len(a) + 1)
		j := i + rng.IntN(len(a)-i+1)
		mid := make([]byte, rng.IntN(12))
		for k := range mid {
			mid[k] = "ab{}[]"[rng.IntN(6)]
		}
		return append(append(append([]byte{}, a[:i]...), mid...), a[j:]...)
	}
	start := bytes.Repeat([]byte("[1, 2] {} "), 1000)
	h := newHistory(bytes.Clone(start))
	want := [][]byte{bytes.Clone(start)} // want[i] is snapshot i
	var handed [][]byte                  // every cur seen, with a copy of what it held
	var copies [][]byte
	for step := 0; step < 3000; step++ {
		switch r := rng.IntN(10); {
		case r < 5:
			data := edit(h.cur)
			h.push(fmt.Sprint(step), data)
			want = append(want[:h.at], bytes.Clone(data))
		case r < 8:
			before := h.at
			if ok := h.back(); ok != (before > 0) {
				t.Fatalf("step %d: back %v from %d", step, ok, before)
			}
		default:
			before := h.at
			if ok := h.forward(); ok != (before+1 < len(want)) {
				t.Fatalf("step %d: forward %v from %d of %d", step, ok, before, len(want))
			}
		}
		if !bytes.Equal(h.cur, want[h.at]) {
			at := commonPrefix(h.cur[:min(len(h.cur), len(want[h.at]))], want[h.at][:min(len(h.cur), len(want[h.at]))])
			t.Fatalf("step %d: snapshot %d (%d bytes, want %d) differs from byte %d: %.40q, want %.40q",
				step, h.at, len(h.cur), len(want[h.at]), at, h.cur[at:], want[h.at][at:])
		}
		if len(h.labels) != len(want) || len(h.changes) != len(want)-1 {
			t.Fatalf("step %d: %d labels and %d changes for %d snapshots", step, len(h.labels), len(h.changes), len(want))
		}
		handed = append(handed, h.cur)
		copies = append(copies, bytes.Clone(h.cur))
	}
	for i := range handed {
		if !bytes.Equal(handed[i], copies[i]) {
			t.Fatalf("the snapshot handed out at step %d was written to", i)
		}
	}
}

// TestHistoryKeepsWhatEditsChange moves tasks of a chain of 400 and checks
// that the history keeps about what the moves changed, not a copy of the
// canvas per edit, while undo and redo still give every snapshot.
func TestHistoryKeepsWhatEditsChange(t *testing.T) {
	d := newEmpty(t)
	for i := 0; i < 400; i++ {
		_, err := d.Insert(nil, fmt.Sprintf("proj.task%d", i))
		must(t, err)
	}
	size := len(d.JSON())
	kept := d.hist.size()
	var snaps [][]byte
	for i := 0; i < 50; i++ {
		snaps = append(snaps, d.JSON())
		_, err := d.Move([]int{100 + i}, 1)
		must(t, err)
	}
	t.Logf("canvas %d bytes, 50 moves kept %d", size, d.hist.size()-kept)
	if grown := d.hist.size() - kept; grown > size {
		t.Errorf("50 moves of one task kept %d bytes; the canvas is %d bytes", grown, size)
	}
	for i := len(snaps) - 1; i >= 0; i-- {
		d.Undo()
		if !bytes.Equal(d.JSON(), snaps[i]) {
			t.Fatalf("undo to the snapshot before move %d gives another canvas", i)
		}
	}
}
