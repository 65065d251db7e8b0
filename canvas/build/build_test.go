package build_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/canvas/build"
	"github.com/stampede-dev/stampede/replay/conformance"
	"github.com/stampede-dev/stampede/stamping"
	"github.com/stampede-dev/stampede/visitors/script"
)

func run(t *testing.T, src string) *canvas.Dict {
	t.Helper()
	c, err := build.Run("t.star", []byte(src), &build.Options{Dir: filepath.Join(corpus, "visitors"), Print: func(string) {}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func runErr(t *testing.T, src string) *build.Error {
	t.Helper()
	_, err := build.Run("t.star", []byte(src), &build.Options{Print: func(string) {}})
	if err == nil {
		t.Fatalf("no error from:\n%s", src)
	}
	var e *build.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is a %T, not a *build.Error", err, err)
	}
	return e
}

func TestErrorsNameTheScriptLine(t *testing.T) {
	for _, tc := range []struct {
		src  string
		line int
		msg  string
	}{
		{"add = task('proj.add')\ncanvas = chain(add.s(1) add.s(2))\n", 2, "got identifier, want ','"},
		{"canvas = chain(add.s(1))\n", 1, "undefined: add"},
		{"add = task('proj.add')\n\ncanvas = chain(add.s(1), 5)\n", 3, "chain: TypeError: unsupported operand type(s) for |"},
		{"add = task('proj.add')\ndef f():\n    return add.s().link_error(None).clone()\ncanvas = f()\n", 3, "NoneType has no .clone"},
		{"add = task('proj.add')\ncanvas = add.s(1).set(self=2)\n", 2, "set: TypeError: set() got multiple values for argument 'self'"},
		{"add = task('proj.add')\ncanvas = add.s(1).set(q=2, **{'q': 3})\n", 2, "multiple values for keyword argument 'q'"},
		{"add = task('proj.add')\nx = add.s()\nx.link(add.s())\nx.link_error(None)\ncanvas = group([x]).link(None)\n", 5, "link: AttributeError: 'NoneType' object has no attribute 'clone'"},
		{"import os\ncanvas = 1\n", 1, "cannot import modules"},
		{"add = task('proj.add')\nx = add.s()\n", 0, "does not set `canvas`"},
		{"canvas = [1]\n", 0, "must be a signature"},
		{"add = task('proj.add')\nl = [add.s(1)]\ng = group(l)\nl.append(add.s(2))\ncanvas = g\n", 4, "frozen"},
		{"add = task('proj.add')\ncanvas = chord()\n", 2, "missing 1 required positional argument: 'header'"},
		{"canvas = signature({'subtask_type': 'chain', 'options': {}, 'kwargs': {}})\n", 1, "KeyError"},
	} {
		e := runErr(t, tc.src)
		if e.Line != tc.line || !strings.Contains(e.Error(), tc.msg) {
			t.Errorf("script:\n%s\nerror %q at line %d, want line %d and %q", tc.src, e.Error(), e.Line, tc.line, tc.msg)
		}
		if tc.line > 0 && !strings.HasPrefix(e.Error(), "t.star:") {
			t.Errorf("error %q does not start with the file name", e.Error())
		}
	}
}

func TestOneObjectStaysOneObject(t *testing.T) {
	c := run(t, `
add = task("proj.add")
a = add.s(1)
members = [a, add.s(2)]
g1 = group(members)
g2 = group(members)
canvas = group([g1, g2, a])
`)
	tasks, _ := canvas.Tasks(c)
	items := tasks.(*canvas.List).Items()
	t1, _ := canvas.Tasks(items[0].(*canvas.Dict))
	t2, _ := canvas.Tasks(items[1].(*canvas.Dict))
	if t1 != t2 {
		t.Error("two groups made from one list do not share it, as in Python")
	}
	if t1.(*canvas.List).Items()[0] != items[2] {
		t.Error("a signature used twice is two objects")
	}
}

func TestViewsChangeTheCanvas(t *testing.T) {
	c := run(t, `
add = task("proj.add")
c = chord([add.s(1), add.s(2)], add.s(3))
c.tasks[1].set(queue="q")
c.tasks.append(add.s(4))
c.options["priority"] = 5
c.body.kwargs.update(z=1)
c.body = c.body | add.s(5)
n = len(c.tasks)
canvas = c.set(count=n, first=c.tasks[0].args[0], body_task=c.body.task)
`)
	want := `{"task": "celery.chord", "args": [], "kwargs": {"kwargs": {}, "header": [` +
		`{"task": "proj.add", "args": [1], "kwargs": {}, "options": {}, "subtask_type": null, "immutable": false}, ` +
		`{"task": "proj.add", "args": [2], "kwargs": {}, "options": {"queue": "q"}, "subtask_type": null, "immutable": false}, ` +
		`{"task": "proj.add", "args": [4], "kwargs": {}, "options": {}, "subtask_type": null, "immutable": false}], ` +
		`"body": {"task": "celery.chain", "args": [], "kwargs": {"tasks": [` +
		`{"task": "proj.add", "args": [3], "kwargs": {"z": 1}, "options": {}, "subtask_type": null, "immutable": false}, ` +
		`{"task": "proj.add", "args": [5], "kwargs": {}, "options": {}, "subtask_type": null, "immutable": false}]}, ` +
		`"options": {}, "subtask_type": "chain", "immutable": false}}, ` +
		`"options": {"priority": 5, "count": 3, "first": 1, "body_task": "celery.chain"}, "subtask_type": "chord", "immutable": false}`
	if got := canvas.MustEncode(c); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestStampInAScript(t *testing.T) {
	src := `
add = task("proj.add")
canvas = chain(add.s(1), group([add.s(2), add.s(3)]), add.s(4).on_error(add.s(9)))
r = canvas.stamp(visitor("mark.star"), append_stamps=True, origin="script")
leaf = add.s(7)
canvas.set(chain_returned=r, leaf_returned=leaf.stamp() == leaf)
`
	got := run(t, src)
	// The same canvas stamped by the stamping package directly.
	want := run(t, `
add = task("proj.add")
canvas = chain(add.s(1), group([add.s(2), add.s(3)]), add.s(4).on_error(add.s(9)))
`)
	v, err := script.Resolve("mark.star", filepath.Join(corpus, "visitors"))
	if err != nil {
		t.Fatal(err)
	}
	headers := canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("origin"), Val: "script"}})
	if _, err := stamping.Stamp(want, stamping.Options{Visitor: v, Append: true, Headers: headers}); err != nil {
		t.Fatal(err)
	}
	opts, _ := canvas.Options(want)
	opts.Set("chain_returned", nil)
	opts.Set("leaf_returned", true)
	if canvas.MustEncode(got) != canvas.MustEncode(want) {
		t.Errorf("stamped in the script:\n%s\nstamped directly:\n%s", canvas.MustEncode(got), canvas.MustEncode(want))
	}
	if !strings.Contains(canvas.MustEncode(got), `"s": "s1@`) {
		t.Errorf("the visitor did not stamp: %s", canvas.MustEncode(got))
	}
}

