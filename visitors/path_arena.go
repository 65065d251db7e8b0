package visitors

// PathArena makes the paths of one traversal in blocks instead of one
// allocation a step: a stamp visits every node once and makes its path,
// so on a large canvas the paths were one allocation in nine. A block is
// freed when none of its paths is held any more. The zero value is ready
// to use; an arena is not safe for concurrent use.
type PathArena struct {
	block []pathNode
}

// pathBlock is the number of path steps an arena allocates at once: a
// block and the 8-byte header Go adds to objects of its size fill 8 KiB
// exactly (256 steps took the next size class, 15% more for a kept trace),
// and a kept path holds little dead memory.
const pathBlock = 255

func (a *PathArena) node(p Path, name string, i int32) Path {
	if len(a.block) == 0 {
		a.block = make([]pathNode, pathBlock)
	}
	n := &a.block[0]
	a.block = a.block[1:]
	*n = pathNode{parent: p.n, name: name, index: i, depth: int32(p.Depth() + 1)}
	return Path{n}
}

// Field is p.Field(name), made in the arena.
func (a *PathArena) Field(p Path, name string) Path { return a.node(p, name, -1) }

// Index is p.Index(name, i), made in the arena.
func (a *PathArena) Index(p Path, name string, i int) Path { return a.node(p, name, int32(i)) }
