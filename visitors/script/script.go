// Package script runs stamping visitors written in Starlark: a file of
// top-level functions named after Celery's hooks, each `def HOOK(sig,
// **headers)` returning a dict or None, with a read-only `sig`, a `state`
// dict that lives for one stamp() run and a `uuid4()` builtin.
//
// Scripts are compiled before anything runs, so syntax errors and undefined
// names come with file:line:col; every hook call has a step budget and can
// be cancelled through a context; `while`, recursion and load() are off.
package script

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/uuid"
	"go.starlark.net/resolve"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/visitors"
)

// DefaultBudget is the number of Starlark execution steps one hook call may
// take before it is stopped.
const DefaultBudget = 1_000_000

// Visitor is a compiled visitor script.
type Visitor struct {
	visitors.Base
	name    string
	file    string
	prog    *starlark.Program
	defined [visitors.NumHooks]bool

	// Budget is the step budget of one hook call (DefaultBudget if zero).
	Budget uint64
	// Context, when set, cancels a running hook when it is done.
	Context context.Context
	// Print receives the output of print() (stderr if nil).
	Print func(msg string)

	globals starlark.StringDict
}

// Error is a script failure with its position.
type Error struct {
	Pos       string // file:line:col
	Msg       string
	Backtrace string // Starlark's backtrace, for runtime errors
}

func (e *Error) Error() string { return e.Pos + ": " + e.Msg }

// Load reads and compiles a visitor script.
func Load(path string) (*Visitor, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Compile(path, src)
}

var predeclaredNames = map[string]bool{"state": true, "uuid4": true}

// Compile compiles a visitor script and checks that it defines hooks the
// way Celery calls them.
func Compile(filename string, src []byte) (*Visitor, error) {
	opts := &syntax.FileOptions{Set: true}
	f, prog, err := starlark.SourceProgramOptions(opts, filename, src, func(name string) bool { return predeclaredNames[name] })
	if err != nil {
		return nil, compileError(err)
	}
	if prog.NumLoads() > 0 {
		return nil, &Error{Pos: filename, Msg: "load() is not available in visitor scripts"}
	}
	v := &Visitor{name: strings.TrimSuffix(filepath.Base(filename), filepath.Ext(filename)), file: filename, prog: prog}
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
			line, col := def.Def.Line, def.Def.Col
			return nil, &Error{Pos: fmt.Sprintf("%s:%d:%d", filename, line, col),
				Msg: fmt.Sprintf("hook %s must be declared as def %s(sig, **headers)", def.Name.Name, def.Name.Name)}
		}
		v.defined[h] = true
	}
	return v, nil
}

func isKwargs(p syntax.Expr) bool {
	u, ok := p.(*syntax.UnaryExpr)
	return ok && u.Op == syntax.STARSTAR
}

func compileError(err error) error {
	var se syntax.Error
	if errors.As(err, &se) {
		return &Error{Pos: se.Pos.String(), Msg: se.Msg}
	}
	var el resolve.ErrorList
	if errors.As(err, &el) && len(el) > 0 {
		return &Error{Pos: el[0].Pos.String(), Msg: el[0].Msg}
	}
	return err
}

// Name is the script's base name without extension.
func (v *Visitor) Name() string { return v.name }

// File is the script's path.
func (v *Visitor) File() string { return v.file }

// Defines reports whether the script defines hook h.
func (v *Visitor) Defines(h visitors.Hook) bool { return v.defined[h] }

// Start begins a stamp() run: the script's top level runs again with a fresh
// `state` dict.
func (v *Visitor) Start() error {
	state := starlark.NewDict(4)
	predeclared := starlark.StringDict{
		"state": state,
		"uuid4": starlark.NewBuiltin("uuid4", func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
			return starlark.String(uuid.NewString()), nil
		}),
	}
	thread := v.thread("<toplevel>")
	globals, err := v.prog.Init(thread, predeclared)
	if err != nil {
		return v.runtimeError("top level", err)
	}
	globals.Freeze()
	v.globals = globals
	return nil
}

