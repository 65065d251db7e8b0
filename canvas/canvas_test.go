package canvas

import (
	"math"
	"strings"
	"testing"
)

func TestFormatFloatIsPythonRepr(t *testing.T) {
	for _, tc := range []struct {
		f    float64
		want string
	}{
		{2.5, "2.5"}, {1, "1.0"}, {-0.0, "0.0"}, {0.1, "0.1"}, {0.0001, "0.0001"}, {0.00001, "1e-05"},
		{1e15, "1000000000000000.0"}, {1e16, "1e+16"}, {1234567.0, "1234567.0"}, {1.5e300, "1.5e+300"},
		{123.456, "123.456"}, {math.Inf(1), "Infinity"}, {math.Inf(-1), "-Infinity"}, {math.NaN(), "NaN"},
		{5e-324, "5e-324"}, {0.25, "0.25"},
	} {
		if got := FormatFloat(tc.f); got != tc.want && !(tc.f == 0 && got == "-0.0") {
			t.Errorf("FormatFloat(%v) = %q, want %q", tc.f, got, tc.want)
		}
	}
	if got := FormatFloat(math.Copysign(0, -1)); got != "-0.0" {
		t.Errorf("FormatFloat(-0.0) = %q", got)
	}
}

func TestDecodeKeepsPythonsReading(t *testing.T) {
	v, err := Decode([]byte(`{"a": 1, "b": 1.0, "c": -0, "a": 2, "big": 123456789012345678901234567890, "e": 1e400, "n": NaN}`))
	if err != nil {
		t.Fatal(err)
	}
	d := v.(*Dict)
	if got := strings.Join(d.Keys(), ","); got != "a,b,c,big,e,n" {
		t.Errorf("keys %s: a repeated key keeps its first position", got)
	}
	if d.Lookup("a") != Int("2") {
		t.Errorf("a = %#v: a repeated key takes the last value", d.Lookup("a"))
	}
	if d.Lookup("b") != 1.0 || d.Lookup("c") != Int("0") {
		t.Errorf("b = %#v, c = %#v", d.Lookup("b"), d.Lookup("c"))
	}
	if d.Lookup("big") != Int("123456789012345678901234567890") {
		t.Errorf("big = %#v", d.Lookup("big"))
	}
	if !math.IsInf(d.Lookup("e").(float64), 1) || !math.IsNaN(d.Lookup("n").(float64)) {
		t.Errorf("e = %v, n = %v", d.Lookup("e"), d.Lookup("n"))
	}
	out := MustEncode(d)
	want := `{"a": 2, "b": 1.0, "c": 0, "big": 123456789012345678901234567890, "e": Infinity, "n": NaN}`
	if out != want {
		t.Errorf("encode:\n got %s\nwant %s", out, want)
	}
}

func TestDecodeErrorsSayWhere(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{``, "line 1 column 1 (at $): empty document: expected a JSON value"},
		{`{"a": [1, 2`, "line 1 column 12 (at $.a): unexpected end of input: expected ',' or ']'"},
		{`{"a": {"b": tru}}`, "line 1 column 13 (at $.a.b): unexpected character 't': expected a value"},
		{`{"a": 1} x`, "line 1 column 10 (at $): extra data after the JSON value"},
		{"\xef\xbb\xbf{}", "line 1 column 1 (at $): unexpected UTF-8 byte order mark; save the file as UTF-8 without BOM"},
		{"{\"a\": \"\xff\"}", "line 1 column 8 (at $): invalid UTF-8"},
		{"{\n  \"tasks\": [1, 01]\n}", "line 2 column 16 (at $.tasks[1]): invalid number: leading zero"},
	} {
		_, err := Decode([]byte(tc.in))
		if err == nil || err.Error() != tc.want {
			t.Errorf("Decode(%q):\n got %v\nwant %s", tc.in, err, tc.want)
		}
	}
}

