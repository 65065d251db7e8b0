package canvas

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strconv"
	"testing"
)

// TestFoldInOnePassIsCeleryFold builds thousands of random folds (the
// chain(*tasks) of a canvas script, and chain | chain) twice from the same
// seed, runs one copy through foldOr and the other through Celery's fold
// one `|` at a time, and checks that the results are the same canvas with
// the same sharing: the same JSON, the same dicts and lists shared among
// themselves, and the same parts of the inputs held. The inputs must be
// left alike too, and the error (if any) must be the same.
func TestFoldInOnePassIsCeleryFold(t *testing.T) {
	onePass, total := 0, 0
	for seed := uint64(0); seed < 3000; seed++ {
		for _, chainOrChain := range []bool{false, true} {
			total++
			fast, slow, probe := newFoldCase(seed, chainOrChain), newFoldCase(seed, chainOrChain), newFoldCase(seed, chainOrChain)
			s := newSharing()
			if err := s.same(fast.inputs(), slow.inputs(), "inputs"); err != nil {
				t.Fatalf("seed %d: the two builds differ: %v", seed, err)
			}
			if probe.other != nil {
				if u, err := unchainTasks(probe.other.(*Dict)); err == nil {
					probe.tasks = u.Items()
				}
			}
			if _, ok := foldInOnePass(probe.acc.(*Dict), probe.tasks, 1); ok {
				onePass++
			}
			got, gotErr := fast.run(true)
			want, wantErr := slow.run(false)
			if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
				t.Fatalf("seed %d (chain | chain %v): error %v, Celery's fold gives %v", seed, chainOrChain, gotErr, wantErr)
			}
			// A fresh pairing: the one above stops at the input dicts it
			// has seen, and would not look into what the fold changed in them.
			s = newSharing()
			if err := s.same(got, want, "result"); err != nil {
				t.Fatalf("seed %d (chain | chain %v): %v\n one pass %s\n Celery   %s", seed, chainOrChain, err, MustEncode(got), MustEncode(want))
			}
			if err := s.same(fast.inputs(), slow.inputs(), "inputs after"); err != nil {
				t.Fatalf("seed %d (chain | chain %v): %v", seed, chainOrChain, err)
			}
		}
	}
	t.Logf("%d folds, %d in one pass", total, onePass)
	if onePass < total/4 || onePass > total*9/10 {
		t.Errorf("%d of %d folds went in one pass: the cases should exercise both ways", onePass, total)
	}
}

// foldCase is the operands of one fold.
type foldCase struct {
	acc, other Value // other: the chain of chain | chain, else nil
	tasks      []Value
}

func (c *foldCase) inputs() Value {
	return NewList(append([]Value{c.acc, c.other}, c.tasks...)...)
}

// run folds the case in one pass where it can (onePass), or one `|` at a
// time as Celery does.
func (c *foldCase) run(onePass bool) (Value, error) {
	if c.other != nil {
		if onePass {
			return Or(c.acc, c.other)
		}
		u, err := unchainTasks(c.other.(*Dict))
		if err != nil {
			return nil, err
		}
		return foldStepByStep(c.acc, u.Items())
	}
	if onePass {
		return foldOr(c.acc, c.tasks)
	}
	return foldStepByStep(c.acc, c.tasks)
}

// foldStepByStep is Celery's reduce(operator.or_, tasks, acc). The cases
// fold no chain onto a chain, so no `|` here takes the one-pass fold.
func foldStepByStep(acc Value, tasks []Value) (Value, error) {
	var err error
	for _, t := range tasks {
		if acc, err = Or(acc, t); err != nil {
			return nil, err
		}
	}
	return acc, nil
}

