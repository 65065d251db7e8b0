package replay

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/stampede-dev/stampede/canvas"
)

// Node is one signature of a canvas: a leaf, a chain, a group, a chord, a
// chord header held as a group object, or a link or errback (a signature or
// a plain dict still in its JSON form).
type Node struct {
	// ID is the node's identity across ops (see Identify).
	ID string
	// Path is where the node is first met, in the stamping trace's syntax:
	// $, $.tasks[1], $.header[0], $.header (a header group object), $.body,
	// $.tasks[0].link[0], $.link_error[1]...
	Path string
	// Paths lists every place the same object is reachable from (more than
	// one when Celery shares it, e.g. an errback linked to every task).
	Paths []string
	// Sig is the node's dict.
	Sig *canvas.Dict
}

// Task is the node's task name ("" when it is not a string).
func (n *Node) Task() string {
	s, _ := n.Sig.LookupKey(canvas.KeyTask).(string)
	return s
}

// TaskID is the node's options.task_id, or nil.
func (n *Node) TaskID() canvas.Value { return taskIDOf(n.Sig) }

// Label is the node as people name it: "proj.add (t-3)", or the task name
// and path when it has no task_id.
func (n *Node) Label() string { return nodeLabel(n.Task(), n.TaskID(), n.Path) }

func nodeLabel(task string, id canvas.Value, path string) string {
	if task == "" {
		task = "?"
	}
	if s := idText(id); s != "" {
		return task + " (" + s + ")"
	}
	return task + " at " + path
}

func taskIDOf(d *canvas.Dict) canvas.Value {
	if opts, ok := d.LookupKey(canvas.KeyOptions).(*canvas.Dict); ok {
		return opts.LookupKey(canvas.KeyTaskID)
	}
	return nil
}

// idText is a task_id as text: the string itself, other scalars as JSON, ""
// for none.
func idText(id canvas.Value) string {
	switch x := id.(type) {
	case nil:
		return ""
	case string:
		return x
	case *canvas.Dict, *canvas.List:
		return ""
	}
	b, err := canvas.Encode(id, -1)
	if err != nil {
		return ""
	}
	return string(b)
}

// Kind is a node's kind for walking: its class, or for a plain dict (a link
// still in JSON form) the class its subtask_type names.
func Kind(d *canvas.Dict) canvas.Class {
	if d.Class().IsSignature() {
		return d.Class()
	}
	switch d.LookupKey(canvas.KeySubtaskType) {
	case "chain":
		return canvas.Chain
	case "group":
		return canvas.Group
	case "chord":
		return canvas.Chord
	}
	return canvas.Signature
}

// Nodes lists every node of the canvas in a fixed order: a node, then its
// callbacks, its errbacks, then its members (tasks, header, body). An object
// reachable from several places is listed once, with all its paths. Node IDs
// are assigned by Identify.
func Nodes(root *canvas.Dict) []*Node {
	w := walker{seen: map[*canvas.Dict]*Node{}}
	w.visit(root, "$")
	Identify(w.out)
	return w.out
}

type walker struct {
	seen map[*canvas.Dict]*Node
	out  []*Node
}

func (w *walker) visit(v canvas.Value, path string) {
	d, ok := v.(*canvas.Dict)
	if !ok {
		return
	}
	if n, ok := w.seen[d]; ok {
		n.Paths = append(n.Paths, path)
		return
	}
	n := &Node{Path: path, Paths: []string{path}, Sig: d}
	w.seen[d] = n
	w.out = append(w.out, n)
	if opts, ok := d.LookupKey(canvas.KeyOptions).(*canvas.Dict); ok {
		for _, kind := range [...]string{"link", "link_error"} {
			for i, l := range canvas.MaybeList(opts.Lookup(kind)) {
				w.visit(l, path+"."+kind+"["+strconv.Itoa(i)+"]")
			}
		}
	}
	kw, _ := d.LookupKey(canvas.KeyKwargs).(*canvas.Dict)
	if kw == nil {
		return
	}
	switch Kind(d) {
	case canvas.Chain, canvas.Group:
		for i, t := range listItems(kw.LookupKey(canvas.KeyTasks)) {
			w.visit(t, path+".tasks["+strconv.Itoa(i)+"]")
		}
	case canvas.Chord:
		header := kw.LookupKey(canvas.KeyHeader)
		if g, ok := header.(*canvas.Dict); ok && Kind(g) == canvas.Group {
			w.visitHeaderGroup(g, path+".header")
		} else {
			for i, t := range listItems(header) {
				w.visit(t, path+".header["+strconv.Itoa(i)+"]")
			}
		}
		w.visit(kw.LookupKey(canvas.KeyBody), path+".body")
	}
}

