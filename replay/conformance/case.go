package conformance

import (
	"fmt"

	"github.com/stampede-dev/stampede/canvas"
)

// CompareCase checks an actual output against a corpus case, as the corpus's
// reference checker does. actual is {"canvas", "trace"} for a stamp case,
// {"canvas"} for a roundtrip case, {"snapshots", "traces"} (plus "error" when
// an op failed) for an ops case, or {"error": "..."}. An expected error only
// needs some error; an unexpected one is a mismatch.
func CompareCase(c *canvas.Dict, actual *canvas.Dict) error {
	exp, ok := c.Lookup("expect").(*canvas.Dict)
	if !ok {
		return fmt.Errorf("case has no expect object")
	}
	errText, _ := actual.Lookup("error").(string)
	switch kind, _ := c.Lookup("kind").(string); kind {
	case "stamp", "roundtrip":
		if exp.Has("error") {
			if errText == "" {
				return &Mismatch{"$", fmt.Sprintf("expected an error (Celery: %v), got none", exp.Lookup("error"))}
			}
			return nil
		}
		if errText != "" {
			return &Mismatch{"$", "unexpected error " + errText}
		}
		if !actual.Has("canvas") {
			return &Mismatch{"$", `actual output has no "canvas"`}
		}
		if err := Same(exp.Lookup("canvas"), actual.Lookup("canvas"), "$.canvas"); err != nil {
			return err
		}
		if kind == "stamp" {
			if !actual.Has("trace") {
				return &Mismatch{"$", `actual output has no "trace"`}
			}
			return Same(exp.Lookup("trace"), actual.Lookup("trace"), "$.trace")
		}
		return nil
	case "ops":
		ops, _ := c.Lookup("ops").(*canvas.List)
		opName := func(i int) string {
			if ops != nil && i < ops.Len() {
				if d, ok := ops.Items()[i].(*canvas.Dict); ok {
					s, _ := d.Lookup("op").(string)
					return s
				}
			}
			return "?"
		}
		expSnaps, _ := exp.Lookup("snapshots").(*canvas.List)
		expTraces, _ := exp.Lookup("traces").(*canvas.List)
		snaps, _ := actual.Lookup("snapshots").(*canvas.List)
		traces, _ := actual.Lookup("traces").(*canvas.List)
		if snaps == nil {
			snaps = &canvas.List{}
		}
		if traces == nil {
			traces = &canvas.List{}
		}
		n := expSnaps.Len()
		for i := 0; i < n; i++ {
			if i >= snaps.Len() {
				if errText != "" {
					return &Mismatch{fmt.Sprintf("$.snapshots[%d]", i), fmt.Sprintf("unexpected error at op %d (%s): %s", i, opName(i), errText)}
				}
				return &Mismatch{"$.snapshots", fmt.Sprintf("expected %d snapshots, got %d", n, snaps.Len())}
			}
			if err := Same(expSnaps.Items()[i], snaps.Items()[i], fmt.Sprintf("$.snapshots[%d] (after op %d: %s)", i, i, opName(i))); err != nil {
				return err
			}
			var at canvas.Value
			if i < traces.Len() {
				at = traces.Items()[i]
			}
			if err := Same(expTraces.Items()[i], at, fmt.Sprintf("$.traces[%d] (op %d: %s)", i, i, opName(i))); err != nil {
				return err
			}
		}
		if exp.Has("error") {
			if snaps.Len() > n {
				return &Mismatch{fmt.Sprintf("$.snapshots[%d]", n), fmt.Sprintf("expected op %d (%s) to fail (Celery: %v), got a snapshot", n, opName(n), exp.Lookup("error"))}
			}
			if errText == "" {
				return &Mismatch{"$", fmt.Sprintf("expected an error at op %d (%s) (Celery: %v), got none", n, opName(n), exp.Lookup("error"))}
			}
			return nil
		}
		if errText != "" {
			return &Mismatch{"$", "unexpected error " + errText}
		}
		if snaps.Len() != n {
			return &Mismatch{"$.snapshots", fmt.Sprintf("expected %d snapshots, got %d", n, snaps.Len())}
		}
		return nil
	default:
		return fmt.Errorf("unknown case kind %q", kind)
	}
}
