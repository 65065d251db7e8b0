package canvas

import "fmt"

// subtaskTypes is Signature.TYPES: the registered signature classes by name.
var subtaskTypes = map[string]Class{
	"chain":    Chain,
	"group":    Group,
	"chord":    Chord,
	"xmap":     XMap,
	"xstarmap": XStarMap,
	"chunks":   Chunks,
}

// Load reads a canvas the way celery.signature(json.loads(data)) does.
func Load(data []byte) (*Dict, error) {
	v, err := Decode(data)
	if err != nil {
		return nil, err
	}
	d, ok := v.(*Dict)
	if !ok {
		return nil, fmt.Errorf("the document is a JSON %s, not a canvas object", jsonKind(v))
	}
	c, err := fromDict(d, true)
	if err != nil {
		if _, ok := err.(*PathError); !ok {
			err = &PathError{Path: "$", Err: err}
		}
		return nil, err
	}
	return c, nil
}

func jsonKind(v Value) string {
	switch v.(type) {
	case *List:
		return "array"
	case string:
		return "string"
	case nil:
		return "null"
	case bool:
		return "boolean"
	}
	return "number"
}

// SignatureOf is celery.signature(varies): a signature is cloned, a dict goes
// through Signature.from_dict, anything else becomes the task name of a new
// leaf signature.
func SignatureOf(v Value) (*Dict, error) { return signatureOf(v, false) }

// signatureOf is SignatureOf. owned says that v was just decoded and nothing
// else refers to its dicts, so a leaf can become a Signature in place instead
// of as a copy — the same result, without a second copy of every leaf.
func signatureOf(v Value, owned bool) (*Dict, error) {
	if d, ok := v.(*Dict); ok {
		if d.Class().IsSignature() {
			return Clone(d, nil, nil, nil)
		}
		return fromDict(d, owned)
	}
	return newSignature(Signature, v, nil, nil, nil, nil)
}

// SignatureOfCopy is SignatureOf(JSONCopy(v)), celery.signature(
// json.loads(json.dumps(v))): the copy is new, so its dicts become the
// signatures in place, as Load's do, instead of being copied once more.
func SignatureOfCopy(v Value) (*Dict, error) { return signatureOf(JSONCopy(v), true) }

// MaybeSignature is celery.canvas.maybe_signature(d, clone): nil stays nil, a
// signature is returned as is (or cloned), a plain dict is loaded with
// SignatureOf, and anything else is returned unchanged.
func MaybeSignature(v Value, clone bool) (Value, error) { return maybeSignature(v, clone, false) }

func maybeSignature(v Value, clone, owned bool) (Value, error) {
	switch d := v.(type) {
	case *Dict:
		if d.Class().IsSignature() {
			if clone {
				return Clone(d, nil, nil, nil)
			}
			return d, nil
		}
		return signatureOf(d, owned)
	}
	return v, nil
}

// FromDict is Signature.from_dict(d): the subclass named by d["subtask_type"]
// rebuilds itself from d; without a (truthy) subtask_type d becomes a leaf
// Signature that is a shallow copy of d, so unknown keys are kept and links
// stay plain dicts.
func FromDict(d *Dict) (*Dict, error) { return fromDict(d, false) }

func fromDict(d *Dict, owned bool) (*Dict, error) {
	typ := d.LookupKey(KeySubtaskType)
	if !Truthy(typ) {
		if owned {
			d.SetClass(Signature)
			return d, nil
		}
		return d.CopyAs(Signature), nil
	}
	if err := Hashable(typ); err != nil {
		return nil, err
	}
	name, ok := typ.(string)
	class, known := subtaskTypes[name]
	if !ok || !known {
		return nil, &PyError{"KeyError", Repr(typ)}
	}
	var sig *Dict
	var err error
	switch class {
	case Chain:
		sig, err = chainFromDict(d, owned)
	case Group:
		sig, err = groupFromDict(d, owned)
	case Chord:
		sig, err = chordFromDict(d, owned)
	default:
		sig, err = mapFromDict(d, class)
	}
	if err != nil || !owned {
		return sig, err
	}
	return settle(d, sig), nil
}

