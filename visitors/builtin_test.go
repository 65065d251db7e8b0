package visitors_test

import (
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/stamping"
	"github.com/stampede-dev/stampede/visitors"
)

// workflow is testdata/workflow.json: a chain (t-0) of
//
//	t-1 proj.add  with callback t-2 and errback t-3
//	t-4 chord: header [t-5, group t-6 [t-7, t-8]], body t-9 with errback t-10
//	t-11 chain [t-12, t-13] with a group callback t-14 [t-15, t-16]
func workflow(t *testing.T) *canvas.Dict {
	t.Helper()
	data, err := os.ReadFile("testdata/workflow.json")
	if err != nil {
		t.Fatal(err)
	}
	c, err := canvas.Load(data)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var leafIDs = []string{"t-1", "t-2", "t-3", "t-5", "t-7", "t-8", "t-9", "t-10", "t-12", "t-13", "t-15", "t-16"}

// stampWith stamps the workflow and returns each leaf's options by task_id.
func stampWith(t *testing.T, v visitors.Visitor, opts stamping.Options) map[string]*canvas.Dict {
	t.Helper()
	c := workflow(t)
	return stampCanvas(t, c, v, opts)
}

func stampCanvas(t *testing.T, c *canvas.Dict, v visitors.Visitor, opts stamping.Options) map[string]*canvas.Dict {
	t.Helper()
	opts.Visitor = v
	if _, err := stamping.Stamp(c, opts); err != nil {
		t.Fatalf("stamp with %s: %v", v.Name(), err)
	}
	data, err := canvas.Encode(c, -1)
	if err != nil {
		t.Fatal(err)
	}
	out, err := canvas.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	leaves := map[string]*canvas.Dict{}
	var walk func(v canvas.Value)
	walk = func(v canvas.Value) {
		switch x := v.(type) {
		case *canvas.Dict:
			if opts, ok := x.Lookup("options").(*canvas.Dict); ok && x.Has("task") && x.Lookup("subtask_type") == nil {
				if id, ok := opts.Lookup("task_id").(string); ok {
					leaves[id] = opts
				}
			}
			for _, p := range x.Pairs() {
				walk(p.Val)
			}
		case *canvas.List:
			for _, it := range x.Items() {
				walk(it)
			}
		}
	}
	walk(out)
	return leaves
}

func builtin(t *testing.T, name string) visitors.Visitor {
	t.Helper()
	v, ok := visitors.Builtin(name)
	if !ok {
		t.Fatalf("no built-in visitor %q", name)
	}
	if v.Name() != name {
		t.Fatalf("built-in %q calls itself %q", name, v.Name())
	}
	return v
}

func TestEveryBuiltinIsListedWithADescription(t *testing.T) {
	want := []string{"audit", "depth", "link-role", "monitoring-id", "path", "static", "traceparent", "workflow-id"}
	got := visitors.BuiltinNames()
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("BuiltinNames() = %v, want %v", got, want)
	}
	for _, n := range got {
		if doc := visitors.BuiltinDoc(n); len(doc) < 20 || strings.Contains(doc, "\n") {
			t.Errorf("%s: one-line description missing or too short: %q", n, doc)
		}
		builtin(t, n)
	}
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestMonitoringIDGivesEverySignatureItsOwnUUID(t *testing.T) {
	leaves := stampWith(t, builtin(t, "monitoring-id"), stamping.Options{})
	seen := map[string]string{}
	for _, id := range leafIDs {
		m, ok := leaves[id].Lookup("mtask_id").(string)
		if !ok || !uuidRE.MatchString(m) {
			t.Errorf("%s: mtask_id = %v, want a uuid4", id, leaves[id].Lookup("mtask_id"))
			continue
		}
		if other, dup := seen[m]; dup {
			t.Errorf("%s and %s share mtask_id %s", other, id, m)
		}
		seen[m] = id
	}
}

func TestWorkflowIDIsOneIDPerRun(t *testing.T) {
	v := builtin(t, "workflow-id")
	first := stampWith(t, v, stamping.Options{})
	id, _ := first["t-1"].Lookup("workflow_id").(string)
	if !uuidRE.MatchString(id) {
		t.Fatalf("workflow_id = %q, want a uuid4", id)
	}
	for _, leaf := range leafIDs {
		if got := first[leaf].Lookup("workflow_id"); got != id {
			t.Errorf("%s: workflow_id = %v, want the run's %s", leaf, got, id)
		}
	}
	second := stampWith(t, v, stamping.Options{})
	if again := second["t-1"].Lookup("workflow_id"); again == id {
		t.Errorf("a second run reused the first run's workflow_id %s", id)
	}
}

func TestStaticStampsTheGivenHeadersOnEverySignatureAsSeparateValues(t *testing.T) {
	headers, err := canvas.Decode([]byte(`{"tenant": "acme", "tags": ["a", "b"]}`))
	if err != nil {
		t.Fatal(err)
	}
	v := visitors.NewStatic(headers.(*canvas.Dict))
	c := workflow(t)
	if _, err := stamping.Stamp(c, stamping.Options{Visitor: v}); err != nil {
		t.Fatal(err)
	}
	// Collect the live (not re-decoded) tags lists: each must be its own object.
	lists := map[*canvas.List]string{}
	var walk func(v canvas.Value)
	walk = func(v canvas.Value) {
		switch x := v.(type) {
		case *canvas.Dict:
			if opts, ok := x.Lookup("options").(*canvas.Dict); ok && x.Lookup("subtask_type") == nil {
				id, _ := opts.Lookup("task_id").(string)
				if opts.Lookup("tenant") != "acme" {
					t.Errorf("%s: tenant = %v, want acme", id, opts.Lookup("tenant"))
				}
				tags, ok := opts.Lookup("tags").(*canvas.List)
				if !ok || canvas.MustEncode(tags) != `["a", "b"]` {
					t.Errorf("%s: tags = %v", id, canvas.MustEncode(opts.Lookup("tags")))
				} else if other, shared := lists[tags]; shared {
					t.Errorf("%s and %s share one tags list", other, id)
				} else {
					lists[tags] = id
				}
			}
			for _, p := range x.Pairs() {
				walk(p.Val)
			}
		case *canvas.List:
			for _, it := range x.Items() {
				walk(it)
			}
		}
	}
	walk(c)
	if len(lists) != len(leafIDs) {
		t.Errorf("%d signatures got tags, want %d", len(lists), len(leafIDs))
	}
	if got := stampWith(t, builtin(t, "static"), stamping.Options{}); got["t-1"].Has("tenant") {
		t.Errorf("the registry's static visitor has no headers, but stamped %v", canvas.MustEncode(got["t-1"]))
	}
}

func TestPathNamesEachSignaturesPosition(t *testing.T) {
	leaves := stampWith(t, builtin(t, "path"), stamping.Options{})
	want := map[string]string{
		"t-1": "chain[0]", "t-2": "chain[0].link[0]", "t-3": "chain[0].link_error[0]",
		"t-5": "chain[1].header[0]", "t-7": "chain[1].header[1][0]", "t-8": "chain[1].header[1][1]",
		"t-9": "chain[1].body", "t-10": "chain[1].body.link_error[0]",
		"t-12": "chain[2][0]", "t-13": "chain[2][1]", "t-15": "chain[2].link[0][0]", "t-16": "chain[2].link[0][1]",
	}
	for id, p := range want {
		if got := leaves[id].Lookup("path"); got != p {
			t.Errorf("%s: path = %v, want %s", id, got, p)
		}
	}
	// A root signature is named by its kind, and its links from there.
	leaf, err := canvas.Load([]byte(`{"task": "proj.add", "args": [], "kwargs": {}, "options": {"task_id": "r", "link": [{"task": "proj.log", "args": [], "kwargs": {}, "options": {"task_id": "l"}, "subtask_type": null, "immutable": false}]}, "subtask_type": null, "immutable": false}`))
	if err != nil {
		t.Fatal(err)
	}
	got := stampCanvas(t, leaf, &visitors.NodePath{}, stamping.Options{})
	if got["r"].Lookup("path") != "signature" || got["l"].Lookup("path") != "signature.link[0]" {
		t.Errorf("root signature paths: %v and %v", got["r"].Lookup("path"), got["l"].Lookup("path"))
	}
}

func TestDepthCountsNestingLevels(t *testing.T) {
	leaves := stampWith(t, builtin(t, "depth"), stamping.Options{})
	want := map[string]string{
		"t-1": "1", "t-2": "2", "t-3": "2", "t-5": "2", "t-7": "3", "t-8": "3",
		"t-9": "2", "t-10": "3", "t-12": "2", "t-13": "2", "t-15": "3", "t-16": "3",
	}
	for id, d := range want {
		if got := leaves[id].Lookup("depth"); got != canvas.Int(d) {
			t.Errorf("%s: depth = %v, want %s", id, got, d)
		}
	}
}

var traceparentRE = regexp.MustCompile(`^00-([0-9a-f]{32})-([0-9a-f]{16})-01$`)

func TestTraceparentSpansFormOneConsistentTree(t *testing.T) {
	v := builtin(t, "traceparent")
	leaves := stampWith(t, v, stamping.Options{})
	trace := ""
	span := map[string]string{}   // leaf → its own span
	parent := map[string]string{} // leaf → its parent span
	for _, id := range leafIDs {
		tp, _ := leaves[id].Lookup("traceparent").(string)
		m := traceparentRE.FindStringSubmatch(tp)
		if m == nil {
			t.Fatalf("%s: traceparent = %q, want 00-<32 hex>-<16 hex>-01", id, tp)
		}
		if m[1] == strings.Repeat("0", 32) || m[2] == strings.Repeat("0", 16) {
			t.Errorf("%s: all-zero id in %s", id, tp)
		}
		if trace == "" {
			trace = m[1]
		} else if m[1] != trace {
			t.Errorf("%s: trace id %s, want the run's %s", id, m[1], trace)
		}
		span[id] = m[2]
		p, _ := leaves[id].Lookup("parent_span_id").(string)
		if len(p) != 16 {
			t.Errorf("%s: parent_span_id = %q", id, p)
		}
		parent[id] = p
	}
	if tv, ok := v.(*visitors.Traceparent); !ok || tv.TraceID() != trace {
		t.Errorf("TraceID() does not name the stamped trace %s", trace)
	}
	// Links hang from the signature they are attached to.
	for link, owner := range map[string]string{"t-2": "t-1", "t-3": "t-1", "t-10": "t-9"} {
		if parent[link] != span[owner] {
			t.Errorf("%s: parent span %s, want %s's span %s", link, parent[link], owner, span[owner])
		}
	}
	// Siblings share their container's span; containers differ.
	same := [][]string{{"t-1"}, {"t-5", "t-9"}, {"t-7", "t-8"}, {"t-12", "t-13"}, {"t-15", "t-16"}}
	containers := map[string]string{}
	for _, group := range same {
		p := parent[group[0]]
		for _, id := range group[1:] {
			if parent[id] != p {
				t.Errorf("%s and %s sit in one container but name parents %s and %s", group[0], id, p, parent[id])
			}
		}
		if other, dup := containers[p]; dup {
			t.Errorf("containers of %s and %s share span %s", other, group[0], p)
		}
		containers[p] = group[0]
	}
	// Every span is unique: no leaf's span is another node's.
	all := map[string]bool{}
	for _, s := range span {
		all[s] = true
	}
	for p := range containers {
		all[p] = true
	}
	if len(all) != len(span)+len(containers) {
		t.Errorf("%d distinct spans for %d nodes", len(all), len(span)+len(containers))
	}
	// A root signature has no parent span; a new run is a new trace.
	leaf, err := canvas.Load([]byte(`{"task": "proj.add", "args": [], "kwargs": {}, "options": {"task_id": "r"}, "subtask_type": null, "immutable": false}`))
	if err != nil {
		t.Fatal(err)
	}
	root := stampCanvas(t, leaf, v, stamping.Options{})["r"]
	if root.Has("parent_span_id") {
		t.Errorf("root signature got parent_span_id %v", root.Lookup("parent_span_id"))
	}
	if m := traceparentRE.FindStringSubmatch(root.Lookup("traceparent").(string)); m == nil || m[1] == trace {
		t.Errorf("second run: traceparent %v reuses trace %s", root.Lookup("traceparent"), trace)
	}
}

func TestLinkRoleMarksCallbacksAndErrbacks(t *testing.T) {
	c := workflow(t)
	leaves := stampCanvas(t, c, builtin(t, "link-role"), stamping.Options{})
	want := map[string][3]any{
		"t-2":  {"callback", "proj.add", "t-1"},
		"t-3":  {"errback", "proj.add", "t-1"},
		"t-10": {"errback", "proj.xsum", "t-9"},
		"t-15": {"callback", "celery.chain", "t-11"}, // members of a group used as a callback
		"t-16": {"callback", "celery.chain", "t-11"},
	}
	for _, id := range leafIDs {
		opts := leaves[id]
		w, isLink := want[id]
		if !isLink {
			if opts.Has("link_role") {
				t.Errorf("%s is not a link but got link_role %v", id, opts.Lookup("link_role"))
			}
			continue
		}
		got := [3]any{opts.Lookup("link_role"), opts.Lookup("link_parent"), opts.Lookup("link_parent_id")}
		if got != w {
			t.Errorf("%s: link marks %v, want %v", id, got, w)
		}
	}
	// Chords that are not links keep Celery's default: the header is wrapped.
	chord := c.Lookup("kwargs").(*canvas.Dict).Lookup("tasks").(*canvas.List).Items()[1].(*canvas.Dict)
	header, _ := chord.Lookup("kwargs").(*canvas.Dict).Lookup("header").(*canvas.Dict)
	if header == nil || header.Lookup("subtask_type") != "group" {
		t.Errorf("chord header = %s, want it wrapped in a group by the default hook", canvas.MustEncode(chord.Lookup("kwargs")))
	}
}

func TestAuditAppendsToTheStampedByTrail(t *testing.T) {
	c := workflow(t)
	first := stampCanvas(t, c, visitors.Audit{Label: "monitoring"}, stamping.Options{})
	if got := canvas.MustEncode(first["t-1"].Lookup("stamped_by")); got != `["monitoring"]` {
		t.Fatalf("first run: stamped_by = %s", got)
	}
	second := stampCanvas(t, c, builtin(t, "audit"), stamping.Options{Append: true})
	for _, id := range leafIDs {
		if got := canvas.MustEncode(second[id].Lookup("stamped_by")); got != `["audit", "monitoring"]` {
			t.Errorf("%s: stamped_by = %s, want [\"audit\", \"monitoring\"]", id, got)
		}
	}
}

// TestBuiltinsOnlyReadTheirHeaders checks that every built-in visitor is a
// HeadersReader, and is one: no hook changes the headers it is given, nor
// the list and the dict inside them, nor returns any of them.
func TestBuiltinsOnlyReadTheirHeaders(t *testing.T) {
	c := workflow(t)
	tasks := c.Lookup("kwargs").(*canvas.Dict).Lookup("tasks").(*canvas.List)
	targets := []visitors.Target{
		{Value: c, Path: visitors.Root()},
		{Value: tasks.Items()[0], Path: visitors.Root().Index("tasks", 0), Depth: 1, Parent: visitors.Root(), Owner: c},
	}
	for _, name := range visitors.BuiltinNames() {
		v, _ := visitors.Builtin(name)
		if _, ok := v.(visitors.HeadersReader); !ok {
			t.Errorf("%s is not a visitors.HeadersReader", name)
			continue
		}
		headers, err := canvas.Decode([]byte(`{"origin": "cli", "stamped_by": ["audit"], "nested": {"k": [1]}, "stamped_headers": ["origin", "stamped_by", "nested"]}`))
		if err != nil {
			t.Fatal(err)
		}
		before, _ := canvas.Encode(headers, -1)
		for _, tg := range targets {
			for h := visitors.Hook(0); h < visitors.NumHooks; h++ {
				ret, err := visitors.Call(v, h, tg, headers.(*canvas.Dict))
				if err != nil && !errors.Is(err, visitors.ErrUndefined) {
					t.Fatalf("%s %s: %v", name, h, err)
				}
				if shared := sharedContainer(ret, headers); shared != nil {
					t.Fatalf("%s %s returned a part of its headers: %v", name, h, shared)
				}
				if after, _ := canvas.Encode(headers, -1); string(after) != string(before) {
					t.Fatalf("%s %s changed its headers:\n%s\nto\n%s", name, h, before, after)
				}
			}
		}
	}
}

// sharedContainer is a dict or list of ret that is also in headers (the
// same one, not an equal one), or nil.
func sharedContainer(ret, headers canvas.Value) canvas.Value {
	in := map[canvas.Value]bool{}
	var walk func(v canvas.Value, visit func(canvas.Value) bool) canvas.Value
	walk = func(v canvas.Value, visit func(canvas.Value) bool) canvas.Value {
		var items []canvas.Value
		switch x := v.(type) {
		case *canvas.Dict:
			for _, p := range x.Pairs() {
				items = append(items, p.Val)
			}
		case *canvas.List:
			items = x.Items()
		default:
			return nil
		}
		if visit(v) {
			return v
		}
		for _, it := range items {
			if found := walk(it, visit); found != nil {
				return found
			}
		}
		return nil
	}
	walk(headers, func(v canvas.Value) bool { in[v] = true; return false })
	return walk(ret, func(v canvas.Value) bool { return in[v] })
}

// TestResultMakersReturnNothingOfTheCanvas checks the promise of every
// built-in that is a visitors.ResultMaker, on a canvas whose task names,
// task_ids and args are dicts and lists: no hook returns a part of the
// node it visits, of the node that node hangs from, or of its headers.
// link-role returns its owner's task and task_id as they are, so it is
// not one, and the test shows it would break the promise.
func TestResultMakersReturnNothingOfTheCanvas(t *testing.T) {
	c, err := canvas.Load([]byte(`{"task": {"name": "proj.chain"}, "args": [[1]], "kwargs": {"tasks": [
		{"task": ["proj", "a"], "args": [{"n": 1}], "kwargs": {"k": [2]}, "options": {"task_id": {"id": 1},
			"link": [{"task": {"name": "proj.cb"}, "args": [], "kwargs": {}, "options": {"task_id": ["cb"]}, "subtask_type": null, "immutable": false}]},
		 "subtask_type": null, "immutable": false}]},
		"options": {"task_id": ["root"]}, "subtask_type": "chain", "immutable": false}`))
	if err != nil {
		t.Fatal(err)
	}
	task := c.Lookup("kwargs").(*canvas.Dict).Lookup("tasks").(*canvas.List).Items()[0].(*canvas.Dict)
	link := task.Lookup("options").(*canvas.Dict).Lookup("link").(*canvas.List).Items()[0]
	targets := []visitors.Target{
		{Value: c, Path: visitors.Root()},
		{Value: task, Path: visitors.Root().Index("tasks", 0), Depth: 1, Parent: visitors.Root(), Owner: c},
		{Value: link, Path: visitors.Root().Index("tasks", 0).Index("link", 0), Depth: 2, Parent: visitors.Root().Index("tasks", 0), Owner: task},
	}
	shares := func(v visitors.Visitor) (visitors.Hook, canvas.Value) {
		if s, ok := v.(visitors.Starter); ok {
			if err := s.Start(); err != nil {
				t.Fatal(err)
			}
		}
		for _, tg := range targets {
			headers, err := canvas.Decode([]byte(`{"origin": ["cli"], "stamped_headers": ["origin"]}`))
			if err != nil {
				t.Fatal(err)
			}
			for h := visitors.Hook(0); h < visitors.NumHooks; h++ {
				ret, err := visitors.Call(v, h, tg, headers.(*canvas.Dict))
				if err != nil && !errors.Is(err, visitors.ErrUndefined) {
					t.Fatalf("%s %s: %v", v.Name(), h, err)
				}
				for _, part := range []canvas.Value{tg.Value, tg.Owner, headers} {
					if shared := sharedContainer(ret, part); shared != nil {
						return h, shared
					}
				}
			}
		}
		return 0, nil
	}
	makers := 0
	for _, name := range visitors.BuiltinNames() {
		v, _ := visitors.Builtin(name)
		if _, ok := v.(visitors.ResultMaker); !ok {
			continue
		}
		makers++
		if h, shared := shares(v); shared != nil {
			t.Errorf("%s is a visitors.ResultMaker, but %s returned a part of the canvas or its headers: %s", name, h, canvas.MustEncode(shared))
		}
	}
	if makers < 7 {
		t.Errorf("%d built-ins are visitors.ResultMakers, want at least 7", makers)
	}
	lr, _ := visitors.Builtin("link-role")
	if _, ok := lr.(visitors.ResultMaker); ok {
		t.Error("link-role is a visitors.ResultMaker")
	}
	if _, shared := shares(lr); shared == nil {
		t.Error("link-role returned no part of the canvas here: the canvas does not test the promise")
	}
}

// MonitoringID makes its uuids in batches: every one, across the batches'
// ends, must still be a distinct uuid4 of its own.
func TestMonitoringIDsAcrossBatches(t *testing.T) {
	v, _ := visitors.Builtin("monitoring-id")
	seen := map[string]bool{}
	for i := range 3*64 + 5 {
		ret, err := v.OnSignature(visitors.Target{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		d := ret.(*canvas.Dict)
		id, ok := d.Lookup("mtask_id").(string)
		if d.Len() != 1 || !ok || !uuidRE.MatchString(id) {
			t.Fatalf("call %d returned %s, want {mtask_id: a uuid4}", i, canvas.Repr(ret))
		}
		if seen[id] {
			t.Fatalf("call %d repeated %s", i, id)
		}
		seen[id] = true
	}
}
