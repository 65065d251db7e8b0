package canvas

// chain(*tasks) and chain | chain are reduce(operator.or_, tasks, acc) in
// Celery, and every `|` of a chain with a task clones every task the chain
// holds (unchain_tasks) before appending the next one. Folding m tasks
// makes m²/2 clones: a chain of 4000 tasks took 2.6 s this way, and one of
// 100k would take hours.
//
// When every task is a plain signature (not a chain, group or chord) the
// chain is built with a few clones per task instead. A signature whose
// options hold only plain dicts, lists and scalars is stable under clone:
// its clone has the same task, kwargs (shared with the original),
// subtask_type and immutable, a new tuple of the same args and a new deep
// copy of the options, and cloning that clone again gives the same once
// more. A signature whose options hold signatures (a callback, an errback)
// is not: a deep copy turns each into a plain dict that still shares the
// signature's own values, and only a further clone copies those. Such a
// task is cloned until a clone is stable, then once more, or as many times
// as Celery's fold would clone it if that is fewer. The clones made in
// between belong to chains the fold throws away, so nothing can tell them
// apart from the last one. Anything else takes Celery's fold one `|` at a
// time.

// foldOr is reduce(operator.or_, tasks, acc). A chain's own callbacks and
// errbacks are linked to the clones of its tasks by the first `|` only
// (the chains it makes have none), so when the whole fold cannot be done
// in one pass, the rest of it is tried again after that first `|`.
func foldOr(acc Value, tasks []Value) (Value, error) {
	var err error
	for i, t := range tasks {
		if c, ok := acc.(*Dict); ok && i < 2 {
			if folded, ok := foldInOnePass(c, tasks[i:]); ok {
				return folded, nil
			}
		}
		if acc, err = Or(acc, t); err != nil {
			return nil, err
		}
	}
	return acc, nil
}

// foldInOnePass is foldOr for a chain without callbacks or errbacks (which
// unchain_tasks would link to the clones) whose tasks, like the tasks
// folded onto it, are all plain signatures (see clonable). Celery's fold
// clones each task the chain holds once per task folded, and each folded
// task once per task after it. It reports false, having changed nothing,
// otherwise.
func foldInOnePass(chain *Dict, tasks []Value) (*Dict, bool) {
	if chain.Class != Chain || len(tasks) == 0 {
		return nil, false
	}
	opts, err := Options(chain)
	if err != nil || len(maybeList(opts.Lookup("link"))) > 0 || len(maybeList(opts.Lookup("link_error"))) > 0 {
		return nil, false
	}
	tv, err := Tasks(chain)
	if err != nil {
		return nil, false
	}
	held, err := Iterate(tv)
	if err != nil {
		return nil, false
	}
	for _, seq := range [][]Value{held, tasks} {
		for _, t := range seq {
			if !clonable(t) {
				return nil, false
			}
		}
	}
	m := len(tasks)
	items := make([]Value, 0, len(held)+m)
	for _, t := range held {
		c, ok := cloneTimes(t.(*Dict), m)
		if !ok {
			return nil, false
		}
		items = append(items, c)
	}
	for i, t := range tasks {
		c, ok := cloneTimes(t.(*Dict), m-1-i)
		if !ok {
			return nil, false
		}
		items = append(items, c)
	}
	folded, err := newChain(&List{Items: items}, nil)
	if err != nil {
		return nil, false
	}
	return folded, true
}

// cloneTimes is sig cloned n times over: it stops after the first clone
// of a stable signature, which further clones would only repeat. It
// reports false if a clone fails (Celery's own fold then reports it).
func cloneTimes(sig *Dict, n int) (*Dict, bool) {
	for range n {
		stable := stableUnderClone(sig)
		c, err := Clone(sig, nil, nil, nil)
		if err != nil {
			return nil, false
		}
		sig = c
		if stable {
			break
		}
	}
	return sig, true
}

// clonable reports whether v is a plain signature (not a chain, group or
// chord, no subtask_type) with a list of args and a dict of options: what
// its clone is too.
func clonable(v Value) bool {
	d, ok := v.(*Dict)
	if !ok || d.Class != Signature || d.Lookup("subtask_type") != nil {
		return false
	}
	if _, ok := d.Lookup("args").(*List); !ok {
		return false
	}
	_, ok = d.Lookup("options").(*Dict)
	return ok
}

// stableUnderClone reports whether a clonable signature's options hold
// only scalars, lists and plain dicts: a signature whose clone of a clone
// is the same as its clone.
func stableUnderClone(sig *Dict) bool {
	budget := maxPlainValues
	return plainData(sig.Lookup("options"), &budget)
}

// maxPlainValues bounds the walk of plainData. Options that hold more
// values (or a list that holds itself) are never taken as stable: such a
// task is cloned as often as Celery's fold clones it.
const maxPlainValues = 1 << 16

// plainData reports whether v is a scalar, None, or a list or plain dict
// of such values, visiting at most *budget values.
func plainData(v Value, budget *int) bool {
	if *budget--; *budget < 0 {
		return false
	}
	switch x := v.(type) {
	case nil, bool, Int, float64, string:
		return true
	case *List:
		for _, it := range x.Items {
			if !plainData(it, budget) {
				return false
			}
		}
		return true
	case *Dict:
		if x.Class != Plain {
			return false
		}
		for _, p := range x.Pairs {
			if !plainData(p.Val, budget) {
				return false
			}
		}
		return true
	}
	return false
}