func TestImportsBindTasksByTheirDefaultName(t *testing.T) {
	c := run(t, `from celery import chain, group  # built in
from proj.tasks import (
    add,
    mul as multiply,  # an alias
)
import json
from other import \
    xsum
s = """
from not.a import statement
"""
canvas = chain(add.s(1), multiply.s(2), xsum.s()).set(doc=s, n=json.dumps([1]))
`)
	var names []string
	tasks, _ := canvas.Tasks(c)
	for _, t := range tasks.(*canvas.List).Items() {
		names = append(names, t.(*canvas.Dict).Lookup("task").(string))
	}
	if got := strings.Join(names, " "); got != "proj.tasks.add proj.tasks.mul other.xsum" {
		t.Errorf("tasks %s", got)
	}
	if doc := c.Lookup("options").(*canvas.Dict).Lookup("doc"); doc != "\nfrom not.a import statement\n" {
		t.Errorf("a string holding an import line changed: %q", doc)
	}
	if e := runErr(t, "\n\nfrom proj import *\ncanvas = 1\n"); e.Line != 3 {
		t.Errorf("star import: %v", e)
	}
}

func TestTaskObjects(t *testing.T) {
	c := run(t, `
add = task("proj.add")
same = add == task("proj.add")
canvas = add.s(add.name, same, type(add), str(add)).set(t=type(add.s()), g=type(group([])))
`)
	want := `{"task": "proj.add", "args": ["proj.add", true, "task", "<@task: proj.add>"], "kwargs": {}, ` +
		`"options": {"t": "Signature", "g": "group"}, "subtask_type": null, "immutable": false}`
	if got := canvas.MustEncode(c); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if e := runErr(t, "add = task('proj.add')\ncanvas = add.s(add)\n"); !strings.Contains(e.Msg, "a task is not a canvas value") {
		t.Errorf("task as a value: %v", e)
	}
}

