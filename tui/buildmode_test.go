package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/canvas/build"
	"github.com/stampede-dev/stampede/tui/builder"
	"github.com/stampede-dev/stampede/tui/session"
)

// newBuilderHarness opens builder mode on an empty canvas that saves to
// dir/name, as `stampede new dir/name` does.
func newBuilderHarness(t *testing.T, name string) (*harness, string) {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	data, err := canvas.Encode(builder.Empty(), 2)
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, func(c *Config) {
		c.Session = session.Config{Name: p, Path: p, Data: data, Visitor: markStar}
		c.Builder = true
		c.SavePath = p
	})
	if !h.m.BuilderMode() {
		t.Fatal("Config.Builder did not start builder mode")
	}
	return h, p
}

func sigT(t *testing.T, name string, args ...canvas.Value) *canvas.Dict {
	t.Helper()
	var a canvas.Value
	if len(args) > 0 {
		a = canvas.NewList(args...)
	}
	s, err := canvas.NewSignature(name, a, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// celeryJSON is what saving v as Celery JSON writes, after loading it the
// way celery.signature() does.
func celeryJSON(t *testing.T, v canvas.Value) string {
	t.Helper()
	b, err := canvas.Encode(v, -1)
	if err != nil {
		t.Fatal(err)
	}
	c, err := canvas.Load(b)
	if err != nil {
		t.Fatal(err)
	}
	return canvas.MustEncode(c)
}

func (h *harness) builderJSON() string {
	return canvas.MustEncode(h.m.Builder().Doc().Root())
}

func (h *harness) insert(name string) {
	h.t.Helper()
	h.press("i")
	h.typeText(name)
	h.press("enter")
	if h.m.Builder().DialogOpen() {
		h.t.Fatalf("inserting %s left the dialog open; status %q\n%s", name, h.m.Status(), h.view())
	}
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func TestBuilderBuildsACanvasFromNothingAndSavesIt(t *testing.T) {
	h, out := newBuilderHarness(t, "pipeline.json")
	rec := builder.RecoveryPath(out, out)
	h.wantView("Builder", "chain (0)")

	h.insert("proj.add")
	if !exists(rec) {
		t.Fatal("no recovery file while there are unsaved edits")
	}
	// fuzzy completion: "ad" finds proj.add, down picks it
	h.press("i")
	h.typeText("ad")
	h.wantView("proj.add")
	h.press("down", "enter")
	h.insert("proj.tsum")
	h.wantView("sig proj.tsum")

	// mark the two adds and wrap them in a group: chain(group, tsum) is a chord
	h.m.Tree().RevealIndex([]int{0})
	h.press("m", "j", "m", "w", "down", "enter")
	h.wantStatus("wrapped in group")
	h.wantView("chord (2 → body)")

	// edit the first add's args and options
	h.m.Tree().RevealIndex([]int{0})
	h.press("e", "backspace", "backspace")
	h.typeText("[2, 2]")
	h.press("tab", "tab")
	for range "{}" {
		h.press("backspace")
	}
	h.typeText(`{"queue": "fast"}`)
	h.press("enter")
	h.wantStatus("edited $.header[0]")

	add22, err := canvas.Replace(sigT(t, "proj.add"), canvas.NewList(canvas.Int("2"), canvas.Int("2")), nil,
		canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("queue"), Val: "fast"}}))
	if err != nil {
		t.Fatal(err)
	}
	g := canvas.NewGroup(canvas.NewList(add22, sigT(t, "proj.add")))
	want, err := canvas.ChainOf([]canvas.Value{g, sigT(t, "proj.tsum")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, w := h.builderJSON(), celeryJSON(t, want); got != w {
		t.Fatalf("built\n%s\nwant\n%s", got, w)
	}

	h.press("S")
	h.wantView("Save canvas", "saves Celery JSON")
	h.press("enter")
	h.wantStatus("saved Celery JSON to " + out)
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	saved, err := canvas.Load(data)
	if err != nil {
		t.Fatal(err)
	}
	if got, w := canvas.MustEncode(saved), celeryJSON(t, want); got != w {
		t.Fatalf("the file holds\n%s\nwant\n%s", got, w)
	}
	if exists(rec) {
		t.Error("the recovery file is still there after saving")
	}
	if h.m.Builder().Doc().Dirty() {
		t.Error("dirty after saving")
	}
	// nothing unsaved: q quits at once
	h.press("q")
	if !h.quit {
		t.Error("q did not quit with everything saved")
	}
}

func TestBuilderEditChecksJSONOnTheSpot(t *testing.T) {
	h, _ := newBuilderHarness(t, "c.json")
	h.insert("proj.add")
	h.m.Tree().RevealIndex([]int{0})
	h.press("e", "backspace")
	h.wantView("✗", "unexpected end of input")
	h.press("enter")
	if !h.m.Builder().DialogOpen() {
		t.Fatal("enter accepted args that are not JSON")
	}
	h.typeText("]")
	h.press("tab")
	h.press("backspace", "backspace")
	h.typeText("[1]")
	h.wantView("kwargs must be a JSON object, not list")
	h.press("enter")
	if !h.m.Builder().DialogOpen() {
		t.Fatal("enter accepted a list as kwargs")
	}
	h.press("esc")
	if h.m.Builder().DialogOpen() || h.m.Builder().Doc().Edits() != 1 {
		t.Fatalf("esc: dialog open %v, %d edits", h.m.Builder().DialogOpen(), h.m.Builder().Doc().Edits())
	}
}

func TestBuilderBodyLinkErrbackDeleteMoveDuplicateUndoRedo(t *testing.T) {
	h, _ := newBuilderHarness(t, "c.json")
	h.insert("proj.a")
	h.insert("proj.b")
	a, b := sigT(t, "proj.a"), sigT(t, "proj.b")

	// duplicate a, move the copy down, delete it
	h.m.Tree().RevealIndex([]int{0})
	h.press("D")
	if got := h.m.Tree().SelectedIndex(); len(got) != 1 || got[0] != 1 {
		t.Fatalf("after D the selection is %v, want the copy at [1]", got)
	}
	h.press("J")
	h.wantStatus("moved")
	if got, w := h.builderJSON(), celeryJSON(t, canvas.NewChain(a, b, a)); got != w {
		t.Fatalf("after D and J\n%s\nwant\n%s", got, w)
	}
	h.press("x")
	if got, w := h.builderJSON(), celeryJSON(t, canvas.NewChain(a, b)); got != w {
		t.Fatalf("after x\n%s\nwant\n%s", got, w)
	}

	// s on a signature is refused with a reason
	h.m.Tree().RevealIndex([]int{0})
	h.press("s")
	h.wantStatus("s sets a chord's body")
	// wrap b alone in a chord, give it a body, link and errback the chord
	h.m.Tree().RevealIndex([]int{1})
	h.press("w", "down", "down", "enter")
	h.wantStatus("wrapped in chord")
	h.m.Tree().RevealIndex([]int{1})
	h.press("s")
	h.typeText("proj.sum")
	h.press("enter")
	h.m.Tree().RevealIndex([]int{1})
	h.press(">")
	h.typeText("proj.done")
	h.press("enter")
	h.m.Tree().RevealIndex([]int{1})
	h.press("!")
	h.typeText("proj.log")
	h.press("enter")

	ch, err := canvas.ChordOf(canvas.NewList(sigT(t, "proj.b")), sigT(t, "proj.sum"), "celery.chord", nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := canvas.Link(ch, sigT(t, "proj.done")); err != nil {
		t.Fatal(err)
	}
	if err := canvas.LinkError(ch, sigT(t, "proj.log")); err != nil {
		t.Fatal(err)
	}
	if got, w := h.builderJSON(), celeryJSON(t, canvas.NewChain(a, ch)); got != w {
		t.Fatalf("built\n%s\nwant\n%s", got, w)
	}
	withBody := h.builderJSON()

	// moving the chord first makes chain(chord, a): Celery puts a on the
	// chord's body, as chord | a does
	h.m.Tree().RevealIndex([]int{1})
	h.press("K")
	h.wantStatus("moved")
	want, err := canvas.ChainOf([]canvas.Value{ch, a}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, w := h.builderJSON(), celeryJSON(t, want); got != w {
		t.Fatalf("after K\n%s\nwant chain(chord, a)\n%s", got, w)
	}
	moved := h.builderJSON()
	h.press("u")
	h.wantStatus("undid move")
	if got := h.builderJSON(); got != withBody {
		t.Fatalf("undo did not restore the canvas:\n%s", got)
	}
	h.press("U")
	h.wantStatus("redid move")
	if got := h.builderJSON(); got != moved {
		t.Fatalf("redo did not redo the move:\n%s", got)
	}
	h.wantView("▶ 10 move")
}

func TestBuilderLeavingStampsTheEditedCanvas(t *testing.T) {
	p := copyCanvas(t)
	h := newHarness(t, func(c *Config) {
		data, _ := os.ReadFile(p)
		c.Session = session.Config{Name: p, Path: p, Data: data, Visitor: markStar}
	})
	before := h.m.Session().Len()
	h.press("E")
	if !h.m.BuilderMode() {
		t.Fatal("E did not start builder mode")
	}
	h.press("E")
	h.wantStatus("no edits to stamp")
	h.press("E")
	h.press("x") // the selection is the root: the canvas becomes an empty chain
	h.insert("proj.only")
	edited := h.builderJSON()
	h.press("E")
	if h.m.BuilderMode() {
		t.Fatal("E did not leave builder mode")
	}
	h.wantStatus("builder edits: trace restarted")
	if h.m.Session().Len() >= before {
		t.Errorf("%d hook calls after the edits, %d before: the session was not stamped again", h.m.Session().Len(), before)
	}
	var at0 string
	h.m.Session().At(0, func() { at0 = canvas.MustEncode(h.m.Session().Root) })
	if at0 != edited {
		t.Errorf("the session stamps\n%s\nnot the edited canvas\n%s", at0, edited)
	}
	// the edits are still unsaved: quitting from the stepping screen asks
	h.press("q")
	if h.quit {
		t.Fatal("q quit with unsaved edits")
	}
	h.wantView("Unsaved edits")
	h.press("esc")
	h.press("q", "d")
	if !h.quit {
		t.Fatal("d did not quit")
	}
	if exists(builder.RecoveryPath(p, p)) {
		t.Error("the recovery file is still there after discarding the edits")
	}
	if data, _ := os.ReadFile(p); strings.Contains(string(data), "proj.only") {
		t.Error("discarding wrote the canvas file")
	}
}

func TestBuilderQuitCanSaveFirst(t *testing.T) {
	h, out := newBuilderHarness(t, "c.json")
	h.insert("proj.a")
	h.press("q")
	h.wantView("Unsaved edits")
	h.press("s")
	h.wantView("Save canvas")
	h.press("enter")
	if !h.quit {
		t.Fatalf("saving from the quit question did not quit; status %q", h.m.Status())
	}
	if !exists(out) {
		t.Error("nothing saved")
	}
}

func TestBuilderSavesAScriptAndPython(t *testing.T) {
	h, out := newBuilderHarness(t, "c.json")
	h.insert("proj.add")
	h.insert("proj.mul")
	// tab turns .json into .star
	h.press("S", "tab")
	h.wantView("saves a canvas script")
	h.press("enter")
	star := strings.TrimSuffix(out, ".json") + ".star"
	h.wantStatus("saved a canvas script to " + star)
	c, err := build.LoadFile(star)
	if err != nil {
		t.Fatal(err)
	}
	if got, w := canvas.MustEncode(c), h.builderJSON(); got != w {
		t.Fatalf("the script builds\n%s\nwant\n%s", got, w)
	}
	h.insert("proj.div")
	h.press("S", "tab") // the dialog offers c.star now: tab makes it c.py
	h.wantView("saves Python")
	h.press("enter")
	h.wantStatus("still unsaved")
	py, err := os.ReadFile(strings.TrimSuffix(out, ".json") + ".py")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(py), "chain(add.s(), mul.s(), div.s())") {
		t.Errorf("the Python does not build the chain:\n%s", py)
	}
	if !h.m.Builder().Doc().Dirty() {
		t.Error("saving Python counted as saving the canvas (stampede cannot open it again)")
	}
	// an existing file is only overwritten on a second enter
	h.press("S", "enter")
	h.wantView("exists: enter again to overwrite it")
	h.press("enter")
	h.wantStatus("saved a canvas script")
}

func TestBuilderOffersTheRecoveryFile(t *testing.T) {
	p := copyCanvas(t)
	rec := builder.RecoveryPath(p, p)
	c := canvas.NewChain(sigT(t, "proj.recovered"))
	b, err := canvas.Encode(c, 2)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(rec, b, 0o644); err != nil {
		t.Fatal(err)
	}
	open := func() *harness {
		return newHarness(t, func(cfg *Config) {
			data, _ := os.ReadFile(p)
			cfg.Session = session.Config{Name: p, Path: p, Data: data, Visitor: markStar}
		})
	}
	h := open()
	h.wantView("Recover unsaved edits?", "r  restore them")
	h.press("esc")
	h.wantStatus("the recovery file stays")
	if h.m.BuilderMode() || !exists(rec) {
		t.Fatalf("esc: builder mode %v, file kept %v", h.m.BuilderMode(), exists(rec))
	}
	h = open()
	h.press("r")
	if !h.m.BuilderMode() {
		t.Fatal("r did not open builder mode")
	}
	h.wantStatus("restored the unsaved edits")
	if got, w := h.builderJSON(), celeryJSON(t, c); got != w {
		t.Fatalf("restored\n%s\nwant\n%s", got, w)
	}
	if !h.m.Builder().Doc().Dirty() {
		t.Error("restored edits count as saved")
	}
	h = open()
	h.press("d")
	if exists(rec) {
		t.Error("d did not delete the recovery file")
	}
}

// TestBuilderTreeShowsTheDocAfterAnEditThatChangesNothing moves the first
// task up, which changes nothing: the doc loads its root anew after such
// an edit (the edit works on the root), and the tree must show that root,
// not the one the edit was given.
func TestBuilderTreeShowsTheDocAfterAnEditThatChangesNothing(t *testing.T) {
	h, _ := newBuilderHarness(t, "c.json")
	h.insert("proj.a")
	h.insert("proj.b")
	h.m.Tree().RevealIndex([]int{0})
	h.press("K")
	h.wantStatus("nothing changed")
	if h.m.Tree().Root().Value != canvas.Value(h.m.Builder().Doc().Root()) {
		t.Fatal("the tree shows a root the doc no longer has")
	}
	h.press("J")
	h.wantStatus("moved")
	if got, w := h.builderJSON(), celeryJSON(t, canvas.NewChain(sigT(t, "proj.b"), sigT(t, "proj.a"))); got != w {
		t.Fatalf("after K and J\n%s\nwant\n%s", got, w)
	}
}
