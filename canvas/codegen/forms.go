package codegen

import (
	"github.com/stampede-dev/stampede/canvas"
)

// This file chooses, for each kind of signature, the Celery call that
// builds it exactly.

// opKind is one step applied to a signature after its constructor.
type opKind int

const (
	opSet     opKind = iota // .set(k=v, …)
	opOnError               // .on_error(errback)
	opLink                  // x.link(callback), a statement
)

type opItem struct {
	kind opKind
	args []arg // opSet
	val  node  // opOnError, opLink
}

// constructorParams are the keyword names Signature.__init__ (and so the
// chain, group and chord constructors) binds to its own parameters.
var constructorParams = map[string]bool{
	"task": true, "args": true, "kwargs": true, "options": true, "type": true,
	"subtask_type": true, "immutable": true, "app": true,
}

// optionOps writes options as .set() calls, in their order. With linkCalls,
// callback and errback lists become x.link(…) and .on_error(…), which is what
// Signature.link/link_error do to a leaf or a chain.
func (g *gen) optionOps(options *canvas.Dict, linkCalls bool) ([]opItem, error) {
	var ops []opItem
	var safe, unsafe []arg
	var unsafeDict *dictLit
	flush := func() {
		if len(safe)+len(unsafe) > 0 {
			ops = append(ops, opItem{kind: opSet, args: append(safe, unsafe...)})
		}
		safe, unsafe, unsafeDict = nil, nil, nil
	}
	for _, p := range options.Pairs() {
		if linkCalls && (p.Key.String() == "link" || p.Key.String() == "link_error") && g.linkList(p.Val) {
			flush()
			kind := opLink
			if p.Key.String() == "link_error" {
				kind = opOnError
			}
			for _, it := range p.Val.(*canvas.List).Items() {
				n, err := g.expr(it)
				if err != nil {
					return nil, err
				}
				ops = append(ops, opItem{kind: kind, val: n})
			}
			continue
		}
		n, err := g.expr(p.Val)
		if err != nil {
			return nil, err
		}
		if safeKwarg(p.Key.String()) && p.Key.String() != "self" {
			if unsafeDict != nil {
				flush() // keep the option order: a new .set() after a **{…}
			}
			safe = append(safe, arg{name: p.Key.String(), val: n})
			continue
		}
		if unsafeDict == nil {
			unsafeDict = &dictLit{}
			unsafe = append(unsafe, arg{star: "**", val: unsafeDict})
		}
		unsafeDict.keys = append(unsafeDict.keys, p.Key.String())
		unsafeDict.vals = append(unsafeDict.vals, n)
	}
	flush()
	return ops, nil
}

// linkList reports whether a link or link_error option can be written as
// one .link()/.on_error() per item: a list of its own (not shared) whose
// items are all different (Celery skips an item equal to one already there).
func (g *gen) linkList(v canvas.Value) bool {
	l, ok := v.(*canvas.List)
	if !ok || l.Tuple() || l.Len() == 0 || g.lists[l] > 1 {
		return false
	}
	for i := range l.Items() {
		for j := 0; j < i; j++ {
			if canvas.Identical(l.Items()[i], l.Items()[j]) || canvas.Equal(l.Items()[i], l.Items()[j]) {
				return false
			}
		}
	}
	return true
}

// applyOps chains the ops onto cur; an x.link(…) needs x in a variable, so
// from the first one on the signature is bound to a name and the rest are
// statements.
func (g *gen) applyOps(x *canvas.Dict, prefix string, cur node, ops []opItem) node {
	var name atom
	for _, op := range ops {
		switch op.kind {
		case opSet:
			cur = method(cur, "set", op.args...)
		case opOnError:
			cur = method(cur, "on_error", pos(op.val))
		case opLink:
			if name == "" {
				name = g.bind(x, prefix, cur)
			} else if cur != node(name) {
				g.stmts = append(g.stmts, stmt{expr: cur})
			}
			g.stmts = append(g.stmts, stmt{expr: method(name, "link", pos(op.val))})
			cur = name
		}
	}
	if name != "" {
		if cur != node(name) {
			g.stmts = append(g.stmts, stmt{expr: cur})
		}
		return name
	}
	return cur
}

