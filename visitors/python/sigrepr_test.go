package python

import (
	"testing"

	"github.com/stampede-dev/stampede/canvas"
)

// TestSignatureReprOfOddCanvases reprs signatures whose kwargs are
// missing or not a dict, which a canvas built by operations can hold:
// an empty chain, group or chord shape, never a panic.
func TestSignatureReprOfOddCanvases(t *testing.T) {
	chain := canvas.NewDict(canvas.Chain, 1)
	chain.Set("task", "celery.chain")
	group := canvas.NewDict(canvas.Group, 2)
	group.Set("kwargs", "not a dict")
	body := canvas.NewDict(canvas.Chain, 1)
	chord := canvas.NewDict(canvas.Chord, 1)
	kw := canvas.NewDict(canvas.Plain, 2)
	kw.Set("header", canvas.NewList())
	kw.Set("body", body)
	chord.Set("kwargs", kw)
	leaf := canvas.NewDict(canvas.Signature, 0)
	for _, c := range []struct {
		sig  *canvas.Dict
		want string
	}{
		{group, "group(<empty>)"},
		{leaf, "None()"},
	} {
		if got := celeryRepr(c.sig); got != c.want {
			t.Errorf("repr = %q, want %q", got, c.want)
		}
	}
	for _, d := range []*canvas.Dict{chain, chord} {
		if got := celeryRepr(d); got == "" {
			t.Errorf("repr of %s is empty", canvas.MustEncode(d))
		}
	}
}
