package codegen_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/canvas/build"
	"github.com/stampede-dev/stampede/canvas/codegen"
	"github.com/stampede-dev/stampede/replay"
	"github.com/stampede-dev/stampede/replay/conformance"
	"github.com/stampede-dev/stampede/stamping"
	"github.com/stampede-dev/stampede/visitors"
	"github.com/stampede-dev/stampede/visitors/script"
)

const corpus = "../../testdata/conformance"

// corpusCanvas is one canvas of the corpus to write as code.
type corpusCanvas struct {
	name string
	c    *canvas.Dict
}

func readCase(t *testing.T, path string) *canvas.Dict {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	v, err := canvas.Decode(data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v.(*canvas.Dict)
}

// corpusCanvases gathers every canvas of the conformance corpus that Celery
// loads: each case's input as signature() loads it, and the canvases Celery's
// operations make in memory — each stamp case's stamped canvas and each ops
// case's canvas after its last op — which hold what JSON cannot show:
// signatures shared between places, stamp values shared between signatures,
// chord headers turned into group objects, links that are signatures.
func corpusCanvases(t *testing.T) []corpusCanvas {
	var out []corpusCanvas
	resolve := func(name string) (visitors.Visitor, error) {
		return script.Resolve(name, filepath.Join(corpus, "visitors"))
	}
	for _, kind := range []string{"roundtrip", "stamp", "ops"} {
		files, err := filepath.Glob(filepath.Join(corpus, kind, "*.json"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no %s cases in %s", kind, corpus)
		}
		sort.Strings(files)
		for _, f := range files {
			c := readCase(t, f)
			name := kind + "/" + filepath.Base(f)
			in, err := canvas.SignatureOf(canvas.JSONCopy(c.Lookup("canvas")))
			if err != nil {
				continue // Celery cannot load it either (an error case).
			}
			out = append(out, corpusCanvas{name + " input", in})
			switch kind {
			case "stamp":
				c2, _ := canvas.SignatureOf(canvas.JSONCopy(c.Lookup("canvas")))
				var v visitors.Visitor
				if vn, ok := c.Lookup("visitor").(string); ok {
					if v, err = resolve(vn); err != nil {
						t.Fatal(err)
					}
				}
				h, _ := c.Lookup("headers").(*canvas.Dict)
				if _, err := stamping.Stamp(c2, stamping.Options{Visitor: v, Append: canvas.Truthy(c.Lookup("append_stamps")), Headers: h}); err == nil {
					out = append(out, corpusCanvas{name + " stamped", c2})
				}
			case "ops":
				res, err := replay.Run(canvas.JSONCopy(c.Lookup("canvas")), c.Lookup("ops").(*canvas.List).Items(), resolve)
				if err == nil && res.Final != nil {
					out = append(out, corpusCanvas{name + " after ops", res.Final})
				}
			}
		}
	}
	return out
}

// rebuild runs code as a canvas script and compares the canvas it builds
// with c by the corpus's rules.
func rebuild(name string, code []byte, c *canvas.Dict) error {
	got, err := build.Run(name, code, &build.Options{Print: func(string) {}})
	if err != nil {
		return err
	}
	return conformance.Same(canvas.JSONCopy(c), canvas.JSONCopy(got), "$")
}

// TestCorpusRebuiltFromGeneratedCode writes every corpus canvas as a canvas
// script and as Python (both task styles), runs each (Python runs as a
// canvas script too: its imports become task bindings) and checks that it
// builds the same canvas.
func TestCorpusRebuiltFromGeneratedCode(t *testing.T) {
	samples := corpusCanvases(t)
	styles := []struct {
		name string
		opts codegen.Options
	}{
		{"script", codegen.Options{Language: codegen.Script}},
		{"python", codegen.Options{Language: codegen.Python}},
		{"python-names", codegen.Options{Language: codegen.Python, Tasks: codegen.NamedTasks}},
	}
	fallbacks := 0
	for _, s := range samples {
		for _, st := range styles {
			code, err := codegen.Generate(s.c, st.opts)
			if err != nil {
				t.Errorf("%s (%s): %v", s.name, st.name, err)
				continue
			}
			if err := rebuild("gen.star", code, s.c); err != nil {
				t.Errorf("%s (%s): %v\n%s", s.name, st.name, err, code)
			}
			if st.name == "script" && (bytes.Contains(code, []byte("signature({")) || bytes.Contains(code, []byte(".update({"))) {
				fallbacks++
			}
		}
	}
	t.Logf("%d corpus canvases rebuilt from generated code in %d styles; %d needed signature({...}) somewhere", len(samples), len(styles), fallbacks)
}

// TestGeneratedPythonCompiles checks with python3 -m py_compile that the
// Python written for every corpus canvas is valid Python.
func TestGeneratedPythonCompiles(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found: the generated Python is not compiled (it is still run as a canvas script by TestCorpusRebuiltFromGeneratedCode)")
	}
	dir := t.TempDir()
	var files []string
	for i, s := range corpusCanvases(t) {
		for j, opts := range []codegen.Options{{Language: codegen.Python}, {Language: codegen.Python, Tasks: codegen.NamedTasks}} {
			code, err := codegen.Generate(s.c, opts)
			if err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			f := filepath.Join(dir, fmt.Sprintf("c%04d_%d.py", i, j))
			if err := os.WriteFile(f, code, 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
		}
	}
	cmd := exec.Command(py, append([]string{"-m", "py_compile"}, files...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("py_compile: %v\n%s", err, out)
	}
	t.Logf("python3 -m py_compile: %d generated files are valid Python", len(files))
}

// TestGeneratedScriptNamesShareObjects checks that an object the canvas
// holds in several places is built once and used everywhere: the chain's
// errback, which `|` links as one object to each of the chain's tasks.
func TestGeneratedScriptNamesShareObjects(t *testing.T) {
	src := `
add = task("proj.add")
err = task("proj.err")
c = chain(add.s(1), add.s(2)).on_error(err.s())
canvas = c | add.s(3)
`
	c, err := build.Run("share.star", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	code, err := codegen.ScriptCode(c, "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(code), "err_1 = err.s()") || strings.Count(string(code), ".on_error(err_1)") != 2 {
		t.Fatalf("the shared errback is not one variable used twice:\n%s", code)
	}
	got, err := build.Run("gen.star", code, nil)
	if err != nil {
		t.Fatal(err)
	}
	tasks, _ := canvas.Tasks(got)
	items := tasks.(*canvas.List).Items()
	first := items[0].(*canvas.Dict).Lookup("options").(*canvas.Dict).Lookup("link_error").(*canvas.List).Items()[0]
	last := items[1].(*canvas.Dict).Lookup("options").(*canvas.Dict).Lookup("link_error").(*canvas.List).Items()[0]
	if first != last {
		t.Fatal("the rebuilt canvas has two errback objects where Celery's has one")
	}
}
