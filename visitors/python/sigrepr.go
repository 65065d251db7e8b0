package python

import (
	"fmt"
	"strings"

	"github.com/stampede-dev/stampede/canvas"
)

// repr(sig) and str(sig) as Celery 5.6.2 writes them, so that a visitor's
// log lines and any stamp made from them read as they do under Celery:
// add(2, 2) for a task, a | b for a chain, group([a, b]), %body(header)
// for a chord, with a task's module left out after its first mention
// (celery.utils.text.remove_repeating_from_task).

// celeryRepr is Python's repr of a canvas value in which signatures are
// Celery's Signature objects.
func celeryRepr(v canvas.Value) string { return reprAt(v, -1) }

func writeCeleryRepr(b *strings.Builder, v canvas.Value, depth int) {
	if depth > 100 {
		b.WriteString("...")
		return
	}
	switch x := v.(type) {
	case *canvas.Dict:
		if x.Class().IsSignature() {
			b.WriteString(sigRepr(x, depth))
			return
		}
		b.WriteByte('{')
		for i, p := range x.Pairs() {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(quote(p.Key.String()))
			b.WriteString(": ")
			writeCeleryRepr(b, p.Val, depth+1)
		}
		b.WriteByte('}')
	case *canvas.List:
		open, end := "[", "]"
		if x.Tuple() {
			open, end = "(", ")"
		}
		b.WriteString(open)
		for i, it := range x.Items() {
			if i > 0 {
				b.WriteString(", ")
			}
			writeCeleryRepr(b, it, depth+1)
		}
		if x.Tuple() && x.Len() == 1 {
			b.WriteByte(',')
		}
		b.WriteString(end)
	case *canvas.Lazy:
		b.WriteString("<generator object>")
	case string:
		b.WriteString(quote(x))
	default:
		b.WriteString(canvas.Repr(v))
	}
}

// sigRepr is Signature.__repr__ and its subclasses' for the signature d.
func sigRepr(d *canvas.Dict, depth int) string {
	kw := kwargsOf(d)
	switch d.Class() {
	case canvas.Chain:
		tasks := items(kw.Lookup("tasks"))
		if len(tasks) == 0 {
			return fmt.Sprintf("<_chain@%p: empty>", d)
		}
		parts := make([]string, len(tasks))
		for i, t := range tasks {
			parts[i] = reprAt(t, depth)
		}
		return removeRepeating(taskOf(tasks[0]), strings.Join(parts, " | "))
	case canvas.Group:
		tasks := kw.Lookup("tasks")
		if len(items(tasks)) == 0 {
			return "group(<empty>)"
		}
		return removeRepeating(taskOf(items(tasks)[0]), "group("+reprAt(tasks, depth)+")")
	case canvas.Chord:
		header := kw.Lookup("header")
		body, _ := kw.Lookup("body").(*canvas.Dict)
		if body == nil {
			return "<chord without body: " + reprAt(header, depth) + ">"
		}
		if body.Class() == canvas.Chain {
			tasks := items(kwargsOf(body).Lookup("tasks"))
			if len(tasks) > 0 {
				first, _ := tasks[0].(*canvas.Dict)
				rest := fmt.Sprintf("<chain@%p: empty>", body) // Celery prints the id() of a new chain
				if len(tasks) > 1 {
					parts := make([]string, len(tasks)-1)
					for i, t := range tasks[1:] {
						parts[i] = reprAt(t, depth)
					}
					rest = removeRepeating(taskOf(tasks[1]), strings.Join(parts, " | "))
				}
				return removeRepeating(taskOf(tasks[0]), "%("+reprCall(first, header, depth)+" | "+rest+")")
			}
		}
		return "%" + removeRepeating(taskOf(body), reprCall(body, header, depth))
	case canvas.XMap, canvas.XStarMap:
		// Celery reads task.task: a map made in Python holds a Signature
		// there. One loaded from JSON holds a dict, and Celery's repr
		// fails with AttributeError; this one writes the name anyway.
		task, _ := kw.Lookup("task").(*canvas.Dict)
		star := ""
		if d.Class() == canvas.XStarMap {
			star = "*"
		}
		return fmt.Sprintf("[%s(%sx) for x in %s]", taskOf(task), star, truncate(reprAt(kw.Lookup("it"), depth), 100))
	}
	return reprCall(d, nil, depth)
}

// kwargsOf is a signature's kwargs dict, or an empty one when it has none
// (a canvas that does not load as Celery's would).
func kwargsOf(d *canvas.Dict) *canvas.Dict {
	if kw, ok := d.Lookup("kwargs").(*canvas.Dict); ok {
		return kw
	}
	return &canvas.Dict{}
}

// reprCall is Signature.reprcall(first): task(args, kwargs), with first
// (a chord's header) put before the signature's own arguments.
func reprCall(d *canvas.Dict, first canvas.Value, depth int) string {
	if d == nil {
		return "None()"
	}
	var parts []string
	if first != nil {
		parts = append(parts, reprAt(first, depth))
	}
	for _, a := range items(d.Lookup("args")) {
		parts = append(parts, reprAt(a, depth))
	}
	if kw, ok := d.Lookup("kwargs").(*canvas.Dict); ok {
		for _, p := range kw.Pairs() {
			parts = append(parts, p.Key.String()+"="+reprAt(p.Val, depth))
		}
	}
	name, _ := d.Lookup("task").(string)
	if name == "" && d.Lookup("task") == nil {
		name = "None"
	}
	return name + "(" + strings.Join(parts, ", ") + ")"
}

// reprAt is celeryRepr of a value nested one level below depth.
func reprAt(v canvas.Value, depth int) string {
	var b strings.Builder
	writeCeleryRepr(&b, v, depth+1)
	return b.String()
}

// items is a list's or tuple's members (nil for anything else).
func items(v canvas.Value) []canvas.Value {
	if l, ok := v.(*canvas.List); ok {
		return l.Items()
	}
	return nil
}

// taskOf is a signature's task name as str() gives it.
func taskOf(v canvas.Value) string {
	d, ok := v.(*canvas.Dict)
	if !ok {
		return "None"
	}
	if s, ok := d.Lookup("task").(string); ok {
		return s
	}
	return canvas.Repr(d.Lookup("task"))
}

// removeRepeating is remove_repeating_from_task(task, s): the module of
// task ("proj." of "proj.add") is kept where s first names it and removed
// after.
func removeRepeating(task, s string) string {
	module := ""
	if i := strings.LastIndexByte(task, '.'); i >= 0 {
		module = task[:i]
	}
	module += "."
	i := strings.Index(s, module)
	if i < 0 {
		return s
	}
	end := i + len(module)
	return s[:end] + strings.ReplaceAll(s[end:], module, "")
}

// truncate is celery.utils.text.truncate(s, maxlen).
func truncate(s string, maxlen int) string {
	if len(s) >= maxlen {
		cut := s[:maxlen]
		if i := strings.LastIndexByte(cut, ' '); i >= 0 {
			cut = cut[:i]
		}
		return cut + "..."
	}
	return s
}
