package breakpoint

import (
	"testing"

	"github.com/stampede-dev/stampede/canvas"
)

func dict(t *testing.T, js string) *canvas.Dict {
	t.Helper()
	v, err := canvas.Decode([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	return v.(*canvas.Dict)
}

func TestParseCond(t *testing.T) {
	for _, tc := range []struct{ in, text string }{
		{"mtask_id exists", "mtask_id exists"},
		{"  mtask_id   missing ", "mtask_id missing"},
		{`queue == "fast"`, `queue == "fast"`},
		{`queue=="fast"`, `queue == "fast"`},
		{`queue == fast`, `queue == "fast"`},
		{`retries != 3`, `retries != 3`},
		{`tags contains "a"`, `tags contains "a"`},
		{`"odd key" exists`, `"odd key" exists`},
		{`x == null`, `x == null`},
		{`x == ["a",1]`, `x == ["a", 1]`},
	} {
		c, err := ParseCond(tc.in)
		if err != nil {
			t.Errorf("ParseCond(%q): %v", tc.in, err)
			continue
		}
		if c.Text != tc.text {
			t.Errorf("ParseCond(%q).Text = %q, want %q", tc.in, c.Text, tc.text)
		}
	}
}

func TestParseCondRejects(t *testing.T) {
	for _, in := range []string{"", "exists", "queue", "queue ~ 3", "queue ==", "queue exists now", `queue == [1,`, `a b == c`} {
		if c, err := ParseCond(in); err == nil {
			t.Errorf("ParseCond(%q) = %+v, want an error", in, c)
		}
	}
}

func TestCondMatch(t *testing.T) {
	src := Sources{
		Ret:     dict(t, `{"mtask_id": "m-1"}`),
		Options: dict(t, `{"queue": "fast", "tags": ["a", "b"], "n": 3}`),
		Headers: dict(t, `{"origin": "cli"}`),
	}
	for _, tc := range []struct {
		cond string
		want bool
	}{
		{"mtask_id exists", true},
		{"origin exists", true},
		{"nothing exists", false},
		{"nothing missing", true},
		{"queue missing", false},
		{`queue == "fast"`, true},
		{`queue == "slow"`, false},
		{`queue != "slow"`, true},
		{`queue != "fast"`, false},
		{`n == 3`, true},
		{`n == 3.0`, true},
		{`n == "3"`, false},
		{`tags contains "b"`, true},
		{`tags contains "c"`, false},
		{`queue contains "as"`, true},
		{`mtask_id == "m-1"`, true},
	} {
		c, err := ParseCond(tc.cond)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.Match(src); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.cond, got, tc.want)
		}
	}
}

func TestSetCountsAndToggles(t *testing.T) {
	s := New()
	if !s.Empty() {
		t.Fatal("new set not empty")
	}
	s.ToggleNode("$.tasks[0]")
	s.ToggleHook(2)
	c, _ := ParseCond("a exists")
	s.AddCond(c)
	if s.AddCond(c) {
		t.Fatal("the same condition was added twice")
	}
	if s.Count() != 3 {
		t.Fatalf("count %d", s.Count())
	}
	s.ToggleNode("$.tasks[0]")
	s.ToggleHook(2)
	s.RemoveCond(0)
	if !s.Empty() {
		t.Fatalf("count %d after removing all", s.Count())
	}
}
