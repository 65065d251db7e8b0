package stamping

import "github.com/stampede-dev/stampede/canvas"

// keyBoxes hands out header names as canvas values. Putting a string into
// an interface allocates a copy of its header; a stamp run lists the same
// few names (mtask_id, stamped_headers…) in every signature's
// stamped_headers, so the last few boxed names are kept and reused. Strings
// are immutable, so a shared box is indistinguishable from a fresh one.
type keyBoxes struct {
	names [8]string
	boxes [8]canvas.Value
	next  int
}

// box returns key as a canvas.Value, reusing a recent box of the same name.
func (k *keyBoxes) box(key string) canvas.Value {
	for i, b := range k.boxes {
		if b != nil && k.names[i] == key {
			return b
		}
	}
	b := canvas.Value(key)
	k.names[k.next], k.boxes[k.next] = key, b
	k.next = (k.next + 1) % len(k.boxes)
	return b
}

// keyLists hands out the key lists of hook results. A visitor returns the
// same names at almost every call, so the last few lists are kept and
// reused; each step then refers to a shared list instead of holding one.
type keyLists struct {
	lists [4]*[]canvas.Key
	next  int
}

// of returns the keys of pairs, as a list shared with earlier steps when
// one of the last few was the same.
func (k *keyLists) of(pairs []canvas.Pair) *[]canvas.Key {
	for _, l := range k.lists {
		if l != nil && canvas.SameKeys(*l, pairs) {
			return l
		}
	}
	keys := make([]canvas.Key, len(pairs))
	for i, p := range pairs {
		keys[i] = p.Key
	}
	k.lists[k.next] = &keys
	k.next = (k.next + 1) % len(k.lists)
	return &keys
}
