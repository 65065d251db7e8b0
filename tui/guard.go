package tui

import (
	"fmt"
	"runtime/debug"

	tea "github.com/charmbracelet/bubbletea"
)

// PanicError is a panic caught inside the TUI. By the time Run returns it
// the program has quit the normal way, so the terminal is restored; the
// caller writes the report (Stack is the panicking goroutine's stack).
type PanicError struct {
	Value any
	Stack []byte
}

func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

// guarded wraps the root model so that a panic in Init, Update, View or in
// a command the model returned ends the program through tea.Quit instead
// of Bubble Tea's own handler, which prints a stack over the user's
// terminal. The first panic is kept in the shared catcher.
type guarded struct {
	inner tea.Model
	c     *catcher
}

type catcher struct {
	caught *PanicError
	send   func(tea.Msg) // the program's Send, to quit after a panic in View
}

// panicMsg carries a panic out of a command's goroutine.
type panicMsg struct{ err *PanicError }

func (c *catcher) catch(r any) {
	if c.caught == nil {
		c.caught = &PanicError{Value: r, Stack: debug.Stack()}
	}
}

func (g guarded) Init() (cmd tea.Cmd) {
	defer func() {
		if r := recover(); r != nil {
			g.c.catch(r)
			cmd = tea.Quit
		}
	}()
	return g.c.wrap(g.inner.Init())
}

func (g guarded) Update(msg tea.Msg) (m tea.Model, cmd tea.Cmd) {
	if p, ok := msg.(panicMsg); ok && g.c.caught == nil {
		g.c.caught = p.err
	}
	if g.c.caught != nil {
		return g, tea.Quit
	}
	defer func() {
		if r := recover(); r != nil {
			g.c.catch(r)
			m, cmd = g, tea.Quit
		}
	}()
	inner, cmd := g.inner.Update(msg)
	return guarded{inner, g.c}, g.c.wrap(cmd)
}

func (g guarded) View() (s string) {
	if g.c.caught != nil {
		return ""
	}
	defer func() {
		if r := recover(); r != nil {
			g.c.catch(r)
			s = ""
			if g.c.send != nil {
				// View runs on the program's own loop: a send from here
				// would wait for that loop, so it goes from a goroutine.
				go g.c.send(panicMsg{g.c.caught})
			}
		}
	}()
	return g.inner.View()
}

// wrap makes a command report its panic as a message. A batch's commands
// are wrapped as the batch is opened.
func (c *catcher) wrap(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() (msg tea.Msg) {
		defer func() {
			if r := recover(); r != nil {
				msg = panicMsg{&PanicError{Value: r, Stack: debug.Stack()}}
			}
		}()
		msg = cmd()
		if batch, ok := msg.(tea.BatchMsg); ok {
			for i, inner := range batch {
				batch[i] = c.wrap(inner)
			}
		}
		return msg
	}
}
