// Package codegen writes a canvas back as code that builds it: Python for a
// Celery project (chain(add.s(2, 2), …) with .set(...), links and errbacks)
// or a canvas script (see package build).
//
// The code is what a Celery user would write where that builds exactly the
// canvas: add.s(…) and add.si(…), .set(…), .on_error(…), x.link(…),
// chain(…), group([…]) and chord([…], body). Where Celery's constructors
// would change the canvas — chain(a, group, b) makes a chord, chord([...])
// clones its header — it picks the form that keeps it (chain([...],
// options={}), chord(group([...]), body)), and for what no constructor makes
// (a leaf with unknown keys, a link kept as JSON) it writes the dict itself,
// through signature({...}) when it is a signature. An object found in
// several places of the canvas (an errback shared by the tasks of a chain, a
// stamp value shared by many signatures) is built once, in a variable, and
// used everywhere, so the copy shares what the original shares.
package codegen

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/stampede-dev/stampede/canvas"
)

// Language is what the code is written in.
type Language int

// The languages.
const (
	Python Language = iota // Python for a Celery project
	Script                 // a stampede canvas script (.star)
)

// TaskStyle is how Python code refers to the tasks.
type TaskStyle int

// The task styles.
const (
	// ImportTasks imports each task as `from MODULE import FUNCTION`, the
	// module and function of Celery's default task name; a name that cannot
	// be imported that way (no module, not identifiers, a celery.* task) is
	// written as signature("NAME", …).
	ImportTasks TaskStyle = iota
	// NamedTasks writes every signature as signature("NAME", …): the code
	// then needs no task of the project to be importable.
	NamedTasks
)

// Options choose the code written.
type Options struct {
	Language Language
	Tasks    TaskStyle // Python only
	Source   string    // what the canvas was read from, for the header comment
	Width    int       // line width; 0 means 88
}

// PythonCode writes Python that, run in a Celery project with the named
// tasks, builds a canvas equal to c (json.dumps gives the same JSON) in the
// variable canvas.
func PythonCode(c *canvas.Dict, source string) ([]byte, error) {
	return Generate(c, Options{Language: Python, Source: source})
}

// ScriptCode writes a canvas script that builds c.
func ScriptCode(c *canvas.Dict, source string) ([]byte, error) {
	return Generate(c, Options{Language: Script, Source: source})
}

// ErrCycle is a canvas that contains itself: no code can build it.
var ErrCycle = errors.New("the canvas contains itself")

// Generate writes the code that builds c.
func Generate(c *canvas.Dict, opts Options) ([]byte, error) {
	if opts.Width <= 0 {
		opts.Width = 88
	}
	g := &gen{
		opts:   opts,
		dicts:  map[*canvas.Dict]int32{},
		lists:  map[*canvas.List]int32{},
		names:  map[any]string{},
		active: map[any]bool{},
		used:   map[string]bool{},
		tasks:  map[string]*taskRef{},
		seq:    map[string]int{},
		celery: map[string]bool{},
		lazies: map[*canvas.Lazy]*canvas.List{},
		root:   c,
	}
	for _, n := range reservedNames {
		g.used[n] = true
	}
	g.count(c)
	if g.err != nil {
		return nil, g.err
	}
	root, err := g.expr(c)
	if err != nil {
		return nil, err
	}
	if a, ok := root.(atom); !ok || a != "canvas" {
		g.stmts = append(g.stmts, stmt{target: "canvas", expr: root})
	}
	return g.write(), nil
}

type gen struct {
	opts   Options
	dicts  map[*canvas.Dict]int32 // how many times each dict is referenced
	lists  map[*canvas.List]int32 // how many times each list is referenced
	names  map[any]string         // objects already bound to a variable
	active map[any]bool           // shared objects being generated (to find cycles)
	used   map[string]bool
	tasks  map[string]*taskRef
	seq    map[string]int // last number used per variable prefix
	celery map[string]bool
	stmts  []stmt
	root   *canvas.Dict
	// lazies holds the members of each lazy group, all produced: code
	// cannot hold a generator, so a lazy group is written with a list.
	lazies map[*canvas.Lazy]*canvas.List
	err    error
}

