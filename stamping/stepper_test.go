package stamping_test

import (
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/stamping"
	"github.com/stampede-dev/stampede/visitors"
	"github.com/stampede-dev/stampede/visitors/script"
)

const corpus = "../testdata/conformance"

type stampCase struct {
	name    string
	input   canvas.Value
	visitor string
	append  bool
	headers *canvas.Dict
	failing bool
}

func stampCases(t testing.TB) []stampCase {
	files, err := filepath.Glob(filepath.Join(corpus, "stamp", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no stamp cases: %v", err)
	}
	var out []stampCase
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		v, err := canvas.Decode(data)
		if err != nil {
			t.Fatal(err)
		}
		c := v.(*canvas.Dict)
		sc := stampCase{name: filepath.Base(f), input: c.Lookup("canvas"), append: canvas.Truthy(c.Lookup("append_stamps"))}
		sc.visitor, _ = c.Lookup("visitor").(string)
		sc.headers, _ = c.Lookup("headers").(*canvas.Dict)
		sc.failing = c.Lookup("expect").(*canvas.Dict).Has("error")
		out = append(out, sc)
	}
	return out
}

func (sc stampCase) load(t testing.TB) (*canvas.Dict, visitors.Visitor) {
	root, err := canvas.SignatureOf(canvas.JSONCopy(sc.input))
	if err != nil {
		t.Fatal(err)
	}
	var v visitors.Visitor
	if sc.visitor != "" {
		if v, err = script.Load(filepath.Join(corpus, "visitors", sc.visitor)); err != nil {
			t.Fatal(err)
		}
	}
	return root, v
}

// TestStepperRestoresEveryState stamps every corpus case with recording on,
// then walks the trace forward, back and at random, checking that each
// position shows exactly the canvas a straight run shows at that point.
func TestStepperRestoresEveryState(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	checked := 0
	for _, sc := range stampCases(t) {
		if sc.failing {
			continue
		}
		t.Run(sc.name, func(t *testing.T) {
			root, v := sc.load(t)
			before := canvas.MustEncode(root)
			tr, err := stamping.Stamp(root, stamping.Options{Visitor: v, Append: sc.append, Headers: sc.headers, Record: true})
			if err != nil {
				t.Fatal(err)
			}
			after := canvas.MustEncode(root)
			st, err := stamping.NewStepper(tr)
			if err != nil {
				t.Fatal(err)
			}
			if tr.Len() == 0 {
				st.Goto(0)
				if got := canvas.MustEncode(root); got != after {
					t.Fatalf("a run without hooks must stay stamped at position 0")
				}
				return
			}
			st.Goto(0)
			if got := canvas.MustEncode(root); got != before {
				t.Fatalf("position 0 is not the canvas before stamping:\n got %s\nwant %s", got, before)
			}
			states := []string{before}
			for st.Forward() {
				states = append(states, canvas.MustEncode(root))
			}
			if states[len(states)-1] != after {
				t.Fatalf("the end of the trace is not the stamped canvas")
			}
			if st.Pos() != tr.Len() || len(states) != tr.Len()+1 {
				t.Fatalf("stepped %d times over %d steps", len(states)-1, tr.Len())
			}
			for st.Back() {
				if got := canvas.MustEncode(root); got != states[st.Pos()] {
					t.Fatalf("stepping back to %d gave a different canvas", st.Pos())
				}
			}
			for i := 0; i < 50; i++ {
				p := rng.Intn(len(states))
				st.Goto(p)
				if got := canvas.MustEncode(root); got != states[p] {
					t.Fatalf("Goto(%d) gave a different canvas", p)
				}
			}
			checked++
		})
	}
	if checked < 100 {
		t.Fatalf("only %d cases checked", checked)
	}
}

// TestStampWithoutVisitorHasNoSteps pins that stamp() without a visitor calls
// no hook but still writes stamped_headers on the leaves it reaches.
func TestStampWithoutVisitorHasNoSteps(t *testing.T) {
	root, err := canvas.Load([]byte(`{"task": "celery.group", "args": [], "kwargs": {"tasks": [
		{"task": "a", "args": [], "kwargs": {}, "options": {}, "subtask_type": null, "immutable": false}]},
		"options": {}, "subtask_type": "group", "immutable": false}`))
	if err != nil {
		t.Fatal(err)
	}
	headers := canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("origin"), Val: "cli"}})
	tr, err := stamping.Stamp(root, stamping.Options{Headers: headers})
	if err != nil {
		t.Fatal(err)
	}
	if tr.Len() != 0 {
		t.Fatalf("got %d steps without a visitor", tr.Len())
	}
	leaf := root.Lookup("kwargs").(*canvas.Dict).Lookup("tasks").(*canvas.List).Items()[0].(*canvas.Dict)
	opts := leaf.Lookup("options").(*canvas.Dict)
	if opts.Lookup("origin") != "cli" {
		t.Fatalf("leaf options = %s", canvas.MustEncode(opts))
	}
	if sh, ok := opts.Lookup("stamped_headers").(*canvas.List); !ok || sh.Len() != 1 || sh.Items()[0] != "origin" {
		t.Fatalf("stamped_headers = %s", canvas.MustEncode(opts.Lookup("stamped_headers")))
	}
}
