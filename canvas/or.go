package canvas

// Or is Python's `a | b` on canvases, with Celery 5.6.2's upgrade rules:
//
//	task | task            -> chain(task, task)
//	task | chain           -> chain(task, *chain's tasks)
//	task | group           -> chain(task, group)  (a one-task group is unrolled)
//	chain | task           -> chain(..., task); a chain ending in a group
//	                          makes that group a chord with task as body, and
//	                          a chain ending in a chord gets task on the body
//	chain | chain          -> every task of the second |-ed on in turn
//	chain | group          -> chain(..., group), or onto a final chord's body
//	group | anything       -> chord(group, body=anything)
//	chord | task           -> the chord with task |-ed onto its body
//
// Where Celery clones it clones, where it shares it shares (the chain's
// errbacks are linked, as one object, to every task of the new chain).
func Or(a, b Value) (Value, error) {
	self, ok := a.(*Dict)
	if !ok || !self.Class().IsSignature() {
		return nil, typeError("unsupported operand type(s) for |: '%s' and '%s'", TypeName(a), TypeName(b))
	}
	var (
		res Value
		err error
	)
	switch self.Class() {
	case Chain:
		res, err = chainOr(self, b)
	case Group:
		res, err = NewChord(self, b)
	case Chord:
		res, err = chordOr(self, b)
	default:
		res, err = sigOr(self, b)
	}
	if err == nil && res == nil {
		return nil, typeError("unsupported operand type(s) for |: '%s' and '%s'", TypeName(a), TypeName(b))
	}
	return res, err
}

func isClass(v Value, c Class) bool {
	d, ok := v.(*Dict)
	return ok && d.Class() == c
}

func isSig(v Value) bool {
	d, ok := v.(*Dict)
	return ok && d.Class().IsSignature()
}

// sigOr is Signature.__or__. A nil result means NotImplemented.
func sigOr(self *Dict, other Value) (Value, error) {
	switch {
	case isClass(other, Chain):
		tasks, err := unchainTasks(other.(*Dict))
		if err != nil {
			return nil, err
		}
		return newChain(seqConcatSeq(ListOf([]Value{self}, true), tasks), nil)
	case isClass(other, Group):
		o, err := maybeUnrollGroup(other.(*Dict))
		if err != nil {
			return nil, err
		}
		if err := AppCheck(self); err != nil { // _chain(self, other, app=self.app)
			return nil, err
		}
		return NewChain(self, o), nil
	case isSig(other):
		return NewChain(self, other), nil
	}
	return nil, nil
}

// seqConcatSeq is celery.utils.functional.seq_concat_seq: a + b, typed like
// the longer of the two (the first one when they are equally long).
func seqConcatSeq(a, b *List) *List {
	tuple := a.Tuple()
	if b.Len() > a.Len() {
		tuple = b.Tuple()
	}
	items := append(append([]Value{}, a.Items()...), b.Items()...)
	return ListOf(items, tuple)
}

// maybeUnrollGroup is celery.canvas.maybe_unroll_group: a group of exactly
// one task is that task.
func maybeUnrollGroup(g *Dict) (Value, error) {
	tasks, err := Tasks(g)
	if err != nil {
		return nil, err
	}
	if z, ok := tasks.(*Lazy); ok { // len() of a _regen produces every member
		items, err := z.All()
		if err != nil {
			return nil, err
		}
		tasks = NewList(items...)
	}
	if l, ok := tasks.(*List); ok && l.Len() == 1 {
		return l.Items()[0], nil
	}
	return g, nil
}

// unchainTasks is _chain.unchain_tasks: clones of the chain's tasks, the
// chain's callbacks linked to the last one and each of its errbacks linked
// (the same object) to every one.
func unchainTasks(chain *Dict) (*List, error) {
	tv, err := Tasks(chain)
	if err != nil {
		return nil, err
	}
	items, err := Iterate(tv)
	if err != nil {
		return nil, err
	}
	tasks := make([]Value, len(items))
	for i, t := range items {
		ts, err := asSig(t, "clone")
		if err != nil {
			return nil, err
		}
		if tasks[i], err = Clone(ts, nil, nil, nil); err != nil {
			return nil, err
		}
	}
	opts, err := Options(chain)
	if err != nil {
		return nil, err
	}
	for _, cb := range maybeList(opts.LookupKey(KeyLink)) {
		if len(tasks) == 0 {
			return nil, &PyError{"IndexError", "list index out of range"}
		}
		if err := Link(tasks[len(tasks)-1].(*Dict), cb); err != nil {
			return nil, err
		}
	}
	for _, eb := range maybeList(opts.LookupKey(KeyLinkError)) {
		for _, t := range tasks {
			if err := LinkError(t.(*Dict), eb); err != nil {
				return nil, err
			}
		}
	}
	return NewList(tasks...), nil
}

