package exporter

import (
	"path/filepath"
	"testing"
)

func TestDefaultsAreBesideTheInput(t *testing.T) {
	for _, tc := range []struct{ in, canvas, trace string }{
		{filepath.Join("a", "b", "order.json"), filepath.Join("a", "b", "order.stamped.json"), filepath.Join("a", "b", "order.trace.jsonl")},
		{"order.json", "order.stamped.json", "order.trace.jsonl"},
		{"sample:order.json", "order.stamped.json", "order.trace.jsonl"},
	} {
		c, tr := Defaults(tc.in)
		if c != tc.canvas || tr != tc.trace {
			t.Errorf("Defaults(%q) = %q, %q", tc.in, c, tr)
		}
	}
}
