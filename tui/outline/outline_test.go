package outline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/canvas/sample"
	"github.com/stampede-dev/stampede/stamping"
	"github.com/stampede-dev/stampede/visitors/script"
)

const corpus = "../../testdata/conformance"

// stepNodes checks that every step's path resolves, at the position right
// after the step, to a node holding the very options dict the hook saw.
func stepNodes(t *testing.T, name string, root *canvas.Dict, tr *stamping.Trace) {
	t.Helper()
	st, err := stamping.NewStepper(tr)
	if err != nil {
		t.Fatal(err)
	}
	for i := range tr.Steps {
		st.Goto(i + 1)
		s := &tr.Steps[i]
		path := s.Target.Path.String()
		idx, ok := Resolve(RootNode(root), path)
		if !ok {
			t.Errorf("%s: step %d (%s) path %s does not resolve (got as far as %v)", name, i, s.Hook, path, idx)
			continue
		}
		nodes, _ := At(RootNode(root), idx)
		n := nodes[len(nodes)-1]
		if n.Path != path && n.Kind() == "chord" && n.Path+".header" == path {
			// A chord header that is a list in the canvas (the group the hook
			// got was never stored there, or the header is still a list) is
			// shown by its chord.
			continue
		}
		if n.Path != path {
			t.Errorf("%s: step %d: resolved node says its path is %s, want %s", name, i, n.Path, path)
		}
		// A leaf keeps its options dict when a link's JSON form is turned
		// into a signature; a chain, group or chord link is rebuilt.
		want := Options(s.Target.Value)
		if want != nil && Kind(s.Target.Value) == "sig" && Options(n.Value) != want {
			t.Errorf("%s: step %d (%s) at %s: the resolved node is not the hook's node", name, i, s.Hook, path)
		}
	}
}

func TestEveryStepOfTheSampleResolvesToItsNode(t *testing.T) {
	root, err := canvas.Load(sample.OrderJSON)
	if err != nil {
		t.Fatal(err)
	}
	v, err := script.Load(filepath.Join(corpus, "visitors", "mark.star"))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := stamping.Stamp(root, stamping.Options{Visitor: v, Record: true})
	if err != nil {
		t.Fatal(err)
	}
	if tr.Len() < 10 {
		t.Fatalf("only %d steps", tr.Len())
	}
	stepNodes(t, "sample", root, tr)
}

func TestEveryStepOfTheCorpusResolvesToItsNode(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(corpus, "stamp", "*.json"))
	if len(files) == 0 {
		t.Fatal("no corpus cases found")
	}
	ran := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		c, err := canvas.Decode(data)
		if err != nil {
			t.Fatal(err)
		}
		cs := c.(*canvas.Dict)
		name, _ := cs.Lookup("visitor").(string)
		if name == "" || !strings.HasSuffix(name, ".star") {
			continue
		}
		root, err := canvas.SignatureOf(cs.Lookup("canvas"))
		if err != nil {
			continue // a case whose canvas Celery cannot load
		}
		v, err := script.Resolve(name, filepath.Join(corpus, "visitors"))
		if err != nil {
			t.Fatal(err)
		}
		appendStamps, _ := cs.Lookup("append_stamps").(bool)
		headers, _ := cs.Lookup("headers").(*canvas.Dict)
		tr, _ := stamping.Stamp(root, stamping.Options{Visitor: v, Append: appendStamps, Headers: headers, Record: true})
		stepNodes(t, filepath.Base(f), root, tr)
		ran++
	}
	if ran < 50 {
		t.Fatalf("only %d corpus cases had a script visitor", ran)
	}
}

func TestSampleOutline(t *testing.T) {
	root, err := canvas.Load(sample.OrderJSON)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	Walk(RootNode(root), func(n Node) bool {
		got = append(got, strings.Repeat("  ", n.Depth)+n.Role.String()+" "+n.Kind()+" "+TaskName(n.Value)+" "+ID(n.Value)+" "+n.Path)
		return true
	})
	want := []string{
		"root chain celery.chain order-1042 $",
		"  errback sig shop.alert_oncall alert-1 $.link_error[0]",
		"  task sig shop.fetch_order fetch-1 $.tasks[0]",
		"    link sig shop.audit_log audit-1 $.tasks[0].link[0]",
		"  task chord celery.chord pay-1 $.tasks[1]",
		"    header sig shop.charge_card charge-1 $.tasks[1].header[0]",
		"    header sig shop.reserve_stock reserve-1 $.tasks[1].header[1]",
		"    body chain celery.chain  $.tasks[1].body",
		"      task sig shop.create_invoice invoice-1 $.tasks[1].body.tasks[0]",
		"      task sig shop.mark_shipped ship-1 $.tasks[1].body.tasks[1]",
		"      task group celery.group notify-1 $.tasks[1].body.tasks[2]",
		"        task sig shop.email_receipt email-1 $.tasks[1].body.tasks[2].tasks[0]",
		"        task sig shop.sms_receipt sms-1 $.tasks[1].body.tasks[2].tasks[1]",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("outline:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestResolveRejectsPathsThatAreNotThere(t *testing.T) {
	root, _ := canvas.Load(sample.OrderJSON)
	for _, p := range []string{"", "tasks[0]", "$.tasks[9]", "$.tasks[0].body", "$.tasks[1].header[5]", "$.link[0]", "$.tasks[x]", "$.tasks[1].header[0]x"} {
		if idx, ok := Resolve(RootNode(root), p); ok {
			t.Errorf("Resolve(%q) = %v, want failure", p, idx)
		}
	}
}

func TestStampKeysIsASet(t *testing.T) {
	d, _ := canvas.Decode([]byte(`{"task": "t", "options": {"stamped_headers": ["a", "b", "a"], "a": 1, "b": 2}}`))
	if got := strings.Join(StampKeys(d), ","); got != "a,b" {
		t.Errorf("StampKeys = %s, want a,b", got)
	}
}
