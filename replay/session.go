package replay

import (
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/stamping/export"
	"github.com/stampede-dev/stampede/visitors"
)

// Format and Version name the session file format written by Encode (see
// FORMAT.md in this folder).
const (
	Format  = "stampede.session"
	Version = 1
)

// Session is an initial canvas and the ordered ops run on it, each stamp op
// with the recording of what its visitor returned.
type Session struct {
	// Version is the format version the session was read from: 0 for the
	// legacy {"canvas", "ops"} form, else Version.
	Version int
	// Name and Description are free text.
	Name, Description string
	// Canvas is the initial canvas as JSON (loaded with signature(dict)
	// when played).
	Canvas canvas.Value
	// Ops are the operations, in order.
	Ops []*Op
	// Extra holds the top-level keys this version does not know (e.g. a
	// scenario's "expect"), written back unchanged.
	Extra *canvas.Dict
}

// Op is one operation: a dict in the conformance corpus's `ops` form
// ({"op": "clone", "options": {...}}, see OpNames), optionally with "at", the
// path of the node it applies to (default "$", the whole canvas). A stamp op
// may carry its Recording.
type Op struct {
	Args   *canvas.Dict // the op's dict without "record"
	Record *Recording   // stamp ops: what the visitor returned

	bad canvas.Value // an op that is not a dict, kept to fail when played
}

// Name is the op's name ("stamp", "clone", ...).
func (o *Op) Name() string {
	if o.Args == nil {
		return "?"
	}
	s, _ := o.Args.Lookup("op").(string)
	return s
}

// At is the path of the node the op applies to ("$" for the whole canvas).
func (o *Op) At() string {
	if o.Args == nil {
		return "$"
	}
	p, err := opPath(o.Args)
	if err != nil {
		return "$"
	}
	return p
}

// Visitor is a stamp op's visitor name ("" for none).
func (o *Op) Visitor() string {
	if o.Args == nil {
		return ""
	}
	s, _ := o.Args.Lookup("visitor").(string)
	return s
}

// Summary is the op in one line, e.g. `replace at $.tasks[1] options={"queue": "q"}`.
func (o *Op) Summary() string {
	if o.Args == nil {
		return compactJSON(o.bad)
	}
	s := o.Name()
	if at := o.At(); at != "$" {
		s += " at " + at
	}
	for _, p := range o.Args.Pairs() {
		switch p.Key.String() {
		case "op", "at":
			continue
		}
		s += " " + p.Key.String() + "=" + compactJSON(p.Val)
	}
	return s
}

// OpArgs lists, for every op, the arguments it takes besides "op" and "at"
// (the conformance `ops` format), for a UI that builds ops from a menu.
var OpArgs = map[string][]string{
	"stamp":          {"visitor", "append_stamps", "headers"},
	"clone":          {"args", "kwargs", "options"},
	"set":            {"options", "immutable"},
	"merge":          {"args", "kwargs", "options"},
	"or":             {"other", "side"},
	"link":           {"sig"},
	"link_error":     {"sig"},
	"on_error":       {"sig"},
	"replace":        {"args", "kwargs", "options"},
	"json_roundtrip": {},
}

// NewOp builds an op: name is one of OpNames, at a node path ("" or "$" for
// the whole canvas) and args its arguments in the conformance form, e.g.
// NewOp("replace", "$.tasks[1]", {"options": {...}}).
func NewOp(name, at string, args *canvas.Dict) *Op {
	d := canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("op"), Val: name}})
	if at != "" && at != "$" {
		d.Set("at", at)
	}
	if args != nil {
		for _, p := range args.Pairs() {
			if p.Key.String() != "op" && p.Key.String() != "at" {
				d.SetKey(p.Key, p.Val)
			}
		}
	}
	return &Op{Args: d}
}

// NewSession starts a session on a canvas; its JSON is taken now, so later
// changes to c do not show in the session.
func NewSession(c canvas.Value) *Session {
	return &Session{Version: Version, Canvas: canvas.JSONCopy(c)}
}

