package stamping_test

import (
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/canvas/synth"
	"github.com/stampede-dev/stampede/stamping"
	"github.com/stampede-dev/stampede/visitors"
)

// TestUntracedMatchesTraced stamps every corpus case with and without
// keeping the steps: the canvas, the number of hook calls and the error
// must be the same, and an untraced run keeps no more than the calls in
// progress.
func TestUntracedMatchesTraced(t *testing.T) {
	for _, sc := range stampCases(t) {
		t.Run(sc.name, func(t *testing.T) {
			// Stamp shares the lists inside Headers, as Celery's **headers
			// does, so each run gets its own.
			headers := func() *canvas.Dict {
				if sc.headers == nil {
					return nil
				}
				return canvas.JSONCopy(sc.headers).(*canvas.Dict)
			}
			traced, v := sc.load(t)
			want, wantErr := stamping.Stamp(traced, stamping.Options{Visitor: v, Append: sc.append, Headers: headers()})
			untraced, v := sc.load(t)
			got, gotErr := stamping.Stamp(untraced, stamping.Options{Visitor: v, Append: sc.append, Headers: headers(), Untraced: true})
			if (wantErr == nil) != (gotErr == nil) || (wantErr != nil && wantErr.Error() != gotErr.Error()) {
				t.Fatalf("error %v, traced %v", gotErr, wantErr)
			}
			if got.Len() != want.Len() {
				t.Fatalf("%d hook calls, traced %d", got.Len(), want.Len())
			}
			if len(got.Steps) > 2 {
				t.Fatalf("an untraced run kept %d steps", len(got.Steps))
			}
			if a, b := canvas.MustEncode(untraced), canvas.MustEncode(traced); a != b {
				t.Fatalf("canvas\n%s\ntraced\n%s", a, b)
			}
		})
	}
}

// TestUntracedCannotRecord pins that a recorded run must keep its steps.
func TestUntracedCannotRecord(t *testing.T) {
	root, _ := synth.Nested(10)
	if _, err := stamping.Stamp(root, stamping.Options{Record: true, Untraced: true}); err == nil {
		t.Fatal("Record with Untraced must fail")
	}
}

// meddler is a Go visitor that breaks the rule and changes the headers it
// is given; it is not a visitors.HeadersReader.
type meddler struct{ visitors.Base }

func (meddler) Name() string { return "meddler" }

func (meddler) OnSignature(_ visitors.Target, headers *canvas.Dict) (canvas.Value, error) {
	headers.Set("meddled", true)
	if l, ok := headers.Lookup("stamped_headers").(*canvas.List); ok {
		l.AppendItems("meddled")
	}
	return canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("m"), Val: "1"}}), nil
}

// TestUntracedCopiesHeadersForOtherVisitors checks that only a
// visitors.HeadersReader gets the headers themselves in an untraced run:
// a visitor that changes its headers changes a copy, as when traced.
func TestUntracedCopiesHeadersForOtherVisitors(t *testing.T) {
	stamp := func(untraced bool) string {
		root, _ := synth.Nested(40)
		headers := canvas.DictOf(canvas.Plain, []canvas.Pair{{Key: canvas.K("origin"), Val: "cli"}})
		if _, err := stamping.Stamp(root, stamping.Options{Visitor: meddler{}, Headers: headers, Untraced: untraced}); err != nil {
			t.Fatal(err)
		}
		return canvas.MustEncode(root)
	}
	if got, want := stamp(true), stamp(false); got != want {
		t.Fatalf("untraced\n%s\ntraced\n%s", got, want)
	}
}
