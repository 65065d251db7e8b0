package main

import (
	"io"
	"path/filepath"
	"sync/atomic"

	"github.com/stampede-dev/stampede/stamping"
	"github.com/stampede-dev/stampede/tui/progressline"
)

// stampProgress is what `stampede stamp` says on a terminal while it works:
// a million signatures take seconds to load, stamp and write.
type stampProgress struct {
	name  string
	shown bool         // stderr is a terminal: the line is drawn
	phase atomic.Int32 // loadingPhase, stampingPhase, writingPhase
	stamp stamping.Progress
}

const (
	loadingPhase int32 = iota
	stampingPhase
	writingPhase
)

// showStampProgress starts the line on stderr when stderr is a terminal.
// It returns the progress to update, stdout and stderr wrapped so that the
// line is erased before anything else is written, and the stop to defer.
func showStampProgress(in string, stdout, stderr io.Writer) (*stampProgress, io.Writer, io.Writer, func()) {
	p := &stampProgress{name: filepath.Base(in)}
	if !isTerminal(stderr) {
		return p, stdout, stderr, func() {}
	}
	p.shown = true
	stop := progressline.Show(stderr, p.line)
	return p, progressline.Until(stdout, stop), progressline.Until(stderr, stop), stop
}

// counter moves the line to the stamping phase and returns what
// stamping.Options.Progress counts hook calls in: nil when no line is
// drawn, since counting the calls ahead costs a walk of the canvas.
func (p *stampProgress) counter() *stamping.Progress {
	p.phase.Store(stampingPhase)
	if !p.shown {
		return nil
	}
	return &p.stamp
}

func (p *stampProgress) line() string {
	switch p.phase.Load() {
	case loadingPhase:
		return "loading " + p.name
	case stampingPhase:
		return "stamping " + p.name + ": " + p.stamp.String()
	}
	return "writing the stamped " + p.name
}
