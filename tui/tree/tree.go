// Package tree is the canvas tree pane: chains, groups, chords (header and
// body), and the links and errbacks hanging from each node as marked
// children; each row shows kind, task name, task_id and the node's stamp
// count.
//
// The tree never flattens the canvas. The selection and the first visible
// row are kept as child-index paths, and the rows on screen are found by
// walking forward from the first one in pre-order, so a frame costs
// O(height × depth) whatever the size of the canvas. Expanded and collapsed
// nodes are remembered by their traversal path as exceptions to a default
// (all expanded, or all collapsed), so "expand all" and "collapse all" cost
// nothing either.
package tree

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/stampede-dev/stampede/tui/common"
	"github.com/stampede-dev/stampede/tui/ledger"
	"github.com/stampede-dev/stampede/tui/outline"
)

// Model is the tree pane.
type Model struct {
	c        *common.Common
	root     outline.Node
	sel, top []int
	// expandAll is the default state; toggled holds the paths of the nodes
	// that differ from it.
	expandAll bool
	toggled   map[string]bool
	width     int
	height    int
	focused   bool
	// Current is the path of the node the traversal is at ("" for none).
	Current string
	// Breakpoints reports whether a node path has a breakpoint.
	Breakpoints func(path string) bool
	// Lost, when set, lists the stamps the node at a path has lost (the
	// ops mode's ledger); they are drawn struck through in the error colour.
	Lost func(path string) []string
	// Marked, when set, reports whether a node is marked (builder mode's
	// nodes to wrap); a marked node shows + in the breakpoint gutter.
	Marked func(path string) bool
}

// New returns a tree over root with every node expanded.
func New(c *common.Common, root outline.Node) *Model {
	return &Model{c: c, root: root, expandAll: true, toggled: map[string]bool{}}
}

// SetRoot replaces the canvas (a new session); the selection and the
// expanded nodes are kept where their paths still exist.
func (m *Model) SetRoot(root outline.Node) {
	m.root = root
	_, m.sel = outline.At(m.root, m.sel)
	_, m.top = outline.At(m.root, m.top)
	m.ensureVisible()
}

// Root is the node of the whole canvas the tree shows.
func (m *Model) Root() outline.Node { return m.root }

// SetSize sets the pane's size; the height is the number of rows.
func (m *Model) SetSize(w, h int) {
	if w == m.width && h == m.height {
		return
	}
	m.width, m.height = w, h
	m.ensureVisible()
}

// SetFocused says whether the pane has the keyboard.
func (m *Model) SetFocused(f bool) { m.focused = f }

// Selected is the selected node.
func (m *Model) Selected() outline.Node {
	nodes, idx := outline.At(m.root, m.sel)
	m.sel = idx
	return nodes[len(nodes)-1]
}

// SelectedIndex is the selected node's child indexes from the root.
func (m *Model) SelectedIndex() []int {
	m.Selected()
	return append([]int(nil), m.sel...)
}

// Expanded reports whether the node is shown open.
func (m *Model) Expanded(n outline.Node) bool {
	return n.Len() > 0 && m.expandAll != m.toggled[n.Path]
}

func (m *Model) setExpanded(n outline.Node, open bool) {
	if open == m.expandAll {
		delete(m.toggled, n.Path)
	} else {
		m.toggled[n.Path] = true
	}
}

// ExpandAll opens every node; CollapseAll closes every node. Both are O(1).
func (m *Model) ExpandAll() {
	m.expandAll = true
	m.toggled = map[string]bool{}
	m.ensureVisible()
}

// CollapseAll closes every node and selects the root.
func (m *Model) CollapseAll() {
	m.expandAll = false
	m.toggled = map[string]bool{}
	m.sel, m.top = nil, nil
}

// cursor is a position in the tree: the nodes from the root down to it and
// the index of each in its parent.
type cursor struct {
	nodes []outline.Node
	idx   []int
}

func (m *Model) cursorAt(idx []int) *cursor {
	nodes, idx := outline.At(m.root, idx)
	// An index path is only visible if every ancestor is open.
	for k := 0; k < len(idx); k++ {
		if !m.Expanded(nodes[k]) {
			nodes, idx = nodes[:k+1], idx[:k]
			break
		}
	}
	return &cursor{nodes: nodes, idx: idx}
}

