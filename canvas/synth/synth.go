// Package synth builds canvases of any size in memory, the same ones every
// time: the shapes the benchmarks and `stampede bench` measure, and the
// heap measure they share (heap.go).
package synth

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/stampede-dev/stampede/canvas"
)

// Leaf is a leaf signature as signature(dict) holds it after loading: task,
// one int arg i, no kwargs, and a task_id "t-i".
func Leaf(task string, i int) *canvas.Dict {
	return canvas.DictOf(canvas.Signature, []canvas.Pair{
		{Key: canvas.KeyTask, Val: task},
		{Key: canvas.KeyArgs, Val: canvas.NewList([]canvas.Value{canvas.Int(strconv.Itoa(i))}...)},
		{Key: canvas.KeyKwargs, Val: &canvas.Dict{}},
		{Key: canvas.KeyOptions, Val: canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.KeyTaskID, Val: "t-" + strconv.Itoa(i)}})},
		{Key: canvas.KeySubtaskType, Val: nil},
		{Key: canvas.KeyImmutable, Val: false},
	})

}

// Leaves is a list of n leaves of the task proj.add.
func Leaves(n int) *canvas.List {
	l := canvas.NewList(make([]canvas.Value, n)...)
	for i := range l.Items() {
		l.Items()[i] = Leaf("proj.add", i)
	}
	return l
}

// Shapes are the flat shapes Flat builds.
var Shapes = []string{"group", "chain", "chord"}

// Flat is a group, a chain or a chord (its header) of n leaves; the
// chord's body is one more leaf.
func Flat(shape string, n int) (*canvas.Dict, error) {
	switch shape {
	case "group":
		return canvas.NewGroup(Leaves(n)), nil
	case "chain":
		c := canvas.NewChain()
		c.LookupKey(canvas.KeyKwargs).(*canvas.Dict).SetKey(canvas.KeyTasks, Leaves(n))
		return c, nil
	case "chord":
		return canvas.NewChord(Leaves(n), Leaf("proj.xsum", -1))
	}
	return nil, fmt.Errorf("no flat shape %q (%s)", shape, strings.Join(Shapes, ", "))
}

// Nested is a realistic canvas of about n signatures and the exact number
// it holds: a chain of groups of eight chains of two tasks, every task with
// a callback and an errback (so a third of the signatures are tasks, a
// third callbacks and a third errbacks).
func Nested(n int) (*canvas.Dict, int) {
	count := 0
	next := func(task string) *canvas.Dict {
		count++
		s := Leaf(task, count)
		opts := s.LookupKey(canvas.KeyOptions).(*canvas.Dict)
		count++
		opts.SetKey(canvas.KeyLink, canvas.NewList([]canvas.Value{Leaf("proj.log", count)}...))
		count++
		opts.SetKey(canvas.KeyLinkError, canvas.NewList([]canvas.Value{Leaf("proj.err", count)}...))
		return s
	}
	var groups []canvas.Value
	for count < n {
		var members []canvas.Value
		for j := 0; j < 8 && count < n; j++ {
			members = append(members, canvas.NewChain(next("proj.add"), next("proj.mul")))
		}
		groups = append(groups, canvas.NewGroup(canvas.NewList(members...)))
	}
	return canvas.NewChain(groups...), count
}

// NestedJSON is Nested(n) saved as JSON, and the number of signatures it
// holds. Loaded again, its callbacks and errbacks are plain dicts, as they
// are in every canvas Celery has serialised, and stamping turns each into
// a signature on the way.
func NestedJSON(n int) ([]byte, int) {
	c, count := Nested(n)
	data, err := canvas.Encode(c, -1)
	if err != nil {
		panic(err) // a canvas of strings, ints and lists: it always encodes
	}
	return data, count
}

// GroupJSON is a group of n leaf signatures as Celery dumps it, each with a
// task_id, a queue and two int args.
func GroupJSON(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"task": "celery.group", "args": [], "kwargs": {"tasks": [`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, `{"task": "proj.add", "args": [%d, %d], "kwargs": {}, "options": {"task_id": "t-%d", "queue": "q1"}, "subtask_type": null, "immutable": false}`, i, i+1, i)
	}
	b.WriteString(`]}, "options": {"task_id": "g-1"}, "subtask_type": "group", "immutable": false}`)
	return []byte(b.String())
}

// LoadShapes are the canvases whose loaded memory is measured: a flat group
// and the nested canvas.
var LoadShapes = []string{"group", "nested"}

// ShapeJSON is the JSON text of one of LoadShapes with about n signatures,
// and the exact number it holds; nothing else of the canvas stays
// reachable.
func ShapeJSON(shape string, n int) ([]byte, int, error) {
	switch shape {
	case "group":
		return GroupJSON(n), n, nil
	case "nested":
		data, sigs := NestedJSON(n)
		return data, sigs, nil
	}
	return nil, 0, fmt.Errorf("no shape %q to load (%s)", shape, strings.Join(LoadShapes, ", "))
}
