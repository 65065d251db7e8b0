package canvas

import (
	"errors"
	"fmt"
)

// asSig returns v as a signature, or the AttributeError Python raises when
// a method is called on something that is not one (a plain dict link, None…).
func asSig(v Value, method string) (*Dict, error) {
	if d, ok := v.(*Dict); ok && d.Class().IsSignature() {
		return d, nil
	}
	return nil, attrError(v, method)
}

// Merge is Signature._merge(args, kwargs, options): the args, kwargs and
// options a call with these partial values would use. Options override the
// signature's own except for group_id, stamped_headers and every stamped key
// already present. An immutable signature keeps its args and kwargs.
// options == nil means None (the signature's options are returned as is).
func Merge(sig *Dict, args, kwargs Value, options *Dict) (Value, Value, Value, error) {
	self, err := Options(sig)
	if err != nil && options != nil {
		return nil, nil, nil, err
	}
	var newOptions Value = sig.LookupKey(KeyOptions)
	if options != nil {
		protected := map[string]bool{"group_id": true, "stamped_headers": true}
		if sh, ok := self.GetKey(KeyStampedHeaders); ok {
			keys, err := Iterate(sh)
			if err != nil {
				return nil, nil, nil, err
			}
			for _, k := range keys {
				if err := Hashable(k); err != nil {
					return nil, nil, nil, err
				}
				if s, ok := k.(string); ok {
					protected[s] = true
				}
			}
		}
		merged := self.Copy()
		for _, p := range options.Pairs() {
			if !protected[p.Key.String()] || !self.HasKey(p.Key) {
				merged.SetKey(p.Key, p.Val)
			}
		}
		newOptions = merged
	}
	selfArgs, selfKwargs := sig.LookupKey(KeyArgs), sig.LookupKey(KeyKwargs)
	if Truthy(sig.LookupKey(KeyImmutable)) {
		return selfArgs, selfKwargs, newOptions, nil
	}
	outArgs := selfArgs
	if Truthy(args) {
		a, err := Iterate(args)
		if err != nil {
			return nil, nil, nil, err
		}
		b, err := Iterate(selfArgs)
		if err != nil {
			return nil, nil, nil, err
		}
		items := append(append([]Value{}, a...), b...)
		outArgs = ListOf(items, true)
	}
	outKwargs := selfKwargs
	if Truthy(kwargs) {
		sk, ok := selfKwargs.(*Dict)
		if !ok {
			return nil, nil, nil, typeError("'%s' object is not a mapping", TypeName(selfKwargs))
		}
		kd, ok := kwargs.(*Dict)
		if !ok {
			return nil, nil, nil, typeError("argument after ** must be a mapping, not %s", TypeName(kwargs))
		}
		m := sk.Copy()
		for _, p := range kd.Pairs() {
			m.SetKey(p.Key, p.Val)
		}
		outKwargs = m
	}
	return outArgs, outKwargs, newOptions, nil
}

