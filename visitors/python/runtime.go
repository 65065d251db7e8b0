package python

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/visitors"
	"github.com/stampede-dev/stampede/visitors/script"
)

// The host side of a translated Python visitor: classes and instances,
// super(), Celery's StampingVisitor defaults, uuid.uuid4(), Python's str,
// repr, format and print, and the modules a visitor may import.

// pyClass is a visitor class: its methods (Starlark functions taking self
// first, cls for a @classmethod, neither for a @staticmethod), its class
// attributes and its base (nil: StampingVisitor).
type pyClass struct {
	name      string
	base      *pyClass
	methods   map[string]*starlark.Function
	attrs     map[string]starlark.Value
	decorated map[string]string // method name → "staticmethod", "classmethod" or "property"
}

var (
	_ starlark.HasAttrs    = (*pyClass)(nil)
	_ starlark.HasSetField = (*pyClass)(nil)
	_ starlark.Callable    = (*pyClass)(nil)
)

func (c *pyClass) String() string        { return "<class '" + c.name + "'>" }
func (c *pyClass) Type() string          { return "type" }
func (c *pyClass) Freeze()               {}
func (c *pyClass) Truth() starlark.Bool  { return true }
func (c *pyClass) Hash() (uint32, error) { return starlark.String(c.name).Hash() }

// Attr is Class.attr: a class attribute, or a method as a plain function.
func (c *pyClass) Attr(name string) (starlark.Value, error) {
	if name == "__name__" {
		return starlark.String(c.name), nil
	}
	for k := c; k != nil; k = k.base {
		if v, ok := k.attrs[name]; ok {
			return v, nil
		}
		if f, ok := k.methods[name]; ok {
			return methodValue(f, k.decorated[name], nil, c, c.name+"."+name), nil
		}
	}
	return nil, starlark.NoSuchAttrError(fmt.Sprintf("type object '%s' has no attribute '%s'", c.name, name))
}

// AttrNames lists the class's attributes and methods.
func (c *pyClass) AttrNames() []string {
	seen := map[string]bool{}
	for k := c; k != nil; k = k.base {
		for n := range k.attrs {
			seen[n] = true
		}
		for n := range k.methods {
			seen[n] = true
		}
	}
	return sortedKeys(seen)
}

