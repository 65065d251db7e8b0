package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/canvas/build"
	"github.com/stampede-dev/stampede/canvas/sample"
	"github.com/stampede-dev/stampede/replay"
	"github.com/stampede-dev/stampede/stamping"
	"github.com/stampede-dev/stampede/stamping/export"
	"github.com/stampede-dev/stampede/visitors"
	"github.com/stampede-dev/stampede/visitors/python"
)

func init() {
	register("stamp", "stamp a canvas once and write the stamped canvas (and -trace)", cmdStamp)
	register("fmt", "load and save a canvas as celery.signature() does", cmdFmt)
	register("visitors", "list the built-in visitors", func(_ []string, stdout, _ io.Writer) int { return cmdVisitors(stdout) })
}

// failf prints one error line and returns exit status 1.
func failf(stderr io.Writer, format string, a ...any) int {
	msg := fmt.Sprintf(format, a...)
	fmt.Fprintln(stderr, "stampede: "+strings.ReplaceAll(msg, "\n", " "))
	return 1
}

func newFlags(name, args string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: stampede %s [flags] %s\n\nFlags:\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags and checks for exactly one positional argument.
func parse(fs *flag.FlagSet, args []string, stderr io.Writer) (string, int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return "", 0, false
		}
		return "", 2, false
	}
	if fs.NArg() != 1 {
		fmt.Fprintf(stderr, "stampede %s: expected one file, got %s\n", fs.Name(), argumentCount(fs.NArg()))
		fs.Usage()
		return "", 2, false
	}
	return fs.Arg(0), 0, true
}

// argumentCount is "no arguments", "1 argument" or "3 arguments".
func argumentCount(n int) string {
	switch n {
	case 0:
		return "no arguments"
	case 1:
		return "1 argument"
	}
	return fmt.Sprintf("%d arguments", n)
}

// readCanvas reads a canvas: Celery JSON loaded as celery.signature(dict)
// does, or a canvas script (.star) run to build one.
func readCanvas(path string) (*canvas.Dict, error) { return build.LoadFile(path) }

// toStdout reports whether an output path means stdout ("" or "-").
func toStdout(path string) bool { return path == "" || path == "-" }

// dest is one output of a command: the flag that names it, where it goes
// (stdout for "" or "-") and what it holds.
type dest struct {
	flag, path string
	data       [][]byte // written in order

	// write, for a file, writes it in place of data as it makes it (see
	// export.StageFunc); a failure leaves every output as it was.
	write func(io.Writer) error
}

// writeOutputs writes a command's outputs, refusing to overwrite the input
// unless force is set. Every file is written and synced before any of them
// replaces its target, so a failure (the input named as an output, a missing
// folder, a full disk) leaves all of them as they were; stdout gets its
// parts, in order, once the files are in place.
func writeOutputs(input string, force bool, stdout io.Writer, dests ...dest) error {
	var staged []*export.Staged
	var flags []string
	abort := func(from int) {
		for _, s := range staged[from:] {
			s.Abort()
		}
	}
	for _, d := range dests {
		if toStdout(d.path) {
			continue
		}
		if !force && input != "" && export.SameFile(d.path, input) {
			abort(0)
			return fmt.Errorf("%s: %s is the input file; pass -force to overwrite it", d.flag, d.path)
		}
		var s *export.Staged
		var err error
		if d.write != nil {
			s, err = export.StageFunc(d.path, d.write)
		} else {
			s, err = export.Stage(d.path, d.data...)
		}
		if err != nil {
			abort(0)
			return fmt.Errorf("%s: %w", d.flag, err)
		}
		staged = append(staged, s)
		flags = append(flags, d.flag)
	}
	for i, s := range staged {
		if err := s.Commit(); err != nil {
			abort(i + 1)
			return fmt.Errorf("%s: %w", flags[i], err)
		}
	}
	for _, d := range dests {
		if toStdout(d.path) {
			for _, b := range d.data {
				if _, err := stdout.Write(b); err != nil {
					return fmt.Errorf("%s: %w", d.flag, err)
				}
			}
		}
	}
	return nil
}

