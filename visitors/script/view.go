package script

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"go.starlark.net/starlark"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/visitors"
)

// sigValue is the read-only `sig` a hook receives. The six attributes of
// the visitor-script contract (task, args, kwargs, options, subtask_type,
// immutable) are the JSON view of the visited object at the moment of the
// call; the others say where it is and what it holds. Containers are views
// over the canvas, not copies, so a hook costs the same on a chain of ten
// tasks as on one of a million.
type sigValue struct {
	t visitors.Target
}

// NewSig is the read-only `sig` value of a hook's target.
func NewSig(t visitors.Target) starlark.Value { return &sigValue{t} }

// SigTarget is the target a `sig` value shows, for built-ins of a dialect.
func SigTarget(v starlark.Value) (visitors.Target, bool) {
	s, ok := v.(*sigValue)
	if !ok {
		return visitors.Target{}, false
	}
	return s.t, true
}

var (
	_ starlark.HasAttrs = (*sigValue)(nil)
	_ starlark.Mapping  = (*sigValue)(nil)
)

// sigAttrs are the attributes of sig, sorted (dir(sig)).
var sigAttrs = []string{
	"args", "body", "depth", "errbacks", "get", "header", "id", "immutable", "items", "keys", "kind", "kwargs",
	"links", "name", "options", "owner", "parent_id", "path", "root_id", "subtask_type", "task", "tasks", "values",
}

func (s *sigValue) String() string {
	task, _ := visitors.TaskName(s.t.Value).(string)
	if task == "" {
		return "<sig " + visitors.Kind(s.t.Value) + ">"
	}
	return "<sig " + visitors.Kind(s.t.Value) + " " + task + ">"
}
func (s *sigValue) Type() string          { return "sig" }
func (s *sigValue) Freeze()               {}
func (s *sigValue) Truth() starlark.Bool  { return true }
func (s *sigValue) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable type: sig") }
func (s *sigValue) AttrNames() []string   { return sigAttrs }

// MarshalJSON makes json.encode(sig) the signature's JSON (compact, keys in
// the canvas's order).
func (s *sigValue) MarshalJSON() ([]byte, error) {
	b, err := canvas.Encode(s.t.Value, -1)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Compact(&out, b); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// Get makes sig["task"] and "task" in sig work, as on Celery's Signature
// (a dict).
func (s *sigValue) Get(k starlark.Value) (starlark.Value, bool, error) {
	d, ok := s.t.Value.(*canvas.Dict)
	key, isStr := k.(starlark.String)
	if !ok || !isStr {
		return nil, false, nil
	}
	val, found := d.Get(string(key))
	if !found {
		return nil, false, nil
	}
	return toStarlark(val), true, nil
}

func (s *sigValue) Attr(name string) (starlark.Value, error) {
	t := s.t
	switch name {
	case "id":
		return toStarlark(visitors.TaskID(t.Value)), nil
	case "name":
		return toStarlark(visitors.TaskName(t.Value)), nil
	case "kind":
		return starlark.String(visitors.Kind(t.Value)), nil
	case "path":
		return starlark.String(t.Path.String()), nil
	case "depth":
		return starlark.MakeInt(t.Depth), nil
	case "owner":
		if t.Owner == nil {
			return starlark.None, nil
		}
		// the owner's own owner is found from the root, by its path
		var up canvas.Value
		if !t.Parent.IsRoot() && t.Root != nil {
			up = visitors.At(t.Root, t.Parent.Parent())
		}
		return &sigValue{visitors.Target{Value: t.Owner, Path: t.Parent, Depth: t.Parent.Depth(), Parent: t.Parent.Parent(), Owner: up, Root: t.Root}}, nil
	case "tasks", "header", "links", "errbacks":
		return s.children(name), nil
	case "get", "keys", "values", "items":
		return s.dictMethod(name), nil
	case "body":
		d, ok := t.Value.(*canvas.Dict)
		if !ok || visitors.Kind(d) != "chord" {
			return starlark.None, nil
		}
		body := lookup(d, "kwargs", "body")
		if body == nil {
			return starlark.None, nil
		}
		p := t.Path.Field("body")
		return &sigValue{visitors.Target{Value: body, Path: p, Depth: p.Depth(), Parent: t.Path, Owner: d, Root: t.Root}}, nil
	}
	d, ok := t.Value.(*canvas.Dict)
	if !ok {
		// Not a signature (a chord header still held as a plain list).
		switch name {
		case "task", "subtask_type":
			return starlark.None, nil
		case "args":
			return starlark.NewList(nil), nil
		case "kwargs", "options":
			return starlark.NewDict(0), nil
		case "immutable":
			return starlark.False, nil
		}
		return nil, nil
	}
	switch name {
	case "task", "args", "kwargs", "options", "subtask_type", "immutable":
		return toStarlark(d.Lookup(name)), nil
	case "parent_id", "root_id": // Celery's options.parent_id, options.root_id
		return toStarlark(lookup(d, "options", name)), nil
	}
	return nil, nil // no such attribute
}

// dictMethod is sig.get, sig.keys, sig.values or sig.items: a Signature is
// a dict, and these read it as the JSON view sig["task"] reads.
func (s *sigValue) dictMethod(name string) *starlark.Builtin {
	return starlark.NewBuiltin(name, func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		d, _ := s.t.Value.(*canvas.Dict)
		if name == "get" {
			var key, dflt starlark.Value = nil, starlark.None
			if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &key, &dflt); err != nil {
				return nil, err
			}
			if v, found, _ := s.Get(key); found {
				return v, nil
			}
			return dflt, nil
		}
		if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
			return nil, err
		}
		var out []starlark.Value
		if d != nil {
			for _, p := range d.Pairs() {
				k := starlark.String(p.Key.String())
				switch name {
				case "keys":
					out = append(out, k)
				case "values":
					out = append(out, toStarlark(p.Val))
				default:
					out = append(out, starlark.Tuple{k, toStarlark(p.Val)})
				}
			}
		}
		return starlark.NewList(out), nil
	})
}

