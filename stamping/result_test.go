package stamping_test

import (
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/stamping"
)

// TestStepResultReads checks, for every step of every corpus case, that
// RetLen and RetGet read the same result as Ret, and that only the step
// where a run stopped has an error.
func TestStepResultReads(t *testing.T) {
	kinds := map[string]int{}
	for _, sc := range stampCases(t) {
		root, v := sc.load(t)
		tr, err := stamping.Stamp(root, stamping.Options{Visitor: v, Append: sc.append, Headers: sc.headers, Record: true})
		for i := range tr.Steps {
			s := &tr.Steps[i]
			if (s.Err() != nil) != (err != nil && i == len(tr.Steps)-1) {
				t.Fatalf("%s step %d: error %v, run error %v", sc.name, i, s.Err(), err)
			}
			ret := s.Ret()
			n, isDict := s.RetLen()
			d, ok := ret.(*canvas.Dict)
			if ok != isDict || (ok && n != d.Len()) {
				t.Fatalf("%s step %d: RetLen %d %v, Ret %s", sc.name, i, n, isDict, canvas.Repr(ret))
			}
			if !ok {
				kinds["other"]++
				continue
			}
			kinds[map[bool]string{true: "empty", false: "dict"}[d.Len() == 0]]++
			for _, p := range d.Pairs() {
				got, found := s.RetGet(p.Key.String())
				if !found || !canvas.SameJSON(got, p.Val) {
					t.Fatalf("%s step %d: RetGet(%q) = %s", sc.name, i, p.Key.String(), canvas.Repr(got))
				}
			}
			if _, found := s.RetGet("no such stamp"); found {
				t.Fatalf("%s step %d: RetGet found a key the result lacks", sc.name, i)
			}
			if again := s.Ret(); !canvas.SameJSON(again, ret) {
				t.Fatalf("%s step %d: Ret differs between calls", sc.name, i)
			}
		}
	}
	if kinds["dict"] == 0 || kinds["empty"] == 0 || kinds["other"] == 0 {
		t.Fatalf("the corpus did not cover every kind of result: %v", kinds)
	}
}