// newFoldCase builds the operands of a fold from seed: mostly plain
// signatures, some holding signatures in their options (callbacks, one
// errback shared by many tasks, a callback with its own callback, a
// signature in a header), some groups and chords, the same task more than
// once, kwargs shared between tasks, and lists shared inside options.
func newFoldCase(seed uint64, chainOrChain bool) *foldCase {
	r := rand.New(rand.NewPCG(seed, 7))
	sharedKwargs := DictOf(Plain, []Pair{{K("x"), Int("1")}})
	// One errback linked to many tasks, and a callback with a callback of
	// its own, linked twice: each takes more than one clone to settle.
	sharedErrback, _ := NewSignature("proj.err", nil, sharedKwargs, nil)
	nestedCallback, _ := NewSignature("proj.cb", NewList([]Value{Int("7")}...), nil, nil)
	inner, _ := NewSignature("proj.inner", nil, nil, nil)
	if err := Link(nestedCallback, inner); err != nil {
		panic(err)
	}
	sig := func(i int) *Dict {
		var args Value = NewList([]Value{Int(strconv.Itoa(i))}...)
		if r.IntN(3) == 0 {
			args = ListOf([]Value{Int(strconv.Itoa(i)), "a"}, true)
		}
		var kwargs Value
		if r.IntN(3) == 0 {
			kwargs = sharedKwargs
		}
		kw := &Dict{}
		switch r.IntN(11) {
		case 0, 1, 2:
			kw.Set("task_id", "t-"+strconv.Itoa(i))
		case 3:
			shared := NewList([]Value{"k", Int("2")}...)
			kw.Set("headers", DictOf(Plain, []Pair{{K("tags"), shared}, {K("again"), shared}, {K("deep"), DictOf(Plain, []Pair{{K("n"), nil}})}}))
		case 4:
			kw.Set("stamped_headers", NewList([]Value{"mark"}...))
			kw.Set("mark", "m-"+strconv.Itoa(i))
		case 5:
			cb, _ := NewSignature("proj.cb", nil, nil, nil)
			kw.Set("link", NewList([]Value{cb}...))
		case 6:
			hidden, _ := NewSignature("proj.hidden", nil, nil, nil)
			kw.Set("headers", DictOf(Plain, []Pair{{K("sig"), hidden}}))
		case 7:
			kw.Set("link_error", NewList([]Value{sharedErrback}...))
		case 8:
			kw.Set("link", NewList([]Value{nestedCallback, nestedCallback}...))
		}
		s, err := NewSignature("proj.t"+strconv.Itoa(i), args, kwargs, kw)
		if err != nil {
			panic(err)
		}
		return s
	}
	pool := make([]Value, 2+r.IntN(5))
	for i := range pool {
		switch r.IntN(14) {
		case 0:
			pool[i] = NewGroup(NewList([]Value{sig(100 + i), sig(200 + i)}...))
		case 1:
			c, err := NewChord(NewList([]Value{sig(300 + i)}...), sig(400+i))
			if err != nil {
				panic(err)
			}
			pool[i] = c
		default:
			pool[i] = sig(i)
		}
	}
	pick := func(n int) []Value {
		out := make([]Value, n)
		for i := range out {
			out[i] = pool[r.IntN(len(pool))]
		}
		return out
	}
	chainOf := func(n int) *Dict {
		c := NewChain(pick(n)...)
		if r.IntN(5) == 0 {
			cb, _ := NewSignature("proj.chain_cb", nil, nil, nil)
			if err := Link(c, cb); err != nil {
				panic(err)
			}
		}
		if r.IntN(6) == 0 {
			eb, _ := NewSignature("proj.chain_eb", nil, nil, nil)
			if err := LinkError(c, eb); err != nil {
				panic(err)
			}
		}
		return c
	}
	c := &foldCase{}
	if r.IntN(3) == 0 || chainOrChain {
		c.acc = chainOf(r.IntN(4))
	} else {
		c.acc, _ = newChain(ListOf(nil, true), nil) // chain(*tasks) starts from _chain()
	}
	if chainOrChain {
		c.other = chainOf(r.IntN(6))
	} else {
		c.tasks = pick(r.IntN(8))
	}
	return c
}

// TestGroupFoldsInOnePassAreCeleryFolds is TestFoldInOnePassIsCeleryFold
// for folds of groups and chords: chain(g1, g2, …) (a chord, then a chain
// that only appends), tasks and groups mixed, groups of chains whose tasks
// have callbacks and errbacks, groups of one task and of none, chords of
// chains with a group for a body, groups with options, and the same group
// folded more than once.
func TestGroupFoldsInOnePassAreCeleryFolds(t *testing.T) {
	onePass, total := 0, 0
	for seed := uint64(0); seed < 2000; seed++ {
		total++
		fast, slow, probe := newGroupFoldCase(seed), newGroupFoldCase(seed), newGroupFoldCase(seed)
		s := newSharing()
		if err := s.same(fast.inputs(), slow.inputs(), "inputs"); err != nil {
			t.Fatalf("seed %d: the two builds differ: %v", seed, err)
		}
		if folded, err := foldOr(probe.acc, probe.tasks); err == nil && folded != nil {
			// count the folds that the one-pass fold finished
			if c, ok := folded.(*Dict); ok && c.Class() == Chain && len(probe.tasks) > 3 {
				onePass++
			}
		}
		got, gotErr := fast.run(true)
		want, wantErr := slow.run(false)
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Fatalf("seed %d: error %v, Celery's fold gives %v", seed, gotErr, wantErr)
		}
		s = newSharing() // see TestFoldInOnePassIsCeleryFold
		if err := s.same(got, want, "result"); err != nil {
			t.Fatalf("seed %d: %v\n one pass %s\n Celery   %s", seed, err, MustEncode(got), MustEncode(want))
		}
		if err := s.same(fast.inputs(), slow.inputs(), "inputs after"); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
	}
	t.Logf("%d folds, %d long ones ending as chains", total, onePass)
}