// SetField is Class.attr = value.
func (c *pyClass) SetField(name string, v starlark.Value) error {
	c.attrs[name] = v
	return nil
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// method finds a method in c or its bases.
func (c *pyClass) method(name string) *starlark.Function {
	f, _ := c.lookup(name)
	return f
}

// lookup finds the method name in the class or the nearest base that
// defines it, and its decorator ("" for a plain method).
func (c *pyClass) lookup(name string) (*starlark.Function, string) {
	for k := c; k != nil; k = k.base {
		if f, ok := k.methods[name]; ok {
			return f, k.decorated[name]
		}
	}
	return nil, ""
}

// methodValue is what reading method f gives: through an instance (self)
// a plain method bound to it, through the class (self nil) the function
// itself; a @classmethod bound to cls, the class it is read through; a
// @staticmethod the function itself either way.
func methodValue(f *starlark.Function, decorator string, self *instance, cls *pyClass, name string) starlark.Value {
	switch {
	case decorator == "staticmethod":
		return f
	case decorator == "classmethod":
		return bind(cls, f, name)
	case self == nil:
		return f
	}
	return bind(self, f, name)
}

// instance is the visitor object: `self`.
type instance struct {
	cls   *pyClass
	attrs map[string]starlark.Value
	order []string

	// thread is the one the instance was made on, which runs every hook
	// of the stamp: a @property's getter runs on it, under the budget
	// of the hook that reads it.
	thread *starlark.Thread
}

var (
	_ starlark.HasAttrs    = (*instance)(nil)
	_ starlark.HasSetField = (*instance)(nil)
)

func (o *instance) String() string        { return "<" + o.cls.name + " object>" }
func (o *instance) Type() string          { return o.cls.name }
func (o *instance) Freeze()               {} // a visitor's state stays mutable for the whole run
func (o *instance) Truth() starlark.Bool  { return true }
func (o *instance) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable type: '%s'", o.cls.name) }

// Attr is self.attr: an instance attribute, a bound method, a class
// attribute, or one of StampingVisitor's default hooks.
func (o *instance) Attr(name string) (starlark.Value, error) {
	if v, ok := o.attrs[name]; ok {
		return v, nil
	}
	if f, d := o.cls.lookup(name); f != nil {
		if d == "property" {
			return o.property(f)
		}
		return methodValue(f, d, o, o.cls, o.cls.name+"."+name), nil
	}
	for k := o.cls; k != nil; k = k.base {
		if v, ok := k.attrs[name]; ok {
			return v, nil
		}
	}
	if name == "__class__" {
		return o.cls, nil
	}
	if d := defaultMethod(o, name); d != nil {
		return d, nil
	}
	return nil, starlark.NoSuchAttrError(fmt.Sprintf("'%s' object has no attribute '%s'", o.cls.name, name))
}

// AttrNames lists the instance's attributes and methods.
func (o *instance) AttrNames() []string {
	seen := map[string]bool{}
	for _, n := range o.order {
		seen[n] = true
	}
	for _, n := range o.cls.AttrNames() {
		seen[n] = true
	}
	return sortedKeys(seen)
}

// property runs a @property's getter.
func (o *instance) property(getter *starlark.Function) (starlark.Value, error) {
	if o.thread == nil {
		return nil, fmt.Errorf("the property %s is read outside a stamp", getter.Name())
	}
	return starlark.Call(o.thread, getter, starlark.Tuple{o}, nil)
}

// SetField is self.attr = value.
func (o *instance) SetField(name string, v starlark.Value) error {
	if _, d := o.cls.lookup(name); d == "property" {
		return fmt.Errorf("AttributeError: property '%s' of '%s' object has no setter", name, o.cls.name)
	}
	if _, ok := o.attrs[name]; !ok {
		o.order = append(o.order, name)
	}
	o.attrs[name] = v
	return nil
}

// bind is a method bound to its instance.
func bind(self starlark.Value, f starlark.Callable, name string) *starlark.Builtin {
	return starlark.NewBuiltin(name, func(thread *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		all := make(starlark.Tuple, 0, len(args)+1)
		all = append(all, self)
		all = append(all, args...)
		return starlark.Call(thread, f, all, kwargs)
	})
}

// superProxy is super(): attribute lookup starting above a class.
type superProxy struct {
	self *instance
	from *pyClass // look up in from.base and above
}

func (s *superProxy) String() string        { return "<super: " + s.from.name + ">" }
func (s *superProxy) Type() string          { return "super" }
func (s *superProxy) Freeze()               {}
func (s *superProxy) Truth() starlark.Bool  { return true }
func (s *superProxy) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable type: 'super'") }
func (s *superProxy) AttrNames() []string   { return nil }

// Attr finds a method of the base classes, down to StampingVisitor.
func (s *superProxy) Attr(name string) (starlark.Value, error) {
	if b := s.from.base; b != nil {
		if f, d := b.lookup(name); f != nil {
			if d == "property" {
				return s.self.property(f)
			}
			return methodValue(f, d, s.self, s.self.cls, b.name+"."+name), nil
		}
		for k := b; k != nil; k = k.base {
			if v, ok := k.attrs[name]; ok {
				return v, nil
			}
		}
	}
	if d := defaultMethod(s.self, name); d != nil {
		return d, nil
	}
	return nil, starlark.NoSuchAttrError(fmt.Sprintf("'super' object has no attribute '%s'", name))
}

// defaultMethod is StampingVisitor's method name bound to self (and
// object's __init__), or nil.
func defaultMethod(self *instance, name string) *starlark.Builtin {
	if name == "__init__" {
		return starlark.NewBuiltin("object.__init__", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			if len(args) > 0 || len(kwargs) > 0 {
				return nil, fmt.Errorf("TypeError: object.__init__() takes exactly one argument (the instance to initialize)")
			}
			return starlark.None, nil
		})
	}
	h, ok := visitors.ParseHook(name)
	if !ok {
		return nil
	}
	return starlark.NewBuiltin("StampingVisitor."+name, func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if len(args) != 1 {
			return nil, fmt.Errorf("TypeError: StampingVisitor.%s() takes 2 positional arguments but %d were given", name, len(args)+1)
		}
		switch h {
		case visitors.OnSignature, visitors.OnGroupEnd, visitors.OnChainEnd:
			return starlark.None, nil
		case visitors.OnChordHeaderStart, visitors.OnChordHeaderEnd:
			return chordHeaderDefault(thread, self, h, args[0], kwargs)
		}
		return starlark.NewDict(0), nil
	})
}