// seqOf is v as a list: a list itself, or the members of a lazy sequence.
func (g *gen) seqOf(v canvas.Value) (*canvas.List, bool) {
	switch x := v.(type) {
	case *canvas.List:
		return x, true
	case *canvas.Lazy:
		if l, ok := g.lazies[x]; ok {
			return l, true
		}
		items, err := x.All()
		if err != nil && g.err == nil {
			g.err = err
		}
		l := canvas.NewList(items...)
		g.lazies[x] = l
		return l, true
	}
	return nil, false
}

// refs is how many times a dict or list is referenced in the canvas.
func (g *gen) refs(v canvas.Value) int32 {
	switch x := v.(type) {
	case *canvas.Dict:
		return g.dicts[x]
	case *canvas.List:
		return g.lists[x]
	}
	return 0
}

// taskRef is how the code refers to one task.
type taskRef struct {
	name   string
	ident  string // the variable holding the task; "" = use signature("name", …)
	module string // Python: the module it is imported from
	fn     string // Python: the name imported
}

// keywords are Python's and Starlark's reserved words.
var keywords = strings.Fields(`False None True and as assert async await break class continue def del elif
else except finally for from global if import in is lambda load nonlocal not or pass raise return try while with
yield`)

// reservedNames cannot be variables: keywords, the canvas vocabulary and
// the builtins the code may use.
var reservedNames = append(strings.Fields(`match case type canvas chain chord group signature task visitor json
maybe_signature float print range len list dict tuple str int bool set`), keywords...)

func isKeyword(s string) bool {
	for _, k := range keywords {
		if s == k {
			return true
		}
	}
	return false
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9' {
			continue
		}
		return false
	}
	return true
}

// safeKwarg reports whether key can be written as key=value in a call.
func safeKwarg(key string) bool { return isIdent(key) && !isKeyword(key) }

// count records how often every dict and list is reached.
func (g *gen) count(v canvas.Value) {
	switch x := v.(type) {
	case *canvas.Dict:
		g.dicts[x]++
		if g.dicts[x] > 1 {
			return
		}
		for _, p := range x.Pairs() {
			g.count(p.Val)
		}
	case *canvas.List:
		g.lists[x]++
		if g.lists[x] > 1 {
			return
		}
		for _, it := range x.Items() {
			g.count(it)
		}
	case *canvas.Lazy:
		l, _ := g.seqOf(x)
		g.count(l)
	}
}

// newName returns an unused variable name starting with prefix.
func (g *gen) newName(prefix string) string {
	for {
		g.seq[prefix]++
		name := fmt.Sprintf("%s_%d", prefix, g.seq[prefix])
		if !g.used[name] {
			g.used[name] = true
			return name
		}
	}
}

// bind emits `name = n` for object x (the root is called canvas) and
// returns the name.
func (g *gen) bind(x any, prefix string, n node) atom {
	var name string
	if d, ok := x.(*canvas.Dict); ok && d == g.root {
		name = "canvas"
	} else {
		name = g.newName(prefix)
	}
	g.stmts = append(g.stmts, stmt{target: name, expr: n})
	if x != nil {
		g.names[x] = name
	}
	return atom(name)
}

// expr is the code for a value. An object referenced more than once is
// built once, in a variable.
func (g *gen) expr(v canvas.Value) (node, error) {
	if a, ok := scalar(v); ok {
		return a, nil
	}
	shared := g.refs(v) > 1
	if !shared {
		return g.build(v)
	}
	if name, ok := g.names[v]; ok {
		return atom(name), nil
	}
	if g.active[v] {
		return nil, ErrCycle
	}
	g.active[v] = true
	n, err := g.build(v)
	delete(g.active, v)
	if err != nil {
		return nil, err
	}
	if name, ok := g.names[v]; ok {
		return atom(name), nil
	}
	return g.bind(v, g.prefix(v), n), nil
}

