package visitors

import (
	"strconv"
	"strings"

	"github.com/stampede-dev/stampede/canvas"
)

// NodePath stamps each signature with its position in the canvas, written
// from the root's kind: a chain's third task is "chain[2]", the first header
// task of a chord that is a chain's second task is "chain[1].header[0]", its
// body "chain[1].body", a callback of the root "chain.link[0]" and an errback
// "chain.link_error[0]". Example output:
//
//	"path": "chain[1].header[0]"
type NodePath struct {
	Base
	ReadsHeaders
	MakesResults
	root  string
	cache map[Path]string
}

// Name is the visitor's name on the command line.
func (*NodePath) Name() string { return "path" }

// Start forgets the previous run's canvas.
func (p *NodePath) Start() error {
	p.root, p.cache = "", nil
	return nil
}

// observe learns the root's kind: the first hook of every run is called on
// the root or on one of the root's links.
func (p *NodePath) observe(t Target) {
	if p.root != "" {
		return
	}
	switch {
	case t.Path.IsRoot():
		p.root = Kind(t.Value)
	case t.Parent.IsRoot() && t.Owner != nil:
		p.root = Kind(t.Owner)
	}
}

// text is the position of path, written from the root's kind.
func (p *NodePath) text(path Path) string {
	if path.IsRoot() {
		if p.root == "" {
			return "$"
		}
		return p.root
	}
	if s, ok := p.cache[path]; ok {
		return s
	}
	name, i := path.Last()
	var b strings.Builder
	b.WriteString(p.text(path.Parent()))
	if name != "tasks" {
		b.WriteByte('.')
		b.WriteString(name)
	}
	if i >= 0 {
		b.WriteByte('[')
		b.WriteString(strconv.Itoa(i))
		b.WriteByte(']')
	}
	s := b.String()
	if p.cache == nil {
		p.cache = map[Path]string{}
	}
	p.cache[path] = s
	return s
}

// OnSignature stamps the signature's position.
func (p *NodePath) OnSignature(t Target, _ *canvas.Dict) (canvas.Value, error) {
	p.observe(t)
	return stamp(canvas.Pair{Key: keyPath, Val: p.text(t.Path)}), nil
}

// OnGroupStart learns the root's kind and keeps Celery's default.
func (p *NodePath) OnGroupStart(t Target, _ *canvas.Dict) (canvas.Value, error) {
	p.observe(t)
	return nil, ErrUndefined
}

// OnChainStart learns the root's kind and keeps Celery's default.
func (p *NodePath) OnChainStart(t Target, _ *canvas.Dict) (canvas.Value, error) {
	p.observe(t)
	return nil, ErrUndefined
}

// OnChordHeaderStart learns the root's kind and keeps Celery's default
// (the header is wrapped in a group).
func (p *NodePath) OnChordHeaderStart(t Target, _ *canvas.Dict) (canvas.Value, error) {
	p.observe(t)
	return nil, ErrUndefined
}

// OnCallback learns the root's kind and keeps Celery's default.
func (p *NodePath) OnCallback(t Target, _ *canvas.Dict) (canvas.Value, error) {
	p.observe(t)
	return nil, ErrUndefined
}

// OnErrback learns the root's kind and keeps Celery's default.
func (p *NodePath) OnErrback(t Target, _ *canvas.Dict) (canvas.Value, error) {
	p.observe(t)
	return nil, ErrUndefined
}

// Depth stamps each signature with its nesting depth: 0 for a root
// signature, 1 for a task of the root chain or group, a chord's header task
// or body, or a link of the root; one more per level below. Example output:
//
//	"depth": 2
type Depth struct {
	Base
	ReadsHeaders
	MakesResults
}

// Name is the visitor's name on the command line.
func (Depth) Name() string { return "depth" }

// OnSignature stamps the depth.
func (Depth) OnSignature(t Target, _ *canvas.Dict) (canvas.Value, error) {
	return stamp(canvas.Pair{Key: keyDepth, Val: canvas.Int(strconv.Itoa(t.Depth))}), nil
}

// The keys NodePath and Depth stamp, made once.
var (
	keyPath  = canvas.K("path")
	keyDepth = canvas.K("depth")
)