// chordHeaderDefault is StampingVisitor.on_chord_header_start (wrap the
// header in a group if it is not one, in place, and return
// self.on_group_start(header)) and on_chord_header_end
// (self.on_group_end(header)).
func chordHeaderDefault(thread *starlark.Thread, self *instance, h visitors.Hook, sig starlark.Value, kwargs []starlark.Tuple) (starlark.Value, error) {
	t, ok := script.SigTarget(sig)
	chord, isDict := t.Value.(*canvas.Dict)
	if !ok || !isDict {
		return nil, fmt.Errorf("AttributeError: StampingVisitor.%s needs the chord it was given (got %s)", h, script.PyType(sig))
	}
	header, err := canvas.Tasks(chord)
	if err != nil {
		return nil, err
	}
	next := "on_group_end"
	if h == visitors.OnChordHeaderStart {
		next = "on_group_start"
		if g, isGroup := header.(*canvas.Dict); !isGroup || g.Class() != canvas.Group {
			g, err := canvas.WrapGroup(header)
			if err != nil {
				return nil, err
			}
			if err := canvas.SetTasks(t.Log, chord, g); err != nil {
				return nil, err
			}
			header = g
		}
	}
	p := t.Path.Field("header")
	view := script.NewSig(visitors.Target{Value: header, Path: p, Depth: p.Depth(), Parent: t.Path, Owner: chord, Root: t.Root, Log: t.Log})
	fn, err := self.Attr(next)
	if err != nil {
		return nil, err
	}
	return starlark.Call(thread, fn, starlark.Tuple{view}, kwargs)
}

// uuidValue is a uuid.UUID: str() gives its dashed form, .hex its 32 hex
// digits; returned in a stamp it is its dashed string.
type uuidValue struct{ u uuid.UUID }

var (
	_ starlark.HasAttrs   = (*uuidValue)(nil)
	_ starlark.Comparable = (*uuidValue)(nil)
	_ script.CanvasValuer = (*uuidValue)(nil)
	_ starlark.Callable   = (*marker)(nil)
	_ starlark.Mapping    = (*marker)(nil)
	_ starlark.HasAttrs   = (*pyModule)(nil)
	_ starlark.HasAttrs   = (*logger)(nil)
	_ starlark.Callable   = (*exception)(nil)
	_ starlark.HasAttrs   = (*superProxy)(nil)
)

func (u *uuidValue) String() string        { return u.u.String() }
func (u *uuidValue) Type() string          { return "UUID" }
func (u *uuidValue) Freeze()               {}
func (u *uuidValue) Truth() starlark.Bool  { return true }
func (u *uuidValue) Hash() (uint32, error) { return starlark.String(u.u.String()).Hash() }
func (u *uuidValue) AttrNames() []string   { return []string{"hex", "int", "urn", "version"} }

// CanvasValue is the uuid's string form: a canvas is JSON, which has no
// UUID (kombu 5.6's own serializer wraps one in a {"__type__": "uuid"}
// envelope that only kombu reads back).
func (u *uuidValue) CanvasValue() canvas.Value { return u.u.String() }

// Attr is uuid.hex, .int, .urn or .version.
func (u *uuidValue) Attr(name string) (starlark.Value, error) {
	switch name {
	case "hex":
		return starlark.String(strings.ReplaceAll(u.u.String(), "-", "")), nil
	case "int":
		return starlark.MakeBigInt(new(big.Int).SetBytes(u.u[:])), nil
	case "urn":
		return starlark.String(u.u.URN()), nil
	case "version":
		return starlark.MakeInt(int(u.u.Version())), nil
	}
	return nil, starlark.NoSuchAttrError(fmt.Sprintf("'UUID' object has no attribute '%s'", name))
}

// CompareSameType compares two uuids.
func (u *uuidValue) CompareSameType(op syntax.Token, y starlark.Value, depth int) (bool, error) {
	return starlark.Compare(op, starlark.String(u.u.String()), starlark.String(y.(*uuidValue).u.String()))
}

