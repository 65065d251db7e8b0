package build_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/canvas/build"
	"github.com/stampede-dev/stampede/canvas/codegen"
	"github.com/stampede-dev/stampede/replay/conformance"
)

const corpus = "../../testdata/conformance"

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

func lit(t *testing.T, v canvas.Value) string {
	t.Helper()
	s, err := codegen.Literal(v)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// opLine is the script statement that does what a conformance op does,
// written as the Celery call the corpus README gives for it. ok is false
// for merge, whose result (Signature._merge's) is not a canvas.
func opLine(t *testing.T, op *canvas.Dict) (line string, ok bool) {
	kw := func(key string) string {
		if d, isDict := op.Lookup(key).(*canvas.Dict); isDict && d.Len() > 0 {
			return ", **" + lit(t, d)
		}
		return ""
	}
	switch name, _ := op.Lookup("op").(string); name {
	case "stamp":
		v := "None"
		if s, isStr := op.Lookup("visitor").(string); isStr {
			v = fmt.Sprintf("visitor(%s)", lit(t, s))
		}
		return fmt.Sprintf("canvas.stamp(%s, append_stamps=%s%s)", v, lit(t, canvas.Truthy(op.Lookup("append_stamps"))), kw("headers")), true
	case "clone":
		return fmt.Sprintf("canvas = canvas.clone(%s, %s%s)", lit(t, op.Lookup("args")), lit(t, op.Lookup("kwargs")), kw("options")), true
	case "set":
		imm := ""
		if i := op.Lookup("immutable"); i != nil {
			imm = "immutable=" + lit(t, i)
		}
		opts := strings.TrimPrefix(kw("options"), ", ")
		if imm != "" && opts != "" {
			imm += ", "
		}
		return fmt.Sprintf("canvas.set(%s%s)", imm, opts), true
	case "or":
		other := fmt.Sprintf("signature(%s)", lit(t, op.Lookup("other")))
		if op.Lookup("side") == "left" {
			return "canvas = " + other + " | canvas", true
		}
		return "canvas = canvas | " + other, true
	case "link", "link_error", "on_error":
		return fmt.Sprintf("canvas.%s(signature(%s))", name, lit(t, op.Lookup("sig"))), true
	case "replace":
		return fmt.Sprintf("canvas = canvas.replace(%s, %s, %s)", lit(t, op.Lookup("args")), lit(t, op.Lookup("kwargs")), lit(t, op.Lookup("options"))), true
	case "json_roundtrip":
		return "canvas = signature(json.loads(json.dumps(canvas)))", true
	case "merge":
		return "pass", false
	default:
		t.Fatalf("unknown op %q", name)
	}
	return "", false
}

// TestOpsCasesAsScripts replays every conformance ops case as a canvas
// script — `canvas = signature(IN)` followed by one Celery call per op —
// and checks the canvas after each op against Celery's snapshot, and that
// the op Celery failed at fails in the script with an error naming its line.
func TestOpsCasesAsScripts(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(corpus, "ops", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no ops cases in %s", corpus)
	}
	sort.Strings(files)
	checked, errs := 0, 0
	for _, f := range files {
		c := readCase(t, f)
		t.Run(filepath.Base(f), func(t *testing.T) {
			ops := c.Lookup("ops").(*canvas.List).Items()
			exp := c.Lookup("expect").(*canvas.Dict)
			snaps := exp.Lookup("snapshots").(*canvas.List).Items()
			errStep := -1
			if exp.Has("error") {
				errStep = len(snaps)
			}
			lines := []string{"canvas = signature(" + lit(t, c.Lookup("canvas")) + ")"}
			for i, raw := range ops {
				if i > len(snaps) || errStep >= 0 && i > errStep {
					break
				}
				line, compare := opLine(t, raw.(*canvas.Dict))
				lines = append(lines, line)
				src := strings.Join(lines, "\n") + "\n"
				got, err := build.Run("ops.star", []byte(src), &build.Options{Dir: filepath.Join(corpus, "visitors"), Print: func(string) {}})
				if i == errStep {
					if !compare {
						return // Celery failed in _merge, which a script does not call.
					}
					if err == nil {
						t.Fatalf("op %d (%s): Celery raised %v, the script did not", i, raw.(*canvas.Dict).Lookup("op"), exp.Lookup("error"))
					}
					if want := fmt.Sprintf("ops.star:%d:", i+2); !strings.HasPrefix(err.Error(), want) {
						t.Fatalf("op %d: error %q does not name line %d", i, err, i+2)
					}
					errs++
					return
				}
				if err != nil {
					t.Fatalf("op %d: %v\n%s", i, err, src)
				}
				if !compare {
					continue
				}
				if err := conformance.Same(snaps[i], canvas.JSONCopy(got), fmt.Sprintf("$.snapshots[%d]", i)); err != nil {
					t.Fatalf("%v\nscript:\n%s", err, src)
				}
				checked++
			}
		})
	}
	t.Logf("%d ops cases: %d snapshots matched Celery's, %d failing ops failed with their line", len(files), checked, errs)
}

// TestRoundtripCasesAsScripts loads each roundtrip case's canvas with
// signature({...}) in a script and compares with Celery's json.dumps.
func TestRoundtripCasesAsScripts(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(corpus, "roundtrip", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no roundtrip cases in %s", corpus)
	}
	for _, f := range files {
		c := readCase(t, f)
		src := "canvas = signature(" + lit(t, c.Lookup("canvas")) + ")\n"
		got, err := build.Run("rt.star", []byte(src), nil)
		exp := c.Lookup("expect").(*canvas.Dict)
		if exp.Has("error") {
			if err == nil {
				t.Errorf("%s: Celery raised %v, the script did not", f, exp.Lookup("error"))
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if err := conformance.Same(exp.Lookup("canvas"), canvas.JSONCopy(got), "$"); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}
