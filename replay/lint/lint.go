// Package lint finds the pitfalls that lose or corrupt stamps before they
// happen: callbacks linked after stamping, stamp keys that are also Celery
// execution options or stamping-method arguments, one signature object reachable from
// several places, values JSON cannot carry, a stamped_headers list of the
// wrong shape, listed stamps without a value, chord bodies left unstamped
// and workflow-wide stamps that differ between siblings.
package lint

import (
	"fmt"
	"math"
	"math/big"
	"sort"
	"strings"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/replay"
)

// Warning is one pitfall found in a canvas.
type Warning struct {
	Check string // the check's name, e.g. "linked-after-stamping"
	Path  string // where (the first node concerned)
	Node  string // that node's label
	Key   string // the stamp key concerned, if any
	Msg   string
}

// String is the warning in one line: check, node, path, key and message.
func (w Warning) String() string {
	s := w.Check + ": " + w.Node + " at " + w.Path
	if w.Key != "" {
		s += ", stamp " + w.Key
	}
	return s + ": " + w.Msg
}

// Checks names every check, in the order they run.
var Checks = []string{
	"linked-after-stamping",
	"execution-option",
	"hook-argument",
	"shared-signature",
	"non-json",
	"stamped-headers-shape",
	"listed-without-value",
	"chord-body-unstamped",
	"sibling-mismatch",
}

// SendParameters are the parameters Celery's send_task and as_task_v2 take
// by name. A stamp with one of these names is consumed as that parameter
// when the task is sent, so when as_task_v2 then collects the stamps by
// name the key is missing and sending raises KeyError.
var SendParameters = []string{
	"add_to_parent", "args", "argsrepr", "callbacks", "chain", "chord", "connection",
	"countdown", "create_sent_event", "errbacks", "eta", "expires", "group_id",
	"group_index", "ignore_result", "kwargs", "kwargsrepr", "link", "link_error", "name",
	"now", "origin", "parent_id", "producer", "publisher", "replaced_task_nesting",
	"reply_to", "result_cls", "retries", "root_id", "route_name", "router", "shadow",
	"soft_time_limit", "task_id", "task_type", "time_limit", "timezone",
}

// DeliveryOptions are the execution options Celery passes on to the broker
// when it publishes a task. A stamp with one of these names is both a stamp
// and that option: its value changes routing or delivery, and send_task
// removes every stamped key from the options before publishing, so the
// option itself is dropped.
var DeliveryOptions = []string{
	"compression", "declare", "delivery_mode", "exchange", "exchange_type", "expiration",
	"headers", "mandatory", "priority", "queue", "retry", "retry_policy", "routing_key",
	"serializer",
}

// HookArguments are the parameter names of Celery's stamping methods that
// receive the stamps as **headers: StampingVisitor's hooks (sig, group,
// chain, callback, errback), Signature.stamp/stamp_links (visitor,
// append_stamps) and _stamp_headers (visitor_headers, self_headers). A stamp
// with one of these names makes Celery raise TypeError ("got multiple
// values for argument") when it passes the headers on.
var HookArguments = []string{
	"append_stamps", "callback", "chain", "errback", "group", "self", "self_headers", "sig",
	"visitor", "visitor_headers",
}

