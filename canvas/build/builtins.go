package build

import (
	"strings"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
	"go.starlark.net/syntax"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/visitors"
	"github.com/stampede-dev/stampede/visitors/script"
)

// Task is a Celery task in a canvas script: task("proj.add") stands for the
// task a project registers under that name, with Task.s(), Task.si() and
// Task.signature() building signatures of it exactly as Celery's do.
type Task struct {
	name string
	r    *runState
}

var (
	_ starlark.HasAttrs   = (*Task)(nil)
	_ starlark.Comparable = (*Task)(nil)
)

// Name is the task name.
func (t *Task) Name() string { return t.name }

// String is Celery's repr of a task.
func (t *Task) String() string { return "<@task: " + t.name + ">" }

// Type is "task".
func (t *Task) Type() string { return "task" }

// Freeze does nothing: a task is immutable.
func (t *Task) Freeze() {}

// Truth is true.
func (t *Task) Truth() starlark.Bool { return true }

// Hash hashes the name.
func (t *Task) Hash() (uint32, error) { return starlark.String(t.name).Hash() }

// CompareSameType: tasks are equal when they have the same name.
func (t *Task) CompareSameType(op syntax.Token, y starlark.Value, _ int) (bool, error) {
	eq := t.name == y.(*Task).name
	switch op {
	case syntax.EQL:
		return eq, nil
	case syntax.NEQ:
		return !eq, nil
	}
	return false, pyTypeError("'%s' not supported between instances of 'task'", op)
}

// varName is how error messages call the task: its last name part.
func (t *Task) varName() string {
	if i := strings.LastIndexByte(t.name, '.'); i >= 0 {
		return t.name[i+1:]
	}
	return t.name
}

// AttrNames lists the task's attributes.
func (t *Task) AttrNames() []string { return []string{"name", "s", "si", "signature", "subtask"} }

// signatureParams are Signature.__init__'s parameters after task, as
// Task.signature(args=None, *starargs, **starkwargs) passes them on.
var signatureParams = []string{"args", "kwargs", "options", "type", "subtask_type", "immutable"}

// Attr returns name, s, si or signature.
func (t *Task) Attr(name string) (starlark.Value, error) {
	r := t.r
	switch name {
	case "name":
		return starlark.String(t.name), nil
	case "s", "si":
		return starlark.NewBuiltin(name, func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			// s(*args, **kwargs) is signature(args, kwargs); si adds immutable=True.
			if err := checkKeywords(name, kwargs); err != nil {
				return nil, err
			}
			a, err := r.conv.toCanvas(args)
			if err != nil {
				return nil, err
			}
			k, err := r.conv.kwDict(kwargs)
			if err != nil {
				return nil, err
			}
			var kw *canvas.Dict
			if name == "si" {
				kw = canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.KeyImmutable, Val: true}})
			}
			sig, err := canvas.NewSignature(t.name, a, k, kw)
			if err != nil {
				return nil, err
			}
			return r.fromCanvas(sig), nil
		}).BindReceiver(t), nil
	case "signature", "subtask":
		return starlark.NewBuiltin(name, func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			return r.newSignature(name, t.name, args, kwargs)
		}).BindReceiver(t), nil
	}
	return nil, nil
}

// newSignature is Signature(task, args, kwargs, options, type, subtask_type,
// immutable, **ex) with the arguments bound as Python binds them.
func (r *runState) newSignature(fn string, task canvas.Value, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	b, err := params{fn: fn, names: signatureParams, varkw: true}.bind(args, kwargs)
	if err != nil {
		return nil, err
	}
	a, err := b.arg(r.conv, 0)
	if err != nil {
		return nil, err
	}
	k, err := b.arg(r.conv, 1)
	if err != nil {
		return nil, err
	}
	kw := canvas.NewDict(canvas.Plain, 4+len(b.extra))
	for i := 2; i < len(signatureParams); i++ {
		if b.given(i) {
			v, err := b.arg(r.conv, i)
			if err != nil {
				return nil, err
			}
			kw.Set(signatureParams[i], v)
		}
	}
	for _, kv := range b.extra {
		if kv[0].(starlark.String) == "app" {
			continue // Celery's app argument: scripts have no app.
		}
		v, err := r.conv.toCanvas(kv[1])
		if err != nil {
			return nil, err
		}
		kw.Set(string(kv[0].(starlark.String)), v)
	}
	sig, err := canvas.NewSignature(task, a, k, kw)
	if err != nil {
		return nil, err
	}
	return r.fromCanvas(sig), nil
}

