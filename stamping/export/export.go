// Package export writes what stampede produces — canvases as Celery JSON,
// traces as JSON Lines — atomically: the data goes to a temporary file in the
// target's folder, which is renamed over the target only once it is
// complete and synced, so a failed or interrupted run never leaves a
// half-written file and never changes the file it was writing to.
//
// On Linux the temporary file is created without a name (O_TMPFILE) and is
// only given one, next to the target, right before the rename: a run killed
// while it writes (even by SIGKILL or a power cut) leaves nothing behind. The
// one window in which a kill leaves a stray ".NAME.tmp-*" file is between
// those two system calls. Elsewhere, or on a file system without O_TMPFILE,
// the temporary file is named from the start and removed when a write fails.
package export

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/stamping"
)

// CanvasJSON is the canvas as Celery's JSON, indented by two spaces, with a
// final newline.
func CanvasJSON(c canvas.Value) ([]byte, error) {
	b, err := canvas.Encode(c, 2)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// WriteCanvasJSON writes CanvasJSON to w as it is made (canvas.EncodeTo),
// for StageFunc: the JSON is never held whole.
func WriteCanvasJSON(w io.Writer, c canvas.Value) error {
	if err := canvas.EncodeTo(w, c, 2); err != nil {
		return err
	}
	_, err := w.Write([]byte{'\n'})
	return err
}

// CanvasJSONChunks is CanvasJSON in pieces (canvas.EncodeChunks), for
// Stage: a million-signature canvas is hundreds of megabytes of JSON.
func CanvasJSONChunks(c canvas.Value) ([][]byte, error) {
	chunks, err := canvas.EncodeChunks(c, 2)
	if err != nil {
		return nil, err
	}
	return append(chunks, []byte{'\n'}), nil
}

// TraceJSONL is one JSON line per hook call (see stamping.Step.Line), in
// pieces of about a megabyte: a million-signature canvas makes two million
// lines.
func TraceJSONL(t *stamping.Trace, detail bool) ([][]byte, error) {
	var chunks [][]byte
	last, err := traceLines(t, detail, func(full []byte) []byte {
		chunks = append(chunks, full)
		return make([]byte, 0, 1<<20+64<<10)
	})
	if err != nil {
		return nil, err
	}
	return append(chunks, last), nil
}

// WriteTraceJSONL writes TraceJSONL to w as it is made, a megabyte at a
// time, for StageFunc. The first error of w stops the writing.
func WriteTraceJSONL(w io.Writer, t *stamping.Trace, detail bool) error {
	var werr error
	last, err := traceLines(t, detail, func(full []byte) []byte {
		if werr == nil {
			_, werr = w.Write(full)
		}
		return full[:0]
	})
	if werr == nil && err == nil {
		_, werr = w.Write(last)
	}
	if werr != nil {
		return werr
	}
	return err
}

// traceLines makes the trace's lines into a buffer of about a megabyte,
// handing each full one to flush for the buffer to go on in, and returns
// the last.
func traceLines(t *stamping.Trace, detail bool, flush func(full []byte) []byte) ([]byte, error) {
	buf := make([]byte, 0, 64<<10)
	for i := range t.Steps {
		if len(buf) >= 1<<20 {
			buf = flush(buf)
		}
		var err error
		if buf, err = canvas.AppendJSON(buf, t.Line(i, detail), -1); err != nil {
			return nil, err
		}
		buf = append(buf, '\n')
	}
	return buf, nil
}

// WriteFile writes data (the pieces in order) to path atomically, keeping
// an existing file's mode.
func WriteFile(path string, data ...[]byte) error {
	s, err := Stage(path, data...)
	if err != nil {
		return err
	}
	return s.Commit()
}

// Staged is a file written and synced in the target's folder but not yet
// in the target's place. Exactly one of Commit or Abort must follow. A
// command with several outputs stages them all before it commits any, so
// that a failure leaves every target as it was.
type Staged struct {
	path  string
	write func(io.Writer) error // writes the data; run again if the file is staged anew
	mode  os.FileMode
	f     *os.File // the written file
	name  string   // its name; "" while it has none
}

// Stage writes data (the pieces in order) to a temporary file next to path
// (see the package comment), with the mode of the file at path if there is
// one (0644 if not), and syncs it. Nothing at path changes until Commit.
func Stage(path string, data ...[]byte) (*Staged, error) {
	return StageFunc(path, writeAll(data))
}

// writeAll is a StageFunc write of data, the pieces in order.
func writeAll(data [][]byte) func(io.Writer) error {
	return func(w io.Writer) error {
		for _, d := range data {
			if _, err := w.Write(d); err != nil {
				return err
			}
		}
		return nil
	}
}

// StageFunc is Stage with the data written by write, which may run twice
// (when the file has to be staged anew under a name) and must write the
// same both times. An error of write fails the staging.
func StageFunc(path string, write func(io.Writer) error) (*Staged, error) {
	mode := os.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		if !st.Mode().IsRegular() {
			return nil, fmt.Errorf("%s is not a regular file", path)
		}
		mode = st.Mode().Perm()
	}
	s := &Staged{path: path, write: write, mode: mode}
	if f, err := openUnnamed(filepath.Dir(path), mode); err == nil {
		s.f = f
		if err := s.fill(); err != nil {
			s.Abort()
			return nil, s.fail("write", err)
		}
		return s, nil
	}
	if err := s.stageNamed(); err != nil {
		return nil, err
	}
	return s, nil
}

