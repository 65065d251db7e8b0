package canvas

import "math"

// Log records the mutations made to canvas values so that they can be undone
// and redone exactly, in order. The stamping stepper uses it to step back.
// Every mutating helper accepts a nil *Log, which just mutates.
//
// A recorded stamp keeps one or two entries per hook call, so entries are
// small fixed-size records and what they carry (keys, values, appended
// items) sits in shared arenas instead of boxed per entry.
type Log struct {
	entries  []logEntry
	applied  int // entries[:applied] are in effect
	pairs    []Pair
	vals     []Value
	replaced []replaced
	keys     keyTuples // the key lists of updates, see Update
}

type logKind uint8

const (
	logSet logKind = iota
	logUpdate
	logAppend
	logReplace
	logUpdateKeys
)

// logEntry is one mutation:
//   - set: d[key] = new; pairs[at] is {key, new} and, when the key existed,
//     pairs[at+1].Val is the value it had;
//   - update: d.update(pairs[at:at+cnt]) of keys d did not have;
//   - update with known keys: the same, of keys.tuples[n] and the values
//     vals[at:at+cnt] (a stamp writes the same names into every signature,
//     so they are kept once);
//   - append: list.extend(vals[at:at+cnt]) from length n;
//   - replace: list[:] = replaced[at].new (replaced[at].old: the items before).
type logEntry struct {
	dict    *Dict
	list    *List
	at      uint32
	cnt     uint32
	n       int32 // append: the list's length before; update with known keys: the keys' number
	kind    logKind
	existed bool
}

type replaced struct{ old, new []Value }

// Len is the number of mutations recorded.
func (l *Log) Len() int {
	if l == nil {
		return 0
	}
	return len(l.entries)
}

// Applied is the number of recorded mutations currently in effect.
func (l *Log) Applied() int {
	if l == nil {
		return 0
	}
	return l.applied
}

// Changes is how many values entries [from, to) change: an update of
// several keys counts each key.
func (l *Log) Changes(from, to int) int {
	if l == nil {
		return 0
	}
	n := 0
	for i := from; i < to && i < len(l.entries); i++ {
		if e := &l.entries[i]; e.kind == logUpdate || e.kind == logUpdateKeys {
			n += int(e.cnt)
		} else {
			n++
		}
	}
	return n
}

// cut drops the entries past the applied ones (a new mutation after an
// undo), and what they hold in the arenas.
func (l *Log) cut() {
	if l.applied == len(l.entries) {
		return
	}
	np, nv, nr := len(l.pairs), len(l.vals), len(l.replaced)
	for _, e := range l.entries[l.applied:] {
		switch e.kind {
		case logSet, logUpdate:
			np = min(np, int(e.at))
		case logAppend, logUpdateKeys:
			nv = min(nv, int(e.at))
		case logReplace:
			nr = min(nr, int(e.at))
		}
	}
	clear(l.pairs[np:])
	clear(l.vals[nv:])
	clear(l.replaced[nr:])
	l.entries, l.pairs, l.vals, l.replaced = l.entries[:l.applied], l.pairs[:np], l.vals[:nv], l.replaced[:nr]
}

func (l *Log) record(e logEntry) {
	l.entries = append(l.entries, e)
	l.applied = len(l.entries)
}

// offset is an arena position as an entry stores it; a log past 2^32
// arena slots would take hundreds of gigabytes.
func offset(n int) uint32 {
	if n > math.MaxUint32 {
		panic("canvas: mutation log too large")
	}
	return uint32(n)
}

// Set is d[key] = v.
func (l *Log) Set(d *Dict, key string, v Value) { l.SetKey(d, K(key), v) }

// SetKey is Set for a Key.
func (l *Log) SetKey(d *Dict, k Key, v Value) {
	if l != nil {
		l.cut()
		old, existed := d.GetKey(k)
		at := offset(len(l.pairs))
		l.pairs = append(l.pairs, Pair{k, v})
		if existed {
			l.pairs = append(l.pairs, Pair{Val: old})
		}
		l.record(logEntry{kind: logSet, dict: d, at: at, existed: existed})
	}
	d.SetKey(k, v)
}

