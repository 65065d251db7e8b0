// Package inspector is the pane that shows the selected node: its kind,
// task, path and options, with the stamps highlighted and stamped_headers
// shown as the set it means. When focused it has a cursor, so one value can
// be copied.
package inspector

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/tui/common"
	"github.com/stampede-dev/stampede/tui/ledger"
	"github.com/stampede-dev/stampede/tui/outline"
)

// Item is one line of the inspector: a key and its value.
type Item struct {
	Key   string
	Value canvas.Value
	Stamp bool // the key is listed in stamped_headers
	Info  bool // a heading line, not a value of the node
	Lost  bool // a stamp the node lost (Value is the value it had)
}

// Model is the inspector pane.
type Model struct {
	c       *common.Common
	node    outline.Node
	items   []Item
	cursor  int
	offset  int
	width   int
	height  int
	focused bool
	// Lost, when set, lists the stamps the node at a path has lost (the
	// ops mode's ledger), each an Item with Lost set and the value it had;
	// they follow the stamps, struck through in the error colour.
	Lost func(path string) []Item
}

// New returns an empty inspector.
func New(c *common.Common) *Model { return &Model{c: c} }

// SetSize sets the pane's size (rows of content).
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.clamp()
}

// SetFocused says whether the pane has the keyboard.
func (m *Model) SetFocused(f bool) { m.focused = f }

// Items are the lines for the current node.
func (m *Model) Items() []Item { return m.items }

// Cursor is the index of the item under the cursor.
func (m *Model) Cursor() int { return m.cursor }

// SetNode shows a node as it is now in the canvas. The cursor stays on the
// same key when the node is the same.
func (m *Model) SetNode(n outline.Node) {
	keep := ""
	if n.Path == m.node.Path && m.cursor < len(m.items) {
		keep = m.items[m.cursor].Key
	}
	m.node = n
	m.items = build(n)
	if m.Lost != nil {
		m.items = withLost(m.items, m.Lost(n.Path))
	}
	m.cursor = 0
	for i, it := range m.items {
		if it.Key == keep {
			m.cursor = i
		}
	}
	m.clamp()
}

// build lists a node's stamps first (they are what the debugger is about),
// then stamped_headers and the other options, then where the node is and
// its arguments.
func build(n outline.Node) []Item {
	d := n.Dict()
	if d == nil {
		return []Item{{Key: "value", Value: n.Value}}
	}
	var items []Item
	opts := outline.Options(d)
	if opts != nil {
		keys := outline.StampKeys(d)
		stamps := map[string]bool{}
		for _, k := range keys {
			if v, ok := opts.Get(k); ok {
				stamps[k] = true
				items = append(items, Item{Key: k, Value: v, Stamp: true})
			}
		}
		if v, ok := opts.GetKey(canvas.KeyStampedHeaders); ok {
			items = append(items, Item{Key: "stamped_headers", Value: v})
		}
		for _, p := range opts.Pairs() {
			if !stamps[p.Key.String()] && p.Key.String() != "stamped_headers" {
				items = append(items, Item{Key: p.Key.String(), Value: p.Val})
			}
		}
	} else if v, ok := d.GetKey(canvas.KeyOptions); ok {
		items = append(items, Item{Key: "options", Value: v})
	}
	add := func(k string, v canvas.Value) { items = append(items, Item{Key: k, Value: v, Info: true}) }
	add("path", n.Path)
	switch n.Kind() {
	case "chain", "group":
		add("tasks", canvas.Int(strconv.Itoa(n.Members())))
	case "chord":
		add("header", canvas.Int(strconv.Itoa(n.Members())))
	default:
		if v, ok := d.GetKey(canvas.KeyArgs); ok {
			add("args", v)
		}
		if v, ok := d.GetKey(canvas.KeyKwargs); ok {
			add("kwargs", v)
		}
	}
	if v, ok := d.GetKey(canvas.KeyImmutable); ok && canvas.Truthy(v) {
		add("immutable", v)
	}
	return items
}

// withLost puts the lost stamps after the node's stamps.
func withLost(items, lost []Item) []Item {
	if len(lost) == 0 {
		return items
	}
	i := 0
	for i < len(items) && items[i].Stamp {
		i++
	}
	out := append([]Item(nil), items[:i]...)
	out = append(out, lost...)
	return append(out, items[i:]...)
}

// Selected is the item under the cursor.
func (m *Model) Selected() (Item, bool) {
	if m.cursor < len(m.items) {
		return m.items[m.cursor], true
	}
	return Item{}, false
}

