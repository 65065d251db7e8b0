package finder

import (
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/sahilm/fuzzy"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/canvas/sample"
	"github.com/stampede-dev/stampede/themes"
	"github.com/stampede-dev/stampede/tui/common"
	"github.com/stampede-dev/stampede/tui/keys"
	"github.com/stampede-dev/stampede/tui/outline"
)

func TestCollectIndexesTaskIDAndStamps(t *testing.T) {
	root, err := canvas.Load(sample.OrderJSON)
	if err != nil {
		t.Fatal(err)
	}
	opts := outline.Options(root)
	opts.Set("mtask_id", "m-42")
	opts.Set("stamped_headers", canvas.NewList("mtask_id"))
	c := Collect(outline.RootNode(root))
	if len(c) != 13 {
		t.Fatalf("%d candidates, want the 13 nodes", len(c))
	}
	if c[0].Path != "$" || !strings.Contains(c[0].Text, "order-1042") || !strings.Contains(c[0].Text, `mtask_id="m-42"`) {
		t.Fatalf("root candidate %+v", c[0])
	}
	found := false
	for _, x := range c {
		if x.Path == "$.tasks[1].header[0]" && strings.Contains(x.Text, "shop.charge_card charge-1") {
			found = true
		}
	}
	if !found {
		t.Fatal("charge_card is not a candidate")
	}
}

// manyCandidates is n nodes whose texts share prefixes, as a big group's do.
func manyCandidates(n int) []Candidate {
	out := make([]Candidate, n)
	for i := range out {
		out[i] = Candidate{Path: fmt.Sprintf("$.tasks[%d]", i), Kind: "sig",
			Text: fmt.Sprintf("proj.add t-%d mtask_id=%q", i, fmt.Sprintf("%08x", uint32(i)*2654435761))}
	}
	return out
}

func newDialog(cands []Candidate, backgroundFrom int) *Model {
	m := New(&common.Common{Theme: themes.Default(), Keys: keys.Default()}, cands)
	m.backgroundFrom = backgroundFrom
	m.SetSize(120, 40)
	return m
}

// typeQuery types q key by key and returns the command of the last key's
// search.
func typeQuery(t *testing.T, m *Model, q string) tea.Cmd {
	t.Helper()
	var search tea.Cmd
	for _, r := range q {
		m.input.SetValue(m.input.Value() + string(r))
		search = m.refilter()
	}
	if search == nil {
		t.Fatal("a query over the candidates was matched at once, not in the background")
	}
	return search
}

// TestBackgroundSearchFindsWhatFindFromFinds: over many nodes the query
// is matched in a command, chunk by chunk, and the matches are exactly
// sahilm/fuzzy's, in its order; the dialog says it is searching until
// they arrive, and enter does not jump to an earlier query's match.
func TestBackgroundSearchFindsWhatFindFromFinds(t *testing.T) {
	cands := manyCandidates(3*findChunk + 123)
	m := newDialog(cands, 1000)
	search := typeQuery(t, m, "t-4242")
	if !m.Searching() || !strings.Contains(m.View(), "searching") {
		t.Fatal("the dialog does not say it is searching")
	}
	if path, closed, _ := m.Update(tea.KeyMsg{Type: tea.KeyEnter}); path != "" || closed {
		t.Fatalf("enter during a search jumped to %q (closed %v)", path, closed)
	}
	msg, ok := search().(FoundMsg)
	if !ok {
		t.Fatal("the latest search brought no matches")
	}
	m.Found(msg)
	want := fuzzy.FindFrom("t-4242", source(cands))
	if m.Searching() || len(m.matches) != len(want) || len(want) < 2 {
		t.Fatalf("%d matches (searching %v), fuzzy finds %d", len(m.matches), m.Searching(), len(want))
	}
	for i := range want {
		g, w := m.matches[i], want[i]
		if g.Index != w.Index || g.Score != w.Score || fmt.Sprint(g.MatchedIndexes) != fmt.Sprint(w.MatchedIndexes) {
			t.Fatalf("match %d is %+v, fuzzy's %+v", i, g, w)
		}
	}
	if path, closed, _ := m.Update(tea.KeyMsg{Type: tea.KeyEnter}); path != cands[want[0].Index].Path || !closed {
		t.Fatalf("enter went to %q, want %q", path, cands[want[0].Index].Path)
	}
}