// ReadSession reads a session file.
func ReadSession(path string) (*Session, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s, err := ParseSession(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// ParseSession reads a session: the versioned form, or the legacy
// {"canvas": ..., "ops": [...]} form (every other key kept in Extra).
func ParseSession(data []byte) (*Session, error) {
	v, err := canvas.Decode(data)
	if err != nil {
		return nil, err
	}
	doc, ok := v.(*canvas.Dict)
	if !ok || !doc.Has("canvas") {
		return nil, fmt.Errorf(`a session is a JSON object {"canvas": …, "ops": […]}`)
	}
	s := &Session{Extra: &canvas.Dict{}}
	if f, ok := doc.Get("format"); ok {
		if f != Format {
			return nil, fmt.Errorf("$.format is %s, not %q", compactJSON(f), Format)
		}
		ver, ok := doc.Lookup("version").(canvas.Int)
		n, err := strconv.Atoi(string(ver))
		if !ok || err != nil || n < 1 {
			return nil, fmt.Errorf("$.version must be a positive integer, not %s", compactJSON(doc.Lookup("version")))
		}
		if n > Version {
			return nil, fmt.Errorf("session version %d is newer than this stampede reads (up to %d)", n, Version)
		}
		s.Version = n
	}
	ops, isList := doc.Lookup("ops").(*canvas.List)
	if !isList {
		return nil, fmt.Errorf(`$.ops must be a list of operations`)
	}
	for _, p := range doc.Pairs() {
		switch p.Key.String() {
		case "format", "version", "ops":
		case "canvas":
			s.Canvas = p.Val
		case "name", "description":
			// A non-empty string of a versioned file is the field; anything
			// else (and everything in a legacy file) is kept as it was, and
			// written back in the field's place, so reading and writing a
			// session is the identity.
			text, isText := p.Val.(string)
			switch {
			case s.Version == 0 || !isText || text == "":
				s.Extra.SetKey(p.Key, p.Val)
			case p.Key.String() == "name":
				s.Name = text
			default:
				s.Description = text
			}
		default:
			s.Extra.SetKey(p.Key, p.Val)
		}
	}
	for i, raw := range ops.Items() {
		d, ok := raw.(*canvas.Dict)
		if !ok {
			// Kept as is: playing it fails at this op, as Run does.
			s.Ops = append(s.Ops, &Op{bad: raw})
			continue
		}
		op := &Op{Args: d.Copy()}
		if r, ok := d.Get("record"); ok {
			op.Args.Delete("record")
			if s.Version == 0 {
				return nil, fmt.Errorf("$.ops[%d].record: recordings need the versioned format (\"format\": %q)", i, Format)
			}
			rec, err := decodeRecording(r)
			if err != nil {
				return nil, fmt.Errorf("$.ops[%d].record: %w", i, err)
			}
			op.Record = rec
		}
		s.Ops = append(s.Ops, op)
	}
	return s, nil
}

// Encode writes the session in the current versioned format, indented by
// two spaces, with a final newline.
func (s *Session) Encode() ([]byte, error) { return s.EncodeIndent(2) }

// EncodeIndent is Encode indented by indent spaces, or on one line for a
// negative indent (a third of the size for a large canvas, for files only
// stampede reads, such as the TUI's recovery file).
func (s *Session) EncodeIndent(indent int) ([]byte, error) {
	b, err := canvas.Encode(s.document(), indent)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// EncodeTo writes Encode to w as it is made (canvas.EncodeTo): a session
// holds its canvas, which on a million signatures is hundreds of megabytes
// of JSON.
func (s *Session) EncodeTo(w io.Writer) error {
	if err := canvas.EncodeTo(w, s.document(), 2); err != nil {
		return err
	}
	_, err := w.Write([]byte{'\n'})
	return err
}

// document is the session as the JSON document Encode writes.
func (s *Session) document() *canvas.Dict {
	doc := canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("format"), Val: Format}, {Key: canvas.K("version"), Val: canvas.Int(strconv.Itoa(Version))}})
	for _, f := range [...]struct{ key, text string }{{"name", s.Name}, {"description", s.Description}} {
		switch {
		case f.text != "":
			doc.Set(f.key, f.text)
		case s.Extra != nil && s.Extra.Has(f.key):
			doc.Set(f.key, s.Extra.Lookup(f.key)) // kept as read, in the field's place
		}
	}
	doc.Set("canvas", s.Canvas)
	ops := canvas.NewList(make([]canvas.Value, len(s.Ops))...)
	for i, op := range s.Ops {
		if op.Args == nil {
			ops.Items()[i] = op.bad
			continue
		}
		d := op.Args.Copy()
		if op.Record != nil {
			d.Set("record", op.Record.encode())
		}
		ops.Items()[i] = d
	}
	doc.Set("ops", ops)
	if s.Extra != nil {
		for _, p := range s.Extra.Pairs() {
			if !doc.HasKey(p.Key) {
				doc.SetKey(p.Key, p.Val)
			}
		}
	}
	return doc
}

