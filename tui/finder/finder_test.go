package finder

import (
	"strings"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/canvas/sample"
	"github.com/stampede-dev/stampede/tui/outline"
)

func TestCollectIndexesTaskIDAndStamps(t *testing.T) {
	root, err := canvas.Load(sample.OrderJSON)
	if err != nil {
		t.Fatal(err)
	}
	opts := outline.Options(root)
	opts.Set("mtask_id", "m-42")
	opts.Set("stamped_headers", canvas.NewList("mtask_id"))
	c := Collect(outline.RootNode(root))
	if len(c) != 13 {
		t.Fatalf("%d candidates, want the 13 nodes", len(c))
	}
	if c[0].Path != "$" || !strings.Contains(c[0].Text, "order-1042") || !strings.Contains(c[0].Text, `mtask_id="m-42"`) {
		t.Fatalf("root candidate %+v", c[0])
	}
	found := false
	for _, x := range c {
		if x.Path == "$.tasks[1].header[0]" && strings.Contains(x.Text, "shop.charge_card charge-1") {
			found = true
		}
	}
	if !found {
		t.Fatal("charge_card is not a candidate")
	}
}
