// Package breakpoint holds the debugger's breakpoints: on a node (by its
// traversal path), on a hook kind, and on a condition on a header value such
// as `mtask_id exists` or `queue == "fast"`.
package breakpoint

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/stamping"
	"github.com/stampede-dev/stampede/visitors"
)

// Op is a condition's comparison.
type Op uint8

// The comparisons a condition can make.
const (
	Exists   Op = iota // KEY exists
	Missing            // KEY missing
	Eq                 // KEY == VALUE
	Ne                 // KEY != VALUE
	Contains           // KEY contains VALUE (a list item or a substring)
)

var opWords = map[string]Op{"exists": Exists, "missing": Missing, "==": Eq, "!=": Ne, "contains": Contains}

// Cond is a condition on a header: it holds at a step when the header is
// found (or, for missing and !=, not found) in what the step's hook
// returned, in the node's options after the step (where stamps are kept),
// or in the headers passed to the hook.
type Cond struct {
	Key   string
	Op    Op
	Value canvas.Value // for Eq, Ne and Contains
	Text  string       // as the user typed it, normalised
}

// ParseCond parses `KEY exists`, `KEY missing`, `KEY == VALUE`,
// `KEY != VALUE` or `KEY contains VALUE`. VALUE is JSON ("fast", 3, null,
// ["a"]) or a bare word taken as a string.
func ParseCond(s string) (Cond, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Cond{}, errors.New("empty condition")
	}
	key, rest := splitWord(s)
	if strings.HasPrefix(key, `"`) {
		v, err := canvas.Decode([]byte(key))
		str, ok := v.(string)
		if err != nil || !ok {
			return Cond{}, fmt.Errorf("bad quoted key %s", key)
		}
		key = str
	}
	if key == "" {
		return Cond{}, errors.New("a condition starts with a header name")
	}
	opWord, rest := splitWord(rest)
	op, ok := opWords[opWord]
	if !ok {
		// allow `key==value` written without spaces
		for _, w := range []string{"==", "!="} {
			if i := strings.Index(s, w); i > 0 && strings.Contains(key, w) {
				return ParseCond(s[:i] + " " + w + " " + s[i+len(w):])
			}
		}
		return Cond{}, fmt.Errorf("expected exists, missing, ==, != or contains after %q, got %q", key, opWord)
	}
	c := Cond{Key: key, Op: op}
	rest = strings.TrimSpace(rest)
	switch op {
	case Exists, Missing:
		if rest != "" {
			return Cond{}, fmt.Errorf("nothing may follow %q (got %q)", opWord, rest)
		}
		c.Text = quoteKey(key) + " " + opWord
		return c, nil
	}
	if rest == "" {
		return Cond{}, fmt.Errorf("%q needs a value", opWord)
	}
	v, err := canvas.Decode([]byte(rest))
	if err != nil {
		if strings.ContainsAny(rest, ` "[]{},:`) {
			return Cond{}, fmt.Errorf("value %s: %v", rest, err)
		}
		v = rest // a bare word
	}
	c.Value = v
	c.Text = quoteKey(key) + " " + opWord + " " + canvas.MustEncode(v)
	return c, nil
}

func splitWord(s string) (string, string) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, `"`) {
		for i := 1; i < len(s); i++ {
			if s[i] == '\\' {
				i++
				continue
			}
			if s[i] == '"' {
				return s[:i+1], s[i+1:]
			}
		}
		return s, ""
	}
	if i := strings.IndexAny(s, " \t"); i >= 0 {
		return s[:i], s[i:]
	}
	return s, ""
}

func quoteKey(k string) string {
	if k == "" || strings.ContainsAny(k, " \t\"=!") {
		return canvas.MustEncode(k)
	}
	return k
}

// String is the condition as text.
func (c Cond) String() string { return c.Text }

// Sources are where a condition looks for a header at a step.
type Sources struct {
	Ret     canvas.Value   // what the hook returned
	Step    *stamping.Step // or the step, whose result is read in place
	Options *canvas.Dict   // the node's options after the step
	Headers *canvas.Dict   // the headers passed to the hook
}

