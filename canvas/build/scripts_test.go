package build_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/canvas/build"
	"github.com/stampede-dev/stampede/canvas/sample"
	"github.com/stampede-dev/stampede/replay/conformance"
)

const scripts = "../../testdata/scripts"

func decodeFile(t *testing.T, path string) canvas.Value {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	v, err := canvas.Decode(data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v
}

// TestScriptsBuildCelerysCanvas runs each testdata script and compares the
// canvas with NAME.json, which Celery 5.6.2 built from the same file
// (testdata/scripts/celery_check.py).
func TestScriptsBuildCelerysCanvas(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(scripts, "*.star"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts in %s", scripts)
	}
	for _, f := range files {
		got, err := build.LoadFile(f)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		want := decodeFile(t, strings.TrimSuffix(f, ".star")+".json")
		if err := conformance.Same(want, canvas.JSONCopy(got), "$"); err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
		}
	}
}

// TestSampleAsScript checks that order.star builds the built-in sample.
func TestSampleAsScript(t *testing.T) {
	got, err := build.LoadFile(filepath.Join(scripts, "order.star"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := canvas.Decode(sample.OrderJSON)
	if err != nil {
		t.Fatal(err)
	}
	if err := conformance.Same(want, canvas.JSONCopy(got), "$"); err != nil {
		t.Fatal(err)
	}
}

// TestConstructorCases runs the small scripts of cases.json — every
// argument form of the constructors, the methods' return values, what is
// shared — and compares with what Celery 5.6.2 built from each.
func TestConstructorCases(t *testing.T) {
	cases := decodeFile(t, filepath.Join(scripts, "cases.json")).(*canvas.List)
	if cases.Len() == 0 {
		t.Fatal("cases.json is empty")
	}
	for _, raw := range cases.Items() {
		c := raw.(*canvas.Dict)
		name := c.Lookup("name").(string)
		got, err := build.Run(name+".star", []byte(c.Lookup("script").(string)), nil)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if err := conformance.Same(c.Lookup("expect"), canvas.JSONCopy(got), "$"); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
