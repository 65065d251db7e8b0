package builder

import (
	"fmt"
	"strings"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/tui/outline"
)

// A node is addressed by its child indexes from the root, as the tree pane
// keeps its selection (links first, then errbacks, then tasks, header and
// body; see outline.Node.Child).

// WrapKind is what a selection is wrapped in.
type WrapKind int

// The wrappers.
const (
	WrapChain WrapKind = iota // chain(*selection): Celery's `|` rules apply
	WrapGroup                 // group([*selection])
	WrapChord                 // chord([*selection]) with no body yet
)

// WrapKinds names the wrappers, in menu order.
var WrapKinds = []string{"chain", "group", "chord"}

// place is where a node lives in the canvas being edited.
type place struct {
	nodes []outline.Node // from the root down to the node
	idx   []int
}

func (p place) node() outline.Node { return p.nodes[len(p.nodes)-1] }

func (p place) parent() place {
	return place{nodes: p.nodes[:len(p.nodes)-1], idx: p.idx[:len(p.idx)-1]}
}

func (p place) isRoot() bool { return len(p.idx) == 0 }

// dict is the node as a signature dict, or an error saying what it is.
func (p place) dict() (*canvas.Dict, error) {
	d, ok := p.node().Value.(*canvas.Dict)
	if !ok {
		return nil, fmt.Errorf("%s is a %s, not a signature", p.node().Path, canvas.TypeName(p.node().Value))
	}
	return d, nil
}

// inList reports whether the node is an item of a list its parent holds:
// a chain's or group's tasks, a chord's header list, links, errbacks.
func (p place) inList() bool {
	if p.isRoot() {
		return false
	}
	switch p.node().Role {
	case outline.Task, outline.Link, outline.Errback:
		return true
	case outline.Header:
		return !isHeaderGroup(p)
	}
	return false
}

// isHeaderGroup reports whether the node is the group a chord holds as its
// whole header (not an item of a header list).
func isHeaderGroup(p place) bool {
	if p.isRoot() || p.node().Role != outline.Header {
		return false
	}
	kw, _ := p.parent().node().Dict().LookupKey(canvas.KeyKwargs).(*canvas.Dict)
	_, isDict := kw.LookupKey(canvas.KeyHeader).(*canvas.Dict)
	return isDict
}

// locateDict is locate for a node that must be a signature: its place and
// its dict.
func locateDict(root *canvas.Dict, idx []int) (place, *canvas.Dict, error) {
	p, err := locate(root, idx)
	if err != nil {
		return place{}, nil, err
	}
	nd, err := p.dict()
	return p, nd, err
}

// locate is the place of the node at index path idx in root.
func locate(root *canvas.Dict, idx []int) (place, error) {
	nodes, got := outline.At(outline.RootNode(root), idx)
	if len(got) != len(idx) {
		return place{}, fmt.Errorf("the node at %v is gone", idx)
	}
	for i := range got {
		if got[i] != idx[i] {
			return place{}, fmt.Errorf("the node at %v is gone", idx)
		}
	}
	return place{nodes: nodes, idx: idx}, nil
}

// siblings is the list the node is an item of, and the node's position in it.
func siblings(p place) ([]canvas.Value, int) {
	n := p.node()
	par := p.parent().node()
	var items []canvas.Value
	switch n.Role {
	case outline.Link:
		items = canvas.MaybeList(outline.Options(par.Value).LookupKey(canvas.KeyLink))
	case outline.Errback:
		items = canvas.MaybeList(outline.Options(par.Value).LookupKey(canvas.KeyLinkError))
	default:
		items = members(par.Dict())
	}
	return append([]canvas.Value(nil), items...), n.Index
}

// members is the tasks of a chain or group, or the header list of a chord.
func members(d *canvas.Dict) []canvas.Value {
	v, err := canvas.Tasks(d)
	if err != nil {
		return nil
	}
	switch x := v.(type) {
	case *canvas.List:
		return append([]canvas.Value(nil), x.Items()...)
	case *canvas.Dict:
		if d.Class() == canvas.Chord && x.Class() == canvas.Group {
			return members(x)
		}
		return []canvas.Value{x}
	}
	return nil
}

