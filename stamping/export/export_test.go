package export

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
)

// names lists dir, hidden files included.
func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}

func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestWriteFileReplacesAndKeepsTheMode(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.json")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if got := readString(t, path); got != "new" {
		t.Errorf("the file holds %q", got)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want the old file's 0600", st.Mode().Perm())
	}
	if got := names(t, dir); strings.Join(got, " ") != "out.json" {
		t.Errorf("the folder holds %v", got)
	}
	fresh := filepath.Join(dir, "fresh.json")
	if err := WriteFile(fresh, []byte("x")); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(fresh); err != nil || st.Mode().Perm() != 0o644 {
		t.Errorf("a new file: %v, %v; want mode 0644", st, err)
	}
}

// TestStagedFileIsNotThereUntilCommit is the crash window made
// deterministic. A run dies between Stage (the data written and synced)
// and Commit when it is killed while it writes; what it leaves is what the
// folder holds at that moment, with the process's files closed. The target
// must still hold the old data, and — where files can be created without a
// name — nothing else may be in the folder.
func TestStagedFileIsNotThereUntilCommit(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.json")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	big := bytes.Repeat([]byte("n"), 1<<20)
	s, err := Stage(path, big)
	if err != nil {
		t.Fatal(err)
	}
	if got := readString(t, path); got != "old" {
		t.Fatalf("the target changed before Commit: %.20q", got)
	}
	unnamed := false
	if runtime.GOOS == "linux" {
		// Where the file system can create unnamed files, Stage must.
		if f, err := openUnnamed(dir, 0o600); err == nil {
			f.Close()
			unnamed = true
			if s.name != "" {
				t.Fatalf("Stage named its file %s although it could leave it unnamed", s.name)
			}
		} else {
			t.Logf("this file system cannot create unnamed files (%v): testing the named fallback", err)
		}
	}
	if unnamed {
		if got := names(t, dir); strings.Join(got, " ") != "out.json" {
			t.Errorf("while the data is written the folder holds %v, want only out.json", got)
		}
		// What the kernel does when the process dies: close its files.
		s.f.Close()
		if got := names(t, dir); strings.Join(got, " ") != "out.json" {
			t.Errorf("after the writer died the folder holds %v", got)
		}
		if got := readString(t, path); got != "old" {
			t.Errorf("after the writer died the target holds %.20q", got)
		}
		return
	}
	s.Abort()
	if got := names(t, dir); strings.Join(got, " ") != "out.json" {
		t.Errorf("after Abort the folder holds %v", got)
	}
}

// TestCommitIsOneRename checks the last step: Commit names the staged file
// next to the target and renames it over the target, leaving the folder
// with the target alone, holding the new data.
func TestCommitIsOneRename(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.json")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Stage(path, []byte("new"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := readString(t, path); got != "new" {
		t.Errorf("the target holds %q", got)
	}
	if got := names(t, dir); strings.Join(got, " ") != "out.json" {
		t.Errorf("the folder holds %v", got)
	}
	if err := s.Commit(); err == nil {
		t.Error("a second Commit succeeded")
	}
}

// TestNamedFallback runs the path taken where unnamed files are not
// available: a named temporary file, removed on Abort and renamed on Commit.
func TestNamedFallback(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.json")
	if err := os.WriteFile(path, []byte("old"), 0o640); err != nil {
		t.Fatal(err)
	}
	s := &Staged{path: path, write: writeAll([][]byte{[]byte("ne"), []byte("w")}), mode: 0o640}
	if err := s.stageNamed(); err != nil {
		t.Fatal(err)
	}
	if got := names(t, dir); len(got) != 2 || !strings.HasPrefix(got[0], ".out.json.tmp-") {
		t.Fatalf("the folder holds %v, want the target and one temporary file", got)
	}
	s.Abort()
	if got := names(t, dir); strings.Join(got, " ") != "out.json" {
		t.Errorf("after Abort the folder holds %v", got)
	}
	s = &Staged{path: path, write: writeAll([][]byte{[]byte("ne"), []byte("w")}), mode: 0o640}
	if err := s.stageNamed(); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := readString(t, path); got != "new" {
		t.Errorf("the target holds %q", got)
	}
	if got := names(t, dir); strings.Join(got, " ") != "out.json" {
		t.Errorf("the folder holds %v", got)
	}
}

// TestStageInAMissingFolder checks the error a missing folder gives: it
// names the target (not a temporary file), and nothing is left behind.
func TestStageInAMissingFolder(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "missing", "b.json")
	_, err := Stage(path, []byte("b"))
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Path != path || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("got %v, want an error about %s", err, path)
	}
	if err.Error() != "open "+path+": no such file or directory" {
		t.Errorf("got %v", err)
	}
	if got := names(t, dir); len(got) != 0 {
		t.Errorf("the folder holds %v", got)
	}
}

func TestWriteFileRefusesAFolder(t *testing.T) {
	dir := t.TempDir()
	err := WriteFile(dir, []byte("x"))
	if err == nil || err.Error() != dir+" is not a regular file" {
		t.Fatalf("got %v", err)
	}
}
