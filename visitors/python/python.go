// Package python runs stamping visitors written as Python classes — a file
// that holds a celery.canvas.StampingVisitor subclass, as it lives in a
// Celery codebase — without Python: the file is translated to Starlark and
// run on the script host, and every error points at the Python file's lines.
//
// The Python accepted is what visitors are written in: `from … import …`
// of uuid, time, datetime, celery, celery.canvas, typing, json and logging
// names (mapped to host values, or kept for isinstance() and annotations);
// classes deriving
// from StampingVisitor (or from another visitor class of the file), with
// methods taking self (or nothing under @staticmethod, the class under
// @classmethod), @property getters, class attributes, `self.attr` state set in __init__
// or in hooks, super() calls reaching Celery's default hooks; annotations;
// **headers; str(uuid4()) and uuid4().hex; f-strings with conversions and
// format specs; "...".format(...) and "..." % args as Python formats
// them; `is`/`is not`; {**a, **b}; generator
// arguments; raise and assert; plus everything Starlark accepts. Anything
// else (while, try, with, other decorators, global, imports of other
// modules, …) is an error naming the line and the construct.
package python

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"go.starlark.net/syntax"

	"github.com/stampede-dev/stampede/visitors"
	"github.com/stampede-dev/stampede/visitors/script"
)

// Load reads a Python visitor file and compiles the visitor class named
// class ("" : the file's only visitor class not subclassed by another).
func Load(path, class string) (*script.Visitor, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Compile(path, src, class)
}

// Compile translates and compiles a Python visitor file. Nothing runs yet:
// the class is instantiated (its __init__ run) when a stamp() run starts.
func Compile(filename string, src []byte, class string) (*script.Visitor, error) {
	p, err := translate(filename, src, class)
	if err != nil {
		if pe, ok := err.(*perr); ok {
			return nil, &script.Error{Pos: fmt.Sprintf("%s:%d:%d", filename, pe.line, pe.col), Msg: pe.msg}
		}
		return nil, err
	}
	module := strings.TrimSuffix(filepath.Base(filename), filepath.Ext(filename))
	v, err := script.CompileWith(filename, []byte(p.src), script.Options{
		Name:        p.chosen.name,
		Predeclared: predeclared(module),
		// while loops end by the step budget, as for loops do
		File:           &syntax.FileOptions{Set: true, TopLevelControl: true, GlobalReassign: true, While: true},
		MutableGlobals: true,
		Positions:      p.position,
		FuncName:       p.funcName,
		Rewrite:        p.rewrite,
	})
	if err != nil {
		return nil, err
	}
	for h := visitors.Hook(0); h < visitors.NumHooks; h++ {
		if v.Defines(h) != p.defined[h] {
			return nil, fmt.Errorf("%s: internal error: hook %s translated wrongly", filename, h)
		}
	}
	return v, nil
}

// Translate is the Starlark program a Python visitor file becomes, for
// looking at what runs (stampede visitor check -starlark).
func Translate(filename string, src []byte, class string) (string, error) {
	p, err := translate(filename, src, class)
	if err != nil {
		if pe, ok := err.(*perr); ok {
			return "", &script.Error{Pos: fmt.Sprintf("%s:%d:%d", filename, pe.line, pe.col), Msg: pe.msg}
		}
		return "", err
	}
	return p.src, nil
}

// Classes lists the visitor classes of a Python file, in file order, for a
// picker (FILE.py:CLASS); a file that cannot be read as a visitor file gives
// its error.
func Classes(filename string, src []byte) ([]string, error) {
	t, err := parse(filename, src)
	if err != nil {
		if pe, ok := err.(*perr); ok {
			return nil, &script.Error{Pos: fmt.Sprintf("%s:%d:%d", filename, pe.line, pe.col), Msg: pe.msg}
		}
		return nil, err
	}
	out := make([]string, len(t.classes))
	for i, c := range t.classes {
		out[i] = c.name
	}
	return out, nil
}

// Resolve returns the visitor a user named with -visitor (or picked in the
// TUI): a built-in visitor's name, a .star script, a .py file, or
// FILE.py:CLASS for one class of a file with several. A relative path is
// looked up in dir first, then as given.
func Resolve(spec, dir string) (visitors.Visitor, error) {
	file, class := SplitSpec(spec)
	if !strings.HasSuffix(file, ".py") {
		return script.Resolve(spec, dir)
	}
	return Load(script.Find(file, dir), class)
}

// SplitSpec splits FILE.py:CLASS, or FILE.py:CLASS(ARGS) for a visitor
// made with arguments, into the file and the class with its arguments
// ("" when not given).
func SplitSpec(spec string) (file, class string) {
	if m := classSpec.FindStringSubmatch(spec); m != nil {
		return m[1], m[2]
	}
	return spec, ""
}

// classSpec is FILE.py:CLASS or FILE.py:CLASS(ARGS); the arguments may
// hold anything, a path or another ".py:" included.
var classSpec = regexp.MustCompile(`^(.*?\.py):([A-Za-z_][A-Za-z_0-9]*(?:\s*\(.*)?)$`)
