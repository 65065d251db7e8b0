package stamping_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/stamping"
	"github.com/stampede-dev/stampede/visitors"
)

// callbackStamper stamps s on every signature and cbk on every callback.
type callbackStamper struct{ visitors.Base }

func (callbackStamper) Name() string { return "callback-stamper" }

func (callbackStamper) OnSignature(visitors.Target, *canvas.Dict) (canvas.Value, error) {
	return canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("s"), Val: "v"}}), nil
}

func (callbackStamper) OnCallback(visitors.Target, *canvas.Dict) (canvas.Value, error) {
	return canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("cbk"), Val: "c"}}), nil
}

// readingCallbackStamper is callbackStamper as a visitors.HeadersReader,
// which an untraced run hands the headers themselves.
type readingCallbackStamper struct {
	callbackStamper
	visitors.ReadsHeaders
}

// TestLinkLoopsKeepTheirHeadersApart pins what Celery 5.6.2 does when a
// callback's stamp is new to the headers: stamp_links works on a deep
// copy, so the stamp reaches the callbacks but neither the signature
// itself nor its errback. Stamping borrows the headers' stamped_headers
// list instead of copying it; this checks that the borrowed list is copied
// before the callback's stamp would extend it.
//
// Celery's result, for a group of a (two callbacks, an errback) and b:
//
//	a  ['s']         l1 ['cbk', 's']   l2 ['cbk', 's']   e1 ['s']   b ['s']
func TestLinkLoopsKeepTheirHeadersApart(t *testing.T) {
	const data = `{"task": "celery.group", "args": [], "kwargs": {"tasks": [
		{"task": "a", "args": [], "kwargs": {}, "subtask_type": null, "immutable": false, "options": {"task_id": "a",
			"link": [{"task": "l1", "args": [], "kwargs": {}, "options": {"task_id": "l1"}, "subtask_type": null, "immutable": false},
			         {"task": "l2", "args": [], "kwargs": {}, "options": {"task_id": "l2"}, "subtask_type": null, "immutable": false}],
			"link_error": [{"task": "e1", "args": [], "kwargs": {}, "options": {"task_id": "e1"}, "subtask_type": null, "immutable": false}]}},
		{"task": "b", "args": [], "kwargs": {}, "options": {"task_id": "b"}, "subtask_type": null, "immutable": false}]},
		"options": {}, "subtask_type": "group", "immutable": false}`
	want := map[string]string{
		"a":  "[s] s=v",
		"l1": "[cbk s] cbk=c s=v",
		"l2": "[cbk s] cbk=c s=v",
		"e1": "[s] s=v",
		"b":  "[s] s=v",
	}
	for _, v := range []visitors.Visitor{callbackStamper{}, readingCallbackStamper{}} {
		for _, untraced := range []bool{false, true} {
			t.Run(fmt.Sprintf("%T/untraced=%v", v, untraced), func(t *testing.T) {
				root, err := canvas.Load([]byte(data))
				if err != nil {
					t.Fatal(err)
				}
				if _, err := stamping.Stamp(root, stamping.Options{Visitor: v, Untraced: untraced}); err != nil {
					t.Fatal(err)
				}
				got := map[string]string{}
				tasks := root.Lookup("kwargs").(*canvas.Dict).Lookup("tasks").(*canvas.List).Items()
				a := tasks[0].(*canvas.Dict).Lookup("options").(*canvas.Dict)
				got["a"] = stampsOf(a)
				got["b"] = stampsOf(tasks[1].(*canvas.Dict).Lookup("options").(*canvas.Dict))
				for _, key := range []string{"link", "link_error"} {
					for _, l := range a.Lookup(key).(*canvas.List).Items() {
						opts := l.(*canvas.Dict).Lookup("options").(*canvas.Dict)
						got[opts.Lookup("task_id").(string)] = stampsOf(opts)
					}
				}
				for id, w := range want {
					if got[id] != w {
						t.Errorf("%s stamped %q, Celery stamps %q", id, got[id], w)
					}
				}
			})
		}
	}
}

// stampsOf is a signature's sorted stamped_headers and the stamps it
// names, as "[k1 k2] k1=v1 k2=v2".
func stampsOf(opts *canvas.Dict) string {
	var keys []string
	if l, ok := opts.Lookup("stamped_headers").(*canvas.List); ok {
		for _, it := range l.Items() {
			keys = append(keys, fmt.Sprint(it))
		}
	}
	slices.Sort(keys)
	s := fmt.Sprint(keys)
	for _, k := range keys {
		s += fmt.Sprintf(" %s=%v", k, opts.Lookup(k))
	}
	return s
}