// about is err said of the canvas file in: "in: err", unless err is a
// canvas script's error, which names the file itself (a lazy group's
// member fails when the export produces it).
func about(in string, err error) string {
	var be *build.Error
	if errors.As(err, &be) && be.File == in {
		return err.Error()
	}
	return in + ": " + err.Error()
}

// recoverPanic, deferred by run, turns a panic into one line on stderr and
// exit status 1 (see reportPanic).
func recoverPanic(stderr io.Writer, code *int) {
	if r := recover(); r != nil {
		*code = reportPanic(stderr, r, debug.Stack())
	}
}

// reportPanic writes the panic r and its goroutine's stack to a report
// file in the temporary folder and says in one line on stderr what
// panicked, in which function, and where the report is; it returns exit
// status 1. The TUI's panics come here too, once the terminal is restored.
func reportPanic(stderr io.Writer, r any, stack []byte) int {
	what := fmt.Sprint(r)
	if len(what) > 300 {
		what = strings.ToValidUTF8(what[:300], "") + "…"
	}
	msg := "internal error: " + what
	if where := panicSite(stack); where != "" {
		msg += " (in " + where + ")"
	}
	msg += "; this is a bug in stampede"
	if f, err := os.CreateTemp("", "stampede-panic-*.txt"); err == nil {
		fmt.Fprintf(f, "stampede (%s)\nargs: %q\npanic: %v\n\n%s", runtime.Version(), os.Args, r, stack)
		if f.Close() == nil {
			msg += ", please report it with " + f.Name()
		}
	}
	return failf(stderr, "%s", msg)
}

// panicSite is the function and file:line a panic was raised in, read off
// the stack debug.Stack() took while recovering it: the first frame past
// the runtime's own panic machinery.
func panicSite(stack []byte) string {
	lines := strings.Split(string(stack), "\n")
	panicking := false
	for i := 0; i+1 < len(lines); i++ {
		fn := lines[i]
		if strings.HasPrefix(fn, "\t") || fn == "" {
			continue
		}
		switch {
		case strings.HasPrefix(fn, "panic("):
			panicking = true
		case panicking && !strings.HasPrefix(fn, "runtime."):
			if j := strings.LastIndexByte(fn, '('); j > 0 {
				fn = fn[:j]
			}
			file := strings.TrimPrefix(lines[i+1], "\t")
			if j := strings.LastIndex(file, " +0x"); j > 0 {
				file = file[:j]
			}
			line := ""
			if j := strings.LastIndexByte(file, ':'); j > 0 {
				file, line = file[:j], file[j:]
			}
			return fn + " at " + filepath.Base(filepath.Dir(file)) + "/" + filepath.Base(file) + line
		}
	}
	return ""
}

