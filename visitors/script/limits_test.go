package script_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/stamping"
	"github.com/stampede-dev/stampede/visitors/script"
)

// stampErr stamps the workflow with v and returns the script error.
func stampErr(t *testing.T, v *script.Visitor) *script.Error {
	t.Helper()
	_, err := stamping.Stamp(workflow(t), stamping.Options{Visitor: v})
	var se *script.Error
	if !errors.As(err, &se) {
		t.Fatalf("stamp: %v, want a script error", err)
	}
	return se
}

func TestTheRunHasAStepBudgetOverAllItsHooks(t *testing.T) {
	// 30 steps or so per call, far under the hook budget; the workflow
	// has 11 signatures, so a run budget of 100 runs out on the fourth.
	v := compile(t, "busy.star", "def on_signature(sig, **headers):\n    return {\"n\": len([i for i in range(10)])}\n")
	v.RunBudget = 100
	se := stampErr(t, v)
	if want := "on_signature stopped: the run used up its budget of 100 steps"; se.Msg != want {
		t.Errorf("error %q, want %q", se.Msg, want)
	}
	if v.TotalSteps() > 100 {
		t.Errorf("the run took %d steps, over its budget of 100", v.TotalSteps())
	}
}

func TestPrintOutputIsCappedPerRun(t *testing.T) {
	v := compile(t, "chatty.star", "def on_signature(sig, **headers):\n    print(\"x\" * 40)\n")
	v.MaxPrint = 100
	var got []string
	v.Print = func(msg string) { got = append(got, msg) }
	if _, err := stamping.Stamp(workflow(t), stamping.Options{Visitor: v}); err != nil {
		t.Fatal(err)
	}
	want := []string{strings.Repeat("x", 40), strings.Repeat("x", 40), "[print output passed 100 bytes in this run: the rest is dropped]"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("printed %q\nwant %q", got, want)
	}
	// a new run prints again
	got = nil
	if _, err := stamping.Stamp(workflow(t), stamping.Options{Visitor: v}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Errorf("the second run printed %d lines, want 3", len(got))
	}
}

func TestAHookResultHasASizeLimit(t *testing.T) {
	v := compile(t, "big.star", "def on_signature(sig, **headers):\n    return {\"l\": [\"abcdefgh\"] * 100}\n")
	v.MaxResult = 1000
	if se := stampErr(t, v); se.Msg != "on_signature returned more than 1000 bytes (the limit of one hook's result)" {
		t.Errorf("error %q", se.Msg)
	}
	v.MaxResult = 2000
	if _, err := stamping.Stamp(workflow(t), stamping.Options{Visitor: v}); err != nil {
		t.Errorf("a result under the limit failed: %v", err)
	}
}

// A result of many containers converts in linear time and keeps one
// object returned in two places as one.
func TestManyContainersInAResultStayShared(t *testing.T) {
	v := compile(t, "many.star", `
def on_signature(sig, **headers):
    shared = {"s": 1}
    return {"items": [{"i": i} for i in range(100)], "a": shared, "b": shared}
`)
	o := stampedOptions(t, v, "t-1")
	a, b := o.Lookup("a").(*canvas.Dict), o.Lookup("b").(*canvas.Dict)
	if a != b {
		t.Error("one dict returned in two places became two")
	}
	if items := o.Lookup("items").(*canvas.List); items.Len() != 100 || items.Items()[99].(*canvas.Dict).Lookup("i") != canvas.Int("99") {
		t.Errorf("items: %v", items)
	}
}

func TestJSONDecodeRefusesDeepText(t *testing.T) {
	v := compile(t, "deep.star", `
def on_signature(sig, **headers):
    shallow = json.decode('{"a": "[[[[[[[[[[[[[[[[[[[[["}')
    return {"ok": shallow["a"], "deep": json.decode("[" * 10001 + "]" * 10001)}
`)
	if se := stampErr(t, v); se.Msg != "json.decode: the text nests 10001 levels deep, over the limit of 10000" {
		t.Errorf("error %q", se.Msg)
	}
	v = compile(t, "ok.star", "def on_signature(sig, **headers):\n    return {\"d\": len(json.decode(\"[\" * 10000 + \"]\" * 10000))}\n")
	if _, err := stamping.Stamp(workflow(t), stamping.Options{Visitor: v}); err != nil {
		t.Errorf("text at the depth limit failed: %v", err)
	}
}

func TestAPanickingBuiltinIsAScriptError(t *testing.T) {
	v := compile(t, "panic.star", "def on_signature(sig, **headers):\n    return {\"n\": len(list(range(1 << 62)))}\n")
	se := stampErr(t, v)
	if !strings.HasPrefix(se.Msg, "on_signature stopped: the interpreter failed (") || se.Hook != "on_signature" {
		t.Errorf("error %+v", se)
	}
	// the visitor stays usable: the next run starts on a fresh thread and
	// fails the same way instead of crashing
	if _, err := stamping.Stamp(workflow(t), stamping.Options{Visitor: v}); err == nil {
		t.Error("the second run did not fail the same way")
	}
}

// A result that contains itself is stopped at the hook that returned it:
// the next hook would get headers without end, and no serializer could
// send it to a worker.
func TestAResultThatContainsItselfIsAnError(t *testing.T) {
	v := compile(t, "cycle.star", `
def on_chain_start(sig, **headers):
    state["self"] = state
    return {"k": state}
`)
	want := "on_chain_start returned a value that is not JSON: it contains itself, which no serializer can send (Circular reference detected)"
	if se := stampErr(t, v); se.Msg != want {
		t.Errorf("error %q\nwant  %q", se.Msg, want)
	}
	// one object in two places is not a cycle
	v = compile(t, "twice.star", `
def on_chain_start(sig, **headers):
    l = [1]
    return {"k": {"a": l, "b": l}}
`)
	if _, err := stamping.Stamp(workflow(t), stamping.Options{Visitor: v}); err != nil {
		t.Error(err)
	}
}
