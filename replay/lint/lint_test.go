package lint_test

import (
	"strings"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/replay/lint"
)

func load(t *testing.T, s string) *canvas.Dict {
	t.Helper()
	c, err := canvas.Load([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func leaf(task, id, options string) string {
	if options != "" {
		options = ", " + options
	}
	return `{"task": "` + task + `", "args": [], "kwargs": {}, "options": {"task_id": "` + id + `"` + options + `}, "subtask_type": null, "immutable": false}`
}

func checks(ws []lint.Warning) map[string][]lint.Warning {
	m := map[string][]lint.Warning{}
	for _, w := range ws {
		m[w.Check] = append(m[w.Check], w)
	}
	return m
}

// TestLintClean: a canvas stamped consistently has nothing to report.
func TestLintClean(t *testing.T) {
	c := load(t, `{"task": "celery.group", "args": [], "kwargs": {"tasks": [`+
		leaf("proj.a", "t-2", `"stamped_headers": ["mtask_id", "tenant"], "mtask_id": "m-1", "tenant": "acme", "link": [`+leaf("proj.cb", "t-5", `"stamped_headers": ["mtask_id"], "mtask_id": "m-5"`)+`]`)+`, `+
		leaf("proj.b", "t-3", `"stamped_headers": ["mtask_id", "tenant"], "mtask_id": "m-2", "tenant": "acme"`)+
		`]}, "options": {"task_id": "t-1"}, "subtask_type": "group", "immutable": false}`)
	if ws := lint.Lint(c); len(ws) != 0 {
		t.Errorf("clean canvas: %v", ws)
	}
}

// TestLintFindsEveryPitfall builds one canvas with each pitfall.
func TestLintFindsEveryPitfall(t *testing.T) {
	c := load(t, `{"task": "celery.chain", "args": [], "kwargs": {"tasks": [`+
		// linked after stamping; tenant shared by siblings but missing on t-4
		leaf("proj.a", "t-2", `"stamped_headers": ["tenant", "queue", "origin", "group"], "tenant": "acme", "queue": "q", "origin": "cli", "group": 1, "link": [`+leaf("proj.cb", "t-5", "")+`], "link_error": [`+leaf("proj.eb", "t-9", "")+`]`)+`, `+
		leaf("proj.b", "t-3", `"stamped_headers": ["tenant", "c", "immutable"], "tenant": "acme", "link_error": [`+leaf("proj.eb", "t-9", "")+`]`)+`, `+
		leaf("proj.c", "t-4", `"stamped_headers": "abc", "a": 1, "big": 12345678901234567890123`)+`, `+
		leaf("proj.d", "t-6", `"stamped_headers": ["big", "tenant"], "big": 12345678901234567890123, "tenant": "other"`)+`, `+
		`{"task": "celery.chord", "args": [], "kwargs": {"kwargs": {}, "header": [`+
		leaf("proj.h1", "t-10", `"stamped_headers": ["tenant"], "tenant": "acme"`)+`, `+leaf("proj.h2", "t-11", `"stamped_headers": ["tenant"], "tenant": "acme"`)+
		`], "body": `+leaf("proj.body", "t-12", "")+`}, "options": {"task_id": "t-7"}, "subtask_type": "chord", "immutable": false}`+
		`]}, "options": {"task_id": "t-1"}, "subtask_type": "chain", "immutable": false}`)
	got := checks(lint.Lint(c))
	for _, name := range lint.Checks {
		if len(got[name]) == 0 {
			t.Errorf("check %s found nothing", name)
		}
	}
	want := map[string][]string{
		"linked-after-stamping": {"t-5", "t-9"},
		"execution-option":      {"origin", "queue", "immutable"},
		"hook-argument":         {"group"},
		"shared-signature":      {`"t-9"`},
		"non-json":              {"big"},
		"stamped-headers-shape": {"string 'abc'"},
		"listed-without-value":  {`"c"`, `"immutable"`},
		"chord-body-unstamped":  {"t-12"},
		"sibling-mismatch":      {"t-4", "t-6"},
	}
	for name, parts := range want {
		text := ""
		for _, w := range got[name] {
			text += w.String() + "\n"
		}
		for _, p := range parts {
			if !strings.Contains(text, p) {
				t.Errorf("%s does not mention %s:\n%s", name, p, text)
			}
		}
	}
	if ws := got["execution-option"]; len(ws) != 3 {
		t.Errorf("execution-option: want origin, queue, immutable once each, got %v", ws)
	}
}

// TestLintSharedObject: one object at several places is seen in memory.
func TestLintSharedObject(t *testing.T) {
	eb := load(t, leaf("proj.eb", "t-9", ""))
	a := load(t, leaf("proj.a", "t-2", ""))
	b := load(t, leaf("proj.b", "t-3", ""))
	for _, s := range []*canvas.Dict{a, b} {
		s.Lookup("options").(*canvas.Dict).Set("link_error", canvas.NewList(eb))
	}
	ws := checks(lint.Lint(canvas.NewChain(a, b)))["shared-signature"]
	if len(ws) != 1 || !strings.Contains(ws[0].Msg, "one signature object is reachable from 2 places") {
		t.Errorf("shared errback: %v", ws)
	}
}