// Lint checks a canvas (in memory, so that shared objects can be seen).
func Lint(root *canvas.Dict) []Warning {
	nodes := replay.Nodes(root)
	st := map[*replay.Node]*replay.Stamps{}
	byDict := map[*canvas.Dict]*replay.Node{}
	stamped := false
	for _, n := range nodes {
		byDict[n.Sig] = n
		st[n] = replay.StampsOf(n.Sig)
		if len(st[n].Keys) > 0 {
			stamped = true
		}
	}
	var out []Warning
	warn := func(check string, n *replay.Node, key, format string, a ...any) {
		out = append(out, Warning{Check: check, Path: n.Path, Node: n.Label(), Key: key, Msg: fmt.Sprintf(format, a...)})
	}

	// linked-after-stamping
	if stamped {
		for _, n := range nodes {
			if !isLeaf(n) || len(st[n].Keys) > 0 || !isLink(n.Path) {
				continue
			}
			warn("linked-after-stamping", n, "", "this %s carries no stamps while the canvas is stamped: was it linked after stamp()? stamp() only stamps the links that exist when it runs", linkKind(n.Path))
		}
	}

	// execution-option and hook-argument: once per key.
	sendParam, delivery, hook := set(SendParameters), set(DeliveryOptions), set(HookArguments)
	type firstUse struct {
		n     *replay.Node
		count int
	}
	uses := map[string]*firstUse{}
	var keys []string
	for _, n := range nodes {
		for k := range st[n].Listed {
			u, ok := uses[k]
			if !ok {
				u = &firstUse{n: n}
				uses[k] = u
				keys = append(keys, k)
			}
			u.count++
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		u := uses[k]
		where := fmt.Sprintf("listed on %d signature(s)", u.count)
		switch {
		case k == "immutable":
			warn("execution-option", u.n, k, "%s: a stamp named immutable is written with set(immutable=…) into the signature's immutable flag, not into options: it is never a stamp, and it decides whether the task receives its parent's result", where)
		case sendParam[k]:
			warn("execution-option", u.n, k, "%s: %q is a parameter of Celery's send_task/as_task_v2; it is consumed as that parameter, and sending then fails with KeyError when Celery collects the stamps by name", where, k)
		case delivery[k]:
			warn("execution-option", u.n, k, "%s: %q is also a delivery option; its value is sent as a stamp but send_task drops stamped keys from the options it publishes with, so the option itself is lost", where, k)
		}
		if hook[k] {
			warn("hook-argument", u.n, k, "%s: %q is a parameter name of Celery's stamping methods; passing it on as **headers makes Celery raise TypeError (got multiple values for argument %q)", where, k, k)
		}
	}

	// shared-signature: one object, several places (in memory), or one
	// task_id on several signatures (its trace in JSON).
	byTaskID := map[string][]*replay.Node{}
	var ids []string
	for _, n := range nodes {
		if len(n.Paths) > 1 {
			warn("shared-signature", n, "", "one signature object is reachable from %d places (%s): stamping stamps it once per place and the last stamp wins (with append_stamps the values pile up in a list); mutating it changes every place", len(n.Paths), strings.Join(n.Paths, ", "))
		}
		if id, ok := n.TaskID().(string); ok && id != "" {
			if _, seen := byTaskID[id]; !seen {
				ids = append(ids, id)
			}
			byTaskID[id] = append(byTaskID[id], n)
		}
	}
	for _, id := range ids {
		ns := byTaskID[id]
		if len(ns) < 2 {
			continue
		}
		var paths []string
		for _, n := range ns {
			paths = append(paths, n.Path)
		}
		warn("shared-signature", ns[0], "", "task_id %q is on %d signatures (%s): they were one object or copies of one (| shares a chain's errback with every task, group.link_error clones it per task); each copy is stamped on its own and they can end up with different stamps", id, len(ns), strings.Join(paths, ", "))
	}

	// non-json, stamped-headers-shape, listed-without-value
	for _, n := range nodes {
		opts, _ := n.Sig.LookupKey(canvas.KeyOptions).(*canvas.Dict)
		if opts == nil {
			continue
		}
		s := st[n]
		for i, k := range s.Keys {
			if msg := nonJSON(s.Values[i], opts.Lookup(k)); msg != "" {
				warn("non-json", n, k, "%s", msg)
			}
		}
		if sh, ok := opts.GetKey(canvas.KeyStampedHeaders); ok {
			switch x := sh.(type) {
			case *canvas.List:
				for _, it := range x.Items() {
					if _, isStr := it.(string); !isStr {
						warn("stamped-headers-shape", n, "", "stamped_headers holds %s, which is not a key name: Celery looks stamps up by name", canvas.Repr(it))
						break
					}
				}
			case string:
				warn("stamped-headers-shape", n, "", "stamped_headers is the string %s, not a list: Celery iterates it character by character, so each character is taken as a stamp name", canvas.Repr(x))
			default:
				warn("stamped-headers-shape", n, "", "stamped_headers is a %s, not a list of names", canvas.TypeName(sh))
			}
		}
		var missing []string
		for k := range s.Listed {
			if !opts.Has(k) {
				missing = append(missing, k)
			}
		}
		sort.Strings(missing)
		for _, k := range missing {
			warn("listed-without-value", n, k, "%q is listed in stamped_headers but options has no value for it: as_task_v2 looks every listed stamp up in the options, so sending the task raises KeyError", k)
		}
	}

	// chord-body-unstamped
	for _, n := range nodes {
		if replay.Kind(n.Sig) != canvas.Chord {
			continue
		}
		header, body := chordParts(n, byDict)
		if len(header) == 0 || len(body) == 0 {
			continue
		}
		common := commonKeys(header, st)
		var missing []string
		for _, k := range common {
			inBody := false
			for _, b := range body {
				if _, ok := st[b].Get(k); ok {
					inBody = true
					break
				}
			}
			if !inBody {
				missing = append(missing, k)
			}
		}
		if len(missing) > 0 {
			warn("chord-body-unstamped", body[0], strings.Join(missing, ", "), "every header task of the chord at %s carries %s but its body does not: stamp() without a visitor skips chord bodies, and a body set or replaced after stamping carries nothing", n.Path, strings.Join(missing, ", "))
		}
	}

	// sibling-mismatch
	for _, n := range nodes {
		sibs := members(n, byDict)
		if len(sibs) < 2 {
			continue
		}
		var keys []string
		seen := map[string]bool{}
		for _, m := range sibs {
			for _, k := range st[m].Keys {
				if !seen[k] {
					seen[k] = true
					keys = append(keys, k)
				}
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			count := map[string]int{}
			text := map[*replay.Node]string{}
			for _, m := range sibs {
				if v, ok := st[m].Get(k); ok {
					t := canonicalText(v)
					text[m] = t
					count[t]++
				}
			}
			common, best := "", 1
			for t, c := range count {
				if c > best || (c == best && c > 1 && t < common) {
					common, best = t, c
				}
			}
			if best < 2 {
				continue // every value differs: a per-task stamp, not a workflow-wide one
			}
			for _, m := range sibs {
				t, has := text[m]
				switch {
				case !has:
					warn("sibling-mismatch", m, k, "%d of its siblings under %s share %s=%s, this one has no %s", best, n.Path, k, common, k)
				case t != common:
					warn("sibling-mismatch", m, k, "%d of its siblings under %s share %s=%s, this one has %s", best, n.Path, k, common, t)
				}
			}
		}
	}
	return out
}

func set(names []string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

func isLeaf(n *replay.Node) bool {
	switch replay.Kind(n.Sig) {
	case canvas.Chain, canvas.Group, canvas.Chord:
		return false
	}
	return true
}

// isLink reports whether the node's path ends in a callback or errback.
func isLink(path string) bool { return linkKind(path) != "" }

func linkKind(path string) string {
	i := strings.LastIndexByte(path, '.')
	if i < 0 {
		return ""
	}
	switch last := path[i+1:]; {
	case strings.HasPrefix(last, "link_error["):
		return "errback"
	case strings.HasPrefix(last, "link["):
		return "callback"
	}
	return ""
}

// children are the direct members of a composite node: its tasks, or a
// chord's header tasks.
func children(n *replay.Node) []canvas.Value {
	kw, _ := n.Sig.LookupKey(canvas.KeyKwargs).(*canvas.Dict)
	if kw == nil {
		return nil
	}
	switch replay.Kind(n.Sig) {
	case canvas.Chain, canvas.Group:
		return items(kw.LookupKey(canvas.KeyTasks))
	case canvas.Chord:
		h := kw.LookupKey(canvas.KeyHeader)
		if g, ok := h.(*canvas.Dict); ok && replay.Kind(g) == canvas.Group {
			if gkw, ok := g.LookupKey(canvas.KeyKwargs).(*canvas.Dict); ok {
				return items(gkw.LookupKey(canvas.KeyTasks))
			}
			return nil
		}
		return items(h)
	}
	return nil
}

func items(v canvas.Value) []canvas.Value {
	switch x := v.(type) {
	case *canvas.List:
		return x.Items()
	case *canvas.Dict:
		return []canvas.Value{x}
	}
	return nil
}

// members are the leaf signatures directly under a composite (its siblings
// set), as nodes.
func members(n *replay.Node, byDict map[*canvas.Dict]*replay.Node) []*replay.Node {
	var out []*replay.Node
	for _, c := range children(n) {
		d, ok := c.(*canvas.Dict)
		if !ok || replay.Kind(d) != canvas.Signature {
			continue
		}
		if m, ok := byDict[d]; ok {
			out = append(out, m)
		}
	}
	return out
}

// chordParts are the leaves (links left out) of a chord's header and of
// its body.
func chordParts(n *replay.Node, byDict map[*canvas.Dict]*replay.Node) (header, body []*replay.Node) {
	for _, sub := range replay.Nodes(n.Sig) {
		rel := strings.TrimPrefix(sub.Path, "$")
		m, ok := byDict[sub.Sig]
		if !ok || replay.Kind(m.Sig) != canvas.Signature || isLink(rel) {
			continue
		}
		switch {
		case strings.HasPrefix(rel, ".header"):
			header = append(header, m)
		case strings.HasPrefix(rel, ".body"):
			body = append(body, m)
		}
	}
	return header, body
}

// commonKeys are the stamp keys every node carries.
func commonKeys(ns []*replay.Node, st map[*replay.Node]*replay.Stamps) []string {
	var out []string
	for _, k := range st[ns[0]].Keys {
		all := true
		for _, n := range ns[1:] {
			if _, ok := st[n].Get(k); !ok {
				all = false
				break
			}
		}
		if all {
			out = append(out, k)
		}
	}
	return out
}

// nonJSON says what JSON would do to a stamp value that it cannot carry
// exactly ("" when it can). live is the value as held in memory (tuples
// are still tuples there).
func nonJSON(v, live canvas.Value) string {
	var msg string
	var walk func(x canvas.Value)
	walk = func(x canvas.Value) {
		if msg != "" {
			return
		}
		switch y := x.(type) {
		case float64:
			if math.IsNaN(y) || math.IsInf(y, 0) {
				msg = fmt.Sprintf("the value holds %s, which is not JSON: Python writes it as a bare %s that other JSON readers reject", canvas.FormatFloat(y), canvas.FormatFloat(y))
			}
		case canvas.Int:
			b, ok := new(big.Int).SetString(string(y), 10)
			if ok && b.CmpAbs(big.NewInt(1<<53)) > 0 {
				msg = fmt.Sprintf("the value holds the integer %s, beyond 2**53: a JSON reader that uses doubles (JavaScript, many monitoring tools) rounds it", y)
			}
		case *canvas.List:
			if y.Tuple() {
				msg = "the value holds a tuple: JSON turns it into a list, and after a round trip Celery's merge extends that list in place where it left the tuple alone"
				return
			}
			for _, it := range y.Items() {
				walk(it)
			}
		case *canvas.Dict:
			for _, p := range y.Pairs() {
				walk(p.Val)
			}
		}
	}
	walk(live)
	if msg == "" {
		walk(v)
	}
	return msg
}

// canonicalText is a value's JSON with object keys sorted.
func canonicalText(v canvas.Value) string {
	var b strings.Builder
	var walk func(x canvas.Value)
	walk = func(x canvas.Value) {
		switch y := x.(type) {
		case *canvas.Dict:
			keys := y.Keys()
			sort.Strings(keys)
			b.WriteByte('{')
			for i, k := range keys {
				if i > 0 {
					b.WriteString(", ")
				}
				b.Write(canvas.AppendQuoted(nil, k))
				b.WriteString(": ")
				walk(y.Lookup(k))
			}
			b.WriteByte('}')
		case *canvas.List:
			b.WriteByte('[')
			for i, it := range y.Items() {
				if i > 0 {
					b.WriteString(", ")
				}
				walk(it)
			}
			b.WriteByte(']')
		default:
			out, err := canvas.Encode(x, -1)
			if err != nil {
				b.WriteString("?")
			} else {
				b.Write(out)
			}
		}
	}
	walk(v)
	return b.String()
}
