package canvas

// chain(*tasks) and chain | chain are reduce(operator.or_, tasks, acc) in
// Celery, and every `|` of a chain with a task clones every task the chain
// holds (unchain_tasks) before appending the next one. Folding m tasks
// makes m²/2 clones: a chain of 4000 tasks took 2.6 s this way, and one of
// 100k would take hours.
//
// When every `|` of the fold only appends (see appendsOnly) the chain is
// built with a few clones per task instead. A signature whose
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
// apart from the last one. Groups and chords settle too, after a number of
// clones known from their parts (see settleCount). Anything else takes
// Celery's fold one `|` at a time.

// foldOr is reduce(operator.or_, tasks, acc). The rest of the fold is
// tried in one pass whenever the value folded so far is a chain, twice at
// most: a chain's own callbacks and errbacks are linked to the clones of
// its tasks by the first `|` only (the chains it makes have none), and the
// first `|`s may turn a group into a chord, after which the fold only
// appends (chain(group, group, …) is a chord, then a chain).
func foldOr(acc Value, tasks []Value) (Value, error) {
	var err error
	tries, bodyTries := 0, 0
	for i, t := range tasks {
		if c, ok := acc.(*Dict); ok && c.Class() == Chain {
			if tries < 2 {
				tries++
				if folded, ok := foldInOnePass(c, tasks[i:], 1); ok {
					return folded, nil
				}
			}
			// After the first `|` the chain is the fold's own (see
			// foldIntoChord).
			if i > 0 && bodyTries < 2 && endsInChord(c) {
				bodyTries++
				if folded, ok := foldIntoChord(c, tasks[i:]); ok {
					return folded, nil
				}
			}
		}
		if acc, err = Or(acc, t); err != nil {
			return nil, err
		}
	}
	return acc, nil
}

// foldInOnePass is foldOr for a chain without callbacks or errbacks (which
// unchain_tasks would link to the clones) when every `|` only appends (see
// appendsOnly) and every task settles (see settleCount). Celery's fold
// clones each task the chain holds perStep times per task folded (once;
// more for the body of a chord, see foldIntoChordAt), and each folded
// task as often per task after it. It reports false otherwise, having
// changed nothing — unless a clone fails (a group's clone changes its
// input), and then the fold one `|` at a time fails at the same task.
func foldInOnePass(chain *Dict, tasks []Value, perStep int) (*Dict, bool) {
	if chain.Class() != Chain || len(tasks) == 0 {
		return nil, false
	}
	held, _, ok := unlinkedTasks(chain)
	if !ok {
		return nil, false
	}
	items, ok := appendInOnePass(held, tasks, perStep)
	if !ok {
		return nil, false
	}
	folded, err := newChain(NewList(items...), nil)
	if err != nil {
		return nil, false
	}
	return folded, true
}

// appendInOnePass is the tasks of a chain that holds held once tasks have
// been folded onto it, when every `|` only appends (see appendsOnly) and
// clones every task already there perStep times. It reports false when
// that does not hold or a task does not settle.
func appendInOnePass(held, tasks []Value, perStep int) ([]Value, bool) {
	if !appendsOnly(held, tasks) {
		return nil, false
	}
	// How often each group and chord is cloned is settled before any is:
	// cloning them changes their inputs (see settleCount).
	m := len(tasks)
	seq := append(append(make([]Value, 0, len(held)+m), held...), tasks...)
	settle := make([]int, len(seq))
	for j, t := range seq {
		if d := t.(*Dict); d.Class() != Signature {
			k, ok := settleCount(d, 0)
			if !ok {
				return nil, false
			}
			settle[j] = k
		}
	}
	items := make([]Value, 0, len(seq))
	for j, t := range seq {
		n := m * perStep // a held task is cloned by every `|`
		if j >= len(held) {
			n = (m - 1 - (j - len(held))) * perStep // a folded one by every later `|`
		}
		var c *Dict
		ok := true
		if settle[j] > 0 {
			c, ok = cloneExactly(t.(*Dict), min(n, settle[j]))
		} else {
			c, ok = cloneTimes(t.(*Dict), n)
		}
		if !ok {
			return nil, false
		}
		items = append(items, c)
	}
	return items, true
}

// foldIntoChord is foldOr for a chain the fold has made (no input, no
// callbacks or errbacks) whose last task is a chord. Every `|` then clones
// the chain's tasks and folds the next task into the clone of the chord's
// body: chain(chord, g1, g2, …) is one chord whose body is the rest, as
// the builder makes it once chain(g0, g1, …) has become a chord. Done one
// `|` at a time, each clones the body so far, twice.
//
// The tasks before the chord are cloned as foldInOnePass clones held ones.
// The chord is cloned once with its body, exactly; then its header and
// options are cloned as often as they take to settle, apart from the body;
// and the body takes the tasks one `|` at a time, each after a clone of it,
// until it is a chain onto which the rest only appends: from there it is
// built in one pass, with two clones per `|` (see appendInOnePass). It
// reports false, having changed nothing, when it cannot do so.
func foldIntoChord(chain *Dict, tasks []Value) (*Dict, bool) {
	return foldIntoChordAt(chain, tasks, 0)
}