// TestRebuildingAChainOfGroupsIsCeleryFold is what the builder does to a
// chain of groups on two edits in a row: chain(*tasks) of its groups
// makes a chord of the first two followed by the rest, and chain(*tasks)
// of that puts every group after the chord into its body. Both are folded
// in one pass (foldInOnePass, then foldIntoChord) and one `|` at a time,
// and must give the same canvas with the same sharing.
func TestRebuildingAChainOfGroupsIsCeleryFold(t *testing.T) {
	build := func() []Value {
		errback, _ := NewSignature("proj.err", nil, nil, nil)
		groups := make([]Value, 30)
		for i := range groups {
			members := make([]Value, 3)
			for j := range members {
				a, _ := NewSignature("proj.add", NewList([]Value{Int(strconv.Itoa(i)), Int(strconv.Itoa(j))}...), nil, nil)
				if err := LinkError(a, errback); err != nil {
					t.Fatal(err)
				}
				b, _ := NewSignature("proj.mul", nil, nil, nil)
				members[j] = NewChain(a, b)
			}
			groups[i] = NewGroup(NewList(members...))
		}
		return groups
	}
	fastIn, slowIn := build(), build()
	fast, slow := &foldCase{tasks: fastIn}, &foldCase{tasks: slowIn}
	fast.acc, _ = newChain(ListOf(nil, true), nil)
	slow.acc, _ = newChain(ListOf(nil, true), nil)
	for edit := 1; edit <= 3; edit++ {
		fastEdit, slowEdit := fast.inputs(), slow.inputs()
		got, err := fast.run(true)
		if err != nil {
			t.Fatal(err)
		}
		want, err := slow.run(false)
		if err != nil {
			t.Fatal(err)
		}
		s := newSharing()
		if err := s.same(got, want, "result"); err != nil {
			t.Fatalf("edit %d: %v", edit, err)
		}
		if err := s.same(fastEdit, slowEdit, "this edit's inputs"); err != nil {
			t.Fatalf("edit %d: %v", edit, err)
		}
		if err := s.same(NewList(fastIn...), NewList(slowIn...), "the groups"); err != nil {
			t.Fatalf("edit %d: %v", edit, err)
		}
		// the next edit rebuilds the chain from the tasks this one made
		for _, c := range []*foldCase{fast, slow} {
			folded := got
			if c == slow {
				folded = want
			}
			tv, err := Tasks(folded.(*Dict))
			if err != nil {
				t.Fatal(err)
			}
			items, err := Iterate(tv)
			if err != nil {
				t.Fatal(err)
			}
			c.tasks = items
			c.acc, _ = newChain(ListOf(nil, true), nil)
		}
	}
}

