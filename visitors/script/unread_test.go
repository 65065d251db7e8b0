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

// TestUnreadParams pins which parameters a hook is taken not to read:
// only those its body never names, nested functions and comprehensions
// included.
func TestUnreadParams(t *testing.T) {
	for _, tc := range []struct {
		body         string
		sig, headers bool // unread
	}{
		{`return {"s": 1}`, true, true},
		{`return {"n": len(state)}`, true, true},
		{`return {"t": sig.task}`, false, true},
		{`return headers`, true, false},
		{`return {"o": headers.get("origin"), "t": sig["task"]}`, false, false},
		{`f = lambda: headers
    return f()`, true, false},
		{`def inner():
        return headers["x"]
    return inner()`, true, false},
		{`return {k: 1 for k in headers}`, true, false},
		{`return {k: 1 for k in [sig.id]}`, false, true},
		{`def inner(headers, sig):
        return headers
    return inner({}, 1)`, false, false}, // other bindings of the names: still counted
	} {
		src := "def on_signature(sig, **headers):\n    " + tc.body + "\n"
		f, err := (&syntax.FileOptions{Set: true}).Parse("t.star", src, 0)
		if err != nil {
			t.Fatalf("%s: %v", tc.body, err)
		}
		u := unreadParams(f.Stmts[0].(*syntax.DefStmt))
		if u.sig != tc.sig || u.headers != tc.headers {
			t.Errorf("%q: sig unread %v, headers unread %v; want %v, %v", tc.body, u.sig, u.headers, tc.sig, tc.headers)
		}
	}
}

// TestUnreadHeadersStillFailOnOneNamedLikeSig checks that a hook that
// never names its headers still fails as Python does when a header has its
// first parameter's name, and otherwise runs without them.
func TestUnreadHeadersStillFailOnOneNamedLikeSig(t *testing.T) {
	v, err := Compile("unread.star", []byte("def on_signature(sig, **headers):\n    return {\"s\": 1}\n"))
	if err != nil {
		t.Fatal(err)
	}
	sig, err := canvas.Load([]byte(`{"task": "a", "args": [], "kwargs": {}, "options": {}, "subtask_type": null, "immutable": false}`))
	if err != nil {
		t.Fatal(err)
	}
	target := visitors.Target{Value: sig, Path: visitors.Root()}
	ok := canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("origin"), Val: "cli"}})
	if got := v.unreadBy(visitors.OnSignature, mustHook(t, v)).headersFor(ok); len(got) != 0 {
		t.Fatal("the hook is not called without its headers")
	}
	if _, err := v.OnSignature(target, ok); err != nil {
		t.Fatal(err)
	}
	clash := canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("sig"), Val: "x"}})
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

// TestUnreadParamsChangeNothing compiles mark.star as it is (its hooks
// lose their **headers and get None for sig) and with Options.AllParams,
// and checks that both return the same values, take the same steps and
// fail the same way on a header named sig.
func TestUnreadParamsChangeNothing(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "testdata", "conformance", "visitors", "mark.star"))
	if err != nil {
		t.Fatal(err)
	}
	short, err := Compile("mark.star", src)
	if err != nil {
		t.Fatal(err)
	}
	whole, err := CompileWith("mark.star", src, Options{AllParams: true})
	if err != nil {
		t.Fatal(err)
	}
	for h := visitors.Hook(0); h < visitors.NumHooks; h++ {
		if u := short.unread[h]; !u.dropped || !u.sig {
			t.Errorf("%s: %+v, want its **headers dropped and sig unread", h, u)
		}
		if whole.unread[h] != (unread{}) {
			t.Errorf("%s: %+v with AllParams", h, whole.unread[h])
		}
	}
	sig, err := canvas.Load([]byte(`{"task": "a", "args": [], "kwargs": {}, "options": {}, "subtask_type": null, "immutable": false}`))
	if err != nil {
		t.Fatal(err)
	}
	target := visitors.Target{Value: sig, Path: visitors.Root()}
	headers := canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("origin"), Val: "cli"}})
	clash := canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("origin"), Val: "cli"}, {Key: canvas.K("sig"), Val: "x"}})
	for round := 0; round < 3; round++ {
		for h := visitors.Hook(0); h < visitors.NumHooks; h++ {
			for _, hd := range []*canvas.Dict{headers, clash} {
				got, gotErr := visitors.Call(short, h, target, hd)
				want, wantErr := visitors.Call(whole, h, target, hd)
				if !canvas.SameJSON(got, want) || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
					t.Fatalf("%s: %v, %v; with AllParams %v, %v", h, got, gotErr, want, wantErr)
				}
				if short.LastSteps() != whole.LastSteps() {
					t.Fatalf("%s: %d steps, %d with AllParams", h, short.LastSteps(), whole.LastSteps())
				}
			}
		}
	}
}

// TestHeadersKeptWhenTheHookIsCalledByName checks that a hook that never
// names its headers but that another hook calls keeps its **headers, and
// receives them.
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
	if u := v.unread[visitors.OnSignature]; u.dropped || !u.headers {
		t.Fatalf("on_signature: %+v, want its headers unread but kept", u)
	}
	sig, err := canvas.Load([]byte(`{"task": "a", "args": [], "kwargs": {}, "options": {}, "subtask_type": null, "immutable": false}`))
	if err != nil {
		t.Fatal(err)
	}
	target := visitors.Target{Value: sig, Path: visitors.Root()}
	got, err := v.OnCallback(target, canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("origin"), Val: "cli"}}))
	if err != nil {
		t.Fatal(err)
	}
	if want := (canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("s"), Val: toCanvas(t, "1")}})); !canvas.SameJSON(got, want) {
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
