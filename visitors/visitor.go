// Package visitors defines the stamping Visitor (one method per hook of
// Celery's StampingVisitor) and the built-in visitors. Scripted visitors live
// in the script subpackage.
package visitors

import (
	"errors"
	"fmt"

	"github.com/stampede-dev/stampede/canvas"
)

// Hook names one method of Celery's StampingVisitor.
type Hook uint8

// The ten hooks, in the order Celery's documentation lists them.
const (
	OnSignature Hook = iota
	OnGroupStart
	OnGroupEnd
	OnChainStart
	OnChainEnd
	OnChordHeaderStart
	OnChordHeaderEnd
	OnChordBody
	OnCallback
	OnErrback
	NumHooks
)

var hookNames = [...]string{
	"on_signature", "on_group_start", "on_group_end", "on_chain_start", "on_chain_end",
	"on_chord_header_start", "on_chord_header_end", "on_chord_body", "on_callback", "on_errback",
}

// String is the hook's Python method name.
func (h Hook) String() string {
	if h < NumHooks {
		return hookNames[h]
	}
	return fmt.Sprintf("Hook(%d)", h)
}

// IsEnd reports whether the hook is one of the *_end hooks, whose result
// Celery ignores.
func (h Hook) IsEnd() bool {
	return h == OnGroupEnd || h == OnChainEnd || h == OnChordHeaderEnd
}

// ParseHook returns the hook with the given Python name.
func ParseHook(name string) (Hook, bool) {
	for i, n := range hookNames {
		if n == name {
			return Hook(i), true
		}
	}
	return 0, false
}

// Target is what a hook is given: the object Celery passes as `sig` (almost
// always a signature dict; in one default path a chord header that is still
// a plain list) and where it sits in the canvas.
type Target struct {
	Value  canvas.Value // *canvas.Dict or, rarely, *canvas.List
	Path   Path         // e.g. $.tasks[1].header[0]
	Depth  int          // nesting depth of the node (the root is 0)
	Parent Path         // the enclosing chain, group or chord, or the signature a link hangs from
	Owner  canvas.Value // the object at Parent (nil at the root)
	Root   canvas.Value // the canvas being stamped, where At finds any ancestor

	// Log, when the run is recorded, is the mutation log of the canvas.
	// A visitor that changes the canvas the way Celery's default
	// on_chord_header_start does (a Python visitor calling
	// super().on_chord_header_start) records the change here, so that
	// stepping back undoes it. Nil when the run is not recorded.
	Log *canvas.Log
}

// ErrUndefined is what a hook returns when the visitor does not define it;
// the traversal then runs Celery's StampingVisitor default for that hook.
var ErrUndefined = errors.New("hook not defined by the visitor")

// Visitor is a stamping visitor: one method per hook of Celery's
// StampingVisitor. A hook receives the target and a copy of the headers
// Celery passes as keyword arguments, and returns a dict of stamps, nil
// (None), or ErrUndefined to get Celery's default. The *_end hooks' values
// are ignored. Embed Base to define only some hooks. A returned dict is the
// traversal's from then on: the visitor must not change it later (the trace
// keeps it as the hook's result).
type Visitor interface {
	Name() string
	OnSignature(t Target, headers *canvas.Dict) (canvas.Value, error)
	OnGroupStart(t Target, headers *canvas.Dict) (canvas.Value, error)
	OnGroupEnd(t Target, headers *canvas.Dict) (canvas.Value, error)
	OnChainStart(t Target, headers *canvas.Dict) (canvas.Value, error)
	OnChainEnd(t Target, headers *canvas.Dict) (canvas.Value, error)
	OnChordHeaderStart(t Target, headers *canvas.Dict) (canvas.Value, error)
	OnChordHeaderEnd(t Target, headers *canvas.Dict) (canvas.Value, error)
	OnChordBody(t Target, headers *canvas.Dict) (canvas.Value, error)
	OnCallback(t Target, headers *canvas.Dict) (canvas.Value, error)
	OnErrback(t Target, headers *canvas.Dict) (canvas.Value, error)
}

// Base defines no hook: embed it and override the hooks a visitor defines.
type Base struct{}

