package export

import (
	"bytes"
	"errors"
	"strconv"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/stamping"
	"github.com/stampede-dev/stampede/visitors"
)

// TestTraceJSONLInPieces writes the trace of a 20,000-signature group:
// several pieces, which joined are one line per step, each the step's
// line.
func TestTraceJSONLInPieces(t *testing.T) {
	tasks := &canvas.List{}
	for i := range 20_000 {
		tasks.AppendItems(canvas.DictOf(canvas.Plain, []canvas.Pair{
			{Key: canvas.K("task"), Val: "proj.add"}, {Key: canvas.K("args"), Val: &canvas.List{}}, {Key: canvas.K("kwargs"), Val: &canvas.Dict{}},
			{Key: canvas.K("options"), Val: canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("task_id"), Val: "t-" + strconv.Itoa(i)}})},
			{Key: canvas.K("subtask_type"), Val: nil}, {Key: canvas.K("immutable"), Val: false},
		}))
	}
	root, err := canvas.SignatureOf(canvas.NewGroup(tasks))
	if err != nil {
		t.Fatal(err)
	}
	v, _ := visitors.Builtin("monitoring-id")
	tr, err := stamping.Stamp(root, stamping.Options{Visitor: v})
	if err != nil {
		t.Fatal(err)
	}
	chunks, err := TraceJSONL(tr, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(chunks) < 2 {
		t.Fatalf("%d steps came in %d piece(s)", tr.Len(), len(chunks))
	}
	lines := bytes.Split(bytes.TrimSuffix(bytes.Join(chunks, nil), []byte("\n")), []byte("\n"))
	if len(lines) != tr.Len() {
		t.Fatalf("%d lines for %d steps", len(lines), tr.Len())
	}
	for i, line := range lines {
		if want := canvas.MustEncode(tr.Line(i, true)); string(line) != want {
			t.Fatalf("line %d:\n%s\nwant\n%s", i, line, want)
		}
	}
	// written as it is made: the same bytes, in more than one write
	var w countedWrites
	if err := WriteTraceJSONL(&w, tr, true); err != nil {
		t.Fatal(err)
	}
	if w.n < 2 || !bytes.Equal(w.Bytes(), bytes.Join(chunks, nil)) {
		t.Fatalf("WriteTraceJSONL wrote %d bytes in %d writes, want the %d of TraceJSONL", w.Len(), w.n, len(bytes.Join(chunks, nil)))
	}
	if err := WriteTraceJSONL(failingWriter{}, tr, true); err != errFull {
		t.Fatalf("a writer that fails: %v", err)
	}
}

// countedWrites is a buffer that counts its writes.
type countedWrites struct {
	bytes.Buffer
	n int
}

func (w *countedWrites) Write(p []byte) (int, error) {
	w.n++
	return w.Buffer.Write(p)
}

var errFull = errors.New("no space left")

// failingWriter fails every write.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errFull }
