package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNewRefusesWhatItCannotBuild(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "have.json")
	if err := os.WriteFile(existing, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"an existing file is opened, not replaced", []string{existing}, 1, "exists: open it with 'stampede " + existing + "' and press E"},
		{"a file that is not .json, .star or .py has no format", []string{filepath.Join(dir, "x.txt")}, 1, "name the file .json"},
		{"two files are one too many", []string{"a.json", "b.json"}, 2, "expected at most one file"},
		{"without a terminal there is no builder", []string{filepath.Join(dir, "new.json")}, 1, "the builder needs a terminal"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(append([]string{"new"}, c.args...), &out, &errb)
			if code != c.code || !strings.Contains(errb.String(), c.err) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, errb.String(), c.code, c.err)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "new.json")); err == nil {
		t.Error("stampede new wrote the file before anything was saved")
	}
}
