package canvas

// Stamping makes a few small dicts and lists per signature (headers, the
// visitor's result, stamped_headers). Each would be two allocations: the
// Dict or List and the array behind its slice. For small sizes the helpers
// here make both in one allocation, which halves the garbage collector's
// object count on those paths.
//
// This is correct because the slice points into the same heap object as the
// Dict (or List): the collector keeps the whole object alive while either is
// reachable, and when the slice outgrows its capacity append moves it to a
// new array as it would anyway.

type dict1 struct {
	d Dict
	p [1]Pair
}

type dict2 struct {
	d Dict
	p [2]Pair
}

type dict4 struct {
	d Dict
	p [4]Pair
}

// newDictCap returns an empty dict with room for n pairs, made in one
// allocation when n is at most 4.
func newDictCap(class Class, n int) *Dict {
	switch {
	case n <= 0:
		d := &Dict{}
		d.SetClass(class)
		return d
	case n == 1:
		b := &dict1{}
		b.d.SetClass(class)
		b.d.SetPairs(b.p[:0])
		return &b.d
	case n == 2:
		b := &dict2{}
		b.d.SetClass(class)
		b.d.SetPairs(b.p[:0])
		return &b.d
	case n <= 4:
		b := &dict4{}
		b.d.SetClass(class)
		b.d.SetPairs(b.p[:0])
		return &b.d
	}
	return DictOf(class, make([]Pair, 0, n))
}

type list2 struct {
	l List
	v [2]Value
}

type list4 struct {
	l List
	v [4]Value
}

// NewListCap returns an empty list with room for n items, made in one
// allocation when n is at most 4.
func NewListCap(n int) *List {
	switch {
	case n <= 0:
		return &List{}
	case n <= 2:
		b := &list2{}
		b.l.SetItems(b.v[:0])
		return &b.l
	case n <= 4:
		b := &list4{}
		b.l.SetItems(b.v[:0])
		return &b.l
	}
	return NewList(make([]Value, 0, n)...)
}

// OnePairDicts hands out plain dicts of one pair cut from blocks of 64: a
// visitor that returns a fresh one-stamp dict on every call (monitoring-id)
// makes one allocation for 64 results instead of one each. A block stays
// alive while any of its dicts does; a dict that grows past its pair moves
// its pairs to an array of their own, as any dict does.
type OnePairDicts struct{ free []dict1 }

// onePairBlock is how many dicts a block holds (64 × 40 bytes).
const onePairBlock = 64

// New returns a new plain dict holding k: v.
func (b *OnePairDicts) New(k Key, v Value) *Dict {
	if len(b.free) == 0 {
		b.free = make([]dict1, onePairBlock)
	}
	x := &b.free[0]
	b.free = b.free[1:]
	x.p[0] = Pair{k, v}
	x.d.SetPairs(x.p[:1:1])
	return &x.d
}