// isContainer reports whether a node holds a list of members the builder
// can add to: a chain, a group, or a chord whose header is a list.
func isContainer(d *canvas.Dict) bool {
	switch d.Class() {
	case canvas.Chain, canvas.Group:
		return true
	case canvas.Chord:
		kw, _ := d.LookupKey(canvas.KeyKwargs).(*canvas.Dict)
		_, isDict := kw.LookupKey(canvas.KeyHeader).(*canvas.Dict)
		return !isDict
	}
	return false
}

// withMembers is the container d with its members replaced, made the way
// Celery makes it: a chain with chain(*tasks) (so `|`'s upgrade rules
// apply) keeping the chain's options, a group or a chord header by
// assigning its tasks.
func withMembers(d *canvas.Dict, items []canvas.Value) (*canvas.Dict, error) {
	switch d.Class() {
	case canvas.Chain:
		var v canvas.Value
		var err error
		if len(items) == 1 {
			// chain(x) of one non-list argument holds it as given; a
			// one-item list folds it with | like any other number of tasks
			v, err = canvas.ChainOf([]canvas.Value{canvas.NewList(items...)}, nil)
		} else {
			v, err = canvas.ChainOf(items, nil)
		}
		if err != nil {
			return nil, err
		}
		nd, ok := v.(*canvas.Dict)
		if !ok {
			return nil, fmt.Errorf("chain(...) made a %s", canvas.TypeName(v))
		}
		if opts, _ := d.LookupKey(canvas.KeyOptions).(*canvas.Dict); opts != nil && opts.Len() > 0 {
			if err := canvas.Set(nil, nd, canvas.JSONCopy(opts).(*canvas.Dict)); err != nil {
				return nil, err
			}
		}
		return nd, nil
	case canvas.Group, canvas.Chord:
		if d.Class() == canvas.Chord && !isContainer(d) {
			return nil, fmt.Errorf("this chord's header is a group: edit the group")
		}
		if err := canvas.SetTasks(nil, d, canvas.NewList(items...)); err != nil {
			return nil, err
		}
		return d, nil
	}
	return nil, fmt.Errorf("a %s has no tasks", canvas.TypeName(d))
}

// withBody is chord(header, body) rebuilt from chord d with a new body,
// keeping its task, args, kwargs and options (nil body: none).
func withBody(d *canvas.Dict, body canvas.Value) (*canvas.Dict, error) {
	header, err := canvas.Tasks(d)
	if err != nil {
		return nil, err
	}
	kw := canvas.NewDict(canvas.Plain, 2)
	if o, ok := d.LookupKey(canvas.KeyOptions).(*canvas.Dict); ok {
		kw.SetKey(canvas.KeyOptions, o)
	}
	kw.SetKey(canvas.KeyImmutable, d.LookupKey(canvas.KeyImmutable))
	kwargs, _ := d.LookupKey(canvas.KeyKwargs).(*canvas.Dict)
	var kv canvas.Value
	if kwargs != nil {
		kv = kwargs
	}
	return canvas.ChordOf(header, body, d.LookupKey(canvas.KeyTask), d.LookupKey(canvas.KeyArgs), kv, kw)
}

// setList makes the list the node at p is an item of hold items instead,
// and returns the new root.
func setList(root *canvas.Dict, p place, items []canvas.Value) (*canvas.Dict, error) {
	par := p.parent()
	pd, err := par.dict()
	if err != nil {
		return nil, err
	}
	switch p.node().Role {
	case outline.Link, outline.Errback:
		key := "link"
		if p.node().Role == outline.Errback {
			key = "link_error"
		}
		if len(items) == 0 {
			if o := outline.Options(pd); o != nil {
				o.Delete(key) // del sig.options[key]: Celery has no unlink
			}
			return root, nil
		}
		return root, canvas.Set(nil, pd, canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K(key), Val: canvas.NewList(items...)}}))
	}
	nd, err := withMembers(pd, items)
	if err != nil {
		return nil, err
	}
	return replace(root, par, nd)
}

