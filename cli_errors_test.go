package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/visitors"
)

const (
	// leafJSON is a leaf signature as Celery dumps it.
	leafJSON = `{"task": "a", "args": [], "kwargs": {}, "options": {}, "subtask_type": null, "immutable": false}`
	// sentinel is what the output file holds before a run that must fail.
	sentinel = "the old output, which a failed run must leave alone\n"
	// badUTF8Key is an object whose second key is not UTF-8.
	badUTF8Key = "{\"task\": \"a\", \"k\xc3\x28\": 1}"
)

// chainOf, groupOf and chordOf are composite canvases around raw JSON parts.
func chainOf(tasks string) string {
	return `{"task": "celery.chain", "args": [], "kwargs": {"tasks": ` + tasks + `}, "options": {}, "subtask_type": "chain", "immutable": false}`
}

func groupOf(tasks string) string {
	return `{"task": "celery.group", "args": [], "kwargs": {"tasks": ` + tasks + `}, "options": {}, "subtask_type": "group", "immutable": false}`
}

func chordOf(kwargs string) string {
	return `{"task": "celery.chord", "args": [], "kwargs": ` + kwargs + `, "options": {}, "subtask_type": "chord", "immutable": false}`
}

// cliCase is one hostile input and the one line the user must see.
// In args and want, IN is the input file, OUT the output file (which exists
// before the run, holding sentinel), TRACE a trace file (which does not) and
// DIR their folder.
type cliCase struct {
	name  string
	args  []string // the command line after "stampede"
	input string
	want  string
}

