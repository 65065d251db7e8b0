package synth

import (
	"runtime"

	"github.com/stampede-dev/stampede/canvas"
)

// LiveHeap is the heap in use after a collection: what the benchmarks and
// stampede bench subtract to measure what something keeps.
func LiveHeap() int64 {
	var s runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&s)
	return int64(s.HeapAlloc)
}

// KeptPerSignature loads one of LoadShapes with about n signatures from
// JSON and returns the heap the canvas keeps, in bytes a signature: the
// live heap after the load, with the text dropped, less the live heap
// before the text was made. (Measuring from a heap that already held the
// text would subtract the text's size.)
func KeptPerSignature(shape string, n int) (float64, error) {
	before := LiveHeap()
	data, sigs, err := ShapeJSON(shape, n)
	if err != nil {
		return 0, err
	}
	c, err := canvas.Load(data)
	if err != nil {
		return 0, err
	}
	data = nil
	after := LiveHeap()
	runtime.KeepAlive(c)
	return float64(after-before) / float64(sigs), nil
}
