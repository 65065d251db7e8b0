package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/themes"
	"github.com/stampede-dev/stampede/tui"
	"github.com/stampede-dev/stampede/tui/builder"
	"github.com/stampede-dev/stampede/tui/session"
)

func init() {
	register("new", "build a canvas from nothing in the TUI's builder mode", cmdNew)
}

// cmdNew is `stampede new [flags] [FILE]`: the TUI in builder mode on an
// empty canvas (an empty chain), saving to FILE (canvas.json by default;
// .json, .star or .py picks the format). FILE must not exist yet: an
// existing canvas is opened with `stampede FILE` and edited with E.
func cmdNew(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("new", "[FILE.json|FILE.star|FILE.py]", stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: stampede new [flags] [FILE]\n\nOpens the builder on an empty canvas; S saves it to FILE (default canvas.json).\n\nFlags:\n")
		fs.PrintDefaults()
	}
	visitorName := fs.String("visitor", "monitoring-id", "visitor the canvas is stamped with when you leave builder mode")
	themeName := fs.String("theme", "", "theme: "+strings.Join(themes.Names(), ", ")+", or a .json theme file (NO_COLOR forces mono)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 1 {
		fmt.Fprintf(stderr, "stampede new: expected at most one file, got %s\n", argumentCount(fs.NArg()))
		return 2
	}
	file := "canvas.json"
	if fs.NArg() == 1 {
		file = fs.Arg(0)
	}
	if _, ok := builder.FormatOf(file); !ok {
		return failf(stderr, "new: %s: name the file .json (Celery JSON), .star (canvas script) or .py (Python)", file)
	}
	if _, err := os.Stat(file); err == nil {
		return failf(stderr, "new: %s exists: open it with 'stampede %s' and press E to edit it", file, file)
	}
	data, err := canvas.Encode(builder.Empty(), 2)
	if err != nil {
		return failf(stderr, "%v", err)
	}
	cfg := tui.Config{
		Session:  session.Config{Name: file, Path: file, Data: data, Visitor: *visitorName},
		Builder:  true,
		SavePath: file,
	}
	if *themeName != "" {
		th, err := themes.Resolve(*themeName)
		if err != nil {
			return failf(stderr, "-theme: %v", err)
		}
		cfg.Theme = th
	}
	if !isTerminal(stdout) {
		return failf(stderr, "new: the builder needs a terminal")
	}
	if err := tui.Run(cfg, os.Stdin, stdout); err != nil {
		return failf(stderr, "%v", err)
	}
	return 0
}
