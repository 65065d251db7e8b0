package stamping_test

import (
	"errors"
	"fmt"
	"regexp"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/stamping"
	"github.com/stampede-dev/stampede/visitors"
)

// FuzzStamp stamps a loaded canvas with a visitor generated from spec (each
// hook call takes the next byte of spec to choose what it returns: Celery's
// default, None, an empty dict, stamps of every kind, a stamped_headers list
// of its own, the headers it was given, something that is not a dict, or an
// error), with or without append_stamps and extra headers. For any input:
//
//   - nothing panics, and a failure is a typed error (a hook's, a step's or
//     a Python exception);
//   - stamping never removes a key: every dict of the canvas still holds,
//     after the run, every key it held before (values may be overwritten);
//   - stepping the recorded run back to the start restores the exact
//     canvas, forward to the end the exact stamped canvas, and every
//     position in between is the same whichever way it is reached;
//   - a recorded run and a plain run stamp the same canvas.
//
// The seed corpus is testdata/fuzz/FuzzStamp.
func FuzzStamp(f *testing.F) {
	f.Fuzz(func(t *testing.T, data, spec []byte, appendStamps bool, headersJSON []byte) {
		if len(data) > 16<<10 || len(headersJSON) > 4<<10 {
			return // the checks below encode the canvas at every step
		}
		root, err := canvas.Load(data)
		if err != nil {
			return
		}
		// Stamping merges into the nested dicts of the headers it is
		// given, as Celery's does, so each run decodes its own.
		headersOf := func() *canvas.Dict {
			if v, err := canvas.Decode(headersJSON); err == nil {
				h, _ := v.(*canvas.Dict)
				return h
			}
			return nil
		}
		before := encode(t, root)
		keys := keysOf(root)

		tr, err := stamping.Stamp(root, stamping.Options{Visitor: newGenVisitor(spec), Append: appendStamps, Headers: headersOf(), Record: true})
		if err != nil {
			checkStampError(t, err)
		}
		after := encode(t, root)
		if tr.Len() > 2000 || len(after) > 1<<20 {
			// Shared lists that append_stamps doubles (as Celery does) can
			// make the canvas huge; the per-step checks would take minutes.
			return
		}
		for d, ks := range keys {
			for _, k := range ks {
				if !d.Has(k) {
					t.Fatalf("stamping removed the key %q from a dict that held it:\nbefore %s\nafter  %s", k, before, after)
				}
			}
		}

		st, serr := stamping.NewStepper(tr)
		if serr != nil {
			t.Fatal(serr)
		}
		st.Goto(0)
		if got := encode(t, root); got != before {
			t.Fatalf("stepping back to the start did not restore the canvas (run error: %v):\nbefore %s\n   got %s", err, before, got)
		}
		states := []string{before}
		for st.Forward() {
			states = append(states, encode(t, root))
		}
		if got := states[len(states)-1]; got != after {
			t.Fatalf("stepping forward to the end did not give the stamped canvas:\nafter %s\n  got %s", after, got)
		}
		for st.Back() {
			if got := encode(t, root); got != states[st.Pos()] {
				t.Fatalf("position %d differs going back:\nforward %s\n   back %s", st.Pos(), states[st.Pos()], got)
			}
		}
		for i := len(states) - 1; i >= 0; i -= 3 {
			st.Goto(i)
			if got := encode(t, root); got != states[i] {
				t.Fatalf("Goto(%d) differs:\nforward %s\n   goto %s", i, states[i], got)
			}
		}

		plain, perr := canvas.Load(data)
		if perr != nil {
			t.Fatal(perr)
		}
		_, err2 := stamping.Stamp(plain, stamping.Options{Visitor: newGenVisitor(spec), Append: appendStamps, Headers: headersOf()})
		if (err == nil) != (err2 == nil) || (err != nil && err.Error() != err2.Error()) {
			t.Fatalf("a recorded run failed with %v, a plain one with %v", err, err2)
		}
		if got := encode(t, plain); got != after {
			t.Fatalf("a plain run stamped differently:\nrecorded %s\n   plain %s", after, got)
		}

		lean, lerr := canvas.Load(data)
		if lerr != nil {
			t.Fatal(lerr)
		}
		tl, err3 := stamping.Stamp(lean, stamping.Options{Visitor: newGenVisitor(spec), Append: appendStamps, Headers: headersOf(), Untraced: true})
		if (err == nil) != (err3 == nil) || (err != nil && err.Error() != err3.Error()) || tl.Len() != tr.Len() {
			t.Fatalf("an untraced run made %d calls and failed with %v; a recorded one %d calls, %v", tl.Len(), err3, tr.Len(), err)
		}
		if got := encode(t, lean); got != after {
			t.Fatalf("an untraced run stamped differently:\nrecorded %s\nuntraced %s", after, got)
		}
	})
}

