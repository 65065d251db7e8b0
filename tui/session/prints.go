package session

import (
	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/visitors"
	"github.com/stampede-dev/stampede/visitors/script"
)

// counting wraps a visitor to know which hook call is running, so that a
// script's print() output can be kept with its step instead of going to
// stderr, where it would scribble over the TUI. Every step of a trace is
// exactly one call into the visitor, in order.
type counting struct {
	visitors.Dispatch
	inner  visitors.Visitor
	calls  int
	prints map[int][]string // step index (-1: the script's top level) → lines
}

// capture wraps v when it is a script (whose print() would reach stderr).
func capture(v visitors.Visitor) (visitors.Visitor, *counting) {
	sv, ok := v.(*script.Visitor)
	if !ok {
		return v, nil
	}
	c := &counting{inner: v, prints: map[int][]string{}}
	c.Dispatch = visitors.NewDispatch(v.Name(), c.call)
	sv.Print = func(msg string) { c.prints[c.calls-1] = append(c.prints[c.calls-1], msg) }
	return c, c
}

// Start begins a run: the inner visitor's Start, with the counter at zero.
func (c *counting) Start() error {
	c.calls = 0
	c.prints = map[int][]string{}
	if s, ok := c.inner.(visitors.Starter); ok {
		return s.Start()
	}
	return nil
}

// HookPos is the inner visitor's, so errors still say where a hook is.
func (c *counting) HookPos(h visitors.Hook) string {
	if l, ok := c.inner.(visitors.Locator); ok {
		return l.HookPos(h)
	}
	return ""
}

// call counts the hook call and passes it on.
func (c *counting) call(h visitors.Hook, t visitors.Target, headers *canvas.Dict) (canvas.Value, error) {
	c.calls++
	return visitors.Call(c.inner, h, t, headers)
}