// kwargsArgs writes a dict as keyword arguments, or reports that it cannot
// keep the key order that way (a key that is not a name before one that is)
// or that a key is in avoid.
func (g *gen) kwargsArgs(d *canvas.Dict, avoid map[string]bool) ([]arg, bool, error) {
	var out []arg
	var unsafe *dictLit
	for _, p := range d.Pairs() {
		if avoid[p.Key.String()] {
			return nil, false, nil
		}
		n, err := g.expr(p.Val)
		if err != nil {
			return nil, false, err
		}
		if safeKwarg(p.Key.String()) {
			if unsafe != nil {
				return nil, false, nil
			}
			out = append(out, arg{name: p.Key.String(), val: n})
			continue
		}
		if unsafe == nil {
			unsafe = &dictLit{}
			out = append(out, arg{star: "**", val: unsafe})
		}
		unsafe.keys = append(unsafe.keys, p.Key.String())
		unsafe.vals = append(unsafe.vals, n)
	}
	return out, true, nil
}

func (g *gen) exprs(items []canvas.Value) ([]arg, error) {
	out := make([]arg, len(items))
	for i, it := range items {
		n, err := g.expr(it)
		if err != nil {
			return nil, err
		}
		out[i] = pos(n)
	}
	return out, nil
}

// leaf writes a task signature: add.s(…), add.si(…) or add.signature(…)
// (signature("NAME", …) when the task has no variable), then its options.
func (g *gen) leaf(d *canvas.Dict) (node, error) {
	if !standardLeaf(d) {
		if d.Class() == canvas.Plain {
			return g.literal(d)
		}
		return g.fallback(d)
	}
	name := d.LookupKey(canvas.KeyTask).(string)
	args := d.LookupKey(canvas.KeyArgs).(*canvas.List)
	kwargs := d.LookupKey(canvas.KeyKwargs).(*canvas.Dict)
	options := d.LookupKey(canvas.KeyOptions).(*canvas.Dict)
	imm := d.LookupKey(canvas.KeyImmutable)
	ref := g.task(name)
	special := options.HasKey(canvas.KeyImmutable) || options.Has("self")
	argNodes, err := g.exprs(args.Items())
	if err != nil {
		return nil, err
	}
	var base node
	if b, isBool := imm.(bool); isBool && ref.ident != "" && !special && !kwargs.Has("self") {
		kw, ok, err := g.kwargsArgs(kwargs, nil)
		if err != nil {
			return nil, err
		}
		if ok {
			m := "s"
			if b {
				m = "si"
			}
			base = method(atom(ref.ident), m, append(argNodes, kw...)...)
		}
	}
	if base == nil {
		// Signature(task, args, kwargs, options=…, immutable=…)
		var fn node
		var call []arg
		if ref.ident != "" {
			fn = &attr{recv: atom(ref.ident), name: "signature"}
		} else {
			g.celery["signature"] = true
			fn = atom("signature")
			call = append(call, pos(atom(pyString(name))))
		}
		positional := args.Len() > 0
		if positional {
			call = append(call, pos(&seq{tuple: true, items: nodesOf(argNodes)}))
		}
		if kwargs.Len() > 0 {
			kl, err := g.literal(kwargs)
			if err != nil {
				return nil, err
			}
			if positional {
				call = append(call, pos(kl))
			} else {
				call = append(call, arg{name: "kwargs", val: kl})
			}
		}
		if special {
			ol, err := g.literal(options)
			if err != nil {
				return nil, err
			}
			call = append(call, arg{name: "options", val: ol})
		}
		if b, isBool := imm.(bool); !isBool || b {
			n, err := g.expr(imm)
			if err != nil {
				return nil, err
			}
			call = append(call, arg{name: "immutable", val: n})
		}
		base = callOf(fn, call...)
	}
	if special {
		return base, nil
	}
	ops, err := g.optionOps(options, true)
	if err != nil {
		return nil, err
	}
	prefix := ref.ident
	if prefix == "" {
		prefix = "sig"
	}
	return g.applyOps(d, prefix, base, ops), nil
}

func nodesOf(args []arg) []node {
	out := make([]node, len(args))
	for i, a := range args {
		out[i] = a.val
	}
	return out
}

// standardComposite reports whether d is what the chain/group constructor
// makes: the six keys, the fixed task name and subtask_type, no args, and
// kwargs holding only key.
func standardComposite(d *canvas.Dict, task, subtaskType, key string) bool {
	if !nearComposite(d, task, subtaskType, key) {
		return false
	}
	a, ok := d.LookupKey(canvas.KeyArgs).(*canvas.List)
	return ok && a.Len() == 0 && d.LookupKey(canvas.KeyKwargs).(*canvas.Dict).Len() == 1
}

