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
func Resolve(spec, dir string) (visitors.Visitor, error) {
	if v, ok := visitors.Builtin(spec); ok {
		return v, nil
	}
	if !strings.HasSuffix(spec, ".star") {
		return nil, fmt.Errorf("unknown visitor %q: not a built-in (%s) and not a .star file",
			spec, strings.Join(visitors.BuiltinNames(), ", "))
	}
	path := spec
	if !filepath.IsAbs(spec) && dir != "" {
		if p := filepath.Join(dir, spec); fileExists(p) {
			path = p
		}
	}
	return Load(path)
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}