// Clone is sig.clone(args, kwargs, **options) with the class's own rules:
// options are deep-copied (links become plain dicts, see DeepCopy) and the
// copy is rebuilt with Signature.from_dict; a chain also clones its tasks, a
// chord its body. A nil opts means no options were given.
func Clone(sig *Dict, args, kwargs Value, opts *Dict) (*Dict, error) {
	var a, k, o Value
	if Truthy(args) || Truthy(kwargs) || (opts != nil && opts.Len() > 0) {
		if opts == nil {
			opts = &Dict{}
		}
		var err error
		if a, k, o, err = Merge(sig, args, kwargs, opts); err != nil {
			return nil, err
		}
	} else {
		a, k, o = sig.LookupKey(KeyArgs), sig.LookupKey(KeyKwargs), sig.LookupKey(KeyOptions)
	}
	argItems, err := Iterate(a)
	if err != nil {
		return nil, err
	}
	d := DictOf(Plain, []Pair{
		{KeyTask, sig.LookupKey(KeyTask)},
		{KeyArgs, ListOf(append([]Value(nil), argItems...), true)},
		{KeyKwargs, k},
		{KeyOptions, DeepCopy(o)},
		{KeySubtaskType, sig.LookupKey(KeySubtaskType)},
		{KeyImmutable, sig.LookupKey(KeyImmutable)},
	})

	c, err := FromDict(d)
	if err != nil {
		return nil, err
	}
	switch sig.Class() {
	case Chain:
		tv, err := item(c.LookupKey(KeyKwargs), "tasks")
		if err != nil {
			return nil, err
		}
		items, err := Iterate(tv)
		if err != nil {
			return nil, err
		}
		cloned := make([]Value, len(items))
		for i, t := range items {
			if cloned[i], err = MaybeSignature(t, true); err != nil {
				return nil, err
			}
		}
		c.LookupKey(KeyKwargs).(*Dict).SetKey(KeyTasks, NewList(cloned...))
	case Chord:
		// try: kwargs['body'] = maybe_signature(kwargs['body'], clone=True)
		// except (AttributeError, KeyError): pass — a body that cannot be
		// cloned stays, shared with the original.
		if kd, ok := c.LookupKey(KeyKwargs).(*Dict); ok {
			if body, ok := kd.GetKey(KeyBody); ok {
				b, err := MaybeSignature(body, true)
				var pe *PyError
				switch {
				case err == nil:
					kd.SetKey(KeyBody, b)
				case errors.As(err, &pe) && (pe.Type == "KeyError" || pe.Type == "AttributeError"):
				default:
					return nil, err
				}
			}
		}
	}
	return c, nil
}

// SetImmutable is sig.set_immutable(v): a group or chord passes it on to
// every task of its header (iterating as Python does), others set their flag.
func SetImmutable(log *Log, sig *Dict, v Value) error {
	switch sig.Class() {
	case Group, Chord:
		tasks, err := Tasks(sig)
		if err != nil {
			return err
		}
		items, err := Iterate(tasks)
		if err != nil {
			return err
		}
		for _, t := range items {
			ts, err := asSig(t, "set_immutable")
			if err != nil {
				return err
			}
			if err := SetImmutable(log, ts, v); err != nil {
				return err
			}
		}
		return nil
	}
	log.SetKey(sig, KeyImmutable, v)
	return nil
}

// Set is sig.set(immutable=…, **options): a key named "immutable" sets the
// flag (unless None) instead of an option; the rest update options in place.
func Set(log *Log, sig *Dict, options *Dict) error {
	if imm, ok := options.GetKey(KeyImmutable); ok && imm != nil {
		if err := SetImmutable(log, sig, imm); err != nil {
			return err
		}
	}
	opts := sig.LookupKey(KeyOptions)
	od, ok := opts.(*Dict)
	if !ok {
		return attrError(opts, "update")
	}
	if free := cap(od.Pairs()) - od.Len(); free < options.Len() {
		grown := make([]Pair, od.Len(), od.Len()+options.Len())
		copy(grown, od.Pairs())
		od.SetPairs(grown)
	}
	pairs := options.Pairs()
	if options.HasKey(KeyImmutable) {
		pairs = make([]Pair, 0, options.Len())
		for _, p := range options.Pairs() {
			if p.Key.String() != "immutable" {
				pairs = append(pairs, p)
			}
		}
	}
	log.Update(od, pairs)
	return nil
}

// Replace is sig.replace(args, kwargs, options): a clone whose args, kwargs
// or whole options dict are swapped for the given values (nil keeps them).
func Replace(sig *Dict, args, kwargs, options Value) (*Dict, error) {
	c, err := Clone(sig, nil, nil, nil)
	if err != nil {
		return nil, err
	}
	if args != nil {
		c.SetKey(KeyArgs, args)
	}
	if kwargs != nil {
		c.SetKey(KeyKwargs, kwargs)
	}
	if options != nil {
		c.SetKey(KeyOptions, options)
	}
	return c, nil
}

// appendToListOption is Signature.append_to_list_option(key, value): the
// option becomes a list if it is not one, and value is added unless an
// equal value is already there.
func appendToListOption(sig *Dict, key string, value Value) error {
	opts, err := Options(sig)
	if err != nil {
		return attrError(sig.LookupKey(KeyOptions), "setdefault")
	}
	items, ok := opts.Get(key)
	if !ok {
		items = &List{}
		opts.Set(key, items)
	}
	l, isList := items.(*List)
	if !isList || l.Tuple() {
		l = NewList([]Value{items}...)
		opts.Set(key, l)
	}
	if !Contains(l.Items(), value) {
		l.AppendItems(value)
	}
	return nil
}