// replace puts v where the node at p is and returns the new root.
func replace(root *canvas.Dict, p place, v *canvas.Dict) (*canvas.Dict, error) {
	if p.isRoot() {
		return v, nil
	}
	par := p.parent()
	pd, err := par.dict()
	if err != nil {
		return nil, err
	}
	switch {
	case p.node().Role == outline.Body:
		nd, err := withBody(pd, v)
		if err != nil {
			return nil, err
		}
		return replace(root, par, nd)
	case isHeaderGroup(p):
		if err := canvas.SetTasks(nil, pd, v); err != nil {
			return nil, err
		}
		return root, nil
	case p.inList():
		items, i := siblings(p)
		items[i] = v
		if p.node().Role == outline.Task || p.node().Role == outline.Header {
			// tasks[i] = v: an item changed, the list is the same
			l, err := canvas.Tasks(pd)
			if err != nil {
				return nil, err
			}
			if list, ok := l.(*canvas.List); ok && i < list.Len() {
				list.Items()[i] = v
				return root, nil
			}
			if g, ok := l.(*canvas.Dict); ok && g.Class() == canvas.Group {
				return root, canvas.SetTasks(nil, g, canvas.NewList(items...))
			}
		}
		return setList(root, p, items)
	}
	return nil, fmt.Errorf("cannot replace %s", p.node().Path)
}

// newTask is Signature(name): a task with no arguments and no options.
func newTask(name string) (*canvas.Dict, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, fmt.Errorf("a task needs a name")
	}
	if strings.ContainsAny(name, " \t\n\"'") {
		return nil, fmt.Errorf("%q is not a task name", name)
	}
	return canvas.NewSignature(name, nil, nil, nil)
}

// Insert adds Signature(name) at the selected node and returns where the
// new task is: after the node in the list it belongs to, at the end of a
// selected chain, group or chord header, or, for a node that is not in a
// list (the root, a chord's body), as `node | task`.
func (d *Doc) Insert(idx []int, name string) ([]int, error) {
	sig, err := newTask(name)
	if err != nil {
		return nil, err
	}
	var sel []int
	err = d.apply("insert "+name, func(root *canvas.Dict) (*canvas.Dict, error) {
		p, nd, err := locateDict(root, idx)
		if err != nil {
			return nil, err
		}
		switch insertionAt(p, nd) {
		case appendMember:
			items := members(nd)
			if nd.Class() == canvas.Chain && len(items) > 0 {
				sel = idx
				return orInPlace(root, p, nd, sig) // chain | task, exactly
			}
			c, err := withMembers(nd, append(items, sig))
			if err != nil {
				return nil, err
			}
			sel = idx // lastIfNamed finds the new member
			return replace(root, p, c)
		case afterNode:
			sel = nextSibling(idx)
			return insertAfter(root, p, sig)
		}
		sel = idx
		return orInPlace(root, p, nd, sig)
	})
	if err == nil && len(sel) == len(idx) {
		sel = lastIfNamed(d.root, sel, name)
	}
	return sel, err
}

// insertion is where Insert puts a new task.
type insertion int

const (
	appendMember insertion = iota // at the end of a chain, group or chord header
	afterNode                     // after the node, in the list it belongs to
	orNode                        // node | task, for a node in no list
)

// insertionAt is where Insert puts a task when the node at p, nd, is
// selected. A chain, group or chord held as a callback or errback is one
// node of that list: the task goes after it, not into it.
func insertionAt(p place, nd *canvas.Dict) insertion {
	switch {
	case isContainer(nd) && (p.isRoot() || p.node().Role != outline.Link && p.node().Role != outline.Errback):
		return appendMember
	case p.inList():
		return afterNode
	}
	return orNode
}