func cmdStamp(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("stamp", "CANVAS.json", stderr)
	visitorName := fs.String("visitor", "", "visitor: a built-in name (see 'stampede visitors'), a .star script or a .py StampingVisitor file (FILE.py:CLASS(ARGS) picks the class and its arguments); empty = no visitor")
	appendStamps := fs.Bool("append", false, "append_stamps=True: keep every value of a repeated stamp in a list")
	headersJSON := fs.String("headers", "", `extra headers passed to stamp(**headers), as a JSON object, e.g. '{"origin": "cli"}'`)
	tracePath := fs.String("trace", "", "write the trace here, one JSON line per hook call")
	traceDetail := fs.Bool("trace-detail", false, `add "path" and "default" to every trace line`)
	out := fs.String("o", "", "write the stamped canvas here instead of stdout")
	force := fs.Bool("force", false, "allow -o to overwrite the input file")
	recordPath := fs.String("record", "", "also write a session (the canvas, this stamp op and every value the visitor returned) to this file; 'stampede replay' replays it exactly")
	in, code, ok := parse(fs, args, stderr)
	if !ok {
		return code
	}
	progress, stdout, stderr, stop := showStampProgress(in, stdout, stderr)
	defer stop()
	c, err := readCanvas(in)
	if err != nil {
		return failf(stderr, "%v", err)
	}
	var headers *canvas.Dict
	if *headersJSON != "" {
		v, err := canvas.Decode([]byte(*headersJSON))
		if err != nil {
			return failf(stderr, "-headers: %v", err)
		}
		d, isDict := v.(*canvas.Dict)
		if !isDict {
			return failf(stderr, "-headers: must be a JSON object, not %s", canvas.TypeName(v))
		}
		headers = d
	}
	var v visitors.Visitor
	if *visitorName != "" {
		if v, err = python.Resolve(*visitorName, ""); err != nil {
			return failf(stderr, "-visitor: %v", err)
		}
		if s, ok := v.(*visitors.Static); ok {
			// -visitor static stamps the -headers itself, not also through stamp(**headers).
			s.Headers, headers = headers, nil
		}
	}
	opts := stamping.Options{Visitor: v, Append: *appendStamps, Headers: headers, Progress: progress.counter()}
	var tr *stamping.Trace
	var sess *replay.Session
	if *recordPath != "" {
		tr, sess, err = replay.RecordStamp(c, *visitorName, opts)
	} else {
		opts.Untraced = *tracePath == "" // nothing reads the steps
		tr, err = stamping.Stamp(c, opts)
	}
	if err != nil {
		return failf(stderr, "%s: stamp failed: %v", in, err)
	}
	progress.phase.Store(writingPhase)
	// A lazy group's members not yet produced are produced (and stamped:
	// their hook calls join the trace) when the canvas is written, as by
	// json.dumps. They are produced first, so that the trace written
	// beside the canvas has their hook calls. Only a canvas script makes
	// lazy groups; a walk of a canvas read from JSON would find none.
	if build.IsScript(in) {
		if err := canvas.ProduceAll(c); err != nil {
			return failf(stderr, "%s", about(in, err))
		}
	}
	var encodeErr error
	canvasOut, err := canvasDest(*out, c, &encodeErr)
	if err != nil {
		return failf(stderr, "%s", about(in, err))
	}
	var dests []dest
	var traceErr error
	switch *tracePath {
	case "":
	case "-":
		lines, err := export.TraceJSONL(tr, *traceDetail)
		if err != nil {
			return failf(stderr, "-trace: %v", err)
		}
		dests = append(dests, dest{flag: "-trace", path: *tracePath, data: lines})
	default: // written as it is made, as the canvas is
		dests = append(dests, dest{flag: "-trace", path: *tracePath, write: ownErrors(func(w io.Writer) error {
			return export.WriteTraceJSONL(w, tr, *traceDetail)
		}, &traceErr)})
	}
	switch {
	case sess == nil:
	case *recordPath == "-":
		rec, err := sess.Encode()
		if err != nil {
			return failf(stderr, "-record: %v", err)
		}
		dests = append(dests, dest{flag: "-record", path: *recordPath, data: [][]byte{rec}})
	default: // written as it is made: the session holds the canvas
		dests = append(dests, dest{flag: "-record", path: *recordPath, write: sess.EncodeTo})
	}
	dests = append(dests, canvasOut)
	if err := writeOutputs(in, *force, stdout, dests...); err != nil {
		switch {
		case traceErr != nil:
			return failf(stderr, "-trace: %v", traceErr)
		case encodeErr != nil:
			return failf(stderr, "%s", about(in, encodeErr))
		}
		return failf(stderr, "%v", err)
	}
	return 0
}

// canvasDest is the -o output of canvas c. To a file the canvas goes as it
// is encoded (on a million signatures its JSON is 700 MB), and when that
// fails because of the canvas rather than the file, *encodeErr says why.
// For stdout it is made whole first, so that stdout gets nothing when
// encoding fails: that error is returned.
func canvasDest(out string, c canvas.Value, encodeErr *error) (dest, error) {
	d := dest{flag: "-o", path: out}
	if toStdout(out) {
		var err error
		d.data, err = export.CanvasJSONChunks(c)
		return d, err
	}
	d.write = ownErrors(func(w io.Writer) error { return export.WriteCanvasJSON(w, c) }, encodeErr)
	return d, nil
}

