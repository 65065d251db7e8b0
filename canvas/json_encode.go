package canvas

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Encode writes v as JSON the way Python's json.dumps sees it: every dict
// (plain or signature) as an object, lists and tuples as arrays, floats in
// Python's repr (1.0, 1e+16, Infinity), integers with their exact digits.
// indent < 0 gives one compact line; otherwise nested values are indented by
// that many spaces, except that containers nested deeper than MaxIndentDepth
// levels are written on one line, so the output of a very deep document
// stays proportional to its size instead of growing with the square of its
// depth. A value that contains itself is an error, as in Python (found when
// the nesting passes MaxDepth, which no real canvas reaches).
func Encode(v Value, indent int) ([]byte, error) {
	e := encoder{indent: indent, chunked: true}
	if err := e.value(v, 0); err != nil {
		return nil, err
	}
	return e.bytes(), nil
}

// EncodeChunks is Encode with the output left in the pieces it was written
// in, for writing out without gathering it into one slice first.
func EncodeChunks(v Value, indent int) ([][]byte, error) {
	e := encoder{indent: indent, chunked: true}
	if err := e.value(v, 0); err != nil {
		return nil, err
	}
	return append(e.full, e.buf), nil
}

// EncodeTo is Encode written to w as it goes, a megabyte at a time, so
// that a large canvas's JSON is never held whole. The first error of w
// stops the writing (the encoding runs on) and is returned. When v cannot
// be encoded, w holds the part written before that was found: write to
// something that can be dropped, such as export.StageFunc's file.
func EncodeTo(w io.Writer, v Value, indent int) error {
	e := encoder{indent: indent, chunked: true, sink: w}
	err := e.value(v, 0)
	if e.sinkErr == nil && err == nil {
		_, e.sinkErr = w.Write(e.buf)
	}
	if e.sinkErr != nil {
		return e.sinkErr
	}
	return err
}

// AppendJSON is Encode appending to buf, for many small values written
// one after another (a trace's lines). On error buf is returned as it was.
func AppendJSON(buf []byte, v Value, indent int) ([]byte, error) {
	e := encoder{buf: buf, indent: indent}
	if err := e.value(v, 0); err != nil {
		return buf, err
	}
	return e.buf, nil
}

