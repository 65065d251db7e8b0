package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/replay/conformance"
)

const corpusDir = "testdata/conformance"

// TestConformance runs every case of the Celery conformance corpus through
// the command line (stamp, replay, fmt), exactly as a user would, and
// compares the output with what Celery 5.6.2 produced.
func TestConformance(t *testing.T) {
	counts := map[string][2]int{}
	for _, kind := range []string{"stamp", "ops", "roundtrip"} {
		files, err := filepath.Glob(filepath.Join(corpusDir, kind, "*.json"))
		if err != nil {
			t.Fatal(err)
		}
		if len(files) == 0 {
			t.Fatalf("no %s cases in %s", kind, corpusDir)
		}
		sort.Strings(files)
		for _, f := range files {
			name := kind + "/" + filepath.Base(f)
			ok := t.Run(name, func(t *testing.T) { runCase(t, f) })
			c := counts[kind]
			if ok {
				c[0]++
			} else {
				c[1]++
			}
			counts[kind] = c
		}
	}
	total := [2]int{}
	for _, kind := range []string{"stamp", "ops", "roundtrip"} {
		c := counts[kind]
		t.Logf("conformance %-9s %d passed, %d failed", kind, c[0], c[1])
		total[0] += c[0]
		total[1] += c[1]
	}
	t.Logf("conformance total: %d passed, %d failed", total[0], total[1])
	fmt.Printf("conformance: %d cases run, %d passed, %d failed\n", total[0]+total[1], total[0], total[1])
}

func loadCase(t *testing.T, path string) *canvas.Dict {
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

func writeJSON(t *testing.T, path string, v canvas.Value) {
	t.Helper()
	b, err := canvas.Encode(v, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func readJSON(t *testing.T, path string) canvas.Value {
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

// runCase runs one case through the CLI and compares its output.
func runCase(t *testing.T, path string) {
	c := loadCase(t, path)
	dir := t.TempDir()
	in := filepath.Join(dir, "in.json")
	out := filepath.Join(dir, "out.json")
	var stdout, stderr bytes.Buffer
	actual := &canvas.Dict{}
	kind, _ := c.Lookup("kind").(string)
	switch kind {
	case "stamp":
		writeJSON(t, in, c.Lookup("canvas"))
		tracePath := filepath.Join(dir, "trace.jsonl")
		args := []string{"stamp", "-o", out, "-trace", tracePath}
		if v, ok := c.Lookup("visitor").(string); ok {
			args = append(args, "-visitor", filepath.Join(corpusDir, "visitors", v))
		}
		if canvas.Truthy(c.Lookup("append_stamps")) {
			args = append(args, "-append")
		}
		if h := c.Lookup("headers"); h != nil {
			args = append(args, "-headers", canvas.MustEncode(h))
		}
		args = append(args, in)
		if code := run(args, &stdout, &stderr); code != 0 {
			expectNoOutput(t, out)
			actual.Set("error", errorText(stderr.String(), code))
			break
		}
		actual.Set("canvas", readJSON(t, out))
		lines := &canvas.List{}
		data, err := os.ReadFile(tracePath)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			if line == "" {
				continue
			}
			v, err := canvas.Decode([]byte(line))
			if err != nil {
				t.Fatalf("trace line %q: %v", line, err)
			}
			lines.Items = append(lines.Items, v)
		}
		actual.Set("trace", lines)
	case "roundtrip":
		writeJSON(t, in, c.Lookup("canvas"))
		if code := run([]string{"fmt", "-o", out, in}, &stdout, &stderr); code != 0 {
			expectNoOutput(t, out)
			actual.Set("error", errorText(stderr.String(), code))
			break
		}
		actual.Set("canvas", readJSON(t, out))
	case "ops":
		session := &canvas.Dict{Pairs: []canvas.Pair{{Key: "canvas", Val: c.Lookup("canvas")}, {Key: "ops", Val: c.Lookup("ops")}}}
		writeJSON(t, in, session)
		code := run([]string{"replay", "-visitors", filepath.Join(corpusDir, "visitors"), "-o", out, in}, &stdout, &stderr)
		doc, ok := readJSON(t, out).(*canvas.Dict)
		if !ok {
			t.Fatalf("replay output is not an object")
		}
		actual = doc
		if code != 0 && !actual.Has("error") {
			t.Fatalf("replay exited %d without an error in its output: %s", code, stderr.String())
		}
		if code == 0 && actual.Has("error") {
			t.Fatalf("replay reported an error but exited 0")
		}
	default:
		t.Fatalf("unknown case kind %q", kind)
	}
	if err := conformance.CompareCase(c, actual); err != nil {
		t.Errorf("%v\nstderr: %s", err, stderr.String())
	}
}

func errorText(stderr string, code int) string {
	if s := strings.TrimSpace(stderr); s != "" {
		return s
	}
	return fmt.Sprintf("exit status %d", code)
}

// expectNoOutput checks that a failed command left no output file behind.
func expectNoOutput(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); err == nil {
		t.Errorf("the command failed but wrote %s", path)
	}
}

// TestCorpusCopyMatchesShared fails when testdata/conformance has drifted
// from the shared corpus it was copied from (skipped where the shared folder
// is not present, as on a user's clone).
func TestCorpusCopyMatchesShared(t *testing.T) {
	shared := filepath.Join("..", "shared", "conformance")
	if _, err := os.Stat(shared); err != nil {
		t.Skipf("%s not present: nothing to compare the copy with", shared)
	}
	seen := map[string]bool{}
	err := filepath.WalkDir(shared, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(shared, p)
		if rel == "compare.py" {
			return nil
		}
		seen[rel] = true
		want, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		got, err := os.ReadFile(filepath.Join(corpusDir, rel))
		if err != nil {
			t.Errorf("%s is missing from %s", rel, corpusDir)
			return nil
		}
		if !bytes.Equal(want, got) {
			t.Errorf("%s differs from the shared corpus", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	_ = filepath.WalkDir(corpusDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(corpusDir, p)
		if !seen[rel] {
			t.Errorf("%s is in %s but not in the shared corpus", rel, corpusDir)
		}
		return nil
	})
}