// InsertPlace says where Insert would put a task with the node at idx
// selected, for the dialog that asks for its name; an error when Insert
// would fail there.
func (d *Doc) InsertPlace(idx []int) (string, error) {
	p, nd, err := locateDict(d.root, idx)
	if err != nil {
		return "", err
	}
	at := p.node().Path
	switch insertionAt(p, nd) {
	case appendMember:
		switch {
		case nd.Class() == canvas.Chord:
			return "at the end of the header of " + at, nil
		case nd.Class() == canvas.Chain && len(members(nd)) > 0:
			// a chain ending in a group makes a chord of them, as | does
			return "at the end of " + at + ", as " + at + " | task", nil
		}
		return "at the end of " + at, nil
	case afterNode:
		return "after " + at, nil
	}
	return "after " + at + ", as " + at + " | task", nil
}

// lastIfNamed is the last child of the node at idx when it is a task
// called name (what `node | task` or appending made), else idx.
func lastIfNamed(root *canvas.Dict, idx []int, name string) []int {
	p, err := locate(root, idx)
	if err != nil {
		return idx
	}
	n := p.node()
	if l := n.Len(); l > 0 {
		if c := n.Child(l - 1); c.Kind() == "sig" && outline.TaskName(c.Value) == strings.TrimSpace(name) {
			return append(append([]int(nil), idx...), l-1)
		}
	}
	return idx
}

// Wrap puts the selected nodes — one node, or several items of one list,
// in order — into a chain, group or chord (with no body) in their place.
// A chain is made with chain(*nodes), so a group followed by a task becomes
// a chord, as `|` makes it.
func (d *Doc) Wrap(sel [][]int, kind WrapKind) error {
	if len(sel) == 0 {
		return fmt.Errorf("nothing selected")
	}
	return d.apply("wrap in "+WrapKinds[kind], func(root *canvas.Dict) (*canvas.Dict, error) {
		places := make([]place, len(sel))
		for i, idx := range sel {
			p, err := locate(root, idx)
			if err != nil {
				return nil, err
			}
			if _, err := p.dict(); err != nil {
				return nil, err
			}
			places[i] = p
		}
		if len(places) > 1 {
			first := places[0]
			if !first.inList() {
				return nil, fmt.Errorf("%s is not in a list: wrap it alone", first.node().Path)
			}
			for i, p := range places[1:] {
				if !p.inList() || !sameParent(first, p) || p.node().Role != first.node().Role || p.node().Index <= places[i].node().Index {
					return nil, fmt.Errorf("marked nodes must be items of one list, in order")
				}
			}
		}
		var picked []canvas.Value
		for _, p := range places {
			picked = append(picked, p.node().Value)
		}
		w, err := wrap(picked, kind)
		if err != nil {
			return nil, err
		}
		first := places[0]
		if !first.inList() {
			return replace(root, first, w)
		}
		items, _ := siblings(first)
		drop := map[int]bool{}
		for _, p := range places {
			drop[p.node().Index] = true
		}
		var out []canvas.Value
		for i, it := range items {
			switch {
			case i == first.node().Index:
				out = append(out, w)
			case !drop[i]:
				out = append(out, it)
			}
		}
		return setList(root, first, out)
	})
}

func sameParent(a, b place) bool {
	if len(a.idx) != len(b.idx) {
		return false
	}
	for i := 0; i < len(a.idx)-1; i++ {
		if a.idx[i] != b.idx[i] {
			return false
		}
	}
	return true
}

func wrap(items []canvas.Value, kind WrapKind) (*canvas.Dict, error) {
	var v canvas.Value
	var err error
	switch kind {
	case WrapChain:
		if len(items) == 1 {
			v, err = canvas.ChainOf([]canvas.Value{canvas.NewList(items...)}, nil)
		} else {
			v, err = canvas.ChainOf(items, nil)
		}
	case WrapGroup:
		v, err = canvas.GroupOf([]canvas.Value{canvas.NewList(items...)}, nil)
	case WrapChord:
		v, err = canvas.ChordOf(canvas.NewList(items...), nil, "celery.chord", nil, nil, nil)
	default:
		return nil, fmt.Errorf("no such wrapper")
	}
	if err != nil {
		return nil, err
	}
	vd, ok := v.(*canvas.Dict)
	if !ok {
		return nil, fmt.Errorf("wrapping made a %s", canvas.TypeName(v))
	}
	return vd, nil
}

