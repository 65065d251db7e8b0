package visitors

import "github.com/stampede-dev/stampede/canvas"

// Audit adds its label to a `stamped_by` list on every signature: the audit
// trail of the seed documentation, meant for append_stamps=True (`-append`)
// on a canvas that earlier visitors have stamped. Celery extends one list
// with the other, so the stored trail follows this run's entry. Example
// output, on a task already stamped by an earlier "monitoring" run:
//
//	"stamped_by": ["audit", "monitoring"]
type Audit struct {
	Base
	ReadsHeaders
	MakesResults
	// Label is what is added to stamped_by ("audit" when empty).
	Label string
}

// Name is the visitor's name on the command line.
func (Audit) Name() string { return "audit" }

// OnSignature stamps stamped_by: [label].
func (a Audit) OnSignature(Target, *canvas.Dict) (canvas.Value, error) {
	label := a.Label
	if label == "" {
		label = "audit"
	}
	return stamp(canvas.Pair{Key: keyStampedBy, Val: canvas.NewList(label)}), nil
}

// keyStampedBy is the key Audit stamps, made once.
var keyStampedBy = canvas.K("stamped_by")
