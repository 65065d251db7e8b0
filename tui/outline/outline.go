// Package outline is the shape of a canvas as the TUI shows it: every node
// (signature, chain, group, chord, and the links and errbacks hanging from
// them) with its role and its path, the same path the stamping traversal
// gives the node ("$.tasks[1].header[0]", "$.link_error[0]", "$.body").
//
// A node's children are computed on demand from the live canvas, by index,
// so walking a window of a 100k-node tree costs the same as walking a small
// one, and stepping (which mutates the canvas in place) is always reflected.
package outline

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/stampede-dev/stampede/canvas"
)

// Role is how a node hangs from its parent.
type Role uint8

// The roles of a node.
const (
	Root    Role = iota // the canvas itself
	Task                // an item of a chain's or group's tasks
	Header              // an item of a chord's header, or the header group
	Body                // a chord's body
	Link                // an item of options.link (a callback)
	Errback             // an item of options.link_error
)

var roleNames = [...]string{"root", "task", "header", "body", "link", "errback"}

// String is the role's short name.
func (r Role) String() string { return roleNames[r] }

// MaxDepth bounds how deep the outline goes, so a canvas that contains
// itself (which Celery cannot serialise either) cannot hang the TUI.
const MaxDepth = 256

// Node is one place in the canvas.
type Node struct {
	Value canvas.Value // usually a *canvas.Dict; anything else is shown as a value
	Role  Role
	Index int    // position in its segment (the i of tasks[i], link[i]…)
	Path  string // as the stamping traversal names it
	Depth int
	// headerGroup marks the group that wraps a chord's header: the traversal
	// names its tasks chord.header[i], not chord.header.tasks[i].
	headerGroup bool
}

// RootNode is the node of the whole canvas.
func RootNode(root canvas.Value) Node { return Node{Value: root, Role: Root, Path: "$"} }

// Dict is the node's value as a dict, or nil.
func (n Node) Dict() *canvas.Dict {
	d, _ := n.Value.(*canvas.Dict)
	return d
}

// Kind is the node's canvas kind: "chain", "group", "chord", "sig" (a
// signature, or a dict still in its JSON form), "xmap", "xstarmap",
// "chunks", or "value" for anything that is not a dict.
func Kind(v canvas.Value) string {
	d, ok := v.(*canvas.Dict)
	if !ok {
		return "value"
	}
	class := d.Class()
	if class == canvas.Plain {
		switch d.LookupKey(canvas.KeySubtaskType) {
		case "chain":
			class = canvas.Chain
		case "group":
			class = canvas.Group
		case "chord":
			class = canvas.Chord
		case "xmap":
			class = canvas.XMap
		case "xstarmap":
			class = canvas.XStarMap
		case "chunks":
			class = canvas.Chunks
		default:
			return "sig"
		}
	}
	switch class {
	case canvas.Chain:
		return "chain"
	case canvas.Group:
		return "group"
	case canvas.Chord:
		return "chord"
	case canvas.Signature:
		return "sig"
	}
	return class.String()
}

// Kind is the node's canvas kind (see the function Kind).
func (n Node) Kind() string { return Kind(n.Value) }

// Options is the node's options dict, or nil.
func Options(v canvas.Value) *canvas.Dict {
	d, ok := v.(*canvas.Dict)
	if !ok {
		return nil
	}
	o, _ := d.LookupKey(canvas.KeyOptions).(*canvas.Dict)
	return o
}

// TaskName is the node's task name, or "".
func TaskName(v canvas.Value) string {
	d, ok := v.(*canvas.Dict)
	if !ok {
		return ""
	}
	s, _ := d.LookupKey(canvas.KeyTask).(string)
	return s
}

// ID is the node's options.task_id as text, or "".
func ID(v canvas.Value) string {
	o := Options(v)
	if o == nil {
		return ""
	}
	switch id := o.LookupKey(canvas.KeyTaskID).(type) {
	case nil:
		return ""
	case string:
		return id
	default:
		return canvas.Repr(id)
	}
}

// StampKeys is the node's options.stamped_headers as a set: its distinct
// string items in order.
func StampKeys(v canvas.Value) []string {
	o := Options(v)
	if o == nil {
		return nil
	}
	var items []canvas.Value
	switch sh := o.LookupKey(canvas.KeyStampedHeaders).(type) {
	case *canvas.List:
		items = sh.Items()
	case string:
		items = []canvas.Value{sh}
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		s, ok := it.(string)
		if !ok {
			s = canvas.Repr(it)
		}
		dup := false
		for _, o := range out {
			if o == s {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, s)
		}
	}
	return out
}

// kwargs is the node's kwargs dict, or nil.
func kwargs(d *canvas.Dict) *canvas.Dict {
	k, _ := d.LookupKey(canvas.KeyKwargs).(*canvas.Dict)
	return k
}

