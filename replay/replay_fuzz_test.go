package replay_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/replay"
	"github.com/stampede-dev/stampede/visitors"
	"github.com/stampede-dev/stampede/visitors/script"
)

// fuzzVisitors is where the stamp ops of fuzzed sessions find the visitor
// scripts they name (the conformance visitors, none of which is random).
const fuzzVisitors = "../testdata/conformance/visitors"

// deterministic are the built-in visitors whose stamps do not depend on
// chance (no uuid4), so that two plays of a session can be compared.
var deterministic = map[string]bool{"path": true, "depth": true, "link-role": true, "static": true, "audit": true}

// resolveForFuzz resolves a stamp op's visitor: a deterministic built-in,
// or a conformance script named by its bare file name; never a path the
// input chose.
func resolveForFuzz(name string) (visitors.Visitor, error) {
	if deterministic[name] {
		v, _ := visitors.Builtin(name)
		return v, nil
	}
	if name == filepath.Base(name) && strings.HasSuffix(name, ".star") {
		p := filepath.Join(fuzzVisitors, name)
		if _, err := os.Stat(p); err == nil {
			return script.Load(p)
		}
	}
	return nil, fmt.Errorf("unknown visitor %q", name)
}

// FuzzSession reads arbitrary bytes as a session file and plays the
// session as `stampede replay` does. For any input:
//
//   - nothing panics, and every failure is one line;
//   - a session that reads is written back to text that reads as the same
//     session and writes back to exactly the same text;
//   - playing it gives a snapshot per op up to the op that failed (if one
//     did), each of which can be written as JSON, and says which op failed;
//   - playing it twice gives the same snapshots and the same error, and
//     so does the Player the TUI drives, before and after undoing its
//     last op.
//
// The seed corpus is testdata/fuzz/FuzzSession.
func FuzzSession(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := replay.ParseSession(data)
		if err != nil {
			oneLine(t, err)
			return
		}
		enc, err := s.Encode()
		if err != nil {
			t.Fatalf("a session that reads does not write: %v", err)
		}
		s2, err := replay.ParseSession(enc)
		if err != nil {
			t.Fatalf("the written session does not read: %v\n%s", err, enc)
		}
		enc2, err := s2.Encode()
		if err != nil || string(enc2) != string(enc) {
			t.Fatalf("read → write → read is not the identity (%v):\n%s\n%s", err, enc, enc2)
		}

		// As `stampede replay` reads it: the canvas and the ops as JSON.
		// Playing builds the ops' signatures into the canvas (as Celery
		// would), so each play decodes its own copy.
		doc := func() (canvas.Value, []canvas.Value) {
			v, err := canvas.Decode(data)
			if err != nil {
				t.Fatalf("ParseSession read what Decode does not: %v", err)
			}
			d := v.(*canvas.Dict)
			ops, ok := d.Lookup("ops").(*canvas.List)
			if !ok {
				t.Fatalf("ParseSession read a session without an ops list")
			}
			return d.Lookup("canvas"), ops.Items()
		}
		first, n := play(t, doc)
		if second, _ := play(t, doc); second != first {
			t.Fatalf("two plays of the same session differ:\n%s\n%s", first, second)
		}

		// The Player (what the TUI drives) plays it the same way, and
		// undoing its last op gives the same snapshots up to that op.
		p, err := replay.Play(s, replay.Config{Resolve: resolveForFuzz})
		if err != nil {
			if !strings.HasPrefix(first, "error: ") {
				t.Fatalf("the Player cannot load a canvas Run loads: %v", err)
			}
			return
		}
		played := describe(t, p.Result())
		if played != first {
			t.Fatalf("the Player and Run differ:\nPlayer %s\n   Run %s", played, first)
		}
		// With the ledger on, as the TUI and replay -check play: the same
		// canvas, error and ledger whether each op keeps a snapshot or not.
		ledgered := func(noSnapshots bool) string {
			q, err := replay.Play(s, replay.Config{Resolve: resolveForFuzz, Ledger: true, NoSnapshots: noSnapshots})
			if err != nil {
				t.Fatalf("the Player with the ledger cannot load what it loads without: %v", err)
			}
			if noSnapshots && len(q.Snapshots) > 0 {
				t.Fatalf("%d snapshots kept without snapshots", len(q.Snapshots))
			}
			return fmt.Sprintf("%s\n%v\n%s", mustJSON(t, q.Current), q.Err, canvas.MustEncode(replay.LedgerJSON(q.Ledger)))
		}
		if a, b := ledgered(false), ledgered(true); a != b {
			t.Fatalf("the ledger differs without snapshots:\n%s\n%s", a, b)
		}
		if len(p.Session.Ops) == 0 || len(p.Session.Ops) != n {
			return
		}
		u, err := p.Undo()
		if err != nil {
			t.Fatalf("Undo: %v", err)
		}
		for i := range u.Snapshots {
			if a, b := mustJSON(t, p.Snapshots[i]), mustJSON(t, u.Snapshots[i]); a != b {
				t.Fatalf("op %d's snapshot changed after Undo:\nplayed %s\nundone %s", i, a, b)
			}
		}
	})
}

// play runs a session as `stampede replay` does and returns what it
// produced as one text, and the number of ops.
func play(t *testing.T, doc func() (canvas.Value, []canvas.Value)) (string, int) {
	t.Helper()
	initial, ops := doc()
	res, err := replay.Run(initial, ops, resolveForFuzz)
	if err != nil {
		oneLine(t, err)
		return "error: " + err.Error(), len(ops)
	}
	if res.Err != nil {
		if res.ErrStep != len(res.Snapshots) || res.ErrStep >= len(ops) {
			t.Fatalf("op %d failed after %d snapshots of %d ops", res.ErrStep, len(res.Snapshots), len(ops))
		}
	} else if len(res.Snapshots) != len(ops) {
		t.Fatalf("%d snapshots for %d ops", len(res.Snapshots), len(ops))
	}
	return describe(t, res), len(ops)
}

// describe is a result as one text: each snapshot, then the error.
func describe(t *testing.T, res *replay.Result) string {
	t.Helper()
	if res.Err != nil {
		oneLine(t, res.Err)
	}
	var b strings.Builder
	for _, snap := range res.Snapshots {
		b.WriteString(mustJSON(t, snap))
		b.WriteByte('\n')
	}
	if res.Err != nil {
		fmt.Fprintf(&b, "op %d failed", res.ErrStep)
	}
	return b.String()
}

func mustJSON(t *testing.T, v canvas.Value) string {
	t.Helper()
	b, err := canvas.Encode(v, -1)
	if err != nil {
		t.Fatalf("cannot write: %v", err)
	}
	return string(b)
}

// oneLine fails when an error message spans several lines, unless it quotes
// the input (a key or value that holds a line break).
func oneLine(t *testing.T, err error) {
	t.Helper()
	if strings.ContainsAny(err.Error(), "\r\n") && !strings.ContainsAny(err.Error(), "\"'") {
		t.Fatalf("the error spans several lines: %q", err)
	}
}
