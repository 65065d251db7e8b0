package python

import (
	"strconv"
	"strings"

	"go.starlark.net/syntax"
)

// expr translates a Python expression (or an expression statement, an
// assignment or a for header: anything whose tokens Starlark reads the same
// way once the Python-only forms are rewritten).
func (t *translator) expr(toks []token) ([]otok, error) {
	var out []otok
	primary := 0 // where in out the primary expression being written began
	for i := 0; i < len(toks); i++ {
		tk := toks[i]
		if startsPrimary(toks, i) {
			primary = len(out)
		}
		// x.sort(), s.zfill(3) and the other methods Python's str, list
		// and dict have and Starlark's lack: _method(x, "sort", …).
		if tk.is(".") && i+2 < len(toks) && toks[i+1].kind == kName && pyOnlyMethods[toks[i+1].text] && toks[i+2].is("(") && primary < len(out) {
			recv := append([]otok(nil), out[primary:]...)
			name := []otok{{strconv.Quote(toks[i+1].text), toks[i+1].line, toks[i+1].col}}
			call, end, err := t.helperCall("_method", tk, toks, i+2, recv, name)
			if err != nil {
				return nil, err
			}
			out = append(out[:primary], call...)
			i = end
			continue
		}
		switch tk.kind {
		case kString:
			j := i
			for j < len(toks) && toks[j].kind == kString {
				j++
			}
			// "...".format(...) on a literal: Python's str.format.
			if j-i == 1 && j+2 < len(toks) && toks[j].is(".") && toks[j+1].kind == kName && toks[j+1].text == "format" && toks[j+2].is("(") {
				lit, err := t.stringLiteral(tk)
				if err != nil {
					return nil, err
				}
				call, end, err := t.helperCall("_str_format", tk, toks, j+2, lit)
				if err != nil {
					return nil, err
				}
				out = append(out, call...)
				i = end
				continue
			}
			// "literal" % args: Python's printf-style formatting, which
			// Starlark's % has only without flags, width and precision.
			if end := percentOperand(toks, i, j); end > 0 {
				lit, err := t.expr(toks[i:j])
				if err != nil {
					return nil, err
				}
				args, err := t.expr(toks[j+1 : end])
				if err != nil {
					return nil, err
				}
				out = append(out, otok{"_percent(", tk.line, tk.col})
				out = append(out, lit...)
				out = append(out, otok{",", toks[j].line, toks[j].col})
				out = append(out, args...)
				out = append(out, otok{")", 0, 0})
				i = end - 1
				continue
			}
			var pieces [][]otok
			for k := i; k < j; k++ {
				p, err := t.stringLiteral(toks[k])
				if err != nil {
					return nil, err
				}
				pieces = append(pieces, p)
			}
			if len(pieces) == 1 {
				out = append(out, pieces[0]...)
			} else { // implicit concatenation
				out = append(out, otok{"(", tk.line, tk.col})
				for k, p := range pieces {
					if k > 0 {
						out = append(out, otok{"+", 0, 0})
					}
					out = append(out, p...)
				}
				out = append(out, otok{")", 0, 0})
			}
			i = j - 1
		case kNumber:
			n, err := number(tk)
			if err != nil {
				return nil, err
			}
			out = append(out, otok{n, tk.line, tk.col})
		case kName:
			o, skip, err := t.name(toks, i)
			if err != nil {
				return nil, err
			}
			out = append(out, o...)
			i += skip
		case kOp:
			switch tk.text {
			case "(", "[", "{":
				end := matching(toks, i)
				if end < 0 {
					return nil, errAt(tk, "syntax error: '%s' was never closed", tk.text)
				}
				o, err := t.bracket(toks, i, end)
				if err != nil {
					return nil, err
				}
				out = append(out, o...)
				i = end
			case "@", "@=":
				return nil, unsupportedAt(tk, "@ (decorators and matrix multiplication)")
			case ":=":
				return nil, unsupportedAt(tk, "assignment expression :=")
			case "->":
				return nil, errAt(tk, "syntax error: '->' outside a def")
			case "...":
				return nil, unsupportedAt(tk, "Ellipsis (...) as a value")
			case "**=":
				return nil, unsupportedAt(tk, "**= (write x = pow(x, y))")
			case "**":
				if i == 0 || toks[i-1].is(",") || toks[i-1].is("(") || toks[i-1].is("lambda") {
					out = append(out, otok{"**", tk.line, tk.col}) // **kwargs
					break
				}
				// x ** y: Starlark has no power operator; pow() is Python's.
				end := powerOperand(toks, i+1)
				if end == 0 || !endsAtom(toks[i-1]) || primary >= len(out) {
					return nil, unsupportedAt(tk, "this use of the ** power operator (write pow(x, y))")
				}
				right, err := t.expr(toks[i+1 : end])
				if err != nil {
					return nil, err
				}
				call := append([]otok{{"_pow(", tk.line, tk.col}}, out[primary:]...)
				call = append(call, otok{",", tk.line, tk.col})
				call = append(call, right...)
				out = append(out[:primary], append(call, otok{")", 0, 0})...)
				i = end - 1
			case "!":
				return nil, errAt(tk, "syntax error: invalid syntax")
			default:
				out = append(out, otok{tk.text, tk.line, tk.col})
			}
		}
	}
	return out, nil
}

