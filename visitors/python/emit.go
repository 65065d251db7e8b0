package python

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// otok is a piece of generated Starlark and the position in the user's
// Python file it stands for (line 0: the position of the previous piece).
type otok struct {
	text      string
	line, col int
}

// mark records that the generated text at (outLine, outCol) came from
// (line, col) of the Python file, for n runes.
type mark struct {
	outLine, outCol int
	line, col       int
	n               int
	exact           bool // the text is the user's text at (line, col)
}

// emitter writes the Starlark program and remembers where each piece came
// from.
type emitter struct {
	b         strings.Builder
	src       [][]rune // the Python file's lines
	line, col int      // next output position
	marks     []mark
	lastLine  int
	lastCol   int
	needSpace bool   // a piece was written on this line: separate the next
	prev      string // the last piece written on this line
	prev2     string // the piece before it
}

func newEmitter(src string) *emitter {
	e := &emitter{line: 1, col: 1}
	for _, l := range strings.Split(src, "\n") {
		e.src = append(e.src, []rune(l))
	}
	return e
}

// exact reports whether text is what the file holds at line:col.
func (e *emitter) exact(text string, line, col int) bool {
	if line < 1 || line > len(e.src) || col < 1 {
		return false
	}
	l := e.src[line-1]
	r := []rune(text)
	return col-1+len(r) <= len(l) && string(l[col-1:col-1+len(r)]) == text
}

// newline ends the current output line.
func (e *emitter) newline() {
	e.b.WriteByte('\n')
	e.line++
	e.col = 1
	e.needSpace = false
}

// startLine begins a statement at source line srcLine with the given
// indentation; blank lines keep output lines level with the source where
// possible, which keeps the generated program readable next to the file.
func (e *emitter) startLine(srcLine, indent int) {
	if e.col != 1 {
		e.newline()
	}
	for e.line < srcLine {
		e.newline()
	}
	e.b.WriteString(strings.Repeat(" ", indent))
	e.col += indent
	e.needSpace = false
	e.prev, e.prev2 = "", ""
}

// write appends pieces separated by single spaces.
func (e *emitter) write(toks []otok) {
	for _, t := range toks {
		if e.needSpace && spaced(e.prev2, e.prev, t.text) {
			e.b.WriteByte(' ')
			e.col++
		}
		e.needSpace = true
		e.prev2, e.prev = e.prev, t.text
		line, col := t.line, t.col
		if line == 0 {
			line, col = e.lastLine, e.lastCol
		}
		if line > 0 {
			n := utf8.RuneCountInString(t.text)
			e.marks = append(e.marks, mark{e.line, e.col, line, col, n, t.line > 0 && e.exact(t.text, line, col)})
			e.lastLine, e.lastCol = line, col
		}
		e.b.WriteString(t.text)
		if n := strings.Count(t.text, "\n"); n > 0 {
			e.line += n
			e.col = 1 + utf8.RuneCountInString(t.text[strings.LastIndex(t.text, "\n")+1:])
		} else {
			e.col += utf8.RuneCountInString(t.text)
		}
	}
}

// spaced reports whether a space goes between the pieces prev and next
// (before is the piece before prev): the generated program reads like
// ordinary code, calls as f(x), attributes as a.b.
func spaced(before, prev, next string) bool {
	if prev == "" || next == "" {
		return prev != ""
	}
	last := prev[len(prev)-1]
	switch {
	case last == '(' || last == '[' || last == '{' || prev == ".":
		return false
	case (prev == "*" || prev == "**") && (before == "(" || before == "," || strings.HasSuffix(before, "(")):
		return false
	}
	switch next {
	case ")", "]", "}", ",", ":", ".":
		return false
	case "(", "[":
		if starlarkKeywords[prev] {
			return true
		}
		return !(isWordEnd(last) || last == ')' || last == ']' || last == '"' || last == '\'')
	}
	return true
}

var starlarkKeywords = map[string]bool{
	"and": true, "else": true, "for": true, "if": true, "in": true, "lambda": true,
	"not": true, "or": true, "return": true, "elif": true,
}

func isWordEnd(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// raw appends generated text that stands for no user position.
func (e *emitter) raw(s string) {
	e.b.WriteString(s)
	if n := strings.Count(s, "\n"); n > 0 {
		e.line += n
		e.col = 1 + utf8.RuneCountInString(s[strings.LastIndex(s, "\n")+1:])
	} else {
		e.col += utf8.RuneCountInString(s)
	}
	e.needSpace = !strings.HasSuffix(s, "\n") && !strings.HasSuffix(s, " ")
}

// lookup maps an output position to the user's file: the piece of text
// that holds it (or the nearest one before it on that line).
func (e *emitter) lookup(line, col int) (int, int, bool) {
	i := sort.Search(len(e.marks), func(i int) bool {
		m := e.marks[i]
		return m.outLine > line || m.outLine == line && m.outCol > col
	})
	if i == 0 {
		return 0, 0, false
	}
	m := e.marks[i-1]
	if m.outLine != line {
		// Nothing on this line: take the first piece after it, if on it.
		if i < len(e.marks) && e.marks[i].outLine == line {
			m = e.marks[i]
			return m.line, m.col, true
		}
		return m.line, m.col, true
	}
	if d := col - m.outCol; m.exact && d >= 0 && d < m.n {
		return m.line, m.col + d, true
	}
	return m.line, m.col, true
}