// Prefix is the session with only its first n ops (for undo: play it again).
func (s *Session) Prefix(n int) *Session {
	c := *s
	if n < len(s.Ops) {
		c.Ops = append([]*Op(nil), s.Ops[:n]...)
	}
	return &c
}

func (r *Recording) encode() *canvas.Dict {
	calls := canvas.NewList(make([]canvas.Value, len(r.Calls))...)
	for i := range r.Calls {
		calls.Items()[i] = r.Calls[i].encode()
	}
	d := canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("visitor"), Val: r.Visitor}})
	if len(r.Positions) > 0 {
		pos := &canvas.Dict{}
		for h := visitors.Hook(0); h < visitors.NumHooks; h++ {
			if p, ok := r.Positions[h]; ok {
				pos.Set(h.String(), p)
			}
		}
		d.Set("positions", pos)
	}
	d.Set("calls", calls)
	return d
}

func (c *Call) encode() *canvas.Dict {
	d := canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("hook"), Val: c.Hook.String()}, {Key: canvas.K("path"), Val: c.Path.String()}})
	if c.ID != nil {
		d.Set("id", c.ID)
	}
	if c.Mutated {
		d.Set("mutated", true)
	}
	switch {
	case c.Default:
		d.Set("default", true)
	case c.Err != "":
		d.Set("error", c.Err)
	case !c.Hook.IsEnd():
		d.Set("ret", c.Ret)
		if len(c.Tuples) > 0 {
			l := &canvas.List{}
			for _, p := range c.Tuples {
				l.AppendItems(encodePath(p))
			}
			d.Set("tuples", l)
		}
		if len(c.Refs) > 0 {
			l := &canvas.List{}
			for _, r := range c.Refs {
				rd := canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("at"), Val: encodePath(r.At)}, {Key: canvas.K("in"), Val: r.In}})
				if r.In == "call" {
					rd.Set("call", canvas.Int(strconv.Itoa(r.Call)))
				}
				rd.Set("path", encodePath(r.Path))
				l.AppendItems(rd)
			}
			d.Set("refs", l)
		}
	}
	return d
}

func encodePath(p Path) *canvas.List {
	l := canvas.NewList(make([]canvas.Value, len(p))...)
	for i, s := range p {
		switch k := s.(type) {
		case int:
			l.Items()[i] = canvas.Int(strconv.Itoa(k))
		default:
			l.Items()[i] = k
		}
	}
	return l
}

func decodePath(v canvas.Value) (Path, error) {
	l, ok := v.(*canvas.List)
	if !ok {
		return nil, fmt.Errorf("a path is a list of keys and indexes, not %s", canvas.TypeName(v))
	}
	p := Path{}
	for _, it := range l.Items() {
		switch k := it.(type) {
		case string:
			p = append(p, k)
		case canvas.Int:
			n, err := strconv.Atoi(string(k))
			if err != nil {
				return nil, fmt.Errorf("bad index %s", k)
			}
			p = append(p, n)
		default:
			return nil, fmt.Errorf("a path element is a key or an index, not %s", canvas.TypeName(it))
		}
	}
	return p, nil
}

