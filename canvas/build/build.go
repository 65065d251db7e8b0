// Package build runs canvas scripts: Starlark files written in Celery's own
// canvas vocabulary, whose global `canvas` is the canvas they build.
//
//	add = task("proj.add")
//	tsum = task("proj.tsum")
//	canvas = chain(add.s(2, 2), group([add.s(i, i) for i in range(10)]) | tsum.s())
//	canvas.link_error(task("proj.log_error").s())
//
// task(NAME) stands for a task of the user's project, with .s(), .si() and
// .signature(); signature(), chain(), group(), chord() and `|` are Celery's,
// and signatures have Celery's methods (set, clone, link, link_error,
// on_error, replace, stamp, …) and attributes (options, tasks, body, …).
// Every one of them runs the operation of package canvas that reproduces
// Celery 5.6.2, so a script builds exactly the canvas the same Python would,
// down to which objects are shared.
//
// Generator expressions make lazy groups, as in Celery: in
// group(add.s(i) for i in range(10000)) the members are computed only when
// something consumes them (json.dumps, stamping's deferred hooks, the TUI),
// so stamping a lazy million costs nothing until they are produced.
//
// Python import lines are accepted where a pasted Celery snippet has them:
// `from celery import chain, group` is ignored (those names are built in)
// and `from proj.tasks import add` binds add = task("proj.tasks.add"),
// Celery's default name for a task. `import json` gives json.dumps and
// json.loads.
package build

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.starlark.net/resolve"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"

	"github.com/stampede-dev/stampede/canvas"
)

// DefaultMaxSteps is how many Starlark steps a script may take unless
// Options.MaxSteps says otherwise: enough for a group of millions of
// signatures, small enough that a runaway loop stops.
const DefaultMaxSteps = 500_000_000

// Options tune a script run. The zero value is fine.
type Options struct {
	// Dir is where visitor("FILE.star") looks for relative paths first
	// (LoadFile sets it to the script's folder).
	Dir string
	// MaxSteps bounds the Starlark steps (DefaultMaxSteps if zero).
	MaxSteps uint64
	// Context, when set, stops the script when it is done.
	Context context.Context
	// Print receives the output of print() (stderr if nil).
	Print func(msg string)
	// Predeclared adds names to the script's built-ins (or replaces them).
	Predeclared starlark.StringDict
}

// Error is a script that failed, with where: file, line and column of the
// script statement that was running.
type Error struct {
	File      string
	Line, Col int
	Msg       string
	Backtrace string // Starlark's call stack, for errors raised at run time
}

// Error is "file:line:col: message" (just "file: message" without a line).
func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// runState is what the built-ins of one script run share.
type runState struct {
	maxSteps uint64
	file     string
	dir      string
	conv     *conv
	visitors map[string]*Visitor
}

// ResultName is the global a script must set to the canvas it builds.
const ResultName = "canvas"

// fileOptions are the Python features a canvas script may use beyond
// Starlark's defaults: top-level loops and ifs, reassigned globals, while,
// sets and recursion, as in the Python a user pastes.
var fileOptions = &syntax.FileOptions{Set: true, While: true, TopLevelControl: true, GlobalReassign: true, Recursion: true}

// Run executes a canvas script and returns the canvas it assigns to the
// global `canvas`: a signature, or a dict, which is loaded as
// celery.signature(dict) loads it. The canvas is the script's own objects
// (links it added are signatures, objects it shared stay shared), as the same
// code builds it in a Python process.
func Run(filename string, src []byte, opts *Options) (*canvas.Dict, error) {
	if opts == nil {
		opts = &Options{}
	}
	src, err := translateImports(filename, src)
	if err != nil {
		return nil, err
	}
	src = []byte(rewriteGenexps(removeDigitSeparators(string(src))))
	steps := opts.MaxSteps
	if steps == 0 {
		steps = DefaultMaxSteps
	}
	r := &runState{maxSteps: steps, file: filename, dir: opts.Dir, conv: &conv{memo: map[starlark.Value]canvas.Value{}}, visitors: map[string]*Visitor{}}
	predeclared := r.builtins()
	for k, v := range opts.Predeclared {
		predeclared[k] = v
	}
	thread := &starlark.Thread{Name: filename, Print: func(_ *starlark.Thread, msg string) {
		if opts.Print != nil {
			opts.Print(msg)
		} else {
			fmt.Fprintln(os.Stderr, msg)
		}
	}}
	thread.SetMaxExecutionSteps(steps)
	if opts.Context != nil {
		if err := opts.Context.Err(); err != nil {
			return nil, err
		}
		stop := context.AfterFunc(opts.Context, func() { thread.Cancel("cancelled") })
		defer stop()
	}
	_, prog, err := starlark.SourceProgramOptions(fileOptions, filename, src, predeclared.Has)
	if err != nil {
		return nil, compileError(filename, err)
	}
	if prog.NumLoads() > 0 {
		return nil, &Error{File: filename, Msg: "load() is not available in canvas scripts"}
	}
	globals, err := initProgram(filename, prog, thread, predeclared)
	if e, ok := err.(*Error); ok {
		return nil, e
	}
	if err != nil {
		if opts.Context != nil && opts.Context.Err() != nil {
			return nil, opts.Context.Err()
		}
		if thread.ExecutionSteps() >= steps {
			return nil, &Error{File: filename, Msg: fmt.Sprintf("the script was stopped after %d steps (a loop that does not end?)", steps)}
		}
		return nil, runtimeError(filename, err)
	}
	return r.result(globals)
}

