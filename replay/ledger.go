package replay

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/stamping"
	"github.com/stampede-dev/stampede/visitors"
)

// EventKind is what happened to a stamp (or, for Appeared and Removed, to a
// node).
type EventKind string

// The ledger's events.
const (
	// Present: the stamp was already on the initial canvas.
	Present EventKind = "present"
	// Added: the key became a stamp of the node.
	Added EventKind = "added"
	// Changed: the stamp's value changed (Old → New).
	Changed EventKind = "changed"
	// Protected: an op tried to override the stamp through options and
	// Celery's Signature._merge refused, because the key is stamped.
	Protected EventKind = "protected"
	// Lost: the node is still in the canvas but the key is no longer a
	// stamp there: its value is gone, or it was un-listed from
	// stamped_headers while the value stayed as a plain execution option.
	Lost EventKind = "lost"
	// Missed: a stamp op was given the key in its headers but did not put
	// it on this node (e.g. stamp() without a visitor skips chord bodies).
	Missed EventKind = "missed"
	// Appeared: a node that was not in the canvas before the op.
	Appeared EventKind = "appeared"
	// Removed: the node is no longer in the canvas; Old holds the stamps
	// it had.
	Removed EventKind = "removed"
)

// Event is one entry of a node's history.
type Event struct {
	Kind EventKind
	Key  string // the stamp key; "" for Appeared and Removed
	// Op is the index of the op in the session (-1: the initial canvas);
	// OpName its name and At the path it was addressed to.
	Op     int
	OpName string
	At     string
	// Source says where the value came from: "hook" (a hook's result),
	// "headers" (the stamp(**headers) of the op), "stored" (a composite's
	// stored stamps, merged into what it passes down), "stamp" (a value
	// object shared with a signature stamped by this op) or "op" (an op
	// other than stamp wrote it). Step is the hook call of a stamp op: for
	// "hook" the call that returned the value (Hook and Visitor name it),
	// otherwise the call after which Celery wrote it into the node; -1 when
	// the op is not accounted step by step.
	Step    int
	Hook    string
	Visitor string
	Source  string
	// Path is where the node was when it happened.
	Path string
	// Old and New are the values before and after (JSON); HasOld/HasNew
	// say whether there is one.
	Old, New       canvas.Value
	HasOld, HasNew bool
	// Unlisted (Lost only): the value is still in options, no longer
	// listed in stamped_headers.
	Unlisted bool
	// Reason is the Celery rule behind the event, in words.
	Reason string
}

// NodeHistory is everything the ledger knows about one node.
type NodeHistory struct {
	ID     string
	Task   string
	TaskID canvas.Value
	// Paths are where the node is (or was, when last seen).
	Paths []string
	// Present reports whether the node is in the current canvas.
	Present bool
	Events  []Event

	stamps *Stamps
}

// Label is the node as people name it: its task and identity,
// "proj.add (t-3)", or "proj.add at $.tasks[0]" without a task_id.
func (n *NodeHistory) Label() string {
	task := n.Task
	if task == "" {
		task = "?"
	}
	if idText(n.TaskID) != "" {
		return task + " (" + n.ID + ")"
	}
	p := ""
	if len(n.Paths) > 0 {
		p = n.Paths[0]
	}
	return task + " at " + p
}

// Stamps are the node's current stamps (empty once removed).
func (n *NodeHistory) Stamps() *Stamps { return n.stamps }

