package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/replay"
	"github.com/stampede-dev/stampede/replay/lint"
	"github.com/stampede-dev/stampede/visitors"
	"github.com/stampede-dev/stampede/visitors/python"
)

func init() {
	register("lint", "warn about pitfalls that lose or corrupt stamps in a canvas (or a session's result)", cmdLint)
}

func cmdLint(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("lint", "CANVAS.json|SESSION.json", stderr)
	dir := fs.String("visitors", "", "for a session: folder of the visitor scripts its unrecorded stamp ops name (default: the session's folder)")
	in, code, ok := parse(fs, args, stderr)
	if !ok {
		return code
	}
	root, err := lintInput(in, *dir)
	if err != nil {
		return failf(stderr, "%v", err)
	}
	warnings := lint.Lint(root)
	for _, w := range warnings {
		if _, err := fmt.Fprintln(stdout, "warning: "+w.String()); err != nil {
			return failf(stderr, "%v", err)
		}
	}
	if len(warnings) > 0 {
		fmt.Fprintf(stdout, "lint: %d warning(s)\n", len(warnings))
		return exitFound
	}
	fmt.Fprintln(stdout, "lint: no pitfall found")
	return 0
}

// lintInput is the canvas to lint: a canvas file loaded as
// celery.signature() does, or — for a session file, which has "ops" — the
// in-memory canvas after playing it, where shared objects are still shared.
func lintInput(path, dir string) (*canvas.Dict, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	// isSessionFile decodes only what could be a session: a large canvas
	// is not decoded twice.
	if isSessionFile(data) {
		s, err := replay.ParseSession(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if dir == "" {
			dir = filepath.Dir(path)
		}
		p, err := replay.Play(s, replay.Config{Resolve: func(name string) (visitors.Visitor, error) { return python.Resolve(name, dir) }, NoSnapshots: true})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if p.Err != nil {
			return nil, fmt.Errorf("%s: %w", path, p.Err)
		}
		return p.Current, nil
	}
	return readCanvas(path)
}
