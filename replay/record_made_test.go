package replay

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/stamping"
	"github.com/stampede-dev/stampede/visitors"
	"github.com/stampede-dev/stampede/visitors/script"
)

// bothWays records every hook call of the visitor it wraps twice: looking
// for parts of the canvas and the headers in each result, and trusting the
// visitor's visitors.ResultMaker promise that there are none.
type bothWays struct {
	visitors.Dispatch
	t              *testing.T
	inner          visitors.Visitor
	search, trust  *encoder
	calls, differs int
}

func (b *bothWays) call(h visitors.Hook, tg visitors.Target, headers *canvas.Dict) (canvas.Value, error) {
	ret, err := visitors.Call(b.inner, h, tg, headers)
	searched := b.search.call(b.calls, h, tg, headers, ret, err, false)
	trusted := b.trust.call(b.calls, h, tg, headers, ret, err, true)
	if !sameCall(&searched, &trusted) {
		b.differs++
		b.t.Errorf("%s, call %d (%s on %s): recorded %s looking for parts of the canvas, %s trusting the visitor",
			b.inner.Name(), b.calls, h, tg.Path.String(), searched.describe(), trusted.describe())
	}
	b.calls++
	return ret, err
}

// TestResultMakersRecordTheSameWithoutTheSearch stamps every canvas of the
// conformance corpus with every built-in visitor that is a
// visitors.ResultMaker and with every visitor script of the corpus, and
// checks that each call records the same with and without the search for
// parts of the canvas and the headers that the promise lets a recording
// skip.
func TestResultMakersRecordTheSameWithoutTheSearch(t *testing.T) {
	corpus := filepath.Join("..", "testdata", "conformance")
	cases, err := filepath.Glob(filepath.Join(corpus, "stamp", "*.json"))
	if err != nil || len(cases) == 0 {
		t.Fatalf("no corpus cases: %v", err)
	}
	var makers []func() visitors.Visitor
	for _, name := range visitors.BuiltinNames() {
		if v, _ := visitors.Builtin(name); isMaker(v) {
			makers = append(makers, func() visitors.Visitor { v, _ := visitors.Builtin(name); return v })
		}
	}
	scripts, _ := filepath.Glob(filepath.Join(corpus, "visitors", "*.star"))
	for _, path := range scripts {
		makers = append(makers, func() visitors.Visitor {
			v, err := script.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			return v
		})
	}
	calls := 0
	for _, file := range cases {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var c struct{ Canvas json.RawMessage }
		if err := json.Unmarshal(data, &c); err != nil {
			t.Fatal(err)
		}
		for _, make := range makers {
			root, err := canvas.Load(c.Canvas)
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			inner := make()
			if !isMaker(inner) {
				t.Fatalf("%s is not a visitors.ResultMaker", inner.Name())
			}
			b := &bothWays{t: t, inner: inner, search: newEncoder(), trust: newEncoder()}
			b.Dispatch = visitors.NewDispatch(inner.Name(), b.call)
			stamping.Stamp(root, stamping.Options{Visitor: b}) // a failing hook is recorded like any other call
			calls += b.calls
			if b.differs > 0 {
				t.Fatalf("%s: %d calls differ", file, b.differs)
			}
		}
	}
	t.Logf("%d cases, %d visitors, %d hook calls recorded both ways", len(cases), len(makers), calls)
}

func isMaker(v visitors.Visitor) bool {
	_, ok := v.(visitors.ResultMaker)
	return ok
}