var uuid4Builtin = starlark.NewBuiltin("uuid4", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
		return nil, err
	}
	return &uuidValue{uuid.New()}, nil
})

// marker stands for a name imported from celery or typing: usable as a
// base class, in annotations and in isinstance(), not callable.
type marker struct{ module, name string }

func (m *marker) String() string        { return "<" + m.module + "." + m.name + ">" }
func (m *marker) Type() string          { return "type" }
func (m *marker) Freeze()               {}
func (m *marker) Truth() starlark.Bool  { return true }
func (m *marker) Hash() (uint32, error) { return starlark.String(m.module + "." + m.name).Hash() }
func (m *marker) Name() string          { return m.name }

// CallInternal refuses: a visitor does not build canvases.
func (m *marker) CallInternal(*starlark.Thread, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
	return nil, fmt.Errorf("%s.%s() cannot be called in a stampede visitor (it is imported for type checks and annotations only)", m.module, m.name)
}

// Get makes Dict[str, Any] and friends evaluate (to the marker itself).
func (m *marker) Get(starlark.Value) (starlark.Value, bool, error) { return m, true, nil }

// pyModule is an imported module: a fixed set of members, or (for celery
// and typing) a marker for any name.
type pyModule struct {
	name    string
	members starlark.StringDict
	open    bool // any other name is a marker
}

func (m *pyModule) String() string        { return "<module '" + m.name + "'>" }
func (m *pyModule) Type() string          { return "module" }
func (m *pyModule) Freeze()               {}
func (m *pyModule) Truth() starlark.Bool  { return true }
func (m *pyModule) Hash() (uint32, error) { return starlark.String(m.name).Hash() }
func (m *pyModule) AttrNames() []string   { return m.members.Keys() }

// Attr is module.name.
func (m *pyModule) Attr(name string) (starlark.Value, error) {
	if v, ok := m.members[name]; ok {
		return v, nil
	}
	if m.open {
		return &marker{m.name, name}, nil
	}
	return nil, starlark.NoSuchAttrError(fmt.Sprintf("module '%s' has no attribute '%s'", m.name, name))
}

// logger is a logging.Logger whose records go to print().
type logger struct{ name string }

func (l *logger) String() string        { return "<Logger " + l.name + ">" }
func (l *logger) Type() string          { return "Logger" }
func (l *logger) Freeze()               {}
func (l *logger) Truth() starlark.Bool  { return true }
func (l *logger) Hash() (uint32, error) { return starlark.String(l.name).Hash() }

var logLevels = []string{"critical", "debug", "error", "exception", "info", "warn", "warning"}

func (l *logger) AttrNames() []string { return logLevels }

// Attr is logger.info and the other level methods: msg % args, printed as
// "LEVEL name: message".
func (l *logger) Attr(name string) (starlark.Value, error) {
	level := strings.ToUpper(name)
	switch name {
	case "warn":
		level = "WARNING"
	case "exception":
		level = "ERROR"
	case "critical", "debug", "error", "info", "warning":
	default:
		return nil, starlark.NoSuchAttrError(fmt.Sprintf("'Logger' object has no attribute '%s'", name))
	}
	return starlark.NewBuiltin(l.name+"."+name, func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if len(args) == 0 {
			return nil, fmt.Errorf("TypeError: %s() missing 1 required positional argument: 'msg'", name)
		}
		msg := pyStr(args[0])
		if len(args) > 1 {
			var rest starlark.Value = args[1:]
			if len(args) == 2 {
				rest = args[1]
			}
			s, err := pyPercent(msg, rest)
			if err != nil {
				return nil, err
			}
			msg = s
		}
		printLine(thread, level+" "+l.name+": "+msg)
		return starlark.None, nil
	}), nil
}

func printLine(thread *starlark.Thread, msg string) {
	if thread.Print != nil {
		thread.Print(thread, msg)
	}
}

// exception is a Python exception class or instance, for raise.
type exception struct {
	name string
	args starlark.Tuple
	inst bool
}

func (e *exception) String() string {
	if !e.inst {
		return "<class '" + e.name + "'>"
	}
	return e.message()
}
func (e *exception) Type() string          { return e.name }
func (e *exception) Freeze()               {}
func (e *exception) Truth() starlark.Bool  { return true }
func (e *exception) Hash() (uint32, error) { return starlark.String(e.name).Hash() }
func (e *exception) Name() string          { return e.name }

