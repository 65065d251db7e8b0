package replay

import (
	"github.com/stampede-dev/stampede/canvas"
)

// NodeDiff is how one node's stamps differ between two canvases A and B.
type NodeDiff struct {
	// A and B are the node in each canvas; one is nil when the node is in
	// only one of them.
	A, B *Node
	// Added are stamps only in B, Removed stamps only in A (Unlisted says
	// the value is still in B's options, no longer listed), Changed stamps
	// in both with different values.
	Added   []KeyValue
	Removed []KeyValue
	Changed []KeyChange
}

// KeyValue is one stamp.
type KeyValue struct {
	Key      string
	Value    canvas.Value
	Unlisted bool
}

// KeyChange is one stamp whose value differs.
type KeyChange struct {
	Key      string
	Old, New canvas.Value
}

// Empty reports whether the node's stamps are the same in both canvases.
func (d *NodeDiff) Empty() bool {
	return d.A != nil && d.B != nil && len(d.Added)+len(d.Removed)+len(d.Changed) == 0
}

// Diff compares the stamps of two canvases node by node. Nodes are matched
// by task_id (their identity, see Identify), then by path when one of the
// two has no task_id; a node found in only one canvas is reported with all
// its stamps. The result lists A's
// nodes in order, then the nodes only in B; nodes whose stamps are equal
// are left out.
func Diff(a, b *canvas.Dict) []NodeDiff {
	na, nb := Nodes(a), Nodes(b)
	byID := make(map[string]*Node, len(nb))
	byPath := make(map[string]*Node, len(nb))
	for _, n := range nb {
		byID[n.ID] = n
		for _, p := range n.Paths {
			if _, ok := byPath[p]; !ok {
				byPath[p] = n
			}
		}
	}
	matched := make(map[*Node]bool, len(nb))
	pairs := make([][2]*Node, 0, len(na))
	for _, n := range na {
		if m, ok := byID[n.ID]; ok && !matched[m] {
			matched[m] = true
			pairs = append(pairs, [2]*Node{n, m})
			continue
		}
		pairs = append(pairs, [2]*Node{n, nil})
	}
	for i := range pairs {
		n := pairs[i][0]
		if pairs[i][1] != nil {
			continue
		}
		for _, p := range n.Paths {
			// Two different task_ids are two different tasks, wherever
			// they sit.
			if m, ok := byPath[p]; ok && !matched[m] && (idText(n.TaskID()) == "" || idText(m.TaskID()) == "") {
				matched[m] = true
				pairs[i][1] = m
				break
			}
		}
	}
	for _, m := range nb {
		if !matched[m] {
			pairs = append(pairs, [2]*Node{nil, m})
		}
	}
	var out []NodeDiff
	for _, p := range pairs {
		d := NodeDiff{A: p[0], B: p[1]}
		sa, sb := emptyStamps(), emptyStamps()
		if p[0] != nil {
			sa = StampsOf(p[0].Sig)
		}
		if p[1] != nil {
			sb = StampsOf(p[1].Sig)
		}
		diffStamps(sa, sb, func(kind EventKind, key string, old, nw canvas.Value, _, _, unlisted bool) {
			switch kind {
			case Added:
				d.Added = append(d.Added, KeyValue{Key: key, Value: nw})
			case Lost:
				d.Removed = append(d.Removed, KeyValue{Key: key, Value: old, Unlisted: unlisted && p[1] != nil})
			case Changed:
				d.Changed = append(d.Changed, KeyChange{Key: key, Old: old, New: nw})
			}
		})
		if d.Empty() {
			continue
		}
		if (d.A == nil || d.B == nil) && len(d.Added)+len(d.Removed) == 0 {
			// A node without stamps on one side only: still a difference of
			// the canvas, but not of its stamps.
			continue
		}
		out = append(out, d)
	}
	return out
}