// item is Python's d[key] on a value that should be a dict.
func item(v Value, key string) (Value, error) {
	d, ok := v.(*Dict)
	if !ok {
		if l, isList := v.(*List); isList {
			return nil, typeError("%s indices must be integers or slices, not str", TypeName(l))
		}
		if _, isStr := v.(string); isStr {
			return nil, typeError("string indices must be integers, not 'str'")
		}
		return nil, typeError("'%s' object is not subscriptable", TypeName(v))
	}
	val, ok := d.Get(key)
	if !ok {
		return nil, keyError(key)
	}
	return val, nil
}

// getProp is Celery's getitem_property('a.b'): self['a'].get('b'), or
// self.get('b') for a one-part path.
func getProp(sig *Dict, path ...string) (Value, error) {
	var cur Value = sig
	for _, k := range path[:len(path)-1] {
		v, err := item(cur, k)
		if err != nil {
			return nil, err
		}
		cur = v
	}
	d, ok := cur.(*Dict)
	if !ok {
		return nil, attrError(cur, "get")
	}
	return d.Lookup(path[len(path)-1]), nil
}

// setProp is the setter of getitem_property: self['a']['b'] = v.
func setProp(log *Log, sig *Dict, v Value, path ...string) error {
	var cur Value = sig
	for _, k := range path[:len(path)-1] {
		next, err := item(cur, k)
		if err != nil {
			return err
		}
		cur = next
	}
	d, ok := cur.(*Dict)
	if !ok {
		return typeError("'%s' object does not support item assignment", TypeName(cur))
	}
	log.Set(d, path[len(path)-1], v)
	return nil
}

// Options is sig.options: the options dict, or an error naming what it is.
func Options(sig *Dict) (*Dict, error) {
	v := sig.LookupKey(KeyOptions)
	if d, ok := v.(*Dict); ok {
		return d, nil
	}
	// sig.options is options.get(...) in Celery's code: None has no get.
	return nil, attrError(v, "get")
}

// Tasks is the tasks of a chain or group (kwargs.tasks) or the header of a
// chord (kwargs.header), as Celery's `tasks` property reads them.
func Tasks(sig *Dict) (Value, error) {
	if sig.Class() == Chord {
		return getProp(sig, "kwargs", "header")
	}
	return getProp(sig, "kwargs", "tasks")
}

// SetTasks assigns the `tasks` property (kwargs.tasks, or kwargs.header of a chord).
func SetTasks(log *Log, sig *Dict, v Value) error {
	if sig.Class() == Chord {
		return setProp(log, sig, v, "kwargs", "header")
	}
	return setProp(log, sig, v, "kwargs", "tasks")
}

// Body is a chord's kwargs.body.
func Body(sig *Dict) (Value, error) { return getProp(sig, "kwargs", "body") }

// kwargsOf splits the keys of a `**mapping` call argument the way Python binds
// them to Signature.__init__(task, args, kwargs, options, type, subtask_type,
// immutable, app, **ex). given holds the parameters the caller passes
// explicitly (positionally or by keyword); a key naming one is a TypeError.
type sigParams struct {
	options, subtaskType, immutable Value
	hasImmutable                    bool
	ex                              []Pair
}

func bindSigParams(kw *Dict, given ...string) (sigParams, error) {
	var p sigParams
	if kw == nil {
		return p, nil
	}
	for _, pair := range kw.Pairs() {
		for _, g := range given {
			if pair.Key.String() == g {
				return p, typeError("__init__() got multiple values for argument '%s'", g)
			}
		}
		switch pair.Key.String() {
		case "task", "args", "kwargs":
			return p, typeError("__init__() got multiple values for argument '%s'", pair.Key.String())
		case "app":
			return p, typeError("__init__() got multiple values for keyword argument 'app'")
		case "options":
			p.options = pair.Val
		case "type":
			// Signature.__init__ accepts and ignores `type`.
		case "subtask_type":
			p.subtaskType = pair.Val
		case "immutable":
			p.immutable, p.hasImmutable = pair.Val, true
		default:
			p.ex = append(p.ex, pair)
		}
	}
	return p, nil
}

