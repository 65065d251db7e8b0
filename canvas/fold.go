package canvas

// chain(*tasks) and chain | chain are reduce(operator.or_, tasks, acc) in
// Celery, and every `|` of a chain with a task clones every task the chain
// holds (unchain_tasks) before appending the next one. Folding m tasks
// makes m²/2 clones: a chain of 4000 tasks took 2.6 s this way, and one of
// 100k would take hours.
//
// For the common case (plain signatures whose options hold no signature)
// the same chain is built with one clone per task. Cloning such a
// signature gives a signature of the same kind, and cloning that again
// gives the same as cloning once: the same task, kwargs (shared with the
// original), subtask_type and immutable; a new tuple of the same args; a
// new deep copy of the options, which hold only plain dicts, lists and
// scalars and so copy to the same shape every time. The clones made in
// between belong to chains the fold throws away, so nothing can tell them
// apart from the last one. Anything else takes Celery's fold step by step.

// foldOr is reduce(operator.or_, tasks, acc).
func foldOr(acc Value, tasks []Value) (Value, error) {
	if c, ok := acc.(*Dict); ok {
		if folded, ok := foldInOnePass(c, tasks); ok {
			return folded, nil
		}
	}
	var err error
	for _, t := range tasks {
		if acc, err = Or(acc, t); err != nil {
			return nil, err
		}
	}
	return acc, nil
}

// foldInOnePass is foldOr for a chain without callbacks or errbacks (which
// unchain_tasks would link to the clones, as signatures) when the chain's
// tasks and the tasks folded onto it are all clonable in one pass (see
// stableUnderClone). It reports false, having changed nothing, otherwise.
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
			if !stableUnderClone(t) {
				return nil, false
			}
		}
	}
	// Every task but the last is cloned at least once; the last is
	// appended as it is.
	items := make([]Value, 0, len(held)+len(tasks))
	for _, t := range append(held[:len(held):len(held)], tasks[:len(tasks)-1]...) {
		c, err := Clone(t.(*Dict), nil, nil, nil)
		if err != nil {
			return nil, false // Celery's own fold reports it
		}
		items = append(items, c)
	}
	items = append(items, tasks[len(tasks)-1])
	folded, err := newChain(&List{Items: items}, nil)
	if err != nil {
		return nil, false
	}
	return folded, true
}

// stableUnderClone reports whether v is a plain signature (not a chain,
// group or chord, no subtask_type) with a list of args and options that
// hold only scalars, lists and plain dicts: a signature whose clone of a
// clone is the same as its clone.
func stableUnderClone(v Value) bool {
	d, ok := v.(*Dict)
	if !ok || d.Class != Signature || d.Lookup("subtask_type") != nil {
		return false
	}
	if _, ok := d.Lookup("args").(*List); !ok {
		return false
	}
	opts, ok := d.Lookup("options").(*Dict)
	return ok && plainData(opts, 0)
}

// maxPlainDepth bounds the walk of plainData; options nested deeper (or a
// dict that holds itself) take Celery's fold step by step.
const maxPlainDepth = 16

// plainData reports whether v is a scalar, None, or a list or plain dict
// of such values, to a depth of maxPlainDepth.
func plainData(v Value, depth int) bool {
	if depth > maxPlainDepth {
		return false
	}
	switch x := v.(type) {
	case nil, bool, Int, float64, string:
		return true
	case *List:
		for _, it := range x.Items {
			if !plainData(it, depth+1) {
				return false
			}
		}
		return true
	case *Dict:
		if x.Class != Plain {
			return false
		}
		for _, p := range x.Pairs {
			if !plainData(p.Val, depth+1) {
				return false
			}
		}
		return true
	}
	return false
}