// lookup is d[k1][k2]…, or nil when a step is missing or not a dict.
func lookup(d *canvas.Dict, keys ...string) canvas.Value {
	var v canvas.Value = d
	for _, k := range keys {
		x, ok := v.(*canvas.Dict)
		if !ok {
			return nil
		}
		v = x.Lookup(k)
	}
	return v
}

// items is a value read as a list of members: a list's items, a dict alone.
func items(v canvas.Value) []canvas.Value {
	switch x := v.(type) {
	case *canvas.List:
		return x.Items()
	case *canvas.Dict:
		return []canvas.Value{x}
	}
	return nil
}

// children is sig.tasks, sig.header, sig.links or sig.errbacks: read-only
// lists of sig values, with the paths the traversal gives those nodes.
func (s *sigValue) children(name string) starlark.Value {
	t := s.t
	var members []canvas.Value
	step := name
	switch v := t.Value.(type) {
	case *canvas.List: // a chord header handed over as a list
		if name == "tasks" || name == "header" {
			members, step = v.Items(), ""
		}
	case *canvas.Dict:
		kind := visitors.Kind(v)
		switch name {
		case "tasks", "header":
			switch {
			case kind == "chord":
				members, step = header(v), "header"
			case name == "tasks" && (kind == "chain" || kind == "group"):
				members = items(lookup(v, "kwargs", "tasks"))
				if last, _ := t.Path.Last(); last == "header" && !t.Path.IsRoot() {
					step = "" // a chord header wrapped in a group: its tasks are the header's
				}
			}
		case "links":
			members, step = items(lookup(v, "options", "link")), "link"
		case "errbacks":
			members, step = items(lookup(v, "options", "link_error")), "link_error"
		}
	}
	return &sigList{owner: t, step: step, items: members}
}

// header is a chord's header tasks: a group header's tasks, a list's items.
func header(chord *canvas.Dict) []canvas.Value {
	h := lookup(chord, "kwargs", "header")
	if g, ok := h.(*canvas.Dict); ok && visitors.Kind(g) == "group" {
		return items(lookup(g, "kwargs", "tasks"))
	}
	return items(h)
}

// sigList is a read-only list of sig values (sig.tasks, sig.links, …).
type sigList struct {
	owner visitors.Target
	step  string // path step of the members ("" : index the owner's path)
	items []canvas.Value
}

var (
	_ starlark.Indexable = (*sigList)(nil)
	_ starlark.Sequence  = (*sigList)(nil)
)