// nearComposite is standardComposite allowing any args and more kwargs
// after key, as clone(args, kwargs) and replace(args) leave a chain or
// group: those are assigned after the constructor (see patches).
func nearComposite(d *canvas.Dict, task, subtaskType, key string) bool {
	if d.Len() != 6 || d.LookupKey(canvas.KeyTask) != task || d.LookupKey(canvas.KeySubtaskType) != subtaskType || !d.HasKey(canvas.KeyImmutable) || !d.HasKey(canvas.KeyArgs) {
		return false
	}
	if o, ok := d.LookupKey(canvas.KeyOptions).(*canvas.Dict); !ok || o.Class() != canvas.Plain {
		return false
	}
	k, ok := d.LookupKey(canvas.KeyKwargs).(*canvas.Dict)
	return ok && k.Class() == canvas.Plain && k.Len() >= 1 && k.Pairs()[0].Key.String() == key
}

// patches assigns what a constructor leaves out: x.args = …, and
// x.kwargs["k"] = … for each kwargs key after the first. cur is bound to a
// variable first when there is anything to assign.
func (g *gen) patches(d *canvas.Dict, prefix string, cur node) (node, error) {
	a, isList := d.LookupKey(canvas.KeyArgs).(*canvas.List)
	kw := d.LookupKey(canvas.KeyKwargs).(*canvas.Dict)
	if isList && a.Len() == 0 && kw.Len() == 1 {
		return cur, nil
	}
	name, isName := cur.(atom)
	if !isName || g.names[d] != string(name) {
		name = g.bind(d, prefix, cur)
	}
	if !isList || a.Len() > 0 {
		n, err := g.expr(d.LookupKey(canvas.KeyArgs))
		if err != nil {
			return nil, err
		}
		g.stmts = append(g.stmts, stmt{target: string(name) + ".args", expr: n})
	}
	for _, p := range kw.Pairs()[1:] {
		n, err := g.expr(p.Val)
		if err != nil {
			return nil, err
		}
		g.stmts = append(g.stmts, stmt{target: string(name) + ".kwargs[" + pyString(p.Key.String()) + "]", expr: n})
	}
	return name, nil
}

// chain writes chain(a, b, …) when folding the tasks with `|` (what chain()
// does without options) gives them back unchanged, else the tasks as they
// are: chain([a, group, b], options={}).
func (g *gen) chain(d *canvas.Dict) (node, error) {
	if !nearComposite(d, "celery.chain", "chain", "tasks") {
		return g.fallback(d)
	}
	n, err := g.chainCall(d)
	if err != nil {
		return nil, err
	}
	return g.patches(d, "chain", n)
}

func (g *gen) chainCall(d *canvas.Dict) (node, error) {
	tl, ok := g.seqOf(d.LookupKey(canvas.KeyKwargs).(*canvas.Dict).LookupKey(canvas.KeyTasks))
	if !ok {
		return g.fallback(d)
	}
	options := d.LookupKey(canvas.KeyOptions).(*canvas.Dict)
	imm := d.LookupKey(canvas.KeyImmutable)
	special := options.HasKey(canvas.KeyImmutable) || options.Has("self")
	g.celery["chain"] = true
	if !special && imm != nil && g.chainFolds(tl) {
		args, err := g.exprs(tl.Items())
		if err != nil {
			return nil, err
		}
		var ops []opItem
		if b, isBool := imm.(bool); !isBool || b {
			n, err := g.expr(imm)
			if err != nil {
				return nil, err
			}
			ops = append(ops, opItem{kind: opSet, args: []arg{{name: "immutable", val: n}}})
		}
		more, err := g.optionOps(options, true)
		if err != nil {
			return nil, err
		}
		return g.applyOps(d, "chain", callOf(atom("chain"), args...), append(ops, more...)), nil
	}
	// _chain.__init__(*tasks, **options): the tasks are kept as given.
	var args []arg
	switch {
	case g.lists[tl] > 1:
		n, err := g.expr(tl)
		if err != nil {
			return nil, err
		}
		args = []arg{pos(n)}
	case tl.Tuple() && (tl.Len() != 1 || !isSeq(tl.Items()[0])):
		var err error
		if args, err = g.exprs(tl.Items()); err != nil {
			return nil, err
		}
	default:
		n, err := g.list(tl)
		if err != nil {
			return nil, err
		}
		args = []arg{pos(n)}
	}
	kw, err := g.constructorOptions(options, true)
	if err != nil {
		return nil, err
	}
	if b, isBool := imm.(bool); !isBool || b {
		n, err := g.expr(imm)
		if err != nil {
			return nil, err
		}
		kw = append(kw, arg{name: "immutable", val: n})
	}
	if len(kw) == 0 {
		kw = []arg{{name: "options", val: &dictLit{}}}
	}
	return callOf(atom("chain"), append(args, kw...)...), nil
}

