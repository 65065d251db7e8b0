package python

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"go.starlark.net/syntax"

	"github.com/stampede-dev/stampede/visitors"
)

// A Python visitor file is translated into a Starlark program that the
// script host runs:
//
//   - import lines become assignments from the host's modules
//     (uuid4 = _import("uuid", "uuid4")), or an error for any other module;
//   - each class's methods become top-level functions named Class__method,
//     its class-level attributes Class__name = value;
//   - annotations go, `is` becomes ==, f-strings and "...".format() become
//     calls of the host's Python formatting, super() a call of _super;
//   - a trailer builds the classes, makes one instance of the chosen class
//     (running its __init__) and defines one top-level function per hook
//     the class defines, calling the method on that instance.
//
// Every generated piece remembers the position in the Python file it came
// from, so errors and backtraces point at the user's lines.

// classInfo is one visitor class of the file.
type classInfo struct {
	name      string
	base      *classInfo // nil: StampingVisitor itself
	line, col int        // the class keyword
	methods   []string
	defs      map[string][2]int // method name → position of its def
	attrs     []string
	bodyShift int // columns removed from its body's lines

	// decorated is the methods defined under @staticmethod, @classmethod
	// or @property, by name; pending is such a decorator whose def has
	// not come yet.
	decorated map[string]string
	pending   *token
}

// hasMethod reports whether the class or a user base defines method m, and
// which class does.
func (c *classInfo) owner(m string) *classInfo {
	for k := c; k != nil; k = k.base {
		if _, ok := k.defs[m]; ok {
			return k
		}
	}
	return nil
}

// binding is what an imported name stands for: a module's member, or the
// module itself (name "").
type binding struct{ module, name string }

type blockKind uint8

const (
	bModule blockKind = iota
	bClass
	bDef
	bOther
	bSkip // the body of `if __name__ == "__main__":`, which does not run on import
)

type block struct {
	kind       blockKind
	indent     int // the header line's indentation
	body       int // the body lines' indentation (-1: not seen yet)
	header     token
	cls        *classInfo
	self       string // a method's first parameter ("" for a @staticmethod)
	method     bool
	decorator  string // a method's @staticmethod, @classmethod or @property
	headerText string
}

// program is a translated Python visitor file.
type program struct {
	file      string
	src       string
	e         *emitter
	classes   []*classInfo
	chosen    *classInfo
	userEnd   int               // last output line holding translated user code
	generated map[int][2]int    // generated output line → the user position it serves
	funcNames map[string]string // Starlark function name → Python name
	defined   [visitors.NumHooks]bool
}

type translator struct {
	file    string
	e       *emitter
	classes []*classInfo
	byName  map[string]*classInfo
	imports map[string]binding
	stack   []block
	flat    bool           // the file had no indentation and was re-indented
	gens    map[int][2]int // generated output line → the user position it serves
	loopAt  map[int]bool   // indentations whose last compound statement was a loop
}

// perr is an error at a position of the Python file.
type perr struct {
	line, col int
	msg       string
}

func (e *perr) Error() string { return fmt.Sprintf("%d:%d: %s", e.line, e.col, e.msg) }

func errAt(t token, format string, a ...any) error {
	return &perr{t.line, t.col, fmt.Sprintf(format, a...)}
}

func unsupportedAt(t token, what string) error {
	return &perr{t.line, t.col, "unsupported Python construct: " + what}
}

// python keywords that are not Starlark's, and what to call them in errors.
var notStarlark = map[string]string{
	"try":      "try statement (exceptions cannot be caught in a visitor)",
	"except":   "except clause (exceptions cannot be caught in a visitor)",
	"finally":  "finally clause",
	"with":     "with statement",
	"yield":    "yield (generators)",
	"async":    "async",
	"await":    "await",
	"global":   "global statement (keep state in self.attr or state)",
	"nonlocal": "nonlocal statement",
	"del":      "del statement",
	"class":    "class definition inside a function or block",
	"import":   "import inside a function or block",
	"from":     "from … import inside a function or block",
}

var pyKeywords = map[string]bool{
	"False": true, "None": true, "True": true, "and": true, "as": true, "assert": true, "async": true,
	"await": true, "break": true, "class": true, "continue": true, "def": true, "del": true, "elif": true,
	"else": true, "except": true, "finally": true, "for": true, "from": true, "global": true, "if": true,
	"import": true, "in": true, "is": true, "lambda": true, "nonlocal": true, "not": true, "or": true,
	"pass": true, "raise": true, "return": true, "try": true, "while": true, "with": true, "yield": true,
}

// translate turns a Python visitor file into Starlark, choosing the class
// named want ("" : the only one that no other class derives from).
func translate(file string, src []byte, want string) (*program, error) {
	t, err := parse(file, src)
	if err != nil {
		return nil, err
	}
	return t.finish(want)
}