// badInputCases are malformed or hostile inputs, each with its exact message.
func badInputCases() []cliCase {
	fmtArgs := []string{"fmt", "-o", "OUT", "IN"}
	visitArgs := []string{"stamp", "-visitor", "monitoring-id", "-o", "OUT", "-trace", "TRACE", "IN"}
	c := func(name string, args []string, input, want string) cliCase {
		return cliCase{name, args, input, "stampede: " + want}
	}
	return []cliCase{
		// Not JSON at all, or not quite JSON.
		c("not JSON", fmtArgs, "hello", "IN: line 1 column 1 (at $): unexpected character 'h': expected a value"),
		c("empty file", fmtArgs, "", "IN: line 1 column 1 (at $): empty document: expected a JSON value"),
		c("only whitespace", fmtArgs, " \n\t\n", "IN: line 3 column 1 (at $): empty document: expected a JSON value"),
		c("truncated object", fmtArgs, `{"task": "a", "args": [1, 2`, "IN: line 1 column 28 (at $.args): unexpected end of input: expected ',' or ']'"),
		c("truncated string", fmtArgs, `{"task": "a`, "IN: line 1 column 10 (at $.task): unterminated string"),
		c("truncated after key", fmtArgs, `{"task"`, `IN: line 1 column 8 (at $): expected ':' after key "task"`),
		c("truncated escape", fmtArgs, `{"task": "a\`, "IN: line 1 column 10 (at $.task): unterminated string"),
		c("trailing garbage", fmtArgs, leafJSON+" x", "IN: line 1 column 98 (at $): extra data after the JSON value"),
		c("two documents", fmtArgs, "{}\n{}", "IN: line 2 column 1 (at $): extra data after the JSON value"),
		c("byte order mark", fmtArgs, "\xef\xbb\xbf"+leafJSON, "IN: line 1 column 1 (at $): unexpected UTF-8 byte order mark; save the file as UTF-8 without BOM"),
		c("invalid UTF-8 in a value", fmtArgs, "{\"task\": \"caf\xe9\"}", "IN: line 1 column 14 (at $): invalid UTF-8"),
		c("invalid UTF-8 in a key", fmtArgs, badUTF8Key, "IN: line 1 column 17 (at $): invalid UTF-8"),
		c("a NUL byte", fmtArgs, "{\"task\": \x00}", `IN: line 1 column 10 (at $.task): unexpected character '\x00': expected a value`),
		c("raw newline in a string", fmtArgs, "{\"task\": \"a\nb\"}", "IN: line 1 column 12 (at $.task): control character in a string"),
		c("invalid escape", fmtArgs, `{"task": "\x41"}`, `IN: line 1 column 11 (at $.task): invalid escape '\x'`),
		c("short unicode escape", fmtArgs, `{"task": "\u12"}`, `IN: line 1 column 13 (at $.task): invalid \u escape`),
		c("single quotes", fmtArgs, `{'task': 'a'}`, "IN: line 1 column 2 (at $): expected a double-quoted key"),
		c("unquoted key", fmtArgs, `{task: "a"}`, "IN: line 1 column 2 (at $): expected a double-quoted key"),
		c("trailing comma in an object", fmtArgs, `{"task": "a",}`, "IN: line 1 column 14 (at $): expected a double-quoted key"),
		c("trailing comma in a list", fmtArgs, `{"task": "a", "args": [1,]}`, "IN: line 1 column 26 (at $.args[1]): unexpected character ']': expected a value"),
		c("a comment", fmtArgs, "// canvas\n"+leafJSON, "IN: line 1 column 1 (at $): unexpected character '/': expected a value"),
		c("missing comma", fmtArgs, `{"task": "a" "args": []}`, "IN: line 1 column 14 (at $): expected ',' or '}' after a value"),
		c("leading zero", fmtArgs, `{"task": "a", "args": [007]}`, "IN: line 1 column 24 (at $.args[0]): invalid number: leading zero"),
		c("no digits after the point", fmtArgs, `{"task": "a", "args": [1.]}`, "IN: line 1 column 24 (at $.args[0]): invalid number: no digits after '.'"),
		c("no exponent digits", fmtArgs, `{"task": "a", "args": [1e+]}`, "IN: line 1 column 24 (at $.args[0]): invalid number: no digits in exponent"),
		c("a lone minus", fmtArgs, `{"task": "a", "args": [-]}`, "IN: line 1 column 24 (at $.args[0]): invalid number"),
		c("a plus sign", fmtArgs, `{"task": "a", "args": [+1]}`, "IN: line 1 column 24 (at $.args[0]): unexpected character '+': expected a value"),
		c("nan in lower case", fmtArgs, `{"task": "a", "args": [nan]}`, "IN: line 1 column 24 (at $.args[0]): unexpected character 'n': expected a value"),
		c("inf", fmtArgs, `{"task": "a", "args": [inf]}`, "IN: line 1 column 24 (at $.args[0]): unexpected character 'i': expected a value"),
		c("-NaN", fmtArgs, `{"task": "a", "args": [-NaN]}`, "IN: line 1 column 24 (at $.args[0]): invalid number"),
		c("+Infinity", fmtArgs, `{"task": "a", "args": [+Infinity]}`, "IN: line 1 column 24 (at $.args[0]): unexpected character '+': expected a value"),
		c("Infinity with a tail", fmtArgs, `{"task": "a", "args": [Infinityx]}`, "IN: line 1 column 32 (at $.args): expected ',' or ']' after a value"),
		c("1e400 with a tail", fmtArgs, `{"task": "a", "args": [1e400x]}`, "IN: line 1 column 29 (at $.args): expected ',' or ']' after a value"),
		c("True in Python's spelling", fmtArgs, `{"task": "a", "immutable": True}`, "IN: line 1 column 28 (at $.immutable): unexpected character 'T': expected a value"),
		c("error on a later line", fmtArgs, "{\n  \"task\": \"a\",\n  \"kwargs\": {\"x\": [1, 2,, 3]}\n}", "IN: line 3 column 25 (at $.kwargs.x[2]): unexpected character ',': expected a value"),
		c("a key with a dot and a line break in the path", fmtArgs, `{"task": "a", "kwargs": {"a.b": {"x\ny": [01]}}}`,
			`IN: line 1 column 43 (at $.kwargs["a.b"]["x\ny"][0]): invalid number: leading zero`),
		c("a very long key in the path", fmtArgs, `{"task": "a", "kwargs": {"`+strings.Repeat("k", 1<<20)+`": [01]}}`,
			"IN: line 1 column 1048607 (at $.kwargs."+strings.Repeat("k", 64)+"…[0]): invalid number: leading zero"),

		// JSON, but not a canvas object.
		c("a list", fmtArgs, "["+leafJSON+"]", "IN: the document is a JSON array, not a canvas object"),
		c("a string", fmtArgs, `"proj.add"`, "IN: the document is a JSON string, not a canvas object"),
		c("a number", fmtArgs, "18446744073709551616", "IN: the document is a JSON number, not a canvas object"),
		c("null", fmtArgs, "null", "IN: the document is a JSON null, not a canvas object"),
		c("true", fmtArgs, "true", "IN: the document is a JSON boolean, not a canvas object"),

		// signature(dict) refuses it: the wrong type at a key of each kind.
		c("unknown subtask_type", fmtArgs, `{"task": "a", "subtask_type": "bogus"}`, "IN: at $: KeyError: 'bogus'"),
		c("subtask_type a number", fmtArgs, `{"task": "a", "subtask_type": 5}`, "IN: at $: KeyError: 5"),
		c("subtask_type a list", fmtArgs, `{"task": "a", "subtask_type": ["chain"]}`, "IN: at $: TypeError: unhashable type: 'list'"),
		c("duplicate subtask_type, the last unknown", fmtArgs, `{"subtask_type": "chain", "kwargs": {"tasks": []}, "options": {}, "subtask_type": "chian"}`, "IN: at $: KeyError: 'chian'"),
		c("chain without kwargs", fmtArgs, `{"task": "celery.chain", "options": {}, "subtask_type": "chain"}`, "IN: at $: KeyError: 'kwargs'"),
		c("chain kwargs a list", fmtArgs, `{"task": "celery.chain", "kwargs": [], "options": {}, "subtask_type": "chain"}`, "IN: at $: TypeError: list indices must be integers or slices, not str"),
		c("chain kwargs a string", fmtArgs, `{"task": "celery.chain", "kwargs": "tasks", "options": {}, "subtask_type": "chain"}`, "IN: at $: TypeError: string indices must be integers, not 'str'"),
		c("chain without kwargs.tasks", fmtArgs, `{"task": "celery.chain", "kwargs": {}, "options": {}, "subtask_type": "chain"}`, "IN: at $: KeyError: 'tasks'"),
		c("chain kwargs.tasks a number", fmtArgs, chainOf("5"), "IN: at $.kwargs.tasks: TypeError: 'int' object is not iterable"),
		c("chain without options", fmtArgs, `{"task": "celery.chain", "kwargs": {"tasks": []}, "subtask_type": "chain"}`, "IN: at $: KeyError: 'options'"),
		c("chain options a list", fmtArgs, `{"task": "celery.chain", "kwargs": {"tasks": []}, "options": [], "subtask_type": "chain"}`, "IN: at $: TypeError: _chain() argument after ** must be a mapping, not list"),
		c("chain task with a bad subtask_type", fmtArgs, chainOf("["+leafJSON+`, {"subtask_type": "nope"}]`), "IN: at $.kwargs.tasks[1]: KeyError: 'nope'"),
		c("group kwargs.tasks a string", fmtArgs, groupOf(`"abc"`), "IN: at $.kwargs.tasks: TypeError: group tasks must be a list, not str"),
		c("group kwargs.tasks an object", fmtArgs, groupOf(leafJSON), "IN: at $.kwargs.tasks: TypeError: group tasks must be a list, not dict"),
		c("group kwargs.tasks null", fmtArgs, groupOf("null"), "IN: at $.kwargs.tasks: TypeError: 'NoneType' object is not iterable"),
		c("group options a list", fmtArgs, `{"task": "celery.group", "kwargs": {"tasks": []}, "options": [], "subtask_type": "group"}`, "IN: at $: TypeError: group() argument after ** must be a mapping, not list"),
		c("group in a group with no options", fmtArgs, groupOf(`[`+leafJSON+`, {"subtask_type": "group", "kwargs": {"tasks": []}}]`), "IN: at $.kwargs.tasks[1]: KeyError: 'options'"),
		c("chord header missing", fmtArgs, chordOf(`{"body": null}`), "IN: at $.kwargs.header: TypeError: 'NoneType' object is not iterable"),
		c("chord header a number", fmtArgs, chordOf(`{"header": 7, "body": null}`), "IN: at $.kwargs.header: TypeError: 'int' object is not iterable"),
		c("chord header task unknown", fmtArgs, chordOf(`{"header": [`+leafJSON+`, {"subtask_type": "nope"}], "body": null}`), "IN: at $.kwargs.header[1]: KeyError: 'nope'"),
		c("chord body unknown", fmtArgs, chordOf(`{"header": [], "body": {"subtask_type": "nope"}}`), "IN: at $.kwargs.body: KeyError: 'nope'"),
		c("chord kwargs a list", fmtArgs, `{"task": "celery.chord", "kwargs": [], "options": {}, "subtask_type": "chord"}`, "IN: at $: TypeError: _unpack_args() argument after ** must be a mapping, not list"),
		c("chord args a number", fmtArgs, `{"task": "celery.chord", "args": 3, "kwargs": {"header": [], "body": null}, "options": {}, "subtask_type": "chord"}`, "IN: at $: TypeError: 'int' object is not iterable"),
		c("chord with a header key of its own", fmtArgs, `{"task": "celery.chord", "kwargs": {"header": [], "body": null}, "options": {}, "subtask_type": "chord", "header": []}`, "IN: at $: TypeError: __init__() got multiple values for argument 'header'"),
		c("xmap it a number", fmtArgs, `{"task": "celery.map", "kwargs": {"task": "a", "it": 5}, "options": {}, "subtask_type": "xmap"}`, "IN: at $: TypeError: 'int' object is not iterable"),
		c("chunks without n", fmtArgs, `{"task": "celery.chunks", "kwargs": {"task": "a", "it": []}, "options": {}, "subtask_type": "chunks"}`, "IN: at $: KeyError: 'n'"),

		// Loaded, but stamping it fails where Celery's fails.
		c("a link's link a number", visitArgs, `{"task": "a", "args": [], "kwargs": {}, "options": {"link": [{"task": "b", "options": {"link": 5}}]}, "subtask_type": null, "immutable": false}`,
			"IN: stamp failed: step 1, after on_callback on $.link[0]: at $.link[0].link[0]: AttributeError: 'int' object has no attribute '_app'"),
		c("a link's options a list", visitArgs, `{"task": "a", "args": [], "kwargs": {}, "options": {"link": [{"task": "b", "options": []}]}, "subtask_type": null, "immutable": false}`,
			"IN: stamp failed: step 1, after on_callback on $.link[0]: AttributeError: 'list' object has no attribute 'get'"),
		c("group task a number", visitArgs, groupOf("[5]"),
			"IN: stamp failed: step 1, after on_group_start on $: AttributeError: 'int' object has no attribute 'app'"),
		c("chord body a list", visitArgs, chordOf(`{"header": [`+leafJSON+`], "body": []}`),
			"IN: stamp failed: step 6, after on_chord_body on $: at $.body: AttributeError: 'list' object has no attribute 'stamp'"),
		c("chain task a number", visitArgs, chainOf("[5]"),
			"IN: stamp failed: step 1, after on_chain_start on $: at $.tasks[0]: AttributeError: 'int' object has no attribute 'stamp'"),
		c("group member's options a list", visitArgs, groupOf(`[{"task": "a", "args": [], "kwargs": {}, "options": [], "subtask_type": null, "immutable": false}]`),
			"IN: stamp failed: step 1, after on_group_start on $: at $.tasks[0]: AttributeError: 'list' object has no attribute 'get'"),
		c("chain member's link a number", visitArgs, chainOf(`[{"task": "a", "args": [], "kwargs": {}, "options": {"link": [5]}, "subtask_type": null, "immutable": false}]`),
			"IN: stamp failed: step 1, after on_chain_start on $: at $.tasks[0].link[0]: AttributeError: 'int' object has no attribute '_app'"),
		c("stamped_headers a number", visitArgs, `{"task": "a", "args": [], "kwargs": {}, "options": {"stamped_headers": 5}, "subtask_type": null, "immutable": false}`,
			"IN: stamp failed: step 1, after on_signature on $: TypeError: 'int' object is not iterable"),
		c("stamped_headers holding a list", visitArgs, `{"task": "a", "args": [], "kwargs": {}, "options": {"stamped_headers": [["x"]]}, "subtask_type": null, "immutable": false}`,
			"IN: stamp failed: step 1, after on_signature on $: TypeError: unhashable type: 'list'"),

		// Bad flags and files.
		c("-headers not JSON", []string{"stamp", "-headers", "{origin: 1}", "-o", "OUT", "IN"}, leafJSON, "-headers: line 1 column 2 (at $): expected a double-quoted key"),
		c("-headers a list", []string{"stamp", "-headers", `["origin"]`, "-o", "OUT", "IN"}, leafJSON, "-headers: must be a JSON object, not list"),
		c("-visitor unknown", []string{"stamp", "-visitor", "nosuch", "-o", "OUT", "IN"}, leafJSON, `-visitor: unknown visitor "nosuch": not a built-in (`+builtinList()+`) and not a .star file`),
		c("-visitor file missing", []string{"stamp", "-visitor", "DIR/none.star", "-o", "OUT", "IN"}, leafJSON, "-visitor: open DIR/none.star: no such file or directory"),
		c("input missing", []string{"fmt", "-o", "OUT", "DIR/missing.json"}, leafJSON, "open DIR/missing.json: no such file or directory"),
		c("input a folder", []string{"fmt", "-o", "OUT", "DIR"}, leafJSON, "read DIR: is a directory"),
		c("-o the input", []string{"stamp", "-trace", "TRACE", "-o", "IN", "IN"}, leafJSON, "-o: IN is the input file; pass -force to overwrite it"),
		c("-trace the input", []string{"stamp", "-trace", "IN", "-o", "OUT", "IN"}, leafJSON, "-trace: IN is the input file; pass -force to overwrite it"),
		c("-o a folder", []string{"stamp", "-trace", "TRACE", "-o", "DIR", "IN"}, leafJSON, "-o: DIR is not a regular file"),
		c("-o in a missing folder", []string{"stamp", "-trace", "TRACE", "-o", "DIR/no/out.json", "IN"}, leafJSON, "-o: open DIR/no/out.json: no such file or directory"),
	}
}

// builtinList is the built-in visitors as the unknown-visitor error lists them.
func builtinList() string { return strings.Join(visitors.BuiltinNames(), ", ") }

// TestBadInputs runs every hostile input through the command line and
// checks that it ends in exactly the expected line on stderr, exit status 1,
// nothing on stdout, the existing output file untouched and no other file
// created (no trace, no temporary file).
func TestBadInputs(t *testing.T) {
	cases := badInputCases()
	if len(cases) < 40 {
		t.Fatalf("only %d cases", len(cases))
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		if seen[tc.name] {
			t.Fatalf("two cases are named %q", tc.name)
		}
		seen[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			in := filepath.Join(dir, "in.json")
			if err := os.WriteFile(in, []byte(tc.input), 0o644); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "out.json")
			if err := os.WriteFile(out, []byte(sentinel), 0o644); err != nil {
				t.Fatal(err)
			}
			expand := strings.NewReplacer("IN", in, "OUT", out, "TRACE", filepath.Join(dir, "trace.jsonl"), "DIR", dir).Replace
			args := make([]string, len(tc.args))
			for i, a := range tc.args {
				args[i] = expand(a)
			}
			before := listDir(t, dir)
			var stdout, stderr bytes.Buffer
			code := run(args, &stdout, &stderr)
			if code != 1 {
				t.Errorf("exit status %d, want 1", code)
			}
			if want := expand(tc.want) + "\n"; stderr.String() != want {
				t.Errorf("stderr:\n got %q\nwant %q", stderr.String(), want)
			}
			if stdout.Len() > 0 {
				t.Errorf("stdout holds %d bytes: %.200q", stdout.Len(), stdout.String())
			}
			if got, err := os.ReadFile(out); err != nil || string(got) != sentinel {
				t.Errorf("the existing output file was changed (err %v): %.200q", err, got)
			}
			if got := listDir(t, dir); got != before {
				t.Errorf("files before the run: %s\nfiles after it:  %s", before, got)
			}
			if got, err := os.ReadFile(in); err != nil || string(got) != tc.input {
				t.Errorf("the input file was changed (err %v)", err)
			}
		})
	}
}

// listDir names the files in dir, hidden ones included, with their sizes.
func listDir(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, fmt.Sprintf("%s(%d)", e.Name(), info.Size()))
	}
	sort.Strings(names)
	return strings.Join(names, " ")
}

// acceptCase is an odd input that Python's json module and
// celery.signature(dict) accept: fmt must accept it too and write want.
type acceptCase struct {
	name, input, want string
}

// TestOddInputsCeleryAccepts pins what fmt writes for inputs that look
// wrong but that json.loads and signature(dict) take: repeated keys keep
// their first place and last value, integers keep every digit, floats out
// of range become infinities, NaN and Infinity pass through, and a leaf
// signature keeps whatever types its keys hold.
func TestOddInputsCeleryAccepts(t *testing.T) {
	for _, tc := range []acceptCase{
		{"duplicate keys", `{"task": "a", "args": [1], "task": "b", "args": [2]}`, `{"task": "b", "args": [2]}`},
		{"duplicate keys in options", `{"task": "a", "options": {"queue": "x", "queue": "y", "q": 1}}`, `{"task": "a", "options": {"queue": "y", "q": 1}}`},
		{"integers beyond 2^64", `{"task": "a", "args": [18446744073709551616, -18446744073709551617, 123456789012345678901234567890123456789]}`,
			`{"task": "a", "args": [18446744073709551616, -18446744073709551617, 123456789012345678901234567890123456789]}`},
		{"floats out of range", `{"task": "a", "args": [1e400, -1e400, 1e-400, 1.7976931348623157e308]}`, `{"task": "a", "args": [Infinity, -Infinity, 0.0, 1.7976931348623157e+308]}`},
		{"NaN and the infinities", `{"task": "a", "args": [NaN, Infinity, -Infinity]}`, `{"task": "a", "args": [NaN, Infinity, -Infinity]}`},
		{"-0 and 1E2", `{"task": "a", "args": [-0, -0.0, 1E2]}`, `{"task": "a", "args": [0, -0.0, 100.0]}`},
		{"escapes, a surrogate pair and a lone surrogate", `{"task": "\u00e9\ud83d\ude00\u0000\/", "args": ["\ud800"]}`, "{\"task\": \"é😀\\u0000/\", \"args\": [\"\\ud800\"]}"},
		{"leaf args an object", `{"task": "a", "args": {"x": 1}}`, `{"task": "a", "args": {"x": 1}}`},
		{"leaf options a list", `{"task": "a", "options": [1]}`, `{"task": "a", "options": [1]}`},
		{"leaf link a number", `{"task": "a", "options": {"link": 5}}`, `{"task": "a", "options": {"link": 5}}`},
		{"chord body a list", `{"task": "celery.chord", "kwargs": {"header": [], "body": []}, "options": {}, "subtask_type": "chord"}`,
			`{"task": "celery.chord", "args": [], "kwargs": {"kwargs": {}, "header": [], "body": []}, "options": {}, "subtask_type": "chord", "immutable": false}`},
		{"chain tasks a string", `{"task": "celery.chain", "kwargs": {"tasks": "ab"}, "options": {}, "subtask_type": "chain"}`,
			`{"task": "celery.chain", "args": [], "kwargs": {"tasks": ["a", "b"]}, "options": {}, "subtask_type": "chain", "immutable": false}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			in := filepath.Join(dir, "in.json")
			out := filepath.Join(dir, "out.json")
			if err := os.WriteFile(in, []byte(tc.input), 0o644); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			if code := run([]string{"fmt", "-o", out, in}, &stdout, &stderr); code != 0 {
				t.Fatalf("exit status %d: %s", code, stderr.String())
			}
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			gv, err := canvas.Decode(got)
			if err != nil {
				t.Fatal(err)
			}
			if g := canvas.MustEncode(gv); g != tc.want {
				t.Errorf("fmt wrote\n %s\nwant\n %s", g, tc.want)
			}
		})
	}
}

