package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestVisitorNewWritesAStarterThatRunsAndNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ arg, file, hooks string }{
		{"audit_trail", "audit_trail.star", "defines on_signature"},
		{"tenant.py", "tenant.py", "visitor TenantVisitor defines on_signature"},
	} {
		t.Run(c.file, func(t *testing.T) {
			path := filepath.Join(dir, c.arg)
			var stdout, stderr bytes.Buffer
			if code := run([]string{"visitor", "new", path}, &stdout, &stderr); code != 0 {
				t.Fatalf("visitor new exited %d: %s", code, stderr.String())
			}
			written := filepath.Join(dir, c.file)
			data, err := os.ReadFile(written)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(data), "VISITORS.md") || !strings.Contains(stdout.String(), "wrote "+written) {
				t.Errorf("starter or message unexpected:\n%s\n%s", data, stdout.String())
			}
			stdout.Reset()
			if code := run([]string{"visitor", "check", written}, &stdout, &stderr); code != 0 {
				t.Fatalf("visitor check on the starter exited %d: %s", code, stderr.String())
			}
			if !strings.Contains(stdout.String(), c.hooks) || !strings.Contains(stdout.String(), "hook calls") {
				t.Errorf("check output: %s", stdout.String())
			}
			stderr.Reset()
			if code := run([]string{"visitor", "new", path}, &stdout, &stderr); code != 1 {
				t.Errorf("a second visitor new exited %d, want 1", code)
			}
			if want := "stampede: visitor new: " + written + " already exists; not overwriting it\n"; stderr.String() != want {
				t.Errorf("stderr = %q, want %q", stderr.String(), want)
			}
			if again, _ := os.ReadFile(written); !bytes.Equal(again, data) {
				t.Error("the existing file was changed")
			}
		})
	}
}

func TestVisitorCheckReportsScriptErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.star")
	if err := os.WriteFile(bad, []byte("def on_signature(sig, **headers):\n    return {\"x\": 1 // 0}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"visitor", "check", bad}, &stdout, &stderr); code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	for _, want := range []string{"compiles, but stamping sample:order.json failed", bad + ":2:20: floored division by zero", "Traceback (most recent call last):"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
	stderr.Reset()
	if code := run([]string{"visitor", "new", filepath.Join(dir, "x.txt")}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "ends in .star (Starlark) or .py") {
		t.Errorf("new x.txt: exit %d, %s", code, stderr.String())
	}
}
