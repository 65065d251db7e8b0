package canvas

// DeepCopy is Python's copy.deepcopy as it behaves on a canvas: plain dicts
// and lists are copied recursively (an object met twice is copied once), but
// a signature is copied by its __deepcopy__, which returns dict(self) — a
// plain dict sharing the signature's values — and records the signature
// itself in the memo, so a second occurrence of the same signature in the
// same copy is the original object.
func DeepCopy(v Value) Value {
	return deepCopy(v, map[any]Value{})
}

func deepCopy(v Value, memo map[any]Value) Value {
	switch x := v.(type) {
	case *Dict:
		if m, ok := memo[x]; ok {
			return m
		}
		if x.Class.IsSignature() {
			memo[x] = x
			return x.Copy()
		}
		c := &Dict{Pairs: make([]Pair, len(x.Pairs))}
		memo[x] = c
		for i, p := range x.Pairs {
			c.Pairs[i] = Pair{p.Key, deepCopy(p.Val, memo)}
		}
		return c
	case *List:
		if m, ok := memo[x]; ok {
			return m
		}
		c := &List{Items: make([]Value, len(x.Items)), Tuple: x.Tuple}
		memo[x] = c
		for i, item := range x.Items {
			c.Items[i] = deepCopy(item, memo)
		}
		return c
	}
	return v
}

// JSONCopy is json.loads(json.dumps(v)) without the text: every dict and list
// is copied (signatures become plain dicts, tuples lists), so the copy is a
// snapshot that later mutations of v cannot reach.
func JSONCopy(v Value) Value {
	switch x := v.(type) {
	case *Dict:
		c := &Dict{Pairs: make([]Pair, len(x.Pairs))}
		for i, p := range x.Pairs {
			c.Pairs[i] = Pair{p.Key, JSONCopy(p.Val)}
		}
		return c
	case *List:
		c := &List{Items: make([]Value, len(x.Items))}
		for i, item := range x.Items {
			c.Items[i] = JSONCopy(item)
		}
		return c
	}
	return v
}