func (c *cursor) node() outline.Node { return c.nodes[len(c.nodes)-1] }

func (c *cursor) path() []int { return append([]int(nil), c.idx...) }

// next moves to the next visible row in pre-order.
func (m *Model) next(c *cursor) bool {
	cur := c.node()
	if m.Expanded(cur) {
		c.nodes = append(c.nodes, cur.Child(0))
		c.idx = append(c.idx, 0)
		return true
	}
	for d := len(c.idx); d > 0; d-- {
		parent := c.nodes[d-1]
		j := c.idx[d-1] + 1
		if j < parent.Len() {
			c.nodes = append(c.nodes[:d], parent.Child(j))
			c.idx = append(c.idx[:d-1], j)
			return true
		}
	}
	return false
}

// prev moves to the previous visible row.
func (m *Model) prev(c *cursor) bool {
	d := len(c.idx)
	if d == 0 {
		return false
	}
	j := c.idx[d-1]
	if j == 0 {
		c.nodes, c.idx = c.nodes[:d], c.idx[:d-1]
		return true
	}
	parent := c.nodes[d-1]
	c.nodes = append(c.nodes[:d], parent.Child(j-1))
	c.idx[d-1] = j - 1
	for {
		cur := c.node()
		if !m.Expanded(cur) {
			return true
		}
		last := cur.Len() - 1
		c.nodes = append(c.nodes, cur.Child(last))
		c.idx = append(c.idx, last)
	}
}

// compare orders two index paths in pre-order.
func compare(a, b []int) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return len(a) - len(b)
}

func equal(a, b []int) bool { return compare(a, b) == 0 }

// ensureVisible scrolls so that the selection is on screen and the window
// is full when the tree is long enough.
func (m *Model) ensureVisible() {
	if m.height <= 0 {
		return
	}
	sc := m.cursorAt(m.sel)
	m.sel = sc.path()
	tc := m.cursorAt(m.top)
	m.top = tc.path()
	if compare(m.sel, m.top) < 0 {
		m.top = m.sel
	} else {
		c := m.cursorAt(m.top)
		seen := false
		for i := 0; i < m.height; i++ {
			if equal(c.idx, m.sel) {
				seen = true
				break
			}
			if !m.next(c) {
				break
			}
		}
		if !seen {
			c = m.cursorAt(m.sel)
			for i := 0; i < m.height-1 && m.prev(c); i++ {
			}
			m.top = c.path()
		}
	}
	// Fill the window: if it ends early, start it earlier.
	c := m.cursorAt(m.top)
	rows := 1
	for rows < m.height && m.next(c) {
		rows++
	}
	if rows < m.height {
		c = m.cursorAt(m.top)
		for rows < m.height && m.prev(c) {
			rows++
		}
		m.top = c.path()
	}
}

// Move moves the selection by n visible rows (negative: up).
func (m *Model) Move(n int) {
	c := m.cursorAt(m.sel)
	for ; n > 0 && m.next(c); n-- {
	}
	for ; n < 0 && m.prev(c); n++ {
	}
	m.sel = c.path()
	m.ensureVisible()
}

// Scroll moves the window by n rows without moving the selection.
func (m *Model) Scroll(n int) {
	c := m.cursorAt(m.top)
	for ; n > 0 && m.next(c); n-- {
	}
	for ; n < 0 && m.prev(c); n++ {
	}
	m.top = c.path()
	// keep the window full
	end := m.cursorAt(m.top)
	rows := 1
	for rows < m.height && m.next(end) {
		rows++
	}
	for rows < m.height && m.prev(c) {
		rows++
		m.top = c.path()
	}
}

// Home selects the root; Bottom selects the last visible row.
func (m *Model) Home() {
	m.sel = nil
	m.ensureVisible()
}

// Bottom selects the last visible row in O(depth).
func (m *Model) Bottom() {
	c := m.cursorAt(nil)
	for m.Expanded(c.node()) {
		cur := c.node()
		last := cur.Len() - 1
		c.nodes = append(c.nodes, cur.Child(last))
		c.idx = append(c.idx, last)
	}
	m.sel = c.path()
	m.ensureVisible()
}