// CallInternal makes an exception instance: ValueError("bad").
func (e *exception) CallInternal(_ *starlark.Thread, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if len(kwargs) > 0 {
		return nil, fmt.Errorf("TypeError: %s() takes no keyword arguments", e.name)
	}
	return &exception{name: e.name, args: args, inst: true}, nil
}

func (e *exception) message() string {
	switch len(e.args) {
	case 0:
		return e.name
	case 1:
		if e.name == "KeyError" {
			return e.name + ": " + pyRepr(e.args[0])
		}
		return e.name + ": " + pyStr(e.args[0])
	}
	return e.name + ": " + pyRepr(e.args)
}

var exceptionNames = []string{
	"AssertionError", "AttributeError", "Exception", "IndexError", "KeyError", "LookupError",
	"NotImplementedError", "RuntimeError", "TypeError", "ValueError",
}

// modules are what `import X` / `from X import Y` give.
func importValue(module, name string) (starlark.Value, error) {
	mod, err := moduleValue(module)
	if err != nil {
		return nil, err
	}
	if name == "" {
		return mod, nil
	}
	if module == "celery" && name == "canvas" {
		return moduleValue("celery.canvas")
	}
	v, err := mod.Attr(name)
	if err != nil {
		return nil, fmt.Errorf("ImportError: cannot import name '%s' from '%s'", name, module)
	}
	return v, nil
}

func moduleValue(module string) (*pyModule, error) {
	switch module {
	case "uuid":
		return &pyModule{name: "uuid", members: starlark.StringDict{"uuid4": uuid4Builtin}}, nil
	case "celery":
		canvasMod, _ := moduleValue("celery.canvas")
		utils := &pyModule{name: "celery.utils", members: starlark.StringDict{"log": celeryLog}}
		return &pyModule{name: "celery", open: true, members: starlark.StringDict{"canvas": canvasMod, "utils": utils}}, nil
	case "celery.canvas", "typing":
		return &pyModule{name: module, open: true, members: starlark.StringDict{}}, nil
	case "json":
		return jsonModule, nil
	case "logging":
		return loggingModule, nil
	case "celery.utils.log":
		return celeryLog, nil
	case "time":
		return timeModule, nil
	case "datetime":
		return datetimeModule, nil
	}
	return nil, fmt.Errorf("ModuleNotFoundError: No module named '%s'", module)
}

var getLogger = starlark.NewBuiltin("getLogger", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	name := "root"
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0, &name); err != nil {
		return nil, err
	}
	return &logger{name}, nil
})

var (
	loggingModule = &pyModule{name: "logging", members: starlark.StringDict{
		"getLogger": getLogger,
		"DEBUG":     starlark.MakeInt(10), "INFO": starlark.MakeInt(20), "WARNING": starlark.MakeInt(30),
		"ERROR": starlark.MakeInt(40), "CRITICAL": starlark.MakeInt(50),
	}}
	celeryLog = &pyModule{name: "celery.utils.log", members: starlark.StringDict{
		"get_task_logger": getLogger,
		"get_logger":      getLogger,
	}}
	jsonModule = &pyModule{name: "json", members: starlark.StringDict{
		"dumps":  starlark.NewBuiltin("json.dumps", jsonDumps),
		"loads":  script.JSON.Members["decode"],
		"encode": script.JSON.Members["encode"],
		"decode": script.JSON.Members["decode"],
		"indent": script.JSON.Members["indent"],
	}}
)

