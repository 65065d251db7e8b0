package visitors

import "testing"

// TestArenaPathsAreThePathsOfPath builds the same paths with Path's own
// methods and with an arena, past several blocks, and checks that they read
// the same: text, depth, last step and parent.
func TestArenaPathsAreThePathsOfPath(t *testing.T) {
	var a PathArena
	plain, arena := Root(), Root()
	for i := 0; i < 3*pathBlock+7; i++ {
		if i%5 == 4 {
			plain, arena = plain.Field("body"), a.Field(arena, "body")
		} else {
			plain, arena = plain.Index("tasks", i), a.Index(arena, "tasks", i)
		}
		if i%97 != 0 {
			continue // String walks the whole path: check a sample
		}
		if got, want := arena.String(), plain.String(); got != want {
			t.Fatalf("step %d: arena path %q, want %q", i, got, want)
		}
		if arena.Depth() != plain.Depth() || arena.Parent().String() != plain.Parent().String() {
			t.Fatalf("step %d: depth %d parent %q, want %d %q", i, arena.Depth(), arena.Parent(), plain.Depth(), plain.Parent())
		}
		gn, gi := arena.Last()
		wn, wi := plain.Last()
		if gn != wn || gi != wi {
			t.Fatalf("step %d: last step %s[%d], want %s[%d]", i, gn, gi, wn, wi)
		}
	}
	// Paths made earlier are not overwritten by later ones.
	var first []Path
	for i := 0; i < pathBlock+1; i++ {
		first = append(first, a.Index(Root(), "tasks", i))
	}
	for i, p := range first {
		if name, idx := p.Last(); name != "tasks" || idx != i {
			t.Fatalf("path %d reads %s[%d] after more were made", i, name, idx)
		}
	}
}

// TestArenaMakesPathsInBlocks checks the point of the arena: a block of
// paths costs one allocation, not one each.
func TestArenaMakesPathsInBlocks(t *testing.T) {
	var a PathArena
	p := Root()
	allocs := testing.AllocsPerRun(10, func() {
		for i := 0; i < pathBlock; i++ {
			a.Index(p, "tasks", i)
		}
	})
	if allocs > 1 {
		t.Fatalf("%v allocations for %d paths, want at most 1", allocs, pathBlock)
	}
}
