package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/canvas/sample"
	"github.com/stampede-dev/stampede/stamping"
	"github.com/stampede-dev/stampede/visitors"
	"github.com/stampede-dev/stampede/visitors/python"
	"github.com/stampede-dev/stampede/visitors/script"
)

func init() {
	register("visitor", "write a starter visitor (new NAME) or check one (check FILE)", cmdVisitor)
}

func visitorUsage(w io.Writer) {
	fmt.Fprint(w, `Usage:
  stampede visitor new NAME          write NAME.star, a commented starter script
  stampede visitor new NAME.py       write NAME.py, a starter StampingVisitor class
  stampede visitor check FILE        compile FILE (.star, .py, FILE.py:CLASS or
                                     FILE.py:CLASS(ARGS)) and stamp the built-in
                                     sample with it
  stampede visitor check -starlark FILE.py
                                     also print the Starlark a Python file becomes

The scripting API is described in VISITORS.md.
`)
}

func cmdVisitor(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		visitorUsage(stderr)
		return 2
	}
	switch args[0] {
	case "new":
		if len(args) != 2 {
			fmt.Fprintln(stderr, "stampede visitor new: expected one NAME")
			visitorUsage(stderr)
			return 2
		}
		return visitorNew(args[1], stdout, stderr)
	case "check":
		rest := args[1:]
		showStarlark := false
		if len(rest) > 0 && (rest[0] == "-starlark" || rest[0] == "--starlark") {
			showStarlark, rest = true, rest[1:]
		}
		if len(rest) != 1 {
			fmt.Fprintln(stderr, "stampede visitor check: expected one FILE")
			visitorUsage(stderr)
			return 2
		}
		return visitorCheck(rest[0], showStarlark, stdout, stderr)
	case "help", "-h", "-help", "--help":
		visitorUsage(stdout)
		return 0
	}
	fmt.Fprintf(stderr, "stampede visitor: unknown subcommand %q\n", args[0])
	visitorUsage(stderr)
	return 2
}

