package session

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/canvas/sample"
	"github.com/stampede-dev/stampede/stamping"
	"github.com/stampede-dev/stampede/visitors"
)

const markStar = "../../testdata/conformance/visitors/mark.star"

func open(t *testing.T, cfg Config) *Session {
	t.Helper()
	if cfg.Data == nil {
		cfg.Data = sample.OrderJSON
		cfg.Name = sample.Name
	}
	s, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestOpenStampsAndRewindsToTheStart(t *testing.T) {
	s := open(t, Config{Visitor: markStar})
	if s.Pos() != 0 || s.Len() != 20 || s.VisitorName != "mark" || s.Err != nil {
		t.Fatalf("pos %d len %d visitor %s err %v", s.Pos(), s.Len(), s.VisitorName, s.Err)
	}
	fresh, _ := canvas.Load(sample.OrderJSON)
	if canvas.MustEncode(s.Root) != canvas.MustEncode(fresh) {
		t.Fatal("at position 0 the canvas is not the loaded canvas")
	}
	if s.Current() != nil {
		t.Fatal("a current step at position 0")
	}
}

func TestBeforeAfterLeavesTheCanvasWhereItWas(t *testing.T) {
	s := open(t, Config{Visitor: markStar})
	j := s.Find(0, func(st *stamping.Step) bool { return st.Hook == visitors.OnSignature })
	s.Goto(15)
	at15 := canvas.MustEncode(s.Root)
	before, after := s.BeforeAfter(j)
	if canvas.MustEncode(s.Root) != at15 || s.Pos() != 15 {
		t.Fatal("BeforeAfter moved the canvas")
	}
	if before.Has("s") || !after.Has("s") {
		t.Fatalf("step %d (on_signature): before %s after %s", j, canvas.MustEncode(before), canvas.MustEncode(after))
	}
	// the snapshots are copies: moving the canvas does not change them
	s.Goto(0)
	if !after.Has("s") {
		t.Fatal("the after snapshot changed when the canvas moved")
	}
}

func TestOpenErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"bad canvas", Config{Name: "x.json", Data: []byte(`[1]`), Visitor: "depth"}, "x.json"},
		{"bad headers", Config{Visitor: "depth", Headers: `{"a": `}, "headers"},
		{"headers not an object", Config{Visitor: "depth", Headers: `[1]`}, "JSON object"},
		{"unknown visitor", Config{Visitor: "nope"}, "unknown visitor"},
		{"no visitor", Config{}, "no visitor"},
	} {
		if tc.cfg.Data == nil {
			tc.cfg.Data, tc.cfg.Name = sample.OrderJSON, sample.Name
		}
		_, err := Open(tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want it to mention %q", tc.name, err, tc.want)
		}
	}
}

func TestAFailingHookIsKeptNotReturned(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "fail.star")
	os.WriteFile(p, []byte("def on_signature(sig, **headers):\n    fail(\"no\")\n"), 0o644)
	s := open(t, Config{Visitor: p})
	if s.Err == nil || s.FailedStep() != s.Len()-1 {
		t.Fatalf("err %v failed step %d of %d", s.Err, s.FailedStep(), s.Len())
	}
	e := Explain(s.Err)
	if e.Hook != "on_signature" || e.Path == "" || !strings.Contains(e.Pos, "fail.star:2:") {
		t.Fatalf("explained as %+v", e)
	}
}

func TestRelativeScriptsAreFoundBesideTheCanvas(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "v.star"), []byte("def on_signature(sig, **headers):\n    return {\"v\": 1}\n"), 0o644)
	s := open(t, Config{Name: "c.json", Path: filepath.Join(dir, "c.json"), Data: sample.OrderJSON, Visitor: "v.star"})
	if s.VisitorName != "v" {
		t.Fatalf("visitor %s", s.VisitorName)
	}
}

func TestPrintsAreKeptWithTheirStep(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "talk.star")
	os.WriteFile(p, []byte("print(\"loaded\")\n\ndef on_signature(sig, **headers):\n    print(\"sig\", sig.task)\n    return {}\n"), 0o644)
	s := open(t, Config{Visitor: p})
	if got := s.Prints(-1); len(got) != 1 || got[0] != "loaded" {
		t.Fatalf("top-level prints %q", got)
	}
	n := 0
	for i := 0; i < s.Len(); i++ {
		pr := s.Prints(i)
		if s.Step(i).Hook != visitors.OnSignature {
			if len(pr) != 0 {
				t.Fatalf("step %d (%s) has prints %q", i, s.Step(i).Hook, pr)
			}
			continue
		}
		want := "sig " + s.Step(i).Task().(string)
		if len(pr) != 1 || pr[0] != want {
			t.Fatalf("step %d prints %q, want %q", i, pr, want)
		}
		n++
	}
	if n != 9 {
		t.Fatalf("%d on_signature steps printed, want 9", n)
	}
}

func TestAHookReturningANonDictIsExplained(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "three.star")
	os.WriteFile(p, []byte("def on_signature(sig, **headers):\n    return 3\n"), 0o644)
	s := open(t, Config{Visitor: p})
	if s.Err == nil {
		t.Fatal("no error")
	}
	e := Explain(s.Err)
	if e.Hook != "on_signature" || e.Path == "" || !strings.Contains(e.Msg, "not a dict") {
		t.Fatalf("explained as %+v", e)
	}
}
