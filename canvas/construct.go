package canvas

// This file holds the constructors a Celery user calls: Signature(...),
// chain(...), group(...) and chord(...), with the argument handling of their
// Python __init__/__new__ (a single list argument, a single signature, the
// keyword options). Canvas scripts build canvases through them.

// NewSignature is Signature(task, args, kwargs, **kw): task is the task name
// (or a dict, which the new signature copies), args becomes a tuple, kwargs
// is held as given (a new dict when empty) and kw binds to Signature.__init__'s
// remaining parameters: "options", "type", "subtask_type", "immutable", with
// every other key becoming an execution option.
func NewSignature(task, args, kwargs Value, kw *Dict) (*Dict, error) {
	return newSignature(Signature, task, args, kwargs, kw, nil)
}

// ChainOf is chain(*tasks, **kw) as celery.chain.__new__ runs it. Without
// keyword arguments, several tasks (or a single list or generator of them) are folded
// with `|` onto an empty chain, exactly like reduce(operator.or_, tasks,
// _chain()): so chain(a, group, b) makes a chord of the group and b, chains
// given as tasks are flattened, and all but the last task are cloned. The
// result may therefore be a group or a chord. With keyword arguments, or a
// single task that is not a list, the tasks are held as given
// (_chain.__init__).
func ChainOf(tasks []Value, kw *Dict) (Value, error) {
	if (kw == nil || kw.Len() == 0) && len(tasks) > 0 && (len(tasks) != 1 || isList(tasks[0])) {
		seq := tasks
		if len(tasks) == 1 {
			// A list, or a generator, which the reduce consumes.
			items, err := Iterate(tasks[0])
			if err != nil {
				return nil, err
			}
			seq = items
		}
		acc, err := newChain(ListOf(nil, true), nil)
		if err != nil {
			return nil, err
		}
		return foldOr(acc, append([]Value(nil), seq...))
	}
	return newChain(chainInitTasks(tasks), kw)
}

// chainInitTasks is the tasks value _chain.__init__(*tasks) stores: a single
// list argument itself, otherwise the tuple of the arguments.
func chainInitTasks(tasks []Value) Value {
	if len(tasks) == 1 && isList(tasks[0]) {
		return tasks[0]
	}
	return ListOf(append([]Value{}, tasks...), true)
}

// GroupOf is group(*tasks, **kw): a single argument that is a list is held
// as the group's tasks, a single group gives its tasks, a single signature a
// one-item list of its clone; several arguments are held as a tuple.
func GroupOf(tasks []Value, kw *Dict) (*Dict, error) {
	if len(tasks) == 1 {
		return newGroup(tasks[0], kw)
	}
	return newGroup(ListOf(append([]Value{}, tasks...), true), kw)
}

// ChordOf is chord(header, body, task, args, kwargs, **kw): the header is
// made a list as _maybe_group does (a group or chain gives the tasks of its
// clone, a single signature a one-item list, a list the clones of its
// signatures), the body goes through maybe_signature, and kwargs (default
// {"kwargs": {}}) is copied with header and body added. task is the chord's
// task name: Celery's default is "celery.chord".
func ChordOf(header, body, task, args, kwargs Value, kw *Dict) (*Dict, error) {
	return newChord(header, body, task, args, kwargs, kw, false)
}