// foldIntoChordAt is foldIntoChord for a chain that every `|` clones
// extra times before folding the next task onto it: 0 for the fold's own
// chain, one more for the body of its last chord, and so on down a chain
// of chords nested in bodies, as chain(t0, g0, t1, g1, …) makes them.
// Every task the chain holds is then cloned extra+1 times per `|`.
func foldIntoChordAt(chain *Dict, tasks []Value, extra int) (*Dict, bool) {
	perStep := extra + 1
	held, opts, ok := unlinkedTasks(chain)
	if !ok || len(held) == 0 {
		return nil, false
	}
	chord, ok := held[len(held)-1].(*Dict)
	if !ok || chord.Class() != Chord {
		return nil, false
	}
	for _, t := range tasks {
		d, ok := t.(*Dict)
		if !ok || !d.Class().IsSignature() || d.Class() == Chain {
			return nil, false // a chain is unchained onto the fold
		}
		if d.Class() == Group {
			members, err := Tasks(d)
			if l, isList := members.(*List); err != nil || !isList || l.Len() == 1 {
				return nil, false // a group of one is unrolled
			}
		}
	}
	headerSettle, ok := chordHeaderSettle(chord)
	if !ok {
		return nil, false
	}
	// `chain | group` makes a new chain of the clones, without options;
	// `chain | task` clones the chain, options and all. The chain keeps
	// its options, deep-copied, only if no group is folded onto it.
	var kw *Dict
	if !anyOfClass(tasks, Group) {
		if !ordinaryOptions(opts) {
			return nil, false
		}
		kw = DeepCopy(opts).(*Dict)
	}
	body, err := Body(chord)
	if b, isSig := body.(*Dict); err != nil || !isSig || !b.Class().IsSignature() {
		return nil, false
	}
	// The tasks before the chord: checked as foldInOnePass checks held
	// ones, and cloned once they all pass.
	before := held[:len(held)-1]
	for _, h := range before {
		d, ok := h.(*Dict)
		if !ok || (d.Class() != Group && d.Class() != Chord && !clonable(d)) {
			return nil, false
		}
		if d.Class() != Signature {
			if _, ok := settleCount(d, 0); !ok {
				return nil, false
			}
		}
	}
	m := len(tasks)
	items := make([]Value, 0, len(held))
	for _, h := range before {
		c, ok := cloneSettled(h.(*Dict), m*perStep)
		if !ok {
			return nil, false
		}
		items = append(items, c)
	}
	// The first `|`: the chord cloned (and its body with it) as often as
	// it takes to settle, the first task folded into the body.
	first, ok := cloneSettled(chord, perStep)
	if !ok {
		return nil, false
	}
	b, err := Body(first)
	if err != nil {
		return nil, false
	}
	if b, err = Or(b, tasks[0]); err != nil {
		return nil, false
	}
	// The other `|`s: the body cloned with the chord, then the next task
	// folded into it; in one pass once it is a chain that only appends,
	// or that ends in a chord of its own.
	tries, deeper := 0, 0
	for j := 1; j < m; j++ {
		if bc, ok := b.(*Dict); ok && bc.Class() == Chain {
			if tries < 2 {
				tries++
				if rest, ok := foldInOnePass(bc, tasks[j:], perStep+1); ok {
					b = rest
					break
				}
			}
			if deeper < 2 && endsInChord(bc) {
				deeper++
				if rest, ok := foldIntoChordAt(bc, tasks[j:], perStep); ok {
					b = rest
					break
				}
			}
		}
		bd, ok := b.(*Dict)
		if !ok || !bd.Class().IsSignature() {
			return nil, false
		}
		c, ok := cloneSettled(bd, perStep)
		if !ok {
			return nil, false
		}
		if b, err = Or(c, tasks[j]); err != nil {
			return nil, false
		}
	}
	// The chord's header and options, cloned by every later `|`.
	last := first
	for range min((m-1)*perStep, headerSettle) {
		if last, err = cloneChordKeepingBody(last); err != nil {
			return nil, false
		}
	}
	if err := setProp(nil, last, b, "kwargs", "body"); err != nil {
		return nil, false
	}
	folded, err := newChain(NewList(append(items, last)...), kw)
	if err != nil {
		return nil, false
	}
	return folded, true
}

// endsInChord reports whether a chain's last task is a chord.
func endsInChord(chain *Dict) bool {
	tv, err := Tasks(chain)
	if err != nil {
		return false
	}
	return isClass(lastItem(tv), Chord)
}

