package canvas

// Lazy is the tasks of a group or chord header built from a generator —
// Celery's _regen, made by group(add.s(i) for i in range(10000)). Members
// exist only once something consumes them: iterating, len(), bool(), a deep
// copy or json.dumps. Functions mapped over it (stamping maps itself over a
// lazy group instead of visiting it) run on each member as it is produced,
// so a lazy group's member hooks run after on_group_end, when the members
// are consumed.
type Lazy struct {
	consumed []Value
	next     func() (Value, bool, error)
	maps     []func(i int, v Value) (Value, error)
	done     bool
	err      error
	// Hint is the number of members the generator will produce when known
	// in advance (-1 otherwise); it is information only.
	Hint int
}

// NewLazy returns a lazy sequence whose members next produces one at a time
// (false when there are no more). hint is the expected count or -1.
func NewLazy(next func() (Value, bool, error), hint int) *Lazy {
	return &Lazy{next: next, Hint: hint}
}

// Consumed is the members produced so far, without producing more.
func (z *Lazy) Consumed() []Value { return z.consumed }

// Done reports whether the generator is exhausted.
func (z *Lazy) Done() bool { return z.done }

// Err is the error that stopped the generator or a mapped function, if any.
func (z *Lazy) Err() error { return z.err }

// Consume produces up to n more members (all of them for n < 0) and returns
// how many it produced.
func (z *Lazy) Consume(n int) (int, error) {
	made := 0
	for !z.done && z.err == nil && (n < 0 || made < n) {
		v, ok, err := z.next()
		if err != nil {
			z.err = err
			break
		}
		if !ok {
			z.done = true
			break
		}
		i := len(z.consumed)
		for _, f := range z.maps {
			if v, err = f(i, v); err != nil {
				z.err = err
				break
			}
		}
		z.consumed = append(z.consumed, v)
		made++
	}
	return made, z.err
}

// All consumes every member and returns them (_regen.data).
func (z *Lazy) All() ([]Value, error) {
	_, err := z.Consume(-1)
	return z.consumed, err
}

// Map is _regen.map(f): f runs now on the members already consumed, in
// order, and later on each member as it is produced.
func (z *Lazy) Map(f func(i int, v Value) (Value, error)) error {
	for i, v := range z.consumed {
		nv, err := f(i, v)
		if err != nil {
			return err
		}
		z.consumed[i] = nv
	}
	z.maps = append(z.maps, f)
	return nil
}

// Truthy is bool(_regen): true if a member exists, producing one if needed.
func (z *Lazy) Truthy() bool {
	if len(z.consumed) == 0 {
		z.Consume(1)
	}
	return len(z.consumed) > 0
}

// lazyMap is a new lazy sequence reading src member by member (without
// forcing it) and passing each through f — Python's (f(t) for t in src).
func lazyMap(src *Lazy, f func(Value) (Value, error)) *Lazy {
	k := 0
	return NewLazy(func() (Value, bool, error) {
		if k >= len(src.consumed) {
			if _, err := src.Consume(1); err != nil {
				return nil, false, err
			}
			if k >= len(src.consumed) {
				return nil, false, nil
			}
		}
		v := src.consumed[k]
		k++
		out, err := f(v)
		return out, err == nil, err
	}, src.Hint)
}

// ProduceAll consumes every lazy sequence in v, in the order Encode meets
// them (as json.dumps would), so that whatever producing a member does (a
// stamp's deferred hook calls) has happened before v is read in another
// order or written out piece by piece. A canvas read from JSON holds no
// lazy sequence, and the walk only reads it.
func ProduceAll(v Value) error { return produceAll(v, 0) }

func produceAll(v Value, depth int) error {
	if depth > MaxDepth {
		return nil // too deep to encode: Encode says so
	}
	var items []Value
	switch x := v.(type) {
	case *Dict:
		for i := range x.Pairs() {
			if err := produceAll(x.Pairs()[i].Val, depth+1); err != nil {
				return err
			}
		}
		return nil
	case *List:
		items = x.Items()
	case *Lazy:
		var err error
		if items, err = x.All(); err != nil {
			return err
		}
	}
	for _, it := range items {
		if err := produceAll(it, depth+1); err != nil {
			return err
		}
	}
	return nil
}