// newGroupFoldCase builds a fold rich in groups and chords from seed.
func newGroupFoldCase(seed uint64) *foldCase {
	r := rand.New(rand.NewPCG(seed, 11))
	n := 0
	sig := func() *Dict {
		n++
		kw := DictOf(Plain, []Pair{{K("task_id"), "t-" + strconv.Itoa(n)}})
		s, err := NewSignature("proj.t"+strconv.Itoa(n), NewList([]Value{Int(strconv.Itoa(n))}...), nil, kw)
		if err != nil {
			panic(err)
		}
		switch r.IntN(4) {
		case 0:
			cb, _ := NewSignature("proj.log", nil, nil, nil)
			eb, _ := NewSignature("proj.err", nil, nil, nil)
			if err := Link(s, cb); err != nil {
				panic(err)
			}
			if err := LinkError(s, eb); err != nil {
				panic(err)
			}
		case 1:
			kw.Set("headers", DictOf(Plain, []Pair{{K("tags"), NewList([]Value{"a"}...)}}))
		}
		return s
	}
	member := func() Value {
		if r.IntN(2) == 0 {
			return NewChain(sig(), sig())
		}
		return sig()
	}
	group := func() *Dict {
		size := []int{0, 1, 2, 3, 8}[r.IntN(5)]
		items := make([]Value, size)
		for i := range items {
			items[i] = member()
		}
		if size > 1 && r.IntN(8) == 0 {
			// a member still in its JSON form: group.from_dict makes a new
			// signature of it at every clone
			items[size-1] = DictOf(Plain, []Pair{{K("task"), "proj.plain"}, {K("args"), &List{}}, {K("kwargs"), &Dict{}}, {K("options"), &Dict{}}})
		}
		g := NewGroup(NewList(items...))
		switch r.IntN(6) {
		case 0:
			opts, _ := Options(g)
			opts.Set("task_id", "g-"+strconv.Itoa(n))
		case 1:
			if size > 0 { // group.link links its first task
				cb, _ := NewSignature("proj.group_cb", nil, nil, nil)
				if err := Link(g, cb); err != nil {
					panic(err)
				}
			}
		case 2:
			opts, _ := Options(g)
			eb, _ := NewSignature("proj.group_eb", nil, nil, nil)
			opts.Set("link_error", NewList([]Value{eb}...)) // options that hold a signature
		}
		return g
	}
	pool := make([]Value, 2+r.IntN(5))
	for i := range pool {
		switch r.IntN(6) {
		case 0, 1, 2:
			pool[i] = group()
		case 3:
			var body Value = sig()
			if r.IntN(2) == 0 {
				body = group()
			}
			c, err := NewChord(NewList([]Value{member(), member()}...), body)
			if err != nil {
				panic(err)
			}
			pool[i] = c
		default:
			pool[i] = sig()
		}
	}
	c := &foldCase{}
	c.acc, _ = newChain(ListOf(nil, true), nil) // chain(*tasks) starts from _chain()
	if r.IntN(3) == 0 {
		acc := NewChain(pool[r.IntN(len(pool))], pool[r.IntN(len(pool))])
		opts, _ := Options(acc)
		switch r.IntN(3) {
		case 0: // options a clone of the chain carries on
			opts.Set("task_id", "c-1")
			opts.Set("headers", DictOf(Plain, []Pair{{K("tags"), NewList([]Value{"x"}...)}}))
		case 1: // one that a clone takes out of the options
			opts.Set("immutable", true)
		}
		c.acc = acc
	}
	c.tasks = make([]Value, r.IntN(10))
	groupsOnly := r.IntN(2) == 0
	for i := range c.tasks {
		c.tasks[i] = pool[r.IntN(len(pool))]
		if groupsOnly {
			c.tasks[i] = group()
		}
	}
	return c
}

// sharing compares two canvases object by object: ab and ba pair the
// dicts and lists of one with those of the other, so that an object met
// again must meet its partner again.
type sharing struct {
	ab, ba map[any]any
}

func newSharing() *sharing { return &sharing{ab: map[any]any{}, ba: map[any]any{}} }

func (s *sharing) same(a, b Value, at string) error {
	switch x := a.(type) {
	case *Dict, *List:
		if p, seen := s.ab[x]; seen {
			if p != b {
				return fmt.Errorf("%s: one object here is a different object in the other canvas", at)
			}
			return nil
		}
		if _, seen := s.ba[b]; seen {
			return fmt.Errorf("%s: the second canvas shares an object here that the first does not", at)
		}
		switch y := b.(type) {
		case *Dict:
			xd, ok := x.(*Dict)
			if !ok || xd.Class() != y.Class() || xd.Len() != y.Len() {
				return fmt.Errorf("%s: %s and %s differ", at, Repr(a), Repr(b))
			}
			s.ab[x], s.ba[y] = y, x
			for i, p := range xd.Pairs() {
				if p.Key.String() != y.Pairs()[i].Key.String() {
					return fmt.Errorf("%s: key %q and %q", at, p.Key.String(), y.Pairs()[i].Key.String())
				}
				if err := s.same(p.Val, y.Pairs()[i].Val, at+"."+p.Key.String()); err != nil {
					return err
				}
			}
		case *List:
			xl, ok := x.(*List)
			if !ok || xl.Tuple() != y.Tuple() || xl.Len() != y.Len() {
				return fmt.Errorf("%s: %s and %s differ", at, Repr(a), Repr(b))
			}
			s.ab[x], s.ba[y] = y, x
			for i := range xl.Items() {
				if err := s.same(xl.Items()[i], y.Items()[i], at+"["+strconv.Itoa(i)+"]"); err != nil {
					return err
				}
			}
		default:
			return fmt.Errorf("%s: %s and %s differ", at, Repr(a), Repr(b))
		}
		return nil
	}
	if a != b {
		return fmt.Errorf("%s: %s and %s differ", at, Repr(a), Repr(b))
	}
	return nil
}

