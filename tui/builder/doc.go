// Package builder is the TUI's builder mode: a canvas edited with a few
// keys (insert a task, wrap in a chain, group or chord, set a chord body,
// link, errback, edit args, kwargs and options, delete, move, duplicate),
// every edit undoable, saved as Celery JSON, a canvas script or Python.
//
// Edits go through the canvas package's operations — the constructors
// (chain(), group(), chord()), `|`, link(), link_error(), set(), replace(),
// clone() — so the composition rules are Celery's: a chain whose tasks
// change is rebuilt with chain(*tasks), which turns a group followed by a
// task into a chord exactly as `|` does.
//
// A Doc keeps a snapshot of the canvas (its Celery JSON) for every edit, so
// undo and redo are exact and cheap to reason about; the canvas shown is
// always the one that saving and loading the snapshot gives, never a value
// that only exists in memory. Only the snapshot shown is held whole; the
// others are kept as what each edit changed (see history).
package builder

import (
	"bytes"
	"errors"
	"fmt"
	"sort"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/tui/outline"
)

// Doc is a canvas being edited, with its undo history.
type Doc struct {
	hist  *history // the canvas as Celery JSON after each edit
	saved []byte   // the canvas last saved (nil: never)
	root  *canvas.Dict
}

// NewDoc starts editing c; the start counts as saved when saved is true
// (a canvas opened from a file) and as unsaved otherwise (a recovered one).
func NewDoc(c *canvas.Dict, saved bool) (*Doc, error) {
	data, err := canvas.Encode(c, -1)
	if err != nil {
		return nil, err
	}
	return NewDocJSON(data, saved)
}

// NewDocJSON starts editing the canvas of Celery JSON data.
func NewDocJSON(data []byte, saved bool) (*Doc, error) {
	root, err := canvas.Load(data)
	if err != nil {
		return nil, err
	}
	// keep the snapshot in the encoder's own form, so that "nothing
	// changed" is a byte comparison
	norm, err := canvas.Encode(root, -1)
	if err != nil {
		return nil, err
	}
	d := &Doc{hist: newHistory(norm)}
	if saved {
		d.saved = norm
	}
	// loading the snapshot gives this same canvas again (a canvas loaded
	// once saves and loads back to itself), so root is kept as it is
	d.root = root
	return d, nil
}

// Empty is the canvas a new one starts from: an empty chain, to which the
// first inserted task is added as `chain() | task` adds it.
func Empty() *canvas.Dict { return canvas.NewChain() }

// Root is the canvas as it is now. It is rebuilt after every edit, undo
// and redo, and after an edit that fails: do not keep it across them.
func (d *Doc) Root() *canvas.Dict { return d.root }

// JSON is the canvas as it is now, as compact Celery JSON.
func (d *Doc) JSON() []byte { return d.hist.cur }

// Dirty reports whether the canvas differs from what was last saved.
func (d *Doc) Dirty() bool {
	return d.saved == nil || !bytes.Equal(d.saved, d.hist.cur)
}

// MarkSaved records that the canvas with this JSON (a JSON() taken when
// the save was asked for) was saved.
func (d *Doc) MarkSaved(data []byte) { d.saved = data }

// Edits is the number of edits made (undone ones excluded).
func (d *Doc) Edits() int { return d.hist.at }

// History is the label of every snapshot and the index of the one shown;
// the ones after it can be redone.
func (d *Doc) History() ([]string, int) { return d.hist.labels, d.hist.at }

// Undo goes back one edit and returns its label; false at the start.
func (d *Doc) Undo() (string, bool) {
	label := d.hist.labels[d.hist.at]
	if !d.hist.back() {
		return "", false
	}
	d.reload()
	return label, true
}

// Redo does again the edit last undone and returns its label.
func (d *Doc) Redo() (string, bool) {
	if !d.hist.forward() {
		return "", false
	}
	d.reload()
	return d.hist.labels[d.hist.at], true
}

func (d *Doc) reload() {
	root, err := canvas.Load(d.hist.cur)
	if err != nil {
		// every snapshot was loaded once before being kept
		panic(fmt.Sprintf("builder: snapshot %d no longer loads: %v", d.hist.at, err))
	}
	d.root = root
}

// ErrNoChange is an edit that left the canvas as it was.
var ErrNoChange = errors.New("nothing changed")

// apply runs an edit and keeps the result as a new snapshot. The edit
// works on the root itself, which is the current snapshot loaded and is
// replaced by the result loaded from its own snapshot: loading a fresh
// copy to work on was a quarter of an edit's time on a large canvas.
// Whatever stops the edit loads the root again from the current
// snapshot, so a half-done edit is never shown or kept.
func (d *Doc) apply(label string, edit func(root *canvas.Dict) (*canvas.Dict, error)) error {
	work := d.root
	d.root = nil
	defer func() {
		if d.root == nil {
			d.reload()
		}
	}()
	out, err := edit(work)
	if err != nil {
		return err
	}
	data, err := canvas.Encode(out, -1)
	if err != nil {
		return err
	}
	if bytes.Equal(data, d.hist.cur) {
		return ErrNoChange
	}
	root, err := canvas.Load(data)
	if err != nil {
		return fmt.Errorf("the edited canvas does not load: %w", err)
	}
	// saving and loading once more must not change it: the snapshot is
	// what is written to disk and what undo returns to
	if norm, err := canvas.Encode(root, -1); err == nil {
		data = norm
	}
	d.hist.push(label, data)
	d.root = root
	return nil
}

// TaskNames is every task name of a signature in the canvas, sorted, plus
// extra (names seen elsewhere, e.g. in the canvas the session opened).
func (d *Doc) TaskNames(extra ...string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	outline.Walk(outline.RootNode(d.root), func(n outline.Node) bool {
		if n.Kind() == "sig" {
			add(outline.TaskName(n.Value))
		}
		return true
	})
	for _, s := range extra {
		add(s)
	}
	sort.Strings(out)
	return out
}

// TaskNamesOf is every signature's task name in a canvas.
func TaskNamesOf(root canvas.Value) []string {
	var out []string
	outline.Walk(outline.RootNode(root), func(n outline.Node) bool {
		if n.Kind() == "sig" {
			if s := outline.TaskName(n.Value); s != "" {
				out = append(out, s)
			}
		}
		return true
	})
	return out
}