// TestBackgroundSearchDropsWhatIsNoLongerWanted: a search overtaken by a
// later key, or by closing the dialog, stops without a result, and a
// result that arrives late is ignored.
func TestBackgroundSearchDropsWhatIsNoLongerWanted(t *testing.T) {
	cands := manyCandidates(2 * findChunk)
	m := newDialog(cands, 1000)
	first := typeQuery(t, m, "t-1")
	second := typeQuery(t, m, "2")
	if msg := first(); msg != nil {
		t.Fatalf("an overtaken search brought %T", msg)
	}
	late := second()
	third := typeQuery(t, m, "3")
	m.Found(late.(FoundMsg))
	if !m.Searching() {
		t.Fatal("a late result of t-12 was taken for t-123")
	}
	if _, closed, _ := m.Update(tea.KeyMsg{Type: tea.KeyEsc}); !closed {
		t.Fatal("esc did not close the dialog")
	}
	if msg := third(); msg != nil {
		t.Fatalf("a search of a closed dialog brought %T", msg)
	}
}

// TestSmallCanvasesMatchAtOnce: under BackgroundFrom nodes each key
// refilters in place, with no command and no waiting.
func TestSmallCanvasesMatchAtOnce(t *testing.T) {
	cands := manyCandidates(500)
	m := newDialog(cands, BackgroundFrom)
	m.input.SetValue("t-42")
	if cmd := m.refilter(); cmd != nil || m.Searching() {
		t.Fatal("a small canvas was searched in the background")
	}
	if len(m.matches) != len(fuzzy.FindFrom("t-42", source(cands))) {
		t.Fatalf("%d matches", len(m.matches))
	}
}

// TestMatchesForAClosedDialogAreDropped: a search that finished just
// before its dialog closed must not fill the next dialog, whose queries
// count from the start again.
func TestMatchesForAClosedDialogAreDropped(t *testing.T) {
	old := newDialog(manyCandidates(2*findChunk), 1000)
	msg := typeQuery(t, old, "t-9")().(FoundMsg)
	old.Update(tea.KeyMsg{Type: tea.KeyEsc})
	m := newDialog(manyCandidates(100), 10)
	typeQuery(t, m, "t-1") // as many keys: the same query number as msg
	m.Found(msg)
	if !m.Searching() {
		t.Fatal("the new dialog took the closed one's matches")
	}
}

// TestAnEmptyQueryListsEveryNodeInOrder: the dialog opens, and comes back
// after the query is erased, on every node in canvas order.
func TestAnEmptyQueryListsEveryNodeInOrder(t *testing.T) {
	cands := manyCandidates(300)
	m := newDialog(cands, BackgroundFrom)
	check := func(when string) {
		t.Helper()
		if m.Matches() != len(cands) || m.matches != nil {
			t.Fatalf("%s: %d matches, want all %d without a list", when, m.Matches(), len(cands))
		}
		if c, _ := m.Selected(); c.Path != cands[0].Path {
			t.Fatalf("%s: %s selected first", when, c.Path)
		}
		m.Update(tea.KeyMsg{Type: tea.KeyDown})
		if c, _ := m.Selected(); c.Path != cands[1].Path {
			t.Fatalf("%s: down selected %s", when, c.Path)
		}
		if v := m.View(); !strings.Contains(v, "300 of 300 nodes") || !strings.Contains(v, cands[2].Path) {
			t.Fatalf("%s: the dialog shows\n%s", when, v)
		}
	}
	check("opened")
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("t-29")})
	if m.Matches() == len(cands) {
		t.Fatal("a query matched every node")
	}
	for range 4 {
		m.Update(tea.KeyMsg{Type: tea.KeyBackspace})
	}
	check("erased")
}