// name translates the name at toks[i]; skip is the number of extra tokens
// it consumed.
func (t *translator) name(toks []token, i int) ([]otok, int, error) {
	tk := toks[i]
	afterDot := i > 0 && toks[i-1].is(".")
	if afterDot {
		if tk.text == "load" {
			return nil, 0, unsupportedAt(tk, "an attribute named load (a Starlark keyword)")
		}
		return []otok{{tk.text, tk.line, tk.col}}, 0, nil
	}
	switch tk.text {
	case "is":
		if i+1 < len(toks) && toks[i+1].is("not") {
			return []otok{{"!=", tk.line, tk.col}}, 1, nil
		}
		return []otok{{"==", tk.line, tk.col}}, 0, nil
	case "super":
		return t.super(toks, i)
	case "load":
		return nil, 0, unsupportedAt(tk, "a name load (a Starlark keyword: rename it)")
	case "exec":
		return nil, 0, unsupportedAt(tk, "exec")
	case "eval", "open", "compile", "__import__", "globals", "locals", "vars", "input":
		if i+1 < len(toks) && toks[i+1].is("(") {
			return nil, 0, unsupportedAt(tk, tk.text+"() (no file, network or code access in a visitor)")
		}
	}
	if what, bad := notStarlark[tk.text]; bad {
		return nil, 0, unsupportedAt(tk, what)
	}
	if _, ok := t.byName[tk.text]; ok && !(i+1 < len(toks) && toks[i+1].is("=") && i > 0 && (toks[i-1].is("(") || toks[i-1].is(","))) {
		return []otok{{"__class_" + tk.text, tk.line, tk.col}}, 0, nil
	}
	return []otok{{tk.text, tk.line, tk.col}}, 0, nil
}

// super translates super() and super(Class, self) inside a method.
func (t *translator) super(toks []token, i int) ([]otok, int, error) {
	tk := toks[i]
	if i+1 >= len(toks) || !toks[i+1].is("(") {
		return []otok{{"super", tk.line, tk.col}}, 0, nil
	}
	end := matching(toks, i+1)
	m := t.method()
	cls := t.class()
	args := splitTop(toks[i+2:end], ",")
	switch {
	case end == i+2:
		if m == nil || cls == nil {
			return nil, 0, errAt(tk, "RuntimeError: super(): no arguments (super() works only in a method)")
		}
		if m.decorator == "staticmethod" || m.decorator == "classmethod" {
			return nil, 0, unsupportedAt(tk, "super() in a @"+m.decorator)
		}
		return []otok{{"_super(", tk.line, tk.col}, {m.self, tk.line, tk.col}, {", " + strconv.Quote(cls.name) + ")", tk.line, tk.col}}, end - i, nil
	case len(args) == 2 && len(args[0]) == 1 && args[0][0].kind == kName:
		obj, err := t.expr(args[1])
		if err != nil {
			return nil, 0, err
		}
		out := []otok{{"_super(", tk.line, tk.col}}
		out = append(out, obj...)
		out = append(out, otok{", " + strconv.Quote(args[0][0].text) + ")", 0, 0})
		return out, end - i, nil
	}
	return nil, 0, unsupportedAt(tk, "this form of super()")
}