func TestLoadErrorsNameTheNode(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"task": "celery.chain", "args": [], "kwargs": {}, "options": {}, "subtask_type": "chain"}`,
			"at $: KeyError: 'tasks'"},
		{`{"task": "celery.chain", "kwargs": {"tasks": [{"task": "a"}, {"subtask_type": "group", "kwargs": {"tasks": []}}]}, "options": {}, "subtask_type": "chain"}`,
			"at $.kwargs.tasks[1]: KeyError: 'options'"},
		{`{"task": "celery.chord", "kwargs": {"header": [{"task": "a"}, {"subtask_type": "nope"}]}, "options": {}, "subtask_type": "chord"}`,
			"at $.kwargs.header[1]: KeyError: 'nope'"},
		{`[1, 2]`, "the document is a JSON array, not a canvas object"},
	} {
		_, err := Load([]byte(tc.in))
		if err == nil || err.Error() != tc.want {
			t.Errorf("Load(%s):\n got %v\nwant %s", tc.in, err, tc.want)
		}
	}
}

func mustLoad(t *testing.T, s string) *Dict {
	t.Helper()
	d, err := Load([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

const twoTaskGroup = `{"task": "celery.group", "args": [], "kwargs": {"tasks": [
	{"task": "a", "args": [], "kwargs": {}, "options": {"task_id": "t-1"}, "subtask_type": null, "immutable": false},
	{"task": "b", "args": [], "kwargs": {}, "options": {"task_id": "t-2"}, "subtask_type": null, "immutable": false}]},
	"options": {"task_id": "g"}, "subtask_type": "group", "immutable": false}`

func TestGroupCloneSharesItsMembers(t *testing.T) {
	g := mustLoad(t, twoTaskGroup)
	c, err := Clone(g, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	gt, _ := Tasks(g)
	ct, _ := Tasks(c)
	if gt.(*List) != ct.(*List) {
		t.Error("group.clone() must leave the original and the clone holding one tasks list (group.from_dict rewrites kwargs['tasks'])")
	}
	if gt.(*List).Items()[0] != ct.(*List).Items()[0] {
		t.Error("the clone's members must be the original's signatures")
	}
	if g.Lookup("options") == c.Lookup("options") {
		t.Error("the clone's options must be a copy")
	}
}

func TestDeepCopyOfASignatureIsShallow(t *testing.T) {
	leaf := mustLoad(t, `{"task": "a", "args": [], "kwargs": {}, "options": {"x": [1]}, "subtask_type": null, "immutable": false}`)
	opts := DictOf(Plain, []Pair{{K("link"), NewList([]Value{leaf, leaf}...)}})
	c := DeepCopy(opts).(*Dict)
	links := c.Lookup("link").(*List)
	first, ok := links.Items()[0].(*Dict)
	if !ok || first.Class() != Plain || first == leaf {
		t.Fatalf("a signature deep-copies to a new plain dict, got %#v", links.Items()[0])
	}
	if first.Lookup("options") != leaf.Lookup("options") {
		t.Error("the plain dict shares the signature's values (Signature.__deepcopy__ is dict(self))")
	}
	if links.Items()[1] != leaf {
		t.Error("a signature met a second time in one deepcopy is the original object (memo[id(self)] = self)")
	}
}

func TestOrUpgradesLikeCelery(t *testing.T) {
	a := mustLoad(t, `{"task": "a", "args": [], "kwargs": {}, "options": {}, "subtask_type": null, "immutable": false}`)
	b := mustLoad(t, `{"task": "b", "args": [], "kwargs": {}, "options": {}, "subtask_type": null, "immutable": false}`)
	g := mustLoad(t, twoTaskGroup)
	ab, err := Or(a, b)
	if err != nil || ab.(*Dict).Class() != Chain {
		t.Fatalf("task | task = %v, %v", ab, err)
	}
	gb, err := Or(g, b)
	if err != nil || gb.(*Dict).Class() != Chord {
		t.Fatalf("group | task = %v, %v", gb, err)
	}
	chainGroupTask, err := Or(NewChain(a, g), b)
	if err != nil {
		t.Fatal(err)
	}
	tasks, _ := Tasks(chainGroupTask.(*Dict))
	last := tasks.(*List).Items()[tasks.(*List).Len()-1].(*Dict)
	if last.Class() != Chord {
		t.Fatalf("chain ending in a group | task: last task is %s, want a chord", last.Class())
	}
	noBody, err := NewChord(NewList([]Value{a}...), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Or(noBody, b); err == nil || !strings.Contains(err.Error(), "unsupported operand type(s) for |: 'NoneType' and 'Signature'") {
		t.Fatalf("chord without body | task: %v", err)
	}
}

func TestMergeProtectsStamps(t *testing.T) {
	s := mustLoad(t, `{"task": "a", "args": [1], "kwargs": {"k": 1}, "options": {"stamped_headers": ["m"], "m": "old", "queue": "q"}, "subtask_type": null, "immutable": false}`)
	args, kwargs, opts, err := Merge(s, NewList(Int("0")), DictOf(Plain, []Pair{{K("j"), Int("2")}}),
		DictOf(Plain, []Pair{{K("m"), "new"}, {K("queue"), "fast"}, {K("group_id"), "g"}}))
	if err != nil {
		t.Fatal(err)
	}
	if got := MustEncode(args); got != "[0, 1]" {
		t.Errorf("args = %s", got)
	}
	if got := MustEncode(kwargs); got != `{"k": 1, "j": 2}` {
		t.Errorf("kwargs = %s", got)
	}
	if got := MustEncode(opts); got != `{"stamped_headers": ["m"], "m": "old", "queue": "fast", "group_id": "g"}` {
		t.Errorf("options = %s (a stamped key keeps its value; group_id is new so it is set)", got)
	}
}

func TestEqualFollowsPython(t *testing.T) {
	for _, tc := range []struct {
		a, b Value
		want bool
	}{
		{Int("1"), 1.0, true}, {true, Int("1"), true}, {NewList(Int("1")), ListOf([]Value{Int("1")}, true), false},
		{DictOf(Signature, []Pair{{K("a"), Int("1")}}), DictOf(Plain, []Pair{{K("a"), 1.0}}), true},
		{math.NaN(), math.NaN(), false}, {"a", "a", true}, {nil, false, false},
	} {
		if got := Equal(tc.a, tc.b); got != tc.want {
			t.Errorf("Equal(%s, %s) = %v", Repr(tc.a), Repr(tc.b), got)
		}
	}
}
