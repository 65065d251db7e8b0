package canvas_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
)

// FuzzLoad feeds arbitrary bytes to the JSON reader and to
// signature(dict) loading. Whatever the input:
//
//   - nothing panics, and a failure is one line: a *canvas.SyntaxError for
//     text that is not JSON, a *canvas.PathError (or the "not a canvas
//     object" error) for JSON that is not a canvas;
//   - JSON that reads is written back (compact and indented) to text that
//     reads as the same value, and writing that again gives the same text;
//   - Load, which converts what it decodes in place, builds the same
//     canvas as FromDict on the decoded value, which copies;
//   - a canvas that loads is saved, and the saved text loads again and
//     saves to exactly the same text: load → save → load is the identity.
//
// The seed corpus is testdata/fuzz/FuzzLoad.
func FuzzLoad(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		v, derr := canvas.Decode(data)
		c, lerr := canvas.Load(data)
		if derr != nil {
			var se *canvas.SyntaxError
			if !errors.As(derr, &se) {
				t.Fatalf("Decode failed with a %T: %v", derr, derr)
			}
			if lerr == nil || lerr.Error() != derr.Error() {
				t.Fatalf("Decode failed with %q but Load with %v", derr, lerr)
			}
			oneLine(t, derr)
			return
		}
		compact, err := canvas.Encode(v, -1)
		if err != nil {
			t.Fatalf("a decoded value does not encode: %v", err)
		}
		again, err := canvas.Decode(compact)
		if err != nil {
			t.Fatalf("the encoded value does not decode: %v\n%s", err, compact)
		}
		if !canvas.SameJSON(v, again) {
			t.Fatalf("decode → encode → decode changed the value:\n%s", compact)
		}
		if b, err := canvas.Encode(again, -1); err != nil || string(b) != string(compact) {
			t.Fatalf("encoding is not stable (%v):\n%s\n%s", err, compact, b)
		}
		indented, err := canvas.Encode(v, 2)
		if err != nil {
			t.Fatalf("a decoded value does not encode indented: %v", err)
		}
		if back, err := canvas.Decode(indented); err != nil || !canvas.SameJSON(v, back) {
			t.Fatalf("the indented form reads back differently (%v):\n%s", err, indented)
		}

		if d, ok := v.(*canvas.Dict); ok {
			// Load converts the dicts it decodes in place; FromDict copies
			// them as Celery does. Both must build the same canvas.
			copied, cerr := canvas.FromDict(d)
			if (cerr == nil) != (lerr == nil) {
				t.Fatalf("Load gives %v but FromDict %v", lerr, cerr)
			}
			if cerr == nil {
				a, aerr := canvas.Encode(c, -1)
				b, berr := canvas.Encode(copied, -1)
				if aerr != nil || berr != nil || string(a) != string(b) || !sameClasses(c, copied) {
					t.Fatalf("Load and FromDict build different canvases (%v, %v):\n%s\n%s", aerr, berr, a, b)
				}
			}
		}
		if lerr != nil {
			var pe *canvas.PathError
			if !errors.As(lerr, &pe) && !strings.HasPrefix(lerr.Error(), "the document is a JSON ") {
				t.Fatalf("Load failed with a %T: %v", lerr, lerr)
			}
			oneLine(t, lerr)
			return
		}
		saved, err := canvas.Encode(c, 2)
		if err != nil {
			t.Fatalf("a loaded canvas does not save: %v", err)
		}
		c2, err := canvas.Load(saved)
		if err != nil {
			t.Fatalf("the saved canvas does not load: %v\n%s", err, saved)
		}
		resaved, err := canvas.Encode(c2, 2)
		if err != nil {
			t.Fatalf("the reloaded canvas does not save: %v", err)
		}
		if string(resaved) != string(saved) {
			t.Fatalf("load → save → load is not the identity:\nsaved   %s\nresaved %s", saved, resaved)
		}
		if !sameClasses(c, c2) {
			t.Fatalf("the reloaded canvas has other classes than the loaded one:\n%s", saved)
		}
	})
}

// oneLine fails when an error message spans several lines (the command
// line prints every error on one).
func oneLine(t *testing.T, err error) {
	t.Helper()
	if strings.ContainsAny(err.Error(), "\r\n") && !strings.ContainsAny(err.Error(), "\"'") {
		t.Fatalf("the error spans several lines: %q", err)
	}
}

// sameClasses reports whether two canvases of the same JSON have the same
// Celery classes at the same places. xmap, xstarmap and chunks are the
// exception: Celery does not save their subtask_type, so they load back as
// plain signatures.
func sameClasses(a, b canvas.Value) bool {
	switch x := a.(type) {
	case *canvas.Dict:
		y, ok := b.(*canvas.Dict)
		if !ok || x.Len() != y.Len() {
			return false
		}
		switch x.Class() {
		case canvas.XMap, canvas.XStarMap, canvas.Chunks:
			if y.Class() != x.Class() && y.Class() != canvas.Signature {
				return false
			}
		default:
			if x.Class() != y.Class() {
				return false
			}
		}
		for i := range x.Pairs() {
			if !sameClasses(x.Pairs()[i].Val, y.Pairs()[i].Val) {
				return false
			}
		}
	case *canvas.List:
		y, ok := b.(*canvas.List)
		if !ok || x.Len() != y.Len() {
			return false
		}
		for i := range x.Items() {
			if !sameClasses(x.Items()[i], y.Items()[i]) {
				return false
			}
		}
	}
	return true
}
