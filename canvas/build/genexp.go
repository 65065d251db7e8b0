package build

import (
	"strconv"
	"strings"

	"go.starlark.net/starlark"

	"github.com/stampede-dev/stampede/canvas"
)

// Python's generator expressions are how Celery users write lazy groups:
//
//	group(add.s(i) for i in range(10000))
//	chord((add.s(i) for i in range(10)), tsum.s())
//
// Starlark has none, so before compiling, each generator expression of a
// script is rewritten into a call of a hidden built-in that makes a lazy
// sequence (canvas.Lazy, Celery's _regen) computing its members only when
// they are consumed:
//
//	(X for T in I <more for/if clauses>)
//	  -> (__genexp__(I, lambda __t: [X for T in [__t] <more clauses>]))
//
// I is evaluated at once, as Python evaluates the first iterable; the rest
// runs when a member is consumed, one item of I at a time. The rewrite keeps
// every line break, so line numbers do not change.

// genexpName is the hidden built-in generator expressions become.
const genexpName = "__genexp__"

// token is one token of the rewrite's small scanner.
type token struct {
	pos   int
	end   int
	kind  byte // 'w' a word, 'n' a number, '(' '[' '{' ')' ']' '}' brackets
	depth int  // bracket depth before the token
}

// scanTokens returns the words, numbers and brackets of src, skipping
// strings and comments.
func scanTokens(src string) []token {
	var out []token
	depth := 0
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == '"' || c == '\'':
			i = skipString(src, i)
		case c == '(' || c == '[' || c == '{':
			out = append(out, token{pos: i, end: i + 1, kind: c, depth: depth})
			depth++
			i++
		case c == ')' || c == ']' || c == '}':
			depth--
			out = append(out, token{pos: i, end: i + 1, kind: c, depth: depth})
			i++
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(src) && (src[j] == '_' || src[j] >= 'a' && src[j] <= 'z' || src[j] >= 'A' && src[j] <= 'Z' || src[j] >= '0' && src[j] <= '9') {
				j++
			}
			// A string prefix (r"…", b'…') is part of the string.
			if j < len(src) && (src[j] == '"' || src[j] == '\'') && j-i <= 2 && strings.Trim(strings.ToLower(src[i:j]), "rb") == "" {
				i = skipString(src, j)
				continue
			}
			out = append(out, token{pos: i, end: j, kind: 'w', depth: depth})
			i = j
		case c >= '0' && c <= '9':
			j := i
			for j < len(src) && (src[j] == '.' || src[j] == '_' || src[j] >= '0' && src[j] <= '9' || src[j] >= 'a' && src[j] <= 'z' || src[j] >= 'A' && src[j] <= 'Z') {
				j++
			}
			out = append(out, token{pos: i, end: j, kind: 'n', depth: depth})
			i = j
		default:
			i++
		}
	}
	return out
}

// skipString returns the index just past the string literal starting at i.
func skipString(src string, i int) int {
	q := src[i]
	if strings.HasPrefix(src[i:], strings.Repeat(string(q), 3)) {
		end := strings.Index(src[i+3:], strings.Repeat(string(q), 3))
		if end < 0 {
			return len(src)
		}
		return i + 3 + end + 3
	}
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			j++
		case q, '\n':
			return j + 1
		}
	}
	return len(src)
}

// rewriteGenexps rewrites every generator expression of src, innermost
// first.
func rewriteGenexps(src string) string {
	for {
		toks := scanTokens(src)
		open, close := -1, -1
		// The last '(' (so the innermost of nested ones) holding a `for`
		// directly inside.
		for i, t := range toks {
			if t.kind != 'w' || src[t.pos:t.end] != "for" {
				continue
			}
			for j := i - 1; j >= 0; j-- {
				if toks[j].depth < t.depth && toks[j].kind != ')' && toks[j].kind != ']' && toks[j].kind != '}' {
					if toks[j].kind == '(' && toks[j].pos > open {
						open = toks[j].pos
						close = matching(toks, j)
					}
					break
				}
			}
		}
		if open < 0 || close < 0 {
			return src
		}
		repl, ok := genexpCall(src[open+1 : close])
		if !ok {
			return src
		}
		src = src[:open+1] + repl + src[close:]
	}
}

// matching is the position of the bracket closing toks[i], or -1.
func matching(toks []token, i int) int {
	for j := i + 1; j < len(toks); j++ {
		if toks[j].depth == toks[i].depth && (toks[j].kind == ')' || toks[j].kind == ']' || toks[j].kind == '}') {
			return toks[j].pos
		}
	}
	return -1
}

// genexpCall rewrites the inside of a generator expression's parentheses.
func genexpCall(body string) (string, bool) {
	toks := scanTokens(body)
	word := func(t token, w string) bool { return t.kind == 'w' && t.depth == 0 && body[t.pos:t.end] == w }
	forAt, inAt, restAt := -1, -1, len(body)
	for _, t := range toks {
		switch {
		case forAt < 0 && word(t, "for"):
			forAt = t.pos
		case forAt >= 0 && inAt < 0 && word(t, "in"):
			inAt = t.end
		case inAt >= 0 && (word(t, "for") || word(t, "if")):
			restAt = t.pos
		}
		if restAt < len(body) {
			break
		}
	}
	if forAt <= 0 || inAt < 0 {
		return "", false
	}
	x := body[:forAt]
	target := body[forAt+len("for") : inAt-len("in")]
	iter := body[inAt:restAt]
	rest := body[restAt:]
	exact := "False"
	if strings.TrimSpace(rest) == "" {
		exact = "True"
	}
	return genexpName + "(" + iter + ", lambda __t: [" + x + "for" + target + "in [__t] " + rest + "], " + exact + ")", true
}

