package visitors

import (
	"encoding/hex"
	"sort"
	"strings"

	"github.com/google/uuid"

	"github.com/stampede-dev/stampede/canvas"
)

// MonitoringID is the seed documentation's MonitoringIdStampingVisitor: a
// fresh uuid4 `mtask_id` stamp on every signature.
type MonitoringID struct {
	Base
	ReadsHeaders
	MakesResults
	ids   string // uuids made ahead, 36 bytes each, handed out in order
	dicts canvas.OnePairDicts
}

// Name is the visitor's name on the command line.
func (*MonitoringID) Name() string { return "monitoring-id" }

// OnSignature stamps a new mtask_id.
func (m *MonitoringID) OnSignature(Target, *canvas.Dict) (canvas.Value, error) {
	if m.ids == "" {
		m.ids = uuidTexts(uuidBatch)
	}
	id := m.ids[:uuidLen]
	m.ids = m.ids[uuidLen:]
	return m.dicts.New(keyMtaskID, id), nil
}

// A uuid's text is 36 bytes. MonitoringID makes them 64 at a time in one
// string and hands out pieces of it: one allocation for 64 stamps instead
// of one each (a piece of a string shares its bytes).
const (
	uuidLen   = 36
	uuidBatch = 64
)

// uuidTexts returns n random (version 4) uuids as text, one after another.
func uuidTexts(n int) string {
	var b strings.Builder
	b.Grow(n * uuidLen)
	var text [uuidLen]byte
	for range n {
		u := uuid.New()
		hex.Encode(text[0:8], u[0:4])
		text[8] = '-'
		hex.Encode(text[9:13], u[4:6])
		text[13] = '-'
		hex.Encode(text[14:18], u[6:8])
		text[18] = '-'
		hex.Encode(text[19:23], u[8:10])
		text[23] = '-'
		hex.Encode(text[24:], u[10:])
		b.Write(text[:])
	}
	return b.String()
}

func init() {
	// Read random bytes for uuid4 in batches: one system call per 16
	// uuids instead of one each.
	uuid.EnableRandPool()
}

// builtins are the visitors that ship with stampede, by name, with one line
// describing each.
var builtins = map[string]struct {
	make func() Visitor
	doc  string
}{
	"monitoring-id": {func() Visitor { return &MonitoringID{} }, "a fresh uuid4 mtask_id on every signature (the Celery docs' example)"},
	"workflow-id":   {func() Visitor { return &WorkflowID{} }, "one workflow_id for the whole stamp run, on every signature"},
	"static":        {func() Visitor { return NewStatic(nil) }, "the headers given with -headers, stamped by the visitor on every signature"},
	"path":          {func() Visitor { return &NodePath{} }, `each signature's position in the canvas, e.g. "chain[1].header[0]"`},
	"depth":         {func() Visitor { return Depth{} }, "each signature's nesting depth (0 for the root)"},
	"traceparent":   {func() Visitor { return &Traceparent{} }, "W3C trace context: one trace per run, a span per node, parent = enclosing chain/group/chord"},
	"link-role":     {func() Visitor { return LinkRole{} }, "marks callbacks and errbacks with link_role and the task they hang from"},
	"audit":         {func() Visitor { return Audit{} }, `adds "audit" to a stamped_by list on every signature (use with -append)`},
}

// Builtin returns a new instance of the named built-in visitor.
func Builtin(name string) (Visitor, bool) {
	b, ok := builtins[name]
	if !ok {
		return nil, false
	}
	return b.make(), true
}

// BuiltinNames lists the built-in visitors' names, sorted.
func BuiltinNames() []string {
	names := make([]string, 0, len(builtins))
	for n := range builtins {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// BuiltinDoc is the one-line description of a built-in visitor.
func BuiltinDoc(name string) string { return builtins[name].doc }

// keyMtaskID is the key MonitoringID stamps, made once.
var keyMtaskID = canvas.K("mtask_id")