// bracket translates a bracketed group toks[open..end].
func (t *translator) bracket(toks []token, open, end int) ([]otok, error) {
	o, c := toks[open], toks[end]
	inner := toks[open+1 : end]
	wrap := func(body []otok, a, b string) []otok {
		out := []otok{{a, o.line, o.col}}
		out = append(out, body...)
		return append(out, otok{b, c.line, c.col})
	}
	switch o.text {
	case "(":
		body, err := t.expr(inner)
		if err != nil {
			return nil, err
		}
		if f := indexTop(inner, "for"); f >= 0 && indexTop(inner[:f], ",") < 0 {
			// a generator expression (`for k, v in …` may follow): Starlark
			// has list comprehensions
			body = wrap(body, "[", "]")
		}
		return wrap(body, "(", ")"), nil
	case "[":
		body, err := t.expr(inner)
		if err != nil {
			return nil, err
		}
		return wrap(body, "[", "]"), nil
	}
	// { ... }: a dict, a set, a comprehension, or a dict with ** unpacking
	if len(inner) == 0 {
		return []otok{{"{}", o.line, o.col}}, nil
	}
	if f := indexTop(inner, "for"); f >= 0 {
		body, err := t.expr(inner)
		if err != nil {
			return nil, err
		}
		if c := indexTop(inner[:f], ":"); c >= 0 {
			return wrap(body, "{", "}"), nil // dict comprehension
		}
		return append([]otok{{"set(", o.line, o.col}}, append(wrap(body, "[", "]"), otok{")", c.line, c.col})...), nil
	}
	elems := splitTop(inner, ",")
	if len(elems[len(elems)-1]) == 0 {
		elems = elems[:len(elems)-1]
	}
	splat, keyed := false, 0
	for _, e := range elems {
		if len(e) == 0 {
			return nil, errAt(o, "syntax error: invalid syntax")
		}
		if e[0].is("**") {
			splat = true
		} else if headerColon(e) >= 0 || indexTop(e, ":") >= 0 {
			keyed++
		}
	}
	if !splat && keyed == 0 { // a set display
		body, err := t.expr(inner)
		if err != nil {
			return nil, err
		}
		return append([]otok{{"set(", o.line, o.col}}, append(wrap(body, "[", "]"), otok{")", c.line, c.col})...), nil
	}
	if !splat {
		body, err := t.expr(inner)
		if err != nil {
			return nil, err
		}
		return wrap(body, "{", "}"), nil
	}
	// {**a, "k": v, **b} → _merge_dicts(a, {"k": v}, b)
	out := []otok{{"_merge_dicts(", o.line, o.col}}
	var group []otok
	flush := func() {
		if group != nil {
			if len(out) > 1 {
				out = append(out, otok{",", 0, 0})
			}
			out = append(out, otok{"{", 0, 0})
			out = append(out, group...)
			out = append(out, otok{"}", 0, 0})
			group = nil
		}
	}
	for _, e := range elems {
		if e[0].is("**") {
			flush()
			v, err := t.expr(e[1:])
			if err != nil {
				return nil, err
			}
			if len(out) > 1 {
				out = append(out, otok{",", e[0].line, e[0].col})
			}
			out = append(out, v...)
			continue
		}
		v, err := t.expr(e)
		if err != nil {
			return nil, err
		}
		if group != nil {
			group = append(group, otok{",", e[0].line, e[0].col})
		}
		group = append(group, v...)
	}
	flush()
	return append(out, otok{")", c.line, c.col}), nil
}

// number translates a Python number literal.
func number(tk token) (string, error) {
	s := strings.ReplaceAll(tk.text, "_", "")
	low := strings.ToLower(s)
	switch {
	case strings.HasSuffix(low, "j") && !strings.HasPrefix(low, "0x"):
		return "", unsupportedAt(tk, "complex number")
	case strings.HasPrefix(low, "0x"), strings.HasPrefix(low, "0o"), strings.HasPrefix(low, "0b"):
		return s, nil
	}
	if strings.HasPrefix(s, ".") {
		s = "0" + s
	}
	if strings.HasSuffix(s, ".") {
		s += "0"
	}
	if strings.ContainsAny(low, ".e") {
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return "", errAt(tk, "syntax error: invalid number %s", tk.text)
		}
		return s, nil
	}
	if len(s) > 1 && s[0] == '0' && strings.Trim(s, "0") != "" {
		return "", errAt(tk, "syntax error: leading zeros in decimal integer literals are not permitted")
	}
	return s, nil
}

