// Package session is one debugging session of the TUI: a canvas loaded from
// its bytes, stamped once with a recorded trace, and a stepper that moves the
// live canvas to the state after any step. Everything the TUI shows is read
// from here; the stamping itself is the stamping package's.
package session

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/stamping"
	"github.com/stampede-dev/stampede/visitors"
	"github.com/stampede-dev/stampede/visitors/python"
	"github.com/stampede-dev/stampede/visitors/script"
)

// Config is what a session is opened from. Changing any field means a new
// session (a new stamp() run).
type Config struct {
	Name    string // the canvas file as the user named it, or a sample's name
	Path    string // the canvas file on disk ("" for the built-in sample)
	Data    []byte // the canvas JSON
	Visitor string // a built-in visitor's name or a .star file
	Append  bool   // append_stamps
	Headers string // the extra **headers of stamp(), a JSON object ("" for none)
	// Load turns Data into a canvas (nil: canvas.Load, Celery's JSON); a
	// canvas script loader can be given here. dir is Dir().
	Load func(name string, data []byte, dir string) (*canvas.Dict, error)
	// Progress, when set, is kept up to date while Open runs.
	Progress *Progress
}

// Dir is the folder of the canvas file ("" for the sample); visitor scripts
// named relative to it are looked up there first.
func (c Config) Dir() string {
	if c.Path == "" {
		return ""
	}
	return filepath.Dir(c.Path)
}

// ParseHeaders checks and decodes a headers JSON object ("" is none).
func ParseHeaders(s string) (*canvas.Dict, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	v, err := canvas.Decode([]byte(s))
	if err != nil {
		return nil, err
	}
	d, ok := v.(*canvas.Dict)
	if !ok {
		return nil, fmt.Errorf("headers must be a JSON object, not %s", canvas.TypeName(v))
	}
	return d, nil
}

// Session is a stamped canvas and the stepper over its trace.
type Session struct {
	Config
	Root        *canvas.Dict
	Trace       *stamping.Trace
	Stepper     *stamping.Stepper
	VisitorName string // as shown to the user
	// Err is the error that stopped stamp() (a hook failed), or nil; the
	// trace holds the steps up to and including the failing one.
	Err error

	prints map[int][]string
}

// Open loads the canvas, resolves the visitor and stamps the canvas with a
// recorded trace, leaving the stepper at position 0 (before stamping).
// A canvas or visitor that cannot be loaded is an error; a hook that fails
// while stamping is not: it is kept in Session.Err.
func Open(cfg Config) (*Session, error) {
	var root *canvas.Dict
	var err error
	if cfg.Load != nil {
		root, err = cfg.Load(cfg.Name, cfg.Data, cfg.Dir())
	} else {
		root, err = canvas.Load(cfg.Data)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cfg.Name, err)
	}
	headers, err := ParseHeaders(cfg.Headers)
	if err != nil {
		return nil, fmt.Errorf("headers: %w", err)
	}
	if cfg.Visitor == "" {
		return nil, errors.New("no visitor: pick a built-in visitor or a .star script")
	}
	v, err := python.Resolve(cfg.Visitor, cfg.Dir())
	if err != nil {
		return nil, fmt.Errorf("visitor %s: %w", cfg.Visitor, err)
	}
	wrapped, counter := capture(v)
	opts := stamping.Options{Visitor: wrapped, Append: cfg.Append, Headers: headers, Record: true}
	if p := cfg.Progress; p != nil {
		opts.Progress = &p.stamp
		p.phase.Store(phaseStamping)
	}
	tr, stampErr := stamping.Stamp(root, opts)
	cfg.Progress.Preparing()
	st, err := stamping.NewStepper(tr)
	if err != nil {
		return nil, err
	}
	st.Goto(0)
	s := &Session{Config: cfg, Root: root, Trace: tr, Stepper: st, VisitorName: v.Name(), Err: stampErr}
	if counter != nil {
		s.prints = counter.prints
	}
	return s, nil
}

// Prints is what the script print()ed during step i (-1: its top level).
func (s *Session) Prints(i int) []string { return s.prints[i] }

// Len is the number of steps.
func (s *Session) Len() int { return s.Trace.Len() }

