package stamping

import (
	"fmt"

	"github.com/stampede-dev/stampede/canvas"
)

// mergeDicts is Celery's _merge_dictionaries(d1, d2, aggregate_duplicates):
// d2 is merged into d1 in place. For a key in both: a dict in d1 is merged
// recursively, always aggregating; a scalar in d1 becomes [scalar] when
// aggregating; then two lists are joined by extending d1's list in place
// (even when not aggregating), otherwise when aggregating d2's value is
// appended to a copy of d1's list (None counting as empty). Keys only in d2
// are copied over by reference. A falsy d2 does nothing; a d2 that is not a
// dict raises what Python raises.
//
// Lists under the key "stamped_headers" mean a set of keys; they are extended
// without repeating a key, which keeps their meaning and keeps stamping
// linear where Celery's list grows by one entry per stamped child.
//
// fresh says d1 is a dict the traversal just made (the headers being
// built), not part of the canvas: assigning its keys needs no undo record.
// What d1 holds may be shared with the canvas, so changes inside it are
// always recorded.
//
// shKeys, when not nil, stands for a "stamped_headers" key that d2 does not
// hold but Celery would have added last, holding list(shKeys): _stamp_headers
// sets visitor_headers["stamped_headers"] = list(visitor_headers.keys())
// before merging. The visitor's dict is not changed, so that the trace can
// keep it as the hook's result; the list itself is only made where Celery's
// merge would keep it.
func mergeDicts(log *canvas.Log, d1 *canvas.Dict, d2 canvas.Value, aggregate, fresh bool, shKeys []canvas.Value) error {
	if !canvas.Truthy(d2) && shKeys == nil {
		return nil
	}
	setLog := log
	if fresh {
		setLog = nil
	}
	for i := 0; i < d1.Len(); i++ {
		k, value := d1.Pairs()[i].Key, d1.Pairs()[i].Val
		key := k.String()
		virtual := shKeys != nil && k == canvas.KeyStampedHeaders
		found, err := canvas.In(key, d2)
		if err != nil {
			return err
		}
		if !found && !virtual {
			continue
		}
		var other canvas.Value
		if virtual {
			if l1, ok := value.(*canvas.List); ok && !l1.Tuple() {
				extendUnique(log, l1, shKeys) // the common case, below without the list
				continue
			}
			other = canvas.NewList(append([]canvas.Value{}, shKeys...)...)
		} else if other, err = subscript(d2, key); err != nil {
			return err
		}
		if sub, ok := value.(*canvas.Dict); ok {
			if err := mergeDicts(log, sub, other, true, false, nil); err != nil {
				return err
			}
			continue
		}
		if canvas.IsScalar(value) && aggregate {
			value = canvas.NewList(value)
			setLog.SetKey(d1, k, value)
		}
		l1, ok1 := value.(*canvas.List)
		l2, ok2 := other.(*canvas.List)
		switch {
		case ok1 && ok2 && !l1.Tuple() && !l2.Tuple():
			if k == canvas.KeyStampedHeaders {
				extendUnique(log, l1, l2.Items())
			} else if n := l1.Len() + l2.Len(); n > MaxStampItems {
				return &LimitError{Key: key, Items: n}
			} else {
				log.Append(l1, l2.Items()...)
			}
		case aggregate:
			var l *canvas.List
			switch v := value.(type) {
			case nil:
				l = &canvas.List{}
			case *canvas.List:
				l = v.Copy()
			default:
				items, err := canvas.Iterate(v)
				if err != nil {
					return err
				}
				l = canvas.NewList(append([]canvas.Value{}, items...)...)
			}
			l.AppendItems(other)
			setLog.SetKey(d1, k, l)
		}
	}
	src, ok := d2.(*canvas.Dict)
	if !ok {
		return canvas.AttrError(d2, "items")
	}
	for _, p := range src.Pairs() {
		if !d1.HasKey(p.Key) {
			setLog.SetKey(d1, p.Key, p.Val)
		}
	}
	if shKeys != nil && !d1.HasKey(canvas.KeyStampedHeaders) {
		setLog.SetKey(d1, canvas.KeyStampedHeaders, canvas.NewList(append([]canvas.Value{}, shKeys...)...))
	}
	return nil
}

// MaxStampItems is how many values one stamp's list may reach by merging.
// Celery has no limit, but a visitor that returns the headers it was given
// under append_stamps doubles each list at every level of the canvas, and
// forty levels would ask for a trillion values.
const MaxStampItems = 1 << 20

// LimitError is a stamp whose merged list would pass MaxStampItems.
type LimitError struct {
	Key   string
	Items int
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("stamp %q would hold %d values, over the limit of %d "+
		"(a visitor that returns the headers it was given doubles them at every level under append_stamps)",
		e.Key, e.Items, MaxStampItems)
}

// extendUnique appends the items of add that l does not hold yet.
func extendUnique(log *canvas.Log, l *canvas.List, add []canvas.Value) {
	var fresh []canvas.Value
	for _, v := range add {
		if !canvas.Contains(l.Items(), v) && !canvas.Contains(fresh, v) {
			fresh = append(fresh, v)
		}
	}
	if len(fresh) > 0 {
		log.Append(l, fresh...)
	}
}

// subscript is Python's container[key] for a string key.
func subscript(container canvas.Value, key string) (canvas.Value, error) {
	switch c := container.(type) {
	case *canvas.Dict:
		v, _ := c.Get(key)
		return v, nil
	case *canvas.List:
		return nil, canvas.TypeErrorf("%s indices must be integers or slices, not str", canvas.TypeName(c))
	case string:
		return nil, canvas.TypeErrorf("string indices must be integers, not 'str'")
	}
	return nil, canvas.TypeErrorf("'%s' object is not subscriptable", canvas.TypeName(container))
}

// keySet is list(set(items)): the distinct items (they must be hashable).
func keySet(v canvas.Value) (*canvas.List, error) {
	items, err := canvas.Iterate(v)
	if err != nil {
		return nil, err
	}
	// NewListCap rounds small sizes up, so the few keys a signature adds of
	// its own mostly fit without growing the list.
	out := canvas.NewListCap(len(items))
	for _, it := range items {
		if err := canvas.Hashable(it); err != nil {
			return nil, err
		}
		if !canvas.Contains(out.Items(), it) {
			out.AppendItems(it)
		}
	}
	return out, nil
}
