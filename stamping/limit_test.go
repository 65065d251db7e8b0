package stamping_test

import (
	"errors"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/stamping"
	"github.com/stampede-dev/stampede/visitors"
)

// echo returns, from every chain, the very headers it was given, with a
// list stamp "x" added at the top.
type echo struct{ visitors.Base }

func (echo) Name() string { return "echo" }

func (echo) OnChainStart(_ visitors.Target, h *canvas.Dict) (canvas.Value, error) {
	if !h.Has("x") {
		out := h.Copy()
		out.Set("x", canvas.NewList("a"))
		return out, nil
	}
	return h, nil
}

// TestAnEchoingVisitorUnderAppendStopsAtTheLimit: merging a list stamp
// with itself doubles it at every level, as Celery does; past
// MaxStampItems values the run stops with a LimitError instead of asking
// for 2^30 values.
func TestAnEchoingVisitorUnderAppendStopsAtTheLimit(t *testing.T) {
	c, err := canvas.Load(deepChain(30))
	if err != nil {
		t.Fatal(err)
	}
	_, err = stamping.Stamp(c, stamping.Options{Visitor: echo{}, Append: true})
	var le *stamping.LimitError
	if !errors.As(err, &le) {
		t.Fatalf("stamp: %v, want a *LimitError", err)
	}
	if le.Key != "x" || le.Items <= stamping.MaxStampItems || le.Items > 2*stamping.MaxStampItems {
		t.Errorf("limit error %+v", le)
	}
	var se *stamping.StepError
	if !errors.As(err, &se) || se.Hook != visitors.OnChainStart {
		t.Errorf("the error is not placed at the hook whose result overflowed: %v", err)
	}

	// ten levels double it to 2^10 values, as Celery would
	c, _ = canvas.Load(deepChain(10))
	if _, err := stamping.Stamp(c, stamping.Options{Visitor: echo{}, Append: true}); err != nil {
		t.Fatalf("ten levels: %v", err)
	}
}
