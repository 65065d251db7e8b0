package stamping_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/stamping"
	"github.com/stampede-dev/stampede/visitors"
)

// callbackStamper stamps s="v" on every signature and its callback stamp
// on every callback.
type callbackStamper struct {
	visitors.Base
	callback canvas.Pair
}

func (callbackStamper) Name() string { return "callback-stamper" }

func (callbackStamper) OnSignature(visitors.Target, *canvas.Dict) (canvas.Value, error) {
	return canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("s"), Val: "v"}}), nil
}

func (c callbackStamper) OnCallback(visitors.Target, *canvas.Dict) (canvas.Value, error) {
	return canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: c.callback.Key, Val: canvas.JSONCopy(c.callback.Val)}}), nil
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
// list instead of copying it; the first case checks that the borrowed list
// is copied before the callback's stamp would extend it, the second that
// headers holding another list are deep-copied (under append_stamps the
// callback's list is merged into theirs in place).
//
// The canvas is a group of a (two callbacks, l1 and l2, and an errback,
// e1) and b. Each want is a signature's sorted stamped_headers and the
// stamps they name, as Celery stamps them.
func TestLinkLoopsKeepTheirHeadersApart(t *testing.T) {
	const data = `{"task": "celery.group", "args": [], "kwargs": {"tasks": [
		{"task": "a", "args": [], "kwargs": {}, "subtask_type": null, "immutable": false, "options": {"task_id": "a",
			"link": [{"task": "l1", "args": [], "kwargs": {}, "options": {"task_id": "l1"}, "subtask_type": null, "immutable": false},
			         {"task": "l2", "args": [], "kwargs": {}, "options": {"task_id": "l2"}, "subtask_type": null, "immutable": false}],
			"link_error": [{"task": "e1", "args": [], "kwargs": {}, "options": {"task_id": "e1"}, "subtask_type": null, "immutable": false}]}},
		{"task": "b", "args": [], "kwargs": {}, "options": {"task_id": "b"}, "subtask_type": null, "immutable": false}]},
		"options": {}, "subtask_type": "group", "immutable": false}`
	cases := []struct {
		name     string
		callback canvas.Pair
		headers  string // the **headers of stamp(), as JSON
		append   bool
		want     map[string]string
	}{{
		name:     "a new stamp",
		callback: canvas.Pair{Key: canvas.K("cbk"), Val: "c"},
		want: map[string]string{
			"a":  `[s] s="v"`,
			"l1": `[cbk s] cbk="c" s="v"`,
			"l2": `[cbk s] cbk="c" s="v"`,
			"e1": `[s] s="v"`,
			"b":  `[s] s="v"`,
		},
	}, {
		name:     "a list merged into the headers' list",
		callback: canvas.Pair{Key: canvas.K("tags"), Val: canvas.NewList("cb")},
		headers:  `{"tags": ["x"]}`,
		append:   true,
		want: map[string]string{
			"a":  `[s tags] s="v" tags=["x"]`,
			"l1": `[s tags] s="v" tags=["x", "cb", "cb"]`,
			"l2": `[s tags] s="v" tags=["x", "cb", "cb"]`,
			"e1": `[s tags] s="v" tags=["x"]`,
			"b":  `[s tags] s="v" tags=["x"]`,
		},
	}}
	for _, c := range cases {
		plain := callbackStamper{callback: c.callback}
		for _, v := range []visitors.Visitor{plain, readingCallbackStamper{callbackStamper: plain}} {
			for _, untraced := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%T/untraced=%v", c.name, v, untraced), func(t *testing.T) {
					root, err := canvas.Load([]byte(data))
					if err != nil {
						t.Fatal(err)
					}
					var headers *canvas.Dict
					if c.headers != "" {
						h, err := canvas.Load([]byte(c.headers))
						if err != nil {
							t.Fatal(err)
						}
						headers = h
					}
					opts := stamping.Options{Visitor: v, Append: c.append, Headers: headers, Untraced: untraced}
					if _, err := stamping.Stamp(root, opts); err != nil {
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
					for id, w := range c.want {
						if got[id] != w {
							t.Errorf("%s stamped %s, Celery stamps %s", id, got[id], w)
						}
					}
				})
			}
		}
	}
}

// stampsOf is a signature's sorted stamped_headers and the stamps they
// name, as "[k1 k2] k1=v1 k2=v2" with each value as JSON.
func stampsOf(opts *canvas.Dict) string {
	var keys []string
	if l, ok := opts.Lookup("stamped_headers").(*canvas.List); ok {
		for _, it := range l.Items() {
			keys = append(keys, fmt.Sprint(it))
		}
	}
	slices.Sort(keys)
	var b strings.Builder
	fmt.Fprint(&b, keys)
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%s", k, canvas.MustEncode(opts.Lookup(k)))
	}
	return b.String()
}