func isSeq(v canvas.Value) bool {
	_, ok := v.(*canvas.List)
	return ok
}

// constructorOptions passes options to a constructor as keyword arguments,
// or as options={…} when a key cannot be one.
func (g *gen) constructorOptions(options *canvas.Dict, asKwargs bool) ([]arg, error) {
	if options.Len() == 0 {
		return nil, nil
	}
	if asKwargs {
		kw, ok, err := g.kwargsArgs(options, constructorParams)
		if err != nil || ok {
			return kw, err
		}
	}
	lit, err := g.literal(options)
	if err != nil {
		return nil, err
	}
	return []arg{{name: "options", val: lit}}, nil
}

// chainFolds reports whether chain(t1, …, tn) — reduce(operator.or_, tasks,
// _chain()) — gives a chain of exactly these tasks: every task but the last
// is a plain task signature (cloned on the way, which must not lose
// anything shared), and the last is not a chain (it would be flattened) nor a
// one-task group (unrolled).
func (g *gen) chainFolds(tl *canvas.List) bool {
	n := tl.Len()
	if n < 2 || g.lists[tl] > 1 {
		return false
	}
	for i, t := range tl.Items() {
		td, ok := t.(*canvas.Dict)
		if !ok || !td.Class().IsSignature() {
			return false
		}
		if i < n-1 {
			if td.Class() != canvas.Signature || !standardLeaf(td) || g.containsShared(td) {
				return false
			}
			continue
		}
		switch td.Class() {
		case canvas.Chain:
			return false
		case canvas.Group:
			tasks, ok := td.LookupKey(canvas.KeyKwargs).(*canvas.Dict)
			if !ok {
				return false
			}
			l, ok := g.seqOf(tasks.LookupKey(canvas.KeyTasks))
			if !ok || l.Len() == 1 {
				return false
			}
		}
	}
	return true
}

// group writes group([…]) (or group(a, b) for a tuple), options through
// .set(…).
func (g *gen) group(d *canvas.Dict) (node, error) {
	if !nearComposite(d, "celery.group", "group", "tasks") {
		return g.fallback(d)
	}
	tl, ok := g.seqOf(d.LookupKey(canvas.KeyKwargs).(*canvas.Dict).LookupKey(canvas.KeyTasks))
	if !ok {
		return g.fallback(d)
	}
	g.celery["group"] = true
	args, err := g.groupArgs(tl)
	if err != nil {
		return nil, err
	}
	n, err := g.withOptions(d, "group", atom("group"), args)
	if err != nil {
		return nil, err
	}
	return g.patches(d, "group", n)
}

// groupArgs are the arguments group() keeps tasks with as they are.
func (g *gen) groupArgs(tl *canvas.List) ([]arg, error) {
	switch {
	case g.lists[tl] > 1:
		n, err := g.expr(tl)
		if err != nil {
			return nil, err
		}
		return []arg{pos(n)}, nil
	case tl.Tuple() && tl.Len() != 1:
		return g.exprs(tl.Items())
	}
	n, err := g.list(tl)
	if err != nil {
		return nil, err
	}
	return []arg{pos(n)}, nil
}

// withOptions finishes a group or chord call: immutable= and, when .set()
// cannot write them, options= as arguments; the other options by .set().
func (g *gen) withOptions(d *canvas.Dict, prefix string, fn node, args []arg) (node, error) {
	options := d.LookupKey(canvas.KeyOptions).(*canvas.Dict)
	imm := d.LookupKey(canvas.KeyImmutable)
	if b, isBool := imm.(bool); !isBool || b {
		n, err := g.expr(imm)
		if err != nil {
			return nil, err
		}
		args = append(args, arg{name: "immutable", val: n})
	}
	if options.HasKey(canvas.KeyImmutable) || options.Has("self") {
		kw, err := g.constructorOptions(options, false)
		if err != nil {
			return nil, err
		}
		return callOf(fn, append(args, kw...)...), nil
	}
	ops, err := g.optionOps(options, false)
	if err != nil {
		return nil, err
	}
	return g.applyOps(d, prefix, callOf(fn, args...), ops), nil
}