// Collapse closes the selected node, or selects its parent when it is
// already closed (as file trees do).
func (m *Model) Collapse() {
	n := m.Selected()
	if m.Expanded(n) {
		m.setExpanded(n, false)
	} else if len(m.sel) > 0 {
		m.sel = m.sel[:len(m.sel)-1]
	}
	m.ensureVisible()
}

// Expand opens the selected node, or moves to its first child when open.
func (m *Model) Expand() {
	n := m.Selected()
	switch {
	case n.Len() == 0:
	case !m.Expanded(n):
		m.setExpanded(n, true)
	default:
		m.sel = append(m.sel, 0)
	}
	m.ensureVisible()
}

// Toggle opens a closed node and closes an open one.
func (m *Model) Toggle() {
	n := m.Selected()
	if n.Len() > 0 {
		m.setExpanded(n, !m.Expanded(n))
	}
	m.ensureVisible()
}

// Reveal selects the node at a traversal path, opening its ancestors, and
// reports whether the path exists.
func (m *Model) Reveal(path string) bool {
	idx, ok := outline.Resolve(m.root, path)
	if !ok {
		return false
	}
	m.RevealIndex(idx)
	return true
}

// RevealIndex selects the node at child indexes idx, opening its ancestors.
func (m *Model) RevealIndex(idx []int) {
	nodes, idx := outline.At(m.root, idx)
	for _, n := range nodes[:len(nodes)-1] {
		m.setExpanded(n, true)
	}
	m.sel = idx
	m.ensureVisible()
}

// Row is one visible row: where it is and what it shows.
type Row struct {
	Index []int
	Node  outline.Node
	// Last[k] says whether the row's ancestor at depth k+1 (or the row itself,
	// for the last entry) is the last child of its parent: it decides the
	// tree guides.
	Last []bool
}

// Rows are the rows on screen, top to bottom: at most height of them.
func (m *Model) Rows() []Row {
	var rows []Row
	if m.height <= 0 {
		return nil
	}
	c := m.cursorAt(m.top)
	for len(rows) < m.height {
		last := make([]bool, len(c.idx))
		for k := range c.idx {
			last[k] = c.idx[k] == c.nodes[k].Len()-1
		}
		rows = append(rows, Row{Index: c.path(), Node: c.node(), Last: last})
		if !m.next(c) {
			break
		}
	}
	return rows
}

// Click selects the row at y (0 = first row of the pane); a click on the
// arrow of the selected row opens or closes it.
func (m *Model) Click(x, y int) {
	rows := m.Rows()
	if y < 0 || y >= len(rows) {
		return
	}
	r := rows[y]
	arrowX := 2 + 2*len(r.Index)
	if x >= arrowX && x <= arrowX+1 && r.Node.Len() > 0 {
		m.sel = r.Index
		m.Toggle()
		return
	}
	m.sel = r.Index
	m.ensureVisible()
}

// Update handles the tree's keys.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	k := m.c.Keys
	switch msg := msg.(type) {
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, k.Down):
			m.Move(1)
		case key.Matches(msg, k.Up):
			m.Move(-1)
		case key.Matches(msg, k.PageDown):
			m.Move(max(m.height-1, 1))
		case key.Matches(msg, k.PageUp):
			m.Move(-max(m.height-1, 1))
		case key.Matches(msg, k.Home):
			m.Home()
		case key.Matches(msg, k.Bottom):
			m.Bottom()
		case key.Matches(msg, k.Collapse):
			m.Collapse()
		case key.Matches(msg, k.Expand):
			m.Expand()
		case key.Matches(msg, k.CollapseAll):
			m.CollapseAll()
		case key.Matches(msg, k.ExpandAll):
			m.ExpandAll()
		}
	}
	return nil
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	return []key.Binding{k.Up, k.Down, k.Collapse, k.Expand, k.Breakpoint, k.UntilSel}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.Bottom}, {k.Collapse, k.Expand, k.CollapseAll, k.ExpandAll}}
}

