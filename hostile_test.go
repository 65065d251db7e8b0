package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

const hostileDir = "testdata/hostile"

// hostileWant is the one line each script of testdata/hostile ends in when
// it stamps a group of two tasks (IN is the canvas file). Each must end in
// its error at once: by the step budget of a hook or of the top level, or
// before anything runs.
var hostileWant = map[string]string{
	"endless_comprehension.star":  "IN: stamp failed: on_signature on $.tasks[0]: testdata/hostile/endless_comprehension.star:4:23: on_signature used up its budget of 1000000 steps (an endless loop?)",
	"nested_comprehensions.star":  "IN: stamp failed: on_signature on $.tasks[0]: testdata/hostile/nested_comprehensions.star:3:67: on_signature used up its budget of 1000000 steps (an endless loop?)",
	"endless_top_level.star":      "IN: stamp failed: testdata/hostile/endless_top_level.star:3:15: top level used up its budget of 1000000 steps (an endless loop?)",
	"comprehension_in_state.star": "IN: stamp failed: on_group_start on $: testdata/hostile/comprehension_in_state.star:3:49: on_group_start used up its budget of 1000000 steps (an endless loop?)",
	"deep_structure.star":         "IN: stamp failed: on_signature on $.tasks[0]: testdata/hostile/deep_structure.star:4:5: on_signature used up its budget of 1000000 steps (an endless loop?)",
	"huge_string.star":            "IN: stamp failed: on_signature on $.tasks[0]: testdata/hostile/huge_string.star:3:25: repeat count 1099511627776 too large",
	"huge_list.star":              "IN: stamp failed: on_signature on $.tasks[0]: testdata/hostile/huge_list.star:3:26: repeat count 1099511627776 too large",
	"load_file.star":              `-visitor: testdata/hostile/load_file.star:2:6: load("/etc/passwd") is not allowed: a visitor may load only "json.star", "math.star"`,
	"load_sibling.star":           `-visitor: testdata/hostile/load_sibling.star:2:6: load("endless_comprehension.star") is not allowed: a visitor may load only "json.star", "math.star"`,
	"open_file.star":              "-visitor: testdata/hostile/open_file.star:3:18: undefined: open",
	"environment.star":            "-visitor: testdata/hostile/environment.star:3:21: undefined: getenv",
	"recursion.star":              "IN: stamp failed: on_signature on $.tasks[0]: testdata/hostile/recursion.star:3:12: function _f called recursively",
	"mutual_recursion.star":       "IN: stamp failed: on_signature on $.tasks[0]: testdata/hostile/mutual_recursion.star:3:12: function _a called recursively",
	"builtin_panic.star":          "IN: stamp failed: on_signature on $.tasks[0]: testdata/hostile/builtin_panic.star: on_signature stopped: the interpreter failed (runtime error: makeslice: cap out of range)",
	"deep_json.star":              "IN: stamp failed: on_signature on $.tasks[0]: testdata/hostile/deep_json.star:4:29: json.decode: the text nests 1000000 levels deep, over the limit of 10000",
	"huge_result.star":            "IN: stamp failed: on_signature on $.tasks[0]: testdata/hostile/huge_result.star:2:1: on_signature returned more than 1 MiB (the limit of one hook's result)",
	"memory_growth.star":          "IN: stamp failed: on_signature on $.tasks[0]: testdata/hostile/memory_growth.star:L:C: on_signature used more than 512 MiB of memory in one call",
	"while_loop.star":             "-visitor: testdata/hostile/while_loop.star:3:5: this Starlark dialect does not support while loops",
}

// sameLine compares an error line with its expected form, where "L:C"
// stands for any line and column: the memory watchdog stops a script at
// whichever step runs when it looks, so the position varies.
func sameLine(got, want string) bool {
	head, tail, ok := strings.Cut(want, ":L:C:")
	if !ok {
		return got == want
	}
	rest, ok := strings.CutPrefix(got, head+":")
	if !ok || !strings.HasSuffix(rest, tail) {
		return false
	}
	pos := strings.TrimSuffix(rest, tail)
	return regexp.MustCompile(`^\d+:\d+:$`).MatchString(pos)
}

// TestHostileScripts stamps a small canvas with each hostile visitor script
// through the command line and checks the exact error line, exit status 1,
// and that no output was written. A script that does not end is reported
// when a generous deadline passes (the test asserts the error, not the
// time: the deadline only turns a hang into a failure instead of a stuck
// test).
func TestHostileScripts(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(hostileDir, "*.star"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	if len(files) != len(hostileWant) {
		t.Errorf("%d scripts in %s, %d expected lines", len(files), hostileDir, len(hostileWant))
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "in.json")
	if err := os.WriteFile(in, []byte(groupOf("["+leafJSON+", "+leafJSON+"]")), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			want, ok := hostileWant[name]
			if !ok {
				t.Fatalf("no expected line for %s", name)
			}
			out := filepath.Join(dir, "out.json")
			trace := filepath.Join(dir, "trace.jsonl")
			type result struct {
				code           int
				stdout, stderr string
			}
			done := make(chan result, 1)
			go func() {
				var stdout, stderr bytes.Buffer
				code := run([]string{"stamp", "-visitor", filepath.ToSlash(f), "-trace", trace, "-o", out, in}, &stdout, &stderr)
				done <- result{code, stdout.String(), stderr.String()}
			}()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			var r result
			select {
			case r = <-done:
			case <-ctx.Done():
				t.Fatalf("%s did not end", name)
			}
			if r.code != 1 {
				t.Errorf("exit status %d, want 1", r.code)
			}
			if got, want := r.stderr, "stampede: "+strings.ReplaceAll(want, "IN", in)+"\n"; !sameLine(got, want) {
				t.Errorf("stderr:\n got %.500q\nwant %q", got, want)
			}
			if r.stdout != "" {
				t.Errorf("stdout: %.200q", r.stdout)
			}
			for _, p := range []string{out, trace} {
				if _, err := os.Stat(p); err == nil {
					t.Errorf("the failed run wrote %s", p)
				}
			}
		})
	}
}
