package picker

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stampede-dev/stampede/visitors"
)

func TestDiscoverListsBuiltinsAndScriptsOnce(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(a, "one.star"), nil, 0o644)
	os.WriteFile(filepath.Join(a, "two.star"), nil, 0o644)
	os.WriteFile(filepath.Join(a, "not-a-visitor.json"), nil, 0o644)
	os.WriteFile(filepath.Join(b, "three.star"), nil, 0o644)
	extra := filepath.Join(t.TempDir(), "elsewhere.star")
	items := Discover(extra, a, b, a)
	var names []string
	for _, it := range items {
		names = append(names, it.Name)
	}
	nb := len(visitors.BuiltinNames())
	want := append(visitors.BuiltinNames(), "one.star", "two.star", "three.star", "elsewhere.star")
	if len(items) != nb+4 {
		t.Fatalf("items %v, want %v", names, want)
	}
	for i, w := range want {
		if names[i] != w {
			t.Fatalf("items %v, want %v", names, want)
		}
	}
	if items[nb].Spec != filepath.Join(a, "one.star") {
		t.Fatalf("spec %q", items[nb].Spec)
	}
}