// stringLiteral translates one Python string literal (an f-string becomes
// an expression).
func (t *translator) stringLiteral(tk token) ([]otok, error) {
	lit := splitLiteral(tk)
	if !lit.fstr {
		s, err := unescape(lit.body, lit.raw)
		if err != nil {
			return nil, errAt(tk, "syntax error: %v", err)
		}
		if lit.bytes {
			return []otok{{syntax.Quote(s, true), tk.line, tk.col}}, nil
		}
		return []otok{{syntax.Quote(s, false), tk.line, tk.col}}, nil
	}
	if lit.bytes {
		return nil, errAt(tk, "syntax error: bytes f-strings are not allowed")
	}
	parts, err := parseFString(lit)
	if err != nil {
		return nil, errAt(tk, "syntax error: %v", err)
	}
	return t.fstring(tk, parts)
}

// fstring translates the pieces of an f-string into a concatenation of
// literal text and _pyformat(value, spec, conversion) calls.
func (t *translator) fstring(tk token, parts []fpart) ([]otok, error) {
	if len(parts) == 0 {
		return []otok{{`""`, tk.line, tk.col}}, nil
	}
	if len(parts) == 1 && !parts[0].field {
		return []otok{{syntax.Quote(parts[0].text, false), tk.line, tk.col}}, nil
	}
	out := []otok{{"(", tk.line, tk.col}}
	for i, p := range parts {
		if i > 0 {
			out = append(out, otok{"+", 0, 0})
		}
		if !p.field {
			out = append(out, otok{syntax.Quote(p.text, false), tk.line, tk.col})
			continue
		}
		if p.debug != "" {
			out = append(out, otok{syntax.Quote(p.debug, false), p.line, p.col}, otok{"+", 0, 0})
		}
		lines, err := tokenize(p.expr, p.line, p.col)
		if err != nil {
			if se, ok := err.(*syntaxError); ok {
				return nil, &perr{se.line, se.col, "syntax error in f-string: " + se.msg}
			}
			return nil, err
		}
		if len(lines) != 1 {
			return nil, errAt(tk, "syntax error: f-string: invalid expression")
		}
		val, err := t.expr(lines[0].toks)
		if err != nil {
			return nil, err
		}
		out = append(out, otok{"_pyformat(", p.line, p.col})
		out = append(out, val...)
		out = append(out, otok{",", 0, 0})
		spec, err := t.fstring(tk, p.spec)
		if err != nil {
			return nil, err
		}
		if !p.hasSpec {
			spec = []otok{{`""`, 0, 0}}
		}
		out = append(out, spec...)
		conv := p.conv
		if p.debug != "" && conv == 0 && !p.hasSpec {
			conv = 'r'
		}
		out = append(out, otok{", " + strconv.Quote(string(rune(conv))) + ")", 0, 0})
		if conv == 0 {
			out[len(out)-1].text = `, "")`
		}
	}
	return append(out, otok{")", 0, 0}), nil
}

// percentOperand finds `"literal" % operand` with the literal at
// toks[i:j]: it returns the end of the operand (the token after it), or 0
// when toks[j] is not % or the literal is not %'s whole left operand (a
// term such as `x * "a" % y` groups as (x * "a") % y).
func percentOperand(toks []token, i, j int) int {
	if j >= len(toks) || !toks[j].is("%") || splitLiteral(toks[i]).bytes {
		return 0 // bytes % args stays Starlark's
	}
	if i > 0 {
		switch toks[i-1].text {
		case "*", "/", "//", "%", "@", "**", ".":
			return 0
		}
	}
	return powerOperand(toks, j+1) // ** binds tighter than %
}

