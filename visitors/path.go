package visitors

import (
	"math"
	"strconv"
	"strings"
)

// Path is where a node sits in a canvas, written like a JSON path:
// $.tasks[1].header[0].link_error[0]. A path is a link to its parent's path
// plus one step, so building the paths of a canvas nested 100,000 levels deep
// costs linear, not quadratic, memory; the text is made only when asked for.
type Path struct{ n *pathNode }

// pathNode is one step of a path. A recorded trace keeps one per hook call,
// so index and depth are 32 bits: the node fits in 32 bytes instead of 48.
// Canvases are far smaller than 2^31 members or levels (canvas.MaxDepth).
type pathNode struct {
	parent *pathNode
	name   string // "tasks", "header", "body", "link", "link_error"
	index  int32  // -1 when the step has no index (body, a wrapped header)
	depth  int32
}

// Root is the path of the canvas itself, "$".
func Root() Path { return Path{} }

// Field is the path of p's child reached by a key with no index (".body").
func (p Path) Field(name string) Path {
	return Path{&pathNode{parent: p.n, name: name, index: -1, depth: int32(p.Depth() + 1)}}
}

// Index is the path of p's i-th child under name (".tasks[3]").
func (p Path) Index(name string, i int) Path {
	return Path{&pathNode{parent: p.n, name: name, index: int32(i), depth: int32(p.Depth() + 1)}}
}

// Parent is the path one step up ("$" stays "$").
func (p Path) Parent() Path {
	if p.n == nil {
		return p
	}
	return Path{p.n.parent}
}

// Depth is the number of steps from the root (0 for "$").
func (p Path) Depth() int {
	if p.n == nil {
		return 0
	}
	return int(p.n.depth)
}

// IsRoot reports whether p is "$".
func (p Path) IsRoot() bool { return p.n == nil }

// Last is the final step's name and index (-1 for none); "" for the root.
func (p Path) Last() (string, int) {
	if p.n == nil {
		return "", -1
	}
	return p.n.name, int(p.n.index)
}

// String is the path's text, e.g. "$.tasks[1].body".
func (p Path) String() string {
	if p.n == nil {
		return "$"
	}
	steps := make([]*pathNode, 0, p.n.depth)
	size := 1
	for n := p.n; n != nil; n = n.parent {
		steps = append(steps, n)
		size += len(n.name) + 8
	}
	var b strings.Builder
	b.Grow(size)
	b.WriteByte('$')
	for i := len(steps) - 1; i >= 0; i-- {
		b.WriteByte('.')
		b.WriteString(steps[i].name)
		if steps[i].index >= 0 {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(int(steps[i].index)))
			b.WriteByte(']')
		}
	}
	return b.String()
}

// ParsePath reads a path written by String.
func ParsePath(s string) (Path, bool) {
	if !strings.HasPrefix(s, "$") {
		return Path{}, false
	}
	p := Root()
	rest := s[1:]
	for rest != "" {
		if rest[0] != '.' {
			return Path{}, false
		}
		rest = rest[1:]
		end := strings.IndexAny(rest, ".[")
		if end < 0 {
			end = len(rest)
		}
		name := rest[:end]
		if name == "" {
			return Path{}, false
		}
		rest = rest[end:]
		if strings.HasPrefix(rest, "[") {
			close := strings.IndexByte(rest, ']')
			if close < 0 {
				return Path{}, false
			}
			i, err := strconv.Atoi(rest[1:close])
			if err != nil || i < 0 || i > math.MaxInt32 {
				return Path{}, false
			}
			p = p.Index(name, i)
			rest = rest[close+1:]
		} else {
			p = p.Field(name)
		}
	}
	return p, true
}