func TestJSONModule(t *testing.T) {
	c := run(t, `
add = task("proj.add")
c = chain(add.s(1.5, 100000000000000000000), add.s(float("inf")))
text = json.dumps(c)
back = json.loads(text)
canvas = signature(back).set(text=text, indented=json.dumps({"a": [1]}, indent=2))
`)
	text := c.Lookup("options").(*canvas.Dict).Lookup("text").(string)
	c.Lookup("options").(*canvas.Dict).Delete("text")
	c.Lookup("options").(*canvas.Dict).Delete("indented")
	if text != canvas.MustEncode(c) {
		t.Errorf("json.dumps gave %s\nthe canvas is %s", text, canvas.MustEncode(c))
	}
	if !strings.Contains(text, "[1.5, 100000000000000000000]") || !strings.Contains(text, "Infinity") {
		t.Errorf("numbers: %s", text)
	}
}

// TestJSONDumpsTakesPythonsOptions checks json.dumps of a signature with
// the text Celery 5.6.2 and Python 3 gave for the same calls.
func TestJSONDumpsTakesPythonsOptions(t *testing.T) {
	c := run(t, `
add = task("proj.add")
s = add.s("\u00e9", 1).set(queue="q")
canvas = add.s(json.dumps(s, sort_keys=True), json.dumps(s, ensure_ascii=False, separators=(",", ":")))
`)
	args := c.Lookup("args").(*canvas.List).Items()
	want := []string{
		`{"args": ["\u00e9", 1], "immutable": false, "kwargs": {}, "options": {"queue": "q"}, "subtask_type": null, "task": "proj.add"}`,
		`{"task":"proj.add","args":["é",1],"kwargs":{},"options":{"queue":"q"},"subtask_type":null,"immutable":false}`,
	}
	for i, w := range want {
		if args[i] != w {
			t.Errorf("json.dumps call %d:\n got %s\nwant %s", i+1, args[i], w)
		}
	}
	if e := runErr(t, "canvas = signature(json.dumps([1], indent=2, sorted=True))\n"); !strings.Contains(e.Msg, "unexpected keyword argument 'sorted'") {
		t.Errorf("an unknown keyword: %v", e)
	}
}