func (m *Model) clamp() {
	if m.cursor >= len(m.items) {
		m.cursor = len(m.items) - 1
	}
	if m.cursor < 0 {
		m.cursor = 0
	}
	rows := m.height - 1 // the heading line
	if rows < 1 {
		rows = 1
	}
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+rows {
		m.offset = m.cursor - rows + 1
	}
	if m.offset > len(m.items)-rows {
		m.offset = max(len(m.items)-rows, 0)
	}
}

// Click puts the cursor on the item drawn at row y of the pane (row 0 is
// the heading line).
func (m *Model) Click(y int) {
	if y >= 1 && m.offset+y-1 < len(m.items) {
		m.cursor = m.offset + y - 1
		m.clamp()
	}
}

// Scroll moves the cursor by n items.
func (m *Model) Scroll(n int) {
	m.cursor += n
	m.clamp()
}

// Update handles the inspector's keys when it is focused.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	if msg, ok := msg.(tea.KeyMsg); ok {
		if d, ok := m.c.ScrollBy(msg, m.height-2); ok {
			m.Scroll(d)
		}
	}
	return nil
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	return []key.Binding{k.Up, k.Down, k.Copy, k.Focus}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// View draws the pane: a heading line, then one line per item.
func (m *Model) View() string {
	t := m.c.Theme
	lines := make([]string, 0, m.height)
	n := m.node
	kind, name := n.Kind(), ""
	if d := n.Dict(); d != nil {
		name = outline.TaskName(d)
		if id := outline.ID(d); id != "" {
			name += " " + t.Muted.Render(id)
		}
		if ks := outline.StampKeys(d); len(ks) > 0 {
			name += " " + t.Stamp.Render("✦"+strconv.Itoa(len(ks)))
		}
	}
	if n.Role != outline.Root && n.Role != outline.Task {
		kind = n.Role.String() + " " + kind
	}
	lines = append(lines, t.Kind(n.Kind()).Render(kind)+" "+name)
	keyW := 0
	for _, it := range m.items {
		keyW = max(keyW, common.Width(it.Key))
	}
	keyW = min(keyW, max(min(m.width/3, 15), 8))
	rows := max(m.height-1, 0)
	for i := m.offset; i < len(m.items) && len(lines) < rows+1; i++ {
		lines = append(lines, m.line(m.items[i], i == m.cursor && m.focused, keyW))
	}
	if m.offset+rows < len(m.items) && len(lines) > 1 {
		more := strconv.Itoa(len(m.items)-m.offset-rows) + " more ↓"
		lines[len(lines)-1] = common.Fit(lines[len(lines)-1], max(m.width-common.Width(more)-1, 0)) + " " + t.Muted.Render(more)
	}
	return strings.Join(common.Box(lines, m.width, m.height), "\n")
}

func (m *Model) line(it Item, cursor bool, keyW int) string {
	t := m.c.Theme
	mark := "  "
	if it.Stamp {
		mark = "✦ "
	}
	if it.Lost {
		mark = "✗ "
	}
	k := common.Fit(it.Key, keyW)
	var val string
	switch {
	case it.Key == "stamped_headers":
		val = common.Set(it.Value)
	case it.Key == "link" || it.Key == "link_error":
		val = linkSummary(it.Value)
	case it.Info && isString(it.Value):
		val = it.Value.(string)
	default:
		val = common.Short(it.Value, max(m.width*2, 40))
	}
	if cursor {
		return t.Selected.Render(common.Fit(mark+k+" "+val, m.width))
	}
	if it.Lost {
		return t.Error.Render(mark) + ledger.LostStyle(t).Render(strings.TrimRight(k, " ")) +
			strings.Repeat(" ", keyW-common.Width(strings.TrimRight(k, " "))) + " " + t.Error.Render("lost, was "+val)
	}
	ks, vs := t.Muted, t.Text
	switch {
	case it.Stamp:
		ks, vs = t.Stamp, t.Stamp
	case it.Key == "stamped_headers":
		ks, vs = t.Stamp, t.Stamp
	case it.Info:
		ks = t.Muted
	default:
		ks = t.Text
	}
	return t.Stamp.Render(mark) + ks.Render(k) + " " + vs.Render(val)
}

// linkSummary writes a link or link_error value as the signatures it holds.
func linkSummary(v canvas.Value) string {
	items := canvas.MaybeList(v)
	parts := make([]string, 0, len(items))
	for _, it := range items {
		if d, ok := it.(*canvas.Dict); ok {
			s := common.SigSummary(d)
			if id := outline.ID(d); id != "" {
				s += " " + id
			}
			parts = append(parts, s)
		} else {
			parts = append(parts, common.Short(it, 40))
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func isString(v canvas.Value) bool {
	_, ok := v.(string)
	return ok
}