// Pos is the number of steps done (0 … Len).
func (s *Session) Pos() int { return s.Stepper.Pos() }

// Current is the step last done, or nil at position 0.
func (s *Session) Current() *stamping.Step {
	p := s.Pos()
	if p == 0 {
		return nil
	}
	return &s.Trace.Steps[p-1]
}

// Step returns step i (0-based).
func (s *Session) Step(i int) *stamping.Step { return &s.Trace.Steps[i] }

// FailedStep is the index of the step whose hook failed, or -1.
func (s *Session) FailedStep() int {
	if s.Err == nil {
		return -1
	}
	for i := len(s.Trace.Steps) - 1; i >= 0; i-- {
		if s.Trace.Steps[i].Err() != nil {
			return i
		}
	}
	return -1
}

// Goto moves the canvas to the state after p steps.
func (s *Session) Goto(p int) { s.Stepper.Goto(p) }

// targetOptions is the options dict of step i's node as it is now.
func (s *Session) targetOptions(i int) *canvas.Dict {
	d, ok := s.Trace.Steps[i].Target.Value.(*canvas.Dict)
	if !ok {
		return nil
	}
	o, _ := d.LookupKey(canvas.KeyOptions).(*canvas.Dict)
	return o
}

// OptionsNow is the options of step i's node in the current canvas state.
func (s *Session) OptionsNow(i int) *canvas.Dict { return s.targetOptions(i) }

// BeforeAfter returns snapshots of step i's node options just before and
// just after the step, leaving the canvas where it was. It costs the
// mutations of about one step (two when the canvas is elsewhere).
func (s *Session) BeforeAfter(i int) (before, after *canvas.Dict) {
	if i < 0 || i >= s.Len() {
		return nil, nil
	}
	back := s.Pos()
	s.Goto(i + 1)
	after = snapshot(s.targetOptions(i))
	s.Goto(i)
	before = snapshot(s.targetOptions(i))
	s.Goto(back)
	return before, after
}

func snapshot(d *canvas.Dict) *canvas.Dict {
	if d == nil {
		return nil
	}
	return canvas.JSONCopy(d).(*canvas.Dict)
}

// At runs fn with the canvas at position p, then moves it back.
func (s *Session) At(p int, fn func()) {
	back := s.Pos()
	s.Goto(p)
	defer s.Goto(back)
	fn()
}

// Find is the first step index j >= from that satisfies pred, or -1. It
// reads only the trace, never the canvas.
func (s *Session) Find(from int, pred func(*stamping.Step) bool) int {
	for j := max(from, 0); j < s.Len(); j++ {
		if pred(&s.Trace.Steps[j]) {
			return j
		}
	}
	return -1
}

// HookErrorOf unpacks a stamping error into where it happened and the
// script position, for the error pane.
type HookErrorOf struct {
	Hook      string // "" when the error is not a hook's
	Path, ID  string
	Pos, Msg  string // the script's file:line:col and message, when it is a script error
	Backtrace string
	Text      string // the whole error
}

// Explain describes err for the error pane.
func Explain(err error) HookErrorOf {
	out := HookErrorOf{Text: err.Error()}
	var he *visitors.HookError
	var ce *stamping.StepError
	switch {
	case errors.As(err, &he):
		out.Hook, out.Path, out.ID = he.Hook.String(), he.Path, he.ID
		out.Msg = he.Err.Error()
	case errors.As(err, &ce):
		// Celery's own code failed right after the hook (merging what it
		// returned): the hook's definition is where to look.
		out.Hook, out.Path, out.ID, out.Pos = ce.Hook.String(), ce.Path, ce.ID, ce.Def
		out.Msg = ce.Err.Error()
		switch ce.Ret.(type) {
		case nil, *canvas.Dict:
		default:
			out.Msg += " — the hook returned " + canvas.Repr(ce.Ret) + ", not a dict"
		}
	}
	var se *script.Error
	if errors.As(err, &se) {
		out.Pos, out.Msg, out.Backtrace = se.Pos, se.Msg, se.Backtrace
	}
	if out.Msg == "" {
		out.Msg = err.Error()
	}
	return out
}