// anyOfClass reports whether one of vs is a dict of class c.
func anyOfClass(vs []Value, c Class) bool {
	for _, v := range vs {
		if isClass(v, c) {
			return true
		}
	}
	return false
}

// ordinaryOptions reports whether a chain's options are plain data under
// keys that Signature.__init__ takes as options: cloned twice, such a
// chain is the same as cloned once (a key such as immutable would be
// taken out of the options by the first clone).
func ordinaryOptions(opts *Dict) bool {
	for _, p := range opts.Pairs() {
		switch p.Key.String() {
		case "options", "type", "subtask_type", "immutable", "task", "args", "kwargs", "app":
			return false
		}
	}
	budget := maxPlainValues
	return plainData(opts, &budget)
}

// cloneSettled is d cloned n times, or fewer where more would change
// nothing (see settleCount); false if that is not known or a clone fails.
func cloneSettled(d *Dict, n int) (*Dict, bool) {
	if d.Class() == Signature {
		return cloneTimes(d, n)
	}
	k, ok := settleCount(d, 0)
	if !ok {
		return nil, false
	}
	return cloneExactly(d, min(n, k))
}

// unlinkedTasks is the tasks and options of a chain without callbacks or
// errbacks (which unchain_tasks links to the clones of its tasks); false
// for one that has them.
func unlinkedTasks(chain *Dict) ([]Value, *Dict, bool) {
	opts, err := Options(chain)
	if err != nil || len(maybeList(opts.LookupKey(KeyLink))) > 0 || len(maybeList(opts.LookupKey(KeyLinkError))) > 0 {
		return nil, nil, false
	}
	tv, err := Tasks(chain)
	if err != nil {
		return nil, nil, false
	}
	held, err := Iterate(tv)
	if err != nil {
		return nil, nil, false
	}
	return held, opts, true
}

// chordHeaderSettle is how many clones a chord's header and options take to
// settle (see settleCount), its body apart.
func chordHeaderSettle(chord *Dict) (int, bool) {
	budget := maxPlainValues
	if _, ok := chord.LookupKey(KeyOptions).(*Dict); !ok || !plainData(chord.LookupKey(KeyOptions), &budget) {
		return 0, false
	}
	header, err := Tasks(chord)
	l, ok := header.(*List)
	if err != nil || !ok {
		return 0, false
	}
	k := 1
	for _, t := range l.Items() {
		td, ok := t.(*Dict)
		if !ok {
			return 0, false
		}
		tk, ok := settleCount(td, 1)
		if !ok {
			return 0, false
		}
		k = max(k, tk)
	}
	return k, true
}