// View draws the rows on screen, exactly width × height.
func (m *Model) View() string {
	rows := m.Rows()
	lines := make([]string, 0, m.height)
	for _, r := range rows {
		lines = append(lines, m.row(r))
	}
	return strings.Join(common.Box(lines, m.width, m.height), "\n")
}

var roleTag = map[outline.Role]string{
	outline.Link: "link ", outline.Errback: "errback ", outline.Header: "header ", outline.Body: "body ",
}

func (m *Model) row(r Row) string {
	t := m.c.Theme
	n := r.Node
	selected := equal(r.Index, m.sel)
	var b strings.Builder
	// gutter: breakpoint, current step
	bp, cur := " ", " "
	isBP := m.Breakpoints != nil && m.Breakpoints(n.Path)
	// a hook given a chord's header while it is a list is shown on the chord
	isCur := m.Current != "" && (n.Path == m.Current || n.Path+".header" == m.Current && n.Kind() == "chord")
	if isBP {
		bp = "●"
	} else if m.Marked != nil && m.Marked(n.Path) {
		bp = "+"
	}
	if isCur {
		cur = "▶"
	}
	// guides
	var guides strings.Builder
	for k := 0; k < len(r.Last)-1; k++ {
		if r.Last[k] {
			guides.WriteString("  ")
		} else {
			guides.WriteString("│ ")
		}
	}
	if len(r.Last) > 0 {
		if r.Last[len(r.Last)-1] {
			guides.WriteString("└─")
		} else {
			guides.WriteString("├─")
		}
	}
	arrow := "─ "
	if n.Len() > 0 {
		if m.Expanded(n) {
			arrow = "▾ "
		} else {
			arrow = "▸ "
		}
	} else if len(r.Last) == 0 {
		arrow = "  "
	}
	kind, name, id := outline.Label(n)
	tag := roleTag[n.Role]
	stamps := outline.StampKeys(n.Value)
	count := ""
	if len(stamps) > 0 {
		count = "✦" + strconv.Itoa(len(stamps))
	}
	var lost []string
	if m.Lost != nil {
		lost = m.Lost(n.Path)
	}
	if len(lost) > 0 {
		if count != "" {
			count += " "
		}
		count += "✗" + strings.Join(lost, ",")
	}
	prefix := guides.String() + arrow
	if selected {
		// one style over the whole row, so the highlight is unbroken
		text := prefix + tag + kind + " " + name
		if id != "" {
			text += " " + id
		}
		body := fitRight(text, count, m.width-2)
		return t.Breakpoint.Render(bp) + t.Current.Render(cur) + t.Selected.Render(body)
	}
	b.WriteString(t.Breakpoint.Render(bp))
	b.WriteString(t.Current.Render(cur))
	b.WriteString(t.Border.Render(prefix))
	if tag != "" {
		st := t.Muted
		if n.Role == outline.Link || n.Role == outline.Errback {
			st = t.Kind("link")
		}
		b.WriteString(st.Render(tag))
	}
	b.WriteString(t.Kind(kind).Render(kind))
	b.WriteString(" ")
	nameStyle := t.Text
	if isCur {
		nameStyle = t.Current
	}
	b.WriteString(nameStyle.Render(name))
	if id != "" {
		b.WriteString(" ")
		b.WriteString(t.Muted.Render(id))
	}
	left := b.String()
	right := ""
	if len(stamps) > 0 {
		right = t.Stamp.Render("✦" + strconv.Itoa(len(stamps)))
	}
	if len(lost) > 0 {
		if right != "" {
			right += " "
		}
		right += t.Error.Render("✗") + ledger.LostStyle(t).Render(strings.Join(lost, ","))
	}
	return fitRight(left, right, m.width)
}

// fitRight puts right at the right edge of a w-wide line, cutting left
// when there is no room.
func fitRight(left, right string, w int) string {
	rw := common.Width(right)
	if rw > 0 {
		rw++
	}
	if rw >= w {
		return common.Fit(left, w)
	}
	l := common.Fit(left, w-rw)
	if right == "" {
		return l
	}
	return l + " " + right
}
