// Package progressline draws one line on a terminal saying how long work is
// coming along, redrawn in place while it runs and erased when it is done:
// opening, stamping or writing a million signatures takes seconds.
package progressline

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// after is how long work runs before the line appears, and every how often
// it is redrawn. Work on a hundred thousand signatures is done in well
// under a second and shows none.
var (
	after = 400 * time.Millisecond
	every = 100 * time.Millisecond
)

// MaxWidth keeps the line on one row of an 80-column terminal, where a
// carriage return and erase-line can redraw it.
const MaxWidth = 79

// Show writes "stampede: LINE · 2.3 s" to out, over itself, from a moment
// after the call on. stop erases it and returns once nothing more is
// written; calling it again does nothing.
func Show(out io.Writer, line func() string) (stop func()) {
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		start := time.Now()
		wait := time.NewTimer(after)
		defer wait.Stop()
		select {
		case <-done:
			return
		case <-wait.C:
		}
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			text := fmt.Sprintf("stampede: %s · %.1f s", line(), time.Since(start).Seconds())
			if r := []rune(text); len(r) > MaxWidth {
				text = string(r[:MaxWidth-1]) + "…"
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
	var once sync.Once
	return func() {
		once.Do(func() {
			close(done)
			<-finished
		})
	}
}

// Until is w that stops the line (see Show) before anything is written
// through it, so that output never lands on the line's row.
func Until(w io.Writer, stop func()) io.Writer { return &until{w, stop} }

type until struct {
	w    io.Writer
	stop func()
}

func (u *until) Write(p []byte) (int, error) {
	u.stop()
	return u.w.Write(p)
}
