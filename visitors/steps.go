package visitors

// StepCounter is implemented by visitors that run scripts with a step
// budget (Starlark and Python visitors): LastSteps is the number of
// interpreter steps the most recent hook call took, so a trace can show the
// cost of every hook next to its budget.
type StepCounter interface {
	LastSteps() uint64
	StepBudget() uint64
}
