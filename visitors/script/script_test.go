package script_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/stamping"
	"github.com/stampede-dev/stampede/visitors"
	"github.com/stampede-dev/stampede/visitors/script"
)

// workflow is ../testdata/workflow.json (see visitors' tests): a chain t-0
// of a leaf t-1 with a callback and an errback, a chord t-4 whose header
// holds a group t-6 and whose body t-9 has an errback, and a chain t-11
// with a group callback.
func workflow(t testing.TB) *canvas.Dict {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "workflow.json"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := canvas.Load(data)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func compile(t *testing.T, name, src string) *script.Visitor {
	t.Helper()
	v, err := script.Compile(name, []byte(src))
	if err != nil {
		t.Fatalf("compile %s: %v", name, err)
	}
	return v
}

// stampedOptions stamps the workflow and returns the options of the leaf
// with task_id id.
func stampedOptions(t *testing.T, v visitors.Visitor, id string) *canvas.Dict {
	t.Helper()
	c := workflow(t)
	if _, err := stamping.Stamp(c, stamping.Options{Visitor: v}); err != nil {
		t.Fatal(script.Explain(err))
	}
	var found *canvas.Dict
	var walk func(canvas.Value)
	walk = func(x canvas.Value) {
		switch y := x.(type) {
		case *canvas.Dict:
			if o, ok := y.Lookup("options").(*canvas.Dict); ok && o.Lookup("task_id") == id {
				found = o
			}
			for _, p := range y.Pairs() {
				walk(p.Val)
			}
		case *canvas.List:
			for _, it := range y.Items() {
				walk(it)
			}
		}
	}
	walk(c)
	if found == nil {
		t.Fatalf("no node %s", id)
	}
	return found
}

func TestSigShowsWhereANodeIsAndWhatItHolds(t *testing.T) {
	v := compile(t, "where.star", `
def on_signature(sig, **headers):
    o = sig.owner
    return {"at": "%s|%s|%s|%d|%s|%s" % (sig.id, sig.kind, sig.path, sig.depth, sig.name, o.id if o else None)}

def on_chord_header_start(sig, **headers):
    return {"chord": "%s %d header=%s body=%s body.path=%s" % (
        sig.kind, len(sig.tasks), ",".join([s.kind + ":" + str(s.id) + "@" + s.path for s in sig.header]),
        sig.body.id, sig.body.path)}

def on_chain_start(sig, **headers):
    if sig.id != "t-11":
        return {}
    return {"chain": "%s links=%s first=%s/%s errbacks=%d" % (
        [t.id for t in sig.tasks], [l.kind + "@" + l.path for l in sig.links],
        sig.tasks[0].id, sig.tasks[0].owner.id, len(sig.errbacks))}
`)
	cases := []struct{ id, key, want string }{
		{"t-1", "at", "t-1|signature|$.tasks[0]|1|proj.add|t-0"},
		{"t-2", "at", "t-2|signature|$.tasks[0].link[0]|2|proj.log|t-1"},
		{"t-10", "at", "t-10|signature|$.tasks[1].body.link_error[0]|3|proj.err|t-9"},
		{"t-7", "at", "t-7|signature|$.tasks[1].header[1].tasks[0]|3|proj.echo|t-6"},
		{"t-5", "chord", "chord 2 header=signature:t-5@$.tasks[1].header[0],group:t-6@$.tasks[1].header[1] body=t-9 body.path=$.tasks[1].body"},
		{"t-12", "chain", `["t-12", "t-13"] links=["group@$.tasks[2].link[0]"] first=t-12/t-11 errbacks=0`},
	}
	for _, c := range cases {
		t.Run(c.id+" "+c.key, func(t *testing.T) {
			got := stampedOptions(t, v, c.id).Lookup(c.key)
			if got != c.want {
				t.Errorf("%s = %#v\nwant %q", c.key, got, c.want)
			}
		})
	}
}

func TestSigKeepsTheSixContractAttributes(t *testing.T) {
	v := compile(t, "six.star", `
def on_signature(sig, **headers):
    return {"six": [sig.task, len(sig.args), sorted(sig.kwargs.keys()), sig.options["task_id"], sig.subtask_type, sig.immutable],
            "item": sig["task"], "in": "options" in sig}
`)
	got := stampedOptions(t, v, "t-1")
	if s := canvas.MustEncode(got.Lookup("six")); s != `["proj.add", 2, [], "t-1", null, false]` {
		t.Errorf("six attributes = %s", s)
	}
	if got.Lookup("item") != "proj.add" || got.Lookup("in") != true {
		t.Errorf(`sig["task"] = %v, "options" in sig = %v`, got.Lookup("item"), got.Lookup("in"))
	}
}

// TestOwnersLeadToTheRoot walks sig.owner up from every signature: each
// step is the enclosing node, up to the root, for nodes in a group inside
// a chord's header and in a group that is a chain's callback.
func TestOwnersLeadToTheRoot(t *testing.T) {
	v := compile(t, "up.star", `
def on_signature(sig, **headers):
    ids = []
    o = sig.owner
    for _ in range(20):
        if o == None:
            break
        ids.append("%s:%s" % (o.kind, o.id))
        o = o.owner
    return {"up": " ".join(ids)}
`)
	for id, want := range map[string]string{
		"t-1":  "chain:t-0",
		"t-2":  "signature:t-1 chain:t-0",
		"t-7":  "group:t-6 chord:t-4 chain:t-0",
		"t-10": "signature:t-9 chord:t-4 chain:t-0",
		"t-15": "group:t-14 chain:t-11 chain:t-0",
	} {
		if got := stampedOptions(t, v, id).Lookup("up"); got != want {
			t.Errorf("%s: owners %v, want %q", id, got, want)
		}
	}
}

// TestSigReadsAsTheDictASignatureIs checks the dict methods and the
// parent_id and root_id properties a Celery Signature has; under Celery
// 5.6.2 the same hook stamped t-1 with the same values.
func TestSigReadsAsTheDictASignatureIs(t *testing.T) {
	v := compile(t, "dict.star", `
def on_signature(sig, **headers):
    return {"d": [sig.get("immutable"), sig.get("nope", 5), sig.get("args"), sig.parent_id, sig.root_id,
                  sorted(sig.keys()), [k for k, v in sig.items() if v == None], len(sig.values())]}
`)
	got := canvas.MustEncode(stampedOptions(t, v, "t-1").Lookup("d"))
	want := `[false, 5, [1, 2], null, null, ["args", "immutable", "kwargs", "options", "subtask_type", "task"], ["subtask_type"], 6]`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestJSONModuleAndLoadAllowList(t *testing.T) {
	v := compile(t, "json.star", `
load("json.star", j = "json")
load("math.star", "math")

def on_signature(sig, **headers):
    return {"enc": json.encode(sig.options), "back": j.decode('{"a": [1, 2.5]}'), "sig": json.encode(sig)[:16], "floor": math.floor(2.7)}
`)
	got := stampedOptions(t, v, "t-5")
	if s := got.Lookup("enc"); s != `{"task_id":"t-5"}` {
		t.Errorf("json.encode(sig.options) = %v", s)
	}
	if s := canvas.MustEncode(got.Lookup("back")); s != `{"a": [1, 2.5]}` {
		t.Errorf("json.decode = %s", s)
	}
	if s := got.Lookup("sig"); s != `{"task":"proj.mu` {
		t.Errorf("json.encode(sig) starts %v", s)
	}
	if got.Lookup("floor") != canvas.Int("2") {
		t.Errorf("math.floor = %v", got.Lookup("floor"))
	}
}

func TestPrintGoesToTheCallbackWithHookAndNode(t *testing.T) {
	v := compile(t, "print.star", `
print("loading")

def on_signature(sig, **headers):
    if sig.id == "t-3":
        print("errback", sig.task)
`)
	var got []script.Output
	v.Printed = func(o script.Output) { got = append(got, o) }
	stampedOptions(t, v, "t-3")
	want := []script.Output{
		{Hook: "top level", Msg: "loading"},
		{Hook: "on_signature", Path: "$.tasks[0].link_error[0]", Msg: "errback proj.err"},
	}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("printed %+v\nwant %+v", got, want)
	}
	var plain []string
	v.Printed = nil
	v.Print = func(msg string) { plain = append(plain, msg) }
	stampedOptions(t, v, "t-3")
	if strings.Join(plain, "|") != "loading|errback proj.err" {
		t.Errorf("Print got %q", plain)
	}
}

func TestStepsAreCountedAndBudgeted(t *testing.T) {
	v := compile(t, "loop.star", `
def on_signature(sig, **headers):
    n = 0
    for i in range(state.get("loops", 10)):
        n += i
    return {"n": n}

def on_chain_start(sig, **headers):
    state["loops"] = 200000
`)
	var sc visitors.StepCounter = v
	c := workflow(t)
	v.Budget = 100000
	_, err := stamping.Stamp(c, stamping.Options{Visitor: v})
	if err == nil {
		t.Fatal("a 200000-step loop ran within a 100000-step budget")
	}
	want := "on_signature on $.tasks[0].link[0] (t-2): loop.star:5:11: on_signature used up its budget of 100000 steps (an endless loop?)"
	if err.Error() != want {
		t.Errorf("error:\n%s\nwant\n%s", err, want)
	}
	if sc.LastSteps() < 100000 || sc.StepBudget() != 100000 {
		t.Errorf("LastSteps() = %d, StepBudget() = %d after the budget ran out", sc.LastSteps(), sc.StepBudget())
	}
	small := compile(t, "small.star", `
def on_signature(sig, **headers):
    return {"x": 1}
`)
	stampedOptions(t, small, "t-1")
	if n := small.LastSteps(); n != 0 {
		t.Errorf("the last hook of the run (on_chain_end) is not defined, but LastSteps() = %d", n)
	}
	leaf, err := canvas.Load([]byte(`{"task": "proj.add", "args": [], "kwargs": {}, "options": {}, "subtask_type": null, "immutable": false}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stamping.Stamp(leaf, stamping.Options{Visitor: small}); err != nil {
		t.Fatal(err)
	}
	one := small.LastSteps()
	if one == 0 || one > 50 {
		t.Errorf("a one-line hook took %d steps", one)
	}
	stampedOptions(t, small, "t-1")
	if small.TotalSteps() < 12*one {
		t.Errorf("TotalSteps() = %d for 12 calls of a %d-step hook", small.TotalSteps(), one)
	}
}

func TestCancelStopsARunningHook(t *testing.T) {
	v := compile(t, "slow.star", `
def on_signature(sig, **headers):
    for i in range(1000000000):
        pass
`)
	v.Budget = 1 << 40
	ctx, cancel := context.WithCancel(context.Background())
	v.Context = ctx
	time.AfterFunc(20*time.Millisecond, cancel)
	start := time.Now()
	_, err := stamping.Stamp(workflow(t), stamping.Options{Visitor: v})
	if err == nil || !strings.Contains(err.Error(), "on_signature cancelled: context canceled") {
		t.Fatalf("error = %v, want a cancellation", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("cancel took %v", d)
	}
	_, err = stamping.Stamp(workflow(t), stamping.Options{Visitor: v})
	if err == nil || !strings.Contains(err.Error(), "not run: context canceled") {
		t.Errorf("with a done context: %v", err)
	}
}

func TestErrorsNameFileLineAndColumn(t *testing.T) {
	cases := []struct {
		name, file, src, want string
	}{
		{"syntax error", "syntax.star", "def on_signature(sig, **headers)\n    return {}\n",
			"syntax.star:2:1: got newline, want ':'"},
		{"undefined name", "undef.star", "def on_signature(sig, **headers):\n    return {\"a\": foo}\n",
			"undef.star:2:18: undefined: foo"},
		{"several undefined names", "undef2.star", "def on_signature(sig, **headers):\n    return {\"a\": foo, \"b\": bar}\n",
			"undef2.star:2:18: undefined: foo (and 1 more error)"},
		{"while loop", "while.star", "def on_signature(sig, **headers):\n    while True:\n        pass\n",
			"while.star:2:5: this Starlark dialect does not support while loops"},
		{"load outside the allow-list", "load.star", "load(\"os.star\", \"os\")\n",
			`load.star:1:6: load("os.star") is not allowed: a visitor may load only "json.star", "math.star"`},
		{"hook without **headers", "shape.star", "def on_signature(sig):\n    return {}\n",
			"shape.star:1:1: hook on_signature must be declared as def on_signature(sig, **headers)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := script.Compile(c.file, []byte(c.src))
			if err == nil || err.Error() != c.want {
				t.Fatalf("error = %v\nwant    %s", err, c.want)
			}
			var se *script.Error
			if !errors.As(err, &se) || se.Hook != "" {
				t.Errorf("not a compile-time script.Error: %#v", err)
			}
		})
	}
}

func TestRuntimeErrorsCarryBacktraceHookAndNode(t *testing.T) {
	v := compile(t, "rt.star", `def _half(n):
    return 1 // n

def on_signature(sig, **headers):
    if sig.id == "t-5":
        return {"a": _half(0)}
`)
	_, err := stamping.Stamp(workflow(t), stamping.Options{Visitor: v})
	if err == nil {
		t.Fatal("no error")
	}
	if want := "on_signature on $.tasks[1].header[0] (t-5): rt.star:2:14: floored division by zero"; err.Error() != want {
		t.Errorf("error:\n%s\nwant\n%s", err, want)
	}
	var se *script.Error
	if !errors.As(err, &se) {
		t.Fatalf("not a script.Error: %v", err)
	}
	if se.Hook != "on_signature" || se.Node != "$.tasks[1].header[0] (t-5) proj.mul" {
		t.Errorf("Hook %q, Node %q", se.Hook, se.Node)
	}
	wantDetail := `rt.star:2:14: floored division by zero
  in on_signature, visiting $.tasks[1].header[0] (t-5) proj.mul
Traceback (most recent call last):
  rt.star:6:27: in on_signature
  rt.star:2:14: in _half
Error: floored division by zero
`
	if d := se.Detail(); d != wantDetail {
		t.Errorf("Detail():\n%s\nwant\n%s", d, wantDetail)
	}
	if e := script.Explain(err); !strings.HasPrefix(e, err.Error()+"\nTraceback") {
		t.Errorf("Explain:\n%s", e)
	}
	rec := compile(t, "rec.star", "def _f(n):\n    return _f(n)\n\ndef on_signature(sig, **headers):\n    return {\"a\": _f(1)}\n")
	if _, err := stamping.Stamp(workflow(t), stamping.Options{Visitor: rec}); err == nil || !strings.HasSuffix(err.Error(), "rec.star:2:12: function _f called recursively") {
		t.Errorf("recursion: %v", err)
	}
}

func TestAHookReturningANonDictFailsAsCeleryDoes(t *testing.T) {
	cases := []struct{ ret, want string }{
		{`"oops"`, "AttributeError: 'str' object has no attribute 'keys'"},
		{`["not", "a", "dict"]`, "AttributeError: 'list' object has no attribute 'keys'"},
		{`7`, "TypeError: argument of type 'int' is not iterable"},
	}
	for _, c := range cases {
		t.Run(c.ret, func(t *testing.T) {
			v := compile(t, "bad.star", "def on_signature(sig, **headers):\n    return "+c.ret+"\n")
			_, err := stamping.Stamp(workflow(t), stamping.Options{Visitor: v})
			if err == nil || !strings.Contains(err.Error(), "on_signature on $.tasks[0].link[0] (t-2): "+c.want) {
				t.Errorf("error = %v\nwant it to say %s", err, c.want)
			}
		})
	}
	v := compile(t, "set.star", "def on_signature(sig, **headers):\n    return {\"a\": set([1])}\n")
	_, err := stamping.Stamp(workflow(t), stamping.Options{Visitor: v})
	want := "on_signature on $.tasks[0].link[0] (t-2): set.star:1:1: on_signature returned a value that is not JSON: a set cannot be a stamp (stamps are None, bools, numbers, strings, lists and dicts)"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant    %s", err, want)
	}
}

func TestStateIsFreshForEveryRun(t *testing.T) {
	v := compile(t, "count.star", `
def on_signature(sig, **headers):
    state["n"] = state.get("n", 0) + 1
    return {"n": state["n"]}
`)
	for run := 0; run < 2; run++ {
		if got := stampedOptions(t, v, "t-1").Lookup("n"); got != canvas.Int("3") {
			t.Errorf("run %d: t-1 is the 3rd signature stamped, got n = %v", run, got)
		}
	}
}

func TestResolveFindsBuiltinsAndScripts(t *testing.T) {
	if v, err := script.Resolve("depth", ""); err != nil || v.Name() != "depth" {
		t.Errorf("Resolve(depth) = %v, %v", v, err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "mine.star"), []byte("def on_signature(sig, **headers):\n    return {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if v, err := script.Resolve("mine.star", dir); err != nil || v.Name() != "mine" {
		t.Errorf("Resolve(mine.star) = %v, %v", v, err)
	}
	_, err := script.Resolve("nope", dir)
	if err == nil || !strings.HasPrefix(err.Error(), `unknown visitor "nope": not a built-in (audit, depth,`) {
		t.Errorf("Resolve(nope): %v", err)
	}
}

// TestHooksCannotChangeTheirHeaders checks what makes a script visitor a
// visitors.HeadersReader: a hook that changes every part of its headers
// changes nothing in the dict stamping gave it, and an untraced stamp
// (which gives it that dict itself) ends as a traced one.
func TestHooksCannotChangeTheirHeaders(t *testing.T) {
	src := `def on_signature(sig, **headers):
    headers["new"] = 1
    headers.get("stamped_headers", []).append("new")
    headers.get("nested", {})["k"] = 2
    headers.pop("origin", None)
    return {"seen": len(headers)}
`
	v := compile(t, "mutate.star", src)
	if _, ok := visitors.Visitor(v).(visitors.HeadersReader); !ok {
		t.Fatal("a script visitor is not a visitors.HeadersReader")
	}
	headers, err := canvas.Decode([]byte(`{"origin": "cli", "nested": {"k": 1}, "stamped_headers": ["origin", "nested"]}`))
	if err != nil {
		t.Fatal(err)
	}
	before, _ := canvas.Encode(headers, -1)
	leaf := workflow(t).Lookup("kwargs").(*canvas.Dict).Lookup("tasks").(*canvas.List).Items()[0]
	if _, err := v.OnSignature(visitors.Target{Value: leaf, Path: visitors.Root().Index("tasks", 0)}, headers.(*canvas.Dict)); err != nil {
		t.Fatal(err)
	}
	if after, _ := canvas.Encode(headers, -1); string(after) != string(before) {
		t.Fatalf("the hook changed its headers:\n%s\nto\n%s", before, after)
	}

	stamped := func(untraced bool) string {
		c := workflow(t)
		opts := stamping.Options{Visitor: v, Untraced: untraced, Headers: headers.(*canvas.Dict)}
		if _, err := stamping.Stamp(c, opts); err != nil {
			t.Fatal(err)
		}
		out, _ := canvas.Encode(c, -1)
		return string(out)
	}
	if traced, untraced := stamped(false), stamped(true); traced != untraced {
		t.Fatalf("untraced:\n%s\ntraced:\n%s", untraced, traced)
	}
}

// TestResultsAreMadeAnew checks the script visitor's promise as a
// visitors.ResultMaker: a hook that returns views of its node, of the node
// itself, of its options, links and headers gets back new values, none of
// them a dict or list of the canvas or of the headers.
func TestResultsAreMadeAnew(t *testing.T) {
	src := `def on_signature(sig, **headers):
    return {"me": sig, "opts": sig.options, "links": sig.options.get("link"),
            "args": sig.args, "kw": sig.kwargs, "sh": headers["stamped_headers"], "nested": headers["nested"]}
`
	v := compile(t, "views.star", src)
	if _, ok := visitors.Visitor(v).(visitors.ResultMaker); !ok {
		t.Fatal("a script visitor is not a visitors.ResultMaker")
	}
	leaf, err := canvas.Load([]byte(`{"task": "proj.a", "args": [[1]], "kwargs": {"k": [2]}, "options": {"task_id": "t-1",
		"link": [{"task": "proj.cb", "args": [], "kwargs": {}, "options": {}, "subtask_type": null, "immutable": false}]},
		"subtask_type": null, "immutable": false}`))
	if err != nil {
		t.Fatal(err)
	}
	headers, err := canvas.Decode([]byte(`{"nested": {"k": [1]}, "stamped_headers": ["nested"]}`))
	if err != nil {
		t.Fatal(err)
	}
	ret, err := v.OnSignature(visitors.Target{Value: leaf, Path: visitors.Root()}, headers.(*canvas.Dict))
	if err != nil {
		t.Fatal(err)
	}
	if n := ret.(*canvas.Dict).Len(); n != 7 {
		t.Fatalf("the hook returned %d keys, want 7: %s", n, canvas.MustEncode(ret))
	}
	mine := map[canvas.Value]bool{}
	var index func(canvas.Value)
	index = func(x canvas.Value) {
		switch c := x.(type) {
		case *canvas.Dict:
			mine[c] = true
			for _, p := range c.Pairs() {
				index(p.Val)
			}
		case *canvas.List:
			mine[c] = true
			for _, it := range c.Items() {
				index(it)
			}
		}
	}
	index(leaf)
	index(headers)
	var check func(canvas.Value, string)
	check = func(x canvas.Value, at string) {
		if mine[x] {
			t.Errorf("%s is a dict or list of the canvas or the headers", at)
		}
		switch c := x.(type) {
		case *canvas.Dict:
			for _, p := range c.Pairs() {
				check(p.Val, at+"."+p.Key.String())
			}
		case *canvas.List:
			for i, it := range c.Items() {
				check(it, fmt.Sprintf("%s[%d]", at, i))
			}
		}
	}
	check(ret, "result")
}
