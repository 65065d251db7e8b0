package common

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/tui/keys"
)

func TestFitCutsAndPadsToCells(t *testing.T) {
	for _, tc := range []struct {
		in   string
		w    int
		want string
	}{
		{"abc", 5, "abc  "},
		{"abcdef", 4, "abc…"},
		{"日本語", 4, "日… "},
		{"", 2, "  "},
	} {
		got := Fit(tc.in, tc.w)
		if got != tc.want || Width(got) != tc.w {
			t.Errorf("Fit(%q, %d) = %q (%d cells), want %q", tc.in, tc.w, got, Width(got), tc.want)
		}
	}
}

func TestHighlightConvertsByteOffsetsToCharacters(t *testing.T) {
	r := lipgloss.NewRenderer(nil)
	r.SetColorProfile(termenv.ANSI)
	base, hl := r.NewStyle(), r.NewStyle().Underline(true)
	// "é" is two bytes: the fuzzy offset of "x" after it is 3, not 2
	s := "aéx日y"
	got := Highlight(s, []int{3, 4}, base, hl) // x and 日 (bytes 3 and 4..6)
	plain := stripANSI(got)
	if plain != s {
		t.Fatalf("highlighting changed the text: %q", plain)
	}
	under := hl.Render("x日")
	if !strings.Contains(got, under) {
		t.Fatalf("x and 日 are not highlighted together: %q (want %q inside)", got, under)
	}
	if Width(got) != Width(s) {
		t.Fatalf("width %d, want %d", Width(got), Width(s))
	}
}

func stripANSI(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == 0x1b:
			in = true
		case in && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'):
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func TestWrapBreaksAtSpacesAndIndents(t *testing.T) {
	got := Wrap("one two three four five six", 10, 2)
	for i, l := range got {
		if Width(l) > 10 {
			t.Errorf("line %d %q is wider than 10", i, l)
		}
		if i > 0 && !strings.HasPrefix(l, "  ") {
			t.Errorf("continuation %q not indented", l)
		}
	}
	if strings.Join(strings.Fields(strings.Join(got, " ")), " ") != "one two three four five six" {
		t.Errorf("words lost: %q", got)
	}
}

func TestShortStopsEarlyOnHugeValues(t *testing.T) {
	items := make([]canvas.Value, 100000)
	for i := range items {
		items[i] = "xxxxxxxxxx"
	}
	got := Short(canvas.NewList(items...), 50)
	if Width(got) > 52 || !strings.HasSuffix(got, "…") {
		t.Fatalf("Short = %q", got)
	}
	d, _ := canvas.Decode([]byte(`{"a": [1, 2.5, null, true], "stamped_headers": ["a", "b", "a"], "s": {"task": "t", "options": {}}}`))
	if got := Short(d, 200); got != `{"a": [1, 2.5, null, true], "stamped_headers": {a, b}, "s": ‹sig t›}` {
		t.Fatalf("Short = %s", got)
	}
}

func TestOSC52(t *testing.T) {
	if got := OSC52("hi"); got != "\x1b]52;c;aGk=\x07" {
		t.Fatalf("%q", got)
	}
}

func TestScrollByMovesByLinePageAndEnd(t *testing.T) {
	c := &Common{Keys: keys.Default()}
	for k, want := range map[tea.KeyType]int{
		tea.KeyDown: 1, tea.KeyUp: -1, tea.KeyPgDown: 9, tea.KeyPgUp: -9,
		tea.KeyHome: -ScrollAll, tea.KeyEnd: ScrollAll,
	} {
		if got, ok := c.ScrollBy(tea.KeyMsg{Type: k}, 9); !ok || got != want {
			t.Errorf("%v: %d, %v; want %d", k, got, ok, want)
		}
	}
	if got, _ := c.ScrollBy(tea.KeyMsg{Type: tea.KeyPgDown}, 0); got != 1 {
		t.Errorf("a page of a pane with no room moves %d, want 1", got)
	}
	if _, ok := c.ScrollBy(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("x")}, 9); ok {
		t.Error("x scrolls")
	}
}
