package visitors

import (
	"github.com/google/uuid"

	"github.com/stampede-dev/stampede/canvas"
)

// WorkflowID stamps one id, made fresh for each stamp() run, on every
// signature of the canvas, so that all the tasks of one workflow can be found
// together. Example output, on every leaf and link:
//
//	"workflow_id": "0b6b1d8e-3c1f-4f7a-9d0e-5a2b7c9e1f34"
type WorkflowID struct {
	Base
	ReadsHeaders
	MakesResults
	id string
}

// Name is the visitor's name on the command line.
func (*WorkflowID) Name() string { return "workflow-id" }

// Start draws the run's id.
func (w *WorkflowID) Start() error {
	w.id = uuid.NewString()
	return nil
}

// ID is the id of the current (or last) run.
func (w *WorkflowID) ID() string { return w.id }

// OnSignature stamps the run's id.
func (w *WorkflowID) OnSignature(Target, *canvas.Dict) (canvas.Value, error) {
	if w.id == "" {
		w.id = uuid.NewString()
	}
	return stamp(canvas.Pair{Key: keyWorkflowID, Val: w.id}), nil
}

// keyWorkflowID is the key WorkflowID stamps, made once.
var keyWorkflowID = canvas.K("workflow_id")
