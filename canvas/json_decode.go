package canvas

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxDepth is how deeply a JSON document may nest. Past it Decode stops with
// a clear error instead of exhausting the stack.
const MaxDepth = 1_000_000

// SyntaxError is a JSON document that cannot be read, with where.
type SyntaxError struct {
	Offset int    // byte offset of the problem
	Line   int    // 1-based line
	Col    int    // 1-based column (in bytes)
	Path   string // JSON path of the value being read, e.g. $.kwargs.tasks[2]
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("line %d column %d (at %s): %s", e.Line, e.Col, e.Path, e.Msg)
}

// Decode reads one JSON document as Python's json.loads would: objects become
// plain dicts (a repeated key keeps its first position and its last value),
// arrays lists, integers Int with their exact digits, other numbers float64
// (NaN, Infinity and -Infinity included, as Python accepts them).
func Decode(data []byte) (Value, error) {
	d := decoder{data: data}
	if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
		return nil, d.fail(0, "unexpected UTF-8 byte order mark; save the file as UTF-8 without BOM")
	}
	if !utf8.Valid(data) {
		off := 0
		for off < len(data) {
			r, size := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			off += size
		}
		return nil, d.fail(off, "invalid UTF-8")
	}
	d.skipSpace()
	if d.pos >= len(d.data) {
		return nil, d.fail(d.pos, "empty document: expected a JSON value")
	}
	v, err := d.value(0)
	if err != nil {
		return nil, err
	}
	d.skipSpace()
	if d.pos < len(d.data) {
		return nil, d.fail(d.pos, "extra data after the JSON value")
	}
	return v, nil
}

type pathElem struct {
	key   string
	index int // -1 for a key
}

type decoder struct {
	data []byte
	pos  int
	path []pathElem
}

func (d *decoder) pathString() string {
	var b strings.Builder
	b.WriteByte('$')
	for _, e := range d.path {
		if e.index >= 0 {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(e.index))
			b.WriteByte(']')
		} else {
			b.WriteByte('.')
			b.WriteString(e.key)
		}
	}
	return b.String()
}

func (d *decoder) fail(off int, format string, a ...any) error {
	line, col := 1, 1
	for i := 0; i < off && i < len(d.data); i++ {
		if d.data[i] == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return &SyntaxError{Offset: off, Line: line, Col: col, Path: d.pathString(), Msg: fmt.Sprintf(format, a...)}
}

func (d *decoder) skipSpace() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *decoder) value(depth int) (Value, error) {
	if depth > MaxDepth {
		return nil, d.fail(d.pos, "nesting deeper than %d levels", MaxDepth)
	}
	if d.pos >= len(d.data) {
		return nil, d.fail(d.pos, "unexpected end of input: expected a value")
	}
	switch c := d.data[d.pos]; {
	case c == '{':
		return d.object(depth)
	case c == '[':
		return d.array(depth)
	case c == '"':
		return d.str()
	case c == '-' || (c >= '0' && c <= '9'):
		if d.hasWord("-Infinity") {
			d.pos += len("-Infinity")
			return math.Inf(-1), nil
		}
		return d.number()
	case d.hasWord("true"):
		d.pos += 4
		return true, nil
	case d.hasWord("false"):
		d.pos += 5
		return false, nil
	case d.hasWord("null"):
		d.pos += 4
		return nil, nil
	case d.hasWord("NaN"):
		d.pos += 3
		return math.NaN(), nil
	case d.hasWord("Infinity"):
		d.pos += 8
		return math.Inf(1), nil
	default:
		r, _ := utf8.DecodeRune(d.data[d.pos:])
		return nil, d.fail(d.pos, "unexpected character %q: expected a value", r)
	}
}

func (d *decoder) hasWord(w string) bool {
	return len(d.data)-d.pos >= len(w) && string(d.data[d.pos:d.pos+len(w)]) == w
}

func (d *decoder) object(depth int) (Value, error) {
	d.pos++ // '{'
	obj := &Dict{}
	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		return obj, nil
	}
	for {
		d.skipSpace()
		if d.pos >= len(d.data) {
			return nil, d.fail(d.pos, "unexpected end of input: expected a key or '}'")
		}
		if d.data[d.pos] != '"' {
			return nil, d.fail(d.pos, "expected a double-quoted key")
		}
		key, err := d.str()
		if err != nil {
			return nil, err
		}
		d.skipSpace()
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			return nil, d.fail(d.pos, "expected ':' after key %q", key)
		}
		d.pos++
		d.skipSpace()
		d.path = append(d.path, pathElem{key: key, index: -1})
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		d.path = d.path[:len(d.path)-1]
		obj.Set(key, v)
		d.skipSpace()
		if d.pos >= len(d.data) {
			return nil, d.fail(d.pos, "unexpected end of input: expected ',' or '}'")
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
		case '}':
			d.pos++
			return obj, nil
		default:
			return nil, d.fail(d.pos, "expected ',' or '}' after a value")
		}
	}
}