// segments are the node's children in traversal order: links, errbacks,
// then tasks (chain, group), or header items and body (chord).
type segments struct {
	links, errbacks []canvas.Value
	tasks           []canvas.Value // tasks or header items
	header          *canvas.Dict   // a chord header that is one group
	body            canvas.Value
	hasBody         bool
}

func (n Node) segments() segments {
	var s segments
	d := n.Dict()
	if d == nil || n.Depth >= MaxDepth {
		return s
	}
	if o := Options(d); o != nil {
		s.links = canvas.MaybeList(o.LookupKey(canvas.KeyLink))
		s.errbacks = canvas.MaybeList(o.LookupKey(canvas.KeyLinkError))
	}
	kw := kwargs(d)
	if kw == nil {
		return s
	}
	switch n.Kind() {
	case "chain", "group":
		s.tasks = items(kw.LookupKey(canvas.KeyTasks))
	case "chord":
		switch h := kw.LookupKey(canvas.KeyHeader).(type) {
		case *canvas.Dict:
			s.header = h
		default:
			s.tasks = items(h)
		}
		if b := kw.LookupKey(canvas.KeyBody); b != nil {
			s.body, s.hasBody = b, true
		}
	}
	return s
}

// items is the members of a tasks value: a list's items, or a single dict.
func items(v canvas.Value) []canvas.Value {
	switch x := v.(type) {
	case *canvas.List:
		return x.Items()
	case *canvas.Lazy:
		return x.Consumed() // a lazy group shows what it has produced, never more

	case *canvas.Dict:
		return []canvas.Value{x}
	}
	return nil
}

// Len is the number of children.
func (n Node) Len() int {
	s := n.segments()
	c := len(s.links) + len(s.errbacks) + len(s.tasks)
	if s.header != nil {
		c++
	}
	if s.hasBody {
		c++
	}
	return c
}

// Label is a node's text without styles: kind, name (a signature's task,
// or the size of a chain, group or chord), and task_id.
func Label(n Node) (kind, name, id string) {
	kind = n.Kind()
	switch kind {
	case "chain", "group":
		name = "(" + strconv.Itoa(n.Members()) + ")"
	case "chord":
		name = "(" + strconv.Itoa(n.Members()) + " → body)"
	case "value":
		name = canvas.Repr(n.Value)
	default:
		name = TaskName(n.Value)
	}
	if z := LazyTasks(n.Value); z != nil {
		// Never produce members to draw a lazy group: say what exists.
		more := "Y yields more"
		if z.Done() {
			more = "all yielded"
		}
		name = fmt.Sprintf("(lazy: %d yielded, %s)", len(z.Consumed()), more)
	}
	return kind, name, ID(n.Value)
}

// Members is the number of tasks of a chain or group, or of header tasks
// of a chord.
func (n Node) Members() int {
	s := n.segments()
	if s.header != nil {
		if kw := kwargs(s.header); kw != nil {
			return len(items(kw.LookupKey(canvas.KeyTasks)))
		}
		return 0
	}
	return len(s.tasks)
}

// Child returns child i (0 <= i < Len()).
func (n Node) Child(i int) Node {
	s := n.segments()
	child := func(v canvas.Value, role Role, idx int, path string) Node {
		return Node{Value: v, Role: role, Index: idx, Path: path, Depth: n.Depth + 1}
	}
	if i < len(s.links) {
		return child(s.links[i], Link, i, n.Path+".link["+strconv.Itoa(i)+"]")
	}
	i -= len(s.links)
	if i < len(s.errbacks) {
		return child(s.errbacks[i], Errback, i, n.Path+".link_error["+strconv.Itoa(i)+"]")
	}
	i -= len(s.errbacks)
	if s.header != nil {
		if i == 0 {
			c := child(s.header, Header, 0, n.Path+".header")
			c.headerGroup = true
			return c
		}
		i--
	}
	if i < len(s.tasks) {
		switch {
		case n.Kind() == "chord":
			return child(s.tasks[i], Header, i, n.Path+".header["+strconv.Itoa(i)+"]")
		case n.headerGroup:
			return child(s.tasks[i], Task, i, n.Path+"["+strconv.Itoa(i)+"]")
		}
		return child(s.tasks[i], Task, i, n.Path+".tasks["+strconv.Itoa(i)+"]")
	}
	return child(s.body, Body, 0, n.Path+".body")
}

// segment is one step of a path: a name and an index (-1 for none).
type segment struct {
	name  string
	index int
}

