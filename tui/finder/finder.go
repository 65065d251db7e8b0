// Package finder is the `/` dialog: fuzzy-find a node by task name,
// task_id or stamp value (sahilm/fuzzy), with the matched characters
// highlighted, and jump to it.
package finder

import (
	"sort"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/sahilm/fuzzy"

	"github.com/stampede-dev/stampede/tui/common"
	"github.com/stampede-dev/stampede/tui/outline"
)

// Candidate is one node that can be found.
type Candidate struct {
	Path string // the node's traversal path
	Kind string
	Text string // what is matched: task name, task_id, stamps as key=value
}

// Collect lists every node of the canvas as it is now. It walks the whole
// canvas once, when the dialog opens.
func Collect(root outline.Node) []Candidate {
	var out []Candidate
	outline.Walk(root, func(n outline.Node) bool {
		var parts []string
		if t := outline.TaskName(n.Value); t != "" {
			parts = append(parts, t)
		}
		if id := outline.ID(n.Value); id != "" {
			parts = append(parts, id)
		}
		if o := outline.Options(n.Value); o != nil {
			for _, k := range outline.StampKeys(n.Value) {
				if v, ok := o.Get(k); ok {
					parts = append(parts, k+"="+common.Short(v, 60))
				}
			}
		}
		if len(parts) == 0 {
			parts = append(parts, n.Path)
		}
		out = append(out, Candidate{Path: n.Path, Kind: n.Kind(), Text: strings.Join(parts, " ")})
		return true
	})
	return out
}

type source []Candidate

func (s source) String(i int) string { return s[i].Text }
func (s source) Len() int            { return len(s) }

// Model is the find dialog.
type Model struct {
	c       *common.Common
	cands   []Candidate
	input   textinput.Model
	matches fuzzy.Matches
	all     bool // the query is empty: every candidate matches, in order
	cursor  int
	width   int
	height  int

	// From backgroundFrom candidates on, a query is matched in a command,
	// so that keys are read while it runs. search is the number of the
	// latest query; a search that is no longer the latest stops early, and
	// what it found is dropped.
	backgroundFrom int
	search         *atomic.Int64
	searching      bool // the latest query's matches have not arrived
}

// BackgroundFrom is the number of nodes from which the dialog matches a
// query in the background: sahilm/fuzzy takes about 16 ms a query over
// 100k nodes and a second over a million.
const BackgroundFrom = 200_000

// New opens the dialog over the candidates.
func New(c *common.Common, cands []Candidate) *Model {
	m := &Model{c: c, cands: cands, backgroundFrom: BackgroundFrom, search: new(atomic.Int64)}
	m.input = common.NewInput("/ ", "", 40)
	m.input.Placeholder = "task name, task_id or stamp value"
	m.input.Focus()
	m.refilter()
	return m
}

// SetSize sets the area the dialog is centered in.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.input.Width = max(m.boxWidth()-10, 10)
}

func (m *Model) boxWidth() int { return min(max(m.width-4, 40), 100) }

func (m *Model) rows() int { return max(m.height-6, 3) }

// refilter matches the query against every candidate, or returns the
// command that does it in the background (see BackgroundFrom).
func (m *Model) refilter() tea.Cmd {
	q := m.input.Value()
	gen := m.search.Add(1) // any search still running is no longer wanted
	if q == "" || len(m.cands) < m.backgroundFrom {
		m.matches, m.all = nil, q == ""
		if !m.all {
			m.matches, _ = find(q, m.cands, nil, 0)
		}
		m.cursor, m.searching = 0, false
		return nil
	}
	m.searching = true
	cands, latest := m.cands, m.search
	return func() tea.Msg {
		matches, ok := find(q, cands, latest, gen)
		if !ok {
			return nil
		}
		return FoundMsg{search: latest, gen: gen, matches: matches}
	}
}

// findChunk is how many candidates a background search matches between
// two looks at whether its query is still the latest.
const findChunk = 16_384

// find is fuzzy.FindFrom(q, cands). With latest set, it gives up (ok
// false) as soon as latest is no longer gen. Matching chunk by chunk and
// sorting once, stably, gives the order FindFrom gives.
func find(q string, cands []Candidate, latest *atomic.Int64, gen int64) (matches fuzzy.Matches, ok bool) {
	if latest == nil {
		return fuzzy.FindFrom(q, source(cands)), true
	}
	for start := 0; start < len(cands); start += findChunk {
		if latest.Load() != gen {
			return nil, false
		}
		part := fuzzy.FindFromNoSort(q, source(cands[start:min(start+findChunk, len(cands))]))
		for i := range part {
			part[i].Index += start
		}
		matches = append(matches, part...)
	}
	sort.Stable(matches)
	return matches, true
}

