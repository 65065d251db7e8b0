package tui

import (
	"fmt"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/tui/outline"
)

// selectedLazy is the lazy group at the selected node or the nearest one
// above it (the selection follows the steps onto the members it yields).
func (m *Model) selectedLazy() *canvas.Lazy {
	nodes, _ := outline.At(m.tree.Root(), m.tree.SelectedIndex())
	for i := len(nodes) - 1; i >= 0; i-- {
		if z := outline.LazyTasks(nodes[i].Value); z != nil {
			return z
		}
	}
	return nil
}

// yieldLazy makes the lazy group at (or above) the selected node produce up
// to n more members, as consuming Celery's generator would: their deferred
// hook calls run now and join the trace, and the stepper moves to the new end.
func (m *Model) yieldLazy(n int) {
	z := m.selectedLazy()
	if z == nil {
		m.setStatus("the selected node is not a group built from a generator", true)
		return
	}
	if z.Done() {
		m.setStatus(fmt.Sprintf("this lazy group is exhausted: all %d members were produced", len(z.Consumed())), false)
		return
	}
	before := m.sess.Len()
	made, err := m.sess.Stepper.Produce(z, n)
	m.moved()
	if err != nil {
		m.setStatus(fmt.Sprintf("producing members failed: %v", err), true)
		return
	}
	m.setStatus(fmt.Sprintf("yielded %d members (%d produced so far): %d deferred hook calls ran", made, len(z.Consumed()), m.sess.Len()-before), false)
}