// initProgram runs the script's top level. A panic inside the interpreter
// or a built-in (`list(range(1 << 62))` asks Go for an impossible slice)
// is the script's error, not the program's end.
func initProgram(filename string, prog *starlark.Program, thread *starlark.Thread, predeclared starlark.StringDict) (globals starlark.StringDict, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = interpreterFailed(filename, r)
		}
	}()
	return prog.Init(thread, predeclared)
}

// interpreterFailed is the error for a panic r inside the interpreter.
func interpreterFailed(filename string, r any) error {
	return &Error{File: filename, Msg: fmt.Sprintf("the script stopped: the interpreter failed (%v)", r)}
}

// result is the canvas the script set.
func (r *runState) result(globals starlark.StringDict) (*canvas.Dict, error) {
	v, ok := globals[ResultName]
	if !ok {
		return nil, &Error{File: r.file, Msg: "the script does not set `canvas`: assign the canvas it builds to the global named canvas"}
	}
	switch x := v.(type) {
	case *Sig:
		return x.d, nil
	case *starlark.Dict, *dictView:
		d, err := r.conv.toCanvas(x)
		if err != nil {
			return nil, &Error{File: r.file, Msg: "canvas: " + err.Error()}
		}
		s, err := canvas.SignatureOf(d)
		if err != nil {
			return nil, &Error{File: r.file, Msg: "canvas: " + err.Error()}
		}
		return s, nil
	}
	return nil, &Error{File: r.file, Msg: fmt.Sprintf("`canvas` must be a signature (a task signature, chain, group or chord), not %s", v.Type())}
}

// LoadFile reads a canvas from a file: a canvas script when the name ends in
// .star, else Celery JSON loaded as celery.signature(json.load(f)) does.
// Errors name the file (and the script line or JSON position).
func LoadFile(path string) (*canvas.Dict, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if IsScript(path) {
		return Run(path, data, &Options{Dir: filepath.Dir(path)})
	}
	c, err := canvas.Load(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// IsScript reports whether path names a canvas script (by its .star name).
func IsScript(path string) bool { return strings.EqualFold(filepath.Ext(path), ".star") }

// Load is LoadFile for data already read: a script when name ends in .star.
func Load(name string, data []byte, dir string) (*canvas.Dict, error) {
	if IsScript(name) {
		return Run(name, data, &Options{Dir: dir})
	}
	c, err := canvas.Load(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return c, nil
}

func compileError(file string, err error) error {
	var se syntax.Error
	if errors.As(err, &se) {
		msg := se.Msg

		return &Error{File: file, Line: int(se.Pos.Line), Col: int(se.Pos.Col), Msg: msg}
	}
	var el resolve.ErrorList
	if errors.As(err, &el) && len(el) > 0 {
		return &Error{File: file, Line: int(el[0].Pos.Line), Col: int(el[0].Pos.Col), Msg: el[0].Msg}
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{File: file, Msg: err.Error()}
}

// runtimeError places a run-time error at the innermost script line of its
// call stack, naming the built-in that raised it.
func runtimeError(file string, err error) error {
	var ee *starlark.EvalError
	if !errors.As(err, &ee) {
		return &Error{File: file, Msg: err.Error()}
	}
	out := &Error{File: file, Msg: ee.Msg, Backtrace: ee.Backtrace()}
	stack := ee.CallStack
	if n := len(stack); n > 0 && stack[n-1].Pos.Filename() == "<builtin>" {
		out.Msg = stack[n-1].Name + ": " + out.Msg
	}
	for i := len(stack) - 1; i >= 0; i-- {
		if stack[i].Pos.Filename() == file {
			out.Line, out.Col = int(stack[i].Pos.Line), int(stack[i].Pos.Col)
			break
		}
	}
	return out
}