// predeclared is what a translated Python visitor sees besides the
// Starlark visitor names (state, uuid4, json).
func predeclared(module string) starlark.StringDict {
	d := starlark.StringDict{
		"__name__":     starlark.String(module),
		"uuid4":        uuid4Builtin,
		"_import":      starlark.NewBuiltin("_import", builtinImport),
		"_class":       starlark.NewBuiltin("_class", builtinClass),
		"_new":         starlark.NewBuiltin("__init__", builtinNew),
		"_super":       starlark.NewBuiltin("super", builtinSuper),
		"_pyformat":    starlark.NewBuiltin("format", builtinPyFormat),
		"_percent":     starlark.NewBuiltin("%", builtinPercent),
		"_method":      starlark.NewBuiltin("method", builtinMethod),
		"_pow":         starlark.NewBuiltin("pow", builtinPow), // x ** y, which a local pow cannot shadow
		"_str_format":  starlark.NewBuiltin("str.format", builtinStrFormat),
		"_merge_dicts": starlark.NewBuiltin("dict", builtinMergeDicts),
		"_raise":       starlark.NewBuiltin("raise", builtinRaise),
		"_assert":      starlark.NewBuiltin("assert", builtinAssert),
		"format":       starlark.NewBuiltin("format", builtinFormat),
		"str":          starlark.NewBuiltin("str", builtinStr),
		"repr":         starlark.NewBuiltin("repr", builtinRepr),
		"print":        starlark.NewBuiltin("print", builtinPrint),
		"isinstance":   starlark.NewBuiltin("isinstance", builtinIsinstance),
		"setattr":      starlark.NewBuiltin("setattr", builtinSetattr),
		"sum":          starlark.NewBuiltin("sum", builtinSum),
		"round":        starlark.NewBuiltin("round", builtinRound),
		"hex":          starlark.NewBuiltin("hex", builtinIntText),
		"oct":          starlark.NewBuiltin("oct", builtinIntText),
		"bin":          starlark.NewBuiltin("bin", builtinIntText),
		"divmod":       starlark.NewBuiltin("divmod", builtinDivmod),
		"pow":          starlark.NewBuiltin("pow", builtinPow),
		"callable":     starlark.NewBuiltin("callable", builtinCallable),
		"object":       &marker{"builtins", "object"},
	}
	for _, n := range exceptionNames {
		d[n] = &exception{name: n}
	}
	return d
}

func builtinImport(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var module, name string
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 2, &module, &name); err != nil {
		return nil, err
	}
	return importValue(module, name)
}

func builtinClass(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var name string
	var base starlark.Value
	var methods, attrs, decorated *starlark.Dict
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 5, &name, &base, &methods, &attrs, &decorated); err != nil {
		return nil, err
	}
	c := &pyClass{name: name, methods: map[string]*starlark.Function{}, attrs: map[string]starlark.Value{}, decorated: map[string]string{}}
	for _, kv := range decorated.Items() {
		c.decorated[string(kv[0].(starlark.String))] = string(kv[1].(starlark.String))
	}
	if bc, ok := base.(*pyClass); ok {
		c.base = bc
	}
	for _, kv := range methods.Items() {
		c.methods[string(kv[0].(starlark.String))] = kv[1].(*starlark.Function)
	}
	for _, kv := range attrs.Items() {
		c.attrs[string(kv[0].(starlark.String))] = kv[1]
	}
	return c, nil
}

// Name is the class's name.
func (c *pyClass) Name() string { return c.name }

// CallInternal is Class(...): a new instance, its __init__ run.
func (c *pyClass) CallInternal(thread *starlark.Thread, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	o := &instance{cls: c, attrs: map[string]starlark.Value{}, thread: thread}
	if init := c.method("__init__"); init != nil {
		all := append(starlark.Tuple{o}, args...)
		if _, err := starlark.Call(thread, init, all, kwargs); err != nil {
			return nil, err
		}
	} else if len(args) > 0 || len(kwargs) > 0 {
		return nil, fmt.Errorf("TypeError: %s() takes no arguments", c.name)
	}
	return o, nil
}

// builtinNew makes the visitor: Class(), running __init__.
func builtinNew(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var c *pyClass
	if len(args) > 0 {
		c, _ = args[0].(*pyClass)
	}
	if c == nil {
		return nil, fmt.Errorf("_new: not a class")
	}
	o := &instance{cls: c, attrs: map[string]starlark.Value{}, thread: thread}
	if init := c.method("__init__"); init != nil {
		if _, err := starlark.Call(thread, init, append(starlark.Tuple{o}, args[1:]...), kwargs); err != nil {
			var ee *starlark.EvalError
			prefix := "function " + init.Name() + " "
			if errors.As(err, &ee) && strings.HasPrefix(ee.Msg, prefix) && (strings.Contains(ee.Msg, " missing ") || strings.Contains(ee.Msg, " argument")) {
				// The arguments did not bind: say why, at the class.
				msg := fmt.Sprintf("TypeError: %s() %s", c.name, strings.TrimPrefix(ee.Msg, prefix))
				if strings.Contains(ee.Msg, " missing ") {
					msg += fmt.Sprintf(": pass them as FILE.py:%s(name=value, …) or give them defaults", c.name)
				}
				return nil, errors.New(msg)
			}
			return nil, err
		}
	} else if len(args) > 1 || len(kwargs) > 0 {
		return nil, fmt.Errorf("TypeError: %s() takes no arguments (it has no __init__)", c.name)
	}
	return o, nil
}