// newSignature is Signature.__init__(task, args, kwargs, **kw) for a new
// object of the given class: task may itself be a dict (then the signature
// is a copy of it), args becomes a tuple, options a new dict built from
// kw's options and its unknown keys.
func newSignature(class Class, task, args, kwargs Value, kw *Dict, fixed *sigParams) (*Dict, error) {
	p, err := bindSigParams(kw)
	if err != nil {
		return nil, err
	}
	if fixed != nil && fixed.hasImmutable {
		if p.hasImmutable {
			return nil, typeError("__init__() got multiple values for keyword argument 'immutable'")
		}
		p.immutable, p.hasImmutable = fixed.immutable, true
	}
	if d, ok := task.(*Dict); ok {
		return d.CopyAs(class), nil
	}
	var argItems []Value
	if Truthy(args) {
		if argItems, err = Iterate(args); err != nil {
			return nil, err
		}
		argItems = append([]Value(nil), argItems...)
	}
	if !Truthy(kwargs) {
		kwargs = &Dict{}
	}
	options := &Dict{}
	if Truthy(p.options) {
		od, ok := p.options.(*Dict)
		if !ok {
			return nil, typeError("'%s' object is not a mapping", TypeName(p.options))
		}
		options = od.Copy()
	}
	for _, e := range p.ex {
		options.SetKey(e.Key, e.Val)
	}
	immutable := Value(false)
	if p.hasImmutable {
		immutable = p.immutable
	}
	sig := DictOf(class, make([]Pair, 0, 6))
	sig.AppendPairs(
		Pair{KeyTask, task},
		Pair{KeyArgs, ListOf(argItems, true)},
		Pair{KeyKwargs, kwargs},
		Pair{KeyOptions, options},
		Pair{KeySubtaskType, p.subtaskType},
		Pair{KeyImmutable, immutable},
	)
	return sig, nil
}

// regen is celery.utils.functional.regen for the values a canvas holds: lists
// and tuples are kept as they are.
func isList(v Value) bool {
	switch v.(type) {
	case *List, *Lazy:
		return true
	}
	return false
}

// newChain is _chain(*tasks, **options) called with one positional argument.
func newChain(tasks Value, kw *Dict) (*Dict, error) {
	if !isList(tasks) {
		// _chain(x) with a single non-list argument keeps it as a 1-tuple.
		tasks = ListOf([]Value{tasks}, true)
	}
	sig, err := newSignature(Chain, "celery.chain", nil, DictOf(Plain, []Pair{{KeyTasks, tasks}}), kw, nil)
	if err != nil {
		return nil, err
	}
	sig.SetKey(KeySubtaskType, "chain")
	return sig, nil
}

// NewChain is _chain(t1, t2, …): a chain of the given signatures (held as a
// tuple, as Celery holds them) with empty options.
func NewChain(tasks ...Value) *Dict {
	sig, _ := newChain(ListOf(tasks, true), nil)
	return sig
}

