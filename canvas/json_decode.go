package canvas

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
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

// smallInts are the boxed Ints 0..255, shared by every occurrence.
var smallInts = func() [256]Value {
	var t [256]Value
	for i := range t {
		t[i] = Int(strconv.Itoa(i))
	}
	return t
}()

type pathElem struct {
	key   string
	index int // -1 for a key
}

type decoder struct {
	data []byte
	pos  int
	path []pathElem

	pairs  []Pair  // scratch stack of the members of the objects being read
	items  []Value // scratch stack of the items of the arrays being read
	intern map[string]Value
	keys   [64]Key // recent keys, see internKey
	slab   slab
}

// internLimit is the longest string value that is shared between equal
// occurrences (task names, queues, small ids): a canvas of a million
// signatures repeats a handful of them.
const internLimit = 24

// maxInterned bounds the table: repeated values show up early, and unique
// ones (task ids) would only make it grow.
const maxInterned = 4096

// internKey returns the key with text b.
func (d *decoder) internKey(b []byte) Key {
	if len(b) == 0 {
		return K("")
	}
	// A canvas repeats a score of keys a million times. A slot chosen by
	// the key's length and ends finds most of them with one comparison;
	// K would hash the key first.
	slot := &d.keys[(len(b)*5+int(b[0])+int(b[len(b)-1])*3)%len(d.keys)]
	if *slot != (Key{}) && slot.String() == string(b) {
		return *slot
	}
	*slot = K(string(b))
	return *slot
}

// pathString is the JSON path of the value being read. A path of more than
// pathHead+pathTail elements (a document nested thousands of levels deep)
// keeps its first and last elements around a count of those left out, so
// that an error stays one readable line.
func (d *decoder) pathString() string {
	var b strings.Builder
	b.WriteByte('$')
	write := func(elems []pathElem) {
		for _, e := range elems {
			if e.index >= 0 {
				b.WriteByte('[')
				b.WriteString(strconv.Itoa(e.index))
				b.WriteByte(']')
			} else {
				b.WriteString(pathKey(e.key))
			}
		}
	}
	if n := len(d.path); n > pathHead+pathTail {
		write(d.path[:pathHead])
		fmt.Fprintf(&b, "…(%d more levels)…", n-pathHead-pathTail)
		write(d.path[n-pathTail:])
	} else {
		write(d.path)
	}
	return b.String()
}

// pathKey is a key as a path shows it: .key for a name of letters,
// digits, '_' and '-', else ["key"] quoted as JSON (so that a key holding a
// dot, a space or a line break reads unambiguously and keeps the error on
// one line). A key longer than maxPathKey bytes is cut at a character
// boundary and ends in "…".
func pathKey(key string) string {
	cut := ""
	if len(key) > maxPathKey {
		n := maxPathKey
		for n > 0 && !utf8.RuneStart(key[n]) {
			n--
		}
		key, cut = key[:n], "…"
	}
	plain := key != ""
	for _, r := range key {
		if !(r == '_' || r == '-' || unicode.IsLetter(r) || unicode.IsDigit(r)) {
			plain = false
			break
		}
	}
	if plain {
		return "." + key + cut
	}
	return "[" + string(AppendQuoted(nil, key+cut)) + "]"
}

// maxPathKey is the longest key a path shows in full.
const maxPathKey = 64

// pathHead and pathTail are how many elements of a very long path an error
// shows at its start and at its end.
const (
	pathHead = 8
	pathTail = 8
)

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
		return d.strValue()
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
	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		return d.slab.dict(nil), nil
	}
	base := len(d.pairs)
	var index map[Key]int // key -> position in d.pairs, once the object is big
	for {
		d.skipSpace()
		if d.pos >= len(d.data) {
			return nil, d.fail(d.pos, "unexpected end of input: expected a key or '}'")
		}
		if d.data[d.pos] != '"' {
			return nil, d.fail(d.pos, "expected a double-quoted key")
		}
		key, err := d.key()
		if err != nil {
			return nil, err
		}
		d.skipSpace()
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			return nil, d.fail(d.pos, "expected ':' after key %q", key.String())
		}
		d.pos++
		d.skipSpace()
		d.path = append(d.path, pathElem{key: key.String(), index: -1})
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		d.path = d.path[:len(d.path)-1]
		index = d.setPair(base, index, key, v)
		d.skipSpace()
		if d.pos >= len(d.data) {
			return nil, d.fail(d.pos, "unexpected end of input: expected ',' or '}'")
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
		case '}':
			d.pos++
			obj := d.slab.dict(d.pairs[base:])
			clear(d.pairs[base:])
			d.pairs = d.pairs[:base]
			return obj, nil
		default:
			return nil, d.fail(d.pos, "expected ',' or '}' after a value")
		}
	}
}

