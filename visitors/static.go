package visitors

import "github.com/stampede-dev/stampede/canvas"

// Static stamps the same headers on every signature: the visitor form of
// `stampede stamp -visitor static -headers '{"tenant": "acme"}'`. Each
// signature gets its own copy of the values, so a list stamp is never one
// object shared between tasks. Example output, on every leaf and link:
//
//	"tenant": "acme"
type Static struct {
	Base
	ReadsHeaders
	MakesResults
	// Headers are the stamps to give every signature (nil: none).
	Headers *canvas.Dict
}

// NewStatic returns a static visitor stamping headers.
func NewStatic(headers *canvas.Dict) *Static { return &Static{Headers: headers} }

// Name is the visitor's name on the command line.
func (*Static) Name() string { return "static" }

// OnSignature returns a copy of the headers.
func (s *Static) OnSignature(Target, *canvas.Dict) (canvas.Value, error) {
	if s.Headers == nil || s.Headers.Len() == 0 {
		return nil, nil
	}
	out := canvas.NewDict(canvas.Plain, s.Headers.Len()+1)
	for _, p := range s.Headers.Pairs() {
		out.AppendPairs(canvas.Pair{Key: p.Key, Val: canvas.DeepCopy(p.Val)})
	}
	return out, nil
}
