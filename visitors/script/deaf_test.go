package script

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/visitors"
)

// TestDeafHooks pins which hooks are called without their headers: only
// those whose body never names the **headers parameter, nested functions
// and comprehensions included.
func TestDeafHooks(t *testing.T) {
	for _, tc := range []struct {
		body string
		deaf bool
	}{
		{`return {"s": 1}`, true},
		{`return {"n": len(state)}`, true},
		{`return headers`, false},
		{`return {"o": headers.get("origin")}`, false},
		{`f = lambda: headers
    return f()`, false},
		{`def inner():
        return headers["x"]
    return inner()`, false},
		{`return {k: 1 for k in headers}`, false},
		{`def inner(headers):
        return headers
    return inner({})`, false}, // another binding of the name: still counted
	} {
		src := "def on_signature(sig, **headers):\n    " + tc.body + "\n"
		f, err := (&syntax.FileOptions{Set: true}).Parse("t.star", src, 0)
		if err != nil {
			t.Fatalf("%s: %v", tc.body, err)
		}
		d := deafness(f.Stmts[0].(*syntax.DefStmt))
		if (d.first != "") != tc.deaf {
			t.Errorf("%q: deaf = %v, want %v", tc.body, d.first != "", tc.deaf)
		}
	}
}

// TestDeafHookStillFailsOnAHeaderNamedLikeSig checks that a hook that
// ignores its headers still fails as Python does when a header has its
// first parameter's name, and otherwise runs without them.
func TestDeafHookStillFailsOnAHeaderNamedLikeSig(t *testing.T) {
	v, err := Compile("deaf.star", []byte("def on_signature(sig, **headers):\n    return {\"s\": 1}\n"))
	if err != nil {
		t.Fatal(err)
	}
	sig, err := canvas.Load([]byte(`{"task": "a", "args": [], "kwargs": {}, "options": {}, "subtask_type": null, "immutable": false}`))
	if err != nil {
		t.Fatal(err)
	}
	target := visitors.Target{Value: sig, Path: visitors.Root()}
	ok := &canvas.Dict{Pairs: []canvas.Pair{{Key: "origin", Val: "cli"}}}
	if got := v.headersFor(visitors.OnSignature, mustHook(t, v), ok); len(got) != 0 {
		t.Fatal("the hook is not called without its headers")
	}
	if _, err := v.OnSignature(target, ok); err != nil {
		t.Fatal(err)
	}
	clash := &canvas.Dict{Pairs: []canvas.Pair{{Key: "sig", Val: "x"}}}
	_, err = v.OnSignature(target, clash)
	if err == nil || !strings.Contains(err.Error(), `multiple values for parameter "sig"`) {
		t.Fatalf("a header named sig: %v", err)
	}
}

func mustHook(t *testing.T, v *Visitor) *starlark.Function {
	t.Helper()
	if err := v.Start(); err != nil {
		t.Fatal(err)
	}
	return v.hooks[visitors.OnSignature]
}

// TestDroppedHeadersChangeNothing compiles mark.star as it is (its hooks
// lose their dead **headers) and again with every hook named once more at
// the top level (so none does), and checks that both return the same
// values, take the same steps and fail the same way on a header named sig.
func TestDroppedHeadersChangeNothing(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "testdata", "conformance", "visitors", "mark.star"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for h := visitors.Hook(0); h < visitors.NumHooks; h++ {
		names = append(names, h.String())
	}
	kept := append(append([]byte{}, src...), "\n_hooks = ["+strings.Join(names, ", ")+"]\n"...)
	dropped, err := Compile("mark.star", src)
	if err != nil {
		t.Fatal(err)
	}
	whole, err := Compile("mark.star", kept)
	if err != nil {
		t.Fatal(err)
	}
	for h := visitors.Hook(0); h < visitors.NumHooks; h++ {
		if !dropped.deaf[h].dropped {
			t.Errorf("%s kept its **headers", h)
		}
		if whole.deaf[h].dropped {
			t.Errorf("%s lost its **headers though the file names it", h)
		}
	}
	sig, err := canvas.Load([]byte(`{"task": "a", "args": [], "kwargs": {}, "options": {}, "subtask_type": null, "immutable": false}`))
	if err != nil {
		t.Fatal(err)
	}
	target := visitors.Target{Value: sig, Path: visitors.Root()}
	headers := &canvas.Dict{Pairs: []canvas.Pair{{Key: "origin", Val: "cli"}}}
	clash := &canvas.Dict{Pairs: []canvas.Pair{{Key: "origin", Val: "cli"}, {Key: "sig", Val: "x"}}}
	for round := 0; round < 3; round++ {
		for h := visitors.Hook(0); h < visitors.NumHooks; h++ {
			for _, hd := range []*canvas.Dict{headers, clash} {
				got, gotErr := visitors.Call(dropped, h, target, hd)
				want, wantErr := visitors.Call(whole, h, target, hd)
				if !canvas.SameJSON(got, want) || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
					t.Fatalf("%s: dropped gave %v, %v; kept gave %v, %v", h, got, gotErr, want, wantErr)
				}
				if dropped.LastSteps() != whole.LastSteps() {
					t.Fatalf("%s: %d steps with the headers dropped, %d with them kept", h, dropped.LastSteps(), whole.LastSteps())
				}
			}
		}
	}
}

// TestHeadersKeptWhenTheHookIsCalledByName checks that a deaf hook that
// another hook calls keeps its **headers, and receives them.
func TestHeadersKeptWhenTheHookIsCalledByName(t *testing.T) {
	src := `def on_signature(sig, **headers):
    return {"s": 1}

def on_callback(sig, **headers):
    return on_signature(sig, **headers)
`
	v, err := Compile("calls.star", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if v.deaf[visitors.OnSignature].dropped || v.deaf[visitors.OnSignature].first == "" {
		t.Fatalf("on_signature: %+v, want deaf but not dropped", v.deaf[visitors.OnSignature])
	}
	sig, err := canvas.Load([]byte(`{"task": "a", "args": [], "kwargs": {}, "options": {}, "subtask_type": null, "immutable": false}`))
	if err != nil {
		t.Fatal(err)
	}
	target := visitors.Target{Value: sig, Path: visitors.Root()}
	got, err := v.OnCallback(target, &canvas.Dict{Pairs: []canvas.Pair{{Key: "origin", Val: "cli"}}})
	if err != nil {
		t.Fatal(err)
	}
	if want := (&canvas.Dict{Pairs: []canvas.Pair{{Key: "s", Val: toCanvas(t, "1")}}}); !canvas.SameJSON(got, want) {
		t.Fatalf("on_callback returned %v", got)
	}
}

func toCanvas(t *testing.T, text string) canvas.Value {
	t.Helper()
	v, err := canvas.Decode([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return v
}