// visitorNew writes a starter visitor, never over an existing file.
func visitorNew(name string, stdout, stderr io.Writer) int {
	path := name
	switch filepath.Ext(name) {
	case ".star", ".py":
	case "":
		path += ".star"
	default:
		return failf(stderr, "visitor new: %s: a visitor file ends in .star (Starlark) or .py (a Python class)", name)
	}
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	if base == "" {
		return failf(stderr, "visitor new: %q has no name", name)
	}
	text := starterStar(base)
	if strings.HasSuffix(path, ".py") {
		text = starterPython(base)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return failf(stderr, "visitor new: %s already exists; not overwriting it", path)
	}
	if err != nil {
		return failf(stderr, "visitor new: %v", err)
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		os.Remove(path)
		return failf(stderr, "visitor new: %v", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return failf(stderr, "visitor new: %v", err)
	}
	fmt.Fprintf(stdout, "wrote %s\ntry it: stampede visitor check %s\n       stampede stamp -visitor %s -trace trace.jsonl CANVAS.json\n", path, path, path)
	return 0
}

// visitorCheck compiles a visitor file and stamps the built-in sample with
// it, so that both compile-time and run-time errors show.
func visitorCheck(spec string, showStarlark bool, stdout, stderr io.Writer) int {
	file, class := python.SplitSpec(spec)
	if showStarlark {
		if !strings.HasSuffix(file, ".py") {
			return failf(stderr, "visitor check -starlark: %s is not a .py file", file)
		}
		src, err := os.ReadFile(file)
		if err != nil {
			return failf(stderr, "%v", err)
		}
		out, err := python.Translate(file, src, class)
		if err != nil {
			return failf(stderr, "%v", err)
		}
		fmt.Fprint(stdout, out)
	}
	v, err := python.Resolve(spec, "")
	if err != nil {
		fmt.Fprint(stderr, "stampede: "+script.Explain(err))
		if !strings.HasSuffix(script.Explain(err), "\n") {
			fmt.Fprintln(stderr)
		}
		return 1
	}
	var hooks []string
	if sv, ok := v.(*script.Visitor); ok {
		sv.Print = func(msg string) { fmt.Fprintln(stderr, msg) }
		for h := visitors.Hook(0); h < visitors.NumHooks; h++ {
			if sv.Defines(h) {
				hooks = append(hooks, h.String())
			}
		}
	}
	c, err := canvas.Load(sample.OrderJSON)
	if err != nil {
		return failf(stderr, "%s: %v", sample.Name, err)
	}
	tr, err := stamping.Stamp(c, stamping.Options{Visitor: v, Untraced: true})
	if err != nil {
		fmt.Fprintf(stderr, "stampede: %s compiles, but stamping %s failed: %s", spec, sample.Name, script.Explain(err))
		if !strings.HasSuffix(script.Explain(err), "\n") {
			fmt.Fprintln(stderr)
		}
		return 1
	}
	defined := "no hooks (Celery's defaults only)"
	if len(hooks) > 0 {
		defined = strings.Join(hooks, ", ")
	}
	steps := ""
	if sv, ok := v.(*script.Visitor); ok {
		steps = fmt.Sprintf(", %d Starlark steps", sv.TotalSteps())
	}
	fmt.Fprintf(stdout, "%s: visitor %s defines %s\nstamped %s: %d hook calls%s\n", spec, v.Name(), defined, sample.Name, tr.Len(), steps)
	return 0
}

func starterStar(name string) string {
	return strings.ReplaceAll(`# NAME.star -- a stampede visitor script.
#
# Starlark is a small Python dialect. stampede calls the hooks defined in
# this file while it stamps a canvas, exactly where Celery 5.6.2 calls a
# StampingVisitor's methods:
#
#     stampede visitor check NAME.star
#     stampede stamp -visitor NAME.star -trace trace.jsonl CANVAS.json
#
# A hook is a top-level  def HOOK(sig, **headers)  returning a dict of
# stamps (or None). A hook you do not define keeps Celery's default.
#
#   sig      the node visited, read-only: sig.task, sig.args, sig.kwargs,
#            sig.options, sig.subtask_type, sig.immutable, sig.id,
#            sig.kind ("signature", "chain", "group", "chord"), sig.path,
#            sig.depth, sig.owner, sig.tasks, sig.header, sig.body,
#            sig.links, sig.errbacks
#   headers  the stamps Celery hands down to this node (a copy)
#   state    a dict that lives for one stamp run
#   uuid4()  a random uuid string;  json.encode / json.decode;  print()
#
# See VISITORS.md for the whole API.


def on_signature(sig, **headers):
    # Every task signature: the leaves, and every callback and errback.
    state["n"] = state.get("n", 0) + 1
    return {"NAME_seq": state["n"], "NAME_path": sig.path}


# The other hooks, with what Celery does when they are left out:
#
# def on_group_start(sig, **headers):         # default: return {}
#     return {}
# def on_group_end(sig, **headers):           # default: nothing
#     pass
# def on_chain_start(sig, **headers):         # default: return {}
#     return {}
# def on_chain_end(sig, **headers):           # default: nothing
#     pass
# def on_chord_header_start(sig, **headers):  # default: wrap the header in a
#     return {}                               # group, return on_group_start(it)
# def on_chord_header_end(sig, **headers):    # default: on_group_end(header)
#     pass
# def on_chord_body(sig, **headers):          # default: return {}
#     return {}
# def on_callback(sig, **headers):            # default: return {}
#     return {}
# def on_errback(sig, **headers):             # default: return {}
#     return {}
`, "NAME", name)
}

func starterPython(name string) string {
	class := ""
	upper := true
	for _, r := range name {
		switch {
		case r == '_' || r == '-' || r == '.' || r == ' ':
			upper = true
		case upper:
			class += string(unicode.ToUpper(r))
			upper = false
		default:
			class += string(r)
		}
	}
	if class == "" || !unicode.IsLetter([]rune(class)[0]) {
		class = "My" + class
	}
	key := strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return '_'
	}, name)
	return strings.NewReplacer("CLASS", class+"Visitor", "NAME", name, "KEY", key).Replace(`"""NAME.py -- a stampede visitor written as a Celery StampingVisitor class.

The same class works in your Celery code:  canvas.stamp(CLASS())
Try it here:

    stampede visitor check NAME.py
    stampede stamp -visitor NAME.py -trace trace.jsonl CANVAS.json

stampede runs the class without Python (it is translated to Starlark), so a
visitor uses what visitors use: self.attr state, uuid4(), f-strings,
super() calls to Celery's defaults. See VISITORS.md for the details.
"""
from uuid import uuid4

from celery.canvas import Signature, StampingVisitor


class CLASS(StampingVisitor):
    def __init__(self) -> None:
        # State lives on self; stampede makes a new CLASS() for every run.
        self.count = 0

    def on_signature(self, sig: Signature, **headers) -> dict:
        # Every task signature: the leaves, and every callback and errback.
        self.count += 1
        return {"KEY_seq": self.count, "KEY_id": str(uuid4())}

    # Hooks you leave out keep Celery's defaults; to add to one, call it:
    #
    # def on_chord_header_start(self, sig: Signature, **headers) -> dict:
    #     stamps = super().on_chord_header_start(sig, **headers)
    #     stamps.update({"KEY_chord": sig.id})
    #     return stamps
`)
}
