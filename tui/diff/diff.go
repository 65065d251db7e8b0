// Package diff compares two snapshots of a node's options — before and
// after a stamping step — key by key: what was added, changed or removed,
// and when a value changed shape (a scalar stamp that became a list under
// append_stamps, a list that grew).
package diff

import (
	"fmt"

	"github.com/stampede-dev/stampede/canvas"
)

// Kind is what happened to a key.
type Kind uint8

// The kinds of change.
const (
	Added Kind = iota
	Changed
	Removed
)

// Entry is one key that differs.
type Entry struct {
	Key           string
	Kind          Kind
	Before, After canvas.Value
	// Note explains a change of shape: "scalar → list", "list → scalar",
	// "+2 items", "type str → int"; empty for a plain value change.
	Note string
}

// Result is the difference between two options dicts.
type Result struct {
	Entries   []Entry
	Unchanged int // keys present and equal in both
}

// Options compares before and after; either may be nil (no options).
func Options(before, after *canvas.Dict) Result {
	var r Result
	if before == nil {
		before = &canvas.Dict{}
	}
	if after == nil {
		after = &canvas.Dict{}
	}
	for _, p := range after.Pairs() {
		old, ok := before.GetKey(p.Key)
		switch {
		case !ok:
			r.Entries = append(r.Entries, Entry{Key: p.Key.String(), Kind: Added, After: p.Val})
		case canvas.SameJSON(old, p.Val):
			r.Unchanged++
		default:
			r.Entries = append(r.Entries, Entry{Key: p.Key.String(), Kind: Changed, Before: old, After: p.Val, Note: shapeNote(old, p.Val)})
		}
	}
	for _, p := range before.Pairs() {
		if !after.HasKey(p.Key) {
			r.Entries = append(r.Entries, Entry{Key: p.Key.String(), Kind: Removed, Before: p.Val})
		}
	}
	return r
}

// shapeNote says how the shape of a value changed.
func shapeNote(a, b canvas.Value) string {
	la, aList := a.(*canvas.List)
	lb, bList := b.(*canvas.List)
	switch {
	case !aList && bList:
		if _, isDict := a.(*canvas.Dict); isDict {
			return "dict → list"
		}
		return "scalar → list"
	case aList && !bList:
		if _, isDict := b.(*canvas.Dict); isDict {
			return "list → dict"
		}
		return "list → scalar"
	case aList && bList:
		if n := lb.Len() - la.Len(); n > 0 && prefix(la.Items(), lb.Items()) {
			if n == 1 {
				return "+1 item"
			}
			return fmt.Sprintf("+%d items", n)
		}
		return ""
	}
	if ta, tb := canvas.TypeName(a), canvas.TypeName(b); ta != tb {
		return "type " + ta + " → " + tb
	}
	return ""
}

func prefix(a, b []canvas.Value) bool {
	for i := range a {
		if !canvas.SameJSON(a[i], b[i]) {
			return false
		}
	}
	return true
}
