package python

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.starlark.net/starlark"

	"github.com/stampede-dev/stampede/visitors/script"

	"github.com/stampede-dev/stampede/canvas"
)

// pyStr is Python's str(v) for the values a visitor handles.
func pyStr(v starlark.Value) string {
	switch x := v.(type) {
	case starlark.String:
		return string(x)
	case *uuidValue:
		return x.String()
	case *dtValue:
		return x.iso(" ", "auto")
	}
	return pyRepr(v)
}

// pyRepr is Python's repr(v): strings in Python's quotes, containers with
// their elements' repr.
func pyRepr(v starlark.Value) string {
	var b strings.Builder
	writeRepr(&b, v, 0)
	return b.String()
}

func writeRepr(b *strings.Builder, v starlark.Value, depth int) {
	if depth > 100 {
		b.WriteString("...")
		return
	}
	switch x := v.(type) {
	case starlark.NoneType:
		b.WriteString("None")
	case starlark.Bool:
		if x {
			b.WriteString("True")
		} else {
			b.WriteString("False")
		}
	case starlark.Int:
		b.WriteString(x.String())
	case starlark.Float:
		b.WriteString(pyFloat(float64(x)))
	case starlark.String:
		b.WriteString(quote(string(x)))
	case *uuidValue:
		b.WriteString("UUID('" + x.String() + "')")
	case *dtValue:
		b.WriteString(x.repr())
	case starlark.Tuple:
		b.WriteByte('(')
		for i, it := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			writeRepr(b, it, depth+1)
		}
		if len(x) == 1 {
			b.WriteByte(',')
		}
		b.WriteByte(')')
	case *starlark.Set:
		if x.Len() == 0 {
			b.WriteString("set()")
			return
		}
		b.WriteByte('{')
		writeItems(b, x, depth)
		b.WriteByte('}')
	case starlark.IterableMapping:
		b.WriteByte('{')
		for i, kv := range x.Items() {
			if i > 0 {
				b.WriteString(", ")
			}
			writeRepr(b, kv[0], depth+1)
			b.WriteString(": ")
			writeRepr(b, kv[1], depth+1)
		}
		b.WriteByte('}')
	case starlark.Sequence:
		if _, isStr := v.(starlark.String); isStr {
			break
		}
		b.WriteByte('[')
		writeItems(b, x, depth)
		b.WriteByte(']')
	default:
		if t, ok := script.SigTarget(v); ok { // str() and repr() of a signature are its call
			b.WriteString(celeryRepr(t.Value))
			return
		}
		b.WriteString(v.String())
	}
}

func writeItems(b *strings.Builder, x starlark.Iterable, depth int) {
	it := x.Iterate()
	defer it.Done()
	var e starlark.Value
	for i := 0; it.Next(&e); i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		writeRepr(b, e, depth+1)
	}
}

// pyFloat is Python's repr of a float.
func pyFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return canvas.FormatFloat(f)
}

// writeRuneEscape writes r as Python's repr and ascii() escape a
// character: \xXX, \uXXXX or \UXXXXXXXX.
func writeRuneEscape(b *strings.Builder, r rune) {
	switch {
	case r <= 0xff:
		fmt.Fprintf(b, `\x%02x`, r)
	case r <= 0xffff:
		fmt.Fprintf(b, `\u%04x`, r)
	default:
		fmt.Fprintf(b, `\U%08x`, r)
	}
}

// asciiEscape is Python's ascii() of a repr: every character past "~"
// escaped too.
func asciiEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x7f {
			b.WriteRune(r)
		} else {
			writeRuneEscape(&b, r)
		}
	}
	return b.String()
}

// quote is Python's repr of a string.
func quote(s string) string {
	q := byte('\'')
	if strings.ContainsRune(s, '\'') && !strings.ContainsRune(s, '"') {
		q = '"'
	}
	var b strings.Builder
	b.WriteByte(q)
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == rune(q):
			b.WriteByte('\\')
			b.WriteByte(q)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			writeRuneEscape(&b, r)
		case r < 0x80 || unicode.IsPrint(r):
			b.WriteRune(r)
		default:
			writeRuneEscape(&b, r)
		}
	}
	b.WriteByte(q)
	return b.String()
}