// newGroup is group(*tasks, **options) called with one positional argument.
func newGroup(tasks Value, kw *Dict) (*Dict, error) {
	if d, ok := tasks.(*Dict); ok {
		switch {
		case d.Class() == Group:
			t, err := Tasks(d)
			if err != nil {
				return nil, err
			}
			tasks = t
			if td, ok := tasks.(*Dict); ok && td.Class().IsSignature() {
				c, err := Clone(td, nil, nil, nil)
				if err != nil {
					return nil, err
				}
				tasks = NewList([]Value{c}...)
			}
		case d.Class().IsSignature():
			c, err := Clone(d, nil, nil, nil)
			if err != nil {
				return nil, err
			}
			tasks = NewList([]Value{c}...)
		}
	}
	if !isList(tasks) {
		return nil, typeError("group tasks must be a list, not %s", TypeName(tasks))
	}
	sig, err := newSignature(Group, "celery.group", nil, DictOf(Plain, []Pair{{KeyTasks, tasks}}), kw, nil)
	if err != nil {
		return nil, err
	}
	sig.SetKey(KeySubtaskType, "group")
	return sig, nil
}

// NewGroup is group(tasks): tasks must be a list (it is held, not copied).
func NewGroup(tasks *List) *Dict {
	sig, _ := newGroup(tasks, nil)
	return sig
}

// NewChord is chord(header, body): header is turned into a list as Celery's
// _maybe_group does, body goes through maybe_signature.
func NewChord(header, body Value) (*Dict, error) {
	return newChord(header, body, "celery.chord", nil, nil, nil, false)
}

func newChord(header, body, task, args, kwargs Value, kw *Dict, owned bool) (*Dict, error) {
	if !Truthy(args) {
		args = ListOf(nil, true)
	}
	if !Truthy(kwargs) {
		kwargs = DictOf(Plain, []Pair{{KeyKwargs, &Dict{}}})
	}
	kd, ok := kwargs.(*Dict)
	if !ok {
		return nil, typeError("'%s' object is not a mapping", TypeName(kwargs))
	}
	h, err := maybeGroup(header, owned)
	if err != nil {
		return nil, at(err, ".kwargs.header")
	}
	b, err := maybeSignature(body, false, owned)
	if err != nil {
		return nil, at(err, ".kwargs.body")
	}
	inner := kd.Copy()
	inner.SetKey(KeyHeader, h)
	inner.SetKey(KeyBody, b)
	sig, err := newSignature(Chord, task, args, inner, kw, nil)
	if err != nil {
		return nil, err
	}
	sig.SetKey(KeySubtaskType, "chord")
	return sig, nil
}

// maybeGroup is celery.canvas._maybe_group: a chord header as a list.
func maybeGroup(tasks Value, owned bool) (Value, error) {
	if lz, ok := tasks.(*Lazy); ok {
		// A generator header: regen(signature(t) for t in tasks).
		return lazyMap(lz, func(t Value) (Value, error) { return signatureOf(t, owned) }), nil
	}
	if d, ok := tasks.(*Dict); ok {
		s, err := signatureOf(d, owned)
		if err != nil {
			return nil, err
		}
		if s.Class() == Group || s.Class() == Chain {
			return Tasks(s)
		}
		return NewList([]Value{s}...), nil
	}
	items, err := Iterate(tasks)
	if err != nil {
		return nil, err
	}
	out := make([]Value, len(items))
	for i, t := range items {
		s, err := signatureOf(t, owned)
		if err != nil {
			return nil, at(err, fmt.Sprintf("[%d]", i))
		}
		out[i] = s
	}
	return NewList(out...), nil
}

func chainFromDict(d *Dict, owned bool) (*Dict, error) {
	kwargs, err := item(d, "kwargs")
	if err != nil {
		return nil, err
	}
	tasks, err := item(kwargs, "tasks")
	if err != nil {
		return nil, err
	}
	if Truthy(tasks) {
		if l, ok := tasks.(*List); ok && l.Tuple() {
			tasks = l.Copy()
			kwargs.(*Dict).SetKey(KeyTasks, tasks)
		}
		items, err := Iterate(tasks)
		if err != nil {
			return nil, at(err, ".kwargs.tasks")
		}
		rebuilt, inPlace := tasks.(*List)
		if !inPlace || !owned {
			rebuilt = NewList(make([]Value, len(items))...)
		} // else the list is rebuilt in its own place: see settle
		for i, t := range items {
			if rebuilt.Items()[i], err = maybeSignature(t, false, owned); err != nil {
				return nil, at(err, fmt.Sprintf(".kwargs.tasks[%d]", i))
			}
		}
		tasks = rebuilt
	}
	opts, err := item(d, "options")
	if err != nil {
		return nil, err
	}
	kw, ok := opts.(*Dict)
	if !ok {
		return nil, typeError("_chain() argument after ** must be a mapping, not %s", TypeName(opts))
	}
	return newChain(tasks, kw)
}

