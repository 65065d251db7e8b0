package script

import (
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/visitors"
)

// unread is what a hook defined as def HOOK(sig, **headers) never names
// in its body (nested functions included). Starlark has no locals() or
// eval, so such a hook behaves the same whatever it gets for a parameter
// it never names, and making that value is a good part of calling it: the
// `sig` view, the headers converted to Starlark, and the empty dict
// Starlark makes for **headers. Only a header named like the first
// parameter must still go in, to fail the way Python does.
type unread struct {
	def     syntax.Position // the def, as the compiled function reports it
	first   string          // its first parameter's name
	sig     bool            // the body never names the first parameter
	headers bool            // the body never names the **headers parameter
	// dropped is set when the **headers parameter was taken out of the
	// compiled def (see dropUnreadHeaders).
	dropped bool
}

// unreadParams is the unread of def.
func unreadParams(def *syntax.DefStmt) unread {
	first, ok := def.Params[0].(*syntax.Ident)
	if !ok {
		return unread{}
	}
	kw, ok := def.Params[1].(*syntax.UnaryExpr).X.(*syntax.Ident)
	if !ok || kw.Name == first.Name {
		return unread{}
	}
	u := unread{def: def.Def, first: first.Name, sig: true, headers: true}
	for _, stmt := range def.Body {
		syntax.Walk(stmt, func(n syntax.Node) bool {
			if id, ok := n.(*syntax.Ident); ok {
				u.sig = u.sig && id.Name != first.Name
				u.headers = u.headers && id.Name != kw.Name
			}
			return u.sig || u.headers
		})
	}
	return u
}

// dropUnreadHeaders takes the **headers parameter out of every hook that
// never names it and that nothing else in f names: only stampede calls
// such a hook, always as HOOK(sig) or HOOK(sig, sig=...), and Starlark
// would otherwise build an empty dict for the parameter on every call,
// over a quarter of what a hook call allocates. It runs on the parsed
// file, before it is resolved.
func (v *Visitor) dropUnreadHeaders(f *syntax.File) {
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
		if !isHook || !v.unread[h].headers || named[def.Name.Name] != 1 {
			continue
		}
		def.Params = def.Params[:1]
		v.unread[h].dropped = true
	}
}

// unreadBy is what fn, the hook h being called, never names: v.unread[h]
// when fn is the def it was read from, nothing otherwise.
func (v *Visitor) unreadBy(h visitors.Hook, fn *starlark.Function) unread {
	if u := v.unread[h]; fn.Position() == u.def {
		return u
	}
	return unread{}
}

// headersFor is what of headers goes to the hook: all of them, none for a
// hook that never names them, or for such a hook only the header that
// clashes with its first parameter, which then fails as it would with all
// of them.
func (u unread) headersFor(headers *canvas.Dict) []canvas.Pair {
	if !u.headers {
		return headers.Pairs()
	}
	i := headers.Index(u.first)
	switch {
	case i < 0:
		return nil
	case u.dropped:
		return headers.Pairs()[i : i+1]
	}
	return headers.Pairs()
}

// sigFor is the hook's first argument when it visits t: its `sig`, or
// None for a hook that never names it.
func (u unread) sigFor(t visitors.Target) starlark.Value {
	if u.sig {
		return starlark.None
	}
	return NewSig(t)
}
