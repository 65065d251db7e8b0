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
	visitors.Visitor
	calls  int
	prints map[int][]string // step index (-1: the script's top level) → lines
}

// capture wraps v when it is a script (whose print() would reach stderr).
func capture(v visitors.Visitor) (visitors.Visitor, *counting) {
	sv, ok := v.(*script.Visitor)
	if !ok {
		return v, nil
	}
	c := &counting{Visitor: v, prints: map[int][]string{}}
	sv.Print = func(msg string) { c.prints[c.calls-1] = append(c.prints[c.calls-1], msg) }
	return c, c
}

func (c *counting) enter() { c.calls++ }

// Start begins a run: the inner visitor's Start, with the counter at zero.
func (c *counting) Start() error {
	c.calls = 0
	c.prints = map[int][]string{}
	if s, ok := c.Visitor.(visitors.Starter); ok {
		return s.Start()
	}
	return nil
}

// HookPos is the inner visitor's, so errors still say where a hook is.
func (c *counting) HookPos(h visitors.Hook) string {
	if l, ok := c.Visitor.(visitors.Locator); ok {
		return l.HookPos(h)
	}
	return ""
}

// The hooks count the call and pass it on.

func (c *counting) OnSignature(t visitors.Target, h *canvas.Dict) (canvas.Value, error) {
	c.enter()
	return c.Visitor.OnSignature(t, h)
}
func (c *counting) OnGroupStart(t visitors.Target, h *canvas.Dict) (canvas.Value, error) {
	c.enter()
	return c.Visitor.OnGroupStart(t, h)
}
func (c *counting) OnGroupEnd(t visitors.Target, h *canvas.Dict) (canvas.Value, error) {
	c.enter()
	return c.Visitor.OnGroupEnd(t, h)
}
func (c *counting) OnChainStart(t visitors.Target, h *canvas.Dict) (canvas.Value, error) {
	c.enter()
	return c.Visitor.OnChainStart(t, h)
}
func (c *counting) OnChainEnd(t visitors.Target, h *canvas.Dict) (canvas.Value, error) {
	c.enter()
	return c.Visitor.OnChainEnd(t, h)
}
func (c *counting) OnChordHeaderStart(t visitors.Target, h *canvas.Dict) (canvas.Value, error) {
	c.enter()
	return c.Visitor.OnChordHeaderStart(t, h)
}
func (c *counting) OnChordHeaderEnd(t visitors.Target, h *canvas.Dict) (canvas.Value, error) {
	c.enter()
	return c.Visitor.OnChordHeaderEnd(t, h)
}
func (c *counting) OnChordBody(t visitors.Target, h *canvas.Dict) (canvas.Value, error) {
	c.enter()
	return c.Visitor.OnChordBody(t, h)
}
func (c *counting) OnCallback(t visitors.Target, h *canvas.Dict) (canvas.Value, error) {
	c.enter()
	return c.Visitor.OnCallback(t, h)
}
func (c *counting) OnErrback(t visitors.Target, h *canvas.Dict) (canvas.Value, error) {
	c.enter()
	return c.Visitor.OnErrback(t, h)
}