// TestStampWritesNothingWhenTheCanvasFailsToEncode stamps canvas scripts
// whose canvas cannot be written: a lazy group whose third member fails
// when it is produced, and args that contain themselves (json.dumps's
// "Circular reference detected", met only while the canvas is streamed to
// its file). With -o (and -trace, and fmt -o) and to stdout, the error is
// the script's (never one about the output file it stopped), the old
// output and the folder are left as they were, and stdout is empty.
func TestStampWritesNothingWhenTheCanvasFailsToEncode(t *testing.T) {
	scripts := []struct{ name, text, want string }{
		{"lazy.star", "add = task('proj.add')\ncanvas = group(\n    add.s(10 // (i - 2)) for i in range(4))\n", "lazy.star:3:"},
		{"cycle.star", "add = task('proj.add')\nl = [1]\nl.append(l)\ncanvas = add.s(l)\n", "cycle.star: ValueError: Circular reference detected"},
	}
	for _, sc := range scripts {
		for _, args := range [][]string{
			{"stamp", "-visitor", "monitoring-id", "-trace", "TRACE", "-o", "OUT", "IN"},
			{"stamp", "-visitor", "monitoring-id", "IN"},
			{"fmt", "-o", "OUT", "IN"},
		} {
			dir := t.TempDir()
			in, out := filepath.Join(dir, sc.name), filepath.Join(dir, "out.json")
			if err := os.WriteFile(in, []byte(sc.text), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(out, []byte(sentinel), 0o644); err != nil {
				t.Fatal(err)
			}
			expand := strings.NewReplacer("IN", in, "OUT", out, "TRACE", filepath.Join(dir, "trace.jsonl")).Replace
			args = append([]string(nil), args...)
			for i := range args {
				args[i] = expand(args[i])
			}
			before := listDir(t, dir)
			var stdout, stderr bytes.Buffer
			if code := run(args, &stdout, &stderr); code != 1 {
				t.Errorf("%v: exit status %d, want 1", args, code)
			}
			if msg := stderr.String(); !strings.Contains(msg, sc.want) ||
				strings.Contains(msg, "-o") || strings.Contains(msg, "write") || strings.Count(msg, "\n") != 1 {
				t.Errorf("%v: stderr %q, want one line with %q", args, msg, sc.want)
			}
			if stdout.Len() > 0 {
				t.Errorf("%v: stdout holds %d bytes", args, stdout.Len())
			}
			if got := listDir(t, dir); got != before {
				t.Errorf("%v: files before the run: %s\nfiles after it:  %s", args, before, got)
			}
			if got, err := os.ReadFile(out); err != nil || string(got) != sentinel {
				t.Errorf("%v: the old output was changed (err %v)", args, err)
			}
		}
	}
}

// TestStampOfALazyGroupToAFileOrStdout stamps a canvas script whose group
// is built from a generator, so that its members are produced (and their
// hook calls made) only when the canvas is written: written to a file (as
// it is encoded) or to stdout (made whole first), the canvas and the trace
// are the same, and the trace has every member's on_signature. (With
// -record the members are produced before stamping: the session copies
// the canvas first.)
func TestStampOfALazyGroupToAFileOrStdout(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "lazy.star")
	if err := os.WriteFile(in, []byte("add = task('proj.add')\ncanvas = group(add.s(i) for i in range(3))\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	visitor := filepath.Join("testdata", "conformance", "visitors", "mark.star")
	read := func(name string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	stamp := func(tag string, toFile bool) (canvasJSON, trace string) {
		t.Helper()
		args := []string{"stamp", "-visitor", visitor, "-trace", filepath.Join(dir, tag+".jsonl")}
		if toFile {
			args = append(args, "-o", filepath.Join(dir, tag+".json"))
		}
		var stdout, stderr bytes.Buffer
		if code := run(append(args, in), &stdout, &stderr); code != 0 {
			t.Fatalf("%s: exit %d: %s", tag, code, stderr.String())
		}
		canvasJSON = stdout.String()
		if toFile {
			canvasJSON = read(tag + ".json")
		}
		return canvasJSON, read(tag + ".jsonl")
	}
	fileCanvas, fileTrace := stamp("file", true)
	outCanvas, outTrace := stamp("stdout", false)
	if n := strings.Count(fileTrace, `"hook": "on_signature"`); n != 3 {
		t.Errorf("the trace has %d on_signature calls, want one for each of the 3 members:\n%s", n, fileTrace)
	}
	if fileTrace != outTrace {
		t.Errorf("the trace differs between -o and stdout:\n%s\n%s", fileTrace, outTrace)
	}
	// the canvases carry mark.star's counters, which the two runs share
	if fileCanvas != outCanvas {
		t.Errorf("the canvas differs between -o and stdout:\n%s\n%s", fileCanvas, outCanvas)
	}
}

// TestHugeInputs feeds the command line inputs at and past the documented
// limits: within them it succeeds and writes the canvas back exactly;
// past them it ends in one short line.
func TestHugeInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("huge inputs take a few seconds and about 1 GB of memory")
	}
	dir := t.TempDir()
	fmtOK := func(t *testing.T, input []byte, check func(out []byte)) {
		t.Helper()
		in := filepath.Join(dir, "in.json")
		out := filepath.Join(dir, "out.json")
		os.Remove(out)
		if err := os.WriteFile(in, input, 0o644); err != nil {
			t.Fatal(err)
		}
		var stdout, stderr bytes.Buffer
		if code := run([]string{"fmt", "-o", out, in}, &stdout, &stderr); code != 0 {
			t.Fatalf("exit status %d: %.500s", code, stderr.String())
		}
		got, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		check(got)
	}
	fmtFails := func(t *testing.T, input []byte, want string) {
		t.Helper()
		in := filepath.Join(dir, "in.json")
		out := filepath.Join(dir, "out.json")
		os.Remove(out)
		if err := os.WriteFile(in, input, 0o644); err != nil {
			t.Fatal(err)
		}
		var stdout, stderr bytes.Buffer
		if code := run([]string{"fmt", "-o", out, in}, &stdout, &stderr); code != 1 {
			t.Fatalf("exit status %d, want 1", code)
		}
		if got := strings.ReplaceAll(stderr.String(), in, "IN"); got != "stampede: "+want+"\n" {
			t.Errorf("stderr:\n got %.1000q\nwant %.1000q", got, "stampede: "+want+"\n")
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("the failed run wrote %s", out)
		}
	}

	t.Run("a 200 MB string", func(t *testing.T) {
		const size = 200 << 20
		head, tail := `{"task": "a", "args": ["`, `"]}`
		doc := make([]byte, 0, len(head)+size+len(tail))
		doc = append(append(append(doc, head...), bytes.Repeat([]byte("x"), size)...), tail...)
		fmtOK(t, doc, func(out []byte) {
			head, tail := "{\n  \"task\": \"a\",\n  \"args\": [\n    \"", "\"\n  ]\n}\n"
			if len(out) != len(head)+size+len(tail) || !bytes.HasPrefix(out, []byte(head)) || !bytes.HasSuffix(out, []byte(tail)) ||
				bytes.Count(out, []byte("x")) != size {
				t.Errorf("the output (%d bytes) is not the canvas: %.100q…", len(out), out)
			}
		})
	})
	t.Run("nesting 1,000,000 levels deep", func(t *testing.T) {
		// The object is level 1, the args list level 2, …: 1,000,000 in all,
		// which is within canvas.MaxDepth.
		n := 1_000_000
		doc := `{"task": "a", "args": ` + strings.Repeat("[", n-1) + strings.Repeat("]", n-1) + `}`
		fmtOK(t, []byte(doc), func(out []byte) {
			v, err := canvas.Decode(out)
			if err != nil {
				t.Fatalf("the output does not load back: %v", err)
			}
			if got := canvas.MustEncode(v); got != doc {
				t.Errorf("the output is not the canvas")
			}
			if len(out) > 3*len(doc) {
				t.Errorf("the output is %d bytes for a %d-byte canvas", len(out), len(doc))
			}
		})
	})
	t.Run("nesting past canvas.MaxDepth", func(t *testing.T) {
		n := canvas.MaxDepth + 2
		doc := `{"task": "a", "args": ` + strings.Repeat("[", n-1) + strings.Repeat("]", n-1) + `}`
		// The error is at the first list past the limit, whose path is
		// .args and a [0] for each list around it: n-1 elements.
		fmtFails(t, []byte(doc), fmt.Sprintf("IN: line 1 column %d (at $.args[0][0][0][0][0][0][0]…(%d more levels)…[0][0][0][0][0][0][0][0]): nesting deeper than 1000000 levels",
			len(`{"task": "a", "args": `)+n-1, n-1-16))
	})
	t.Run("a million siblings in a list", func(t *testing.T) {
		items := strings.TrimSuffix(strings.Repeat("1, ", 1_000_000), ", ")
		doc := `{"task": "a", "args": [` + items + `]}`
		fmtOK(t, []byte(doc), func(out []byte) {
			v, err := canvas.Decode(out)
			if err != nil {
				t.Fatal(err)
			}
			if got := canvas.MustEncode(v); got != doc {
				t.Errorf("the output is not the canvas")
			}
		})
	})
	t.Run("a million keys in one object", func(t *testing.T) {
		var b strings.Builder
		b.WriteString(`{"task": "a", "kwargs": {`)
		for i := 0; i < 1_000_000; i++ {
			fmt.Fprintf(&b, `"k%d": %d, `, i, i)
		}
		b.WriteString(`"k17": "last"}}`) // a repeated key, at the end
		fmtOK(t, []byte(b.String()), func(out []byte) {
			v, err := canvas.Decode(out)
			if err != nil {
				t.Fatal(err)
			}
			kw := v.(*canvas.Dict).Lookup("kwargs").(*canvas.Dict)
			if kw.Len() != 1_000_000 || kw.Pairs()[17].Key.String() != "k17" || kw.Pairs()[17].Val != "last" {
				t.Errorf("kwargs has %d keys, the 18th %s = %v", kw.Len(), kw.Pairs()[17].Key.String(), kw.Pairs()[17].Val)
			}
		})
	})
	t.Run("a group of 200,000 tasks, stamped", func(t *testing.T) {
		n := 200_000
		tasks := strings.TrimSuffix(strings.Repeat(leafJSON+", ", n), ", ")
		in := filepath.Join(dir, "in.json")
		out := filepath.Join(dir, "out.json")
		if err := os.WriteFile(in, []byte(groupOf("["+tasks+"]")), 0o644); err != nil {
			t.Fatal(err)
		}
		var stdout, stderr bytes.Buffer
		if code := run([]string{"stamp", "-visitor", "monitoring-id", "-o", out, in}, &stdout, &stderr); code != 0 {
			t.Fatalf("exit status %d: %s", code, stderr.String())
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		c, err := canvas.Load(data)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := canvas.Tasks(c)
		if l, ok := got.(*canvas.List); !ok || l.Len() != n {
			t.Fatalf("the stamped group does not hold %d tasks", n)
		}
		if ids := len(monitoringID.FindAllIndex(data, -1)); ids != n {
			t.Errorf("%d signatures carry a monitoring id, want %d", ids, n)
		}
	})
	t.Run("an error 100,000 levels down", func(t *testing.T) {
		n := 100_000
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteString(`{"task": "celery.chain", "args": [], "kwargs": {"tasks": [` + leafJSON + `, `)
		}
		b.WriteString(`{"subtask_type": "bogus"}`)
		for i := 0; i < n; i++ {
			b.WriteString(`]}, "options": {}, "subtask_type": "chain", "immutable": false}`)
		}
		seg := ".kwargs.tasks[1]"
		fmtFails(t, []byte(b.String()), "IN: at $"+strings.Repeat(seg, 8)+fmt.Sprintf("…(%d more levels)…", n-16)+strings.Repeat(seg, 8)+": KeyError: 'bogus'")
	})
}

// monitoringID is a stamp of the monitoring-id visitor in fmt's output.
var monitoringID = regexp.MustCompile(`"mtask_id": "[0-9a-f-]{36}"`)

// TestPanicIsOneLine checks that a panic anywhere under run ends in one
// line on stderr naming the panic and where it happened, exit status 1, and
// a report file holding the stack.
func TestPanicIsOneLine(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	commands["test-panic"] = command{"panics", func(args []string, _, _ io.Writer) int {
		var items []int
		return items[len(args)+2] // index out of range
	}}
	defer delete(commands, "test-panic")
	var stdout, stderr bytes.Buffer
	code := run([]string{"test-panic", "x"}, &stdout, &stderr)
	if code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
	line := stderr.String()
	re := regexp.MustCompile(`^stampede: internal error: runtime error: index out of range \[3\] with length 0 ` +
		`\(in github\.com/stampede-dev/stampede\.TestPanicIsOneLine\.func1 at [^ ]+/cli_errors_test\.go:\d+\); ` +
		`this is a bug in stampede, please report it with (\S+stampede-panic-\d+\.txt)\n$`)
	m := re.FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("stderr is not the one expected line: %q", line)
	}
	report, err := os.ReadFile(m[1])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(report), "cli_errors_test.go") || !strings.Contains(string(report), "index out of range") {
		t.Errorf("the report does not hold the stack:\n%s", report)
	}
}
