// Package conformance compares stampede's output with the cases of the
// Celery conformance corpus, following the corpus README's rules: parsed
// JSON is compared, never text; object key order is irrelevant; any list
// under a key named "stamped_headers" compares as a set; everything else is
// exact (list order, 1 vs 1.0, true vs 1, null vs a missing key).
package conformance

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/stampede-dev/stampede/canvas"
)

// setKey is the key whose lists compare as sets.
const setKey = "stamped_headers"

// Mismatch is the first difference found, with its JSON path.
type Mismatch struct {
	Path string
	Msg  string
}

func (m *Mismatch) Error() string { return m.Path + ": " + m.Msg }

// Same returns nil when actual matches expected, else the first difference.
func Same(expected, actual canvas.Value, path string) error {
	return same(expected, actual, path, false)
}

func kind(v canvas.Value) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "bool"
	case canvas.Int:
		return "int"
	case float64:
		return "float"
	case string:
		return "string"
	case *canvas.List:
		return "list"
	case *canvas.Dict:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func short(v canvas.Value) string {
	b, err := canvas.Encode(v, -1)
	if err != nil {
		return "<" + kind(v) + ">"
	}
	if len(b) > 160 {
		return string(b[:160]) + "..."
	}
	return string(b)
}

// canon is a canonical text of v (object keys sorted) for set comparison.
func canon(v canvas.Value) string {
	switch x := v.(type) {
	case *canvas.Dict:
		keys := x.Keys()
		sort.Strings(keys)
		s := "{"
		for i, k := range keys {
			if i > 0 {
				s += ","
			}
			s += strconv.Quote(k) + ":" + canon(x.Lookup(k))
		}
		return s + "}"
	case *canvas.List:
		s := "["
		for i, it := range x.Items() {
			if i > 0 {
				s += ","
			}
			s += canon(it)
		}
		return s + "]"
	}
	return kind(v) + ":" + short(v)
}

func same(exp, act canvas.Value, path string, asSet bool) error {
	ke, ka := kind(exp), kind(act)
	if ke != ka {
		return &Mismatch{path, fmt.Sprintf("expected %s %s, got %s %s", ke, short(exp), ka, short(act))}
	}
	switch e := exp.(type) {
	case *canvas.Dict:
		a := act.(*canvas.Dict)
		for _, p := range e.Pairs() {
			if !a.HasKey(p.Key) {
				return &Mismatch{path, fmt.Sprintf("missing key %q (expected value %s)", p.Key.String(), short(p.Val))}
			}
		}
		for _, p := range a.Pairs() {
			if !e.HasKey(p.Key) {
				return &Mismatch{path, fmt.Sprintf("unexpected key %q (value %s)", p.Key.String(), short(p.Val))}
			}
		}
		for _, p := range e.Pairs() {
			if err := same(p.Val, a.LookupKey(p.Key), path+"."+p.Key.String(), p.Key.String() == setKey); err != nil {
				return err
			}
		}
		return nil
	case *canvas.List:
		a := act.(*canvas.List)
		if asSet {
			se, sa := map[string]bool{}, map[string]bool{}
			for _, x := range e.Items() {
				se[canon(x)] = true
			}
			for _, x := range a.Items() {
				sa[canon(x)] = true
			}
			var missing, extra []string
			for k := range se {
				if !sa[k] {
					missing = append(missing, k)
				}
			}
			for k := range sa {
				if !se[k] {
					extra = append(extra, k)
				}
			}
			if len(missing)+len(extra) > 0 {
				sort.Strings(missing)
				sort.Strings(extra)
				return &Mismatch{path, fmt.Sprintf("(compared as a set) missing %v, unexpected %v", missing, extra)}
			}
			return nil
		}
		n := e.Len()
		if a.Len() < n {
			n = a.Len()
		}
		for i := 0; i < n; i++ {
			if err := same(e.Items()[i], a.Items()[i], fmt.Sprintf("%s[%d]", path, i), false); err != nil {
				return err
			}
		}
		if e.Len() != a.Len() {
			return &Mismatch{path, fmt.Sprintf("expected %d items, got %d", e.Len(), a.Len())}
		}
		return nil
	case float64:
		a := act.(float64)
		if e != a && !(e != e && a != a) {
			return &Mismatch{path, fmt.Sprintf("expected %s, got %s", short(exp), short(act))}
		}
		return nil
	}
	if short(exp) != short(act) {
		return &Mismatch{path, fmt.Sprintf("expected %s, got %s", short(exp), short(act))}
	}
	return nil
}