// prefix is the variable prefix for a shared object.
func (g *gen) prefix(v canvas.Value) string {
	d, ok := v.(*canvas.Dict)
	if !ok {
		return "shared"
	}
	switch d.Class() {
	case canvas.Chain:
		return "chain"
	case canvas.Group:
		return "group"
	case canvas.Chord:
		return "chord"
	case canvas.Plain:
		if !standardLeaf(d) {
			return "shared"
		}
	}
	if t, ok := d.LookupKey(canvas.KeyTask).(string); ok && standardLeaf(d) {
		if ref := g.task(t); ref.ident != "" {
			return ref.ident
		}
	}
	return "sig"
}

// build is the code for a dict or list (not yet bound to a name).
func (g *gen) build(v canvas.Value) (node, error) {
	switch x := v.(type) {
	case *canvas.List:
		return g.list(x)
	case *canvas.Lazy:
		l, _ := g.seqOf(x)
		return g.expr(l)
	case *canvas.Dict:
		switch x.Class() {
		case canvas.Plain:
			return g.plain(x)
		case canvas.Signature:
			return g.leaf(x)
		case canvas.Chain:
			return g.chain(x)
		case canvas.Group:
			return g.group(x)
		case canvas.Chord:
			return g.chord(x)
		}
		return g.fallback(x)
	}
	return nil, fmt.Errorf("cannot write a %s as code", canvas.TypeName(v))
}

func (g *gen) list(l *canvas.List) (node, error) {
	s := &seq{tuple: l.Tuple(), items: make([]node, l.Len())}
	for i, it := range l.Items() {
		n, err := g.expr(it)
		if err != nil {
			return nil, err
		}
		s.items[i] = n
	}
	return s, nil
}

// literal is the dict written as a dict literal (values as code).
func (g *gen) literal(d *canvas.Dict) (*dictLit, error) {
	out := &dictLit{keys: make([]string, d.Len()), vals: make([]node, d.Len())}
	for i, p := range d.Pairs() {
		n, err := g.expr(p.Val)
		if err != nil {
			return nil, err
		}
		out.keys[i], out.vals[i] = p.Key.String(), n
	}
	return out, nil
}

// plain is a plain dict: a link or member still in its JSON form is written
// as the signature it stands for when that gives the same JSON, otherwise as
// the dict itself.
func (g *gen) plain(d *canvas.Dict) (node, error) {
	if standardLeaf(d) {
		return g.leaf(d)
	}
	if loaded := loadSpine(d); loaded != nil {
		return g.build(loaded)
	}
	return g.literal(d)
}

// loadSpine is signature(d) for a plain dict shaped like a chain, group or
// chord, without changing d: the dicts and lists signature() rewrites are
// copied first, everything else (leaves, options, values) is d's own. It
// returns nil when d does not load to the same JSON.
func loadSpine(d *canvas.Dict) *canvas.Dict {
	switch d.LookupKey(canvas.KeySubtaskType) {
	case "chain", "group", "chord":
	default:
		return nil
	}
	s, err := canvas.SignatureOf(spineCopy(d))
	if err != nil || !sameValue(s, d) {
		return nil
	}
	return s
}

func spineCopy(v canvas.Value) canvas.Value {
	d, ok := v.(*canvas.Dict)
	if !ok || d.Class() != canvas.Plain {
		return v
	}
	switch d.LookupKey(canvas.KeySubtaskType) {
	case "chain", "group", "chord":
	default:
		return v
	}
	c := d.Copy()
	if kw, ok := c.LookupKey(canvas.KeyKwargs).(*canvas.Dict); ok {
		kc := kw.Copy()
		for _, key := range []string{"tasks", "header"} {
			switch t := kc.Lookup(key).(type) {
			case *canvas.List:
				items := make([]canvas.Value, t.Len())
				for i, it := range t.Items() {
					items[i] = spineCopy(it)
				}
				kc.Set(key, canvas.ListOf(items, t.Tuple()))
			case *canvas.Dict:
				kc.Set(key, spineCopy(t))
			}
		}
		if kc.HasKey(canvas.KeyBody) {
			kc.SetKey(canvas.KeyBody, spineCopy(kc.LookupKey(canvas.KeyBody)))
		}
		c.SetKey(canvas.KeyKwargs, kc)
	}
	return c
}

