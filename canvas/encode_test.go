package canvas_test

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
)

// TestEncodeInChunks encodes a canvas of several megabytes: the pieces of
// EncodeChunks, joined, are exactly what Encode returns, and that decodes
// back to the same canvas, indented or not.
func TestEncodeInChunks(t *testing.T) {
	l := &canvas.List{}
	for i := range 20_000 {
		l.AppendItems(canvas.DictOf(canvas.Plain, []canvas.Pair{
			{Key: canvas.K("task"), Val: "proj.add"},
			{Key: canvas.K("args"), Val: canvas.NewList(canvas.Int(strconv.Itoa(i)), "é\n\"")},
			{Key: canvas.K("options"), Val: canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("task_id"), Val: "t-" + strconv.Itoa(i)}})},
		}))
	}
	v := canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("tasks"), Val: l}})
	for _, indent := range []int{-1, 2} {
		whole, err := canvas.Encode(v, indent)
		if err != nil {
			t.Fatal(err)
		}
		chunks, err := canvas.EncodeChunks(v, indent)
		if err != nil {
			t.Fatal(err)
		}
		if len(chunks) < 2 {
			t.Fatalf("indent %d: %d bytes came in %d piece(s)", indent, len(whole), len(chunks))
		}
		if !bytes.Equal(bytes.Join(chunks, nil), whole) {
			t.Fatalf("indent %d: the pieces differ from Encode", indent)
		}
		var w writes
		if err := canvas.EncodeTo(&w, v, indent); err != nil {
			t.Fatal(err)
		}
		if len(w.sizes) < 2 || !bytes.Equal(w.Bytes(), whole) {
			t.Fatalf("indent %d: EncodeTo wrote %d bytes in %d writes, want the %d of Encode in pieces", indent, w.Len(), len(w.sizes), len(whole))
		}
		failing := failingWriter{after: 1}
		if err := canvas.EncodeTo(&failing, v, indent); err != errDiskFull || failing.calls != 2 {
			t.Fatalf("indent %d: a writer failing at its second write: error %v after %d writes (none after the failure)", indent, err, failing.calls)
		}
		back, err := canvas.Decode(whole)
		if err != nil {
			t.Fatal(err)
		}
		if !canvas.SameJSON(back, v) {
			t.Fatalf("indent %d: the encoding does not decode back", indent)
		}
	}
}

// writes is a buffer that counts its writes and their sizes.
type writes struct {
	bytes.Buffer
	sizes []int
}

func (w *writes) Write(p []byte) (int, error) {
	w.sizes = append(w.sizes, len(p))
	return w.Buffer.Write(p)
}

var errDiskFull = errors.New("disk full")

// failingWriter fails every write after its first ones.
type failingWriter struct{ after, calls int }

func (w *failingWriter) Write(p []byte) (int, error) {
	w.calls++
	if w.calls > w.after {
		return 0, errDiskFull
	}
	return len(p), nil
}

// TestEncodeIndentsDeepLines pins indentation wider than the encoder's
// block of spaces: each line starts with depth × indent spaces.
func TestEncodeIndentsDeepLines(t *testing.T) {
	var v canvas.Value = "x"
	for range 80 {
		v = canvas.NewList(v)
	}
	out, err := canvas.Encode(v, 7)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(out), "\n")
	if len(lines) != 161 {
		t.Fatalf("%d lines", len(lines))
	}
	for i, line := range lines[:81] {
		if want := strings.Repeat(" ", 7*i); !strings.HasPrefix(line, want) || strings.HasPrefix(line, want+" ") {
			t.Fatalf("line %d is %q", i, line)
		}
	}
}

// TestAppendJSON appends values one after another as Encode writes each,
// and leaves the buffer as it was when a value cannot be written.
func TestAppendJSON(t *testing.T) {
	values := []canvas.Value{nil, true, canvas.Int("12"), 1.5, "é\"", canvas.NewList("a", canvas.Int("1")),
		canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("k"), Val: canvas.NewList()}})}
	var buf, want []byte
	for _, v := range values {
		var err error
		if buf, err = canvas.AppendJSON(buf, v, -1); err != nil {
			t.Fatal(err)
		}
		one, _ := canvas.Encode(v, -1)
		want = append(want, one...)
	}
	if string(buf) != string(want) {
		t.Fatalf("%s, want %s", buf, want)
	}
	loop := canvas.NewList()
	loop.AppendItems(loop)
	got, err := canvas.AppendJSON(buf, loop, -1)
	if err == nil || string(got) != string(want) {
		t.Fatalf("a list holding itself: %v, buffer %q", err, got)
	}
}