// visitHeaderGroup lists a chord header held as a group object at path and
// its tasks at path[i], as the stamping trace names them.
func (w *walker) visitHeaderGroup(g *canvas.Dict, path string) {
	if n, ok := w.seen[g]; ok {
		n.Paths = append(n.Paths, path)
		return
	}
	n := &Node{Path: path, Paths: []string{path}, Sig: g}
	w.seen[g] = n
	w.out = append(w.out, n)
	if opts, ok := g.LookupKey(canvas.KeyOptions).(*canvas.Dict); ok {
		for _, kind := range [...]string{"link", "link_error"} {
			for i, l := range canvas.MaybeList(opts.Lookup(kind)) {
				w.visit(l, path+"."+kind+"["+strconv.Itoa(i)+"]")
			}
		}
	}
	if kw, ok := g.LookupKey(canvas.KeyKwargs).(*canvas.Dict); ok {
		for i, t := range listItems(kw.LookupKey(canvas.KeyTasks)) {
			w.visit(t, path+"["+strconv.Itoa(i)+"]")
		}
	}
}

// listItems is the items of a list or tuple, or the value itself when it is
// a single signature dict (as Celery's maybe_list reads it).
func listItems(v canvas.Value) []canvas.Value {
	switch x := v.(type) {
	case *canvas.List:
		return x.Items()
	case *canvas.Dict:
		return []canvas.Value{x}
	}
	return nil
}

// Identify gives every node its identity, the rule by which the ledger and
// diff follow a node from one canvas to the next:
//
//   - a node with a task_id (a non-empty string or any other scalar) is that
//     task_id, e.g. "t-7";
//   - when several distinct objects carry the same task_id, the first one
//     met in walk order keeps the bare task_id and each other one is
//     "task_id@path", e.g. "t-9@$.tasks[2].link_error[0]";
//   - a node without a task_id is "task@path", e.g. "celery.chain@$";
//   - an identity already taken (only a task_id or task name written to
//     look like one of these can cause it) gets "#2", "#3", … after it.
//
// One object reachable from several places (shared) is one node.
func Identify(nodes []*Node) {
	taken := make(map[string]bool, len(nodes))
	for _, n := range nodes {
		id := idText(n.TaskID())
		switch {
		case id == "":
			task := n.Task()
			if task == "" {
				task = "?"
			}
			id = task + "@" + n.Path
		case taken[id]:
			id = id + "@" + n.Path
		}
		for k, base := 2, id; taken[id]; k++ {
			id = base + "#" + strconv.Itoa(k)
		}
		taken[id] = true
		n.ID = id
	}
}

// Stamps are a node's stamps: every key listed in options.stamped_headers
// whose value is in options, with that value.
type Stamps struct {
	Keys   []string       // sorted
	Values []canvas.Value // JSON copies, in Keys order
	// Listed holds every key listed in stamped_headers (with or without a
	// value); nil when none is.
	Listed map[string]bool

	options []string // every key of options
}

// Get returns the stamp's value and whether key is a stamp.
func (s *Stamps) Get(key string) (canvas.Value, bool) {
	i := sort.SearchStrings(s.Keys, key)
	if i < len(s.Keys) && s.Keys[i] == key {
		return s.Values[i], true
	}
	return nil, false
}