func (l *sigList) String() string {
	parts := make([]string, len(l.items))
	for i := range l.items {
		parts[i] = l.Index(i).String()
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
func (l *sigList) Type() string          { return "list" }
func (l *sigList) Freeze()               {}
func (l *sigList) Truth() starlark.Bool  { return len(l.items) > 0 }
func (l *sigList) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable type: list") }
func (l *sigList) Len() int              { return len(l.items) }
func (l *sigList) Iterate() starlark.Iterator {
	return &sigIter{l: l}
}

// Index is the i-th member as a sig value.
func (l *sigList) Index(i int) starlark.Value {
	var p visitors.Path
	if l.step == "" {
		name, _ := l.owner.Path.Last()
		p = l.owner.Path.Parent().Index(name, i)
	} else {
		p = l.owner.Path.Index(l.step, i)
	}
	owner, parent := l.owner.Value, l.owner.Path
	if l.step == "" && !l.owner.Path.IsRoot() {
		owner, parent = l.owner.Owner, l.owner.Parent
	}
	return &sigValue{visitors.Target{Value: l.items[i], Path: p, Depth: p.Depth(), Parent: parent, Owner: owner, Root: l.owner.Root}}
}

type sigIter struct {
	l *sigList
	i int
}

func (it *sigIter) Next(p *starlark.Value) bool {
	if it.i >= len(it.l.items) {
		return false
	}
	*p = it.l.Index(it.i)
	it.i++
	return true
}
func (it *sigIter) Done() {}

// toStarlark converts a canvas value for a script: scalars become Starlark
// values, containers read-only views.
func toStarlark(v canvas.Value) starlark.Value {
	switch x := v.(type) {
	case nil:
		return starlark.None
	case bool:
		return starlark.Bool(x)
	case canvas.Int:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return starlark.MakeInt64(i)
		}
		b, ok := new(big.Int).SetString(string(x), 10)
		if !ok {
			return starlark.String(string(x))
		}
		return starlark.MakeBigInt(b)
	case float64:
		return starlark.Float(x)
	case string:
		return starlark.String(x)
	case *canvas.List:
		return listView{x}
	case *canvas.Dict:
		return dictView{x}
	}
	return starlark.None
}

// listView is a read-only list over a canvas list (or tuple).
type listView struct{ l *canvas.List }

var (
	_ starlark.Indexable = listView{}
	_ starlark.Sequence  = listView{}
	_ starlark.Container = listView{}
)

func (v listView) String() string {
	b, err := canvas.Encode(v.l, -1)
	if err != nil {
		return "[...]"
	}
	return string(b)
}
func (v listView) Type() string               { return "list" }
func (v listView) Freeze()                    {}
func (v listView) Truth() starlark.Bool       { return v.l.Len() > 0 }
func (v listView) Hash() (uint32, error)      { return 0, fmt.Errorf("unhashable type: list") }
func (v listView) Len() int                   { return v.l.Len() }
func (v listView) Index(i int) starlark.Value { return toStarlark(v.l.Items()[i]) }
func (v listView) Iterate() starlark.Iterator { return &listIter{l: v.l} }
func (v listView) Has(y starlark.Value) (bool, error) {
	for _, it := range v.l.Items() {
		if eq, err := starlark.Equal(toStarlark(it), y); err != nil || eq {
			return eq, err
		}
	}
	return false, nil
}

type listIter struct {
	l *canvas.List
	i int
}

func (it *listIter) Next(p *starlark.Value) bool {
	if it.i >= it.l.Len() {
		return false
	}
	*p = toStarlark(it.l.Items()[it.i])
	it.i++
	return true
}
func (it *listIter) Done() {}

// dictView is a read-only dict over a canvas dict (a signature reads as the
// dict it is in JSON).
type dictView struct{ d *canvas.Dict }

var (
	_ starlark.IterableMapping = dictView{}
	_ starlark.HasAttrs        = dictView{}
	_ starlark.Sequence        = dictView{}
)

func (v dictView) String() string {
	b, err := canvas.Encode(v.d, -1)
	if err != nil {
		return "{...}"
	}
	return string(b)
}
func (v dictView) Type() string          { return "dict" }
func (v dictView) Freeze()               {}
func (v dictView) Truth() starlark.Bool  { return v.d.Len() > 0 }
func (v dictView) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable type: dict") }
func (v dictView) Len() int              { return v.d.Len() }
func (v dictView) Iterate() starlark.Iterator {
	return &keyIter{d: v.d}
}

func (v dictView) Get(k starlark.Value) (starlark.Value, bool, error) {
	key, ok := k.(starlark.String)
	if !ok {
		return nil, false, nil
	}
	val, found := v.d.Get(string(key))
	if !found {
		return nil, false, nil
	}
	return toStarlark(val), true, nil
}

func (v dictView) Items() []starlark.Tuple {
	out := make([]starlark.Tuple, v.d.Len())
	for i, p := range v.d.Pairs() {
		out[i] = starlark.Tuple{starlark.String(p.Key.String()), toStarlark(p.Val)}
	}
	return out
}

var dictMethods = []string{"get", "items", "keys", "values"}

func (v dictView) AttrNames() []string { return dictMethods }

func (v dictView) Attr(name string) (starlark.Value, error) {
	switch name {
	case "get":
		return starlark.NewBuiltin("get", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			var key, dflt starlark.Value = nil, starlark.None
			if err := starlark.UnpackPositionalArgs("get", args, kwargs, 1, &key, &dflt); err != nil {
				return nil, err
			}
			if val, found, _ := v.Get(key); found {
				return val, nil
			}
			return dflt, nil
		}), nil
	case "keys", "values", "items":
		return starlark.NewBuiltin(name, func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			if err := starlark.UnpackPositionalArgs(name, args, kwargs, 0); err != nil {
				return nil, err
			}
			out := make([]starlark.Value, v.d.Len())
			for i, p := range v.d.Pairs() {
				switch name {
				case "keys":
					out[i] = starlark.String(p.Key.String())
				case "values":
					out[i] = toStarlark(p.Val)
				default:
					out[i] = starlark.Tuple{starlark.String(p.Key.String()), toStarlark(p.Val)}
				}
			}
			return starlark.NewList(out), nil
		}), nil
	}
	return nil, nil
}

