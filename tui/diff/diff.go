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
	for _, p := range after.Pairs {
		old, ok := before.Get(p.Key)
		switch {
		case !ok:
			r.Entries = append(r.Entries, Entry{Key: p.Key, Kind: Added, After: p.Val})
		case same(old, p.Val):
			r.Unchanged++
		default:
			r.Entries = append(r.Entries, Entry{Key: p.Key, Kind: Changed, Before: old, After: p.Val, Note: shapeNote(old, p.Val)})
		}
	}
	for _, p := range before.Pairs {
		if !after.Has(p.Key) {
			r.Entries = append(r.Entries, Entry{Key: p.Key, Kind: Removed, Before: p.Val})
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
		if n := len(lb.Items) - len(la.Items); n > 0 && prefix(la.Items, lb.Items) {
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
		if !same(a[i], b[i]) {
			return false
		}
	}
	return true
}

// same reports whether a and b have the same JSON form: same types (an int
// is not a float, a list is not a scalar), keys in the same order, same items.
func same(a, b canvas.Value) bool {
	switch x := a.(type) {
	case *canvas.Dict:
		y, ok := b.(*canvas.Dict)
		if !ok || len(x.Pairs) != len(y.Pairs) {
			return false
		}
		for i := range x.Pairs {
			if x.Pairs[i].Key != y.Pairs[i].Key || !same(x.Pairs[i].Val, y.Pairs[i].Val) {
				return false
			}
		}
		return true
	case *canvas.List:
		y, ok := b.(*canvas.List)
		if !ok || len(x.Items) != len(y.Items) {
			return false
		}
		for i := range x.Items {
			if !same(x.Items[i], y.Items[i]) {
				return false
			}
		}
		return true
	case float64:
		y, ok := b.(float64)
		return ok && (x == y || (x != x && y != y))
	}
	return a == b
}