// StampsOf reads a node's stamps.
func StampsOf(sig *canvas.Dict) *Stamps {
	s := &Stamps{}
	opts, ok := sig.LookupKey(canvas.KeyOptions).(*canvas.Dict)
	if !ok {
		return s
	}
	s.options = opts.Keys()
	for _, k := range listedKeys(opts.LookupKey(canvas.KeyStampedHeaders)) {
		if s.Listed == nil {
			s.Listed = map[string]bool{}
		}
		s.Listed[k] = true
	}
	for k := range s.Listed {
		if opts.Has(k) {
			s.Keys = append(s.Keys, k)
		}
	}
	sort.Strings(s.Keys)
	s.Values = make([]canvas.Value, len(s.Keys))
	for i, k := range s.Keys {
		s.Values[i] = canvas.JSONCopy(opts.Lookup(k))
	}
	return s
}

// listedKeys is the string keys a stamped_headers value lists, as Celery
// iterates it (a string lists its characters).
func listedKeys(v canvas.Value) []string {
	var out []string
	switch x := v.(type) {
	case *canvas.List:
		for _, it := range x.Items() {
			if s, ok := it.(string); ok {
				out = append(out, s)
			}
		}
	case string:
		for _, r := range x {
			out = append(out, string(r))
		}
	case *canvas.Dict:
		out = x.Keys()
	}
	return out
}

// Locate finds the node at path (see Node.Path) and returns it with a
// function that puts another value in its place, as Python's
// `parent.tasks[i] = x`, `chord.body = x` or `sig.options['link'][i] = x`
// would. For "$" put is nil: the caller replaces the root.
func Locate(root *canvas.Dict, path string) (*canvas.Dict, func(canvas.Value) error, error) {
	if path == "" || path == "$" {
		return root, nil, nil
	}
	if !strings.HasPrefix(path, "$.") {
		return nil, nil, fmt.Errorf("path %q must start with $", path)
	}
	cur := canvas.Value(root)
	var put func(canvas.Value) error
	rest := path[1:]
	done := "$"
	for rest != "" {
		if rest[0] != '.' {
			return nil, nil, fmt.Errorf("path %q: expected . after %s", path, done)
		}
		rest = rest[1:]
		end := strings.IndexAny(rest, ".[")
		if end < 0 {
			end = len(rest)
		}
		name := rest[:end]
		rest = rest[end:]
		idx := -1
		if strings.HasPrefix(rest, "[") {
			close := strings.IndexByte(rest, ']')
			if close < 0 {
				return nil, nil, fmt.Errorf("path %q: missing ]", path)
			}
			n, err := strconv.Atoi(rest[1:close])
			if err != nil || n < 0 {
				return nil, nil, fmt.Errorf("path %q: bad index %q", path, rest[1:close])
			}
			idx = n
			rest = rest[close+1:]
		}
		d, ok := cur.(*canvas.Dict)
		if !ok {
			return nil, nil, fmt.Errorf("path %q: %s is not a signature", path, done)
		}
		seg := "." + name
		if idx >= 0 {
			seg += "[" + strconv.Itoa(idx) + "]"
		}
		var err error
		cur, put, err = step(d, name, idx)
		if err != nil {
			return nil, nil, fmt.Errorf("path %q: at %s%s: %v", path, done, seg, err)
		}
		done += seg
	}
	d, ok := cur.(*canvas.Dict)
	if !ok {
		return nil, nil, fmt.Errorf("path %q is a %s, not a signature", path, canvas.TypeName(cur))
	}
	return d, put, nil
}