func (v *Visitor) thread(name string) *starlark.Thread {
	t := &starlark.Thread{Name: name, Print: func(_ *starlark.Thread, msg string) {
		if v.Print != nil {
			v.Print(msg)
		} else {
			fmt.Fprintln(os.Stderr, msg)
		}
	}}
	budget := v.Budget
	if budget == 0 {
		budget = DefaultBudget
	}
	t.SetMaxExecutionSteps(budget)
	return t
}

func (v *Visitor) call(h visitors.Hook, t visitors.Target, headers *canvas.Dict) (canvas.Value, error) {
	if !v.defined[h] {
		return nil, visitors.ErrUndefined
	}
	if v.globals == nil {
		if err := v.Start(); err != nil {
			return nil, err
		}
	}
	fn, ok := v.globals[h.String()].(*starlark.Function)
	if !ok {
		return nil, visitors.ErrUndefined
	}
	thread := v.thread(h.String())
	if v.Context != nil {
		if err := v.Context.Err(); err != nil {
			return nil, err
		}
		stop := context.AfterFunc(v.Context, func() { thread.Cancel("cancelled") })
		defer stop()
	}
	kwargs := make([]starlark.Tuple, len(headers.Pairs))
	for i, p := range headers.Pairs {
		kwargs[i] = starlark.Tuple{starlark.String(p.Key), toStarlarkCopy(p.Val)}
	}
	res, err := starlark.Call(thread, fn, starlark.Tuple{sigValue{t.Value}}, kwargs)
	if err != nil {
		return nil, v.runtimeError(h.String(), err)
	}
	out, err := fromStarlark(res, map[starlark.Value]canvas.Value{})
	if err != nil {
		pos := fn.Position()
		return nil, &Error{Pos: pos.String(), Msg: fmt.Sprintf("%s returned %s", h, err)}
	}
	return out, nil
}

func (v *Visitor) runtimeError(where string, err error) error {
	var ee *starlark.EvalError
	if errors.As(err, &ee) {
		pos := v.file
		if n := len(ee.CallStack); n > 0 {
			pos = ee.CallStack[n-1].Pos.String()
		}
		msg := ee.Msg
		if strings.Contains(msg, "too many steps") {
			budget := v.Budget
			if budget == 0 {
				budget = DefaultBudget
			}
			msg = fmt.Sprintf("%s used up its budget of %d steps (an endless loop?)", where, budget)
		}
		return &Error{Pos: pos, Msg: msg, Backtrace: ee.Backtrace()}
	}
	return err
}

// The hooks: each runs the script's function of that name if defined.

func (v *Visitor) OnSignature(t visitors.Target, h *canvas.Dict) (canvas.Value, error) {
	return v.call(visitors.OnSignature, t, h)
}
func (v *Visitor) OnGroupStart(t visitors.Target, h *canvas.Dict) (canvas.Value, error) {
	return v.call(visitors.OnGroupStart, t, h)
}
func (v *Visitor) OnGroupEnd(t visitors.Target, h *canvas.Dict) (canvas.Value, error) {
	return v.call(visitors.OnGroupEnd, t, h)
}
func (v *Visitor) OnChainStart(t visitors.Target, h *canvas.Dict) (canvas.Value, error) {
	return v.call(visitors.OnChainStart, t, h)
}
func (v *Visitor) OnChainEnd(t visitors.Target, h *canvas.Dict) (canvas.Value, error) {
	return v.call(visitors.OnChainEnd, t, h)
}
func (v *Visitor) OnChordHeaderStart(t visitors.Target, h *canvas.Dict) (canvas.Value, error) {
	return v.call(visitors.OnChordHeaderStart, t, h)
}
func (v *Visitor) OnChordHeaderEnd(t visitors.Target, h *canvas.Dict) (canvas.Value, error) {
	return v.call(visitors.OnChordHeaderEnd, t, h)
}
func (v *Visitor) OnChordBody(t visitors.Target, h *canvas.Dict) (canvas.Value, error) {
	return v.call(visitors.OnChordBody, t, h)
}
func (v *Visitor) OnCallback(t visitors.Target, h *canvas.Dict) (canvas.Value, error) {
	return v.call(visitors.OnCallback, t, h)
}
func (v *Visitor) OnErrback(t visitors.Target, h *canvas.Dict) (canvas.Value, error) {
	return v.call(visitors.OnErrback, t, h)
}
