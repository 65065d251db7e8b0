package canvas

import (
	"fmt"
	"strings"
	"testing"
)

// TestReprIsPythons pins Repr of strings to Python's repr(str): the quote
// Python picks, and the characters it escapes.
func TestReprIsPythons(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"a", `'a'`},
		{"it's", `"it's"`},
		{`say "hi"`, `'say "hi"'`},
		{`it's "x"`, `'it\'s "x"'`},
		{"back\\slash", `'back\\slash'`},
		{"a\nb\tc\rd", `'a\nb\tc\rd'`},
		{"\x00\x1f\x7f", `'\x00\x1f\x7f'`},
		{"\u00a0\u00ad\u00e9", `'\xa0\xad` + "\u00e9'"},
		{"\u2028\u200b", `'\u2028\u200b'`},
		{"\U0001F600\uFFFD", "'\U0001F600\uFFFD'"},
		{"\U000E0001", `'\U000e0001'`},
		{string(appendSurrogate(nil, 0xD800)) + "x", `'\ud800x'`},
	} {
		if got := Repr(tc.in); got != tc.want {
			t.Errorf("Repr(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// TestLoneSurrogatesSurvive checks that a lone UTF-16 surrogate, which
// Python's json.loads keeps, reads and writes back unchanged, while a pair
// is one character.
func TestLoneSurrogatesSurvive(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`"\ud800"`, `"\ud800"`},
		{`"\udc00x\ud83d\ude00"`, "\"\\udc00x\U0001F600\""},
		{`"\ud83d\u0041"`, `"\ud83dA"`},
		{`["\udbff", "\udfff"]`, `["\udbff", "\udfff"]`},
	} {
		v, err := Decode([]byte(tc.in))
		if err != nil {
			t.Fatalf("Decode(%s): %v", tc.in, err)
		}
		if got := MustEncode(v); got != tc.want {
			t.Errorf("%s came back as %s, want %s", tc.in, got, tc.want)
		}
	}
}

// TestBigObjectKeepsPythonsDuplicateRule checks the map the reader uses for
// objects of many keys: a repeated key keeps its first place and last value.
func TestBigObjectKeepsPythonsDuplicateRule(t *testing.T) {
	var b strings.Builder
	b.WriteString("{")
	for i := 0; i < 100; i++ {
		fmt.Fprintf(&b, `"k%d": %d, `, i, i)
	}
	b.WriteString(`"k5": "five", "k99": "last", "k3": null}`)
	v, err := Decode([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	d := v.(*Dict)
	if d.Len() != 100 || d.Pairs()[5].Key.String() != "k5" || d.Pairs()[5].Val != "five" || d.Pairs()[99].Val != "last" || d.Pairs()[3].Val != nil {
		t.Fatalf("got %s", MustEncode(d))
	}
}

// TestDeepValuesStayLinear checks that writing a deeply nested value
// indented stays proportional to its size, and reads back the same.
func TestDeepValuesStayLinear(t *testing.T) {
	const n = 10_000
	doc := strings.Repeat("[", n) + strings.Repeat("]", n)
	v, err := Decode([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	out, err := Encode(v, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) > 4*MaxIndentDepth*MaxIndentDepth+2*n {
		t.Errorf("%d bytes for a %d-byte document", len(out), len(doc))
	}
	back, err := Decode(out)
	if err != nil || MustEncode(back) != MustEncode(v) {
		t.Errorf("the indented form does not read back the same: %v", err)
	}
}

// TestTooDeepIsNotCircular checks that a value nested past MaxDepth is
// called that, and only a value that contains itself is circular.
func TestTooDeepIsNotCircular(t *testing.T) {
	var v Value = &List{}
	for i := 0; i < MaxDepth+1; i++ {
		v = NewList([]Value{v}...)
	}
	_, err := Encode(v, -1)
	if err == nil || err.Error() != "ValueError: the value is nested deeper than 1000000 levels" {
		t.Errorf("too deep: %v", err)
	}
	self := &List{}
	self.SetItems([]Value{DictOf(Plain, []Pair{{K("me"), self}})})
	_, err = Encode(self, 2)
	if err == nil || err.Error() != "ValueError: Circular reference detected" {
		t.Errorf("circular: %v", err)
	}
}

// TestDeepPathsStayShort checks that an error deep in a canvas names the
// first and last segments of its path and how many are left out.
func TestDeepPathsStayShort(t *testing.T) {
	err := error(keyError("x"))
	for i := 0; i < 100; i++ {
		err = at(err, fmt.Sprintf(".kwargs.tasks[%d]", i%10))
	}
	want := "at $.kwargs.tasks[9].kwargs.tasks[8].kwargs.tasks[7].kwargs.tasks[6].kwargs.tasks[5].kwargs.tasks[4].kwargs.tasks[3].kwargs.tasks[2]" +
		"…(84 more levels)…" +
		".kwargs.tasks[7].kwargs.tasks[6].kwargs.tasks[5].kwargs.tasks[4].kwargs.tasks[3].kwargs.tasks[2].kwargs.tasks[1].kwargs.tasks[0]: KeyError: 'x'"
	if err.Error() != want {
		t.Errorf("got  %s\nwant %s", err, want)
	}
	short := at(at(&PathError{Path: "$.body", Err: keyError("y")}, "[1]"), ".kwargs.header")
	if short.Error() != "at $.kwargs.header[1].body: KeyError: 'y'" {
		t.Errorf("got %s", short)
	}
}

// TestDecodeErrorPathsStayShort checks the same for the reader: a path of
// thousands of levels, or a key of a megabyte, keeps the error one short
// line, and a key that is not a plain name is quoted.
func TestDecodeErrorPathsStayShort(t *testing.T) {
	doc := `{"a": ` + strings.Repeat("[", 5000) + "x"
	_, err := Decode([]byte(doc))
	want := "line 1 column 5007 (at $.a[0][0][0][0][0][0][0]…(4985 more levels)…[0][0][0][0][0][0][0][0]): unexpected character 'x': expected a value"
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
	_, err = Decode([]byte(`{"a.b": {"\r": {"x y": {"ok_1-é": {"": tru}}}}}`))
	want = `line 1 column 41 (at $["a.b"]["\r"]["x y"].ok_1-é[""]): unexpected character 't': expected a value`
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
	key := strings.Repeat("é", 1<<19)
	_, err = Decode([]byte(`{"` + key + `": tru}`))
	want = "line 1 column 1048582 (at $." + strings.Repeat("é", 32) + "…): unexpected character 't': expected a value"
	if err == nil || err.Error() != want {
		t.Errorf("got  %.300v\nwant %s", err, want)
	}
}

// TestDeepCopyKeepsSharingPastTheSmallMemo checks that DeepCopy still
// copies an object met twice only once when the memo has become a map.
func TestDeepCopyKeepsSharingPastTheSmallMemo(t *testing.T) {
	shared := DictOf(Plain, []Pair{{K("s"), Int("1")}})
	l := &List{}
	for i := 0; i < 3*smallMemo; i++ {
		l.AppendItems(DictOf(Plain, []Pair{{K("i"), Int(fmt.Sprint(i))}}), shared)
	}
	c := DeepCopy(l).(*List)
	first := c.Items()[1].(*Dict)
	if first == shared {
		t.Fatal("the shared dict was not copied")
	}
	for i := 1; i < c.Len(); i += 2 {
		if c.Items()[i] != first {
			t.Fatalf("item %d is another copy of the shared dict", i)
		}
	}
	if MustEncode(c) != MustEncode(l) {
		t.Error("the copy differs")
	}
}
