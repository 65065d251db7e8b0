// Package export writes what stampede produces — canvases as Celery JSON,
// traces as JSON Lines — atomically: to a temporary file in the target's
// folder, then renamed over it, so a failed or interrupted run never leaves
// a half-written file.
package export

import (
	"bytes"
	"fmt"
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

// TraceJSONL is one JSON line per hook call (see stamping.Step.Line).
func TraceJSONL(t *stamping.Trace, detail bool) ([]byte, error) {
	var buf bytes.Buffer
	for i := range t.Steps {
		b, err := canvas.Encode(t.Steps[i].Line(detail), -1)
		if err != nil {
			return nil, err
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	return buf.Bytes(), nil
}

// WriteFile writes data to path atomically, keeping an existing file's mode.
func WriteFile(path string, data []byte) error {
	mode := os.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		if !st.Mode().IsRegular() {
			return fmt.Errorf("%s is not a regular file", path)
		}
		mode = st.Mode().Perm()
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	fail := func(err error) error {
		tmp.Close()
		os.Remove(name)
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Chmod(mode); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(name)
		return err
	}
	if err := os.Rename(name, path); err != nil {
		os.Remove(name)
		return err
	}
	return nil
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