// spec is a parsed format specification (Python's format mini-language).
type spec struct {
	fill      rune
	align     byte // '<', '>', '=', '^' or 0
	sign      byte // '+', '-', ' ' or 0
	alt       bool
	zero      bool
	width     int
	grouping  byte // ',', '_' or 0
	precision int  // -1: none
	typ       byte
}

func parseSpec(s string) (spec, error) {
	sp := spec{fill: ' ', precision: -1}
	r := []rune(s)
	i := 0
	isAlign := func(c rune) bool { return c == '<' || c == '>' || c == '=' || c == '^' }
	if len(r) >= 2 && isAlign(r[1]) {
		sp.fill, sp.align = r[0], byte(r[1])
		i = 2
	} else if len(r) >= 1 && isAlign(r[0]) {
		sp.align = byte(r[0])
		i = 1
	}
	if i < len(r) && (r[i] == '+' || r[i] == '-' || r[i] == ' ') {
		sp.sign = byte(r[i])
		i++
	}
	if i < len(r) && r[i] == 'z' {
		i++
	}
	if i < len(r) && r[i] == '#' {
		sp.alt = true
		i++
	}
	if i < len(r) && r[i] == '0' {
		sp.zero = true
		i++
	}
	start := i
	for i < len(r) && r[i] >= '0' && r[i] <= '9' {
		i++
	}
	if i > start {
		sp.width, _ = strconv.Atoi(string(r[start:i]))
	}
	if i < len(r) && (r[i] == ',' || r[i] == '_') {
		sp.grouping = byte(r[i])
		i++
	}
	if i < len(r) && r[i] == '.' {
		i++
		start = i
		for i < len(r) && r[i] >= '0' && r[i] <= '9' {
			i++
		}
		if i == start {
			return sp, fmt.Errorf("ValueError: Format specifier missing precision")
		}
		sp.precision, _ = strconv.Atoi(string(r[start:i]))
	}
	if i < len(r) {
		if i != len(r)-1 || !strings.ContainsRune("bcdeEfFgGnosxX%", r[i]) {
			return sp, fmt.Errorf("ValueError: Invalid format specifier '%s'", s)
		}
		sp.typ = byte(r[i])
	}
	if sp.zero && sp.align == 0 {
		sp.fill, sp.align = '0', '='
	}
	return sp, nil
}

// pyFormat is Python's format(v, spec).
func pyFormat(v starlark.Value, s string) (string, error) {
	if s == "" {
		return pyStr(v), nil
	}
	sp, err := parseSpec(s)
	if err != nil {
		return "", err
	}
	switch x := v.(type) {
	case starlark.String:
		return formatString(string(x), sp)
	case *uuidValue:
		return formatString(x.String(), sp)
	case starlark.Bool:
		if sp.typ == 0 || sp.typ == 's' {
			return formatString(pyStr(x), sp)
		}
		if x {
			return formatInt(big.NewInt(1), sp)
		}
		return formatInt(big.NewInt(0), sp)
	case starlark.Int:
		if strings.IndexByte("eEfFgG%", sp.typ) >= 0 {
			f, _ := new(big.Float).SetInt(x.BigInt()).Float64()
			return formatFloat(f, sp)
		}
		return formatInt(x.BigInt(), sp)
	case starlark.Float:
		return formatFloat(float64(x), sp)
	}
	return "", fmt.Errorf("TypeError: unsupported format string passed to %s.__format__", script.PyType(v))
}

