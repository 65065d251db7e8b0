package visitors

import "github.com/stampede-dev/stampede/canvas"

// LinkRole marks every callback and errback with its role and the task it
// hangs from (the signature, chain, group or chord whose link or link_error
// holds it): the task name, and its task_id when it has one. A leaf link is
// marked by its own on_signature; the tasks of a chain, group or chord used
// as a link are marked through that link's start hook, whose stamps Celery
// passes down to them. Other signatures are left alone. Example output, on
// an errback of task t-3 (proj.add):
//
//	"link_role": "errback", "link_parent": "proj.add", "link_parent_id": "t-3"
type LinkRole struct {
	Base
	ReadsHeaders
}

// Name is the visitor's name on the command line.
func (LinkRole) Name() string { return "link-role" }

// marks returns the stamps for t when it is a link, or nil.
func (LinkRole) marks(t Target) *canvas.Dict {
	name, _ := t.Path.Last()
	role := ""
	switch name {
	case "link":
		role = "callback"
	case "link_error":
		role = "errback"
	default:
		return nil
	}
	return stamp(
		canvas.Pair{Key: keyLinkRole, Val: role},
		canvas.Pair{Key: keyLinkParent, Val: TaskName(t.Owner)},
		canvas.Pair{Key: keyLinkParentID, Val: TaskID(t.Owner)},
	)
}

// OnSignature marks a leaf link; other signatures get nothing (None).
func (l LinkRole) OnSignature(t Target, _ *canvas.Dict) (canvas.Value, error) {
	if m := l.marks(t); m != nil {
		return m, nil
	}
	return nil, nil
}

// composite marks a chain, group or chord link, and keeps Celery's default
// for every other composite.
func (l LinkRole) composite(t Target) (canvas.Value, error) {
	if m := l.marks(t); m != nil {
		return m, nil
	}
	return nil, ErrUndefined
}

// OnChainStart marks a chain used as a link.
func (l LinkRole) OnChainStart(t Target, _ *canvas.Dict) (canvas.Value, error) {
	return l.composite(t)
}

// OnGroupStart marks a group used as a link.
func (l LinkRole) OnGroupStart(t Target, _ *canvas.Dict) (canvas.Value, error) {
	return l.composite(t)
}

// OnChordHeaderStart marks a chord used as a link; any other chord gets
// Celery's default (its header wrapped in a group).
func (l LinkRole) OnChordHeaderStart(t Target, _ *canvas.Dict) (canvas.Value, error) {
	return l.composite(t)
}

// The keys LinkRole stamps, made once.
var (
	keyLinkRole     = canvas.K("link_role")
	keyLinkParent   = canvas.K("link_parent")
	keyLinkParentID = canvas.K("link_parent_id")
)
