package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/replay"
	"github.com/stampede-dev/stampede/replay/conformance"
)

const scenarioDir = "testdata/scenarios"

var updateScenarios = flag.Bool("update-scenarios", false, "rewrite the expected ledger, losses and exit status of testdata/scenarios from the current output (review the diff before keeping it)")

// scenarioFiles are the scenario sessions, sorted.
func scenarioFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(scenarioDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	return files
}

// lossesJSON is the short form of a ledger's losses: node, key, op.
func lossesJSON(l *replay.Ledger) *canvas.List {
	out := &canvas.List{}
	for _, loss := range l.Losses() {
		d := &canvas.Dict{}
		d.Set("node", loss.Node.ID)
		d.Set("key", loss.Event.Key)
		d.Set("op", canvas.Int(fmt.Sprint(loss.Event.Op)))
		d.Set("op_name", loss.Event.OpName)
		out.AppendItems(d)
	}
	return out
}

// TestScenarios replays every scenario in testdata/scenarios: its snapshots
// must be what Celery 5.6.2 produced (expect.snapshots), its ledger must be
// expect.ledger, and `stampede replay -check` must exit with expect.exit and
// print every loss.
func TestScenarios(t *testing.T) {
	files := scenarioFiles(t)
	if len(files) < 10 {
		t.Fatalf("%d scenarios in %s, want at least 10", len(files), scenarioDir)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			s, err := replay.ParseSession(data)
			if err != nil {
				t.Fatal(err)
			}
			if s.Version != replay.Version || s.Name == "" || s.Description == "" {
				t.Fatalf("a scenario is a named, described session of version %d", replay.Version)
			}
			for i, op := range s.Ops {
				if op.Name() == "stamp" && op.Visitor() != "" && op.Record == nil {
					t.Fatalf("op %d: stamp op without a recording", i)
				}
			}
			exp, ok := s.Extra.Lookup("expect").(*canvas.Dict)
			if !ok {
				t.Fatal("no expect")
			}
			// Replayed from the recordings alone: no visitor is resolved.
			p, err := replay.Play(s, replay.Config{Ledger: true})
			if err != nil {
				t.Fatal(err)
			}
			if p.Err != nil {
				t.Fatalf("scenario failed: %v", p.Err)
			}
			if err := conformance.Same(exp.Lookup("snapshots"), canvas.NewList(p.Snapshots...), "$.snapshots"); err != nil {
				t.Fatalf("differs from Celery: %v", err)
			}
			ledger := replay.LedgerJSON(p.Ledger)
			var stdout, stderr bytes.Buffer
			code := run([]string{"replay", "-check", f}, &stdout, &stderr)
			if *updateScenarios {
				exp.Set("exit", canvas.Int(fmt.Sprint(code)))
				exp.Set("losses", lossesJSON(p.Ledger))
				exp.Set("ledger", ledger)
				out, err := s.Encode()
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(f, out, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if err := conformance.Same(exp.Lookup("ledger"), ledger, "$.ledger"); err != nil {
				t.Errorf("ledger: %v\ngot: %s", err, canvas.MustEncode(ledger))
			}
			if err := conformance.Same(exp.Lookup("losses"), lossesJSON(p.Ledger), "$.losses"); err != nil {
				t.Errorf("losses: %v", err)
			}
			if want := exp.Lookup("exit"); canvas.MustEncode(want) != fmt.Sprint(code) {
				t.Errorf("replay -check exited %d, want %v\n%s%s", code, canvas.MustEncode(want), stdout.String(), stderr.String())
			}
			if (code == exitFound) != (len(p.Ledger.Losses()) > 0) {
				t.Errorf("replay -check exited %d with %d losses", code, len(p.Ledger.Losses()))
			}
			for _, loss := range p.Ledger.Losses() {
				line := ""
				for _, l := range strings.Split(stdout.String(), "\n") {
					if strings.HasPrefix(l, "LOST") && strings.Contains(l, loss.Node.Label()) && strings.Contains(l, loss.Event.Key+" lost at op "+fmt.Sprint(loss.Event.Op)) {
						line = l
					}
				}
				if line == "" || !strings.Contains(line, loss.Event.Reason) {
					t.Errorf("-check does not print the loss of %s on %s with its reason:\n%s", loss.Event.Key, loss.Node.Label(), stdout.String())
				}
			}
			if !strings.Contains(stdout.String(), "check: ") {
				t.Errorf("-check printed no summary:\n%s", stdout.String())
			}
		})
	}
}
