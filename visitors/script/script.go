// Package script runs stamping visitors written in Starlark: a file of
// top-level functions named after Celery's hooks, each `def HOOK(sig,
// **headers)` returning a dict or None, with a read-only `sig`, a `state`
// dict that lives for one stamp() run, `uuid4()`, the `json` module and
// `print()`.
//
// Scripts are compiled before anything runs, so syntax errors and undefined
// names come with file:line:col; every hook call has a step budget and can
// be cancelled through a context; `while` and recursion are off, load() only
// reaches an allow-list of modules, and there is no file or network access.
// The same host runs Python visitor classes once visitors/python has
// translated them (see Options).
package script

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/google/uuid"
	"go.starlark.net/lib/math"
	"go.starlark.net/resolve"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/visitors"
)

// DefaultBudget is the number of Starlark execution steps one hook call may
// take before it is stopped.
const DefaultBudget = 1_000_000

// Modules are the modules a script may load(), by the name it loads them
// with: load("json.star", "json") and load("math.star", "math"). Nothing else
// can be loaded; `json` is also predeclared.
var Modules = map[string]starlark.StringDict{
	"json.star": {"json": JSON},
	"math.star": {"math": math.Module},
}

// Options adapt the host to a dialect. The zero value runs a .star visitor
// script; visitors/python sets them to run a translated Python class.
type Options struct {
	// Name is the visitor's name (default: the file's base name without
	// its extension).
	Name string
	// Predeclared adds names to (or replaces names of) the predeclared
	// environment: state, uuid4, json. The values must not be mutable:
	// they are shared by every run.
	Predeclared starlark.StringDict
	// File is the dialect's syntax options (nil: the visitor script
	// rules: set() allowed; no while, recursion or top-level if/for).
	File *syntax.FileOptions
	// MutableGlobals leaves module globals unfrozen after the top level
	// ran, as Python leaves a module's dicts and lists mutable.
	MutableGlobals bool
	// Positions maps a position in the compiled source to the user's
	// file; ok=false marks code the dialect generated, which backtraces
	// leave out. Nil: positions are the user's.
	Positions func(syntax.Position) (pos syntax.Position, ok bool)
	// FuncName maps a compiled function's name to the name the user
	// wrote (e.g. "Visitor__on_signature" to "Visitor.on_signature").
	FuncName func(string) string
	// Rewrite puts the user's names into an error message (nil: as is).
	Rewrite func(string) string
	// AllParams makes every hook call pass sig and the headers even to a
	// hook that never names them (see unread). The results are the same,
	// only slower: it is there to check that they are.
	AllParams bool
}

// Visitor is a compiled visitor script. It is not safe for concurrent use:
// one stamp() run at a time.
type Visitor struct {
	visitors.Dispatch // every hook runs the script's function of that name, see call
	name              string
	file              string
	prog              *starlark.Program
	opts              Options
	defined           [visitors.NumHooks]bool
	// unread[h] is what hook h never names: it is called without making
	// those values, which it cannot tell apart (see unread).
	unread [visitors.NumHooks]unread

	// Budget is the step budget of one hook call, and of the script's top
	// level (DefaultBudget if zero).
	Budget uint64
	// RunBudget is the step budget of one stamp() run, over all its hook
	// calls (DefaultRunBudget if zero).
	RunBudget uint64
	// MaxResult is the size a hook's result may have, counted as JSON
	// text (DefaultMaxResult if zero).
	MaxResult int
	// MaxPrint is how many bytes print() may write in one run
	// (DefaultMaxPrint if zero).
	MaxPrint int
	// MaxMemory is how much the heap may grow during one hook call, and
	// four times that during one run (DefaultMaxMemory if zero).
	MaxMemory uint64
	// Context, when set, cancels a running hook when it is done.
	Context context.Context
	// Print receives the output of print() (stderr if both Print and
	// Printed are nil).
	Print func(msg string)
	// Printed, when set, receives each print() with the hook and node it
	// came from; it takes precedence over Print.
	Printed func(Output)

	globals starlark.StringDict
	hooks   [visitors.NumHooks]*starlark.Function
	thread  *starlark.Thread
	cur     where                     // where the running code is, for print() and errors
	strs    map[string]starlark.Value // header keys and short values as Starlark strings, reused
	argBuf  [1]starlark.Value         // per-call buffers (Starlark copies what it keeps)
	kwBuf   []starlark.Tuple
	pairBuf []starlark.Value
	memo    memo
	last    uint64 // steps taken by the last hook call
	total   uint64 // steps taken since Start
	runOut  bool   // the running call's budget is what is left of the run's
	printed int    // bytes print() wrote since Start
	stopped string // why the watchdog stopped the running call
	guard   guard
}