func (s Sources) values(key string) []canvas.Value {
	var out []canvas.Value
	if s.Step != nil {
		if v, ok := s.Step.RetGet(key); ok {
			out = append(out, v)
		}
	} else if d, ok := s.Ret.(*canvas.Dict); ok {
		if v, ok := d.Get(key); ok {
			out = append(out, v)
		}
	}
	for _, d := range []*canvas.Dict{s.Options, s.Headers} {
		if d == nil {
			continue
		}
		if v, ok := d.Get(key); ok {
			out = append(out, v)
		}
	}
	return out
}

// Match reports whether the condition holds for the given sources.
func (c Cond) Match(src Sources) bool {
	vals := src.values(c.Key)
	switch c.Op {
	case Exists:
		return len(vals) > 0
	case Missing:
		return len(vals) == 0
	case Ne:
		for _, v := range vals {
			if equal(v, c.Value) {
				return false
			}
		}
		return true
	}
	for _, v := range vals {
		switch c.Op {
		case Eq:
			if equal(v, c.Value) {
				return true
			}
		case Contains:
			if contains(v, c.Value) {
				return true
			}
		}
	}
	return false
}

func equal(a, b canvas.Value) bool { return canvas.Identical(a, b) || canvas.Equal(a, b) }

func contains(v, x canvas.Value) bool {
	switch c := v.(type) {
	case *canvas.List:
		return canvas.Contains(c.Items(), x)
	case string:
		s, ok := x.(string)
		return ok && strings.Contains(c, s)
	case *canvas.Dict:
		s, ok := x.(string)
		return ok && c.Has(s)
	}
	return false
}

// Set is every breakpoint of a debugging session. It survives a restart of
// the trace (a new visitor, append_stamps, headers): nodes are kept by path.
type Set struct {
	Nodes map[string]bool // traversal paths
	Hooks [visitors.NumHooks]bool
	Conds []Cond
}

// New returns an empty set.
func New() *Set { return &Set{Nodes: map[string]bool{}} }

// ToggleNode adds or removes a breakpoint on the node at path and reports
// whether it is now set.
func (s *Set) ToggleNode(path string) bool {
	if s.Nodes[path] {
		delete(s.Nodes, path)
		return false
	}
	s.Nodes[path] = true
	return true
}

// ToggleHook adds or removes a breakpoint on a hook kind and reports
// whether it is now set.
func (s *Set) ToggleHook(h visitors.Hook) bool {
	s.Hooks[h] = !s.Hooks[h]
	return s.Hooks[h]
}

// AddCond adds a condition unless an identical one exists; it reports
// whether it was added.
func (s *Set) AddCond(c Cond) bool {
	for _, have := range s.Conds {
		if have.Text == c.Text {
			return false
		}
	}
	s.Conds = append(s.Conds, c)
	return true
}

// RemoveCond removes condition i.
func (s *Set) RemoveCond(i int) {
	if i >= 0 && i < len(s.Conds) {
		s.Conds = append(s.Conds[:i], s.Conds[i+1:]...)
	}
}

// Count is the number of breakpoints.
func (s *Set) Count() int {
	n := len(s.Nodes) + len(s.Conds)
	for _, on := range s.Hooks {
		if on {
			n++
		}
	}
	return n
}

// Empty reports whether no breakpoint is set.
func (s *Set) Empty() bool { return s.Count() == 0 }

// Static reports whether the step hits a node or hook breakpoint (the ones
// that need no canvas state), and says which.
func (s *Set) Static(st *stamping.Step) (string, bool) {
	if len(s.Nodes) > 0 {
		if path := st.Target.Path.String(); s.Nodes[path] {
			return "breakpoint on " + path, true
		}
	}
	if s.Hooks[st.Hook] {
		return "breakpoint on " + st.Hook.String(), true
	}
	return "", false
}

// Dynamic reports whether a condition holds at the step, given the node's
// options after it.
func (s *Set) Dynamic(st *stamping.Step, opts *canvas.Dict) (string, bool) {
	src := Sources{Step: st, Options: opts, Headers: st.Headers}
	for _, c := range s.Conds {
		if c.Match(src) {
			return "condition " + c.Text, true
		}
	}
	return "", false
}

// NodePaths lists the node breakpoints, sorted.
func (s *Set) NodePaths() []string {
	out := make([]string, 0, len(s.Nodes))
	for p := range s.Nodes {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}
