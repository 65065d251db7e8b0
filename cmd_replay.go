package main

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/replay"
	"github.com/stampede-dev/stampede/visitors"
	"github.com/stampede-dev/stampede/visitors/python"
)

func init() {
	register("replay", "run a session of canvas operations (-check: fail when stamps are lost)", cmdReplay)
}

// exitFound is the exit status of a command that ran fine and found what it
// looks for: lost stamps (replay -check), a visitor diverging from its
// recording (replay -verify), differing stamps (diff), pitfalls (lint).
const exitFound = 3

func cmdReplay(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("replay", "SESSION.json", stderr)
	dir := fs.String("visitors", "", "folder where the visitor scripts named in stamp ops are (default: the session file's folder)")
	out := fs.String("o", "", "write the result here instead of stdout")
	force := fs.Bool("force", false, "allow -o or -record to overwrite the session file")
	check := fs.Bool("check", false, "report every stamp lost after the op that made it (node, key, op, reason) and exit 3 if any was; protected and changed stamps are reported, not failed")
	verify := fs.Bool("verify", false, "run the visitors live beside their recordings and report the first hook call where they differ (exit 3)")
	record := fs.String("record", "", "write the session as played to this file, every stamp op with the recording of its visitor (stamp ops without one run live and are recorded)")
	live := fs.Bool("live", false, "ignore the recordings: run every visitor live (and record it anew with -record)")
	ledger := fs.Bool("ledger", false, "print the stamp ledger: for every node and stamp, where it came from and what happened to it")
	in, code, ok := parse(fs, args, stderr)
	if !ok {
		return code
	}
	if *live && *verify {
		return failf(stderr, "-live and -verify exclude each other: -verify compares live visitors with the recordings")
	}
	sess, err := replay.ReadSession(in)
	if err != nil {
		return failf(stderr, "%v", err)
	}
	if *dir == "" {
		*dir = filepath.Dir(in)
	}
	cache := map[string]visitors.Visitor{}
	resolve := func(name string) (visitors.Visitor, error) {
		if v, ok := cache[name]; ok {
			return v, nil
		}
		v, err := python.Resolve(name, *dir)
		if err == nil {
			cache[name] = v
		}
		return v, err
	}
	reports := *check || *verify || *ledger
	// Without -o a report takes the place of the snapshots and traces, so
	// none is kept: each is a copy of the whole canvas.
	writes := *out != "" || !reports
	p, err := replay.Play(sess, replay.Config{Resolve: resolve, Live: *live, Verify: *verify, Ledger: *check || *ledger, NoSnapshots: !writes})
	if err != nil {
		return failf(stderr, "%s: %v", in, err)
	}
	if writes {
		// Every snapshot and trace of a session on a large canvas is
		// hundreds of megabytes: written in pieces, never joined.
		body, err := canvas.EncodeChunks(replayDocument(p.Result()), 2)
		if err != nil {
			return failf(stderr, "%s: %v", in, err)
		}
		if err := writeOutputs(in, *force, stdout, dest{flag: "-o", path: *out, data: append(body, []byte("\n"))}); err != nil {
			return failf(stderr, "%v", err)
		}
	}
	switch *record {
	case "":
	case "-":
		data, err := p.Session.Encode()
		if err != nil {
			return failf(stderr, "-record: %v", err)
		}
		if _, err := stdout.Write(data); err != nil {
			return failf(stderr, "-record: %v", err)
		}
	default: // written as it is made: the session holds the canvas
		if err := writeOutputs(in, *force, stdout, dest{flag: "-record", path: *record, write: p.Session.EncodeTo}); err != nil {
			return failf(stderr, "%v", err)
		}
	}
	status := 0
	var report bytes.Buffer
	if *ledger {
		if err := replay.WriteLedger(&report, p.Ledger); err != nil {
			return failf(stderr, "%v", err)
		}
	}
	if *check {
		lost, err := replay.WriteCheck(&report, p.Ledger)
		if err != nil {
			return failf(stderr, "%v", err)
		}
		if lost > 0 {
			status = exitFound
		}
	}
	if *verify {
		for _, i := range p.Unverified {
			fmt.Fprintf(&report, "verify: op %d has no recording: its visitor ran live, nothing to compare\n", i)
		}
		if d := p.Divergence; d != nil {
			fmt.Fprintf(&report, "verify: the live visitor diverges from the recording at %v\n", d)
			status = exitFound
		} else {
			fmt.Fprintf(&report, "verify: %s\n", verifiedSummary(p))
		}
	}
	if _, err := stdout.Write(report.Bytes()); err != nil {
		return failf(stderr, "%v", err)
	}
	if p.Err != nil {
		return failf(stderr, "%s: %v", in, p.Err)
	}
	return status
}

// verifiedSummary counts what -verify compared.
func verifiedSummary(p *replay.Player) string {
	ops, calls := 0, 0
	skip := map[int]bool{}
	for _, i := range p.Unverified {
		skip[i] = true
	}
	for i, op := range p.Session.Ops {
		if i >= len(p.Traces) || op.Record == nil || skip[i] {
			continue
		}
		ops++
		calls += len(op.Record.Calls)
	}
	return fmt.Sprintf("%d recorded stamp op(s), %d hook calls: the live visitors return what was recorded", ops, calls)
}

// replayDocument is the result of a replay in the conformance ops form:
// {"snapshots", "traces"} plus "error" and "error_step" when an op failed.
func replayDocument(res *replay.Result) *canvas.Dict {
	snaps := canvas.NewList(res.Snapshots...)
	traces := canvas.NewList(make([]canvas.Value, len(res.Traces))...)
	for i, t := range res.Traces {
		if t != nil {
			traces.Items()[i] = t.Lines(false)
		}
	}
	doc := canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("snapshots"), Val: snaps}, {Key: canvas.K("traces"), Val: traces}})
	if res.Err != nil {
		doc.Set("error", res.Err.Error())
		doc.Set("error_step", canvas.Int(fmt.Sprint(res.ErrStep)))
	}
	return doc
}
