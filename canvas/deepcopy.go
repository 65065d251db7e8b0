package canvas

// DeepCopy is Python's copy.deepcopy as it behaves on a canvas: plain dicts
// and lists are copied recursively (an object met twice is copied once), but
// a signature is copied by its __deepcopy__, which returns dict(self) — a
// plain dict sharing the signature's values — and records the signature
// itself in the memo, so a second occurrence of the same signature in the
// same copy is the original object.
func DeepCopy(v Value) Value {
	switch x := v.(type) {
	case *Dict:
		if c, ok := copyShallowTree(x); ok {
			return c
		}
		var m memo
		return deepCopy(v, &m)
	case *List, *Lazy:
		var m memo
		return deepCopy(v, &m)
	}
	return v
}

// copyShallowTree is DeepCopy's fast path for the common case of a plain
// dict whose values are scalars or distinct lists of scalars (headers, hook
// results): nothing in it can be shared, so no memo is needed.
func copyShallowTree(x *Dict) (*Dict, bool) {
	if x.Class().IsSignature() {
		return nil, false
	}
	var lists [4]*List
	nl := 0
	for _, p := range x.Pairs() {
		switch v := p.Val.(type) {
		case *Dict:
			return nil, false
		case *List:
			if nl == len(lists) {
				return nil, false
			}
			for _, it := range v.Items() {
				switch it.(type) {
				case *Dict, *List:
					return nil, false
				}
			}
			for _, seen := range lists[:nl] {
				if seen == v {
					return nil, false
				}
			}
			lists[nl] = v
			nl++
		}
	}
	c := newDictCap(Plain, x.Len())
	c.AppendPairs(x.Pairs()...)
	for i, p := range c.Pairs() {
		if l, ok := p.Val.(*List); ok {
			lc := NewListCap(l.Len())
			lc.AppendItems(l.Items()...)
			lc.SetTuple(l.Tuple())
			c.Pairs()[i].Val = lc
		}
	}
	return c, true
}

// memo is deepcopy's memo: originals and their copies. Canvases copied
// during stamping are small and rarely share, so a slice beats a map — up
// to smallMemo entries; past them (a large or deeply nested value) a map
// keeps each lookup short.
type memo struct {
	from  []any
	to    []Value
	index map[any]int // from[i] -> i, once there are more than smallMemo
}

const smallMemo = 32

func (m *memo) get(k any) (Value, bool) {
	if m.index != nil {
		if i, ok := m.index[k]; ok {
			return m.to[i], true
		}
		return nil, false
	}
	for i, f := range m.from {
		if f == k {
			return m.to[i], true
		}
	}
	return nil, false
}

func (m *memo) put(k any, v Value) {
	m.from = append(m.from, k)
	m.to = append(m.to, v)
	switch {
	case m.index != nil:
		m.index[k] = len(m.from) - 1
	case len(m.from) > smallMemo:
		m.index = make(map[any]int, 2*len(m.from))
		for i, f := range m.from {
			m.index[f] = i
		}
	}
}

func deepCopy(v Value, m *memo) Value {
	switch x := v.(type) {
	case *Dict:
		if c, ok := m.get(x); ok {
			return c
		}
		if x.Class().IsSignature() {
			m.put(x, x)
			return x.Copy()
		}
		c := DictOf(Plain, make([]Pair, x.Len()))
		m.put(x, c)
		for i, p := range x.Pairs() {
			c.Pairs()[i] = Pair{p.Key, deepCopy(p.Val, m)}
		}
		return c
	case *List:
		if c, ok := m.get(x); ok {
			return c
		}
		c := ListOf(make([]Value, x.Len()), x.Tuple())
		m.put(x, c)
		for i, item := range x.Items() {
			c.Items()[i] = deepCopy(item, m)
		}
		return c
	case *Lazy:
		// _regen reduces to list(self.data): every member is produced.
		items, _ := x.All()
		return deepCopy(NewList(items...), m)
	}
	return v
}

// JSONCopy is json.loads(json.dumps(v)) without the text: every dict and list
// is copied (signatures become plain dicts, tuples lists), so the copy is a
// snapshot that later mutations of v cannot reach. The copy is cut from a
// few large blocks, as the decoder's is (see slab.go).
func JSONCopy(v Value) Value {
	var s slab
	return s.jsonCopy(v)
}

func (s *slab) jsonCopy(v Value) Value {
	switch x := v.(type) {
	case *Dict:
		c := s.dict(x.Pairs())
		for i := range c.Pairs() {
			c.Pairs()[i].Val = s.jsonCopy(c.Pairs()[i].Val)
		}
		return c
	case *List:
		c := s.list(x.Items())
		for i := range c.Items() {
			c.Items()[i] = s.jsonCopy(c.Items()[i])
		}
		return c
	case *Lazy:
		items, _ := x.All()
		return s.jsonCopy(NewList(items...))
	}
	return v
}

// SameJSON reports whether a and b have the same JSON form: same types
// (ints and floats distinct), same keys in the same order, same items.
func SameJSON(a, b Value) bool {
	switch x := a.(type) {
	case *Dict:
		y, ok := b.(*Dict)
		if !ok || x.Len() != y.Len() {
			return false
		}
		xp, yp := x.Pairs(), y.Pairs()
		for i := range xp {
			if xp[i].Key != yp[i].Key || !SameJSON(xp[i].Val, yp[i].Val) {
				return false
			}
		}
		return true
	case *List:
		y, ok := b.(*List)
		if !ok || x.Len() != y.Len() {
			return false
		}
		for i := range x.Items() {
			if !SameJSON(x.Items()[i], y.Items()[i]) {
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
