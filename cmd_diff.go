package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/replay"
)

func init() {
	register("diff", "list the stamps added, removed and changed per node between two canvases", cmdDiff)
}

func cmdDiff(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("diff", "A.json B.json", stderr)
	asJSON := fs.Bool("json", false, "print the differences as JSON")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != 2 {
		fmt.Fprintf(stderr, "stampede diff: expected two canvas files, got %s\n", argumentCount(fs.NArg()))
		fs.Usage()
		return 2
	}
	a, err := readCanvas(fs.Arg(0))
	if err != nil {
		return failf(stderr, "%v", err)
	}
	b, err := readCanvas(fs.Arg(1))
	if err != nil {
		return failf(stderr, "%v", err)
	}
	diffs := replay.Diff(a, b)
	if *asJSON {
		data, err := canvas.Encode(diffJSON(diffs), 2)
		if err != nil {
			return failf(stderr, "%v", err)
		}
		if _, err := stdout.Write(append(data, '\n')); err != nil {
			return failf(stderr, "%v", err)
		}
	} else if err := writeDiff(stdout, diffs); err != nil {
		return failf(stderr, "%v", err)
	}
	if len(diffs) > 0 {
		return exitFound
	}
	return 0
}

// diffNode names a node of a diff: its label and where it is in A and B.
func diffNode(d replay.NodeDiff) (label, where string) {
	n := d.A
	if n == nil {
		n = d.B
	}
	label = n.Label()
	switch {
	case d.A == nil:
		where = "only in B, at " + d.B.Path
	case d.B == nil:
		where = "only in A, at " + d.A.Path
	case d.A.Path != d.B.Path:
		where = d.A.Path + " → " + d.B.Path
	default:
		where = d.A.Path
	}
	return label, where
}

func writeDiff(w io.Writer, diffs []replay.NodeDiff) error {
	var b strings.Builder
	for _, d := range diffs {
		label, where := diffNode(d)
		fmt.Fprintf(&b, "%s  %s\n", label, where)
		for _, kv := range d.Removed {
			note := ""
			if kv.Unlisted {
				note = "  (un-listed: the value stays in B as a plain execution option)"
			}
			fmt.Fprintf(&b, "  - %s = %s%s\n", kv.Key, canvas.MustEncode(kv.Value), note)
		}
		for _, kv := range d.Added {
			fmt.Fprintf(&b, "  + %s = %s\n", kv.Key, canvas.MustEncode(kv.Value))
		}
		for _, c := range d.Changed {
			fmt.Fprintf(&b, "  ~ %s: %s → %s\n", c.Key, canvas.MustEncode(c.Old), canvas.MustEncode(c.New))
		}
	}
	if len(diffs) == 0 {
		b.WriteString("no stamp differs\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func diffJSON(diffs []replay.NodeDiff) *canvas.List {
	out := &canvas.List{}
	for _, d := range diffs {
		label, _ := diffNode(d)
		n := &canvas.Dict{}
		n.Set("node", label)
		var pa, pb canvas.Value
		if d.A != nil {
			pa = d.A.Path
		}
		if d.B != nil {
			pb = d.B.Path
		}
		n.Set("path_a", pa)
		n.Set("path_b", pb)
		added, removed, changed := &canvas.Dict{}, &canvas.Dict{}, &canvas.Dict{}
		for _, kv := range d.Added {
			added.Set(kv.Key, kv.Value)
		}
		for _, kv := range d.Removed {
			removed.Set(kv.Key, kv.Value)
		}
		for _, c := range d.Changed {
			changed.Set(c.Key, canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("old"), Val: c.Old}, {Key: canvas.K("new"), Val: c.New}}))
		}
		n.Set("added", added)
		n.Set("removed", removed)
		n.Set("changed", changed)
		unlisted := &canvas.List{}
		for _, kv := range d.Removed {
			if kv.Unlisted {
				unlisted.AppendItems(kv.Key)
			}
		}
		if unlisted.Len() > 0 {
			n.Set("unlisted", unlisted)
		}
		out.AppendItems(n)
	}
	return out
}