// chainOr is _chain.__or__.
func chainOr(self *Dict, other Value) (Value, error) {
	switch {
	case isClass(other, Group):
		o, err := maybeUnrollGroup(other.(*Dict))
		if err != nil {
			return nil, err
		}
		if !isClass(o, Group) {
			return chainOr(self, o)
		}
		tasks, err := unchainTasks(self)
		if err != nil {
			return nil, err
		}
		if tasks.Len() == 0 {
			return o, nil
		}
		if last := tasks.Items()[tasks.Len()-1].(*Dict); last.Class() == Chord {
			if err := orOntoBody(last, o); err != nil {
				return nil, err
			}
			return newChain(tasks, nil)
		}
		tasks.AppendItems(o)
		return newChain(tasks, nil)
	case isClass(other, Chain):
		tasks, err := unchainTasks(other.(*Dict))
		if err != nil {
			return nil, err
		}
		return foldOr(self, tasks.Items())
	case isSig(other):
		tv, err := Tasks(self)
		if err != nil {
			return nil, err
		}
		last := lastItem(tv)
		switch {
		case isClass(last, Group):
			sig, err := Clone(self, nil, nil, nil)
			if err != nil {
				return nil, err
			}
			st := sig.LookupKey(KeyKwargs).(*Dict).LookupKey(KeyTasks).(*List)
			n := st.Len()
			ch, err := NewChord(st.Items()[n-1], other)
			if err != nil {
				return nil, err
			}
			st.Items()[n-1] = ch
			if n > 1 && isClass(st.Items()[n-2], Chord) {
				prev := st.Items()[n-2].(*Dict)
				if err := orOntoBody(prev, st.Items()[n-1]); err != nil {
					return nil, err
				}
				sig.LookupKey(KeyKwargs).(*Dict).SetKey(KeyTasks, NewList(append([]Value{}, st.Items()[:n-1]...)...))
			}
			return sig, nil
		case isClass(last, Chord):
			sig, err := Clone(self, nil, nil, nil)
			if err != nil {
				return nil, err
			}
			st := sig.LookupKey(KeyKwargs).(*Dict).LookupKey(KeyTasks).(*List)
			if err := orOntoBody(st.Items()[st.Len()-1].(*Dict), other); err != nil {
				return nil, err
			}
			return sig, nil
		}
		tasks, err := unchainTasks(self)
		if err != nil {
			return nil, err
		}
		tasks.AppendItems(other)
		return newChain(tasks, nil)
	}
	return nil, nil
}

// lastItem is `tasks and tasks[-1]`: the last task, or nil for none.
func lastItem(tasks Value) Value {
	if l, ok := tasks.(*List); ok && l.Len() > 0 {
		return l.Items()[l.Len()-1]
	}
	return nil
}

// orOntoBody is chord.body = chord.body | other.
func orOntoBody(chord *Dict, other Value) error {
	body, err := Body(chord)
	if err != nil {
		return err
	}
	nb, err := Or(body, other)
	if err != nil {
		return err
	}
	return setProp(nil, chord, nb, "kwargs", "body")
}

// chordOr is _chord.__or__.
func chordOr(self *Dict, other Value) (Value, error) {
	switch {
	case isSig(other) && !isClass(other, Group) && !isClass(other, Chain):
		sig, err := Clone(self, nil, nil, nil)
		if err != nil {
			return nil, err
		}
		return sig, orOntoBody(sig, other)
	case isClass(other, Group):
		tasks, err := Tasks(other.(*Dict))
		if err != nil {
			return nil, err
		}
		if z, ok := tasks.(*Lazy); ok {
			items, err := z.All()
			if err != nil {
				return nil, err
			}
			tasks = NewList(items...)
		}
		l, ok := tasks.(*List)
		if !ok {
			return nil, typeError("object of type '%s' has no len()", TypeName(tasks))
		}
		if l.Len() == 1 {
			o, err := maybeUnrollGroup(other.(*Dict))
			if err != nil {
				return nil, err
			}
			sig, err := Clone(self, nil, nil, nil)
			if err != nil {
				return nil, err
			}
			return sig, orOntoBody(sig, o)
		}
	}
	return sigOr(self, other)
}

// AppCheck evaluates Celery's `sig.app` for what it can raise. The property
// has no effect on a canvas, but on some malformed ones it fails, and Celery
// reads it in stamp_links, group.stamp, | and link_error: a chord's app reads
// its first header task's and its body's _app (failing for anything that
// is not a signature), a group's reads its first task's app, a chain's its
// first task's _app.
func AppCheck(sig *Dict) error {
	switch sig.Class() {
	case Chord:
		header := sig.LookupKey(KeyKwargs)
		kd, ok := header.(*Dict)
		if !ok {
			return nil
		}
		tasks := kd.LookupKey(KeyHeader)
		if g, ok := tasks.(*Dict); ok && g.Class() == Group {
			if t, err := Tasks(g); err == nil {
				tasks = t
			}
		}
		if l, ok := tasks.(*List); ok && l.Len() > 0 {
			if !isSig(l.Items()[0]) {
				return attrError(l.Items()[0], "_app")
			}
		}
		if body := kd.LookupKey(KeyBody); body != nil && !isSig(body) {
			return attrError(body, "_app")
		}
	case Group:
		tasks, err := Tasks(sig)
		if err != nil {
			return err
		}
		switch t := tasks.(type) {
		case nil:
			return typeError("'NoneType' object is not subscriptable")
		case *List:
			if t.Len() == 0 {
				return nil
			}
			first, ok := t.Items()[0].(*Dict)
			if !ok || !first.Class().IsSignature() {
				return attrError(t.Items()[0], "app")
			}
			return AppCheck(first)
		}
	case Chain:
		tasks, err := Tasks(sig)
		if err != nil {
			return err
		}
		switch t := tasks.(type) {
		case nil:
			return typeError("'NoneType' object is not subscriptable")
		case *List:
			if t.Len() > 0 && !isSig(t.Items()[0]) {
				return attrError(t.Items()[0], "_app")
			}
		}
	}
	return nil
}