// TestFoldGrowsLinearly folds 1k and 10k signatures, half of them with an
// errback, as chain(*tasks) and as chain | chain, and checks that the
// allocations grow by about ten.
// Celery's fold clones every task so far at every `|`: a hundred times the
// work for ten times the tasks.
func TestFoldGrowsLinearly(t *testing.T) {
	errback, _ := NewSignature("proj.err", nil, nil, nil)
	// mallocs is the allocations fold makes, which must not fail.
	mallocs := func(fold func() error) uint64 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		err := fold()
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Fatal(err)
		}
		return after.Mallocs - before.Mallocs
	}
	allocs := func(n int, chainOrChain bool) uint64 {
		tasks := make([]Value, n)
		for i := range tasks {
			kw := DictOf(Plain, []Pair{{K("task_id"), "t-" + strconv.Itoa(i)}})
			s, err := NewSignature("proj.add", NewList([]Value{Int(strconv.Itoa(i))}...), nil, kw)
			if err != nil {
				t.Fatal(err)
			}
			if i%2 == 0 { // add.s(i).on_error(err.s()): a signature in its options
				if err := LinkError(s, errback); err != nil {
					t.Fatal(err)
				}
			}
			tasks[i] = s
		}
		return mallocs(func() error {
			var err error
			if chainOrChain {
				_, err = Or(NewChain(tasks[:n/2]...), NewChain(tasks[n/2:]...))
			} else {
				_, err = ChainOf(tasks, nil)
			}
			return err
		})
	}
	for _, chainOrChain := range []bool{false, true} {
		small, large := allocs(1_000, chainOrChain), allocs(10_000, chainOrChain)
		ratio := float64(large) / float64(max(small, 1))
		t.Logf("chain | chain %v: %d → %d allocations, ×%.2f", chainOrChain, small, large, ratio)
		if ratio > 13 {
			t.Errorf("chain | chain %v: %d allocations for 1k tasks, %d for 10k: ×%.1f, not linear", chainOrChain, small, large, ratio)
		}
	}
	// chain(g1, g2, …) of groups of chains whose tasks have a callback and
	// an errback: a chord of the first two, then a chain (the builder's
	// canvas when it moves a group).
	groups := func(n int) uint64 {
		tasks := make([]Value, n)
		for i := range tasks {
			members := make([]Value, 4)
			for j := range members {
				a, _ := NewSignature("proj.add", nil, nil, nil)
				if err := LinkError(a, errback); err != nil {
					t.Fatal(err)
				}
				b, _ := NewSignature("proj.mul", nil, nil, nil)
				members[j] = NewChain(a, b)
			}
			tasks[i] = NewGroup(NewList(members...))
		}
		return mallocs(func() error {
			_, err := ChainOf(tasks, nil)
			return err
		})
	}
	small, large := groups(200), groups(2_000)
	ratio := float64(large) / float64(max(small, 1))
	t.Logf("chain(*groups): %d → %d allocations, ×%.2f", small, large, ratio)
	if ratio > 13 {
		t.Errorf("chain(*groups): %d allocations for 200 groups, %d for 2,000: ×%.1f, not linear", small, large, ratio)
	}
	// chain(t0, g0, t1, g1, …): a pipeline whose every stage nests a chord
	// one level deeper in the body of the one before.
	pipeline := func(stages int) uint64 {
		tasks := make([]Value, 0, 2*stages)
		for i := range stages {
			t0, _ := NewSignature("proj.step", NewList([]Value{Int(strconv.Itoa(i))}...), nil, nil)
			a, _ := NewSignature("proj.add", nil, nil, nil)
			b, _ := NewSignature("proj.mul", nil, nil, nil)
			tasks = append(tasks, t0, NewGroup(NewList([]Value{a, b}...)))
		}
		return mallocs(func() error {
			_, err := ChainOf(tasks, nil)
			return err
		})
	}
	small, large = pipeline(50), pipeline(500)
	ratio = float64(large) / float64(max(small, 1))
	t.Logf("chain(t0, g0, t1, g1, …): %d → %d allocations, ×%.2f", small, large, ratio)
	if ratio > 13 {
		t.Errorf("chain(t0, g0, t1, g1, …): %d allocations for 50 stages, %d for 500: ×%.1f, not linear", small, large, ratio)
	}
}

