package visitors

import (
	crand "crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"

	"github.com/stampede-dev/stampede/canvas"
)

// Traceparent stamps W3C trace context (https://www.w3.org/TR/trace-context/)
// on every signature. A stamp() run is one trace with one trace id; every
// node of the canvas (signature, chain, group, chord) is a span with its own
// span id, and a node's parent span is the chain, group or chord it sits in —
// or, for a callback or errback, the signature it hangs from. A signature is
// stamped with the traceparent header naming its own span (the span a
// worker's task span continues from) and with the id of its parent span
// (absent on a root signature). Example output, for a task of a chain:
//
//	"traceparent":    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
//	"parent_span_id": "b7ad6b7169203331"
//
// where "b7ad6b7169203331" is the chain's span: every task of that chain
// names it, and a callback of the task names "00f067aa0ba902b7".
type Traceparent struct {
	Base
	ReadsHeaders
	MakesResults
	trace string
	spans map[Path]string
	used  map[string]bool
	rng   *rand.Rand
}

// Name is the visitor's name on the command line.
func (*Traceparent) Name() string { return "traceparent" }

// Start begins a new trace.
func (tp *Traceparent) Start() error {
	var seed [32]byte
	if _, err := crand.Read(seed[:]); err != nil {
		return err
	}
	tp.rng = rand.New(rand.NewChaCha8(seed))
	tp.spans = map[Path]string{}
	tp.used = map[string]bool{}
	var id [16]byte
	for id == ([16]byte{}) {
		binary.BigEndian.PutUint64(id[:8], tp.rng.Uint64())
		binary.BigEndian.PutUint64(id[8:], tp.rng.Uint64())
	}
	tp.trace = hex.EncodeToString(id[:])
	return nil
}

// TraceID is the current (or last) run's trace id.
func (tp *Traceparent) TraceID() string { return tp.trace }

// span is the span id of the node at path, drawn the first time it is asked
// for: never all zeros, never repeated within a run.
func (tp *Traceparent) span(p Path) string {
	if s, ok := tp.spans[p]; ok {
		return s
	}
	var id [8]byte
	s := ""
	for s == "" || tp.used[s] {
		n := tp.rng.Uint64()
		if n == 0 {
			continue
		}
		binary.BigEndian.PutUint64(id[:], n)
		s = hex.EncodeToString(id[:])
	}
	tp.used[s] = true
	tp.spans[p] = s
	return s
}

// OnSignature stamps the signature's traceparent and its parent span.
func (tp *Traceparent) OnSignature(t Target, _ *canvas.Dict) (canvas.Value, error) {
	if tp.rng == nil {
		if err := tp.Start(); err != nil {
			return nil, err
		}
	}
	d := stamp(canvas.Pair{Key: keyTraceparent, Val: "00-" + tp.trace + "-" + tp.span(t.Path) + "-01"})
	if !t.Path.IsRoot() {
		d.AppendPairs(canvas.Pair{Key: keyParentSpanID, Val: tp.span(t.Parent)})
	}
	return d, nil
}

// The keys Traceparent stamps, made once.
var (
	keyTraceparent  = canvas.K("traceparent")
	keyParentSpanID = canvas.K("parent_span_id")
)
