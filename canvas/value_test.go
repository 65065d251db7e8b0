package canvas

import (
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// A loaded signature is three dicts and eight pairs; their sizes are what
// BenchmarkMemoryPerSignature measures, so a field added to either shows
// here first.
func TestDictAndPairSizes(t *testing.T) {
	if got := unsafe.Sizeof(Dict{}); got != 16 {
		t.Errorf("a Dict takes %d bytes, want 16", got)
	}
	if got := unsafe.Sizeof(Pair{}); got != 24 {
		t.Errorf("a Pair takes %d bytes, want 24", got)
	}
	if got := unsafe.Sizeof(List{}); got != 16 {
		t.Errorf("a List takes %d bytes, want 16", got)
	}
}

// The class shares a word with the capacity: setting one must keep the
// other, through appends that move the pairs and slices cut to no room.
func TestDictKeepsItsClassAndPairsApart(t *testing.T) {
	for c := Plain; c <= Chunks; c++ {
		d := NewDict(c, 1)
		for i := 0; i < 100; i++ {
			d.Set("k"+strconv.Itoa(i), Int(strconv.Itoa(i)))
			if d.Class() != c {
				t.Fatalf("%s: after %d keys the class is %s", c, i+1, d.Class())
			}
		}
		if ps := d.Pairs(); d.Len() != 100 || len(ps) != 100 || cap(ps) < 100 {
			t.Fatalf("%s: len %d, pairs %d/%d, want 100", c, d.Len(), len(ps), cap(ps))
		}
		for i, p := range d.Pairs() {
			if p.Key.String() != "k"+strconv.Itoa(i) || p.Val != Int(strconv.Itoa(i)) {
				t.Fatalf("%s: pair %d is %s=%v", c, i, p.Key, p.Val)
			}
		}
		capBefore := cap(d.Pairs())
		d.SetClass(Chord)
		if cap(d.Pairs()) != capBefore || d.Len() != 100 || d.Class() != Chord {
			t.Fatalf("%s: SetClass changed the pairs (%d/%d) or did not set the class (%s)", c, d.Len(), cap(d.Pairs()), d.Class())
		}
		d.SetClass(c)

		// An empty slice at the end of an array keeps no pointer to it,
		// and the dict still grows from there.
		arr := make([]Pair, 3)
		d.SetPairs(arr[3:])
		if d.p.array != nil || d.Len() != 0 || d.Class() != c {
			t.Fatalf("%s: an empty slice kept %p, len %d, class %s", c, d.p.array, d.Len(), d.Class())
		}
		d.Set("a", true)
		if v, ok := d.Get("a"); !ok || v != true || d.Len() != 1 || d.Class() != c {
			t.Fatalf("%s: after a Set on an empty dict: %v %v, len %d, class %s", c, v, ok, d.Len(), d.Class())
		}
	}
}

// Pairs aliases the dict's array: writing an element writes the dict, and
// a slice grown from it only becomes the dict's with SetPairs.
func TestDictPairsAliasesItsArray(t *testing.T) {
	d := NewDict(Signature, 4)
	d.Set("a", Int("1"))
	d.Pairs()[0].Val = Int("2")
	if d.Lookup("a") != Int("2") {
		t.Fatalf("writing through Pairs() was lost: a=%v", d.Lookup("a"))
	}
	grown := append(d.Pairs(), Pair{K("b"), true})
	if d.Has("b") || d.Len() != 1 {
		t.Fatalf("appending to Pairs() changed the dict: len %d", d.Len())
	}
	d.SetPairs(grown)
	if !d.Has("b") || d.Len() != 2 || d.Class() != Signature {
		t.Fatalf("SetPairs: len %d, class %s", d.Len(), d.Class())
	}
}

// The tuple flag shares a word with the capacity, as a Dict's class does.
func TestListKeepsItsTupleFlagAndItemsApart(t *testing.T) {
	for _, tuple := range []bool{false, true} {
		l := ListOf(nil, tuple)
		for i := 0; i < 100; i++ {
			l.AppendItems(Int(strconv.Itoa(i)))
			if l.Tuple() != tuple {
				t.Fatalf("tuple=%v: after %d items Tuple() is %v", tuple, i+1, l.Tuple())
			}
		}
		if items := l.Items(); l.Len() != 100 || len(items) != 100 || cap(items) < 100 {
			t.Fatalf("tuple=%v: len %d, items %d/%d", tuple, l.Len(), len(items), cap(items))
		}
		for i, v := range l.Items() {
			if v != Int(strconv.Itoa(i)) {
				t.Fatalf("tuple=%v: item %d is %v", tuple, i, v)
			}
		}
		capBefore := cap(l.Items())
		l.SetTuple(!tuple)
		if l.Tuple() == tuple || cap(l.Items()) != capBefore || l.Len() != 100 {
			t.Fatalf("tuple=%v: SetTuple changed the items (%d/%d) or missed the flag", tuple, l.Len(), cap(l.Items()))
		}
		l.SetTuple(tuple)
		arr := make([]Value, 3)
		l.SetItems(arr[3:])
		if l.p.array != nil || l.Len() != 0 || l.Tuple() != tuple {
			t.Fatalf("tuple=%v: an empty slice kept %p, len %d, tuple %v", tuple, l.p.array, l.Len(), l.Tuple())
		}
		l.AppendItems(true)
		if l.Len() != 1 || l.Items()[0] != true || l.Tuple() != tuple {
			t.Fatalf("tuple=%v: after an append to an empty list: len %d, tuple %v", tuple, l.Len(), l.Tuple())
		}
	}
}

// Keys are equal exactly when their texts are, however each was made: by
// K, by the decoder (recent-key slots, escapes, long keys) or as one of the
// package's own.
func TestKeysAreEqualExactlyWhenTheirTextsAre(t *testing.T) {
	long := strings.Repeat("k", 100)
	v, err := Decode([]byte(`{"options": 1, "op\u0074ions": 2, "` + long + `": 3, "": 4, "task_id": 5}`))
	if err != nil {
		t.Fatal(err)
	}
	ps := v.(*Dict).Pairs()
	if len(ps) != 4 {
		t.Fatalf("%d pairs, want 4 (the escaped key is the same key)", len(ps))
	}
	for i, want := range []Key{KeyOptions, K(long), K(""), KeyTaskID} {
		if ps[i].Key != want || ps[i].Key.String() != want.String() {
			t.Errorf("pair %d: key %q, want %q", i, ps[i].Key, want)
		}
	}
	if K("a") == K("b") || K("a") != K(string([]byte{'a'})) {
		t.Error("K compares texts wrongly")
	}
	if (Key{}).String() != "" || K("") == (Key{}) {
		t.Error("the zero Key must read as \"\" and differ from K(\"\")")
	}
}

// Dicts cut from one block are separate dicts: writing or growing one
// leaves its neighbours as they were.
func TestOnePairDictsAreSeparate(t *testing.T) {
	var b OnePairDicts
	ds := make([]*Dict, 3*onePairBlock)
	for i := range ds {
		ds[i] = b.New(KeyTaskID, Int(strconv.Itoa(i)))
	}
	ds[5].Set("more", true) // grows past its one pair
	ds[6].SetKey(KeyTaskID, "x")
	for i, d := range ds {
		want := Value(Int(strconv.Itoa(i)))
		switch i {
		case 6:
			want = "x"
		case 5:
			if d.Len() != 2 || d.Lookup("more") != true {
				t.Errorf("dict 5 did not grow: %d pairs", d.Len())
			}
		}
		if d.Class() != Plain || d.LookupKey(KeyTaskID) != want || (i != 5 && d.Len() != 1) {
			t.Errorf("dict %d: class %s, %d pairs, task_id %v, want %v", i, d.Class(), d.Len(), d.LookupKey(KeyTaskID), want)
		}
	}
}