// MustEncode is Encode for values known to be acyclic (snapshots, tests).
func MustEncode(v Value) string {
	b, err := Encode(v, -1)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// MaxIndentDepth is the deepest nesting Encode indents; deeper containers
// are written compactly on one line. Real canvases are a few dozen levels
// deep.
const MaxIndentDepth = 100

type encoder struct {
	buf     []byte
	full    [][]byte  // chunks written before buf, see spill
	size    int       // their total length
	chunked bool      // spill into new chunks (else buf only grows)
	sink    io.Writer // with chunked: where a full chunk goes instead of full
	sinkErr error     // the sink's first error
	indent  int
	open    []any // the containers being written, outermost first
}

// chunkSize is how much output the encoder gathers in one buffer. A
// million-signature canvas is hundreds of megabytes of JSON; one growing
// slice would copy it about twice over, in moves the garbage collector
// cannot interrupt.
const chunkSize = 1 << 20

// spill starts a new buffer once the current one is full (with a sink,
// writes it there and starts it again).
func (e *encoder) spill() {
	if !e.chunked || len(e.buf) < chunkSize {
		return
	}
	if e.sink != nil {
		if e.sinkErr == nil {
			_, e.sinkErr = e.sink.Write(e.buf)
		}
		e.buf = e.buf[:0]
		return
	}
	e.full = append(e.full, e.buf)
	e.size += len(e.buf)
	e.buf = make([]byte, 0, chunkSize+chunkSize/8)
}

// bytes is the whole output, with room for one more byte (a final newline).
func (e *encoder) bytes() []byte {
	if len(e.full) == 0 {
		return e.buf
	}
	out := make([]byte, 0, e.size+len(e.buf)+1)
	for _, c := range e.full {
		out = append(out, c...)
	}
	return append(out, e.buf...)
}

// spaces is indentation to copy from.
var spaces = strings.Repeat(" ", 256)

var errCircular = &PyError{"ValueError", "Circular reference detected"}

// tooDeep is the error for a value nested past MaxDepth: Python's circular
// reference error when one of the containers being written contains itself,
// else a plain statement of the limit.
func (e *encoder) tooDeep() error {
	seen := make(map[any]bool, len(e.open))
	for _, c := range e.open {
		if seen[c] {
			return errCircular
		}
		seen[c] = true
	}
	return &PyError{"ValueError", fmt.Sprintf("the value is nested deeper than %d levels", MaxDepth)}
}

func (e *encoder) newline(depth int) {
	if e.indent < 0 {
		return
	}
	e.spill()
	e.buf = append(e.buf, '\n')
	for n := depth * e.indent; n > 0; n -= len(spaces) {
		e.buf = append(e.buf, spaces[:min(n, len(spaces))]...)
	}
}

func (e *encoder) value(v Value, depth int) error {
	if depth > MaxDepth {
		return e.tooDeep()
	}
	if depth >= MaxIndentDepth && e.indent >= 0 {
		switch v.(type) {
		case *List, *Dict:
			indent := e.indent
			e.indent = -1
			err := e.value(v, depth)
			e.indent = indent
			return err
		}
	}
	switch x := v.(type) {
	case nil:
		e.buf = append(e.buf, "null"...)
	case bool:
		e.buf = strconv.AppendBool(e.buf, x)
	case Int:
		e.buf = append(e.buf, x...)
	case float64:
		e.buf = append(e.buf, FormatFloat(x)...)
	case string:
		e.buf = AppendQuoted(e.buf, x)
	case *Lazy:
		// json.dumps iterates a _regen, producing (and stamping) every member.
		items, err := x.All()
		if err != nil {
			return err
		}
		return e.value(NewList(items...), depth)
	case *List:
		if x.Len() == 0 {
			e.buf = append(e.buf, "[]"...)
			return nil
		}
		e.buf = append(e.buf, '[')
		e.open = append(e.open, x)
		for i, item := range x.Items() {
			if i > 0 {
				e.buf = append(e.buf, ',')
				if e.indent < 0 {
					e.buf = append(e.buf, ' ')
					e.spill()
				}
			}
			e.newline(depth + 1)
			if err := e.value(item, depth+1); err != nil {
				return err
			}
		}
		e.open = e.open[:len(e.open)-1]
		e.newline(depth)
		e.buf = append(e.buf, ']')
	case *Dict:
		if x.Len() == 0 {
			e.buf = append(e.buf, "{}"...)
			return nil
		}
		e.buf = append(e.buf, '{')
		e.open = append(e.open, x)
		for i, p := range x.Pairs() {
			if i > 0 {
				e.buf = append(e.buf, ',')
				if e.indent < 0 {
					e.buf = append(e.buf, ' ')
					e.spill()
				}
			}
			e.newline(depth + 1)
			e.buf = AppendQuoted(e.buf, p.Key.String())
			e.buf = append(e.buf, ": "...)
			if err := e.value(p.Val, depth+1); err != nil {
				return err
			}
		}
		e.open = e.open[:len(e.open)-1]
		e.newline(depth)
		e.buf = append(e.buf, '}')
	default:
		return typeError("Object of type %T is not JSON serializable", v)
	}
	return nil
}

// AppendQuoted appends s as a JSON string. Non-ASCII text is kept as UTF-8.
func AppendQuoted(buf []byte, s string) []byte {
	const hex = "0123456789abcdef"
	buf = append(buf, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			buf = append(buf, c)
			i++
			continue
		}
		switch c {
		case '"', '\\':
			buf = append(buf, '\\', c)
			i++
			continue
		case '\n':
			buf = append(buf, '\\', 'n')
			i++
			continue
		case '\r':
			buf = append(buf, '\\', 'r')
			i++
			continue
		case '\t':
			buf = append(buf, '\\', 't')
			i++
			continue
		}
		if c < 0x20 {
			buf = append(buf, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			if sr, ok := surrogateAt(s, i); ok {
				buf = append(buf, '\\', 'u', hex[sr>>12], hex[sr>>8&0xF], hex[sr>>4&0xF], hex[sr&0xF])
				i += 3
				continue
			}
		}
		buf = utf8.AppendRune(buf, r)
		i += size
	}
	return append(buf, '"')
}

// A string may hold a lone UTF-16 surrogate (JSON's "\ud800", which
// Python keeps as a character of its own) in the three-byte form UTF-8
// would give it if it allowed surrogates (WTF-8). appendSurrogate writes
// that form; surrogateAt reads it at s[i:].
func appendSurrogate(b []byte, r rune) []byte {
	return append(b, 0xE0|byte(r>>12), 0x80|byte(r>>6)&0x3F, 0x80|byte(r)&0x3F)
}

func surrogateAt(s string, i int) (rune, bool) {
	if i+2 < len(s) && s[i] == 0xED && s[i+1] >= 0xA0 && s[i+1] <= 0xBF && s[i+2] >= 0x80 && s[i+2] <= 0xBF {
		return 0xD000 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F), true
	}
	return 0, false
}

// FormatFloat is Python's repr(float) (and json.dumps of a float): the
// shortest digits that read back exactly, in fixed notation when the decimal
// exponent is in [-4, 16) and always with a '.0' or exponent, so a float never
// reads back as an int.
func FormatFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	s := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±XX
	neg := false
	if s[0] == '-' {
		neg = true
		s = s[1:]
	}
	mant, expText, _ := strings.Cut(s, "e")
	exp, _ := strconv.Atoi(expText)
	digits := strings.Replace(mant, ".", "", 1)
	var out string
	if exp >= -4 && exp < 16 {
		if exp < 0 {
			out = "0." + strings.Repeat("0", -exp-1) + digits
		} else if len(digits) <= exp+1 {
			out = digits + strings.Repeat("0", exp+1-len(digits)) + ".0"
		} else {
			out = digits[:exp+1] + "." + digits[exp+1:]
		}
	} else {
		m := digits[:1]
		if len(digits) > 1 {
			m += "." + digits[1:]
		}
		sign := "+"
		if exp < 0 {
			sign = "-"
			exp = -exp
		}
		e := strconv.Itoa(exp)
		if len(e) < 2 {
			e = "0" + e
		}
		out = m + "e" + sign + e
	}
	if neg {
		out = "-" + out
	}
	return out
}