type keyIter struct {
	d *canvas.Dict
	i int
}

func (it *keyIter) Next(p *starlark.Value) bool {
	if it.i >= it.d.Len() {
		return false
	}
	*p = starlark.String(it.d.Pairs()[it.i].Key.String())
	it.i++
	return true
}
func (it *keyIter) Done() {}

// toStarlarkCopy converts a canvas value into fresh, mutable Starlark values
// (the headers a hook receives are a copy).
func toStarlarkCopy(v canvas.Value) starlark.Value {
	switch x := v.(type) {
	case *canvas.List:
		items := make([]starlark.Value, x.Len())
		for i, it := range x.Items() {
			items[i] = toStarlarkCopy(it)
		}
		if x.Tuple() {
			return starlark.Tuple(items)
		}
		return starlark.NewList(items)
	case *canvas.Dict:
		d := starlark.NewDict(x.Len())
		for _, p := range x.Pairs() {
			_ = d.SetKey(starlark.String(p.Key.String()), toStarlarkCopy(p.Val))
		}
		return d
	}
	return toStarlark(v)
}

// CanvasValuer is a Starlark value that stands for a canvas value when a
// hook returns it (a Python uuid.UUID stands for its string form).
type CanvasValuer interface {
	CanvasValue() canvas.Value
}

// FromStarlark converts what a hook returned into canvas values. One object
// returned in two places stays one object, as Python would hand it over;
// read-only views give back a copy of the canvas value they show.
func FromStarlark(v starlark.Value) (canvas.Value, error) {
	var m memo
	return fromStarlark(v, &m)
}

// memo remembers the containers converted so far, so that one object
// returned in two places stays one object, and finds a container that
// holds itself (an open entry met again). A hook's result holds few
// containers: a short list searched in order beats a map, which takes over
// past memoScan containers so that a result of many costs linear time. It
// also counts the result's size.
type memo struct {
	from []starlark.Value
	to   []memoEntry
	many map[starlark.Value]int // index into to
	buf  [4]starlark.Value
	tbuf [4]memoEntry
	left int // bytes the result may still take (0: no limit)
}

type memoEntry struct {
	c    canvas.Value
	open bool // still being converted: met again, it contains itself
}

// memoScan is how many containers are searched in order before a map
// takes over.
const memoScan = 32

// errCycle is a result that contains itself. Celery would store it, but
// no serializer can send it to a worker (kombu's json raises "Circular
// reference detected"), so stampede stops at the hook that returned it.
var errCycle = errors.New("it contains itself, which no serializer can send (Circular reference detected)")

// reset empties the memo for a new result of at most limit bytes (0: no
// limit).
func (m *memo) reset(limit int) {
	clear(m.from)
	clear(m.to)
	m.from, m.to, m.many = nil, nil, nil
	m.left = limit
}

