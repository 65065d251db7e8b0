package stamping_test

import (
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/stamping"
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
	root, _ := nested(10)
	if _, err := stamping.Stamp(root, stamping.Options{Record: true, Untraced: true}); err == nil {
		t.Fatal("Record with Untraced must fail")
	}
}