// parse translates the file's statements, leaving the trailer to finish.
func parse(file string, src []byte) (*translator, error) {
	lines, err := tokenize(string(src), 1, 1)
	if err != nil {
		if se, ok := err.(*syntaxError); ok {
			return nil, &perr{se.line, se.col, "syntax error: " + se.msg}
		}
		return nil, err
	}
	t := &translator{
		file:    file,
		e:       newEmitter(string(src)),
		byName:  map[string]*classInfo{},
		imports: map[string]binding{},
		gens:    map[int][2]int{},
	}
	t.flat = reindent(lines)
	t.stack = []block{{kind: bModule, indent: -1, body: 0}}
	var expect *token // a header whose body must come next
	for _, ln := range lines {
		first := ln.toks[0]
		if expect == nil || ln.indent <= t.stack[len(t.stack)-1].indent {
			t.popTo(ln.indent)
		}
		top := &t.stack[len(t.stack)-1]
		if expect != nil {
			if top.header != *expect {
				return nil, t.indentError(first, fmt.Sprintf("expected an indented block after '%s' statement on line %d", expect.text, expect.line))
			}
			expect = nil
		}
		switch {
		case top.body < 0:
			top.body = ln.indent
		case ln.indent > top.body:
			return nil, t.indentError(first, "unexpected indent")
		case ln.indent < top.body:
			return nil, t.indentError(first, "unindent does not match any outer indentation level")
		}
		if t.skipping() {
			if hdr := headerKeyword(ln); hdr != "" && endsWithColon(ln) {
				t.stack = append(t.stack, block{kind: bSkip, indent: ln.indent, body: -1, header: first})
				expect = &t.stack[len(t.stack)-1].header
			}
			continue
		}
		pushed, err := t.line(ln)
		if err != nil {
			return nil, err
		}
		if pushed {
			expect = &t.stack[len(t.stack)-1].header
		}
	}
	if expect != nil {
		return nil, t.indentError(*expect, fmt.Sprintf("expected an indented block after '%s' statement on line %d", expect.text, expect.line))
	}
	t.popTo(-1)
	return t, nil
}

// popTo closes the blocks a line at indentation indent is not in; a class
// that ends is defined there, as Python binds a class after its body.
func (t *translator) popTo(indent int) {
	for len(t.stack) > 1 && indent <= t.stack[len(t.stack)-1].indent {
		b := t.stack[len(t.stack)-1]
		t.stack = t.stack[:len(t.stack)-1]
		if b.kind == bClass {
			t.defineClass(b.cls)
		}
	}
}

// gen writes one generated line that serves the user's code at at.
func (t *translator) gen(at [2]int, s string) {
	e := t.e
	if e.col != 1 {
		e.newline()
	}
	t.gens[e.line] = at
	e.raw(s)
	e.newline()
}

// defineClass binds the class name, once its body is translated.
func (t *translator) defineClass(c *classInfo) {
	base := "None"
	if c.base != nil {
		base = "__class_" + c.base.name
	}
	var ms, as, ds []string
	for _, m := range c.methods {
		ms = append(ms, strconv.Quote(m)+": "+c.name+"__"+m)
		if d, ok := c.decorated[m]; ok {
			ds = append(ds, strconv.Quote(m)+": "+strconv.Quote(d))
		}
	}
	for _, a := range c.attrs {
		as = append(as, strconv.Quote(a)+": "+c.name+"__"+a)
	}
	t.gen([2]int{c.line, c.col}, fmt.Sprintf("__class_%s = _class(%q, %s, {%s}, {%s}, {%s})", c.name, c.name, base, strings.Join(ms, ", "), strings.Join(as, ", "), strings.Join(ds, ", ")))
}

func (t *translator) indentError(at token, msg string) error {
	if t.flat {
		msg += " (the file has no indentation at all: was it pasted from a page that lost it?)"
	}
	return &perr{at.line, at.col, "IndentationError: " + msg}
}

func (t *translator) skipping() bool {
	for _, b := range t.stack {
		if b.kind == bSkip {
			return true
		}
	}
	return false
}

// class is the class whose body the current line is in, or nil.
func (t *translator) class() *classInfo {
	for i := len(t.stack) - 1; i >= 0; i-- {
		if t.stack[i].cls != nil {
			return t.stack[i].cls
		}
	}
	return nil
}

// method is the innermost method the current line is in, or nil.
func (t *translator) method() *block {
	for i := len(t.stack) - 1; i >= 0; i-- {
		if t.stack[i].method {
			return &t.stack[i]
		}
	}
	return nil
}

func (t *translator) inFunction() bool {
	for _, b := range t.stack {
		if b.kind == bDef {
			return true
		}
	}
	return false
}

// headerKeyword is the compound-statement keyword a line starts with.
func headerKeyword(ln logical) string {
	f := ln.toks[0]
	if f.kind != kName && !f.is("@") {
		return ""
	}
	switch f.text {
	case "class", "def", "if", "elif", "else", "for", "while", "try", "except", "finally", "with", "async", "@":
		return f.text
	}
	return ""
}

func endsWithColon(ln logical) bool { return ln.toks[len(ln.toks)-1].is(":") }

// reindent gives a file that lost all its indentation (the seed's example
// as extracted from a web page) the indentation Python needs, when that is
// unambiguous: the only blocks are classes and their methods, each method's
// body running to the next def or class. It reports whether it did.
func reindent(lines []logical) bool {
	needs := false
	for i, ln := range lines {
		if ln.indent != 0 {
			return false
		}
		if headerKeyword(ln) != "" && endsWithColon(ln) {
			if i+1 == len(lines) || lines[i+1].indent == 0 {
				needs = true
			}
		}
	}
	if !needs {
		return false
	}
	for _, ln := range lines {
		switch headerKeyword(ln) {
		case "", "class", "def", "@":
		default:
			return false // an if/for body cannot be told from what follows it
		}
	}
	inClass, level := false, 0
	for i := range lines {
		switch lines[i].toks[0].text {
		case "class":
			lines[i].indent, inClass, level = 0, true, 4
		case "def", "@":
			if inClass {
				lines[i].indent, level = 4, 8
			} else {
				lines[i].indent, level = 0, 4
			}
		default:
			lines[i].indent = level
		}
	}
	return true
}

