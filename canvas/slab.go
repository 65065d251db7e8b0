package canvas

import "unsafe"

// A loaded canvas is hundreds of thousands of small dicts and lists. Made one
// by one, each lands wherever the allocator has room, so a walk over the
// canvas touches a new cache line for nearly every dict, its pairs and its
// options. The decoder hands them out instead from a few large blocks, in
// the order the document holds them: a signature's pairs, its options and
// its links sit side by side, and the walk that stamps them reads memory in
// order. Loading is faster too, with one allocation where there were
// hundreds.
//
// Every slice handed out has its capacity cut to its length, so an append
// moves it to an array of its own and never writes into its neighbour's.
// A block stays alive while anything in it does. A canvas is mostly loaded
// and dropped as a whole, and Load builds chains, groups and chords in the
// containers it decoded them from (see settle), so that the blocks do not
// fill up with their first, dead form.

// slabBlock is the size of a full block: 64 KiB is a large object for Go's
// allocator, which gives it whole pages with nothing added (a block just
// under a size class would get an 8-byte header and be rounded up to the
// next class, wasting up to a sixth of it).
const slabBlock = 64 << 10

// slabFirst is the length of the first block of each kind, so that a small
// document does not take 256 KiB.
const slabFirst = 16

// slabOwn is the longest array cut from a block; longer ones get their own.
const slabOwn = 256

// slab hands out the containers of one document.
type slab struct {
	dicts []Dict
	lists []List
	pairs []Pair
	items []Value
}

// take returns n zero elements at the end of *block, starting a new block
// when there is no room: the first one short, the others slabBlock bytes.
func take[T any](block *[]T, n int) []T {
	if n > cap(*block)-len(*block) {
		size := slabFirst
		if cap(*block) > 0 {
			var zero T
			size = slabBlock / int(unsafe.Sizeof(zero))
		}
		*block = make([]T, 0, max(size, n))
	}
	lo := len(*block)
	*block = (*block)[:lo+n]
	return (*block)[lo : lo+n : lo+n]
}

// dict returns a new plain dict holding a copy of pairs.
func (s *slab) dict(pairs []Pair) *Dict {
	d := &take(&s.dicts, 1)[0]
	d.SetPairs(copyInto(&s.pairs, pairs))
	return d
}

// list returns a new list holding a copy of items.
func (s *slab) list(items []Value) *List {
	l := &take(&s.lists, 1)[0]
	l.SetItems(copyInto(&s.items, items))
	return l
}

// copyInto returns a copy of src cut from *block, or an array of its own
// when src is long; nil when src is empty.
func copyInto[T any](block *[]T, src []T) []T {
	switch {
	case len(src) > slabOwn:
		return append([]T(nil), src...)
	case len(src) > 0:
		out := take(block, len(src))
		copy(out, src)
		return out
	}
	return nil
}