// Link is sig.link(callback) with each class's rule: a group links a clone
// made immutable to its first task, a chord links its body.
func Link(sig *Dict, callback Value) error {
	switch sig.Class() {
	case Group:
		cb, err := asSig(callback, "clone")
		if err != nil {
			return err
		}
		c, err := Clone(cb, nil, nil, nil)
		if err != nil {
			return err
		}
		if err := Set(nil, c, DictOf(Plain, []Pair{{KeyImmutable, true}})); err != nil {
			return err
		}
		tasks, err := Tasks(sig)
		if err != nil {
			return err
		}
		if z, ok := tasks.(*Lazy); ok { // tasks[0] of a _regen produces the first member
			if _, err := z.Consume(1); err != nil {
				return err
			}
			tasks = NewList(z.Consumed()...)
		}
		tl, ok := tasks.(*List)
		if !ok {
			return typeError("'%s' object is not subscriptable", TypeName(tasks))
		}
		if tl.Len() == 0 {
			return &PyError{"IndexError", fmt.Sprintf("%s index out of range", TypeName(tl))}
		}
		first, err := asSig(tl.Items()[0], "link")
		if err != nil {
			return err
		}
		return Link(first, c)
	case Chord:
		body, err := Body(sig)
		if err != nil {
			return err
		}
		b, err := asSig(body, "link")
		if err != nil {
			return err
		}
		return Link(b, callback)
	}
	return appendToListOption(sig, "link", callback)
}

// LinkError is sig.link_error(errback) with each class's rule: a group links
// an immutable clone to every task, a chord links its body and the nested
// chords of its header (task_allow_error_cb_on_chord_header is False).
func LinkError(sig *Dict, errback Value) error {
	switch sig.Class() {
	case Group:
		eb, err := MaybeSignature(errback, false)
		if err != nil {
			return err
		}
		tasks, err := Tasks(sig)
		if err != nil {
			return err
		}
		items, err := Iterate(tasks)
		if err != nil {
			return err
		}
		for _, t := range items {
			ts, err := asSig(t, "link_error")
			if err != nil {
				return err
			}
			es, err := asSig(eb, "clone")
			if err != nil {
				return err
			}
			c, err := Clone(es, nil, nil, DictOf(Plain, []Pair{{KeyImmutable, true}}))
			if err != nil {
				return err
			}
			if err := LinkError(ts, c); err != nil {
				return err
			}
		}
		return nil
	case Chord:
		eb, err := MaybeSignature(errback, false)
		if err != nil {
			return err
		}
		if err := AppCheck(sig); err != nil { // self.app.conf.task_allow_error_cb_on_chord_header
			return err
		}
		tasks, err := Tasks(sig)
		if err != nil {
			return err
		}
		for _, t := range maybeList(tasks) {
			if td, ok := t.(*Dict); ok && td.Class() == Chord {
				if err := LinkError(td, eb); err != nil {
					return err
				}
			}
		}
		body, err := Body(sig)
		if err != nil {
			return err
		}
		b, err := asSig(body, "link_error")
		if err != nil {
			return err
		}
		return LinkError(b, eb)
	}
	return appendToListOption(sig, "link_error", errback)
}

// OnError is sig.on_error(errback): link_error, returning the signature.
func OnError(sig *Dict, errback Value) error { return LinkError(sig, errback) }

// maybeList is kombu's maybe_list(v) or []: None gives nothing, a list or
// tuple its items, anything else (a dict, a string, a number) one item.
func maybeList(v Value) []Value {
	switch x := v.(type) {
	case nil:
		return nil
	case *List:
		return x.Items()
	}
	return []Value{v}
}

// MaybeList is kombu's maybe_list(v) or [], as the stamping traversal reads
// links: None gives nothing, a list its items, a single value one item.
func MaybeList(v Value) []Value { return maybeList(v) }