// Output is one print() of a script and where the script was.
type Output struct {
	Hook string // the hook running, or "top level"
	Path string // the node it was visiting ("" at top level)
	Msg  string
}

// Error is a script failure with its position. Error() is one line
// ("file:line:col: message"); Detail adds the hook, the node and the
// Starlark backtrace.
type Error struct {
	Pos       string // file:line:col in the user's file
	Msg       string
	Hook      string // hook that was running ("top level" for the script's top level, "" at compile time)
	Node      string // path of the node the hook was visiting, with its task_id
	Backtrace string // the call stack for runtime errors, innermost last
}

// Error is "file:line:col: message".
func (e *Error) Error() string { return e.Pos + ": " + e.Msg }

// Detail is the error with the hook, the node and the backtrace, over
// several lines, for a terminal or an error pane.
func (e *Error) Detail() string {
	var b strings.Builder
	b.WriteString(e.Error())
	b.WriteByte('\n')
	if e.Hook != "" {
		b.WriteString("  in " + e.Hook)
		if e.Node != "" {
			b.WriteString(", visiting " + e.Node)
		}
		b.WriteByte('\n')
	}
	if e.Backtrace != "" {
		b.WriteString(e.Backtrace)
		if !strings.HasSuffix(e.Backtrace, "\n") {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// Explain is err's Detail when err holds a script error, else err's text:
// what a command line prints on stderr when a visitor fails.
func Explain(err error) string {
	var se *Error
	if errors.As(err, &se) {
		head := err.Error()
		if head != se.Error() && se.Backtrace != "" { // wrapped: the wrapper says where
			return head + "\n" + strings.TrimSuffix(se.Backtrace, "\n") + "\n"
		}
		if head != se.Error() {
			return head + "\n"
		}
		return se.Detail()
	}
	return err.Error()
}

// Load reads and compiles a visitor script.
func Load(path string) (*Visitor, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Compile(path, src)
}

// Compile compiles a visitor script and checks that it defines hooks the
// way Celery calls them.
func Compile(filename string, src []byte) (*Visitor, error) {
	return CompileWith(filename, src, Options{})
}

// CompileWith compiles a visitor program of the dialect described by opts.
// Nothing runs yet: Start (or the first hook call) runs the top level.
func CompileWith(filename string, src []byte, opts Options) (*Visitor, error) {
	fopts := opts.File
	if fopts == nil {
		fopts = &syntax.FileOptions{Set: true}
	}
	v := &Visitor{
		name: strings.TrimSuffix(filepath.Base(filename), filepath.Ext(filename)),
		file: filename,
		opts: opts,
	}
	if opts.Name != "" {
		v.name = opts.Name
	}
	v.Dispatch = visitors.NewDispatch(v.name, v.call)
	isPredeclared := func(name string) bool {
		if _, ok := opts.Predeclared[name]; ok {
			return true
		}
		return name == "json" || name == "state" || name == "uuid4"
	}
	f, err := fopts.Parse(filename, src, 0)
	if err != nil {
		return nil, v.compileError(err)
	}
	hookErr := v.readHooks(f)
	if hookErr == nil {
		v.dropUnreadHeaders(f)
	}
	prog, err := starlark.FileProgram(f, isPredeclared)
	if err != nil {
		return nil, v.compileError(err)
	}
	for i := 0; i < prog.NumLoads(); i++ {
		module, pos := prog.Load(i)
		if _, ok := Modules[module]; !ok {
			return nil, &Error{Pos: v.where(pos), Msg: fmt.Sprintf("load(%q) is not allowed: a visitor may load only %s", module, strings.Join(moduleNames(), ", "))}
		}
	}
	if hookErr != nil {
		return nil, hookErr
	}
	v.prog = prog
	return v, nil
}

// readHooks notes which hooks f defines and which parameters each never
// names, and checks that each is declared as def HOOK(sig, **headers).
func (v *Visitor) readHooks(f *syntax.File) error {
	for _, stmt := range f.Stmts {
		def, ok := stmt.(*syntax.DefStmt)
		if !ok {
			continue
		}
		h, isHook := visitors.ParseHook(def.Name.Name)
		if !isHook {
			continue
		}
		if len(def.Params) != 2 || !isKwargs(def.Params[1]) {
			return &Error{Pos: v.where(def.Def),
				Msg: fmt.Sprintf("hook %s must be declared as def %s(sig, **headers)", def.Name.Name, def.Name.Name)}
		}
		v.defined[h] = true
		if !v.opts.AllParams {
			v.unread[h] = unreadParams(def)
		}
	}
	return nil
}

func moduleNames() []string {
	names := make([]string, 0, len(Modules))
	for n := range Modules {
		names = append(names, fmt.Sprintf("%q", n))
	}
	sort.Strings(names)
	return names
}

func isKwargs(p syntax.Expr) bool {
	u, ok := p.(*syntax.UnaryExpr)
	return ok && u.Op == syntax.STARSTAR
}

// where is pos in the user's file, as file:line:col. Generated code gives
// the position of the user's code it serves.
func (v *Visitor) where(pos syntax.Position) string {
	if v.opts.Positions != nil {
		if p, ok := v.opts.Positions(pos); ok || p.Line > 0 {
			pos = p
		} else {
			return v.file
		}
	}
	return pos.String()
}

func (v *Visitor) rewrite(msg string) string {
	if v.opts.Rewrite != nil {
		return v.opts.Rewrite(msg)
	}
	return msg
}

func (v *Visitor) compileError(err error) error {
	var se syntax.Error
	if errors.As(err, &se) {
		return &Error{Pos: v.where(se.Pos), Msg: v.rewrite(se.Msg)}
	}
	var el resolve.ErrorList
	if errors.As(err, &el) && len(el) > 0 {
		msg := el[0].Msg
		if n := len(el) - 1; n == 1 {
			msg += " (and 1 more error)"
		} else if n > 1 {
			msg += fmt.Sprintf(" (and %d more errors)", n)
		}
		return &Error{Pos: v.where(el[0].Pos), Msg: v.rewrite(msg)}
	}
	return err
}

// Name is the visitor's name: the script's base name without extension.
func (v *Visitor) Name() string { return v.name }

// File is the script's path.
func (v *Visitor) File() string { return v.file }

// Defines reports whether the script defines hook h.
func (v *Visitor) Defines(h visitors.Hook) bool { return v.defined[h] }

// ReadsHeadersOnly makes the visitor a visitors.HeadersReader: a hook gets
// its headers as new Starlark values (see copyIn), so nothing it does
// reaches the dict it was given.
func (v *Visitor) ReadsHeadersOnly() {}

// MakesItsResults makes the visitor a visitors.ResultMaker: a hook's
// result is converted from Starlark into new canvas values, and a view of
// the canvas or the headers it returns is copied (see fromStarlark).
func (v *Visitor) MakesItsResults() {}

// LastSteps is the number of Starlark steps the last hook call took (0
// when the script does not define that hook; right after Start, the steps
// of the top level).
func (v *Visitor) LastSteps() uint64 { return v.last }

// TotalSteps is the number of Starlark steps taken since Start.
func (v *Visitor) TotalSteps() uint64 { return v.total }

// StepBudget is the step budget of one hook call.
func (v *Visitor) StepBudget() uint64 {
	if v.Budget == 0 {
		return DefaultBudget
	}
	return v.Budget
}

var uuid4 = starlark.NewBuiltin("uuid4", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
		return nil, err
	}
	return starlark.String(uuid.NewString()), nil
})

// Start begins a stamp() run: the script's top level runs again with a fresh
// `state` dict.
func (v *Visitor) Start() error {
	predeclared := starlark.StringDict{
		"state": starlark.NewDict(4),
		"uuid4": uuid4,
		"json":  JSON,
	}
	for k, val := range v.opts.Predeclared {
		predeclared[k] = val
	}
	if v.Context != nil {
		if err := v.Context.Err(); err != nil {
			return fmt.Errorf("%s: not run: %w", v.file, context.Cause(v.Context))
		}
	}
	v.newThread()
	v.cur = where{hook: "top level"}
	v.total, v.printed, v.runOut = 0, 0, false
	thread := v.thread
	thread.Steps = 0
	thread.SetMaxExecutionSteps(v.StepBudget())
	v.guard.startRun(thread, v.maxMemory())
	v.globals = nil
	var globals starlark.StringDict
	err := v.guarded(func() (err error) {
		globals, err = v.prog.Init(thread, predeclared)
		return err
	})
	v.last = thread.Steps
	v.total = thread.Steps
	if err != nil {
		v.globals = nil
		return v.runtimeError(err)
	}
	if !v.opts.MutableGlobals {
		globals.Freeze()
	}
	v.globals = globals
	for h := visitors.Hook(0); h < visitors.NumHooks; h++ {
		v.hooks[h], _ = globals[h.String()].(*starlark.Function)
	}
	return nil
}

func (v *Visitor) newThread() {
	v.thread = &starlark.Thread{
		Name:  v.name,
		Print: func(_ *starlark.Thread, msg string) { v.printLimited(msg, v.emit) },
		Load: func(_ *starlark.Thread, module string) (starlark.StringDict, error) {
			if m, ok := Modules[module]; ok {
				return m, nil
			}
			return nil, fmt.Errorf("load(%q) is not allowed", module)
		},
	}
}

// emit hands one print() to Printed, Print or stderr.
func (v *Visitor) emit(msg string) {
	switch {
	case v.Printed != nil:
		out := Output{Hook: v.cur.hook, Msg: msg}
		if v.cur.hook != "top level" {
			out.Path = v.cur.path.String()
		}
		v.Printed(out)
	case v.Print != nil:
		v.Print(msg)
	default:
		fmt.Fprintln(os.Stderr, msg)
	}
}

// guarded runs Starlark code under the context and the memory watchdog,
// and turns a panic inside the interpreter into an error (see recovered).
func (v *Visitor) guarded(run func() error) (err error) {
	stop := v.watch()
	v.guard.enter()
	defer func() {
		v.stopped = v.guard.leave()
		stop()
		v.recovered(recover(), &err)
	}()
	return run()
}

// watch cancels the thread when the context is done; the returned function
// stops watching.
func (v *Visitor) watch() func() bool {
	if v.Context == nil {
		return func() bool { return true }
	}
	thread := v.thread
	return context.AfterFunc(v.Context, func() { thread.Cancel(context.Cause(v.Context).Error()) })
}

func (v *Visitor) call(h visitors.Hook, t visitors.Target, headers *canvas.Dict) (canvas.Value, error) {
	v.last = 0
	if !v.defined[h] {
		return nil, visitors.ErrUndefined
	}
	if v.globals == nil {
		if err := v.Start(); err != nil {
			return nil, err
		}
	}
	fn := v.hooks[h]
	if fn == nil {
		return nil, visitors.ErrUndefined
	}
	if v.Context != nil {
		if err := v.Context.Err(); err != nil {
			return nil, fmt.Errorf("%s not run: %w", h, context.Cause(v.Context))
		}
	}
	thread := v.thread
	thread.Uncancel()
	thread.Steps = 0
	v.cur = where{hook: h.String(), path: t.Path}
	budget, runOut := v.callBudget()
	if budget == 0 {
		return nil, &Error{Pos: v.where(fn.Position()), Hook: h.String(), Node: nodeText(t),
			Msg: fmt.Sprintf("not run: the run used up its budget of %d steps", v.RunStepBudget())}
	}
	thread.SetMaxExecutionSteps(budget)
	v.runOut = runOut
	u := v.unreadBy(h, fn)
	given := u.headersFor(headers)
	n := len(given)
	if cap(v.kwBuf) < n {
		v.kwBuf = make([]starlark.Tuple, n)
		v.pairBuf = make([]starlark.Value, 2*n)
	}
	kwargs, pairs := v.kwBuf[:n], v.pairBuf[:2*n]
	for i, p := range given {
		pair := pairs[2*i : 2*i+2 : 2*i+2]
		pair[0], pair[1] = v.str(p.Key.String()), v.copyIn(p.Val)
		kwargs[i] = pair
	}
	v.argBuf[0] = u.sigFor(t)
	var res starlark.Value
	err := v.guarded(func() (err error) {
		res, err = starlark.Call(thread, fn, v.argBuf[:], kwargs)
		return err
	})
	v.argBuf[0] = nil
	v.last = thread.Steps
	v.total += thread.Steps
	if err != nil {
		e := v.runtimeError(err)
		if se, ok := e.(*Error); ok {
			se.Node = nodeText(t)
		}
		return nil, e
	}
	v.memo.reset(v.maxResult())
	out, err := fromStarlark(res, &v.memo)
	if err == nil && !h.IsEnd() {
		markStamped(res) // after the copy: the trace shows what the hook returned
	}
	clear(pairs)
	if errors.Is(err, errTooLarge) {
		return nil, &Error{Pos: v.where(fn.Position()), Hook: h.String(), Node: nodeText(t),
			Msg: fmt.Sprintf("%s returned more than %s (the limit of one hook's result)", h, bytesText(uint64(v.maxResult())))}
	}
	if err != nil {
		return nil, &Error{Pos: v.where(fn.Position()), Msg: fmt.Sprintf("%s returned a value that is not JSON: %s", h, err), Hook: h.String(), Node: nodeText(t)}
	}
	return out, nil
}

// markStamped does to a hook's result what Celery's _stamp_headers does to
// it: a non-empty dict without "stamped_headers" gets the list of its keys
// written into it, in place. A visitor that returns the same dict again
// (state["d"], a Python visitor's self.stamps) then returns it with that
// key, and only the keys it held the first time are stamps. A frozen dict
// (a Starlark global) cannot change; Python has none.
func markStamped(res starlark.Value) {
	d, ok := res.(*starlark.Dict)
	if !ok || d.Len() == 0 {
		return
	}
	if _, found, _ := d.Get(stampedHeadersKey); found {
		return
	}
	_ = d.SetKey(stampedHeadersKey, starlark.NewList(d.Keys()))
}

var stampedHeadersKey = starlark.String("stamped_headers")

// where is the hook running and the node it visits.
type where struct {
	hook string
	path visitors.Path
}

// str is a header key or value as a Starlark string. Siblings receive
// the same headers, so short strings are made once and reused.
func (v *Visitor) str(k string) starlark.Value {
	if len(k) > 64 {
		return starlark.String(k)
	}
	if s, ok := v.strs[k]; ok {
		return s
	}
	if v.strs == nil || len(v.strs) >= 8192 {
		v.strs = make(map[string]starlark.Value, 64)
	}
	s := starlark.Value(starlark.String(k))
	v.strs[k] = s
	return s
}

// copyIn converts a header value into fresh Starlark values (a hook's
// headers are a copy: mutating them changes nothing).
func (v *Visitor) copyIn(c canvas.Value) starlark.Value {
	switch x := c.(type) {
	case string:
		return v.str(x)
	case *canvas.List:
		items := make([]starlark.Value, x.Len())
		for i, it := range x.Items() {
			items[i] = v.copyIn(it)
		}
		if x.Tuple() {
			return starlark.Tuple(items)
		}
		return starlark.NewList(items)
	case *canvas.Dict:
		d := starlark.NewDict(x.Len())
		for _, p := range x.Pairs() {
			_ = d.SetKey(v.str(p.Key.String()), v.copyIn(p.Val))
		}
		return d
	}
	return toStarlark(c)
}

// nodeText names the node a hook was visiting: its path, task_id and task.
func nodeText(t visitors.Target) string {
	s := t.Path.String()
	if id, ok := visitors.TaskID(t.Value).(string); ok {
		s += " (" + id + ")"
	}
	if task, ok := visitors.TaskName(t.Value).(string); ok {
		s += " " + task
	}
	return s
}

// runtimeError turns a Starlark evaluation error into an Error positioned
// in the user's file, with the backtrace of the user's code.
func (v *Visitor) runtimeError(err error) error {
	var ee *starlark.EvalError
	if !errors.As(err, &ee) {
		return err
	}
	where := v.cur.hook
	msg := v.rewrite(ee.Msg)
	switch {
	case v.stopped != "":
		msg = fmt.Sprintf("%s %s", where, v.stopped)
	case strings.Contains(msg, "too many steps") && v.runOut:
		msg = fmt.Sprintf("%s stopped: the run used up its budget of %d steps", where, v.RunStepBudget())
	case strings.Contains(msg, "too many steps"):
		msg = fmt.Sprintf("%s used up its budget of %d steps (an endless loop?)", where, v.StepBudget())
	case v.Context != nil && v.Context.Err() != nil && strings.Contains(msg, "cancelled"):
		msg = fmt.Sprintf("%s cancelled: %v", where, context.Cause(v.Context))
	}
	pos, fallback := "", ""
	var bt strings.Builder
	builtin := ""
	for i, fr := range ee.CallStack {
		if fr.Pos.Filename() == "<builtin>" {
			if i == len(ee.CallStack)-1 {
				builtin = fr.Name
			}
			continue
		}
		p := fr.Pos
		if v.opts.Positions != nil {
			var ok bool
			if p, ok = v.opts.Positions(fr.Pos); !ok {
				if p.Line > 0 {
					fallback = p.String()
				}
				continue
			}
		}
		name := fr.Name
		if v.opts.FuncName != nil {
			name = v.opts.FuncName(name)
		}
		if name == "<toplevel>" {
			name = "top level"
		}
		pos = p.String()
		if bt.Len() == 0 {
			bt.WriteString("Traceback (most recent call last):\n")
		}
		fmt.Fprintf(&bt, "  %s: in %s\n", p, name)
	}
	if pos == "" {
		pos = fallback
	}
	if pos == "" {
		pos = v.file
	}
	if builtin != "" {
		fmt.Fprintf(&bt, "Error in %s: %s", builtin, msg)
	} else {
		fmt.Fprintf(&bt, "Error: %s", msg)
	}
	return &Error{Pos: pos, Msg: msg, Hook: where, Backtrace: bt.String()}
}