// FuzzFold folds the tasks of the chain b onto a — onto chain(*tasks)'s
// empty start when a is not a chain — in one pass where foldOr can, and
// one `|` at a time as Celery does, each on its own load of the inputs.
// Bit i of links links a callback to task i first, as task.link(cb) does
// in a canvas script: a loaded canvas holds its links as plain dicts, a
// linked one as signatures.
// The results must be the same canvas with the same sharing, the inputs
// must be left alike, and the errors must be the same. Tasks that are
// chains are left out: folding one is itself a fold, which takes the
// one-pass path inside the step-by-step one.
//
// The seed corpus is testdata/fuzz/FuzzFold.
func FuzzFold(f *testing.F) {
	f.Fuzz(func(t *testing.T, a, b []byte, links uint8) {
		load := func() *foldCase {
			x, err := Load(a)
			if err != nil {
				return nil
			}
			y, err := Load(b)
			if err != nil || y.Class() != Chain {
				return nil
			}
			tv, err := Tasks(y)
			if err != nil {
				return nil
			}
			tasks, err := Iterate(tv)
			if err != nil {
				return nil
			}
			for i, task := range tasks {
				if isClass(task, Chain) {
					return nil
				}
				if d, ok := task.(*Dict); ok && i < 8 && links&(1<<i) != 0 {
					cb, _ := NewSignature("proj.cb", nil, nil, nil)
					if Link(d, cb) != nil {
						return nil
					}
				}
			}
			c := &foldCase{acc: x, tasks: tasks}
			if x.Class() != Chain {
				c.acc, _ = newChain(ListOf(nil, true), nil)
			}
			return c
		}
		fast, slow := load(), load()
		if fast == nil {
			return
		}
		s := newSharing()
		if err := s.same(fast.inputs(), slow.inputs(), "inputs"); err != nil {
			t.Fatalf("two loads of the same input differ: %v", err)
		}
		got, gotErr := fast.run(true)
		want, wantErr := slow.run(false)
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Fatalf("error %v, Celery's fold gives %v", gotErr, wantErr)
		}
		s = newSharing() // see TestFoldInOnePassIsCeleryFold
		if err := s.same(got, want, "result"); err != nil {
			t.Fatalf("%v\n one pass %s\n Celery   %s", err, MustEncode(got), MustEncode(want))
		}
		if err := s.same(fast.inputs(), slow.inputs(), "inputs after"); err != nil {
			t.Fatal(err)
		}
	})
}

// TestUnsettledOptionsAreClonedAsCeleryDoes checks the limit of the
// stability walk: options that hold themselves, or more values than the
// walk visits, are never taken as stable, and the task is cloned exactly
// as many times as Celery's fold would clone it.
func TestUnsettledOptionsAreClonedAsCeleryDoes(t *testing.T) {
	loop := &List{}
	loop.AppendItems(loop)
	big := NewList(make([]Value, maxPlainValues)...)
	for name, v := range map[string]Value{"a list that holds itself": loop, "a list past the walk": big} {
		s, err := NewSignature("proj.t", &List{}, nil, DictOf(Plain, []Pair{{K("data"), v}}))
		if err != nil {
			t.Fatal(err)
		}
		if stableUnderClone(s) {
			t.Errorf("%s: taken as stable", name)
		}
		c, ok := cloneTimes(s, 3)
		if !ok {
			t.Fatalf("%s: a clone failed", name)
		}
		want := s
		for range 3 {
			if want, err = Clone(want, nil, nil, nil); err != nil {
				t.Fatal(err)
			}
		}
		if err := newSharing().same(c, want, name); err != nil {
			t.Errorf("%s: three clones differ from cloneTimes(3): %v", name, err)
		}
	}
	small := NewList(make([]Value, 10)...)
	s, _ := NewSignature("proj.t", &List{}, nil, DictOf(Plain, []Pair{{K("data"), small}}))
	if !stableUnderClone(s) {
		t.Error("options of ten Nones are not taken as stable")
	}
}