func formatString(s string, sp spec) (string, error) {
	if sp.typ != 0 && sp.typ != 's' {
		return "", fmt.Errorf("ValueError: Unknown format code '%c' for object of type 'str'", sp.typ)
	}
	if sp.sign != 0 {
		return "", fmt.Errorf("ValueError: Sign not allowed in string format specifier")
	}
	if sp.align == '=' {
		return "", fmt.Errorf("ValueError: '=' alignment not allowed in string format specifier")
	}
	if sp.precision >= 0 && utf8.RuneCountInString(s) > sp.precision {
		s = string([]rune(s)[:sp.precision])
	}
	return pad("", s, sp, '<'), nil
}

func formatInt(n *big.Int, sp spec) (string, error) {
	if sp.precision >= 0 {
		return "", fmt.Errorf("ValueError: Precision not allowed in integer format specifier")
	}
	neg := n.Sign() < 0
	abs := new(big.Int).Abs(n)
	var digits, prefix string
	groupEvery := 3
	switch sp.typ {
	case 0, 'd', 'n':
		digits = abs.String()
	case 'b':
		digits, prefix, groupEvery = abs.Text(2), "0b", 4
	case 'o':
		digits, prefix, groupEvery = abs.Text(8), "0o", 4
	case 'x':
		digits, prefix, groupEvery = abs.Text(16), "0x", 4
	case 'X':
		digits, prefix, groupEvery = strings.ToUpper(abs.Text(16)), "0X", 4
	case 'c':
		return pad("", string(rune(n.Int64())), sp, '<'), nil
	case 's':
		return "", fmt.Errorf("ValueError: Unknown format code 's' for object of type 'int'")
	}
	if !sp.alt {
		prefix = ""
	}
	if sp.grouping != 0 {
		digits = group(digits, groupEvery, sp.grouping)
	}
	return pad(signOf(neg, sp)+prefix, digits, sp, '>'), nil
}

func signOf(neg bool, sp spec) string {
	switch {
	case neg:
		return "-"
	case sp.sign == '+':
		return "+"
	case sp.sign == ' ':
		return " "
	}
	return ""
}

func formatFloat(f float64, sp spec) (string, error) {
	if sp.typ == 's' || sp.typ == 'd' || sp.typ == 'b' || sp.typ == 'o' || sp.typ == 'x' || sp.typ == 'X' || sp.typ == 'c' {
		return "", fmt.Errorf("ValueError: Unknown format code '%c' for object of type 'float'", sp.typ)
	}
	neg := math.Signbit(f) && !math.IsNaN(f)
	a := math.Abs(f)
	prec := sp.precision
	var digits string
	switch {
	case math.IsInf(a, 0):
		digits = "inf"
	case math.IsNaN(a):
		digits = "nan"
	default:
		switch sp.typ {
		case 'f', 'F':
			if prec < 0 {
				prec = 6
			}
			digits = strconv.FormatFloat(a, 'f', prec, 64)
		case 'e', 'E':
			if prec < 0 {
				prec = 6
			}
			digits = strconv.FormatFloat(a, 'e', prec, 64)
		case '%':
			if prec < 0 {
				prec = 6
			}
			digits = strconv.FormatFloat(a*100, 'f', prec, 64) + "%"
		case 'g', 'G', 'n':
			if prec < 0 {
				prec = 6
			}
			if prec == 0 {
				prec = 1
			}
			digits = strconv.FormatFloat(a, 'g', prec, 64)
			if sp.alt {
				digits = keepZeros(digits, prec)
			}
		default:
			if prec < 0 {
				digits = pyFloat(a)
			} else {
				if prec == 0 {
					prec = 1
				}
				digits = strconv.FormatFloat(a, 'g', prec, 64)
				if sp.alt {
					digits = keepZeros(digits, prec)
				}
				if !strings.ContainsAny(digits, ".e") {
					digits += ".0"
				}
			}
		}
		if sp.alt && !strings.Contains(digits, ".") {
			if i := strings.IndexAny(digits, "e%"); i >= 0 {
				digits = digits[:i] + "." + digits[i:]
			} else {
				digits += "."
			}
		}
	}
	if sp.typ == 'F' || sp.typ == 'E' || sp.typ == 'G' {
		digits = strings.ToUpper(digits)
	}
	if sp.grouping != 0 && !math.IsInf(a, 0) && !math.IsNaN(a) {
		end := strings.IndexAny(digits, ".e%")
		if end < 0 {
			end = len(digits)
		}
		digits = group(digits[:end], 3, sp.grouping) + digits[end:]
	}
	return pad(signOf(neg, sp), digits, sp, '>'), nil
}