// grow counts n more bytes of the result.
func (m *memo) grow(n int) error {
	if m.left == 0 {
		return nil
	}
	if m.left -= n; m.left <= 0 {
		m.left = -1
		return errTooLarge
	}
	return nil
}

// seen returns what v was converted to, errCycle if v is being converted.
func (m *memo) seen(v starlark.Value) (canvas.Value, bool, error) {
	i := -1
	if m.many != nil {
		if j, ok := m.many[v]; ok {
			i = j
		}
	} else {
		for j, f := range m.from {
			if f == v {
				i = j
				break
			}
		}
	}
	switch {
	case i < 0:
		return nil, false, nil
	case m.to[i].open:
		return nil, true, errCycle
	}
	return m.to[i].c, true, nil
}

// open records that v is being converted to c; close(i) that it is done.
func (m *memo) open(v starlark.Value, c canvas.Value) int {
	if m.from == nil {
		m.from, m.to = m.buf[:0], m.tbuf[:0]
	}
	m.from = append(m.from, v)
	m.to = append(m.to, memoEntry{c, true})
	i := len(m.to) - 1
	switch {
	case m.many != nil:
		m.many[v] = i
	case len(m.from) > memoScan:
		m.many = make(map[starlark.Value]int, 2*memoScan)
		for j, f := range m.from {
			m.many[f] = j
		}
	}
	return i
}

func (m *memo) close(i int) { m.to[i].open = false }

func fromStarlark(v starlark.Value, memo *memo) (canvas.Value, error) {
	if err := memo.grow(jsonSize(v)); err != nil {
		return nil, err
	}
	switch x := v.(type) {
	case starlark.NoneType:
		return nil, nil
	case starlark.Bool:
		return bool(x), nil
	case starlark.Int:
		if i, ok := x.Int64(); ok {
			return canvas.Int(strconv.FormatInt(i, 10)), nil
		}
		return canvas.Int(x.String()), nil
	case starlark.Float:
		return float64(x), nil
	case starlark.String:
		return string(x), nil
	case CanvasValuer:
		return x.CanvasValue(), nil
	case listView:
		// A copy, not the canvas's own list: a stamp holding the canvas's
		// options would make the canvas contain itself.
		return canvas.JSONCopy(x.l), nil
	case dictView:
		return canvas.JSONCopy(x.d), nil
	case *sigValue:
		return canvas.JSONCopy(x.t.Value), nil
	case *sigList:
		l := canvas.NewList(make([]canvas.Value, len(x.items))...)
		for i, it := range x.items {
			l.Items()[i] = canvas.JSONCopy(it)
		}
		return l, nil
	}
	switch x := v.(type) {
	case *starlark.List:
		if m, ok, err := memo.seen(x); ok {
			return m, err
		}
		l := canvas.NewList(make([]canvas.Value, x.Len())...)
		at := memo.open(x, l)
		for i := range l.Items() {
			item, err := fromStarlark(x.Index(i), memo)
			if err != nil {
				return nil, err
			}
			l.Items()[i] = item
		}
		memo.close(at)
		return l, nil
	case starlark.Tuple:
		l := canvas.ListOf(make([]canvas.Value, len(x)), true)
		for i, it := range x {
			item, err := fromStarlark(it, memo)
			if err != nil {
				return nil, err
			}
			l.Items()[i] = item
		}
		return l, nil
	case *starlark.Dict:
		if m, ok, err := memo.seen(x); ok {
			return m, err
		}
		d := canvas.NewDict(canvas.Plain, x.Len())
		at := memo.open(x, d)
		for _, kv := range x.Items() {
			k, ok := kv[0].(starlark.String)
			if !ok {
				return nil, fmt.Errorf("dict key %s is a %s; stamps need string keys", kv[0], kv[0].Type())
			}
			val, err := fromStarlark(kv[1], memo)
			if err != nil {
				return nil, err
			}
			d.AppendPairs(canvas.Pair{Key: canvas.K(string(k)), Val: val})
		}
		memo.close(at)
		return d, nil
	}
	return nil, fmt.Errorf("a %s cannot be a stamp (stamps are None, bools, numbers, strings, lists and dicts)", v.Type())
}

// jsonSize is about what v adds to its result's JSON text, not counting
// what a container holds (that is counted item by item).
func jsonSize(v starlark.Value) int {
	if s, ok := v.(starlark.String); ok {
		return len(s) + 3 // quotes and a separator
	}
	return 8
}