// FoundMsg brings the matches of a query searched in the background.
type FoundMsg struct {
	search  *atomic.Int64 // the counter of the dialog that asked
	gen     int64
	matches fuzzy.Matches
}

// Found takes the matches of a background search, unless a later query
// has replaced it or they were asked for by a dialog closed since (their
// indexes are into its candidates).
func (m *Model) Found(msg FoundMsg) {
	if msg.search != m.search || msg.gen != m.search.Load() {
		return
	}
	m.matches, m.all, m.cursor, m.searching = msg.matches, false, 0, false
}

// Searching reports whether the latest query is still being matched.
func (m *Model) Searching() bool { return m.searching }

// Matches is the number of nodes that match.
func (m *Model) Matches() int {
	if m.all {
		return len(m.cands)
	}
	return len(m.matches)
}

// match is the i-th match. An empty query lists every node without a
// list of its own (a million nodes would make 60 MB of it).
func (m *Model) match(i int) fuzzy.Match {
	if m.all {
		return fuzzy.Match{Str: m.cands[i].Text, Index: i}
	}
	return m.matches[i]
}

// Selected is the candidate under the cursor.
func (m *Model) Selected() (Candidate, bool) {
	if m.cursor < m.Matches() {
		return m.cands[m.match(m.cursor).Index], true
	}
	return Candidate{}, false
}

// Update handles a message; it returns the path to jump to when the user
// picks a node, and closed when the dialog should go away.
func (m *Model) Update(msg tea.Msg) (path string, closed bool, cmd tea.Cmd) {
	k := m.c.Keys
	km, isKey := msg.(tea.KeyMsg)
	if !isKey {
		return "", false, nil
	}
	switch {
	case key.Matches(km, k.Cancel):
		m.search.Add(1) // stops a search still running
		return "", true, nil
	case key.Matches(km, k.Confirm):
		if m.searching {
			return "", false, nil // the list shown is an earlier query's
		}
		if c, ok := m.Selected(); ok {
			return c.Path, true, nil
		}
		return "", false, nil
	}
	switch km.Type {
	case tea.KeyUp, tea.KeyCtrlP:
		m.cursor = max(m.cursor-1, 0)
		return "", false, nil
	case tea.KeyDown, tea.KeyCtrlN:
		m.cursor = min(m.cursor+1, max(m.Matches()-1, 0))
		return "", false, nil
	case tea.KeyPgDown:
		m.cursor = min(m.cursor+m.rows(), max(m.Matches()-1, 0))
		return "", false, nil
	case tea.KeyPgUp:
		m.cursor = max(m.cursor-m.rows(), 0)
		return "", false, nil
	}
	before := m.input.Value()
	m.input, cmd = m.input.Update(msg)
	if m.input.Value() != before {
		cmd = tea.Batch(cmd, m.refilter())
	}
	return "", false, cmd
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	return []key.Binding{
		key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "choose")),
		key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "go to node")),
		k.Cancel,
	}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// View draws the dialog; only the rows that fit are rendered.
func (m *Model) View() string {
	t := m.c.Theme
	bw := m.boxWidth()
	inner := bw - 4
	count := strconv.Itoa(m.Matches()) + " of " + strconv.Itoa(len(m.cands)) + " nodes"
	if m.searching {
		count = "searching " + strconv.Itoa(len(m.cands)) + " nodes… (the list is the previous query's)"
	}
	body := []string{m.input.View(), t.Muted.Render(count)}
	rows := m.rows() - 2
	start := 0
	if m.cursor >= rows {
		start = m.cursor - rows + 1
	}
	for i := start; i < m.Matches() && i < start+rows; i++ {
		mt := m.match(i)
		c := m.cands[mt.Index]
		kind := common.Fit(c.Kind, 6)
		if i == m.cursor {
			sel := t.Selected
			line := sel.Render("› "+kind) + common.Highlight(c.Text, mt.MatchedIndexes, sel, sel.Bold(true).Underline(true))
			rest := inner - common.Width(line)
			if tail := "  " + c.Path; rest > common.Width(tail) {
				line += sel.Render(common.Fit(tail, rest))
			} else if rest > 0 {
				line += sel.Render(strings.Repeat(" ", rest))
			}
			body = append(body, line)
			continue
		}
		line := "  " + t.Kind(c.Kind).Render(kind) + common.Highlight(c.Text, mt.MatchedIndexes, t.Text, t.Match)
		path := "  " + c.Path
		if common.Width(line)+common.Width(path) <= inner {
			line += t.Muted.Render(path)
		}
		body = append(body, line)
	}
	return m.c.Dialog("Find node", body, bw, m.width, m.height)
}