// outIndent is the indentation of a line in the generated program: class
// bodies move to the top level.
func (t *translator) outIndent(ln logical) int {
	if c := t.class(); c != nil {
		return ln.indent - c.bodyShift
	}
	return ln.indent
}

// line translates one logical line; it reports whether it opened a block.
func (t *translator) line(ln logical) (bool, error) {
	toks := ln.toks
	first := toks[0]
	top := &t.stack[len(t.stack)-1]
	if top.kind == bClass {
		return t.classBodyLine(ln, top.cls)
	}
	switch {
	case first.is("@"):
		return false, unsupportedAt(first, "decorator")
	case first.kind == kName && (first.text == "import" || first.text == "from"):
		if top.kind != bModule {
			return false, unsupportedAt(first, notStarlark[first.text])
		}
		return false, t.importLine(ln)
	case first.kind == kName && first.text == "class":
		if top.kind != bModule {
			return false, unsupportedAt(first, notStarlark["class"])
		}
		return t.classHeader(ln)
	case first.kind == kName && first.text == "def":
		return t.defLine(ln, nil, "")
	case first.kind == kName && first.text == "if" && top.kind == bModule && isMainGuard(toks):
		t.stack = append(t.stack, block{kind: bSkip, indent: ln.indent, body: -1, header: first})
		return true, nil
	}
	if kw := headerKeyword(ln); kw != "" {
		return t.compound(ln, kw)
	}
	out, err := t.simpleStatements(toks)
	if err != nil {
		return false, err
	}
	t.e.startLine(first.line, t.outIndent(ln))
	t.e.write(out)
	return false, nil
}

// isMainGuard reports whether an if line is `if __name__ == "__main__":`.
func isMainGuard(toks []token) bool {
	if len(toks) != 5 || !toks[4].is(":") || !toks[2].is("==") {
		return false
	}
	a, b := toks[1], toks[3]
	isName := func(x token) bool { return x.kind == kName && x.text == "__name__" }
	isMain := func(x token) bool {
		return x.kind == kString && (x.text == `"__main__"` || x.text == `'__main__'`)
	}
	return isName(a) && isMain(b) || isName(b) && isMain(a)
}

// importLine translates an import at the module's top level.
func (t *translator) importLine(ln logical) error {
	toks := ln.toks
	first := toks[0]
	var out []otok
	add := func(local string, b binding, at token) error {
		if err := checkImport(b, at); err != nil {
			return err
		}
		t.imports[local] = b
		if len(out) > 0 {
			out = append(out, otok{";", at.line, at.col})
		}
		out = append(out,
			otok{local, at.line, at.col}, otok{"=", at.line, at.col},
			otok{"_import(" + strconv.Quote(b.module) + ", " + strconv.Quote(b.name) + ")", at.line, at.col})
		return nil
	}
	if first.text == "import" {
		for _, part := range splitTop(toks[1:], ",") {
			if len(part) == 0 {
				return errAt(first, "syntax error: invalid import")
			}
			mod, rest, err := dottedName(part, first)
			if err != nil {
				return err
			}
			local := strings.SplitN(mod, ".", 2)[0]
			b := binding{local, ""}
			if len(rest) == 2 && rest[0].is("as") && rest[1].kind == kName {
				local, b = rest[1].text, binding{mod, ""}
			} else if len(rest) != 0 {
				return errAt(rest[0], "syntax error: invalid import")
			}
			if err := checkImport(binding{mod, ""}, part[0]); err != nil {
				return err
			}
			if err := add(local, b, part[0]); err != nil {
				return err
			}
		}
	} else {
		mod, rest, err := dottedName(toks[1:], first)
		if err != nil {
			return err
		}
		if len(rest) < 2 || !rest[0].is("import") {
			return errAt(first, "syntax error: expected 'from MODULE import NAMES'")
		}
		names := rest[1:]
		if len(names) > 0 && names[0].is("(") && names[len(names)-1].is(")") {
			names = names[1 : len(names)-1]
		}
		if !moduleAllowed(mod) {
			what := "from " + mod + " import"
			if len(names) > 0 {
				what += " " + names[0].text
			}
			return unsupportedAt(toks[1], what+allowedImports)
		}
		if mod == "__future__" {
			t.e.startLine(first.line, 0)
			t.e.write([]otok{{"pass", first.line, first.col}})
			return nil
		}
		for _, part := range splitTop(names, ",") {
			if len(part) == 0 {
				continue
			}
			if part[0].is("*") {
				return unsupportedAt(part[0], "from "+mod+" import *")
			}
			if part[0].kind != kName {
				return errAt(part[0], "syntax error: invalid import")
			}
			local := part[0].text
			if len(part) == 3 && part[1].is("as") && part[2].kind == kName {
				local = part[2].text
			} else if len(part) != 1 {
				return errAt(part[0], "syntax error: invalid import")
			}
			if err := add(local, binding{mod, part[0].text}, part[0]); err != nil {
				return err
			}
		}
	}
	t.e.startLine(first.line, 0)
	t.e.write(out)
	return nil
}