func builtinSuper(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var self starlark.Value
	var cls string
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 2, &self, &cls); err != nil {
		return nil, err
	}
	o, ok := self.(*instance)
	if !ok {
		return nil, fmt.Errorf("TypeError: super(type, obj): obj must be an instance of %s", cls)
	}
	for k := o.cls; k != nil; k = k.base {
		if k.name == cls {
			return &superProxy{self: o, from: k}, nil
		}
	}
	return nil, fmt.Errorf("TypeError: super(type, obj): obj must be an instance or subtype of type %s", cls)
}

func builtinPyFormat(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var v starlark.Value
	var spec, conv string
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 3, &v, &spec, &conv); err != nil {
		return nil, err
	}
	s, err := pyFormat(convert(v, conv), spec)
	if err != nil {
		return nil, err
	}
	return starlark.String(s), nil
}

func builtinFormat(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var v starlark.Value
	spec := ""
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &v, &spec); err != nil {
		return nil, err
	}
	s, err := pyFormat(v, spec)
	if err != nil {
		return nil, err
	}
	return starlark.String(s), nil
}

func builtinStrFormat(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if len(args) == 0 {
		return nil, fmt.Errorf("str.format: missing format string")
	}
	f, ok := args[0].(starlark.String)
	if !ok {
		return nil, fmt.Errorf("str.format: not a string")
	}
	s, err := strFormat(thread, string(f), args[1:], kwargs)
	if err != nil {
		return nil, err
	}
	return starlark.String(s), nil
}

// builtinMergeDicts is {**a, "k": v, **b}.
func builtinMergeDicts(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	out := starlark.NewDict(4)
	for _, a := range args {
		m, ok := a.(starlark.IterableMapping)
		if !ok {
			return nil, fmt.Errorf("TypeError: '%s' object is not a mapping", script.PyType(a))
		}
		for _, kv := range m.Items() {
			if err := out.SetKey(kv[0], kv[1]); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

func builtinRaise(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if len(args) != 1 {
		return nil, fmt.Errorf("raise: expected one exception")
	}
	switch e := args[0].(type) {
	case *exception:
		return nil, fmt.Errorf("%s", e.message())
	case starlark.String:
		return nil, fmt.Errorf("TypeError: exceptions must derive from BaseException (raised %s)", pyRepr(e))
	}
	return nil, fmt.Errorf("%s", pyStr(args[0]))
}

func builtinAssert(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if len(args) == 0 {
		return nil, fmt.Errorf("assert: missing condition")
	}
	if args[0].Truth() {
		return starlark.None, nil
	}
	if len(args) > 1 {
		msg, err := starlark.Call(thread, args[1], nil, nil)
		if err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("AssertionError: %s", pyStr(msg))
	}
	return nil, fmt.Errorf("AssertionError")
}

func builtinStr(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var v starlark.Value = starlark.String("")
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0, &v); err != nil {
		return nil, err
	}
	return starlark.String(pyStr(v)), nil
}

func builtinRepr(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var v starlark.Value
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &v); err != nil {
		return nil, err
	}
	return starlark.String(pyRepr(v)), nil
}

// builtinPrint is Python's print(*args, sep=" ", end="\n").
func builtinPrint(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	sep, end := " ", "\n"
	for _, kv := range kwargs {
		s, ok := kv[1].(starlark.String)
		switch k := string(kv[0].(starlark.String)); {
		case k == "sep" && ok:
			sep = string(s)
		case k == "end" && ok:
			end = string(s)
		case k == "flush":
		default:
			return nil, fmt.Errorf("TypeError: print() got an unsupported keyword argument '%s' (there is no file output in a visitor)", k)
		}
	}
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = pyStr(a)
	}
	printLine(thread, strings.TrimSuffix(strings.Join(parts, sep)+end, "\n"))
	return starlark.None, nil
}