// SetBody makes Signature(name) the body of the selected chord (replacing
// any body it has).
func (d *Doc) SetBody(idx []int, name string) error {
	sig, err := newTask(name)
	if err != nil {
		return err
	}
	return d.apply("chord body "+name, func(root *canvas.Dict) (*canvas.Dict, error) {
		p, nd, err := locateDict(root, idx)
		if err != nil {
			return nil, err
		}
		if nd.Class() != canvas.Chord {
			return nil, fmt.Errorf("%s is a %s: select a chord (wrap nodes in one with w)", p.node().Path, outline.Kind(nd))
		}
		c, err := withBody(nd, sig)
		if err != nil {
			return nil, err
		}
		return replace(root, p, c)
	})
}

// Link runs sig.link(Signature(name)) on the selected node, or
// sig.link_error(...) when errback is set, with each class's own rule (a
// group links its first task, a chord its body).
func (d *Doc) Link(idx []int, name string, errback bool) error {
	sig, err := newTask(name)
	if err != nil {
		return err
	}
	label := "link " + name
	if errback {
		label = "errback " + name
	}
	return d.apply(label, func(root *canvas.Dict) (*canvas.Dict, error) {
		_, nd, err := locateDict(root, idx)
		if err != nil {
			return nil, err
		}
		if errback {
			err = canvas.LinkError(nd, sig)
		} else {
			err = canvas.Link(nd, sig)
		}
		return root, err
	})
}

// Fields is what the edit form shows and takes: args (a JSON list), kwargs
// and options (JSON objects). A container's args and kwargs are its
// structure and are not offered (Args and Kwargs are "").
type Fields struct {
	Args, Kwargs, Options string
	Container             bool
}

// FieldsOf reads the selected node's fields as JSON text.
func (d *Doc) FieldsOf(idx []int) (Fields, error) {
	p, err := locate(d.root, idx)
	if err != nil {
		return Fields{}, err
	}
	nd, err := p.dict()
	if err != nil {
		return Fields{}, err
	}
	enc := func(v canvas.Value, empty string) string {
		if v == nil {
			return empty
		}
		b, err := canvas.Encode(v, -1)
		if err != nil {
			return empty
		}
		return string(b)
	}
	f := Fields{Options: enc(nd.LookupKey(canvas.KeyOptions), "{}")}
	if outline.Kind(nd) != "sig" {
		f.Container = true
		return f, nil
	}
	f.Args = enc(nd.LookupKey(canvas.KeyArgs), "[]")
	f.Kwargs = enc(nd.LookupKey(canvas.KeyKwargs), "{}")
	return f, nil
}

// ParseField checks one field of the form: args must be a JSON list,
// kwargs and options JSON objects. The error says what is wrong and where.
func ParseField(name, text string) (canvas.Value, error) {
	v, err := canvas.Decode([]byte(text))
	if err != nil {
		return nil, err
	}
	switch name {
	case "args":
		if _, ok := v.(*canvas.List); !ok {
			return nil, fmt.Errorf("args must be a JSON list, not %s", canvas.TypeName(v))
		}
	default:
		if _, ok := v.(*canvas.Dict); !ok {
			return nil, fmt.Errorf("%s must be a JSON object, not %s", name, canvas.TypeName(v))
		}
	}
	return v, nil
}

// Edit replaces the selected node's args, kwargs and options with sig.replace(args, kwargs, options).
func (d *Doc) Edit(idx []int, f Fields) error {
	var args, kwargs, options canvas.Value
	var err error
	if !f.Container {
		if args, err = ParseField("args", f.Args); err != nil {
			return err
		}
		if kwargs, err = ParseField("kwargs", f.Kwargs); err != nil {
			return err
		}
	}
	if options, err = ParseField("options", f.Options); err != nil {
		return err
	}
	return d.apply("edit", func(root *canvas.Dict) (*canvas.Dict, error) {
		p, nd, err := locateDict(root, idx)
		if err != nil {
			return nil, err
		}
		nv, err := canvas.Replace(nd, args, kwargs, options)
		if err != nil {
			return nil, err
		}
		return replace(root, p, nv)
	})
}