// sameValue is JSON equality: dict key order and list/tuple do not matter,
// types do (1, 1.0 and True differ).
func sameValue(a, b canvas.Value) bool {
	switch x := a.(type) {
	case *canvas.Dict:
		y, ok := b.(*canvas.Dict)
		if !ok || x.Len() != y.Len() {
			return false
		}
		for _, p := range x.Pairs() {
			v, ok := y.GetKey(p.Key)
			if !ok || !sameValue(p.Val, v) {
				return false
			}
		}
		return true
	case *canvas.List:
		y, ok := b.(*canvas.List)
		if !ok || x.Len() != y.Len() {
			return false
		}
		for i := range x.Items() {
			if !sameValue(x.Items()[i], y.Items()[i]) {
				return false
			}
		}
		return true
	case float64:
		y, ok := b.(float64)
		return ok && (x == y || x != x && y != y)
	case nil:
		return b == nil
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case canvas.Int:
		y, ok := b.(canvas.Int)
		return ok && x == y
	case string:
		y, ok := b.(string)
		return ok && x == y
	}
	return false
}

// standardLeaf reports whether d has exactly the keys Signature.__init__
// writes, with the types it writes (task a name, args a list or tuple,
// kwargs and options plain dicts, subtask_type None).
func standardLeaf(d *canvas.Dict) bool {
	if d.Len() != 6 || d.LookupKey(canvas.KeySubtaskType) != nil || !d.HasKey(canvas.KeySubtaskType) || !d.HasKey(canvas.KeyImmutable) {
		return false
	}
	if _, ok := d.LookupKey(canvas.KeyTask).(string); !ok {
		return false
	}
	if _, ok := d.LookupKey(canvas.KeyArgs).(*canvas.List); !ok {
		return false
	}
	if k, ok := d.LookupKey(canvas.KeyKwargs).(*canvas.Dict); !ok || k.Class() != canvas.Plain {
		return false
	}
	if o, ok := d.LookupKey(canvas.KeyOptions).(*canvas.Dict); !ok || o.Class() != canvas.Plain {
		return false
	}
	return true
}

// containsShared reports whether v, or anything in it, is referenced from
// elsewhere too. A leaf's args, kwargs and options containers do not count
// (Celery's constructors copy them; nothing changes them in place), only
// what they hold. It stops at the first shared object, so a cycle (which
// always passes through one) ends it.
func (g *gen) containsShared(v canvas.Value) bool {
	switch v.(type) {
	case *canvas.Dict, *canvas.List:
	default:
		return false
	}
	return g.refs(v) > 1 || g.sharedInside(v)
}

func (g *gen) sharedInside(v canvas.Value) bool {
	switch x := v.(type) {
	case *canvas.Dict:
		leaf := standardLeaf(x)
		for _, p := range x.Pairs() {
			if leaf && (p.Key.String() == "args" || p.Key.String() == "kwargs" || p.Key.String() == "options") {
				if g.sharedInside(p.Val) {
					return true
				}
				continue
			}
			if g.containsShared(p.Val) {
				return true
			}
		}
	case *canvas.List:
		for _, it := range x.Items() {
			if g.containsShared(it) {
				return true
			}
		}
	}
	return false
}

// task returns how the code refers to the task named name.
func (g *gen) task(name string) *taskRef {
	if ref, ok := g.tasks[name]; ok {
		return ref
	}
	ref := &taskRef{name: name}
	g.tasks[name] = ref
	parts := strings.Split(name, ".")
	fn := parts[len(parts)-1]
	module := strings.Join(parts[:len(parts)-1], ".")
	if g.opts.Language == Python && (g.opts.Tasks == NamedTasks || !importable(parts)) {
		return ref
	}
	want := identFrom(fn)
	if g.opts.Language == Python {
		ref.module, ref.fn, want = module, fn, fn
	}
	if g.used[want] && len(parts) > 1 {
		want = identFrom(strings.Join(parts, "_"))
	}
	ref.ident = g.freeIdent(want)
	g.used[ref.ident] = true
	return ref
}

