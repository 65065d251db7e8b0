package codegen_test

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/canvas/build"
	"github.com/stampede-dev/stampede/canvas/codegen"
	"github.com/stampede-dev/stampede/canvas/sample"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/scripts")

const scripts = "../../testdata/scripts"

// goldenCanvases are the canvases of testdata: each script's canvas, and the
// built-in sample as its JSON loads (golden sample.py).
func goldenCanvases(t *testing.T) map[string]*canvas.Dict {
	out := map[string]*canvas.Dict{}
	files, err := filepath.Glob(filepath.Join(scripts, "*.star"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts in %s", scripts)
	}
	for _, f := range files {
		c, err := build.LoadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[strings.TrimSuffix(filepath.Base(f), ".star")] = c
	}
	c, err := canvas.Load(sample.OrderJSON)
	if err != nil {
		t.Fatal(err)
	}
	out["sample"] = c
	return out
}

// TestPythonGolden compares the Python written for each testdata canvas
// with NAME.py (go test -run PythonGolden -update rewrites them), and checks
// that the golden file rebuilds the canvas when run as a canvas script.
func TestPythonGolden(t *testing.T) {
	for name, c := range goldenCanvases(t) {
		source := name + ".star"
		if name == "sample" {
			source = "order.json"
		}
		got, err := codegen.PythonCode(c, source)
		if err != nil {
			t.Fatal(err)
		}
		golden := filepath.Join(scripts, name+".py")
		if *update {
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test ./canvas/codegen -run PythonGolden -update)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: the Python written differs from the golden file:\n%s", golden, got)
		}
		if err := rebuild(name+".py", want, c); err != nil {
			t.Errorf("%s does not rebuild the canvas: %v", golden, err)
		}
	}
}

// TestGoldenPythonCompiles compiles the golden files with python3.
func TestGoldenPythonCompiles(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found: the golden Python files are not compiled")
	}
	files, _ := filepath.Glob(filepath.Join(scripts, "*.py"))
	var golden []string
	for _, f := range files {
		if filepath.Base(f) != "celery_check.py" {
			golden = append(golden, f)
		}
	}
	if len(golden) == 0 {
		t.Fatal("no golden Python files")
	}
	// Compile to a temporary folder so that no __pycache__ lands in testdata.
	dir := t.TempDir()
	var args []string
	for i, f := range golden {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		tmp := filepath.Join(dir, filepath.Base(f))
		if err := os.WriteFile(tmp, data, 0o644); err != nil {
			t.Fatal(err)
		}
		golden[i] = tmp
		args = append(args, tmp)
	}
	out, err := exec.Command(py, append([]string{"-m", "py_compile"}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("py_compile: %v\n%s", err, out)
	}
}

// TestScriptExportRoundTrip writes each testdata canvas as a canvas script
// and runs it.
func TestScriptExportRoundTrip(t *testing.T) {
	for name, c := range goldenCanvases(t) {
		code, err := codegen.ScriptCode(c, name)
		if err != nil {
			t.Fatal(err)
		}
		if err := rebuild(name+".export.star", code, c); err != nil {
			t.Errorf("%s: %v\n%s", name, err, code)
		}
	}
}

// TestOddNamesAndValues writes a canvas whose task names clash with each
// other, with Python keywords or with the canvas vocabulary, or cannot be
// imported, and whose values need escaping, in every style; each must
// rebuild the canvas and the Python must compile.
func TestOddNamesAndValues(t *testing.T) {
	c, err := build.Run("odd.star", []byte(`
names = ["proj.add", "other.add", "proj.chain", "weird-name", "celery.backend_cleanup",
         "1abc.x", "add", "proj.class.run", "a.b.canvas", "proj.add_1"]
sigs = [task(n).s(i) for i, n in enumerate(names)]
s = task("proj.add").s("é\n\"'\\ \x01 😀", float("nan"), float("-inf"), -0.0, 1e300, 10000000000000000000000)
s.set(**{"class": 1, "x-y": [None, True], "z": {"k v": ()}})
s.link(sigs[1])
s.link(sigs[2])
canvas = chain(sigs[0], group(sigs[3:]), s, task("proj.add").signature((1,), {"self": 2, "if": 3}))
`), nil)
	if err != nil {
		t.Fatal(err)
	}
	var py []string
	dir := t.TempDir()
	for i, opts := range []codegen.Options{{Language: codegen.Script}, {Language: codegen.Python}, {Language: codegen.Python, Tasks: codegen.NamedTasks}} {
		code, err := codegen.Generate(c, opts)
		if err != nil {
			t.Fatal(err)
		}
		if err := rebuild("odd.star", code, c); err != nil {
			t.Errorf("%+v: %v\n%s", opts, err, code)
		}
		if opts.Language == codegen.Python {
			f := filepath.Join(dir, "odd"+string(rune('0'+i))+".py")
			if err := os.WriteFile(f, code, 0o644); err != nil {
				t.Fatal(err)
			}
			py = append(py, f)
		}
	}
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found: the Python written is not compiled")
	}
	if out, err := exec.Command(python, append([]string{"-m", "py_compile"}, py...)...).CombinedOutput(); err != nil {
		t.Fatalf("py_compile: %v\n%s", err, out)
	}
}

// TestLazyGroupExportYieldsAll writes a lazy group (a generator expression,
// stamped, so its members' hooks are pending): the export produces every
// member, running their hooks, and writes them as a list.
func TestLazyGroupExportYieldsAll(t *testing.T) {
	c, err := build.Run("lazy.star", []byte(`
add = task("proj.add")
canvas = chain(add.s(0), chord((add.s(i) for i in range(3)), add.s(9)))
canvas.stamp(visitor("mark.star"))
`), &build.Options{Dir: filepath.Join(corpus, "visitors")})
	if err != nil {
		t.Fatal(err)
	}
	code, err := codegen.PythonCode(c, "lazy.star")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`add.s(0).set(`, `add.s(2).set(`, `s="s3@`} {
		if !strings.Contains(string(code), want) {
			t.Errorf("the export lacks %q:\n%s", want, code)
		}
	}
	if err := rebuild("lazy.py", code, c); err != nil {
		t.Errorf("%v\n%s", err, code)
	}
}