func groupFromDict(d *Dict, owned bool) (*Dict, error) {
	kwargs, err := item(d, "kwargs")
	if err != nil {
		return nil, err
	}
	orig, err := item(kwargs, "tasks")
	if err != nil {
		return nil, err
	}
	if lz, ok := orig.(*Lazy); ok {
		// type(orig_tasks)(maybe_signature(t) for t in orig_tasks): a new
		// _regen reading the old one lazily, member by member.
		rebuilt := lazyMap(lz, func(t Value) (Value, error) { return maybeSignature(t, false, owned) })
		kwargs.(*Dict).SetKey(KeyTasks, rebuilt)
		opts, err := item(d, "options")
		if err != nil {
			return nil, err
		}
		kw, ok := opts.(*Dict)
		if !ok {
			return nil, typeError("group() argument after ** must be a mapping, not %s", TypeName(opts))
		}
		return newGroup(rebuilt, kw)
	}
	ol, ok := orig.(*List)
	if !ok {
		if orig == nil {
			return nil, at(typeError("'NoneType' object is not iterable"), ".kwargs.tasks")
		}
		return nil, at(typeError("group tasks must be a list, not %s", TypeName(orig)), ".kwargs.tasks")
	}
	rebuilt := ol // rebuilt in its own place: see settle
	if !owned {
		rebuilt = ListOf(make([]Value, ol.Len()), ol.Tuple())
	}
	for i, t := range ol.Items() {
		if rebuilt.Items()[i], err = maybeSignature(t, false, owned); err != nil {
			return nil, at(err, fmt.Sprintf(".kwargs.tasks[%d]", i))
		}
	}
	kwargs.(*Dict).SetKey(KeyTasks, rebuilt)
	opts, err := item(d, "options")
	if err != nil {
		return nil, err
	}
	kw, ok := opts.(*Dict)
	if !ok {
		return nil, typeError("group() argument after ** must be a mapping, not %s", TypeName(opts))
	}
	return newGroup(rebuilt, kw)
}

func chordFromDict(d *Dict, owned bool) (*Dict, error) {
	options := d.Copy()
	kwv, err := item(options, "kwargs")
	if err != nil {
		return nil, err
	}
	kwd, ok := kwv.(*Dict)
	if !ok {
		return nil, typeError("_unpack_args() argument after ** must be a mapping, not %s", TypeName(kwv))
	}
	var header, body Value
	extra := &Dict{}
	for _, p := range kwd.Pairs() {
		switch p.Key.String() {
		case "header":
			header = p.Val
		case "body":
			body = p.Val
		default:
			extra.SetKey(p.Key, p.Val)
		}
	}
	options.SetKey(KeyKwargs, extra)
	// chord(header, body, app=app, **options): task, args and kwargs bind to
	// chord's own parameters, the rest go on to Signature.__init__.
	task, args, kwargs := Value("celery.chord"), Value(nil), Value(nil)
	kw := &Dict{}
	for _, p := range options.Pairs() {
		switch p.Key.String() {
		case "header", "body":
			return nil, typeError("__init__() got multiple values for argument '%s'", p.Key.String())
		case "task":
			task = p.Val
		case "args":
			args = p.Val
		case "kwargs":
			kwargs = p.Val
		default:
			kw.AppendPairs(p)
		}
	}
	return newChord(header, body, task, args, kwargs, kw, owned)
}

