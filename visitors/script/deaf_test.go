package script

import (
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
	if !v.ignoresHeaders(visitors.OnSignature, mustHook(t, v), ok) {
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
