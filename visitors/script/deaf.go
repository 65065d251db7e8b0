package script

import (
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/visitors"
)

// deafHook describes a hook defined as def HOOK(sig, **headers) whose body
// never mentions headers. Starlark has no locals() or eval, so such a hook
// behaves the same whatever headers it gets, and converting them for it
// is a good part of calling it. Only a header named like its first
// parameter must still go in, to fail the way Python does.
type deafHook struct {
	def   syntax.Position // the def, as the compiled function reports it
	first string          // its first parameter's name
	// dropped is set when the **headers parameter was taken out of the
	// compiled def (see dropDeadHeaders).
	dropped bool
}

// deafness is the deafHook of def, or the zero one when its body (nested
// functions included) names its **kwargs parameter.
func deafness(def *syntax.DefStmt) deafHook {
	first, ok := def.Params[0].(*syntax.Ident)
	if !ok {
		return deafHook{}
	}
	kw, ok := def.Params[1].(*syntax.UnaryExpr).X.(*syntax.Ident)
	if !ok || kw.Name == first.Name {
		return deafHook{}
	}
	heard := false
	for _, stmt := range def.Body {
		syntax.Walk(stmt, func(n syntax.Node) bool {
			if id, ok := n.(*syntax.Ident); ok && id.Name == kw.Name {
				heard = true
			}
			return !heard
		})
	}
	if heard {
		return deafHook{}
	}
	return deafHook{def: def.Def, first: first.Name}
}

// dropDeadHeaders takes the **headers parameter out of every deaf hook
// that nothing else in f names: only stampede calls such a hook, always
// as HOOK(sig) or HOOK(sig, sig=...), and Starlark would otherwise build
// an empty dict for the parameter on every call, over a quarter of what
// a hook call allocates. It runs on the parsed file, before it is
// resolved.
func (v *Visitor) dropDeadHeaders(f *syntax.File) {
	named := map[string]int{}
	for _, stmt := range f.Stmts {
		syntax.Walk(stmt, func(n syntax.Node) bool {
			if id, ok := n.(*syntax.Ident); ok {
				named[id.Name]++
			}
			return true
		})
	}
	for _, stmt := range f.Stmts {
		def, ok := stmt.(*syntax.DefStmt)
		if !ok {
			continue
		}
		h, isHook := visitors.ParseHook(def.Name.Name)
		if !isHook || v.deaf[h].first == "" || named[def.Name.Name] != 1 {
			continue
		}
		def.Params = def.Params[:1]
		v.deaf[h].dropped = true
	}
}

// headersFor is what of headers goes to fn, the hook h being called: all
// of them, none for a deaf hook, or for a deaf hook only the header that
// clashes with its first parameter, which then fails as it would with
// all of them.
func (v *Visitor) headersFor(h visitors.Hook, fn *starlark.Function, headers *canvas.Dict) []canvas.Pair {
	d := v.deaf[h]
	if d.first == "" || fn.Position() != d.def {
		return headers.Pairs
	}
	i := headers.Index(d.first)
	switch {
	case i < 0:
		return nil
	case d.dropped:
		return headers.Pairs[i : i+1]
	}
	return headers.Pairs
}
