package python

import (
	"fmt"
	"strings"
	"unicode"
)

// kind is the kind of a Python token.
type kind uint8

const (
	kName kind = iota
	kNumber
	kString
	kOp
)

// token is one Python token with its position in the user's file (line and
// column 1-based, columns counted in runes, as Starlark counts them).
type token struct {
	kind      kind
	text      string
	line, col int
}

func (t token) is(text string) bool { return t.kind != kString && t.text == text }

// logical is one logical line of Python: its indentation and its tokens
// (physical lines joined inside brackets and after a backslash).
type logical struct {
	indent int // width of the leading whitespace, tabs to multiples of 8
	toks   []token
}

func (l logical) line() int { return l.toks[0].line }

// syntaxError is a Python-level error found before translation.
type syntaxError struct {
	line, col int
	msg       string
}

func (e *syntaxError) Error() string { return fmt.Sprintf("%d:%d: %s", e.line, e.col, e.msg) }

type scanner struct {
	src       []rune
	i         int
	line, col int
}

func (s *scanner) eof() bool { return s.i >= len(s.src) }

func (s *scanner) peek(k int) rune {
	if s.i+k < len(s.src) {
		return s.src[s.i+k]
	}
	return 0
}

func (s *scanner) next() rune {
	r := s.src[s.i]
	s.i++
	if r == '\n' {
		s.line++
		s.col = 1
	} else {
		s.col++
	}
	return r
}

func (s *scanner) errorf(line, col int, format string, a ...any) error {
	return &syntaxError{line, col, fmt.Sprintf(format, a...)}
}

// tokenize splits Python source into logical lines. It starts at the given
// position, so that the expression of an f-string field can be tokenized
// where it stands in the file.
func tokenize(src string, line, col int) ([]logical, error) {
	s := &scanner{src: []rune(src), line: line, col: col}
	var lines []logical
	var cur *logical
	type open struct {
		r         rune
		line, col int
	}
	var brackets []open
	atStart := true
	for !s.eof() {
		if atStart && len(brackets) == 0 {
			indent := 0
			for !s.eof() {
				switch s.peek(0) {
				case ' ':
					indent++
				case '\t':
					indent = (indent/8 + 1) * 8
				case '\f':
				default:
					goto measured
				}
				s.next()
			}
		measured:
			if s.eof() {
				break
			}
			switch c := s.peek(0); {
			case c == '\n' || c == '\r':
				s.next()
				continue
			case c == '#':
				for !s.eof() && s.peek(0) != '\n' {
					s.next()
				}
				continue
			case c == '\\' && (s.peek(1) == '\n' || s.peek(1) == '\r'):
				// A continuation on an otherwise empty line joins nothing.
			}
			lines = append(lines, logical{indent: indent})
			cur = &lines[len(lines)-1]
			atStart = false
		}
		c := s.peek(0)
		switch {
		case c == ' ' || c == '\t' || c == '\f' || c == '\r':
			s.next()
		case c == '#':
			for !s.eof() && s.peek(0) != '\n' {
				s.next()
			}
		case c == '\\':
			l, k := s.line, s.col
			s.next()
			if s.peek(0) == '\r' {
				s.next()
			}
			if s.eof() || s.peek(0) != '\n' {
				return nil, s.errorf(l, k, "unexpected character after line continuation character")
			}
			s.next()
		case c == '\n':
			s.next()
			if len(brackets) == 0 {
				atStart = true
			}
		case isIdentStart(c):
			l, k, start := s.line, s.col, s.i
			for !s.eof() && isIdentPart(s.peek(0)) {
				s.next()
			}
			word := string(s.src[start:s.i])
			if q := s.peek(0); (q == '"' || q == '\'') && isStringPrefix(word) {
				text, err := s.scanString(start, l, k)
				if err != nil {
					return nil, err
				}
				cur.toks = append(cur.toks, token{kString, text, l, k})
				continue
			}
			cur.toks = append(cur.toks, token{kName, word, l, k})
		case c >= '0' && c <= '9' || c == '.' && s.peek(1) >= '0' && s.peek(1) <= '9':
			l, k, start := s.line, s.col, s.i
			for !s.eof() {
				r := s.peek(0)
				if isIdentPart(r) || r == '.' {
					s.next()
					continue
				}
				if (r == '+' || r == '-') && s.i > start {
					p := s.src[s.i-1]
					hex := len(s.src[start:s.i]) > 1 && (s.src[start+1] == 'x' || s.src[start+1] == 'X')
					if (p == 'e' || p == 'E') && !hex {
						s.next()
						continue
					}
				}
				break
			}
			cur.toks = append(cur.toks, token{kNumber, string(s.src[start:s.i]), l, k})
		case c == '"' || c == '\'':
			l, k := s.line, s.col
			text, err := s.scanString(s.i, l, k)
			if err != nil {
				return nil, err
			}
			cur.toks = append(cur.toks, token{kString, text, l, k})
		default:
			l, k := s.line, s.col
			op := ""
			for _, o := range operators {
				if s.hasPrefix(o) {
					op = o
					break
				}
			}
			if op == "" {
				return nil, s.errorf(l, k, "invalid character %q in the source", c)
			}
			for range []rune(op) {
				s.next()
			}
			switch op {
			case "(", "[", "{":
				brackets = append(brackets, open{rune(op[0]), l, k})
			case ")", "]", "}":
				want := map[string]rune{")": '(', "]": '[', "}": '{'}[op]
				if len(brackets) == 0 {
					return nil, s.errorf(l, k, "unmatched '%s'", op)
				}
				top := brackets[len(brackets)-1]
				if top.r != want {
					return nil, s.errorf(l, k, "closing parenthesis '%s' does not match opening parenthesis '%c' on line %d", op, top.r, top.line)
				}
				brackets = brackets[:len(brackets)-1]
			}
			cur.toks = append(cur.toks, token{kOp, op, l, k})
		}
	}
	if len(brackets) > 0 {
		top := brackets[len(brackets)-1]
		return nil, s.errorf(top.line, top.col, "'%c' was never closed", top.r)
	}
	out := lines[:0]
	for _, l := range lines {
		if len(l.toks) > 0 {
			out = append(out, l)
		}
	}
	return out, nil
}