// smallObject is how many members an object may have before setPair looks
// repeated keys up in a map instead of scanning the members read so far
// (which would make an object of a million keys take quadratic time).
const smallObject = 32

// setPair adds a member to the object whose members start at base: a
// repeated key keeps its first position and takes the last value, as
// Python's dict does. index is the object's key map once it is big (nil
// before); setPair returns it, made when the object outgrows smallObject.
func (d *decoder) setPair(base int, index map[Key]int, key Key, v Value) map[Key]int {
	if index != nil {
		if i, ok := index[key]; ok {
			d.pairs[i].Val = v
			return index
		}
		index[key] = len(d.pairs)
		d.pairs = append(d.pairs, Pair{key, v})
		return index
	}
	for i := base; i < len(d.pairs); i++ {
		if d.pairs[i].Key == key {
			d.pairs[i].Val = v
			return nil
		}
	}
	d.pairs = append(d.pairs, Pair{key, v})
	if len(d.pairs)-base > smallObject {
		index = make(map[Key]int, 2*smallObject)
		for i := base; i < len(d.pairs); i++ {
			index[d.pairs[i].Key] = i
		}
	}
	return index
}

func (d *decoder) array(depth int) (Value, error) {
	d.pos++ // '['
	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		return d.slab.list(nil), nil
	}
	base := len(d.items)
	for i := 0; ; i++ {
		d.skipSpace()
		d.path = append(d.path, pathElem{index: i})
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		d.path = d.path[:len(d.path)-1]
		d.items = append(d.items, v)
		d.skipSpace()
		if d.pos >= len(d.data) {
			return nil, d.fail(d.pos, "unexpected end of input: expected ',' or ']'")
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
		case ']':
			d.pos++
			list := d.slab.list(d.items[base:])
			clear(d.items[base:])
			d.items = d.items[:base]
			return list, nil
		default:
			return nil, d.fail(d.pos, "expected ',' or ']' after a value")
		}
	}
}

// key reads an object key.
func (d *decoder) key() (Key, error) {
	for i := d.pos + 1; i < len(d.data); i++ {
		c := d.data[i]
		if c == '"' {
			k := d.internKey(d.data[d.pos+1 : i])
			d.pos = i + 1
			return k, nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
	}
	s, err := d.str()
	return K(s), err
}

// strValue reads a string value; short ones are shared, boxed once.
func (d *decoder) strValue() (Value, error) {
	for i := d.pos + 1; i < len(d.data) && i-d.pos <= internLimit+1; i++ {
		c := d.data[i]
		if c == '"' {
			b := d.data[d.pos+1 : i]
			d.pos = i + 1
			if v, ok := d.intern[string(b)]; ok {
				return v, nil
			}
			var v Value = string(b)
			if d.intern == nil {
				d.intern = make(map[string]Value, 64)
			}
			if len(d.intern) < maxInterned {
				d.intern[v.(string)] = v
			}
			return v, nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
	}
	s, err := d.str()
	return s, err
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
				paired := false
				if d.hasWord("\\u") {
					save := d.pos
					d.pos += 2
					if r2, ok := d.hex4(); ok && utf16.DecodeRune(r, r2) != utf8.RuneError {
						r, paired = utf16.DecodeRune(r, r2), true
					} else {
						d.pos = save
					}
				}
				if !paired {
					// A lone surrogate, which Python keeps as it is: held
					// as its three-byte (WTF-8) form, written back as \uXXXX.
					b.Write(appendSurrogate(nil, r))
					continue
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
			return smallInts[0], nil
		}
		if len(text) <= 3 && text[0] != '-' {
			n := 0
			for _, c := range []byte(text) {
				n = n*10 + int(c-'0')
			}
			if n < len(smallInts) {
				return smallInts[n], nil
			}
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