func (d *decoder) array(depth int) (Value, error) {
	d.pos++ // '['
	list := &List{}
	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		return list, nil
	}
	for i := 0; ; i++ {
		d.skipSpace()
		d.path = append(d.path, pathElem{index: i})
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		d.path = d.path[:len(d.path)-1]
		list.Items = append(list.Items, v)
		d.skipSpace()
		if d.pos >= len(d.data) {
			return nil, d.fail(d.pos, "unexpected end of input: expected ',' or ']'")
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
		case ']':
			d.pos++
			return list, nil
		default:
			return nil, d.fail(d.pos, "expected ',' or ']' after a value")
		}
	}
}

func (d *decoder) str() (string, error) {
	start := d.pos
	d.pos++ // opening quote
	// Fast path: no escapes.
	for i := d.pos; i < len(d.data); i++ {
		c := d.data[i]
		if c == '"' {
			s := string(d.data[d.pos:i])
			d.pos = i + 1
			return s, nil
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			return "", d.fail(i, "control character in a string")
		}
	}
	var b strings.Builder
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == '"':
			d.pos++
			return b.String(), nil
		case c < 0x20:
			return "", d.fail(d.pos, "control character in a string")
		case c != '\\':
			b.WriteByte(c)
			d.pos++
			continue
		}
		if d.pos+1 >= len(d.data) {
			break
		}
		esc := d.data[d.pos+1]
		d.pos += 2
		switch esc {
		case '"', '\\', '/':
			b.WriteByte(esc)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, ok := d.hex4()
			if !ok {
				return "", d.fail(d.pos, "invalid \\u escape")
			}
			if utf16.IsSurrogate(r) {
				if d.hasWord("\\u") {
					save := d.pos
					d.pos += 2
					if r2, ok := d.hex4(); ok && utf16.DecodeRune(r, r2) != utf8.RuneError {
						r = utf16.DecodeRune(r, r2)
					} else {
						d.pos = save
						r = utf8.RuneError
					}
				} else {
					r = utf8.RuneError
				}
			}
			b.WriteRune(r)
		default:
			return "", d.fail(d.pos-2, "invalid escape '\\%c'", esc)
		}
	}
	return "", d.fail(start, "unterminated string")
}

func (d *decoder) hex4() (rune, bool) {
	if len(d.data)-d.pos < 4 {
		return 0, false
	}
	n, err := strconv.ParseUint(string(d.data[d.pos:d.pos+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	d.pos += 4
	return rune(n), true
}

func (d *decoder) number() (Value, error) {
	start := d.pos
	if d.data[d.pos] == '-' {
		d.pos++
	}
	digits := func() int {
		n := 0
		for d.pos < len(d.data) && d.data[d.pos] >= '0' && d.data[d.pos] <= '9' {
			d.pos++
			n++
		}
		return n
	}
	intStart := d.pos
	if digits() == 0 {
		return nil, d.fail(start, "invalid number")
	}
	if d.data[intStart] == '0' && d.pos-intStart > 1 {
		return nil, d.fail(start, "invalid number: leading zero")
	}
	isFloat := false
	if d.pos < len(d.data) && d.data[d.pos] == '.' {
		isFloat = true
		d.pos++
		if digits() == 0 {
			return nil, d.fail(start, "invalid number: no digits after '.'")
		}
	}
	if d.pos < len(d.data) && (d.data[d.pos] == 'e' || d.data[d.pos] == 'E') {
		isFloat = true
		d.pos++
		if d.pos < len(d.data) && (d.data[d.pos] == '+' || d.data[d.pos] == '-') {
			d.pos++
		}
		if digits() == 0 {
			return nil, d.fail(start, "invalid number: no digits in exponent")
		}
	}
	text := string(d.data[start:d.pos])
	if !isFloat {
		if text == "-0" {
			return Int("0"), nil
		}
		return Int(text), nil
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		// Out of range: Python gives ±inf (or ±0 for underflow, which ParseFloat already returns).
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f, nil
		}
		return nil, d.fail(start, "invalid number %q", text)
	}
	return f, nil
}
