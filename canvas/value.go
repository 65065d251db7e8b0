// Package canvas holds Celery canvases as Go values and runs Celery 5.6.2's
// canvas operations on them.
//
// Celery's canvas classes are thin views over Python dicts, and its rules
// depend on which dicts and lists are the same object. A canvas is therefore a
// graph of reference values: *Dict (an insertion-ordered dict that may carry
// the class of the Celery object it is: Signature, chain, group, chord, …),
// *List (a list or a tuple) and scalars (nil, bool, Int, float64, string).
// Operations are written the way Celery writes them, sharing where Celery
// shares and copying where it copies.
package canvas

// Value is one Python value of a canvas: nil (None), bool, Int, float64,
// string, *List or *Dict.
type Value = any

// Int is a Python int kept as its decimal text, so that integers of any size
// survive a load and save unchanged.
type Int string

// Class is the Python class of a dict: a plain dict, or one of Celery's
// signature classes (all of which are dict subclasses).
type Class uint8

// The classes a dict can have.
const (
	Plain     Class = iota // a plain dict, e.g. a link still in its JSON form
	Signature              // celery.canvas.Signature (a leaf task)
	Chain                  // celery.canvas._chain
	Group                  // celery.canvas.group
	Chord                  // celery.canvas._chord
	XMap                   // celery.canvas.xmap
	XStarMap               // celery.canvas.xstarmap
	Chunks                 // celery.canvas.chunks
)

var classNames = [...]string{"dict", "Signature", "_chain", "group", "_chord", "xmap", "xstarmap", "chunks"}

// String is the Python class name.
func (c Class) String() string { return classNames[c] }

// IsSignature reports whether the class is Signature or one of its subclasses.
func (c Class) IsSignature() bool { return c != Plain }

// Pair is one key and value of a Dict.
type Pair struct {
	Key Key
	Val Value
}

// Dict is an insertion-ordered Python dict with identity. A signature dict
// holds a handful of keys, so a slice of pairs beats a hash map in both
// speed and memory. Its pairs and its class are packed in 16 bytes where a
// Class and a []Pair took 32 (see packed); Pairs and SetPairs read and
// write the slice.
type Dict struct{ p packed[Pair] }

// NewDict returns an empty dict of the given class with room for n keys.
func NewDict(class Class, n int) *Dict { return newDictCap(class, n) }

// DictOf returns a dict of the given class holding pairs (the slice itself,
// not a copy).
func DictOf(class Class, pairs []Pair) *Dict {
	d := &Dict{}
	d.SetClass(class)
	d.SetPairs(pairs)
	return d
}

// Pairs is the dict's pairs in order. Writing to an element writes to the
// dict; growing the slice does not, until SetPairs.
func (d *Dict) Pairs() []Pair { return d.p.slice() }

// SetPairs makes pairs the dict's pairs (the slice itself, not a copy).
func (d *Dict) SetPairs(pairs []Pair) { d.p.set(pairs) }

// AppendPairs is d.SetPairs(append(d.Pairs(), pairs...)).
func (d *Dict) AppendPairs(pairs ...Pair) { d.p.set(append(d.p.slice(), pairs...)) }

// Class is the dict's Python class.
func (d *Dict) Class() Class { return Class(d.p.flags()) }

// SetClass changes the dict's Python class.
func (d *Dict) SetClass(c Class) { d.p.setFlags(uint32(c)) }

// Index returns the position of key, or -1.
func (d *Dict) Index(key string) int {
	ps := d.Pairs()
	for i := range ps {
		if ps[i].Key.String() == key {
			return i
		}
	}
	return -1
}

// IndexKey is Index for a Key: it compares pointers, not texts.
func (d *Dict) IndexKey(k Key) int {
	ps := d.Pairs()
	for i := range ps {
		if ps[i].Key == k {
			return i
		}
	}
	return -1
}

// Get returns the value at key and whether it is present.
func (d *Dict) Get(key string) (Value, bool) {
	if i := d.Index(key); i >= 0 {
		return d.Pairs()[i].Val, true
	}
	return nil, false
}

// GetKey is Get for a Key.
func (d *Dict) GetKey(k Key) (Value, bool) {
	if i := d.IndexKey(k); i >= 0 {
		return d.Pairs()[i].Val, true
	}
	return nil, false
}

// Lookup is Python's d.get(key): the value, or nil when absent.
func (d *Dict) Lookup(key string) Value {
	v, _ := d.Get(key)
	return v
}

// LookupKey is Lookup for a Key.
func (d *Dict) LookupKey(k Key) Value {
	v, _ := d.GetKey(k)
	return v
}

// Has reports whether key is present.
func (d *Dict) Has(key string) bool { return d.Index(key) >= 0 }

// HasKey is Has for a Key.
func (d *Dict) HasKey(k Key) bool { return d.IndexKey(k) >= 0 }

