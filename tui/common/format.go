package common

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/textinput"
	"github.com/charmbracelet/lipgloss"

	"github.com/stampede-dev/stampede/canvas"
)

// Short is v as compact JSON cut to about limit bytes, for one line of a
// pane. It stops early, so a huge value costs no more than a small one.
// Signatures inside are summarised as ‹kind task› and a stamped_headers
// list (keyed by isSet) is written as a set {a, b}.
func Short(v canvas.Value, limit int) string {
	var b strings.Builder
	short(&b, v, limit, 0)
	if b.Len() > limit {
		s := b.String()
		cut := limit
		for cut > 0 && !utf8Start(s[cut]) {
			cut--
		}
		return s[:cut] + "…"
	}
	return b.String()
}

func utf8Start(c byte) bool { return c&0xC0 != 0x80 }

func short(b *strings.Builder, v canvas.Value, limit, depth int) {
	if b.Len() > limit {
		return
	}
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case canvas.Int:
		b.WriteString(string(x))
	case float64:
		b.WriteString(canvas.FormatFloat(x))
	case string:
		b.Write(canvas.AppendQuoted(nil, x))
	case *canvas.List:
		b.WriteByte('[')
		for i, it := range x.Items() {
			if i > 0 {
				b.WriteString(", ")
			}
			if b.Len() > limit {
				return
			}
			short(b, it, limit, depth+1)
		}
		b.WriteByte(']')
	case *canvas.Dict:
		if depth > 0 && IsSignature(x) {
			b.WriteString("‹" + SigSummary(x) + "›")
			return
		}
		b.WriteByte('{')
		for i, p := range x.Pairs() {
			if i > 0 {
				b.WriteString(", ")
			}
			if b.Len() > limit {
				return
			}
			b.Write(canvas.AppendQuoted(nil, p.Key.String()))
			b.WriteString(": ")
			if p.Key.String() == "stamped_headers" {
				b.WriteString(Set(p.Val))
				continue
			}
			short(b, p.Val, limit, depth+1)
		}
		b.WriteByte('}')
	default:
		b.WriteString(canvas.Repr(v))
	}
}

// IsSignature reports whether d is a signature (or a signature's JSON form).
func IsSignature(d *canvas.Dict) bool {
	if d.Class().IsSignature() {
		return true
	}
	return d.HasKey(canvas.KeyTask) && d.HasKey(canvas.KeyOptions)
}

// SigSummary is "kind task" for a signature, e.g. "sig shop.audit_log" or
// "group (3)".
func SigSummary(d *canvas.Dict) string {
	task, _ := d.LookupKey(canvas.KeyTask).(string)
	kind := "sig"
	switch st, _ := d.LookupKey(canvas.KeySubtaskType).(string); {
	case d.Class() == canvas.Chain || st == "chain":
		kind = "chain"
	case d.Class() == canvas.Group || st == "group":
		kind = "group"
	case d.Class() == canvas.Chord || st == "chord":
		kind = "chord"
	}
	if kind != "sig" {
		return kind
	}
	return kind + " " + task
}

// Set writes a stamped_headers value as the set it means: {a, b}.
func Set(v canvas.Value) string {
	l, ok := v.(*canvas.List)
	if !ok {
		return Short(v, 200)
	}
	var seen []string
	for _, it := range l.Items() {
		s, ok := it.(string)
		if !ok {
			s = canvas.Repr(it)
		}
		dup := false
		for _, o := range seen {
			if o == s {
				dup = true
			}
		}
		if !dup {
			seen = append(seen, s)
		}
	}
	return "{" + strings.Join(seen, ", ") + "}"
}

// Plain is a value as text to copy or search: a string as itself,
// anything else as compact JSON.
func Plain(v canvas.Value) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, err := canvas.Encode(v, -1)
	if err != nil {
		return canvas.Repr(v)
	}
	return string(b)
}

// Dialog draws a bordered box titled title around body, centered in a
// w × h area.
func (c *Common) Dialog(title string, body []string, boxW, w, h int) string {
	t := c.Theme
	inner := max(boxW-4, 10)
	lines := make([]string, len(body))
	for i, l := range body {
		lines[i] = Fit(l, inner)
	}
	box := lipgloss.NewStyle().
		Border(lipgloss.RoundedBorder()).
		BorderForeground(t.Border.GetForeground()).
		Padding(0, 1).
		Render(strings.Join(lines, "\n"))
	// put the title into the top border
	rows := strings.Split(box, "\n")
	if len(rows) > 0 && title != "" {
		head := t.Border.Render("╭─ ") + t.Title.Render(title) + " "
		rest := Width(rows[0]) - Width(head) - 1
		if rest > 0 {
			rows[0] = head + t.Border.Render(strings.Repeat("─", rest)+"╮")
		}
	}
	out := lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, strings.Join(rows, "\n"))
	return strings.Join(Box(strings.Split(out, "\n"), w, h), "\n")
}

// Highlight styles the characters of s that start at the given byte
// offsets (what sahilm/fuzzy reports) with hl and the rest with base. It
// walks s rune by rune, so a match inside a multi-byte character lights the
// whole character and widths stay right for later cutting.
func Highlight(s string, byteOffsets []int, base, hl lipgloss.Style) string {
	if len(byteOffsets) == 0 {
		return base.Render(s)
	}
	hit := make(map[int]bool, len(byteOffsets))
	for _, o := range byteOffsets {
		hit[o] = true
	}
	var b, run strings.Builder
	on := false
	flush := func() {
		if run.Len() == 0 {
			return
		}
		if on {
			b.WriteString(hl.Render(run.String()))
		} else {
			b.WriteString(base.Render(run.String()))
		}
		run.Reset()
	}
	for i, r := range s {
		h := hit[i]
		if h != on {
			flush()
			on = h
		}
		run.WriteRune(r)
	}
	flush()
	return b.String()
}

// NewInput is a one-line text input with a steady cursor (a blinking one
// would redraw the screen twice a second and make views nondeterministic).
func NewInput(prompt, value string, width int) textinput.Model {
	ti := textinput.New()
	ti.Prompt = prompt
	ti.SetValue(value)
	ti.Width = width
	ti.CharLimit = 0
	ti.Cursor.SetMode(cursor.CursorStatic)
	return ti
}