// builtinIsinstance is isinstance(obj, classinfo) for built-in types, the
// celery canvas classes and the file's visitor classes.
func builtinIsinstance(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var obj, classinfo starlark.Value
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 2, &obj, &classinfo); err != nil {
		return nil, err
	}
	ok, err := isInstance(obj, classinfo)
	return starlark.Bool(ok), err
}

func isInstance(obj, classinfo starlark.Value) (bool, error) {
	if tup, ok := classinfo.(starlark.Tuple); ok {
		for _, c := range tup {
			if ok, err := isInstance(obj, c); ok || err != nil {
				return ok, err
			}
		}
		return false, nil
	}
	kind := ""
	if t, ok := script.SigTarget(obj); ok {
		kind = visitors.Kind(t.Value)
	}
	switch c := classinfo.(type) {
	case *pyClass:
		o, ok := obj.(*instance)
		if !ok {
			return false, nil
		}
		for k := o.cls; k != nil; k = k.base {
			if k == c {
				return true, nil
			}
		}
		return false, nil
	case *marker:
		switch c.name {
		case "object", "Any":
			return true, nil
		case "StampingVisitor":
			_, ok := obj.(*instance)
			return ok, nil
		case "Signature":
			return kind != "" && kind != "list", nil
		case "group", "chord", "xmap", "xstarmap", "chunks":
			return kind == c.name, nil
		case "chain", "_chain":
			return kind == "chain", nil
		case "_chord":
			return kind == "chord", nil
		}
		return false, fmt.Errorf("TypeError: isinstance() cannot check %s.%s", c.module, c.name)
	case *starlark.Builtin:
		t := obj.Type()
		switch c.Name() {
		case "str":
			return t == "string", nil
		case "int":
			return t == "int" || t == "bool", nil
		case "float", "bool", "tuple", "set", "bytes":
			return t == c.Name(), nil
		case "list":
			return t == "list" || kind == "list", nil
		case "dict":
			return t == "dict" || kind != "" && kind != "list", nil
		}
	}
	return false, fmt.Errorf("TypeError: isinstance() arg 2 must be a type, a tuple of types, or a union (got %s)", script.PyType(classinfo))
}

func builtinSetattr(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var obj, v starlark.Value
	var name string
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 3, &obj, &name, &v); err != nil {
		return nil, err
	}
	o, ok := obj.(starlark.HasSetField)
	if !ok {
		return nil, fmt.Errorf("AttributeError: '%s' object has no attribute '%s' (it is read-only)", script.PyType(obj), name)
	}
	return starlark.None, o.SetField(name, v)
}

func builtinSum(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var it starlark.Iterable
	var start starlark.Value = starlark.MakeInt(0)
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &it, &start); err != nil {
		return nil, err
	}
	acc := start
	iter := it.Iterate()
	defer iter.Done()
	var x starlark.Value
	for iter.Next(&x) {
		r, err := starlark.Binary(syntax.PLUS, acc, x)
		if err != nil {
			return nil, err
		}
		acc = r
	}
	return acc, nil
}

func builtinRound(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var x starlark.Value
	var nd starlark.Value = starlark.None
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &x, &nd); err != nil {
		return nil, err
	}
	f, ok := starlark.AsFloat(x)
	if !ok {
		return nil, fmt.Errorf("TypeError: type %s doesn't define __round__ method", script.PyType(x))
	}
	_, isInt := x.(starlark.Int)
	if nd == starlark.None {
		if isInt {
			return x, nil
		}
		return starlark.NumberToInt(starlark.Float(math.RoundToEven(f)))
	}
	n, err := starlark.AsInt32(nd)
	if err != nil {
		return nil, err
	}
	if n >= 0 && isInt {
		return x, nil
	}
	if n >= 0 {
		// Python rounds the float's exact value, as correctly rounded
		// formatting does: round(2.675, 2) is 2.67.
		r, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'f', int(n), 64), 64)
		return starlark.Float(r), nil
	}
	p := math.Pow(10, float64(-n))
	r := starlark.Float(math.RoundToEven(f/p) * p)
	if isInt {
		return starlark.NumberToInt(r)
	}
	return r, nil
}