// Update is d[p.Key] = p.Val for each pair in order; the keys are distinct.
// When none of them is in d yet (stamps written into a signature's options
// for the first time), the whole update is one entry.
func (l *Log) Update(d *Dict, pairs []Pair) {
	if l == nil || len(pairs) <= 1 || !noneIn(d, pairs) {
		for _, p := range pairs {
			l.SetKey(d, p.Key, p.Val)
		}
		return
	}
	l.cut()
	if id := l.keys.id(pairs); id >= 0 {
		at := offset(len(l.vals))
		for _, p := range pairs {
			l.vals = append(l.vals, p.Val)
		}
		l.record(logEntry{kind: logUpdateKeys, dict: d, at: at, cnt: offset(len(pairs)), n: id})
	} else {
		at := offset(len(l.pairs))
		l.pairs = append(l.pairs, pairs...)
		l.record(logEntry{kind: logUpdate, dict: d, at: at, cnt: offset(len(pairs))})
	}
	d.AppendPairs(pairs...)
}

// keyTuples are the distinct key lists of a log's updates, numbered.
type keyTuples struct {
	tuples [][]Key
	recent [4]int32 // ids of the tuples last used, plus one (0: none)
	next   int
}

// maxKeyTuples is how many key lists a log numbers; updates of others keep
// their keys beside their values. A stamp run writes a handful.
const maxKeyTuples = 1 << 12

// id is the number of the key list of pairs, numbering it if it is new;
// -1 when the table is full.
func (k *keyTuples) id(pairs []Pair) int32 {
	for _, r := range k.recent {
		if r > 0 && SameKeys(k.tuples[r-1], pairs) {
			return r - 1
		}
	}
	if len(k.tuples) >= maxKeyTuples {
		return -1
	}
	keys := make([]Key, len(pairs))
	for i, p := range pairs {
		keys[i] = p.Key
	}
	k.tuples = append(k.tuples, keys)
	k.recent[k.next] = int32(len(k.tuples))
	k.next = (k.next + 1) % len(k.recent)
	return int32(len(k.tuples) - 1)
}

// noneIn reports whether no key of pairs is in d.
func noneIn(d *Dict, pairs []Pair) bool {
	for _, p := range pairs {
		if d.HasKey(p.Key) {
			return false
		}
	}
	return true
}

// Append is list.extend(items).
func (l *Log) Append(list *List, items ...Value) {
	if l != nil {
		l.cut()
		at := offset(len(l.vals))
		l.vals = append(l.vals, items...)
		l.record(logEntry{kind: logAppend, list: list, n: int32(list.Len()), at: at, cnt: offset(len(items))})
	}
	list.AppendItems(items...)
}

// Replace is list[:] = items (the list keeps its identity).
func (l *Log) Replace(list *List, items []Value) {
	if l != nil {
		l.cut()
		at := offset(len(l.replaced))
		l.replaced = append(l.replaced, replaced{old: list.Items(), new: items})
		l.record(logEntry{kind: logReplace, list: list, at: at})
	}
	list.SetItems(items)
}

// Rewind undoes mutations until only the first n are in effect.
func (l *Log) Rewind(n int) {
	for l.applied > n {
		l.applied--
		e := &l.entries[l.applied]
		switch e.kind {
		case logSet:
			if p := l.pairs[e.at]; e.existed {
				e.dict.SetKey(p.Key, l.pairs[e.at+1].Val)
			} else {
				e.dict.DeleteKey(p.Key)
			}
		case logUpdate:
			for i := e.at + e.cnt; i > e.at; i-- {
				e.dict.DeleteKey(l.pairs[i-1].Key)
			}
		case logUpdateKeys:
			keys := l.keys.tuples[e.n]
			for i := len(keys) - 1; i >= 0; i-- {
				e.dict.DeleteKey(keys[i])
			}
		case logAppend:
			e.list.SetItems(e.list.Items()[:e.n])
		case logReplace:
			e.list.SetItems(l.replaced[e.at].old)
		}
	}
}

// Replay redoes mutations until the first n are in effect.
func (l *Log) Replay(n int) {
	for l.applied < n && l.applied < len(l.entries) {
		e := &l.entries[l.applied]
		switch e.kind {
		case logSet:
			p := l.pairs[e.at]
			e.dict.SetKey(p.Key, p.Val)
		case logUpdate:
			for _, p := range l.pairs[e.at : e.at+e.cnt] {
				e.dict.SetKey(p.Key, p.Val)
			}
		case logUpdateKeys:
			for i, key := range l.keys.tuples[e.n] {
				e.dict.SetKey(key, l.vals[int(e.at)+i])
			}
		case logAppend:
			e.list.SetItems(append(e.list.Items()[:e.n], l.vals[e.at:e.at+e.cnt]...))
		case logReplace:
			e.list.SetItems(l.replaced[e.at].new)
		}
		l.applied++
	}
}

// Seek moves to the point where the first n mutations are in effect.
func (l *Log) Seek(n int) {
	if n < l.applied {
		l.Rewind(n)
	} else {
		l.Replay(n)
	}
}
