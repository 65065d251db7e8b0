package replay

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/stampede-dev/stampede/canvas"
)

// LedgerJSON is the ledger as JSON: a list of nodes, each
// {"node", "label", "task", "task_id", "paths", "present", "events"}, every
// event {"event", "key", "op", "op_name", "at", "step", "hook", "visitor",
// "source", "path", "old", "new", "unlisted", "reason"} with the fields that
// do not apply left out. Nodes without events are left out.
func LedgerJSON(l *Ledger) *canvas.List {
	out := &canvas.List{}
	for _, n := range l.Nodes {
		if len(n.Events) == 0 {
			continue
		}
		d := &canvas.Dict{}
		d.Set("node", n.ID)
		d.Set("label", n.Label())
		d.SetKey(canvas.KeyTask, n.Task)
		if n.TaskID != nil {
			d.SetKey(canvas.KeyTaskID, n.TaskID)
		}
		paths := &canvas.List{}
		for _, p := range n.Paths {
			paths.AppendItems(p)
		}
		d.Set("paths", paths)
		d.Set("present", n.Present)
		events := &canvas.List{}
		for _, e := range n.Events {
			events.AppendItems(EventJSON(e))
		}
		d.Set("events", events)
		out.AppendItems(d)
	}
	return out
}

// EventJSON is one event as JSON (see LedgerJSON).
func EventJSON(e Event) *canvas.Dict {
	d := &canvas.Dict{}
	d.Set("event", string(e.Kind))
	if e.Key != "" {
		d.Set("key", e.Key)
	}
	d.Set("op", canvas.Int(strconv.Itoa(e.Op)))
	if e.OpName != "" {
		d.Set("op_name", e.OpName)
	}
	if e.At != "" && e.At != "$" {
		d.Set("at", e.At)
	}
	if e.Step >= 0 {
		d.Set("step", canvas.Int(strconv.Itoa(e.Step)))
	}
	if e.Hook != "" {
		d.Set("hook", e.Hook)
	}
	if e.Visitor != "" {
		d.Set("visitor", e.Visitor)
	}
	if e.Source != "" {
		d.Set("source", e.Source)
	}
	d.Set("path", e.Path)
	if e.HasOld {
		d.Set("old", e.Old)
	}
	if e.HasNew {
		d.Set("new", e.New)
	}
	if e.Unlisted {
		d.Set("unlisted", true)
	}
	if e.Reason != "" {
		d.Set("reason", e.Reason)
	}
	return d
}

// Describe is the event in one line, e.g.
// `mtask_id lost at op 2 (replace at $.tasks[1]): was "m-2": replace(options=…) swaps …`.
func (e Event) Describe() string {
	var b strings.Builder
	if e.Key != "" {
		b.WriteString(e.Key + " ")
	}
	b.WriteString(string(e.Kind))
	if e.Op < 0 {
		b.WriteString(" in the initial canvas")
	} else {
		fmt.Fprintf(&b, " at op %d (%s", e.Op, e.OpName)
		if e.At != "" && e.At != "$" {
			b.WriteString(" at " + e.At)
		}
		b.WriteString(")")
	}
	if e.Step >= 0 {
		fmt.Fprintf(&b, " step %d", e.Step)
	}
	if e.Hook != "" {
		b.WriteString(" " + e.Hook)
		if e.Visitor != "" {
			b.WriteString(" of " + e.Visitor)
		}
	}
	switch e.Source {
	case "headers":
		b.WriteString(" from stamp(**headers)")
	case "stored":
		b.WriteString(" from a stored stamp")
	}
	switch {
	case e.Kind == Removed:
		fmt.Fprintf(&b, " with stamps %s", compactJSON(e.Old))
	case e.Kind == Appeared:
		fmt.Fprintf(&b, " with stamps %s", compactJSON(e.New))
	case e.Kind == Protected && e.HasNew:
		fmt.Fprintf(&b, ": kept %s, refused %s", compactJSON(e.Old), compactJSON(e.New))
	case e.Kind == Protected:
		fmt.Fprintf(&b, ": kept %s", compactJSON(e.Old))
	case e.HasOld && e.HasNew:
		fmt.Fprintf(&b, ": %s → %s", compactJSON(e.Old), compactJSON(e.New))
	case e.HasOld:
		fmt.Fprintf(&b, ": was %s", compactJSON(e.Old))
	case e.HasNew:
		fmt.Fprintf(&b, ": %s", compactJSON(e.New))
	}
	if e.Reason != "" {
		b.WriteString(" — " + e.Reason)
	}
	return b.String()
}

// WriteLedger writes the ledger as text: each node with events, then its
// events one per line.
func WriteLedger(w io.Writer, l *Ledger) error {
	for _, n := range l.Nodes {
		if len(n.Events) == 0 {
			continue
		}
		state := ""
		if !n.Present {
			state = " (removed)"
		}
		where := ""
		if idText(n.TaskID) != "" || len(n.Paths) > 1 {
			where = "  " + strings.Join(n.Paths, ", ")
		}
		if _, err := fmt.Fprintf(w, "%s%s%s\n", n.Label(), where, state); err != nil {
			return err
		}
		for _, e := range n.Events {
			if _, err := fmt.Fprintf(w, "  %s\n", e.Describe()); err != nil {
				return err
			}
		}
	}
	return nil
}

// WriteCheck writes the check report: one line per lost stamp (node, key, op
// and reason), then the protected stamps, the changed ones (summed up per op
// and key past a few nodes), missed header stamps and removed nodes, then a
// summary. It returns the number of losses.
func WriteCheck(w io.Writer, l *Ledger) (int, error) {
	var b strings.Builder
	line := func(kind EventKind, n *NodeHistory, e Event) {
		fmt.Fprintf(&b, "%-9s %s  %s\n", strings.ToUpper(string(kind)), n.Label(), e.Describe())
	}
	for _, kind := range []EventKind{Lost, Protected, Changed, Missed, Removed} {
		type group struct {
			first []Loss
			more  int
		}
		groups := map[string]*group{}
		var order []string
		for _, n := range l.Nodes {
			for _, e := range n.Events {
				if e.Kind != kind {
					continue
				}
				if kind != Changed {
					line(kind, n, e)
					continue
				}
				k := fmt.Sprintf("%d\x00%s", e.Op, e.Key)
				g, ok := groups[k]
				if !ok {
					g = &group{}
					groups[k] = g
					order = append(order, k)
				}
				if len(g.first) < changedShown {
					g.first = append(g.first, Loss{n, e})
				} else {
					g.more++
				}
			}
		}
		for _, k := range order {
			g := groups[k]
			for _, c := range g.first {
				line(kind, c.Node, c.Event)
			}
			if g.more > 0 {
				e := g.first[0].Event
				fmt.Fprintf(&b, "%-9s … and %d more nodes: %s changed at op %d (%s)\n", "CHANGED", g.more, e.Key, e.Op, e.OpName)
			}
		}
	}
	lost := l.Count(Lost)
	fmt.Fprintf(&b, "check: %d lost, %d protected, %d changed, %d missed, %d nodes removed\n",
		lost, l.Count(Protected), l.Count(Changed), l.Count(Missed), l.Count(Removed))
	_, err := io.WriteString(w, b.String())
	return lost, err
}

// changedShown is how many nodes -check lists for one key changed by one op.
const changedShown = 3
