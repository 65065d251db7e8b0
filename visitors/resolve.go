package visitors

import "github.com/stampede-dev/stampede/canvas"

// At is the value at path p of the canvas root, following the steps as
// the traversal names them (tasks[i] of a chain or group, header[i] of a
// chord, its group-wrapped header included, body, link[i], link_error[i]),
// or nil when a step is missing. Members of a lazy group not produced yet
// are missing.
func At(root canvas.Value, p Path) canvas.Value {
	steps := make([]*pathNode, p.Depth())
	for n := p.n; n != nil; n = n.parent {
		steps[n.depth-1] = n
	}
	v := root
	for _, s := range steps {
		d, ok := v.(*canvas.Dict)
		if !ok {
			return nil
		}
		var next canvas.Value
		switch s.name {
		case "tasks", "header":
			kw, _ := d.Lookup("kwargs").(*canvas.Dict)
			if kw == nil {
				return nil
			}
			next = kw.Lookup(s.name)
			if g, ok := next.(*canvas.Dict); ok && s.name == "header" && s.index >= 0 {
				next = nil // a header held as a group: its tasks
				if gk, ok := g.Lookup("kwargs").(*canvas.Dict); ok {
					next = gk.Lookup("tasks")
				}
			}
		case "body":
			kw, _ := d.Lookup("kwargs").(*canvas.Dict)
			if kw == nil {
				return nil
			}
			next = kw.Lookup("body")
		case "link", "link_error":
			opts, _ := d.Lookup("options").(*canvas.Dict)
			if opts == nil {
				return nil
			}
			next = opts.Lookup(s.name)
		default:
			return nil
		}
		if s.index >= 0 {
			next = item(next, int(s.index))
		}
		if next == nil {
			return nil
		}
		v = next
	}
	return v
}

// item is the i-th member of a list, a tuple, a lazy group's produced
// members or (for links) a single signature, or nil.
func item(v canvas.Value, i int) canvas.Value {
	var items []canvas.Value
	switch x := v.(type) {
	case *canvas.Lazy:
		items = x.Consumed()
	default:
		items = canvas.MaybeList(v)
	}
	if i < 0 || i >= len(items) {
		return nil
	}
	return items[i]
}
