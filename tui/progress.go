package tui

import (
	"io"
	"path/filepath"

	"github.com/stampede-dev/stampede/tui/progressline"
	"github.com/stampede-dev/stampede/tui/session"
)

// openShowingProgress is New, with a line on the terminal saying what it is
// doing when it takes more than a moment (a million signatures take
// seconds to load and stamp). The line is erased before the TUI starts.
func openShowingProgress(cfg Config, out io.Writer) (*Model, error) {
	p := &session.Progress{}
	cfg.Session.Progress = p
	name := filepath.Base(cfg.Session.Name)
	stop := progressline.Show(out, func() string { return p.Line(name) })
	m, err := New(cfg)
	stop()
	return m, err
}