// stageNamed writes the data to a named temporary file.
func (s *Staged) stageNamed() error {
	f, err := os.CreateTemp(filepath.Dir(s.path), tempPattern(s.path))
	if err != nil {
		return s.fail("open", err)
	}
	s.f, s.name = f, f.Name()
	if err := s.fill(); err != nil {
		s.Abort()
		return s.fail("write", err)
	}
	return nil
}

// fail is err, raised on the temporary file, as an error about the target:
// the user named the target, and the temporary file is gone.
func (s *Staged) fail(op string, err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return &os.PathError{Op: op, Path: s.path, Err: err}
}

// tempPattern is the os.CreateTemp pattern of path's temporary files.
func tempPattern(path string) string { return "." + filepath.Base(path) + ".tmp-*" }

// fill writes, chmods and syncs the staged file.
func (s *Staged) fill() error {
	if err := s.write(s.f); err != nil {
		return err
	}
	if err := s.f.Chmod(s.mode); err != nil {
		return err
	}
	return s.f.Sync()
}

// Commit puts the staged file in its target's place.
func (s *Staged) Commit() error {
	if s.f == nil {
		return errors.New("export: staged file already committed or aborted")
	}
	if s.name == "" {
		name, err := linkUnnamed(s.f, filepath.Dir(s.path), tempPattern(s.path))
		if err != nil {
			// No way to name it (no /proc, say): write a named one instead.
			s.Abort()
			if err := s.stageNamed(); err != nil {
				return err
			}
		} else {
			s.name = name
		}
	}
	f, name := s.f, s.name
	s.f, s.write = nil, nil
	if err := f.Close(); err != nil {
		os.Remove(name)
		return s.fail("write", err)
	}
	if err := os.Rename(name, s.path); err != nil {
		os.Remove(name)
		var le *os.LinkError
		if errors.As(err, &le) {
			err = le.Err
		}
		return &os.PathError{Op: "rename", Path: s.path, Err: err}
	}
	syncDir(filepath.Dir(s.path))
	return nil
}

// Abort drops the staged file; the target is left as it was.
func (s *Staged) Abort() {
	if s.f == nil {
		return
	}
	s.f.Close()
	s.f = nil
	if s.name != "" {
		os.Remove(s.name)
		s.name = ""
	}
}

// syncDir makes a rename in dir durable (best effort: not every system can
// sync a folder).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// SameFile reports whether a and b name the same existing file.
func SameFile(a, b string) bool {
	sa, err := os.Stat(a)
	if err != nil {
		return false
	}
	sb, err := os.Stat(b)
	if err != nil {
		return false
	}
	return os.SameFile(sa, sb)
}