// dottedName reads a.b.c from the start of toks, which follow the token
// after (the place to blame when they are empty).
func dottedName(toks []token, after token) (string, []token, error) {
	if len(toks) == 0 {
		return "", nil, errAt(after, "syntax error: expected a module name after '%s'", after.text)
	}
	if toks[0].kind != kName {
		return "", nil, errAt(toks[0], "syntax error: expected a module name")
	}
	name := toks[0].text
	i := 1
	for i+1 < len(toks) && toks[i].is(".") && toks[i+1].kind == kName {
		name += "." + toks[i+1].text
		i += 2
	}
	return name, toks[i:], nil
}

const allowedImports = " (a visitor can import only from uuid, time, datetime, celery, celery.canvas, typing, json and logging)"

// moduleAllowed reports whether a visitor may import from module.
func moduleAllowed(module string) bool {
	switch module {
	case "uuid", "time", "datetime", "celery", "celery.canvas", "typing", "json", "logging", "__future__", "celery.utils.log":
		return true
	}
	return false
}

// checkImport accepts the modules a visitor may import.
func checkImport(b binding, at token) error {
	switch b.module {
	case "uuid":
		if b.name == "" || b.name == "uuid4" {
			return nil
		}
		return unsupportedAt(at, "from uuid import "+b.name+" (only uuid4 is available)")
	case "celery", "celery.canvas", "typing", "json", "logging", "__future__":
		return nil
	case "time":
		if b.name == "" || b.name == "time" || b.name == "time_ns" || b.name == "monotonic" {
			return nil
		}
		return unsupportedAt(at, "from time import "+b.name+" (time, time_ns and monotonic are available)")
	case "datetime":
		if b.name == "" || b.name == "datetime" || b.name == "timezone" {
			return nil
		}
		return unsupportedAt(at, "from datetime import "+b.name+" (datetime and timezone are available)")
	case "celery.utils.log":
		if b.name == "" || b.name == "get_task_logger" || b.name == "get_logger" {
			return nil
		}
	}
	what := "import of " + b.module
	if b.name != "" {
		what = "from " + b.module + " import " + b.name
	}
	return unsupportedAt(at, what+allowedImports)
}

// classHeader starts a visitor class.
func (t *translator) classHeader(ln logical) (bool, error) {
	toks := ln.toks
	kw := toks[0]
	if len(toks) < 3 || toks[1].kind != kName {
		return false, errAt(kw, "syntax error: invalid class definition")
	}
	name := toks[1]
	colon := -1
	var bases [][]token
	switch {
	case toks[2].is(":"):
		colon = 2
	case toks[2].is("("):
		end := matching(toks, 2)
		if end < 0 || end+1 >= len(toks) || !toks[end+1].is(":") {
			return false, errAt(kw, "syntax error: invalid class definition")
		}
		for _, b := range splitTop(toks[3:end], ",") {
			if len(b) > 0 {
				bases = append(bases, b)
			}
		}
		colon = end + 1
	default:
		return false, errAt(toks[2], "syntax error: invalid class definition")
	}
	if _, dup := t.byName[name.text]; dup {
		return false, unsupportedAt(name, "a second class named "+name.text)
	}
	c := &classInfo{name: name.text, line: kw.line, col: kw.col, defs: map[string][2]int{}, decorated: map[string]string{}}
	switch {
	case len(bases) == 0:
		return false, unsupportedAt(name, "class "+name.text+" does not derive from StampingVisitor (only visitor classes are supported)")
	case len(bases) > 1:
		return false, unsupportedAt(bases[1][0], "multiple inheritance (class "+name.text+")")
	}
	base, err := t.baseClass(bases[0])
	if err != nil {
		return false, err
	}
	c.base = base
	t.classes = append(t.classes, c)
	t.byName[c.name] = c
	inline := toks[colon+1:]
	if len(inline) > 0 {
		if len(inline) == 1 && (inline[0].is("pass") || inline[0].is("...") || inline[0].kind == kString) {
			t.defineClass(c)
			return false, nil
		}
		return false, unsupportedAt(inline[0], "a statement on the class line (put methods in an indented body)")
	}
	t.stack = append(t.stack, block{kind: bClass, indent: ln.indent, body: -1, header: kw, cls: c})
	return true, nil
}

// baseClass resolves the base of a class: StampingVisitor (nil) or a
// visitor class defined earlier in the file.
func (t *translator) baseClass(b []token) (*classInfo, error) {
	name, rest, err := dottedName(b, b[0])
	if err != nil || len(rest) > 0 {
		if len(rest) > 0 && rest[0].is("=") {
			return nil, unsupportedAt(b[0], "class keyword arguments (metaclass=…)")
		}
		return nil, unsupportedAt(b[0], "a base class that is not a name")
	}
	parts := strings.Split(name, ".")
	if c, ok := t.byName[name]; ok {
		return c, nil
	}
	full := name
	if bind, ok := t.imports[parts[0]]; ok {
		mod := bind.module
		if bind.name != "" {
			mod += "." + bind.name
		}
		full = strings.Join(append([]string{mod}, parts[1:]...), ".")
	} else {
		full = ""
	}
	switch full {
	case "celery.canvas.StampingVisitor", "celery.StampingVisitor":
		return nil, nil
	}
	return nil, unsupportedAt(b[0], fmt.Sprintf("base class %s (a visitor class derives from celery.canvas.StampingVisitor or from another visitor class of the file)", name))
}