// LostKeys are the keys whose last event is a loss: stamps the node had and
// has no more (the TUI strikes them through).
func (n *NodeHistory) LostKeys() []string {
	last := map[string]EventKind{}
	for _, e := range n.Events {
		if e.Key != "" && e.Kind != Protected && e.Kind != Missed {
			last[e.Key] = e.Kind
		}
	}
	var out []string
	for k, kind := range last {
		if kind == Lost {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// Ledger is the history of every stamp of every node across a session.
type Ledger struct {
	// Nodes in the order they were first seen.
	Nodes []*NodeHistory
	byID  map[string]*NodeHistory
	cur   *ledgerState
}

// ledgerState is what the ledger needs of one canvas: its nodes and their
// stamps, read at one moment.
type ledgerState struct {
	nodes  []*Node
	states []nodeState // states[i] is nodes[i]'s
	byID   map[string]*nodeState
	byOpts map[*canvas.Dict]*nodeState // the first node with these options; see withOptions
}

type nodeState struct {
	node     *Node
	stamps   *Stamps
	hasSH    bool // options has a stamped_headers key
	leaf     bool
	optsRef  *canvas.Dict
	sameOpts *nodeState // the next node, in walk order, with the same options

	// Across an op: the same node in the state before it (nil for a node
	// the op made), whether the state after it still has this node, and
	// the node's history.
	before *nodeState
	kept   bool
	hist   *NodeHistory
}

func readState(root *canvas.Dict) *ledgerState {
	nodes := Nodes(root)
	st := &ledgerState{nodes: nodes, states: make([]nodeState, len(nodes)), byID: make(map[string]*nodeState, len(nodes))}
	for i, n := range nodes {
		ns := &st.states[i]
		*ns = nodeState{node: n, stamps: StampsOf(n.Sig), leaf: Kind(n.Sig) == canvas.Signature}
		if opts, ok := n.Sig.LookupKey(canvas.KeyOptions).(*canvas.Dict); ok {
			ns.hasSH = opts.HasKey(canvas.KeyStampedHeaders)
			ns.optsRef = opts
		}
		st.byID[n.ID] = ns // identities are unique (Identify)
	}
	return st
}

// withOptions is the first node, in walk order, whose options are opts
// (the next ones follow through sameOpts), or nil. Only a stamp op's
// steps look nodes up this way, so the index is made on the first call.
func (s *ledgerState) withOptions(opts *canvas.Dict) *nodeState {
	if s.byOpts == nil {
		s.byOpts = make(map[*canvas.Dict]*nodeState, len(s.states))
		// Last node first, so that each one goes at the head of the nodes
		// with its options and they end up in walk order.
		for i := len(s.states) - 1; i >= 0; i-- {
			if ns := &s.states[i]; ns.optsRef != nil {
				ns.sameOpts = s.byOpts[ns.optsRef]
				s.byOpts[ns.optsRef] = ns
			}
		}
	}
	return s.byOpts[opts]
}

// stampsBefore are the stamps of node ns (of the state after an op) before
// the op's stamps as far as its steps have gone: base, which holds the
// nodes the steps have reached, or else the state before the op.
func stampsBefore(base map[string]*Stamps, ns *nodeState) (*Stamps, bool) {
	if s, ok := base[ns.node.ID]; ok {
		return s, true
	}
	if ns.before != nil {
		return ns.before.stamps, true
	}
	return nil, false
}

// at is the node first met at path p, or nil.
func (s *ledgerState) at(p string) *nodeState {
	for _, n := range s.nodes {
		for _, q := range n.Paths {
			if q == p {
				return s.byID[n.ID]
			}
		}
	}
	return nil
}

func (s *ledgerState) anyStamp() bool {
	for i := range s.states {
		if len(s.states[i].stamps.Keys) > 0 {
			return true
		}
	}
	return false
}

// NewLedger starts a ledger on the initial canvas: its stamps are Present.
func NewLedger(root *canvas.Dict) *Ledger {
	l := &Ledger{byID: map[string]*NodeHistory{}}
	l.cur = readState(root)
	for i, n := range l.cur.nodes {
		ns := &l.cur.states[i]
		h := l.history(ns)
		h.stamps = ns.stamps
		for i, k := range ns.stamps.Keys {
			h.Events = append(h.Events, Event{Kind: Present, Key: k, Op: -1, Step: -1, Path: n.Path, New: ns.stamps.Values[i], HasNew: true})
		}
	}
	return l
}

// history is the history of the node of ns, made now for a node never
// seen before, brought up to date with where the node is.
func (l *Ledger) history(ns *nodeState) *NodeHistory {
	n := ns.node
	var h *NodeHistory
	if ns.before != nil {
		h = ns.before.hist
	}
	if h == nil {
		var ok bool
		if h, ok = l.byID[n.ID]; !ok {
			h = &NodeHistory{ID: n.ID, stamps: emptyStamps()}
			l.byID[n.ID] = h
			l.Nodes = append(l.Nodes, h)
		}
	}
	ns.hist = h
	h.Task = n.Task()
	h.TaskID = canvas.JSONCopy(n.TaskID())
	h.Paths = n.Paths // made by the walk, never changed after it
	h.Present = true
	return h
}

// Node is the history of the node with this identity, or nil.
func (l *Ledger) Node(id string) *NodeHistory { return l.byID[id] }

// NodeAt is the history of the node at path p in the current canvas, or nil.
func (l *Ledger) NodeAt(p string) *NodeHistory {
	if ns := l.cur.at(p); ns != nil {
		return l.byID[ns.node.ID]
	}
	return nil
}

// Events lists every event of every node, in node order.
func (l *Ledger) Events() []Event {
	var out []Event
	for _, n := range l.Nodes {
		out = append(out, n.Events...)
	}
	return out
}

// Loss is one lost stamp.
type Loss struct {
	Node  *NodeHistory
	Event Event
}

// Losses are the Lost events, in node order.
func (l *Ledger) Losses() []Loss {
	var out []Loss
	for _, n := range l.Nodes {
		for _, e := range n.Events {
			if e.Kind == Lost {
				out = append(out, Loss{n, e})
			}
		}
	}
	return out
}

// Count is the number of events of kind k.
func (l *Ledger) Count(k EventKind) int {
	c := 0
	for _, n := range l.Nodes {
		for _, e := range n.Events {
			if e.Kind == k {
				c++
			}
		}
	}
	return c
}

// opInfo is what the ledger knows about the op it observes.
type opInfo struct {
	index   int
	name    string
	at      string
	visitor string
	args    *canvas.Dict
}

// Observe records what op i did: tr is its trace (stamp ops), root the
// canvas afterwards. A stamp op's trace must have been recorded
// (stamping.Options.Record) for the ledger to name the hook call behind
// each stamp; without it the stamp op is accounted as a whole.
func (l *Ledger) Observe(i int, op *Op, tr *stamping.Trace, root *canvas.Dict) {
	info := opInfo{index: i, name: op.Name(), at: op.At(), visitor: op.Visitor(), args: op.Args}
	prev, next := l.cur, readState(root)
	for i := range next.states {
		ns := &next.states[i]
		if ns.before = prev.byID[ns.node.ID]; ns.before != nil {
			ns.before.kept = true
		}
	}
	var events []pending
	add := func(id string, e Event) {
		e.Op, e.OpName, e.At = info.index, info.name, info.at
		if e.OpName == "stamp" && e.Visitor == "" && e.Source == "hook" {
			e.Visitor = info.visitor
		}
		events = append(events, pending{id, e})
	}
	// Overrides that _merge refused.
	l.protected(info, prev, add)
	// What each node looked like before, as the stamp op's steps go (see
	// stampsBefore).
	base := map[string]*Stamps{}
	visited := map[string]bool{}
	if info.name == "stamp" && tr != nil && tr.Log != nil && len(tr.Steps) > 0 {
		l.stampSteps(info, tr, next, base, visited, add)
	}
	headers, _ := info.args.Lookup("headers").(*canvas.Dict)
	for i, n := range next.nodes {
		ns := &next.states[i]
		before, existed := stampsBefore(base, ns)
		if !existed {
			continue
		}
		diffStamps(before, ns.stamps, func(kind EventKind, key string, old, nw canvas.Value, hasOld, hasNew, unlisted bool) {
			e := Event{Kind: kind, Key: key, Step: -1, Path: n.Path, Old: old, New: nw, HasOld: hasOld, HasNew: hasNew, Unlisted: unlisted}
			if kind == Lost {
				e.Reason = lostReason(info, key, unlisted, ns)
			} else {
				e.Source, e.Reason = opSource(info, kind, key, n, visited[n.ID], headers)
			}
			add(n.ID, e)
		})
	}
	// Nodes that came and went.
	stampedBefore := prev.anyStamp()
	for i, n := range next.nodes {
		ns := &next.states[i]
		if ns.before != nil {
			continue
		}
		e := Event{Kind: Appeared, Step: -1, Path: n.Path, New: stampsValue(ns.stamps), HasNew: true}
		e.Reason = appearedReason(info, n, ns, stampedBefore)
		if id := idText(n.TaskID()); id != "" && id != n.ID && prev.byID[id] != nil {
			e.Reason = fmt.Sprintf("a second signature with task_id %s", id)
			if info.name == "json_roundtrip" {
				e.Reason += ": JSON has no shared objects, so each place of a signature that was shared loads as its own copy"
			}
		}
		add(n.ID, e)
		for j, k := range ns.stamps.Keys {
			if visited[n.ID] {
				continue // its stamps were accounted for step by step
			}
			src, why := "op", "it came with the node"
			if info.name == "stamp" {
				src, why = opSource(info, Added, k, n, false, headers)
			}
			add(n.ID, Event{Kind: Added, Key: k, Step: -1, Path: n.Path, New: ns.stamps.Values[j], HasNew: true, Source: src, Reason: why})
		}
	}
	for i, n := range prev.nodes {
		ps := &prev.states[i]
		if ps.kept {
			continue
		}
		add(n.ID, Event{Kind: Removed, Step: -1, Path: n.Path, Old: stampsValue(ps.stamps), HasOld: true, Reason: removedReason(info, n)})
	}
	if info.name == "stamp" {
		l.missed(info, next, headers, add)
	}
	// Commit. The links to the state before go, so that it can be freed.
	for i := range next.states {
		h := l.history(&next.states[i])
		h.stamps = next.states[i].stamps
		next.states[i].before = nil
	}
	for i, n := range prev.nodes {
		if ps := &prev.states[i]; !ps.kept {
			h := ps.hist
			if h == nil {
				h = l.byID[n.ID]
			}
			h.Present = false
			h.stamps = emptyStamps()
		}
	}
	for _, p := range events {
		h := l.byID[p.id]
		h.Events = append(h.Events, p.e)
	}
	l.cur = next
}

type pending struct {
	id string
	e  Event
}

func emptyStamps() *Stamps { return &Stamps{} }

// stampsValue is a node's stamps as one JSON object.
func stampsValue(s *Stamps) *canvas.Dict {
	d := &canvas.Dict{}
	for i, k := range s.Keys {
		d.Set(k, s.Values[i])
	}
	return d
}

// diffStamps reports every difference between two stamp sets.
func diffStamps(a, b *Stamps, emit func(kind EventKind, key string, old, nw canvas.Value, hasOld, hasNew, unlisted bool)) {
	for i, k := range a.Keys {
		nv, ok := b.Get(k)
		switch {
		case !ok:
			emit(Lost, k, a.Values[i], nil, true, false, !b.Listed[k] && b.hasPlain(k))
		case !canvas.SameJSON(canonical(a.Values[i]), canonical(nv)):
			emit(Changed, k, a.Values[i], nv, true, true, false)
		}
	}
	for i, k := range b.Keys {
		if _, ok := a.Get(k); !ok {
			emit(Added, k, nil, b.Values[i], false, true, false)
		}
	}
}

// canonical is v with object keys sorted, so that key order does not count
// as a change (JSON objects have no order).
func canonical(v canvas.Value) canvas.Value {
	switch x := v.(type) {
	case *canvas.Dict:
		keys := x.Keys()
		sort.Strings(keys)
		d := &canvas.Dict{}
		for _, k := range keys {
			d.Set(k, canonical(x.Lookup(k)))
		}
		return d
	case *canvas.List:
		l := canvas.NewList(make([]canvas.Value, x.Len())...)
		for i, it := range x.Items() {
			l.Items()[i] = canonical(it)
		}
		return l
	}
	return v
}

// protected records the option overrides of a clone or merge op that
// Signature._merge refused because the key is stamped on the node.
func (l *Ledger) protected(info opInfo, prev *ledgerState, add func(string, Event)) {
	if info.name != "clone" && info.name != "merge" {
		return
	}
	opts, ok := info.args.LookupKey(canvas.KeyOptions).(*canvas.Dict)
	if !ok || (info.name == "clone" && opts.Len() == 0) {
		return
	}
	target := prev.at(info.at)
	if target == nil {
		return
	}
	call := "clone"
	if info.name == "merge" {
		call = "_merge"
	}
	st := target.stamps
	for _, p := range opts.Pairs() {
		if kept, ok := st.Get(p.Key.String()); ok {
			add(target.node.ID, Event{Kind: Protected, Key: p.Key.String(), Step: -1, Path: target.node.Path,
				Old: kept, New: canvas.JSONCopy(p.Val), HasOld: true, HasNew: true,
				Reason: fmt.Sprintf("%s(%s=…) was refused: Signature._merge never overrides an option listed in stamped_headers", call, p.Key.String())})
		}
	}
	if sh, ok := opts.GetKey(canvas.KeyStampedHeaders); ok && target.hasSH {
		keep := map[string]bool{}
		for _, k := range listedKeys(sh) {
			keep[k] = true
		}
		for i, k := range st.Keys {
			if keep[k] || opts.Has(k) {
				continue
			}
			add(target.node.ID, Event{Kind: Protected, Key: k, Step: -1, Path: target.node.Path,
				Old: st.Values[i], HasOld: true,
				Reason: fmt.Sprintf("%s(stamped_headers=%s) would have un-listed %s and was refused: Signature._merge never overrides stamped_headers", call, compactJSON(sh), k)})
		}
	}
}

// stampSteps walks a recorded stamp op step by step: after every
// on_signature call (where Celery writes the stamps of that signature) it
// reads the node's stamps and records what changed, with the hook that
// produced each value.
func (l *Ledger) stampSteps(info opInfo, tr *stamping.Trace, next *ledgerState, base map[string]*Stamps, visited map[string]bool, add func(string, Event)) {
	st, err := stamping.NewStepper(tr)
	if err != nil {
		return
	}
	headers, _ := info.args.Lookup("headers").(*canvas.Dict)
	o := newOrigins(tr, headers)
	st.Goto(0)
	defer st.Goto(tr.Len())
	for s := range tr.Steps {
		step := &tr.Steps[s]
		if step.Hook != visitors.OnSignature {
			continue
		}
		d, ok := step.Target.Value.(*canvas.Dict)
		if !ok {
			continue
		}
		opts, _ := d.LookupKey(canvas.KeyOptions).(*canvas.Dict)
		first := next.withOptions(opts)
		if first == nil {
			continue
		}
		st.Goto(s + 1)
		path := absPath(info.at, step.Target.Path)
		for ns := first; ns != nil; ns = ns.sameOpts {
			id := ns.node.ID
			now := StampsOf(ns.node.Sig)
			before, ok := stampsBefore(base, ns)
			if !ok {
				before = emptyStamps()
			}
			again := visited[id]
			diffStamps(before, now, func(kind EventKind, key string, old, nw canvas.Value, hasOld, hasNew, unlisted bool) {
				e := Event{Kind: kind, Key: key, Step: s, Path: path, Old: old, New: nw, HasOld: hasOld, HasNew: hasNew, Unlisted: unlisted}
				if kind == Lost {
					e.Reason = lostReason(info, key, unlisted, ns)
				} else {
					e.Step, e.Hook, e.Source = o.origin(s, key)
					if e.Step < 0 {
						e.Step = s
					}
					if again {
						e.Reason = fmt.Sprintf("stamped again at %s: one object reachable from %d places is stamped once per place", path, len(ns.node.Paths))
					}
				}
				add(id, e)
			})
			base[id] = now
			visited[id] = true
		}
	}
}

// absPath is a step's path (relative to the op's node) made absolute.
func absPath(at string, p visitors.Path) string {
	s := p.String()
	if at == "" || at == "$" {
		return s
	}
	return at + s[1:]
}

// origins finds, for a stamp written at a step, the hook call whose result
// first brought the value down to it.
type origins struct {
	tr      *stamping.Trace
	headers *canvas.Dict
	byPath  map[visitors.Path][]int
	links   map[linkKey]int
}

type linkKey struct {
	parent visitors.Path
	name   string
	index  int
}

func newOrigins(tr *stamping.Trace, headers *canvas.Dict) *origins {
	o := &origins{tr: tr, headers: headers, byPath: map[visitors.Path][]int{}, links: map[linkKey]int{}}
	for i := range tr.Steps {
		s := &tr.Steps[i]
		if n, ok := s.RetLen(); !ok || n == 0 {
			continue
		}
		o.byPath[s.Target.Path] = append(o.byPath[s.Target.Path], i)
		if s.Hook == visitors.OnCallback || s.Hook == visitors.OnErrback {
			name, idx := s.Target.Path.Last()
			o.links[linkKey{s.Target.Path.Parent(), name, idx}] = i
		}
	}
	return o
}

func (o *origins) retHas(i int, key string) bool {
	_, ok := o.tr.Steps[i].RetGet(key)
	return ok
}

// origin is the step, hook and source of the value of key written at step
// s: the op's own headers come first (they beat every hook), then the
// earliest hook call on the way down to the node whose result holds the
// key — an ancestor's hook, the node's own, or an earlier sibling
// callback's (callbacks of one signature accumulate their headers).
func (o *origins) origin(s int, key string) (int, string, string) {
	if o.headers != nil && o.headers.Has(key) {
		return -1, "", "headers"
	}
	best := -1
	consider := func(t int) {
		if t <= s && o.retHas(t, key) && (best < 0 || t < best) {
			best = t
		}
	}
	for a := o.tr.Steps[s].Target.Path; ; a = a.Parent() {
		for _, t := range o.byPath[a] {
			consider(t)
		}
		if name, idx := a.Last(); name == "link" || name == "link_error" {
			for j := 0; j < idx; j++ {
				if t, ok := o.links[linkKey{a.Parent(), name, j}]; ok {
					consider(t)
				}
			}
		}
		if a.IsRoot() {
			break
		}
	}
	if best >= 0 {
		// A default hook that called another (on_chord_header_start calling
		// on_group_start) returns that hook's result: name the one that
		// produced it.
		if o.tr.Steps[best].Default && best+1 < len(o.tr.Steps) && o.tr.Steps[best+1].Nested && o.retHas(best+1, key) {
			best++
		}
		return best, o.tr.Steps[best].Hook.String(), "hook"
	}
	if h := o.tr.Steps[s].Headers; h != nil && h.Has(key) {
		return -1, "", "stored"
	}
	return -1, "", "op"
}

// opSource says where a stamp added or changed by a whole op (not step by
// step) came from, and why.
func opSource(info opInfo, kind EventKind, key string, n *Node, visited bool, headers *canvas.Dict) (string, string) {
	switch info.name {
	case "stamp":
		switch {
		case visited:
			return "stamp", "changed after this node was stamped, later in the same stamp(): its value is an object shared with signatures stamped after it"
		case !isUnder(n.Path, info.at):
			return "stamp", fmt.Sprintf("this node is outside %s, which was stamped: its value is an object shared with a signature there", info.at)
		case info.visitor == "" && headers != nil && headers.Has(key):
			return "headers", ""
		case info.visitor == "":
			return "stored", "merged down from a stamp stored on an enclosing chain, group or chord"
		}
		return "stamp", "not written to this node by this stamp(): its value is an object shared with a signature that was stamped"
	case "set":
		if kind == Added {
			return "op", "set() wrote it into options and stamped_headers"
		}
		return "op", "set() updates options in place: unlike clone(), it does not protect stamps"
	case "replace":
		return "op", "replace(options=…) swaps the whole options dict"
	case "link", "link_error", "on_error":
		return "op", fmt.Sprintf("%s() changed a shared object", info.name)
	}
	return "op", ""
}

// lostReason is the Celery rule that made the op drop a stamp.
func lostReason(info opInfo, key string, unlisted bool, ns *nodeState) string {
	how := "its value is gone from options"
	if unlisted {
		how = fmt.Sprintf("stamped_headers no longer lists %s, so its value stays behind as a plain execution option, which Celery does not deliver as a stamp", key)
	}
	switch info.name {
	case "replace":
		if !unlisted {
			return fmt.Sprintf("replace(options=…) swaps the whole options dict, and the new one has no %s", key)
		}
		if !ns.hasSH {
			return fmt.Sprintf("replace(options=…) swaps the whole options dict, and the new one has no stamped_headers: %s stays behind as a plain execution option, which Celery does not deliver as a stamp", key)
		}
		return "replace(options=…) swaps the whole options dict: " + how
	case "set":
		if unlisted {
			return "set(stamped_headers=…) updates options in place and overwrote the stamped_headers list: " + how
		}
		return "set() changed the options: " + how
	case "clone":
		return "clone() built the node without it: " + how
	case "or":
		return "| rebuilt the canvas: " + how
	case "json_roundtrip":
		return "signature(json.loads(json.dumps(…))) rebuilt the node: " + how
	case "stamp":
		return "stamp() rewrote the options: " + how
	}
	return info.name + "() left the node without it: " + how
}

// removedReason says why a node is no longer in the canvas.
func removedReason(info opInfo, n *Node) string {
	switch info.name {
	case "or":
		return "| built a new canvas that does not hold this object: the chain or group it was is rebuilt from its tasks, without its own options (task_id and stamps included)"
	case "json_roundtrip":
		if strings.HasSuffix(n.Path, ".header") {
			return "signature(dict) loads a chord header held as a group object as its list of tasks, dropping the group's own options"
		}
		return "signature(json.loads(json.dumps(…))) rebuilt the canvas without this node"
	case "replace":
		if rest := strings.TrimPrefix(n.Path, strings.TrimSuffix(info.at, "$")); info.at == "$" || rest != n.Path {
			if strings.HasPrefix(strings.TrimPrefix(rest, "$"), ".link") {
				return "replace(options=…) swaps the whole options dict, and the callbacks and errbacks it held went with it"
			}
		}
		return "replace() swapped the part of the canvas that held this node"
	}
	return fmt.Sprintf("after %s there is no node with this identity in the canvas", info.name)
}

// appearedReason says where a new node came from.
func appearedReason(info opInfo, n *Node, ns *nodeState, stampedBefore bool) string {
	switch info.name {
	case "link", "link_error", "on_error":
		if stampedBefore && len(ns.stamps.Keys) == 0 {
			return fmt.Sprintf("%s() added it after stamping: it carries none of the canvas's stamps until the canvas is stamped again", info.name)
		}
		return fmt.Sprintf("added by %s()", info.name)
	case "stamp":
		if strings.HasSuffix(n.Path, ".header") {
			return "Celery's default on_chord_header_start wrapped the chord header in a new group"
		}
		return "made by stamp()"
	case "or":
		return "made by |"
	}
	return fmt.Sprintf("new after %s", info.name)
}

// missed records the header keys of a stamp op that did not reach a leaf
// below the stamped node.
func (l *Ledger) missed(info opInfo, next *ledgerState, headers *canvas.Dict, add func(string, Event)) {
	if headers == nil {
		return
	}
	// The keys stamp(**headers) makes stamps: all of them, or only those
	// its own stamped_headers lists (Celery trusts that list).
	listed := map[string]bool{}
	sh, explicit := headers.GetKey(canvas.KeyStampedHeaders)
	for _, k := range listedKeys(sh) {
		listed[k] = true
	}
	var keys []string
	for _, p := range headers.Pairs() {
		if p.Key.String() != "stamped_headers" && (!explicit || listed[p.Key.String()]) {
			keys = append(keys, p.Key.String())
		}
	}
	if len(keys) == 0 {
		return
	}
	for _, n := range next.nodes {
		ns := next.byID[n.ID]
		if !ns.leaf || !isUnder(n.Path, info.at) {
			continue
		}
		for _, k := range keys {
			if _, ok := ns.stamps.Get(k); ok {
				continue
			}
			why := "stamp() did not reach this node"
			rel := strings.TrimPrefix(n.Path, strings.TrimSuffix(info.at, "$"))
			if info.visitor == "" && strings.Contains(rel, ".body") {
				why = "stamp() without a visitor does not stamp chord bodies (Celery stamps a chord's body only when a visitor is given)"
			}
			add(n.ID, Event{Kind: Missed, Key: k, Step: -1, Path: n.Path, New: canvas.JSONCopy(headers.Lookup(k)), HasNew: true, Reason: why})
		}
	}
}

// hasPlain reports whether key is in options without being listed in
// stamped_headers (an ordinary execution option).
func (s *Stamps) hasPlain(key string) bool {
	return !s.Listed[key] && slices.Contains(s.options, key)
}
