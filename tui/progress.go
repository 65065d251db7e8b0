package tui

import (
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/stampede-dev/stampede/tui/session"
)

// progressAfter is how long opening runs before a progress line appears,
// and progressEvery how often the line is redrawn. A canvas of a hundred
// thousand signatures opens in well under a second and shows none.
var (
	progressAfter = 400 * time.Millisecond
	progressEvery = 100 * time.Millisecond
)

// maxProgressWidth keeps the line on one row of an 80-column terminal.
const maxProgressWidth = 79

// openShowingProgress is New, with a line on the terminal saying what it is
// doing when it takes more than a moment (a million signatures take
// seconds to load and stamp). The line is erased before the TUI starts.
func openShowingProgress(cfg Config, out io.Writer) (*Model, error) {
	p := &session.Progress{}
	cfg.Session.Progress = p
	name := filepath.Base(cfg.Session.Name)
	stop := showProgress(out, func() string { return p.Line(name) })
	m, err := New(cfg)
	stop()
	return m, err
}

// showProgress writes "stampede: LINE · 2.3 s" to out, over itself, from
// progressAfter on; stop erases it and returns once nothing more is written.
func showProgress(out io.Writer, line func() string) (stop func()) {
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		start := time.Now()
		wait := time.NewTimer(progressAfter)
		defer wait.Stop()
		select {
		case <-done:
			return
		case <-wait.C:
		}
		tick := time.NewTicker(progressEvery)
		defer tick.Stop()
		for {
			text := fmt.Sprintf("stampede: %s · %.1f s", line(), time.Since(start).Seconds())
			if r := []rune(text); len(r) > maxProgressWidth {
				text = string(r[:maxProgressWidth-1]) + "…" // one line, which \r and erase-line can redraw
			}
			fmt.Fprint(out, "\r\x1b[K"+text)
			select {
			case <-done:
				fmt.Fprint(out, "\r\x1b[K")
				return
			case <-tick.C:
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}