// ownErrors is write, which sets *own to its error when that error is its
// own (what it writes could not be made), not the writer's (the file).
func ownErrors(write func(io.Writer) error, own *error) func(io.Writer) error {
	return func(w io.Writer) error {
		sink := &firstError{w: w}
		err := write(sink)
		if err != nil && sink.err == nil {
			*own = err
		}
		return err
	}
}

// firstError is a writer that keeps the first error of the one it writes to.
type firstError struct {
	w   io.Writer
	err error
}

func (f *firstError) Write(p []byte) (int, error) {
	n, err := f.w.Write(p)
	if err != nil && f.err == nil {
		f.err = err
	}
	return n, err
}

func cmdFmt(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("fmt", "CANVAS.json", stderr)
	out := fs.String("o", "", "write the canvas here instead of stdout")
	force := fs.Bool("force", false, "allow -o to overwrite the input file")
	in, code, ok := parse(fs, args, stderr)
	if !ok {
		return code
	}
	c, err := readCanvas(in)
	if err != nil {
		return failf(stderr, "%v", err)
	}
	return writeCanvas(c, in, *out, *force, stdout, stderr)
}

// writeCanvas writes canvas c, read from in, as Celery JSON to out (see
// canvasDest) and returns the exit status, as fmt and export -json do.
func writeCanvas(c canvas.Value, in, out string, force bool, stdout, stderr io.Writer) int {
	var encodeErr error
	d, err := canvasDest(out, c, &encodeErr)
	if err != nil {
		return failf(stderr, "%s", about(in, err))
	}
	if err := writeOutputs(in, force, stdout, d); err != nil {
		if encodeErr != nil {
			return failf(stderr, "%s", about(in, encodeErr))
		}
		return failf(stderr, "%v", err)
	}
	return 0
}

func cmdVisitors(stdout io.Writer) int {
	for _, n := range visitors.BuiltinNames() {
		fmt.Fprintf(stdout, "%-16s %s\n", n, visitors.BuiltinDoc(n))
	}
	fmt.Fprintln(stdout, "FILE.star        a visitor script: top-level def HOOK(sig, **headers) functions")
	fmt.Fprintln(stdout, "FILE.py[:CLASS]  a Python file holding a celery.canvas.StampingVisitor subclass")
	return 0
}

// cmdSample stamps the built-in sample with the monitoring-id visitor and
// prints each hook call.
func cmdSample(stdout, stderr io.Writer) int {
	c, err := canvas.Load(sample.OrderJSON)
	if err != nil {
		return failf(stderr, "%s: %v", sample.Name, err)
	}
	v, _ := visitors.Builtin("monitoring-id")
	tr, err := stamping.Stamp(c, stamping.Options{Visitor: v})
	if err != nil {
		return failf(stderr, "%s: %v", sample.Name, err)
	}
	fmt.Fprintf(stdout, "Stamping %s with the %s visitor: %d hook calls\n\n", sample.Name, v.Name(), tr.Len())
	for i := range tr.Steps {
		s := &tr.Steps[i]
		id, _ := s.ID.(string)
		ret := "—"
		if !s.Hook.IsEnd() {
			ret = canvas.MustEncode(s.Ret())
		}
		note := ""
		if s.Default {
			note = "  (Celery default)"
		}
		fmt.Fprintf(stdout, "%3d  %-22s %-28s %-11s → %s%s\n", i+1, s.Hook, s.Target.Path.String(), id, ret, note)
	}
	data, err := export.CanvasJSON(c)
	if err != nil {
		return failf(stderr, "%v", err)
	}
	fmt.Fprintf(stdout, "\nStamped canvas:\n%s", data)
	return 0
}