// Set is d[key] = v: an existing key keeps its position, a new one goes last.
func (d *Dict) Set(key string, v Value) {
	if i := d.Index(key); i >= 0 {
		d.Pairs()[i].Val = v
		return
	}
	d.AppendPairs(Pair{K(key), v})
}

// SetKey is Set for a Key.
func (d *Dict) SetKey(k Key, v Value) {
	if i := d.IndexKey(k); i >= 0 {
		d.Pairs()[i].Val = v
		return
	}
	d.AppendPairs(Pair{k, v})
}

// Delete removes key if present and reports whether it was.
func (d *Dict) Delete(key string) bool {
	i := d.Index(key)
	if i < 0 {
		return false
	}
	ps := d.Pairs()
	d.SetPairs(append(ps[:i], ps[i+1:]...))
	return true
}

// DeleteKey is Delete for a Key.
func (d *Dict) DeleteKey(k Key) bool {
	i := d.IndexKey(k)
	if i < 0 {
		return false
	}
	ps := d.Pairs()
	d.SetPairs(append(ps[:i], ps[i+1:]...))
	return true
}

// SameKeys reports whether pairs has exactly the keys keys, in order.
func SameKeys(keys []Key, pairs []Pair) bool {
	if len(keys) != len(pairs) {
		return false
	}
	for i, p := range pairs {
		if keys[i] != p.Key {
			return false
		}
	}
	return true
}

// Len is len(d).
func (d *Dict) Len() int { return int(d.p.n) }

// Keys returns the keys in order.
func (d *Dict) Keys() []string {
	keys := make([]string, d.Len())
	for i, p := range d.Pairs() {
		keys[i] = p.Key.String()
	}
	return keys
}

// Copy is dict(d): a new plain dict holding the same values.
func (d *Dict) Copy() *Dict { return d.CopyAs(Plain) }

// CopyAs is a shallow copy with the given class (Signature(d) is dict(d)
// with the Signature class).
func (d *Dict) CopyAs(class Class) *Dict {
	c := newDictCap(class, d.Len()+1)
	c.AppendPairs(d.Pairs()...)
	return c
}

// List is a Python list, or a tuple when Tuple() is set. Celery makes
// tuples in a few places (a clone's args, chain(a, b).tasks) and some of
// its rules treat them differently from lists. Like a Dict's, its items and
// its tuple flag are packed in 16 bytes; Items and SetItems read and write
// the slice.
type List struct{ p packed[Value] }

// NewList returns a list holding items (the slice itself, not a copy).
func NewList(items ...Value) *List { return ListOf(items, false) }

// ListOf returns a list, or a tuple, holding items (the slice itself, not
// a copy).
func ListOf(items []Value, tuple bool) *List {
	l := &List{}
	l.SetTuple(tuple)
	l.SetItems(items)
	return l
}

// Items is the list's items in order. Writing to an element writes to the
// list; growing the slice does not, until SetItems.
func (l *List) Items() []Value { return l.p.slice() }

// SetItems makes items the list's items (the slice itself, not a copy).
func (l *List) SetItems(items []Value) { l.p.set(items) }

// AppendItems is l.SetItems(append(l.Items(), items...)).
func (l *List) AppendItems(items ...Value) { l.p.set(append(l.p.slice(), items...)) }

// Tuple reports whether the list is a tuple.
func (l *List) Tuple() bool { return l.p.flags() != 0 }

// SetTuple makes the list a tuple, or a list.
func (l *List) SetTuple(tuple bool) {
	var f uint32
	if tuple {
		f = 1
	}
	l.p.setFlags(f)
}

// Len is len(l).
func (l *List) Len() int { return int(l.p.n) }

// Copy is list(l): a new list with the same items.
func (l *List) Copy() *List {
	c := NewListCap(l.Len())
	c.AppendItems(l.Items()...)
	return c
}

// Truthy is Python's bool(v).
func Truthy(v Value) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case Int:
		return x != "0"
	case float64:
		return x != 0
	case string:
		return x != ""
	case *List:
		return x.Len() > 0
	case *Dict:
		return x.Len() > 0
	case *Lazy:
		return x.Truthy()
	}
	return true
}

// TypeName is the Python type name of v, as Celery's errors print it.
func TypeName(v Value) string {
	switch x := v.(type) {
	case nil:
		return "NoneType"
	case bool:
		return "bool"
	case Int:
		return "int"
	case float64:
		return "float"
	case string:
		return "str"
	case *List:
		if x.Tuple() {
			return "tuple"
		}
		return "list"
	case *Dict:
		return x.Class().String()
	case *Lazy:
		return "_regen"
	}
	return "object"
}

// IsScalar reports whether v is an int, float or str (bool included, as
// Python's isinstance(v, (int, float, str)) counts it).
func IsScalar(v Value) bool {
	switch v.(type) {
	case bool, Int, float64, string:
		return true
	}
	return false
}
