package script

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/stampede-dev/stampede/visitors"
)

// Resolve returns the visitor a user named: a built-in visitor's name, or a
// .star file (a relative path is looked up in dir first, then as given).
// Python visitor files are resolved by visitors/python.Resolve, which also
// accepts everything Resolve does.
func Resolve(spec, dir string) (visitors.Visitor, error) {
	if v, ok := visitors.Builtin(spec); ok {
		return v, nil
	}
	if !strings.HasSuffix(spec, ".star") {
		return nil, fmt.Errorf("unknown visitor %q: not a built-in (%s) and not a .star file",
			spec, strings.Join(visitors.BuiltinNames(), ", "))
	}
	return Load(Find(spec, dir))
}

// Find is where a visitor file named spec is: dir/spec when dir is given,
// spec is relative and that file exists; else spec as given.
func Find(spec, dir string) string {
	if !filepath.IsAbs(spec) && dir != "" {
		if p := filepath.Join(dir, spec); fileExists(p) {
			return p
		}
	}
	return spec
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}
