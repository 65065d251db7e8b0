package codegen

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/stampede-dev/stampede/canvas"
)

// The code is built as a small expression tree and laid out at the end, so
// that a call fits on one line when it can and puts one argument per line
// when it cannot.

// node is an expression: atom, *call, *attr, *seq or *dictLit.
type node interface{}

// atom is printed as it is: a name or a literal.
type atom string

// call is fn(args).
type call struct {
	fn   node
	args []arg
}

// arg is one argument: positional, name=val, *val or **val.
type arg struct {
	name string
	star string
	val  node
}

// attr is recv.name.
type attr struct {
	recv node
	name string
}

// seq is a list or tuple literal.
type seq struct {
	items []node
	tuple bool
}

// dictLit is a dict literal with string keys.
type dictLit struct {
	keys []string
	vals []node
}

// stmt is `target = expr`, or an expression statement when target is "".
type stmt struct {
	target string
	expr   node
}

func callOf(fn node, args ...arg) *call { return &call{fn: fn, args: args} }

func method(recv node, name string, args ...arg) *call {
	return &call{fn: &attr{recv: recv, name: name}, args: args}
}

func pos(n node) arg { return arg{val: n} }

// printer lays out statements.
type printer struct {
	width int
	b     strings.Builder
}

func (p *printer) stmt(s stmt) {
	if s.target != "" {
		p.b.WriteString(s.target + " = ")
	}
	p.node(s.expr, 0, 0)
	p.b.WriteByte('\n')
}

// col is the column the next character goes to.
func (p *printer) col() int {
	s := p.b.String()
	return len(s) - strings.LastIndexByte(s, '\n') - 1
}

// flatWidth is the width of n on one line, or more than limit when it is
// wider than that (it stops counting there).
func flatWidth(n node, limit int) int {
	w := 0
	var walk func(n node)
	walk = func(n node) {
		if w > limit {
			return
		}
		switch x := n.(type) {
		case atom:
			w += len(x)
		case *attr:
			walk(x.recv)
			w += 1 + len(x.name)
		case *call:
			walk(x.fn)
			w += 2
			for i, a := range x.args {
				if i > 0 {
					w += 2
				}
				w += len(a.star)
				if a.name != "" {
					w += len(a.name) + 1
				}
				walk(a.val)
			}
		case *seq:
			w += 2
			for i, it := range x.items {
				if i > 0 {
					w += 2
				}
				walk(it)
			}
			if x.tuple && len(x.items) == 1 {
				w++
			}
		case *dictLit:
			w += 2
			for i := range x.keys {
				if i > 0 {
					w += 2
				}
				w += len(pyString(x.keys[i])) + 2
				walk(x.vals[i])
			}
		}
	}
	walk(n)
	return w
}

// node writes n at the current column; continuation lines are indented
// by indent (and nested arguments by indent+4); reserve is the width of
// what will follow n on its last line. A node that fits is written flat.
func (p *printer) node(n node, indent, reserve int) {
	if p.col()+flatWidth(n, p.width)+reserve <= p.width {
		p.flat(n)
		return
	}
	p.broken(n, indent, reserve)
}

// broken writes n over several lines.
func (p *printer) broken(n node, indent, reserve int) {
	switch x := n.(type) {
	case *attr:
		p.node(x.recv, indent, reserve+1+len(x.name))
		p.b.WriteString("." + x.name)
	case *call:
		if a, ok := x.fn.(*attr); ok {
			// recv(...).name(args): break inside recv's parentheses when
			// the rest of the chain then fits after its closing one.
			tail := &call{fn: atom("." + a.name), args: x.args}
			tw := flatWidth(tail, p.width)
			if rc, ok := a.recv.(*call); ok && len(rc.args) > 0 && indent+1+tw+reserve <= p.width {
				p.broken(rc, indent, reserve+tw)
				p.flat(tail)
				return
			}
		}
		p.node(x.fn, indent, 1)
		args := &call{fn: atom(""), args: x.args}
		if p.col()+flatWidth(args, p.width)+reserve <= p.width {
			p.flat(args)
			return
		}
		if len(x.args) == 1 && x.args[0].name == "" && x.args[0].star == "" && hugs(x.args[0].val) {
			p.b.WriteString("(")
			p.broken(x.args[0].val, indent, reserve+1)
			p.b.WriteString(")")
			return
		}
		p.b.WriteString("(")
		for _, a := range x.args {
			p.newline(indent + 4)
			p.b.WriteString(a.star)
			if a.name != "" {
				p.b.WriteString(a.name + "=")
			}
			p.node(a.val, indent+4, 1)
			p.b.WriteString(",")
		}
		p.newline(indent)
		p.b.WriteString(")")
	case *seq:
		open, close := "[", "]"
		if x.tuple {
			open, close = "(", ")"
		}
		p.b.WriteString(open)
		for _, it := range x.items {
			p.newline(indent + 4)
			p.node(it, indent+4, 1)
			p.b.WriteString(",")
		}
		p.newline(indent)
		p.b.WriteString(close)
	case *dictLit:
		p.b.WriteString("{")
		for i, k := range x.keys {
			p.newline(indent + 4)
			p.b.WriteString(pyString(k) + ": ")
			p.node(x.vals[i], indent+4, 1)
			p.b.WriteString(",")
		}
		p.newline(indent)
		p.b.WriteString("}")
	default:
		p.flat(n)
	}
}