// keepZeros is digits, a %g result, with the trailing zeros that '#'
// keeps: prec significant digits and a decimal point ("2" → "2.00000").
func keepZeros(digits string, prec int) string {
	mant, exp := digits, ""
	if i := strings.IndexByte(digits, 'e'); i >= 0 {
		mant, exp = digits[:i], digits[i:]
	}
	sig := strings.TrimLeft(strings.Replace(mant, ".", "", 1), "0")
	n := len(sig)
	if n == 0 {
		n = 1 // zero is one digit
	}
	if !strings.Contains(mant, ".") {
		mant += "."
	}
	if n < prec {
		mant += strings.Repeat("0", prec-n)
	}
	return mant + exp
}

// group inserts sep every n digits from the right.
func group(digits string, n int, sep byte) string {
	if len(digits) <= n {
		return digits
	}
	var b strings.Builder
	first := len(digits) % n
	if first > 0 {
		b.WriteString(digits[:first])
	}
	for i := first; i < len(digits); i += n {
		if b.Len() > 0 {
			b.WriteByte(sep)
		}
		b.WriteString(digits[i : i+n])
	}
	return b.String()
}

// pad lays out sign+body in the spec's width.
func pad(sign, body string, sp spec, dflt byte) string {
	n := utf8.RuneCountInString(sign) + utf8.RuneCountInString(body)
	if sp.width <= n {
		return sign + body
	}
	fill := strings.Repeat(string(sp.fill), sp.width-n)
	align := sp.align
	if align == 0 {
		align = dflt
	}
	switch align {
	case '<':
		return sign + body + fill
	case '=':
		return sign + fill + body
	case '^':
		k := (sp.width - n) / 2
		left := strings.Repeat(string(sp.fill), k)
		right := strings.Repeat(string(sp.fill), sp.width-n-k)
		return left + sign + body + right
	}
	return fill + sign + body
}

// convert applies an f-string or str.format conversion (!r, !s, !a).
func convert(v starlark.Value, conv string) starlark.Value {
	switch conv {
	case "r":
		return starlark.String(pyRepr(v))
	case "a":
		return starlark.String(asciiEscape(pyRepr(v)))
	case "s":
		return starlark.String(pyStr(v))
	}
	return v
}

