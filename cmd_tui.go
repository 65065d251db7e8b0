package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/canvas/build"
	"github.com/stampede-dev/stampede/canvas/sample"
	"github.com/stampede-dev/stampede/replay"
	"github.com/stampede-dev/stampede/themes"
	"github.com/stampede-dev/stampede/tui"
	"github.com/stampede-dev/stampede/tui/session"
	"github.com/stampede-dev/stampede/visitors/python"
)

// The TUI is what `stampede` alone and `stampede FILE.json [flags]` open.
func init() {
	cmdDefault = cmdTUISample
	cmdOpen = cmdTUIOpen
}

// isTerminal reports whether w is a terminal the TUI can draw on.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// cmdTUISample opens the built-in sample with the monitoring-id visitor.
// Without a terminal (a pipe, a test) it prints the hook calls instead.
func cmdTUISample(stdout, stderr io.Writer) int {
	if !isTerminal(stdout) {
		return cmdSample(stdout, stderr)
	}
	cfg := tui.Config{Session: session.Config{Name: sample.Name, Data: sample.OrderJSON, Visitor: "monitoring-id"}}
	return runTUI(cfg, stdout, stderr)
}

// isSessionFile reports whether data is a session (replay/FORMAT.md):
// {"format": "stampede.session", ...} or the legacy {"canvas", "ops"}.
func isSessionFile(data []byte) bool {
	// Either form names "format" or "ops" somewhere (a key may be escaped);
	// a canvas that names neither is not decoded twice.
	if !bytes.Contains(data, []byte(`"format"`)) && !bytes.Contains(data, []byte(`"ops"`)) && !bytes.Contains(data, []byte(`\u`)) {
		return false
	}
	v, err := canvas.Decode(data)
	if err != nil {
		return false
	}
	d, ok := v.(*canvas.Dict)
	if !ok {
		return false
	}
	if d.Lookup("format") == replay.Format {
		return true
	}
	_, hasCanvas := d.Get("canvas")
	_, hasOps := d.Get("ops")
	return hasCanvas && hasOps && d.LookupKey(canvas.KeyTask) == nil
}

// openSession sets cfg up for a session file: the ops mode plays its ops;
// the stepping debugger gets its initial canvas and, unless -visitor was
// given, the visitor of its first stamp op when that visitor can be found.
func openSession(cfg *tui.Config, file string, data []byte, visitorSet bool) error {
	s, err := replay.ParseSession(data)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	initial, err := canvas.Encode(s.Canvas, 2)
	if err != nil {
		return fmt.Errorf("%s: canvas: %w", file, err)
	}
	cfg.Session.Data = initial
	cfg.Session.Load = nil
	cfg.Ops, cfg.OpsPath = s, file
	if !visitorSet {
		for _, op := range s.Ops {
			if name := op.Visitor(); op.Name() == "stamp" && name != "" {
				if _, err := python.Resolve(name, cfg.Session.Dir()); err == nil {
					cfg.Session.Visitor = name
				}
				break
			}
		}
	}
	return nil
}

// cmdTUIOpen is `stampede CANVAS.json [flags]`, or `stampede [flags]
// CANVAS.json`; a file of "" is the built-in sample (`stampede -theme
// light`).
func cmdTUIOpen(args []string, stdout, stderr io.Writer) int {
	file := args[0]
	name := file
	if file == "" {
		name = sample.Name
	}
	fs := newFlags(name, "", stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: stampede [CANVAS.json] [flags]\n\nOpens the stepping debugger on a canvas, or a recorded session (replay/FORMAT.md) in the ops mode.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	visitorName := fs.String("visitor", "monitoring-id", "visitor: a built-in name (see 'stampede visitors'), a .star script or a .py StampingVisitor file (FILE.py:CLASS(ARGS) picks the class and its arguments)")
	appendStamps := fs.Bool("append", false, "append_stamps=True: keep every value of a repeated stamp in a list")
	headersJSON := fs.String("headers", "", `extra headers passed to stamp(**headers), as a JSON object`)
	themeName := fs.String("theme", "", "theme: "+strings.Join(themes.Names(), ", ")+", or a .json theme file (NO_COLOR forces mono)")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if file == "" && fs.NArg() > 0 && looksLikeFile(fs.Arg(0)) {
		// `stampede -visitor path CANVAS.json`: the flags first, as the
		// other commands take them (more may follow the file)
		file, name = fs.Arg(0), fs.Arg(0)
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			return 2
		}
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "stampede: unexpected arguments after the flags: %s\n", strings.Join(fs.Args(), " "))
		return 2
	}
	data := sample.OrderJSON
	if file != "" {
		var err error
		if data, err = os.ReadFile(file); err != nil {
			return failf(stderr, "%v", err)
		}
	}
	if _, err := session.ParseHeaders(*headersJSON); err != nil {
		return failf(stderr, "-headers: %v", err)
	}
	cfg := tui.Config{Session: session.Config{
		Name: name, Path: file, Data: data,
		Visitor: *visitorName, Append: *appendStamps, Headers: *headersJSON,
	}}
	if file != "" && isSessionFile(data) {
		// a recorded session: open it in the ops mode, its initial canvas
		// in the stepping debugger
		visitorSet := false
		fs.Visit(func(f *flag.Flag) { visitorSet = visitorSet || f.Name == "visitor" })
		if err := openSession(&cfg, file, data, visitorSet); err != nil {
			return failf(stderr, "%v", err)
		}
	}
	if strings.HasSuffix(file, ".star") {
		cfg.Session.Load = build.Load // a canvas script: run it to build the canvas
	}
	if *themeName != "" {
		th, err := themes.Resolve(*themeName)
		if err != nil {
			return failf(stderr, "-theme: %v", err)
		}
		cfg.Theme = th
		if strings.HasSuffix(*themeName, ".json") && !th.Mono {
			cfg.UserTheme = th
		}
	}
	if !isTerminal(stdout) {
		return failf(stderr, "%s: the debugger needs a terminal; use 'stampede stamp' to stamp without one", name)
	}
	return runTUI(cfg, stdout, stderr)
}

// runTUI runs the debugger on the terminal. A panic inside it comes back
// once the terminal is restored and is reported as any other panic.
func runTUI(cfg tui.Config, stdout, stderr io.Writer) int {
	err := tui.Run(cfg, os.Stdin, stdout)
	var pe *tui.PanicError
	switch {
	case errors.As(err, &pe):
		return reportPanic(stderr, pe.Value, pe.Stack)
	case err != nil:
		return failf(stderr, "%v", err)
	}
	return 0
}
