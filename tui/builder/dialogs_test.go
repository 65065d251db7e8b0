package builder

import (
	"testing"

	"github.com/stampede-dev/stampede/themes"
	"github.com/stampede-dev/stampede/tui/common"
	"github.com/stampede-dev/stampede/tui/keys"
)

// TestQuestionsSayWhatEachKeyDoes opens the two questions the builder asks
// (unsaved edits on quit, a recovery file at start) and checks that the
// help line names what every key does, not the key alone.
func TestQuestionsSayWhatEachKeyDoes(t *testing.T) {
	c := &common.Common{Theme: themes.Default(), Keys: keys.Default()}
	d := newEmpty(t)
	_, err := d.Insert(nil, "proj.add")
	must(t, err)
	m := New(c, d, nil, "", nil)
	if !m.AskQuit() {
		t.Fatal("no question on quit with an unsaved edit")
	}
	quit := m.dlg
	m.OfferRecovery(&Pending{Path: "x.recover.json"})
	for name, dlg := range map[string]dialog{"quit": quit, "recovery": m.dlg} {
		ask, ok := dlg.(*askDialog)
		if !ok {
			t.Fatalf("%s: a %T, not a question", name, dlg)
		}
		for _, b := range ask.ShortHelp() {
			if h := b.Help(); h.Key == "" || h.Desc == "" {
				t.Errorf("%s: the help line shows %q with %q", name, h.Key, h.Desc)
			}
		}
	}
}