// powerOperand is the end of the right operand of a ** whose operand
// starts at toks[k]: a unary operand, itself raised to a power when
// another ** follows (x ** y ** z is x ** (y ** z)); 0 when there is
// none.
func powerOperand(toks []token, k int) int {
	end := operandEnd(toks, k)
	for end > 0 && end < len(toks) && toks[end].is("**") {
		end = operandEnd(toks, end+1)
	}
	return end
}

// operandEnd is the end of the operand starting at toks[k] (unary signs,
// an atom and its trailers: .name, calls and subscripts), or 0 when none
// starts there.
func operandEnd(toks []token, k int) int {
	for k < len(toks) && (toks[k].is("-") || toks[k].is("+") || toks[k].is("~")) {
		k++
	}
	if k >= len(toks) {
		return 0
	}
	switch {
	case toks[k].kind == kString:
		for k < len(toks) && toks[k].kind == kString {
			k++
		}
	case toks[k].kind == kNumber:
		k++
	case toks[k].kind == kName && !pyKeywords[toks[k].text] || toks[k].is("None") || toks[k].is("True") || toks[k].is("False"):
		k++
	case toks[k].is("(") || toks[k].is("[") || toks[k].is("{"):
		end := matching(toks, k)
		if end < 0 {
			return 0
		}
		k = end + 1
	default:
		return 0
	}
	for k < len(toks) {
		switch {
		case toks[k].is(".") && k+1 < len(toks) && toks[k+1].kind == kName:
			k += 2
		case toks[k].is("(") || toks[k].is("["):
			end := matching(toks, k)
			if end < 0 {
				return 0
			}
			k = end + 1
		default:
			return k
		}
	}
	return k
}

// pyOnlyMethods are the methods of Python's str, list and dict that
// Starlark's lack; a call of one goes through _method, which runs
// Python's for those types and calls the attribute itself on anything
// else (a visitor's own copy() method, say).
var pyOnlyMethods = map[string]bool{
	"sort": true, "reverse": true, "copy": true, "count": true,
	"zfill": true, "ljust": true, "rjust": true, "center": true, "swapcase": true,
}

// startsPrimary reports whether toks[i] begins a primary expression (an
// atom, which attribute references, calls and subscripts may follow)
// rather than continuing one.
func startsPrimary(toks []token, i int) bool {
	tk := toks[i]
	afterAtom := i > 0 && endsAtom(toks[i-1])
	switch {
	case tk.kind == kString:
		return !(i > 0 && toks[i-1].kind == kString) && !(i > 0 && toks[i-1].is("."))
	case tk.kind == kNumber:
		return true
	case tk.kind == kName:
		return !(i > 0 && toks[i-1].is(".")) && (!pyKeywords[tk.text] || tk.text == "None" || tk.text == "True" || tk.text == "False")
	case tk.is("(") || tk.is("[") || tk.is("{"):
		return !afterAtom
	}
	return false
}

// endsAtom reports whether tk can end a primary, so that a bracket after
// it is a call or a subscript.
func endsAtom(tk token) bool {
	switch tk.kind {
	case kString, kNumber:
		return true
	case kName:
		return !pyKeywords[tk.text] || tk.text == "None" || tk.text == "True" || tk.text == "False"
	}
	return tk.is(")") || tk.is("]") || tk.is("}")
}

// helperCall is a call of the runtime helper name on the operands lead
// followed by the arguments between toks[open], a '(', and its ')' (as
// obj.method(args) is rewritten to name(obj, …, args)). It returns the
// call and the index of that ')'.
func (t *translator) helperCall(name string, at token, toks []token, open int, lead ...[]otok) ([]otok, int, error) {
	end := matching(toks, open)
	if end < 0 {
		return nil, 0, errAt(toks[open], "syntax error: '(' was never closed")
	}
	call := []otok{{name + "(", at.line, at.col}}
	for k, l := range lead {
		if k > 0 {
			call = append(call, otok{",", 0, 0})
		}
		call = append(call, l...)
	}
	if end > open+1 {
		args, err := t.expr(toks[open+1 : end])
		if err != nil {
			return nil, 0, err
		}
		call = append(call, otok{",", 0, 0})
		call = append(call, args...)
	}
	return append(call, otok{")", toks[end].line, toks[end].col}), end, nil
}
