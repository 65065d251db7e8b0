package python

import (
	"fmt"
	"math"
	"math/big"
	"strings"
	"unicode/utf8"

	"go.starlark.net/starlark"

	"github.com/stampede-dev/stampede/visitors/script"
)

// Python's printf-style string formatting, "%5.2f|%-8s|%#x" % args, which
// Starlark's % does only without flags, width and precision. The
// translator sends `"literal" % args` here; so does a logger's
// logger.info(msg, *args).

// builtinPercent is _percent(format, args).
func builtinPercent(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var format string
	var values starlark.Value
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 2, &format, &values); err != nil {
		return nil, err
	}
	s, err := pyPercent(format, values)
	if err != nil {
		return nil, err
	}
	return starlark.String(s), nil
}

// pyPercent is format % values.
func pyPercent(format string, values starlark.Value) (string, error) {
	var items starlark.Tuple
	var mapping starlark.Mapping
	switch x := values.(type) {
	case starlark.Tuple:
		items = x
	default:
		items = starlark.Tuple{values}
		if m, ok := values.(starlark.Mapping); ok {
			if _, isStr := values.(starlark.String); !isStr {
				mapping = m
			}
		}
	}
	next := 0
	arg := func() (starlark.Value, error) {
		if next >= len(items) {
			return nil, fmt.Errorf("TypeError: not enough arguments for format string")
		}
		next++
		return items[next-1], nil
	}
	var out strings.Builder
	usedKey := false
	for i := 0; i < len(format); {
		c := format[i]
		if c != '%' {
			j := strings.IndexByte(format[i:], '%')
			if j < 0 {
				j = len(format) - i
			}
			out.WriteString(format[i : i+j])
			i += j
			continue
		}
		i++
		if i >= len(format) {
			return "", fmt.Errorf("ValueError: incomplete format")
		}
		var v starlark.Value
		if format[i] == '(' {
			if mapping == nil {
				return "", fmt.Errorf("TypeError: format requires a mapping")
			}
			depth, j := 1, i+1
			for ; j < len(format) && depth > 0; j++ {
				switch format[j] {
				case '(':
					depth++
				case ')':
					depth--
				}
			}
			if depth > 0 {
				return "", fmt.Errorf("ValueError: incomplete format key")
			}
			key := format[i+1 : j-1]
			got, found, err := mapping.Get(starlark.String(key))
			if err != nil {
				return "", err
			}
			if !found {
				return "", fmt.Errorf("KeyError: %s", pyRepr(starlark.String(key)))
			}
			v, usedKey, i = got, true, j
		}
		var f percentSpec
		f.precision = -1
	flags:
		for ; i < len(format); i++ {
			switch format[i] {
			case '-':
				f.left = true
			case '+':
				f.plus = true
			case ' ':
				f.space = true
			case '#':
				f.alt = true
			case '0':
				f.zero = true
			default:
				break flags
			}
		}
		num := func() (int, error) {
			if i < len(format) && format[i] == '*' {
				i++
				a, err := arg()
				if err != nil {
					return 0, err
				}
				n, ok := a.(starlark.Int)
				if !ok {
					return 0, fmt.Errorf("TypeError: * wants int")
				}
				w, _ := n.Int64()
				return int(max(min(w, 1<<20), -(1 << 20))), nil
			}
			n := 0
			for i < len(format) && format[i] >= '0' && format[i] <= '9' {
				n = min(n*10+int(format[i]-'0'), 1<<20)
				i++
			}
			return n, nil
		}
		var err error
		if f.width, err = num(); err != nil {
			return "", err
		}
		if f.width < 0 { // a negative * width left-aligns
			f.left, f.width = true, -f.width
		}
		if i < len(format) && format[i] == '.' {
			i++
			if f.precision, err = num(); err != nil {
				return "", err
			}
		}
		for i < len(format) && (format[i] == 'h' || format[i] == 'l' || format[i] == 'L') {
			i++
		}
		if i >= len(format) {
			return "", fmt.Errorf("ValueError: incomplete format")
		}
		conv, size := utf8.DecodeRuneInString(format[i:])
		i += size
		if conv == '%' {
			out.WriteByte('%')
			continue
		}
		if v == nil {
			if v, err = arg(); err != nil {
				return "", err
			}
		}
		s, err := f.format(byte(min(conv, 0x7f)), v)
		if err != nil {
			if strings.HasPrefix(err.Error(), "ValueError: unsupported format character") {
				err = fmt.Errorf("ValueError: unsupported format character '%c' (0x%x) at index %d", conv, conv, utf8.RuneCountInString(format[:i-size]))
			}
			return "", err
		}
		out.WriteString(s)
	}
	if next < len(items) && mapping == nil && !usedKey {
		return "", fmt.Errorf("TypeError: not all arguments converted during string formatting")
	}
	return out.String(), nil
}

