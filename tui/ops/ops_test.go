package ops

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/stampede-dev/stampede/themes"
	"github.com/stampede-dev/stampede/tui/common"
	"github.com/stampede-dev/stampede/tui/keys"
)

func TestCheckDecodesEachArgumentAsItsOpNeedsIt(t *testing.T) {
	for _, tc := range []struct {
		arg, text, err string
	}{
		{"options", ``, ""},
		{"options", `{"queue": "q"}`, ""},
		{"options", `{"queue": "q"`, "line 1"},
		{"options", `[1]`, "must be a JSON object"},
		{"args", `[1, 2]`, ""},
		{"args", `{"a": 1}`, "must be a JSON list"},
		{"visitor", `"monitoring-id"`, ""},
		{"visitor", `monitoring-id`, "line 1"},
		{"side", `"left"`, ""},
		{"side", `"up"`, `"left" or "right"`},
		{"append_stamps", `true`, ""},
	} {
		_, err := check(tc.arg, tc.text)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%s = %s: unexpected error %v", tc.arg, tc.text, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s = %s: error %v, want one mentioning %q", tc.arg, tc.text, err, tc.err)
		}
	}
}

func newCommon() *common.Common {
	th, _ := themes.Get(themes.Mono)
	return &common.Common{Theme: th, Keys: keys.Default()}
}

func TestDialogBuildsTheOpForTheNode(t *testing.T) {
	m := New(newCommon(), "$.tasks[1]", "proj.b $.tasks[1]", map[string]map[string]string{"set": {"immutable": "true"}})
	if !m.Select("set") {
		t.Fatal("set is not an op")
	}
	m.Update(tea.KeyMsg{Type: tea.KeyEnter})
	for _, r := range `{"queue": "q"}` {
		m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	op, closed, _ := m.Update(tea.KeyMsg{Type: tea.KeyEnter})
	if op == nil || !closed {
		t.Fatalf("enter did not apply: op %v closed %v", op, closed)
	}
	if got := op.Summary(); got != `set at $.tasks[1] options={"queue": "q"} immutable=true` {
		t.Errorf("op = %s", got)
	}
}

func TestJSONRoundtripNeedsNoForm(t *testing.T) {
	m := New(newCommon(), "$", "celery.chain $", nil)
	m.Select("json_roundtrip")
	op, closed, _ := m.Update(tea.KeyMsg{Type: tea.KeyEnter})
	if op == nil || !closed || op.Summary() != "json_roundtrip" {
		t.Fatalf("op %v closed %v", op, closed)
	}
}

func TestStripShowsTheLatestOpsAndLosses(t *testing.T) {
	c := newCommon()
	var names []string
	for i := 0; i < 30; i++ {
		names = append(names, "replace")
	}
	lost := make([]int, 30)
	lost[29] = 2
	s := Strip(c, names, lost, -1, 40)
	if w := common.Width(s); w != 40 {
		t.Errorf("width %d, want 40", w)
	}
	if !strings.Contains(s, "29:replace✗2") || !strings.Contains(s, "…") || strings.Contains(s, " 0:replace") {
		t.Errorf("strip %q", s)
	}
	if s := Strip(c, []string{"stamp", "or"}, nil, 1, 40); !strings.Contains(s, "1:or✗failed") {
		t.Errorf("failed op not marked: %q", s)
	}
}