// operators, longest first.
var operators = []string{
	"**=", "//=", ">>=", "<<=", "...",
	"->", ":=", "**", "//", "==", "!=", "<=", ">=", "<<", ">>",
	"+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=",
	"+", "-", "*", "/", "%", "@", "&", "|", "^", "~", "<", ">",
	"(", ")", "[", "]", "{", "}", ",", ":", ";", ".", "=", "!",
}

func (s *scanner) hasPrefix(op string) bool {
	for i, r := range []rune(op) {
		if s.peek(i) != r {
			return false
		}
	}
	return true
}

func isIdentStart(r rune) bool { return r == '_' || unicode.IsLetter(r) }
func isIdentPart(r rune) bool  { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

func isStringPrefix(w string) bool {
	switch strings.ToLower(w) {
	case "r", "u", "b", "f", "br", "rb", "fr", "rf":
		return true
	}
	return false
}

// scanString scans a string literal whose prefix (if any) starts at start
// and whose quote is at the scanner's position; it returns the literal's
// source text. An f-string's replacement fields may hold strings of their
// own, quoted with any quote.
func (s *scanner) scanString(start, line, col int) (string, error) {
	prefix := strings.ToLower(string(s.src[start:s.i]))
	raw := strings.Contains(prefix, "r")
	fstr := strings.Contains(prefix, "f")
	q := s.next()
	triple := false
	if s.peek(0) == q && s.peek(1) == q {
		s.next()
		s.next()
		triple = true
	}
	depth := 0 // f-string replacement field nesting
	for {
		if s.eof() {
			if triple {
				return "", s.errorf(line, col, "unterminated triple-quoted string literal")
			}
			return "", s.errorf(line, col, "unterminated string literal")
		}
		c := s.peek(0)
		if fstr && depth > 0 {
			switch {
			case c == '{' || c == '(' || c == '[':
				depth++
			case c == '}' || c == ')' || c == ']':
				depth--
			case c == '"' || c == '\'':
				if _, err := s.scanString(s.i, s.line, s.col); err != nil {
					return "", err
				}
				continue
			case isIdentStart(c):
				w := s.i
				for !s.eof() && isIdentPart(s.peek(0)) {
					s.next()
				}
				if p := s.peek(0); (p == '"' || p == '\'') && isStringPrefix(string(s.src[w:s.i])) {
					if _, err := s.scanString(w, s.line, s.col); err != nil {
						return "", err
					}
				}
				continue
			case c == '\n' && !triple:
				return "", s.errorf(line, col, "unterminated string literal")
			}
			s.next()
			continue
		}
		switch {
		case c == '\\':
			s.next()
			if !s.eof() {
				s.next()
			}
			_ = raw // a raw string keeps its backslashes but they still escape quotes
			continue
		case c == '\n' && !triple:
			return "", s.errorf(line, col, "unterminated string literal")
		case fstr && c == '{':
			s.next()
			if s.peek(0) == '{' {
				s.next()
				continue
			}
			depth = 1
			continue
		case c == q:
			if !triple {
				s.next()
				return string(s.src[start:s.i]), nil
			}
			if s.peek(1) == q && s.peek(2) == q {
				s.next()
				s.next()
				s.next()
				return string(s.src[start:s.i]), nil
			}
		}
		s.next()
	}
}
