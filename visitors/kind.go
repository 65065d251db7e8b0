package visitors

import "github.com/stampede-dev/stampede/canvas"

// Kind names what a canvas value is, the way a visitor thinks of it:
// "signature" (a leaf task), "chain", "group", "chord", "xmap", "xstarmap",
// "chunks", or "list" for the one non-signature Celery hands a hook (a chord
// header that is still a plain list). A plain dict (a link or member still in
// its JSON form) is named by its subtask_type. Anything else is "".
func Kind(v canvas.Value) string {
	switch x := v.(type) {
	case *canvas.Dict:
		switch x.Class() {
		case canvas.Signature:
			return "signature"
		case canvas.Chain:
			return "chain"
		case canvas.Group:
			return "group"
		case canvas.Chord:
			return "chord"
		case canvas.XMap:
			return "xmap"
		case canvas.XStarMap:
			return "xstarmap"
		case canvas.Chunks:
			return "chunks"
		}
		if st, ok := x.LookupKey(canvas.KeySubtaskType).(string); ok && st != "" {
			return st
		}
		return "signature"
	case *canvas.List:
		return "list"
	}
	return ""
}

// TaskID is a signature's options.task_id, or nil when it has none.
func TaskID(v canvas.Value) canvas.Value {
	d, ok := v.(*canvas.Dict)
	if !ok {
		return nil
	}
	if opts, ok := d.LookupKey(canvas.KeyOptions).(*canvas.Dict); ok {
		return opts.LookupKey(canvas.KeyTaskID)
	}
	return nil
}

// TaskName is a signature's task name, or nil when it is not a dict.
func TaskName(v canvas.Value) canvas.Value {
	if d, ok := v.(*canvas.Dict); ok {
		return d.LookupKey(canvas.KeyTask)
	}
	return nil
}

// stamp is a fresh stamp dict holding pairs.
func stamp(pairs ...canvas.Pair) *canvas.Dict {
	d := canvas.NewDict(canvas.Plain, len(pairs))
	d.AppendPairs(pairs...)
	return d
}
