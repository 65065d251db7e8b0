package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/canvas/build"
	"github.com/stampede-dev/stampede/replay/conformance"
)

const scriptsDir = "testdata/scripts"

// TestExportCommand runs `stampede export` on a canvas script in each
// format: the Python is the golden file, the script and the JSON build the
// canvas Celery built from the same script.
func TestExportCommand(t *testing.T) {
	in := filepath.Join(scriptsDir, "pipeline.star")
	want, err := os.ReadFile(filepath.Join(scriptsDir, "pipeline.py"))
	if err != nil {
		t.Fatal(err)
	}
	celery := readJSON(t, filepath.Join(scriptsDir, "pipeline.json"))
	for _, flags := range [][]string{nil, {"-python"}, {"-script"}, {"-json"}, {"-python", "-tasks", "name"}} {
		var stdout, stderr bytes.Buffer
		args := append(append([]string{"export"}, flags...), in)
		if code := run(args, &stdout, &stderr); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr.String())
		}
		var got *canvas.Dict
		switch {
		case len(flags) == 1 && flags[0] == "-json":
			if got, err = canvas.Load(stdout.Bytes()); err != nil {
				t.Fatal(err)
			}
		default:
			if len(flags) <= 1 && (flags == nil || flags[0] == "-python") && !bytes.Equal(stdout.Bytes(), want) {
				t.Errorf("%v: the Python differs from %s:\n%s", args, "pipeline.py", stdout.String())
			}
			if got, err = build.Run("exported.star", stdout.Bytes(), nil); err != nil {
				t.Fatalf("%v: the output does not run as a canvas script: %v\n%s", args, err, stdout.String())
			}
		}
		if err := conformance.Same(celery, canvas.JSONCopy(got), "$"); err != nil {
			t.Errorf("%v: %v", args, err)
		}
	}
}

func TestExportCommandErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.star")
	if err := os.WriteFile(bad, []byte("add = task('proj.add')\ncanvas = chain(add.s(), 1)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.py")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"export", "-o", out, bad}, &stdout, &stderr); code != 1 {
		t.Errorf("exit %d for a failing script", code)
	}
	if !strings.Contains(stderr.String(), bad+":2:") {
		t.Errorf("the error does not name the script line: %s", stderr.String())
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a failed export wrote its output file")
	}
	for _, args := range [][]string{
		{"export", "-python", "-script", filepath.Join(scriptsDir, "pipeline.star")},
		{"export", "-tasks", "guess", filepath.Join(scriptsDir, "pipeline.star")},
	} {
		stderr.Reset()
		if code := run(args, &stdout, &stderr); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, stderr.String())
		}
	}
}
