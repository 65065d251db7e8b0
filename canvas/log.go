package canvas

// Log records the mutations made to canvas values so that they can be undone
// and redone exactly, in order. The stamping stepper uses it to step back.
// Every mutating helper accepts a nil *Log, which just mutates.
type Log struct {
	entries []logEntry
	applied int // entries[:applied] are in effect
}

type logKind uint8

const (
	logSet logKind = iota
	logAppend
	logReplace
)

// logEntry is one mutation: d[key] = new (old, existed: what was there), or
// list.extend(new) from length n, or list[:] = new (old: the items before).
// List items travel boxed in old/new, keeping the common entry (a dict key
// set) at 72 bytes.
type logEntry struct {
	dict     *Dict
	list     *List
	key      string
	old, new Value
	n        int32
	kind     logKind
	existed  bool
}

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

func (l *Log) record(e logEntry) {
	if l == nil {
		return
	}
	l.entries = append(l.entries[:l.applied], e)
	l.applied = len(l.entries)
}

// Set is d[key] = v.
func (l *Log) Set(d *Dict, key string, v Value) {
	if l != nil {
		old, existed := d.Get(key)
		l.record(logEntry{kind: logSet, dict: d, key: key, old: old, new: v, existed: existed})
	}
	d.Set(key, v)
}

// Append is list.extend(items).
func (l *Log) Append(list *List, items ...Value) {
	if l != nil {
		l.record(logEntry{kind: logAppend, list: list, n: int32(len(list.Items)), new: items})
	}
	list.Items = append(list.Items, items...)
}

// Replace is list[:] = items (the list keeps its identity).
func (l *Log) Replace(list *List, items []Value) {
	if l != nil {
		l.record(logEntry{kind: logReplace, list: list, new: items, old: list.Items})
	}
	list.Items = items
}

// Rewind undoes mutations until only the first n are in effect.
func (l *Log) Rewind(n int) {
	for l.applied > n {
		l.applied--
		e := &l.entries[l.applied]
		switch e.kind {
		case logSet:
			if e.existed {
				e.dict.Set(e.key, e.old)
			} else {
				e.dict.Delete(e.key)
			}
		case logAppend:
			e.list.Items = e.list.Items[:e.n]
		case logReplace:
			e.list.Items = e.old.([]Value)
		}
	}
}

// Replay redoes mutations until the first n are in effect.
func (l *Log) Replay(n int) {
	for l.applied < n && l.applied < len(l.entries) {
		e := &l.entries[l.applied]
		switch e.kind {
		case logSet:
			e.dict.Set(e.key, e.new)
		case logAppend:
			e.list.Items = append(e.list.Items[:e.n], e.new.([]Value)...)
		case logReplace:
			e.list.Items = e.new.([]Value)
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