// Delete removes the selected node: from the list it is in, or as a
// chord's body; deleting the root leaves an empty canvas.
func (d *Doc) Delete(idx []int) error {
	return d.apply("delete", func(root *canvas.Dict) (*canvas.Dict, error) {
		p, err := locate(root, idx)
		if err != nil {
			return nil, err
		}
		switch {
		case p.isRoot():
			return Empty(), nil
		case p.node().Role == outline.Body:
			pd, err := p.parent().dict()
			if err != nil {
				return nil, err
			}
			c, err := withBody(pd, nil)
			if err != nil {
				return nil, err
			}
			return replace(root, p.parent(), c)
		case isHeaderGroup(p):
			pd, err := p.parent().dict()
			if err != nil {
				return nil, err
			}
			return root, canvas.SetTasks(nil, pd, canvas.NewList())
		case p.inList():
			items, i := siblings(p)
			return setList(root, p, append(items[:i], items[i+1:]...))
		}
		return nil, fmt.Errorf("cannot delete %s", p.node().Path)
	})
}

// Move moves the selected node by delta places in the list it is in and
// returns where it is now.
func (d *Doc) Move(idx []int, delta int) ([]int, error) {
	var sel []int
	err := d.apply("move", func(root *canvas.Dict) (*canvas.Dict, error) {
		p, err := locate(root, idx)
		if err != nil {
			return nil, err
		}
		if !p.inList() {
			return nil, fmt.Errorf("%s is not in a list: nothing to move it past", p.node().Path)
		}
		items, i := siblings(p)
		j := i + delta
		if j < 0 || j >= len(items) {
			return nil, ErrNoChange
		}
		items[i], items[j] = items[j], items[i]
		sel = append(append([]int(nil), idx[:len(idx)-1]...), idx[len(idx)-1]+delta)
		return setList(root, p, items)
	})
	return sel, err
}

// insertAfter puts v right after the node at p, which is in a list.
func insertAfter(root *canvas.Dict, p place, v canvas.Value) (*canvas.Dict, error) {
	items, i := siblings(p)
	items = append(items[:i+1], append([]canvas.Value{v}, items[i+1:]...)...)
	return setList(root, p, items)
}

// nextSibling is the index path of the item after idx in its list.
func nextSibling(idx []int) []int {
	return append(append([]int(nil), idx[:len(idx)-1]...), idx[len(idx)-1]+1)
}

// orInPlace replaces the node nd at p with nd | v: Celery's upgrade rules
// decide what that makes, which must be a signature.
func orInPlace(root *canvas.Dict, p place, nd *canvas.Dict, v canvas.Value) (*canvas.Dict, error) {
	res, err := canvas.Or(nd, v)
	if err != nil {
		return nil, err
	}
	rd, ok := res.(*canvas.Dict)
	if !ok {
		return nil, fmt.Errorf("| made a %s", canvas.TypeName(res))
	}
	return replace(root, p, rd)
}

// Duplicate puts sig.clone() of the selected node right after it (or, for
// a node not in a list, makes it `node | clone`).
func (d *Doc) Duplicate(idx []int) ([]int, error) {
	var sel []int
	err := d.apply("duplicate", func(root *canvas.Dict) (*canvas.Dict, error) {
		p, nd, err := locateDict(root, idx)
		if err != nil {
			return nil, err
		}
		c, err := canvas.Clone(nd, nil, nil, nil)
		if err != nil {
			return nil, err
		}
		if p.inList() {
			sel = nextSibling(idx)
			return insertAfter(root, p, c)
		}
		sel = idx
		return orInPlace(root, p, nd, c)
	})
	return sel, err
}