// classBodyLine translates a statement directly in a class body.
func (t *translator) classBodyLine(ln logical, c *classInfo) (bool, error) {
	toks := ln.toks
	first := toks[0]
	c.bodyShift = t.stack[len(t.stack)-1].body
	if c.pending != nil && !first.is("def") {
		return false, errAt(*c.pending, "syntax error: @%s must be followed by a def", c.pending.text)
	}
	switch {
	case first.is("def"):
		return t.defLine(ln, c, "")
	case first.is("@"):
		if len(toks) != 2 || toks[1].kind != kName || toks[1].text != "staticmethod" && toks[1].text != "classmethod" && toks[1].text != "property" {
			return false, unsupportedAt(first, "decorator (only @staticmethod, @classmethod and @property are supported on a method)")
		}
		c.pending = &toks[1]
		return false, nil
	case first.is("pass") && len(toks) == 1, first.is("...") && len(toks) == 1:
		return false, nil
	case first.kind == kString && len(toks) == 1:
		return false, nil // docstring
	case first.kind == kName && !pyKeywords[first.text] && len(toks) >= 2 && (toks[1].is("=") || toks[1].is(":")):
		// class attribute: NAME [: T] [= value]
		value := []token(nil)
		if toks[1].is("=") {
			value = toks[2:]
		} else if eq := indexTop(toks, "="); eq > 0 {
			value = toks[eq+1:]
		} else {
			return false, nil // an annotation alone
		}
		if len(value) == 0 {
			return false, errAt(first, "syntax error: expected a value")
		}
		out, err := t.expr(value)
		if err != nil {
			return false, err
		}
		name := c.name + "__" + first.text
		if !contains(c.attrs, first.text) {
			c.attrs = append(c.attrs, first.text)
		}
		t.e.startLine(first.line, 0)
		t.e.write(append([]otok{{name, first.line, first.col}, {"=", first.line, first.col}}, out...))
		return false, nil
	}
	return false, unsupportedAt(first, "statement in a class body (a class body holds methods, attributes and a docstring)")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// defLine translates a def: a method when c is not nil.
func (t *translator) defLine(ln logical, c *classInfo, _ string) (bool, error) {
	toks := ln.toks
	kw := toks[0]
	if len(toks) < 4 || toks[1].kind != kName || !toks[2].is("(") {
		return false, errAt(kw, "syntax error: invalid def")
	}
	name := toks[1]
	end := matching(toks, 2)
	if end < 0 {
		return false, errAt(kw, "syntax error: invalid def")
	}
	colon := end + 1
	if colon < len(toks) && toks[colon].is("->") {
		colon = indexTopFrom(toks, ":", colon+1)
	}
	if colon < 0 || colon >= len(toks) || !toks[colon].is(":") {
		return false, errAt(kw, "syntax error: expected ':'")
	}
	params, selfName, err := t.params(toks[3:end], name)
	if err != nil {
		return false, err
	}
	fname := name.text
	decorator := ""
	if c != nil {
		if c.pending != nil {
			decorator, c.pending = c.pending.text, nil
		}
		_, isHook := visitors.ParseHook(name.text)
		switch {
		case decorator != "" && name.text == "__init__":
			return false, unsupportedAt(name, "@"+decorator+" on __init__")
		case decorator == "property" && isHook:
			return false, unsupportedAt(name, "@property on the hook "+name.text+" (Celery calls its hooks)")
		case decorator == "staticmethod":
			selfName = "" // the first parameter is an argument like the others
		case selfName == "":
			return false, unsupportedAt(name, "method "+name.text+" without a self parameter (a static method needs @staticmethod)")
		}
		if _, dup := c.defs[name.text]; !dup {
			c.methods = append(c.methods, name.text)
		}
		c.defs[name.text] = [2]int{kw.line, kw.col}
		if decorator != "" {
			c.decorated[name.text] = decorator
		} else {
			delete(c.decorated, name.text)
		}
		fname = c.name + "__" + name.text
	}
	out := []otok{{"def", kw.line, kw.col}, {fname, name.line, name.col}, {"(", toks[2].line, toks[2].col}}
	out = append(out, params...)
	out = append(out, otok{")", toks[end].line, toks[end].col}, otok{":", toks[colon].line, toks[colon].col})
	blk := block{kind: bDef, indent: ln.indent, body: -1, header: kw}
	if c != nil {
		blk.method, blk.self, blk.cls, blk.decorator = true, selfName, nil, decorator
		// the method's body is still "in" the class for indentation
	}
	inline := toks[colon+1:]
	if len(inline) > 0 {
		// one-line body: def f(self): return 1
		saved := t.stack
		if c != nil {
			t.stack = append(t.stack, block{kind: bDef, method: true, self: selfName, cls: nil, indent: ln.indent, decorator: decorator})
		}
		body, err := t.simpleStatements(inline)
		t.stack = saved
		if err != nil {
			return false, err
		}
		out = append(out, body...)
	}
	indent := t.outIndent(ln)
	if c != nil {
		indent = 0
	}
	t.e.startLine(kw.line, indent)
	t.e.write(out)
	if len(inline) > 0 {
		return false, nil
	}
	t.stack = append(t.stack, blk)
	return true, nil
}

// params translates a parameter list without its annotations; it returns
// the first parameter's name (a method's self).
func (t *translator) params(toks []token, fn token) ([]otok, string, error) {
	var out []otok
	first := ""
	for i, p := range splitTop(toks, ",") {
		if len(p) == 0 {
			continue
		}
		if i > 0 || len(out) > 0 {
			out = append(out, otok{",", p[0].line, p[0].col})
		}
		j := 0
		star := ""
		if p[0].is("*") || p[0].is("**") {
			star = p[0].text
			j = 1
		}
		if p[0].is("/") && len(p) == 1 {
			out = out[:len(out)-1] // positional-only marker: Starlark has none
			continue
		}
		if star != "" && len(p) == 1 {
			out = append(out, otok{star, p[0].line, p[0].col})
			continue
		}
		if j >= len(p) || p[j].kind != kName || pyKeywords[p[j].text] {
			return nil, "", errAt(p[0], "syntax error: invalid parameter in def %s", fn.text)
		}
		name := p[j]
		if first == "" && star == "" && i == 0 {
			first = name.text
		}
		if star != "" {
			out = append(out, otok{star, p[0].line, p[0].col})
		}
		out = append(out, otok{name.text, name.line, name.col})
		rest := p[j+1:]
		if len(rest) > 0 && rest[0].is(":") { // annotation
			eq := indexTop(rest, "=")
			if eq < 0 {
				rest = nil
			} else {
				rest = rest[eq:]
			}
		}
		if len(rest) > 0 {
			if !rest[0].is("=") || len(rest) == 1 {
				return nil, "", errAt(rest[0], "syntax error: invalid parameter %s", name.text)
			}
			dflt, err := t.expr(rest[1:])
			if err != nil {
				return nil, "", err
			}
			out = append(out, otok{"=", rest[0].line, rest[0].col})
			out = append(out, dflt...)
		}
	}
	return out, first, nil
}

// compound translates the header of an if/elif/else/for statement (and
// rejects the compound statements Starlark lacks).
func (t *translator) compound(ln logical, kw string) (bool, error) {
	toks := ln.toks
	first := toks[0]
	switch kw {
	case "if", "elif", "for", "while", "else":
	default:
		return false, unsupportedAt(first, notStarlark[kw])
	}
	// Python's for … else and while … else run the else when the loop
	// ends without break; Starlark has no such clause.
	if kw == "else" && t.loopAt[ln.indent] {
		return false, unsupportedAt(first, "else after a for or while loop")
	}
	if t.loopAt == nil {
		t.loopAt = map[int]bool{}
	}
	t.loopAt[ln.indent] = kw == "for" || kw == "while"
	colon := headerColon(toks)
	if colon < 0 {
		return false, errAt(first, "syntax error: expected ':'")
	}
	out := []otok{{first.text, first.line, first.col}}
	if colon > 1 {
		cond, err := t.expr(toks[1:colon])
		if err != nil {
			return false, err
		}
		out = append(out, cond...)
	}
	out = append(out, otok{":", toks[colon].line, toks[colon].col})
	inline := toks[colon+1:]
	if len(inline) > 0 {
		body, err := t.simpleStatements(inline)
		if err != nil {
			return false, err
		}
		out = append(out, body...)
	}
	t.e.startLine(first.line, t.outIndent(ln))
	t.e.write(out)
	if len(inline) > 0 {
		return false, nil
	}
	t.stack = append(t.stack, block{kind: bOther, indent: ln.indent, body: -1, header: first})
	return true, nil
}

// headerColon is the index of the ':' that ends a compound statement's
// header (skipping the ':' of lambdas in it).
func headerColon(toks []token) int {
	depth, lambdas := 0, 0
	for i, tk := range toks {
		switch {
		case tk.is("(") || tk.is("[") || tk.is("{"):
			depth++
		case tk.is(")") || tk.is("]") || tk.is("}"):
			depth--
		case depth == 0 && tk.is("lambda"):
			lambdas++
		case depth == 0 && tk.is(":"):
			if lambdas == 0 {
				return i
			}
			lambdas--
		}
	}
	return -1
}

// simpleStatements translates statements separated by ';'.
func (t *translator) simpleStatements(toks []token) ([]otok, error) {
	var out []otok
	for i, s := range splitTop(toks, ";") {
		if len(s) == 0 {
			continue
		}
		if i > 0 && len(out) > 0 {
			out = append(out, otok{";", s[0].line, s[0].col})
		}
		o, err := t.simple(s)
		if err != nil {
			return nil, err
		}
		out = append(out, o...)
	}
	return out, nil
}

// simple translates one simple statement.
func (t *translator) simple(toks []token) ([]otok, error) {
	first := toks[0]
	if first.kind == kName {
		if what, bad := notStarlark[first.text]; bad {
			return nil, unsupportedAt(first, what)
		}
		switch first.text {
		case "pass", "break", "continue":
			if len(toks) > 1 {
				return nil, errAt(toks[1], "syntax error: invalid syntax")
			}
			return []otok{{first.text, first.line, first.col}}, nil
		case "return":
			if len(toks) == 1 {
				return []otok{{"return", first.line, first.col}}, nil
			}
			val, err := t.expr(toks[1:])
			if err != nil {
				return nil, err
			}
			return append([]otok{{"return", first.line, first.col}}, val...), nil
		case "raise":
			if len(toks) == 1 {
				return nil, unsupportedAt(first, "bare raise (re-raising)")
			}
			exc := toks[1:]
			if from := indexTop(exc, "from"); from >= 0 {
				exc = exc[:from]
			}
			val, err := t.expr(exc)
			if err != nil {
				return nil, err
			}
			out := []otok{{"_raise(", first.line, first.col}}
			out = append(out, val...)
			return append(out, otok{")", 0, 0}), nil
		case "assert":
			parts := splitTop(toks[1:], ",")
			if len(parts) == 0 || len(parts[0]) == 0 || len(parts) > 2 {
				return nil, errAt(first, "syntax error: invalid assert")
			}
			cond, err := t.expr(parts[0])
			if err != nil {
				return nil, err
			}
			out := []otok{{"_assert(", first.line, first.col}}
			out = append(out, cond...)
			if len(parts) == 2 {
				msg, err := t.expr(parts[1])
				if err != nil {
					return nil, err
				}
				out = append(out, otok{", lambda:", 0, 0})
				out = append(out, msg...)
			}
			return append(out, otok{")", 0, 0}), nil
		}
	}
	if first.is("...") && len(toks) == 1 {
		return []otok{{"pass", first.line, first.col}}, nil
	}
	// annotated assignment: target: T [= value]
	if first.kind == kName && !pyKeywords[first.text] {
		colon, eq := indexTop(toks, ":"), indexTop(toks, "=")
		if colon > 0 && (eq < 0 || colon < eq) && headerColon(toks) == colon {
			if eq < 0 {
				return []otok{{"pass", first.line, first.col}}, nil
			}
			target, err := t.expr(toks[:colon])
			if err != nil {
				return nil, err
			}
			val, err := t.expr(toks[eq+1:])
			if err != nil {
				return nil, err
			}
			out := append(target, otok{"=", toks[eq].line, toks[eq].col})
			return append(out, val...), nil
		}
	}
	if parts := assignmentParts(toks); len(parts) > 1 {
		for _, target := range parts[:len(parts)-1] {
			if star := starredTarget(target); star != nil {
				return nil, unsupportedAt(*star, "starred assignment target (first, *rest = …): use slicing, as in first, rest = xs[0], xs[1:]")
			}
		}
		if len(parts) > 2 {
			return t.chainedAssignment(parts)
		}
	}
	return t.expr(toks)
}

// assignmentParts splits an assignment statement at its top-level '='
// signs: the targets, then the value. A statement that is not an
// assignment (or holds a lambda, whose defaults use '=') is one part.
func assignmentParts(toks []token) [][]token {
	if indexTop(toks, "lambda") >= 0 {
		return [][]token{toks}
	}
	return splitTop(toks, "=")
}

// starredTarget is the '*' of a `*name` in an assignment target, or nil.
func starredTarget(target []token) *token {
	depth := 0
	for i, tk := range target {
		switch {
		case tk.is("(") || tk.is("["):
			depth++
		case tk.is(")") || tk.is("]"):
			depth--
		case tk.is("*") && (i == 0 || target[i-1].is(",") || target[i-1].is("(") || target[i-1].is("[")):
			return &target[i]
		}
	}
	return nil
}

// chainedAssignment is `a = b = value`: Python evaluates value once and
// assigns it to each target from left to right, which Starlark writes
// as `__chained = value; a = __chained; b = __chained` on the same line.
func (t *translator) chainedAssignment(parts [][]token) ([]otok, error) {
	last := parts[len(parts)-1]
	if len(last) == 0 {
		return nil, errAt(parts[0][0], "syntax error: invalid syntax")
	}
	val, err := t.expr(last)
	if err != nil {
		return nil, err
	}
	at := last[0]
	out := append([]otok{{"__chained", at.line, at.col}, {"=", at.line, at.col}}, val...)
	for _, target := range parts[:len(parts)-1] {
		if len(target) == 0 {
			return nil, errAt(at, "syntax error: invalid syntax")
		}
		tg, err := t.expr(target)
		if err != nil {
			return nil, err
		}
		out = append(out, otok{";", 0, 0})
		out = append(out, tg...)
		out = append(out, otok{"=", target[0].line, target[0].col}, otok{"__chained", at.line, at.col})
	}
	return out, nil
}

// matching is the index of the bracket closing toks[open], or -1.
func matching(toks []token, open int) int {
	depth := 0
	for i := open; i < len(toks); i++ {
		switch {
		case toks[i].is("(") || toks[i].is("[") || toks[i].is("{"):
			depth++
		case toks[i].is(")") || toks[i].is("]") || toks[i].is("}"):
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// splitTop splits toks at sep outside brackets.
func splitTop(toks []token, sep string) [][]token {
	var out [][]token
	depth, start := 0, 0
	for i, tk := range toks {
		switch {
		case tk.is("(") || tk.is("[") || tk.is("{"):
			depth++
		case tk.is(")") || tk.is("]") || tk.is("}"):
			depth--
		case depth == 0 && tk.is(sep):
			out = append(out, toks[start:i])
			start = i + 1
		}
	}
	if start < len(toks) || len(out) > 0 {
		out = append(out, toks[start:])
	}
	return out
}

// indexTop is the index of the first sep outside brackets, or -1.
func indexTop(toks []token, sep string) int { return indexTopFrom(toks, sep, 0) }

func indexTopFrom(toks []token, sep string, from int) int {
	depth := 0
	for i := from; i < len(toks); i++ {
		tk := toks[i]
		switch {
		case tk.is("(") || tk.is("[") || tk.is("{"):
			depth++
		case tk.is(")") || tk.is("]") || tk.is("}"):
			depth--
		case depth == 0 && tk.is(sep):
			return i
		}
	}
	return -1
}

// finish checks the classes, chooses one and writes the trailer that
// makes the visitor.
func (t *translator) finish(want string) (*program, error) {
	p := &program{file: t.file, e: t.e, classes: t.classes, generated: t.gens, funcNames: map[string]string{}}
	for _, c := range t.classes {
		if c.pending != nil {
			return nil, errAt(*c.pending, "syntax error: @%s must be followed by a def", c.pending.text)
		}
		for _, m := range c.methods {
			p.funcNames[c.name+"__"+m] = c.name + "." + m
		}
	}
	if len(t.classes) == 0 {
		return nil, &perr{1, 1, "no visitor class: the file must define a class deriving from celery.canvas.StampingVisitor"}
	}
	want, args, err := splitCall(want)
	if err != nil {
		return nil, err
	}
	var chosen *classInfo
	if want != "" {
		chosen = t.byName[want]
		if chosen == nil {
			return nil, &perr{1, 1, fmt.Sprintf("no visitor class named %s (the file defines %s)", want, classNames(t.classes))}
		}
	} else {
		var leaves []*classInfo
		for _, c := range t.classes {
			derived := false
			for _, d := range t.classes {
				if d.base == c {
					derived = true
				}
			}
			if !derived {
				leaves = append(leaves, c)
			}
		}
		if len(leaves) != 1 {
			return nil, &perr{1, 1, fmt.Sprintf("the file defines several visitor classes (%s): pick one with FILE.py:CLASS", classNames(t.classes))}
		}
		chosen = leaves[0]
	}
	if chosen.owner("on_signature") == nil {
		return nil, &perr{chosen.line, chosen.col, fmt.Sprintf(
			"TypeError: Can't instantiate abstract class %s without an implementation for abstract method 'on_signature' (StampingVisitor declares it abstract: define on_signature)", chosen.name)}
	}
	p.chosen = chosen
	e := t.e
	e.startLine(0, 0)
	p.userEnd = e.line - 1
	gen := t.gen
	newArgs, err := t.constructorArgs(args)
	if err != nil {
		return nil, err
	}
	gen([2]int{chosen.line, chosen.col}, "__self = _new(__class_"+chosen.name+newArgs+")")
	for h := visitors.Hook(0); h < visitors.NumHooks; h++ {
		owner := chosen.owner(h.String())
		if owner == nil {
			continue
		}
		p.defined[h] = true
		at := owner.defs[h.String()]
		gen(at, fmt.Sprintf("def %s(sig, **headers):", h))
		// visitor.hook(sig, **headers), as Celery calls it
		switch owner.decorated[h.String()] {
		case "staticmethod":
			gen(at, fmt.Sprintf("    return %s__%s(sig, **headers)", owner.name, h))
		case "classmethod":
			gen(at, fmt.Sprintf("    return %s__%s(__class_%s, sig, **headers)", owner.name, h, chosen.name))
		default:
			gen(at, fmt.Sprintf("    return %s__%s(__self, sig, **headers)", owner.name, h))
		}
	}
	p.src = e.b.String()
	return p, nil
}

func classNames(cs []*classInfo) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.name
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// position maps a position of the generated program to the Python file;
// ok is false for generated code (which still maps to the class or method
// it serves).
func (p *program) position(pos syntax.Position) (syntax.Position, bool) {
	line := int(pos.Line)
	file := p.file
	if at, ok := p.generated[line]; ok {
		return syntax.MakePosition(&file, int32(at[0]), int32(at[1])), false
	}
	if line > p.userEnd {
		return syntax.MakePosition(&file, 0, 0), false
	}
	l, c, ok := p.e.lookup(line, int(pos.Col))
	if !ok {
		return syntax.MakePosition(&file, int32(line), 0), true
	}
	return syntax.MakePosition(&file, int32(l), int32(c)), true
}

// funcName is the Python name of a generated function.
func (p *program) funcName(name string) string {
	if n, ok := p.funcNames[name]; ok {
		return n
	}
	return name
}

// rewrite puts Python names into a Starlark message.
func (p *program) rewrite(msg string) string {
	if !strings.Contains(msg, "__") {
		return msg
	}
	for from, to := range p.funcNames {
		msg = strings.ReplaceAll(msg, from, to)
	}
	for _, c := range p.classes {
		msg = strings.ReplaceAll(msg, "__class_"+c.name, c.name)
	}
	return msg
}

// splitCall splits CLASS(ARGS), how -visitor FILE.py:CLASS(ARGS) names a
// visitor made with arguments, into the class and the argument text
// (empty for a plain CLASS).
func splitCall(want string) (class, args string, err error) {
	open := strings.IndexByte(want, '(')
	if open < 0 {
		return want, "", nil
	}
	if !strings.HasSuffix(want, ")") {
		return "", "", &perr{1, 1, fmt.Sprintf("%s: the arguments to the class must end with ')', as in Visitor(tenant=\"acme\")", want)}
	}
	return strings.TrimSpace(want[:open]), want[open+1 : len(want)-1], nil
}

// constructorArgs translates the arguments of CLASS(ARGS) into the text
// that follows the class in the generated _new call (", tenant = ...").
// They are Python expressions, evaluated after the file's top level, so
// they may name its constants.
func (t *translator) constructorArgs(args string) (string, error) {
	if strings.TrimSpace(args) == "" {
		return "", nil
	}
	lines, err := tokenize(args, 1, 1)
	if err == nil && len(lines) != 1 {
		err = fmt.Errorf("the arguments must be one line")
	}
	var out []otok
	if err == nil {
		out, err = t.expr(lines[0].toks)
	}
	if err != nil {
		return "", &perr{1, 1, fmt.Sprintf("the visitor's arguments (%s): %v", args, err)}
	}
	var b strings.Builder
	for _, o := range out {
		b.WriteString(" " + o.text)
	}
	return "," + b.String(), nil
}