// importable reports whether a task name reads as MODULE.FUNCTION with
// Python identifiers, outside Celery's own package.
func importable(parts []string) bool {
	if len(parts) < 2 || parts[0] == "celery" || parts[0] == "__future__" {
		return false
	}
	for _, p := range parts {
		if !isIdent(p) || isKeyword(p) {
			return false
		}
	}
	return true
}

// identFrom makes a variable name out of a task name part.
func identFrom(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
			b.WriteRune(r)
		case r >= '0' && r <= '9':
			if i == 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	out := b.String()
	if out == "" {
		out = "task"
	}
	if isKeyword(out) {
		out += "_"
	}
	return out
}

// freeIdent is want, or want with a number when want is taken.
func (g *gen) freeIdent(want string) string {
	if !g.used[want] {
		return want
	}
	for i := 2; ; i++ {
		name := fmt.Sprintf("%s%d", want, i)
		if !g.used[name] {
			return name
		}
	}
}

// write lays out the header, the task bindings and the statements.
func (g *gen) write() []byte {
	p := &printer{width: g.opts.Width}
	src := ""
	if g.opts.Source != "" {
		src = " from " + g.opts.Source
	}
	names := make([]string, 0, len(g.tasks))
	for n := range g.tasks {
		names = append(names, n)
	}
	sort.Strings(names)
	switch g.opts.Language {
	case Python:
		fmt.Fprintf(&p.b, "# Written by stampede%s.\n", src)
		p.b.WriteString("# Run in a Celery project that has these tasks, it builds the same canvas:\n")
		p.b.WriteString("# json.dumps(canvas) gives the canvas's JSON.\n")
		var celery []string
		for n := range g.celery {
			celery = append(celery, n)
		}
		sort.Strings(celery)
		if len(celery) > 0 {
			p.b.WriteString("from celery import " + strings.Join(celery, ", ") + "\n")
		}
		byModule := map[string][]string{}
		var modules []string
		for _, n := range names {
			ref := g.tasks[n]
			if ref.ident == "" {
				continue
			}
			imp := ref.fn
			if ref.ident != ref.fn {
				imp += " as " + ref.ident
			}
			if _, ok := byModule[ref.module]; !ok {
				modules = append(modules, ref.module)
			}
			byModule[ref.module] = append(byModule[ref.module], imp)
		}
		sort.Strings(modules)
		if len(modules) > 0 {
			p.b.WriteString("\n# Tasks by Celery's default names (module.function); import yours if they differ.\n")
		}
		for _, m := range modules {
			line := "from " + m + " import " + strings.Join(byModule[m], ", ")
			if len(line) > g.opts.Width {
				line = "from " + m + " import (\n    " + strings.Join(byModule[m], ",\n    ") + ",\n)"
			}
			p.b.WriteString(line + "\n")
		}
	case Script:
		fmt.Fprintf(&p.b, "# Canvas script written by stampede%s.\n", src)
		p.b.WriteString("# `stampede fmt FILE.star` prints the Celery JSON it builds.\n")
		sort.Slice(names, func(i, j int) bool { return g.tasks[names[i]].ident < g.tasks[names[j]].ident })
		if len(names) > 0 {
			p.b.WriteString("\n")
		}
		for _, n := range names {
			fmt.Fprintf(&p.b, "%s = task(%s)\n", g.tasks[n].ident, pyString(n))
		}
	}
	for i, s := range g.stmts {
		if i == 0 || i == len(g.stmts)-1 && s.target == "canvas" {
			p.b.WriteString("\n")
		}
		p.stmt(s)
	}
	return []byte(p.b.String())
}
