package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/replay"
	"github.com/stampede-dev/stampede/visitors"
	"github.com/stampede-dev/stampede/visitors/script"
)

func init() {
	register("replay", "run a session of canvas operations", cmdReplay)
}

func cmdReplay(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("replay", "SESSION.json", stderr)
	dir := fs.String("visitors", "", "folder where the visitor scripts named in stamp ops are (default: the session file's folder)")
	out := fs.String("o", "", "write the result here instead of stdout")
	force := fs.Bool("force", false, "allow -o to overwrite the session file")
	in, code, ok := parse(fs, args, stderr)
	if !ok {
		return code
	}
	data, err := os.ReadFile(in)
	if err != nil {
		return failf(stderr, "%v", err)
	}
	sv, err := canvas.Decode(data)
	if err != nil {
		return failf(stderr, "%s: %v", in, err)
	}
	sess, isDict := sv.(*canvas.Dict)
	if !isDict || !sess.Has("canvas") {
		return failf(stderr, `%s: a session is a JSON object {"canvas": …, "ops": […]}`, in)
	}
	ops, isList := sess.Lookup("ops").(*canvas.List)
	if !isList {
		return failf(stderr, `%s: $.ops must be a list of operations`, in)
	}
	if *dir == "" {
		*dir = filepath.Dir(in)
	}
	cache := map[string]visitors.Visitor{}
	resolve := func(name string) (visitors.Visitor, error) {
		if v, ok := cache[name]; ok {
			return v, nil
		}
		v, err := script.Resolve(name, *dir)
		if err == nil {
			cache[name] = v
		}
		return v, err
	}
	res, err := replay.Run(sess.Lookup("canvas"), ops.Items, resolve)
	if err != nil {
		return failf(stderr, "%s: %v", in, err)
	}
	outDoc := replayDocument(res)
	body, err := canvas.Encode(outDoc, 2)
	if err != nil {
		return failf(stderr, "%s: %v", in, err)
	}
	if err := output(*out, in, *force, append(body, '\n'), stdout); err != nil {
		return failf(stderr, "-o: %v", err)
	}
	if res.Err != nil {
		return failf(stderr, "%s: %v", in, res.Err)
	}
	return 0
}

// replayDocument is the result of a replay in the conformance ops form:
// {"snapshots", "traces"} plus "error" and "error_step" when an op failed.
func replayDocument(res *replay.Result) *canvas.Dict {
	snaps := &canvas.List{Items: res.Snapshots}
	traces := &canvas.List{Items: make([]canvas.Value, len(res.Traces))}
	for i, t := range res.Traces {
		if t != nil {
			traces.Items[i] = t.Lines(false)
		}
	}
	doc := &canvas.Dict{Pairs: []canvas.Pair{{Key: "snapshots", Val: snaps}, {Key: "traces", Val: traces}}}
	if res.Err != nil {
		doc.Set("error", res.Err.Error())
		doc.Set("error_step", canvas.Int(fmt.Sprint(res.ErrStep)))
	}
	return doc
}