// Visitor is a stamping visitor in a canvas script, made by visitor(NAME):
// a built-in visitor or a visitor script, for sig.stamp(visitor, ...).
type Visitor struct {
	name string
	v    visitors.Visitor
}

// String is <visitor NAME>.
func (v *Visitor) String() string { return "<visitor " + v.name + ">" }

// Type is "visitor".
func (v *Visitor) Type() string { return "visitor" }

// Freeze does nothing.
func (v *Visitor) Freeze() {}

// Truth is true.
func (v *Visitor) Truth() starlark.Bool { return true }

// Hash hashes the name.
func (v *Visitor) Hash() (uint32, error) { return starlark.String(v.name).Hash() }

// builtins are the predeclared names of a canvas script.
func (r *runState) builtins() starlark.StringDict {
	b := func(name string, fn func(args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error)) *starlark.Builtin {
		return starlark.NewBuiltin(name, func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			return fn(args, kwargs)
		})
	}
	newTask := func(name string) func(args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		return func(args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			bd, err := params{fn: name, names: []string{"name"}, required: 1}.bind(args, kwargs)
			if err != nil {
				return nil, err
			}
			s, ok := bd.vals[0].(starlark.String)
			if !ok {
				return nil, pyTypeError("%s() needs the task name as a string, not %s", name, bd.vals[0].Type())
			}
			return &Task{name: string(s), r: r}, nil
		}
	}
	return starlark.StringDict{
		"task":            b("task", newTask("task")),
		importTaskName:    b(importTaskName, newTask("import")),
		"signature":       b("signature", r.signature),
		"chain":           b("chain", r.chain),
		"group":           b("group", r.group),
		"chord":           b("chord", r.chord),
		"visitor":         b("visitor", r.visitor),
		"json":            r.jsonModule(),
		"maybe_signature": b("maybe_signature", r.maybeSignature),
		genexpName: starlark.NewBuiltin(genexpName, func(thread *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
			return r.genexp(thread, args)
		}),
	}
}

// signature is celery.signature(varies, *args, **kwargs): a signature is
// cloned, a dict is loaded with Signature.from_dict, anything else (a task
// or a task name) starts a new Signature.
func (r *runState) signature(args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if len(args) == 0 {
		return nil, pyTypeError("signature() missing 1 required positional argument: 'varies'")
	}
	if err := checkKeywords("signature", kwargs); err != nil {
		return nil, err
	}
	switch v := args[0].(type) {
	case *Sig:
		c, err := canvas.Clone(v.d, nil, nil, nil)
		if err != nil {
			return nil, err
		}
		return r.fromCanvas(c), nil
	case *starlark.Dict, *dictView:
		d, err := r.conv.toCanvas(v)
		if err != nil {
			return nil, err
		}
		s, err := canvas.FromDict(d.(*canvas.Dict))
		if err != nil {
			return nil, err
		}
		return r.fromCanvas(s), nil
	case *Task:
		return r.newSignature("signature", v.name, args[1:], kwargs)
	}
	task, err := r.conv.toCanvas(args[0])
	if err != nil {
		return nil, err
	}
	return r.newSignature("signature", task, args[1:], kwargs)
}

// maybeSignature is celery.canvas.maybe_signature(d, clone=False).
func (r *runState) maybeSignature(args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	b, err := params{fn: "maybe_signature", names: []string{"d", "app", "clone"}, required: 1}.bind(args, kwargs)
	if err != nil {
		return nil, err
	}
	d, err := b.arg(r.conv, 0)
	if err != nil {
		return nil, err
	}
	res, err := canvas.MaybeSignature(d, b.given(2) && bool(b.vals[2].Truth()))
	if err != nil {
		return nil, err
	}
	return r.fromCanvas(res), nil
}

