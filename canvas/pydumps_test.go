package canvas

import (
	"math"
	"testing"
)

// TestPyDumpsWritesPythonsText compares with the text Python 3's
// json.dumps gives for the same values and options.
func TestPyDumpsWritesPythonsText(t *testing.T) {
	// a lone surrogate, as JSON's "\ud800" loads, is kept as WTF-8
	s := "a\b\f\x7f\u2028\u00e9\U0001F600\xed\xa0\x80\x00\x1f"
	ascii, err := PyDumps(s, PyDumpDefaults(nil))
	if err != nil {
		t.Fatal(err)
	}
	if want := `"a\b\f\u007f\u2028\u00e9\ud83d\ude00\ud800\u0000\u001f"`; ascii != want {
		t.Errorf("ensure_ascii=True:\n got %s\nwant %s", ascii, want)
	}
	o := PyDumpDefaults(nil)
	o.EnsureASCII = false
	raw, err := PyDumps(s, o)
	if err != nil {
		t.Fatal(err)
	}
	if want := "\"a\\b\\f\x7f\u2028\u00e9\U0001F600\xed\xa0\x80\\u0000\\u001f\""; raw != want {
		t.Errorf("ensure_ascii=False:\n got %q\nwant %q", raw, want)
	}

	d := NewDict(Plain, 2)
	inner := NewDict(Plain, 2)
	inner.Set("z", nil)
	inner.Set("a", 1.5)
	d.Set("b", NewList(Int("1"), inner))
	d.Set("a", "x")
	o = PyDumpDefaults(PyIndent(3))
	o.SortKeys, o.ItemSep, o.KeySep = true, ";", "="
	got, err := PyDumps(d, o)
	if err != nil {
		t.Fatal(err)
	}
	want := "{\n   \"a\"=\"x\";\n   \"b\"=[\n      1;\n      {\n         \"a\"=1.5;\n         \"z\"=null\n      }\n   ]\n}"
	if got != want {
		t.Errorf("sort_keys, indent=3, separators=(';', '='):\n got %s\nwant %s", got, want)
	}
	if d.Pairs()[0].Key.String() != "b" {
		t.Error("sort_keys reordered the dict itself")
	}

	l := NewList()
	l.AppendItems(l)
	if _, err := PyDumps(l, PyDumpDefaults(nil)); err == nil || err.Error() != "ValueError: Circular reference detected" {
		t.Errorf("a list inside itself: %v", err)
	}
	o = PyDumpDefaults(nil)
	o.AllowNaN = false
	if _, err := PyDumps(NewList(Int("1"), math.Inf(1)), o); err == nil || err.Error() != "ValueError: Out of range float values are not JSON compliant" {
		t.Errorf("allow_nan=False with inf: %v", err)
	}
}
