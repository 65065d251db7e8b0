package visitors

import (
	"sort"

	"github.com/google/uuid"

	"github.com/stampede-dev/stampede/canvas"
)

// MonitoringID is the seed documentation's MonitoringIdStampingVisitor: a
// fresh uuid4 `mtask_id` stamp on every signature.
type MonitoringID struct{ Base }

// Name is the visitor's name on the command line.
func (MonitoringID) Name() string { return "monitoring-id" }

// OnSignature stamps a new mtask_id.
func (MonitoringID) OnSignature(Target, *canvas.Dict) (canvas.Value, error) {
	d := canvas.NewDict(canvas.Plain, 2) // room for the stamped_headers Celery adds
	d.Pairs = append(d.Pairs, canvas.Pair{Key: "mtask_id", Val: uuid.NewString()})
	return d, nil
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
	"monitoring-id": {func() Visitor { return MonitoringID{} }, "a fresh uuid4 mtask_id on every signature (the Celery docs' example)"},
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