// strFormat is Python's str.format: {} {0} {name} {0.attr} {0[key]} fields
// with !conversions and :specs (which may hold fields of their own).
func strFormat(thread *starlark.Thread, format string, args starlark.Tuple, kwargs []starlark.Tuple) (string, error) {
	auto := 0
	kw := map[string]starlark.Value{}
	for _, p := range kwargs {
		kw[string(p[0].(starlark.String))] = p[1]
	}
	var field func(name string) (starlark.Value, error)
	field = func(name string) (starlark.Value, error) {
		end := strings.IndexAny(name, ".[")
		if end < 0 {
			end = len(name)
		}
		head, rest := name[:end], name[end:]
		var v starlark.Value
		switch {
		case head == "":
			if auto < 0 {
				return nil, fmt.Errorf("ValueError: cannot switch from manual field specification to automatic field numbering")
			}
			if auto >= len(args) {
				return nil, fmt.Errorf("IndexError: Replacement index %d out of range for positional args tuple", auto)
			}
			v = args[auto]
			auto++
		case head[0] >= '0' && head[0] <= '9':
			i, err := strconv.Atoi(head)
			if err != nil || i >= len(args) {
				return nil, fmt.Errorf("IndexError: Replacement index %s out of range for positional args tuple", head)
			}
			v = args[i]
		default:
			x, ok := kw[head]
			if !ok {
				return nil, fmt.Errorf("KeyError: '%s'", head)
			}
			v = x
		}
		for rest != "" {
			if rest[0] == '.' {
				end := strings.IndexAny(rest[1:], ".[")
				if end < 0 {
					end = len(rest) - 1
				}
				attr := rest[1 : 1+end]
				rest = rest[1+end:]
				h, ok := v.(starlark.HasAttrs)
				if !ok {
					return nil, fmt.Errorf("AttributeError: '%s' object has no attribute '%s'", script.PyType(v), attr)
				}
				x, err := h.Attr(attr)
				if err != nil {
					return nil, err
				}
				if x == nil {
					return nil, fmt.Errorf("AttributeError: '%s' object has no attribute '%s'", script.PyType(v), attr)
				}
				v = x
				continue
			}
			close := strings.IndexByte(rest, ']')
			if close < 0 {
				return nil, fmt.Errorf("ValueError: Missing ']' in format string")
			}
			key := rest[1:close]
			rest = rest[close+1:]
			var k starlark.Value = starlark.String(key)
			if n, err := strconv.Atoi(key); err == nil {
				k = starlark.MakeInt(n)
			}
			x, err := getItem(v, k)
			if err != nil {
				return nil, err
			}
			v = x
		}
		return v, nil
	}
	var render func(s string, depth int) (string, error)
	render = func(s string, depth int) (string, error) {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			c := s[i]
			switch {
			case c == '{' && i+1 < len(s) && s[i+1] == '{':
				b.WriteByte('{')
				i++
			case c == '}' && i+1 < len(s) && s[i+1] == '}':
				b.WriteByte('}')
				i++
			case c == '}':
				return "", fmt.Errorf("ValueError: Single '}' encountered in format string")
			case c == '{':
				d, j := 1, i+1
				for ; j < len(s) && d > 0; j++ {
					if s[j] == '{' {
						d++
					} else if s[j] == '}' {
						d--
					}
				}
				if d != 0 {
					return "", fmt.Errorf("ValueError: Single '{' encountered in format string")
				}
				body := s[i+1 : j-1]
				i = j - 1
				name, specText, conv := body, "", ""
				if k := strings.IndexByte(name, ':'); k >= 0 {
					name, specText = name[:k], name[k+1:]
				}
				if k := strings.IndexByte(name, '!'); k >= 0 {
					name, conv = name[:k], name[k+1:]
				}
				if name != "" && auto > 0 {
					if name[0] >= '0' && name[0] <= '9' {
						return "", fmt.Errorf("ValueError: cannot switch from automatic field numbering to manual field specification")
					}
				}
				v, err := field(name)
				if err != nil {
					return "", err
				}
				if depth == 0 && strings.ContainsRune(specText, '{') {
					if specText, err = render(specText, depth+1); err != nil {
						return "", err
					}
				}
				out, err := pyFormat(convert(v, conv), specText)
				if err != nil {
					return "", err
				}
				b.WriteString(out)
			default:
				b.WriteByte(c)
			}
		}
		return b.String(), nil
	}
	return render(format, 0)
}

// getItem is v[k].
func getItem(v, k starlark.Value) (starlark.Value, error) {
	switch x := v.(type) {
	case starlark.Mapping:
		r, found, err := x.Get(k)
		if err != nil {
			return nil, err
		}
		if !found {
			return nil, fmt.Errorf("KeyError: %s", pyRepr(k))
		}
		return r, nil
	case starlark.Indexable:
		i, err := starlark.AsInt32(k)
		if err != nil {
			return nil, err
		}
		if i < 0 {
			i += x.Len()
		}
		if i < 0 || i >= x.Len() {
			return nil, fmt.Errorf("IndexError: index out of range")
		}
		return x.Index(i), nil
	}
	return nil, fmt.Errorf("TypeError: '%s' object is not subscriptable", script.PyType(v))
}
