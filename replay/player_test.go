package replay_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/replay"
	"github.com/stampede-dev/stampede/replay/conformance"
	"github.com/stampede-dev/stampede/visitors"
	"github.com/stampede-dev/stampede/visitors/script"
)

const corpus = "../testdata/conformance"

func readDoc(t testing.TB, path string) *canvas.Dict {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	v, err := canvas.Decode(data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v.(*canvas.Dict)
}

// corpusResolver resolves the corpus's visitor scripts, fresh each time.
func corpusResolver(name string) (visitors.Visitor, error) {
	return script.Resolve(name, filepath.Join(corpus, "visitors"))
}

type opsCase struct {
	name string
	doc  *canvas.Dict
}

func opsCases(t testing.TB) []opsCase {
	files, err := filepath.Glob(filepath.Join(corpus, "ops", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no ops cases: %v", err)
	}
	var out []opsCase
	for _, f := range files {
		out = append(out, opsCase{filepath.Base(f), readDoc(t, f)})
	}
	return out
}

// legacySession is an ops case read as a session of the old form, the
// case's canvas and ops alone.
func legacySession(t *testing.T, c opsCase) *replay.Session {
	t.Helper()
	legacy := canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("canvas"), Val: c.doc.Lookup("canvas")}, {Key: canvas.K("ops"), Val: c.doc.Lookup("ops")}})
	s, err := replay.ParseSession([]byte(canvas.MustEncode(legacy)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// resultDoc is a played session in the conformance ops output form.
func resultDoc(p *replay.Player) *canvas.Dict {
	traces := &canvas.List{}
	for _, tr := range p.Traces {
		if tr == nil {
			traces.AppendItems(nil)
		} else {
			traces.AppendItems(tr.Lines(false))
		}
	}
	d := &canvas.Dict{}
	d.Set("snapshots", canvas.NewList(p.Snapshots...))
	d.Set("traces", traces)
	if p.Err != nil {
		d.Set("error", p.Err.Error())
	}
	return d
}

func runDoc(res *replay.Result) *canvas.Dict {
	traces := &canvas.List{}
	for _, tr := range res.Traces {
		if tr == nil {
			traces.AppendItems(nil)
		} else {
			traces.AppendItems(tr.Lines(false))
		}
	}
	d := &canvas.Dict{}
	d.Set("snapshots", canvas.NewList(res.Snapshots...))
	d.Set("traces", traces)
	if res.Err != nil {
		d.Set("error", res.Err.Error())
	}
	return d
}

// TestCorpusThroughSessions plays every conformance ops case through the
// session path with the ledger on: the output must match Celery's and be
// byte for byte what replay.Run gives; recording the session, writing it,
// reading it back and replaying the recording (no visitor scripts at all)
// must give the same bytes again.
func TestCorpusThroughSessions(t *testing.T) {
	for _, c := range opsCases(t) {
		t.Run(c.name, func(t *testing.T) {
			s := legacySession(t, c)
			if s.Version != 0 {
				t.Fatalf("legacy session read as version %d", s.Version)
			}
			p, err := replay.Play(s, replay.Config{Resolve: corpusResolver, Ledger: true})
			if err != nil {
				t.Fatal(err)
			}
			got := resultDoc(p)
			if err := conformance.CompareCase(c.doc, got); err != nil {
				t.Fatalf("session path differs from Celery: %v", err)
			}
			ops := c.doc.Lookup("ops").(*canvas.List).Items()
			for i, o := range ops {
				d := o.(*canvas.Dict)
				name, _ := d.Lookup("op").(string)
				known := map[string]bool{"op": true}
				for _, a := range replay.OpArgs[name] {
					known[a] = true
				}
				for _, k := range d.Keys() {
					if !known[k] {
						t.Errorf("op %d (%s) has %q, which OpArgs does not list", i, name, k)
					}
				}
			}
			res, err := replay.Run(c.doc.Lookup("canvas"), ops, replay.Resolver(corpusResolver))
			if err != nil {
				t.Fatal(err)
			}
			want := canvas.MustEncode(runDoc(res))
			if g := canvas.MustEncode(got); g != want {
				t.Fatalf("session path and Run differ:\n%s\n%s", g, want)
			}
			if p.Ledger == nil || len(p.Ledger.Nodes) == 0 {
				t.Fatalf("no ledger")
			}
			data, err := p.Session.Encode()
			if err != nil {
				t.Fatal(err)
			}
			s2, err := replay.ParseSession(data)
			if err != nil {
				t.Fatalf("reading the recorded session back: %v\n%s", err, data)
			}
			if len(s2.Ops) != len(ops) {
				t.Fatalf("recorded session has %d ops, want %d", len(s2.Ops), len(ops))
			}
			p2, err := replay.Play(s2, replay.Config{Ledger: true})
			if err != nil {
				t.Fatal(err)
			}
			if g := canvas.MustEncode(resultDoc(p2)); g != want {
				t.Fatalf("replaying the recording differs:\n%s\n%s", g, want)
			}
			l1, l2 := replay.LedgerJSON(p.Ledger), replay.LedgerJSON(p2.Ledger)
			if a, b := canvas.MustEncode(l1), canvas.MustEncode(l2); a != b {
				t.Fatalf("ledger of the recording differs:\n%s\n%s", a, b)
			}
			again, err := p2.Session.Encode()
			if err != nil {
				t.Fatal(err)
			}
			if string(again) != string(data) {
				t.Fatalf("re-encoding the replayed session changed it")
			}
			if strings.Contains(string(data), `"mutated"`) {
				t.Fatalf("a corpus visitor was recorded as changing the canvas")
			}
		})
	}
}

// TestPlayersWithoutSnapshotsPlayTheSame plays every conformance ops case
// from its recording with snapshots and without: the canvas, the traces,
// the error and the ledger are the same, and no snapshot is kept.
func TestPlayersWithoutSnapshotsPlayTheSame(t *testing.T) {
	for _, c := range opsCases(t) {
		t.Run(c.name, func(t *testing.T) {
			s := legacySession(t, c)
			live, err := replay.Play(s, replay.Config{Resolve: corpusResolver})
			if err != nil {
				t.Fatal(err)
			}
			with, err := replay.Play(live.Session, replay.Config{Ledger: true})
			if err != nil {
				t.Fatal(err)
			}
			without, err := replay.Play(live.Session, replay.Config{Ledger: true, NoSnapshots: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(without.Snapshots) != 0 {
				t.Fatalf("%d snapshots kept", len(without.Snapshots))
			}
			if with.Played() != len(with.Snapshots) || without.Played() != with.Played() {
				t.Fatalf("played %d and %d ops, %d snapshots", with.Played(), without.Played(), len(with.Snapshots))
			}
			outcome := func(p *replay.Player) string {
				d := resultDoc(p)
				d.Delete("snapshots")
				d.Set("current", canvas.JSONCopy(p.Current))
				d.Set("ledger", replay.LedgerJSON(p.Ledger))
				return canvas.MustEncode(d)
			}
			if a, b := outcome(with), outcome(without); a != b {
				t.Fatalf("with snapshots:\n%s\nwithout:\n%s", a, b)
			}
		})
	}
}