// mapFromDict is xmap/xstarmap/chunks.from_dict: the class is rebuilt from
// kwargs (task, it[, n]) and options; Celery gives it a fixed task name and
// immutable=True, and does not set subtask_type.
func mapFromDict(d *Dict, class Class) (*Dict, error) {
	kwargs, err := item(d, "kwargs")
	if err != nil {
		return nil, err
	}
	keys := []string{"task", "it"}
	name := map[Class]string{XMap: "celery.map", XStarMap: "celery.starmap", Chunks: "celery.chunks"}[class]
	if class == Chunks {
		keys = append(keys, "n")
	}
	inner := &Dict{}
	for _, k := range keys {
		v, err := item(kwargs, k)
		if err != nil {
			return nil, err
		}
		if k == "it" && !isList(v) {
			// regen(it): any iterable, read when the signature is dumped.
			items, err := Iterate(v)
			if err != nil {
				return nil, err
			}
			v = NewList(append([]Value(nil), items...)...)
		}
		inner.Set(k, v)
	}
	opts, err := item(d, "options")
	if err != nil {
		return nil, err
	}
	kw, ok := opts.(*Dict)
	if !ok {
		return nil, typeError("%s() argument after ** must be a mapping, not %s", class, TypeName(opts))
	}
	return newSignature(class, name, nil, inner, kw, &sigParams{immutable: true, hasImmutable: true})
}

// WrapGroup is group(tasks) as StampingVisitor.on_chord_header_start calls
// it: a new group holding the header list itself (not a copy).
func WrapGroup(tasks Value) (*Dict, error) { return newGroup(tasks, nil) }

// settle returns sig, which from_dict built from d, a dict Load has just
// decoded and nothing else refers to. The decoder made d and its args,
// kwargs and options in its blocks (see slab.go), where they would stay,
// dead, for as long as the canvas lives; settle moves sig into them
// instead, where they fit, and lets sig's own new containers go. Nothing
// can tell the difference: nothing but sig refers to them afterwards.
func settle(d, sig *Dict) *Dict {
	if cap(d.Pairs()) < sig.Len() || holds(sig, d) {
		return sig
	}
	for i := range sig.Pairs() {
		p := &sig.Pairs()[i]
		switch p.Key.String() {
		case "args", "kwargs", "options":
			if old := d.LookupKey(p.Key); old != p.Val && !holds(sig, old) {
				p.Val = moveInto(old, p.Val)
			}
		}
	}
	d.SetClass(sig.Class())
	d.SetPairs(append(d.Pairs()[:0], sig.Pairs()...))
	return d
}

// moveInto puts fresh's pairs or items into old, a dead container of the
// same kind with room for them, and returns the one to keep.
func moveInto(old, fresh Value) Value {
	switch f := fresh.(type) {
	case *Dict:
		if o, ok := old.(*Dict); ok && cap(o.Pairs()) >= f.Len() {
			o.SetClass(f.Class())
			o.SetPairs(append(o.Pairs()[:0], f.Pairs()...))
			return o
		}
	case *List:
		if o, ok := old.(*List); ok && cap(o.Items()) >= f.Len() {
			o.SetTuple(f.Tuple())
			o.SetItems(append(o.Items()[:0], f.Items()...))
			return o
		}
	}
	return fresh
}

// holds reports whether sig refers to x as one of its values or one of
// its args', kwargs' or options' values: from_dict passes some decoded
// values on as they are (a task's links, a map's iterable), and settle
// must never reuse one of those.
func holds(sig *Dict, x Value) bool {
	for _, p := range sig.Pairs() {
		if p.Val == x {
			return true
		}
		switch c := p.Val.(type) {
		case *Dict:
			for _, q := range c.Pairs() {
				if q.Val == x {
					return true
				}
			}
		case *List:
			for _, it := range c.Items() {
				if it == x {
					return true
				}
			}
		}
	}
	return false
}