func decodeRecording(v canvas.Value) (*Recording, error) {
	d, ok := v.(*canvas.Dict)
	if !ok {
		return nil, fmt.Errorf("must be an object, not %s", canvas.TypeName(v))
	}
	r := &Recording{}
	r.Visitor, _ = d.Lookup("visitor").(string)
	if pos, ok := d.Lookup("positions").(*canvas.Dict); ok {
		r.Positions = map[visitors.Hook]string{}
		for _, p := range pos.Pairs() {
			h, known := visitors.ParseHook(p.Key.String())
			s, isStr := p.Val.(string)
			if !known || !isStr {
				return nil, fmt.Errorf(".positions.%s: expected a hook name and a string", p.Key.String())
			}
			r.Positions[h] = s
		}
	}
	calls, ok := d.Lookup("calls").(*canvas.List)
	if !ok {
		return nil, fmt.Errorf(".calls must be a list")
	}
	for i, cv := range calls.Items() {
		c, err := decodeCall(cv)
		if err != nil {
			return nil, fmt.Errorf(".calls[%d]: %w", i, err)
		}
		r.Calls = append(r.Calls, c)
	}
	return r, nil
}

func decodeCall(v canvas.Value) (Call, error) {
	d, ok := v.(*canvas.Dict)
	if !ok {
		return Call{}, fmt.Errorf("must be an object, not %s", canvas.TypeName(v))
	}
	name, _ := d.Lookup("hook").(string)
	h, ok := visitors.ParseHook(name)
	if !ok {
		return Call{}, fmt.Errorf(".hook: unknown hook %s", compactJSON(d.Lookup("hook")))
	}
	c := Call{Hook: h, ID: d.Lookup("id")}
	ps, _ := d.Lookup("path").(string)
	if c.Path, ok = visitors.ParsePath(ps); !ok {
		return Call{}, fmt.Errorf(".path must be a path string like \"$.tasks[0]\", not %s", compactJSON(d.Lookup("path")))
	}
	c.Default = d.Lookup("default") == true
	c.Mutated = d.Lookup("mutated") == true
	if e, ok := d.Get("error"); ok {
		s, isStr := e.(string)
		if !isStr || s == "" {
			return Call{}, fmt.Errorf(".error must be a non-empty string")
		}
		c.Err = s
	}
	c.Ret = d.Lookup("ret")
	if t, ok := d.Lookup("tuples").(*canvas.List); ok {
		for i, pv := range t.Items() {
			p, err := decodePath(pv)
			if err != nil {
				return Call{}, fmt.Errorf(".tuples[%d]: %w", i, err)
			}
			c.Tuples = append(c.Tuples, p)
		}
	}
	if refs, ok := d.Lookup("refs").(*canvas.List); ok {
		for i, rv := range refs.Items() {
			rd, ok := rv.(*canvas.Dict)
			if !ok {
				return Call{}, fmt.Errorf(".refs[%d] must be an object", i)
			}
			var r Ref
			var err error
			if r.At, err = decodePath(rd.Lookup("at")); err != nil {
				return Call{}, fmt.Errorf(".refs[%d].at: %w", i, err)
			}
			if r.Path, err = decodePath(rd.Lookup("path")); err != nil {
				return Call{}, fmt.Errorf(".refs[%d].path: %w", i, err)
			}
			r.In, _ = rd.Lookup("in").(string)
			if r.In == "call" {
				n, ok := rd.Lookup("call").(canvas.Int)
				k, err := strconv.Atoi(string(n))
				if !ok || err != nil {
					return Call{}, fmt.Errorf(".refs[%d].call must be an integer", i)
				}
				r.Call = k
			}
			c.Refs = append(c.Refs, r)
		}
	}
	return c, nil
}

// WriteFile writes the session to path atomically (a temporary file renamed
// over it), so an interrupted save never leaves half a session.
func (s *Session) WriteFile(path string) error {
	st, err := export.StageFunc(path, s.EncodeTo)
	if err != nil {
		return err
	}
	return st.Commit()
}