// pythonError is the text of a Python exception: its class, then the message.
var pythonError = regexp.MustCompile(`(^|: )[A-Z][A-Za-z]*(Error|Exception): `)

// checkStampError fails unless err is one of the errors a stamp run may end
// in: a hook's, a step's, or a Python exception (a *canvas.PyError, or an
// error that reads as one, like the AttributeError of a signature whose
// options are not a dict).
func checkStampError(t *testing.T, err error) {
	t.Helper()
	var (
		se *stamping.StepError
		he *visitors.HookError
		pe *canvas.PyError
	)
	if !errors.As(err, &se) && !errors.As(err, &he) && !errors.As(err, &pe) && !pythonError.MatchString(err.Error()) {
		t.Fatalf("stamping failed with a %T: %v", err, err)
	}
}

// encode is v's compact JSON, where every shared value is written out.
func encode(t *testing.T, v canvas.Value) string {
	t.Helper()
	b, err := canvas.Encode(v, -1)
	if err != nil {
		t.Fatalf("cannot write the canvas: %v", err)
	}
	return string(b)
}

// keysOf maps every dict reachable from v to its keys.
func keysOf(v canvas.Value) map[*canvas.Dict][]string {
	out := map[*canvas.Dict][]string{}
	seen := map[*canvas.List]bool{}
	var walk func(canvas.Value)
	walk = func(v canvas.Value) {
		switch x := v.(type) {
		case *canvas.Dict:
			if _, ok := out[x]; ok {
				return
			}
			out[x] = x.Keys()
			for _, p := range x.Pairs() {
				walk(p.Val)
			}
		case *canvas.List:
			if seen[x] {
				return
			}
			seen[x] = true
			for _, it := range x.Items() {
				walk(it)
			}
		}
	}
	walk(v)
	return out
}

// genVisitor is a visitor whose every hook call returns what the next byte
// of spec says (see FuzzStamp); an empty spec defines no hook.
type genVisitor struct {
	visitors.Dispatch
	spec []byte
	n    int
}

func newGenVisitor(spec []byte) *genVisitor {
	g := &genVisitor{spec: spec}
	g.Dispatch = visitors.NewDispatch("generated", func(_ visitors.Hook, _ visitors.Target, h *canvas.Dict) (canvas.Value, error) {
		return g.ret(h)
	})
	return g
}

func (g *genVisitor) next() byte {
	if len(g.spec) == 0 {
		return 0
	}
	b := g.spec[g.n%len(g.spec)]
	g.n++
	return b
}

var errGenerated = errors.New("the generated hook fails")

// ret is what one hook call returns.
func (g *genVisitor) ret(headers *canvas.Dict) (canvas.Value, error) {
	b := g.next()
	key := fmt.Sprintf("k%d", b>>5) // eight stamp names, shared between hooks
	switch b & 15 {
	case 0:
		return nil, visitors.ErrUndefined
	case 1:
		return nil, nil
	case 2:
		return &canvas.Dict{}, nil
	case 3:
		return dict(key, canvas.Int(fmt.Sprint(g.n))), nil
	case 4:
		return dict(key, fmt.Sprintf("v%d", g.n)), nil
	case 5:
		return dict(key, canvas.NewList(canvas.Int(fmt.Sprint(g.n)), "x")), nil
	case 6:
		return dict(key, dict("inner", canvas.Int(fmt.Sprint(g.n)))), nil
	case 7:
		d := dict(key, "listed")
		d.Set("stamped_headers", canvas.NewList(key))
		return d, nil
	case 8:
		d := dict(key, "unlisted")
		d.Set("stamped_headers", canvas.NewList())
		return d, nil
	case 9:
		return dict(key, nil), nil
	case 10:
		// The headers it was given, as a visitor that echoes them would —
		// while they are small: with append_stamps, echoing doubles every
		// stamp list at each level, as it does in Celery, and memory runs
		// out long before the run ends (see the FuzzStamp corpus).
		if values(headers, 256) < 256 {
			return canvas.DeepCopy(headers), nil
		}
		return &canvas.Dict{}, nil
	case 11:
		return dict("stamped_headers", canvas.NewList(key, "other")), nil
	case 12:
		return canvas.NewList(key), nil // not a dict: Celery fails
	case 13:
		return key, nil // a string: Celery checks `"stamped_headers" in` it
	case 14:
		return dict(key, 1.5), nil
	}
	return nil, errGenerated
}

// values counts the values in v, stopping at limit.
func values(v canvas.Value, limit int) int {
	n := 1
	switch x := v.(type) {
	case *canvas.Dict:
		for _, p := range x.Pairs() {
			if n >= limit {
				break
			}
			n += values(p.Val, limit-n)
		}
	case *canvas.List:
		for _, it := range x.Items() {
			if n >= limit {
				break
			}
			n += values(it, limit-n)
		}
	}
	return n
}

func dict(key string, v canvas.Value) *canvas.Dict {
	return canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K(key), Val: v}})
}