// percentSpec is one conversion's flags, width and precision.
type percentSpec struct {
	left, plus, space, alt, zero bool
	width, precision             int // precision -1: none
}

// format converts v as conversion conv does.
func (f percentSpec) format(conv byte, v starlark.Value) (string, error) {
	switch conv {
	case 's', 'r', 'a':
		var s string
		switch conv {
		case 's':
			s = pyStr(v)
		case 'r':
			s = pyRepr(v)
		default:
			s = asciiEscape(pyRepr(v))
		}
		if f.precision >= 0 && utf8.RuneCountInString(s) > f.precision {
			s = string([]rune(s)[:f.precision])
		}
		return f.pad("", s, false), nil
	case 'd', 'i', 'u', 'x', 'X', 'o':
		n, err := percentInt(conv, v)
		if err != nil {
			return "", err
		}
		base, prefix := 10, ""
		switch conv {
		case 'x':
			base, prefix = 16, "0x"
		case 'X':
			base, prefix = 16, "0X"
		case 'o':
			base, prefix = 8, "0o"
		}
		digits := new(big.Int).Abs(n).Text(base)
		if conv == 'X' {
			digits = strings.ToUpper(digits)
		}
		if f.precision > len(digits) {
			digits = strings.Repeat("0", f.precision-len(digits)) + digits
		}
		if !f.alt {
			prefix = ""
		}
		return f.pad(f.sign(n.Sign() < 0)+prefix, digits, true), nil
	case 'e', 'E', 'f', 'F', 'g', 'G':
		x, ok := floatOf(v)
		if !ok {
			return "", fmt.Errorf("TypeError: must be real number, not %s", script.PyType(v))
		}
		prec := f.precision
		if prec < 0 {
			prec = 6
		}
		s, err := formatFloat(math.Abs(x), spec{precision: prec, typ: conv, alt: f.alt})
		if err != nil {
			return "", err
		}
		return f.pad(f.sign(math.Signbit(x) && !math.IsNaN(x)), s, !math.IsInf(x, 0) && !math.IsNaN(x)), nil
	case 'c':
		switch x := v.(type) {
		case starlark.Int:
			r, ok := x.Int64()
			if !ok || r < 0 || r > utf8.MaxRune {
				return "", fmt.Errorf("OverflowError: %%c arg not in range(0x110000)")
			}
			return f.pad("", string(rune(r)), false), nil
		case starlark.String:
			if utf8.RuneCountInString(string(x)) == 1 {
				return f.pad("", string(x), false), nil
			}
		}
		return "", fmt.Errorf("TypeError: %%c requires int or char")
	}
	return "", fmt.Errorf("ValueError: unsupported format character")
}

// sign is what goes before a number's digits.
func (f percentSpec) sign(neg bool) string {
	switch {
	case neg:
		return "-"
	case f.plus:
		return "+"
	case f.space:
		return " "
	}
	return ""
}

// pad widens head+body to the width: spaces on the left, or on the right
// with '-', or zeros between head (sign and prefix) and body for a number
// with '0'.
func (f percentSpec) pad(head, body string, numeric bool) string {
	n := f.width - utf8.RuneCountInString(head) - utf8.RuneCountInString(body)
	switch {
	case n <= 0:
		return head + body
	case f.left:
		return head + body + strings.Repeat(" ", n)
	case f.zero && numeric:
		return head + strings.Repeat("0", n) + body
	}
	return strings.Repeat(" ", n) + head + body
}

// percentInt is the integer a %d, %x or %o conversion writes: %d takes a
// float too (truncated), %x and %o only integers.
func percentInt(conv byte, v starlark.Value) (*big.Int, error) {
	if n, ok := intOf(v); ok {
		return n, nil
	}
	switch x := v.(type) {
	case starlark.Float:
		if conv == 'x' || conv == 'X' || conv == 'o' {
			return nil, fmt.Errorf("TypeError: %%%c format: an integer is required, not float", conv)
		}
		f := float64(x)
		switch {
		case math.IsNaN(f):
			return nil, fmt.Errorf("ValueError: cannot convert float NaN to integer")
		case math.IsInf(f, 0):
			return nil, fmt.Errorf("OverflowError: cannot convert float infinity to integer")
		}
		n, _ := new(big.Float).SetFloat64(math.Trunc(f)).Int(nil)
		return n, nil
	}
	if conv == 'x' || conv == 'X' || conv == 'o' {
		return nil, fmt.Errorf("TypeError: %%%c format: an integer is required, not %s", conv, script.PyType(v))
	}
	return nil, fmt.Errorf("TypeError: %%%c format: a real number is required, not %s", conv, script.PyType(v))
}

// floatOf is float(v) for a number.
func floatOf(v starlark.Value) (float64, bool) {
	switch x := v.(type) {
	case starlark.Float:
		return float64(x), true
	case starlark.Int:
		f, _ := new(big.Float).SetInt(x.BigInt()).Float64()
		return f, true
	case starlark.Bool:
		if x {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}