// chord writes chord([…], body) when cloning the header's tasks (which
// chord() does to a list) keeps them, else chord(group([…]), body); a
// header that is a group object (as stamping leaves it) is assigned after:
// x.tasks = header.
func (g *gen) chord(d *canvas.Dict) (node, error) {
	if d.Len() != 6 || d.LookupKey(canvas.KeySubtaskType) != "chord" || !d.HasKey(canvas.KeyTask) || !d.HasKey(canvas.KeyImmutable) {
		return g.fallback(d)
	}
	cargs, ok1 := d.LookupKey(canvas.KeyArgs).(*canvas.List)
	kwargs, ok2 := d.LookupKey(canvas.KeyKwargs).(*canvas.Dict)
	options, ok3 := d.LookupKey(canvas.KeyOptions).(*canvas.Dict)
	if !ok1 || !ok2 || !ok3 || kwargs.Class() != canvas.Plain || options.Class() != canvas.Plain {
		return g.fallback(d)
	}
	n := kwargs.Len()
	if n < 3 || kwargs.Pairs()[n-2].Key.String() != "header" || kwargs.Pairs()[n-1].Key.String() != "body" {
		return g.fallback(d)
	}
	extras := canvas.DictOf(canvas.Plain, kwargs.Pairs()[:n-2])
	header, body := kwargs.Pairs()[n-2].Val, kwargs.Pairs()[n-1].Val
	g.celery["chord"] = true

	var args []arg
	var assign node // a header chord() cannot take, assigned after
	if l, isLazy := header.(*canvas.Lazy); isLazy {
		header, _ = g.seqOf(l)
	}
	switch h := header.(type) {
	case *canvas.List:
		switch {
		case g.headerClones(h):
			items, err := g.exprs(h.Items())
			if err != nil {
				return nil, err
			}
			args = []arg{pos(&seq{items: nodesOf(items)})}
		case membersLoaded(h):
			ga, err := g.groupArgs(h)
			if err != nil {
				return nil, err
			}
			g.celery["group"] = true
			args = []arg{pos(callOf(atom("group"), ga...))}
		default:
			hn, err := g.expr(h)
			if err != nil {
				return nil, err
			}
			args, assign = []arg{pos(&seq{})}, hn
		}
	case *canvas.Dict:
		if g.wrapperGroup(h) {
			hn, err := g.expr(h)
			if err != nil {
				return nil, err
			}
			if _, isName := hn.(atom); !isName {
				hn = g.bind(h, "header", hn)
			}
			args, assign = []arg{pos(hn)}, hn
			break
		}
		hn, err := g.expr(h)
		if err != nil {
			return nil, err
		}
		args, assign = []arg{pos(&seq{})}, hn
	default:
		hn, err := g.expr(h)
		if err != nil {
			return nil, err
		}
		args, assign = []arg{pos(&seq{})}, hn
	}
	if body != nil {
		bn, err := g.expr(body)
		if err != nil {
			return nil, err
		}
		args = append(args, pos(bn))
	}
	if t := d.LookupKey(canvas.KeyTask); t != "celery.chord" {
		tn, err := g.expr(t)
		if err != nil {
			return nil, err
		}
		args = append(args, arg{name: "task", val: tn})
	}
	if cargs.Len() > 0 {
		items, err := g.exprs(cargs.Items())
		if err != nil {
			return nil, err
		}
		args = append(args, arg{name: "args", val: &seq{tuple: true, items: nodesOf(items)}})
	}
	if !defaultChordKwargs(extras, g) {
		lit, err := g.literal(extras)
		if err != nil {
			return nil, err
		}
		args = append(args, arg{name: "kwargs", val: lit})
	}
	cur, err := g.withOptions(d, "chord", atom("chord"), args)
	if err != nil {
		return nil, err
	}
	if assign == nil {
		return cur, nil
	}
	name, isName := cur.(atom)
	if !isName || g.names[d] != string(name) {
		name = g.bind(d, "chord", cur)
	}
	g.stmts = append(g.stmts, stmt{target: string(name) + ".tasks", expr: assign})
	return name, nil
}

