package python

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// literal is a Python string literal taken apart: its prefix flags and its
// body (the text between the quotes), with where the body starts.
type literal struct {
	raw, bytes, fstr bool
	body             string
	line, col        int // position of the body's first rune
}

func splitLiteral(t token) literal {
	text := t.text
	i := 0
	for i < len(text) && text[i] != '"' && text[i] != '\'' {
		i++
	}
	prefix := strings.ToLower(text[:i])
	q := 1
	if len(text)-i >= 6 && text[i+1] == text[i] && text[i+2] == text[i] {
		q = 3
	}
	return literal{
		raw:   strings.Contains(prefix, "r"),
		bytes: strings.Contains(prefix, "b"),
		fstr:  strings.Contains(prefix, "f"),
		body:  text[i+q : len(text)-q],
		line:  t.line,
		col:   t.col + utf8.RuneCountInString(text[:i+q]),
	}
}

// unescape decodes the escapes of a (non-raw) Python string body.
func unescape(body string, raw bool) (string, error) {
	if raw {
		return body, nil
	}
	if !strings.Contains(body, "\\") {
		return body, nil
	}
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' || i+1 == len(body) {
			b.WriteByte(c)
			continue
		}
		i++
		switch e := body[i]; e {
		case '\n':
			// backslash-newline: the line continues
		case '\\', '\'', '"':
			b.WriteByte(e)
		case 'a':
			b.WriteByte('\a')
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
		case 'v':
			b.WriteByte('\v')
		case '0', '1', '2', '3', '4', '5', '6', '7':
			j := i
			for j < len(body) && j < i+3 && body[j] >= '0' && body[j] <= '7' {
				j++
			}
			n, _ := strconv.ParseUint(body[i:j], 8, 32)
			b.WriteRune(rune(n))
			i = j - 1
		case 'x', 'u', 'U':
			width := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
			if i+1+width > len(body) {
				return "", fmt.Errorf("truncated \\%c escape", e)
			}
			n, err := strconv.ParseUint(body[i+1:i+1+width], 16, 32)
			if err != nil {
				return "", fmt.Errorf("invalid \\%c escape", e)
			}
			b.WriteRune(rune(n))
			i += width
		case 'N':
			return "", fmt.Errorf(`\N{...} escapes are not supported`)
		default:
			// Python keeps an unknown escape as it is.
			b.WriteByte('\\')
			b.WriteByte(e)
		}
	}
	return b.String(), nil
}

// fpart is one piece of an f-string: literal text, or a replacement field.
type fpart struct {
	text string // literal text (decoded)
	// a field:
	field      bool
	expr       string // the expression's source text
	line, col  int    // where the expression starts
	debug      string // for {x=}: the text shown before the value
	conv       byte   // 'r', 's', 'a' or 0
	spec       []fpart
	hasSpec    bool
	specLine   int
	specColumn int
}

// parseFString splits an f-string body into literal text and fields.
func parseFString(lit literal) ([]fpart, error) {
	parts, rest, err := parseFParts(lit.body, lit.raw, lit.line, lit.col, false)
	if err != nil {
		return nil, err
	}
	if rest != "" {
		return nil, fmt.Errorf("f-string: single '}' is not allowed")
	}
	return parts, nil
}

// advance moves a line/col position over text.
func advance(line, col int, text string) (int, int) {
	for _, r := range text {
		if r == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

// parseFParts parses literal text and fields until the end of s or, inSpec,
// until a '}' that closes the enclosing field; it returns the unparsed rest
// (starting at that '}').
func parseFParts(s string, raw bool, line, col int, inSpec bool) ([]fpart, string, error) {
	var parts []fpart
	var text strings.Builder
	flush := func() error {
		if text.Len() == 0 {
			return nil
		}
		t, err := unescape(text.String(), raw)
		if err != nil {
			return err
		}
		parts = append(parts, fpart{text: t})
		text.Reset()
		return nil
	}
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == '{' && i+1 < len(s) && s[i+1] == '{' && !inSpec:
			text.WriteByte('{')
			i += 2
			continue
		case c == '}' && i+1 < len(s) && s[i+1] == '}' && !inSpec:
			text.WriteByte('}')
			i += 2
			continue
		case c == '}':
			if err := flush(); err != nil {
				return nil, "", err
			}
			return parts, s[i:], nil
		case c == '{':
			if err := flush(); err != nil {
				return nil, "", err
			}
			l, k := advance(line, col, s[:i+1])
			f, n, err := parseField(s[i+1:], raw, l, k)
			if err != nil {
				return nil, "", err
			}
			parts = append(parts, f)
			i += 1 + n
			continue
		case c == '\\' && !raw && i+1 < len(s):
			text.WriteString(s[i : i+2])
			i += 2
			continue
		}
		text.WriteByte(c)
		i++
	}
	if err := flush(); err != nil {
		return nil, "", err
	}
	return parts, "", nil
}

// parseField parses one replacement field after its '{'; it returns the
// field and the number of bytes consumed, the closing '}' included.
func parseField(s string, raw bool, line, col int) (fpart, int, error) {
	depth := 0
	i := 0
	var quote byte
	end := -1
	for i < len(s) && end < 0 {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '(' || c == '[' || c == '{':
			depth++
		case c == ')' || c == ']':
			depth--
		case c == '}' && depth > 0:
			depth--
		case depth == 0 && (c == '}' || c == ':' || c == '!' && (i+1 >= len(s) || s[i+1] != '=')):
			end = i
			continue
		}
		i++
	}
	if end < 0 {
		return fpart{}, 0, fmt.Errorf("f-string: expecting '}'")
	}
	f := fpart{field: true, expr: s[:end], line: line, col: col}
	// {x=}: the expression text and '=' are shown before the value.
	if e := strings.TrimRight(f.expr, " "); strings.HasSuffix(e, "=") && !strings.HasSuffix(e, "==") && !strings.HasSuffix(e, "!=") &&
		!strings.HasSuffix(e, "<=") && !strings.HasSuffix(e, ">=") {
		f.debug = f.expr
		f.expr = strings.TrimSuffix(e, "=")
	}
	if strings.TrimSpace(f.expr) == "" {
		return fpart{}, 0, fmt.Errorf("f-string: empty expression not allowed")
	}
	i = end
	if s[i] == '!' {
		if i+1 >= len(s) || !strings.ContainsRune("rsa", rune(s[i+1])) {
			return fpart{}, 0, fmt.Errorf("f-string: invalid conversion character: expected 's', 'r', or 'a'")
		}
		f.conv = s[i+1]
		i += 2
	}
	if i < len(s) && s[i] == ':' {
		f.hasSpec = true
		f.specLine, f.specColumn = advance(line, col, s[:i+1])
		spec, rest, err := parseFParts(s[i+1:], raw, f.specLine, f.specColumn, true)
		if err != nil {
			return fpart{}, 0, err
		}
		f.spec = spec
		i = len(s) - len(rest)
	}
	if i >= len(s) || s[i] != '}' {
		return fpart{}, 0, fmt.Errorf("f-string: expecting '}'")
	}
	return f, i + 1, nil
}