// parsePath splits "$.tasks[1].header[0]" into its segments; a bare
// "[i]" (the tasks of a chord's header group) has an empty name.
func parsePath(path string) ([]segment, bool) {
	if !strings.HasPrefix(path, "$") {
		return nil, false
	}
	rest := path[1:]
	var segs []segment
	for rest != "" {
		var name string
		if rest[0] == '.' {
			end := strings.IndexAny(rest[1:], ".[")
			if end < 0 {
				end = len(rest) - 1
			}
			name, rest = rest[1:1+end], rest[1+end:]
		} else if rest[0] != '[' {
			return nil, false
		}
		idx := -1
		if rest != "" && rest[0] == '[' {
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return nil, false
			}
			n, err := strconv.Atoi(rest[1:end])
			if err != nil || n < 0 {
				return nil, false
			}
			idx, rest = n, rest[end+1:]
		}
		if name == "" && idx < 0 {
			return nil, false
		}
		segs = append(segs, segment{name, idx})
	}
	return segs, true
}

// Resolve finds the node at a traversal path, returning the child indexes
// that lead to it from the root. It costs O(depth): children are found by
// index, not by search.
func Resolve(root Node, path string) ([]int, bool) {
	segs, ok := parsePath(path)
	if !ok {
		return nil, false
	}
	var out []int
	n := root
	for k := 0; k < len(segs); k++ {
		seg := segs[k]
		s := n.segments()
		off := -1
		switch {
		case seg.name == "link" && seg.index >= 0 && seg.index < len(s.links):
			off = seg.index
		case seg.name == "link_error" && seg.index >= 0 && seg.index < len(s.errbacks):
			off = len(s.links) + seg.index
		case seg.name == "tasks" && seg.index >= 0 && n.Kind() != "chord" && !n.headerGroup && seg.index < len(s.tasks):
			off = len(s.links) + len(s.errbacks) + seg.index
		case seg.name == "" && n.headerGroup && seg.index >= 0 && seg.index < len(s.tasks):
			off = len(s.links) + len(s.errbacks) + seg.index
		case seg.name == "header" && s.header != nil:
			off = len(s.links) + len(s.errbacks)
			if seg.index >= 0 {
				// chord.header[i] with a header group: the group, then its task i.
				out = append(out, off)
				n = n.Child(off)
				seg = segment{"", seg.index}
				s = n.segments()
				if seg.index >= len(s.tasks) {
					return out, false
				}
				off = len(s.links) + len(s.errbacks) + seg.index
			}
		case seg.name == "header" && seg.index >= 0 && seg.index < len(s.tasks) && n.Kind() == "chord":
			off = len(s.links) + len(s.errbacks) + seg.index
		case seg.name == "body" && seg.index < 0 && s.hasBody:
			off = n.Len() - 1
		case seg.name == "header" && seg.index < 0 && k == len(segs)-1 && n.Kind() == "chord":
			// A hook given a chord's header while it is still a plain list
			// (Celery's default on_chord_header_end when the visitor defined
			// its own on_chord_header_start): the list has no row of its
			// own, so the chord stands for it.
			return out, true
		}
		if off < 0 {
			return out, false
		}
		out = append(out, off)
		n = n.Child(off)
	}
	return out, true
}

// At follows child indexes from the root. Indexes that no longer exist
// (the canvas changed shape) are clamped to the last child, and the
// returned indexes say where it ended.
func At(root Node, idx []int) ([]Node, []int) {
	nodes := make([]Node, 1, len(idx)+1)
	nodes[0] = root
	out := make([]int, 0, len(idx))
	n := root
	for _, i := range idx {
		l := n.Len()
		if l == 0 {
			break
		}
		if i >= l {
			i = l - 1
		}
		if i < 0 {
			i = 0
		}
		n = n.Child(i)
		nodes = append(nodes, n)
		out = append(out, i)
	}
	return nodes, out
}

// Walk calls fn for every node in pre-order (the order of the tree) until
// fn returns false.
func Walk(root Node, fn func(Node) bool) {
	var walk func(Node) bool
	walk = func(n Node) bool {
		if !fn(n) {
			return false
		}
		l := n.Len()
		for i := 0; i < l; i++ {
			if !walk(n.Child(i)) {
				return false
			}
		}
		return true
	}
	walk(root)
}

// LazyTasks is the generator behind a group's tasks or a chord's header
// (directly or through the group wrapping it), or nil.
func LazyTasks(v canvas.Value) *canvas.Lazy {
	d, ok := v.(*canvas.Dict)
	if !ok {
		return nil
	}
	kw, ok := d.LookupKey(canvas.KeyKwargs).(*canvas.Dict)
	if !ok {
		return nil
	}
	for _, key := range []string{"tasks", "header"} {
		switch x := kw.Lookup(key).(type) {
		case *canvas.Lazy:
			return x
		case *canvas.Dict:
			if z := LazyTasks(x); z != nil {
				return z
			}
		}
	}
	return nil
}