// step goes from d to its member name[idx] (idx -1: no index).
func step(d *canvas.Dict, name string, idx int) (canvas.Value, func(canvas.Value) error, error) {
	kw, _ := d.LookupKey(canvas.KeyKwargs).(*canvas.Dict)
	opts, _ := d.LookupKey(canvas.KeyOptions).(*canvas.Dict)
	kind := Kind(d)
	switch name {
	case "tasks":
		if kind != canvas.Chain && kind != canvas.Group {
			return nil, nil, fmt.Errorf("a %s has no tasks", kindName(kind))
		}
		if kw == nil {
			return nil, nil, fmt.Errorf("no kwargs")
		}
		return index(kw.LookupKey(canvas.KeyTasks), idx, func(v canvas.Value) { kw.SetKey(canvas.KeyTasks, v) })
	case "header":
		if kind != canvas.Chord {
			return nil, nil, fmt.Errorf("a %s has no header", kindName(kind))
		}
		if kw == nil {
			return nil, nil, fmt.Errorf("no kwargs")
		}
		header := kw.LookupKey(canvas.KeyHeader)
		g, isGroup := header.(*canvas.Dict)
		isGroup = isGroup && Kind(g) == canvas.Group
		if idx < 0 {
			if !isGroup {
				return nil, nil, fmt.Errorf("the header is a %s, not a group object (address its tasks as header[i])", canvas.TypeName(header))
			}
			return g, func(v canvas.Value) error { kw.SetKey(canvas.KeyHeader, v); return nil }, nil
		}
		if isGroup {
			gkw, ok := g.LookupKey(canvas.KeyKwargs).(*canvas.Dict)
			if !ok {
				return nil, nil, fmt.Errorf("the header group has no kwargs")
			}
			return index(gkw.LookupKey(canvas.KeyTasks), idx, func(v canvas.Value) { gkw.SetKey(canvas.KeyTasks, v) })
		}
		return index(header, idx, func(v canvas.Value) { kw.SetKey(canvas.KeyHeader, v) })
	case "body":
		if kind != canvas.Chord {
			return nil, nil, fmt.Errorf("a %s has no body", kindName(kind))
		}
		if idx >= 0 {
			return nil, nil, fmt.Errorf("body takes no index")
		}
		if kw == nil || kw.LookupKey(canvas.KeyBody) == nil {
			return nil, nil, fmt.Errorf("the chord has no body")
		}
		return kw.LookupKey(canvas.KeyBody), func(v canvas.Value) error { kw.SetKey(canvas.KeyBody, v); return nil }, nil
	case "link", "link_error":
		if opts == nil {
			return nil, nil, fmt.Errorf("no options")
		}
		return index(opts.Lookup(name), idx, func(v canvas.Value) { opts.Set(name, v) })
	}
	return nil, nil, fmt.Errorf("unknown member %q (known: tasks, header, body, link, link_error)", name)
}

// index is item idx of a list, or the value itself for index 0 when it is a
// single dict (a link stored without a list); setWhole replaces that value.
func index(v canvas.Value, idx int, setWhole func(canvas.Value)) (canvas.Value, func(canvas.Value) error, error) {
	if idx < 0 {
		return nil, nil, fmt.Errorf("an index [i] is needed")
	}
	switch x := v.(type) {
	case *canvas.List:
		if idx >= x.Len() {
			return nil, nil, fmt.Errorf("index %d out of range (%d items)", idx, x.Len())
		}
		return x.Items()[idx], func(nv canvas.Value) error {
			if x.Tuple() {
				return canvas.TypeErrorf("'tuple' object does not support item assignment")
			}
			x.Items()[idx] = nv
			return nil
		}, nil
	case *canvas.Dict:
		if idx != 0 {
			return nil, nil, fmt.Errorf("index %d out of range (a single signature)", idx)
		}
		return x, func(nv canvas.Value) error { setWhole(nv); return nil }, nil
	}
	return nil, nil, fmt.Errorf("nothing there (a %s)", canvas.TypeName(v))
}

func kindName(c canvas.Class) string {
	switch c {
	case canvas.Chain:
		return "chain"
	case canvas.Group:
		return "group"
	case canvas.Chord:
		return "chord"
	}
	return "signature"
}

// isUnder reports whether path p is at or below path anc.
func isUnder(p, anc string) bool {
	if anc == "" || anc == "$" {
		return true
	}
	if !strings.HasPrefix(p, anc) {
		return false
	}
	rest := p[len(anc):]
	return rest == "" || rest[0] == '.' || rest[0] == '['
}
