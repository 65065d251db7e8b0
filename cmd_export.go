package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/stampede-dev/stampede/canvas/build"
	"github.com/stampede-dev/stampede/canvas/codegen"
)

func init() {
	register("export", "write a canvas as Python for a Celery project, a canvas script or JSON", cmdExport)
}

// cmdExport writes the canvas of a JSON file or canvas script back as code
// that builds it: Python (the default), a canvas script, or Celery JSON.
func cmdExport(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("export", "CANVAS.json|CANVAS.star", stderr)
	python := fs.Bool("python", false, "write Python that builds the canvas in a Celery project (the default)")
	script := fs.Bool("script", false, "write a canvas script (.star) that builds the canvas")
	asJSON := fs.Bool("json", false, "write the canvas as Celery JSON (what `stampede fmt` writes)")
	tasks := fs.String("tasks", "import", `Python only: "import" imports each task by Celery's default name (from MODULE import FUNCTION); "name" writes signature("NAME", ...) and needs no import`)
	out := fs.String("o", "", "write here instead of stdout")
	force := fs.Bool("force", false, "allow -o to overwrite the input file")
	in, code, ok := parse(fs, args, stderr)
	if !ok {
		return code
	}
	formats := 0
	for _, f := range []bool{*python, *script, *asJSON} {
		if f {
			formats++
		}
	}
	if formats > 1 {
		fmt.Fprintln(stderr, "stampede export: give one of -python, -script, -json")
		return 2
	}
	opts := codegen.Options{Language: codegen.Python, Source: filepath.Base(in)}
	switch *tasks {
	case "import":
	case "name":
		opts.Tasks = codegen.NamedTasks
	default:
		fmt.Fprintf(stderr, "stampede export: -tasks must be \"import\" or \"name\", not %q\n", *tasks)
		return 2
	}
	c, err := build.LoadFile(in)
	if err != nil {
		return failf(stderr, "%v", err)
	}
	if *asJSON {
		return writeCanvas(c, in, *out, *force, stdout, stderr)
	}
	var data []byte
	switch {
	case *script:
		opts.Language = codegen.Script
		data, err = codegen.Generate(c, opts)
	default:
		data, err = codegen.Generate(c, opts)
	}
	if err != nil {
		return failf(stderr, "%s", about(in, err))
	}
	if err := writeOutputs(in, *force, stdout, dest{flag: "-o", path: *out, data: [][]byte{data}}); err != nil {
		return failf(stderr, "%v", err)
	}
	return 0
}