// Gen is a lazy sequence in a script: the value of a generator expression,
// or the tasks of a lazy group. Its members are computed when consumed.
type Gen struct {
	z *canvas.Lazy
	r *runState
}

var (
	_ starlark.Iterable = (*Gen)(nil)
	_ starlark.Sequence = (*Gen)(nil)
)

// Lazy is the canvas value behind the generator.
func (g *Gen) Lazy() *canvas.Lazy { return g.z }

// String shows how many members exist so far.
func (g *Gen) String() string {
	n := len(g.z.Consumed())
	if g.z.Done() {
		return "<generator: " + strconv.Itoa(n) + " members>"
	}
	return "<generator: " + strconv.Itoa(n) + " members so far>"
}

// Type is "generator".
func (g *Gen) Type() string { return "generator" }

// Freeze does nothing.
func (g *Gen) Freeze() {}

// Truth is bool(_regen): it computes the first member if there is none yet.
func (g *Gen) Truth() starlark.Bool { return starlark.Bool(g.z.Truthy()) }

// Hash fails: a generator is not hashable here (it is a list to Celery).
func (g *Gen) Hash() (uint32, error) { return 0, pyTypeError("unhashable type: '_regen'") }

// Len is len(_regen): every member is computed.
func (g *Gen) Len() int {
	items, _ := g.z.All()
	return len(items)
}

// Iterate yields the members, computing them as it goes.
func (g *Gen) Iterate() starlark.Iterator { return &genIterator{g: g} }

type genIterator struct {
	g *Gen
	i int
}

func (it *genIterator) Next(p *starlark.Value) bool {
	z := it.g.z
	if it.i >= len(z.Consumed()) {
		if _, err := z.Consume(1); err != nil || it.i >= len(z.Consumed()) {
			return false
		}
	}
	*p = it.g.r.fromCanvas(z.Consumed()[it.i])
	it.i++
	return true
}

func (it *genIterator) Done() {}

// genexp is the built-in generator expressions become: iterable is read one
// item at a time and fn turns each item into the members it contributes.
func (r *runState) genexp(thread *starlark.Thread, args starlark.Tuple) (starlark.Value, error) {
	if len(args) != 3 {
		return nil, pyTypeError("%s() takes 3 arguments (%d given)", genexpName, len(args))
	}
	fn, ok := args[1].(starlark.Callable)
	if !ok {
		return nil, pyTypeError("%s(): not a function", genexpName)
	}
	var next func() (starlark.Value, bool)
	hint := -1
	switch it := args[0].(type) {
	case starlark.Indexable:
		// By index, so that a list being read stays free to change, as a
		// Python list under a generator does.
		i := 0
		next = func() (starlark.Value, bool) {
			if i >= it.Len() {
				return nil, false
			}
			i++
			return it.Index(i - 1), true
		}
		if args[2] == starlark.True {
			hint = it.Len()
		}
	case starlark.Iterable:
		iter := it.Iterate()
		next = func() (starlark.Value, bool) {
			var v starlark.Value
			if !iter.Next(&v) {
				iter.Done()
				return nil, false
			}
			return v, true
		}
	default:
		return nil, pyTypeError("'%s' object is not iterable", args[0].Type())
	}
	gen := &starlark.Thread{Name: "generator", Print: thread.Print}
	gen.SetMaxExecutionSteps(r.maxSteps)
	var buf []canvas.Value
	z := canvas.NewLazy(func() (canvas.Value, bool, error) {
		for len(buf) == 0 {
			item, ok := next()
			if !ok {
				return nil, false, nil
			}
			res, err := callSafely(r.file, gen, fn, item)
			if e, ok := err.(*Error); ok {
				return nil, false, e
			}
			if err != nil {
				return nil, false, runtimeError(r.file, err)
			}
			members, ok := res.(*starlark.List)
			if !ok {
				return nil, false, pyTypeError("%s: not a list", genexpName)
			}
			for i := 0; i < members.Len(); i++ {
				v, err := r.conv.toCanvas(members.Index(i))
				if err != nil {
					return nil, false, err
				}
				buf = append(buf, v)
			}
		}
		v := buf[0]
		buf = buf[1:]
		return v, true, nil
	}, hint)
	return &Gen{z: z, r: r}, nil
}

// callSafely calls fn(item) for a lazy group's member; a panic inside the
// interpreter is an error of the script (see initProgram).
func callSafely(filename string, thread *starlark.Thread, fn starlark.Callable, item starlark.Value) (res starlark.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, interpreterFailed(filename, r)
		}
	}()
	return starlark.Call(thread, fn, starlark.Tuple{item}, nil)
}
