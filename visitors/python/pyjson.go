package python

import (
	"go.starlark.net/starlark"

	"github.com/stampede-dev/stampede/visitors/script"
)

// jsonDumps is json.dumps with Python's options and text.
func jsonDumps(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	text, err := script.PyDumps(args, kwargs, script.FromStarlark)
	if err != nil {
		return nil, err
	}
	return starlark.String(text), nil
}