// cloneChordKeepingBody is Clone of a chord without its last step: the
// header is cloned and the options copied, and the new chord holds the
// same body (whose clone foldIntoChord makes itself).
func cloneChordKeepingBody(chord *Dict) (*Dict, error) {
	args, err := Iterate(chord.LookupKey(KeyArgs))
	if err != nil {
		return nil, err
	}
	return FromDict(DictOf(Plain, []Pair{
		{KeyTask, chord.LookupKey(KeyTask)},
		{KeyArgs, ListOf(append([]Value(nil), args...), true)},
		{KeyKwargs, chord.LookupKey(KeyKwargs)},
		{KeyOptions, DeepCopy(chord.LookupKey(KeyOptions))},
		{KeySubtaskType, chord.LookupKey(KeySubtaskType)},
		{KeyImmutable, chord.LookupKey(KeyImmutable)},
	}))
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

// cloneExactly is sig cloned n times over; false if a clone fails.
func cloneExactly(sig *Dict, n int) (*Dict, bool) {
	for range n {
		c, err := Clone(sig, nil, nil, nil)
		if err != nil {
			return nil, false
		}
		sig = c
	}
	return sig, true
}

// appendsOnly reports whether every `|` of folding tasks onto a chain that
// holds held appends the task to the clones of the tasks before it, as
// `chain | task` and `chain | group` do, and no `|` takes one of Celery's
// other ways: a task after a group makes a chord of them, anything after a
// chord goes into its body, a group of one task is unrolled, a group onto
// an empty chain is returned as it is, and a chain is unchained. Every
// task must be a plain signature (see clonable), a group or a chord.
func appendsOnly(held, tasks []Value) bool {
	prev := Class(Plain) // the class of the last task so far; Plain: none
	if len(held) > 0 {
		d, ok := held[len(held)-1].(*Dict)
		if !ok {
			return false
		}
		prev = d.Class()
	}
	for _, h := range held {
		if d, ok := h.(*Dict); !ok || (d.Class() != Group && d.Class() != Chord && !clonable(d)) {
			return false
		}
	}
	for _, t := range tasks {
		d, ok := t.(*Dict)
		if !ok {
			return false
		}
		switch d.Class() {
		case Group:
			members, err := Tasks(d)
			l, isList := members.(*List)
			if err != nil || !isList || l.Len() == 1 || prev == Plain || prev == Chord {
				return false
			}
		case Chord:
			if prev == Group || prev == Chord {
				return false
			}
		default:
			if !clonable(d) || prev == Group || prev == Chord {
				return false
			}
		}
		prev = d.Class()
	}
	return true
}

// maxSettleDepth bounds how deep settleCount looks into chords and chains.
const maxSettleDepth = 32

// maxLeafClones bounds the clones leafSettle tries.
const maxLeafClones = 8

// settleCount is how many clones of a group, chord or chain (or of a plain
// signature inside one) it takes for one more to change nothing that the
// inputs or the result can see; false when that is not known. It clones
// nothing but plain signatures, whose clones change nothing they came from.
//
//   - A plain signature: as cloneTimes finds (see leafSettle).
//   - A group: group.from_dict gives the kwargs it shares with what it is
//     cloned from a new list of the same members, and the clone that list:
//     a first clone shares its list with its original, a second does not.
//     Its members are not cloned.
//   - A chain clones each of its tasks, a chord each task of its header and
//     its body, once per clone; a chord's other kwargs stay shared with the
//     original, as they are after one clone.
//
// Each needs options of plain data, which the deep copy of a clone copies
// alike every time.
func settleCount(d *Dict, depth int) (int, bool) {
	if depth > maxSettleDepth {
		return 0, false
	}
	if d.Class() == Signature {
		if !clonable(d) {
			return 0, false
		}
		return leafSettle(d)
	}
	budget := maxPlainValues
	if _, ok := d.LookupKey(KeyOptions).(*Dict); !ok || !plainData(d.LookupKey(KeyOptions), &budget) {
		return 0, false
	}
	parts := func(v Value, k int) (int, bool) {
		l, ok := v.(*List)
		if !ok {
			return 0, false
		}
		for _, t := range l.Items() {
			td, ok := t.(*Dict)
			if !ok {
				return 0, false
			}
			tk, ok := settleCount(td, depth+1)
			if !ok {
				return 0, false
			}
			k = max(k, tk)
		}
		return k, true
	}
	switch d.Class() {
	case Group:
		members, err := Tasks(d)
		l, ok := members.(*List)
		if err != nil || !ok {
			return 0, false
		}
		for _, t := range l.Items() {
			if td, ok := t.(*Dict); !ok || !td.Class().IsSignature() {
				return 0, false
			}
		}
		return 2, true
	case Chain:
		tasks, err := Tasks(d)
		if err != nil {
			return 0, false
		}
		return parts(tasks, 1)
	case Chord:
		header, err := Tasks(d)
		if err != nil {
			return 0, false
		}
		k, ok := parts(header, 1)
		if !ok {
			return 0, false
		}
		body, err := Body(d)
		bd, isDict := body.(*Dict)
		if err != nil || !isDict {
			return 0, false
		}
		bk, ok := settleCount(bd, depth+1)
		return max(k, bk), ok
	}
	return 0, false
}

// leafSettle is how many clones of a plain signature cloneTimes makes when
// it may make as many as it likes: up to and including the first clone of
// a stable one.
func leafSettle(sig *Dict) (int, bool) {
	for k := 1; k <= maxLeafClones; k++ {
		if stableUnderClone(sig) {
			return k, true
		}
		c, err := Clone(sig, nil, nil, nil)
		if err != nil {
			return 0, false
		}
		sig = c
	}
	return 0, false
}

// clonable reports whether v is a plain signature (not a chain, group or
// chord, no subtask_type) with a list of args and a dict of options: what
// its clone is too.
func clonable(v Value) bool {
	d, ok := v.(*Dict)
	if !ok || d.Class() != Signature || d.LookupKey(KeySubtaskType) != nil {
		return false
	}
	if _, ok := d.LookupKey(KeyArgs).(*List); !ok {
		return false
	}
	_, ok = d.LookupKey(KeyOptions).(*Dict)
	return ok
}

// stableUnderClone reports whether a clonable signature's options hold
// only scalars, lists and plain dicts: a signature whose clone of a clone
// is the same as its clone.
func stableUnderClone(sig *Dict) bool {
	budget := maxPlainValues
	return plainData(sig.LookupKey(KeyOptions), &budget)
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
		for _, it := range x.Items() {
			if !plainData(it, budget) {
				return false
			}
		}
		return true
	case *Dict:
		if x.Class() != Plain {
			return false
		}
		for _, p := range x.Pairs() {
			if !plainData(p.Val, budget) {
				return false
			}
		}
		return true
	}
	return false
}