// tasksArgs converts the *tasks of chain() and group().
func (r *runState) tasksArgs(args starlark.Tuple) ([]canvas.Value, error) {
	out := make([]canvas.Value, len(args))
	for i, a := range args {
		v, err := r.conv.toCanvas(a)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// chain is celery.chain(*tasks, **kwargs).
func (r *runState) chain(args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	return r.tasksCall("chain", canvas.ChainOf, args, kwargs)
}

// group is celery.group(*tasks, **options).
func (r *runState) group(args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	return r.tasksCall("group", func(tasks []canvas.Value, kw *canvas.Dict) (canvas.Value, error) {
		return canvas.GroupOf(tasks, kw)
	}, args, kwargs)
}

// tasksCall is a constructor that takes tasks and keyword options, as
// chain and group do: construct builds the canvas from them.
func (r *runState) tasksCall(fn string, construct func([]canvas.Value, *canvas.Dict) (canvas.Value, error), args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if err := checkKeywords(fn, kwargs); err != nil {
		return nil, err
	}
	tasks, err := r.tasksArgs(args)
	if err != nil {
		return nil, err
	}
	kw, err := r.conv.kwDict(kwargs)
	if err != nil {
		return nil, err
	}
	res, err := construct(tasks, kw)
	if err != nil {
		return nil, err
	}
	return r.fromCanvas(res), nil
}

// chord is celery.chord(header, body=None, task='celery.chord', args=None,
// kwargs=None, app=None, **options).
func (r *runState) chord(args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	b, err := params{fn: "chord", names: []string{"header", "body", "task", "args", "kwargs", "app"}, required: 1, varkw: true}.bind(args, kwargs)
	if err != nil {
		return nil, err
	}
	var vals [5]canvas.Value
	for i := range vals {
		if vals[i], err = b.arg(r.conv, i); err != nil {
			return nil, err
		}
	}
	if !b.given(2) {
		vals[2] = "celery.chord"
	}
	kw, err := r.conv.kwDict(b.extra)
	if err != nil {
		return nil, err
	}
	res, err := canvas.ChordOf(vals[0], vals[1], vals[2], vals[3], vals[4], kw)
	if err != nil {
		return nil, err
	}
	return r.fromCanvas(res), nil
}

// visitor is visitor(NAME): a built-in visitor, or a visitor script (a
// relative path is looked up next to the canvas script first).
func (r *runState) visitor(args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	b, err := params{fn: "visitor", names: []string{"name"}, required: 1}.bind(args, kwargs)
	if err != nil {
		return nil, err
	}
	s, ok := b.vals[0].(starlark.String)
	if !ok {
		return nil, pyTypeError("visitor() needs a name or a .star path, not %s", b.vals[0].Type())
	}
	name := string(s)
	if v, ok := r.visitors[name]; ok {
		return v, nil
	}
	v, err := script.Resolve(name, r.dir)
	if err != nil {
		return nil, err
	}
	vv := &Visitor{name: name, v: v}
	r.visitors[name] = vv
	return vv, nil
}

// jsonModule is Python's json module as far as canvases need it: dumps
// writes exactly what json.dumps writes (its options too), loads reads
// what json.loads reads.
func (r *runState) jsonModule() *starlarkstruct.Module {
	dumps := starlark.NewBuiltin("dumps", func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		text, err := script.PyDumps(args, kwargs, r.conv.peek)
		if err != nil {
			return nil, err
		}
		return starlark.String(text), nil
	})
	loads := starlark.NewBuiltin("loads", func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		b, err := params{fn: "loads", names: []string{"s"}, required: 1}.bind(args, kwargs)
		if err != nil {
			return nil, err
		}
		s, ok := b.vals[0].(starlark.String)
		if !ok {
			return nil, pyTypeError("the JSON object must be str, not %s", b.vals[0].Type())
		}
		v, err := canvas.Decode([]byte(s))
		if err != nil {
			return nil, &canvas.PyError{Type: "JSONDecodeError", Msg: err.Error()}
		}
		return r.fromCanvas(v), nil
	})
	return &starlarkstruct.Module{Name: "json", Members: starlark.StringDict{"dumps": dumps, "loads": loads}}
}
