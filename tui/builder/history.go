package builder

import "bytes"

// history is the canvas's Celery JSON after every edit, kept without a
// whole copy per edit: the snapshot shown is held whole, and each edit as
// the bytes it replaced and the bytes that replaced them. A move or an
// edit of args changes a few hundred bytes of a JSON that runs to tens of
// megabytes on a large canvas, so a long session keeps about one copy of
// it instead of one per edit. Undo and redo rebuild the snapshot next to
// the one shown, byte for byte.
//
// No slice handed out is ever written to: a new snapshot is a new array,
// so callers may keep the JSON of any snapshot.
type history struct {
	cur     []byte   // the snapshot shown
	at      int      // its index: the edits made and not undone
	changes []change // changes[i] turns snapshot i into snapshot i+1
	labels  []string // labels[i] is what made snapshot i ("start" for 0)
}

// change is one edit's difference between two snapshots: from offset at,
// old was replaced by new; what comes before and after is the same.
type change struct {
	at       int
	old, new []byte
}

func newHistory(start []byte) *history {
	return &history{cur: start, labels: []string{"start"}}
}

// push makes data, the snapshot of a new edit, the one shown, dropping
// the edits that could have been redone.
func (h *history) push(label string, data []byte) {
	h.changes = append(h.changes[:h.at], diff(h.cur, data))
	h.labels = append(h.labels[:h.at+1], label)
	h.at++
	h.cur = data
}

// back shows the snapshot before the one shown; false at the start.
func (h *history) back() bool {
	if h.at == 0 {
		return false
	}
	h.at--
	c := h.changes[h.at]
	h.cur = splice(h.cur, c.at, len(c.new), c.old)
	return true
}

// forward shows the snapshot after the one shown; false at the newest.
func (h *history) forward() bool {
	if h.at == len(h.changes) {
		return false
	}
	c := h.changes[h.at]
	h.cur = splice(h.cur, c.at, len(c.old), c.new)
	h.at++
	return true
}

// diff is the change from a to b: their common prefix and suffix are
// left out, and what differs between them is copied, so that the change
// does not keep either snapshot alive.
func diff(a, b []byte) change {
	n := min(len(a), len(b))
	p := commonPrefix(a[:n], b[:n])
	s := commonSuffix(a[p:], b[p:])
	return change{
		at:  p,
		old: bytes.Clone(a[p : len(a)-s]),
		new: bytes.Clone(b[p : len(b)-s]),
	}
}

// commonPrefix is the length of the longest prefix of a and b (of equal
// length), found a block at a time with bytes.Equal.
func commonPrefix(a, b []byte) int {
	const block = 4096
	i := 0
	for i+block <= len(a) && bytes.Equal(a[i:i+block], b[i:i+block]) {
		i += block
	}
	for i < len(a) && a[i] == b[i] {
		i++
	}
	return i
}

// commonSuffix is the length of the longest common suffix of a and b.
func commonSuffix(a, b []byte) int {
	const block = 4096
	n := min(len(a), len(b))
	i := 0
	for i+block <= n && bytes.Equal(a[len(a)-i-block:len(a)-i], b[len(b)-i-block:len(b)-i]) {
		i += block
	}
	for i < n && a[len(a)-1-i] == b[len(b)-1-i] {
		i++
	}
	return i
}

// splice is a new array holding data with the cut bytes at offset at
// replaced by with.
func splice(data []byte, at, cut int, with []byte) []byte {
	out := make([]byte, 0, len(data)-cut+len(with))
	out = append(out, data[:at]...)
	out = append(out, with...)
	return append(out, data[at+cut:]...)
}

// size is the number of bytes the history keeps besides the snapshot shown.
func (h *history) size() int {
	n := 0
	for _, c := range h.changes {
		n += len(c.old) + len(c.new)
	}
	return n
}
