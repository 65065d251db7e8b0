package diff

import (
	"testing"

	"github.com/stampede-dev/stampede/canvas"
)

func dict(t *testing.T, js string) *canvas.Dict {
	t.Helper()
	if js == "" {
		return nil
	}
	v, err := canvas.Decode([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	return v.(*canvas.Dict)
}

func TestOptions(t *testing.T) {
	for _, tc := range []struct {
		name, before, after string
		want                []Entry
		unchanged           int
	}{
		{"a stamp added", `{"task_id": "t"}`, `{"task_id": "t", "m": "x"}`,
			[]Entry{{Key: "m", Kind: Added}}, 1},
		{"a value changed", `{"m": "x"}`, `{"m": "y"}`,
			[]Entry{{Key: "m", Kind: Changed}}, 0},
		{"a key removed", `{"m": "x", "q": 1}`, `{"q": 1}`,
			[]Entry{{Key: "m", Kind: Removed}}, 1},
		{"a scalar became a list", `{"m": "x"}`, `{"m": ["x", "y"]}`,
			[]Entry{{Key: "m", Kind: Changed, Note: "scalar → list"}}, 0},
		{"a list became a scalar", `{"m": ["x"]}`, `{"m": "x"}`,
			[]Entry{{Key: "m", Kind: Changed, Note: "list → scalar"}}, 0},
		{"a list grew", `{"sh": ["a"]}`, `{"sh": ["a", "b", "c"]}`,
			[]Entry{{Key: "sh", Kind: Changed, Note: "+2 items"}}, 0},
		{"a list changed", `{"sh": ["a"]}`, `{"sh": ["b"]}`,
			[]Entry{{Key: "sh", Kind: Changed}}, 0},
		{"an int is not a float", `{"n": 1}`, `{"n": 1.0}`,
			[]Entry{{Key: "n", Kind: Changed, Note: "type int → float"}}, 0},
		{"no options before", "", `{"m": 1}`,
			[]Entry{{Key: "m", Kind: Added}}, 0},
		{"nothing changed", `{"m": [1, {"a": 2}]}`, `{"m": [1, {"a": 2}]}`, nil, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Options(dict(t, tc.before), dict(t, tc.after))
			if r.Unchanged != tc.unchanged {
				t.Errorf("unchanged %d, want %d", r.Unchanged, tc.unchanged)
			}
			if len(r.Entries) != len(tc.want) {
				t.Fatalf("entries %+v, want %+v", r.Entries, tc.want)
			}
			for i, w := range tc.want {
				g := r.Entries[i]
				if g.Key != w.Key || g.Kind != w.Kind || g.Note != w.Note {
					t.Errorf("entry %d = %s/%d/%q, want %s/%d/%q", i, g.Key, g.Kind, g.Note, w.Key, w.Kind, w.Note)
				}
			}
		})
	}
}
