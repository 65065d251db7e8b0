package stamping

import (
	"errors"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/visitors"
)

// NodeError is a failure of Celery's own code during the traversal, placed
// at the node whose stamp() raised it: the node a user has to fix, which
// may be a child of the node the last hook visited.
type NodeError struct {
	Path string // the node's path in the stamped canvas
	Err  error
}

func (e *NodeError) Error() string { return "at " + e.Path + ": " + e.Err.Error() }

func (e *NodeError) Unwrap() error { return e.Err }

// placeAt places err at the node at path, unless a deeper node or a hook
// already placed it. A canvas.PathError (from loading a stored dict) is
// relative to that node and becomes part of the path.
func placeAt(err error, path visitors.Path) error {
	var ne *NodeError
	var he *visitors.HookError
	if errors.As(err, &ne) || errors.As(err, &he) {
		return err
	}
	var pe *canvas.PathError
	if errors.As(err, &pe) && len(pe.Path) > 0 && pe.Path[0] == '$' {
		return &NodeError{Path: path.String() + pe.Path[1:], Err: pe.Err}
	}
	return &NodeError{Path: path.String(), Err: err}
}
