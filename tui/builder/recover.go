package builder

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/stampede-dev/stampede/stamping/export"
)

// RecoveryPath is where the recovery file of a canvas is kept while it has
// unsaved edits: beside the canvas file as ".NAME.recover.json", or, for a
// canvas with no file (the built-in sample), in the user cache dir as
// stampede/NAME.recover.json. It is Celery JSON: `stampede FILE` opens it.
func RecoveryPath(canvasPath, name string) string {
	if canvasPath != "" {
		return filepath.Join(filepath.Dir(canvasPath), "."+filepath.Base(canvasPath)+".recover.json")
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	safe := strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == os.PathSeparator || r == ':' {
			return '_'
		}
		return r
	}, name)
	if safe == "" {
		safe = "canvas"
	}
	return filepath.Join(dir, "stampede", safe+".recover.json")
}

// Pending is a recovery file left by an earlier run (nil when none).
type Pending struct {
	Path    string
	Data    []byte
	ModTime time.Time
}

// FindRecovery reads the recovery file at path, if there is one.
func FindRecovery(path string) (*Pending, error) {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return &Pending{Path: path, Data: data, ModTime: st.ModTime()}, nil
}

// Recovery writes the recovery file, atomically (export.WriteFile) and in
// order: writes run in tea.Cmds, and an older snapshot never replaces a
// newer one, nor brings back a file removed after it.
type Recovery struct {
	Path string
	mu   sync.Mutex
	last int // the newest generation written or removed
}

// Write writes data as generation gen unless a newer one was handled.
func (r *Recovery) Write(gen int, data []byte) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if gen < r.last {
		return nil
	}
	r.last = gen
	if err := os.MkdirAll(filepath.Dir(r.Path), 0o755); err != nil {
		return err
	}
	return export.WriteFile(r.Path, data)
}

// Remove deletes the file as generation gen (the canvas was saved or its
// edits discarded) unless a newer write was handled.
func (r *Recovery) Remove(gen int) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if gen < r.last {
		return nil
	}
	r.last = gen
	err := os.Remove(r.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