// hugs reports whether a sole argument is written right inside the call's
// parentheses, f([ … ]), rather than on a line of its own.
func hugs(n node) bool {
	switch x := n.(type) {
	case *seq:
		return len(x.items) > 0 && !(x.tuple && len(x.items) == 1)
	case *dictLit:
		return len(x.keys) > 0
	}
	return false
}

func (p *printer) newline(indent int) {
	p.b.WriteByte('\n')
	for i := 0; i < indent; i++ {
		p.b.WriteByte(' ')
	}
}

// flat writes n on one line.
func (p *printer) flat(n node) {
	switch x := n.(type) {
	case atom:
		p.b.WriteString(string(x))
	case *attr:
		p.flat(x.recv)
		p.b.WriteString("." + x.name)
	case *call:
		p.flat(x.fn)
		p.b.WriteString("(")
		for i, a := range x.args {
			if i > 0 {
				p.b.WriteString(", ")
			}
			p.b.WriteString(a.star)
			if a.name != "" {
				p.b.WriteString(a.name + "=")
			}
			p.flat(a.val)
		}
		p.b.WriteString(")")
	case *seq:
		open, close := "[", "]"
		if x.tuple {
			open, close = "(", ")"
		}
		p.b.WriteString(open)
		for i, it := range x.items {
			if i > 0 {
				p.b.WriteString(", ")
			}
			p.flat(it)
		}
		if x.tuple && len(x.items) == 1 {
			p.b.WriteString(",")
		}
		p.b.WriteString(close)
	case *dictLit:
		p.b.WriteString("{")
		for i, k := range x.keys {
			if i > 0 {
				p.b.WriteString(", ")
			}
			p.b.WriteString(pyString(k) + ": ")
			p.flat(x.vals[i])
		}
		p.b.WriteString("}")
	}
}

// scalar is the Python literal of a scalar canvas value.
func scalar(v canvas.Value) (atom, bool) {
	switch x := v.(type) {
	case nil:
		return "None", true
	case bool:
		if x {
			return "True", true
		}
		return "False", true
	case canvas.Int:
		return atom(x), true
	case float64:
		switch s := canvas.FormatFloat(x); s {
		case "NaN":
			return `float("nan")`, true
		case "Infinity":
			return `float("inf")`, true
		case "-Infinity":
			return `-float("inf")`, true
		default:
			return atom(s), true
		}
	case string:
		return atom(pyString(x)), true
	}
	return "", false
}

// pyString is a double-quoted string literal that Python and Starlark both
// read back as s.
func pyString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			switch {
			case r < 0x20 || r == 0x7f:
				fmt.Fprintf(&b, `\x%02x`, r)
			case r < 0x80 || unicode.IsPrint(r):
				b.WriteRune(r)
			case r <= 0xffff:
				fmt.Fprintf(&b, `\u%04x`, r)
			default:
				fmt.Fprintf(&b, `\U%08x`, r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// Literal writes v as a one-line Python literal that Starlark reads too:
// dicts (signatures included) as dict literals, lists as lists, tuples as
// tuples, None/True/False, numbers and strings as Python writes them.
func Literal(v canvas.Value) (string, error) {
	active := map[any]bool{}
	var lit func(v canvas.Value) (node, error)
	lit = func(v canvas.Value) (node, error) {
		if a, ok := scalar(v); ok {
			return a, nil
		}
		if active[v] {
			return nil, ErrCycle
		}
		active[v] = true
		defer delete(active, v)
		switch x := v.(type) {
		case *canvas.List:
			s := &seq{tuple: x.Tuple()}
			for _, it := range x.Items() {
				n, err := lit(it)
				if err != nil {
					return nil, err
				}
				s.items = append(s.items, n)
			}
			return s, nil
		case *canvas.Dict:
			d := &dictLit{}
			for _, p := range x.Pairs() {
				n, err := lit(p.Val)
				if err != nil {
					return nil, err
				}
				d.keys, d.vals = append(d.keys, p.Key.String()), append(d.vals, n)
			}
			return d, nil
		}
		return nil, fmt.Errorf("cannot write a %s as a literal", canvas.TypeName(v))
	}
	n, err := lit(v)
	if err != nil {
		return "", err
	}
	p := &printer{}
	p.flat(n)
	return p.b.String(), nil
}