// defaultChordKwargs reports whether the chord's kwargs besides header and
// body are the {"kwargs": {}} chord() puts there by default.
func defaultChordKwargs(extras *canvas.Dict, g *gen) bool {
	if extras.Len() != 1 || extras.Pairs()[0].Key.String() != "kwargs" {
		return false
	}
	inner, ok := extras.Pairs()[0].Val.(*canvas.Dict)
	return ok && inner.Class() == canvas.Plain && inner.Len() == 0 && g.dicts[inner] <= 1
}

// headerClones reports whether chord() may be given the header as a list:
// it clones each task, which keeps a plain task signature that shares
// nothing.
func (g *gen) headerClones(h *canvas.List) bool {
	if g.lists[h] > 1 {
		return false
	}
	for _, t := range h.Items() {
		td, ok := t.(*canvas.Dict)
		if !ok || td.Class() != canvas.Signature || !standardLeaf(td) || g.containsShared(td) {
			return false
		}
	}
	return true
}

// membersLoaded reports whether chord(group(list)) keeps every member of
// the list: signatures and non-dict values are kept as they are, a plain
// dict would be loaded into a signature.
func membersLoaded(h *canvas.List) bool {
	for _, t := range h.Items() {
		if td, ok := t.(*canvas.Dict); ok && td.Class() == canvas.Plain {
			return false
		}
	}
	return true
}

// wrapperGroup reports whether a chord header that is a group object can be
// written as chord(g, body) followed by x.tasks = g: chord() clones g (which
// must survive group.from_dict) and keeps its members.
func (g *gen) wrapperGroup(h *canvas.Dict) bool {
	if h.Class() != canvas.Group || !standardComposite(h, "celery.group", "group", "tasks") {
		return false
	}
	for _, k := range h.LookupKey(canvas.KeyOptions).(*canvas.Dict).Keys() {
		if constructorParams[k] {
			return false
		}
	}
	tl, ok := g.seqOf(h.LookupKey(canvas.KeyKwargs).(*canvas.Dict).LookupKey(canvas.KeyTasks))
	return ok && membersLoaded(tl)
}

// fallback writes a signature no constructor makes: signature({…}) when
// Signature.from_dict gives it back, else an object of its class whose
// contents are replaced: x.clear(); x.update({…}).
func (g *gen) fallback(d *canvas.Dict) (node, error) {
	g.celery["signature"] = true
	lit, err := g.literal(d)
	if err != nil {
		return nil, err
	}
	if d.Class() == canvas.Signature && !canvas.Truthy(d.LookupKey(canvas.KeySubtaskType)) || loadsExactly(d) {
		return callOf(atom("signature"), pos(lit)), nil
	}
	var base node
	switch d.Class() {
	case canvas.Chain:
		g.celery["chain"] = true
		base = callOf(atom("chain"))
	case canvas.Group:
		g.celery["group"] = true
		base = callOf(atom("group"))
	case canvas.Chord:
		g.celery["chord"] = true
		base = callOf(atom("chord"), pos(&seq{}))
	default:
		kw := &dictLit{keys: []string{"task", "it"}, vals: []node{atom("None"), &seq{}}}
		if d.Class() == canvas.Chunks {
			kw.keys, kw.vals = append(kw.keys, "n"), append(kw.vals, atom("1"))
		}
		typ := map[canvas.Class]string{canvas.XMap: "xmap", canvas.XStarMap: "xstarmap", canvas.Chunks: "chunks"}[d.Class()]
		if typ == "" {
			base = callOf(atom("signature"), pos(&dictLit{}))
		} else {
			base = callOf(atom("signature"), pos(&dictLit{
				keys: []string{"subtask_type", "kwargs", "options"},
				vals: []node{atom(pyString(typ)), kw, &dictLit{}},
			}))
		}
	}
	name := g.bind(d, g.prefix(d), base)
	g.stmts = append(g.stmts,
		stmt{expr: method(name, "clear")},
		stmt{expr: method(name, "update", pos(lit))})
	return name, nil
}

// loadsExactly reports whether signature(json) of d's JSON is d again.
func loadsExactly(d *canvas.Dict) bool {
	s, err := canvas.SignatureOfCopy(d)
	return err == nil && s.Class() == d.Class() && sameValue(s, d)
}