func TestBudgetAndCancel(t *testing.T) {
	_, err := build.Run("loop.star", []byte("x = 0\nwhile True:\n    x += 1\n"), &build.Options{MaxSteps: 10000})
	var e *build.Error
	if !errors.As(err, &e) || !strings.Contains(e.Msg, "stopped after 10000 steps") {
		t.Errorf("budget: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := build.Run("c.star", []byte("canvas = 1\n"), &build.Options{Context: ctx}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
}

func TestLoadFileDispatchesOnExtension(t *testing.T) {
	dir := t.TempDir()
	star := filepath.Join(dir, "c.star")
	js := filepath.Join(dir, "c.json")
	if err := os.WriteFile(star, []byte("canvas = task('proj.add').s(1)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(js, []byte(`{"task": "proj.add", "args": [1], "kwargs": {}, "options": {}, "subtask_type": null, "immutable": false}`), 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := build.LoadFile(star)
	if err != nil {
		t.Fatal(err)
	}
	b, err := build.LoadFile(js)
	if err != nil {
		t.Fatal(err)
	}
	if canvas.MustEncode(a) != canvas.MustEncode(b) {
		t.Errorf("%s\n%s", canvas.MustEncode(a), canvas.MustEncode(b))
	}
	if err := os.WriteFile(js, []byte(`{"task": 1,`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := build.LoadFile(js); err == nil || !strings.HasPrefix(err.Error(), js+": ") {
		t.Errorf("a bad JSON file: %v", err)
	}
	if err := os.WriteFile(star, []byte("canvas = chain(\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := build.LoadFile(star); err == nil || !strings.HasPrefix(err.Error(), star+":2:") {
		t.Errorf("a bad script: %v", err)
	}
}

// Expected canvases made by Celery 5.6.2: the same scripts, stamped with
// testdata/conformance/visitors/mark.star, then json.dumps'ed (which produces
// the lazy members, and so runs their deferred hooks).
const (
	celeryLazyGroup = `{"task": "celery.group", "args": [], "kwargs": {"tasks": [{"task": "proj.add", "args": [0], "kwargs": {}, "options": {"task_id": "t-0", "origin": "script", "stamped_headers": ["grp", "s", "origin"], "grp": "g1@1", "s": "s1@3"}, "subtask_type": null, "immutable": false}, {"task": "proj.add", "args": [1], "kwargs": {}, "options": {"task_id": "t-1", "origin": "script", "stamped_headers": ["grp", "s", "origin"], "grp": "g1@1", "s": "s2@4"}, "subtask_type": null, "immutable": false}, {"task": "proj.add", "args": [2], "kwargs": {}, "options": {"task_id": "t-2", "origin": "script", "stamped_headers": ["grp", "s", "origin"], "grp": "g1@1", "s": "s3@5"}, "subtask_type": null, "immutable": false}]}, "options": {"task_id": "g"}, "subtask_type": "group", "immutable": false}`
	celeryLazyChord = `{"task": "celery.chord", "args": [], "kwargs": {"kwargs": {}, "header": [{"task": "proj.add", "args": [0], "kwargs": {}, "options": {"task_id": "h-0", "stamped_headers": ["s", "chb", "chh"], "chh": "h1@1", "s": "s2@5"}, "subtask_type": null, "immutable": false}, {"task": "proj.add", "args": [1], "kwargs": {}, "options": {"task_id": "h-1", "stamped_headers": ["s", "chb", "chh"], "chh": "h1@1", "s": "s3@6"}, "subtask_type": null, "immutable": false}], "body": {"task": "proj.add", "args": [9], "kwargs": {}, "options": {"task_id": "b", "stamped_headers": ["s", "chb", "chh"], "chh": "h1@1", "chb": "b1@3", "s": "s1@4"}, "subtask_type": null, "immutable": false}}, "options": {"task_id": "c"}, "subtask_type": "chord", "immutable": false}`
)

// TestGeneratorsMakeLazyGroups checks that a generator expression makes a
// lazy group that stamping does not produce: the members' hooks run when
// the members are produced (here by json.dumps), after on_group_end, with
// the values Celery gives them.
func TestGeneratorsMakeLazyGroups(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{`g = group(add.s(i).set(task_id="t-%d" % i) for i in range(3)).set(task_id="g")
g.stamp(visitor("mark.star"), append_stamps=False, origin="script")`, celeryLazyGroup},
		{`g = chord((add.s(i).set(task_id="h-%d" % i) for i in range(2)), add.s(9).set(task_id="b")).set(task_id="c")
g.stamp(visitor("mark.star"))`, celeryLazyChord},
	} {
		c := run(t, "add = task('proj.add')\n"+tc.src+"\ncanvas = g\n")
		tasks, _ := canvas.Tasks(c)
		z, ok := tasks.(*canvas.Lazy)
		if !ok {
			t.Fatalf("the tasks are a %T, not a lazy sequence", tasks)
		}
		if n := len(z.Consumed()); n != 0 {
			t.Errorf("stamping produced %d members", n)
		}
		want, err := canvas.Decode([]byte(tc.want))
		if err != nil {
			t.Fatal(err)
		}
		if err := conformance.Same(want, canvas.JSONCopy(c), "$"); err != nil {
			t.Error(err)
		}
	}
}

func TestLazyMillionCostsNothingUntilProduced(t *testing.T) {
	c := run(t, `
add = task("proj.add")
canvas = group(add.s(i) for i in range(1000000))
canvas.stamp(visitor("mark.star"))
`)
	tasks, _ := canvas.Tasks(c)
	z := tasks.(*canvas.Lazy)
	if len(z.Consumed()) != 0 || z.Hint != 1000000 {
		t.Fatalf("consumed %d, hint %d", len(z.Consumed()), z.Hint)
	}
	if _, err := z.Consume(2); err != nil {
		t.Fatal(err)
	}
	got := canvas.MustEncode(canvas.NewList(z.Consumed()...))
	if !strings.Contains(got, `"s": "s1@3"`) || !strings.Contains(got, `"s": "s2@4"`) || len(z.Consumed()) != 2 {
		t.Errorf("the two members produced are not stamped in turn: %s", got)
	}
}

func TestGeneratorErrorsNameTheirLine(t *testing.T) {
	c := run(t, "add = task('proj.add')\ncanvas = group(\n    add.s(10 // (i - 1)) for i in range(3))\n")
	_, err := canvas.Encode(c, -1)
	if err == nil || !strings.Contains(err.Error(), "t.star:3:") || !strings.Contains(err.Error(), "division by zero") {
		t.Errorf("error producing a member: %v", err)
	}
}

// A built-in that fails inside Go ends the script with its error, at the
// top level and in a lazy group's member alike, never the program.
func TestAnInterpreterPanicIsTheScriptsError(t *testing.T) {
	want := "boom.star: the script stopped: the interpreter failed (runtime error: makeslice: cap out of range)"
	_, err := build.Run("boom.star", []byte("n = len(list(range(1 << 62)))\ncanvas = task('a').s()\n"), nil)
	if err == nil || err.Error() != want {
		t.Errorf("top level: %v\nwant %s", err, want)
	}
	c, err := build.Run("boom.star", []byte("add = task('a')\ncanvas = group(add.s(len(list(range(1 << 62)))) for i in range(3))\n"), nil)
	if err != nil {
		t.Fatal(err) // members are made when something consumes them
	}
	_, err = canvas.Encode(c, -1)
	var e *build.Error
	if !errors.As(err, &e) || e.Error() != want {
		t.Errorf("lazy member: %v\nwant %s", err, want)
	}
}

// TestPythonDigitSeparators builds a chain from range(1_000), as pasted
// Python has it, and checks that an error later on such a line still
// names the column the script has.
func TestPythonDigitSeparators(t *testing.T) {
	c := run(t, "add = task('proj.add')\ncanvas = chain([add.s(i) for i in range(1_000)])\n")
	tasks, err := canvas.Tasks(c)
	if err != nil {
		t.Fatal(err)
	}
	if n := tasks.(*canvas.List).Len(); n != 1000 {
		t.Errorf("range(1_000) made %d tasks", n)
	}
	e := runErr(t, "canvas = 1_000 + undefined_name\n")
	if e.Line != 1 || e.Col != 18 {
		t.Errorf("error %q at %d:%d, want 1:18, where undefined_name is", e.Error(), e.Line, e.Col)
	}
}