func (Base) OnSignature(Target, *canvas.Dict) (canvas.Value, error)  { return nil, ErrUndefined }
func (Base) OnGroupStart(Target, *canvas.Dict) (canvas.Value, error) { return nil, ErrUndefined }
func (Base) OnGroupEnd(Target, *canvas.Dict) (canvas.Value, error)   { return nil, ErrUndefined }
func (Base) OnChainStart(Target, *canvas.Dict) (canvas.Value, error) { return nil, ErrUndefined }
func (Base) OnChainEnd(Target, *canvas.Dict) (canvas.Value, error)   { return nil, ErrUndefined }
func (Base) OnChordHeaderStart(Target, *canvas.Dict) (canvas.Value, error) {
	return nil, ErrUndefined
}
func (Base) OnChordHeaderEnd(Target, *canvas.Dict) (canvas.Value, error) {
	return nil, ErrUndefined
}
func (Base) OnChordBody(Target, *canvas.Dict) (canvas.Value, error) { return nil, ErrUndefined }
func (Base) OnCallback(Target, *canvas.Dict) (canvas.Value, error)  { return nil, ErrUndefined }
func (Base) OnErrback(Target, *canvas.Dict) (canvas.Value, error)   { return nil, ErrUndefined }

// Call dispatches hook h to the visitor's method.
func Call(v Visitor, h Hook, t Target, headers *canvas.Dict) (canvas.Value, error) {
	switch h {
	case OnSignature:
		return v.OnSignature(t, headers)
	case OnGroupStart:
		return v.OnGroupStart(t, headers)
	case OnGroupEnd:
		return v.OnGroupEnd(t, headers)
	case OnChainStart:
		return v.OnChainStart(t, headers)
	case OnChainEnd:
		return v.OnChainEnd(t, headers)
	case OnChordHeaderStart:
		return v.OnChordHeaderStart(t, headers)
	case OnChordHeaderEnd:
		return v.OnChordHeaderEnd(t, headers)
	case OnChordBody:
		return v.OnChordBody(t, headers)
	case OnCallback:
		return v.OnCallback(t, headers)
	case OnErrback:
		return v.OnErrback(t, headers)
	}
	return nil, fmt.Errorf("unknown hook %d", h)
}

// Starter is implemented by visitors that keep per-run state: Start is
// called before each stamp() run, so every run begins fresh.
type Starter interface {
	Start() error
}

// HeadersReader is implemented by visitors whose hooks only read the
// headers they are given: they change neither the dict nor a list or dict
// inside it, and return none of them. Stamping hands other visitors a
// copy of the headers; an untraced stamp hands a HeadersReader the
// headers themselves.
type HeadersReader interface {
	ReadsHeadersOnly()
}

// ReadsHeaders makes a visitor that embeds it a HeadersReader.
type ReadsHeaders struct{}

// ReadsHeadersOnly marks the visitor as a HeadersReader.
func (ReadsHeaders) ReadsHeadersOnly() {}

// ResultMaker is implemented by visitors whose hooks return only values
// they make: no dict or list in a hook's result is a part of the canvas it
// visits or of the headers it is given (a result may still be one the
// visitor returned before). A recording of such a visitor need not look
// for those parts, which costs a walk of the visited node's whole subtree.
type ResultMaker interface {
	MakesItsResults()
}

// MakesResults makes a visitor that embeds it a ResultMaker.
type MakesResults struct{}

// MakesItsResults marks the visitor as a ResultMaker.
func (MakesResults) MakesItsResults() {}

// Locator is implemented by visitors defined in a file: HookPos says where
// hook h is defined (file:line:col), or "" when the visitor does not define it.
type Locator interface {
	HookPos(h Hook) string
}

// HookError is a failure inside a hook, with where it happened.
type HookError struct {
	Hook Hook
	Path string // path of the node the hook was visiting
	ID   string // its task_id, if any
	Err  error
}

func (e *HookError) Error() string {
	where := e.Path
	if e.ID != "" {
		where += " (" + e.ID + ")"
	}
	return fmt.Sprintf("%s on %s: %v", e.Hook, where, e.Err)
}

func (e *HookError) Unwrap() error { return e.Err }
